"""Array namespace and device dispatch, and the few operations the array API standard lacks.

Every estimator finds its namespace from its input: ``xp, device = namespace_and_device(X)``.
Its computation then runs in ``xp`` on ``device``. This module is the only place that knows
about NumPy, CuPy, PyTorch, Dask or ``array_api_strict`` by name; each helper below has a fast
path for the libraries that offer the operation natively and a generic fallback written in the
standard alone.
"""

from __future__ import annotations

import array_api_compat as aac
import numpy as np
from scipy import sparse as _sp

# The NumPy fast paths over rows moved to _rows.py and _threads.py (they are not operations the
# standard lacks); re-exported for the modules that import them from here.
from ._rows import argmax_rows as argmax_rows
from ._rows import max_rows as max_rows
from ._rows import sum_rows as sum_rows
from ._threads import map_row_ranges as map_row_ranges
from ._threads import row_threads as row_threads

__all__ = [
    "as_namespace",
    "bincount",
    "compute",
    "float_dtype",
    "host_float_dtype",
    "is_lazy",
    "is_numpy",
    "is_sparse",
    "logsumexp",
    "namespace_and_device",
    "nanmax",
    "nanmin",
    "one_hot",
    "to_host",
]


def _arrays_only(arrays):
    return [a for a in arrays if a is not None and aac.is_array_api_obj(a)]


def namespace_and_device(*arrays):
    """The array namespace and device shared by ``arrays``.

    ``None``, Python scalars, lists and pandas objects are not array API objects: they are
    ignored here, and validation turns them into NumPy arrays. With no array API object at all
    the answer is NumPy on the CPU.

    Returns
    -------
    xp : module
        The array-API-compatible namespace (``array_api_compat``'s wrapper for NumPy, CuPy,
        PyTorch and Dask; the library itself when it is already compliant).
    device : object
        The device of the arrays, as ``array_api_compat.device`` names it.
    """
    arrays = _arrays_only(arrays)
    if not arrays:
        return aac.array_namespace(np.empty(0)), "cpu"
    xp = aac.array_namespace(*arrays)
    return xp, aac.device(arrays[0])


def device(x):
    """The device of an array (``array_api_compat.device``)."""
    return aac.device(x)


def is_numpy(xp):
    """True when ``xp`` is NumPy (or array_api_compat's wrapper of it)."""
    return aac.is_numpy_namespace(xp)


def is_lazy(x):
    """True for arrays whose values are not computed yet (Dask)."""
    return aac.is_dask_array(x)


def _is_dask_namespace(xp):
    return aac.is_dask_namespace(xp)


def compute(*arrays):
    """Concrete values of ``arrays``: one batched ``dask.compute`` for Dask, a no-op otherwise.

    Use it once at the end of ``fit`` so that all of a model's reductions run in one pass.
    """
    if any(is_lazy(a) for a in arrays):
        import dask

        return tuple(dask.compute(*arrays))
    return arrays


def _block_unique(x, axis=None, keepdims=False):
    return np.unique(x)


def lazy_unique(y, split_every=16):
    """The sorted distinct values of a Dask array, as a lazy tree reduction (compute it).

    Each block's ``np.unique`` is merged with its neighbours' ``split_every`` at a time, so no
    task ever holds more than ``split_every`` blocks' distinct values -- never the whole array
    (``y.compute()`` or ``da.unique``, whose single aggregate task takes every block's values).
    The result's shape is not known before it is computed; batch it with the fit's other
    statistics in one ``compute``.
    """
    import dask.array as da

    return da.reduction(y.ravel(), chunk=_block_unique, combine=_block_unique,
                        aggregate=_block_unique, dtype=y.dtype, concatenate=True,
                        split_every=split_every, meta=np.empty(0, dtype=y.dtype))


def lazy_encode(y, classes):
    """Each value's index in the sorted host array ``classes``: lazy, block by block."""
    classes = np.asarray(classes)
    return y.map_blocks(lambda block: np.searchsorted(classes, block).astype(np.int64),
                        dtype=np.int64)


def row_block_sums(fn, shape, *arrays):
    """``Σ_b fn(*blocks_b)`` over the aligned row blocks of Dask ``arrays`` (1-D or 2-D, the
    same row chunks), each ``fn`` result a float64 array of ``shape``: one small array per
    block, summed in a tree, so a block's temporaries live only inside its task. Lazy."""
    import dask.array as da

    new = "uvwz"[: len(shape)]
    args = []
    for j, a in enumerate(arrays):
        args += ([a.rechunk({1: -1}), "i" + "abcdefgh"[j]] if a.ndim == 2 else [a, "i"])
    parts = da.blockwise(lambda *blocks: fn(*blocks)[None], "i" + new, *args,
                         new_axes=dict(zip(new, shape, strict=True)), adjust_chunks={"i": 1},
                         concatenate=True, dtype=np.float64)
    return parts.sum(axis=0)


