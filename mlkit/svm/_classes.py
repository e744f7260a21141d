"""SVC: the kernel support vector machine, as its dual QP (cvxpy) or by SMO.

A binary machine solves the dual

    minimize  ½ αᵀQα − 1ᵀα   subject to  0 ≤ α_i ≤ C_i,  yᵀα = 0,   Q = (y yᵀ) ∘ K,

with ``C_i = C · class_weight[y_i] · sample_weight_i``; its decision function is
``f(x) = Σ_i α_i y_i K(x_i, x) − ρ``. Several classes are handled one-vs-one as libsvm (one
machine per pair, majority vote) or, with ``multi_class='ovr'``, by a true one-vs-rest.
"""

from __future__ import annotations

import numbers
import warnings
from collections.abc import Callable
from itertools import combinations
from typing import TypeVar

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import ConvergenceWarning

from .._array import (
    as_namespace,
    float_dtype,
    is_lazy,
    is_numpy,
    is_sparse,
    namespace_and_device,
    squared_norms,
    to_host,
)
from .._discovery import Capabilities
from .._typing import Array, ArrayLike, RandomState
from .._validation import (
    Interval,
    NotOffered,
    Options,
    StrOptions,
    check_is_fitted,
    check_sample_weight,
    class_weights,
    decode_labels,
    encode_labels,
    validate_data,
    validate_params,
)
from ._kernels import KERNELS, kernel_diagonal, kernel_matrix, rbf_block_host, resolve_gamma
from ._qp import certificate, clean_alpha, intercept_rho, solve_dual_cvxpy
from ._smo import KernelColumns, smo

__all__ = ["SVC"]

_SVC = TypeVar("_SVC", bound="SVC")

# SMO computes the kernel's rows on demand (with shrinking, only over the active samples): the
# whole matrix costs n² kernel values, SMO touches about n_iter rows, so only callable and
# precomputed kernels are taken whole.
# a cvxpy solution whose relative duality gap exceeds this is reported (ConvergenceWarning)
GAP_WARN = 1e-2
# qp_solver='auto' uses SCS on dense kernel matrices up to this n, Clarabel above
AUTO_SCS_MAX_N = 2000
# solver='auto' solves the linear kernel's QP with cvxpy from this many samples on
AUTO_LINEAR_QP_N = 2000


# ---------------------------------------------------------------------------------------------
# One binary machine
# ---------------------------------------------------------------------------------------------


def _kernel_source(Xh, K, kernel, params, cache_size):
    """Kernel columns for SMO: the whole host matrix ``K`` if given, else rows on demand."""
    if K is not None:
        return KernelColumns(full=K)
    if kernel == "rbf":
        kern = rbf_block_host(params["gamma"])
    else:
        def kern(Xr, sqr, Xc, sqc):
            return kernel_matrix(Xr, Xc, kernel, xp=np, **params)
    return KernelColumns(kern=kern, X=Xh, diag=kernel_diagonal(Xh, kernel, **params),
                         cache_size=cache_size)


def _gradient(alpha, y, K=None, X=None):
    """``∇f = Qα − 1`` from the kernel matrix, or from X for the linear kernel."""
    ay = alpha * y
    Kay = X @ (X.T @ ay) if K is None else K @ ay
    return y * Kay - 1.0


def fit_binary(y, C, *, solver, K=None, X=None, columns=None, tol, max_iter, qp_solver,
               qp_form, shrinking=True):
    """Solve one binary dual; return ``(α, ρ, certificate)``.

    ``y`` is ±1, ``C`` the per-sample bounds; the kernel is ``K`` (host matrix), ``X`` (linear
    kernel for cvxpy) or ``columns`` (SMO's on-demand source).
    """
    if solver == "cvxpy":
        alpha, nu, status, n_iter = solve_dual_cvxpy(
            y, C, K=K, X=X, form=qp_form, qp_solver=qp_solver, max_iter=max_iter, tol=tol
        )
        alpha = clean_alpha(alpha, C)
        grad = _gradient(alpha, y, K=K, X=X)
        free = (alpha > 0) & (alpha < C)
        if nu is not None and free.any() and status == "optimal":
            # with free support vectors ρ is unique, and the solver's multiplier of yᵀα = 0
            # is it to the solver's accuracy (the mean over the free set is as good only as
            # the smallest free α); with none free, libsvm's midpoint rule below
            rho = -nu
            cert = certificate(alpha, grad, y, C, rho, status=status, solver=solver,
                               n_iter=n_iter)
            return alpha, rho, cert
    else:
        if columns is None:
            columns = KernelColumns(full=K if K is not None else X @ X.T)
        alpha, grad, n_iter, violation = smo(columns, y, C, tol=tol, max_iter=max_iter,
                                             shrinking=shrinking)
        status = "optimal" if violation <= tol else "max_iter"
    rho = intercept_rho(alpha, grad, y, C)
    cert = certificate(alpha, grad, y, C, rho, status=status, solver=solver, n_iter=n_iter)
    return alpha, rho, cert


