"""Normalization: z-score and zero-mean (StandardScaler), min-max, decimal scaling, row norms.

Each scaler learns a per-column shift and scale from column statistics -- counts, sums,
extremes -- that reduce over row blocks, so the same code fits NumPy, CuPy, PyTorch and Dask
arrays; on Dask the statistics are computed in one pass and kept concrete, and ``transform``
stays lazy. Missing values (NaN) are ignored in ``fit`` and kept in ``transform``, as
scikit-learn's scalers do. Inputs are never modified: ``copy`` is accepted for scikit-learn
compatibility, and every method returns a new array.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin

from ._array import (
    as_namespace,
    compute,
    float_dtype,
    host_float_dtype,
    is_lazy,
    is_numpy,
    is_sparse,
    namespace_and_device,
    nanmax,
    nanmin,
    scale_columns,
    scale_rows,
    sparse_column_max_abs,
    sparse_column_moments,
    sparse_row_max_abs,
    sparse_row_sums,
    squared_norms,
    to_host,
)
from ._array import device as device_of
from ._discovery import Capabilities
from ._validation import (
    StrOptions,
    check_finite_stats,
    check_is_fitted,
    check_sample_weight,
    validate_data,
    validate_params,
)

__all__ = ["DecimalScaler", "MinMaxScaler", "Normalizer", "StandardScaler"]

_EPS = float(np.finfo(np.float64).eps)


# ---------------------------------------------------------------------------------------------
# Column statistics (pure functions of arrays, in any namespace)
# ---------------------------------------------------------------------------------------------


# rows per block of the column moments: about this many elements, so that the float64 block
# and its deviations stay small next to X (NumPy: cache-sized; devices: fewer, larger calls)
_MOMENT_BLOCK = {"numpy": 1 << 17, "device": 1 << 22}


def _row_blocks(X, xp):
    elements = _MOMENT_BLOCK["numpy" if is_numpy(xp) else "device"]
    rows = max(1, elements // max(1, X.shape[1]))
    return [(lo, min(lo + rows, X.shape[0])) for lo in range(0, X.shape[0], rows)]


def column_moments(X, sample_weight, xp, dtype):
    """Per-column (weighted) count, mean and sum of squared deviations, ignoring NaN.

    The corrected two-pass algorithm (Chan, Golub & LeVeque 1983): the mean first, then the
    squared deviations from it, minus the square of the deviations' sum -- a term that is zero
    in exact arithmetic and removes most of the rounding error of the first pass. Both passes
    run over row blocks, each cast to ``dtype`` on its own, so the temporaries (a float32
    X's float64 copy, the deviations, their squares) are a block's, not X's. Data without
    missing values takes the short road (no mask; weighted sums as matrix-vector products).
    Dask arrays are reduced by Dask, over its own chunks.
    """
    if is_lazy(X):
        return _masked_moments(xp.astype(X, dtype, copy=False), sample_weight, xp, dtype)
    blocks = _row_blocks(X, xp)

    def rows(lo, hi):
        Xb = xp.astype(X[lo:hi, ...], dtype, copy=False)
        return Xb, None if sample_weight is None else sample_weight[lo:hi]

    def col_sum(a, w):
        return xp.sum(a, axis=0) if w is None else w @ a

    sums = sum(col_sum(*rows(lo, hi)) for lo, hi in blocks)
    if bool(xp.any(xp.isnan(sums))):  # a NaN in a column makes its sum NaN: no extra pass
        return _masked_moments_blocks(rows, blocks, xp, dtype)
    total = float(X.shape[0]) if sample_weight is None else xp.sum(sample_weight)
    mean = sums / total
    m2 = dev_sum = 0.0
    for lo, hi in blocks:
        Xb, w = rows(lo, hi)
        dev = Xb - mean
        m2 = m2 + col_sum(dev * dev, w)
        dev_sum = dev_sum + col_sum(dev, w)
    count = xp.full((X.shape[1],), total, dtype=dtype, device=device_of(X))
    # the correction can overshoot by a rounding error on a constant column
    return count, mean, xp.maximum(m2 - dev_sum**2 / total, 0.0)


def _masked_moments_blocks(rows, blocks, xp, dtype):
    """``column_moments`` of data with NaN: weights ``known · sample_weight`` per entry."""
    def masked(lo, hi):
        Xb, sw = rows(lo, hi)
        known = ~xp.isnan(Xb)
        w = xp.astype(known, dtype)
        return known, (w if sw is None else w * sw[:, None]), xp.where(known, Xb, 0.0)

    count = total = 0.0
    for lo, hi in blocks:
        _, w, Xz = masked(lo, hi)
        count = count + xp.sum(w, axis=0)
        total = total + xp.sum(w * Xz, axis=0)
    safe = xp.where(count > 0, count, 1.0)
    mean = total / safe
    m2 = dev_sum = 0.0
    for lo, hi in blocks:
        known, w, Xz = masked(lo, hi)
        dev = xp.where(known, Xz - mean, 0.0)
        wdev = w * dev
        m2 = m2 + xp.sum(wdev * dev, axis=0)
        dev_sum = dev_sum + xp.sum(wdev, axis=0)
    return count, mean, xp.maximum(m2 - dev_sum**2 / safe, 0.0)


def _masked_moments(X, sample_weight, xp, dtype):
    known = ~xp.isnan(X)
    w = xp.astype(known, dtype)
    if sample_weight is not None:
        w = w * sample_weight[:, None]
    Xz = xp.where(known, X, 0.0)
    count = xp.sum(w, axis=0)
    safe = xp.where(count > 0, count, 1.0)
    mean = xp.sum(w * Xz, axis=0) / safe
    dev = xp.where(known, Xz - mean, 0.0)
    wdev = w * dev
    m2 = xp.sum(wdev * dev, axis=0) - xp.sum(wdev, axis=0) ** 2 / safe
    return count, mean, xp.maximum(m2, 0.0)


def merge_moments(a, b, xp):
    """Merge (count, mean, m2) of two disjoint samples (Chan, Golub & LeVeque 1979)."""
    n_a, mean_a, m2_a = a
    n_b, mean_b, m2_b = b
    n = n_a + n_b
    safe = xp.where(n > 0, n, 1.0)
    delta = mean_b - mean_a
    mean = mean_a + delta * (n_b / safe)
    m2 = m2_a + m2_b + delta**2 * (n_a * n_b / safe)
    return n, mean, m2


def column_extremes(X, xp):
    """Per-column minimum and maximum ignoring NaN (NaN for an all-NaN column)."""
    return nanmin(X, axis=0, xp=xp), nanmax(X, axis=0, xp=xp)


def column_max_abs(X, xp):
    """Per-column largest magnitude ignoring NaN (0 for an all-NaN column)."""
    lo, hi = column_extremes(X, xp)
    m = xp.maximum(hi, -lo)
    return xp.where(xp.isnan(m), 0.0, m)


def decimal_exponent(max_abs, xp):
    """The smallest integer j with ``max_abs / 10**j < 1``, per column (0 for a zero column).

    Han, Kamber & Pei, *Data Mining*, 3rd ed., §3.5.2: values -986..917 give j = 3. The first
    guess ``floor(log10(m)) + 1`` is corrected by one either way where rounding in ``log10``
    put it off by one.
    """
    positive = max_abs > 0
    m = xp.where(positive, max_abs, 1.0)
    j = xp.floor(xp.log10(m)) + 1.0
    j = xp.where(m / powers_of_ten(j, xp) >= 1.0, j + 1.0, j)
    j = xp.where(m / powers_of_ten(j - 1.0, xp) < 1.0, j - 1.0, j)
    j = xp.where(positive, j, 0.0)
    too_large = np.flatnonzero(to_host(j) > 308)
    if too_large.size:
        raise ValueError(f"Decimal scaling of columns {too_large.tolist()} needs 10**309 or "
                         "more, beyond the float64 range (values of magnitude 1e308 and up).")
    return j


def powers_of_ten(j, xp):
    """``10**j`` correctly rounded, per entry (``10.0 ** j`` can be one ulp off, which moved
    the decimal exponent by one near a power of ten); j takes few distinct values, each
    converted once."""
    host = np.asarray(to_host(j), dtype=np.float64)
    distinct, where = np.unique(host.ravel(), return_inverse=True)
    table = np.array([float(f"1e{int(v)}") if np.isfinite(v) else np.nan for v in distinct])
    values = table[where].reshape(host.shape)
    return as_namespace(values, xp, device_of(j))


def _check_squares_fit(count, mean, m2, xp):
    """A finite mean with an infinite sum of squares: the data are finite, their variance
    overflows float64 -- say that, not that X holds infinity."""
    overflow = np.flatnonzero(to_host((count > 0) & xp.isfinite(mean) & xp.isinf(m2)))
    if overflow.size:
        raise ValueError(f"The variance of columns {overflow.tolist()} overflows float64 "
                         "(values too large to square): rescale them first.")


def _handle_zeros(scale, xp, constant=None):
    """Scale of 1 for constant columns, so they are shifted but not blown up."""
    if constant is None:
        constant = scale < 10 * _EPS
    return xp.where(constant, 1.0, scale)


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


def _concrete(*arrays):
    """Fitted statistics: computed (for Dask) in one batch and kept small and concrete."""
    return compute(*arrays)


def _scaler_tags(tags, *, allow_nan=True, sparse=False):
    tags.input_tags.allow_nan = allow_nan
    tags.input_tags.sparse = sparse
    return tags


_SPARSE = ("csr", "csc")
_CANNOT_CENTER = ("Cannot center sparse matrices: pass `with_mean=False` instead. See "
                  "docstring for motivation and alternatives.")


# ---------------------------------------------------------------------------------------------
# StandardScaler
# ---------------------------------------------------------------------------------------------


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

    def __init__(self, *, copy=True, with_mean=True, with_std=True):
        self.copy = copy
        self.with_mean = with_mean
        self.with_std = with_std

    def __sklearn_tags__(self):
        return _scaler_tags(super().__sklearn_tags__(), sparse=not self.with_mean)

    def _reset(self):
        for attr in ("n_samples_seen_", "mean_", "var_", "scale_", "_m2"):
            if hasattr(self, attr):
                delattr(self, attr)

    def fit(self, X, y=None, sample_weight=None):
        """Compute the mean and standard deviation of each column."""
        self._reset()
        return self.partial_fit(X, y, sample_weight)

    def partial_fit(self, X, y=None, sample_weight=None):
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
        _check_squares_fit(*stats, sxp)
        check_finite_stats(*(sxp.where(stats[0] > 0, s, 0.0) for s in stats[1:]))
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

    def transform(self, X, copy=None):
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

    def inverse_transform(self, X, copy=None):
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


def shift_and_scale(X, shift, scale, xp):
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


def _as(a, xp, device, dtype):
    """A fitted array in the namespace, device and dtype of the data it is applied to."""
    a = as_namespace(a, xp, device)
    return a.astype(dtype) if isinstance(a, np.ndarray) else xp.astype(a, dtype)


# ---------------------------------------------------------------------------------------------
# MinMaxScaler
# ---------------------------------------------------------------------------------------------


class MinMaxScaler(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Scale each column linearly onto ``feature_range`` (min-max normalization).

    ``x' = (x - min) / (max - min) * (hi - lo) + lo``, written as ``x * scale_ + min_``. A
    constant column keeps a range of 1.

    Parameters
    ----------
    feature_range : tuple (lo, hi), default=(0, 1)
        The range the training data is mapped onto; ``lo < hi``.
    copy : bool, default=True
        Accepted for scikit-learn compatibility; inputs are never modified.
    clip : bool, default=False
        Clip transformed values to ``feature_range`` (for data outside the training range).

    Attributes
    ----------
    min_ : array of shape (n_features,)
        Per-column shift, ``lo - data_min_ * scale_``.
    scale_ : array of shape (n_features,)
        Per-column factor, ``(hi - lo) / data_range_``.
    data_min_, data_max_, data_range_ : array of shape (n_features,)
        Per-column minimum, maximum and their difference (NaN ignored).
    n_samples_seen_ : int
        Number of rows seen.
    n_features_in_ : int
        Number of columns seen in ``fit``.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names, when ``X`` was a DataFrame with string column names.

    Examples
    --------
    >>> from mlkit.preprocessing import MinMaxScaler
    >>> MinMaxScaler().fit_transform([[1.0], [3.0], [5.0]]).ravel()
    array([0. , 0.5, 1. ])
    """

    _parameter_constraints = {"feature_range": [tuple], "copy": ["boolean"], "clip": ["boolean"]}
    _capabilities = Capabilities()

    def __init__(self, feature_range=(0, 1), *, copy=True, clip=False):
        self.feature_range = feature_range
        self.copy = copy
        self.clip = clip

    def __sklearn_tags__(self):
        return _scaler_tags(super().__sklearn_tags__())

    def fit(self, X, y=None):
        """Compute each column's minimum and maximum."""
        for attr in ("n_samples_seen_", "data_min_", "data_max_"):
            if hasattr(self, attr):
                delattr(self, attr)
        return self.partial_fit(X, y)

    def partial_fit(self, X, y=None):
        """Update the extremes with a block of rows."""
        validate_params(self)
        lo, hi = self.feature_range
        if not lo < hi:
            raise ValueError(
                "Minimum of desired feature range must be smaller than maximum. Got "
                f"{self.feature_range!r}."
            )
        if is_sparse(X):  # scikit-learn's error: shifting by the minimum fills in the zeros
            raise TypeError("MinMaxScaler does not support sparse input. Consider using "
                            "MaxAbsScaler instead.")
        first = not hasattr(self, "n_samples_seen_")
        X = validate_data(self, X, reset=first, allow_nan=True)
        xp, _ = namespace_and_device(X)
        data_min, data_max = _concrete(*column_extremes(X, xp))
        sxp, _ = namespace_and_device(data_min)  # concrete (NumPy for Dask)
        check_finite_stats(*(sxp.where(sxp.isnan(s), 0.0, s) for s in (data_min, data_max)))
        if not first:
            data_min = _nan_aware(sxp.minimum, self.data_min_, data_min, sxp)
            data_max = _nan_aware(sxp.maximum, self.data_max_, data_max, sxp)
            self.n_samples_seen_ += X.shape[0]
        else:
            self.n_samples_seen_ = X.shape[0]
        self.data_min_, self.data_max_ = data_min, data_max
        self.data_range_ = data_max - data_min
        # constant: a range below 10 eps of X's own precision, as scikit-learn
        eps = float(np.finfo(host_float_dtype(X.dtype)).eps)
        self.scale_ = (hi - lo) / _handle_zeros(self.data_range_, sxp,
                                                constant=self.data_range_ < 10 * eps)
        self.min_ = lo - data_min * self.scale_
        return self

    def transform(self, X):
        """Map ``X`` onto ``feature_range`` (NaN stays NaN)."""
        check_is_fitted(self, "scale_")
        X = validate_data(self, X, reset=False, allow_nan=True)
        xp, device = namespace_and_device(X)
        scale, shift = _as(self.scale_, xp, device, X.dtype), _as(self.min_, xp, device, X.dtype)
        out = X * scale
        if is_numpy(xp) and isinstance(out, np.ndarray):
            np.add(out, shift, out=out)
        else:
            out = out + shift
        if self.clip:
            out = xp.clip(out, float(self.feature_range[0]), float(self.feature_range[1]))
        return out

    def inverse_transform(self, X):
        """Undo ``transform``."""
        check_is_fitted(self, "scale_")
        X = validate_data(self, X, reset=False, allow_nan=True)
        xp, device = namespace_and_device(X)
        return (X - _as(self.min_, xp, device, X.dtype)) / _as(self.scale_, xp, device, X.dtype)


def _nan_aware(op, a, b, xp):
    """``op(a, b)`` where a NaN (a column with no value yet) yields to the other side."""
    return xp.where(xp.isnan(a), b, xp.where(xp.isnan(b), a, op(a, b)))


# ---------------------------------------------------------------------------------------------
# DecimalScaler
# ---------------------------------------------------------------------------------------------


class DecimalScaler(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Decimal scaling: divide each column by the power of ten that brings it inside (-1, 1).

    ``x' = x / 10**j`` with ``j`` the smallest integer such that ``max |x'| < 1`` (Han, Kamber
    & Pei, §3.5.2). ``j`` may be negative: a column whose values are all below 0.1 in magnitude
    is scaled up. A column of zeros keeps ``j = 0``. Unlike min-max or z-score, decimal scaling
    keeps the digits of the data and its sign, only moving the decimal point.

    Parameters
    ----------
    copy : bool, default=True
        Accepted for scikit-learn compatibility; inputs are never modified.

    Attributes
    ----------
    exponent_ : array of shape (n_features,)
        ``j`` per column (integer-valued floats).
    scale_ : array of shape (n_features,)
        ``10**j`` per column.
    max_abs_ : array of shape (n_features,)
        Largest absolute value per column (NaN ignored).
    n_samples_seen_ : int
        Number of rows seen.
    n_features_in_ : int
        Number of columns seen in ``fit``.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names, when ``X`` was a DataFrame with string column names.

    Notes
    -----
    Dividing by ``10**j`` keeps zeros zero, so scipy.sparse X (CSR or CSC) is taken: the
    largest magnitudes come from the stored entries and ``transform`` divides them, returning
    a sparse matrix of the input's format and class.

    References
    ----------
    Han, Kamber & Pei (2011), *Data Mining: Concepts and Techniques*, 3rd ed., §3.5.2.

    Examples
    --------
    >>> from mlkit.preprocessing import DecimalScaler
    >>> s = DecimalScaler().fit([[-986.0], [917.0]])
    >>> s.exponent_, s.transform([[-986.0], [917.0]]).ravel()
    (array([3.]), array([-0.986,  0.917]))
    """

    _parameter_constraints = {"copy": ["boolean"]}
    _capabilities = Capabilities(sparse=True)

    def __init__(self, *, copy=True):
        self.copy = copy

    def __sklearn_tags__(self):
        return _scaler_tags(super().__sklearn_tags__(), sparse=True)

    def fit(self, X, y=None):
        """Find each column's exponent."""
        if hasattr(self, "n_samples_seen_"):
            del self.n_samples_seen_
        return self.partial_fit(X, y)

    def partial_fit(self, X, y=None):
        """Update the largest magnitudes with a block of rows."""
        validate_params(self)
        first = not hasattr(self, "n_samples_seen_")
        X = validate_data(self, X, reset=first, allow_nan=True, accept_sparse=_SPARSE)
        xp, _ = namespace_and_device(X)
        if is_sparse(X):
            max_abs = sparse_column_max_abs(X).astype(np.float64)
        else:
            (max_abs,) = _concrete(column_max_abs(X, xp))
        check_finite_stats(max_abs)
        sxp, _ = namespace_and_device(max_abs)
        if first:
            self.n_samples_seen_ = X.shape[0]
        else:
            max_abs = sxp.maximum(self.max_abs_, max_abs)
            self.n_samples_seen_ += X.shape[0]
        self.max_abs_ = max_abs
        self.exponent_ = decimal_exponent(max_abs, sxp)
        self.scale_ = powers_of_ten(self.exponent_, sxp)
        return self

    def transform(self, X):
        """Divide each column by its power of ten."""
        check_is_fitted(self, "scale_")
        X = validate_data(self, X, reset=False, allow_nan=True, accept_sparse=_SPARSE)
        if is_sparse(X):
            return scale_columns(X, self.scale_.astype(X.dtype), divide=True)
        xp, device = namespace_and_device(X)
        return X / _as(self.scale_, xp, device, X.dtype)

    def inverse_transform(self, X):
        """Multiply each column back by its power of ten."""
        check_is_fitted(self, "scale_")
        X = validate_data(self, X, reset=False, allow_nan=True, accept_sparse=_SPARSE)
        if is_sparse(X):
            return scale_columns(X, self.scale_.astype(X.dtype))
        xp, device = namespace_and_device(X)
        return X * _as(self.scale_, xp, device, X.dtype)


# ---------------------------------------------------------------------------------------------
# Normalizer
# ---------------------------------------------------------------------------------------------


def row_norms(X, norm, xp):
    """The l1, l2 or max norm of each row (of a scipy.sparse X from its stored entries)."""
    if is_sparse(X):
        if norm == "max":
            return sparse_row_max_abs(X)
        if norm == "l1":
            return sparse_row_sums(X, np.abs(X.data))
        return np.sqrt(squared_norms(X, xp))
    if norm == "l1":
        return xp.sum(xp.abs(X), axis=1)
    if norm == "l2":
        return xp.sqrt(squared_norms(X, xp))
    return xp.max(xp.abs(X), axis=1)


class Normalizer(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Scale each row to unit norm (l1, l2 or max). Rows of zeros are left as they are.

    It learns nothing from the data: ``fit`` only checks the parameters and the number of
    columns. scipy.sparse X (CSR or CSC) is taken: the norms come from each row's stored
    entries, and a sparse matrix of the input's format and class comes back.

    Parameters
    ----------
    norm : {'l1', 'l2', 'max'}, default='l2'
        The norm each row is divided by.
    copy : bool, default=True
        Accepted for scikit-learn compatibility; inputs are never modified.

    Attributes
    ----------
    n_features_in_ : int
        Number of columns seen in ``fit``.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names, when ``X`` was a DataFrame with string column names.

    Examples
    --------
    >>> from mlkit.preprocessing import Normalizer
    >>> Normalizer().fit_transform([[3.0, 4.0], [0.0, 0.0]])
    array([[0.6, 0.8],
           [0. , 0. ]])
    """

    _parameter_constraints = {"norm": [StrOptions({"l1", "l2", "max"})], "copy": ["boolean"]}
    _capabilities = Capabilities(sparse=True)

    def __init__(self, norm="l2", *, copy=True):
        self.norm = norm
        self.copy = copy

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.requires_fit = False
        tags.input_tags.sparse = True
        return tags

    def fit(self, X, y=None):
        """Check the parameters and record the number of columns."""
        validate_params(self)
        validate_data(self, X, accept_sparse=_SPARSE)
        return self

    def transform(self, X, copy=None):
        """Divide each row by its norm."""
        validate_params(self)
        X = validate_data(self, X, reset=False, accept_sparse=_SPARSE)
        xp, _ = namespace_and_device(X)
        norms = row_norms(X, self.norm, xp)
        # a row of norm below 10 eps of its precision is left as it is (scikit-learn's rule)
        eps = float(np.finfo(host_float_dtype(X.dtype)).eps)
        norms = xp.where(norms < 10 * eps, xp.ones_like(norms), norms)
        if is_sparse(X):
            return scale_rows(X, norms.astype(X.dtype), divide=True)
        return X / norms[:, None]

