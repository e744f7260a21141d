"""The ways a linear model is fitted: L-BFGS, natural gradient, FISTA, and gradient descent.

All of them minimize ``F(W, b) = (1/S) Σ_i s_i ℓ(W x_i + b, y_i) + α R(W)`` through
``Problem``, which holds the data and evaluates the data term on all the rows or on a
mini-batch (over Dask row blocks when X is a Dask array, in one ``compute``).

- ``lbfgs``: scipy's L-BFGS-B on the flattened parameters (smooth penalties). The parameters
  and the gradient are small and live on the host; the data stay where they are.
- ``natural_gradient``: ``Θ ← Θ − η (F(Θ) + λ I)⁻¹ ∇F(Θ)`` with the Fisher information ``F``
  (Amari 1998) and a damping ``λ``, the step ``η`` halved until the objective falls enough
  (Armijo). For these models the Fisher information is the Hessian, so with ``η = 1`` this is
  Newton's method, i.e. IRLS.
- ``fista``: full-batch accelerated proximal gradient descent with adaptive restart, to the
  exact optimum of the non-smooth penalties.
- ``gradient_descent``: (mini-batch) gradient steps with any ``mlkit.optim`` optimizer and
  learning-rate schedule, each followed by the penalty's proximal step (soft thresholding for
  L1, hard thresholding for L0, singular-value thresholding for the nuclear norm).
"""

from __future__ import annotations

import math
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from .._array import as_namespace, compute, is_lazy, to_host
from ._kernels import data_term_numpy, fisher_information_numpy, use_numpy_kernel
from ._loss import data_term, fisher_information, multinomial_log_loss

__all__ = ["Problem", "fista", "gradient_descent", "lbfgs", "natural_gradient"]


class Problem:
    """The data of one fit and its objective.

    ``X`` (n x d, any namespace or scipy.sparse), ``Y`` (n x k targets in the loss's coding),
    ``s`` (n,) the sample weights (class weights folded in). The parameters ``W`` (k x d) and
    ``b`` (k,) live in ``pxp`` on ``device`` (the host for Dask data).
    """

    def __init__(self, X, Y, s, loss, penalty, *, fit_intercept, xp, pxp, device, dtype):
        self.X, self.Y, self.s, self.loss, self.penalty = X, Y, s, loss, penalty
        self.fit_intercept = fit_intercept
        self.xp, self.pxp, self.device, self.dtype = xp, pxp, device, dtype
        self.n, self.d = X.shape
        self.k = Y.shape[1]

    # --- the objective --------------------------------------------------------------------

    def data_term(self, W, b, rows=None):
        """``(value, ∇_W, ∇_b)`` of the data term, on ``rows`` (a mini-batch) or all rows."""
        X, Y, s = self.X, self.Y, self.s
        if rows is not None:
            X, Y, s = _take_rows(X, rows, self.xp), self.xp.take(Y, rows, axis=0), \
                self.xp.take(s, rows, axis=0)
        term = data_term_numpy if use_numpy_kernel(X, self.xp) else data_term
        value, gW, gb = term(W, b if self.fit_intercept else None, X, Y, s, self.loss, self.xp)
        if is_lazy(value):  # Dask: the row-block reductions, in one pass
            value, gW, gb = compute(value, gW, gb) if gb is not None else (
                *compute(value, gW), None)
        return float(value), gW, gb

    def smooth_objective(self, W, b, rows=None):
        """Value and gradient of the data term plus the smooth part of the penalty."""
        value, gW, gb = self.data_term(W, b, rows)
        lam = self.penalty.l2_strength
        if lam:
            value += 0.5 * lam * float(self.pxp.sum(W * W))
            gW = gW + lam * W
        return value, gW, gb

    def objective(self, W, b):
        """The whole objective ``F(W, b)`` (the penalty's non-smooth part included)."""
        value = self.data_term(W, b)[0]
        return value + self.penalty.value(W, self.pxp)

    def fisher(self, W, b):
        """The Fisher information of ``Θ = [W | b]`` (see ``fisher_information``)."""
        bb = b if self.fit_intercept else None
        if use_numpy_kernel(self.X, self.xp):
            return fisher_information_numpy(W, bb, self.X, self.s, self.loss, self.xp)
        F = fisher_information(W, bb, self.X, self.s, self.loss, self.xp)
        return compute(F)[0] if is_lazy(F) else F

    # --- parameters ------------------------------------------------------------------------

    def zeros(self):
        W = self.pxp.zeros((self.k, self.d), dtype=self.dtype, device=self.device)
        b = self.pxp.zeros((self.k,), dtype=self.dtype, device=self.device)
        return W, b

    def pack(self, W, b):
        """``[W | b]`` flattened row by row, as a host float64 vector (``b`` left out when
        there is no intercept)."""
        W = np.asarray(to_host(W), dtype=np.float64)
        if not self.fit_intercept:
            return W.ravel()
        return np.hstack([W, np.asarray(to_host(b), dtype=np.float64)[:, None]]).ravel()

    def unpack(self, theta):
        """``(W, b)`` in the parameters' namespace from ``pack``'s vector."""
        m = self.d + self.fit_intercept
        T = np.asarray(theta, dtype=np.float64).reshape(self.k, m)
        W = as_namespace(np.ascontiguousarray(T[:, :self.d]), self.pxp, self.device)
        b = (T[:, self.d] if self.fit_intercept else np.zeros(self.k))
        b = as_namespace(np.ascontiguousarray(b), self.pxp, self.device)
        return self.pxp.astype(W, self.dtype), self.pxp.astype(b, self.dtype)


