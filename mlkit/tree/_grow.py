"""Growing a multiway tree breadth-first: every open node of a level at once.

One level costs, per feature, a few array operations over the cases still in open nodes:

- numeric column: the cases are kept sorted by (node, value) -- sorted once at the root, then
  re-sorted by a stable partition on the child's number as nodes split, so each child's
  cases stay in value order; one cumulative sum of the class-weight matrix gives the class
  counts left of every candidate threshold of every node, and every candidate is scored at
  once;
- categorical column: one ``bincount`` over (node, category, class).

The criteria are those of ID3 (information gain) or of C4.5 release 8 as Weka's J48 implements
it (gain ratio among the attributes of at least average gain; the MDL-corrected gain of
numeric thresholds; the minimum branch weight; split points moved to a training value;
cases with missing values spread over the branches with fractional weights).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from ._criteria import EPS, _xlog2x, gain_ratio, information_gain, split_info
from ._structure import TreeArrays, node_values


@dataclass(frozen=True)
class GrowParams:
    """How to grow: ``c45`` selects C4.5's rules, else ID3's (information gain, no minimum)."""

    c45: bool
    min_leaf: float = 2.0
    mdl: bool = True
    max_depth: int | None = None


def _offsets(counts):
    return np.cumsum(counts) - counts


def _min_split(known_total, n_classes, min_leaf):
    """J48's minimum weight on each side of a numeric split:
    0.1 * known weight / n_classes, raised to ``min_leaf`` and capped at 25."""
    m = 0.1 * known_total / n_classes
    return np.where(m <= min_leaf + EPS, min_leaf, np.where(m > 25.0 + EPS, 25.0, m))


def numeric_scores(order, nd, sizes, features, sample, weight, y, Z, total, n_open, n_classes, p,
                   table=None):
    """Best threshold of every numeric feature (of one group) for every open node, in one pass.

    ``order`` lists, feature after feature (``sizes[i]`` cases for ``features[i]``), the
    cases of the open nodes with a known value of the feature, grouped by node and sorted by
    value within each node; ``nd`` is each entry's segment ``i * n_open + node``. The
    (feature, node) segments are thus contiguous, and one cumulative sum of the class
    weights gives the class counts left of every boundary of every node and feature (integer
    counts when ``table[k] = k log2 k`` is given: unit weights, no missing values). The gain
    of a boundary is the information gain on the known cases times the known fraction, as
    C4.5 scores it: ``(N H(known) - N_L H(left) - N_R H(right)) / N_total``
    (``_boundary_gains``).

    Returns gain (MDL-corrected for C4.5), gain ratio, validity and the midpoint threshold
    (for C4.5 still to be moved to a training value, ``snap_thresholds``), each of shape
    (len(features), n_open).
    """
    n_feat = len(features)
    G = n_feat * n_open  # segments: (feature, node)
    if order.size < 2:
        return _no_thresholds(n_feat, n_open)
    s = sample.take(order)
    v = Z.ravel(order="F").take(np.repeat(np.asarray(features) * Z.shape[0], sizes) + s)
    segs = np.arange(G)
    starts = np.searchsorted(nd, segs, "left")
    ends = np.searchsorted(nd, segs, "right")
    cum = _class_cumsum(order, y.take(s), weight, n_classes, integer=table is not None)
    before = cum[:, starts]  # weight before each segment's first case, per class and in all
    known = cum[:, ends] - before
    # ``nd`` is sorted, so a per-segment value is spread over its entries by ``np.repeat``
    # (cheaper than gathering with ``take(nd)``)
    lw = cum[n_classes, 1:] - np.repeat(before[n_classes], ends - starts)
    rw = np.repeat(known[n_classes], ends - starts) - lw
    at, enough = _valid_boundaries(v, nd, lw, rw, known[n_classes], ends - starts, n_classes, p)
    if at.size == 0:
        return _no_thresholds(n_feat, n_open)
    seg = np.searchsorted(at, starts)  # each segment's first valid boundary, and their number
    n_valid = np.searchsorted(at, ends) - seg
    total = np.tile(total, n_feat)
    xlog2x = _xlog2x if table is None else table.take
    gain = _boundary_gains(cum, before, known, lw, rw, at, n_valid, total, xlog2x)
    j, g, ok = _best_boundaries(gain, at, nd, seg, n_valid, enough, total, G, p)
    mid = (v[j] + v[j + 1]) / 2
    mid = np.where(mid == v[j + 1], v[j], mid)
    gain_out, ratio_out = np.where(ok, g, 0.0), np.zeros(G)
    if p.c45:  # ID3 needs no gain ratio
        si = split_info(np.stack([lw[j], rw[j], total - known[n_classes]], axis=1))
        ratio_out = np.where(ok, gain_ratio(gain_out, si), 0.0)
    thr = np.where(ok, mid, np.nan)
    shape = (n_feat, n_open)
    return gain_out.reshape(shape), ratio_out.reshape(shape), ok.reshape(shape), thr.reshape(shape)


def _no_thresholds(n_feat, n_open):
    """``numeric_scores``' answer when no node has a valid threshold."""
    shape = (n_feat, n_open)
    return np.zeros(shape), np.zeros(shape), np.zeros(shape, dtype=bool), np.full(shape, np.nan)


