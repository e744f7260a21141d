"""StandardScaler: z-score and zero-mean normalization."""

from __future__ import annotations

from typing import Any, TypeVar

import numpy as np
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin

from .._array import (
    float_dtype,
    is_numpy,
    is_sparse,
    namespace_and_device,
    scale_columns,
    sparse_column_moments,
    to_host,
)
from .._discovery import Capabilities
from .._moments import column_moments, merge_moments
from .._typing import Array, ArrayLike
from .._validation import (
    check_finite_stats,
    check_is_fitted,
    check_sample_weight,
    validate_data,
    validate_params,
)
from ._base import _EPS, _SPARSE, _as, _concrete, _handle_zeros, _scaler_tags


def _check_squares_fit(count, mean, m2, xp):
    """A finite mean with an infinite sum of squares: the data are finite, their variance
    overflows float64 -- say that, not that X holds infinity."""
    overflow = np.flatnonzero(to_host((count > 0) & xp.isfinite(mean) & xp.isinf(m2)))
    if overflow.size:
        raise ValueError(f"The variance of columns {overflow.tolist()} overflows float64 "
                         "(values too large to square): rescale them first.")


def _is_constant(var, mean, n):
    """True where a variance is within rounding error of zero (scikit-learn's rule).

    The bound on the error of the two-pass variance is n·eps·var + (n·eps·mean)².
    """
    return var <= n * _EPS * var + (n * mean * _EPS) ** 2


def _counts_attribute(count, weighted):
    """n_samples_seen_: a number when every column saw as many samples, else per column."""
    host = np.asarray(count)
    if host.size and np.ptp(host) == 0:
        return float(host[0]) if weighted else int(host[0])
    return host if weighted else host.astype(np.int64)


_CANNOT_CENTER = ("Cannot center sparse matrices: pass `with_mean=False` instead. See "
                  "docstring for motivation and alternatives.")


# ---------------------------------------------------------------------------------------------
# StandardScaler
# ---------------------------------------------------------------------------------------------


_StandardScalerT = TypeVar("_StandardScalerT", bound="StandardScaler")


