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

Vectorized over the samples: each iteration is a handful of array operations over the active
samples (the selection and the update ``m -= t (K_i - K_j)``); the loop is over iterations.
Shrinking (Joachims 1999; Chang & Lin 2011): every ``min(n, 1000)`` iterations the multipliers
stuck at a bound that no pair can move are set aside, and the iterations run on the rest; at
convergence ``m`` is rebuilt for all samples from ``α`` and the full problem is checked.
"""

from __future__ import annotations

from collections import OrderedDict

import numpy as np

from .._array import squared_norms

TAU = 1e-12
BLOCK = 2048  # rows per block when rebuilding the gradient


class KernelColumns:
    """Columns ``K[A, i]`` of a kernel matrix over the active rows ``A``, with an LRU cache.

    Either ``full`` (the whole host matrix) or ``kern(X_rows, sq_rows, X_cols, sq_cols)`` with
    the host data ``X`` and its squared row norms ``sq`` (rows computed on demand, at most
    ``cache_size`` megabytes kept).
    """

    def __init__(self, *, full=None, kern=None, X=None, diag=None, cache_size=200.0,
                 active=None):
        self.full, self.kern, self.X = full, kern, X
        self.cache_size = cache_size
        n = full.shape[0] if full is not None else X.shape[0]
        if full is not None:
            diag = np.ascontiguousarray(np.diagonal(full)).astype(np.float64)
        self.diag = diag
        self.sq = None if X is None else squared_norms(X, np)
        self.n = n
        self.active = np.arange(n) if active is None else active
        self._rows = None if X is None else X[self.active]
        self._sq_rows = None if X is None else self.sq[self.active]
        self.capacity = max(2, int(cache_size * 2**20 // (8 * max(self.active.shape[0], 1))))
        self._cache = OrderedDict()

    def restrict(self, active):
        """The same kernel over the rows ``active`` (global indices); a fresh cache."""
        return KernelColumns(full=self.full, kern=self.kern, X=self.X, diag=self.diag,
                             cache_size=self.cache_size, active=active)

    def column(self, g):
        """``K[active, g]`` for the global index ``g``."""
        col = self._cache.get(g)
        if col is not None:
            self._cache.move_to_end(g)
            return col
        if self.full is not None:
            col = self.full[g] if self.active.shape[0] == self.n else self.full[g][self.active]
        else:
            col = self.kern(self._rows, self._sq_rows, self.X[g:g + 1], self.sq[g:g + 1])[:, 0]
        self._cache[g] = col
        if len(self._cache) > self.capacity:
            self._cache.popitem(last=False)
        return col

    def product(self, cols, coef):
        """``K[:, cols] @ coef`` over all n rows (in row blocks)."""
        if self.full is not None:
            return self.full[:, cols] @ coef
        out = np.empty(self.n)
        Xc, sqc = self.X[cols], self.sq[cols]
        for s in range(0, self.n, BLOCK):
            rows = slice(s, s + BLOCK)
            out[rows] = self.kern(self.X[rows], self.sq[rows], Xc, sqc) @ coef
        return out


def _iterate(src, y, C, alpha, m, up, low, *, tol, budget):
    """SMO iterations on the active samples (arrays of the active set, updated in place).

    Returns ``(n_iter, violation)``; stops at ``violation <= tol`` or after ``budget`` steps.
    """
    pos = y > 0
    diag = src.diag[src.active]
    glob = src.active
    cache = src._cache  # hits skip the LRU bookkeeping: eviction is then oldest-computed
    inf = np.inf
    violation = inf
    for n_iter in range(budget + 1):
        m_up = np.where(up, m, -inf)
        i = int(m_up.argmax())
        m_max = m_up[i]
        m_low = np.where(low, m, inf)
        violation = m_max - m_low.min()  # the largest KKT violation (−inf if a side is empty)
        if violation <= tol or n_iter == budget:
            break
        b = np.subtract(m_max, m_low, out=m_low)  # > 0 where j may go down; −inf off I_low
        gi = int(glob[i])
        Ki = cache.get(gi)
        if Ki is None:
            Ki = src.column(gi)
        a = Ki * -2.0
        a += diag
        a += diag[i]  # the curvature a_ij = K_ii + K_jj − 2 K_ij along the pair's direction
        np.maximum(a, TAU, out=a)
        gain = np.abs(b)
        gain *= b
        gain /= a  # (m_i − m_j)² / a_ij where b > 0; ≤ 0 (or −inf) elsewhere
        j = int(gain.argmax())
        gj = int(glob[j])
        Kj = cache.get(gj)
        if Kj is None:
            Kj = src.column(gj)
        # the box: α_i + y_i t ∈ [0, C_i] and α_j − y_j t ∈ [0, C_j], t > 0
        room_i = C[i] - alpha[i] if pos[i] else alpha[i]
        room_j = alpha[j] if pos[j] else C[j] - alpha[j]
        t = min(b[j] / a[j], room_i, room_j)
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
    return n_iter, max(float(violation), 0.0)


def _masks(alpha, y, C):
    """Who may move up (``α_i + y_i t`` feasible for small t > 0) and who may move down."""
    pos = y > 0
    return np.where(pos, alpha < C, alpha > 0), np.where(pos, alpha > 0, alpha < C)


def smo(columns, y, C, *, tol=1e-3, max_iter=-1, shrinking=True):
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
    shrinking : bool
        Set aside the multipliers stuck at a bound (see the module's notes).

    Returns
    -------
    alpha : ndarray of shape (n,)
    grad : ndarray of shape (n,), ``Qα − 1``
    n_iter : int
    violation : float, the final largest KKT violation
    """
    n = y.shape[0]
    y, C = y.astype(np.float64), C.astype(np.float64)
    alpha = np.zeros(n)
    m = y.copy()  # m = −y ∘ ∇f, and ∇f = −1 at α = 0
    left = np.inf if max_iter is None or max_iter < 0 else int(max_iter)
    every = min(n, 1000) if shrinking else 10**12
    active, src = np.arange(n), columns
    n_iter = 0
    while True:
        a_act, m_act, y_act, C_act = alpha[active], m[active], y[active], C[active]
        up, low = _masks(a_act, y_act, C_act)
        steps, violation = _iterate(src, y_act, C_act, a_act, m_act, up, low, tol=tol,
                                    budget=int(min(every, left)))
        alpha[active], m[active] = a_act, m_act
        n_iter, left = n_iter + steps, left - steps
        if violation <= tol:
            if active.shape[0] == n:
                break
            # converged on the active set: rebuild m for everyone and check the whole problem
            m = _rebuilt_m(columns, alpha, y)
            active, src = np.arange(n), columns
            violation = _violation(m, *_masks(alpha, y, C))
            if violation <= tol:
                break
            continue
        if left <= 0:
            if active.shape[0] < n:  # the gradient of the inactive ones is stale: rebuild it
                m = _rebuilt_m(columns, alpha, y)
                violation = _violation(m, *_masks(alpha, y, C))
            break
        if shrinking:
            stuck = _stuck(m_act, up, low)
            if stuck.any():
                active = active[~stuck]
                src = columns.restrict(active)
    grad = -y * m
    return alpha, grad, n_iter, violation


def _rebuilt_m(columns, alpha, y):
    """``m = −y ∘ ∇f = y − y ∘ Qα`` of every multiplier, from the support vectors' columns."""
    sv = np.flatnonzero(alpha > 0)
    return y - columns.product(sv, alpha[sv] * y[sv])


def _stuck(m_act, up, low):
    """The multipliers to set aside: at a bound, and beyond the extreme ``m`` on the side they
    could move to (they would not move in the next steps)."""
    m_max = np.max(np.where(up, m_act, -np.inf))
    m_min = np.min(np.where(low, m_act, np.inf))
    return (up & ~low & (m_act < m_min)) | (low & ~up & (m_act > m_max))


def _violation(m, up, low):
    if not up.any() or not low.any():
        return 0.0
    return max(float(np.max(m[up]) - np.min(m[low])), 0.0)
