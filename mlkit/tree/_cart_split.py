"""Level-wise growth of a CART tree, and scikit-learn's order of visiting features.

The tree is grown breadth-first: all the open nodes of a level are split at once. Each feature
is sorted once, for the first level; afterwards every level keeps, for every feature, the
samples of its open nodes grouped by node and sorted by value (``S``, one row per feature), by
a stable partition of the parent's rows. Segmented cumulative class counts along those rows
give the class counts left of every candidate threshold of every node and feature; the
impurity of both sides of all candidates follows in a few array operations, and segmented
maxima pick each node's best threshold per feature. Python loops run over levels, classes and
features only.

Ties. scikit-learn visits the features of a node in a random order (a Fisher-Yates draw from
a xorshift generator, Marsaglia 2003, seeded from ``random_state``, whose state carries over
from node to node in depth-first order) and keeps the first strictly better split. A
breadth-first builder cannot know that order while it grows, so it decides ties provisionally
(lowest feature index) and keeps, for every node it searched, the best proxy of every feature.
A walk in depth-first order then replays scikit-learn's draws on those numbers: where the
feature scikit-learn would choose differs, the split is relabelled when it cuts the node the
same way, and the subtree is replaced otherwise -- by a subtree grown beforehand, in one batch
with all the other alternatives of small tied nodes, or else (a large node) regrown on the
spot. Ties that cut differently are rare on continuous data and confined to small nodes.
"""

from __future__ import annotations

import numpy as np

from ._cart_cuts import (
    FEATURE_TOL,
    _boundary_points,
    _class_cumsums,
    _cumsum_and_base,
    _first_best,
    _with_last_class,
)
from ._cart_order import Frontier, XorShift32, visit

EPSILON = float(np.finfo(np.float64).eps)
BLOCK = 2**19  # elements per temporary array of the split search and partition (4 MB of float64)
_NO_NODE = -1


