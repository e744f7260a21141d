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

from ._cart_split import FEATURE_TOL, Grower, _index_type, _small_int


class SparseColumns:
    """A (n_features, n_samples) view of a sparse X: ``cols[f, s]`` looks entries up (0 where
    none is stored), as the grower indexes its dense ``XT``."""

    def __init__(self, X32):
        csr = sparse.csr_matrix(X32, dtype=np.float32)
        if csr is X32 or csr.data is getattr(X32, "data", None):
            csr = csr.copy()
        csr.eliminate_zeros()  # explicit zeros are the implicit ones
        csr.sum_duplicates()
        csr.sort_indices()
        self.csr = csr
        self.shape = (X32.shape[1], X32.shape[0])

    def __getitem__(self, index):
        """The entries at (feature, sample) pairs: a binary search of each sample's row, all
        pairs at once (one step per bit of the longest row)."""
        f, s = np.broadcast_arrays(*(np.asarray(i) for i in index))
        f, s = f.ravel(), s.ravel()
        indptr, indices = self.csr.indptr, self.csr.indices
        lo, hi = indptr[s].astype(np.intp), indptr[s + 1].astype(np.intp)
        while True:
            open_ = lo < hi
            if not open_.any():
                break
            mid = (lo + hi) // 2
            below = open_ & (indices[np.minimum(mid, len(indices) - 1)] < f)
            lo = np.where(below, mid + 1, lo)
            hi = np.where(open_ & ~below, mid, hi)
        at = np.minimum(lo, max(len(indices) - 1, 0))
        hit = (lo < indptr[s + 1]) & (indices[at] == f) if len(indices) else lo < 0
        out = np.where(hit, self.csr.data[at] if len(indices) else 0, np.float32(0))
        return out.astype(np.float32).reshape(np.shape(np.broadcast_arrays(*index)[0]))


