"""The steps of CART's vectorized split search (``_cart_split.Grower._search_block``) on the
rows of sorted samples: which cuts are valid and worth scoring, the cumulative class counts
left of them, and the first best cut of each (feature, node) segment."""

from __future__ import annotations

import numpy as np

FEATURE_TOL = np.float32(1e-7)  # values closer than this count as equal (scikit-learn's rule)


def _boundary_points(Y, gap, ok, seg):
    """The valid cuts worth scoring: at a change of class, next to a tied group on either
    side, and the first and last valid cut of each (feature, node) segment."""
    d, n_a = Y.shape
    keep = np.zeros((d, n_a), dtype=bool)
    keep[:, :-1] = Y[:, 1:] != Y[:, :-1]
    keep[:, 1:] |= ~gap[:, :-1]
    keep[:, :-2] |= ~gap[:, 1:-1]
    flat_pos = np.broadcast_to(np.arange(n_a), (d, n_a))
    starts = (np.arange(d)[:, None] * n_a + seg[None, :]).ravel()
    m = len(seg)
    first = np.minimum.reduceat(np.where(ok, flat_pos, n_a).ravel(), starts).reshape(d, m)
    last = np.maximum.reduceat(np.where(ok, flat_pos, -1).ravel(), starts).reshape(d, m)
    rows = np.arange(d)[:, None]
    keep[rows, np.minimum(first, n_a - 1)] = True
    keep[rows, np.maximum(last, 0)] = True
    return keep & ok


def _class_cumsums(Y, W, K, seg, unit):
    """Cumulative class counts along the rows (classes, features, positions), and their
    values just before each segment start (classes, features, nodes): one cumulative sum
    over a one-hot class axis. With unit weights the last class is left out (it is the
    difference, ``_with_last_class``) and the counts are exact int32."""
    n_cls = K - 1 if unit else K
    onehot = Y[None] == np.arange(n_cls)[:, None, None]
    C3 = np.cumsum(onehot if unit else np.where(onehot, W[None], 0.0), axis=2,
                   dtype=np.int32 if unit else None)
    B3 = np.zeros((n_cls, Y.shape[0], len(seg)), dtype=C3.dtype)
    B3[:, :, 1:] = C3[:, :, seg[1:] - 1]
    return C3, B3


def _with_last_class(left, n_left):
    """Unit weights: the class counts completed by the last class (``n_left`` minus the
    others), in float64, and the left weight (``n_left``)."""
    counts = np.empty((len(left) + 1,) + left.shape[1:])
    counts[:-1] = left
    counts[-1] = n_left - _sum_classes(left)
    return counts, n_left.astype(np.float64)


def _first_best(proxy, segid, cols, n_segments, n_a):
    """The best proxy of every (feature, node) segment and the position of its first cut
    reaching it (``n_a`` where a segment has no cut)."""
    n_seg = np.bincount(segid, minlength=n_segments)
    nonempty = n_seg > 0
    seg_start = (np.cumsum(n_seg) - n_seg)[nonempty]
    best = np.full(n_segments, -np.inf)
    pos = np.full(n_segments, n_a)
    if len(proxy):
        best[nonempty] = np.maximum.reduceat(proxy, seg_start)
        hit = proxy == best[segid]
        pos[nonempty] = np.minimum.reduceat(np.where(hit, cols, n_a), seg_start)
    return best, pos


def _sum_classes(a):
    """Integer counts summed over the class axis (0): row by row when there are few rows,
    which is faster than a reduction over a short leading axis."""
    if len(a) > 8:
        return a.sum(axis=0)
    total = a[0]
    for row in a[1:]:
        total = total + row
    return total


def _cumsum_and_base(A, seg):
    """Row-wise cumulative sums of ``A`` and their values just before each segment start.

    ``C - B[:, segment]`` is then the sum from the segment start. Boolean rows are counted in
    int32 (exact, and several times faster than float64).
    """
    C = np.cumsum(A, axis=1, dtype=np.int32 if A.dtype == bool else None)
    B = np.zeros((A.shape[0], len(seg)), dtype=C.dtype)
    B[:, 1:] = C[:, seg[1:] - 1]
    return C, B
