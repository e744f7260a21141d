"""DecimalScaler: decimal scaling, dividing each column by a power of ten."""

from __future__ import annotations

from typing import Any, TypeVar

import numpy as np
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin

from .._array import (
    as_namespace,
    is_sparse,
    namespace_and_device,
    scale_columns,
    sparse_column_max_abs,
    to_host,
)
from .._array import device as device_of
from .._discovery import Capabilities
from .._moments import column_max_abs
from .._typing import Array, ArrayLike
from .._validation import check_finite_stats, check_is_fitted, validate_data, validate_params
from ._base import _SPARSE, _as, _concrete, _scaler_tags


def decimal_exponent(max_abs: Array, xp: Any) -> Array:
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


def powers_of_ten(j: Array, xp: Any) -> Array:
    """``10**j`` correctly rounded, per entry (``10.0 ** j`` can be one ulp off, which moved
    the decimal exponent by one near a power of ten); j takes few distinct values, each
    converted once."""
    host = np.asarray(to_host(j), dtype=np.float64)
    distinct, where = np.unique(host.ravel(), return_inverse=True)
    table = np.array([float(f"1e{int(v)}") if np.isfinite(v) else np.nan for v in distinct])
    values = table[where].reshape(host.shape)
    return as_namespace(values, xp, device_of(j))


# ---------------------------------------------------------------------------------------------
# DecimalScaler
# ---------------------------------------------------------------------------------------------


_DecimalScalerT = TypeVar("_DecimalScalerT", bound="DecimalScaler")


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
    max_abs_: Array

    def __init__(self, *, copy: bool = True) -> None:
        self.copy = copy

    def __sklearn_tags__(self):
        return _scaler_tags(super().__sklearn_tags__(), sparse=True)

    def fit(self: _DecimalScalerT, X: ArrayLike,
            y: ArrayLike | None = None) -> _DecimalScalerT:
        """Find each column's exponent."""
        if hasattr(self, "n_samples_seen_"):
            del self.n_samples_seen_
        return self.partial_fit(X, y)

    def partial_fit(self: _DecimalScalerT, X: ArrayLike,
                    y: ArrayLike | None = None) -> _DecimalScalerT:
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

    def transform(self, X: ArrayLike) -> Array:
        """Divide each column by its power of ten."""
        check_is_fitted(self, "scale_")
        X = validate_data(self, X, reset=False, allow_nan=True, accept_sparse=_SPARSE)
        if is_sparse(X):
            return scale_columns(X, self.scale_.astype(X.dtype), divide=True)
        xp, device = namespace_and_device(X)
        return X / _as(self.scale_, xp, device, X.dtype)

    def inverse_transform(self, X: ArrayLike) -> Array:
        """Multiply each column back by its power of ten."""
        check_is_fitted(self, "scale_")
        X = validate_data(self, X, reset=False, allow_nan=True, accept_sparse=_SPARSE)
        if is_sparse(X):
            return scale_columns(X, self.scale_.astype(X.dtype))
        xp, device = namespace_and_device(X)
        return X * _as(self.scale_, xp, device, X.dtype)