class SparseGrower(Grower):
    """The level-wise grower with a split search over stored entries; ``S`` is one row, the
    samples of the open nodes grouped by node (no per-feature sort is kept)."""

    def _initial_rows(self, perm, sizes):
        return perm[None, :].copy()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._levels = []  # per searched level: (feature, proxy, const, threshold) of groups

    def _empty_per_feature(self, m):
        """Per node: the level and range of its (node, feature) groups (features with no
        stored entry in a node are constant there, and have no group)."""
        return {"pf_level": np.full(m, -1, dtype=np.intp),
                "pf_start": np.zeros(m, dtype=np.intp), "pf_end": np.zeros(m, dtype=np.intp)}

    def _keep_per_feature(self, fields, open_idx, per_feature):
        nt, ft, best, const, thr = per_feature
        self._levels.append((ft, best, const, thr))
        start = np.searchsorted(nt, np.arange(len(open_idx)))
        end = np.searchsorted(nt, np.arange(len(open_idx)), side="right")
        fields["pf_level"][open_idx] = len(self._levels) - 1
        fields["pf_start"][open_idx], fields["pf_end"][open_idx] = start, end

    def per_feature(self, v, keys=("proxy", "const")):
        """Node ``v``'s (or nodes') rows of the dense grower's per-feature arrays, made on
        demand from its groups."""
        if np.ndim(v):
            rows = [self.per_feature(u, keys) for u in np.asarray(v).tolist()]
            return tuple(np.array([r[i] for r in rows]).reshape(len(rows), self.XT.shape[0])
                         for i in range(len(keys)))
        nodes, d = self.nodes, self.XT.shape[0]
        fill = {"proxy": (-np.inf, np.float64), "const": (True, bool), "thr": (-2.0, np.float64)}
        out = {key: np.full(d, fill[key][0], dtype=fill[key][1]) for key in keys}
        level = nodes["pf_level"][v]
        if level >= 0:
            ft, best, const, thr = self._levels[level]
            sl = slice(nodes["pf_start"][v], nodes["pf_end"][v])
            for key, value in (("proxy", best), ("const", const), ("thr", thr)):
                if key in out:
                    out[key][ft[sl]] = value[sl]
        return tuple(out[key] for key in keys)

    def split_search(self, S, sizes, totals, wn):
        """The dense ``split_search``'s result, from the stored entries of the nodes' samples;
        the per-feature results are kept per (node, feature) group."""
        d, m, K = self.XT.shape[0], len(sizes), self.K
        g = _groups(self.XT.csr, S[0], sizes, self.y, self.w, K)
        nt, ft = g["node"], g["feat"]
        best_g, pos, thr_g, const_g, nl_g, wl_g, cl_g = self._search_chunks(g, sizes, totals, wn)
        node = np.arange(m)
        top = np.full(m, -np.inf)
        f = np.zeros(m, dtype=np.intp)
        if len(nt):
            gs = np.flatnonzero(np.r_[True, nt[1:] != nt[:-1]])
            top[nt[gs]] = np.maximum.reduceat(best_g, gs)
            is_top = best_g == top[nt]
            first = np.minimum.reduceat(np.where(is_top, ft, d), gs)
            f[nt[gs]] = np.where(first < d, first, 0)
            tied = np.bincount(nt[is_top], minlength=m) > 1
        else:
            tied = np.zeros(m, dtype=bool)
        chosen = (ft == f[nt]) & (pos >= 0)
        valid = np.zeros(m, dtype=bool)
        thr = np.full(m, -2.0)
        cl = np.zeros((K, m))
        wl = np.zeros(m)
        n_left = np.zeros(m, dtype=np.intp)
        c = nt[chosen]
        valid[c], thr[c] = True, thr_g[chosen]
        cl[:, c] = cl_g[:, chosen]
        wl[c], n_left[c] = wl_g[chosen], nl_g[chosen]
        wr = wn - wl
        with np.errstate(all="ignore"):
            exact = self.unit_weights
            imp_l = self.impurity(cl, wl, exact=exact)
            imp_r = self.impurity(totals.T - cl, wr, exact=exact)
            imp = self.impurity(totals.T, wn, exact=exact)
            improvement = (wn / self.w_total) * (imp - wr / wn * imp_r - wl / wn * imp_l)
        del node
        return {
            "feature": f, "valid": valid, "threshold": thr, "n_left": n_left,
            "improvement": np.where(valid, improvement, -np.inf),
            "per_feature": (nt, ft, best_g, const_g, thr_g), "tied": tied & valid,
        }

    def _search_chunks(self, g, sizes, totals, wn, block=2**16):
        """``_search_groups`` on runs of whole groups of about ``block`` entries each (the
        temporaries stay near ``block`` * classes elements, whatever nnz)."""
        G = len(g["node"])
        if not G:  # no stored entry in any open node: every feature is constant
            empty = np.zeros(0)
            return (empty, np.zeros(0, dtype=np.intp), empty, np.zeros(0, dtype=bool),
                    np.zeros(0, dtype=np.intp), empty, np.zeros((self.K, 0)))
        ends = np.searchsorted(g["gid"], np.arange(1, G + 1))  # entries up to each group's end
        cuts = np.unique(np.searchsorted(ends, np.arange(block, len(g["gid"]), block)))
        bounds = np.r_[0, cuts[cuts < G], G]
        parts = []
        for a, b in zip(bounds[:-1], bounds[1:], strict=True):
            ea, eb = (ends[a - 1] if a else 0), ends[b - 1]
            sub = {key: g[key][ea:eb] for key in ("val", "y", "w")}
            sub["gid"] = g["gid"][ea:eb] - a
            sub.update({key: g[key][a:b] for key in ("node", "n_stored", "w_stored",
                                                     "c_stored")})
            parts.append(self._search_groups(sub, sizes, totals, wn))
        return tuple(np.concatenate(p, axis=-1) for p in zip(*parts, strict=True))

    def _search_groups(self, g, sizes, totals, wn):
        """Per (node, feature) group: best proxy, index of its cut (-1: none), threshold,
        constant flag, and the left side's sample count, weight and class counts.

        The group's values (its stored entries and its block of zeros) are sorted and cut into
        runs of equal values; class counts are summed per run, so the work over classes is
        per distinct value, not per entry."""
        K, unit = self.K, self.unit_weights
        G, nt = len(g["node"]), g["node"]
        n0 = sizes[nt] - g["n_stored"]
        zg = np.flatnonzero(n0 > 0)  # groups with implicit zeros: one item each
        order, item_v, run, rstart, rend, run_g = _value_runs(g["gid"], g["val"], zg)
        n_items = len(item_v)
        R = int(run[-1]) + 1 if n_items else 0
        # class counts, sample counts and weights per run: entries, then the zero blocks
        n_e = len(g["gid"])
        pos_of = np.empty(n_items, dtype=np.intp)
        pos_of[order] = np.arange(n_items)
        e_run, z_run = run[pos_of[:n_e]], run[pos_of[n_e:]]
        rc = np.bincount(e_run * K + g["y"], weights=g["w"], minlength=R * K).reshape(R, K)
        rc[z_run] += totals[nt[zg]] - g["c_stored"][zg]
        rn = np.bincount(e_run, minlength=R)
        rn[z_run] += n0[zg]
        rw = np.bincount(e_run, weights=g["w"], minlength=R)
        rw[z_run] += wn[nt[zg]] - g["w_stored"][zg]
        # cumulative sums within each group, over its runs
        gfirst = np.flatnonzero(np.r_[True, run_g[1:] != run_g[:-1]]) if R else rstart
        glast = np.r_[gfirst[1:], R] - 1
        seg_of = np.repeat(np.arange(len(gfirst)), np.diff(np.r_[gfirst, R]))
        left = _group_cumsum(rc, gfirst, seg_of)
        nl = _group_cumsum(rn, gfirst, seg_of)
        w_left = nl.astype(np.float64) if unit else _group_cumsum(rw, gfirst, seg_of)
        node_r = nt[run_g]
        w_right = wn[node_r] - w_left
        msl = self.min_samples_leaf
        ok = (nl >= msl) & (sizes[node_r] - nl >= msl)
        ok[glast] = False
        if self.min_weight_leaf > 0:
            ok &= (w_left >= self.min_weight_leaf) & (w_right >= self.min_weight_leaf)
        with np.errstate(all="ignore"):
            proxy = (-w_right * self.impurity((totals[node_r] - left).T, w_right, exact=unit)
                     - w_left * self.impurity(left.T, w_left, exact=unit))
        proxy = np.where(ok & ~np.isnan(proxy), proxy, -np.inf)
        best = np.maximum.reduceat(proxy, gfirst) if G else np.zeros(0)
        hit = ok & (proxy == best[seg_of])
        pos = np.minimum.reduceat(np.where(hit, np.arange(R), R), gfirst) if G \
            else np.zeros(0, dtype=np.intp)
        pos = np.where(pos < R, pos, -1)
        p = np.maximum(pos, 0)
        after = np.minimum(rend[p] + 1, max(n_items - 1, 0))
        thr = np.where(pos >= 0, item_v[rend[p]].astype(np.float64) / 2.0
                       + item_v[after].astype(np.float64) / 2.0, -2.0)
        const = item_v[rend[glast]] <= item_v[rstart[gfirst]] + FEATURE_TOL
        return best, pos, thr, const, nl[p], w_left[p], left[p].T


