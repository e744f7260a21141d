"""Naive Bayes on discrete features: counts (multinomial), binary (Bernoulli), categories."""

from __future__ import annotations

import numbers
import warnings

import numpy as np

from .._array import (
    as_namespace,
    bincount,
    compute,
    float_dtype,
    is_lazy,
    is_sparse,
    namespace_and_device,
    one_hot,
    to_host,
    with_data,
)
from .._discovery import Capabilities
from .._typing import Array, ArrayLike
from .._validation import (
    Interval,
    check_all_finite,
    check_finite_stats,
    check_is_fitted,
    validate_data,
    validate_params,
)
from ._base import _as_data, _BaseNB, _is_host_input, _to_float, log_matmul

__all__ = ["BernoulliNB", "CategoricalNB", "MultinomialNB"]

_ALPHA_MIN = 1e-10


# ---------------------------------------------------------------------------------------------
# Discrete models: counts, smoothing, priors
# ---------------------------------------------------------------------------------------------


class _BaseDiscreteNB(_BaseNB):
    """Counts per class and feature, additive smoothing, class priors."""

    _nonnegative = False  # MultinomialNB and CategoricalNB refuse negative values
    _parameter_constraints = {
        "alpha": [Interval(numbers.Real, 0, None, closed="left"), "array-like"],
        "fit_prior": ["boolean"],
        "class_prior": ["array-like", None],
        "force_alpha": ["boolean"],
    }

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.poor_score = True  # as scikit-learn's: count models on blobs
        return tags

    def _checked_alpha(self):
        """``alpha`` as a float or per-feature array; tiny values raised unless forced."""
        alpha = self.alpha
        if not isinstance(alpha, numbers.Real):
            alpha = np.asarray(to_host(alpha), dtype=np.float64)
            if alpha.ndim != 1 or alpha.shape[0] != self.n_features_in_:
                raise ValueError(
                    "When alpha is an array, it should contain `n_features`. Got "
                    f"{alpha.size} elements instead of {self.n_features_in_}."
                )
            if np.min(alpha) < 0:
                raise ValueError("All values in alpha must be greater than 0.")
        if np.min(alpha) < _ALPHA_MIN and not self.force_alpha:
            warnings.warn(
                f"alpha too small will result in numeric errors, setting alpha = "
                f"{_ALPHA_MIN:.1e}. Use `force_alpha=True` to keep alpha unchanged.",
                UserWarning, stacklevel=4,
            )
            return np.maximum(alpha, _ALPHA_MIN)
        return alpha

    def _set_class_log_prior(self, xp, device):
        k = self.classes_.shape[0]
        if self.class_prior is not None:
            prior = np.asarray(to_host(self.class_prior), dtype=np.float64)
            if prior.ndim != 1 or prior.shape[0] != k:
                raise ValueError("Number of priors must match number of classes.")
            with np.errstate(divide="ignore"):
                self.class_log_prior_ = xp.asarray(np.log(prior), device=device)
        elif self.fit_prior:
            cc = self.class_count_
            with np.errstate(divide="ignore"):
                self.class_log_prior_ = xp.log(cc) - xp.log(xp.sum(cc))
        else:
            self.class_log_prior_ = xp.full((k,), -np.log(k), dtype=self.class_count_.dtype,
                                            device=device)

    def _prepared(self, X):
        """X as the model reads it (validated, made float)."""
        return _to_float(X)

    def _nonnegative_check(self, X):
        """Refuse negative values: at once for concrete X, on the batched minimum for Dask."""
        if is_sparse(X):  # the stored entries (the others are zeros)
            self._check_min(X.data.min() if X.nnz else None)
            return None
        xp, _ = namespace_and_device(X)
        low = xp.min(X)
        if not is_lazy(X):
            self._check_min(low)
            return None
        return low

    def _check_min(self, low):
        if low is not None and float(to_host(low)) < 0:
            raise ValueError(f"Negative values in data passed to {type(self).__name__} (input X)")

    def _validated_X(self, X, reset):
        X = self._prepared(validate_data(self, X, reset=reset,
                                         accept_sparse=self._accept_sparse))
        if self._nonnegative:
            self._nonnegative_check(X)
        return X

    def _partial_fit(self, X, y, classes, sample_weight, from_fit):
        validate_params(self)
        X, y = self._validated_Xy(X, y, from_fit)
        X = self._prepared(X)
        low = self._nonnegative_check(X) if self._nonnegative else None
        xp, _ = namespace_and_device(X)
        _, _, W, _ = self._class_matrices(X, y, classes, sample_weight, from_fit)
        # the counts Yᵀ X of each class; for scipy.sparse X the product (Xᵀ Y)ᵀ over the stored
        # entries (k x d, dense)
        counts = (X.T @ W).T if is_sparse(X) else W.T @ X
        cc, fc, low = compute(xp.sum(W, axis=0), counts, low)
        self._check_min(low)
        check_finite_stats(fc)
        sxp, sdev = namespace_and_device(cc)
        if hasattr(self, "class_count_") and not from_fit:
            cc, fc = self.class_count_ + cc, self.feature_count_ + fc
        self.class_count_, self.feature_count_ = cc, fc
        alpha = self._checked_alpha()
        with np.errstate(divide="ignore"):  # alpha = 0 and a zero count: log 0 = -inf
            self.feature_log_prob_ = self._feature_log_prob(alpha, sxp, sdev)
        self._set_class_log_prior(sxp, sdev)
        return self

    def _state_names(self):
        return ("classes_", "class_count_", "feature_count_", "feature_log_prob_",
                "class_log_prior_")


