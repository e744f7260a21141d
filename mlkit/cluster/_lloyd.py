"""The two steps of Lloyd's algorithm and its iterations (pure functions of arrays, in any
namespace); on NumPy the iterations are ``_lloyd_numpy``'s."""

from __future__ import annotations

import numpy as np

from .._array import (
    as_namespace,
    bincount,
    compute,
    is_lazy,
    is_numpy,
    is_sparse,
    namespace_and_device,
    one_hot,
    row_block_sums,
    scale_rows,
    sparse_entry_cols,
    sparse_entry_rows,
    sparse_row_sums,
    to_host,
)
from .._threads import one_blas_thread
from . import _lloyd_numpy


def squared_distances(X, centers, xp, x_squared_norms=None):
    """``‖x − c‖²`` for every row and center, as ``‖x‖² − 2 x·c + ‖c‖²`` (one matrix product).

    Without ``x_squared_norms`` the ``‖x‖²`` term is left out: it does not change which center
    is nearest, and the assignment step does not need it.
    """
    D = X @ (-2.0 * centers).T + xp.sum(centers * centers, axis=1)  # one product, one add
    if x_squared_norms is not None:
        D = xp.maximum(D + x_squared_norms[:, None], 0.0)
    return D


def assign(X, centers, xp):
    """The assignment step: the index of each sample's nearest center."""
    if is_numpy(xp) and not is_sparse(X):
        return _lloyd_numpy.scan(X, centers)[0]
    return xp.argmin(squared_distances(X, centers, xp), axis=1)


def cluster_sums(Xw, sample_weight, labels, n_clusters, xp):
    """The update step's statistics: per-cluster weight ``Σ w`` and weighted sum ``Σ w x``.

    ``Xw`` is the rows already multiplied by their weights (once per fit, not per iteration);
    the sums are ``(Xwᵀ H)ᵀ`` with ``H`` the one-hot matrix of the labels -- the form BLAS runs
    fastest for a few outputs and many rows.
    """
    H = one_hot(labels, n_clusters, dtype=Xw.dtype, xp=xp)
    weights = bincount(labels, weights=sample_weight, minlength=n_clusters, xp=xp)
    return xp.astype(weights, Xw.dtype), (Xw.T @ H).T


def inertia(X, sample_weight, centers, labels, xp):
    """``Σ w ‖x − c_label‖²``, from the differences themselves (not the expanded form; for
    scipy.sparse X from its stored entries, ``distances_to_own``)."""
    if is_sparse(X):
        return float(np.asarray(sample_weight) @ distances_to_own(X, centers, labels))
    if is_numpy(xp):
        return _lloyd_numpy.inertia(X, sample_weight, np.asarray(centers), labels)
    H = one_hot(labels, centers.shape[0], dtype=X.dtype, xp=xp)
    diff = X - H @ as_namespace(centers, xp, None if is_lazy(X) else _device(X))
    return xp.sum(sample_weight * xp.sum(diff * diff, axis=1))


def _device(X):
    return namespace_and_device(X)[1]


def distances_to_own(X, centers, labels):
    """``‖x − c_label‖²`` of each row of a scipy.sparse X: the center's squared norm, plus
    ``x (x − 2c)`` over the row's stored entries (where ``x ≠ 0``), at least 0."""
    centers = np.asarray(centers)
    labels = np.asarray(labels)
    rows, cols = sparse_entry_rows(X), sparse_entry_cols(X)
    c = centers[labels[rows], cols]
    stored = sparse_row_sums(X, X.data * (X.data - 2.0 * c))
    return np.maximum(np.sum(centers * centers, axis=1)[labels] + stored, 0.0)


def _rows(X, idx, xp):
    """Rows ``idx`` of X, dense (the only rows of a sparse X ever made dense: seeds and
    relocated samples)."""
    if is_sparse(X):
        return X[np.asarray(idx)].toarray()
    return X[idx, ...] if is_lazy(X) else xp.take(X, _index(idx, X, xp), axis=0)


