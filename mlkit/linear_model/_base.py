"""What LogisticRegression and LinearRegression share: parameters, the fit driver, prediction.

A subclass says which loss it fits (``_loss_for``), how it codes its targets
(``_targets``), and how it scores a validation set (``_validation_score``); everything else —
the penalty, the solver, warm starts, ``partial_fit``, early stopping — is here.
"""

from __future__ import annotations

import math
import numbers

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils import check_random_state
from sklearn.utils.metaestimators import available_if

from .._array import (
    as_namespace,
    compute,
    float_dtype,
    is_lazy,
    namespace_and_device,
    to_host,
)
from .._validation import (
    Interval,
    StrOptions,
    check_is_fitted,
    check_sample_weight,
    not_offered_message,
    validate_data,
    validate_params,
)
from ..optim import OPTIMIZERS, SCHEDULES, Momentum, Nesterov, get_optimizer, get_schedule
from ..optim import SGD as PlainSGD
from ._loss import weighted_gram
from ._solvers import (
    DescentState,
    Problem,
    fista,
    gradient_descent,
    gradient_descent_epoch,
    lbfgs,
    minibatches,
    natural_gradient,
)

PENALTIES = {None, "l2", "l1", "elasticnet", "l0", "nuclear"}
SMOOTH_SOLVERS = {"lbfgs", "natural", "lstsq"}

COMMON_CONSTRAINTS = {
    "alpha": [Interval(numbers.Real, 0, None, closed="left"), None],
    "l1_ratio": [Interval(numbers.Real, 0, 1, closed="both"), None],
    "max_features": [Interval(numbers.Integral, 1, None, closed="left"), None],
    "fit_intercept": ["boolean"],
    "max_iter": [Interval(numbers.Integral, 0, None, closed="left")],
    "tol": [Interval(numbers.Real, 0, None, closed="left")],
    "optimizer": [StrOptions(set(OPTIMIZERS)), object],
    "learning_rate": [StrOptions(set(SCHEDULES)), callable],
    "learning_rate_init": [StrOptions({"auto"}), Interval(numbers.Real, 0, None,
                                                          closed="neither")],
    "batch_size": [Interval(numbers.Integral, 1, None, closed="left"), None],
    "shuffle": ["boolean"],
    "early_stopping": ["boolean"],
    "validation_fraction": [Interval(numbers.Real, 0, 1, closed="neither")],
    "n_iter_no_change": [Interval(numbers.Integral, 1, None, closed="left")],
    "damping": [Interval(numbers.Real, 0, None, closed="left")],
    "random_state": ["random_state"],
    "warm_start": ["boolean"],
    "verbose": [Interval(numbers.Integral, 0, None, closed="left"), "boolean"],
}


_GRAM_MAX_FEATURES = 2000


def _power_iteration(X, w, intercept, xp, device, n_iter=30):
    """The top eigenvalue of ``X̃ᵀ diag(w) X̃`` by power iteration, one pass over X per step."""
    d = X.shape[1]
    v = np.random.default_rng(0).normal(size=d + intercept)
    top = 0.0
    for _ in range(n_iter):
        vx = as_namespace(v, xp, device)
        z = X @ vx[:d] + (vx[d] if intercept else 0.0)
        grad, total = compute(X.T @ (w * z), xp.sum(w * z))
        u = np.asarray(to_host(grad), dtype=np.float64)
        u = np.append(u, float(total)) if intercept else u
        top = float(np.linalg.norm(u))
        if top == 0:
            return 0.0
        v = u / top
    return top


