"""Optimizers against hand-written loops from the papers' algorithm boxes (to 1e-12), schedules
against their formulas, acceleration on an ill-conditioned quadratic, every backend, errors.

The references below are deliberately slow and obvious: Python floats, one coordinate at a
time, each line as in the paper. They share nothing with ``mlkit.optim`` but the problem.
"""

from __future__ import annotations

import copy
import math
import re

import numpy as np
import pytest

from mlkit._testing import assert_allclose_xp
from mlkit.optim import (
    OPTIMIZERS,
    SCHEDULES,
    SGD,
    AdaGrad,
    Adam,
    Constant,
    CosineAnnealing,
    ExponentialDecay,
    InverseTimeDecay,
    LinearWarmup,
    Momentum,
    Nesterov,
    Optimizer,
    PiecewiseConstant,
    PolynomialDecay,
    RMSProp,
    get_optimizer,
    get_schedule,
)

RTOL = 1e-12

# ---------------------------------------------------------------------------------------------
# The quadratic f(w) = ½ wᵀAw − bᵀw, d = 3, and the hand references
# ---------------------------------------------------------------------------------------------

A = [[4.0, 1.0, 0.5], [1.0, 3.0, 0.2], [0.5, 0.2, 2.0]]  # symmetric, diagonally dominant: SPD
B = [1.0, -2.0, 0.5]
W0 = [0.3, -0.7, 1.1]
N_STEPS = 8
LRS = [0.1 / (1 + 0.2 * t) for t in range(N_STEPS)]  # a different rate at every step
D = range(3)


def grad_by_hand(w):
    return [sum(A[i][j] * w[j] for j in D) - B[i] for i in D]


def sgd_by_hand(lrs):
    w, path = list(W0), []
    for lr in lrs:
        g = grad_by_hand(w)
        w = [w[i] - lr * g[i] for i in D]
        path.append(w)
    return path


def heavy_ball_by_hand(lrs, mu):
    w, v, path = list(W0), [0.0] * 3, []
    for lr in lrs:
        g = grad_by_hand(w)
        v = [mu * v[i] - lr * g[i] for i in D]
        w = [w[i] + v[i] for i in D]
        path.append(w)
    return path


def sutskever_nesterov_by_hand(lrs, mu):
    """Sutskever et al. (2013), eqs. (3)-(4): the gradient at the look-ahead point θ + μv.
    Returns the path of θ and of v."""
    theta, v, thetas, vs = list(W0), [0.0] * 3, [], []
    for lr in lrs:
        g = grad_by_hand([theta[i] + mu * v[i] for i in D])
        v = [mu * v[i] - lr * g[i] for i in D]
        theta = [theta[i] + v[i] for i in D]
        thetas.append(theta)
        vs.append(v)
    return thetas, vs


def adagrad_by_hand(lrs, eps, G0):
    w, G, path = list(W0), [G0] * 3, []
    for lr in lrs:
        g = grad_by_hand(w)
        G = [G[i] + g[i] * g[i] for i in D]
        w = [w[i] - lr * g[i] / (math.sqrt(G[i]) + eps) for i in D]
        path.append(w)
    return path


def rmsprop_by_hand(lrs, rho, eps):
    w, E, path = list(W0), [0.0] * 3, []
    for lr in lrs:
        g = grad_by_hand(w)
        E = [rho * E[i] + (1 - rho) * g[i] * g[i] for i in D]
        w = [w[i] - lr * g[i] / (math.sqrt(E[i]) + eps) for i in D]
        path.append(w)
    return path


def adam_by_hand(lrs, beta1, beta2, eps_at):
    """Kingma & Ba (2015), Algorithm 1; ``eps_at(t)`` is ε at step t (a constant in the
    paper)."""
    w, m, v, path = list(W0), [0.0] * 3, [0.0] * 3, []
    for t, lr in enumerate(lrs, start=1):
        g = grad_by_hand(w)
        m = [beta1 * m[i] + (1 - beta1) * g[i] for i in D]
        v = [beta2 * v[i] + (1 - beta2) * g[i] * g[i] for i in D]
        m_hat = [m[i] / (1 - beta1**t) for i in D]
        v_hat = [v[i] / (1 - beta2**t) for i in D]
        w = [w[i] - lr * m_hat[i] / (math.sqrt(v_hat[i]) + eps_at(t)) for i in D]
        path.append(w)
    return path


