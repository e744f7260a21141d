"""LinearSVC: the primal linear SVM in cvxpy -- a QP with the L2 penalty, an LP with L1.

    minimize  R(w) + C Σ_i c_i ℓ(y_i (wᵀx_i + b))

with ``R = ½‖w‖²`` ('l2') or ``‖w‖₁`` ('l1', sparse weights), the hinge ``ℓ(z) = max(0, 1 − z)``
or its square, and ``c_i = class_weight[y_i] · sample_weight_i``; ``b`` is not penalized.
Several classes: one-vs-rest, all k machines in one cvxpy problem (they are separable, so one
solve gives each its own optimum).
"""

from __future__ import annotations

import numbers
import warnings
from typing import TypeVar

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import ConvergenceWarning

from .._array import as_namespace, float_dtype, host, is_sparse, namespace_and_device
from .._discovery import Capabilities
from .._typing import Array, ArrayLike, RandomState
from .._validation import (
    Interval,
    NotOffered,
    StrOptions,
    check_is_fitted,
    check_sample_weight,
    class_weights,
    decode_labels,
    encode_labels,
    validate_data,
    validate_params,
)

__all__ = ["LinearSVC"]

_LinearSVC = TypeVar("_LinearSVC", bound="LinearSVC")


_SPARSE = ("csr", "csc")


def _ravel_binary(dec, coef):
    return dec[:, 0] if coef.shape[0] == 1 else dec


def primal_problem(X, Y, c, *, C, penalty, loss, fit_intercept):
    """The cvxpy problem for ``k`` one-vs-rest machines; returns ``(problem, W, b)``.

    ``Y`` is (n, k) of ±1, ``c`` the per-sample weights.
    """
    import cvxpy as cp

    n, d = X.shape
    k = Y.shape[1]
    W = cp.Variable((d, k))
    b = cp.Variable(k) if fit_intercept else np.zeros(k)
    margins = cp.multiply(Y, X @ W + (cp.reshape(b, (1, k), order="C") if fit_intercept
                                      else 0.0))
    slack = cp.pos(1 - margins)
    data_term = c @ (slack if loss == "hinge" else cp.square(slack))
    reg = 0.5 * cp.sum_squares(W) if penalty == "l2" else cp.sum(cp.abs(W))
    problem = cp.Problem(cp.Minimize(reg + C * cp.sum(data_term)))
    return problem, W, b


