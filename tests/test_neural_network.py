"""MLPClassifier and MLPRegressor: against scikit-learn step by step, every layer's backward
step against finite differences, batch normalization against a slow loop, dropout and the
initializations against their definitions, fine-tuning, errors.

References: scikit-learn's MLPClassifier/MLPRegressor (the same initial weights, updates and
stopping); Ioffe & Szegedy (2015), Algorithm 1 (batch normalization); Srivastava et al. (2014)
(dropout); Glorot & Bengio (2010), He et al. (2015), LeCun et al. (1998) (initial variances).
"""

from __future__ import annotations

import math
import pickle
import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import load_digits, make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier as SkMLPClassifier
from sklearn.neural_network import MLPRegressor as SkMLPRegressor
from sklearn.preprocessing import StandardScaler

from mlkit._array import to_host
from mlkit.neural_network import MLPClassifier, MLPRegressor
from mlkit.neural_network import _layers as L
from mlkit.neural_network._init import INITIALIZERS
from mlkit.neural_network._network import Network
from mlkit.optim import Adam, Constant, CosineAnnealing

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def _data(kind, n=80, d=6, seed=0):
    if kind == "regression":
        X, y = make_regression(n_samples=n, n_features=d, noise=1.0, random_state=seed)
        y = (y - y.mean()) / y.std()
    else:
        k = 2 if kind == "binary" else 3
        X, y = make_classification(n_samples=n, n_features=d, n_informative=4,
                                   n_classes=k, random_state=seed)
    return StandardScaler().fit_transform(X), y


def _digits():
    X, y = load_digits(return_X_y=True)
    return X / 16.0, y


def _host(arrays):
    return [np.asarray(to_host(a)) for a in arrays]


def _max_abs_diff(ours, theirs):
    return max(float(np.max(np.abs(a - b))) for a, b in zip(_host(ours), theirs, strict=True))


def sklearn_glorot_draws(units, seed, activation):
    """scikit-learn's initial network, written out: for each layer, weights and then
    intercepts from U(−r, r), r = √(6 / (fan_in + fan_out)) (2 instead of 6 for the logistic),
    all from one RandomState(seed)."""
    rs = np.random.RandomState(seed)
    layers = []
    for fan_in, fan_out in zip(units[:-1], units[1:], strict=True):
        r = math.sqrt((2.0 if activation == "logistic" else 6.0) / (fan_in + fan_out))
        layers.append((rs.uniform(-r, r, (fan_in, fan_out)), rs.uniform(-r, r, fan_out)))
    return layers


# ---------------------------------------------------------------------------------------------
# Against scikit-learn
# ---------------------------------------------------------------------------------------------

TARGETS = {  # kind: (ours, scikit-learn's, hidden activation)
    "binary": (MLPClassifier, SkMLPClassifier, "tanh"),
    "multiclass": (MLPClassifier, SkMLPClassifier, "relu"),
    "regression": (MLPRegressor, SkMLPRegressor, "logistic"),
}
SOLVERS = {
    "sgd-nesterov": dict(solver="sgd", momentum=0.9, nesterovs_momentum=True,
                         learning_rate_init=0.05),
    "sgd-momentum": dict(solver="sgd", momentum=0.9, nesterovs_momentum=False,
                         learning_rate_init=0.05),
    "sgd-plain": dict(solver="sgd", momentum=0.0, learning_rate_init=0.2),
    "adam": dict(solver="adam", learning_rate_init=0.01),
}


def _pair(kind, n, **params):
    ours, theirs, activation = TARGETS[kind]
    params = {"hidden_layer_sizes": (7, 5), "activation": activation, "batch_size": n,
              "shuffle": False, "random_state": 3, "alpha": 1e-3, **params}
    return ours(**params), theirs(**params)


def _partial_fit(est, X, y, first):
    if first and isinstance(est, MLPClassifier | SkMLPClassifier):
        return est.partial_fit(X, y, classes=np.unique(y))
    return est.partial_fit(X, y)


@pytest.mark.parametrize("kind", sorted(TARGETS))
def test_initial_weights_are_scikit_learns_draws(kind):
    # The initial weights of either estimator are not an attribute; they are recovered from
    # two single full-batch SGD steps without momentum, at rates a and b, extrapolated to rate
    # 0: W_a = W0 − a g and W_b = W0 − b g give W0 = (b W_a − a W_b) / (b − a).
    X, y = _data(kind)
    units = [X.shape[1], 7, 5, 1 if kind != "multiclass" else 3]
    expected = sklearn_glorot_draws(units, 3, TARGETS[kind][2])
    a, b = 1e-3, 2e-3
    for side in (0, 1):
        step_a = _partial_fit(_pair(kind, len(y), **SOLVERS["sgd-plain"],
                                    )[side].set_params(learning_rate_init=a), X, y, True)
        step_b = _partial_fit(_pair(kind, len(y), **SOLVERS["sgd-plain"],
                                    )[side].set_params(learning_rate_init=b), X, y, True)
        for i, (W, c) in enumerate(expected):
            W0 = (b * _host(step_a.coefs_)[i] - a * _host(step_b.coefs_)[i]) / (b - a)
            c0 = (b * _host(step_a.intercepts_)[i] - a * _host(step_b.intercepts_)[i]) / (b - a)
            np.testing.assert_allclose(W0, W, rtol=0, atol=1e-13)
            np.testing.assert_allclose(c0, c, rtol=0, atol=1e-13)