class MultinomialNB(_BaseDiscreteNB):
    """Multinomial naive Bayes for counts (word counts, event frequencies).

    Parameters
    ----------
    alpha : float or array-like of shape (n_features,), default=1.0
        Additive (Laplace / Lidstone) smoothing; 0 for none.
    force_alpha : bool, default=True
        Keep ``alpha`` as given; if False, values below 1e-10 are raised to 1e-10.
    fit_prior : bool, default=True
        Learn the class priors; if False, use a uniform prior.
    class_prior : array-like of shape (n_classes,), default=None
        Fixed class priors.

    Attributes
    ----------
    class_count_ : array of shape (n_classes,)
        Number (total weight) of training rows of each class.
    class_log_prior_ : array of shape (n_classes,)
        Log probability of each class.
    classes_ : ndarray of shape (n_classes,)
        Class labels, sorted.
    feature_count_ : array of shape (n_classes, n_features)
        Summed count of each feature per class.
    feature_log_prob_ : array of shape (n_classes, n_features)
        ``log P(feature j | c)``, smoothed.
    n_features_in_ : int
        Number of features seen in ``fit``.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names, when ``X`` was a DataFrame with string column names.

    Notes
    -----
    ``P(j | c) = (N_cj + alpha) / (N_c + alpha * n_features)`` and
    ``log P(x | c) = sum_j x_j log P(j | c)`` (the multinomial coefficient is the same for every
    class and is left out): prediction is one matrix product. Negative values are refused.
    With ``alpha=0`` a feature never seen in a class has ``log P(j | c) = -inf``: a row where
    it occurs gets ``-inf`` for that class, a row where it does not is unaffected (``0 * -inf``
    is taken as 0, where a plain product -- and scikit-learn -- gives NaN).

    References
    ----------
    Manning, Raghavan & Schuetze (2008), *Introduction to Information Retrieval*, ch. 13.

    Examples
    --------
    >>> from mlkit.naive_bayes import MultinomialNB
    >>> X = [[3, 0, 1], [2, 1, 0], [0, 3, 2], [1, 2, 3]]
    >>> MultinomialNB().fit(X, ["a", "a", "b", "b"]).predict([[4, 0, 0]])
    array(['a'], dtype='<U1')
    """

    _capabilities = Capabilities(data="counts", sparse=True)
    _nonnegative = True

    def __init__(self, *, alpha: float | ArrayLike = 1.0, force_alpha: bool = True,
                 fit_prior: bool = True, class_prior: ArrayLike | None = None) -> None:
        self.alpha = alpha
        self.force_alpha = force_alpha
        self.fit_prior = fit_prior
        self.class_prior = class_prior

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.positive_only = True
        return tags

    def _feature_log_prob(self, alpha, xp, device):
        smoothed = self.feature_count_ + as_namespace(alpha, xp, device)
        return xp.log(smoothed) - xp.log(xp.sum(smoothed, axis=1, keepdims=True))

    def _joint_log_likelihood(self, X):
        xp, _ = namespace_and_device(X)
        flp = _as_data(self.feature_log_prob_, X)
        return log_matmul(X, flp, xp) + _as_data(self.class_log_prior_, X)

    def predict_joint_log_proba(self, X: ArrayLike) -> Array:
        """``log P(c) + log P(x | c)`` for every row and class: shape (n_samples, n_classes).

        On NumPy input X is read twice, not three times: its minimum finds NaN, −inf and
        negative counts, and +inf shows in the product's result, whose few values are checked
        (the full check, with its error, runs only when one is not finite).
        """
        if not _is_host_input(X) or is_sparse(X):
            return super().predict_joint_log_proba(X)
        check_is_fitted(self, "classes_")
        X = self._prepared(validate_data(self, X, reset=False, check_finite=False,
                                         accept_sparse=self._accept_sparse))
        if is_sparse(X):  # a sparse matrix given as a DataFrame of sparse columns
            return super().predict_joint_log_proba(X)
        low = np.min(X)
        if not low >= 0:  # NaN compares false
            check_all_finite(X)
            self._check_min(low)
        jll = self._joint_log_likelihood(X)
        if not np.all(np.isfinite(jll)):  # +inf in X, or -inf log-probabilities (alpha=0)
            check_all_finite(X)
        return jll