class LinearSVC(ClassifierMixin, BaseEstimator):
    """Linear support vector classification, solved in the primal with cvxpy.

    Parameters
    ----------
    penalty : {'l2', 'l1'}, default='l2'
        ``½‖w‖²`` (a QP) or ``‖w‖₁`` (with the hinge loss a linear program; sparse weights).
    loss : {'hinge', 'squared_hinge'}, default='squared_hinge'
        The loss of each sample's margin.
    dual : 'auto' or bool, default='auto'
        Accepted for scikit-learn compatibility: the primal problem is solved in every case.
    C : float, default=1.0
        Weight of the loss (> 0).
    multi_class : {'ovr'}, default='ovr'
        One-vs-rest machines. 'crammer_singer' (Crammer and Singer's joint multiclass
        problem) is refused: it is one QP over all classes with ``n · n_classes``
        constraints, which is not implemented, and it was about as accurate as one-vs-rest
        and one-vs-one in Hsu & Lin's (2002) comparison. Use 'ovr', or
        ``SVC(kernel='linear')`` for one-vs-one machines.
    fit_intercept : bool, default=True
        Learn an unpenalized intercept.
    intercept_scaling : float, default=1.0
        Accepted for scikit-learn compatibility and not used: the intercept is a free
        variable, not liblinear's penalized synthetic feature (see Notes).
    class_weight : dict, 'balanced' or None, default=None
        Multiplies each sample's loss by its class's weight.
    verbose : int, default=0
        Accepted for scikit-learn compatibility (nothing is printed).
    random_state : int, RandomState instance or None, default=None
        Accepted for scikit-learn compatibility; the solution is deterministic.
    tol : float, default=1e-4
        Accepted for scikit-learn compatibility; the QP solver's own tolerances apply.
    max_iter : int, default=1000
        Iteration limit of the QP solver.
    qp_solver : str, default='CLARABEL'
        The cvxpy solver (any installed QP/LP/conic solver).

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The class labels.
    coef_ : array of shape (1, n_features) or (n_classes, n_features)
        The weights, one row per one-vs-rest machine (one row for two classes).
    intercept_ : array of shape (1,) or (n_classes,)
        The intercepts.
    objective_ : float
        The optimal value of the primal problem (all machines together).
    status_ : str
        The solver's status.
    n_iter_ : int
        The solver's iterations.
    n_features_in_ : int
        Number of columns seen in ``fit``.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names, when ``X`` was a DataFrame with string column names.

    Notes
    -----
    Unlike liblinear (scikit-learn's LinearSVC) the intercept is not penalized, so with
    ``penalty='l2', loss='hinge'`` the solution equals ``SVC(kernel='linear')``. The problem is
    solved on the host; ``decision_function`` and ``predict`` run in the input's namespace.
    scipy.sparse X (CSR or CSC) goes into the cvxpy problem as it is (``X W`` is a sparse
    constant times the variable); it is never made dense.

    References
    ----------
    Cortes & Vapnik (1995), "Support-vector networks", Machine Learning 20.
    Zhu, Rosset, Hastie & Tibshirani (2003), "1-norm support vector machines", NIPS.

    Examples
    --------
    >>> from mlkit.svm import LinearSVC
    >>> X = [[0.0, 0.0], [1.0, 1.0], [0.0, 1.0], [1.0, 0.0]]
    >>> LinearSVC(loss="hinge").fit(X, [0, 1, 1, 0]).predict([[0.9, 0.9]]).tolist()
    [1]
    """

    _parameter_constraints = {
        "penalty": [StrOptions({"l1", "l2"})],
        "loss": [StrOptions({"hinge", "squared_hinge"})],
        "dual": [StrOptions({"auto"}), "boolean"],
        "multi_class": [StrOptions({"ovr"})],
        "intercept_scaling": [Interval(numbers.Real, 0, None, closed="neither")],
        "verbose": [Interval(numbers.Integral, 0, None, closed="left"), "boolean"],
        "random_state": ["random_state"],
        "C": [Interval(numbers.Real, 0, None, closed="neither")],
        "fit_intercept": ["boolean"],
        "class_weight": [StrOptions({"balanced"}), dict, None],
        "tol": [Interval(numbers.Real, 0, None, closed="neither")],
        "max_iter": [Interval(numbers.Integral, 1, None, closed="left")],
        "qp_solver": [str],
    }
    _not_offered = {
        "multi_class": [NotOffered(
            ("crammer_singer",), what="Crammer and Singer's joint multiclass machine",
            why="it is one QP over all classes with n * n_classes constraints, which mlkit does "
                "not implement, and it was about as accurate as one-vs-rest and one-vs-one in Hsu "
                "& Lin's (2002) comparison",
            instead="use multi_class='ovr' (one machine per class), or SVC(kernel='linear') for "
                    "one-vs-one machines")],
    }
    _capabilities = Capabilities(
        fit=("numpy",),
        host="fit (the primal QP/LP in cvxpy); decision_function and predict run natively",
        sparse=True,
    )

    def __init__(self, *, penalty: str = "l2", loss: str = "squared_hinge",
                 dual: str | bool = "auto", tol: float = 1e-4, C: float = 1.0,
                 multi_class: str = "ovr", fit_intercept: bool = True,
                 intercept_scaling: float = 1.0, class_weight: dict | str | None = None,
                 verbose: int = 0, random_state: RandomState = None, max_iter: int = 1000,
                 qp_solver: str = "CLARABEL") -> None:
        self.penalty = penalty
        self.loss = loss
        self.dual = dual
        self.C = C
        self.multi_class = multi_class
        self.fit_intercept = fit_intercept
        self.intercept_scaling = intercept_scaling
        self.class_weight = class_weight
        self.verbose = verbose
        self.random_state = random_state
        self.tol = tol
        self.max_iter = max_iter
        self.qp_solver = qp_solver

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags

    def fit(self: _LinearSVC, X: ArrayLike, y: ArrayLike,
            sample_weight: ArrayLike | None = None) -> _LinearSVC:
        """Solve the primal problem of every one-vs-rest machine (one cvxpy solve)."""
        import cvxpy as cp

        validate_params(self)
        if self.qp_solver.upper() not in cp.installed_solvers():
            raise ValueError(f"The cvxpy solver qp_solver={self.qp_solver!r} is not installed; "
                             f"installed solvers: {sorted(cp.installed_solvers())}.")
        X, y = validate_data(self, host(X), host(y), classification=True,
                             accept_sparse=_SPARSE)
        X = X.astype(np.float64) if is_sparse(X) else np.asarray(X, dtype=np.float64)
        classes, yh = encode_labels(y, np, "cpu")
        yh = np.asarray(yh)
        k = classes.shape[0]
        sw = check_sample_weight(sample_weight, X.shape[0], np, "cpu", np.float64)
        sw = np.ones(X.shape[0]) if sw is None else np.asarray(sw)
        c = class_weights(self.class_weight, classes, yh)[yh] * sw
        if k == 2:
            Y = np.where(yh == 1, 1.0, -1.0)[:, None]
        else:
            Y = np.where(yh[:, None] == np.arange(k)[None, :], 1.0, -1.0)
        problem, W, b = primal_problem(X, Y, c, C=float(self.C), penalty=self.penalty,
                                       loss=self.loss, fit_intercept=self.fit_intercept)
        try:
            problem.solve(solver=self.qp_solver.upper(), max_iter=int(self.max_iter))
        except cp.error.SolverError as exc:
            raise ValueError(f"The cvxpy solver {self.qp_solver!r} failed: {exc}") from exc
        self.status_ = str(problem.status)
        if W.value is None:
            raise ValueError(f"The cvxpy solver {self.qp_solver!r} returned no solution "
                             f"(status {self.status_!r}).")
        if self.status_ != "optimal":
            warnings.warn(f"LinearSVC: the solver stopped with status {self.status_!r}; the "
                          f"model may be inaccurate (objective {problem.value!r}).",
                          ConvergenceWarning, stacklevel=2)
        self.classes_ = classes
        self.coef_ = np.asarray(W.value).T.copy()
        self.intercept_ = np.asarray(b.value if self.fit_intercept else b, dtype=np.float64)
        self.objective_ = float(problem.value)
        self.n_iter_ = int(getattr(problem.solver_stats, "num_iters", 0) or 0)
        return self

    def decision_function(self, X: ArrayLike) -> Array:
        """``X wᵀ + b``: (n,) for two classes, (n, k) otherwise."""
        check_is_fitted(self, "coef_")
        X = validate_data(self, X, reset=False, accept_sparse=_SPARSE)
        xp, device = namespace_and_device(X)
        if is_sparse(X):
            return _ravel_binary(np.asarray(X.astype(np.float64) @ self.coef_.T)
                                 + self.intercept_, self.coef_)
        X = xp.astype(X, float_dtype(xp, device))
        dec = X @ as_namespace(self.coef_.T, xp, device) + as_namespace(self.intercept_, xp,
                                                                          device)
        return dec[:, 0] if self.coef_.shape[0] == 1 else dec

    def predict(self, X: ArrayLike) -> Array:
        """The class of largest decision value (the sign for two classes)."""
        dec = self.decision_function(X)
        xp, device = namespace_and_device(dec)
        idx = xp.astype(dec > 0, xp.int64) if dec.ndim == 1 else xp.argmax(dec, axis=1)
        return decode_labels(self.classes_, idx, xp, device)
