"""PCA's numerical steps, pure functions of arrays in namespace ``xp``: the sign rule,
the covariance route, Minka's dimension choice, and the randomized and ARPACK SVDs.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .._array import as_namespace, device, is_lazy, is_numpy, is_sparse, to_host
from .._typing import Array

# ---------------------------------------------------------------------------------------------
# The numerical steps (pure functions of arrays in namespace ``xp``)
# ---------------------------------------------------------------------------------------------


def svd_flip(Vt: Array, xp: Any, U: Array | None = None) -> tuple[Array, Array | None]:
    """Signs fixed so that the largest-magnitude entry of each row of ``Vt`` is positive.

    scikit-learn's rule (``svd_flip(u_based_decision=False)``); ``U``'s columns follow.
    """
    d = Vt.shape[1]
    idx = xp.argmax(xp.abs(Vt), axis=1)
    if is_numpy(xp):  # gather one entry per row, instead of a k x d mask
        signs = np.sign(Vt[np.arange(Vt.shape[0]), idx])
    else:
        pick = idx[:, None] == xp.arange(d, device=_device(Vt))[None, :]
        signs = xp.sign(xp.sum(xp.where(pick, Vt, xp.zeros_like(Vt)), axis=1))
    signs = xp.where(signs == 0, xp.ones_like(signs), signs)
    Vt = Vt * signs[:, None]
    return (Vt, None) if U is None else (Vt, U * signs[None, :])


def _device(a):
    return None if is_lazy(a) else device(a)


def gram(X: Array, xp: Any) -> Array:
    """``XᵀX``. NumPy hands the transposed product of one array to BLAS ``syrk``; a
    scipy.sparse X gives the sparse product, made dense (d x d)."""
    if is_sparse(X):
        return np.asarray((X.T @ X).toarray())
    if is_numpy(xp):
        X = np.asarray(X)
        return X.T @ X
    return X.T @ X


def covariance_eigh(C: Array, xp: Any) -> tuple[Array, Array]:
    """Eigenvalues (descending, clipped at 0) and eigenvectors (as rows) of a covariance."""
    if is_numpy(xp):
        from scipy.linalg import eigh

        w, V = eigh(np.asarray(C), check_finite=False, driver="evd")
    else:
        w, V = xp.linalg.eigh(C)
    w = xp.flip(w, axis=0)
    Vt = xp.flip(V, axis=1).T
    return xp.where(w < 0, xp.zeros_like(w), w), Vt


def minka_log_evidence(spectrum: np.ndarray, rank: int, n_samples: int) -> float:
    """Laplace approximation of the evidence of a rank-``rank`` PPCA model (Minka 2000, eq. 30).

    ``spectrum`` holds the covariance eigenvalues (descending, NumPy). The noise variance is the
    mean of the discarded eigenvalues; the term ``A_Z`` couples every kept eigenvalue with
    every later one.
    """
    from scipy.special import gammaln

    d = spectrum.shape[0]
    eps = np.finfo(float).eps
    if spectrum[rank - 1] < eps:
        return -np.inf
    q = np.arange(1, rank + 1)
    log_p_u = -rank * math.log(2.0) + np.sum(
        gammaln((d - q + 1) / 2.0) - math.log(math.pi) * (d - q + 1) / 2.0
    )
    log_lambda = -n_samples / 2.0 * np.sum(np.log(spectrum[:rank]))
    v = max(eps, float(np.sum(spectrum[rank:])) / (d - rank))
    log_v = -n_samples * (d - rank) / 2.0 * math.log(v)
    m = d * rank - rank * (rank + 1.0) / 2.0
    log_prior = math.log(2.0 * math.pi) * (m + rank) / 2.0
    lam_hat = np.where(np.arange(d) < rank, spectrum, v)
    i, j = np.triu_indices(d, k=1)
    keep = i < rank
    i, j = i[keep], j[keep]
    # Equal eigenvalues make |A_Z| zero (the Laplace approximation assumes distinct ones and
    # would say +inf): a tie across the cut leaves the kept subspace undetermined, so that
    # rank is not chosen; a tie among the kept ones (a rotation within them costs nothing)
    # drops out of the product
    tie = spectrum[i] == spectrum[j]
    if np.any(tie & (j >= rank)):
        return -np.inf
    i, j = i[~tie], j[~tie]
    log_az = np.sum(
        np.log((spectrum[i] - spectrum[j]) * (1.0 / lam_hat[j] - 1.0 / lam_hat[i]))
        + math.log(n_samples)
    )
    log_n = rank * math.log(n_samples) / 2.0
    return log_p_u + log_lambda + log_v + log_prior - log_az / 2.0 - log_n


def minka_dimension(spectrum: np.ndarray, n_samples: int) -> int:
    """The rank in ``1 .. d-1`` of largest Minka evidence."""
    spectrum = np.asarray(spectrum, dtype=np.float64)
    ll = [-np.inf] + [minka_log_evidence(spectrum, r, n_samples)
                      for r in range(1, spectrum.shape[0])]
    return int(np.argmax(ll))


def randomized_range_finder(A: Array, size: int, n_iter: int, normalizer: str,
                            random_state: np.random.RandomState, xp: Any) -> Array:
    """An orthonormal basis ``Q`` (columns) of the dominant range of ``A`` (Halko et al., alg. 4.3).

    A Gaussian test matrix (drawn on the host, NumPy's legacy generator, so that a seed gives
    scikit-learn's draw) is multiplied through ``n_iter`` power iterations ``(AAᵀ)^q A Ω``,
    renormalized each step by LU (NumPy only) or QR, then orthonormalized by QR.
    """
    omega = random_state.normal(size=(A.shape[1], size))
    omega = omega.astype(np.float32 if A.dtype == xp.float32 else np.float64)
    Q = as_namespace(omega, xp, _device(A))
    if normalizer == "LU" and is_numpy(xp):
        from scipy.linalg import lu

        def step(M):
            return lu(M, permute_l=True, check_finite=False)[0]
    elif normalizer in ("LU", "QR"):  # span(L) = span(QR's Q) = span(M): QR where LU is lacking
        def step(M):
            return xp.linalg.qr(M)[0]
    else:
        def step(M):
            return M
    for _ in range(n_iter):
        Q = step(A @ Q)
        Q = step(A.T @ Q)
    return xp.linalg.qr(A @ Q)[0]


def randomized_svd(A: Array, n_components: int, n_oversamples: int, n_iter: int,
                   normalizer: str, random_state: np.random.RandomState,
                   xp: Any) -> tuple[Array, Array, Array]:
    """The leading ``n_components`` singular triplets of ``A`` (Halko, Martinsson & Tropp 2011).

    A wide ``A`` is transposed first so that the range finder works on the smaller side.
    """
    if n_iter == "auto":
        n_iter = 7 if n_components < 0.1 * min(A.shape) else 4
    if normalizer == "auto":
        normalizer = "none" if n_iter <= 2 else "LU"
    transpose = A.shape[0] < A.shape[1]
    M = A.T if transpose else A
    Q = randomized_range_finder(M, n_components + n_oversamples, n_iter, normalizer,
                                random_state, xp)
    Uhat, s, Vt = xp.linalg.svd(Q.T @ M, full_matrices=False)
    U = Q @ Uhat
    if transpose:
        U, Vt = Vt.T, U.T
    return U[:, :n_components], s[:n_components], Vt[:n_components, :]


def arpack_svd(A: Any, n_components: int, tol: float,
               random_state: np.random.RandomState) -> tuple[np.ndarray, np.ndarray]:
    """The leading ``n_components`` singular values and right vectors of the host array ``A``
    by ARPACK (Lanczos, scipy's ``svds``), started, as scikit-learn does, from ``v0`` drawn
    uniformly in [-1, 1] by ``random_state``; by decreasing singular value."""
    from scipy.sparse.linalg import svds

    v0 = random_state.uniform(-1, 1, size=min(A.shape))
    _, S, Vt = svds(A, k=n_components, tol=tol, v0=v0)
    return S[::-1], Vt[::-1]


def implicitly_centred(X: Any, mean: np.ndarray) -> Any:
    """``X - mean`` as a scipy LinearOperator that never forms it: ``(X - 1 μᵀ) v = X v −
    (μ·v) 1`` and ``(X - 1 μᵀ)ᵀ u = Xᵀu − μ Σu`` (for ARPACK on sparse X, whose centred
    form would be dense)."""
    from scipy.sparse.linalg import LinearOperator

    mean = np.asarray(mean)
    XT = X.T

    def matmat(V):
        return X @ V - mean @ V

    def rmatmat(U):
        return XT @ U - np.multiply.outer(mean, U.sum(axis=0))

    return LinearOperator(X.shape, matvec=matmat, matmat=matmat, rmatvec=rmatmat,
                          rmatmat=rmatmat, dtype=X.dtype)


def _scalar(value, xp):
    """A 0-d statistic: a NumPy float64/float32 scalar on NumPy, a 0-d array elsewhere."""
    if is_numpy(xp) or isinstance(value, np.ndarray | np.generic | float):
        return np.asarray(to_host(value))[()]
    return value
