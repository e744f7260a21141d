"""LogisticRegression: binary and multinomial (softmax) logistic regression."""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from typing import Any, Literal, TypeVar

import numpy as np
from sklearn.base import ClassifierMixin

from .._array import as_namespace, logsumexp, namespace_and_device, one_hot, to_host
from .._discovery import ALL, Capabilities
from .._typing import Array, ArrayLike, RandomState
from .._validation import (
    Interval,
    NotOffered,
    StrOptions,
    class_indices,
    class_weights,
    decode_labels,
    encode_labels,
)
from ._base import (
    COMMON_CONSTRAINTS,
    PENALTIES,
    LinearModelBase,
    available_if,
    partial_fit_available,
    per_row,
)
from ._loss import binary_log_loss, log_sigmoid, multinomial_log_loss, sigmoid, softmax
from ._penalty import Penalty

__all__ = ["LogisticRegression"]


# scikit-learn's solvers, each refused with mlkit's solver that does its job
SOLVERS_NOT_OFFERED = [
    NotOffered(
        ("newton-cg", "newton-cholesky"), what="Newton's method",
        why="mlkit's solver='natural' is Newton's method (for the logistic loss the Fisher "
            "information it uses is the Hessian), with a direct solve and a line search",
        instead="use solver='natural'"),
    NotOffered(
        ("liblinear",), what="liblinear's coordinate descent",
        why="mlkit does not wrap the liblinear C library, whose penalized intercept "
            "(intercept_scaling) also changes the model",
        instead="use solver='lbfgs' for penalty='l2' or solver='fista' for 'l1' and "
                "'elasticnet' (the same optimum, with an unpenalized intercept)"),
    NotOffered(
        ("sag", "saga"), what="stochastic average gradient",
        why="mlkit's stochastic solver is 'gd' (mini-batch gradient descent with any "
            "mlkit.optim optimizer, each step followed by the penalty's proximal step) and its "
            "exact solver for non-smooth penalties is 'fista'",
        instead="use solver='gd' with batch_size for stochastic steps, or solver='fista' for "
                "the exact optimum of 'l1' and 'elasticnet' (what 'saga' is chosen for)"),
]


_LogisticRegressionT = TypeVar("_LogisticRegressionT", bound="LogisticRegression")


