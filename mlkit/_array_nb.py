"""Two dispatch helpers naive_bayes needs that ``_array.py`` does not export yet.

To be folded into ``_array.py`` (the one module that knows the array libraries by name):
``on_host`` and ``rows_like``.
"""

from __future__ import annotations

import array_api_compat as aac
import numpy as np

from ._array import is_lazy

__all__ = ["on_host", "rows_like"]


def on_host(x):
    """True for input NumPy reads as it is: a NumPy array, or no array API object at all (a
    list, a DataFrame, a scipy.sparse matrix)."""
    return not aac.is_array_api_obj(x) or aac.is_numpy_array(x)


def rows_like(a, X):
    """``a`` (per-row values) chunked as the rows of a Dask ``X``; unchanged otherwise."""
    if not is_lazy(X) or a is None:
        return a
    import dask.array as da

    if not is_lazy(a):
        return da.from_array(np.asarray(a), chunks=(X.chunks[0],) + np.shape(a)[1:])
    return a.rechunk({0: X.chunks[0]})
