"""A fitted multiway tree as flat arrays, and routing cases through it level by level.

Nodes are numbered breadth-first from the root (0); the children of a node are contiguous,
``child_start[i] .. child_start[i] + n_children[i] - 1``. Branch ``b`` of a numeric split is
``x <= threshold`` (b = 0) or ``x > threshold`` (b = 1); branch ``b`` of a categorical split
holds the cases whose category code is ``b``.

Cases with a missing value at a split go down every branch with their weight multiplied by the
branch's share of the known training weight (``fraction``), as C4.5 does; their predictions
are the weighted sum of what the leaves they reach predict (Quinlan 1993, ch. 3).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class TreeArrays:
    """The fitted tree, one entry per node (breadth-first order).

    feature : int array, the column tested (-1 at a leaf)
    threshold : float array, the numeric split point (NaN for categorical splits and leaves)
    is_categorical : bool array, the test is a multiway split on a categorical column
    child_start, n_children : int arrays, the children of each node
    parent, depth, branch : int arrays, the parent (-1 at the root), the depth and the index of
        the branch of the parent that leads here
    fraction : float array, this node's share of its parent's known training weight
    counts : float array (n_nodes, n_classes), weighted training class counts
    value : float array (n_nodes, n_classes), the class distribution predicted at the node
        (the counts normalized; an empty node predicts its parent's distribution)
    """

    feature: np.ndarray
    threshold: np.ndarray
    is_categorical: np.ndarray
    child_start: np.ndarray
    n_children: np.ndarray
    parent: np.ndarray
    depth: np.ndarray
    branch: np.ndarray
    fraction: np.ndarray
    counts: np.ndarray
    value: np.ndarray

    @property
    def n_nodes(self):
        return self.feature.shape[0]

    @property
    def is_leaf(self):
        return self.feature < 0


def node_values(counts, parent, depth):
    """Normalized class distributions; an empty node takes its parent's (top-down by level)."""
    total = counts.sum(axis=1, keepdims=True)
    value = counts / np.where(total > 0, total, 1.0)
    empty = total[:, 0] <= 0
    for level in range(1, int(depth.max(initial=0)) + 1):
        fix = empty & (depth == level)
        value[fix] = value[parent[fix]]
    return value


def branch_of(tree, Z, nodes, samples):
    """The branch index taken at internal ``nodes`` by ``samples``; -1 where the value is
    missing or a category unknown at fit time."""
    feat = tree.feature[nodes]
    x = Z[samples, feat]
    numeric = ~tree.is_categorical[nodes]
    with np.errstate(invalid="ignore"):
        b = np.where(numeric, (x > tree.threshold[nodes]).astype(np.int64), 0)
    codes = np.where(np.isnan(x), -1, x).astype(np.int64)
    b = np.where(numeric, b, codes)
    bad = np.isnan(x) | (b < 0) | (b >= tree.n_children[nodes])
    return np.where(bad, -1, b)


def route(tree, Z, samples, weights, start, *, unknown="spread", refit_fractions=False,
          tags=None):
    """Send weighted cases down the tree from the nodes ``start`` (one per case).

    Parameters
    ----------
    unknown : 'spread' or 'stop'
        A case whose value is missing or unknown at a split goes down every branch with its
        weight times the branch's ``fraction`` (C4.5), or stops at that node ('stop').
    refit_fractions : bool
        Recompute each visited split's ``fraction`` from the known weight of the cases sent
        through it (C4.5 redistributing a node's cases after subtree raising).
    tags : int array, optional
        A label per case carried along (returned as a fifth array).

    Returns
    -------
    nodes, samples, weights, terminal : arrays, one row per (case, node) visited with positive
        weight; ``terminal`` marks the rows where the case stops (a leaf, or 'stop').
    """
    out_n, out_s, out_w, out_t, out_g = [], [], [], [], []
    with_tags = tags is not None
    tags = np.asarray(tags) if with_tags else np.zeros(np.shape(samples), dtype=np.int64)
    nodes = np.asarray(start, dtype=np.int64)
    samples = np.asarray(samples, dtype=np.int64)
    weights = np.asarray(weights, dtype=np.float64)
    while nodes.size:
        out_n.append(nodes)
        out_s.append(samples)
        out_w.append(weights)
        out_g.append(tags)
        stop, (nodes, samples, weights, tags) = _route_step(
            tree, Z, nodes, samples, weights, tags, unknown, refit_fractions)
        out_t.append(stop)
    if not out_n:
        empty = np.zeros(0, dtype=np.int64)
        out = (empty, empty, np.zeros(0), np.zeros(0, dtype=bool))
        return out + (empty,) if with_tags else out
    out = (np.concatenate(out_n), np.concatenate(out_s), np.concatenate(out_w),
           np.concatenate(out_t))
    return out + (np.concatenate(out_g),) if with_tags else out


def _route_step(tree, Z, nodes, samples, weights, tags, unknown, refit_fractions):
    """One level of ``route``: which rows stop here, and the rows of the next level (known
    cases moved to one child, unknown ones copied into every child when spread)."""
    inner = ~tree.is_leaf[nodes]
    b = np.full(nodes.shape, -1, dtype=np.int64)
    if inner.any():
        b[inner] = branch_of(tree, Z, nodes[inner], samples[inner])
    known = inner & (b >= 0)
    stop = ~inner | (inner & (b < 0) & (unknown == "stop"))
    child = np.where(known, tree.child_start[nodes] + b, -1)
    if refit_fractions and inner.any():
        _refit_fractions(tree, nodes[inner], child[inner], weights[inner])
    spread = inner & (b < 0) & (unknown == "spread")
    reps = tree.n_children[nodes[spread]]
    rows = np.repeat(np.flatnonzero(spread), reps)
    offset = np.arange(rows.size) - np.repeat(np.cumsum(reps) - reps, reps)
    s_nodes = tree.child_start[nodes[rows]] + offset
    s_weights = weights[rows] * tree.fraction[s_nodes]
    nodes = np.concatenate([child[known], s_nodes])
    samples = np.concatenate([samples[known], samples[rows]])
    tags = np.concatenate([tags[known], tags[rows]])
    weights = np.concatenate([weights[known], s_weights])
    positive = weights > 0
    return stop, (nodes[positive], samples[positive], weights[positive], tags[positive])


def _refit_fractions(tree, nodes, child, weights):
    """Each visited split's branch shares of the known weight of the cases sent through it
    (uniform when none is known)."""
    visited, at = np.unique(nodes, return_inverse=True)
    width = int(tree.n_children[visited].max())
    known = child >= 0
    b = child - tree.child_start[nodes]
    child_w = np.bincount(at[known] * width + b[known], weights[known],
                          minlength=visited.size * width).reshape(visited.size, width)
    n_kids = tree.n_children[visited][:, None]
    real = np.arange(width) < n_kids
    tot = child_w.sum(axis=1, keepdims=True)
    frac = np.where(tot > 0, child_w / np.where(tot > 0, tot, 1.0), 1.0 / n_kids)
    kids = tree.child_start[visited][:, None] + np.arange(width)
    tree.fraction[kids[real]] = frac[real]


def class_counts(nodes, samples, weights, y, n_nodes, n_classes):
    """Weighted class counts per node from routed rows."""
    flat = np.bincount(nodes * n_classes + y[samples], weights, minlength=n_nodes * n_classes)
    return flat.reshape(n_nodes, n_classes)


def compact(tree, keep_leaf):
    """Renumber the nodes reachable from the root breadth-first, dropping the rest.

    ``keep_leaf`` marks nodes to turn into leaves (their descendants are dropped).
    """
    feature = np.where(keep_leaf, -1, tree.feature)
    order, parents, branches = [np.array([0])], [np.array([-1])], [np.array([-1])]
    frontier = order[0]
    while frontier.size:
        inner = frontier[feature[frontier] >= 0]
        reps = tree.n_children[inner]
        offset = np.arange(reps.sum()) - np.repeat(np.cumsum(reps) - reps, reps)
        kids = np.repeat(tree.child_start[inner], reps) + offset
        if kids.size:
            order.append(kids)
            parents.append(np.repeat(inner, reps))
            branches.append(offset)
        frontier = kids
    old = np.concatenate(order)
    new_of_old = np.full(tree.n_nodes, -1, dtype=np.int64)
    new_of_old[old] = np.arange(old.size)
    feat = feature[old]
    inner = feat >= 0
    n_children = np.where(inner, tree.n_children[old], 0)
    # children stay contiguous and in breadth-first order, so the first child's new id is
    # where the block starts
    first_child = np.where(inner, new_of_old[np.where(inner, tree.child_start[old], 0)], 0)
    old_parent = np.concatenate(parents)
    parent = np.where(old_parent >= 0, new_of_old[np.maximum(old_parent, 0)], -1)
    branch = np.concatenate(branches)
    depth = np.zeros(old.size, dtype=np.int64)
    for level, ids in enumerate(order):
        depth[new_of_old[ids]] = level
    counts = tree.counts[old]
    return TreeArrays(
        feature=feat,
        threshold=np.where(inner, tree.threshold[old], np.nan),
        is_categorical=np.where(inner, tree.is_categorical[old], False),
        child_start=first_child,
        n_children=n_children,
        parent=parent,
        depth=depth,
        branch=branch,
        fraction=np.where(parent >= 0, tree.fraction[old], 1.0),
        counts=counts,
        value=node_values(counts, parent, depth),
    )