def _class_cumsum(order, ys, weight, n_classes, integer):
    """Running weight of each class along the sorted cases (one contiguous row per class,
    a leading 0), and of all classes in the last row; counts when ``integer``."""
    m = order.size
    if not integer:
        w = weight.take(order)
        cum = np.zeros((n_classes + 1, m + 1))
        for k in range(n_classes):
            np.cumsum(np.where(ys == k, w, 0.0), out=cum[k, 1:])
        np.cumsum(w, out=cum[n_classes, 1:])
        return cum
    cum = np.zeros((n_classes + 1, m + 1), dtype=np.intp)
    for k in range(n_classes):
        np.cumsum(ys == k, out=cum[k, 1:])
    cum[n_classes, 1:] = np.arange(1, m + 1)
    return cum


def _valid_boundaries(v, nd, lw, rw, known_total, seg_size, n_classes, p):
    """The boundaries (after sorted entry i) that may be cut: between distinct values of
    one segment and, for C4.5, leaving J48's minimum split weight on both sides. Returns
    them, and per segment whether its known weight allows a split at all."""
    m = v.size
    boundary = np.zeros(m, dtype=bool)
    if p.c45:  # J48 treats values closer than 1e-5 as equal
        np.less(v[:-1] + 1e-5, v[1:], out=boundary[:-1])
    else:
        np.less(v[:-1], v[1:], out=boundary[:-1])
    if not p.c45 or min(p.min_leaf, 25.0) <= 2 * EPS:
        boundary[:-1] &= nd[1:] == nd[:-1]
    # else a segment's last case leaves no weight on the right, so the minimum split weight
    # below already keeps every boundary inside its segment
    if not p.c45:
        return np.flatnonzero(boundary), known_total > 0
    min_split = _min_split(known_total, n_classes, p.min_leaf)
    ms = np.repeat(min_split - EPS, seg_size)
    valid = boundary & (lw >= ms) & (rw >= ms)
    return np.flatnonzero(valid), known_total >= 2 * min_split - EPS


def _boundary_gains(cum, before, known, lw, rw, at, n_valid, total, xlog2x):
    """The gain of every valid boundary ``at`` as C4.5 scores it, the information gain on
    the known cases times their fraction: ``(nH(known) - nH(left) - nH(right)) / N_total``
    with ``nH(c) = N log2 N - sum_k c_k log2 c_k`` (N times ``_criteria.entropy(c)``).

    Not ``entropy`` itself: ``xlog2x`` is a lookup table of ``k log2 k`` for integer counts,
    which replaces every logarithm; calling ``entropy`` on the left and right counts grows
    the same trees but fits C4.5 ~25% slower at unit weights (as fast with other weights).
    """
    n_classes = len(cum) - 1
    parent_nh = xlog2x(known[n_classes]) - xlog2x(known[:n_classes]).sum(axis=0)
    children_nh = xlog2x(lw.take(at)) + xlog2x(rw.take(at))
    at1 = at + 1
    for k in range(n_classes):
        left = cum[k].take(at1) - np.repeat(before[k], n_valid)
        right = np.repeat(known[k], n_valid) - left
        children_nh -= xlog2x(left) + xlog2x(right)
    return (np.repeat(parent_nh, n_valid) - children_nh) / np.repeat(total, n_valid)