def row_block_reduce(fn, merge, shape, *arrays, split_every=16):
    """Per-block statistics of aligned Dask row blocks, merged in a tree. Lazy.

    ``fn(*blocks)`` gives one block's statistics, an array of ``shape``; ``merge(stacked)``
    turns statistics stacked along a new first axis into the statistics of their union (an
    array of ``shape``). ``split_every`` blocks' statistics are merged at a time, so no task
    holds more than that many small arrays, and a block's temporaries live inside its task.
    """
    import dask.array as da

    new = "uvwz"[: len(shape)]
    args = []
    for j, a in enumerate(arrays):
        args += ([a.rechunk({1: -1}), "i" + "abcdefgh"[j]] if a.ndim == 2 else [a, "i"])
    meta = np.empty((0,) * (len(shape) + 1))
    parts = da.blockwise(lambda *blocks: fn(*blocks)[None], "i" + new, *args,
                         new_axes=dict(zip(new, shape, strict=True)), adjust_chunks={"i": 1},
                         concatenate=True, dtype=np.float64, meta=meta)

    def merged(x, axis, keepdims):
        return merge(x)[None]

    return da.reduction(parts, chunk=lambda x, axis, keepdims: x, combine=merged,
                        aggregate=merged, axis=0, keepdims=True, concatenate=True,
                        dtype=np.float64, split_every=split_every, meta=meta)[0]


def to_host(x):
    """``x`` as a NumPy array on the host (computing it if it is lazy)."""
    if x is None or isinstance(x, np.ndarray):
        return x
    if aac.is_dask_array(x):
        return np.asarray(x.compute())
    if aac.is_cupy_array(x):
        return x.get()
    if aac.is_torch_array(x):
        return x.detach().cpu().numpy()
    if aac.is_array_api_obj(x):
        try:
            return np.from_dlpack(x)
        except (TypeError, BufferError, RuntimeError, AttributeError):
            return np.asarray(x)
    return np.asarray(x)


def as_namespace(a, xp, device):
    """``a`` (a fitted array, possibly of another namespace) as an array of ``xp`` on ``device``.

    Dask operations accept NumPy arrays as they are, so for Dask the host array is returned:
    fitted state stays concrete and small while the data stays lazy.
    """
    if a is None:
        return None
    if _is_dask_namespace(xp):
        return to_host(a)
    if aac.is_array_api_obj(a):
        a_xp = aac.array_namespace(a)
        if a_xp is xp and aac.device(a) == device:
            return a
        if not aac.is_numpy_array(a):
            a = to_host(a)
    return xp.asarray(a, device=device)


def host_float_dtype(dtype):
    """NumPy's float32 or float64 for a float dtype of any namespace (for ``np.finfo`` and
    host arrays of the same precision)."""
    return np.float32 if "float32" in str(dtype) else np.float64


def float_dtype(xp, device, dtype=None):
    """The floating dtype to compute in: ``dtype`` if it is float32/float64, else float64.

    Devices without float64 (Apple's MPS) get float32.
    """
    if dtype is not None and dtype in (xp.float32, xp.float64):
        return dtype
    info = getattr(xp, "__array_namespace_info__", None)
    if info is not None:
        try:
            if "float64" not in info().dtypes(device=device, kind="real floating"):
                return xp.float32
        except Exception:  # pragma: no cover - namespaces whose info() cannot answer
            pass
    return xp.float64


# ---------------------------------------------------------------------------------------------
# Operations the standard lacks
# ---------------------------------------------------------------------------------------------


def logsumexp(a, axis=None, keepdims=False, xp=None):
    """log(sum(exp(a))) along ``axis``, without overflow.

    The maximum is subtracted first; rows whose maximum is infinite (all ``-inf``) give
    ``-inf`` rather than NaN.
    """
    if xp is None:
        xp, _ = namespace_and_device(a)
    if is_numpy(xp):  # the same steps: scipy's logsumexp has a large overhead per call
        with np.errstate(divide="ignore"):
            return _logsumexp_steps(np.asarray(a), axis, keepdims, np)
    return _logsumexp_steps(a, axis, keepdims, xp)


def _logsumexp_steps(a, axis, keepdims, xp):
    m = xp.max(a, axis=axis, keepdims=True)
    m = xp.where(xp.isfinite(m), m, xp.zeros_like(m))
    s = xp.log(xp.sum(xp.exp(a - m), axis=axis, keepdims=True)) + m
    if not keepdims:
        s = xp.squeeze(s, axis=axis) if axis is not None else xp.reshape(s, ())
    return s


