"""The CART grower on scipy.sparse features: a split search over the stored entries only.

For a feature f and a node t, the node's samples fall into three runs along the values of f:
its stored negative entries (sorted), the implicit zeros (one block, whose class counts are the
node's minus those of its stored entries of f) and its stored positive entries (sorted).
Candidate cuts lie between consecutive distinct values, zero included, as in the dense search,
so the tree is the dense grower's (and scikit-learn's). Features with no stored entry in a node
are constant there. A level's search is vectorized over the stored entries of its open nodes:
one lexicographic sort by (node, feature, value) and segmented sums over the (node, feature)
groups. Memory: O(nnz + n_samples) for the data, plus the per-node, per-feature proxies the
depth-first replay of scikit-learn's feature draws reads (see ``_cart_split``).
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

from ._cart_split import FEATURE_TOL, Grower


class SparseColumns:
    """A (n_features, n_samples) view of a sparse X: ``cols[f, s]`` looks entries up (0 where
    none is stored), as the grower indexes its dense ``XT``."""

    def __init__(self, X32):
        csr = sparse.csr_matrix(X32, dtype=np.float32, copy=True)
        csr.eliminate_zeros()  # explicit zeros are the implicit ones
        csr.sum_duplicates()
        csr.sort_indices()
        self.csr = csr
        self.shape = (X32.shape[1], X32.shape[0])
        rows = np.repeat(np.arange(X32.shape[0], dtype=np.int64), np.diff(csr.indptr))
        self._keys = rows * X32.shape[1] + csr.indices  # sorted: rows, then columns

    def __getitem__(self, index):
        f, s = np.broadcast_arrays(*(np.asarray(i) for i in index))
        q = s.astype(np.int64) * self.shape[0] + f
        pos = np.minimum(np.searchsorted(self._keys, q), max(len(self._keys) - 1, 0))
        if not len(self._keys):
            return np.zeros(q.shape, dtype=np.float32)
        hit = self._keys[pos] == q
        return np.where(hit, self.csr.data[pos], np.float32(0))


class SparseGrower(Grower):
    """The level-wise grower with a split search over stored entries; ``S`` is one row, the
    samples of the open nodes grouped by node (no per-feature sort is kept)."""

    def _initial_rows(self, perm, sizes):
        return perm[None, :].copy()

    def split_search(self, S, sizes, totals, wn):
        """The dense ``split_search``'s result, from the stored entries of the nodes' samples."""
        d, m, K = self.XT.shape[0], len(sizes), self.K
        g = _groups(self.XT.csr, S[0], sizes, self.y, self.w, K)
        nt, ft = g["node"], g["feat"]
        best_g, pos, thr_g, const_g, nl_g, wl_g, cl_g = self._search_chunks(g, sizes, totals, wn)
        best = np.full((m, d), -np.inf)
        const = np.ones((m, d), dtype=bool)
        thr = np.full((m, d), -2.0)
        best[nt, ft], const[nt, ft], thr[nt, ft] = best_g, const_g, thr_g
        valid_md = np.zeros((m, d), dtype=bool)
        valid_md[nt, ft] = pos >= 0
        node = np.arange(m)
        f = np.argmax(best, axis=1)
        top = best[node, f]
        tied = np.sum(best == top[:, None], axis=1) > 1
        valid = valid_md[node, f]
        chosen = (ft == f[nt]) & (pos >= 0)
        cl = np.zeros((K, m))
        wl = np.zeros(m)
        n_left = np.zeros(m, dtype=np.intp)
        cl[:, nt[chosen]] = cl_g[:, chosen]
        wl[nt[chosen]], n_left[nt[chosen]] = wl_g[chosen], nl_g[chosen]
        wr = wn - wl
        with np.errstate(all="ignore"):
            exact = self.unit_weights
            imp_l = self.impurity(cl, wl, exact=exact)
            imp_r = self.impurity(totals.T - cl, wr, exact=exact)
            imp = self.impurity(totals.T, wn, exact=exact)
            improvement = (wn / self.w_total) * (imp - wr / wn * imp_r - wl / wn * imp_l)
        return {
            "feature": f, "valid": valid, "threshold": thr[node, f], "n_left": n_left,
            "improvement": np.where(valid, improvement, -np.inf),
            "per_feature": (best, const, thr), "tied": tied & valid,
        }

    def _search_chunks(self, g, sizes, totals, wn, block=2**18):
        """``_search_groups`` on runs of whole groups of about ``block`` entries each (the
        temporaries stay near ``block`` * classes elements, whatever nnz)."""
        G = len(g["node"])
        ends = np.searchsorted(g["gid"], np.arange(1, G + 1))  # entries up to each group's end
        cuts = np.unique(np.searchsorted(ends, np.arange(block, len(g["gid"]), block)))
        bounds = np.r_[0, cuts[cuts < G], G] if G else np.r_[0, 0]
        parts = []
        for a, b in zip(bounds[:-1], bounds[1:], strict=True):
            ea, eb = (ends[a - 1] if a else 0), ends[b - 1]
            sub = {key: g[key][ea:eb] for key in ("val", "y", "w")}
            sub["gid"] = g["gid"][ea:eb] - a
            sub.update({key: g[key][a:b] for key in ("node", "n_stored", "w_stored",
                                                     "c_stored")})
            parts.append(self._search_groups(sub, sizes, totals, wn))
        if not parts:
            parts.append(self._search_groups(g, sizes, totals, wn))
        return tuple(np.concatenate(p, axis=-1) for p in zip(*parts, strict=True))

    def _search_groups(self, g, sizes, totals, wn):
        """Per (node, feature) group: best proxy, index of its cut (-1: none), threshold,
        constant flag, and the left side's sample count, weight and class counts."""
        K, unit = self.K, self.unit_weights
        G = len(g["node"])
        nt = g["node"]
        # the zero block of every group, after its stored negatives
        n0 = sizes[nt] - g["n_stored"]
        w0 = wn[nt] - g["w_stored"]
        c0 = totals[nt] - g["c_stored"]  # (G, K)
        has0 = n0 > 0
        zg = np.flatnonzero(has0)
        item_g = np.concatenate([g["gid"], zg])
        item_v = np.concatenate([g["val"], np.zeros(len(zg), dtype=np.float32)])
        order = np.lexsort((item_v, item_g))
        item_g, item_v = item_g[order], item_v[order]
        n_e = len(g["gid"])
        is_e = order < n_e
        eo = np.where(is_e, order, 0)
        zo = np.where(is_e, 0, order - n_e)
        cnt = np.where(is_e, 1, n0[zg][zo] if len(zg) else 0)
        wgt = np.where(is_e, g["w"][eo], w0[zg][zo] if len(zg) else 0.0)
        cls = np.where(is_e[:, None], (g["y"][eo][:, None] == np.arange(K)) * g["w"][eo][:, None],
                       c0[zg][zo] if len(zg) else 0.0)
        n_items = len(item_g)
        gstart = np.flatnonzero(np.r_[True, item_g[1:] != item_g[:-1]]) if n_items else \
            np.zeros(0, dtype=np.intp)
        glast = np.r_[gstart[1:], n_items] - 1
        seg_of = np.repeat(np.arange(G), np.diff(np.r_[gstart, n_items]))
        C = np.cumsum(cls, axis=0)
        Cn = np.cumsum(cnt)
        Cw = np.cumsum(wgt)
        base = gstart - 1
        Bn = np.where(base >= 0, Cn[base], 0)[seg_of]
        Bw = np.where(base >= 0, Cw[base], 0.0)[seg_of]
        BC = np.where(base[:, None] >= 0, C[base], 0.0)[seg_of]
        left = C - BC
        nl = Cn - Bn
        w_left = Cw - Bw if not unit else nl.astype(np.float64)
        n_node, wn_item = sizes[nt][seg_of], wn[nt][seg_of]
        w_right = wn_item - w_left
        gap = np.zeros(n_items, dtype=bool)
        gap[:-1] = item_v[1:] > item_v[:-1] + FEATURE_TOL
        gap[glast] = False
        msl = self.min_samples_leaf
        ok = gap & (nl >= msl) & (n_node - nl >= msl)
        if self.min_weight_leaf > 0:
            ok &= (w_left >= self.min_weight_leaf) & (w_right >= self.min_weight_leaf)
        right = totals[nt][seg_of] - left
        with np.errstate(all="ignore"):
            proxy = (-w_right * self.impurity(right.T, w_right, exact=unit)
                     - w_left * self.impurity(left.T, w_left, exact=unit))
        proxy = np.where(ok & ~np.isnan(proxy), proxy, -np.inf)
        best = np.maximum.reduceat(proxy, gstart) if G else np.zeros(0)
        hit = ok & (proxy == best[seg_of])
        pos = np.minimum.reduceat(np.where(hit, np.arange(n_items), n_items), gstart) if G \
            else np.zeros(0, dtype=np.intp)
        pos = np.where(pos < n_items, pos, -1)
        p = np.maximum(pos, 0)
        pn = np.minimum(p + 1, n_items - 1)
        thr = np.where(pos >= 0, item_v[p].astype(np.float64) / 2.0
                       + item_v[pn].astype(np.float64) / 2.0, -2.0)
        const = item_v[glast] <= item_v[gstart] + FEATURE_TOL
        return best, pos, thr, const, nl[p], w_left[p], left[p].T