def _value_runs(gid, val, zg):
    """The items of every group -- its stored entries, and one zero for each group ``zg``
    with implicit zeros -- sorted by (group, value) and cut into runs of equal values
    (within ``FEATURE_TOL``). Returns the sort order, the sorted values, each item's run,
    each run's first and last item and each run's group."""
    item_g = np.concatenate([gid, zg.astype(gid.dtype)])
    item_v = np.concatenate([val, np.zeros(len(zg), dtype=np.float32)])
    order = np.lexsort((item_v, item_g))
    item_g, item_v = item_g[order], item_v[order]
    new_run = np.r_[True, item_g[1:] != item_g[:-1]]
    new_run[1:] |= item_v[1:] > item_v[:-1] + FEATURE_TOL
    run = np.cumsum(new_run) - 1
    rstart = np.flatnonzero(new_run)
    rend = np.r_[rstart[1:], len(item_g)] - 1  # last item of each run
    return order, item_v, run, rstart, rend, item_g[rstart].astype(np.intp)


def _group_cumsum(a, first, seg_of):
    """Cumulative sums of the rows of ``a`` restarting at every group start ``first``."""
    c = np.cumsum(a, axis=0)
    base = np.zeros((len(first),) + a.shape[1:], dtype=c.dtype)
    base[1:] = c[first[1:] - 1]
    return c - base[seg_of]


def _groups(csr, samples, sizes, y, w, K):
    """The stored entries of ``samples`` (grouped into nodes of ``sizes``), grouped by (node,
    feature): per entry its group, value, class and weight; per group its node, feature and
    the count, weight and class counts of its stored entries."""
    m, it = len(sizes), _index_type(len(csr.data))
    sid = np.repeat(np.arange(m, dtype=np.int32 if m < 2**31 else np.intp), sizes)
    rl = (csr.indptr[samples + 1] - csr.indptr[samples]).astype(it)
    n_e = int(rl.sum())
    src = np.repeat(csr.indptr[samples].astype(it) - (np.cumsum(rl, dtype=it) - rl), rl)
    src += np.arange(n_e, dtype=it)
    at = np.repeat(np.arange(len(samples), dtype=it), rl)
    del rl
    node = sid[at]  # nondecreasing: the samples come grouped by node
    smp = samples[at]
    del at
    feat = csr.indices[src]
    order = np.lexsort((feat, node))
    feat, node, smp = feat[order], node[order], smp[order]
    val = csr.data[src[order]]
    del src, order
    new = np.r_[True, (feat[1:] != feat[:-1]) | (node[1:] != node[:-1])] if n_e else \
        np.zeros(0, dtype=bool)
    gid = np.cumsum(new, dtype=it) - 1
    starts = np.flatnonzero(new)
    del new
    G = len(starts)
    ye, we = y.astype(_small_int(K))[smp], w[smp]
    del smp
    c_stored = np.bincount(gid.astype(np.intp) * K + ye, weights=we,
                           minlength=G * K).reshape(G, K)
    return {
        "gid": gid, "val": val, "y": ye, "w": we,
        "node": node[starts], "feat": feat[starts].astype(np.intp),
        "n_stored": np.diff(np.r_[starts, n_e]),
        "w_stored": np.bincount(gid, weights=we, minlength=G),
        "c_stored": c_stored,
    }