class BernoulliNB(_BaseDiscreteNB):
    """Bernoulli naive Bayes for binary features (word present or absent).

    Parameters
    ----------
    alpha : float or array-like of shape (n_features,), default=1.0
        Additive (Laplace / Lidstone) smoothing; 0 for none.
    force_alpha : bool, default=True
        Keep ``alpha`` as given; if False, values below 1e-10 are raised to 1e-10.
    binarize : float or None, default=0.0
        Threshold: a feature is 1 where it is above it. None: X is binary already.
    fit_prior : bool, default=True
        Learn the class priors; if False, use a uniform prior.
    class_prior : array-like of shape (n_classes,), default=None
        Fixed class priors.

    Attributes
    ----------
    class_count_ : array of shape (n_classes,)
        Number (total weight) of training rows of each class.
    class_log_prior_ : array of shape (n_classes,)
        Log probability of each class.
    classes_ : ndarray of shape (n_classes,)
        Class labels, sorted.
    feature_count_ : array of shape (n_classes, n_features)
        Number (weight) of rows of each class where feature j is 1.
    feature_log_prob_ : array of shape (n_classes, n_features)
        ``log P(x_j = 1 | c)``, smoothed.
    n_features_in_ : int
        Number of features seen in ``fit``.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names, when ``X`` was a DataFrame with string column names.

    Notes
    -----
    ``p_cj = P(x_j = 1 | c) = (N_cj + alpha) / (N_c + 2 alpha)`` and
    ``log P(x | c) = sum_j [x_j log p_cj + (1 - x_j) log(1 - p_cj)]``, an absent feature counting
    as evidence too (unlike the multinomial model). ``log(1 - p)`` is computed as
    ``log(N_c + alpha - N_cj) - log(N_c + 2 alpha)``, exact even when ``p`` is close to 1.

    References
    ----------
    Manning, Raghavan & Schuetze (2008), *Introduction to Information Retrieval*, ch. 13.

    Examples
    --------
    >>> from mlkit.naive_bayes import BernoulliNB
    >>> X = [[1, 0, 1], [1, 1, 0], [0, 1, 1], [0, 1, 0]]
    >>> BernoulliNB().fit(X, [0, 0, 1, 1]).predict([[1, 0, 0]])
    array([0])
    """

    _parameter_constraints = {
        **_BaseDiscreteNB._parameter_constraints,
        "binarize": [None, Interval(numbers.Real, None, None, closed="neither")],
    }
    _capabilities = Capabilities(data="binary", sparse=True)

    def __init__(self, *, alpha: float | ArrayLike = 1.0, force_alpha: bool = True,
                 binarize: float | None = 0.0, fit_prior: bool = True,
                 class_prior: ArrayLike | None = None) -> None:
        self.alpha = alpha
        self.force_alpha = force_alpha
        self.binarize = binarize
        self.fit_prior = fit_prior
        self.class_prior = class_prior

    def _prepared(self, X):
        if self.binarize is None:
            return _to_float(X)
        if is_sparse(X):
            # the stored entries are thresholded, the others stay 0 -- which needs a threshold
            # of at least 0 (scikit-learn's rule and message)
            if self.binarize < 0:
                raise ValueError("Cannot binarize a sparse matrix with threshold < 0")
            return with_data(X, (X.data > self.binarize).astype(np.float64))
        above = X > self.binarize  # in X's own precision, as scikit-learn: float32(0.3) > 0.3
        return _to_float(above)

    def _smoothed(self, xp, device):
        alpha = as_namespace(self._alpha_used, xp, device)
        total = self.class_count_[:, None] + 2 * alpha
        off = total - self.feature_count_ - alpha
        if not bool(xp.any(alpha > 0)):
            # alpha = 0: a feature on in every row of a class has N_c - N_cj = 0 exactly, but
            # the two sums are taken in different orders and can differ in their last bits
            # (a residue that would make log(1 - p) finite, or NaN when negative): snapped to 0
            off = xp.where(xp.abs(off) <= 1e-12 * total, 0.0, off)
        return self.feature_count_ + alpha, off, total

    def _feature_log_prob(self, alpha, xp, device):
        self._alpha_used = alpha
        on, _, total = self._smoothed(xp, device)
        return xp.log(on) - xp.log(total)

    def _joint_log_likelihood(self, X):
        xp, device = namespace_and_device(self.feature_count_)
        _, off, total = self._smoothed(xp, device)
        with np.errstate(divide="ignore"):  # alpha = 0 and a feature always on: log 0 = -inf
            log_off = xp.log(off) - xp.log(total)
        flp = self.feature_log_prob_
        if bool(xp.all(xp.isfinite(flp))) and bool(xp.all(xp.isfinite(log_off))):
            return (X @ _as_data(flp - log_off, X).T
                    + _as_data(self.class_log_prior_ + xp.sum(log_off, axis=1), X))
        # alpha = 0: a probability of 0 or 1 makes a log -inf, and the one-product form
        # would take inf - inf; each term on its own, 0 * log 0 = 0 (as MultinomialNB)
        dxp, _ = namespace_and_device(X)
        return (log_matmul(X, _as_data(flp, X), dxp)
                + log_matmul_complement(X, _as_data(log_off, X), dxp)
                + _as_data(self.class_log_prior_, X))