def amsgrad_by_hand(lrs, beta1, beta2, eps):
    """Reddi et al. (2018), Algorithm 2, with Adam's bias correction on m and on max v (as in
    PyTorch). Also returns how many times the maximum kept an old value."""
    w, m, v, v_max, path, kept = list(W0), [0.0] * 3, [0.0] * 3, [0.0] * 3, [], 0
    for t, lr in enumerate(lrs, start=1):
        g = grad_by_hand(w)
        m = [beta1 * m[i] + (1 - beta1) * g[i] for i in D]
        v = [beta2 * v[i] + (1 - beta2) * g[i] * g[i] for i in D]
        kept += sum(v_max[i] > v[i] for i in D)
        v_max = [max(v_max[i], v[i]) for i in D]
        m_hat = [m[i] / (1 - beta1**t) for i in D]
        v_hat = [v_max[i] / (1 - beta2**t) for i in D]
        w = [w[i] - lr * m_hat[i] / (math.sqrt(v_hat[i]) + eps) for i in D]
        path.append(w)
    return path, kept


def adam_epsilon_hat_by_hand(lrs, beta1, beta2, eps_hat):
    """Kingma & Ba (2015), end of Section 2: the last three lines of Algorithm 1 reordered."""
    w, m, v, path = list(W0), [0.0] * 3, [0.0] * 3, []
    for t, lr in enumerate(lrs, start=1):
        g = grad_by_hand(w)
        m = [beta1 * m[i] + (1 - beta1) * g[i] for i in D]
        v = [beta2 * v[i] + (1 - beta2) * g[i] * g[i] for i in D]
        alpha = lr * math.sqrt(1 - beta2**t) / (1 - beta1**t)
        w = [w[i] - alpha * m[i] / (math.sqrt(v[i]) + eps_hat) for i in D]
        path.append(w)
    return path


def run(opt, lrs=LRS):
    """Our optimizer on the same quadratic, the gradient computed by NumPy."""
    A_, b_ = np.asarray(A), np.asarray(B)
    w = np.asarray(W0)
    state = opt.init(w)
    path = []
    for lr in lrs:
        w, state = opt.step(w, A_ @ w - b_, state, lr)
        path.append(w)
    return np.asarray(path), state


HAND_CASES = [
    (SGD(), lambda: sgd_by_hand(LRS)),
    (Momentum(), lambda: heavy_ball_by_hand(LRS, 0.9)),
    (Momentum(momentum=0.5), lambda: heavy_ball_by_hand(LRS, 0.5)),
    (AdaGrad(), lambda: adagrad_by_hand(LRS, 1e-10, 0.0)),
    (AdaGrad(epsilon=0.1, initial_accumulator=0.3), lambda: adagrad_by_hand(LRS, 0.1, 0.3)),
    (RMSProp(), lambda: rmsprop_by_hand(LRS, 0.9, 1e-8)),
    (RMSProp(rho=0.5, epsilon=0.05), lambda: rmsprop_by_hand(LRS, 0.5, 0.05)),
    (Adam(), lambda: adam_by_hand(LRS, 0.9, 0.999, lambda t: 1e-8)),
    (Adam(beta1=0.5, beta2=0.8, epsilon=0.05), lambda: adam_by_hand(LRS, 0.5, 0.8, lambda t: 0.05)),
    (Adam(epsilon_hat=True), lambda: adam_epsilon_hat_by_hand(LRS, 0.9, 0.999, 1e-8)),
    (Adam(beta1=0.5, beta2=0.8, epsilon=0.05, epsilon_hat=True),
     lambda: adam_epsilon_hat_by_hand(LRS, 0.5, 0.8, 0.05)),
]


@pytest.mark.parametrize("opt,reference", HAND_CASES, ids=[repr(c[0]) for c in HAND_CASES])
def test_steps_equal_the_papers_algorithm_by_hand(opt, reference):
    ours, state = run(opt)
    np.testing.assert_allclose(ours, np.asarray(reference()), rtol=RTOL)
    assert state.t == N_STEPS


@pytest.mark.parametrize("mu", [0.9, 0.5])
def test_nesterov_is_sutskevers_look_ahead_form_at_theta_plus_mu_v(mu):
    ours, state = run(Nesterov(momentum=mu))
    thetas, vs = sutskever_nesterov_by_hand(LRS, mu)
    thetas, vs = np.asarray(thetas), np.asarray(vs)
    np.testing.assert_allclose(ours, thetas + mu * vs, rtol=RTOL)  # Θ_t = θ_t + μ v_t
    np.testing.assert_allclose(state.velocity, vs[-1], rtol=RTOL)
    assert np.max(np.abs(ours - thetas)) > 1e-3  # Θ and θ are different points