def relocate_empty_clusters(X, sample_weight, centers_old, sums, weights, labels, xp):
    """Give every empty cluster the sample that lies farthest from its own center.

    The moved sample is taken out of its old cluster's sums. As scikit-learn does, nothing is
    moved when every sample sits on its center (more clusters than distinct points). Runs only
    when a cluster is empty; the loop is over the empty clusters (at most ``k``).
    """
    w_host = to_host(weights)
    empty = np.flatnonzero(w_host == 0)
    if empty.size == 0:
        return sums, weights
    if is_sparse(X):
        dist = distances_to_own(X, centers_old, labels)
    else:
        H = one_hot(labels, centers_old.shape[0], dtype=X.dtype, xp=xp)
        diff = X - H @ centers_old
        dist = to_host(xp.sum(diff * diff, axis=1))
    if dist.max() == 0:
        return sums, weights
    far = np.argpartition(dist, -empty.size)[: -empty.size - 1 : -1]
    x_far = to_host(_rows(X, far, xp))
    w_far = to_host(sample_weight)[far]
    old = to_host(labels)[far]
    sums_h, w_h = np.array(to_host(sums)), np.array(w_host)
    for new_k, x, w, old_k in zip(empty, x_far, w_far, old, strict=True):
        sums_h[old_k] -= x * w
        sums_h[new_k] = x * w
        w_h[new_k] = w
        w_h[old_k] -= w
    sxp, device = namespace_and_device(sums)
    return as_namespace(sums_h, sxp, device), as_namespace(w_h, sxp, device)


def _index(idx, X, xp):
    return as_namespace(np.asarray(idx, dtype=np.int64), xp, _device(X))


def average_centers(sums, weights, xp):
    """Centers ``Σ w x / Σ w``; a still-empty cluster sits on the heaviest cluster's center."""
    safe = xp.where(weights > 0, weights, 1.0)
    centers = sums / safe[:, None]
    heaviest = centers[int(xp.argmax(weights)), :]
    return xp.where((weights > 0)[:, None], centers, heaviest[None, :])


def lloyd(X, sample_weight, centers, *, max_iter, tol, verbose=False, Xw=None, x_sq=None,
          counts=False):
    """Lloyd's iterations from ``centers`` until the labels stop changing or the centers move
    less than ``tol`` (sum of squared shifts), as scikit-learn's ``algorithm='lloyd'``.

    ``Xw`` is ``X * sample_weight[:, None]`` when the caller has it (X itself for unit
    weights); ``x_sq`` its squared row norms, when the caller has them. Returns ``(labels,
    inertia, centers, n_iter)``, and with ``counts`` the number of samples of each cluster (a
    host array) after them; on Dask, ``labels`` stays lazy (never gathered: it is of size n)
    and the counts come in the inertia's pass. NumPy arrays take ``_lloyd_numpy.lloyd``: the
    same iterations, with settled rows skipped.
    """
    xp, _ = namespace_and_device(X)

    def update(sums, weights, centers, labels):
        sums, weights = relocate_empty_clusters(X, sample_weight, centers, sums, weights,
                                                labels, xp)
        return average_centers(sums, weights, namespace_and_device(sums)[0])

    if is_numpy(xp) and not is_sparse(X):
        out = _lloyd_numpy.lloyd(X, sample_weight, centers, max_iter=max_iter, tol=tol,
                                 update=update, verbose=verbose, Xw=Xw, x_sq=x_sq)
        return out + (np.bincount(out[0], minlength=centers.shape[0]),) if counts else out
    k = centers.shape[0]
    if Xw is None and not is_lazy(X):
        Xw = scale_rows(X, sample_weight) if is_sparse(X) else X * sample_weight[:, None]
    labels_old, centers_old, strict = None, None, False
    for i in range(max_iter):
        labels = assign(X, centers, xp)
        if is_lazy(X):  # one pass: both steps fused in each row block's task
            weights, sums, changed = compute(*lazy_lloyd_step(X, sample_weight, centers,
                                                              centers_old))
        else:
            weights, sums = cluster_sums(Xw, sample_weight, labels, k, xp)
            changed = xp.any(labels != labels_old) if labels_old is not None else None
            weights, sums, changed = compute(weights, sums, changed)
        new = update(sums, weights, centers, labels)
        shift = float(namespace_and_device(new)[0].sum((new - centers) ** 2))
        centers_old, centers = centers, new
        if verbose:
            print(f"Iteration {i}: center shift {shift:.6g}")
        if changed is not None and not bool(changed):
            strict = True
            break
        if shift <= tol:
            break
        labels_old = labels
    return _finish(X, sample_weight, centers, None if not strict else labels, i + 1, counts,
                   xp)


