"""Per-column statistics of the scalers -- (weighted) moments, extremes, largest
magnitudes -- as pure functions of arrays in any namespace, reduced over row blocks.
"""

from __future__ import annotations

from typing import Any

from .._array import device as device_of
from .._array import is_lazy, is_numpy, nanmax, nanmin
from .._typing import Array

# ---------------------------------------------------------------------------------------------
# Column statistics (pure functions of arrays, in any namespace)
# ---------------------------------------------------------------------------------------------


# rows per block of the column moments: about this many elements, so that the float64 block
# and its deviations stay small next to X (NumPy: cache-sized; devices: fewer, larger calls)
_MOMENT_BLOCK = {"numpy": 1 << 17, "device": 1 << 22}


def _row_blocks(X, xp):
    elements = _MOMENT_BLOCK["numpy" if is_numpy(xp) else "device"]
    rows = max(1, elements // max(1, X.shape[1]))
    return [(lo, min(lo + rows, X.shape[0])) for lo in range(0, X.shape[0], rows)]


def column_moments(X: Array, sample_weight: Array | None, xp: Any,
                   dtype: Any) -> tuple[Array, Array, Array]:
    """Per-column (weighted) count, mean and sum of squared deviations, ignoring NaN.

    The corrected two-pass algorithm (Chan, Golub & LeVeque 1983): the mean first, then the
    squared deviations from it, minus the square of the deviations' sum -- a term that is zero
    in exact arithmetic and removes most of the rounding error of the first pass. Both passes
    run over row blocks, each cast to ``dtype`` on its own, so the temporaries (a float32
    X's float64 copy, the deviations, their squares) are a block's, not X's. Data without
    missing values takes the short road (no mask; weighted sums as matrix-vector products).
    Dask arrays are reduced by Dask, over its own chunks.
    """
    if is_lazy(X):
        return _masked_moments(xp.astype(X, dtype, copy=False), sample_weight, xp, dtype)
    blocks = _row_blocks(X, xp)

    def rows(lo, hi):
        Xb = xp.astype(X[lo:hi, ...], dtype, copy=False)
        return Xb, None if sample_weight is None else sample_weight[lo:hi]

    def col_sum(a, w):
        return xp.sum(a, axis=0) if w is None else w @ a

    sums = sum(col_sum(*rows(lo, hi)) for lo, hi in blocks)
    if bool(xp.any(xp.isnan(sums))):  # a NaN in a column makes its sum NaN: no extra pass
        return _masked_moments_blocks(rows, blocks, xp, dtype)
    total = float(X.shape[0]) if sample_weight is None else xp.sum(sample_weight)
    mean = sums / total
    m2 = dev_sum = 0.0
    for lo, hi in blocks:
        Xb, w = rows(lo, hi)
        dev = Xb - mean
        m2 = m2 + col_sum(dev * dev, w)
        dev_sum = dev_sum + col_sum(dev, w)
    count = xp.full((X.shape[1],), total, dtype=dtype, device=device_of(X))
    # the correction can overshoot by a rounding error on a constant column
    return count, mean, xp.maximum(m2 - dev_sum**2 / total, 0.0)


def _masked_moments_blocks(rows, blocks, xp, dtype):
    """``column_moments`` of data with NaN: weights ``known · sample_weight`` per entry."""
    def masked(lo, hi):
        Xb, sw = rows(lo, hi)
        known = ~xp.isnan(Xb)
        w = xp.astype(known, dtype)
        return known, (w if sw is None else w * sw[:, None]), xp.where(known, Xb, 0.0)

    count = total = 0.0
    for lo, hi in blocks:
        _, w, Xz = masked(lo, hi)
        count = count + xp.sum(w, axis=0)
        total = total + xp.sum(w * Xz, axis=0)
    safe = xp.where(count > 0, count, 1.0)
    mean = total / safe
    m2 = dev_sum = 0.0
    for lo, hi in blocks:
        known, w, Xz = masked(lo, hi)
        dev = xp.where(known, Xz - mean, 0.0)
        wdev = w * dev
        m2 = m2 + xp.sum(wdev * dev, axis=0)
        dev_sum = dev_sum + xp.sum(wdev, axis=0)
    return count, mean, xp.maximum(m2 - dev_sum**2 / safe, 0.0)


def _masked_moments(X, sample_weight, xp, dtype):
    known = ~xp.isnan(X)
    w = xp.astype(known, dtype)
    if sample_weight is not None:
        w = w * sample_weight[:, None]
    Xz = xp.where(known, X, 0.0)
    count = xp.sum(w, axis=0)
    safe = xp.where(count > 0, count, 1.0)
    mean = xp.sum(w * Xz, axis=0) / safe
    dev = xp.where(known, Xz - mean, 0.0)
    wdev = w * dev
    m2 = xp.sum(wdev * dev, axis=0) - xp.sum(wdev, axis=0) ** 2 / safe
    return count, mean, xp.maximum(m2, 0.0)


def merge_moments(a: tuple[Array, Array, Array], b: tuple[Array, Array, Array],
                  xp: Any) -> tuple[Array, Array, Array]:
    """Merge (count, mean, m2) of two disjoint samples (Chan, Golub & LeVeque 1979)."""
    n_a, mean_a, m2_a = a
    n_b, mean_b, m2_b = b
    n = n_a + n_b
    safe = xp.where(n > 0, n, 1.0)
    delta = mean_b - mean_a
    mean = mean_a + delta * (n_b / safe)
    m2 = m2_a + m2_b + delta**2 * (n_a * n_b / safe)
    return n, mean, m2


def column_extremes(X: Array, xp: Any) -> tuple[Array, Array]:
    """Per-column minimum and maximum ignoring NaN (NaN for an all-NaN column)."""
    return nanmin(X, axis=0, xp=xp), nanmax(X, axis=0, xp=xp)


def column_max_abs(X: Array, xp: Any) -> Array:
    """Per-column largest magnitude ignoring NaN (0 for an all-NaN column)."""
    lo, hi = column_extremes(X, xp)
    m = xp.maximum(hi, -lo)
    return xp.where(xp.isnan(m), 0.0, m)