def test_amsgrad_equals_reddi_et_al_with_bias_correction():
    # beta2 small and a falling gradient, so that v decreases and the maximum matters
    beta1, beta2, eps = 0.9, 0.5, 1e-8
    lrs = [0.3] * N_STEPS
    ours, state = run(Adam(beta1=beta1, beta2=beta2, epsilon=eps, amsgrad=True), lrs)
    reference, kept = amsgrad_by_hand(lrs, beta1, beta2, eps)
    np.testing.assert_allclose(ours, np.asarray(reference), rtol=RTOL)
    assert kept > 0, "the test must reach a step where max(v_max, v) keeps v_max"
    adam = adam_by_hand(lrs, beta1, beta2, lambda t: eps)
    assert np.max(np.abs(ours - np.asarray(adam))) > 1e-3  # and there it differs from Adam


def test_epsilon_hat_is_algorithm_1_with_a_falling_epsilon():
    # ε̂ large enough to matter: the ordering is Algorithm 1 with ε_t = ε̂ / √(1 − β2^t)
    beta1, beta2, eps_hat = 0.9, 0.999, 0.1
    ours, _ = run(Adam(beta1=beta1, beta2=beta2, epsilon=eps_hat, epsilon_hat=True))
    falling = adam_by_hand(LRS, beta1, beta2, lambda t: eps_hat / math.sqrt(1 - beta2**t))
    np.testing.assert_allclose(ours, np.asarray(falling), rtol=RTOL)
    # and not with ε̂ itself, nor with ε̂ √(1 − β2^t): the relation goes the other way
    for eps_at in (lambda t: eps_hat, lambda t: eps_hat * math.sqrt(1 - beta2**t)):
        other = adam_by_hand(LRS, beta1, beta2, eps_at)
        assert np.max(np.abs(ours - np.asarray(other))) > 1e-3


# ---------------------------------------------------------------------------------------------
# Structure, purity, dtype
# ---------------------------------------------------------------------------------------------

ALL_OPTIMIZERS = [factory() for factory in OPTIMIZERS.values()] + [
    Adam(epsilon_hat=True),
    AdaGrad(initial_accumulator=0.1),
]
IDS = [repr(o) for o in ALL_OPTIMIZERS]

SCALES = [np.array([[1.0, 2.0, 3.0], [0.5, 4.0, 1.5]]), np.array([2.0, 0.25, 1.0, 3.0])]
TARGETS = [np.array([[0.1, -0.2, 0.3], [1.0, 0.0, -1.0]]), np.array([0.5, 2.0, -1.0, 0.0])]
STARTS = [np.array([[1.0, -1.0, 0.5], [0.2, 0.3, -0.4]]), np.array([0.0, 1.0, 2.0, -3.0])]


def _grads(params):
    # f = Σ ½ s (w − c)², separable: each array's gradient depends on that array alone
    return [s * (w - c) for w, s, c in zip(params, SCALES, TARGETS, strict=True)]


def _run_structured(opt, params, n=6):
    state = opt.init(params)
    for t in range(n):
        params, state = opt.step(params, type(params)(_grads(params)), state, 0.05 + 0.01 * t)
    return params, state


@pytest.mark.parametrize("opt", ALL_OPTIMIZERS, ids=IDS)
def test_a_list_of_arrays_equals_each_array_alone(opt):
    together, state = _run_structured(opt, list(STARTS))
    as_tuple, _ = _run_structured(opt, tuple(STARTS))
    assert isinstance(together, list) and isinstance(as_tuple, tuple) and len(together) == 2
    for k in range(2):
        w = STARTS[k]
        alone_state = opt.init(w)
        for t in range(6):
            w, alone_state = opt.step(w, SCALES[k] * (w - TARGETS[k]), alone_state, 0.05 + 0.01 * t)
        assert isinstance(w, np.ndarray) and w.shape == STARTS[k].shape
        np.testing.assert_array_equal(together[k], w)
        np.testing.assert_array_equal(as_tuple[k], w)
        for field, whole, one in zip(state._fields, state, alone_state, strict=True):
            if field == "t":
                assert whole == one == 6
            elif whole is not None:
                np.testing.assert_array_equal(whole[k], one)


def _copy(tree):
    return copy.deepcopy(tree)


