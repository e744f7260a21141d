"""k-means|| seeding (Bahmani, Moseley, Vattani, Kumar & Vassilvitskii 2012, "Scalable
k-means++", VLDB): a few oversampling passes over X instead of k sequential ones.

1. One center drawn with probability proportional to the sample weight (``random_state``).
2. ``n_rounds`` rounds; in round ``r`` every sample is kept independently with probability
   ``min(1, l · w d²(x, C) / φ(C))``, ``φ(C) = Σ w d²(x, C)``, ``l = oversampling_factor · k``.
   Cost and sampling share ONE pass per round, exactly as the paper's probability: with ``u``
   the sample's uniform draw, it is kept iff ``u φ < l w d²``; a block does not know the global
   ``φ`` but knows its own part ``φ_b ≤ φ``, so it returns only the rows with
   ``u φ_b < l w d²`` (a superset, about ``l`` rows per block in expectation) and the host
   keeps those with ``u φ < l w d²`` once ``φ = Σ φ_b`` is known.
3. One pass: each candidate weighted by the total weight of the samples nearest to it.
4. The weighted candidates (a small in-memory set) reclustered into k by weighted greedy
   k-means++ and Lloyd's iterations.

The uniforms of round ``r`` come from a counter-based generator (Philox) keyed by two integers
drawn from ``random_state``, the counter being the global row index: a row's draw does not
depend on how X is cut into blocks, so NumPy and Dask input of any chunking give the same
candidates (up to the rounding of φ and of the distances).
"""

from __future__ import annotations

import numpy as np
from sklearn.utils import check_random_state

from .._array import compute, compute_calls, is_lazy, is_sparse, ones_like_rows, to_host
from ._lloyd import lloyd
from ._seeding import _kmeans_plusplus

STEP = 8192  # rows per distance block (bounds the rows × candidates temporary)