def _best_boundaries(gain, at, nd, seg, n_valid, enough, total, G, p):
    """Each segment's first boundary of (near-)best gain: its entry ``j``, its gain (less
    the MDL penalty ``log2(n_valid) / N`` for C4.5) and whether it is a split."""
    score = np.where(gain > EPS, gain, -np.inf)
    has = n_valid > 0
    best = np.full(G, -np.inf)
    best[has] = np.maximum.reduceat(score, seg[has])
    tie = EPS if p.c45 else 1e-12  # J48 keeps the first of gains equal within 1e-6
    hit = np.flatnonzero(score >= np.repeat(best - tie, n_valid))  # all when best = -inf
    hit_seg = nd.take(at.take(hit))
    lead = np.ones(hit.size, dtype=bool)
    lead[1:] = hit_seg[1:] != hit_seg[:-1]
    first = np.full(G, at.size)
    first[hit_seg[lead]] = hit[lead]  # the first near-best boundary of each segment
    found = (first < at.size) & enough & np.isfinite(best)
    pick = np.minimum(first, at.size - 1)
    g = np.where(found, gain[pick], 0.0)
    if p.mdl:
        g = g - np.log2(np.maximum(n_valid, 1)) / np.where(total > 0, total, 1.0)
    return at[pick], g, found & (g > EPS)


def categorical_scores(local, sample, weight, y, column, n_cats, total, n_open, n_classes, p):
    """Gain, gain ratio and validity of a multiway split on one categorical column, per node,
    from one bincount over (node, category, class)."""
    code = column[sample]
    known = ~np.isnan(code)
    key = local[known] * n_cats + code[known].astype(np.int64)
    if n_open * n_cats * n_classes > _DENSE_LIMIT:
        return _sparse_categorical_scores(key, y[sample[known]], weight[known], n_cats, total,
                                          n_open, n_classes, p)
    size = n_open * n_cats * n_classes
    cnt = np.bincount(key * n_classes + y[sample[known]], weight[known], minlength=size)
    cnt = cnt.reshape(n_open, n_cats, n_classes)
    bag = cnt.sum(axis=2)
    known_total = bag.sum(axis=1)
    frac_known = known_total / np.where(total > 0, total, 1.0)
    gain = frac_known * information_gain(cnt.sum(axis=1), cnt)
    return _categorical_result(gain, bag, total, known_total, p)


_DENSE_LIMIT = 2**24  # above this many (node, category, class) cells, count only present bags


def _categorical_result(gain, bag, total, known_total, p):
    gain = np.where(gain > EPS, gain, 0.0)
    if p.c45:  # at least two branches with min_leaf weight (J48's Distribution.check)
        ok = (bag >= p.min_leaf - EPS).sum(axis=1) >= 2
    else:
        ok = ((bag > 0).sum(axis=1) >= 2) & (gain > 0)
    si = split_info(np.concatenate([bag, (total - known_total)[:, None]], axis=1))
    ratio = np.where(ok, gain_ratio(gain, si), 0.0)
    return np.where(ok, gain, 0.0), ratio, ok


