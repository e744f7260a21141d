"""The PCA estimator: the solver choice, fit, partial_fit, transform and the
probabilistic model's score.
"""

from __future__ import annotations

import math
import numbers
from typing import Any, Literal, TypeVar

import numpy as np
from sklearn.base import BaseEstimator, ClassNamePrefixFeaturesOutMixin, TransformerMixin
from sklearn.utils import check_random_state

from .._array import (
    as_namespace,
    compute,
    host_float_dtype,
    is_array_api_obj,
    is_lazy,
    is_numpy,
    is_sparse,
    lazy_tsqr,
    namespace_and_device,
    sparse_column_moments,
    to_host,
)
from .._discovery import Capabilities
from .._typing import Array, ArrayLike, RandomState
from .._validation import (
    Interval,
    StrOptions,
    check_finite_stats,
    check_is_fitted,
    validate_data,
    validate_params,
)
from ._solvers import (
    _device,
    _scalar,
    arpack_svd,
    covariance_eigh,
    gram,
    implicitly_centred,
    minka_dimension,
    randomized_svd,
    svd_flip,
)


class _RealNotInt(Interval):
    """Floats (not ints) in an interval: n_components as a share of the variance."""

    def accepts(self, value):
        return not isinstance(value, numbers.Integral) and super().accepts(value)


# ---------------------------------------------------------------------------------------------
# PCA
# ---------------------------------------------------------------------------------------------


_PCAT = TypeVar("_PCAT", bound="PCA")


