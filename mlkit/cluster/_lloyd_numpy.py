"""Lloyd's iterations on NumPy arrays: cache-sized row blocks and bounds that skip settled rows.

The result is the plain algorithm's (``mlkit.cluster.lloyd``), row for row; two things make
it cheaper.

* **Row blocks.** A scan of the rows works on a few thousand at a time while they are in cache:
  the ``k × rows`` matrix ``(−2C) Xᵀ + ‖c‖²``, its minimum over the k centers (k − 1
  vectorized comparisons; a row-wise argmin over rows of length k is slow), the block's one-hot
  matrix ``H = (D == min)`` and the labels ``[0, 1, …, k−1] · H``. No ``n × k`` array is made.
* **Margins (Hamerly 2010).** Every sample keeps a lower bound on its margin: how much farther
  its second-nearest center is than its own. When the centers move by ``p_j``, the distance to
  its own center ``a`` grows by at most ``p_a`` and the distance to any other center shrinks
  by at most ``max_{j≠a} p_j`` (triangle inequality), so the margin falls by at most their
  sum. Only the samples whose bound falls below zero are scanned again; the others keep a
  label that a full scan would give them again. The update step's sums follow the samples
  that change cluster, so an iteration late in a run costs a few passes over length-n
  vectors instead of two ``n × k × d`` matrix products.

The bounds carry a slack for the rounding of ``‖x‖² − 2 x·c + ‖c‖²``: a sample whose margin is
within that rounding is scanned, so that near-ties are decided by the same arithmetic as in a
full scan.

Reference: G. Hamerly (2010), "Making k-means even faster", SIAM International Conference on
Data Mining, pp. 130–140.
"""

from __future__ import annotations

import numpy as np

from .._array import one_hot, row_threads, squared_norms

BLOCK_ROWS = 8192
FEW_ROWS = 2048  # up to this many rows, a rescan is one piece (``_scan_few``)


def scan(X, centers, Xw=None, sample_weight=None, x_sq=None, run=None):
    """The nearest center of every row of X, in one pass over cache-sized row blocks.

    Returns ``(labels, margins, weights, sums)``. ``margins`` (when the squared row norms
    ``x_sq`` are given) are the distances to the second-nearest center minus those to the
    nearest; ``weights`` and ``sums`` (when ``Xw``, the weighted rows, and ``sample_weight``
    are given) are the update step's per-cluster ``Σ w`` and ``Σ w x``. Others are None.
    ``run`` (from ``_array.row_threads`` over X's rows) shares the rows out among threads;
    their sums are added in row order, so the result does not depend on the threads.
    """
    n = X.shape[0]
    if Xw is None and n <= FEW_ROWS:
        return (*_scan_few(X, centers, x_sq), None, None)
    dtype = np.result_type(X.dtype, centers.dtype)
    labels = np.empty(n, dtype=np.intp)
    margins = None if x_sq is None else np.empty(n, dtype)

    def rows(lo, hi):
        return _scan_rows(X, centers, lo, hi, labels, margins, Xw, sample_weight, x_sq)

    parts = [rows(0, n)] if run is None else run(rows)
    if Xw is None:
        return labels, margins, None, None
    weights, sums = parts[0]
    for w, s in parts[1:]:
        weights, sums = weights + w, sums + s
    return labels, margins, weights, sums


def _scan_rows(X, centers, lo, hi, labels, margins, Xw, sample_weight, x_sq):
    """``scan`` of rows ``lo:hi``: writes their labels (and margins), returns their sums.

    A column of H without exactly one 1 (a tie between centers) sends its block to argmin, so
    ties go to the first center as in the generic path.
    """
    k = centers.shape[0]
    dtype = np.result_type(X.dtype, centers.dtype)
    minus_2c = -2.0 * centers
    c_sq = np.sum(centers * centers, axis=1)[:, None]
    index_and_one = np.stack([np.arange(k, dtype=dtype), np.ones(k, dtype)])
    step = max(1, min(hi - lo, BLOCK_ROWS))
    D, H = np.empty((k, step), dtype), np.empty((k, step), dtype)
    nearest, found = np.empty(step, dtype), np.empty((2, step), dtype)
    weights = sums = None
    if Xw is not None:
        weights, sums = np.zeros(k, dtype), np.zeros((k, X.shape[1]), dtype)
    far = np.finfo(dtype).max / 4  # added to the nearest center's entry: the rest's minimum
    for start in range(lo, hi, step):
        rows = slice(start, min(start + step, hi))
        x = X[rows]
        m = x.shape[0]
        Db, Hb = D[:, :m], H[:, :m]
        np.matmul(minus_2c, x.T, out=Db)
        Db += c_sq
        np.minimum.reduce(Db, axis=0, out=nearest[:m])
        np.equal(Db, nearest[:m], out=Hb)
        label, count = np.matmul(index_and_one, Hb, out=found[:, :m])
        if np.all(count == 1):
            labels[rows] = label
        else:  # a tie: the first center, as argmin
            labels[rows] = np.argmin(Db, axis=0)
            np.equal(labels[rows], np.arange(k)[:, None], out=Hb)
        if Xw is not None:
            sums += Hb @ Xw[rows]
            weights += Hb @ sample_weight[rows]
        if margins is not None:
            Hb *= far
            Hb += Db
            second = np.minimum.reduce(Hb, axis=0)
            margins[rows] = (_root(second + x_sq[rows]) - _root(nearest[:m] + x_sq[rows]))
    return weights, sums