def _groups(csr, samples, sizes, y, w, K):
    """The stored entries of ``samples`` (grouped into nodes of ``sizes``), grouped by (node,
    feature): per entry its group, value, class and weight; per group its node, feature and
    the count, weight and class counts of its stored entries."""
    m = len(sizes)
    sid = np.repeat(np.arange(m), sizes)
    rl = (csr.indptr[samples + 1] - csr.indptr[samples]).astype(np.intp)
    n_e = int(rl.sum())
    at = np.repeat(np.arange(len(samples)), rl)
    first = np.cumsum(rl) - rl
    src = np.repeat(csr.indptr[samples].astype(np.intp) - first, rl) + np.arange(n_e)
    feat, val = csr.indices[src], csr.data[src]
    node = sid[at]
    smp = samples[at]
    del src, at
    order = np.lexsort((feat, node))
    feat, val, node, smp = feat[order], val[order], node[order], smp[order]
    new = np.r_[True, (feat[1:] != feat[:-1]) | (node[1:] != node[:-1])] if n_e else \
        np.zeros(0, dtype=bool)
    gid = np.cumsum(new) - 1
    starts = np.flatnonzero(new)
    G = len(starts)
    ye, we = y[smp], w[smp]
    c_stored = np.bincount(gid * K + ye, weights=we, minlength=G * K).reshape(G, K)
    return {
        "gid": gid, "val": val, "y": ye, "w": we,
        "node": node[starts], "feat": feat[starts].astype(np.intp),
        "n_stored": np.diff(np.r_[starts, n_e]),
        "w_stored": np.bincount(gid, weights=we, minlength=G),
        "c_stored": c_stored,
    }