def _take_rows(X, rows, xp):
    if hasattr(X, "tocsr"):  # scipy.sparse
        return X[to_host(rows)]
    return xp.take(X, rows, axis=0)


# ---------------------------------------------------------------------------------------------
# L-BFGS
# ---------------------------------------------------------------------------------------------


def lbfgs(problem, W, b, *, max_iter, tol):
    """Minimize the smooth objective with scipy's L-BFGS-B (the options scikit-learn uses:
    ``gtol = tol``, ``ftol = 64 eps``, up to 50 line-search steps).

    Returns ``W, b, n_iter, loss_curve``.
    """
    from scipy.optimize import minimize

    def fun(theta):
        value, gW, gb = problem.smooth_objective(*problem.unpack(theta))
        return value, problem.pack(gW, gb)

    curve = []

    def record(intermediate_result):
        curve.append(float(intermediate_result.fun))

    result = minimize(fun, problem.pack(W, b), method="L-BFGS-B", jac=True, callback=record,
                      options={"maxiter": max_iter, "maxls": 50, "gtol": tol,
                               "ftol": 64 * np.finfo(float).eps})
    if result.status != 0:
        message = result.message.decode() if isinstance(result.message, bytes) else \
            result.message
        warnings.warn(f"lbfgs failed to converge after {result.nit} iteration(s) (status "
                      f"{result.status}: {message}). Increase the number of iterations "
                      "(max_iter) or scale the data.", ConvergenceWarning, stacklevel=3)
    W, b = problem.unpack(result.x)
    return W, b, int(result.nit), curve


# ---------------------------------------------------------------------------------------------
# Natural gradient
# ---------------------------------------------------------------------------------------------


def natural_gradient(problem, W, b, *, max_iter, tol, learning_rate, damping):
    """Natural-gradient descent with the Fisher information and backtracking.

    ``direction = −(F + diag(λ_penalty) + damping · I)⁻¹ g`` where ``λ_penalty`` is the l2
    strength on the weights (the intercepts are not penalized); the step starts at
    ``learning_rate`` and is halved until ``F(Θ + η d) ≤ F(Θ) + 10⁻⁴ η gᵀd``. Stops when
    ``max |g| ≤ tol``. Returns ``W, b, n_iter, loss_curve``.
    """
    pxp = problem.pxp
    value, gW, gb = problem.smooth_objective(W, b)
    curve = []
    for _ in range(max_iter):
        g = _stack(gW, gb, problem)
        if float(pxp.max(pxp.abs(g))) <= tol:
            return W, b, len(curve), curve
        direction = _solve_damped(problem.fisher(W, b), g, problem, damping)
        slope = float(pxp.sum(g * direction))
        if not slope < 0:
            return W, b, len(curve), curve  # no descent direction left: rounding level
        step, g_max = float(learning_rate), float(pxp.max(pxp.abs(g)))
        for _ in range(40):
            W_new, b_new = _unstack(_stack(W, b, problem) + step * direction, problem)
            trial = problem.smooth_objective(W_new, b_new)
            if _sufficient_decrease(trial, value, step * slope, g_max, problem):
                break
            step /= 2
        else:
            return W, b, len(curve), curve  # the line search failed: rounding level
        curve.append(value)
        W, b, (value, gW, gb) = W_new, b_new, trial
    if max_iter and float(pxp.max(pxp.abs(_stack(gW, gb, problem)))) > tol:
        _warn_not_converged("natural", max_iter)
    return W, b, len(curve), curve


