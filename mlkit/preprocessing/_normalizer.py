"""Normalizer: each row scaled to unit l1, l2 or max norm."""

from __future__ import annotations

from typing import Any, Literal, TypeVar

import numpy as np
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin

from .._array import (
    host_float_dtype,
    is_sparse,
    namespace_and_device,
    scale_rows,
    sparse_row_max_abs,
    sparse_row_sums,
    squared_norms,
)
from .._discovery import Capabilities
from .._typing import Array, ArrayLike
from .._validation import StrOptions, validate_data, validate_params
from ._base import _SPARSE

# ---------------------------------------------------------------------------------------------
# Normalizer
# ---------------------------------------------------------------------------------------------


def row_norms(X: Array, norm: str, xp: Any) -> Array:
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


_NormalizerT = TypeVar("_NormalizerT", bound="Normalizer")


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

    def __init__(self, norm: Literal["l1", "l2", "max"] = "l2", *, copy: bool = True) -> None:
        self.norm = norm
        self.copy = copy

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.requires_fit = False
        tags.input_tags.sparse = True
        return tags

    def fit(self: _NormalizerT, X: ArrayLike, y: ArrayLike | None = None) -> _NormalizerT:
        """Check the parameters and record the number of columns."""
        validate_params(self)
        validate_data(self, X, accept_sparse=_SPARSE)
        return self

    def transform(self, X: ArrayLike, copy: bool | None = None) -> Array:
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