def log_matmul_complement(X, L, xp):
    """``log_matmul(1 - X, L)`` -- for scipy.sparse X without forming the dense ``1 - X``:
    ``(1 - X) @ M.T = 1ᵀM.T - X @ M.T`` for the finite part and for the count of ``-inf``
    terms alike."""
    if not is_sparse(X):
        return log_matmul(1.0 - X, L, xp)
    impossible = np.isinf(L)
    finite = np.where(impossible, 0.0, L)
    scores = finite.sum(axis=1)[None, :] - X @ finite.T
    if not impossible.any():
        return scores
    hits = impossible.sum(axis=1)[None, :] - X @ impossible.astype(L.dtype).T
    return np.where(hits > 0, -np.inf, scores)


# ---------------------------------------------------------------------------------------------
# CategoricalNB
# ---------------------------------------------------------------------------------------------


def category_counts(X, y_idx, sw, n_classes, n_categories, xp, dtype):
    """Per feature, the (n_classes, n_categories[j]) table of weighted category counts.

    One weighted ``bincount`` per feature of the joint index ``class * n_j + category``
    (a one-hot product where the namespace has no bincount).
    """
    tables = []
    for j, n in enumerate(int(n) for n in n_categories):
        counts = bincount(y_idx * n + X[:, j], weights=sw, minlength=n_classes * n, xp=xp)
        counts = counts.astype(dtype) if is_lazy(counts) else xp.astype(counts, dtype)
        tables.append(xp.reshape(counts[:n_classes * n], (n_classes, n)))
    return tables