def _assert_same(a, b):
    if isinstance(a, list | tuple):
        assert type(a) is type(b) and len(a) == len(b)
        for x, y in zip(a, b, strict=True):
            _assert_same(x, y)
    elif a is None or isinstance(a, int):
        assert a == b
    else:
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("opt", ALL_OPTIMIZERS, ids=IDS)
def test_step_modifies_none_of_its_inputs(opt):
    params, state = _run_structured(opt, list(STARTS), n=3)  # a state that is not all zeros
    grads = _grads(params)
    before = _copy((params, grads, tuple(state)))
    new_params, new_state = opt.step(params, grads, state, 0.1)
    _assert_same((params, grads, tuple(state)), before)
    assert all(n is not p for n, p in zip(new_params, params, strict=True))
    assert new_state.t == state.t + 1


@pytest.mark.parametrize("opt", ALL_OPTIMIZERS, ids=IDS)
def test_float32_stays_float32(opt):
    w = STARTS[0].astype(np.float32)
    state = opt.init(w)
    for _ in range(3):
        w, state = opt.step(w, (SCALES[0] * (w - TARGETS[0])).astype(np.float32), state, 0.1)
    assert w.dtype == np.float32
    assert all(f.dtype == np.float32 for f in state[1:] if f is not None)


@pytest.mark.parametrize("opt", ALL_OPTIMIZERS, ids=IDS)
def test_every_backend_gives_the_numpy_result_on_its_device(opt, backend):
    expected, expected_state = _run_structured(opt, list(STARTS), n=5)
    S = [backend.asarray(s) for s in SCALES]
    C = [backend.asarray(c) for c in TARGETS]
    params = [backend.asarray(w) for w in STARTS]
    state = opt.init(params)
    for t in range(5):
        grads = [s * (w - c) for w, s, c in zip(params, S, C, strict=True)]
        params, state = opt.step(params, grads, state, 0.05 + 0.01 * t)
    assert isinstance(params, list)
    check = dict(namespace=backend.name, device=backend.device, dtype="float64", rtol=1e-12)
    for ours, theirs in zip(params, expected, strict=True):
        assert_allclose_xp(ours, theirs, **check)
    for field, ours, theirs in zip(state._fields[1:], state[1:], expected_state[1:],
                                   strict=True):
        if theirs is None:
            assert ours is None
            continue
        for a, b in zip(ours, theirs, strict=True):
            assert_allclose_xp(a, b, err_msg=field, **check)


# ---------------------------------------------------------------------------------------------
# Acceleration on an ill-conditioned quadratic
# ---------------------------------------------------------------------------------------------


def _ill_conditioned(d=10, kappa=100.0):
    rng = np.random.default_rng(0)
    Q, _ = np.linalg.qr(rng.normal(size=(d, d)))
    eigenvalues = np.geomspace(1.0, kappa, d)
    return Q @ np.diag(eigenvalues) @ Q.T, rng.normal(size=d), eigenvalues[0], eigenvalues[-1]


def _steps_to_converge(opt, schedule, H, b, w_star, cap=5000):
    w = np.zeros_like(b)
    state = opt.init(w)
    for t in range(cap):
        if np.linalg.norm(w - w_star) <= 1e-6 * np.linalg.norm(w_star):
            return t
        w, state = opt.step(w, H @ w - b, state, schedule(t))
    return math.inf


def test_momentum_nesterov_and_adam_need_fewer_steps_than_gradient_descent():
    H, b, m, L = _ill_conditioned()
    w_star = np.linalg.solve(H, b)
    kappa = L / m
    root = (math.sqrt(kappa) - 1) / (math.sqrt(kappa) + 1)

    def count(opt, schedule):
        return _steps_to_converge(opt, schedule, H, b, w_star)

    steps = {
        "gd 1/L": count(SGD(), Constant(1 / L)),
        "gd 2/(L+m)": count(SGD(), Constant(2 / (L + m))),  # the best constant step
        "heavy ball": count(Momentum(momentum=root**2),
                            Constant(4 / (math.sqrt(L) + math.sqrt(m)) ** 2)),
        "nesterov": count(Nesterov(momentum=root), Constant(1 / L)),
        "adam": count(Adam(), Constant(0.1)),
        "adagrad": count(AdaGrad(), Constant(0.3)),
        "rmsprop": count(RMSProp(), ExponentialDecay(0.1, 0.1, decay_steps=300)),
    }
    print(steps)
    gd = min(steps["gd 1/L"], steps["gd 2/(L+m)"])
    assert gd < math.inf
    for name in ("heavy ball", "nesterov", "adam"):
        assert steps[name] < gd, steps
    # the adaptive methods converge too (RMSProp's constant rate oscillates: it needs decay)
    assert steps["adagrad"] < math.inf and steps["rmsprop"] < math.inf, steps
    # the theory's ordering: heavy ball's rate (√κ−1)/(√κ+1) beats Nesterov's 1 − 1/√κ
    assert steps["heavy ball"] < steps["nesterov"], steps