def _sufficient_decrease(trial, value, expected, g_max, problem):
    """Armijo's test ``F_new ≤ F + 10⁻⁴ η gᵀd``; near the optimum, where the objective changes
    by less than its rounding, a step that shrinks the gradient is taken instead (Newton's
    quadratic convergence goes on below the resolution of F)."""
    v_new, gW, gb = trial
    shrinks = float(problem.pxp.max(problem.pxp.abs(_stack(gW, gb, problem)))) < g_max
    if v_new <= value + 1e-4 * expected and (v_new < value or shrinks):
        return True
    flat = abs(v_new - value) <= 64 * np.finfo(np.float64).eps * max(1.0, abs(value))
    return flat and shrinks


def _stack(W, b, problem):
    """``Θ = [W | b]`` flattened row by row (b left out without an intercept)."""
    pxp = problem.pxp
    T = pxp.concat([W, b[:, None]], axis=1) if problem.fit_intercept else W
    return pxp.reshape(T, (-1,))


def _unstack(theta, problem):
    pxp = problem.pxp
    T = pxp.reshape(theta, (problem.k, problem.d + problem.fit_intercept))
    b = T[:, problem.d] if problem.fit_intercept else problem.zeros()[1]
    return T[:, :problem.d], b


def _solve_damped(F, g, problem, damping):
    """``−(F + D)⁻¹ g`` with ``D`` the diagonal of the l2 penalty (on the weights, not the
    intercepts) plus the damping."""
    pxp = problem.pxp
    lam = problem.penalty.l2_strength
    diag = pxp.concat([weights_mask(problem)] * problem.k) * lam
    H = F + pxp.eye(F.shape[0], dtype=F.dtype, device=problem.device) * (diag + damping)
    if problem.loss is multinomial_log_loss:
        H = H + _pin_class_shift(problem, H, lam)
    return -solve_psd(H, g[:, None], pxp)[:, 0]


def _pin_class_shift(problem, H, lam):
    """Curvature for the one direction the softmax cannot see.

    Adding the same vector to every class's row of ``Θ`` changes no probability, so the Fisher
    information is singular along ``1 ⊗ v`` (the intercepts' shift always, the weights' too
    without an l2 penalty). Those directions are an invariant subspace of ``H`` and the
    gradient has no component in them, so adding ``c (11ᵀ/K ⊗ P)`` (``P`` selecting the
    unpenalized entries) leaves the step elsewhere unchanged and gives it no component there:
    the minimum-norm Newton step, from a Cholesky factorization that now exists.
    """
    pxp, k = problem.pxp, problem.k
    m = problem.d + problem.fit_intercept
    free = 1.0 - weights_mask(problem) if lam else pxp.ones((m,), dtype=H.dtype,
                                                             device=problem.device)
    c = float(pxp.sum(pxp.linalg.diagonal(H))) / H.shape[0]
    block = pxp.eye(m, dtype=H.dtype, device=problem.device) * free[None, :]
    ones = pxp.ones((k, 1, k, 1), dtype=H.dtype, device=problem.device) / k
    return c * pxp.reshape(ones * block[None, :, None, :], (k * m, k * m))


def weights_mask(problem):
    """1 on a class's weights, 0 on its intercept: one row of ``Θ = [W | b]``."""
    pxp, m = problem.pxp, problem.d + problem.fit_intercept
    return pxp.astype(pxp.arange(m, device=problem.device) < problem.d, problem.dtype)