def _uniforms(key, rnd, start, m):
    """The uniforms of rows ``start .. start + m`` in round ``rnd`` (Philox: counter c gives
    stream positions 4c .. 4c + 3)."""
    counter = np.array([start // 4, rnd, 0, 0], dtype=np.uint64)
    gen = np.random.Generator(np.random.Philox(key=key, counter=counter))
    skip = start % 4
    return gen.random(m + skip)[skip:]


def _nearest(Xb, C):
    """Squared distance to, and index of, the nearest row of C for every row of Xb."""
    n = Xb.shape[0]
    d2, lab = np.empty(n), np.empty(n, dtype=np.intp)
    c_sq = np.sum(C * C, axis=1)
    for s in range(0, n, STEP):
        x = Xb[s:s + STEP]
        x_sq = (np.asarray(x.multiply(x).sum(axis=1)).ravel() if is_sparse(x)
                else np.einsum("ij,ij->i", x, x))
        D = np.asarray(x @ (-2.0 * C).T) + c_sq
        lab[s:s + STEP] = np.argmin(D, axis=1)
        d2[s:s + STEP] = np.maximum(D[np.arange(D.shape[0]), lab[s:s + STEP]] + x_sq, 0.0)
    return d2, lab


def _dense_rows(Xb, idx):
    rows = Xb[idx]
    return rows.toarray() if is_sparse(rows) else np.asarray(rows, dtype=np.float64)


def _round_block(Xb, wb, start, C, key, rnd, l):
    wd2 = _nearest(Xb, C)[0] * np.asarray(wb)
    phi_b = float(wd2.sum())
    u = _uniforms(key, rnd, start, Xb.shape[0])
    keep = np.flatnonzero(u * phi_b < l * wd2)
    return phi_b, start + keep, u[keep], wd2[keep], _dense_rows(Xb, keep)


def _weight_block(Xb, wb, start, C):
    return np.bincount(_nearest(Xb, C)[1], weights=np.asarray(wb), minlength=C.shape[0])


def _blocks(X, w):
    """``[(X block, w block, first row)]``: Dask blocks as delayed objects, else row slices."""
    if is_lazy(X):
        if X.numblocks[1] != 1:
            X = X.rechunk({1: -1})
        w = w.rechunk((X.chunks[0],))
        starts = np.concatenate([[0], np.cumsum(X.chunks[0])[:-1]]).astype(int)
        return list(zip(X.to_delayed().ravel(), w.to_delayed().ravel(), starts, strict=True))
    step = 1 << 16
    return [(X[s:s + step], w[s:s + step], s) for s in range(0, X.shape[0], step)]


def _map(fn, blocks, *args):
    if hasattr(blocks[0][0], "dask"):
        return compute_calls(fn, [(x, w, int(s), *args) for x, w, s in blocks])
    return [fn(x, w, s, *args) for x, w, s in blocks]


def _first_center(X, w, blocks, random_state):
    """Row drawn with probability ∝ w: the block by the blocks' sums, then the row."""
    target = random_state.random_sample()
    sums = np.asarray(compute(*[w[s:s + _len(x, X, i)] .sum() for i, (x, _, s)
                                in enumerate(blocks)]), dtype=np.float64)
    cum = np.cumsum(sums)
    target *= cum[-1]
    b = min(int(np.searchsorted(cum, target, side="right")), len(blocks) - 1)
    s = int(blocks[b][2])
    wb = np.asarray(to_host(w[s:s + _len(blocks[b][0], X, b)]), dtype=np.float64)
    local = target - (cum[b - 1] if b else 0.0)
    i = s + min(int(np.searchsorted(np.cumsum(wb), local, side="right")), wb.size - 1)
    return i


def _len(xb, X, i):
    return X.chunks[0][i] if is_lazy(X) else xb.shape[0]


def candidates(X, n_clusters, sample_weight, random_state, *, oversampling_factor=2.0,
               n_rounds=5):
    """Steps 1-3: ``(indices, rows, weights)`` of the candidates, in row order per round."""
    n = X.shape[0]
    w = np.ones(n) if sample_weight is None and not is_lazy(X) else sample_weight
    if w is None:
        w = ones_like_rows(X, np, "cpu", dtype=np.float64)
    blocks = _blocks(X, w)
    first = _first_center(X, w, blocks, random_state)
    key = random_state.randint(0, 2**63, size=2, dtype=np.int64).astype(np.uint64)
    idx = [np.array([first])]
    rows = [np.atleast_2d(np.asarray(to_host(_dense_rows(X, [first]) if not is_lazy(X)
                                             else X[[first]]), dtype=np.float64))]
    l = oversampling_factor * n_clusters
    for rnd in range(n_rounds):
        parts = _map(_round_block, blocks, np.concatenate(rows), key, rnd, l)
        phi = sum(p[0] for p in parts)
        if phi == 0:
            break
        for _, i, u, wd2, r in parts:
            keep = u * phi < l * wd2
            idx.append(i[keep])
            rows.append(r[keep])
    C = np.concatenate(rows)
    weights = np.sum(_map(_weight_block, blocks, C), axis=0)
    return np.concatenate(idx), C, weights


def kmeans_parallel(X, n_clusters, *, sample_weight=None, oversampling_factor=2.0, n_rounds=5,
                    random_state=None, max_iter=300):
    """Centers for k-means by k-means|| (Bahmani et al. 2012): ``n_rounds`` sampling passes,
    one weighting pass, then weighted k-means++ and Lloyd on the candidates (NumPy)."""
    rs = check_random_state(random_state)
    _, C, wc = candidates(X, n_clusters, sample_weight, rs,
                          oversampling_factor=oversampling_factor, n_rounds=n_rounds)
    if C.shape[0] <= n_clusters:
        return C[np.resize(np.arange(C.shape[0]), n_clusters)]
    seeds = C[_kmeans_plusplus(C, n_clusters, wc, rs)]
    mean = wc @ C / wc.sum()
    tol = 1e-4 * float(np.mean(wc @ (C - mean) ** 2 / wc.sum()))
    return lloyd(C, wc, seeds, max_iter=max_iter, tol=tol)[2]
