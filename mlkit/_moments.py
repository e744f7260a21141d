"""Moments shared by the scalers and GaussianNB -- (weighted) counts, means and sums of
squared deviations, per column or per class, and the column extremes -- as pure functions of
arrays in any namespace, reduced over row blocks.

On Dask, X is read once: each row block's own moments (``block_moments``, the corrected
two-pass algorithm on a block in memory) are merged by Chan, Golub & LeVeque's formula
(``merge_block_moments``) in a tree of tasks. The mean and the deviations from it are never
two passes over the source: a second pass would re-read (or, for generated data, recompute)
every block, or hold all of X in the workers' memory until the mean is known.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._array import device as device_of
from ._array import is_lazy, is_numpy, nanmax, nanmin, row_block_reduce
from ._threads import one_blas_thread
from ._typing import Array

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
    Dask arrays are read once, each block's moments merged (``lazy_moments``).
    """
    if is_lazy(X):
        count, mean, m2 = lazy_moments(X, None, sample_weight, 1)
        return count[0].astype(dtype), mean[0].astype(dtype), m2[0].astype(dtype)
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


# ---------------------------------------------------------------------------------------------
# One pass over Dask row blocks: each block's moments, merged
# ---------------------------------------------------------------------------------------------

_SUB_ROWS = 8192  # rows per step inside a block: the deviations stay cache-sized


def _class_weights(y_idx, w, k, lo, hi):
    """Rows ``lo:hi``'s (rows, k) class-weight matrix (one column when there are no classes)."""
    ws = np.ones(hi - lo) if w is None else np.asarray(w[lo:hi], dtype=np.float64)
    if y_idx is None:
        return ws[:, None]
    W = np.zeros((hi - lo, k))
    W[np.arange(hi - lo), y_idx[lo:hi]] = ws
    return W


def block_moments(X, y_idx=None, w=None, k=1):
    """(count, mean, m2) of each class in one NumPy row block, NaN left out: shape (3, k, d).

    The corrected two-pass algorithm over the block in memory: the class sums, then the
    deviations from the class means, ``m2 = Σ w D² - (Σ w D)² / count``. Without labels
    (``y_idx=None``) the one class is all rows.
    """
    X = np.asarray(X, dtype=np.float64)
    if y_idx is None:
        k = 1
    else:
        y_idx = np.asarray(y_idx)
    if np.isnan(X).any():
        return _block_moments_masked(X, y_idx, w, k)
    n, d = X.shape
    spans = [(lo, min(lo + _SUB_ROWS, n)) for lo in range(0, n, _SUB_ROWS)]
    weights = [_class_weights(y_idx, w, k, lo, hi) for lo, hi in spans]  # for both passes
    count, sums = np.zeros(k), np.zeros((k, d))
    for (lo, hi), W in zip(spans, weights, strict=True):
        count += W.sum(axis=0)
        sums += W.T @ X[lo:hi]
    safe = np.where(count > 0, count, 1.0)[:, None]
    mean = sums / safe
    dev2, dev = np.zeros((k, d)), np.zeros((k, d))
    for (lo, hi), W in zip(spans, weights, strict=True):
        D = X[lo:hi] - (mean[0] if y_idx is None else mean[y_idx[lo:hi]])
        dev += W.T @ D
        D *= D
        dev2 += W.T @ D
    m2 = np.maximum(dev2 - dev**2 / safe, 0.0)
    return np.stack([np.broadcast_to(count[:, None], (k, d)), mean, m2])


def _block_moments_masked(X, y_idx, w, k):
    """``block_moments`` of a block with NaN: each entry weighted by ``known · w``."""
    W = _class_weights(y_idx, w, k, 0, X.shape[0])
    known = ~np.isnan(X)
    Xz = np.where(known, X, 0.0)
    count = W.T @ known
    safe = np.where(count > 0, count, 1.0)
    mean = (W.T @ Xz) / safe
    D = (Xz - (mean[0] if y_idx is None else mean[y_idx])) * known
    dev = W.T @ D
    return np.stack([count, mean, np.maximum(W.T @ (D * D) - dev**2 / safe, 0.0)])