@pytest.mark.parametrize("solver", sorted(SOLVERS))
@pytest.mark.parametrize("kind", sorted(TARGETS))
def test_every_iteration_equals_scikit_learn(kind, solver):
    # Full batch, no shuffling, the same random_state (hence the same initial draws, see the
    # test above): after each of 50 epochs (one partial_fit each, on both sides, so the
    # optimizer's state carries over as in one fit), the weights, intercepts and the loss
    # curve agree to 1e-10.
    X, y = _data(kind)
    ours, theirs = _pair(kind, len(y), **SOLVERS[solver])
    worst = 0.0
    for it in range(50):
        _partial_fit(ours, X, y, it == 0)
        _partial_fit(theirs, X, y, it == 0)
        worst = max(worst, _max_abs_diff(ours.coefs_, theirs.coefs_),
                    _max_abs_diff(ours.intercepts_, theirs.intercepts_))
        assert worst <= 1e-10, (it, worst)
        np.testing.assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=1e-10, atol=0)
    assert ours.t_ == theirs.t_ == 50 * len(y)
    assert ours.loss_curve_[-1] < 0.9 * ours.loss_curve_[0]  # it did learn something


@pytest.mark.parametrize("params", [
    dict(solver="sgd", batch_size=64, learning_rate_init=0.05),
    dict(solver="sgd", learning_rate="invscaling", learning_rate_init=0.5, batch_size=100),
    dict(solver="sgd", learning_rate="adaptive", learning_rate_init=0.5, n_iter_no_change=2,
         max_iter=150),
    dict(solver="adam", early_stopping=True, learning_rate_init=0.01),
    dict(solver="adam", batch_size=50, early_stopping=True, validation_fraction=0.2),
], ids=["shuffled-minibatches", "invscaling", "adaptive", "early-stopping",
        "early-stopping-binary"])
def test_fit_equals_scikit_learn(params):
    # Whole fits with scikit-learn's shuffling draws, learning-rate rules, early-stopping
    # split and stopping rule: the same epochs, losses, validation scores and weights.
    X, y = _digits()
    X, y = X[:600], y[:600]
    if "validation_fraction" in params:
        y = y % 2
    params = {"hidden_layer_sizes": (20,), "random_state": 1, "max_iter": 40, **params}
    ours = MLPClassifier(**params).fit(X, y)
    theirs = SkMLPClassifier(**params).fit(X, y)
    assert ours.n_iter_ == theirs.n_iter_
    np.testing.assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=1e-10)
    assert _max_abs_diff(ours.coefs_, theirs.coefs_) < 1e-10
    if params.get("early_stopping"):
        np.testing.assert_allclose(ours.validation_scores_, theirs.validation_scores_)
        assert ours.best_validation_score_ == theirs.best_validation_score_
    else:
        assert ours.best_loss_ == pytest.approx(theirs.best_loss_, rel=1e-10)
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))


def test_sample_weight_equals_scikit_learn():
    X, y = _digits()
    w = np.random.default_rng(0).uniform(0.2, 3.0, y.shape[0])
    params = dict(hidden_layer_sizes=(20,), solver="sgd", batch_size=150, random_state=2,
                  max_iter=15)
    ours = MLPClassifier(**params).fit(X, y, sample_weight=w)
    theirs = SkMLPClassifier(**params).fit(X, y, sample_weight=w)
    assert _max_abs_diff(ours.coefs_, theirs.coefs_) < 1e-10
    np.testing.assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=1e-10)


@pytest.mark.parametrize("kind", ["multiclass", "binary", "regression"])
def test_lbfgs_equals_scikit_learn(kind):
    # The same function and gradient to rounding: scipy's L-BFGS-B takes the same 30 steps
    # (to 1e-10); at convergence (a penalty strong enough for one well-defined minimum, where
    # the two runs' rounding cannot lead them to different points of a flat valley) the same
    # solution.
    X, y = _data(kind, n=120)
    for max_iter, alpha, tol in ((30, 1e-3, 0.0), (2000, 1.0, 1e-10)):
        ours, theirs = _pair(kind, len(y), solver="lbfgs", max_iter=max_iter, alpha=alpha,
                             tol=tol)
        ours.set_params(hidden_layer_sizes=(6,)).fit(X, y)
        theirs.set_params(hidden_layer_sizes=(6,)).fit(X, y)
        assert ours.n_iter_ == theirs.n_iter_
        assert ours.loss_ == pytest.approx(theirs.loss_, rel=1e-12)
        tolerance = 1e-10 if max_iter == 30 else 1e-6
        assert _max_abs_diff(ours.coefs_, theirs.coefs_) < tolerance
        method = "predict_proba" if kind != "regression" else "predict"
        np.testing.assert_allclose(getattr(ours, method)(X), getattr(theirs, method)(X),
                                   rtol=tolerance, atol=1e-12)


