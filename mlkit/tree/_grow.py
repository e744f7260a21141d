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

from dataclasses import dataclass

import numpy as np

from ._criteria import EPS, gain_ratio, information_gain, split_info
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


def _xlog2x(x):
    out = np.zeros_like(x)
    np.log2(x, out=out, where=x > 0)
    return out * x


def numeric_scores(order, nd, sizes, features, sample, weight, y, Z, total, n_open, n_classes, p,
                   table=None):
    """Best threshold of every numeric feature (of one group) for every open node, in one pass.

    ``order`` lists, feature after feature (``sizes[i]`` cases for ``features[i]``), the
    cases of the open nodes with a known value of the feature, grouped by node and sorted by
    value within each node; ``nd`` is each entry's segment ``i * n_open + node``. The
    (feature, node) segments are thus contiguous, and one
    cumulative sum of the class weights gives the class counts left of every boundary of
    every node and feature. With
    ``nH(c) = N log2 N - sum_k c_k log2 c_k`` (N times the entropy of counts c), the gain of
    a boundary is ``(nH(known) - nH(left) - nH(right)) / N_total``: the information gain on
    the known cases times the known fraction, as C4.5 scores it. With unit weights and no
    missing values (``table[k] = k log2 k`` given) the counts are integers, looked up.

    Returns gain (MDL-corrected for C4.5), gain ratio, validity and the midpoint threshold
    (for C4.5 still to be moved to a training value, ``snap_thresholds``), each of shape
    (len(features), n_open).
    """
    xlog2x = _xlog2x if table is None else table.take
    n_feat = len(features)
    G = n_feat * n_open  # segments: (feature, node)
    gain_out, ratio_out = np.zeros(G), np.zeros(G)
    ok, thr = np.zeros(G, dtype=bool), np.full(G, np.nan)
    shape = (n_feat, n_open)
    m = order.size
    if m < 2:
        return gain_out.reshape(shape), ratio_out.reshape(shape), ok.reshape(shape), thr.reshape(
            shape)
    s = sample.take(order)
    v = Z.ravel(order="F").take(np.repeat(np.asarray(features) * Z.shape[0], sizes) + s)
    ys = y.take(s)
    total = np.tile(total, n_feat)
    segs = np.arange(G)
    starts = np.searchsorted(nd, segs, "left")
    ends = np.searchsorted(nd, segs, "right")
    # ``nd`` is sorted, so a per-segment value is spread over its entries by ``np.repeat``
    # (cheaper than gathering with ``take(nd)``)
    seg_size = ends - starts
    # running weight of each class along the sorted cases (one contiguous row per class)
    if table is None:
        w = weight.take(order)
        cum = np.zeros((n_classes + 1, m + 1))
        for k in range(n_classes):
            np.cumsum(np.where(ys == k, w, 0.0), out=cum[k, 1:])
        np.cumsum(w, out=cum[n_classes, 1:])
    else:  # integer counts
        cum = np.zeros((n_classes + 1, m + 1), dtype=np.intp)
        for k in range(n_classes):
            np.cumsum(ys == k, out=cum[k, 1:])
        cum[n_classes, 1:] = np.arange(1, m + 1)
    before = cum[:, starts]  # weight before each segment's first case, per class and in all
    known = cum[:, ends] - before
    known_total = known[n_classes]
    lw = cum[n_classes, 1:] - np.repeat(before[n_classes], seg_size)
    rw = np.repeat(known_total, seg_size) - lw
    boundary = np.zeros(m, dtype=bool)
    if p.c45:  # J48 treats values closer than 1e-5 as equal
        np.less(v[:-1] + 1e-5, v[1:], out=boundary[:-1])
    else:
        np.less(v[:-1], v[1:], out=boundary[:-1])
    if not p.c45 or min(p.min_leaf, 25.0) <= 2 * EPS:
        boundary[:-1] &= nd[1:] == nd[:-1]
    # else a segment's last case leaves no weight on the right, so the minimum split weight
    # below already keeps every boundary inside its segment
    if p.c45:
        min_split = _min_split(known_total, n_classes, p.min_leaf)
        ms = np.repeat(min_split - EPS, seg_size)
        valid = boundary & (lw >= ms) & (rw >= ms)
        enough = known_total >= 2 * min_split - EPS
    else:
        valid = boundary
        enough = known_total > 0
    at = np.flatnonzero(valid)  # score only the valid boundaries
    if at.size == 0:
        return gain_out.reshape(shape), ratio_out.reshape(shape), ok.reshape(shape), thr.reshape(
            shape)
    seg = np.searchsorted(at, starts)  # each segment's first valid boundary, and their number
    n_valid = np.searchsorted(at, ends) - seg
    parent_nh = xlog2x(known_total) - xlog2x(known[:n_classes]).sum(axis=0)
    children_nh = xlog2x(lw.take(at)) + xlog2x(rw.take(at))
    at1 = at + 1
    for k in range(n_classes):
        left = cum[k].take(at1) - np.repeat(before[k], n_valid)
        right = np.repeat(known[k], n_valid) - left
        children_nh -= xlog2x(left) + xlog2x(right)
    gain = (np.repeat(parent_nh, n_valid) - children_nh) / np.repeat(total, n_valid)
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
    j = at[pick]
    g = np.where(found, gain[pick], 0.0)
    if p.mdl:
        g = g - np.log2(np.maximum(n_valid, 1)) / np.where(total > 0, total, 1.0)
    ok = found & (g > EPS)
    mid = (v[j] + v[j + 1]) / 2
    mid = np.where(mid == v[j + 1], v[j], mid)
    gain_out = np.where(ok, g, 0.0)
    if p.c45:  # ID3 needs no gain ratio
        si = split_info(np.stack([lw[j], rw[j], total - known_total], axis=1))
        ratio_out = np.where(ok, gain_ratio(gain_out, si), 0.0)
    thr = np.where(ok, mid, np.nan)
    return gain_out.reshape(shape), ratio_out.reshape(shape), ok.reshape(shape), thr.reshape(shape)


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
# (a few dozen bytes per case) then stay in a core's L2 cache, which at n = 2000 (20 features)
# makes a level ~1.3x faster than scoring all features in one pass
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
    n, d = Z.shape
    C = n_classes
    Z = np.asfortranarray(Z)  # columns contiguous: each feature is gathered once per level
    sample = np.flatnonzero(w > 0)
    weight = w[sample].astype(np.float64)
    local = np.zeros(sample.size, dtype=np.int64)
    numeric = np.flatnonzero(~is_cat)
    complete = not np.isnan(Z[sample]).any()
    # the cases sorted by (node, value), feature after feature; sizes[i] for numeric[i]; NaN
    # sorts last and is dropped. Candidates lie between distinct values, so the order among
    # equal values changes nothing when all cases weigh the same and none is spread over
    # branches (a missing value): the sort then need not be stable.
    cols = Z[sample][:, numeric]
    any_order = complete and np.all(weight == weight[0])
    o = np.argsort(cols, axis=0, kind=None if any_order else "stable")
    sorted_cols = np.take_along_axis(cols, o, axis=0)
    known_sorted = ~np.isnan(sorted_cols)
    order = o.T[known_sorted.T]
    sizes = known_sorted.sum(axis=0).astype(np.int64)
    values = {int(f): sorted_cols[:sizes[i], i] for i, f in enumerate(numeric)}
    nd = np.repeat(np.arange(sizes.size), sizes)  # segment (feature, node) of each entry
    table = None
    if complete and np.all(weight == 1.0):
        counts = np.arange(sample.size + 1, dtype=np.float64)
        table = _xlog2x(counts)
    # J48 leaves categorical columns with at least 0.3 n values out of the average gain; n
    # counted as the cases' weight (the number of rows for unit weights, as J48), so that a
    # weight k is k repeated rows and a weight 0 no row
    many_valued = is_cat & (n_cats >= 0.3 * float(weight.sum()))
    in_average = ~many_valued if not many_valued.all() else np.ones(d, dtype=bool)
    rec = {k: [] for k in ("feature", "threshold", "child_start", "n_children", "counts")}
    parent, branch, fraction = np.array([-1]), np.array([-1]), np.array([1.0])
    par_all, br_all, fr_all, dep_all = [parent], [branch], [fraction], [np.zeros(1, int)]
    first_id, n_open, depth = 0, 1, 0
    while n_open:
        counts = np.bincount(local * C + y[sample], weight, minlength=n_open * C)
        counts = counts.reshape(n_open, C)
        total = counts.sum(axis=1)
        if p.c45:
            can = (total >= 2 * p.min_leaf - EPS) & (total - counts.max(axis=1) > EPS)
        else:
            can = (total > 0) & (total - counts.max(axis=1) > EPS)
        if p.max_depth is not None and depth >= p.max_depth:
            can[:] = False
        gains, ratios = np.zeros((d, n_open)), np.zeros((d, n_open))
        ok = np.zeros((d, n_open), dtype=bool)
        thresholds = np.full((d, n_open), np.nan)
        if can.any():
            for f in np.flatnonzero(is_cat):
                gains[f], ratios[f], ok[f] = categorical_scores(
                    local, sample, weight, y, Z[:, f], int(n_cats[f]), total, n_open, C, p)
            row = np.concatenate([[0], np.cumsum(sizes)])
            for lo, hi in _feature_groups(sizes):
                group = numeric[lo:hi]
                (gains[group], ratios[group], ok[group], thresholds[group]) = numeric_scores(
                    order[row[lo]:row[hi]], nd[row[lo]:row[hi]] - lo * n_open, sizes[lo:hi],
                    group, sample, weight, y, Z, total, n_open, C, p, table)
            ok &= can
        best_f = choose_attribute(gains, ratios, ok, in_average, p)
        split = best_f >= 0
        feat_safe = np.maximum(best_f, 0)
        thr = np.where(split, thresholds[feat_safe, np.arange(n_open)], np.nan)
        if p.c45:
            thr = snap_thresholds(thr, np.where(split & ~is_cat[feat_safe], best_f, -1), values)
        nch = np.where(split, np.where(is_cat[feat_safe], n_cats[feat_safe], 2), 0)
        next_first = first_id + n_open
        start_local = _offsets(nch)
        rec["feature"].append(best_f)
        rec["threshold"].append(np.where(is_cat[feat_safe], np.nan, thr))
        rec["child_start"].append(np.where(split, next_first + start_local, 0))
        rec["n_children"].append(nch)
        rec["counts"].append(counts)
        n_next = int(nch.sum())
        if n_next == 0:
            break
        # route the cases of the split nodes to the children
        f_inst = best_f[local]
        x = Z[sample, np.maximum(f_inst, 0)]
        missing = np.isnan(x)
        b = np.where(is_cat[np.maximum(f_inst, 0)], np.nan_to_num(x), x > thr[local])
        b = b.astype(np.int64)
        moving = f_inst >= 0
        known = moving & ~missing
        child = start_local[local] + b
        child_w = np.bincount(child[known], weight[known], minlength=n_next)
        parent_of_child = np.repeat(np.arange(n_open), nch)
        branch_of_child = np.arange(n_next) - np.repeat(start_local[split], nch[split])
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
        renumber = np.cumsum(keep) - 1
        # the sorted orders follow the cases into the children: a stable sort on
        # (feature, child) keeps each child's cases in value order
        if order.size and not missing[moving].any():
            # each case of a split node goes to one child: keep those entries, in order
            at = np.flatnonzero(moving.take(order))
            o = order.take(at)
            key = np.repeat(np.arange(sizes.size) * n_next, sizes).take(at) + child.take(o)
            perm = _stable_argsort(key, sizes.size * n_next)
            order, nd = new_at.take(o).take(perm), key.take(perm)
            sizes = np.diff(np.searchsorted(nd, np.arange(sizes.size + 1) * n_next))
        elif order.size:
            c = copies[order]
            o_rep = np.repeat(order, c)
            f_rep = np.repeat(np.repeat(np.arange(sizes.size), sizes), c)
            new_ids = new_at[o_rep] + (np.arange(o_rep.size) - np.repeat(_offsets(c), c))
            kept = keep[new_ids]
            new_ids, f_rep = renumber[new_ids[kept]], f_rep[kept]
            key = f_rep * n_next + new_local[keep][new_ids]
            perm = _stable_argsort(key, sizes.size * n_next)
            order, nd = new_ids[perm], key[perm]
            sizes = np.bincount(f_rep, minlength=sizes.size)
        sample, local, weight = sample[rep[keep]], new_local[keep], new_weight[keep]
        par_all.append(first_id + parent_of_child)
        br_all.append(branch_of_child)
        fr_all.append(frac)
        dep_all.append(np.full(n_next, depth + 1))
        first_id, n_open, depth = next_first, n_next, depth + 1
    feature = np.concatenate(rec["feature"]).astype(np.int64)
    inner = feature >= 0
    counts = np.concatenate(rec["counts"])
    parent = np.concatenate(par_all)[: feature.size]
    depth_arr = np.concatenate(dep_all)[: feature.size]
    return TreeArrays(
        feature=feature,
        threshold=np.concatenate(rec["threshold"]),
        is_categorical=inner & is_cat[np.maximum(feature, 0)],
        child_start=np.concatenate(rec["child_start"]).astype(np.int64),
        n_children=np.concatenate(rec["n_children"]).astype(np.int64),
        parent=parent.astype(np.int64),
        depth=depth_arr.astype(np.int64),
        branch=np.concatenate(br_all)[: feature.size].astype(np.int64),
        fraction=np.concatenate(fr_all)[: feature.size],
        counts=counts,
        value=node_values(counts, parent, depth_arr),
    )
