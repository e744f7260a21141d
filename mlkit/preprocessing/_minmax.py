"""MinMaxScaler: min-max normalization onto a feature range."""

from __future__ import annotations

from typing import TypeVar

import numpy as np
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin

from .._array import host_float_dtype, is_numpy, is_sparse, namespace_and_device
from .._discovery import Capabilities
from .._moments import column_extremes
from .._typing import Array, ArrayLike
from .._validation import check_finite_stats, check_is_fitted, validate_data, validate_params
from ._base import _as, _concrete, _handle_zeros, _scaler_tags

# ---------------------------------------------------------------------------------------------
# MinMaxScaler
# ---------------------------------------------------------------------------------------------


_MinMaxScalerT = TypeVar("_MinMaxScalerT", bound="MinMaxScaler")


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
    data_min_: Array
    data_max_: Array
    n_samples_seen_: int

    def __init__(self, feature_range: tuple[float, float] = (0, 1), *, copy: bool = True,
                 clip: bool = False) -> None:
        self.feature_range = feature_range
        self.copy = copy
        self.clip = clip

    def __sklearn_tags__(self):
        return _scaler_tags(super().__sklearn_tags__())

    def fit(self: _MinMaxScalerT, X: ArrayLike, y: ArrayLike | None = None) -> _MinMaxScalerT:
        """Compute each column's minimum and maximum."""
        for attr in ("n_samples_seen_", "data_min_", "data_max_"):
            if hasattr(self, attr):
                delattr(self, attr)
        return self.partial_fit(X, y)

    def partial_fit(self: _MinMaxScalerT, X: ArrayLike,
                    y: ArrayLike | None = None) -> _MinMaxScalerT:
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

    def transform(self, X: ArrayLike) -> Array:
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

    def inverse_transform(self, X: ArrayLike) -> Array:
        """Undo ``transform``."""
        check_is_fitted(self, "scale_")
        X = validate_data(self, X, reset=False, allow_nan=True)
        xp, device = namespace_and_device(X)
        return (X - _as(self.min_, xp, device, X.dtype)) / _as(self.scale_, xp, device, X.dtype)


def _nan_aware(op, a, b, xp):
    """``op(a, b)`` where a NaN (a column with no value yet) yields to the other side."""
    return xp.where(xp.isnan(a), b, xp.where(xp.isnan(b), a, op(a, b)))