def test_no_hidden_layer_and_several_targets_equal_scikit_learn():
    X, y = _data("multiclass")
    params = dict(hidden_layer_sizes=(), solver="sgd", random_state=0, max_iter=20)
    ours, theirs = MLPClassifier(**params).fit(X, y), SkMLPClassifier(**params).fit(X, y)
    assert ours.n_layers_ == theirs.n_layers_ == 2
    assert _max_abs_diff(ours.coefs_, theirs.coefs_) < 1e-12
    # three targets: the same updates; scikit-learn reports the loss divided by the number of
    # targets (the mean over them) while following the gradient of the sum, which is the loss
    # reported here (alpha=0: the penalty is added to either)
    X, y = _data("regression")
    Y = np.column_stack([y, y**2 / 3, -y])
    params = dict(hidden_layer_sizes=(8,), solver="sgd", random_state=0, max_iter=20,
                  alpha=0.0, tol=0.0, n_iter_no_change=1000)
    ours, theirs = MLPRegressor(**params).fit(X, Y), SkMLPRegressor(**params).fit(X, Y)
    assert _max_abs_diff(ours.coefs_, theirs.coefs_) < 1e-12
    np.testing.assert_allclose(ours.loss_curve_, 3 * np.asarray(theirs.loss_curve_),
                               rtol=1e-12)


def test_warm_start_continues_from_the_fitted_weights():
    # A network fitted on one half of the digits continues on the other half: one epoch of
    # ours equals one epoch of scikit-learn's started from the same weights (scikit-learn's
    # warm start reads coefs_ and intercepts_, which are set to ours).
    X, y = _digits()
    params = dict(hidden_layer_sizes=(16,), solver="sgd", random_state=0, warm_start=True)
    ours = MLPClassifier(**params, max_iter=10).fit(X[::2], y[::2])
    start = (_host(ours.coefs_), _host(ours.intercepts_))
    ours.set_params(max_iter=1).fit(X[1::2], y[1::2])
    theirs = SkMLPClassifier(**params, max_iter=1).fit(X[1::2], y[1::2])
    theirs.coefs_, theirs.intercepts_ = [c.copy() for c in start[0]], [
        b.copy() for b in start[1]]
    theirs.fit(X[1::2], y[1::2])
    assert _max_abs_diff(ours.coefs_, theirs.coefs_) < 1e-12
    assert _max_abs_diff(ours.coefs_, start[0]) > 1e-3  # it moved from there


def test_optimizer_instance_equals_the_solver_rule_and_schedules_apply():
    X, y = _data("multiclass")
    base = dict(hidden_layer_sizes=(7,), batch_size=len(y), shuffle=False, random_state=0,
                max_iter=20, learning_rate_init=0.01)
    adam = MLPClassifier(solver="adam", **base).fit(X, y)
    same = MLPClassifier(optimizer=Adam(epsilon_hat=True), **base).fit(X, y)
    for a, b in zip(adam.coefs_, same.coefs_, strict=True):
        np.testing.assert_array_equal(a, b)
    const = MLPClassifier(solver="sgd", momentum=0.0, **base).fit(X, y)
    sched = MLPClassifier(solver="sgd", momentum=0.0, learning_rate=Constant(0.01),
                          **base).fit(X, y)
    for a, b in zip(const.coefs_, sched.coefs_, strict=True):
        np.testing.assert_array_equal(a, b)
    seen = []

    def rate(t):
        seen.append(t)
        return 0.01 / (1 + t)

    MLPClassifier(solver="sgd", learning_rate=rate, **base).fit(X, y)
    assert seen == list(range(20))  # one update per epoch, step counts from 0
    cosine = MLPClassifier(solver="sgd", learning_rate="cosine", **base).fit(X, y)
    assert cosine.loss_curve_[-1] < cosine.loss_curve_[0]
    obj = MLPClassifier(solver="sgd", learning_rate=CosineAnnealing(0.01, period=20),
                        **base).fit(X, y)
    np.testing.assert_allclose(obj.loss_curve_, cosine.loss_curve_, rtol=1e-12)
    rms = MLPClassifier(optimizer="rmsprop", **base).fit(X, y)
    assert rms.loss_curve_[-1] < rms.loss_curve_[0]


# ---------------------------------------------------------------------------------------------
# Layers: batch normalization against a loop, every backward step against finite differences
# ---------------------------------------------------------------------------------------------


def slow_batch_norm(Z, gamma, beta, eps):
    """Algorithm 1 of Ioffe & Szegedy, one unit and one row at a time."""
    n, m = Z.shape
    out = np.empty_like(Z)
    for j in range(m):
        mu = sum(Z[i, j] for i in range(n)) / n
        var = sum((Z[i, j] - mu) ** 2 for i in range(n)) / n
        for i in range(n):
            out[i, j] = gamma[j] * (Z[i, j] - mu) / math.sqrt(var + eps) + beta[j]
    return out