def squared_norms(X, xp):
    """``‖x‖²`` of every row of X; on NumPy without the ``X * X`` temporary (einsum) and the
    slow reduction over a short axis (see ``_rows.max_rows``); for scipy.sparse X from the
    stored entries."""
    if is_sparse(X):
        return sparse_row_sums(X, X.data * X.data)
    if is_numpy(xp):
        return np.einsum("ij,ij->i", X, X)
    return xp.sum(X * X, axis=1)


def one_hot(indices, n, dtype=None, xp=None):
    """An (n_samples, n) matrix with a one in column ``indices[i]`` of row ``i``.

    Per-class statistics are one-hot matrix products: ``one_hot(y, k).T @ X`` sums the rows of
    each class, in one BLAS call and without data-dependent shapes.
    """
    if xp is None:
        xp, _ = namespace_and_device(indices)
    if dtype is None:
        dtype = xp.float64
    device = aac.device(indices)
    cols = xp.arange(n, device=device) if not _is_dask_namespace(xp) else xp.arange(n)
    return xp.astype(indices[:, None] == cols[None, :], dtype)


def bincount(indices, weights=None, minlength=0, xp=None):
    """Counts (or summed weights) of each non-negative integer in ``indices``.

    The output has length ``max(minlength, max(indices) + 1)``; for lazy input ``minlength``
    must be given and is the length.
    """
    if xp is None:
        xp, _ = namespace_and_device(indices, weights)
    native = is_numpy(xp) or aac.is_cupy_namespace(xp) or aac.is_torch_namespace(xp)
    if native or _is_dask_namespace(xp):
        return _native(indices).bincount(indices, weights=weights, minlength=minlength)
    n = minlength
    if indices.shape[0]:
        n = max(n, int(xp.max(indices)) + 1)
    if weights is None:
        return xp.sum(one_hot(indices, n, dtype=xp.int64, xp=xp), axis=0)
    return xp.sum(one_hot(indices, n, dtype=weights.dtype, xp=xp) * weights[:, None], axis=0)


def nanmin(x, axis=None, xp=None):
    """Minimum ignoring NaN (NaN where every value is NaN).

    NumPy's ``fmin.reduce`` skips NaN natively and vectorizes well (several times faster than
    ``min`` along the rows of a C-ordered matrix); CuPy has ``nanmin``; the generic path
    replaces NaN by +inf.
    """
    return _nan_extreme(x, axis, xp, "min")


def nanmax(x, axis=None, xp=None):
    """Maximum ignoring NaN (NaN where every value is NaN)."""
    return _nan_extreme(x, axis, xp, "max")


def _nan_extreme(x, axis, xp, which):
    if xp is None:
        xp, _ = namespace_and_device(x)
    if is_numpy(xp):
        ufunc = np.fmin if which == "min" else np.fmax
        return ufunc.reduce(np.asarray(x), axis=axis)
    if aac.is_cupy_namespace(xp):
        import cupy

        return (cupy.nanmin if which == "min" else cupy.nanmax)(x, axis=axis)
    nan = xp.isnan(x)
    fill = xp.inf if which == "min" else -xp.inf
    reduce = xp.min if which == "min" else xp.max
    out = reduce(xp.where(nan, fill, x), axis=axis)
    return xp.where(xp.all(nan, axis=axis), xp.nan, out)


def _native(x):
    """The library module itself (numpy, cupy, torch, dask.array), for its non-standard ops."""
    if aac.is_numpy_array(x):
        return np
    if aac.is_cupy_array(x):
        import cupy

        return cupy
    if aac.is_torch_array(x):
        import torch

        return torch
    if aac.is_dask_array(x):
        import dask.array

        return dask.array
    raise TypeError(f"no native library for {type(x).__name__}")


# ---------------------------------------------------------------------------------------------
# scipy.sparse (CSR and CSC, sparray and spmatrix)
# ---------------------------------------------------------------------------------------------
#
# Validation hands estimators CSR or CSC (other formats are converted). The helpers below work
# on the stored entries (``X.data``) and the index arrays, never on a dense copy: a statistic
# of the columns or rows is a ``bincount`` over the stored entries' column or row ids, a
# scaling is the stored values times a gathered vector, in a new matrix of the input's class
# (``csr_array`` stays ``csr_array``, ``csc_matrix`` stays ``csc_matrix``). Use ``.multiply``,
# never ``*``, between a sparse matrix and anything else: for an spmatrix ``*`` is a product.


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
