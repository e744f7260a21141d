"""The Gaussian mixture estimator: EM from k-means (or another) initialization."""

from __future__ import annotations

import math
import numbers
import warnings
from typing import TypeVar

import numpy as np
from sklearn.base import BaseEstimator, DensityMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state

from .._array import (
    as_namespace,
    compute,
    device,
    float_dtype,
    host_float_dtype,
    is_lazy,
    namespace_and_device,
    one_hot,
    rows_like,
    to_host,
)
from .._discovery import Capabilities
from .._rows import argmax_rows
from .._typing import Array, ArrayLike, RandomState
from .._validation import (
    Interval,
    NotOffered,
    StrOptions,
    check_finite_stats,
    check_is_fitted,
    check_sample_weight,
    validate_data,
    validate_params,
)
from ..cluster import KMeans, assign, kmeans_plusplus
from ..cluster._kmeans_parallel import kmeans_parallel
from ._gaussian import (
    ONE_POINT_INITS,
    check_precisions,
    covariances_from_precisions,
    e_step,
    estimate_log_gaussian_prob,
    lazy_em_statistics,
    logsumexp_rows,
    m_step,
    n_parameters,
    noise_floor,
    precision_cholesky,
    precision_cholesky_from_precisions,
    precisions_from_cholesky,
    squares_of,
    sufficient_statistics,
    tied_stats_about_origin,
)

__all__ = ["COVARIANCE_TYPES", "GaussianMixture"]

_GaussianMixture = TypeVar("_GaussianMixture", bound="GaussianMixture")


COVARIANCE_TYPES = ("full", "tied", "diag", "spherical")


