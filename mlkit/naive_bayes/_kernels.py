"""The tuned NumPy kernels of naive Bayes, beneath the textbook steps they replace.

Speeds up ``_gaussian.class_moments``, ``_gaussian.column_moments``,
``_gaussian.joint_log_likelihood`` and ``_base.log_normalize`` on NumPy: cache-sized row
blocks in reused buffers (a float32 X cast to float64 a block at a time, never whole), the
Gaussian square expanded into two matrix products (after a shift when the class means lie far
from the origin), row blocks shared among threads, each block checked for NaN and infinity and
its best class found while it is in cache. Each is tested against its textbook function on
random data in tests/test_naive_bayes.py (``test_kernel_*``).
"""

from __future__ import annotations

import numpy as np

from .._rows import argmax_rows
from .._threads import map_row_ranges
from .._validation import check_all_finite

_BLOCK_ROWS = 4096
# (t - shift)**2 / v up to this: the expansion's rounding, ~eps times it per feature, stays
# below ~1e-11 of a log-likelihood
_EXPANSION_LIMIT = 1e4


# ---------------------------------------------------------------------------------------------
# Class moments
# ---------------------------------------------------------------------------------------------


def class_moments(X, y_idx, W):
    """``_gaussian.class_moments`` of a NumPy X, by row blocks (X may be float32)."""
    count = np.sum(W, axis=0)
    safe = np.where(count > 0, count, 1.0)[:, None]
    mean = _class_sums(X, W) / safe
    dev2, dev = _deviation_sums(X, y_idx, W, mean)
    m2 = dev2 - dev**2 / safe
    return count, mean, np.where(m2 > 0, m2, 0.0)


def column_moments(X):
    """``_gaussian.column_moments`` of a NumPy X: the class moments of one class."""
    n = X.shape[0]
    _, mean, m2 = class_moments(X, np.zeros(n, dtype=np.intp), np.ones((n, 1)))
    return n, mean[0], m2[0]


def _class_sums(X, W):
    """``W.T @ X`` in float64 by row blocks: a float32 X is cast a block at a time, never
    whole (NumPy's mixed-precision product would copy all of X to float64 first)."""
    if X.dtype == np.float64:
        return W.T @ X
    sums = np.zeros((W.shape[1], X.shape[1]))
    for start in range(0, X.shape[0], _BLOCK_ROWS):
        stop = min(X.shape[0], start + _BLOCK_ROWS)
        sums += W[start:stop].T @ X[start:stop].astype(np.float64)
    return sums


def _deviation_sums(X, y_idx, W, mean):
    """``W.T @ D**2`` and ``W.T @ D``, ``D = X - mean[y]``, by row blocks.

    The deviations and their squares live in two reused cache-sized buffers: the second pass
    reads the data once and writes no n x d temporary.
    """
    n, d = X.shape
    dev2, dev = np.zeros((W.shape[1], d)), np.zeros((W.shape[1], d))
    rows_max = min(n, _BLOCK_ROWS)
    D, D2 = np.empty((rows_max, d)), np.empty((rows_max, d))
    for start in range(0, n, _BLOCK_ROWS):
        stop = min(n, start + _BLOCK_ROWS)
        m = stop - start
        Wb = W[start:stop].T
        np.subtract(X[start:stop], mean[y_idx[start:stop]], out=D[:m])
        np.multiply(D[:m], D[:m], out=D2[:m])
        dev2 += Wb @ D2[:m]
        dev += Wb @ D[:m]
    return dev2, dev


# ---------------------------------------------------------------------------------------------
# Gaussian joint log-likelihood
# ---------------------------------------------------------------------------------------------


def joint_log_likelihood(X, theta, var, log_prior=None, argmax=False):
    """``_gaussian.joint_log_likelihood`` of a NumPy X, as two matrix products.

    Expanding the square, ``-(x - t)**2 / (2 v) = -x**2 / (2 v) + x t / v - t**2 / (2 v)``: the
    n x k result is ``(x**2) @ A + x @ B + b`` with A, B, b small per-class terms. The expansion
    loses about ``log10(1 + s**2 / v)`` digits for features at a distance ``s`` from the origin,
    so where some class mean lies far from it (more than 4 standard deviations) the data are
    first shifted by the mean of the class means. No one shift serves classes whose means lie
    far apart against their spread (``(t - shift)**2 / v`` above ``_EXPANSION_LIMIT``): those
    are scored directly, ``(x - t)**2`` class by class (``_direct``). ``log_prior`` (optional)
    is added to the constant term. With ``argmax`` the index of each row's largest entry is
    returned instead of the scores. X is checked for NaN and infinity on the way.
    """
    shift = np.mean(theta, axis=0)
    if bool(np.all(shift * shift <= 16.0 * np.min(var, axis=0))):
        shift = None  # near the origin already: no shift, no pass over the data for it
    precision = 1.0 / var
    t = theta if shift is None else theta - shift
    if float(np.max(t * t * precision)) > _EXPANSION_LIMIT:
        return _direct(X, theta, precision, log_prior, argmax)
    const = -0.5 * np.sum(np.log(2.0 * np.pi * var) + t * t * precision, axis=1)
    if log_prior is not None:
        const = const + log_prior
    return _expanded(X, shift, -0.5 * precision, t * precision, const, argmax)