class LogisticRegression(ClassifierMixin, LinearModelBase):
    """Logistic regression (binary, or multinomial with the softmax), trained by gradient.

    Minimizes ``F(W, b) = (1/S) Σ_i s_i ℓ(W x_i + b, y_i) + α R(W)`` with the log loss ``ℓ``
    (binary: one row of weights, ``P(y=1|x) = σ(wᵀx + b)``; three or more classes: one row per
    class, ``P(y=k|x) = softmax(Wx + b)_k``), ``s_i`` the sample weight times the class weight
    and ``S = Σ s_i``.

    Parameters
    ----------
    penalty : {'l2', 'l1', 'elasticnet', 'l0', 'nuclear'} or None, default='l2'
        ``R(W)``: ``½‖W‖²``; ``‖W‖₁``; ``ρ‖W‖₁ + (1−ρ)/2 ‖W‖²``; the number of features with a
        non-zero weight (or a budget of ``max_features``); the nuclear norm (sum of singular
        values) of the k x d weight matrix, for low-rank multinomial models. scikit-learn
        1.8's 'deprecated' is accepted and reads the penalty from ``l1_ratio`` and ``C`` as
        scikit-learn does.
    C : float, default=1.0
        Inverse strength, scikit-learn's: its objective ``C Σ s_i ℓ_i + R(W)`` is this one
        times ``C S``, so ``alpha = 1 / (C S)``. ``C=inf`` is no penalty. Used when ``alpha``
        is None.
    alpha : float, default=None
        The strength ``α`` itself (overrides ``C``). The fitted value is ``alpha_``.
    l1_ratio : float in [0, 1], default=0.0
        ``ρ`` of the elastic net.
    max_features : int, default=None
        The L0 budget: at most this many features keep a non-zero weight (iterative hard
        thresholding onto the budget; ``alpha`` is then unused).
    dual : False, default=False
        Accepted for scikit-learn compatibility; ``True`` (liblinear's dual problem) is
        refused: only the primal problem is solved, whose optimum is the same.
    tol : float, default=1e-4
        'lbfgs': scipy's ``gtol``; 'natural': the largest gradient entry at convergence;
        'fista': the largest entry of the gradient mapping (the gradient, for a smooth
        objective); 'gd': the loss (or validation score) improvement below which an epoch
        does not count as progress.
    fit_intercept : bool, default=True
        Fit an unpenalized intercept.
    intercept_scaling : float, default=1
        Accepted for scikit-learn compatibility (liblinear's synthetic feature; not used).
    class_weight : dict, 'balanced' or None, default=None
        Multiplies each sample's weight by its class's ('balanced': ``S / (k S_c)``).
    random_state : int, RandomState instance or None, default=None
        Shuffling of the mini-batches and the early-stopping split ('gd').
    solver : {'lbfgs', 'natural', 'fista', 'gd'}, default='lbfgs'
        'lbfgs': scipy's L-BFGS-B (smooth penalties: None, 'l2'). 'natural': natural-gradient
        descent ``Θ ← Θ − η (F + λI)⁻¹ ∇F`` with the Fisher information ``F`` of the model,
        the damping ``λ`` and a backtracking step (smooth penalties). For the logistic model
        the Fisher information equals the Hessian of the loss (its canonical link), so this
        *is* Newton's method — iteratively reweighted least squares — converging in a few
        iterations whatever the scaling of the features. 'fista': full-batch accelerated
        proximal gradient descent (Beck & Teboulle 2009) with the step 1/L and adaptive
        restart, to the exact optimum of every penalty (plain iterative hard thresholding for
        'l0'). 'gd': (mini-batch) gradient descent with ``optimizer`` and ``learning_rate``,
        each step followed by the penalty's proximal step. scikit-learn's 'newton-cg' and
        'newton-cholesky' are refused ('natural' is Newton's method), as are 'liblinear'
        (take 'lbfgs' for 'l2', 'fista' for 'l1') and 'sag'/'saga' (take 'gd' with a
        ``batch_size``, or 'fista' for the exact optimum): see ``SOLVERS_NOT_OFFERED``.
    max_iter : int, default=100
        Iterations ('lbfgs', 'natural') or epochs ('gd').
    verbose : int, default=0
        Accepted for scikit-learn compatibility (nothing is printed).
    warm_start : bool, default=False
        Start from the previous fit's coefficients.
    n_jobs : int, default=None
        Accepted for scikit-learn compatibility (not used).
    optimizer : str or mlkit.optim optimizer, default='sgd'
        'gd's update rule: 'sgd', 'momentum', 'nesterov', 'adagrad', 'rmsprop', 'adam',
        'amsgrad', or an instance (``mlkit.optim.Adam(beta1=0.8)``). The non-smooth penalties
        need 'sgd', 'momentum' or 'nesterov', whose step is the learning rate.
    learning_rate : str, schedule or callable, default='constant'
        'gd's learning rate as a function of the step: 'constant', 'piecewise',
        'exponential', 'inverse_time', 'polynomial', 'cosine', 'cosine_restarts' (the
        defaults of ``mlkit.optim.get_schedule``, starting at ``learning_rate_init``), or a
        schedule of ``mlkit.optim`` (it carries its own initial rate), or any callable of the
        step.
    learning_rate_init : float or 'auto', default='auto'
        'gd': the initial rate ('auto': ``1/L``, ``L`` the Lipschitz constant of the full
        gradient, for 'sgd', 'momentum' and 'nesterov'; 0.01 for 'adagrad'; 0.001 for the
        others). 'fista': the step ('auto': ``1/L``). 'natural': the first trial step of each
        line search ('auto': 1, Newton's).
    batch_size : int, default=None
        'gd's mini-batch size; None is full-batch gradient descent.
    shuffle : bool, default=True
        'gd': draw the mini-batches in a new random order every epoch.
    early_stopping : bool, default=False
        'gd': hold out ``validation_fraction`` of the rows (stratified), stop when their
        accuracy has not improved by ``tol`` for ``n_iter_no_change`` epochs, and keep the best
        epoch's coefficients.
    validation_fraction : float, default=0.1
        The held-out share for early stopping.
    n_iter_no_change : int, default=5
        'gd': epochs without improvement before stopping.
    damping : float, default=0.0
        'natural': ``λ`` added to the Fisher information's diagonal (Levenberg-Marquardt).

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The class labels.
    coef_ : array of shape (1, n_features) or (n_classes, n_features)
        The weights (one row for two classes: of ``classes_[1]``).
    intercept_ : array of shape (1,) or (n_classes,)
        The intercepts (zeros when ``fit_intercept=False``).
    alpha_ : float
        The penalty strength used: ``alpha``, or ``1 / (C S)``.
    n_iter_ : ndarray of shape (1,)
        Iterations (or epochs) run.
    t_ : int
        Parameter updates made (mini-batch steps for 'gd').
    loss_curve_ : list of float
        The objective at each iteration ('gd': each epoch's mean over its mini-batches,
        before their steps).
    validation_scores_ : list of float or None
        The held-out accuracy after each epoch (early stopping only).
    best_validation_score_ : float or None
        The best of them.
    n_features_in_ : int
        Number of columns seen in ``fit``.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names, when ``X`` was a DataFrame with string column names.

    Notes
    -----
    With ``penalty='l2'`` and the same ``C`` the optimum is scikit-learn's: the two
    objectives differ by the factor ``C S``. ``C`` and the fitted ``alpha_`` convert as
    ``alpha_ = 1 / (C S)``, with ``S`` the sum of the sample weights times the class weights
    (``n`` without weights). L1 and elastic net reach their optimum by proximal gradient
    descent ('fista'). L0 is not
    convex: iterative hard thresholding stops at a fixed point, a local optimum whose weights
    are the best on their own support.

    References
    ----------
    Amari (1998), "Natural gradient works efficiently in learning", Neural Computation 10.
    Nocedal & Wright (2006), *Numerical Optimization*, §7.2 (L-BFGS). Bishop (2006), *PRML*
    §4.3.3 (IRLS). Parikh & Boyd (2014), "Proximal algorithms". Blumensath & Davies (2009),
    iterative hard thresholding. Cai, Candès & Shen (2010), singular value thresholding.

    Examples
    --------
    >>> from mlkit.datasets import load_iris
    >>> from mlkit.linear_model import LogisticRegression
    >>> X, y = load_iris()
    >>> clf = LogisticRegression(solver="natural").fit(X, y)
    >>> clf.predict(X[:2]).tolist(), int(clf.n_iter_[0]) < 15
    (['setosa', 'setosa'], True)
    """

    _parameter_constraints = {
        **COMMON_CONSTRAINTS,
        "penalty": [StrOptions((PENALTIES - {None}) | {"deprecated"}), None],
        "C": [Interval(numbers.Real, 0, None, closed="neither")],
        "dual": ["boolean"],
        "intercept_scaling": [Interval(numbers.Real, 0, None, closed="neither")],
        "class_weight": [StrOptions({"balanced"}), dict, None],
        "solver": [StrOptions({"lbfgs", "natural", "fista", "gd"})],
        "n_jobs": [numbers.Integral, None],
    }
    _not_offered = {
        "dual": [NotOffered(
            (True,), what="liblinear's dual problem",
            why="only the primal problem is solved, and its optimum is the same",
            instead="use dual=False (the default)")],
        "solver": SOLVERS_NOT_OFFERED,
    }
    _capabilities = Capabilities(
        fit=ALL, predict=ALL,
        host="the (k x d) parameters' L-BFGS and natural-gradient solves for Dask data (each "
             "iteration's gradient and Fisher information are Dask row-block reductions); "
             "mini-batches are not offered on Dask",
        sparse=True,
    )
    _pending_classes: np.ndarray | None  # the classes given to partial_fit's first call

    def __init__(self, penalty: str | None = "l2", *, C: float = 1.0,
                 alpha: float | None = None, l1_ratio: float | None = 0.0,
                 max_features: int | None = None, dual: bool = False, tol: float = 1e-4,
                 fit_intercept: bool = True, intercept_scaling: float = 1,
                 class_weight: dict | Literal["balanced"] | None = None,
                 random_state: RandomState = None, solver: str = "lbfgs", max_iter: int = 100,
                 verbose: int = 0, warm_start: bool = False, n_jobs: int | None = None,
                 optimizer: str | Any = "sgd", learning_rate: str | Callable = "constant",
                 learning_rate_init: float | Literal["auto"] = "auto",
                 batch_size: int | None = None, shuffle: bool = True,
                 early_stopping: bool = False, validation_fraction: float = 0.1,
                 n_iter_no_change: int = 5, damping: float = 0.0) -> None:
        self.penalty = penalty
        self.C = C
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.max_features = max_features
        self.dual = dual
        self.tol = tol
        self.fit_intercept = fit_intercept
        self.intercept_scaling = intercept_scaling
        self.class_weight = class_weight
        self.random_state = random_state
        self.solver = solver
        self.max_iter = max_iter
        self.verbose = verbose
        self.warm_start = warm_start
        self.n_jobs = n_jobs
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
        return tags

    # ---- fitting -----------------------------------------------------------------------------

    def fit(self: _LogisticRegressionT, X: ArrayLike, y: ArrayLike,
            sample_weight: ArrayLike | None = None) -> _LogisticRegressionT:
        """Fit the model by ``solver`` (see the class docstring)."""
        self._pending_classes = None
        return self._fit(X, y, sample_weight)

    @available_if(partial_fit_available)
    def partial_fit(self: _LogisticRegressionT, X: ArrayLike, y: ArrayLike,
                    classes: ArrayLike | None = None,
                    sample_weight: ArrayLike | None = None) -> _LogisticRegressionT:
        """One epoch of mini-batch gradient descent on ``(X, y)`` (``solver='gd'``).

        ``classes`` (every label the stream holds) is required on the first call. The
        optimizer's state and the step count carry over between calls; ``alpha_`` is fixed
        by the first call (``1 / (C S)`` of its rows when ``alpha`` is None).
        """
        self._pending_classes = None
        if not hasattr(self, "coef_"):
            if classes is None:
                raise ValueError("classes must be passed on the first call to partial_fit.")
            self._pending_classes = np.unique(np.asarray(to_host(classes)))
            if self._pending_classes.shape[0] < 2:
                raise ValueError("partial_fit needs at least 2 classes in `classes`; got "
                                 f"{self._pending_classes.tolist()}.")
        elif classes is not None and not np.array_equal(np.unique(to_host(classes)),
                                                        to_host(self.classes_)):
            raise ValueError(f"`classes={np.unique(to_host(classes)).tolist()}` is not the "
                             f"same as on the first call, {to_host(self.classes_).tolist()}.")
        return self._fit(X, y, sample_weight, partial=True)

    def _validate_options(self, partial):
        return {"classification": not partial}

    def _resolve_penalty(self, total_weight):
        kind, C, rho = self.penalty, float(self.C), self.l1_ratio
        if kind == "deprecated":  # scikit-learn >= 1.8: the penalty follows l1_ratio and C
            kind = (None if math.isinf(C) else "l2" if rho in (None, 0) else
                    "l1" if rho == 1 else "elasticnet")
        if kind == "elasticnet" and rho is None:
            raise ValueError("LogisticRegression: penalty='elasticnet' needs l1_ratio in "
                             "[0, 1]; got None.")
        if kind is None:
            return Penalty(None)
        alpha = self.alpha if self.alpha is not None else (
            0.0 if math.isinf(C) else 1.0 / (C * total_weight))
        return Penalty(kind, float(alpha), float(rho or 0.0), self.max_features)

    def _loss_for(self, k):
        return binary_log_loss if k == 1 else multinomial_log_loss

    def _curvature_bound(self, k):
        return 0.25 if k == 1 else 0.5

    def _rank_name(self):
        return "three or more classes (a multinomial model)"

    def _targets(self, y, xp, device, dtype, *, first):
        pending = getattr(self, "_pending_classes", None)  # partial_fit's first call
        if first and pending is None:
            self.classes_, y_idx = encode_labels(y, xp, device)
        else:
            if first:
                self.classes_ = pending
            y_idx = class_indices(y, self.classes_, xp, device)
        k = self.classes_.shape[0]
        if k == 2:
            return xp.astype(y_idx == 1, dtype)[:, None], y_idx
        return one_hot(y_idx, k, dtype=dtype, xp=xp), y_idx

    def _class_weight_of_rows(self, y_idx, sw, xp, device, dtype):
        if self.class_weight is None:
            return None
        table = class_weights(self.class_weight, self.classes_, y_idx, sw)
        return per_row(np.asarray(table, dtype=np.float64), y_idx, xp, device, dtype)

    def _stratify(self, y):
        return y

    def _validation_score(self, W, b, X, y):
        xp, device = namespace_and_device(X)
        Z = X @ as_namespace(W, xp, device).T + as_namespace(b, xp, device)
        idx = xp.astype(Z[:, 0] > 0, xp.int64) if Z.shape[1] == 1 else xp.argmax(Z, axis=1)
        truth = class_indices(y, self.classes_, xp, device)
        return float(xp.mean(xp.astype(idx == truth, xp.float64)))

    def _store(self, W, b):
        self.coef_ = W
        self.intercept_ = b if self.fit_intercept else b * 0.0

    def _coef_matrix(self):
        return self.coef_

    def _intercept_vector(self):
        return self.intercept_

    # ---- prediction --------------------------------------------------------------------------

    def decision_function(self, X: ArrayLike) -> Array:
        """``X Wᵀ + b``: shape (n,) for two classes (the log-odds of ``classes_[1]``), else
        (n, n_classes)."""
        Z = self._linear_scores(X)
        return Z[:, 0] if Z.shape[1] == 1 else Z

    def predict_proba(self, X: ArrayLike) -> Array:
        """Class probabilities: ``[σ(−z), σ(z)]`` for two classes, the softmax otherwise."""
        Z = self._linear_scores(X)
        xp, _ = namespace_and_device(Z)
        if Z.shape[1] == 1:
            return xp.concat([sigmoid(-Z, xp), sigmoid(Z, xp)], axis=1)
        return softmax(Z, xp)

    def predict_log_proba(self, X: ArrayLike) -> Array:
        """Logarithms of ``predict_proba``, computed without underflow."""
        Z = self._linear_scores(X)
        xp, _ = namespace_and_device(Z)
        if Z.shape[1] == 1:
            return xp.concat([log_sigmoid(-Z, xp), log_sigmoid(Z, xp)], axis=1)
        return Z - logsumexp(Z, axis=1, keepdims=True, xp=xp)

    def predict(self, X: ArrayLike) -> Array:
        """The class of largest probability."""
        Z = self._linear_scores(X)
        xp, device = namespace_and_device(Z)
        idx = xp.astype(Z[:, 0] > 0, xp.int64) if Z.shape[1] == 1 else xp.argmax(Z, axis=1)
        return decode_labels(self.classes_, idx, xp, device)