def _scan_few(X, centers, x_sq):
    """``scan`` of a few rows (the rows a late iteration looks at again): the same distances,
    in one piece, with fewer steps to pay for than the blocked loop."""
    D = (-2.0 * centers) @ X.T
    D += np.sum(centers * centers, axis=1)[:, None]
    labels = np.argmin(D, axis=0)
    if x_sq is None:
        return labels, None
    cols = np.arange(X.shape[0])
    nearest = D[labels, cols]
    D[labels, cols] = np.inf
    second = np.min(D, axis=0, initial=np.inf)
    return labels, _root(second + x_sq) - _root(nearest + x_sq)


def _root(squared):
    return np.sqrt(np.maximum(squared, 0.0, out=squared), out=squared)


def inertia(X, sample_weight, centers, labels):
    """``Σ w ‖x − c_label‖²`` block by block, from the differences, in reused buffers."""
    step = max(1, min(X.shape[0], BLOCK_ROWS))
    diff = np.empty((step, X.shape[1]), np.result_type(X.dtype, centers.dtype))
    total = 0.0
    for start in range(0, X.shape[0], step):
        rows = slice(start, start + step)
        m = labels[rows].shape[0]
        np.take(centers, labels[rows], axis=0, out=diff[:m])
        np.subtract(X[rows], diff[:m], out=diff[:m])
        np.multiply(diff[:m], diff[:m], out=diff[:m])
        total += np.sum(sample_weight[rows] @ diff[:m])
    return total


def rounding_slack(X, x_sq, centers):
    """A bound on the error of a distance computed as ``sqrt(‖x‖² − 2 x·c + ‖c‖²)``, twice over.

    Each of the d + 2 terms is rounded to within ``eps`` of ``|x|² + |c|² ≤ 2R²`` (R the
    largest norm of a row or center; later centers are means of rows), so the squared distance
    is off by at most ``e = 2 (d + 2) eps R²`` and its root by ``√e``. A margin computed from
    two such roots and compared with zero needs ``2√e``; we keep four times that.
    """
    dtype = np.result_type(X.dtype, centers.dtype)
    r_sq = max(float(np.max(x_sq, initial=0.0)), float(np.max(np.sum(centers**2, axis=1))))
    return 8.0 * np.sqrt(2.0 * (X.shape[1] + 2) * np.finfo(dtype).eps * r_sq)


def lloyd(X, sample_weight, centers, *, max_iter, tol, update, verbose=False, Xw=None,
          x_sq=None):
    """Lloyd's iterations from ``centers``; the contract of ``mlkit.cluster.lloyd``.

    ``update(sums, weights, centers, labels)`` is the generic update step (empty clusters
    relocated, sums averaged). Returns ``(labels, inertia, centers, n_iter)``. Full scans share
    the rows among threads, each with a one-thread BLAS: the products here have k × d
    outputs, too thin for a threaded BLAS to pay for its threads.
    """
    Xw = X * sample_weight[:, None] if Xw is None else Xw
    with row_threads(X.shape[0], BLOCK_ROWS) as run:
        state = _State(X, sample_weight, Xw, centers, run, x_sq)
        changed, strict = True, False
        for i in range(max_iter):
            if i > 0:
                changed = state.rescan(centers)
            new = update(state.sums, state.weights, centers, state.labels)
            shift = state.centers_moved(centers, new)
            centers = new
            if verbose:
                print(f"Iteration {i}: center shift {shift:.6g}")
            if not changed:
                strict = True
                break
            if shift <= tol:
                break
        if not strict:
            state.rescan(centers)
        labels = state.labels
        return labels, inertia(X, sample_weight, centers, labels), centers, i + 1