class LinearModelBase(BaseEstimator):
    """The fit driver of the gradient-trained linear models (not public)."""

    # ---- what a subclass provides ------------------------------------------------------------

    def _loss_for(self, k):  # pragma: no cover - abstract
        raise NotImplementedError

    def _targets(self, y, xp, device, dtype, *, first):  # pragma: no cover - abstract
        """``(Y, class_of_row)``: the n x k coded targets, and the class indices (or None)."""
        raise NotImplementedError

    def _resolve_penalty(self, total_weight):  # pragma: no cover - abstract
        raise NotImplementedError

    def _validation_score(self, W, b, X, y):  # pragma: no cover - abstract
        raise NotImplementedError

    def _rank_name(self):  # pragma: no cover - abstract
        raise NotImplementedError

    def _default_solver(self, penalty):
        return self.solver

    def _n_iter_attribute(self, n_iter):
        return np.asarray([n_iter], dtype=np.int32)

    # ---- fitting -----------------------------------------------------------------------------

    def _fit(self, X, y, sample_weight, *, partial=False):
        problem, solver, X, y = self._problem(X, y, sample_weight, partial=partial)
        W, b = self._initial(problem, first=not (partial and hasattr(self, "coef_")))
        if partial:
            W, b = self._partial_epoch(problem, W, b)
        elif solver == "gd":
            W, b = self._descend(problem, W, b, X, y)
        else:
            self._descent = None
            self.validation_scores_ = self.best_validation_score_ = None
            W, b, n_iter, self.loss_curve_ = self._solve_full_batch(solver, problem, W, b)
            self.n_iter_ = self._n_iter_attribute(n_iter)
            self.t_ = n_iter
        self._store(W, b)
        return self

    def _problem(self, X, y, sample_weight, *, partial=False):
        """Validate everything and set up the objective: ``(problem, solver, X, y)``."""
        validate_params(self)
        first = not (partial and hasattr(self, "coef_"))
        X, y = self._validate(X, y, reset=first, partial=partial)
        xp, device = namespace_and_device(X)
        dtype = X.dtype if X.dtype in (xp.float32, xp.float64) else float_dtype(xp, device)
        Y, y_idx = self._targets(y, xp, device, dtype, first=first)
        s, total = self._weights(sample_weight, X, y_idx, xp, device, dtype)
        if first or not hasattr(self, "alpha_"):
            self._penalty = self._resolve_penalty(total)
            self.alpha_ = self._penalty.alpha
        solver = "gd" if partial else self._default_solver(self._penalty)
        self._check_combination(self._penalty, solver, X.shape, Y.shape[1], is_lazy(X))
        pxp = xp if not is_lazy(X) else namespace_and_device(np.zeros(1))[0]
        pdev = device if not is_lazy(X) else "cpu"
        problem = Problem(X, Y, s, self._loss_for(Y.shape[1]), self._penalty,
                          fit_intercept=self.fit_intercept, xp=xp, pxp=pxp, device=pdev,
                          dtype=dtype)
        return problem, solver, X, y

    def _validate(self, X, y, reset, partial):
        return validate_data(self, X, y, reset=reset, accept_sparse=("csr", "csc"),
                             **self._validate_options(partial))

    def _weights(self, sample_weight, X, y_idx, xp, device, dtype):
        """The per-row weights ``s`` (class weights folded in) and their sum."""
        n = X.shape[0]
        sw = check_sample_weight(sample_weight, n, xp, device, dtype)
        cw = self._class_weight_of_rows(y_idx, sw, xp, device, dtype)
        if sw is None and cw is None:
            ones = xp.ones_like(X[:, 0]) if is_lazy(X) else xp.ones((n,), dtype=dtype,
                                                                    device=device)
            return ones, float(n)
        s = sw if cw is None else cw if sw is None else sw * cw
        return s, float(to_host(xp.sum(s)))

    def _class_weight_of_rows(self, y_idx, sw, xp, device, dtype):
        return None

    def _check_combination(self, penalty, solver, shape, k, lazy):
        n, d = shape
        name = type(self).__name__
        if solver in SMOOTH_SOLVERS and not penalty.smooth:
            raise ValueError(
                f"{name}: solver={solver!r} needs a smooth objective, which "
                f"penalty={penalty.kind!r} is not; use solver='fista' (accelerated proximal "
                "gradient, to the exact optimum) or 'gd' (mini-batches) for the 'l1', "
                "'elasticnet', 'l0' and 'nuclear' penalties.")
        if penalty.kind == "nuclear" and k < 2:
            raise ValueError(
                f"{name}: penalty='nuclear' penalizes the rank of the coefficient matrix, "
                f"which needs {self._rank_name()}; this problem has a single row of "
                "coefficients (use 'l2' or 'l1').")
        if self.max_features is not None and penalty.kind != "l0":
            raise ValueError(f"{name}: max_features (the L0 budget) applies to "
                             f"penalty='l0' only; got penalty={penalty.kind!r}.")
        if self.max_features is not None and self.max_features > d:
            raise ValueError(f"{name}: max_features={self.max_features} is larger than the "
                             f"number of features, {d}.")
        if solver == "gd":
            rows = n - math.ceil(self.validation_fraction * n) if self.early_stopping else n
            if self.batch_size is not None and self.batch_size > rows:
                raise ValueError(
                    f"{name}: batch_size={self.batch_size} is larger than the {rows} "
                    "training samples; use batch_size=None for full-batch gradient descent.")
            optimizer = get_optimizer(self.optimizer, owner=name)
            if not penalty.smooth and not isinstance(optimizer, PlainSGD | Momentum |
                                                     Nesterov):
                raise ValueError(
                    f"{name}: penalty={penalty.kind!r} is applied by a proximal step of the "
                    "learning rate, which needs an optimizer whose step is the learning rate "
                    f"('sgd', 'momentum' or 'nesterov'); got {self.optimizer!r}.")
            if lazy and self.batch_size is not None:
                raise ValueError(not_offered_message(
                    name, f"mini-batch descent on Dask input (batch_size={self.batch_size})",
                    "a Dask array's rows are not at hand for random draws",
                    "use batch_size=None (each step then reduces the gradient over the row "
                    "blocks), or call partial_fit on computed blocks"))
        elif self.early_stopping:
            raise ValueError(f"{name}: early_stopping applies to solver='gd' (its epochs); "
                             f"got solver={solver!r}.")

    def _initial(self, problem, first):
        """Zeros, or the previous solution (warm start, partial_fit)."""
        W0, b0 = problem.zeros()
        resume = self.warm_start or not first  # partial_fit always resumes
        if not resume or not hasattr(self, "coef_"):
            return W0, b0
        W = as_namespace(self._coef_matrix(), problem.pxp, problem.device)
        b = as_namespace(self._intercept_vector(), problem.pxp, problem.device)
        if tuple(W.shape) != tuple(W0.shape):
            return W0, b0  # another problem's shape: start afresh
        return problem.pxp.astype(W, problem.dtype), problem.pxp.astype(b, problem.dtype)

    def _solve_full_batch(self, solver, problem, W, b):
        """The full-batch solvers: lbfgs, natural, fista, lstsq."""
        if solver == "fista":
            step = (1.0 / self._lipschitz(problem) if self.learning_rate_init == "auto"
                    else float(self.learning_rate_init))
            return fista(problem, W, b, max_iter=self.max_iter, tol=self.tol, step=step,
                         accelerate=problem.penalty.kind != "l0")
        if solver == "lbfgs":
            return lbfgs(problem, W, b, max_iter=self.max_iter, tol=self.tol)
        if solver == "lstsq":
            return self._lstsq(problem)
        rate = 1.0 if self.learning_rate_init == "auto" else float(self.learning_rate_init)
        return natural_gradient(problem, W, b, max_iter=self.max_iter, tol=self.tol,
                                learning_rate=rate, damping=float(self.damping))

    # ---- gradient descent ------------------------------------------------------------------

    def _schedule(self, problem, steps_per_epoch, n_epochs):
        name = type(self).__name__
        optimizer = get_optimizer(self.optimizer, owner=name)
        lr0 = self.learning_rate_init
        if lr0 == "auto":
            lr0 = (1.0 / self._lipschitz(problem) if isinstance(optimizer, PlainSGD | Momentum
                                                                | Nesterov)
                   else 0.01 if type(optimizer).__name__ == "AdaGrad" else 0.001)
        schedule = get_schedule(self.learning_rate, float(lr0), owner=name,
                                total_steps=max(1, steps_per_epoch * n_epochs),
                                steps_per_epoch=steps_per_epoch)
        return optimizer, schedule

    def _lipschitz(self, problem):
        """An upper bound on the curvature of the smooth objective: ``c λ_max(X̃ᵀ S X̃ / S) + λ``
        (``c`` = 1 for squares, ¼ for the logistic, ½ for the softmax loss); 1/L is the largest
        step for which gradient descent provably decreases the objective.

        ``λ_max`` is the top eigenvalue of the (d+1)² Gram matrix when d is small, else 30 power
        iterations (which approach it from below: 5% is added).
        """
        c = self._curvature_bound(problem.k)
        xp, X = problem.xp, problem.X
        w = problem.s / xp.sum(problem.s)
        if problem.d <= _GRAM_MAX_FEATURES:
            gram = to_host(compute(weighted_gram(X, w, problem.fit_intercept, xp))[0])
            top = float(np.max(np.linalg.eigvalsh(np.asarray(gram, dtype=np.float64))))
        else:
            top = 1.05 * _power_iteration(X, w, problem.fit_intercept, xp, problem.device)
        return c * top + problem.penalty.l2_strength

    def _descend(self, problem, W, b, X, y):
        rng = check_random_state(self.random_state)
        validation = None
        if self.early_stopping:
            problem, validation = self._split_validation(problem, X, y, rng)
        steps = len(minibatches(problem.n, self.batch_size, rng, False, problem.xp,
                                problem.device))
        optimizer, schedule = self._schedule(problem, steps, self.max_iter)
        self._descent = DescentState(optimizer, [W, b] if self.fit_intercept else W)
        W, b, n_iter, self.loss_curve_, scores = gradient_descent(
            problem, W, b, self._descent, schedule, max_iter=self.max_iter, tol=self.tol,
            n_iter_no_change=self.n_iter_no_change, batch_size=self.batch_size,
            shuffle=self.shuffle, rng=rng, validation=validation)
        self.validation_scores_ = scores if self.early_stopping else None
        self.best_validation_score_ = max(scores) if self.early_stopping else None
        self.n_iter_ = self._n_iter_attribute(n_iter)
        self.t_ = self._descent.t
        return W, b

    def _partial_epoch(self, problem, W, b):
        if getattr(self, "_descent", None) is None or not hasattr(self, "_rng"):
            self._rng = check_random_state(self.random_state)
            steps = len(minibatches(problem.n, self.batch_size, self._rng, False, problem.xp,
                                    problem.device))
            self._partial_schedule = self._schedule(problem, steps, self.max_iter)
            self._descent = DescentState(self._partial_schedule[0],
                                         [W, b] if self.fit_intercept else W)
            self.loss_curve_, self.validation_scores_ = [], None
            self.best_validation_score_ = None
        batches = minibatches(problem.n, self.batch_size, self._rng, self.shuffle, problem.xp,
                              problem.device)
        W, b, loss = gradient_descent_epoch(problem, W, b, self._descent,
                                            self._partial_schedule[1], batches=batches)
        self.loss_curve_.append(loss)
        self.n_iter_ = self._n_iter_attribute(len(self.loss_curve_))
        self.t_ = self._descent.t
        return W, b

    def _split_validation(self, problem, X, y, rng):
        """The training problem on ``1 - validation_fraction`` of the rows, and the held-out
        rows with the scorer (stratified for classifiers, as scikit-learn's MLP)."""
        from sklearn.model_selection import train_test_split

        if is_lazy(X):
            raise ValueError(not_offered_message(
                type(self).__name__, "early_stopping on Dask input",
                "it holds out a random share of the rows, which a Dask array does not have at "
                "hand", "fit on X.compute(), or fit with early_stopping=False and score a "
                "held-out split yourself"))
        n = problem.n
        strat = to_host(self._stratify(y)) if self._stratify(y) is not None else None
        train, val = train_test_split(np.arange(n), test_size=self.validation_fraction,
                                      random_state=rng, stratify=strat)
        xp, dev = problem.xp, problem.device
        tr, va = xp.asarray(np.sort(train), device=dev), xp.asarray(np.sort(val), device=dev)
        from ._solvers import _take_rows

        part = Problem(_take_rows(problem.X, tr, xp), xp.take(problem.Y, tr, axis=0),
                       xp.take(problem.s, tr, axis=0), problem.loss, problem.penalty,
                       fit_intercept=problem.fit_intercept, xp=xp, pxp=problem.pxp,
                       device=dev, dtype=problem.dtype)
        y_val = y[to_host(va)] if isinstance(y, np.ndarray) else xp.take(y, va, axis=0)
        return part, (self._validation_score, _take_rows(problem.X, va, xp), y_val)

    def _stratify(self, y):
        return None

    # ---- prediction --------------------------------------------------------------------------

    def _linear_scores(self, X):
        """``X Wᵀ + b`` (n x k) in X's namespace."""
        check_is_fitted(self, "coef_")
        X = validate_data(self, X, reset=False, accept_sparse=("csr", "csc"))
        xp, device = namespace_and_device(X)
        W = as_namespace(self._coef_matrix(), xp, device)
        b = as_namespace(self._intercept_vector(), xp, device)
        Z = X @ W.T
        return (Z + b) if self.fit_intercept else Z


def per_row(table, idx, xp, device, dtype):
    """``table[idx]``: a small host table looked up for every row, in the rows' namespace."""
    if is_lazy(idx):
        return idx.map_blocks(lambda i: table[i], dtype=table.dtype).astype(dtype)
    return xp.astype(xp.take(as_namespace(table, xp, device), idx, axis=0), dtype)


def partial_fit_available(est):
    """``partial_fit`` exists for solver='gd' (one epoch of mini-batch gradient descent)."""
    if est.solver != "gd":
        raise AttributeError(f"partial_fit is one epoch of gradient descent: it is available "
                             f"for solver='gd', not {est.solver!r}.")
    return True


__all__ = ["COMMON_CONSTRAINTS", "LinearModelBase", "available_if", "partial_fit_available",
           "per_row"]