class Grower:
    """Grows one tree on float32 features ``XT`` (features x samples) and labels ``y``.

    Nodes are stored in creation order in the arrays of ``self.nodes`` (grown by ``_append``);
    ``root`` is node 0. ``perms[c][start:end]`` are the samples of a node made by grow call c.
    """

    def __init__(self, XT, y, w, n_classes, impurity, *, max_depth, min_samples_split,
                 min_samples_leaf, min_weight_leaf, min_impurity_decrease, unit_weights):
        self.XT, self.y, self.w, self.K = XT, y, w, n_classes
        self.impurity = impurity
        self.max_depth, self.min_samples_split = max_depth, min_samples_split
        self.min_samples_leaf, self.min_weight_leaf = min_samples_leaf, min_weight_leaf
        self.min_impurity_decrease = min_impurity_decrease
        self.unit_weights = unit_weights
        self.w_total = float(np.sum(w))
        self._nodes = {}
        self.alternatives = {}  # (node, feature) -> (left, right): subtrees grown in advance
        self.perms = []
        self.n_nodes = 0

    # -- storage ----------------------------------------------------------------------------

    def _append(self, fields):
        """Store a level's nodes (arrays with spare capacity, doubled when full)."""
        n0, m = self.n_nodes, len(fields["parent"])
        for key, value in fields.items():
            store = self._nodes.get(key)
            if store is None or len(store) < n0 + m:
                new = np.empty((max(2 * (n0 + m), 64),) + value.shape[1:], dtype=value.dtype)
                if store is not None:
                    new[:n0] = store[:n0]
                self._nodes[key] = store = new
            store[n0:n0 + m] = value
        self.n_nodes = n0 + m

    @property
    def nodes(self):
        """The node arrays, as views of the stored ones (writes go through)."""
        return {key: store[:self.n_nodes] for key, store in self._nodes.items()}

    def _empty_per_feature(self, m):
        """The per-node, per-feature search results of ``m`` new nodes (unsearched)."""
        d = self.XT.shape[0]
        return {"proxy": np.full((m, d), -np.inf), "const": np.zeros((m, d), dtype=bool),
                "thr": np.full((m, d), -2.0)}

    def _keep_per_feature(self, fields, open_idx, per_feature):
        """Store the split search's per-feature results of the searched nodes ``open_idx``."""
        for key, value in zip(("proxy", "const", "thr"), per_feature, strict=True):
            fields[key][open_idx] = value

    def per_feature(self, v, keys=("proxy", "const")):
        """Node ``v``'s (or nodes') best proxy, constant flag or threshold of every feature."""
        nodes = self.nodes
        return tuple(nodes[key][v] for key in keys)

    # -- growth -----------------------------------------------------------------------------

    def grow(self, subsets, depth, parent):
        """Grow the subtrees whose roots hold ``subsets`` (one array of samples each).

        The roots sit at ``depth`` below node ``parent`` (one value each, or one for all);
        with several roots they come in (left, right) pairs. Returns their node ids.
        """
        sizes = np.array([len(s) for s in subsets], dtype=np.intp)
        return self._grow_flat(np.concatenate(subsets), sizes, depth, parent)

    def _grow_flat(self, perm, sizes, depth, parent):
        """``grow`` with the roots' samples given as one array cut into ``sizes``."""
        call = len(self.perms)
        perm = perm.astype(_index_type(self.XT.shape[1]))
        self.perms.append(perm)
        m = len(sizes)
        S = self._initial_rows(perm, sizes)
        level = {
            "parent": np.broadcast_to(np.asarray(parent, dtype=np.intp), (m,)).copy(),
            "is_left": (np.arange(m) % 2 == 0) if m > 1 else np.zeros(m, dtype=bool),
            "depth": np.broadcast_to(np.asarray(depth, dtype=np.intp), (m,)).copy(),
            "pstart": np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.intp),
            "size": sizes,
        }
        first_id = self.n_nodes
        while len(level["size"]):
            level, S = self._grow_level(level, S, perm, call)
        return first_id + np.arange(m)

    def _initial_rows(self, perm, sizes):
        """Each feature's samples grouped by node and sorted by value within a node.

        The order within a group of equal values is of no consequence (cuts fall only between
        distinct values), so the value sort need not be stable; the grouping by node is.
        """
        S = np.empty((self.XT.shape[0], len(perm)), dtype=perm.dtype)
        node_of = (np.repeat(np.arange(len(sizes), dtype=_small_int(len(sizes))), sizes)
                   if len(sizes) > 1 else None)
        for j in range(self.XT.shape[0]):  # one feature at a time: the sort's temporaries are
            order = np.argsort(self.XT[j, perm])  # a row's, not n_features rows'
            if node_of is not None:
                order = order[np.argsort(node_of[order], kind="stable")]
            S[j] = perm[order]
        return S

    def _grow_level(self, level, S, perm, call):
        """Store the nodes of one level, split the open ones; return the next level and rows.

        ``level`` holds the nodes' parents, sides, depths, sample counts and places in
        ``perm``; ``S`` their samples, one row per feature, grouped by node and sorted.
        """
        sizes = level["size"]
        fields, sid = self._level_fields(level, S, call)
        is_open = fields["searched"]
        empty = {"size": np.zeros(0, dtype=np.intp)}
        if not is_open.any():
            self._append(fields)
            return empty, S
        S = S[:, is_open[sid]]
        open_idx = np.flatnonzero(is_open)
        search = self.split_search(S, sizes[open_idx], fields["counts"][open_idx],
                                   fields["wn"][open_idx])
        split = self._record_splits(fields, open_idx, search)
        self._append(fields)
        if not split.any():
            return empty, S
        return self._children(level, S, perm, fields, open_idx, split, search["n_left"][split])

    def _level_fields(self, level, S, call):
        """The stored fields of a level's nodes: class counts, weight, impurity, whether the
        node is open to a split (``searched``), and no split yet; with each sample's node."""
        K, sizes = self.K, level["size"]
        m = len(sizes)
        sid = np.repeat(np.arange(m), sizes)
        first = S[0]
        counts = np.bincount(sid * K + self.y[first], weights=self.w[first],
                             minlength=m * K).reshape(m, K)
        wn = counts.sum(axis=1) if self.unit_weights else np.bincount(
            sid, weights=self.w[first], minlength=m)
        impurity = self.impurity(counts.T, wn, exact=self.unit_weights)
        depth = level["depth"]
        is_open = ~((depth >= self.max_depth) | (sizes < self.min_samples_split)
                    | (sizes < 2 * self.min_samples_leaf) | (wn < 2 * self.min_weight_leaf)
                    | (impurity <= EPSILON))
        fields = {
            "parent": level["parent"], "is_left": level["is_left"],
            "depth": depth, "n": sizes, "wn": wn,
            "counts": counts, "impurity": impurity,
            "left": np.full(m, _NO_NODE, dtype=np.intp),
            "right": np.full(m, _NO_NODE, dtype=np.intp),
            "feature": np.full(m, -2, dtype=np.intp), "threshold": np.full(m, -2.0),
            "improvement": np.zeros(m), "searched": is_open, "tied": np.zeros(m, dtype=bool),
            **self._empty_per_feature(m),
            "call": np.full(m, call, dtype=np.intp), "pstart": level["pstart"],
            "size": sizes,
        }
        return fields, sid

    def _record_splits(self, fields, open_idx, search):
        """Write the split search's results into the level's ``fields``: the per-feature
        results, and the split (feature, threshold, children ids) of the open nodes whose
        best cut is valid and decreases the impurity enough. Returns that mask over
        ``open_idx``."""
        m = len(fields["size"])
        self._keep_per_feature(fields, open_idx, search["per_feature"])
        fields["tied"][open_idx] = search["tied"]
        split = search["valid"] & (search["improvement"] + EPSILON
                                   >= self.min_impurity_decrease)
        nodes_split = open_idx[split]
        fields["feature"][nodes_split] = search["feature"][split]
        fields["threshold"][nodes_split] = search["threshold"][split]
        fields["improvement"][nodes_split] = search["improvement"][split]
        child0 = self.n_nodes + m + 2 * np.arange(len(nodes_split))
        fields["left"][nodes_split] = child0
        fields["right"][nodes_split] = child0 + 1
        return split

    def _children(self, level, S, perm, fields, open_idx, split, n_left):
        """The next level: the samples of the split nodes partitioned stably, left child
        first, in the rows ``S`` and in ``perm``. (A sample may sit in several nodes of a
        level when alternatives are grown side by side.)"""
        sizes = level["size"]
        ids = self.n_nodes - len(sizes) + np.arange(len(sizes))  # the level, just stored
        nodes_split = open_idx[split]
        n_split = len(nodes_split)
        osid = np.repeat(np.arange(len(open_idx)), sizes[open_idx])
        S = S[:, split[osid]]
        node_of = np.repeat(np.arange(n_split), sizes[nodes_split])
        f_of = fields["feature"][nodes_split][node_of]
        t_of = fields["threshold"][nodes_split][node_of]
        S = stable_partition(S, lambda rows: self.XT[f_of, rows] <= t_of, sizes[nodes_split],
                             n_left)
        pstart = level["pstart"][nodes_split]
        pos = np.repeat(pstart - np.concatenate([[0], np.cumsum(sizes[nodes_split])[:-1]]),
                        sizes[nodes_split]) + np.arange(len(node_of))
        chunk = perm[pos]
        perm[pos] = stable_partition(chunk[None, :], (self.XT[f_of, chunk] <= t_of)[None, :],
                                     sizes[nodes_split], n_left)[0]
        n_right = sizes[nodes_split] - n_left
        nxt = {
            "parent": np.repeat(ids[nodes_split], 2),
            "is_left": np.tile([True, False], n_split),
            "depth": np.repeat(level["depth"][nodes_split] + 1, 2),
            "pstart": np.stack([pstart, pstart + n_left], axis=1).ravel(),
            "size": np.stack([n_left, n_right], axis=1).ravel(),
        }
        return nxt, S

    # -- the split search -------------------------------------------------------------------

    def split_search(self, S, sizes, totals, wn):
        """Best split of every open node (segments of the rows of ``S``) for every feature.

        Candidates are the cuts between distinct values that leave ``min_samples_leaf``
        samples (and ``min_weight_leaf`` weight) on both sides. Between two changes of class
        along a sorted segment the proxy is a convex function of the cut (the weighted
        impurity is concave in the class counts), so its first maximum lies at a class change,
        next to a group of tied values, or at the first or last valid cut (Fayyad & Irani
        1992); only those cuts are scored.

        Returns per node the provisional choice (the best feature, lowest index on ties), and
        per node and feature the best proxy improvement, the constant flag and the threshold,
        for the depth-first replay of ties. Features are searched in blocks small enough that
        every temporary array stays near ``BLOCK`` elements, whatever the size of the data.
        """
        d, n_a = S.shape
        m = len(sizes)
        step = max(1, min(d, BLOCK // max(n_a * (self.K + 4), 1)))  # ~K + 4 arrays per block
        blocks = [self._search_block(self.XT[j:j + step], S[j:j + step], sizes, totals, wn)
                  for j in range(0, d, step)]
        best, valid_f, thr, const, n_left, w_left, left = (
            np.concatenate(part, axis=-2) for part in zip(*blocks, strict=True))
        # provisional choice, and the impurity decrease of the chosen cuts
        node = np.arange(m)
        f = np.argmax(best, axis=0)
        top = best[f, node]
        tied = np.sum(best == top, axis=0) > 1
        valid = valid_f[f, node]
        cl, wl = left[:, f, node], w_left[f, node]
        wr = wn - wl
        with np.errstate(all="ignore"):
            exact = self.unit_weights
            imp_l = self.impurity(cl, wl, exact=exact)
            imp_r = self.impurity(totals.T - cl, wr, exact=exact)
            imp = self.impurity(totals.T, wn, exact=exact)
            improvement = (wn / self.w_total) * (imp - wr / wn * imp_r - wl / wn * imp_l)
        return {
            "feature": f, "valid": valid, "threshold": thr[f, node], "n_left": n_left[f, node],
            "improvement": np.where(valid, improvement, -np.inf),
            "per_feature": (best.T, const.T, thr.T), "tied": tied & valid,
        }

    def _search_block(self, XT, S, sizes, totals, wn):
        """The split search on some features' rows: per (feature, node) the best proxy, whether
        it is valid, its threshold, the constant flag, and the left side's sample count,
        weight and class counts."""
        d, n_a = S.shape
        m, unit = len(sizes), self.unit_weights
        seg = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.intp)
        last_pos = seg + sizes - 1
        sid = np.repeat(np.arange(m), sizes)
        V = np.take_along_axis(XT, S, axis=1)
        Y = self.y[S]
        n_left = np.arange(1, n_a + 1) - seg[sid]
        W = None if unit else self.w[S]
        Cw, Bw = (None, None) if unit else _cumsum_and_base(W, seg)
        ok, gap = self._valid_cuts(V, seg, sid, last_pos, sizes, n_left, wn, Cw, Bw)
        idx = np.flatnonzero(_boundary_points(Y, gap, ok, seg))
        r, cols = np.divmod(idx, n_a)
        k = sid[cols]
        segid = r * m + k  # the (feature, node) segment of each kept cut
        C3, B3 = _class_cumsums(Y, W, self.K, seg, unit)
        left = (np.take(C3.reshape(len(C3), -1), idx, axis=1)
                - np.take(B3.reshape(len(B3), -1), segid, axis=1))
        if unit:
            left, w_left = _with_last_class(left, n_left[cols])
        else:
            w_left = Cw.ravel()[idx] - Bw.ravel()[segid]
        w_right = wn[k] - w_left
        right = np.take(totals.T, k, axis=1) - left
        with np.errstate(all="ignore"):
            proxy = (-w_right * self.impurity(right, w_right, exact=unit)
                     - w_left * self.impurity(left, w_left, exact=unit))
        if not unit:  # a side of zero weight: 0/0, never chosen (NaN > best is false)
            proxy[np.isnan(proxy)] = -np.inf
        best, pos = _first_best(proxy, segid, cols, d * m, n_a)
        best, pos = best.reshape(d, m), pos.reshape(d, m)
        valid_f = pos < n_a
        p = np.minimum(pos, n_a - 2)
        thr = (np.take_along_axis(V, p, 1).astype(np.float64) / 2.0
               + np.take_along_axis(V, p + 1, 1).astype(np.float64) / 2.0)
        thr = np.where(valid_f, thr, -2.0)
        const = V[:, last_pos] <= V[:, seg] + FEATURE_TOL
        # the chosen cut of every (feature, node): its left side
        rows = np.arange(d)[:, None]
        nl = p - seg + 1
        cl = C3[:, rows, p] - B3  # (classes, features, nodes)
        if unit:
            cl, wl = _with_last_class(cl, nl)
        else:
            wl = Cw[rows, p] - Bw
        return best, valid_f, thr, const, nl, wl, cl.astype(np.float64)

    def _valid_cuts(self, V, seg, sid, last_pos, sizes, n_left, wn, Cw, Bw):
        """The cuts between distinct values (``gap``, within a segment) that leave
        ``min_samples_leaf`` samples and ``min_weight_leaf`` weight on both sides (``ok``)."""
        d, n_a = V.shape
        n_right = sizes[sid] - n_left
        gap = np.zeros((d, n_a), dtype=bool)
        gap[:, :-1] = V[:, 1:] > V[:, :-1] + FEATURE_TOL
        gap[:, last_pos] = False
        ok = gap & ((n_left >= self.min_samples_leaf) & (n_right >= self.min_samples_leaf))
        if self.min_weight_leaf <= 0:
            return ok, gap
        if Cw is not None:
            w_left_all = Cw - Bw[:, sid]
            ok &= ((w_left_all >= self.min_weight_leaf)
                   & (wn[sid] - w_left_all >= self.min_weight_leaf))
        else:
            ok &= (n_left >= self.min_weight_leaf) & (n_right >= self.min_weight_leaf)
        return ok, gap

    # -- scikit-learn's order of features ---------------------------------------------------

    def grow_alternatives(self, max_size=64, max_cuts=8, max_rounds=8, budget=None):
        """Grow in advance, in one batch per round, the subtrees of every other cut of the
        small nodes (at most ``max_size`` samples) where features tie for the best proxy
        (with at most ``max_cuts`` different cuts: more, and one regrow is cheaper).

        The depth-first replay then grafts the one scikit-learn's order picks instead of
        regrowing it on the spot (one small grow call each). Alternatives have ties of their
        own: each round handles the nodes the previous one grew, until ``budget`` samples
        (default: 4 times as many as the tree was grown on) have gone into alternatives -- with many
        classes nearly every small node is tied, and alternatives would multiply.
        """
        budget = 4 * len(self.perms[0]) if budget is None else budget
        start = 0
        for _ in range(max_rounds):
            nodes = self.nodes
            stop = self.n_nodes
            v = start + np.flatnonzero(nodes["tied"][start:stop]
                                       & (nodes["size"][start:stop] <= max_size))
            start = stop
            if not len(v):
                return
            # every (tied node, tied feature) pair, and the samples of its node
            f, size = nodes["feature"][v], nodes["size"][v]
            proxy, thr = self.per_feature(v, ("proxy", "thr"))
            pv, pj = np.nonzero(proxy == proxy[np.arange(len(v)), f][:, None])
            offset = np.cumsum([0] + [len(p) for p in self.perms[:-1]])
            first = offset[nodes["call"][v]] + nodes["pstart"][v]
            psize = size[pv]
            pair = np.repeat(np.arange(len(pv)), psize)
            pstart = np.cumsum(psize) - psize
            samples = np.concatenate(self.perms)[
                np.repeat(first[pv] - pstart, psize) + np.arange(len(pair))]
            cut = self.XT[pj[pair], samples] <= thr[pv, pj][pair]
            own = self.XT[f[pv][pair], samples] <= thr[pv, f[pv]][pair]
            differ = np.logical_or.reduceat(cut != own, pstart) if len(pair) else pstart > 0
            chosen = differ & (np.bincount(pv, weights=differ, minlength=len(v))[pv] <= max_cuts)
            chosen &= np.cumsum(np.where(chosen, psize, 0)) <= budget
            if not chosen.any():
                return
            budget -= int(psize[chosen].sum())
            # their children, (left, right) per chosen pair, grown side by side
            rank = np.cumsum(chosen) - 1
            in_chosen = chosen[pair]
            child = 2 * rank[pair[in_chosen]] + ~cut[in_chosen]
            order = np.argsort(child, kind="stable")
            sizes = np.bincount(child, minlength=2 * rank[-1] + 2)
            ids = self._grow_flat(samples[in_chosen][order], sizes,
                                  np.repeat(nodes["depth"][v[pv[chosen]]] + 1, 2),
                                  np.repeat(v[pv[chosen]], 2))
            for i, key in enumerate(zip(v[pv[chosen]].tolist(), pj[chosen].tolist(),
                                        strict=True)):
                self.alternatives[key] = (ids[2 * i], ids[2 * i + 1])

    def replay_feature_order(self, seed, max_features):
        """Walk the tree depth-first, replaying scikit-learn's feature draws; fix the ties.

        Returns the node ids in depth-first (pre-)order, left child first.
        """
        d = self.XT.shape[0]
        rng = XorShift32(seed)
        features = list(range(d))
        constant_features = [0] * d
        order = []
        stack = [(0, 0)]
        nodes = self.nodes
        while stack:
            v, n_known = stack.pop()
            order.append(v)
            if not nodes["searched"][v]:
                continue
            best_f, n_total = visit(rng, features, constant_features, n_known, max_features,
                                     *(a.tolist() for a in self.per_feature(v)))
            f = nodes["feature"][v]
            if best_f != f and f >= 0:  # (a leaf stays a leaf: other cuts are no better)
                if self._fix_tie(nodes, v, f, best_f):
                    nodes = self.nodes  # a subtree was regrown: the storage may have moved
            if nodes["left"][v] >= 0:
                stack.append((nodes["right"][v], n_total))
                stack.append((nodes["left"][v], n_total))
        return np.array(order, dtype=np.intp)

    def best_first(self, seed, max_features, max_leaf_nodes):
        """Keep the part of the grown tree scikit-learn's best-first builder makes with at
        most ``max_leaf_nodes`` leaves; returns the kept node ids in its creation order.

        Nodes are created in pairs as their parent is expanded, each drawing its feature
        order right then (from the same xorshift stream, no constant features carried over);
        the frontier node with the largest impurity decrease is expanded next.
        """
        d = self.XT.shape[0]
        rng = XorShift32(seed)
        features, constant_features = list(range(d)), [0] * d
        created = []

        def create(v):
            created.append(v)
            nodes = self.nodes
            if nodes["searched"][v]:
                best_f, _ = visit(rng, features, constant_features, 0, max_features,
                                   *(a.tolist() for a in self.per_feature(v)))
                f = nodes["feature"][v]
                if best_f != f and f >= 0 and self._fix_tie(nodes, v, f, best_f):
                    nodes = self.nodes
            left, right = nodes["left"][v], nodes["right"][v]
            if left < 0:
                return (0.0, v, True)
            wn, wl, wr = nodes["wn"][v], nodes["wn"][left], nodes["wn"][right]
            gain = (wn / self.w_total) * (nodes["impurity"][v] - wr / wn * nodes["impurity"][right]
                                          - wl / wn * nodes["impurity"][left])
            return (gain, v, False)

        frontier = Frontier()
        frontier.push(create(0))
        splits_left = max_leaf_nodes - 1
        while len(frontier):
            _, v, is_leaf = frontier.pop()
            if is_leaf or splits_left <= 0:
                nodes = self.nodes
                nodes["left"][v] = nodes["right"][v] = _NO_NODE
                nodes["feature"][v], nodes["threshold"][v] = -2, -2.0
                continue
            splits_left -= 1
            nodes = self.nodes
            left, right = nodes["left"][v], nodes["right"][v]
            records = [create(left), create(right)]
            for record in records:
                frontier.push(record)
        return np.array(created, dtype=np.intp)

    def _fix_tie(self, nodes, v, f, best_f):
        """Make node ``v`` split on ``best_f`` (scikit-learn's choice) instead of ``f``.

        Returns True when a subtree was grown (new nodes stored)."""
        if best_f >= 0 and self.min_impurity_decrease > 0:
            # weighted impurity decrease, from the proxy -N_L I(L) - N_R I(R)
            proxy = self.per_feature(v, ("proxy",))[0][best_f]
            gain = nodes["wn"][v] * nodes["impurity"][v] + proxy
            if gain / self.w_total + EPSILON < self.min_impurity_decrease:
                best_f = -1
        if best_f < 0:  # no feature drawn has a (good enough) valid split: a leaf
            nodes["feature"][v], nodes["threshold"][v] = -2, -2.0
            nodes["left"][v] = nodes["right"][v] = _NO_NODE
            return False
        thr = self.per_feature(v, ("thr",))[0]
        nodes["feature"][v] = best_f
        nodes["threshold"][v] = thr[best_f]
        if (v, best_f) in self.alternatives:
            left, right = self.alternatives[v, best_f]
            nodes["left"][v], nodes["right"][v] = left, right
            return False
        start = nodes["pstart"][v]
        samples = self.perms[nodes["call"][v]][start:start + nodes["size"][v]]
        go_left = self.XT[best_f, samples] <= thr[best_f]
        if f >= 0 and np.array_equal(go_left, self.XT[f, samples] <= thr[f]):
            return False  # the same cut of the node: only the label changes
        left, right = self.grow([samples[go_left], samples[~go_left]],
                                nodes["depth"][v] + 1, v)
        nodes = self.nodes  # the storage may have grown
        nodes["left"][v], nodes["right"][v] = left, right
        return True



def _index_type(n):
    """int32 sample indices when they fit (half the memory traffic of int64)."""
    return np.int32 if n < 2**31 else np.intp


def _small_int(n):
    """The narrowest integer type holding 0..n-1 (NumPy radix-sorts 8 and 16-bit keys)."""
    return np.int8 if n < 2**7 else np.int16 if n < 2**15 else np.intp



def segmented_cumsum(A, seg, sid):
    """Cumulative sums of the rows of ``A`` restarting at every segment start ``seg``.

    Boolean rows are counted in int32 (exact, and several times faster than float64).
    """
    C = np.cumsum(A, axis=1, dtype=np.int32 if A.dtype == bool else None)
    base = np.zeros((A.shape[0], len(seg)), dtype=C.dtype)
    base[:, 1:] = C[:, seg[1:] - 1]
    return C - base[:, sid]


def stable_partition(S, go_left, sizes, n_left):
    """Reorder each segment of the rows of ``S``: left-going entries first, order kept.

    ``go_left`` is a boolean array shaped as ``S``, or a function of some rows of ``S`` giving
    theirs. The rows are moved a block at a time, so that the positions (int64) and counts
    computed on the way hold about ``BLOCK`` elements, not ``S.size``.
    """
    d, L = S.shape
    seg = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.intp)
    sid = np.repeat(np.arange(len(sizes)), sizes)
    start = seg[sid]
    right_start = start + n_left[sid] + (np.arange(L) - start)  # + rights before: within - cl
    out = np.empty_like(S)
    step = max(1, BLOCK // max(L, 1))
    for lo in range(0, d, step):
        rows = S[lo:lo + step]
        left = go_left(rows) if callable(go_left) else go_left[lo:lo + step]
        cl = segmented_cumsum(left, seg, sid)  # lefts up to here, inclusive
        new = np.where(left, start + (cl - 1), right_start - cl)
        np.put_along_axis(out[lo:lo + step], new, rows, axis=1)
    return out
