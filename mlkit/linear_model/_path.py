"""Choosing the regularization strength: the path of solutions along an alpha grid, and
LogisticRegressionCV, which picks the strength by cross-validation along that path.

Along a decreasing grid of strengths each solution starts from the previous one (a warm
start): neighbouring optima are close, so the whole path costs little more than one fit at the
weakest strength. For L1 the grid starts at the smallest strength at which every weight is
zero, ``α_max = max_j |∂F/∂w_j| / ρ`` at ``w = 0`` (with the intercept at its own optimum):
below it the KKT conditions ``|∂F/∂w_j| ≤ αρ`` for all j fail, and features enter one by one.
"""

from __future__ import annotations

import numbers
import warnings
from collections.abc import Callable
from typing import Any, Literal, TypeVar

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.exceptions import ConvergenceWarning

from .._array import host, to_host
from .._discovery import ALL, Capabilities
from .._typing import Array, ArrayLike, RandomState
from .._validation import (
    Interval,
    check_is_fitted,
    validate_data,
    validate_param,
    validate_params,
)
from ._least_squares import LinearRegression
from ._logistic import LogisticRegression
from ._loss import intercept_only

__all__ = ["LogisticRegressionCV", "alpha_max", "regularization_path"]


def alpha_max(estimator: LogisticRegression | LinearRegression, X: ArrayLike, y: ArrayLike,
              sample_weight: ArrayLike | None = None) -> float:
    """The smallest ``alpha`` at which the L1 (or elastic-net) solution is all zeros.

    ``max_j |∂F/∂w_j| / ρ`` at ``w = 0`` with the intercept at its own optimum (the weighted
    class shares, or the weighted mean of y): the KKT condition of the zero solution.
    Without an L1 part (``ρ = 0``) the value is the same gradient over 10⁻³, the top of a
    grid on which the weights shrink noticeably.
    """
    problem = clone(estimator).set_params(warm_start=False)._problem(X, y, sample_weight)[0]
    xp = problem.xp
    W0, b0 = problem.zeros()
    if problem.fit_intercept:
        w = problem.s / xp.sum(problem.s)
        b0 = problem.pxp.asarray(to_host(intercept_only(problem.loss, problem.Y, w, xp)),
                                 dtype=problem.dtype, device=problem.device)
    _, gW, _ = problem.data_term(W0, b0)
    rho = estimator.l1_ratio if estimator.penalty == "elasticnet" else 1.0
    rho = rho if estimator.penalty in ("l1", "elasticnet") and rho else 1e-3
    return float(np.max(np.abs(to_host(gW)))) / rho