# ---------------------------------------------------------------------------------------------
# Schedules
# ---------------------------------------------------------------------------------------------

STEPS = [0, 1, 2, 5, 9, 10, 11, 49, 50, 99, 100, 250]


def _sgdr_by_hand(t, eta0, T0, t_mult, eta_min=0.0):
    start, length = 0, T0
    while t >= start + length:
        start, length = start + length, length * t_mult
    return eta_min + 0.5 * (eta0 - eta_min) * (1 + math.cos(math.pi * (t - start) / length))


SCHEDULE_CASES = [
    (Constant(0.3), lambda t: 0.3),
    (PiecewiseConstant((10, 50, 100), (1.0, 0.5, 0.25, 0.125)),
     lambda t: 1.0 if t < 10 else 0.5 if t < 50 else 0.25 if t < 100 else 0.125),
    (PiecewiseConstant((), (0.7,)), lambda t: 0.7),
    (ExponentialDecay(0.5, 0.3, decay_steps=10), lambda t: 0.5 * 0.3 ** (t / 10)),
    (ExponentialDecay(0.5, 0.3, decay_steps=10, staircase=True),
     lambda t: 0.5 * 0.3 ** math.floor(t / 10)),
    (InverseTimeDecay(0.5, 2.0, decay_steps=10), lambda t: 0.5 / (1 + 2.0 * t / 10)),
    (InverseTimeDecay(0.5), lambda t: 0.5 / (1 + t)),
    (PolynomialDecay(0.5, 100, end=0.01, power=2.0),
     lambda t: (0.5 - 0.01) * (1 - min(t, 100) / 100) ** 2 + 0.01),
    (PolynomialDecay(0.5, 50), lambda t: 0.5 * (1 - min(t, 50) / 50)),
    (CosineAnnealing(0.5, 50, minimum=0.05),
     lambda t: 0.05 + 0.5 * (0.5 - 0.05) * (1 + math.cos(math.pi * min(t, 50) / 50))),
    (CosineAnnealing(0.5, 10, restarts=True, t_mult=2), lambda t: _sgdr_by_hand(t, 0.5, 10, 2)),
    (CosineAnnealing(0.5, 10, minimum=0.1, restarts=True),
     lambda t: _sgdr_by_hand(t, 0.5, 10, 1, 0.1)),
    (CosineAnnealing(0.5, 7, restarts=True, t_mult=3), lambda t: _sgdr_by_hand(t, 0.5, 7, 3)),
    (LinearWarmup(ExponentialDecay(0.5, 0.3, 10), 10, start=0.05),
     lambda t: 0.05 + (0.5 - 0.05) * t / 10 if t < 10 else 0.5 * 0.3 ** ((t - 10) / 10)),
    (LinearWarmup(Constant(0.2), 0), lambda t: 0.2),
]


@pytest.mark.parametrize("schedule,formula", SCHEDULE_CASES,
                         ids=[repr(c[0]) for c in SCHEDULE_CASES])
def test_schedule_equals_its_formula_scalar_and_vectorized(schedule, formula):
    expected = np.array([formula(t) for t in STEPS])
    scalar = [schedule(t) for t in STEPS]
    assert all(type(s) is float for s in scalar)
    np.testing.assert_allclose(scalar, expected, rtol=RTOL, atol=1e-15)
    np.testing.assert_allclose([schedule(np.int64(t)) for t in STEPS], expected, rtol=RTOL,
                               atol=1e-15)
    vectorized = schedule(np.asarray(STEPS))
    assert isinstance(vectorized, np.ndarray) and vectorized.dtype == np.float64
    np.testing.assert_allclose(vectorized, expected, rtol=RTOL, atol=1e-15)
    grid = schedule(np.asarray(STEPS, dtype=np.int32).reshape(3, 4))
    np.testing.assert_allclose(grid, expected.reshape(3, 4), rtol=RTOL, atol=1e-15)


