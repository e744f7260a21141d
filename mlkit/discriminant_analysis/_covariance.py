"""LDA's covariance estimates and solves, pure functions of small arrays in namespace
``xp``: Ledoit-Wolf shrinkage, Cholesky whitening, the generalized eigenproblem, least squares.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._array import device, is_numpy
from .._typing import Array

# ---------------------------------------------------------------------------------------------
# Covariance estimates (pure functions of small arrays in namespace ``xp``)
# ---------------------------------------------------------------------------------------------


def shrunk_covariance(C: Array, shrinkage: float | Array, xp: Any) -> Array:
    """``(1 - α) C + α · tr(C)/d · I``: shrinkage towards a multiple of the identity."""
    d = C.shape[0]
    mu = xp.sum(xp.linalg.diagonal(C)) / d
    return (1.0 - shrinkage) * C + (shrinkage * mu) * _eye(d, C, xp)


def ledoit_wolf_shrinkage(gram2: Array, gram4: Array, n: Array | float, xp: Any) -> Array:
    """Ledoit & Wolf's (2004) optimal shrinkage of the covariance of centred data Z (n rows).

    ``gram2 = ZᵀZ`` and ``gram4 = (Z²)ᵀ(Z²)``. With ``S = ZᵀZ/n`` and ``μ = tr(S)/d``:
    ``δ = ‖S - μI‖²/d``, ``β = (Σ gram4/n - ‖ZᵀZ/n‖²) / (d n)``, shrinkage ``min(β, δ)/δ``.
    """
    d = gram2.shape[0]
    S = gram2 / n
    mu = xp.sum(xp.linalg.diagonal(S)) / d
    delta_ = xp.sum(S * S)
    beta = (xp.sum(gram4) / n - delta_) / (d * n)
    delta = (delta_ - 2.0 * mu * xp.sum(xp.linalg.diagonal(S)) + d * mu**2) / d
    beta = xp.minimum(beta, delta)
    return xp.where(beta == 0, xp.zeros_like(beta), beta / xp.where(delta == 0, 1.0, delta))


def _eye(d, like, xp):
    return xp.eye(d, dtype=like.dtype, device=device(like))


def cholesky_whitening(Sw: Array, xp: Any) -> Array:
    """The lower Cholesky factor of the within-class covariance, or a clear error.

    The factor is checked for finiteness as well, since some libraries (CuPy) return NaN for a
    matrix that is not positive definite instead of raising.
    """
    try:
        L = xp.linalg.cholesky(Sw)
    except Exception:  # LinAlgError of NumPy, torch, array_api_strict
        L = None
    if L is None or not bool(xp.all(xp.isfinite(L))):
        raise ValueError(
            "The within-class covariance is singular (constant or collinear features, or fewer "
            "samples than features): solver='eigen' cannot whiten it. Use shrinkage (e.g. "
            "shrinkage='auto') or solver='svd'."
        )
    return L


def generalized_eigh(Sb: Array, Sw: Array, xp: Any) -> tuple[Array, Array]:
    """Solve ``Sb v = λ Sw v`` (eigenvalues descending, ``vᵀ Sw v = 1``) by Cholesky whitening."""
    L = cholesky_whitening(Sw, xp)
    A = xp.linalg.solve(L, xp.linalg.solve(L, Sb).T)  # L⁻¹ Sb L⁻ᵀ (Sb symmetric)
    A = (A + A.T) / 2
    w, U = xp.linalg.eigh(A)
    V = xp.linalg.solve(L.T, U)
    return xp.flip(w, axis=0), xp.flip(V, axis=1)


def lstsq(A: Array, B: Array, xp: Any) -> Array:
    """The least-squares (minimum-norm) solution of ``A X = B``."""
    if is_numpy(xp):
        from scipy.linalg import lstsq as _lstsq

        return _lstsq(np.asarray(A), np.asarray(B), check_finite=False)[0]
    return xp.linalg.pinv(A) @ B