def test_batch_norm_forward_equals_the_slow_loop(rng):
    Z = rng.normal(3.0, 2.0, size=(9, 5))
    gamma, beta = rng.uniform(0.5, 2, 5), rng.normal(size=5)
    out, cache = L.batch_norm_forward(Z, gamma, beta, 1e-5, np)
    np.testing.assert_allclose(out, slow_batch_norm(Z, gamma, beta, 1e-5), rtol=1e-13)
    np.testing.assert_allclose(cache[3], Z.var(axis=0), rtol=1e-13)  # biased variance
    mean, var = rng.normal(size=5), rng.uniform(0.5, 2, 5)
    expected = [[gamma[j] * (Z[i, j] - mean[j]) / math.sqrt(var[j] + 1e-5) + beta[j]
                 for j in range(5)] for i in range(9)]
    np.testing.assert_allclose(L.batch_norm_inference(Z, gamma, beta, mean, var, 1e-5, np),
                               expected, rtol=1e-13)


def numerical_gradient(f, x, h=1e-6):
    """Central differences of the scalar ``f()`` in every entry of ``x`` (changed in place and
    restored)."""
    g = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + h
        up = f()
        x[idx] = old - h
        down = f()
        x[idx] = old
        g[idx] = (up - down) / (2 * h)
    return g


FD_ERRORS = {}  # the largest relative error seen per layer, printed with -s


def assert_gradient(analytic, numeric, what):
    analytic, numeric = np.asarray(analytic, dtype=float), np.asarray(numeric, dtype=float)
    scale = max(np.max(np.abs(numeric)), 1e-12)
    rel = float(np.max(np.abs(analytic - numeric)) / scale)
    FD_ERRORS[what] = max(FD_ERRORS.get(what, 0.0), rel)
    assert rel <= 1e-6, f"{what}: relative error {rel:.2e}"


def test_dense_backward_equals_finite_differences(rng):
    A, W, b = rng.normal(size=(6, 4)), rng.normal(size=(4, 3)), rng.normal(size=3)
    G = rng.normal(size=(6, 3))  # the upstream gradient: the loss is Σ G · Z

    def loss():
        return float(np.sum(G * L.dense_forward(A, W, b)))

    dA, dW, db = L.dense_backward(G, A, W, np)
    for name, x, g in (("A", A, dA), ("W", W, dW), ("b", b, db)):
        assert_gradient(g, numerical_gradient(loss, x), f"dense d{name}")


@pytest.mark.parametrize("name", sorted(L.ACTIVATIONS))
def test_activation_derivative_equals_finite_differences(name, rng):
    f, fprime = L.ACTIVATIONS[name]
    z = rng.normal(0, 2, size=200)
    z = z[np.abs(z) > 1e-3]  # away from relu's kink, where there is no derivative
    h = 1e-6
    numeric = (f(z + h, np) - f(z - h, np)) / (2 * h)
    assert_gradient(fprime(z, f(z, np), np), numeric, name)


def test_batch_norm_backward_equals_finite_differences(rng):
    Z = rng.normal(1.0, 3.0, size=(7, 4))
    gamma, beta = rng.uniform(0.5, 2, 4), rng.normal(size=4)
    G = rng.normal(size=(7, 4))

    def loss():
        return float(np.sum(G * L.batch_norm_forward(Z, gamma, beta, 1e-5, np)[0]))

    dZ, dgamma, dbeta = L.batch_norm_backward(G, L.batch_norm_forward(Z, gamma, beta, 1e-5,
                                                                       np)[1], gamma, np)
    for name, x, g in (("Z", Z, dZ), ("gamma", gamma, dgamma), ("beta", beta, dbeta)):
        assert_gradient(g, numerical_gradient(loss, x), f"batch_norm d{name}")


def test_dropout_backward_equals_finite_differences(rng):
    A, G = rng.normal(size=(8, 5)), rng.normal(size=(8, 5))
    mask = L.dropout_mask((8, 5), 0.4, np.random.RandomState(0), np, "cpu", np.float64)

    def loss():
        return float(np.sum(G * L.dropout_forward(A, mask)))

    assert_gradient(L.dropout_backward(G, mask), numerical_gradient(loss, A), "dropout")


@pytest.mark.parametrize("out", ["logistic", "softmax", "identity", "exp"])
def test_output_loss_gradient_equals_finite_differences(out, rng):
    n, k = 6, (1 if out == "logistic" else 3)
    S = rng.normal(size=(n, k))
    if out == "logistic":
        Y = rng.integers(0, 2, size=(n, 1)).astype(float)
    elif out == "softmax":
        Y = np.eye(k)[rng.integers(0, k, size=n)]
    else:
        Y = rng.uniform(0, 3, size=(n, k))
    loss = L.output_loss(out)

    def total():
        return float(np.sum(loss(S, Y, np)[0]))

    assert_gradient(loss(S, Y, np)[1], numerical_gradient(total, S), f"output {out}")
    # dZ = f(S) − Y: the canonical link of each pair
    np.testing.assert_allclose(loss(S, Y, np)[1], L.output_activation(S, out, np) - Y,
                               rtol=1e-12, atol=1e-14)