class PCA(ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator):
    """Principal component analysis: project centred data onto its directions of most variance.

    Parameters
    ----------
    n_components : int, float in (0, 1), 'mle' or None, default=None
        Components kept: a number; a share of the variance to explain (the fewest components
        whose explained-variance ratios sum past it); ``'mle'`` for Minka's choice; None for
        ``min(n_samples, n_features)``.
    copy : bool, default=True
        Accepted for scikit-learn compatibility; inputs are never modified.
    whiten : bool, default=False
        Divide the projections by the square roots of the explained variances, so that each
        output column has unit variance.
    svd_solver : {'auto', 'full', 'covariance_eigh', 'randomized', 'arpack'}, default='auto'
        'full': LAPACK SVD of the centred data. 'covariance_eigh': ``eigh`` of the d×d
        covariance (one pass of ``XᵀX``; the route used for Dask). 'randomized': Halko et
        al.'s randomized SVD. 'arpack': ARPACK's Lanczos iterations (scipy's ``svds``, on the
        host) for ``n_components < min(n_samples, n_features)`` (one fewer than that when
        n_components is None). 'auto': when n_samples >= n_features and n_features <= 4000,
        'covariance_eigh' (measured several times faster than the SVD there, see
        ``benchmarks/bench_pca_lda.py``) unless few components are asked for and the
        randomized solver's flop count is lower; otherwise 'full' for small data (at most 500
        rows and columns) or ``'mle'``, 'randomized' when fewer than 80% of the components
        are asked for, else 'full'.
    tol : float, default=0.0
        Tolerance of the ARPACK solver (0: machine precision).
    iterated_power : int or 'auto', default='auto'
        Power iterations of the randomized solver ('auto': 7 when fewer than 10% of the
        components are asked for, else 4).
    n_oversamples : int, default=10
        Extra random vectors of the randomized solver.
    power_iteration_normalizer : {'auto', 'QR', 'LU', 'none'}, default='auto'
        Renormalization between power iterations ('auto': none for at most 2 iterations, else
        LU; other namespaces than NumPy use QR for LU, which spans the same subspace).
    random_state : int, RandomState instance or None, default=None
        Seed of the randomized solver's Gaussian test matrix and of ARPACK's start vector
        (drawn as scikit-learn draws them).

    Attributes
    ----------
    components_ : array of shape (`n_components_`, n_features)
        Principal axes (rows, unit norm), by decreasing explained variance; each row's
        largest-magnitude entry is positive.
    explained_variance_ : array of shape (`n_components_`,)
        Variance along each component (eigenvalues of the covariance, ddof=1).
    explained_variance_ratio_ : array of shape (`n_components_`,)
        Share of the total variance along each component.
    singular_values_ : array of shape (`n_components_`,)
        Singular values of the centred data, ``sqrt((n_samples - 1) · explained_variance_)``.
    mean_ : array of shape (n_features,)
        Column means of the training data.
    n_components_ : int
        Number of components kept.
    n_samples_ : int
        Number of training samples.
    noise_variance_ : float
        Probabilistic PCA's noise variance: the mean of the discarded eigenvalues (0 when none
        is discarded).
    n_features_in_ : int
        Number of columns seen in ``fit``.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names, when ``X`` was a DataFrame with string column names.

    Notes
    -----
    With ``Xc = X - mean_ = U S Vᵀ``: ``components_ = Vᵀ[:k]``, ``explained_variance_ =
    S²/(n-1)``, ``transform(X) = (X - mean_) V[:, :k]`` (divided by ``sqrt(explained_variance_)``
    when whitening). ``score_samples`` is the log-density under probabilistic PCA (Tipping &
    Bishop 1999): ``x ~ N(mean_, W Wᵀ + σ² I)``, whose covariance is ``get_covariance()``.
    On Dask the mean and ``XᵀX`` are reduced over row blocks and the d×d ``eigh`` (or, for
    'full', the SVD of the d×d ``R`` of a tall-skinny QR) runs on the host; 'randomized'
    moves Dask data to the host.

    scipy.sparse X (CSR or CSC) is centred implicitly, as in scikit-learn, never densified:
    'arpack' (what 'auto' picks for sparse X) runs ARPACK on the linear operator
    ``v ↦ X v − (μ·v) 1`` and its transpose; 'covariance_eigh' takes the sparse product
    ``XᵀX − n μ μᵀ`` (a dense d×d matrix); 'full' and 'randomized' refuse sparse X with
    scikit-learn's TypeError. ``transform`` of sparse X is ``X Wᵀ − μ Wᵀ``; ``score_samples``
    needs dense X (as scikit-learn).

    References
    ----------
    Halko, Martinsson & Tropp (2011), "Finding structure with randomness", SIAM Review 53(2).
    Minka (2000), "Automatic choice of dimensionality for PCA", NIPS 13.
    Tipping & Bishop (1999), "Probabilistic principal component analysis", JRSS B 61(3).

    Examples
    --------
    >>> import numpy as np
    >>> from mlkit.decomposition import PCA
    >>> X = np.array([[-1.0, -1.0], [-2.0, -1.0], [-3.0, -2.0], [1.0, 1.0], [2.0, 1.0],
    ...               [3.0, 2.0]])
    >>> pca = PCA(n_components=2).fit(X)
    >>> pca.explained_variance_ratio_.round(4)
    array([0.9924, 0.0076])
    """

    _parameter_constraints = {
        "n_components": [Interval(numbers.Integral, 0, None, closed="left"),
                         _RealNotInt(numbers.Real, 0, 1, closed="neither"),
                         StrOptions({"mle"}), None],
        "copy": ["boolean"],
        "whiten": ["boolean"],
        "svd_solver": [StrOptions({"auto", "full", "covariance_eigh", "randomized",
                                   "arpack"})],
        "tol": [Interval(numbers.Real, 0, None, closed="left")],
        "iterated_power": [StrOptions({"auto"}), Interval(numbers.Integral, 0, None,
                                                           closed="left")],
        "n_oversamples": [Interval(numbers.Integral, 1, None, closed="left")],
        "power_iteration_normalizer": [StrOptions({"auto", "QR", "LU", "none"})],
        "random_state": ["random_state"],
    }
    _capabilities = Capabilities(
        host="svd_solver='randomized' on Dask input and 'arpack' on any but NumPy (the data "
             "is moved to the host)",
        test_params={"n_components": 2},
        sparse="svd_solver in {'auto', 'arpack', 'covariance_eigh'}",
        sparse_params={"svd_solver": "arpack"})
    _n: int  # partial_fit's running row count, mean and centred scatter matrix
    _mean: Array
    _scatter: Array

    def __init__(self, n_components: int | float | Literal["mle"] | None = None, *,
                 copy: bool = True, whiten: bool = False,
                 svd_solver: Literal["auto", "full", "covariance_eigh", "randomized",
                                     "arpack"] = "auto",
                 tol: float = 0.0, iterated_power: int | Literal["auto"] = "auto",
                 n_oversamples: int = 10,
                 power_iteration_normalizer: Literal["auto", "QR", "LU", "none"] = "auto",
                 random_state: RandomState = None) -> None:
        self.n_components = n_components
        self.copy = copy
        self.whiten = whiten
        self.svd_solver = svd_solver
        self.tol = tol
        self.iterated_power = iterated_power
        self.n_oversamples = n_oversamples
        self.power_iteration_normalizer = power_iteration_normalizer
        self.random_state = random_state

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        tags.input_tags.sparse = self.svd_solver in _SPARSE_SOLVERS
        return tags

    def _check_sparse_solver(self, X):
        if is_sparse(X) and self.svd_solver not in _SPARSE_SOLVERS:
            raise TypeError(
                'PCA only support sparse inputs with the "arpack" and "covariance_eigh" '
                f'solvers, while "{self.svd_solver}" was passed. See TruncatedSVD for a '
                "possible alternative.")

    # --- fitting -----------------------------------------------------------------------------

    def _solver_for(self, n, d, n_components, sparse=False):
        """The solver 'auto' stands for (timings in benchmarks/bench_pca_lda.py); ARPACK for
        sparse X (as scikit-learn)."""
        if self.svd_solver != "auto":
            return self.svd_solver
        if sparse:
            return "arpack"
        few = isinstance(n_components, numbers.Integral) and 1 <= n_components < 0.8 * min(n, d)
        if n >= d and d <= 4000:
            # flops per entry of X: XᵀX (syrk) ~ d, eigh ~ 4d³/(nd); the randomized range
            # finder 2(k + p)(2q + 2); the measured times are in benchmarks/RESULTS.md (PCA)
            if few:
                k = n_components + self.n_oversamples
                q = self.iterated_power
                q = (7 if n_components < 0.1 * min(n, d) else 4) if q == "auto" else q
                if 2 * k * (2 * q + 2) < d + 4 * d * d / n:
                    return "randomized"
            return "covariance_eigh"
        if max(n, d) <= 500 or n_components == "mle":
            return "full"
        if few:
            return "randomized"
        return "full"

    def _check_n_components(self, n_components, n, d, solver):
        k_max = min(n, d)
        if solver in ("randomized", "arpack"):
            if isinstance(n_components, str):
                raise ValueError(f"n_components={n_components!r} cannot be a string with "
                                 f"svd_solver='{solver}'")
            if not 1 <= n_components <= k_max:
                raise ValueError(f"n_components={n_components!r} must be between 1 and "
                                 f"min(n_samples, n_features)={k_max!r} with "
                                 f"svd_solver='{solver}'")
            if solver == "arpack" and n_components == k_max:
                raise ValueError(f"n_components={n_components!r} must be strictly less than "
                                 f"min(n_samples, n_features)={k_max!r} with "
                                 f"svd_solver='{solver}'")
        elif n_components == "mle":
            if n < d:
                raise ValueError("n_components='mle' is only supported if n_samples >= "
                                 "n_features")
        elif not 0 <= n_components <= k_max:
            raise ValueError(f"n_components={n_components} must be between 0 and "
                             f"min(n_samples, n_features)={k_max} with svd_solver={solver!r}")

    def fit(self: _PCAT, X: ArrayLike, y: Any = None) -> _PCAT:
        """Fit the principal axes to ``X``."""
        validate_params(self)
        self._check_sparse_solver(X)
        self._reset()
        X = validate_data(self, X, accept_sparse=_SPARSE)
        self._fit(X)
        return self

    def fit_transform(self, X: ArrayLike, y: Any = None) -> Array:
        """Fit to ``X`` and return its projection."""
        return self.fit(X).transform(X)

    def _reset(self):
        for attr in ("_n", "_mean", "_scatter", "n_samples_"):
            if hasattr(self, attr):
                delattr(self, attr)

    def _fit(self, X):
        xp, device = namespace_and_device(X)
        n, d = X.shape
        n_components = self.n_components
        arpack = self.svd_solver == "arpack" or (self.svd_solver == "auto" and is_sparse(X))
        if n_components is None:  # ARPACK cannot give all: one fewer, as scikit-learn
            n_components = min(n, d) - arpack
        solver = self._solver_for(n, d, n_components, is_sparse(X))
        self._check_n_components(n_components, n, d, solver)
        self._fit_svd_solver = solver
        if solver in ("randomized", "arpack"):
            self._fit_truncated(X, n_components, solver)
            return
        if solver == "covariance_eigh":
            mean, G = compute(_column_means(X, xp), gram(X, xp))
            check_finite_stats(mean)
            sxp, _ = namespace_and_device(mean)
            C = (G - n * (mean[:, None] * mean[None, :])) / (n - 1)
            ev, Vt = covariance_eigh(C, sxp)
            S = sxp.sqrt(ev * (n - 1))
        else:
            mean, S, Vt = self._full_svd(X, xp)
            sxp, _ = namespace_and_device(mean)
            ev = S**2 / (n - 1)
        Vt, _ = svd_flip(Vt, sxp)
        self._set_components(mean, ev, S, Vt, n, n_components, sxp)

    def _full_svd(self, X, xp):
        mean = xp.mean(X, axis=0)
        Xc = X - mean
        if is_lazy(X):
            # tall-skinny QR over X's own row blocks (a row rechunk to 'auto' would make
            # 128 MiB blocks: more than a small worker holds beside the QR's copies); the SVD
            # of the small R has Xc's S and Vᵀ
            R = lazy_tsqr(Xc)
            mean, R = compute(mean, R)
            check_finite_stats(mean)
            if R.shape[0] < R.shape[1]:  # fewer rows than columns in the blocks' R
                R = np.vstack([R, np.zeros((R.shape[1] - R.shape[0], R.shape[1]), R.dtype)])
            _, S, Vt = np.linalg.svd(R, full_matrices=False)
            return mean, S, Vt
        if is_numpy(xp):
            from scipy.linalg import svd

            _, S, Vt = svd(np.asarray(Xc), full_matrices=False, check_finite=False)
            return mean, S, Vt
        _, S, Vt = xp.linalg.svd(Xc, full_matrices=False)
        return mean, S, Vt

    def _fit_truncated(self, X, n_components, solver):
        """'randomized' and 'arpack': the leading ``n_components`` only."""
        if is_lazy(X):
            X = to_host(X)
        xp, device = namespace_and_device(X)
        n, d = X.shape
        rs = check_random_state(self.random_state)
        if is_sparse(X):  # centred implicitly (ARPACK only: 'randomized' refuses sparse X)
            _, mean, m2 = sparse_column_moments(X)
            total_var = float(np.sum(m2)) / (n - 1)
            S, Vt = arpack_svd(implicitly_centred(X, mean), n_components, self.tol, rs)
            self._set_truncated(mean, S.copy(), Vt.copy(), total_var, n, d, n_components, np)
            return
        mean = xp.mean(X, axis=0)
        Xc = X - mean
        if solver == "arpack":
            S, Vt = arpack_svd(np.asarray(to_host(Xc)), n_components, self.tol, rs)
            S, Vt = as_namespace(S.copy(), xp, device), as_namespace(Vt.copy(), xp, device)
        else:
            _, S, Vt = randomized_svd(Xc, n_components, self.n_oversamples,
                                      self.iterated_power, self.power_iteration_normalizer, rs,
                                      xp)
        self._set_truncated(mean, S, Vt, xp.sum(Xc * Xc) / (n - 1), n, d, n_components, xp)

    def _set_truncated(self, mean, S, Vt, total_var, n, d, n_components, xp):
        """The attributes of a truncated fit, from the leading singular triplets and the
        total variance."""
        Vt, _ = svd_flip(Vt, xp)
        self.mean_ = mean
        self.n_samples_ = n
        self.n_components_ = n_components
        self.components_ = Vt
        self.explained_variance_ = S**2 / (n - 1)
        self.explained_variance_ratio_ = self.explained_variance_ / total_var
        self.singular_values_ = S
        if n_components < min(n, d):
            noise = (total_var - xp.sum(self.explained_variance_)) / (min(n, d) - n_components)
            self.noise_variance_ = _scalar(noise, xp)
        else:
            self.noise_variance_ = 0.0

    def _set_components(self, mean, ev, S, Vt, n, n_components, xp):
        """Attributes from the full spectrum, keeping the first ``n_components``."""
        d = Vt.shape[1]
        ratio = ev / xp.sum(ev)
        if n_components == "mle":
            n_components = minka_dimension(to_host(ev), n)
        elif 0 < n_components < 1:
            cum = np.cumsum(to_host(ratio).astype(np.float64))
            n_components = int(np.searchsorted(cum, n_components, side="right")) + 1
            n_components = min(n_components, ev.shape[0])
        k = int(n_components)
        if k < min(n, d):
            self.noise_variance_ = _scalar(xp.mean(ev[k:]), xp)
        else:
            self.noise_variance_ = 0.0
        self.mean_ = mean
        self.n_samples_ = n
        self.n_components_ = k
        self.components_ = Vt[:k, :]
        self.explained_variance_ = ev[:k]
        self.explained_variance_ratio_ = ratio[:k]
        self.singular_values_ = S[:k]

    def partial_fit(self: _PCAT, X: ArrayLike, y: Any = None) -> _PCAT:
        """Add a block of rows: the mean and scatter matrix are updated exactly.

        The blocks' means and centred scatter matrices ``Σ (x - m)(x - m)ᵀ`` are merged with
        Chan, Golub & LeVeque's update ``M = M_a + M_b + n_a n_b / n · δ δᵀ``, and the
        components are the eigenvectors of ``M / (n - 1)``: the model equals
        ``svd_solver='covariance_eigh'`` on all the rows seen, in O(d²) memory.
        """
        validate_params(self)
        self._check_sparse_solver(X)
        first = not hasattr(self, "_n")
        X = validate_data(self, X, reset=first, accept_sparse=_SPARSE)
        xp, _ = namespace_and_device(X)
        n_b = X.shape[0]
        mean_b = _column_means(X, xp)
        if is_sparse(X):  # the centred scatter XᵀX − n μ μᵀ, from the sparse product
            M_b = gram(X, xp) - n_b * np.multiply.outer(mean_b, mean_b)
        else:
            mean_b, M_b = compute(mean_b, gram(X - mean_b, xp))
        check_finite_stats(mean_b)
        sxp, _ = namespace_and_device(mean_b)
        if first:
            n, mean, M = n_b, mean_b, M_b
        else:
            n = self._n + n_b
            delta = mean_b - self._mean
            mean = self._mean + delta * (n_b / n)
            M = self._scatter + M_b + (self._n * n_b / n) * (delta[:, None] * delta[None, :])
        self._n, self._mean, self._scatter = n, mean, M
        d = M.shape[0]
        k = min(n, d) if self.n_components is None else self.n_components
        self._check_n_components(k, n, d, "covariance_eigh")
        self._fit_svd_solver = "covariance_eigh"
        ev, Vt = covariance_eigh(M / max(n - 1, 1), sxp)
        Vt, _ = svd_flip(Vt, sxp)
        self._set_components(mean, ev, sxp.sqrt(ev * (n - 1)), Vt, n, k, sxp)
        return self

    # --- using the fitted model --------------------------------------------------------------

    def _fitted(self, name, X, xp, device):
        return _like(getattr(self, name), X, xp, device)

    def _whiten_scale(self, X, xp, device):
        scale = xp.sqrt(self._fitted("explained_variance_", X, xp, device))
        tiny = float(np.finfo(host_float_dtype(X.dtype)).eps)
        return xp.where(scale < tiny, tiny, scale)

    def transform(self, X: ArrayLike) -> Array:
        """Project ``X`` on the components: ``(X - mean_) @ components_.T``."""
        check_is_fitted(self, "components_")
        X = validate_data(self, X, reset=False, accept_sparse=_SPARSE)
        xp, device = namespace_and_device(X)
        W = self._fitted("components_", X, xp, device)
        mu = self._fitted("mean_", X, xp, device)
        Z = X @ W.T - (mu[None, :] @ W.T)
        if self.whiten:
            Z = Z / self._whiten_scale(X, xp, device)
        return Z

    def inverse_transform(self, X: ArrayLike) -> Array:
        """Map projections back to the data space: ``Z @ components_ + mean_``."""
        check_is_fitted(self, "components_")
        Z: Array = X if is_array_api_obj(X) else np.asarray(X)  # lists, DataFrames
        xp, device = namespace_and_device(Z)
        if Z.dtype not in (xp.float32, xp.float64):
            Z = Z.astype(np.float64) if is_lazy(Z) else xp.astype(Z, xp.float64)
        W = self._fitted("components_", Z, xp, device)
        if self.whiten:
            W = xp.sqrt(self._fitted("explained_variance_", Z, xp, device))[:, None] * W
        return Z @ W + self._fitted("mean_", Z, xp, device)

    def _noise_and_parts(self):
        xp, _ = namespace_and_device(self.components_)
        W = self.components_
        ev = self.explained_variance_
        if self.whiten:
            W = W * xp.sqrt(ev[:, None])
        noise = self.noise_variance_
        diff = xp.where(ev > noise, ev - noise, xp.zeros_like(ev))
        return xp, W, diff, noise

    def get_covariance(self) -> Array:
        """The model's data covariance ``Wᵀ diag(λ - σ²) W + σ² I`` (probabilistic PCA)."""
        check_is_fitted(self, "components_")
        xp, W, diff, noise = self._noise_and_parts()
        d = W.shape[1]
        cov = (W.T * diff[None, :]) @ W
        return cov + noise * xp.eye(d, dtype=W.dtype, device=_device(W))

    def get_precision(self) -> Array:
        """The inverse of ``get_covariance()``, by the Woodbury identity when σ² > 0."""
        check_is_fitted(self, "components_")
        xp, W, diff, noise = self._noise_and_parts()
        d = W.shape[1]
        eye_d = xp.eye(d, dtype=W.dtype, device=_device(W))
        if self.n_components_ == 0:
            return eye_d / noise
        if float(to_host(xp.asarray(noise))) == 0.0:
            return xp.linalg.inv(self.get_covariance())
        # (σ²I + Wᵀ D W)⁻¹ = I/σ² - Wᵀ (D⁻¹ + W Wᵀ/σ²)⁻¹ W / σ⁴, over the components with
        # λ > σ² (the others add nothing to the covariance)
        keep = np.flatnonzero(to_host(diff) > 0)
        if keep.size == 0:
            return eye_d / noise
        if keep.size < W.shape[0]:
            idx = as_namespace(keep, xp, _device(W))
            W, diff = xp.take(W, idx, axis=0), xp.take(diff, idx)
        k = W.shape[0]
        inner = ((W @ W.T) / noise
                 + xp.eye(k, dtype=W.dtype, device=_device(W)) * (1.0 / diff)[None, :])
        return eye_d / noise - (W.T @ xp.linalg.solve(inner, W)) / noise**2

    def score_samples(self, X: ArrayLike) -> Array:
        """Log-likelihood of each sample under the probabilistic PCA model."""
        check_is_fitted(self, "components_")
        X = validate_data(self, X, reset=False)
        xp, device = namespace_and_device(X)
        P = self.get_precision()
        pxp, _ = namespace_and_device(P)
        _, logdet = pxp.linalg.slogdet(P)
        Xr = X - self._fitted("mean_", X, xp, device)
        d = X.shape[1]
        const = 0.5 * (d * math.log(2.0 * math.pi) - float(to_host(logdet)))
        return -0.5 * xp.sum(Xr * (Xr @ _like(P, X, xp, device)), axis=1) - const

    def score(self, X: ArrayLike, y: Any = None) -> float:
        """Mean log-likelihood of the samples under the probabilistic PCA model."""
        s = self.score_samples(X)
        xp, _ = namespace_and_device(s)
        return float(to_host(xp.mean(s)))

    @property
    def _n_features_out(self):
        return self.components_.shape[0]


_SPARSE = ("csr", "csc")
_SPARSE_SOLVERS = ("auto", "arpack", "covariance_eigh")


def _column_means(X, xp):
    if is_sparse(X):
        return np.asarray(X.sum(axis=0), dtype=np.float64).ravel() / X.shape[0]
    return xp.mean(X, axis=0)


def _like(a, X, xp, device):
    """A fitted array in the namespace, device and dtype of the data ``X`` it is applied to."""
    a = as_namespace(a, xp, device)
    return a.astype(X.dtype, copy=False) if isinstance(a, np.ndarray) else xp.astype(a, X.dtype)