def merge_block_moments(parts):
    """Moments of the union of disjoint samples from theirs, stacked as (B, 3, k, d).

    Chan, Golub & LeVeque (1979) for B parts at once: the pooled mean
    ``Σ n_b mean_b / Σ n_b`` and ``m2 = Σ m2_b + Σ n_b (mean_b - mean)²``.
    """
    count, mean, m2 = parts[:, 0], parts[:, 1], parts[:, 2]
    total = count.sum(axis=0)
    grand = (count * mean).sum(axis=0) / np.where(total > 0, total, 1.0)
    spread = (m2 + count * (mean - grand) ** 2).sum(axis=0)
    return np.stack([total, grand, spread])


def lazy_moments(X, y_idx=None, w=None, k=1):
    """(count, mean, m2), each (k, d), of a Dask X per class of ``y_idx``: one pass, lazy."""
    arrays = [a for a in (X, y_idx, w) if a is not None]
    has_y, has_w = y_idx is not None, w is not None

    @one_blas_thread
    def one_block(Xb, *rest):
        rest = list(rest)
        yb = rest.pop(0) if has_y else None
        return block_moments(Xb, yb, rest.pop(0) if has_w else None, k)

    stats = row_block_reduce(one_block, merge_block_moments,
                             (3, k if has_y else 1, X.shape[1]), *arrays)
    return stats[0], stats[1], stats[2]


def block_comoments(X, y_idx, k):
    """One NumPy row block's co-moments of ``Z = [X, Y]`` (Y the one-hot classes of ``y_idx``).

    Packed as one (d + k + 3, d + k) array: the row count (every column), the column sums
    (exact class counts in the Y columns), the column means, and the centred scatter
    ``(Z - z̄)ᵀ(Z - z̄)`` of the block.
    """
    X = np.asarray(X, dtype=np.float64)
    n = X.shape[0]
    Z = np.zeros((n, X.shape[1] + k))
    Z[:, : X.shape[1]] = X
    Z[np.arange(n), X.shape[1] + np.asarray(y_idx)] = 1.0
    sums = Z.sum(axis=0)
    mean = sums / max(n, 1)
    Z -= mean
    return np.vstack([np.full_like(sums, n), sums, mean, Z.T @ Z])


def merge_block_comoments(parts):
    """Co-moments of the union of disjoint blocks from theirs, stacked as (B, p + 3, p).

    The matrix form of Chan, Golub & LeVeque's merge: ``M2 = Σ M2_b + Σ n_b δ_b δ_bᵀ`` with
    ``δ_b = z̄_b - z̄`` the blocks' mean offsets from the pooled mean.
    """
    n, sums, mean, M2 = parts[:, 0, 0], parts[:, 1], parts[:, 2], parts[:, 3:]
    total = n.sum()
    grand = (n[:, None] * mean).sum(axis=0) / max(total, 1.0)
    delta = mean - grand
    scatter = M2.sum(axis=0) + (n[:, None] * delta).T @ delta
    return np.vstack([np.full_like(grand, total), sums.sum(axis=0), grand, scatter])


def lazy_class_scatter(X, y_idx, k):
    """(class counts, column means x̄, co-moments of ``[X, Y]`` about their means) of a Dask
    X with class indices ``y_idx``: one pass over X, lazy. The co-moments' X block is the
    centred scatter ``XcᵀXc``; their Y-by-X block holds the class sums of ``X - x̄``."""
    p = X.shape[1] + k
    y_idx = y_idx.rechunk((X.chunks[0],))
    stats = row_block_reduce(one_blas_thread(lambda Xb, yb: block_comoments(Xb, yb, k)),
                             merge_block_comoments, (p + 3, p), X, y_idx)
    d = X.shape[1]
    return stats[1, d:], stats[2, :d], stats[3:]