def _random_network(rng, activation, out, n_frozen=0, bn=(True, False, True)):
    units = [4, 5, 4, 3, 1 if out == "logistic" else 3]
    coefs = [rng.normal(0, 0.8, size=(a, b)) for a, b in zip(units[:-1], units[1:],
                                                              strict=True)]
    intercepts = [rng.normal(size=b) if i == len(bn) or not bn[i] else np.zeros(b)
                  for i, b in enumerate(units[1:])]
    hidden = units[1:-1]
    gam = [rng.uniform(0.5, 2, m) if on else None for m, on in zip(hidden, bn, strict=True)]
    bet = [rng.normal(size=m) if on else None for m, on in zip(hidden, bn, strict=True)]
    means = [rng.normal(size=m) if on else None for m, on in zip(hidden, bn, strict=True)]
    var = [rng.uniform(0.5, 2, m) if on else None for m, on in zip(hidden, bn, strict=True)]
    return Network(coefs, intercepts, gam, bet, means, var, activation=activation,
                   out_activation=out, n_frozen=n_frozen)


@pytest.mark.parametrize("activation,out", [(a, "softmax") for a in sorted(L.ACTIVATIONS)]
                         + [("tanh", "logistic"), ("elu", "identity"), ("softplus", "exp")])
def test_network_gradient_equals_finite_differences(activation, out, rng):
    # dense → batch norm (layers 0 and 2) → activation → dropout (fixed masks), then the
    # output: back-propagation through the whole network against central differences of the
    # objective (sample weights and the L2 penalty included).
    net = _random_network(rng, activation, out)
    n = 10
    X = rng.normal(size=(n, 4))
    Y = (rng.integers(0, 2, size=(n, 1)).astype(float) if out == "logistic" else
         np.eye(3)[rng.integers(0, 3, size=n)] if out == "softmax" else
         rng.uniform(0, 2, size=(n, 3)))
    sw = rng.uniform(0.5, 2.0, n)
    state = np.random.RandomState(1)
    masks = [L.dropout_mask((n, W.shape[1]), 0.3, state, np, "cpu", np.float64)
             for W in net.coefs[:-1]]

    def objective():
        return float(net.objective(X, Y, sw, 0.1, np, masks=masks)[0])

    _, grads, _ = net.objective(X, Y, sw, 0.1, np, masks=masks)
    for kind, i in net.trainable():
        param = net.get([(kind, i)])[0]
        assert_gradient(grads[kind][i], numerical_gradient(objective, param),
                        f"network {activation}/{out} {kind}")


def test_frozen_layers_get_no_gradient_and_normalize_with_running_statistics(rng):
    net = _random_network(rng, "tanh", "softmax", n_frozen=1)
    X = rng.normal(size=(6, 4))
    Y = np.eye(3)[rng.integers(0, 3, size=6)]
    _, grads, caches = net.objective(X, Y, None, 0.0, np)
    assert grads["coef"][0] is None and grads["gamma"][0] is None
    assert ("coef", 0) not in net.trainable() and ("gamma", 0) not in net.trainable()
    assert caches[0][3] is None  # no batch statistics: the running ones were used


# ---------------------------------------------------------------------------------------------
# Batch normalization in the estimator
# ---------------------------------------------------------------------------------------------


