"""Array namespace and device dispatch, and the few operations the array API standard lacks.

Every estimator finds its namespace from its input: ``xp, device = namespace_and_device(X)``.
Its computation then runs in ``xp`` on ``device``. This module is the only place that knows
about NumPy, CuPy, PyTorch, Dask or ``array_api_strict`` by name, and the only one that
imports ``array_api_compat``, Dask, CuPy or PyTorch (tests/test_layout.py checks it): the
other modules ask here (``is_lazy``, ``host``, ``rows_like``, ``lazy_tsqr``, ...). Each helper
below has a fast path for the libraries that offer the operation natively and a generic
fallback written in the standard alone.
"""

from __future__ import annotations

import array_api_compat as aac
import numpy as np

# The scipy.sparse helpers live in _sparse.py, the thread pool over rows in _threads.py (they
# import none of the array libraries); re-exported for the modules that import them from here.
from ._sparse import is_sparse as is_sparse
from ._sparse import scale_columns as scale_columns
from ._sparse import scale_rows as scale_rows
from ._sparse import sparse_column_max_abs as sparse_column_max_abs
from ._sparse import sparse_column_moments as sparse_column_moments
from ._sparse import sparse_column_sums as sparse_column_sums
from ._sparse import sparse_entry_cols as sparse_entry_cols
from ._sparse import sparse_entry_rows as sparse_entry_rows
from ._sparse import sparse_row_max_abs as sparse_row_max_abs
from ._sparse import sparse_row_sums as sparse_row_sums
from ._sparse import with_data as with_data
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

# ---------------------------------------------------------------------------------------------
# What an array is: its namespace, device and library
# ---------------------------------------------------------------------------------------------


def is_array_api_obj(x):
    """True for an array of an array-API library (NumPy, CuPy, PyTorch, Dask, ...); False for
    lists, scalars, pandas objects and scipy.sparse matrices."""
    return aac.is_array_api_obj(x)


def is_numpy_array(x):
    """True for a NumPy array (or NumPy scalar)."""
    return aac.is_numpy_array(x)


def array_namespace(*arrays):
    """The array-API-compatible namespace of ``arrays`` (``array_api_compat``'s wrapper)."""
    return aac.array_namespace(*arrays)


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


def is_dask_namespace(xp):
    """True when ``xp`` is Dask's array namespace (array_api_compat's wrapper of it)."""
    return aac.is_dask_namespace(xp)


def library_name(x):
    """The library of an array: 'dask', 'numpy', 'cupy', 'torch', 'array_api_strict', or
    else the top-level module of its type."""
    if aac.is_dask_array(x):
        return "dask"
    if aac.is_numpy_array(x):
        return "numpy"
    if aac.is_cupy_array(x):
        return "cupy"
    if aac.is_torch_array(x):
        return "torch"
    if aac.is_array_api_strict_namespace(aac.array_namespace(x)):
        return "array_api_strict"
    return type(x).__module__.split(".")[0]


# ---------------------------------------------------------------------------------------------
# Moving arrays between namespaces
# ---------------------------------------------------------------------------------------------


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
    if is_dask_namespace(xp):
        return to_host(a)
    if aac.is_array_api_obj(a):
        a_xp = aac.array_namespace(a)
        if a_xp is xp and aac.device(a) == device:
            return a
        if not aac.is_numpy_array(a):
            a = to_host(a)
    return xp.asarray(a, device=device)


def to_xp(a, xp, device):
    """A host or foreign array as an ``xp`` array on ``device``; an array of ``xp`` as it is.

    Unlike ``as_namespace``, Dask's namespace gets a Dask array (for the metrics, which reduce
    in ``xp``), and an array already in ``xp`` is not moved between devices.
    """
    if aac.is_array_api_obj(a) and aac.array_namespace(a) is xp:
        return a
    host = to_host(a)
    return host if is_numpy(xp) else xp.asarray(host, device=device)


def host(a):
    """Array-API arrays of other libraries (GPU, Dask, array_api_strict, ...) as NumPy; NumPy,
    pandas objects, lists and scipy.sparse matrices as they are, for host validation."""
    return to_host(a) if aac.is_array_api_obj(a) and not aac.is_numpy_array(a) else a


def on_host(x):
    """True for input NumPy reads as it is: a NumPy array, or no array-API object at all (a
    list, a DataFrame, a scipy.sparse matrix)."""
    return not aac.is_array_api_obj(x) or aac.is_numpy_array(x)


