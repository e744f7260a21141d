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

A node's decision depends only on its own subtree, so all the nodes of one depth -- whose
subtrees are disjoint -- are decided together, bottom-up, each step an array operation over
the cases of all of them; after subtree raising the raised subtrees are pruned again the same
way (a recursion over raisings, not over nodes).
"""

from __future__ import annotations

import numpy as np

from ._criteria import EPS, pessimistic_error
from ._structure import branch_of, class_counts, compact, route

TOLERANCE = 0.1  # J48 prefers the simpler tree unless it costs more than 0.1 estimated errors


def _expand(tree, nodes):
    """The children of ``nodes`` (internal), concatenated, and each one's position."""
    reps = tree.n_children[nodes]
    if np.all(reps == 2):  # binary splits only
        return (tree.child_start[nodes][:, None] + np.arange(2)).ravel(), reps
    offset = np.arange(reps.sum()) - np.repeat(np.cumsum(reps) - reps, reps)
    return np.repeat(tree.child_start[nodes], reps) + offset, reps


def levels_below(tree, roots):
    """The nodes of the subtrees under ``roots``, one array per depth below them."""
    out, frontier = [], np.asarray(roots, dtype=np.int64)
    while frontier.size:
        out.append(frontier)
        frontier, _ = _expand(tree, frontier[tree.feature[frontier] >= 0])
    return out


def subtree_owners(tree, roots):
    """The nodes of the subtrees under ``roots`` and, for each, the index of its root."""
    nodes, owners = [], []
    frontier, owner = np.asarray(roots, dtype=np.int64), np.arange(len(roots))
    while frontier.size:
        nodes.append(frontier)
        owners.append(owner)
        inner = tree.feature[frontier] >= 0
        frontier, reps = _expand(tree, frontier[inner])
        owner = np.repeat(owner[inner], reps)
    return np.concatenate(nodes), np.concatenate(owners)