def _padded(counts, n, xp, device):
    """``counts`` (k, m) with zero columns appended up to (k, n)."""
    k, m = counts.shape
    if m >= n:
        return counts
    zeros = xp.zeros((k, n - m), dtype=counts.dtype, device=device)
    return xp.concat([counts, zeros], axis=1)


class CategoricalNB(_BaseDiscreteNB):
    """Categorical naive Bayes: each feature a categorical variable, coded 0, 1, 2, ...

    Parameters
    ----------
    alpha : float, default=1.0
        Additive (Laplace / Lidstone) smoothing; 0 for none.
    force_alpha : bool, default=True
        Keep ``alpha`` as given; if False, values below 1e-10 are raised to 1e-10.
    fit_prior : bool, default=True
        Learn the class priors; if False, use a uniform prior.
    class_prior : array-like of shape (n_classes,), default=None
        Fixed class priors.
    min_categories : int or array-like of shape (n_features,), default=None
        The least number of categories per feature (for categories absent from the data).

    Attributes
    ----------
    category_count_ : list of arrays of shape (n_classes, n_categories_[j])
        Number (weight) of rows of each class in each category of feature j.
    class_count_ : array of shape (n_classes,)
        Number (total weight) of training rows of each class.
    class_log_prior_ : array of shape (n_classes,)
        Log probability of each class.
    classes_ : ndarray of shape (n_classes,)
        Class labels, sorted.
    feature_log_prob_ : list of arrays of shape (n_classes, n_categories_[j])
        ``log P(x_j = v | c)``, smoothed.
    n_categories_ : ndarray of shape (n_features,)
        Number of categories of each feature.
    n_features_in_ : int
        Number of features seen in ``fit``.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names, when ``X`` was a DataFrame with string column names.

    Notes
    -----
    ``P(x_j = v | c) = (N_cjv + alpha) / (N_c + alpha * n_j)`` with ``n_j`` the number of
    categories of feature j. Values are category codes: non-negative integers (floats are
    truncated, as in scikit-learn); negative codes are refused.

    **Categories unseen in fit.** A code at or above ``n_categories_[j]`` at prediction time
    carries no information about the class: that feature is left out of that row's
    likelihood (its factor is 1 for every class), as for a missing value. No error is raised.
    (scikit-learn raises an IndexError.) ``min_categories`` reserves codes ahead of time.

    Block-wise fitting equals one fit: ``n_categories_`` is the largest seen over all blocks
    (scikit-learn keeps the latest block's).

    Examples
    --------
    >>> from mlkit.naive_bayes import CategoricalNB
    >>> X = [[0, 1], [0, 2], [1, 0], [2, 0]]
    >>> CategoricalNB().fit(X, [0, 0, 1, 1]).predict([[0, 1], [2, 0]])
    array([0, 1])
    """

    _parameter_constraints = {
        **_BaseDiscreteNB._parameter_constraints,
        "alpha": [Interval(numbers.Real, 0, None, closed="left")],
        "min_categories": [None, "array-like",
                           Interval(numbers.Integral, 1, None, closed="left")],
    }
    _capabilities = Capabilities(data="categorical")
    _nonnegative = True

    def __init__(self, *, alpha: float = 1.0, force_alpha: bool = True, fit_prior: bool = True,
                 class_prior: ArrayLike | None = None,
                 min_categories: int | ArrayLike | None = None) -> None:
        self.alpha = alpha
        self.force_alpha = force_alpha
        self.fit_prior = fit_prior
        self.class_prior = class_prior
        self.min_categories = min_categories

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.categorical = True
        tags.input_tags.positive_only = True
        return tags

    def _state_names(self):
        return ("classes_", "class_count_", "category_count_", "feature_log_prob_",
                "class_log_prior_", "n_categories_")

    def _prepared(self, X):
        if is_lazy(X):
            return X.astype(np.int64)
        xp, _ = namespace_and_device(X)
        return xp.astype(X, xp.int64)

    def _n_categories(self, X, xp):
        """Categories per feature: the largest code + 1, at least ``min_categories``."""
        top, low = compute(xp.max(X, axis=0), xp.min(X) if is_lazy(X) else None)
        self._check_min(low)
        n = np.asarray(to_host(top), dtype=np.int64) + 1
        if hasattr(self, "n_categories_"):
            n = np.maximum(n, self.n_categories_)
        if self.min_categories is not None:
            least = np.asarray(to_host(self.min_categories))
            if not np.issubdtype(least.dtype, np.integer):
                raise ValueError(
                    f"'min_categories' should have integral type. Got {least.dtype} instead."
                )
            if least.ndim and least.shape != n.shape:
                raise ValueError(
                    f"'min_categories' should have shape ({n.shape[0]},) when an array-like "
                    f"is provided. Got {least.shape} instead."
                )
            n = np.maximum(n, least).astype(np.int64)
        return n

    def _partial_fit(self, X, y, classes, sample_weight, from_fit):
        validate_params(self)
        X, y = self._validated_Xy(X, y, from_fit)
        X = self._prepared(X)
        xp, device = namespace_and_device(X)
        self._nonnegative_check(X)  # concrete X; for Dask, checked with the maximum below
        y_idx, _, W, sw = self._class_matrices(X, y, classes, sample_weight, from_fit)
        n_categories = self._n_categories(X, xp)  # for Dask: computes the minimum and maximum
        k = self.classes_.shape[0]
        tables = category_counts(X, y_idx, sw, k, n_categories, xp, W.dtype)
        cc, *tables = compute(xp.sum(W, axis=0), *tables)
        sxp, sdev = namespace_and_device(cc)
        if hasattr(self, "class_count_") and not from_fit:
            cc = self.class_count_ + cc
            tables = [_padded(old, int(n), sxp, sdev) + _padded(new, int(n), sxp, sdev)
                      for old, new, n in zip(self.category_count_, tables, n_categories,
                                             strict=True)]
        self.class_count_, self.category_count_ = cc, list(tables)
        self.n_categories_ = n_categories
        alpha = self._checked_alpha()
        with np.errstate(divide="ignore"):
            self.feature_log_prob_ = [
                sxp.log(t + alpha) - sxp.log(sxp.sum(t + alpha, axis=1, keepdims=True))
                for t in self.category_count_
            ]
        self._set_class_log_prior(sxp, sdev)
        return self

    def _log_likelihood(self, X):
        """Sum over features of ``log P(x_j | c)`` looked up by code; unseen codes add 0.

        A ``take`` from each feature's table with one extra row of zeros, where unseen codes
        point; for lazy (Dask) rows, the one-hot product ``one_hot(X[:, j]) @ table``.
        """
        xp, device = namespace_and_device(X)
        dtype = float_dtype(xp, device)
        flp = [_as_data(f, X, dtype) for f in self.feature_log_prob_]
        total = 0
        for j, f in enumerate(flp):
            n = f.shape[1]
            if is_lazy(X):
                total = total + log_matmul(one_hot(X[:, j], n, dtype=dtype, xp=xp), f, xp)
                continue
            zeros = xp.zeros((f.shape[0], 1), dtype=dtype, device=device)
            table = xp.concat([f, zeros], axis=1).T
            codes = xp.where(X[:, j] < n, X[:, j], xp.full_like(X[:, j], n))
            total = total + xp.take(table, codes, axis=0)
        return total

    def _joint_log_likelihood(self, X):
        jll = self._log_likelihood(X)
        return jll + _as_data(self.class_log_prior_, jll)