def _sparse_categorical_scores(key, ys, w, n_cats, total, n_open, n_classes, p):
    """The same scores when the dense (node, category, class) table would be too large:
    only the (node, category) bags that hold cases are counted."""
    bags, inv = np.unique(key, return_inverse=True)
    cnt = np.bincount(inv * n_classes + ys, w, minlength=bags.size * n_classes)
    cnt = cnt.reshape(bags.size, n_classes)
    size = cnt.sum(axis=1)
    owner = bags // n_cats
    known_c = np.stack([np.bincount(owner, cnt[:, k], minlength=n_open)
                        for k in range(n_classes)], axis=1)
    known_total = known_c.sum(axis=1)
    nh_bags = np.bincount(owner, _xlog2x(size) - _xlog2x(cnt).sum(axis=1), minlength=n_open)
    nh_known = _xlog2x(known_total) - _xlog2x(known_c).sum(axis=1)
    gain = (nh_known - nh_bags) / np.where(total > 0, total, 1.0)
    big = np.bincount(owner, size >= p.min_leaf - EPS if p.c45 else size > 0,
                      minlength=n_open)
    gain = np.where(gain > EPS, gain, 0.0)
    ok = (big >= 2) if p.c45 else ((big >= 2) & (gain > 0))
    missing = total - known_total
    nh_split = (_xlog2x(total) - np.bincount(owner, _xlog2x(size), minlength=n_open)
                - _xlog2x(missing))
    si = nh_split / np.where(total > 0, total, 1.0)
    ratio = np.where(ok, gain_ratio(gain, si), 0.0)
    return np.where(ok, gain, 0.0), ratio, ok


def choose_attribute(gains, ratios, ok, in_average, p):
    """The feature each node splits on (-1: none), from per-feature arrays of shape (d, L).

    C4.5: the highest gain ratio among the attributes whose gain is at least the average gain
    of the valid attributes (minus 1e-3, as J48), the first one winning ties. ID3: the
    highest information gain.
    """
    d, n_open = gains.shape
    best_f = np.full(n_open, -1)
    if p.c45:
        counted = ok & in_average[:, None]
        n_counted = counted.sum(axis=0)
        average = (gains * counted).sum(axis=0) / np.maximum(n_counted, 1)
        candidate = ok & (gains >= average - 1e-3) & (n_counted > 0)
        ratio = np.where(candidate, ratios, -np.inf)
        best = np.zeros(n_open)
        for f in np.flatnonzero(candidate.any(axis=1)):  # in order: the first of near-equals
            better = ratio[f] > best + EPS
            best_f[better] = f
            best = np.where(better, ratio[f], best)
        return best_f
    score = np.where(ok & (gains > EPS), gains, -np.inf)
    top = score.max(axis=0, initial=-np.inf)
    winners = np.isfinite(score) & (score >= top - 1e-12)
    first = np.argmax(winners, axis=0)
    return np.where(winners.any(axis=0), first, -1)


# numeric features scored together, up to this many sorted cases: the arrays of one pass
# (a few dozen bytes per case) then stay in a core's L2 cache, which makes a level faster than
# scoring all features in one pass
_ROWS_PER_PASS = 2**14


def _feature_groups(sizes):
    """Consecutive ranges of features whose sorted cases fit in one scoring pass."""
    groups, lo, rows = [], 0, 0
    for i, size in enumerate(sizes):
        if i > lo and rows + size > _ROWS_PER_PASS:
            groups.append((lo, i))
            lo, rows = i, 0
        rows += int(size)
    if len(sizes):
        groups.append((lo, len(sizes)))
    return groups


def snap_thresholds(thr, feature, sorted_values):
    """Move each numeric split point to the largest training value of its feature not above
    it (J48's setSplitPoint); ``feature`` is -1 where there is no numeric split and
    ``sorted_values[f]`` holds the known training values of column f in increasing order."""
    at = np.flatnonzero(feature >= 0)
    if at.size == 0:
        return thr
    thr = thr.copy()
    at = at[np.argsort(feature[at], kind="stable")]
    f_at = feature[at]
    cuts = np.flatnonzero(f_at[1:] != f_at[:-1]) + 1
    for group in np.split(at, cuts):  # one search per split feature
        vals = sorted_values[int(feature[group[0]])]
        thr[group] = vals[np.maximum(np.searchsorted(vals, thr[group], "right") - 1, 0)]
    return thr


