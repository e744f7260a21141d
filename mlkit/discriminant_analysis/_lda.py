"""The LinearDiscriminantAnalysis estimator: its row-block statistics and its three solvers."""

from __future__ import annotations

import math
import numbers
import warnings
from typing import Any, Literal, TypeVar

import numpy as np
from sklearn.base import (
    BaseEstimator,
    ClassifierMixin,
    ClassNamePrefixFeaturesOutMixin,
    TransformerMixin,
)

from .._array import (
    as_namespace,
    compute,
    device,
    float_dtype,
    host_float_dtype,
    is_lazy,
    is_numpy,
    logsumexp,
    namespace_and_device,
    one_hot,
    to_host,
)
from .._discovery import Capabilities
from .._moments import lazy_class_scatter
from .._typing import Array, ArrayLike
from .._validation import (
    Interval,
    StrOptions,
    check_finite_stats,
    check_is_fitted,
    decode_labels,
    encode_labels,
    validate_data,
    validate_params,
)
from ..decomposition import svd_flip
from ._covariance import generalized_eigh, ledoit_wolf_shrinkage, lstsq, shrunk_covariance

# ---------------------------------------------------------------------------------------------
# LinearDiscriminantAnalysis
# ---------------------------------------------------------------------------------------------


_LDAT = TypeVar("_LDAT", bound="LinearDiscriminantAnalysis")