def is_device_array(a):
    """True for an array-API array that is not NumPy (it stays in its own namespace)."""
    return bool(aac.is_array_api_obj(a)) and not aac.is_numpy_array(a)


def in_namespace(a, xp):
    """True when ``a`` is an array of the namespace ``xp``."""
    return bool(aac.is_array_api_obj(a)) and aac.array_namespace(a) is xp


def numpy_namespace():
    """The array-API namespace of NumPy (``array_api_compat``'s wrapper)."""
    return aac.array_namespace(np.empty(0))


def lazy_where(cond, a, b):
    """``where`` of Dask arrays (lazy)."""
    import dask.array as da

    return da.where(cond, a, b)


def lazy_concat(arrays, axis=0):
    """``concat`` of Dask arrays (lazy; Dask spells it ``concatenate``)."""
    import dask.array as da

    return da.concatenate(arrays, axis=axis)


def lazy_clip(a, lo, hi):
    """``clip`` of a Dask array (lazy)."""
    import dask.array as da

    return da.clip(a, lo, hi)


def lazy_log(a):
    """The natural logarithm of a Dask array (lazy)."""
    import dask.array as da

    return da.log(a)


# ---------------------------------------------------------------------------------------------
# Dask: batched computation, per-row arrays cut as X's rows, reductions over row blocks
# ---------------------------------------------------------------------------------------------


def compute(*arrays):
    """Concrete values of ``arrays``: one batched ``dask.compute`` for Dask, a no-op otherwise.

    Use it once at the end of ``fit`` so that all of a model's reductions run in one pass.
    """
    if any(is_lazy(a) for a in arrays):
        import dask

        return tuple(dask.compute(*arrays))
    return arrays


def compute_calls(fn, calls):
    """``[fn(*args) for args in calls]`` as one batched ``dask.compute`` of delayed calls (the
    arguments may be Dask delayed objects, such as a Dask array's blocks)."""
    import dask

    return list(dask.compute(*[dask.delayed(fn)(*args) for args in calls]))


def lazy_from_numpy(a, chunks):
    """A host array as a Dask array cut into ``chunks`` (``-1``: one block)."""
    import dask.array as da

    return da.from_array(np.asarray(a), chunks=chunks)


def rows_like(a, X):
    """``a`` (per-row values) chunked as X's rows, for Dask; unchanged otherwise.

    Shared by the estimators that hand per-row arrays (sample weights, responsibilities, class
    indices) to X's row blocks (k-means, Gaussian mixtures, naive Bayes): on Dask they must be
    cut as X's rows are. None stays None.
    """
    if a is None or not is_lazy(X):
        return a
    if not is_lazy(a):
        return lazy_from_numpy(np.asarray(a), (X.chunks[0],) + np.shape(a)[1:])
    return a.rechunk({0: X.chunks[0]})


def ones_like_rows(X, xp, device, dtype=None):
    """Unit weights, one per row of X, of ``dtype`` (X's by default; chunked as X's rows on
    Dask)."""
    dtype = X.dtype if dtype is None else dtype
    if is_lazy(X):
        import dask.array as da

        return da.ones(X.shape[0], dtype=dtype, chunks=(X.chunks[0],))
    return xp.ones(X.shape[0], dtype=dtype, device=device)


def lazy_tsqr(X):
    """The R of the tall-skinny QR of a Dask X, over X's own row blocks (each block's QR, then
    the QR of the stacked R's). Lazy."""
    import dask.array as da

    _, R = da.linalg.qr(X.rechunk({1: -1}))
    return R


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
    same row chunks), each ``fn`` result a float64 array of ``shape``: ``row_block_reduce``
    with the blocks' results added. Lazy."""
    return row_block_reduce(fn, lambda parts: parts.sum(axis=0), shape, *arrays)


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
    cols = xp.arange(n, device=device) if not is_dask_namespace(xp) else xp.arange(n)
    return xp.astype(indices[:, None] == cols[None, :], dtype)


def bincount(indices, weights=None, minlength=0, xp=None):
    """Counts (or summed weights) of each non-negative integer in ``indices``.

    The output has length ``max(minlength, max(indices) + 1)``; for lazy input ``minlength``
    must be given and is the length.
    """
    if xp is None:
        xp, _ = namespace_and_device(indices, weights)
    native = is_numpy(xp) or aac.is_cupy_namespace(xp) or aac.is_torch_namespace(xp)
    if native or is_dask_namespace(xp):
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

