"""Sequential minimal optimization for the SVM dual, with second-order working-set selection.

The dual, in minimization form (Q = (y yᵀ) ∘ K):

    minimize  f(α) = ½ αᵀ Q α − 1ᵀα   subject to  0 ≤ α_i ≤ C_i,  yᵀα = 0.

Each iteration moves two multipliers along the one direction that keeps ``yᵀα = 0``:
``α_i += y_i t``, ``α_j -= y_j t``. Along it ``f`` is a parabola in ``t`` with slope
``-(m_i - m_j)`` and curvature ``a_ij = K_ii + K_jj - 2 K_ij``, where ``m = -y ∘ ∇f``; the step
is ``t = (m_i - m_j) / a_ij`` clipped to the box. The pair is chosen as Fan, Chen & Lin (2005):
``i`` the index of largest ``m`` among those that may move up, then ``j`` the one, among those
that may move down, that decreases ``f`` the most in the second-order model,
``(m_i - m_j)² / a_ij``. The solution is optimal to ``tol`` when
``max_{up} m - min_{low} m <= tol`` (the largest KKT violation).

Vectorized over the samples: each iteration is a handful of array operations of length n (the
selection and the gradient update ``∇f += t · y ∘ (K_i - K_j)``); the loop is over iterations.
Kernel columns come from a ``KernelColumns`` source -- the whole matrix when it is small, rows
computed on demand with a bounded cache otherwise.
"""

from __future__ import annotations

from collections import OrderedDict

import numpy as np

TAU = 1e-12


class KernelColumns:
    """Columns ``K[:, i]`` of a kernel matrix, computed on demand and cached (LRU).

    ``full`` is the whole matrix when it fits (then every column is a view); otherwise
    ``compute(idx)`` returns the rows ``K[idx, :]`` (the matrix is symmetric) and at most
    ``cache_size`` megabytes of them are kept.
    """

    def __init__(self, *, full=None, compute=None, diag=None, n=None, cache_size=200.0):
        self.full = full
        self.compute = compute
        if full is not None:
            self.n = full.shape[0]
            self.diag = np.ascontiguousarray(np.diagonal(full)).astype(np.float64)
        else:
            self.n = n
            self.diag = diag
        self.capacity = max(2, int(cache_size * 2**20 // (8 * max(self.n, 1))))
        self._cache = OrderedDict()

    def column(self, i):
        if self.full is not None:
            return self.full[i]
        col = self._cache.get(i)
        if col is not None:
            self._cache.move_to_end(i)
            return col
        col = self.compute(i)
        self._cache[i] = col
        if len(self._cache) > self.capacity:
            self._cache.popitem(last=False)
        return col


def smo(columns, y, C, *, tol=1e-3, max_iter=-1, alpha0=None):
    """Solve the SVM dual by SMO with second-order working-set selection.

    Parameters
    ----------
    columns : KernelColumns
    y : ndarray of shape (n,), values ±1
    C : ndarray of shape (n,), the per-sample upper bounds
    tol : float
        Stop when the largest KKT violation ``max_up m - min_low m`` is at most ``tol``.
    max_iter : int
        -1 for no limit.
    alpha0 : ndarray, optional
        A feasible starting point (``yᵀα0 = 0``, inside the box); zero by default.

    Returns
    -------
    alpha : ndarray of shape (n,)
    grad : ndarray of shape (n,), ``Qα − 1``
    n_iter : int
    violation : float, the final largest KKT violation
    """
    n = y.shape[0]
    y = y.astype(np.float64)
    C = C.astype(np.float64)
    pos = y > 0
    diag = columns.diag
    if alpha0 is None:
        alpha = np.zeros(n)
        m = y.copy()  # m = -y ∘ ∇f, ∇f = -1 at α = 0
    else:
        alpha = alpha0.astype(np.float64).copy()
        grad = -np.ones(n)
        for k in np.flatnonzero(alpha > 0):  # warm start: Σ_k α_k Q[:, k]
            grad += alpha[k] * y[k] * y * columns.column(k)
        m = -y * grad
    # who may move up (α_i + y_i t, t > 0, stays feasible) and who may move down
    up = np.where(pos, alpha < C, alpha > 0)
    low = np.where(pos, alpha > 0, alpha < C)
    limit = np.inf if max_iter is None or max_iter < 0 else max_iter
    n_iter = 0
    inf = np.inf
    while True:
        m_up = np.where(up, m, -inf)
        i = int(m_up.argmax())
        m_max = m_up[i]
        m_low = np.where(low, m, inf)
        violation = m_max - m_low.min()  # the largest KKT violation (−inf if a side is empty)
        if violation <= tol or n_iter >= limit:
            break
        b = m_max - m_low  # > 0 where moving j down decreases f; −inf off I_low
        Ki = columns.column(i)
        a = (diag[i] + diag) - 2.0 * Ki  # the curvature a_ij along the pair's direction
        np.maximum(a, TAU, out=a)
        gain = b * np.abs(b)
        gain /= a  # (m_i − m_j)² / a_ij where b > 0; ≤ 0 (or −inf) elsewhere
        j = int(gain.argmax())
        Kj = columns.column(j)
        t = b[j] / a[j]
        # the box: α_i + y_i t ∈ [0, C_i] and α_j − y_j t ∈ [0, C_j], t > 0
        room_i = C[i] - alpha[i] if pos[i] else alpha[i]
        room_j = alpha[j] if pos[j] else C[j] - alpha[j]
        t = min(t, room_i, room_j)
        alpha[i] += y[i] * t
        alpha[j] -= y[j] * t
        if t == room_i:
            alpha[i] = C[i] if pos[i] else 0.0
        if t == room_j:
            alpha[j] = 0.0 if pos[j] else C[j]
        for k in (i, j):
            up[k] = alpha[k] < C[k] if pos[k] else alpha[k] > 0
            low[k] = alpha[k] > 0 if pos[k] else alpha[k] < C[k]
        # ∇f += t y ∘ (K_i − K_j)  ⇒  m −= t (K_i − K_j)
        dK = Ki - Kj
        dK *= t
        m -= dK
        n_iter += 1
    violation = max(float(violation), 0.0)
    grad = -y * m
    return alpha, grad, n_iter, violation
