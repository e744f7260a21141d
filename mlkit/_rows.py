"""Fast paths for the rows of a tall (n, k) NumPy array with few columns.

Performance helpers, not operations the array API standard lacks: NumPy reduces a short
contiguous axis row by row, slowly (several times the cost of the data); for a few columns,
``k - 1`` elementwise operations over whole columns are not. Other namespaces take the plain
reduction.
"""

from __future__ import annotations

import numpy as np

from ._array import is_numpy

__all__ = ["argmax_rows", "max_rows", "sum_rows"]

_FEW_COLUMNS = 8  # up to this many columns, max and argmax go column by column on NumPy


def max_rows(a, xp):
    """``max(a, axis=1)`` of a tall (n, k) array.

    NumPy reduces a short contiguous axis row by row, slowly (several times the cost of the
    data); for a few columns, ``k − 1`` elementwise maxima over whole columns are not.
    """
    if not is_numpy(xp) or a.shape[1] > _FEW_COLUMNS:
        return xp.max(a, axis=1)
    top = a[:, 0].copy()
    for c in range(1, a.shape[1]):
        np.maximum(top, a[:, c], out=top)
    return top


def sum_rows(a, xp):
    """``sum(a, axis=1)`` of a tall (n, k) array; on NumPy the product ``a @ 1`` (BLAS), for
    the reason given in ``max_rows``."""
    if not is_numpy(xp):
        return xp.sum(a, axis=1)
    return a @ np.ones(a.shape[1], dtype=a.dtype)


def argmax_rows(a, xp):
    """``argmax(a, axis=1)`` of a tall (n, k) array; ties go to the first column.

    For a few columns on NumPy, one comparison per column over all rows (see ``max_rows``).
    """
    if not is_numpy(xp) or a.shape[1] > _FEW_COLUMNS:
        return xp.argmax(a, axis=1)
    best, idx = a[:, 0], np.zeros(a.shape[0], dtype=np.intp)
    for c in range(1, a.shape[1]):
        better = a[:, c] > best
        idx[better] = c
        best = np.maximum(best, a[:, c])
    return idx