def descend(tree, Z, samples, start, visits=False):
    """The leaf each case reaches from its node in ``start`` when no value is missing: one
    step per depth for the cases still at an internal node. With ``visits``, also every
    (node, case index) passed through, in the order of ``route``."""
    nodes = np.array(start, dtype=np.int64)
    active = np.flatnonzero(tree.feature[nodes] >= 0)
    numeric = not tree.is_categorical.any()
    seen_nodes, seen_cases = ([nodes.copy()], [np.arange(nodes.size)]) if visits else ([], [])
    while active.size:
        at = nodes[active]
        if numeric:  # branch 1 is x > threshold
            b = Z[samples[active], tree.feature[at]] > tree.threshold[at]
        else:
            b = branch_of(tree, Z, at, samples[active])
        nodes[active] = tree.child_start[at] + b
        if visits:
            seen_nodes.append(nodes[active])
            seen_cases.append(active)
        active = active[tree.feature[nodes[active]] >= 0]
    if visits:
        return nodes, np.concatenate(seen_nodes), np.concatenate(seen_cases)
    return nodes


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
        self.estimate = np.zeros(tree.n_nodes)  # estimated errors of each pruned subtree
        self.complete = not np.isnan(Z).any()  # no missing values: routing is deterministic
        samples = np.flatnonzero(sample_weight > 0)
        # each node's cases: rows start[k] .. start[k] + count[k] - 1 of (rows_s, rows_w)
        self.start = np.zeros(tree.n_nodes, dtype=np.int64)
        self.count = np.zeros(tree.n_nodes, dtype=np.int64)
        self.rows_s, self.rows_w = np.zeros(0, dtype=np.int64), np.zeros(0)
        weights, root = sample_weight[samples], np.zeros(samples.size, dtype=np.int64)
        if self.complete:
            _, nodes, cases = descend(tree, Z, samples, root, visits=True)
            self._store(nodes, samples[cases], weights[cases])
        else:
            self._store(*route(tree, Z, samples, weights, root)[:3])

    def _store(self, nodes, samples, weights):
        """Keep each node's cases (sample ids and weights)."""
        order = np.argsort(nodes, kind="stable")
        base = self.rows_s.size
        self.rows_s = np.concatenate([self.rows_s, samples[order]])
        self.rows_w = np.concatenate([self.rows_w, weights[order]])
        uniq, first, count = np.unique(nodes[order], return_index=True, return_counts=True)
        self.start[uniq] = base + first
        self.count[uniq] = count

    def _cases(self, nodes):
        """The cases of ``nodes``, concatenated, with the position of their node as a tag."""
        count = self.count[nodes]
        shift = np.repeat(self.start[nodes] - (np.cumsum(count) - count), count)
        rows = shift + np.arange(shift.size)
        return self.rows_s[rows], self.rows_w[rows], np.repeat(np.arange(len(nodes)), count)

    def leaf_errors(self, counts):
        total = counts.sum(axis=-1)
        return pessimistic_error(total, total - counts.max(axis=-1), self.cf)

    def branch_errors(self, nodes, branches):
        """Estimated errors of the subtree under each ``branches[i]`` if it received all the
        cases of ``nodes[i]`` (J48's getEstimatedErrorsForBranch): the cases are routed with
        branch shares refitted to them. The subtrees are disjoint, so it is one routing."""
        samples, weights, tags = self._cases(nodes)
        saved = self.tree.fraction.copy()
        reached, s, w, terminal, tag = route(self.tree, self.Z, samples, weights,
                                             branches[tags], refit_fractions=True, tags=tags)
        self.tree.fraction = saved
        leaves, at = np.unique(reached[terminal], return_inverse=True)
        counts = class_counts(at, s[terminal], w[terminal], self.y, leaves.size, self.C)
        owner = np.zeros(leaves.size, dtype=np.int64)
        owner[at] = tag[terminal]
        return np.bincount(owner, self.leaf_errors(counts), minlength=len(nodes))

    def branch_errors_complete(self, nodes, branches, kids, reps):
        """``branch_errors`` without missing values: each branch already holds its own cases
        (its leaves' counts), so only the cases of the node's other branches are routed."""
        owner_of_kid = np.repeat(np.arange(len(nodes)), reps)
        other = kids != branches[owner_of_kid]
        samples, weights, tags = self._cases(kids[other])
        tags = owner_of_kid[other][tags]
        reached = descend(self.tree, self.Z, samples, branches[tags])
        sub, owner = subtree_owners(self.tree, branches)
        leaf = self.tree.feature[sub] < 0
        sub, owner = sub[leaf], owner[leaf]
        position = np.full(self.tree.n_nodes, -1)
        position[sub] = np.arange(sub.size)
        added = class_counts(position[reached], samples, weights, self.y, sub.size, self.C)
        errors = self.leaf_errors(self.tree.counts[sub] + added)
        return np.bincount(owner, errors, minlength=len(nodes))

    def redistribute(self, nodes):
        """J48's newDistribution: send each node's cases through its (new) subtree."""
        samples, weights, tags = self._cases(nodes)
        reached, s, w, _ = route(self.tree, self.Z, samples, weights, nodes[tags],
                                 refit_fractions=True)
        sub = np.concatenate(levels_below(self.tree, nodes))
        self.tree.counts[sub] = 0.0
        self.count[sub] = 0
        uniq, at = np.unique(reached, return_inverse=True)
        self.tree.counts[uniq] = class_counts(at, s, w, self.y, uniq.size, self.C)
        self._store(reached, s, w)

    def prune(self, roots):
        """Prune the subtrees under ``roots`` bottom-up, a depth at a time."""
        tree = self.tree
        for level in reversed(levels_below(tree, roots)):
            as_leaf = self.leaf_errors(tree.counts[level])  # each node's errors as a leaf
            is_inner = tree.feature[level] >= 0
            self.estimate[level[~is_inner]] = as_leaf[~is_inner]
            inner = level[is_inner]
            if inner.size == 0:
                continue
            kids, reps = _expand(tree, inner)
            starts = np.cumsum(reps) - reps
            e_tree = np.add.reduceat(self.estimate[kids], starts)
            sizes = tree.counts[kids].sum(axis=1)
            biggest = np.maximum.reduceat(sizes, starts)
            # J48's maxBag: the last of the (near-)largest branches
            near = sizes >= np.repeat(biggest, reps) - EPS
            largest = kids[np.maximum.reduceat(np.where(near, np.arange(kids.size), -1),
                                               starts)]
            e_leaf = as_leaf[is_inner]
            if self.raising and self.complete:
                e_branch = self.branch_errors_complete(inner, largest, kids, reps)
            elif self.raising:
                e_branch = self.branch_errors(inner, largest)
            else:
                e_branch = np.full(inner.size, np.inf)
            to_leaf = (e_leaf <= e_tree + TOLERANCE + EPS) & (e_leaf <= e_branch + TOLERANCE + EPS)
            to_raise = ~to_leaf & (e_branch <= e_tree + TOLERANCE + EPS)
            self.estimate[inner] = np.where(to_leaf, e_leaf, e_tree)
            tree.feature[inner[to_leaf]] = -1
            if to_raise.any():
                raised, source = inner[to_raise], largest[to_raise]
                for name in ("feature", "threshold", "is_categorical", "child_start",
                             "n_children"):
                    getattr(tree, name)[raised] = getattr(tree, name)[source]
                self.redistribute(raised)
                self.prune(raised)


def prune(tree, Z, y, sample_weight, n_classes, confidence_factor=0.25, raising=True):
    """Error-based pruning of a grown (and collapsed) tree; returns the compacted tree."""
    tree.fraction = tree.fraction.copy()
    tree.counts = tree.counts.copy()
    tree.feature = tree.feature.copy()
    pruner = _Pruner(tree, Z, y, sample_weight, n_classes, confidence_factor, raising)
    pruner.prune(np.array([0]))
    return compact(pruner.tree, np.zeros(tree.n_nodes, dtype=bool))
