"""What the scalers share: the rule for constant columns, concrete fitted statistics,
the tags, and fitted arrays moved to the data's namespace.
"""

from __future__ import annotations

import numpy as np

from .._array import as_namespace, compute

_EPS = float(np.finfo(np.float64).eps)


def _handle_zeros(scale, xp, constant=None):
    """Scale of 1 for constant columns, so they are shifted but not blown up."""
    if constant is None:
        constant = scale < 10 * _EPS
    return xp.where(constant, 1.0, scale)


def _concrete(*arrays):
    """Fitted statistics: computed (for Dask) in one batch and kept small and concrete."""
    return compute(*arrays)


def _scaler_tags(tags, *, allow_nan=True, sparse=False):
    tags.input_tags.allow_nan = allow_nan
    tags.input_tags.sparse = sparse
    return tags


_SPARSE = ("csr", "csc")


def _as(a, xp, device, dtype):
    """A fitted array in the namespace, device and dtype of the data it is applied to."""
    a = as_namespace(a, xp, device)
    return a.astype(dtype) if isinstance(a, np.ndarray) else xp.astype(a, dtype)