def _direct(X, theta, precision, log_prior, argmax):
    """``joint_log_likelihood`` from the differences ``x - t``, one class at a time (k
    passes over X instead of one; for class means far apart)."""
    check_all_finite(X)  # the blocked path checks as it goes; this one at once
    const = -0.5 * np.sum(np.log(2.0 * np.pi / precision), axis=1)
    if log_prior is not None:
        const = const + log_prior
    columns = []
    for c in range(theta.shape[0]):
        D = X - theta[c, :]
        columns.append(-0.5 * ((D * D) @ precision[c, :]) + const[c])
    scores = np.stack(columns, axis=1)
    return argmax_rows(scores, np) if argmax else scores


def _expanded(X, shift, A, B, const, argmax=False):
    """``(Xc**2) @ A.T + Xc @ B.T + const`` (``Xc = X - shift``), in cache-sized row blocks.

    The centred block (when there is a shift) and its square are written into reused buffers:
    the data are read once and no n x d temporary is made. Each block is checked for NaN and
    infinity while it is in cache (its sum is finite unless it holds one, or overflows). With
    ``argmax`` each block's best class is found while the block's scores are in cache too, and
    only the n class indices are written out.

    The products are thin (a few classes against many rows), so one BLAS call gains little
    from threads; instead the row blocks are shared between threads (``map_row_ranges``), each
    calling a single-threaded BLAS. Every row's result is the same whatever the split.
    """
    n = X.shape[0]
    k = A.shape[0]
    scores = None if argmax else np.empty((k, n))
    best = np.empty(n, dtype=np.intp) if argmax else None

    def rows_from(lo, hi):
        _blocks(X, lo, hi, shift, A, B, const, scores, best)

    map_row_ranges(rows_from, n, _BLOCK_ROWS)  # threads share the blocks; one BLAS thread each
    if argmax:
        return best
    scores += const[:, None]
    return scores.T


def _blocks(X, lo, hi, shift, A, B, const, scores, best):
    """Rows ``lo:hi`` of :func:`_expanded`, block by block (one thread)."""
    d, k = X.shape[1], A.shape[0]
    rows_max = min(hi - lo, _BLOCK_ROWS)
    square = np.empty((rows_max, d))
    centred = np.empty((rows_max, d)) if shift is not None else None
    buffer = np.empty((k, rows_max)) if best is not None else None
    for start in range(lo, hi, _BLOCK_ROWS):
        rows = X[start:min(start + _BLOCK_ROWS, hi)]
        m = rows.shape[0]
        _check_block(rows)
        if shift is not None:
            rows = np.subtract(rows, shift, out=centred[:m])
        np.multiply(rows, rows, out=square[:m])
        block = buffer[:, :m] if best is not None else scores[:, start:start + m]
        np.matmul(A, square[:m].T, out=block)
        block += B @ rows.T
        if best is not None:
            block += const[:, None]
            best[start:start + m] = _argmax_columns(block)


def _check_block(rows):
    """Raise for NaN or infinity in a block of rows (its sum first: finite unless it holds
    one, or overflows)."""
    if not np.isfinite(rows.sum()) and not np.isfinite(rows).all():
        bad = "NaN" if np.isnan(rows).any() else "infinity or a value too large"
        raise ValueError(f"Input X contains {bad}.")


def _argmax_columns(T):
    """``argmax(T, axis=0)`` for a short, wide (k, m) block: k - 1 comparisons of whole rows.

    Ties go to the first row, as with argmax.
    """
    top, idx = T[0].copy(), np.zeros(T.shape[1], dtype=np.intp)
    for c in range(1, T.shape[0]):
        better = T[c] > top
        np.putmask(idx, better, c)
        np.maximum(top, T[c], out=top)
    return idx


# ---------------------------------------------------------------------------------------------
# Log-probabilities
# ---------------------------------------------------------------------------------------------


def log_normalize(S):
    """``_base.log_normalize`` of a NumPy S with a few columns, on its (k, n) transpose: the
    reductions over the k classes run along whole rows of memory instead of over n tiny
    rows."""
    T = np.ascontiguousarray(S.T)
    top = T.max(axis=0)
    top = np.where(np.isfinite(top), top, 0.0)
    T -= top
    lse = np.log(np.exp(T).sum(axis=0))
    T -= lse
    return T.T