class LinearDiscriminantAnalysis(ClassNamePrefixFeaturesOutMixin, ClassifierMixin,
                                 TransformerMixin, BaseEstimator):
    """Linear discriminant analysis: a classifier and a supervised projection (Fisher's LDA).

    Each class is a Gaussian ``N(μ_k, Σ)`` with a shared covariance; the posterior's log-odds
    are linear in x. ``transform`` projects onto the directions that best separate the class
    means relative to the within-class spread.

    Parameters
    ----------
    solver : {'svd', 'eigen', 'lsqr'}, default='svd'
        'svd' needs no covariance inverse (works for collinear features) and supports
        ``transform``; 'eigen' solves the generalized eigenproblem; 'lsqr' only classifies.
        'eigen' and 'lsqr' support shrinkage.
    shrinkage : 'auto', float in [0, 1] or None, default=None
        Shrinkage of the class covariances towards a multiple of the identity; 'auto' uses
        the Ledoit-Wolf estimate of each class's standardized data. 'lsqr' and 'eigen' only:
        the 'svd' solver works on the SVD of the centred data, not on the covariance matrix
        (scikit-learn's NotImplementedError).
    priors : array-like of shape (n_classes,), default=None
        Class prior probabilities (by default the class frequencies).
    n_components : int, default=None
        Dimensions kept by ``transform``, at most ``min(n_classes - 1, n_features)``.
    store_covariance : bool, default=False
        Also compute ``covariance_`` with the 'svd' solver (the other solvers always do).
    tol : float, default=1e-4
        Singular values below it (relative, for the class means) count as zero in 'svd'.
    covariance_estimator : estimator with a ``covariance_`` attribute, default=None
        A scikit-learn covariance estimator used per class instead of the empirical one
        ('eigen' and 'lsqr' only; run on the host).

    Attributes
    ----------
    coef_ : array of shape (n_features,) or (n_classes, n_features)
        Weights of the linear decision function (one row for two classes).
    intercept_ : array of shape (n_classes,)
        Intercepts of the decision function (one entry for two classes).
    covariance_ : array of shape (n_features, n_features)
        The shared (prior-weighted) within-class covariance.
    explained_variance_ratio_ : array of shape (n_components,)
        Share of the between-class variance along each discriminant direction ('svd' and
        'eigen' solvers).
    means_ : array of shape (n_classes, n_features)
        Class means.
    priors_ : array of shape (n_classes,)
        Class priors (they sum to 1).
    scalings_ : array of shape (rank, n_classes - 1) or (n_features, n_features)
        Discriminant directions in feature space, as columns ('svd' and 'eigen'); each
        column's largest-magnitude entry is positive.
    xbar_ : array of shape (n_features,)
        Prior-weighted mean of the class means ('svd' solver).
    classes_ : array of shape (n_classes,)
        Class labels, sorted.
    n_features_in_ : int
        Number of columns seen in ``fit``.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names, when ``X`` was a DataFrame with string column names.

    Notes
    -----
    float32 data are fitted in float64 (the attributes are returned in float32, as
    scikit-learn's): in float32 the scatter loses small within-class directions.

    The discriminant of class k is ``δ_k(x) = xᵀΣ⁻¹μ_k - ½ μ_kᵀΣ⁻¹μ_k + log π_k`` (ESL eq.
    4.10). The within-class covariance is ``Σ = Σ_k π_k C_k`` with ``C_k`` the ddof=0 covariance
    of class k. Its sums reduce over row blocks: on Dask the one-hot sums ``YᵀX`` and the
    scatter ``X_cᵀX_c`` run in Dask in one ``compute``, the small eigenproblems on the host;
    ``predict`` and ``transform`` stay lazy. Directions are only defined up to sign; mlkit
    makes each column of ``scalings_`` have a positive largest entry (scikit-learn keeps
    whatever sign LAPACK returns), so ``scalings_`` and ``transform`` agree with
    scikit-learn's up to the sign of each column.

    References
    ----------
    Fisher (1936), "The use of multiple measurements in taxonomic problems", Annals of
    Eugenics 7(2). Hastie, Tibshirani & Friedman, *The Elements of Statistical Learning*,
    2nd ed., §4.3. Ledoit & Wolf (2004), "A well-conditioned estimator for large-dimensional
    covariance matrices", J. Multivariate Analysis 88(2).

    Examples
    --------
    >>> import numpy as np
    >>> from mlkit.discriminant_analysis import LinearDiscriminantAnalysis
    >>> X = np.array([[-1.0, -1.0], [-2.0, -1.0], [-3.0, -2.0], [1.0, 1.0], [2.0, 1.0],
    ...               [3.0, 2.0]])
    >>> y = np.array([1, 1, 1, 2, 2, 2])
    >>> LinearDiscriminantAnalysis().fit(X, y).predict([[-0.8, -1.0]])
    array([1])
    """

    _parameter_constraints = {
        "solver": [StrOptions({"svd", "lsqr", "eigen"})],
        "shrinkage": [StrOptions({"auto"}), Interval(numbers.Real, 0, 1, closed="both"), None],
        "n_components": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "priors": ["array-like", None],
        "store_covariance": ["boolean"],
        "tol": [Interval(numbers.Real, 0, None, closed="left")],
        "covariance_estimator": [object, None],
    }
    _capabilities = Capabilities(
        host="a user covariance_estimator (a scikit-learn estimator, fitted per class)",
        test_params={"store_covariance": True})
    coef_: Array
    intercept_: Array

    def __init__(self, solver: Literal["svd", "lsqr", "eigen"] = "svd",
                 shrinkage: float | Literal["auto"] | None = None,
                 priors: ArrayLike | None = None, n_components: int | None = None,
                 store_covariance: bool = False, tol: float = 1e-4,
                 covariance_estimator: Any = None) -> None:
        self.solver = solver
        self.shrinkage = shrinkage
        self.priors = priors
        self.n_components = n_components
        self.store_covariance = store_covariance
        self.tol = tol
        self.covariance_estimator = covariance_estimator

    # --- fitting -----------------------------------------------------------------------------

    def _check_solver_options(self):
        if self.solver == "svd":
            if self.shrinkage is not None:
                raise NotImplementedError(
                    "shrinkage not supported with 'svd' solver. The 'svd' solver works on the "
                    "SVD of the centred data, not on the covariance matrix that shrinkage "
                    "regularizes: use solver='lsqr' or 'eigen' with shrinkage.")
            if self.covariance_estimator is not None:
                raise ValueError(
                    "covariance estimator is not supported with svd solver. Try another "
                    "solver: the 'svd' solver works on the SVD of the centred data, not on a "
                    "covariance matrix; use solver='lsqr' or 'eigen'.")
        elif self.covariance_estimator is not None and self.shrinkage is not None:
            raise ValueError("covariance_estimator and shrinkage parameters are not None. "
                             "Only one of the two can be set.")

    def _priors(self, counts, xp):
        n = xp.sum(counts)
        if self.priors is None:
            return counts / n
        p = np.asarray(to_host(self.priors) if hasattr(self.priors, "shape") else self.priors,
                       dtype=np.float64)
        if p.ndim != 1 or p.shape[0] != counts.shape[0]:
            raise ValueError(f"priors must have one entry per class ({counts.shape[0]}); got "
                             f"shape {p.shape}.")
        if np.any(p < 0):
            raise ValueError("priors must be non-negative")
        if abs(p.sum() - 1.0) > 1e-5:
            warnings.warn("The priors do not sum to 1. Renormalizing", UserWarning)
            p = p / p.sum()
        return xp.astype(as_namespace(p, xp, device(counts)), counts.dtype)

    def fit(self: _LDAT, X: ArrayLike, y: ArrayLike) -> _LDAT:
        """Fit the class means, the shared covariance and the discriminant directions."""
        validate_params(self)
        self._check_solver_options()
        X, y = validate_data(self, X, y, classification=True, ensure_min_samples=2)
        xp, device = namespace_and_device(X)
        # float32 data are fitted in float64 (where the device has it): in float32 the scatter
        # loses the small within-class directions and the solves cancel far from the origin
        in_dtype, work = X.dtype, float_dtype(xp, device)
        if in_dtype != work:
            X = xp.astype(X, work)
        classes, y_idx = encode_labels(y, xp, device)
        n, d = X.shape
        K = classes.shape[0]
        if n == K:
            raise ValueError("The number of samples must be more than the number of classes.")
        max_components = min(K - 1, d)
        if self.n_components is not None and self.n_components > max_components:
            raise ValueError("n_components cannot be larger than min(n_features, "
                             "n_classes - 1).")
        self._max_components = max_components if self.n_components is None else \
            self.n_components
        self.classes_ = classes

        stats = self._class_statistics(X, y_idx, K, xp)
        counts, means, Sw = stats[:3]
        check_finite_stats(means, Sw)
        sxp, _ = namespace_and_device(means)
        self.priors_ = self._priors(counts, sxp)
        self.means_ = means
        if self.solver == "svd":
            self._solve_svd(counts, means, Sw, n, sxp)
            if self.store_covariance:
                self.covariance_ = (Sw / n if self.priors is None
                                    else self._weighted_scatter(X, y_idx, counts, sxp))
        else:
            Sigma = self._within_covariance(X, y_idx, counts, Sw, stats, sxp)
            self.covariance_ = Sigma
            if self.solver == "lsqr":
                self._solve_lsqr(means, Sigma, sxp)
            else:
                self._solve_eigen(X, stats, Sigma, n, sxp)
        if K == 2:
            self.coef_ = self.coef_[1:, :] - self.coef_[:1, :]
            self.intercept_ = self.intercept_[1:] - self.intercept_[:1]
        if in_dtype != work:  # fitted attributes in the input's precision, as scikit-learn
            for name in ("priors_", "means_", "covariance_", "xbar_", "scalings_",
                         "explained_variance_ratio_", "coef_", "intercept_"):
                if hasattr(self, name):
                    a = getattr(self, name)
                    setattr(self, name, namespace_and_device(a)[0].astype(a, in_dtype))
        return self

    def _class_statistics(self, X, y_idx, K, xp):
        """Counts, means and within-class scatter from one Gram matrix.

        With ``Z = [X - x̄, Y]`` (the centred data beside the one-hot class matrix), the one
        product ``ZᵀZ`` (a BLAS ``syrk`` on NumPy; on Dask each row block's co-moments, merged
        in one pass, ``_moments.lazy_class_scatter``) holds
        ``XcᵀXc`` and the class sums ``YᵀXc``; the within-class scatter is then
        ``XcᵀXc - Σ_k n_k m_k m_kᵀ`` with ``m_k`` the class means of the centred data.
        Centring first keeps the cancellation to the scale of the class-mean spread.
        """
        d = X.shape[1]
        extra = []
        if is_lazy(X):  # one pass: each row block's co-moments, merged (Chan et al.)
            counts, xbar, G = lazy_class_scatter(X, y_idx, K)
        else:
            Y = one_hot(y_idx, K, dtype=X.dtype, xp=xp)
            xbar = xp.mean(X, axis=0)
            counts = xp.sum(Y, axis=0)
            G = _gram_beside(X, xbar, Y, xp)
        if self.solver == "eigen" and self.shrinkage == "auto":
            # Ledoit-Wolf's fourth moments about the global mean: a second pass on Dask
            Xg = X - xbar
            extra = [(Xg * Xg).T @ (Xg * Xg)]
        counts, xbar, G, *extra = compute(counts, xbar, G, *extra)
        sxp, _ = namespace_and_device(G)
        sums = G[d:, :d]  # class sums of the centred data
        m = sums / counts[:, None]
        Sw = G[:d, :d] - (m.T * counts[None, :]) @ m
        Sw = (Sw + Sw.T) / 2
        means = m + xbar[None, :]
        if extra:
            extra = [G[:d, :d], extra[0]]
        return (counts, means, Sw, *extra)

    def _within_covariance(self, X, y_idx, counts, Sw, stats, xp):
        """``Σ_k π_k C_k``, each class's covariance shrunk as asked."""
        if self.shrinkage == "auto" or self.covariance_estimator is not None:
            return self._per_class_covariance(X, y_idx, counts, xp)
        if self.priors is None:
            Sigma = Sw / xp.sum(counts)
        else:
            Sigma = self._weighted_scatter(X, y_idx, counts, xp)
        if self.shrinkage is not None:
            Sigma = shrunk_covariance(Sigma, float(self.shrinkage), xp)
        return Sigma

    def _weighted_scatter(self, X, y_idx, counts, xp_small):
        """``Σ_k π_k / n_k · X_kcᵀ X_kc`` (priors other than the class frequencies)."""
        xp, _ = namespace_and_device(X)
        K = counts.shape[0]
        Y = one_hot(y_idx, K, dtype=X.dtype, xp=xp)
        if is_lazy(X):
            Y = Y.rechunk((X.chunks[0], K))
        means = as_namespace(self.means_, xp, _dev_x(X))
        w = as_namespace(xp_small.sqrt(self.priors_ / counts), xp, _dev_x(X))
        Xw = (X - Y @ means) * (Y @ w)[:, None]
        (S,) = compute(Xw.T @ Xw)
        return S

    def _per_class_covariance(self, X, y_idx, counts, xp_small):
        """Each class's own (Ledoit-Wolf or user-estimated) covariance, weighted by its prior.

        A bounded loop over classes; each step is one masked product over all the rows.
        """
        xp, _ = namespace_and_device(X)
        K = counts.shape[0]
        out = None
        if self.covariance_estimator is not None:
            Xh, yh = to_host(X), to_host(y_idx)
            from sklearn.base import clone

            parts = [clone(self.covariance_estimator).fit(Xh[yh == k]).covariance_
                     for k in range(K)]
            covs = [as_namespace(np.asarray(c, dtype=Xh.dtype), xp_small, device(counts))
                    for c in parts]
        else:
            Y = one_hot(y_idx, K, dtype=X.dtype, xp=xp)
            if is_lazy(X):
                Y = Y.rechunk((X.chunks[0], K))
            means = as_namespace(self.means_, xp, _dev_x(X))
            lazy = []
            for k in range(K):
                m = Y[:, k:k + 1]
                Xk = (X - means[k:k + 1, :]) * m
                lazy += [Xk.T @ Xk, (Xk * Xk).T @ (Xk * Xk)]
            grams = compute(*lazy)
            covs = [self._ledoit_wolf(grams[2 * k], grams[2 * k + 1], counts[k],
                                      self.means_[k, :], xp_small) for k in range(K)]
        for k in range(K):
            term = self.priors_[k] * covs[k]
            out = term if out is None else out + term
        return out

    @staticmethod
    def _ledoit_wolf(gram2, gram4, n_k, mean, xp):
        """Ledoit-Wolf covariance of standardized data, scaled back to the data's units.

        A column whose variance is within rounding error of zero (relative to its mean, the
        rule of scikit-learn's StandardScaler) keeps a scale of 1.
        """
        var = xp.linalg.diagonal(gram2) / n_k
        eps = float(np.finfo(host_float_dtype(var.dtype)).eps)
        constant = var <= (n_k * eps * mean) ** 2
        std = xp.where(constant, xp.ones_like(var), xp.sqrt(var))
        g2 = gram2 / (std[:, None] * std[None, :])
        s2 = std * std
        g4 = gram4 / (s2[:, None] * s2[None, :])
        alpha = ledoit_wolf_shrinkage(g2, g4, n_k, xp)
        C = shrunk_covariance(g2 / n_k, alpha, xp)
        return std[:, None] * C * std[None, :]

    def _solve_svd(self, counts, means, Sw, n, xp):
        K, d = means.shape
        p = self.priors_
        self.xbar_ = p @ means
        # 1) the within-class scatter, scaled to unit variances: its eigenvalues are the
        #    squared singular values of the scaled, class-centred data
        std = xp.sqrt(xp.linalg.diagonal(Sw) / n)
        noise = math.sqrt(n) * float(np.finfo(host_float_dtype(Sw.dtype)).eps)
        std = xp.where(std <= noise * xp.max(xp.abs(means), axis=0), xp.ones_like(std), std)
        W = Sw / n / (std[:, None] * std[None, :])
        lam, V = xp.linalg.eigh((W + W.T) / 2)
        lam, V = xp.flip(lam, axis=0), xp.flip(V, axis=1)
        S = xp.sqrt(xp.where(lam > 0, lam, xp.zeros_like(lam)))
        rank = int(xp.sum(xp.astype(S > self.tol, xp.int64)))
        if rank == 0:
            raise ValueError("LinearDiscriminantAnalysis(solver='svd'): the within-class data "
                             "have no variance above tol (every feature is constant within "
                             "the classes).")
        scalings = (V[:, :rank] / std[:, None]) / S[None, :rank]
        # 2) the class means, whitened and weighted: their SVD spans the discriminant space
        fac_b = 1.0 if K == 1 else 1.0 / (K - 1)
        B = (xp.sqrt(n * p * fac_b)[:, None] * (means - self.xbar_[None, :])) @ scalings
        _, Sb, Vbt = xp.linalg.svd(B, full_matrices=False)
        ratio = Sb**2 / xp.sum(Sb**2)
        self.explained_variance_ratio_ = ratio[: self._max_components]
        rank_b = int(xp.sum(xp.astype(Sb > self.tol * Sb[0], xp.int64)))
        scalings = scalings @ Vbt.T[:, :rank_b]
        self.scalings_, _ = _flip_columns(scalings, xp)
        coef = (means - self.xbar_[None, :]) @ self.scalings_
        intercept = -0.5 * xp.sum(coef**2, axis=1) + xp.log(p)
        self.coef_ = coef @ self.scalings_.T
        self.intercept_ = intercept - self.coef_ @ self.xbar_

    def _solve_lsqr(self, means, Sigma, xp):
        coef = lstsq(Sigma, means.T, xp).T
        coef = as_namespace(coef, xp, device(means))
        self.coef_ = coef
        self.intercept_ = -0.5 * xp.sum(means * coef, axis=1) + xp.log(self.priors_)

    def _solve_eigen(self, X, stats, Sigma, n, xp):
        counts, means, Sw = stats[:3]
        xbar = (counts @ means) / n
        dev = means - xbar[None, :]
        St = (Sw + (dev.T * counts[None, :]) @ dev) / n  # total covariance, ddof=0
        if self.covariance_estimator is not None:
            from sklearn.base import clone

            C = clone(self.covariance_estimator).fit(to_host(X)).covariance_
            St = as_namespace(np.asarray(C, dtype=to_host(Sw).dtype), xp, device(Sw))
        elif self.shrinkage == "auto":
            g2, g4 = stats[3], stats[4]
            St = self._ledoit_wolf(g2, g4, n, xbar, xp)
        elif self.shrinkage is not None:
            St = shrunk_covariance(St, float(self.shrinkage), xp)
        evals, evecs = generalized_eigh(St - Sigma, Sigma, xp)
        self.explained_variance_ratio_ = (evals / xp.sum(evals))[: self._max_components]
        self.scalings_, _ = _flip_columns(evecs, xp)
        self.coef_ = (means @ self.scalings_) @ self.scalings_.T
        self.intercept_ = -0.5 * xp.sum(means * self.coef_, axis=1) + xp.log(self.priors_)

    # --- prediction --------------------------------------------------------------------------

    def _fitted(self, name, X, xp, device):
        a = as_namespace(getattr(self, name), xp, device)
        return a.astype(X.dtype) if isinstance(a, np.ndarray) else xp.astype(a, X.dtype)

    def _scores(self, X):
        check_is_fitted(self, "coef_")
        X = validate_data(self, X, reset=False)
        xp, device = namespace_and_device(X)
        W = self._fitted("coef_", X, xp, device)
        b = self._fitted("intercept_", X, xp, device)
        return X @ W.T + b[None, :], xp, device

    def decision_function(self, X: ArrayLike) -> Array:
        """``δ_k(x)`` for each class (for two classes, the log-odds of the second class)."""
        s, xp, _ = self._scores(X)
        return s[:, 0] if s.shape[1] == 1 else s

    def predict(self, X: ArrayLike) -> Array:
        """The class of largest posterior probability."""
        s, xp, device = self._scores(X)
        if s.shape[1] == 1:
            idx = xp.astype(s[:, 0] > 0, xp.int64)
        else:
            idx = xp.argmax(s, axis=1)
        return decode_labels(self.classes_, idx, xp, device)

    def _log_posterior(self, X):
        s, xp, _ = self._scores(X)
        if s.shape[1] == 1:
            zero = xp.zeros_like(s)
            return xp.concat([-xp.logaddexp(zero, s), -xp.logaddexp(zero, -s)], axis=1), xp
        return s - logsumexp(s, axis=1, keepdims=True, xp=xp), xp

    def predict_log_proba(self, X: ArrayLike) -> Array:
        """Log posterior probabilities: the log of ``predict_proba``.

        A probability that underflows to 0 gives the log of the smallest normal number, as in
        scikit-learn (so that ``predict_log_proba == log(predict_proba)`` where both are
        finite).
        """
        logp, xp = self._log_posterior(X)
        p = xp.exp(logp)
        tiny = float(np.finfo(host_float_dtype(logp.dtype)).tiny)
        return xp.log(xp.where(p == 0, tiny, p))

    def predict_proba(self, X: ArrayLike) -> Array:
        """Posterior probabilities of the classes."""
        logp, xp = self._log_posterior(X)
        return xp.exp(logp)

    def transform(self, X: ArrayLike) -> Array:
        """Project ``X`` onto the first ``n_components`` discriminant directions."""
        if self.solver == "lsqr":
            raise NotImplementedError(
                "transform not implemented for 'lsqr' solver (use 'svd' or 'eigen'). 'lsqr' "
                "solves for the classifier's coefficients only, not for the discriminant "
                "directions transform projects onto.")
        check_is_fitted(self, "scalings_")
        X = validate_data(self, X, reset=False)
        xp, device = namespace_and_device(X)
        Wt = self._fitted("scalings_", X, xp, device)
        if self.solver == "svd":
            X = X - self._fitted("xbar_", X, xp, device)[None, :]
        return (X @ Wt)[:, : self._max_components]

    @property
    def _n_features_out(self):
        return self._max_components


def _gram_beside(X, shift, Y, xp):
    """``ZᵀZ`` for ``Z = [X - shift, Y]``; on NumPy written into one buffer for ``syrk``."""
    if is_numpy(xp):
        n, d = X.shape
        Z = np.empty((n, d + Y.shape[1]), dtype=X.dtype)
        np.subtract(X, shift, out=Z[:, :d])
        Z[:, d:] = Y
        return Z.T @ Z
    Z = xp.concat([X - shift, Y], axis=1)
    return Z.T @ Z


def _flip_columns(A, xp):
    At, _ = svd_flip(A.T, xp)
    return At.T, None


def _dev_x(X):
    return None if is_lazy(X) else device(X)
