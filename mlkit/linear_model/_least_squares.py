"""LinearRegression: least squares with the same penalties and solvers as LogisticRegression."""

from __future__ import annotations

import numbers
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np
from sklearn.base import RegressorMixin

from .._array import as_namespace, compute, is_lazy, is_numpy, namespace_and_device, to_host
from .._discovery import ALL, Capabilities
from .._typing import Array, ArrayLike, RandomState
from .._validation import NotOffered, StrOptions, check_all_finite
from ._base import (
    COMMON_CONSTRAINTS,
    PENALTIES,
    LinearModelBase,
    available_if,
    partial_fit_available,
)
from ._loss import half_squared_error, weighted_gram
from ._penalty import Penalty
from ._solvers import solve_psd, weights_mask

__all__ = ["LinearRegression"]


_LinearRegressionT = TypeVar("_LinearRegressionT", bound="LinearRegression")


class LinearRegression(RegressorMixin, LinearModelBase):
    """Least squares, plain or penalized (ridge, lasso, elastic net, L0, nuclear norm).

    Minimizes ``F(W, b) = (1/(2S)) Σ_i s_i ‖y_i − W x_i − b‖² + α R(W)`` (``S = Σ s_i``), one
    row of ``W`` per target.

    Parameters
    ----------
    penalty : {'l2', 'l1', 'elasticnet', 'l0', 'nuclear'} or None, default=None
        ``R(W)``: ``½‖W‖²``; ``‖W‖₁``; ``ρ‖W‖₁ + (1−ρ)/2 ‖W‖²``; the number of features with a
        non-zero weight (or a budget of ``max_features``); the nuclear norm of the t x d
        coefficient matrix (reduced-rank regression; needs a 2-D ``y``).
    alpha : float, default=1.0
        The strength ``α``. It is scikit-learn's ``alpha`` of ``Lasso`` and ``ElasticNet``
        (same objective); ``Ridge(alpha=a)`` minimizes ``‖y − Xw‖² + a‖w‖²``, which is
        ``alpha = a / n`` here (``a / S`` with weights).
    l1_ratio : float in [0, 1], default=0.5
        ``ρ`` of the elastic net (scikit-learn's ElasticNet default).
    max_features : int, default=None
        The L0 budget: at most this many features keep a non-zero weight.
    fit_intercept : bool, default=True
        Fit an unpenalized intercept.
    copy_X : bool, default=True
        Accepted for scikit-learn compatibility: X is never modified.
    n_jobs : int, default=None
        Accepted for scikit-learn compatibility (not used).
    positive : False, default=False
        Accepted for scikit-learn compatibility; ``True`` (non-negative least squares) is
        refused: it is a bound-constrained problem, which none of the solvers handles. Use
        ``scipy.optimize.nnls`` or scikit-learn's ``LinearRegression(positive=True)``.
    tol : float, default=1e-6
        'lbfgs': scipy's ``gtol``; 'natural': the largest gradient entry at convergence;
        'fista': the largest entry of the gradient mapping; 'gd': the improvement of the loss
        below which an epoch does not count as progress.
    solver : {'auto', 'lstsq', 'lbfgs', 'natural', 'fista', 'gd'}, default='auto'
        'lstsq': the closed form (least squares; the normal equations with the ridge term).
        'natural': natural-gradient descent; the Fisher information of the Gaussian model is
        ``X̃ᵀX̃ / S``, the Hessian, so the first step lands on the optimum. 'lbfgs', 'fista' and
        'gd' as in LogisticRegression. 'auto': 'lstsq' for the smooth penalties (None, 'l2'),
        'fista' for the others.
    max_iter : int, default=1000
        Iterations ('lbfgs', 'natural') or epochs ('gd').
    random_state, warm_start, verbose, optimizer, learning_rate, learning_rate_init
        As in :class:`mlkit.linear_model.LogisticRegression`.
    batch_size, shuffle, early_stopping, validation_fraction, n_iter_no_change, damping
        As in :class:`mlkit.linear_model.LogisticRegression` (the held-out score for early
        stopping is R²).

    Attributes
    ----------
    coef_ : array of shape (n_features,) or (n_targets, n_features)
        The weights.
    intercept_ : float or array of shape (n_targets,)
        The intercept(s) (0 when ``fit_intercept=False``).
    alpha_ : float
        The penalty strength used (0 without a penalty).
    n_iter_ : int
        Iterations (or epochs) run; 1 for 'lstsq'.
    t_ : int
        Parameter updates made.
    loss_curve_ : list of float
        The objective at each iteration (each epoch for 'gd').
    validation_scores_ : list of float or None
        The held-out R² after each epoch (early stopping only).
    best_validation_score_ : float or None
        The best of them.
    n_features_in_ : int
        Number of columns seen in ``fit``.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names, when ``X`` was a DataFrame with string column names.

    Notes
    -----
    With ``penalty=None`` the solution is scikit-learn's ``LinearRegression`` (the
    minimum-norm least-squares solution when X is rank-deficient); 'l1' and 'elasticnet'
    have the objective of scikit-learn's ``Lasso`` and ``ElasticNet``.

    Examples
    --------
    >>> import numpy as np
    >>> from mlkit.linear_model import LinearRegression
    >>> X = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 1.0], [3.0, 3.0]])
    >>> reg = LinearRegression().fit(X, X @ [2.0, -1.0] + 0.5)
    >>> np.round(reg.coef_, 6).tolist(), round(float(reg.intercept_), 6)
    ([2.0, -1.0], 0.5)
    """

    _parameter_constraints = {
        **COMMON_CONSTRAINTS,
        "penalty": [StrOptions(PENALTIES - {None}), None],
        "copy_X": ["boolean"],
        "n_jobs": [numbers.Integral, None],
        "positive": ["boolean"],
        "solver": [StrOptions({"auto", "lstsq", "lbfgs", "natural", "fista", "gd"})],
    }
    _not_offered = {
        "positive": [NotOffered(
            (True,), what="non-negative least squares",
            why="it is a bound-constrained problem, which none of the solvers (closed form, "
                "L-BFGS, natural gradient, FISTA, gradient descent) handles",
            instead="use scipy.optimize.nnls(X, y) (no intercept: centre X and y first) or "
                    "sklearn.linear_model.LinearRegression(positive=True)")],
    }
    _capabilities = Capabilities(
        fit=ALL, predict=ALL,
        host="the (t x d) parameters' solves for Dask data (the Gram matrix and each "
             "gradient are Dask row-block reductions); mini-batches are not offered on Dask",
        sparse=True,
    )

    def __init__(self, penalty: str | None = None, *, alpha: float | None = 1.0,
                 l1_ratio: float | None = 0.5, max_features: int | None = None,
                 fit_intercept: bool = True, copy_X: bool = True, n_jobs: int | None = None,
                 positive: bool = False, tol: float = 1e-6, solver: str = "auto",
                 max_iter: int = 1000, random_state: RandomState = None,
                 warm_start: bool = False, verbose: int = 0, optimizer: str | Any = "sgd",
                 learning_rate: str | Callable = "constant",
                 learning_rate_init: float | str = "auto", batch_size: int | None = None,
                 shuffle: bool = True, early_stopping: bool = False,
                 validation_fraction: float = 0.1, n_iter_no_change: int = 5,
                 damping: float = 0.0) -> None:
        self.penalty = penalty
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.max_features = max_features
        self.fit_intercept = fit_intercept
        self.copy_X = copy_X
        self.n_jobs = n_jobs
        self.positive = positive
        self.tol = tol
        self.solver = solver
        self.max_iter = max_iter
        self.random_state = random_state
        self.warm_start = warm_start
        self.verbose = verbose
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.damping = damping

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.target_tags.multi_output = True
        return tags

    def fit(self: _LinearRegressionT, X: ArrayLike, y: ArrayLike,
            sample_weight: ArrayLike | None = None) -> _LinearRegressionT:
        """Fit the model by ``solver`` (see the class docstring)."""
        return self._fit(X, y, sample_weight)

    @available_if(partial_fit_available)
    def partial_fit(self: _LinearRegressionT, X: ArrayLike, y: ArrayLike,
                    sample_weight: ArrayLike | None = None) -> _LinearRegressionT:
        """One epoch of mini-batch gradient descent on ``(X, y)`` (``solver='gd'``); the
        optimizer's state and the step count carry over between calls."""
        return self._fit(X, y, sample_weight, partial=True)

    def predict(self, X: ArrayLike) -> Array:
        """``X Wᵀ + b``: shape (n,) for a 1-D training target, else (n, n_targets)."""
        Z = self._linear_scores(X)
        return Z[:, 0] if self._one_target else Z

    # ---- what the shared driver asks -------------------------------------------------------

    def _validate_options(self, partial):
        return {"multi_output": True, "y_numeric": True}

    def _default_solver(self, penalty):
        if self.solver != "auto":
            return self.solver
        return "lstsq" if penalty.smooth else "fista"

    def _resolve_penalty(self, total_weight):
        if self.penalty is None:
            return Penalty(None)
        return Penalty(self.penalty, float(self.alpha), float(self.l1_ratio), self.max_features)

    def _loss_for(self, k):
        return half_squared_error

    def _curvature_bound(self, k):
        return 1.0

    def _rank_name(self):
        return "two or more targets (a 2-D y)"

    def _n_iter_attribute(self, n_iter):
        return int(n_iter)

    def _targets(self, y, xp, device, dtype, *, first):
        if not is_lazy(y):
            check_all_finite(y, "y")
        one = y.ndim == 1
        if first:
            self._one_target = one
        elif one != self._one_target:
            raise ValueError("y has another number of targets than in the first call.")
        y = as_namespace(y, xp, device) if not is_lazy(y) else y
        Y = xp.astype(y, dtype)
        return (Y[:, None] if one else Y), None

    def _validation_score(self, W, b, X, y):
        xp, device = namespace_and_device(X)
        Z = X @ as_namespace(W, xp, device).T + as_namespace(b, xp, device)
        Y = xp.astype(as_namespace(y, xp, device), Z.dtype)
        Y = Y[:, None] if Y.ndim == 1 else Y
        ss_res = xp.sum((Y - Z) ** 2, axis=0)
        ss_tot = xp.sum((Y - xp.mean(Y, axis=0)) ** 2, axis=0)
        r2 = 1.0 - ss_res / xp.where(ss_tot > 0, ss_tot, 1.0)
        return float(xp.mean(r2))

    def _store(self, W, b):
        if not self.fit_intercept:
            b = b * 0.0
        if self._one_target:
            self.coef_, self.intercept_ = W[0, :], float(to_host(b)[0])
        else:
            self.coef_, self.intercept_ = W, b

    def _coef_matrix(self):
        return self.coef_[None, :] if self._one_target else self.coef_

    def _intercept_vector(self):
        return np.atleast_1d(np.asarray(self.intercept_, dtype=np.float64)) \
            if self._one_target else self.intercept_

    # ---- the closed form ---------------------------------------------------------------------

    def _lstsq(self, problem):
        """The least-squares solution: scipy's ``lstsq`` on the centred, weighted NumPy data;
        elsewhere the normal equations ``(X̃ᵀ S X̃ + λ D) Θᵀ = X̃ᵀ S Y`` (Gram matrix by row
        blocks), solved by Cholesky or, when singular, in the minimum-norm sense."""
        X, Y, s, xp = problem.X, problem.Y, problem.s, problem.xp
        lam = problem.penalty.l2_strength
        w = s / xp.sum(s)
        if is_numpy(xp) and isinstance(X, np.ndarray):
            W, b = _lstsq_numpy(X, np.asarray(Y), np.asarray(w), lam, problem.fit_intercept)
            W, b = xp.asarray(W, dtype=problem.dtype), xp.asarray(b, dtype=problem.dtype)
        else:
            gram = weighted_gram(X, w, problem.fit_intercept, xp)
            rhs = X.T @ (Y * w[:, None])
            if problem.fit_intercept:
                rhs = xp.concat([rhs, xp.sum(Y * w[:, None], axis=0)[None, :]], axis=0)
            if is_lazy(gram):
                gram, rhs = compute(gram, rhs)
            pxp = problem.pxp
            H = gram + pxp.eye(gram.shape[0], dtype=gram.dtype, device=problem.device) * (
                lam * weights_mask(problem))
            T = solve_psd(H, rhs, pxp).T  # t x (d + 1)
            W = T[:, :problem.d]
            b = T[:, problem.d] if problem.fit_intercept else problem.zeros()[1]
        value = problem.objective(W, b)
        return W, b, 1, [value]


def _lstsq_numpy(X, Y, w, lam, intercept):
    """Weighted (ridge) least squares by scipy's ``lstsq`` on the centred rows."""
    from scipy.linalg import lstsq

    xm = w @ X if intercept else np.zeros(X.shape[1])
    ym = w @ Y if intercept else np.zeros(Y.shape[1])
    root = np.sqrt(w)[:, None]
    A, B = (X - xm) * root, (Y - ym) * root
    if lam:
        A = np.vstack([A, np.sqrt(lam) * np.eye(X.shape[1])])
        B = np.vstack([B, np.zeros((X.shape[1], Y.shape[1]))])
    # singular values below max(n, d) eps of the largest count as zero (the centring alone
    # makes one exactly zero when n <= d): the minimum-norm solution, as scikit-learn's
    coef = lstsq(A, B, cond=max(A.shape) * np.finfo(A.dtype).eps, check_finite=False)[0]
    return coef.T, ym - xm @ coef