@pytest.mark.parametrize("t_mult,restarts", [
    (2, [10, 30, 70, 150, 310]),  # 10, 10+20, 10+20+40, ...
    (1, [10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120, 130, 140, 150, 160, 170, 180, 190,
         200, 210, 220, 230, 240, 250, 260, 270, 280, 290, 300, 310]),
    (3, [10, 40, 130]),  # 10, 10+30, 10+30+90
])
def test_cosine_restarts_exactly_at_the_end_of_each_period(t_mult, restarts):
    s = CosineAnnealing(1.0, period=10, minimum=0.1, restarts=True, t_mult=t_mult)
    rates = s(np.arange(320))
    rising = [t for t in range(1, 320) if rates[t] > rates[t - 1]]
    assert rising == restarts
    assert all(s(t) == 1.0 for t in [0, *restarts])
    assert np.all(rates >= 0.1) and np.all(rates <= 1.0)


def test_cosine_without_restarts_stays_at_the_minimum():
    s = CosineAnnealing(1.0, period=10, minimum=0.1)
    assert s(0) == 1.0 and s(5) == pytest.approx(0.55, rel=1e-15)
    assert s(10) == s(11) == s(1000) == pytest.approx(0.1, rel=1e-15)


def test_warmup_starts_at_start_and_reaches_the_schedule_at_W():
    inner = CosineAnnealing(0.8, period=20)
    s = LinearWarmup(inner, warmup_steps=5, start=0.1)
    assert s(0) == 0.1
    assert s(5) == inner(0) == 0.8
    ramp = s(np.arange(6))
    np.testing.assert_allclose(np.diff(ramp), (0.8 - 0.1) / 5, rtol=1e-12)
    np.testing.assert_allclose(s(np.arange(5, 40)), inner(np.arange(0, 35)), rtol=RTOL)
    # a plain function as the inner schedule, called with Python ints
    plain = LinearWarmup(lambda t: 1.0 / (1 + t), warmup_steps=2)
    assert [plain(t) for t in range(5)] == [0.0, 0.5, 1.0, 0.5, 1 / 3]


T, PER_EPOCH, ETA0 = 200, 20, 0.4


def _named(name, total_steps=T):
    return get_schedule(name, ETA0, total_steps=total_steps, steps_per_epoch=PER_EPOCH,
                        owner="SGDRegressor")