def test_running_statistics_follow_pytorchs_convention():
    # One full-batch step from the known initial draws: the first hidden layer's batch mean
    # and unbiased variance enter with the momentum m: (1 − m)·0 + m·μ, (1 − m)·1 + m·s².
    X, y = _data("multiclass")
    m = 0.3
    est = MLPClassifier((5,), batch_norm=True, batch_norm_momentum=m, solver="sgd",
                        batch_size=len(y), shuffle=False, random_state=4)
    est.partial_fit(X, y, classes=np.unique(y))
    W0 = sklearn_glorot_draws([X.shape[1], 5, 3], 4, "relu")[0][0]
    Z = X @ W0  # the layer's intercept is 0 with batch normalization
    np.testing.assert_allclose(est.running_means_[0], m * Z.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(est.running_vars_[0], (1 - m) + m * Z.var(axis=0, ddof=1),
                               rtol=1e-12)
    np.testing.assert_array_equal(est.intercepts_[0], 0.0)


def test_inference_uses_the_running_statistics():
    X, y = _digits()
    est = MLPClassifier((24, 24), batch_norm=True, solver="adam", max_iter=5,
                        random_state=0).fit(X, y)
    batch = est.predict_proba(X[:50])
    one_by_one = np.vstack([est.predict_proba(X[i:i + 1]) for i in range(50)])
    np.testing.assert_allclose(one_by_one, batch, rtol=1e-12, atol=1e-15)
    # the same numbers from the attributes, with the running statistics
    A = X[:50]
    for i in range(2):
        Z = A @ est.coefs_[i] + est.intercepts_[i]
        U = est.gammas_[i] * (Z - est.running_means_[i]) / np.sqrt(
            est.running_vars_[i] + 1e-5) + est.betas_[i]
        A = np.maximum(U, 0)
    S = A @ est.coefs_[2] + est.intercepts_[2]
    P = np.exp(S - S.max(axis=1, keepdims=True))
    np.testing.assert_allclose(batch, P / P.sum(axis=1, keepdims=True), rtol=1e-10)


def test_batch_norm_reaches_a_loss_in_fewer_epochs():
    # A deep narrow ReLU network (six hidden layers of 16 units) on the digits, plain SGD with
    # momentum at the same learning rate: the epochs to reach a training loss of 0.5, counted
    # from each run's loss curve (Ioffe & Szegedy's observation, on a small scale).
    X, y = _digits()
    params = dict(hidden_layer_sizes=(16,) * 6, solver="sgd", learning_rate_init=0.01,
                  max_iter=40, tol=0.0, n_iter_no_change=10**6, random_state=0)

    def epochs_to(threshold, **extra):
        curve = np.asarray(MLPClassifier(**params, **extra).fit(X, y).loss_curve_)
        below = np.flatnonzero(curve < threshold)
        return int(below[0]) + 1 if below.size else math.inf

    with_bn, without = epochs_to(0.5, batch_norm=True), epochs_to(0.5)
    print(f"epochs to a training loss of 0.5: {with_bn} with batch norm, {without} without")
    assert with_bn < without


def test_lbfgs_running_statistics_are_the_full_batch_statistics():
    X, y = _data("regression")
    est = MLPRegressor(hidden_layer_sizes=(8,), batch_norm=True, solver="lbfgs", max_iter=50,
                       random_state=0).fit(X, y)
    Z = X @ est.coefs_[0]
    np.testing.assert_allclose(est.running_means_[0], Z.mean(axis=0), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(est.running_vars_[0], Z.var(axis=0, ddof=1), rtol=1e-12)
    assert est.score(X, y) > 0.99


def test_pickled_batch_norm_network_keeps_its_running_statistics():
    X, y = _data("multiclass")
    est = MLPClassifier((8,), batch_norm=True, dropout=0.2, max_iter=30, learning_rate_init=0.01,
                        random_state=0).fit(X, y)
    again = pickle.loads(pickle.dumps(est))
    for a, b in zip(est.running_means_ + est.running_vars_,
                    again.running_means_ + again.running_vars_, strict=True):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(again.predict_proba(X), est.predict_proba(X))
    assert not np.allclose(est.running_vars_[0], 1.0)  # they did move


def test_a_last_batch_of_one_row_joins_the_previous_one_with_batch_norm():
    X, y = _data("multiclass", n=81)
    est = MLPClassifier((6,), batch_norm=True, batch_size=20, max_iter=3, random_state=0)
    est.fit(X, y)
    assert np.all(np.isfinite(est.running_vars_[0]))


# ---------------------------------------------------------------------------------------------
# Dropout
# ---------------------------------------------------------------------------------------------


def test_dropout_mask_keeps_a_binomial_share_scaled():
    rate, shape = 0.3, (400, 250)
    mask = L.dropout_mask(shape, rate, np.random.RandomState(0), np, "cpu", np.float64)
    kept = mask > 0
    N = mask.size
    assert abs(kept.mean() - (1 - rate)) <= 4 * math.sqrt(rate * (1 - rate) / N)
    np.testing.assert_allclose(mask[kept], 1 / (1 - rate), rtol=1e-15)


def test_dropout_in_training_and_not_at_inference(monkeypatch):
    import mlkit.neural_network._base as base

    drawn = []

    def recording(shape, rate, rng, xp, device, dtype):
        mask = L.dropout_mask(shape, rate, rng, xp, device, dtype)
        drawn.append((rate, mask))
        return mask

    monkeypatch.setattr(base, "dropout_mask", recording)
    X, y = _digits()
    est = MLPClassifier((40, 30), dropout=(0.5, 0.2), max_iter=3, random_state=0).fit(X, y)
    for rate in (0.5, 0.2):
        masks = [m for r, m in drawn if r == rate]
        kept = np.concatenate([m.ravel() for m in masks]) > 0
        assert abs(kept.mean() - (1 - rate)) <= 4 * math.sqrt(rate * (1 - rate) / kept.size)
    # inference: deterministic, and the network without dropout (no rescaling)
    P = est.predict_proba(X)
    np.testing.assert_array_equal(est.predict_proba(X), P)
    A = X
    for W, b in zip(est.coefs_[:-1], est.intercepts_[:-1], strict=True):
        A = np.maximum(A @ W + b, 0)
    S = A @ est.coefs_[-1] + est.intercepts_[-1]
    expected = np.exp(S - S.max(axis=1, keepdims=True))
    np.testing.assert_allclose(P, expected / expected.sum(axis=1, keepdims=True), rtol=1e-10)


# ---------------------------------------------------------------------------------------------
# Initialization
# ---------------------------------------------------------------------------------------------

VARIANCE = {  # the papers' formulas, and the uniform schemes' bounds
    "glorot_uniform": (lambda fi, fo: 2 / (fi + fo), lambda fi, fo: math.sqrt(6 / (fi + fo))),
    "glorot_normal": (lambda fi, fo: 2 / (fi + fo), None),
    "he_uniform": (lambda fi, fo: 2 / fi, lambda fi, fo: math.sqrt(6 / fi)),
    "he_normal": (lambda fi, fo: 2 / fi, None),
    "lecun_normal": (lambda fi, fo: 1 / fi, None),
}


@pytest.mark.parametrize("scheme", sorted(VARIANCE))
def test_initial_weights_have_the_schemes_variance(scheme):
    # With every hidden layer frozen, the first layer's weights after fit are its initial
    # ones; 400 inputs x 300 units = 120,000 draws: the sample variance is within 5 standard
    # errors (normal: σ²√(2/N); uniform: σ²√(0.8/N)) of the formula.
    fi, fo = 400, 300
    X = np.random.default_rng(0).normal(size=(30, fi))
    y = np.arange(30) % 2
    est = MLPClassifier((fo,), init=scheme, n_frozen_layers=1, max_iter=1, random_state=0)
    W = est.fit(X, y).coefs_[0]
    var, bound = VARIANCE[scheme]
    expected = var(fi, fo)
    se = expected * math.sqrt((0.8 if bound else 2.0) / W.size)
    assert abs(W.var() - expected) <= 5 * se
    assert abs(W.mean()) <= 5 * math.sqrt(expected / W.size)
    if bound:
        r = bound(fi, fo)
        assert np.max(np.abs(W)) <= r and np.max(np.abs(W)) > 0.999 * r
    if scheme == "glorot_uniform":
        np.testing.assert_array_equal(W, sklearn_glorot_draws([fi, fo, 1], 0, "relu")[0][0])
        logistic = clone(est).set_params(activation="logistic").fit(X, y).coefs_[0]
        assert abs(logistic.var() - expected / 3) <= 5 * se / 3  # scikit-learn's factor 2
    else:
        np.testing.assert_array_equal(est.intercepts_[0], 0.0)


def test_init_functions_draw_from_the_generator():
    for name, scheme in INITIALIZERS.items():
        a = scheme(5, 4, np.random.RandomState(0))
        b = scheme(5, 4, np.random.RandomState(0))
        np.testing.assert_array_equal(a[0], b[0])
        assert a[0].shape == (5, 4) and a[1].shape == (4,), name


def test_zeros_never_breaks_the_symmetry():
    X, y = _data("multiclass")
    with pytest.warns(UserWarning, match="symmetry"):
        est = MLPClassifier((6, 4), activation="logistic", init="zeros", solver="sgd",
                            learning_rate_init=0.5, max_iter=30, random_state=0).fit(X, y)
    W0, W1, W2 = est.coefs_
    assert np.ptp(W0, axis=1).max() == 0 and np.ptp(est.intercepts_[0]) == 0  # same columns
    assert np.ptp(W1, axis=1).max() == 0 and np.ptp(W1, axis=0).max() == 0
    assert np.ptp(W2, axis=0).max() == 0  # the output layer sees identical units
    assert np.abs(W2).max() > 0  # they did train: as one unit
    glorot = clone(est).set_params(init="glorot_uniform").fit(X, y)
    assert np.ptp(glorot.coefs_[0], axis=1).max() > 0


# ---------------------------------------------------------------------------------------------
# Fine-tuning
# ---------------------------------------------------------------------------------------------


def test_frozen_layers_stay_bit_identical_on_a_new_task():
    X, y = _digits()
    first = y < 5
    est = MLPClassifier((32, 16), batch_norm=True, max_iter=20, random_state=0,
                        learning_rate_init=0.01).fit(X[first], y[first])
    frozen = [_host(x[:2]) for x in (est.coefs_, est.intercepts_, est.gammas_, est.betas_,
                                      est.running_means_, est.running_vars_)]
    head = _host(est.coefs_[2:])
    new = np.isin(y, [5, 6, 7])
    est.set_params(warm_start=True, n_frozen_layers=2, max_iter=30)
    est.fit(X[new], y[new])  # a new task: three other classes
    assert est.classes_.tolist() == [5, 6, 7] and est.coefs_[2].shape == (16, 3)
    now = [_host(x[:2]) for x in (est.coefs_, est.intercepts_, est.gammas_, est.betas_,
                                   est.running_means_, est.running_vars_)]
    for before, after in zip(frozen, now, strict=True):
        for a, b in zip(before, after, strict=True):
            np.testing.assert_array_equal(a, b)
    assert head[0].shape != est.coefs_[2].shape
    assert est.score(X[new], y[new]) > 0.9  # the frozen features carry over
    # partial_fit with other classes starts one more head, the hidden layers still frozen
    rest = np.isin(y, [8, 9])
    est.partial_fit(X[rest], y[rest], classes=[8, 9])
    assert est.coefs_[2].shape == (16, 1) and est.out_activation_ == "logistic"
    np.testing.assert_array_equal(est.coefs_[0], frozen[0][0])


def test_unfrozen_layers_change_and_regressor_gets_a_new_head():
    X, y = _data("regression")
    est = MLPRegressor(hidden_layer_sizes=(8, 8), max_iter=20, learning_rate_init=0.01,
                       random_state=0).fit(X, y)
    before = _host(est.coefs_)
    est.set_params(warm_start=True, n_frozen_layers=1)
    Y2 = np.column_stack([y, -y])
    est.fit(X, Y2)
    np.testing.assert_array_equal(est.coefs_[0], before[0])
    assert np.abs(est.coefs_[1] - before[1]).max() > 1e-4
    assert est.n_outputs_ == 2 and est.predict(X).shape == (len(y), 2)


# ---------------------------------------------------------------------------------------------
# Backends, dtypes, sparse input
# ---------------------------------------------------------------------------------------------


def test_every_backend_trains_the_numpy_network(backend):
    # Initial weights, shuffles and dropout masks come from NumPy's generator on the host, so
    # batch norm + dropout + mini-batch Adam on any backend gives the NumPy model.
    X, y = _data("multiclass")
    params = dict(hidden_layer_sizes=(8, 6), batch_norm=True, dropout=0.2, batch_size=16,
                  max_iter=5, learning_rate_init=0.01, random_state=0)
    ref = MLPClassifier(**params).fit(X, y)
    est = MLPClassifier(**params).fit(backend.asarray(X), y)
    for a, b in zip(est.coefs_ + est.running_vars_, ref.coefs_ + ref.running_vars_,
                    strict=True):
        np.testing.assert_allclose(to_host(a), b, rtol=1e-10, atol=1e-13)
    np.testing.assert_allclose(to_host(est.predict_proba(backend.asarray(X))),
                               ref.predict_proba(X), rtol=1e-10, atol=1e-13)


def test_float32_stays_float32_and_sparse_equals_dense():
    import scipy.sparse as sp

    X, y = _data("binary")
    est = MLPClassifier((6,), max_iter=10, random_state=0).fit(X.astype(np.float32), y)
    assert all(W.dtype == np.float32 for W in est.coefs_)
    X[np.abs(X) < 0.7] = 0.0
    params = dict(hidden_layer_sizes=(6,), solver="sgd", max_iter=10, random_state=0)
    dense = MLPRegressor(**params).fit(X, y)
    sparse = MLPRegressor(**params).fit(sp.csr_matrix(X), y)
    np.testing.assert_allclose(sparse.predict(sp.csr_matrix(X)), dense.predict(X), rtol=1e-12)


# ---------------------------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("params,match", [
    (dict(dropout=1.0), "'dropout' parameter"),
    (dict(dropout=-0.1), "'dropout' parameter"),
    (dict(dropout=[0.5]), r"'dropout' parameter .* one per hidden layer \(2\)"),
    (dict(dropout=[0.2, 1.5]), "'dropout' parameter"),
    (dict(batch_norm=[True]), "'batch_norm' parameter"),
    (dict(activation="swish"), "'activation' parameter"),
    (dict(init="orthogonal"), "'init' parameter"),
    (dict(batch_norm=True, batch_size=1), "batch_norm.*batch_size=1"),
    (dict(learning_rate_init=0.0), "'learning_rate_init' parameter"),
    (dict(learning_rate_init=-0.1), "'learning_rate_init' parameter"),
    (dict(n_frozen_layers=3), "n_frozen_layers=3"),
    (dict(solver="lbfgs", dropout=0.2), "dropout needs a stochastic solver"),
    (dict(solver="lbfgs", optimizer="adam"), "optimizer"),
    (dict(learning_rate="fast"), "'learning_rate' parameter"),
    (dict(momentum=1.0), "'momentum' parameter"),
    (dict(hidden_layer_sizes=(4, 0)), "hidden_layer_sizes must be > 0"),
])
def test_bad_parameters_get_errors_that_name_them(params, match):
    X, y = _data("multiclass")
    with pytest.raises(ValueError, match=match):
        MLPClassifier(**{"hidden_layer_sizes": (5, 4), "max_iter": 2, **params}).fit(X, y)


def test_other_errors():
    X, y = _data("multiclass")
    with pytest.raises(ValueError, match="classes must be passed"):
        MLPClassifier((4,)).partial_fit(X, y)
    with pytest.raises(ValueError, match="early_stopping"):
        MLPClassifier((4,), early_stopping=True).partial_fit(X, y, classes=[0, 1, 2])
    with pytest.raises(AttributeError, match="partial_fit") as info:
        MLPClassifier(solver="lbfgs").partial_fit
    assert "lbfgs is not stochastic" in str(info.value.__cause__)
    with pytest.raises(ValueError, match="hidden layers"):
        MLPClassifier((4,), warm_start=True, max_iter=2).fit(X, y).set_params(
            hidden_layer_sizes=(5,)).fit(X, y)
    with pytest.raises(ValueError, match="negative"):
        MLPRegressor(loss="poisson").fit(X, X[:, 0])
    with pytest.raises(ValueError, match="at least 2 training samples"):
        MLPClassifier((4,), batch_norm=True).partial_fit(X[:1], y[:1], classes=[0, 1, 2])
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        with pytest.raises(ConvergenceWarning):
            MLPClassifier((4,), max_iter=1).fit(X, y)
