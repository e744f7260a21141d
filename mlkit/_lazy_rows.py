"""Per-row arrays chunked as X's rows on Dask (sample weights, responsibilities, ones).

Shared by the estimators that hand such arrays to X's row blocks (k-means, Gaussian mixtures):
on Dask they must be cut as X's rows are; on every other array type they are left as they are.
"""

from __future__ import annotations

import numpy as np

from ._array import is_lazy


def ones_like_rows(X, xp, device):
    """Unit weights, one per row of X (chunked as X's rows on Dask)."""
    if is_lazy(X):
        import dask.array as da

        return da.ones(X.shape[0], dtype=X.dtype, chunks=(X.chunks[0],))
    return xp.ones(X.shape[0], dtype=X.dtype, device=device)


def rows_like(a, X):
    """``a`` (per-row values) chunked as X's rows, for Dask; unchanged otherwise."""
    if is_lazy(X) and not is_lazy(a):
        import dask.array as da

        return da.from_array(np.asarray(a), chunks=(X.chunks[0],) + a.shape[1:])
    return a