class GaussianMixture(DensityMixin, BaseEstimator):
    """Gaussian mixture model fitted by expectation-maximization (EM).

    Parameters
    ----------
    n_components : int, default=1
        Number of mixture components.
    covariance_type : {'full', 'tied', 'diag', 'spherical'}, default='full'
        Each component's own full covariance; one full covariance shared by all; a diagonal
        covariance per component; a single variance per component.
    tol : float, default=1e-3
        EM stops when the lower bound (mean log-likelihood per sample) changes by less.
    reg_covar : float, default=1e-6
        Positive number added to the covariances' diagonal, keeping them positive definite.
        Unlike scikit-learn, 0 is refused: a covariance left unregularized turns singular
        when a component collapses onto a few points; for (nearly) plain EM take a tiny
        value such as 1e-12.
    max_iter : int, default=100
        Most EM iterations per initialization.
    n_init : int, default=1
        Number of initializations; the one with the highest lower bound is kept.
    init_params : {'kmeans', 'k-means++', 'random', 'random_from_data'}, default='kmeans'
        Initial responsibilities: k-means labels; k-means++ seeds as one-point components;
        random; random rows as one-point components. On a Dask array 'kmeans' labels each row
        by its nearest k-means|| center (a few passes over X; the centers from Lloyd's
        iterations on k-means||'s weighted candidates, in memory) instead of running Lloyd's
        iterations over X, one pass each.
    weights_init : array-like of shape (n_components,), default=None
        Initial weights (summing to 1).
    means_init : array-like of shape (n_components, n_features), default=None
        Initial means.
    precisions_init : array-like, default=None
        Initial precisions (inverse covariances), shaped as ``precisions_``.
    random_state : int, RandomState instance or None, default=None
        Seeds the initialization and ``sample``.
    warm_start : bool, default=False
        Start each ``fit`` from the previous solution (one initialization).
    verbose : int, default=0
        Print the lower bound and its change every ``verbose_interval`` iterations.
    verbose_interval : int, default=10
        Iterations between two progress lines.

    Attributes
    ----------
    weights_ : array of shape (n_components,)
        Mixing proportions.
    means_ : array of shape (n_components, n_features)
        Component means.
    covariances_ : array
        Covariances: (k,) 'spherical', (d, d) 'tied', (k, d) 'diag', (k, d, d) 'full'.
    precisions_ : array
        Inverse covariances, shaped as ``covariances_``.
    precisions_cholesky_ : array
        Upper-triangular ``U`` with ``U Uᵀ`` the precision (square roots for 'diag' and
        'spherical'), shaped as ``covariances_``.
    converged_ : bool
        Whether the best initialization converged.
    n_iter_ : int
        EM iterations of the best initialization.
    lower_bound_ : float
        (Weighted) mean log-likelihood of the training data at the last E-step of the best
        initialization.
    lower_bounds_ : list of float
        The lower bound at each iteration of the best initialization.
    n_features_in_ : int
        Number of columns seen in ``fit``.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names, when ``X`` was a DataFrame with string column names.

    Notes
    -----
    E-step: ``log r_ik = log π_k + log N(x_i | μ_k, Σ_k) − log Σ_j π_j N(x_i | μ_j, Σ_j)``,
    with ``log N = −½ (d log 2π + ‖(x − μ_k) U_k‖²) + Σ log diag U_k``. M-step, with sample
    weights ``w_i``: ``N_k = Σ w r``, ``π_k = N_k / Σ N``, ``μ_k = Σ w r x / N_k``,
    ``Σ_k = Σ w r x xᵀ / N_k − μ_k μ_kᵀ + reg_covar·I``. EM never decreases the weighted
    log-likelihood (Dempster, Laird & Rubin 1977). Given the same initialization the fit
    equals scikit-learn's (which has no ``sample_weight``); all four ``init_params`` draw
    from ``random_state`` in scikit-learn's order, so the same seed gives the same model.

    The statistics are taken about the column means of X (no cancellation for data far from
    the origin), float32 data are fitted in float64 and the attributes returned in float32,
    and a component whose covariance falls to the rounding noise of its statistics raises
    ``CollapsedComponentError`` (a ``ValueError``) naming it. On Dask, each EM iteration is
    one ``dask.compute`` of ``(Σ w log p, N_k, Σ r x, S2)``; the parameters are NumPy.

    References
    ----------
    Dempster, Laird & Rubin (1977), "Maximum likelihood from incomplete data via the EM
    algorithm", JRSS B 39(1). Bishop (2006), *Pattern Recognition and Machine Learning*, §9.2.

    Examples
    --------
    >>> import numpy as np
    >>> from mlkit.mixture import GaussianMixture
    >>> X = np.array([[1, 2], [1, 4], [1, 0], [10, 2], [10, 4], [10, 0]])
    >>> gm = GaussianMixture(n_components=2, random_state=0).fit(X)
    >>> gm.means_
    array([[10.,  2.],
           [ 1.,  2.]])
    >>> gm.predict([[0, 0], [12, 3]])
    array([1, 0])
    """

    _parameter_constraints = {
        "n_components": [Interval(numbers.Integral, 1, None, closed="left")],
        "covariance_type": [StrOptions(set(COVARIANCE_TYPES))],
        "tol": [Interval(numbers.Real, 0.0, None, closed="left")],
        "reg_covar": [Interval(numbers.Real, 0.0, None, closed="neither")],
        "max_iter": [Interval(numbers.Integral, 0, None, closed="left")],
        "n_init": [Interval(numbers.Integral, 1, None, closed="left")],
        "init_params": [StrOptions({"kmeans", "k-means++", "random", "random_from_data"})],
        "weights_init": ["array-like", None],
        "means_init": ["array-like", None],
        "precisions_init": ["array-like", None],
        "random_state": ["random_state"],
        "warm_start": ["boolean"],
        "verbose": [Interval(numbers.Integral, 0, None, closed="left"), "boolean"],
        "verbose_interval": [Interval(numbers.Integral, 1, None, closed="left")],
    }
    _not_offered = {
        "reg_covar": [NotOffered(
            lambda v: isinstance(v, numbers.Real) and not isinstance(v, bool) and v == 0,
            what="unregularized covariances",
            why="a covariance left unregularized turns singular when a component collapses "
                "onto a few points, and EM then fails",
            instead="take a tiny value such as reg_covar=1e-12 for (nearly) plain EM")],
    }
    _capabilities = Capabilities(
        test_params={"n_components": 3, "random_state": 0},
        lazy_params={"init_params": "random_from_data"},
        xfail_checks={
            "check_sample_weight_equivalence_on_dense_data": (
                "the random initialization draws differ when rows are repeated (n changes), so "
                "components come out permuted; equivalence given the same explicit init is "
                "tested in tests/test_mixture.py"),
        },
    )

    def __init__(self, n_components: int = 1, *, covariance_type: str = "full",
                 tol: float = 1e-3, reg_covar: float = 1e-6, max_iter: int = 100,
                 n_init: int = 1, init_params: str = "kmeans",
                 weights_init: ArrayLike | None = None, means_init: ArrayLike | None = None,
                 precisions_init: ArrayLike | None = None, random_state: RandomState = None,
                 warm_start: bool = False, verbose: int | bool = 0,
                 verbose_interval: int = 10) -> None:
        self.n_components = n_components
        self.covariance_type = covariance_type
        self.tol = tol
        self.reg_covar = reg_covar
        self.max_iter = max_iter
        self.n_init = n_init
        self.init_params = init_params
        self.weights_init = weights_init
        self.means_init = means_init
        self.precisions_init = precisions_init
        self.random_state = random_state
        self.warm_start = warm_start
        self.verbose = verbose
        self.verbose_interval = verbose_interval

    # --- fitting -----------------------------------------------------------------------------

    def fit(self: _GaussianMixture, X: ArrayLike, y: object = None,
            sample_weight: ArrayLike | None = None) -> _GaussianMixture:
        """Estimate the mixture by EM (``n_init`` runs, the best lower bound kept).

        ``sample_weight`` (non-negative, optional) weighs each sample's contribution to the
        statistics: integer weights give the fit of the data with rows repeated.
        """
        self._fit(X, sample_weight)
        return self

    def fit_predict(self, X: ArrayLike, y: object = None,
                    sample_weight: ArrayLike | None = None) -> Array:
        """Fit, then return the most probable component of each training sample."""
        X = self._fit(X, sample_weight)
        return self.predict(X)

    def _fit(self, X, sample_weight):
        validate_params(self)
        X = validate_data(self, X, ensure_min_samples=2)
        xp, device = namespace_and_device(X)
        n, k = X.shape[0], self.n_components
        if n is None or math.isnan(n):
            raise ValueError("X has unknown chunk sizes: call X.compute_chunk_sizes() first.")
        if n < k:
            raise ValueError(
                f"Expected n_samples >= n_components but got n_components = {k}, "
                f"n_samples = {n}"
            )
        sw = check_sample_weight(sample_weight, n, xp, device, X.dtype)
        sw = None if sw is None else rows_like(sw, X)
        self._state_xp, self._state_device = _state_namespace(X)
        try:
            self._run_em(X, sw)
            return X
        finally:
            for name in ("_state_xp", "_state_device", "_squares"):  # modules do not pickle;
                self.__dict__.pop(name, None)  # the squares are as large as X

    def _run_em(self, X, sw):
        xp, device = namespace_and_device(X)
        given = X  # k-means clusters the data as given (its own centred copy), as scikit-learn
        n = X.shape[0]
        # float32 data are fitted in float64 (where the device has it): the statistics
        # Σ r x xᵀ / N − μ μᵀ would otherwise lose the small variances to rounding
        in_dtype, work = X.dtype, float_dtype(xp, device)
        cast = in_dtype != work
        if cast:
            X = xp.astype(X, work)
        inits = self._checked_inits(X)
        # EM runs on X centred on its column means: the sufficient statistics Σ r x xᵀ then
        # lose no digits to cancellation when the data sit far from the origin
        offset = compute(xp.mean(X, axis=0))[0]
        check_finite_stats(offset)
        if cast and isinstance(X, np.ndarray):
            X -= offset  # the float64 copy is ours: centred in place, one copy of X in all
        else:
            X = X - offset
        offset = as_namespace(offset, self._state_xp, self._state_device)
        if inits[1] is not None:
            inits[1] = inits[1] - offset
        total_w = float(n) if sw is None else float(compute(xp.sum(sw))[0])
        # what EM needs of X besides X itself, computed once: the squares for 'diag' and
        # 'spherical'
        self._squares = squares_of(X, self.covariance_type, xp)

        do_init = not (self.warm_start and hasattr(self, "converged_"))
        rs = check_random_state(self.random_state)
        best, best_bound = None, -np.inf
        for init in range(self.n_init if do_init else 1):
            if self.verbose:
                print(f"Initialization {init}")
            params = (self._initialize(X, sw, total_w, rs, inits, offset, given) if do_init
                      else self._get_parameters(-offset))
            bound = -np.inf if do_init else self.lower_bound_
            bound, params, n_iter, bounds, converged = self._em(X, sw, total_w, params, bound)
            if best is None or (self.max_iter > 0 and bound > best_bound):
                best_bound = bound if self.max_iter > 0 else -np.inf
                best = params, n_iter, bounds, converged
        params, self.n_iter_, self.lower_bounds_, self.converged_ = best
        self.lower_bound_ = float(best_bound)
        if not self.converged_ and self.max_iter > 0:
            warnings.warn(
                f"EM did not converge in max_iter={self.max_iter} iterations (best of "
                f"{self.n_init} initializations; last change of the lower bound above "
                f"tol={self.tol}). Increase max_iter or tol, try other init_params, or check "
                "for degenerate data.", ConvergenceWarning, stacklevel=3)
        self._set_parameters(params, offset)
        if in_dtype != work:  # fitted attributes in the input's precision, as scikit-learn
            sxp = self._state_xp
            for name in ("weights_", "means_", "covariances_", "precisions_cholesky_",
                         "precisions_"):
                setattr(self, name, sxp.astype(getattr(self, name), sxp.float32))

    def _em(self, X, sw, total_w, params, bound):
        """EM iterations from ``params`` until the lower bound changes by less than ``tol``:
        ``(bound, params, n_iter, bounds, converged)``."""
        bounds, converged, n_iter = [], False, 0
        for n_iter in range(1, self.max_iter + 1):
            previous = bound
            bound, params = self._em_iteration(X, sw, total_w, params)
            bounds.append(bound)
            if self.verbose and n_iter % self.verbose_interval == 0:
                print(f"  Iteration {n_iter}\t lower bound {bound:.6f}\t "
                      f"change {bound - previous:.3g}")
            if abs(bound - previous) < self.tol:
                converged = True
                break
        return bound, params, n_iter, bounds, converged

    def _em_iteration(self, X, sw, total_w, params):
        """One E-step and one M-step; on Dask, one ``compute`` of the statistics."""
        if is_lazy(X):  # one pass: each row block's E-step and statistics, summed
            total, *stats = compute(*lazy_em_statistics(X, sw, params[0], params[1],
                                                        params[3], self.covariance_type))
            check_finite_stats(total)
            return float(total) / total_w, self._solve(*stats)
        xp, device = namespace_and_device(X)
        weights, means, _, prec_chol = (as_namespace(p, xp, device) for p in params)
        squares = self._squares
        log_norm, resp = e_step(X, weights, means, prec_chol, self.covariance_type, xp,
                                squares=None if self.covariance_type == "full" else squares)
        total = xp.sum(log_norm if sw is None else log_norm * sw)
        stats = sufficient_statistics(X, resp, sw, self.covariance_type, xp, squares=squares)
        total, *stats = compute(total, *stats)
        check_finite_stats(total)
        return float(total) / total_w, self._solve(*stats)

    def _solve(self, nk, sx, s2):
        sxp = self._state_xp
        nk, means, cov = m_step(nk, sx, s2, self.covariance_type, self.reg_covar, sxp)
        floor = noise_floor(nk, s2, self.covariance_type, sxp, means.shape[1])
        prec_chol = precision_cholesky(cov, self.covariance_type, sxp, nk=nk,
                                       reg_covar=self.reg_covar, floor=floor)
        return nk / sxp.sum(nk), means, cov, prec_chol

    def _initialize(self, X, sw, total_w, rs, inits, offset, given):
        """Initial parameters: from initial responsibilities, overridden by the given inits."""
        sxp = self._state_xp
        weights_init, means_init, prec_init = inits
        weights = means = cov = prec_chol = None
        if weights_init is None or means_init is None or prec_init is None:
            xp, _ = namespace_and_device(X)
            resp = self._initial_responsibilities(X, sw, rs, given)
            stats = compute(*sufficient_statistics(X, resp, sw, self.covariance_type, xp))
            check_finite_stats(*stats)
            if self.covariance_type == "tied" and self.init_params in ONE_POINT_INITS:
                stats = tied_stats_about_origin(X, sw, total_w, stats, offset)
            nk, means, cov = m_step(*stats, self.covariance_type, self.reg_covar, sxp)
            one_point = (self.init_params in ONE_POINT_INITS
                         and self.covariance_type != "tied")
            if self.covariance_type == "tied" and self.init_params in ONE_POINT_INITS:
                means = means - offset
            elif one_point:
                # a component of one sample: its covariance is exactly reg_covar, not the
                # rounding of x xᵀ - x xᵀ (which, for data far from 0, looked like a collapse)
                cov = _reg_covar_only(cov, self.covariance_type, self.reg_covar, sxp)
            weights = nk / total_w
            if prec_init is None:
                floor = None if one_point else noise_floor(nk, stats[2], self.covariance_type,
                                                           sxp, means.shape[1])
                prec_chol = precision_cholesky(cov, self.covariance_type, sxp, nk=nk,
                                               reg_covar=self.reg_covar, floor=floor)
        if weights_init is not None:
            weights = weights_init
        if means_init is not None:
            means = means_init
        if prec_init is not None:
            prec_chol = precision_cholesky_from_precisions(prec_init, self.covariance_type, sxp)
            cov = covariances_from_precisions(prec_init, self.covariance_type, sxp)
        return weights, means, cov, prec_chol

    def _initial_responsibilities(self, X, sw, rs, given):
        """The initial responsibilities of the rows of the (centred, float64) ``X``; k-means
        runs on the data as ``given`` (it centres its own copy: a second centred copy of the
        working X would be one more copy of X held during the fit)."""
        xp, device = namespace_and_device(X)
        n, k = X.shape[0], self.n_components
        if self.init_params == "kmeans" and is_lazy(X):
            # a few passes: k-means||'s centers (its Lloyd runs on the weighted candidates, in
            # memory), then each row's nearest -- not Lloyd over X, a pass per iteration
            centers = kmeans_parallel(X, k, sample_weight=sw, random_state=rs)
            return rows_like(one_hot(assign(X, centers, xp), k, dtype=X.dtype), X)
        if self.init_params == "kmeans":
            labels = KMeans(n_clusters=k, n_init=1, random_state=rs).fit(
                given, sample_weight=sw).labels_
            return rows_like(one_hot(labels, k, dtype=X.dtype), X)
        if self.init_params == "random":
            resp = rs.uniform(size=(n, k))
            resp /= resp.sum(axis=1)[:, None]
        else:
            if self.init_params == "k-means++":
                idx = kmeans_plusplus(X, k, sample_weight=sw, random_state=rs)[1]
            else:  # random_from_data
                idx = rs.choice(n, size=k, replace=False)
            resp = np.zeros((n, k))
            resp[idx, np.arange(k)] = 1.0
        resp = rows_like(resp.astype(host_float_dtype(X.dtype)), X)
        return resp if is_lazy(X) else as_namespace(resp, xp, device)

    def _checked_inits(self, X):
        """weights_init, means_init, precisions_init checked and in the state's namespace."""
        k, d, ctype = self.n_components, X.shape[1], self.covariance_type
        out = []
        shapes = {"full": (k, d, d), "tied": (d, d), "diag": (k, d), "spherical": (k,)}
        for name, shape in (("weights_init", (k,)), ("means_init", (k, d)),
                            ("precisions_init", shapes[ctype])):
            value = getattr(self, name)
            if value is None:
                out.append(None)
                continue
            a = np.asarray(to_host(value) if hasattr(value, "shape") else value,
                           dtype=host_float_dtype(X.dtype))
            if a.shape != shape:
                raise ValueError(f"The parameter {name!r} should have the shape {shape} "
                                 f"(covariance_type={ctype!r}), but got {a.shape}.")
            if not np.all(np.isfinite(a)):
                raise ValueError(f"The parameter {name!r} contains NaN or infinity.")
            out.append(a)
        weights, _, prec = out
        if weights is not None:
            if np.any(weights < 0) or np.any(weights > 1):
                raise ValueError("The parameter 'weights_init' should be in the range [0, 1], "
                                 f"but got min {weights.min():.5f}, max {weights.max():.5f}.")
            atol = 1e-6 if weights.dtype == np.float32 else 1e-8
            if abs(1.0 - weights.sum()) > atol:
                raise ValueError("The parameter 'weights_init' should be normalized, but got "
                                 f"sum(weights_init) = {weights.sum():.5f}.")
        if prec is not None:
            check_precisions(prec, ctype)
        return [None if a is None else as_namespace(a, self._state_xp, self._state_device)
                for a in out]

    def _get_parameters(self, shift):
        return self.weights_, self.means_ + shift, self.covariances_, self.precisions_cholesky_

    def _set_parameters(self, params, shift):
        weights, means, cov, prec_chol = (_contiguous(p) for p in params)
        self.weights_, self.means_, self.covariances_ = weights, means + shift, cov
        self.precisions_cholesky_ = prec_chol
        self.precisions_ = _contiguous(precisions_from_cholesky(
            prec_chol, self.covariance_type, namespace_and_device(weights)[0]))

    # --- after fitting -----------------------------------------------------------------------

    def _weighted_log_prob(self, X):
        check_is_fitted(self)
        X = validate_data(self, X, reset=False)
        xp, device = namespace_and_device(X)
        w, m, U = (as_namespace(p, xp, device) for p in
                   (self.weights_, self.means_, self.precisions_cholesky_))
        log_w = namespace_and_device(w)[0].log(w)
        return xp, estimate_log_gaussian_prob(X, m, U, self.covariance_type, xp) + log_w

    def score_samples(self, X: ArrayLike) -> Array:
        """Log-density ``log p(x)`` of each sample under the mixture."""
        xp, weighted = self._weighted_log_prob(X)
        return logsumexp_rows(weighted, xp)

    def score(self, X: ArrayLike, y: object = None) -> float:
        """Mean log-likelihood per sample of X."""
        xp, _ = namespace_and_device(X)
        return float(compute(xp.mean(self.score_samples(X)))[0])

    def predict(self, X: ArrayLike) -> Array:
        """The most probable component of each sample."""
        xp, weighted = self._weighted_log_prob(X)
        return argmax_rows(weighted, xp)

    def predict_proba(self, X: ArrayLike) -> Array:
        """Posterior probability of each component for each sample (the responsibilities)."""
        xp, weighted = self._weighted_log_prob(X)
        return xp.exp(weighted - logsumexp_rows(weighted, xp)[:, None])

    def _n_parameters(self):
        return n_parameters(self.n_components, self.means_.shape[1], self.covariance_type)

    def bic(self, X: ArrayLike) -> float:
        """Bayesian information criterion ``−2 log L + p log n`` (lower is better)."""
        n = np.shape(X)[0]  # X.shape where X has one, else the shape of np.asarray(X)
        return -2 * self.score(X) * n + self._n_parameters() * math.log(n)

    def aic(self, X: ArrayLike) -> float:
        """Akaike information criterion ``−2 log L + 2 p`` (lower is better)."""
        n = np.shape(X)[0]  # X.shape where X has one, else the shape of np.asarray(X)
        return -2 * self.score(X) * n + 2 * self._n_parameters()

    def sample(self, n_samples: int = 1) -> tuple[Array, Array]:
        """Draw ``n_samples`` points from the mixture; returns ``(X, component labels)``.

        The draws come from ``random_state`` in scikit-learn's order (counts per component,
        then each component's points), on the host; the result is in ``means_``'s namespace.
        """
        check_is_fitted(self)
        if n_samples < 1:
            raise ValueError(f"Invalid value for 'n_samples': {n_samples}. The sampling "
                             "requires at least one sample.")
        rng = check_random_state(self.random_state)
        weights, means, covs = (np.asarray(to_host(a), dtype=np.float64) for a in
                                (self.weights_, self.means_, self.covariances_))
        counts = rng.multinomial(n_samples, weights)
        k, d = means.shape
        parts = []
        for j in range(k):  # one draw per component (k is small)
            if self.covariance_type in ("full", "tied"):
                cov = covs[j] if self.covariance_type == "full" else covs
                parts.append(rng.multivariate_normal(means[j], cov, int(counts[j])))
            else:
                parts.append(means[j] + rng.standard_normal(size=(counts[j], d))
                             * np.sqrt(covs[j]))
        X = np.vstack(parts)
        y = np.repeat(np.arange(k), counts)
        sxp, device = namespace_and_device(self.means_)
        return as_namespace(X, sxp, device), as_namespace(y, sxp, device)


def _contiguous(a):
    """NumPy arrays in C order: a pickled copy then computes bit for bit the same."""
    return np.ascontiguousarray(a) if isinstance(a, np.ndarray) else a


def _state_namespace(X):
    """Where the small parameters live: X's namespace and device (NumPy for Dask)."""
    if is_lazy(X):
        return namespace_and_device(np.zeros(1))
    return namespace_and_device(X)


def _reg_covar_only(cov, covariance_type, reg_covar, xp):
    """Covariances of the shape of ``cov`` equal to ``reg_covar`` (times I for 'full')."""
    if covariance_type == "full":
        eye = xp.eye(cov.shape[-1], dtype=cov.dtype, device=device(cov))
        return xp.zeros_like(cov) + reg_covar * eye
    return xp.zeros_like(cov) + reg_covar