def _stable_argsort(key, bound):
    """Stable argsort of integer keys in [0, bound): NumPy radix-sorts 16-bit keys, so wider
    keys are sorted in two 16-bit passes (low half, then high half)."""
    if bound <= 2**16:
        return np.argsort(key.astype(np.uint16), kind="stable")
    if bound <= 2**32:
        low = np.argsort((key & 0xFFFF).astype(np.uint16), kind="stable")
        high = np.argsort((key[low] >> 16).astype(np.uint16), kind="stable")
        return low[high]
    return np.argsort(key, kind="stable")


def grow(Z, is_cat, n_cats, y, w, n_classes, p):
    """Grow the tree on the encoded matrix ``Z`` (see ``_columns.encode``).

    Returns a ``TreeArrays`` (breadth-first numbering) with the training class counts.
    """
    Z = np.asfortranarray(Z)  # columns contiguous: each feature is gathered once per level
    sample = np.flatnonzero(w > 0)
    weight = w[sample].astype(np.float64)
    local = np.zeros(sample.size, dtype=np.int64)
    cols = _SortedColumns.build(Z, sample, weight, is_cat)
    in_average = _in_average(is_cat, n_cats, weight)
    levels = []  # per level: feature, threshold, child_start, n_children, counts
    links = [(np.array([-1]), np.array([-1]), np.array([1.0]), np.zeros(1, int))]
    first_id, n_open, depth = 0, 1, 0
    while n_open:
        counts, can = _node_counts(local, sample, weight, y, n_open, n_classes, depth, p)
        scores = _level_scores(Z, is_cat, n_cats, cols, local, sample, weight, y, counts, can,
                               p)
        best_f = choose_attribute(*scores[:3], in_average, p)
        thr, nch = _splits(best_f, scores[3], is_cat, n_cats, cols.values, p)
        start_local = _offsets(nch)
        levels.append((best_f, np.where(is_cat[np.maximum(best_f, 0)], np.nan, thr),
                       np.where(best_f >= 0, first_id + n_open + start_local, 0), nch, counts))
        n_next = int(nch.sum())
        if n_next == 0:
            break
        move = _send_cases(Z, is_cat, sample, local, weight, best_f, thr, nch, start_local)
        cols = cols.follow(move, n_next)
        sample, local, weight = move["sample"], move["local"], move["weight"]
        links.append((first_id + move["parent"], move["branch"], move["fraction"],
                      np.full(n_next, depth + 1)))
        first_id, n_open, depth = first_id + n_open, n_next, depth + 1
    return _tree_arrays(levels, links, is_cat)


def _in_average(is_cat, n_cats, weight):
    """The features counted in C4.5's average gain. J48 leaves categorical columns with at
    least 0.3 n values out; n counted as the cases' weight (the number of rows for unit
    weights, as J48), so that a weight k is k repeated rows and a weight 0 no row."""
    many_valued = is_cat & (n_cats >= 0.3 * float(weight.sum()))
    return ~many_valued if not many_valued.all() else np.ones(is_cat.size, dtype=bool)


def _node_counts(local, sample, weight, y, n_open, n_classes, depth, p):
    """The class counts of the open nodes, and which of them may be split (impure, heavy
    enough for C4.5's two minimum leaves, above ``max_depth``)."""
    counts = np.bincount(local * n_classes + y[sample], weight, minlength=n_open * n_classes)
    counts = counts.reshape(n_open, n_classes)
    total = counts.sum(axis=1)
    if p.c45:
        can = (total >= 2 * p.min_leaf - EPS) & (total - counts.max(axis=1) > EPS)
    else:
        can = (total > 0) & (total - counts.max(axis=1) > EPS)
    if p.max_depth is not None and depth >= p.max_depth:
        can[:] = False
    return counts, can