class StandardScaler(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Standardize columns: subtract the mean (zero-mean) and divide by the standard deviation.

    ``z = (x - mean) / std`` with the population standard deviation (ddof = 0). A column whose
    variance is zero up to rounding keeps a scale of 1.

    Parameters
    ----------
    copy : bool, default=True
        Accepted for scikit-learn compatibility; inputs are never modified.
    with_mean : bool, default=True
        Subtract the mean (zero-mean normalization).
    with_std : bool, default=True
        Divide by the standard deviation (z-score).

    Attributes
    ----------
    scale_ : array of shape (n_features,) or None
        Per-column scale (the standard deviation, 1 for constant columns); None without
        ``with_std``.
    mean_ : array of shape (n_features,) or None
        Per-column mean; None when neither ``with_mean`` nor ``with_std``.
    var_ : array of shape (n_features,) or None
        Per-column population variance; None without ``with_std``.
    n_samples_seen_ : int, float or array of shape (n_features,)
        Samples (or their total weight) seen per column, NaN excluded; a single number when all
        columns saw the same.
    n_features_in_ : int
        Number of columns seen in ``fit``.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names, when ``X`` was a DataFrame with string column names.

    Notes
    -----
    Statistics are computed in float64 (where the device has it) and merged across
    ``partial_fit`` calls with the update of Chan, Golub & LeVeque; ``transform`` keeps
    float32 input in float32.

    scipy.sparse X (CSR or CSC) is taken with ``with_mean=False``, as in scikit-learn
    (centring would fill in every zero; with ``with_mean=True`` it raises scikit-learn's
    "Cannot center sparse matrices" error). The column moments come from the stored entries,
    the unstored zeros counted in (``sparse_column_moments``), and ``transform`` scales the
    stored entries: a sparse matrix of the input's format and class comes back.

    References
    ----------
    Chan, Golub & LeVeque (1983), "Algorithms for computing the sample variance: analysis and
    recommendations", The American Statistician 37(3).

    Examples
    --------
    >>> from mlkit.preprocessing import StandardScaler
    >>> StandardScaler().fit_transform([[0.0, 1.0], [2.0, 3.0]])
    array([[-1., -1.],
           [ 1.,  1.]])
    """

    _parameter_constraints = {"copy": ["boolean"], "with_mean": ["boolean"],
                              "with_std": ["boolean"]}
    _capabilities = Capabilities(sparse="with_mean=False", sparse_params={"with_mean": False})
    _count: Array  # the running (count, mean, m2) that partial_fit merges into
    _mean: Array
    _m2: Array

    def __init__(self, *, copy: bool = True, with_mean: bool = True,
                 with_std: bool = True) -> None:
        self.copy = copy
        self.with_mean = with_mean
        self.with_std = with_std

    def __sklearn_tags__(self):
        return _scaler_tags(super().__sklearn_tags__(), sparse=not self.with_mean)

    def _reset(self):
        for attr in ("n_samples_seen_", "mean_", "var_", "scale_", "_m2"):
            if hasattr(self, attr):
                delattr(self, attr)

    def fit(self: _StandardScalerT, X: ArrayLike, y: ArrayLike | None = None,
            sample_weight: ArrayLike | None = None) -> _StandardScalerT:
        """Compute the mean and standard deviation of each column."""
        self._reset()
        return self.partial_fit(X, y, sample_weight)

    def partial_fit(self: _StandardScalerT, X: ArrayLike, y: ArrayLike | None = None,
                    sample_weight: ArrayLike | None = None) -> _StandardScalerT:
        """Update the statistics with a block of rows (the blocks may come one at a time)."""
        validate_params(self)
        first = not hasattr(self, "n_samples_seen_")
        X = validate_data(self, X, reset=first, allow_nan=True, accept_sparse=_SPARSE)
        if is_sparse(X) and self.with_mean:
            raise ValueError(_CANNOT_CENTER)
        xp, device = namespace_and_device(X)
        dtype = float_dtype(xp, device)
        sw = check_sample_weight(sample_weight, X.shape[0], xp, device, dtype)
        if is_sparse(X):
            stats = sparse_column_moments(X, sw)
        else:
            stats = _concrete(*column_moments(X, sw, xp, dtype))
        sxp, _ = namespace_and_device(stats[0])  # concrete (NumPy for Dask)
        count, mean, m2 = stats
        _check_squares_fit(count, mean, m2, sxp)
        check_finite_stats(*(sxp.where(count > 0, s, 0.0) for s in (mean, m2)))
        if not first:
            stats = merge_moments((self._count, self._mean, self._m2), stats, sxp)
        self._count, self._mean, self._m2 = stats
        self._weighted = getattr(self, "_weighted", False) or sample_weight is not None
        self._set_attributes()
        return self

    def _set_attributes(self):
        count, mean, m2 = self._count, self._mean, self._m2
        sxp, _ = namespace_and_device(count)
        self.n_samples_seen_ = _counts_attribute(to_host(count), self._weighted)
        keep_mean = self.with_mean or self.with_std
        self.mean_ = mean if keep_mean else None
        if self.with_std:
            var = m2 / sxp.where(count > 0, count, 1.0)
            self.var_ = var
            constant = _is_constant(var, mean, count)
            self.scale_ = _handle_zeros(sxp.sqrt(var), sxp, constant)
        else:
            self.var_ = None
            self.scale_ = None

    def transform(self, X: ArrayLike, copy: bool | None = None) -> Array:
        """Standardize ``X`` with the fitted statistics (NaN stays NaN)."""
        check_is_fitted(self, "n_samples_seen_")
        X = validate_data(self, X, reset=False, allow_nan=True, accept_sparse=_SPARSE)
        if is_sparse(X):
            if self.with_mean:
                raise ValueError(_CANNOT_CENTER)
            if not self.with_std:
                return X.copy()
            return scale_columns(X, self.scale_.astype(X.dtype), divide=True)
        xp, device = namespace_and_device(X)
        shift = _as(self.mean_, xp, device, X.dtype) if self.with_mean else None
        scale = _as(self.scale_, xp, device, X.dtype) if self.with_std else None
        return shift_and_scale(X, shift, scale, xp)

    def inverse_transform(self, X: ArrayLike, copy: bool | None = None) -> Array:
        """Undo ``transform``: ``x = z * scale + mean``."""
        check_is_fitted(self, "n_samples_seen_")
        X = validate_data(self, X, reset=False, allow_nan=True, accept_sparse=_SPARSE)
        if is_sparse(X):
            if self.with_mean:  # scikit-learn's message, to the letter
                raise ValueError("Cannot uncenter sparse matrices: pass `with_mean=False` "
                                 "instead See docstring for motivation and alternatives.")
            return scale_columns(X, self.scale_.astype(X.dtype)) if self.with_std else X.copy()
        xp, device = namespace_and_device(X)
        if self.with_std:
            X = X * _as(self.scale_, xp, device, X.dtype)
        if self.with_mean:
            X = X + _as(self.mean_, xp, device, X.dtype)
        return X


def shift_and_scale(X: Array, shift: Array | None, scale: Array | None, xp: Any) -> Array:
    """``(X - shift) / scale`` in a new array (either may be None).

    On NumPy the second step runs in place on the first step's result: one new array, not
    two. The input is never written to.
    """
    if shift is None and scale is None:
        return xp.asarray(X, copy=True)
    out = X - shift if shift is not None else X / scale
    if shift is not None and scale is not None:
        if is_numpy(xp) and isinstance(out, np.ndarray):
            np.divide(out, scale, out=out)
        else:
            out = out / scale
    return out
