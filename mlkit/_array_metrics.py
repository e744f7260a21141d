"""Array helpers the metrics need that ``_array.py`` does not offer yet (to be folded into it).

Like ``_array.py``, this module knows ``array_api_compat`` and Dask by name, so that the
metrics do not: they ask whether an object is an array, whether it lives in a namespace, and
call the few Dask operations the array API standard spells differently.
"""

from __future__ import annotations

from typing import Any

import array_api_compat as aac
import numpy as np

__all__ = [
    "in_namespace",
    "is_array",
    "is_device_array",
    "lazy_clip",
    "lazy_concat",
    "lazy_log",
    "lazy_where",
    "numpy_namespace",
]


def is_array(a: Any) -> bool:
    """True for an array-API array of any namespace (NumPy, CuPy, torch, Dask, ...)."""
    return bool(aac.is_array_api_obj(a))


def is_device_array(a: Any) -> bool:
    """True for an array-API array that is not NumPy (it stays in its own namespace)."""
    return bool(aac.is_array_api_obj(a)) and not aac.is_numpy_array(a)


def in_namespace(a: Any, xp: Any) -> bool:
    """True when ``a`` is an array of the namespace ``xp``."""
    return bool(aac.is_array_api_obj(a)) and aac.array_namespace(a) is xp


def numpy_namespace() -> Any:
    """The array-API namespace of NumPy (``array_api_compat``'s wrapper)."""
    return aac.array_namespace(np.empty(0))


def lazy_where(cond: Any, a: Any, b: Any) -> Any:
    """``where`` of Dask arrays (lazy)."""
    import dask.array as da

    return da.where(cond, a, b)


def lazy_concat(arrays: list[Any], axis: int = 0) -> Any:
    """``concat`` of Dask arrays (lazy)."""
    import dask.array as da

    return da.concatenate(arrays, axis=axis)


def lazy_clip(a: Any, lo: float, hi: float) -> Any:
    """``clip`` of a Dask array (lazy)."""
    import dask.array as da

    return da.clip(a, lo, hi)


def lazy_log(a: Any) -> Any:
    """The natural logarithm of a Dask array (lazy)."""
    import dask.array as da

    return da.log(a)