def _level_scores(Z, is_cat, n_cats, cols, local, sample, weight, y, counts, can, p):
    """Gain, gain ratio, validity and threshold of every feature at every open node, shape
    (n_features, n_open): categorical columns one by one, numeric ones in groups."""
    n_open, C = counts.shape
    d = Z.shape[1]
    total = counts.sum(axis=1)
    gains, ratios = np.zeros((d, n_open)), np.zeros((d, n_open))
    ok = np.zeros((d, n_open), dtype=bool)
    thresholds = np.full((d, n_open), np.nan)
    if not can.any():
        return gains, ratios, ok, thresholds
    for f in np.flatnonzero(is_cat):
        gains[f], ratios[f], ok[f] = categorical_scores(
            local, sample, weight, y, Z[:, f], int(n_cats[f]), total, n_open, C, p)
    row = np.concatenate([[0], np.cumsum(cols.sizes)])
    for lo, hi in _feature_groups(cols.sizes):
        group = cols.numeric[lo:hi]
        (gains[group], ratios[group], ok[group], thresholds[group]) = numeric_scores(
            cols.order[row[lo]:row[hi]], cols.nd[row[lo]:row[hi]] - lo * n_open,
            cols.sizes[lo:hi], group, sample, weight, y, Z, total, n_open, C, p, cols.table)
    ok &= can
    return gains, ratios, ok, thresholds


def _splits(best_f, thresholds, is_cat, n_cats, values, p):
    """The threshold of each node's chosen numeric split (moved to a training value for
    C4.5; NaN where none) and each node's number of children."""
    n_open = best_f.size
    split = best_f >= 0
    feat_safe = np.maximum(best_f, 0)
    thr = np.where(split, thresholds[feat_safe, np.arange(n_open)], np.nan)
    if p.c45:
        thr = snap_thresholds(thr, np.where(split & ~is_cat[feat_safe], best_f, -1), values)
    nch = np.where(split, np.where(is_cat[feat_safe], n_cats[feat_safe], 2), 0)
    return thr, nch


def _send_cases(Z, is_cat, sample, local, weight, best_f, thr, nch, start_local):
    """Route the cases of the split nodes to the children: a known value to its branch, a
    missing one to every branch with its weight times the branch's fraction (the share of
    the node's known weight the branch took; equal shares when none is known)."""
    n_open, n_next = nch.size, int(nch.sum())
    split = best_f >= 0
    f_inst = best_f[local]
    x = Z[sample, np.maximum(f_inst, 0)]
    missing = np.isnan(x)
    b = np.where(is_cat[np.maximum(f_inst, 0)], np.nan_to_num(x), x > thr[local])
    moving = f_inst >= 0
    known = moving & ~missing
    child = start_local[local] + b.astype(np.int64)
    child_w = np.bincount(child[known], weight[known], minlength=n_next)
    parent_of_child = np.repeat(np.arange(n_open), nch)
    known_par = np.bincount(local[known], weight[known], minlength=n_open)[parent_of_child]
    frac = np.where(known_par > 0, child_w / np.where(known_par > 0, known_par, 1.0),
                    1.0 / np.repeat(nch[split], nch[split]))
    copies = np.where(known, 1, np.where(moving, nch[local], 0))
    new_at = _offsets(copies)
    rep = np.repeat(np.arange(sample.size), copies)
    within = np.arange(rep.size) - new_at[rep]
    spread = missing[rep]
    new_local = np.where(spread, start_local[local[rep]] + within, child[rep])
    new_weight = np.where(spread, weight[rep] * frac[new_local], weight[rep])
    keep = new_weight > 0
    return {"parent": parent_of_child, "fraction": frac,
            "branch": np.arange(n_next) - np.repeat(start_local[split], nch[split]),
            "moving": moving, "missing": missing, "child": child, "copies": copies,
            "new_at": new_at, "new_local": new_local, "keep": keep,
            "sample": sample[rep[keep]], "local": new_local[keep], "weight": new_weight[keep]}