def regularization_path(estimator: LogisticRegression | LinearRegression, X: ArrayLike,
                        y: ArrayLike, *, alphas: ArrayLike | None = None, n_alphas: int = 30,
                        eps: float = 1e-3, sample_weight: ArrayLike | None = None,
                        ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The fitted coefficients along a decreasing grid of ``alpha``, with warm starts.

    Parameters
    ----------
    estimator : LogisticRegression or LinearRegression
        Any penalty and solver; its ``alpha`` is replaced along the grid.
    alphas : array-like, default=None
        The strengths, fitted from the largest to the smallest. By default ``n_alphas``
        values spaced evenly on a log scale from ``alpha_max`` down to ``eps · alpha_max``.

    Returns
    -------
    alphas : ndarray of shape (n_alphas,)
        The strengths, decreasing.
    coefs : ndarray of shape ``(n_alphas, *coef_.shape)``
        The coefficients at each strength (L1: watch the weights turn zero as alpha grows).
    intercepts : ndarray of shape ``(n_alphas, *intercept_.shape)``
        The intercepts.
    """
    validate_param("regularization_path", "n_alphas", n_alphas,
                   [Interval(numbers.Integral, 1, None, closed="left")])
    if alphas is None:
        top = alpha_max(estimator, X, y, sample_weight)
        alphas = np.geomspace(top, top * eps, n_alphas)
    alphas = np.sort(np.asarray(alphas, dtype=np.float64))[::-1]
    if alphas.size == 0 or np.any(alphas < 0):
        raise ValueError("regularization_path: alphas must be non-negative (and at least one).")
    est = clone(estimator).set_params(warm_start=True)
    coefs, intercepts = [], []
    for a in alphas:
        est.set_params(alpha=float(a))
        est.fit(X, y, sample_weight=sample_weight)
        coefs.append(np.array(to_host(est.coef_), dtype=np.float64))
        intercepts.append(np.array(to_host(est.intercept_), dtype=np.float64))
    return alphas, np.stack(coefs), np.stack(intercepts)


_LogisticRegressionCVT = TypeVar("_LogisticRegressionCVT", bound="LogisticRegressionCV")


class LogisticRegressionCV(ClassifierMixin, BaseEstimator):
    """LogisticRegression with the strength chosen by cross-validation along a warm path.

    For each fold the path of ``Cs`` (weakest regularization last) is fitted on the training
    part, each fit starting from the previous one, and scored on the held-out part; the ``C``
    of best mean score is refitted on all the data.

    Parameters
    ----------
    Cs : int or array-like, default=10
        The grid of inverse strengths; an int gives ``np.logspace(-4, 4, Cs)`` (scikit-learn's).
    cv : int, cross-validation generator or None, default=None
        scikit-learn's ``check_cv`` (None: 5 stratified folds).
    scoring : str, callable or None, default=None
        scikit-learn's scorer name or callable (None: accuracy).
    refit : bool, default=True
        Refit on all the data with the best ``C``; otherwise the coefficients are the mean of
        the folds' at that ``C``.
    penalty, l1_ratio, max_features, tol, fit_intercept, class_weight, random_state
        As in :class:`LogisticRegression`.
    solver, max_iter, optimizer, learning_rate, learning_rate_init, batch_size, damping
        As in :class:`LogisticRegression`.

    Attributes
    ----------
    C_ : float
        The chosen ``C``.
    Cs_ : ndarray of shape (n_Cs,)
        The grid, increasing.
    scores_ : ndarray of shape (n_folds, n_Cs)
        The held-out score of every fold and ``C``.
    coefs_paths_ : ndarray of shape (n_folds, n_Cs, n_rows, n_features)
        The coefficients along each fold's path.
    classes_ : ndarray of shape (n_classes,)
        The class labels.
    coef_ : array of shape (1, n_features) or (n_classes, n_features)
        The weights of the final model.
    intercept_ : array of shape (1,) or (n_classes,)
        Its intercepts.
    alpha_ : float
        Its penalty strength, ``1 / (C_ S)``.
    n_iter_ : ndarray of shape (1,)
        The iterations of its fit.
    estimator_ : LogisticRegression
        The final model (fitted with ``C_`` on all the data).
    n_features_in_ : int
        Number of columns seen in ``fit``.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names, when ``X`` was a DataFrame with string column names.

    Notes
    -----
    Each fit along a fold's path starts from the previous ``C``'s solution and ends as soon as
    it meets ``tol``, which is absolute (the largest gradient entry for 'natural', scipy's
    ``gtol`` for 'lbfgs'). Near-separable data make the objective flat at large ``C``: a fit
    may then stop after few or no iterations, well short of its optimum; pass a tight ``tol``
    (e.g. 1e-8 with ``solver='natural'``, which reaches it in a few Newton steps).

    Examples
    --------
    >>> from mlkit.datasets import load_breast_cancer
    >>> from mlkit.preprocessing import StandardScaler
    >>> from mlkit.linear_model import LogisticRegressionCV
    >>> X, y = load_breast_cancer()
    >>> clf = LogisticRegressionCV(Cs=5).fit(StandardScaler().fit_transform(X), y)
    >>> clf.C_ in clf.Cs_.tolist()
    True
    """

    _SHARED = ("penalty", "l1_ratio", "max_features", "tol", "fit_intercept", "class_weight",
               "random_state", "solver", "max_iter", "optimizer", "learning_rate",
               "learning_rate_init", "batch_size", "damping")
    _parameter_constraints = {
        **{k: LogisticRegression._parameter_constraints[k] for k in _SHARED},
        "Cs": [Interval(numbers.Integral, 1, None, closed="left"), "array-like"],
        "cv": [Interval(numbers.Integral, 2, None, closed="left"), object, None],
        "scoring": [str, callable, None],
        "refit": ["boolean"],
    }
    _not_offered = {"solver": LogisticRegression._not_offered["solver"]}
    _capabilities = Capabilities(
        fit=("numpy",), predict=ALL,
        host="the folds are split, fitted and scored on the host (scikit-learn's check_cv "
             "and scorers); predictions run natively",
        test_params={"Cs": 3, "cv": 3},
        sparse=True,
    )

    def __init__(self, Cs: int | ArrayLike = 10, *, cv: int | Any = None,
                 scoring: str | Callable | None = None, refit: bool = True,
                 penalty: str | None = "l2", l1_ratio: float | None = 0.0,
                 max_features: int | None = None, tol: float = 1e-4,
                 fit_intercept: bool = True,
                 class_weight: dict | Literal["balanced"] | None = None,
                 random_state: RandomState = None, solver: str = "lbfgs", max_iter: int = 100,
                 optimizer: str | Any = "sgd", learning_rate: str | Callable = "constant",
                 learning_rate_init: float | Literal["auto"] = "auto",
                 batch_size: int | None = None, damping: float = 0.0) -> None:
        self.Cs = Cs
        self.cv = cv
        self.scoring = scoring
        self.refit = refit
        self.penalty = penalty
        self.l1_ratio = l1_ratio
        self.max_features = max_features
        self.tol = tol
        self.fit_intercept = fit_intercept
        self.class_weight = class_weight
        self.random_state = random_state
        self.solver = solver
        self.max_iter = max_iter
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.batch_size = batch_size
        self.damping = damping

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags

    def _single(self, C):
        return LogisticRegression(C=float(C), warm_start=True,
                                  **{k: getattr(self, k) for k in self._SHARED})

    def fit(self: _LogisticRegressionCVT, X: ArrayLike, y: ArrayLike,
            sample_weight: ArrayLike | None = None) -> _LogisticRegressionCVT:
        """Cross-validate the path of ``Cs`` and fit the best ``C``."""
        from sklearn.metrics import check_scoring
        from sklearn.model_selection import check_cv

        validate_params(self)
        X, y = validate_data(self, host(X), host(y), accept_sparse=("csr", "csc"),
                             classification=True)
        sw = None if sample_weight is None else np.asarray(to_host(sample_weight))
        Cs = np.sort(np.logspace(-4, 4, self.Cs) if isinstance(self.Cs, numbers.Integral)
                     else np.asarray(self.Cs, dtype=np.float64))
        folds = list(check_cv(self.cv, y, classifier=True).split(X, y))
        scorer = check_scoring(self._single(1.0), scoring=self.scoring)
        scores, paths = np.empty((len(folds), Cs.size)), []
        for f, (train, test) in enumerate(folds):
            est, path = self._single(Cs[0]), []
            for j, C in enumerate(Cs):
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", ConvergenceWarning)
                    est.set_params(C=float(C)).fit(X[train], y[train],
                                                   sample_weight=None if sw is None
                                                   else sw[train])
                scores[f, j] = scorer(est, X[test], y[test])
                path.append(np.asarray(est.coef_, dtype=np.float64))
            paths.append(np.stack(path))
        best = int(np.argmax(scores.mean(axis=0)))
        self.Cs_, self.scores_, self.coefs_paths_ = Cs, scores, np.stack(paths)
        self.C_ = float(Cs[best])
        self.estimator_ = self._single(self.C_).set_params(warm_start=False)
        self.estimator_.fit(X, y, sample_weight=sw)
        self.classes_, self.alpha_ = self.estimator_.classes_, self.estimator_.alpha_
        self.n_iter_ = self.estimator_.n_iter_
        if not self.refit:
            self.estimator_.coef_ = self.coefs_paths_[:, best].mean(axis=0)
        self.coef_, self.intercept_ = self.estimator_.coef_, self.estimator_.intercept_
        return self

    def decision_function(self, X: ArrayLike) -> Array:
        """As :meth:`LogisticRegression.decision_function`, with the chosen ``C``."""
        check_is_fitted(self, "estimator_")
        X = validate_data(self, X, reset=False, accept_sparse=("csr", "csc"))
        return self.estimator_.decision_function(X)

    def predict_proba(self, X: ArrayLike) -> Array:
        """As :meth:`LogisticRegression.predict_proba`, with the chosen ``C``."""
        check_is_fitted(self, "estimator_")
        X = validate_data(self, X, reset=False, accept_sparse=("csr", "csc"))
        return self.estimator_.predict_proba(X)

    def predict_log_proba(self, X: ArrayLike) -> Array:
        """As :meth:`LogisticRegression.predict_log_proba`, with the chosen ``C``."""
        check_is_fitted(self, "estimator_")
        X = validate_data(self, X, reset=False, accept_sparse=("csr", "csc"))
        return self.estimator_.predict_log_proba(X)

    def predict(self, X: ArrayLike) -> Array:
        """As :meth:`LogisticRegression.predict`, with the chosen ``C``."""
        check_is_fitted(self, "estimator_")
        X = validate_data(self, X, reset=False, accept_sparse=("csr", "csc"))
        return self.estimator_.predict(X)