class _State:
    """What the iterations carry: the labels, the margin bounds, and the update step's
    per-cluster weights and sums, kept for the current labels."""

    def __init__(self, X, sample_weight, Xw, centers, run, x_sq=None):
        self.X, self.sample_weight, self.Xw, self.run = X, sample_weight, Xw, run
        self.x_sq = squared_norms(X, np) if x_sq is None else x_sq
        self.slack = rounding_slack(X, self.x_sq, centers)
        self.labels, margins, self.weights, self.sums = scan(X, centers, Xw, sample_weight,
                                                             self.x_sq, run)
        self.margins = margins - self.slack
        # members of positive weight (counted in floats, exactly): a cluster without any must
        # weigh exactly 0, so that the update step finds it empty
        self.n_positive = np.bincount(self.labels[sample_weight > 0],
                                      minlength=centers.shape[0]).astype(float)

    def centers_moved(self, old, new):
        """Lower the margin bounds by how far the centers moved (triangle inequality);
        returns the summed squared shift, the convergence test's measure."""
        move_sq = np.sum((new - old) ** 2, axis=1)
        move = np.sqrt(move_sq)
        self.margins -= (move + _largest_other(move))[self.labels]
        return float(np.sum(move_sq))

    def rescan(self, centers):
        """Scan again the rows whose margin bound is below zero; returns whether a label
        changed. When a quarter of the rows or more are to be scanned (early iterations), all
        are: gathering the rows would cost more than the scan."""
        rows = np.flatnonzero(self.margins < 0)
        if rows.size == 0:
            return False
        if 4 * rows.size >= self.X.shape[0]:
            new, fresh, _, _ = scan(self.X, centers, x_sq=self.x_sq, run=self.run)
            np.subtract(fresh, self.slack, out=self.margins)
            rows = np.flatnonzero(new != self.labels)
            new = new[rows]
        else:
            new, fresh, _, _ = scan(self.X[rows], centers, x_sq=self.x_sq[rows])
            self.margins[rows] = fresh - self.slack
            moved = new != self.labels[rows]
            rows, new = rows[moved], new[moved]
        if rows.size == 0:
            return False
        self.move(rows, new)
        return True

    def move(self, rows, new):
        """Rows ``rows`` change to clusters ``new``: labels, weights and sums follow them
        (``+w x`` to the new cluster, ``−w x`` to the old one).

        The sums are made afresh when a quarter of the rows or more moved, or when a cluster
        lost more than 99.9% of its weight: no center is then the small difference of two
        large sums (the rounding stays below ~1e3 eps of a center).
        """
        k, w = self.sums.shape[0], self.sample_weight[rows]
        H = (one_hot(new, k, dtype=self.sums.dtype, xp=np)
             - one_hot(self.labels[rows], k, dtype=self.sums.dtype, xp=np))
        self.labels[rows] = new
        self.n_positive += H.T @ (w > 0)
        weights = self.weights + H.T @ w
        weights[self.n_positive == 0] = 0.0
        if 4 * rows.size >= self.labels.shape[0] or np.any(1000 * weights < self.weights):
            self.weights[:] = np.bincount(self.labels, weights=self.sample_weight, minlength=k)
            self.sums[:] = self._cluster_sums()
        else:
            self.weights[:] = weights
            self.sums += H.T @ self.Xw[rows]

    def _cluster_sums(self):
        """``Σ w x`` per cluster, over row blocks shared among the threads."""
        labels, Xw, k = self.labels, self.Xw, self.sums.shape[0]

        def rows(lo, hi):
            sums = np.zeros((k, Xw.shape[1]), Xw.dtype)
            clusters = np.arange(k)[:, None]
            for start in range(lo, hi, BLOCK_ROWS):
                block = slice(start, min(start + BLOCK_ROWS, hi))
                sums += (labels[block] == clusters).astype(Xw.dtype) @ Xw[block]
            return sums

        parts = self.run(rows)
        return sum(parts[1:], parts[0])


def _largest_other(move):
    """``max_{j' ≠ j} move[j']`` for every j (0 for a single center)."""
    if move.shape[0] == 1:
        return np.zeros(1)
    top, second = np.argsort(move)[::-1][:2]
    other = np.full(move.shape, move[top])
    other[top] = move[second]
    return other
