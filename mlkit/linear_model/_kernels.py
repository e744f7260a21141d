"""Tuned NumPy kernels beneath ``_loss.data_term`` and ``_loss.fisher_information``.

What they speed up: the textbook functions make three passes over X for a gradient (``X Wᵀ``,
then ``Gᵀ X`` after the losses) and more for the Fisher information, each pass writing
n-long temporaries to memory. These kernels walk X once, in row blocks small enough to stay
in cache: each block's scores, losses (by the very loss functions of ``_loss``), gradient
contribution and Fisher blocks are computed while the block is hot, and the row blocks are
shared out among threads (each with a single-threaded BLAS), their partial sums added at the
end.

Against which textbook function they are tested: ``tests/test_linear_model.py`` checks
``data_term_numpy`` against ``data_term`` and ``fisher_information_numpy`` against
``fisher_information``, on random data of every loss, with and without intercept, weighted, on
several block sizes.
"""

from __future__ import annotations

import numpy as np

from .._threads import row_threads
from ._loss import binary_log_loss, half_squared_error, sigmoid, softmax

__all__ = ["data_term_numpy", "fisher_information_numpy", "use_numpy_kernel"]

# rows per block: a block of X of about 2 MiB, which stays in cache, and at least 8192 rows
# (fewer calls; thin X has more rows per byte)
_BLOCK_BYTES = 1 << 21


def use_numpy_kernel(X, xp):
    """True for dense, C-ordered NumPy X of float32/float64 with enough rows to block."""
    return (isinstance(X, np.ndarray) and X.flags.c_contiguous and X.dtype.kind == "f"
            and X.shape[0] >= 2 * _block_rows(X))


def _block_rows(X):
    return max(8192, _BLOCK_BYTES // max(1, X.shape[1] * X.dtype.itemsize))


def data_term_numpy(W, b, X, Y, s, loss, xp, block_rows=None):
    """``_loss.data_term(W, b, X, Y, s, loss, xp)``, in one blocked pass over X."""
    S = float(np.sum(s))

    def part(lo, hi):
        value, gW, gb = 0.0, np.zeros_like(W), np.zeros(W.shape[0], dtype=W.dtype)
        step = block_rows or _block_rows(X)
        for start in range(lo, hi, step):
            stop = min(hi, start + step)
            Xb = X[start:stop]
            Z = Xb @ W.T if b is None else Xb @ W.T + b
            losses, dZ = _pointwise(loss, Z, Y[start:stop])
            sb = s[start:stop]
            G = dZ * (sb / S)[:, None]
            value += float(losses @ sb)
            gW += G.T @ Xb
            gb += np.sum(G, axis=0)
        return value, gW, gb

    value, gW, gb = _sum_parts(part, X, block_rows)
    return value / S, gW, None if b is None else gb


def fisher_information_numpy(W, b, X, s, loss, xp, block_rows=None):
    """``_loss.fisher_information(W, b, X, s, loss, xp)``, in one blocked pass over X."""
    S = float(np.sum(s))
    k, d = W.shape
    m = d + (b is not None)

    def part(lo, hi):
        F = np.zeros((k, m, k, m), dtype=W.dtype)
        step = block_rows or _block_rows(X)
        for start in range(lo, hi, step):
            stop = min(hi, start + step)
            Xb = X[start:stop]
            Z = Xb @ W.T if b is None else Xb @ W.T + b
            _add_fisher_blocks(F, Xb, _means(loss, Z), s[start:stop] / S, loss, b is not None)
        return (F,)

    (F,) = _sum_parts(part, X, block_rows)
    F = F.reshape(k * m, k * m)
    # the kernel fills the upper class blocks; the lower ones are their transposes
    for c in range(k):
        for e in range(c):
            F[c * m:(c + 1) * m, e * m:(e + 1) * m] = F[e * m:(e + 1) * m, c * m:(c + 1) * m].T
    return F


def _means(loss, Z):
    """The model's mean of y at the scores: σ(z), the softmax, or z itself."""
    if loss is binary_log_loss:
        return sigmoid(Z, np)
    if loss is half_squared_error:
        return Z
    return softmax(Z, np)


def _pointwise(loss, Z, Y):
    """``loss(Z, Y, np)``; the logistic loss with one exponential instead of two."""
    if loss is not binary_log_loss:
        return loss(Z, Y, np)
    z, y = Z[:, 0], Y[:, 0]
    e = np.exp(-np.abs(z))
    inv = 1.0 / (1.0 + e)
    p = np.where(z >= 0, inv, e * inv)  # σ(z)
    return np.maximum(z, 0.0) - y * z + np.log1p(e), (p - y)[:, None]


def _add_fisher_blocks(F, Xb, P, w, loss, intercept):
    """Add one row block's ``X̃ᵀ diag(w I_ce) X̃`` to the (c, e) blocks, c <= e.

    ``P`` holds the model's means ``∂ℓ/∂z + y`` (σ(z) or the softmax; unused for squares).
    """
    k = P.shape[1]
    if loss is half_squared_error:
        weights = {(c, c): w for c in range(k)}
    elif loss is binary_log_loss:
        weights = {(0, 0): w * P[:, 0] * (1.0 - P[:, 0])}
    else:
        weights = {(c, e): w * P[:, c] * ((1.0 if c == e else 0.0) - P[:, e])
                   for c in range(k) for e in range(c, k)}
    d = Xb.shape[1]
    for (c, e), we in weights.items():
        if c == e and np.all(we >= 0):
            R = Xb * np.sqrt(we)[:, None]
            F[c, :d, e, :d] += R.T @ R  # a symmetric product: BLAS's syrk
        else:
            F[c, :d, e, :d] += Xb.T @ (Xb * we[:, None])
        if intercept:
            col = Xb.T @ we
            F[c, :d, e, d] += col
            F[c, d, e, :d] += col
            F[c, d, e, d] += np.sum(we)


def _sum_parts(part, X, block_rows):
    """``part(lo, hi)`` over row ranges shared among threads, the results summed."""
    step = block_rows or _block_rows(X)
    with row_threads(X.shape[0], step, min_blocks_per_thread=2) as run:
        parts = run(part)
    return tuple(sum(p[i] for p in parts) for i in range(len(parts[0])))