def _finish(X, sample_weight, centers, labels, n_iter, counts, xp):
    """Lloyd's result: the labels (assigned to the final centers unless given: converged with
    none changed), the inertia, and with ``counts`` the cluster sizes (a host array)."""
    k = centers.shape[0]
    if labels is None:
        labels = assign(X, centers, xp)
    if is_lazy(X):  # one pass: each block's inertia and cluster sizes; labels_ stays lazy
        total, sizes = compute(*lazy_inertia_and_sizes(X, sample_weight, centers))
        out = labels, float(total), centers, n_iter
        return out + (np.asarray(sizes),) if counts else out
    total = inertia(X, sample_weight, centers, labels, xp)
    sizes = bincount(labels, minlength=k, xp=xp) if counts else None
    if is_lazy(labels):
        total, sizes = compute(total, sizes)
    else:
        labels, total, sizes = compute(labels, total, sizes)
    out = labels, float(total), centers, n_iter
    return out + (np.asarray(to_host(sizes)),) if counts else out


def lazy_lloyd_step(X, sample_weight, centers, centers_old=None):
    """One Lloyd iteration on a Dask X in one pass: each row block's task assigns its rows
    (``_lloyd_numpy.scan``) and sums them per cluster. Returns lazy ``(Σ w, Σ w x)`` per
    cluster and whether any label differs from the assignment to ``centers_old`` (None
    without them): the two steps' statistics, never the labels themselves."""
    k, d = centers.shape
    C = np.asarray(to_host(centers), dtype=np.float64)
    C_old = None if centers_old is None else np.asarray(to_host(centers_old), np.float64)

    @one_blas_thread
    def one_block(Xb, wb):
        Xb, wb = np.asarray(Xb), np.asarray(wb, dtype=np.float64)
        labels, _, weights, sums = _lloyd_numpy.scan(Xb, C, Xb * wb[:, None], wb)
        out = np.zeros((k, d + 2))
        out[:, 0], out[:, 1:-1] = weights, sums
        if C_old is not None:
            out[0, -1] = np.count_nonzero(labels != _lloyd_numpy.scan(Xb, C_old)[0])
        return out

    stats = row_block_sums(one_block, (k, d + 2), X, sample_weight)
    changed = None if C_old is None else stats[0, -1] > 0
    return stats[:, 0], stats[:, 1:-1], changed


def lazy_inertia_and_sizes(X, sample_weight, centers):
    """``Σ w ‖x − c_label‖²`` and the number of rows of each cluster, for a Dask X labelled
    by its nearest of ``centers``: one pass, each row block's task assigning its own rows."""
    k = centers.shape[0]
    C = np.asarray(to_host(centers), dtype=np.float64)

    @one_blas_thread
    def one_block(Xb, wb):
        Xb, wb = np.asarray(Xb), np.asarray(wb, dtype=np.float64)
        labels = _lloyd_numpy.scan(Xb, C)[0]
        out = np.zeros(k + 1)
        out[:k] = np.bincount(labels, minlength=k)
        out[k] = _lloyd_numpy.inertia(Xb, wb, C, labels)
        return out

    stats = row_block_sums(one_block, (k + 1,), X, sample_weight)
    return stats[k], stats[:k]