def test_get_schedule_string_defaults_are_the_documented_formulas():
    assert set(SCHEDULES) == {"constant", "piecewise", "exponential", "inverse_time",
                              "polynomial", "cosine", "cosine_restarts"}
    assert _named("constant")(np.asarray(STEPS)).tolist() == [ETA0] * len(STEPS)
    s = _named("piecewise")  # boundaries T//2 = 100 and 3T//4 = 150
    assert [s(t) for t in (0, 99, 100, 149, 150, 10_000)] == pytest.approx(
        [ETA0, ETA0, ETA0 / 10, ETA0 / 10, ETA0 / 100, ETA0 / 100], rel=1e-15)
    s = _named("exponential")  # 1% at T, 10% half way
    assert s(T) == pytest.approx(0.01 * ETA0, rel=1e-12)
    assert s(T // 2) == pytest.approx(0.1 * ETA0, rel=1e-12)
    s = _named("inverse_time")  # η₀ / (1 + epochs done)
    assert [s(k * PER_EPOCH) for k in range(4)] == pytest.approx(
        [ETA0, ETA0 / 2, ETA0 / 3, ETA0 / 4], rel=1e-15)
    s = _named("polynomial")
    assert [s(0), s(T // 2), s(T - 1), s(T)] == pytest.approx([ETA0, ETA0 / 2, ETA0 / T, 0.0],
                                                              rel=1e-12, abs=1e-15)
    s = _named("cosine")
    assert [s(0), s(T // 2), s(T)] == pytest.approx([ETA0, ETA0 / 2, 0.0], rel=1e-12,
                                                    abs=1e-15)
    s = _named("cosine_restarts")  # T0 = 200 // 7 = 28: restarts at 28 and 28 + 56 = 84
    rates = s(np.arange(T))
    assert [t for t in range(1, T) if rates[t] > rates[t - 1]] == [28, 84, 196]
    assert 28 + 56 + 112 <= T


@pytest.mark.parametrize("total_steps,boundaries", [
    (1, (1, 2)), (2, (1, 2)), (3, (1, 2)), (4, (2, 3)), (5, (2, 3)), (7, (3, 5)),
    (8, (4, 6)), (100, (50, 75)),
])
def test_piecewise_default_boundaries_for_small_totals(total_steps, boundaries):
    s = _named("piecewise", total_steps)
    assert s.boundaries == boundaries
    assert s.values == pytest.approx((ETA0, ETA0 / 10, ETA0 / 100), rel=1e-15)


def test_get_schedule_returns_instances_and_callables_as_they_are():
    for spec in (Constant(0.1), CosineAnnealing(0.1, 5), lambda t: 0.01):
        assert get_schedule(spec, ETA0, total_steps=T, steps_per_epoch=PER_EPOCH,
                            owner="X") is spec


def test_get_optimizer_names_and_instances():
    for name, cls in [("sgd", SGD), ("momentum", Momentum), ("nesterov", Nesterov),
                      ("adagrad", AdaGrad), ("rmsprop", RMSProp), ("adam", Adam)]:
        opt = get_optimizer(name, owner="LogisticRegression")
        assert type(opt) is cls and opt == cls()
        assert isinstance(opt, Optimizer)
    assert get_optimizer("amsgrad", owner="X") == Adam(amsgrad=True)
    mine = Momentum(momentum=0.5)
    assert get_optimizer(mine, owner="X") is mine


# ---------------------------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------------------------

BAD_HYPERPARAMETERS = [
    (lambda: Momentum(momentum=1.0),
     r"The 'momentum' parameter of Momentum must be a float in the range \[0, 1\)\. "
     r"Got 1\.0 instead\."),
    (lambda: Nesterov(momentum=-0.1), r"'momentum' parameter of Nesterov .* Got -0\.1"),
    (lambda: Adam(beta1=-0.1),
     r"The 'beta1' parameter of Adam must be a float in the range \[0, 1\)\. Got -0\.1"),
    (lambda: Adam(beta2=1.0), r"'beta2' parameter of Adam .*\[0, 1\)"),
    (lambda: Adam(epsilon=0),
     r"The 'epsilon' parameter of Adam must be a float in the range \(0, inf\)\. Got 0 "),
    (lambda: Adam(amsgrad="yes"), r"'amsgrad' parameter of Adam must be an instance of 'bool'"),
    (lambda: RMSProp(rho=1), r"'rho' parameter of RMSProp .*\[0, 1\)"),
    (lambda: AdaGrad(epsilon=0.0), r"'epsilon' parameter of AdaGrad .*\(0, inf\)"),
    (lambda: AdaGrad(initial_accumulator=-1.0), r"'initial_accumulator' parameter of AdaGrad"),
    (lambda: Constant(-0.1),
     r"The 'initial' parameter of Constant must be a float in the range \(0, inf\)\. "
     r"Got -0\.1 instead\."),
    (lambda: Constant(0), r"'initial' parameter of Constant"),
    (lambda: ExponentialDecay(-1.0, 0.5), r"'initial' parameter of ExponentialDecay"),
    (lambda: PiecewiseConstant((10, 10), (1.0, 0.5, 0.25)),
     r"'boundaries' parameter of PiecewiseConstant must be strictly increasing"),
    (lambda: PiecewiseConstant((20, 10), (1.0, 0.5, 0.25)), r"strictly increasing steps >= 1"),
    (lambda: PiecewiseConstant((0, 10), (1.0, 0.5, 0.25)), r"strictly increasing steps >= 1"),
    (lambda: PiecewiseConstant((10.5,), (1.0, 0.5)), r"must be a sequence of ints"),
    (lambda: PiecewiseConstant((10,), (1.0,)),
     r"'values' parameter of PiecewiseConstant must have one more entry than 'boundaries' "
     r"\(2\)\. Got 1 values"),
    (lambda: PiecewiseConstant((10,), (1.0, -0.5)), r"'values' parameter of PiecewiseConstant"),
    (lambda: ExponentialDecay(0.1, 1.5), r"'decay_rate' parameter of ExponentialDecay .*\(0, 1\]"),
    (lambda: ExponentialDecay(0.1, 0.0), r"'decay_rate' parameter"),
    (lambda: ExponentialDecay(0.1, 0.5, decay_steps=0), r"'decay_steps' parameter .*\[1, inf\)"),
    (lambda: InverseTimeDecay(0.1, -1.0), r"'decay_rate' parameter of InverseTimeDecay"),
    (lambda: PolynomialDecay(0.1, 0), r"'total_steps' parameter of PolynomialDecay"),
    (lambda: PolynomialDecay(0.1, 10, power=0.0), r"'power' parameter of PolynomialDecay"),
    (lambda: CosineAnnealing(0.1, 10, minimum=0.2),
     r"'minimum' parameter of CosineAnnealing must be a float in the range \[0, 0\.1\]"),
    (lambda: CosineAnnealing(0.1, 10, restarts=True, t_mult=0), r"'t_mult' parameter"),
    (lambda: CosineAnnealing(0.1, 10.0), r"'period' parameter of CosineAnnealing must be an int"),
    (lambda: LinearWarmup("cosine", 5), r"'schedule' parameter of LinearWarmup must be a callable"),
    (lambda: LinearWarmup(Constant(0.1), -1), r"'warmup_steps' parameter of LinearWarmup"),
]


@pytest.mark.parametrize("make,message", BAD_HYPERPARAMETERS,
                         ids=[m for _, m in BAD_HYPERPARAMETERS])
def test_bad_hyperparameters_name_the_parameter_and_its_range(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_unknown_optimizer_reads_like_scikit_learn():
    message = (r"The 'optimizer' parameter of LogisticRegression must be a str among "
               r"\{'adagrad', 'adam', 'amsgrad', 'momentum', 'nesterov', 'rmsprop', 'sgd'\} "
               r"or an instance of 'Optimizer'\. Got 'adamw' instead\.")
    with pytest.raises(ValueError, match=message):
        get_optimizer("adamw", owner="LogisticRegression")
    with pytest.raises(ValueError, match=r"The 'solver' parameter of MLP .* Got <class"):
        get_optimizer(Adam, owner="MLP", param="solver")  # the class, not an instance


def test_unknown_schedule_reads_like_scikit_learn():
    message = (r"The 'learning_rate' parameter of SGDRegressor must be a str among "
               r"\{'constant', 'cosine', 'cosine_restarts', 'exponential', 'inverse_time', "
               r"'piecewise', 'polynomial'\} or a callable\. Got 'optimal' instead\.")
    with pytest.raises(ValueError, match=message):
        _named("optimal")
    with pytest.raises(ValueError, match=r"The 'schedule' parameter of MLP .* Got 0\.1 instead"):
        get_schedule(0.1, 0.1, total_steps=10, steps_per_epoch=1, owner="MLP", param="schedule")


@pytest.mark.parametrize("initial", [0.0, -0.1])
def test_get_schedule_refuses_a_non_positive_initial_rate(initial):
    message = (r"The initial learning rate of SGDRegressor \(for learning_rate='cosine'\) "
               r"must be a float in the range \(0, inf\)\. Got " + re.escape(repr(initial)))
    with pytest.raises(ValueError, match=message):
        get_schedule("cosine", initial, total_steps=10, steps_per_epoch=2, owner="SGDRegressor")


def test_get_schedule_refuses_bad_step_totals():
    with pytest.raises(ValueError, match=r"'total_steps' parameter of get_schedule"):
        get_schedule("cosine", 0.1, total_steps=0, steps_per_epoch=2, owner="X")
    with pytest.raises(ValueError, match=r"'steps_per_epoch' parameter of get_schedule"):
        get_schedule("cosine", 0.1, total_steps=10, steps_per_epoch=0, owner="X")


def test_schedules_refuse_negative_and_fractional_steps():
    with pytest.raises(ValueError, match="must be >= 0"):
        Constant(0.1)(-1)
    with pytest.raises(ValueError, match="must be >= 0"):
        ExponentialDecay(0.1, 0.5)(np.array([3, -2]))
    with pytest.raises(TypeError, match="step must be an int"):
        CosineAnnealing(0.1, 10)(2.5)


def test_step_refuses_mismatched_grads_and_foreign_states():
    opt = Momentum()
    w = [np.zeros(3), np.zeros(2)]
    state = opt.init(w)
    with pytest.raises(ValueError, match="grads must have the structure and shapes of params"):
        opt.step(w, [np.zeros(3)], state, 0.1)
    with pytest.raises(ValueError, match="grads must have the structure and shapes of params"):
        opt.step(w, [np.zeros(3), np.zeros(3)], state, 0.1)
    with pytest.raises(ValueError, match="state was made by init for another structure"):
        opt.step(w[0], w[0], opt.init(w[:1]), 0.1)
    with pytest.raises(ValueError, match="state was made by init for another structure"):
        opt.step(w, w, opt.init(w[0]), 0.1)
    with pytest.raises(ValueError, match="state was made by init for another structure"):
        opt.step(w, w, opt.init(w + w), 0.1)
    with pytest.raises(ValueError, match="non-empty list or tuple"):
        opt.init([])
    message = r"Adam.step needs the state made by Adam.init \(AdamState\); got MomentumState"
    with pytest.raises(TypeError, match=message):
        Adam().step(w, w, state, 0.1)
