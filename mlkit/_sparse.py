"""scipy.sparse (CSR and CSC, sparray and spmatrix): statistics and scalings over the stored
entries.

Validation hands estimators CSR or CSC (other formats are converted). The helpers below work
on the stored entries (``X.data``) and the index arrays, never on a dense copy: a statistic
of the columns or rows is a ``bincount`` over the stored entries' column or row ids, a
scaling is the stored values times a gathered vector, in a new matrix of the input's class
(``csr_array`` stays ``csr_array``, ``csc_matrix`` stays ``csc_matrix``). Use ``.multiply``,
never ``*``, between a sparse matrix and anything else: for an spmatrix ``*`` is a product.

They are re-exported by ``mlkit._array``, where the estimators import them from.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse as _sp

__all__ = [
    "is_sparse",
    "scale_columns",
    "scale_rows",
    "sparse_column_max_abs",
    "sparse_column_moments",
    "sparse_column_sums",
    "sparse_entry_cols",
    "sparse_entry_rows",
    "sparse_row_max_abs",
    "sparse_row_sums",
    "with_data",
]


def is_sparse(x):
    """True for a scipy.sparse matrix or array, of any format."""
    return _sp.issparse(x)


def _outer_ids(X):
    """For each stored entry, its row (CSR) or column (CSC): ``indptr`` expanded."""
    outer = X.shape[0] if X.format == "csr" else X.shape[1]
    return np.repeat(np.arange(outer), np.diff(X.indptr))


def sparse_entry_rows(X):
    """The row of each stored entry of a CSR or CSC matrix."""
    return _outer_ids(X) if X.format == "csr" else X.indices


def sparse_entry_cols(X):
    """The column of each stored entry of a CSR or CSC matrix."""
    return X.indices if X.format == "csr" else _outer_ids(X)


def sparse_row_sums(X, values):
    """``Σ_j values`` over each row's stored entries (``values`` aligned with ``X.data``): for
    CSR a sum of each contiguous segment, for CSC the product of the matrix holding ``values``
    with a vector of ones (one pass in C)."""
    if X.format == "csr":
        return _segment_sums(values, X.indptr)
    return _holding(X, values) @ np.ones(X.shape[1], dtype=values.dtype)


def sparse_column_sums(X, values):
    """``Σ_i values`` over each column's stored entries (``values`` aligned with ``X.data``)."""
    if X.format == "csc":
        return _segment_sums(values, X.indptr)
    return np.ones(X.shape[0], dtype=values.dtype) @ _holding(X, values)


def _segment_sums(values, indptr):
    """Sums of ``values[indptr[i]:indptr[i + 1]]`` (0 for empty segments), each segment added
    on its own, in order."""
    out = np.zeros(indptr.shape[0] - 1, dtype=values.dtype)
    nonempty = np.flatnonzero(np.diff(indptr) > 0)
    if nonempty.size:
        out[nonempty] = np.add.reduceat(values, indptr[nonempty])
    return out


def _holding(X, values):
    """X's sparsity pattern holding ``values`` (sharing X's index arrays: for reading only)."""
    cls = _sp.csr_array if X.format == "csr" else _sp.csc_array
    return cls((values, X.indices, X.indptr), shape=X.shape)


def _spread(X, per_column):
    """``per_column[j]`` for each stored entry, j its column (a gather, or for CSC a repeat)."""
    if X.format == "csr":
        return np.take(per_column, X.indices)  # (faster than per_column[X.indices])
    return np.repeat(per_column, np.diff(X.indptr))


def with_data(X, data):
    """A matrix of X's class, format and sparsity pattern holding ``data`` (the index arrays
    are copied, so the result shares nothing with X)."""
    return type(X)((data, X.indices.copy(), X.indptr.copy()), shape=X.shape)


def scale_columns(X, s, divide=False):
    """``X · diag(s)``: column j of a sparse X multiplied (or, with ``divide``, divided) by
    ``s[j]``, in a new matrix."""
    return _scaled(X, _spread(X, s), divide)


def scale_rows(X, s, divide=False):
    """``diag(s) · X``: row i of a sparse X multiplied (or, with ``divide``, divided) by
    ``s[i]``, in a new matrix."""
    factor = s[X.indices] if X.format == "csc" else np.repeat(s, np.diff(X.indptr))
    return _scaled(X, factor, divide)


def _scaled(X, factor, divide):
    """X's pattern holding ``X.data`` times (or over) ``factor``, written into ``factor``'s
    own new buffer (one array of the size of the data, not two)."""
    if factor.dtype != np.result_type(X.data.dtype, factor.dtype):
        factor = factor.astype(np.result_type(X.data.dtype, factor.dtype))
    (np.divide if divide else np.multiply)(X.data, factor, out=factor)
    return with_data(X, factor)


def sparse_column_moments(X, sample_weight=None):
    """Per-column (weighted) count, mean and sum of squared deviations of a sparse X, NaN
    ignored -- the unstored entries are zeros, and count.

    The corrected two-pass algorithm, as for dense columns (Chan, Golub & LeVeque): the mean,
    then the squared deviations of the stored entries plus those of the column's ``z_j`` zeros
    (or their weight), ``z_j · mean_j²``, minus the square of the deviations' sum over the
    column divided by the count (zero in exact arithmetic; it removes the first pass's
    rounding). scikit-learn's public ``sparsefuncs.mean_variance_axis`` computes exactly
    that in one compiled pass over the stored entries, in float64: it is used as it is.
    """
    from sklearn.utils.sparsefuncs import mean_variance_axis

    if X.dtype != np.float64:
        X = X.astype(np.float64)
    weights = None if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    mean, var, count = mean_variance_axis(X, axis=0, weights=weights, return_sum_weights=True)
    seen = count > 0  # a column of NaN only: mean and m2 0, as for dense columns
    mean = np.where(seen, mean, 0.0)
    m2 = np.where(seen, var * count, 0.0)
    return np.asarray(count, dtype=np.float64), mean, np.maximum(m2, 0.0)


def sparse_column_max_abs(X):
    """Per-column largest magnitude of a sparse X, NaN ignored (unstored entries are 0)."""
    data = np.abs(X.data)
    data = np.where(np.isnan(data), 0, data)
    if X.format == "csc":
        return _segment_max(data, X.indptr)
    out = np.zeros(X.shape[1], dtype=data.dtype)
    np.maximum.at(out, X.indices, data)
    return out


def sparse_row_max_abs(X):
    """Per-row largest magnitude of a sparse X (unstored entries are 0)."""
    data = np.abs(X.data)
    if X.format == "csr":
        return _segment_max(data, X.indptr)
    out = np.zeros(X.shape[0], dtype=data.dtype)
    np.maximum.at(out, X.indices, data)
    return out


def _segment_max(values, indptr):
    """Maxima of ``values[indptr[i]:indptr[i + 1]]`` and 0 (0 for empty segments)."""
    out = np.zeros(indptr.shape[0] - 1, dtype=values.dtype)
    nonempty = np.flatnonzero(np.diff(indptr) > 0)
    if nonempty.size:
        out[nonempty] = np.maximum(np.maximum.reduceat(values, indptr[nonempty]), 0)
    return out