def solve_psd(H, B, pxp):
    """``H⁻¹ B`` for a symmetric positive semi-definite ``H``: by Cholesky, or, when ``H`` is
    singular (a multinomial model's intercepts; collinear features without a penalty), the
    minimum-norm solution through the eigendecomposition -- which, for a right-hand side in
    the span of ``H`` as a gradient is, stays in that span."""
    try:
        L = pxp.linalg.cholesky(H)
        ok = bool(pxp.all(pxp.isfinite(L)))
    except Exception:  # NumPy and torch raise for a matrix that is not positive definite
        ok = False
    if ok:
        return pxp.linalg.solve(L.T, pxp.linalg.solve(L, B))
    vals, vecs = pxp.linalg.eigh((H + H.T) / 2)
    cutoff = float(pxp.max(pxp.abs(vals))) * H.shape[0] * np.finfo(np.float64).eps
    inv = pxp.where(vals > cutoff, 1.0 / pxp.where(vals > cutoff, vals, 1.0), 0.0)
    return vecs @ (inv[:, None] * (vecs.T @ B))


def _warn_not_converged(solver, max_iter):
    warnings.warn(f"The {solver!r} solver reached max_iter={max_iter} before converging; "
                  "increase max_iter or tol.", ConvergenceWarning, stacklevel=4)


# ---------------------------------------------------------------------------------------------
# Accelerated proximal gradient (FISTA)
# ---------------------------------------------------------------------------------------------


def fista(problem, W, b, *, max_iter, tol, step, accelerate=True):
    """Full-batch accelerated proximal gradient descent with adaptive restart.

    Beck & Teboulle (2009)::

        x_{k+1} = prox_{ηαR}(y_k − η ∇f(y_k))                 (the proximal gradient step)
        t_{k+1} = (1 + √(1 + 4 t_k²)) / 2
        y_{k+1} = x_{k+1} + (t_k − 1)/t_{k+1} · (x_{k+1} − x_k)

    with ``η = 1/L`` and the momentum restarted (``t = 1``) whenever it points against the
    last step, ``(y_k − x_{k+1})·(x_{k+1} − x_k) > 0`` (O'Donoghue & Candès 2015), which keeps
    the linear rate of strongly convex problems. Without ``accelerate`` (L0, which is not
    convex) this is plain proximal gradient descent: iterative hard thresholding.

    Stops when the gradient mapping ``max |y_k − x_{k+1}| / η`` -- the gradient for a smooth
    objective, the distance to the KKT conditions for L1 -- is at most ``tol``. Returns
    ``W, b, n_iter, loss_curve`` (the objective at each gradient's point).
    """
    pxp, penalty = problem.pxp, problem.penalty
    x = y = (W, b)
    t, curve = 1.0, []
    for n_iter in range(1, max_iter + 1):
        value, gW, gb = problem.smooth_objective(*y)
        curve.append(value + _nonsmooth_value(penalty, y[0], pxp))
        W_new = penalty.prox(y[0] - step * gW, step, pxp)
        b_new = y[1] - step * gb if problem.fit_intercept else y[1]
        moved = _max_abs(pxp, y[0] - W_new, y[1] - b_new)
        if not math.isfinite(moved):
            raise ValueError(f"FISTA diverged after {n_iter} iteration(s) (a non-finite "
                             "step); check the data for huge values.")
        x_prev, x = x, (W_new, b_new)
        if moved / step <= tol:
            return W_new, b_new, n_iter, curve
        if not accelerate:
            y = x
            continue
        against = float(pxp.sum((y[0] - W_new) * (W_new - x_prev[0]))
                        + pxp.sum((y[1] - b_new) * (b_new - x_prev[1])))
        t_next = 1.0 if against > 0 else (1.0 + math.sqrt(1.0 + 4.0 * t * t)) / 2.0
        beta = 0.0 if against > 0 else (t - 1.0) / t_next
        y = (W_new + beta * (W_new - x_prev[0]), b_new + beta * (b_new - x_prev[1]))
        t = t_next
    _warn_not_converged("fista", max_iter)
    return x[0], x[1], max_iter, curve


