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
same way (compared by a fingerprint of the left sample set), and the subtree is regrown
otherwise. With continuous data the regrown subtrees are small and rare.
"""

from __future__ import annotations

import numpy as np

FEATURE_TOL = np.float32(1e-7)  # values closer than this count as equal (scikit-learn's rule)
EPSILON = float(np.finfo(np.float64).eps)
_NO_NODE = -1


class XorShift32:
    """Marsaglia's (2003) 32-bit xorshift generator with shifts (13, 17, 5).

    ``draw(low, high)`` returns ``low + r % (high - low)`` with ``r`` the state modulo 2**31,
    the integer scikit-learn's tree splitter uses to draw features.
    """

    def __init__(self, seed):
        self.state = int(seed) or 1

    def draw(self, low, high):
        s = self.state
        s ^= (s << 13) & 0xFFFFFFFF
        s ^= s >> 17
        s ^= (s << 5) & 0xFFFFFFFF
        self.state = s
        return low + (s & 0x7FFFFFFF) % (high - low)


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
        n = XT.shape[1]
        self.hash = np.random.default_rng(0x5EED).integers(0, 2**63, n, dtype=np.uint64)
        self.nodes = {}
        self.stats = {"proxy": [], "const": [], "thr": [], "fp": []}
        self.perms = []
        self.n_nodes = 0

    # -- storage ----------------------------------------------------------------------------

    def _append(self, fields):
        for key, value in fields.items():
            old = self.nodes.get(key)
            self.nodes[key] = value if old is None else np.concatenate([old, value])
        self.n_nodes += len(fields["parent"])

    def _append_stats(self, proxy, const, thr, fp):
        row0 = sum(len(a) for a in self.stats["proxy"])
        for key, value in zip(("proxy", "const", "thr", "fp"), (proxy, const, thr, fp),
                              strict=True):
            self.stats[key].append(value)
        return row0 + np.arange(len(proxy))

    def stats_row(self, key, row):
        arrays = self.stats[key]
        if len(arrays) > 1:
            self.stats[key] = arrays = [np.concatenate(arrays)]
        return arrays[0][row]

    # -- growth -----------------------------------------------------------------------------

    def grow(self, subsets, depth, parent, forced=None):
        """Grow the subtrees whose roots hold ``subsets`` (one array of samples each).

        The roots sit at ``depth`` below node ``parent`` (left, right in that order when there
        are two). Returns their node ids.
        """
        call = len(self.perms)
        perm = np.concatenate(subsets)
        self.perms.append(perm)
        sizes = np.array([len(s) for s in subsets], dtype=np.intp)
        m = len(subsets)
        S = self._initial_rows(perm, sizes)
        level = {
            "parent": np.full(m, parent, dtype=np.intp),
            "is_left": np.arange(m) == 0 if m == 2 else np.zeros(m, dtype=bool),
            "pstart": np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.intp),
            "size": sizes,
        }
        first_id = self.n_nodes
        while len(level["size"]):
            level, S = self._grow_level(level, S, depth, perm, call)
            depth += 1
        return first_id + np.arange(m)

    def _initial_rows(self, perm, sizes):
        vals = self.XT[:, perm]
        order = np.argsort(vals, axis=1, kind="stable")
        if len(sizes) > 1:
            node_of = np.repeat(np.arange(len(sizes)), sizes)[order]
            order = np.take_along_axis(order, np.argsort(node_of, axis=1, kind="stable"), 1)
        return perm[order]

    def _grow_level(self, level, S, depth, perm, call):
        K, sizes = self.K, level["size"]
        m = len(sizes)
        ids = self.n_nodes + np.arange(m)
        sid = np.repeat(np.arange(m), sizes)
        first = S[0]
        counts = np.bincount(sid * K + self.y[first], weights=self.w[first],
                             minlength=m * K).reshape(m, K)
        wn = counts.sum(axis=1) if self.unit_weights else np.bincount(
            sid, weights=self.w[first], minlength=m)
        impurity = self.impurity(counts.T, wn)
        is_open = ~((depth >= self.max_depth) | (sizes < self.min_samples_split)
                    | (sizes < 2 * self.min_samples_leaf) | (wn < 2 * self.min_weight_leaf)
                    | (impurity <= EPSILON))
        fields = {
            "parent": level["parent"], "is_left": level["is_left"],
            "depth": np.full(m, depth, dtype=np.intp), "n": sizes, "wn": wn,
            "counts": counts, "impurity": impurity,
            "left": np.full(m, _NO_NODE, dtype=np.intp),
            "right": np.full(m, _NO_NODE, dtype=np.intp),
            "feature": np.full(m, -2, dtype=np.intp), "threshold": np.full(m, -2.0),
            "improvement": np.zeros(m), "srow": np.full(m, -1, dtype=np.intp),
            "call": np.full(m, call, dtype=np.intp), "pstart": level["pstart"],
            "size": sizes,
        }
        empty = {"size": np.zeros(0, dtype=np.intp)}
        if not is_open.any():
            self._append(fields)
            return empty, S
        keep = is_open[sid]
        S = S[:, keep]
        open_idx = np.flatnonzero(is_open)
        search = self.split_search(S, sizes[open_idx], counts[open_idx], wn[open_idx])
        fields["srow"][open_idx] = self._append_stats(*search["per_feature"])
        f = search["feature"]
        split = search["valid"] & (search["improvement"] + EPSILON
                                   >= self.min_impurity_decrease)
        nodes_split = open_idx[split]
        n_split = len(nodes_split)
        fields["feature"][nodes_split] = f[split]
        fields["threshold"][nodes_split] = search["threshold"][split]
        fields["improvement"][nodes_split] = search["improvement"][split]
        child0 = self.n_nodes + m + 2 * np.arange(n_split)
        fields["left"][nodes_split] = child0
        fields["right"][nodes_split] = child0 + 1
        self._append(fields)
        if n_split == 0:
            return empty, S
        # stable partition of the samples of the split nodes: left child first
        n_left = search["n_left"][split]
        go_left = np.zeros(self.XT.shape[1], dtype=bool)
        osid = np.repeat(np.arange(len(open_idx)), sizes[open_idx])
        in_split = split[osid]
        S = S[:, in_split]
        node_samples = S[0]
        node_of = np.repeat(np.arange(n_split), sizes[nodes_split])
        go_left[node_samples] = (self.XT[fields["feature"][nodes_split][node_of], node_samples]
                                 <= fields["threshold"][nodes_split][node_of])
        S = stable_partition(S, go_left[S], sizes[nodes_split], n_left)
        pstart = level["pstart"][nodes_split]
        pos = np.repeat(pstart - np.concatenate([[0], np.cumsum(sizes[nodes_split])[:-1]]),
                        sizes[nodes_split]) + np.arange(len(node_samples))
        chunk = perm[pos]
        perm[pos] = stable_partition(chunk[None, :], go_left[chunk][None, :],
                                     sizes[nodes_split], n_left)[0]
        n_right = sizes[nodes_split] - n_left
        child_sizes = np.stack([n_left, n_right], axis=1).ravel()
        nxt = {
            "parent": np.repeat(ids[nodes_split], 2),
            "is_left": np.tile([True, False], n_split),
            "pstart": np.stack([pstart, pstart + n_left], axis=1).ravel(),
            "size": child_sizes,
        }
        return nxt, S

    # -- the split search -------------------------------------------------------------------

    def split_search(self, S, sizes, totals, wn):
        """Best split of every open node (segments of the rows of ``S``) for every feature.

        Returns per node the provisional choice (the best feature, lowest index on ties), and
        per node and feature the best proxy improvement, the constant flag, the threshold and
        the fingerprint of the left sample set, for the depth-first replay of ties.
        """
        d, n_a = S.shape
        m = len(sizes)
        seg = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.intp)
        sid = np.repeat(np.arange(m), sizes)
        V = np.take_along_axis(self.XT, S, axis=1)
        # candidate positions: the last sample left of a gap between distinct values
        cand = np.zeros((d, n_a), dtype=bool)
        cand[:, :-1] = (V[:, 1:] > V[:, :-1] + FEATURE_TOL) & (sid[1:] == sid[:-1])
        n_left = np.arange(1, n_a + 1) - seg[sid]
        n_right = sizes[sid] - n_left
        cand &= ((n_left >= self.min_samples_leaf) & (n_right >= self.min_samples_leaf))
        left_counts = []
        Y = self.y[S]
        W = None if self.unit_weights else self.w[S]
        for c in range(self.K):
            left_counts.append(segmented_cumsum(Y == c if W is None else np.where(Y == c, W, 0.0),
                                                seg, sid))
        if W is None:
            w_left = np.broadcast_to(n_left.astype(np.float64), (d, n_a))
        else:
            w_left = segmented_cumsum(W, seg, sid)
            cand &= (w_left >= self.min_weight_leaf) & (wn[sid] - w_left >= self.min_weight_leaf)
        w_right = wn[sid] - w_left
        right_counts = [totals[sid, c] - left_counts[c] for c in range(self.K)]
        with np.errstate(all="ignore"):
            proxy = (-w_right * self.impurity(right_counts, w_right)
                     - w_left * self.impurity(left_counts, w_left))
        proxy = np.where(cand, proxy, -np.inf)
        starts = (np.arange(d)[:, None] * n_a + seg[None, :]).ravel()
        best = np.maximum.reduceat(proxy.ravel(), starts).reshape(d, m)
        hit = cand & (proxy == best[:, sid])
        pos = np.minimum.reduceat(np.where(hit, np.arange(n_a), n_a).ravel(),
                                  starts).reshape(d, m)
        valid_f = pos < n_a
        p = np.minimum(pos, n_a - 2)
        V64 = V.astype(np.float64)
        thr = np.take_along_axis(V64, p, 1) / 2.0 + np.take_along_axis(V64, p + 1, 1) / 2.0
        thr = np.where(valid_f, thr, -2.0)
        const = V[:, seg + sizes - 1] <= V[:, seg] + FEATURE_TOL
        H = segmented_cumsum(self.hash[S], seg, sid)
        fp = np.where(valid_f, np.take_along_axis(H, p, 1), 0)
        # provisional choice
        f = np.argmax(best, axis=0)
        node = np.arange(m)
        valid = valid_f[f, node]
        i = p[f, node]
        nl = (i - seg + 1)
        cl = np.stack([left_counts[c][f, i] for c in range(self.K)])
        wl = w_left[f, i]
        wr = wn - wl
        with np.errstate(all="ignore"):
            imp_l = self.impurity(cl, wl)
            imp_r = self.impurity(totals.T - cl, wr)
            imp = self.impurity(totals.T, wn)
            improvement = (wn / self.w_total) * (imp - wr / wn * imp_r - wl / wn * imp_l)
        return {
            "feature": f, "valid": valid, "threshold": thr[f, node], "n_left": nl,
            "improvement": np.where(valid, improvement, -np.inf),
            "per_feature": (best.T, const.T, thr.T, fp.T),
        }

    # -- scikit-learn's order of features ---------------------------------------------------

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
        while stack:
            v, n_known = stack.pop()
            order.append(v)
            row = self.nodes["srow"][v]
            if row < 0:
                continue
            proxy = self.stats_row("proxy", row)
            const = self.stats_row("const", row)
            best_f, n_total = _visit(rng, features, constant_features, n_known, max_features,
                                     proxy.tolist(), const.tolist())
            f = self.nodes["feature"][v]
            if f >= 0 and best_f != f:
                self._fix_tie(v, f, best_f, row)
            if self.nodes["left"][v] >= 0:
                stack.append((self.nodes["right"][v], n_total))
                stack.append((self.nodes["left"][v], n_total))
        return np.array(order, dtype=np.intp)

    def _fix_tie(self, v, f, best_f, row):
        fp = self.stats_row("fp", row)
        thr = self.stats_row("thr", row)
        nodes = self.nodes
        nodes["feature"][v] = best_f
        nodes["threshold"][v] = thr[best_f]
        if fp[best_f] == fp[f]:
            return  # the same cut of the node: only the label changes
        samples = self.perms[nodes["call"][v]][nodes["pstart"][v]:
                                               nodes["pstart"][v] + nodes["size"][v]]
        go_left = self.XT[best_f, samples] <= thr[best_f]
        left, right = self.grow([samples[go_left], samples[~go_left]],
                                nodes["depth"][v] + 1, v)
        self.nodes["left"][v], self.nodes["right"][v] = left, right


def _visit(rng, features, constant_features, n_known, max_features, proxy, const):
    """One node of scikit-learn's feature draw (Fisher-Yates without replacement).

    ``features`` is the permutation carried from node to node; its first ``n_known`` entries
    are the features found constant above this node. Returns the chosen feature (-1 when no
    feature has a valid split) and the number of features known constant below this node.
    """
    d = len(features)
    f_i, n_found, n_drawn, n_total, n_visited = d, 0, 0, n_known, 0
    best, best_f = -np.inf, -1
    while f_i > n_total and (n_visited < max_features or n_visited <= n_found + n_drawn):
        n_visited += 1
        f_j = rng.draw(n_drawn, f_i - n_found)
        if f_j < n_known:
            features[n_drawn], features[f_j] = features[f_j], features[n_drawn]
            n_drawn += 1
            continue
        f_j += n_found
        feat = features[f_j]
        if const[feat]:
            features[f_j], features[n_total] = features[n_total], features[f_j]
            n_found += 1
            n_total += 1
            continue
        f_i -= 1
        features[f_i], features[f_j] = features[f_j], features[f_i]
        if proxy[feat] > best:
            best, best_f = proxy[feat], feat
    features[:n_known] = constant_features[:n_known]
    constant_features[n_known:n_total] = features[n_known:n_total]
    return best_f, n_total


def segmented_cumsum(A, seg, sid):
    """Cumulative sums of the rows of ``A`` restarting at every segment start ``seg``."""
    C = np.cumsum(A, axis=1, dtype=np.float64 if A.dtype == bool else None)
    base = np.zeros((A.shape[0], len(seg)), dtype=C.dtype)
    base[:, 1:] = C[:, seg[1:] - 1]
    return C - base[:, sid]


def stable_partition(S, go_left, sizes, n_left):
    """Reorder each segment of the rows of ``S``: left-going entries first, order kept."""
    d, L = S.shape
    seg = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.intp)
    sid = np.repeat(np.arange(len(sizes)), sizes)
    cl = segmented_cumsum(go_left, seg, sid).astype(np.intp)  # lefts up to here, inclusive
    within = np.arange(L) - seg[sid]
    new = np.where(go_left, seg[sid] + cl - 1, seg[sid] + n_left[sid] + within - cl)
    out = np.empty_like(S)
    np.put_along_axis(out, new, S, axis=1)
    return out