_SPARSE = ("csr",)  # SMO reads rows


def _as_float(X, xp, dtype):
    """X in the floating dtype ``dtype`` (scipy.sparse X stays sparse)."""
    if X.dtype == dtype:
        return X
    return X.astype(dtype) if is_sparse(X) else xp.astype(X, dtype)


def _problems(y_idx, n_classes, multi_class):
    """``[(positive class, negative class or None for 'the rest'), ...]`` in libsvm's order."""
    if n_classes == 2 or multi_class == "ovo":
        return list(combinations(range(n_classes), 2))
    return [(c, None) for c in range(n_classes)]


# ---------------------------------------------------------------------------------------------
# SVC
# ---------------------------------------------------------------------------------------------


class SVC(ClassifierMixin, BaseEstimator):
    """C-support vector classification, solved as a convex QP (cvxpy) or by SMO.

    Parameters
    ----------
    C : float, default=1.0
        Penalty of the slacks (> 0); sample ``i``'s multiplier is bounded by
        ``C · class_weight[y_i] · sample_weight_i``.
    kernel : {'linear', 'poly', 'rbf', 'sigmoid', 'precomputed'} or callable, default='rbf'
        A callable is called as ``kernel(X, Y)`` and returns the Gram matrix.
    degree : int, default=3
        Degree of the 'poly' kernel.
    gamma : {'scale', 'auto'} or float, default='scale'
        Kernel coefficient of 'rbf', 'poly', 'sigmoid': 'scale' is 1 / (n_features · X.var()),
        'auto' is 1 / n_features; a float must be > 0.
    coef0 : float, default=0.0
        Independent term of 'poly' and 'sigmoid'.
    shrinking : bool, default=True
        Let SMO set aside the multipliers stuck at a bound (then check them at the end).
    probability : False or 'deprecated', default=False
        Accepted for scikit-learn compatibility; ``True`` (Platt-scaled probabilities) is
        refused: the solvers give the margin ``f(x)``, and Platt's method fits a sigmoid to
        margins from an internal 5-fold cross-validation, five more fits inside ``fit``.
        Calibrate explicitly instead, as scikit-learn 1.9 (which deprecated the parameter)
        advises -- it works with this SVC::

            from sklearn.calibration import CalibratedClassifierCV
            clf = CalibratedClassifierCV(SVC(), method="sigmoid", ensemble=False).fit(X, y)
            clf.predict_proba(X)
    tol : float, default=1e-3
        SMO stops when the largest KKT violation is at most ``tol`` (libsvm's rule).
    cache_size : float, default=200
        Megabytes of kernel rows SMO keeps when the whole kernel matrix is too large.
    class_weight : dict, 'balanced' or None, default=None
        Multiplies C per class; 'balanced' is ``n_samples / (n_classes · count_c)``.
    max_iter : int, default=-1
        Iteration limit of the solver (-1: none).
    decision_function_shape : {'ovo', 'ovr'}, default='ovr'
        Shape of ``decision_function`` with one-vs-one machines: the pairwise values, or
        votes plus scaled confidences per class.
    break_ties : bool, default=False
        With 'ovr' shape and more than two classes, predict the argmax of
        ``decision_function`` instead of the first class with the most votes.
    verbose : bool, default=False
        Accepted for scikit-learn compatibility (mlkit's solvers print nothing).
    random_state : int, RandomState instance or None, default=None
        Accepted for scikit-learn compatibility; both solvers are deterministic.
    solver : {'auto', 'cvxpy', 'smo'}, default='auto'
        'cvxpy' solves the dual QP with ``qp_solver``; 'smo' runs SMO with second-order
        working-set selection; 'auto' picks cvxpy for the linear kernel with n >= 2000 (and
        d <= 1000), where the QP has only d quadratic terms, and SMO otherwise, which measured
        faster than every installed QP solver on dense kernels (benchmarks/RESULTS.md).
        ``solver_`` records the choice.
    qp_solver : str, default='auto'
        The cvxpy solver for ``solver='cvxpy'`` (any installed QP or conic solver). 'auto' is
        SCS (at tolerance 1e-9) for a dense kernel matrix up to n = 2000 and Clarabel
        (interior point) above and for the linear kernel: on the dense kernel QP, SCS was the
        faster up to n = 2000 and reached smaller duality gaps, Clarabel beyond and on the
        linear kernel's QP (benchmarks/RESULTS.md, SVM); OSQP stopped at its iteration
        limit.
    qp_form : {'factor', 'quad_form'}, default='quad_form'
        How cvxpy gets a non-linear kernel: ``‖Φᵀ(α∘y)‖²`` with ``ΦΦᵀ = K`` from a truncated
        eigendecomposition, or ``quad_form(α∘y, psd_wrap(K))``.
    multi_class : {'ovo', 'ovr'}, default='ovo'
        One machine per pair of classes (libsvm), or one per class against the rest.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The class labels.
    class_weight_ : array of shape (n_classes,)
        The multiplier of C for each class.
    support_ : ndarray of shape (n_SV,)
        Indices of the support vectors (α_i > 0 in some machine; cvxpy's multipliers below
        1e-6 · C_i count as zero), grouped by class, in order within a class.
    support_vectors_ : array of shape (n_SV, n_features)
        The support vectors (empty for a precomputed kernel).
    n_support_ : ndarray of shape (n_classes,)
        Support vectors per class.
    dual_coef_ : array of shape (n_classes - 1, n_SV) or (n_classes, n_SV)
        ``α_i y_i`` of each support vector in each machine, in libsvm's layout for
        one-vs-one; one row per class for ``multi_class='ovr'``.
    intercept_ : array of shape (n_machines,)
        ``-ρ`` of each machine.
    coef_ : array of shape (n_machines, n_features)
        The primal weights ``Σ α_i y_i x_i``; the linear kernel only (AttributeError for the
        others, as scikit-learn).
    certificate_ : list of Certificate
        One per machine: primal and dual objectives, duality gap, largest KKT violation,
        solver status.
    solver_ : str
        The solver used ('cvxpy' or 'smo').
    n_iter_ : ndarray of shape (n_machines,)
        Solver iterations per machine.
    fit_status_ : int
        0 when every machine converged, 1 otherwise.
    shape_fit_ : tuple of int
        Shape of the training X.
    n_features_in_ : int
        Number of columns seen in ``fit`` (the number of training samples for 'precomputed').
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names, when ``X`` was a DataFrame with string column names.

    Notes
    -----
    The dual is ``max 1ᵀα − ½(α∘y)ᵀK(α∘y)`` s.t. ``0 ≤ α ≤ C``, ``yᵀα = 0``. The intercept is
    ``b = −ρ``, ρ the mean of ``y_i ∇_i`` over free support vectors (0 < α_i < C_i), or the
    midpoint of its feasible interval when none is free (with cvxpy and free support vectors,
    ρ is the solver's multiplier of ``yᵀα = 0``, the same number to the solver's accuracy).
    ``decision_function`` and the kernel matrix handed to cvxpy are computed in the input's
    array namespace (GPU-capable); the QP and SMO's iterations and kernel rows run on the host.

    scipy.sparse X (CSR or CSC; CSC is converted to CSR for SMO's row access) is never made
    dense: kernel values come from sparse products (``x·y`` over the stored entries, made
    dense as kernel blocks), the linear kernel's cvxpy QP takes the sparse ``Xᵀ``, and
    ``gamma='scale'`` uses ``mean(x²) − mean(x)²`` over all entries. As in scikit-learn,
    ``support_vectors_`` is then a sparse CSR matrix (of the input's class: ``csr_array`` or
    ``csr_matrix``); ``dual_coef_``, ``coef_`` and ``intercept_`` stay dense arrays. A sparse
    precomputed kernel is refused (scikit-learn's TypeError).

    References
    ----------
    Cortes & Vapnik (1995), "Support-vector networks", Machine Learning 20.
    Platt (1998), "Sequential minimal optimization".
    Fan, Chen & Lin (2005), "Working set selection using second order information for
    training support vector machines", JMLR 6.
    Chang & Lin (2011), "LIBSVM: a library for support vector machines", ACM TIST 2(3).

    Examples
    --------
    >>> from mlkit.svm import SVC
    >>> X = [[0.0, 0.0], [1.0, 1.0], [0.0, 1.0], [1.0, 0.0]]
    >>> clf = SVC(kernel="linear").fit(X, [0, 1, 1, 0])
    >>> clf.predict([[0.9, 0.9]]).tolist()
    [1]
    """

    _parameter_constraints = {
        "C": [Interval(numbers.Real, 0, None, closed="neither")],
        "kernel": [StrOptions(set(KERNELS)), callable],
        "degree": [Interval(numbers.Integral, 0, None, closed="left")],
        "gamma": [StrOptions({"scale", "auto"}), Interval(numbers.Real, 0, None,
                                                          closed="neither")],
        "coef0": [Interval(numbers.Real, None, None, closed="neither")],
        "shrinking": ["boolean"],
        "probability": [Options(bool, {False}), StrOptions({"deprecated"})],
        "tol": [Interval(numbers.Real, 0, None, closed="neither")],
        "cache_size": [Interval(numbers.Real, 0, None, closed="neither")],
        "verbose": ["boolean"],
        "class_weight": [StrOptions({"balanced"}), dict, None],
        "max_iter": [Interval(numbers.Integral, -1, None, closed="left")],
        "decision_function_shape": [StrOptions({"ovo", "ovr"})],
        "break_ties": ["boolean"],
        "random_state": ["random_state"],
        "solver": [StrOptions({"auto", "cvxpy", "smo"})],
        "qp_solver": [str],
        "qp_form": [StrOptions({"factor", "quad_form"})],
        "multi_class": [StrOptions({"ovo", "ovr"})],
    }
    _not_offered = {
        "probability": [NotOffered(
            (True,), what="Platt-scaled probabilities",
            why="the QP and SMO solvers give the margin f(x), and Platt's method fits a sigmoid "
                "to margins from an internal 5-fold cross-validation, five more fits inside fit",
            instead="calibrate explicitly, as scikit-learn 1.9 advises: from sklearn.calibration "
                    "import CalibratedClassifierCV; clf = CalibratedClassifierCV(SVC(...), "
                    "method='sigmoid', ensemble=False).fit(X, y); clf.predict_proba(X)")],
    }
    _capabilities = Capabilities(
        fit=("numpy", "array_api_strict", "cupy", "torch"),
        predict=("numpy", "array_api_strict", "cupy", "torch", "dask"),
        host="the dual QP (cvxpy) and SMO: the kernel matrix for cvxpy is formed in the "
             "input's namespace, SMO's kernel rows on the host; Dask fit on the host; "
             "decision_function and predict run in the input's namespace",
        xfail_checks={
            "check_sample_weight_equivalence_on_dense_data":
                "gamma='scale' uses the unweighted X.var(), which repeating rows changes",
            "check_sample_weight_equivalence_on_sparse_data":
                "gamma='scale' uses the unweighted X.var(), which repeating rows changes",
        },
        sparse="a kernel other than 'precomputed'",
    )

    def __init__(self, *, C: float = 1.0, kernel: str | Callable[..., ArrayLike] = "rbf",
                 degree: int = 3, gamma: str | float = "scale", coef0: float = 0.0,
                 shrinking: bool = True, probability: bool | str = False, tol: float = 1e-3,
                 cache_size: float = 200, class_weight: dict | str | None = None,
                 verbose: bool = False, max_iter: int = -1, decision_function_shape: str = "ovr",
                 break_ties: bool = False, random_state: RandomState = None,
                 solver: str = "auto", qp_solver: str = "auto", qp_form: str = "quad_form",
                 multi_class: str = "ovo") -> None:
        self.C = C
        self.kernel = kernel
        self.degree = degree
        self.gamma = gamma
        self.coef0 = coef0
        self.shrinking = shrinking
        self.probability = probability
        self.tol = tol
        self.cache_size = cache_size
        self.class_weight = class_weight
        self.verbose = verbose
        self.max_iter = max_iter
        self.decision_function_shape = decision_function_shape
        self.break_ties = break_ties
        self.random_state = random_state
        self.solver = solver
        self.qp_solver = qp_solver
        self.qp_form = qp_form
        self.multi_class = multi_class

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.pairwise = self.kernel == "precomputed"
        tags.input_tags.sparse = self.kernel != "precomputed"
        return tags

    # --- fit ----------------------------------------------------------------------------------

    def _resolve_solver(self, n, d):
        """'auto': cvxpy for the linear kernel from n = 2000 on (its QP has d, not n², quadratic
        terms; faster than libsvm there, benchmarks/RESULTS.md), SMO otherwise."""
        solver = self.solver
        if solver == "auto":
            linear_qp = self.kernel == "linear" and n >= AUTO_LINEAR_QP_N and d <= 1000
            solver = "cvxpy" if linear_qp else "smo"
        if solver == "smo":
            return "smo"
        try:
            import cvxpy as cp
        except ImportError as exc:  # pragma: no cover - cvxpy is a runtime dependency
            raise ValueError("solver='cvxpy' needs the cvxpy package, which is not "
                             "installed; use solver='smo'.") from exc
        installed = cp.installed_solvers()
        if self._qp_solver(n) not in installed:
            raise ValueError(f"The cvxpy solver qp_solver={self._qp_solver(n)!r} is not "
                             f"installed; installed solvers: {sorted(installed)}.")
        return "cvxpy"

    def _qp_solver(self, n):
        """'auto': SCS for a dense kernel matrix up to n = 2000, Clarabel for larger ones and
        for the linear kernel's d-term QP (as measured; see the class docstring)."""
        if self.qp_solver != "auto":
            return self.qp_solver.upper()
        return "CLARABEL" if self.kernel == "linear" or n > AUTO_SCS_MAX_N else "SCS"

    def _kernel_params(self, X, xp):
        return {"gamma": resolve_gamma(self.gamma, X, xp) if not callable(self.kernel)
                and self.kernel != "precomputed" else 0.0,
                "degree": self.degree, "coef0": float(self.coef0)}

    @property
    def coef_(self) -> Array:
        """Primal weights of the linear kernel (AttributeError for other kernels)."""
        check_is_fitted(self, "dual_coef_")
        if self._coef is None:
            raise AttributeError("coef_ is only available when using a linear kernel")
        return self._coef

    def fit(self: _SVC, X: ArrayLike, y: ArrayLike,
            sample_weight: ArrayLike | None = None) -> _SVC:
        """Fit the machine(s) on ``X`` (or a precomputed Gram matrix) and labels ``y``."""
        validate_params(self)
        if is_lazy(X):
            X = to_host(X)
        if self.kernel == "precomputed" and is_sparse(X):
            raise TypeError("Sparse precomputed kernels are not supported. A Gram matrix has "
                            "no zeros to skip: pass it dense (K.toarray()).")
        X, y = validate_data(self, X, y, classification=True, accept_sparse=_SPARSE)
        xp, device = namespace_and_device(X)
        dtype = float_dtype(xp, device)
        X = _as_float(X, xp, dtype)
        n = X.shape[0]
        solver = self._resolve_solver(n, X.shape[1])
        if self.kernel == "precomputed" and X.shape[1] != n:
            raise ValueError(f"A precomputed kernel matrix must be square (n_samples, "
                             f"n_samples); got shape {tuple(X.shape)}.")
        classes, y_idx = encode_labels(y, xp, device)
        yh = to_host(y_idx)
        k = int(classes.shape[0])
        sw = check_sample_weight(sample_weight, n, xp, device, dtype)
        sw = np.ones(n) if sw is None else np.asarray(to_host(sw), dtype=np.float64)
        cw = class_weights(self.class_weight, classes, yh)
        Cs = float(self.C) * cw[yh] * sw
        if np.unique(yh[Cs > 0]).shape[0] < 2:
            raise ValueError("All samples with a positive weight (sample_weight times "
                             "class_weight) belong to one class; at least 2 are required.")

        params = self._kernel_params(X, xp)
        Xh = X if is_sparse(X) else np.asarray(to_host(X), dtype=np.float64)
        K, Xlin = self._training_kernel(X, Xh, xp, solver, params)

        self.classes_ = classes
        self.solver_ = solver
        problems = _problems(yh, k, self.multi_class)
        alphas, rhos, certs = [], [], []
        for p, q in problems:
            rows = np.flatnonzero(((yh == p) | (yh == q) if q is not None else yh >= 0)
                                  & (Cs > 0))
            ys = np.where(yh[rows] == p, 1.0, -1.0)
            whole = rows.shape[0] == n
            Kp = None if K is None else K if whole else K[np.ix_(rows, rows)]
            Xp = None if Xlin is None else Xlin if whole else Xlin[rows]
            columns = None
            if solver == "smo" and Kp is None and Xp is None:
                Xr = Xh if whole else Xh[rows]
                columns = _kernel_source(Xr, None, self.kernel, params, self.cache_size)
            alpha, rho, cert = fit_binary(
                ys, Cs[rows], solver=solver, K=Kp, X=Xp, columns=columns, tol=float(self.tol),
                max_iter=int(self.max_iter), qp_solver=self._qp_solver(n),
                qp_form=self.qp_form, shrinking=self.shrinking)
            full = np.zeros(n)
            full[rows] = alpha * ys
            alphas.append(full)
            rhos.append(rho)
            certs.append(cert)
        self._store(np.array(alphas), np.array(rhos), certs, yh, k, problems, X, Xh, xp,
                    device, cw, params)
        return self

    def _training_kernel(self, X, Xh, xp, solver, params):
        """The host kernel matrix when it is needed whole (else None), or X for linear cvxpy."""
        if solver == "cvxpy" and self.kernel == "linear":
            return None, Xh
        if solver == "cvxpy" or callable(self.kernel) or self.kernel == "precomputed":
            if self.kernel == "rbf" and is_numpy(xp):  # in place: no n×n temporaries
                sq = squared_norms(Xh, np)
                return rbf_block_host(params["gamma"])(Xh, sq, Xh, sq), None
            K = kernel_matrix(X, X, self.kernel, xp=xp, **params)
            return np.asarray(to_host(K), dtype=np.float64), None
        return None, None

    def _store(self, coefs, rhos, certs, yh, k, problems, X, Xh, xp, device, cw, params):
        """Fitted attributes in libsvm's layout (support vectors grouped by class)."""
        # coefs: (n_machines, n) of α_i y_i (zero off the machine)
        is_sv = np.any(np.abs(coefs) > 0, axis=0)
        order = np.lexsort((np.arange(yh.shape[0]), yh))
        support = order[is_sv[order]]
        self.support_ = support.astype(np.int32)
        self.n_support_ = np.bincount(yh[support], minlength=k).astype(np.int32)
        pair_coef = coefs[:, support].T  # (n_SV, n_machines)
        ovo = problems[0][1] is not None
        if ovo and k > 2:
            dual = np.zeros((k - 1, support.shape[0]))
            cls = yh[support]
            for m, (p, q) in enumerate(problems):
                dual[q - 1] = np.where(cls == p, pair_coef[:, m], dual[q - 1])
                dual[p] = np.where(cls == q, pair_coef[:, m], dual[p])
        else:
            dual = pair_coef.T.copy()
        intercept = -rhos
        if k == 2:  # scikit-learn's binary sign: positive decision means classes_[1]
            dual, intercept, pair_coef = -dual, -intercept, -pair_coef
        self._pair_coef = as_namespace(pair_coef, xp, device)
        self._pairs = problems
        self._n_classes = k
        self.dual_coef_ = as_namespace(dual, xp, device)
        self.intercept_ = as_namespace(intercept, xp, device)
        self.class_weight_ = as_namespace(cw, xp, device)
        if self.kernel == "precomputed":
            self.support_vectors_ = as_namespace(np.zeros((0, 0)), xp, device)
        else:
            self.support_vectors_ = xp.take(X, as_namespace(support, xp, device), axis=0) \
                if not isinstance(X, np.ndarray) and not is_sparse(X) else X[support]
        self._coef = (as_namespace(np.asarray(pair_coef.T @ Xh[support]), xp, device)
                      if self.kernel == "linear" else None)
        self._sv_host = Xh[support]
        self._gamma = params["gamma"]
        self.certificate_ = certs
        self.n_iter_ = np.array([c.n_iter for c in certs], dtype=np.int32)
        # SMO's status is its KKT test; a QP solver's 'optimal' is checked against the gap too
        # (SMO's own gap at tol can be large where some C_i is: about Σ C_i · tol)
        failed = [c for c in certs if c.status != "optimal"
                  or (c.solver == "cvxpy" and c.relative_gap > GAP_WARN)]
        self.fit_status_ = int(bool(failed))
        self.shape_fit_ = tuple(int(s) for s in Xh.shape)
        for c in failed:
            warnings.warn(
                f"The {c.solver} solver did not reach an optimal solution (status "
                f"{c.status!r}, relative duality gap {c.relative_gap:.2g}); the model may be "
                f"inaccurate. Certificate: {c.as_dict()}",
                ConvergenceWarning, stacklevel=3)

    # --- prediction ---------------------------------------------------------------------------

    def _machine_values(self, X):
        """``(n_samples, n_machines)`` raw decision values (libsvm's sign for one-vs-one)."""
        check_is_fitted(self, "dual_coef_")
        if self.kernel == "precomputed" and hasattr(X, "shape") and len(X.shape) == 2 \
                and X.shape[1] != self.n_features_in_:
            raise ValueError(f"X has {X.shape[1]} features, but a precomputed kernel needs "
                             f"one column per training sample ({self.n_features_in_}).")
        X = validate_data(self, X, reset=False,
                          accept_sparse=_SPARSE if self.kernel != "precomputed" else False)
        xp, device = namespace_and_device(X)
        dtype = float_dtype(xp, device)
        X = _as_float(X, xp, dtype)
        if self.kernel == "precomputed":
            idx = as_namespace(self.support_.astype(np.int64), xp, device)
            Kx = xp.take(X, idx, axis=1)
        else:
            sv = self._sv_host
            if not is_sparse(X) and not is_numpy(xp):  # a device: the support vectors go there
                sv = as_namespace(sv.toarray() if is_sparse(sv) else sv, xp, device)
            Kx = kernel_matrix(X, sv, self.kernel, xp=xp, gamma=self._gamma,
                               degree=self.degree, coef0=float(self.coef0))
        W = as_namespace(to_host(self._pair_coef), xp, device)
        b = as_namespace(to_host(self.intercept_), xp, device)
        return Kx @ W + b, xp, device

    def decision_function(self, X: ArrayLike) -> Array:
        """Signed distances: (n,) for two classes; (n, k) or (n, k(k-1)/2) otherwise."""
        dec, xp, _ = self._machine_values(X)
        if self._n_classes == 2:
            return dec[:, 0]
        if self.multi_class == "ovr" or self.decision_function_shape == "ovo":
            return dec
        return self._ovr_shape(dec, xp)

    def _pair_indicators(self, xp, device):
        P = np.zeros((len(self._pairs), self._n_classes))
        Q = np.zeros_like(P)
        for m, (p, q) in enumerate(self._pairs):
            P[m, p], Q[m, q] = 1.0, 1.0
        return as_namespace(P, xp, device), as_namespace(Q, xp, device)

    def _ovr_shape(self, dec, xp):
        """One-vs-one values as per-class scores: votes plus confidences squashed into (−⅓, ⅓)."""
        _, device = namespace_and_device(dec)
        P, Q = self._pair_indicators(xp, device)
        wins = xp.astype(dec >= 0, dec.dtype)
        votes = wins @ P + (1.0 - wins) @ Q
        conf = dec @ (P - Q)
        return votes + conf / (3.0 * (xp.abs(conf) + 1.0))

    def predict(self, X: ArrayLike) -> Array:
        """The class of each row: the sign for two classes, else the vote (or argmax)."""
        if self.break_ties and self.decision_function_shape == "ovo":
            raise ValueError("break_ties must be False when decision_function_shape is 'ovo'")
        dec, xp, device = self._machine_values(X)
        if self._n_classes == 2:
            idx = xp.astype(dec[:, 0] >= 0, xp.int64)
        elif self.multi_class == "ovr":
            idx = xp.argmax(dec, axis=1)
        elif self.break_ties and self.decision_function_shape == "ovr":
            idx = xp.argmax(self._ovr_shape(dec, xp), axis=1)
        else:
            P, Q = self._pair_indicators(xp, device)
            wins = xp.astype(dec > 0, dec.dtype)
            idx = xp.argmax(wins @ P + (1.0 - wins) @ Q, axis=1)
        return decode_labels(self.classes_, idx, xp, device)