def _nonsmooth_value(penalty, W, pxp):
    """The penalty's value beyond its smooth l2 part (0 for a smooth penalty)."""
    if penalty.smooth:
        return 0.0
    return penalty.value(W, pxp) - 0.5 * penalty.l2_strength * float(pxp.sum(W * W))


def _max_abs(pxp, *arrays):
    return max(float(pxp.max(pxp.abs(a))) if a.shape[0] else 0.0 for a in arrays)


# ---------------------------------------------------------------------------------------------
# (Mini-batch, proximal) gradient descent
# ---------------------------------------------------------------------------------------------


class DescentState:
    """What gradient descent carries between epochs and ``partial_fit`` calls."""

    def __init__(self, optimizer, params):
        self.optimizer = optimizer
        self.opt_state = optimizer.init(params)
        self.t = 0  # parameter updates made so far
        self.best_loss = math.inf
        self.best_score = -math.inf
        self.no_improvement = 0


def gradient_descent_epoch(problem, W, b, state, schedule, *, batches):
    """One pass over ``batches`` (arrays of row indices, None for all rows).

    Each batch: ``g = ∇(data term + smooth penalty)`` on the batch; the optimizer's step with
    the learning rate ``schedule(t)``; the proximal step of the non-smooth penalty. Returns
    ``W, b`` and the epoch's loss: the batch objectives (before each step) averaged with the
    batches' weights.
    """
    pxp, penalty = problem.pxp, problem.penalty
    total, weight = 0.0, 0.0
    for rows in batches:
        value, gW, gb = problem.smooth_objective(W, b, rows)
        value += _nonsmooth_value(penalty, W, pxp)
        share = 1.0 if rows is None else float(rows.shape[0])
        total, weight = total + share * value, weight + share
        lr = float(schedule(state.t))
        if problem.fit_intercept:
            (W, b), state.opt_state = state.optimizer.step([W, b], [gW, gb], state.opt_state,
                                                           lr)
        else:
            W, state.opt_state = state.optimizer.step(W, gW, state.opt_state, lr)
        if not penalty.smooth:
            W = penalty.prox(W, lr, pxp)
        state.t += 1
    return W, b, total / weight


def minibatches(n, batch_size, rng, shuffle, xp, device):
    """Row-index arrays of the epoch's mini-batches (one None for the full batch, whose
    gradient no order of the rows changes)."""
    if batch_size is None or batch_size >= n:
        return [None]
    order = rng.permutation(n) if shuffle else np.arange(n)
    return [xp.asarray(order[i:i + batch_size], device=device)
            for i in range(0, n, batch_size)]


def gradient_descent(problem, W, b, state, schedule, *, max_iter, tol, n_iter_no_change,
                     batch_size, shuffle, rng, validation=None):
    """Epochs of ``gradient_descent_epoch`` until the loss (or, with ``validation``, the
    validation score) has not improved by ``tol`` for ``n_iter_no_change`` epochs.

    ``validation`` is ``(score, X_val, y_val)`` with ``score(W, b, X, y)`` higher-is-better;
    the best parameters seen are returned then. Returns ``W, b, n_epochs, loss_curve,
    validation_scores``.
    """
    curve, scores = [], []
    best = (W, b)
    for _ in range(max_iter):
        batches = minibatches(problem.n, batch_size, rng, shuffle, problem.xp, problem.device)
        W, b, loss = gradient_descent_epoch(problem, W, b, state, schedule, batches=batches)
        curve.append(loss)
        if not math.isfinite(loss):
            raise ValueError(f"Gradient descent diverged: the loss is {loss} after "
                             f"{len(curve)} epoch(s). Lower the learning rate.")
        if validation is not None:
            score = validation[0](W, b, *validation[1:])
            scores.append(score)
            improved = score > state.best_score + tol
            if score > state.best_score:
                state.best_score, best = score, (W, b)
        else:
            improved = loss < state.best_loss - tol
            state.best_loss = min(state.best_loss, loss)
        state.no_improvement = 0 if improved else state.no_improvement + 1
        if state.no_improvement > n_iter_no_change:
            break
    else:
        _warn_not_converged("gd", max_iter)
    if validation is not None:
        W, b = best
    return W, b, len(curve), curve, scores
