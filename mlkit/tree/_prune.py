"""C4.5's simplification of a grown tree: collapsing, then error-based pruning.

Collapsing (J48's ``collapse``) turns into a leaf every subtree whose leaves make no fewer
training errors than the subtree's root would alone.

Error-based pruning (Quinlan 1993, ch. 4; J48's ``prune``) visits the nodes bottom-up. At each
internal node it compares three estimates of the errors on unseen cases, each the sum of
``pessimistic_error`` over leaves:

- the subtree as it is;
- the node as a leaf;
- the node replaced by its most populous branch, that branch receiving all the node's cases
  (subtree raising).

The node becomes a leaf when that is no worse than both alternatives (with J48's tolerance of
0.1 errors); otherwise it is replaced by its largest branch when that is no worse than the
subtree, the node's cases are redistributed through the raised branch and it is pruned again.

The decisions are per node and depend on the ones below, so this walk is a (short) Python
recursion over internal nodes; every step in it is an array operation over the node's cases.
"""

from __future__ import annotations

import numpy as np

from ._criteria import EPS, pessimistic_error
from ._structure import class_counts, compact, route

TOLERANCE = 0.1  # J48 prefers the simpler tree unless it costs more than 0.1 estimated errors


def _children(tree, node):
    return np.arange(tree.child_start[node], tree.child_start[node] + tree.n_children[node])


def subtree_nodes(tree, node):
    """All nodes of the subtree under ``node`` (itself included), level by level."""
    out, frontier = [np.array([node])], np.array([node])
    while frontier.size:
        inner = frontier[tree.feature[frontier] >= 0]
        reps = tree.n_children[inner]
        frontier = np.repeat(tree.child_start[inner], reps) + (
            np.arange(reps.sum()) - np.repeat(np.cumsum(reps) - reps, reps)
        )
        out.append(frontier)
    return np.concatenate(out)


def collapse(tree):
    """J48's collapse: a subtree whose leaves' training errors are not below its root's
    (minus 1e-3) becomes a leaf. Returns the compacted tree."""
    errors = tree.counts.sum(axis=1) - tree.counts.max(axis=1)
    below = np.where(tree.is_leaf, errors, 0.0)
    for level in range(int(tree.depth.max(initial=0)), 0, -1):
        kids = np.flatnonzero(tree.depth == level)
        below = below + np.bincount(tree.parent[kids], below[kids], minlength=tree.n_nodes)
    gone = ~tree.is_leaf & (below >= errors - 1e-3)
    return compact(tree, gone)


class _Pruner:
    def __init__(self, tree, Z, y, sample_weight, n_classes, confidence_factor, raising):
        self.tree, self.Z, self.y = tree, Z, y
        self.C, self.cf, self.raising = n_classes, confidence_factor, raising
        samples = np.flatnonzero(sample_weight > 0)
        self.data = {}
        self._store(*route(tree, Z, samples, sample_weight[samples],
                           np.zeros(samples.size, dtype=np.int64))[:3])

    def _store(self, nodes, samples, weights):
        order = np.argsort(nodes, kind="stable")
        nodes, samples, weights = nodes[order], samples[order], weights[order]
        uniq, starts = np.unique(nodes, return_index=True)
        parts = zip(uniq, np.split(samples, starts[1:]), np.split(weights, starts[1:]),
                    strict=True)
        for node, s, w in parts:
            self.data[int(node)] = (s, w)

    def leaf_errors(self, counts):
        total = counts.sum(axis=-1)
        return pessimistic_error(total, total - counts.max(axis=-1), self.cf)

    def branch_errors(self, node, samples, weights):
        """Estimated errors of the subtree under ``node`` given other cases (J48's
        getEstimatedErrorsForBranch): they are routed with fractions refitted to them."""
        saved = self.tree.fraction.copy()
        nodes, s, w, terminal = route(self.tree, self.Z, samples, weights,
                                      np.full(samples.size, node), refit_fractions=True)
        self.tree.fraction = saved
        leaves, at = np.unique(nodes[terminal], return_inverse=True)
        counts = class_counts(at, s[terminal], w[terminal], self.y, leaves.size, self.C)
        return float(self.leaf_errors(counts).sum())

    def redistribute(self, node):
        """J48's newDistribution: send the node's cases through its (new) subtree."""
        samples, weights = self.data[node]
        sub = subtree_nodes(self.tree, node)
        nodes, s, w, _ = route(self.tree, self.Z, samples, weights,
                               np.full(samples.size, node), refit_fractions=True)
        self.tree.counts[sub] = 0.0
        for k in sub:
            self.data[int(k)] = (np.zeros(0, dtype=np.int64), np.zeros(0))
        reached, at = np.unique(nodes, return_inverse=True)
        self.tree.counts[reached] = class_counts(at, s, w, self.y, reached.size, self.C)
        self._store(nodes, s, w)

    def prune(self, node):
        """Prune the subtree under ``node``; returns its estimated errors."""
        tree = self.tree
        while tree.feature[node] >= 0:
            kids = _children(tree, node)
            e_tree = sum(self.prune(int(k)) for k in kids)
            sizes = tree.counts[kids].sum(axis=1)
            # J48's maxBag: the last of the (near-)largest branches
            largest = int(kids[np.flatnonzero(sizes >= sizes.max() - EPS)[-1]])
            if self.raising:
                e_branch = self.branch_errors(largest, *self.data[node])
            else:
                e_branch = np.inf
            e_leaf = float(self.leaf_errors(tree.counts[node]))
            if e_leaf <= e_tree + TOLERANCE + EPS and e_leaf <= e_branch + TOLERANCE + EPS:
                tree.feature[node] = -1
                return e_leaf
            if not e_branch <= e_tree + TOLERANCE + EPS:
                return e_tree
            for name in ("feature", "threshold", "is_categorical", "child_start",
                         "n_children"):
                getattr(tree, name)[node] = getattr(tree, name)[largest]
            self.redistribute(node)
        return float(self.leaf_errors(tree.counts[node]))


def prune(tree, Z, y, sample_weight, n_classes, confidence_factor=0.25, raising=True):
    """Error-based pruning of a grown (and collapsed) tree; returns the compacted tree."""
    tree.fraction = tree.fraction.copy()
    tree.counts = tree.counts.copy()
    tree.feature = tree.feature.copy()
    pruner = _Pruner(tree, Z, y, sample_weight, n_classes, confidence_factor, raising)
    pruner.prune(0)
    return compact(pruner.tree, np.zeros(tree.n_nodes, dtype=bool))
