"""The fitted CART tree: scikit-learn's ``tree_`` arrays, routing, and cost-complexity pruning."""

from __future__ import annotations

import numpy as np
from scipy import sparse

TREE_LEAF = -1
TREE_UNDEFINED = -2


class Tree:
    """A fitted binary tree as flat arrays over node ids (root 0, depth-first, left first).

    ``children_left``/``children_right`` (-1 at leaves), ``feature`` and ``threshold`` (-2 at
    leaves; a sample goes left when ``x[feature] <= threshold``), ``impurity``,
    ``n_node_samples``, ``weighted_n_node_samples``, ``value`` (weighted class fractions,
    shape ``(node_count, 1, n_classes)``), ``class_counts`` (weighted class counts),
    ``node_count``, ``max_depth``, ``n_leaves``, ``depth`` and ``parent``.
    """

    def __init__(self, nodes, order):
        new = np.full(len(nodes["parent"]), TREE_LEAF, dtype=np.intp)
        new[order] = np.arange(len(order))
        remap = np.append(new, TREE_LEAF)  # index -1 maps to -1
        self.children_left = remap[nodes["left"][order]]
        self.children_right = remap[nodes["right"][order]]
        self.parent = remap[nodes["parent"][order]]
        self.feature = nodes["feature"][order]
        self.threshold = nodes["threshold"][order]
        self.impurity = nodes["impurity"][order]
        self.n_node_samples = nodes["n"][order]
        self.weighted_n_node_samples = nodes["wn"][order]
        self.class_counts = nodes["counts"][order]
        self.depth = nodes["depth"][order] - nodes["depth"][order][0]
        self._finish()

    def _finish(self):
        leaf = self.children_left == TREE_LEAF
        self.feature = np.where(leaf, TREE_UNDEFINED, self.feature)
        self.threshold = np.where(leaf, float(TREE_UNDEFINED), self.threshold)
        total = self.class_counts.sum(axis=1, keepdims=True)
        self.value = (self.class_counts / np.where(total > 0, total, 1.0))[:, None, :]
        self.node_count = len(self.feature)
        self.max_depth = int(self.depth.max())
        self.n_leaves = int(leaf.sum())

    def preorder(self):
        """Depth-first (pre-)order of the nodes, left first: ``(order, place, size)`` with
        ``order[place[t]:place[t] + size[t]]`` the subtree of node ``t``. (Node ids already
        are that order unless the tree was grown best-first.)"""
        size = np.ones(self.node_count, dtype=np.intp)
        inner = self.children_left != TREE_LEAF
        for depth in range(self.max_depth - 1, -1, -1):
            t = np.flatnonzero((self.depth == depth) & inner)
            size[t] += size[self.children_left[t]] + size[self.children_right[t]]
        place = np.zeros(self.node_count, dtype=np.intp)
        for depth in range(self.max_depth):
            t = np.flatnonzero((self.depth == depth) & inner)
            left, right = self.children_left[t], self.children_right[t]
            place[left] = place[t] + 1
            place[right] = place[t] + 1 + size[left]
        order = np.empty_like(place)
        order[place] = np.arange(self.node_count)
        return order, place, size

    def weakest_links(self, w_total, alpha=np.inf):
        """Minimal cost-complexity pruning (Breiman et al. 1984, §3.3), one weakest link at a
        time while its ``g(t) = (R(t) - R(T_t)) / (|leaves(T_t)| - 1) <= alpha``.

        ``R(t) = weighted_n(t) * impurity(t) / w_total`` is the cost of node ``t`` as a leaf and
        ``R(T_t)`` that of the leaves of its current subtree. Returns the effective alphas and
        the total leaf cost ``R(T)`` after each step (0 and the full tree's first), and the
        nodes turned into leaves.
        """
        r_node = self.weighted_n_node_samples * self.impurity / w_total
        leaf = self.children_left == TREE_LEAF
        r_branch = np.where(leaf, r_node, 0.0)
        n_leaves = leaf.astype(np.float64)
        for depth in range(self.max_depth - 1, -1, -1):
            t = np.flatnonzero((self.depth == depth) & ~leaf)
            r_branch[t] = r_branch[self.children_left[t]] + r_branch[self.children_right[t]]
            n_leaves[t] = n_leaves[self.children_left[t]] + n_leaves[self.children_right[t]]
        order, place, size = self.preorder()
        candidate = ~leaf
        pruned = np.zeros(self.node_count, dtype=bool)
        alphas, costs = [0.0], [float(r_branch[0])]
        with np.errstate(divide="ignore", invalid="ignore"):
            while candidate[0]:
                g = np.where(candidate, (r_node - r_branch) / (n_leaves - 1), np.inf)
                t = int(np.argmin(g))
                if g[t] > alpha:
                    break
                subtree = order[place[t]:place[t] + size[t]]
                candidate[subtree] = False
                pruned[subtree] = False
                pruned[t] = True
                fewer, gain = n_leaves[t] - 1, r_node[t] - r_branch[t]
                n_leaves[t], r_branch[t] = 1, r_node[t]
                a = self.parent[t]
                while a >= 0:  # up the ancestors (at most the depth)
                    n_leaves[a] -= fewer
                    r_branch[a] += gain
                    a = self.parent[a]
                alphas.append(float(g[t]))
                costs.append(float(r_branch[0]))
        return np.array(alphas), np.array(costs), pruned

    def prune(self, alpha, w_total):
        """The subtree left by weakest-link pruning at complexity ``alpha``, numbered
        depth-first (scikit-learn rebuilds a pruned tree that way, even when nothing is cut)."""
        _, _, pruned = self.weakest_links(w_total, alpha)
        order, place, size = self.preorder()
        gone = np.zeros(self.node_count + 1, dtype=np.intp)  # +1/-1 marks over preorder
        t = np.flatnonzero(pruned)
        np.add.at(gone, place[t] + 1, 1)
        np.add.at(gone, place[t] + size[t], -1)
        keep = order[np.cumsum(gone)[:-1] == 0]  # renumbered depth-first, as scikit-learn
        nodes = {
            "left": np.where(pruned, TREE_LEAF, self.children_left),
            "right": np.where(pruned, TREE_LEAF, self.children_right),
            "parent": self.parent, "feature": self.feature, "threshold": self.threshold,
            "impurity": self.impurity, "n": self.n_node_samples,
            "wn": self.weighted_n_node_samples, "counts": self.class_counts,
            "depth": self.depth,
        }
        return Tree(nodes, keep)

    def _paths(self, X32):
        """Route the rows of ``X32`` (float32; dense or CSR) down the tree, level by level,
        following only the rows still at an internal node. Yields (rows, nodes) reached at each
        depth."""
        rows = np.arange(X32.shape[0])
        node = np.zeros(len(rows), dtype=np.intp)
        while len(rows):
            yield rows, node
            inner = self.children_left[node] != TREE_LEAF
            rows, node = rows[inner], node[inner]
            go_left = _entries(X32, rows, self.feature[node]) <= self.threshold[node]
            node = np.where(go_left, self.children_left[node], self.children_right[node])

    def apply(self, X32):
        """Leaf id of every row of ``X32`` (float32 features)."""
        leaf = np.empty(X32.shape[0], dtype=np.intp)
        for rows, node in self._paths(X32):
            leaf[rows] = node  # deeper levels overwrite: the last one is the leaf
        return leaf

    def decision_path(self, X32):
        """CSR indicator (n_samples, node_count) of the nodes each row passes through."""
        rows, nodes = (np.concatenate(a) for a in zip(*self._paths(X32), strict=True))
        order = np.argsort(rows, kind="stable")  # by row; along a path ids increase
        indptr = np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=X32.shape[0]))])
        return sparse.csr_matrix((np.ones(len(rows), dtype=np.int64), nodes[order], indptr),
                                 shape=(X32.shape[0], self.node_count))


def _entries(X, rows, cols):
    """``X[rows[i], cols[i]]`` for every i: a gather, or for a sparse (CSR) X scipy's lookup of
    each entry in its row (0 where none is stored)."""
    if sparse.issparse(X):
        return np.asarray(X[rows, cols]).ravel()
    return X[rows, cols]