@dataclass(frozen=True)
class _SortedColumns:
    """The cases of the open nodes sorted by (node, value), numeric feature after feature:
    ``order`` (case positions), ``nd`` (each entry's segment, feature * n_open + node) and
    ``sizes`` (entries per feature); ``values`` the known training values of each numeric
    column, in order; ``table`` of ``k log2 k`` (k = 0..n) when all weights are 1 and no
    value is missing (the counts are then integers), else None."""

    numeric: np.ndarray
    order: np.ndarray
    nd: np.ndarray
    sizes: np.ndarray
    values: dict
    table: np.ndarray | None

    @classmethod
    def build(cls, Z, sample, weight, is_cat):
        """Sort every numeric column once, at the root. NaN sorts last and is dropped.
        Candidates lie between distinct values, so the order among equal values changes
        nothing when all cases weigh the same and none is spread over branches (a missing
        value): the sort then need not be stable."""
        numeric = np.flatnonzero(~is_cat)
        complete = not np.isnan(Z[sample]).any()
        cols = Z[sample][:, numeric]
        any_order = complete and np.all(weight == weight[0])
        o = np.argsort(cols, axis=0, kind=None if any_order else "stable")
        sorted_cols = np.take_along_axis(cols, o, axis=0)
        known_sorted = ~np.isnan(sorted_cols)
        sizes = known_sorted.sum(axis=0).astype(np.int64)
        values = {int(f): sorted_cols[:sizes[i], i] for i, f in enumerate(numeric)}
        table = None
        if complete and np.all(weight == 1.0):
            table = _xlog2x(np.arange(sample.size + 1, dtype=np.float64))
        return cls(numeric, o.T[known_sorted.T], np.repeat(np.arange(sizes.size), sizes),
                   sizes, values, table)

    def follow(self, move, n_next):
        """The sorted orders after the cases moved into the children (``_send_cases``): a
        stable sort on (feature, child) keeps each child's cases in value order."""
        order, sizes = self.order, self.sizes
        if not order.size:
            return self
        if not move["missing"][move["moving"]].any():
            # each case of a split node goes to one child: keep those entries, in order
            at = np.flatnonzero(move["moving"].take(order))
            o = order.take(at)
            key = np.repeat(np.arange(sizes.size) * n_next, sizes).take(at) + move["child"].take(o)
            perm = _stable_argsort(key, sizes.size * n_next)
            nd = key.take(perm)
            sizes = np.diff(np.searchsorted(nd, np.arange(sizes.size + 1) * n_next))
            return replace(self, order=move["new_at"].take(o).take(perm), nd=nd, sizes=sizes)
        c = move["copies"][order]
        o_rep = np.repeat(order, c)
        f_rep = np.repeat(np.repeat(np.arange(sizes.size), sizes), c)
        new_ids = move["new_at"][o_rep] + (np.arange(o_rep.size) - np.repeat(_offsets(c), c))
        keep = move["keep"]
        kept = keep[new_ids]
        new_ids, f_rep = (np.cumsum(keep) - 1)[new_ids[kept]], f_rep[kept]
        key = f_rep * n_next + move["new_local"][keep][new_ids]
        perm = _stable_argsort(key, sizes.size * n_next)
        return replace(self, order=new_ids[perm], nd=key[perm],
                       sizes=np.bincount(f_rep, minlength=sizes.size))


def _tree_arrays(levels, links, is_cat):
    """The ``TreeArrays`` of the grown levels (and the links of their nodes to parents)."""
    feature, threshold, child_start, n_children, counts = (np.concatenate(a)
                                                           for a in zip(*levels, strict=True))
    feature = feature.astype(np.int64)
    parent, branch, fraction, depth = (np.concatenate(a)[: feature.size]
                                       for a in zip(*links, strict=True))
    return TreeArrays(
        feature=feature,
        threshold=threshold,
        is_categorical=(feature >= 0) & is_cat[np.maximum(feature, 0)],
        child_start=child_start.astype(np.int64),
        n_children=n_children.astype(np.int64),
        parent=parent.astype(np.int64),
        depth=depth.astype(np.int64),
        branch=branch.astype(np.int64),
        fraction=fraction,
        counts=counts,
        value=node_values(counts, parent, depth),
    )
