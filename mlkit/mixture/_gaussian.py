"""Gaussian log-densities and the EM statistics of a mixture, as pure functions of arrays.

Used by ``mlkit.mixture``; every function takes the array namespace ``xp`` and works on any
array-API namespace (the data's namespace for the per-row parts, the parameters' namespace --
NumPy when the data are Dask -- for the small solves).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .._array import (
    compute,
    is_lazy,
    is_numpy,
    namespace_and_device,
    row_block_sums,
    squared_norms,
    to_host,
)
from .._rows import max_rows, sum_rows
from .._threads import one_blas_thread
from .._typing import Array

# ---------------------------------------------------------------------------------------------
# E-step (pure functions of arrays, in any namespace)
# ---------------------------------------------------------------------------------------------


def log_det_cholesky(prec_chol: Array, covariance_type: str, n_features: int,
                     xp: Any) -> Array:
    """``log|U_k|`` for each component: half the log-determinant of its precision."""
    if covariance_type == "full":
        return xp.sum(xp.log(xp.linalg.diagonal(prec_chol)), axis=1)
    if covariance_type == "tied":
        return xp.sum(xp.log(xp.linalg.diagonal(prec_chol)))
    if covariance_type == "diag":
        return xp.sum(xp.log(prec_chol), axis=1)
    return n_features * xp.log(prec_chol)


def estimate_log_gaussian_prob(X: Array, means: Array, prec_chol: Array, covariance_type: str,
                               xp: Any, squares: Array | None = None) -> Array:
    """``log N(x_i | μ_k, Σ_k)`` for every sample and component, shape (n_samples, k).

    ``squares`` is ``squares_of(X, covariance_type)`` when the caller keeps it for a fit.
    """
    n_features = X.shape[1]
    k = means.shape[0]
    pxp, _ = namespace_and_device(prec_chol)  # the parameters' namespace (NumPy for Dask)
    log_det = log_det_cholesky(prec_chol, covariance_type, n_features, pxp)
    if covariance_type == "full":
        # x U_k for all k at once: X @ [U_1 ... U_k]  (n × kd), then ‖x U_k − μ_k U_k‖²
        U_all = pxp.reshape(pxp.permute_dims(prec_chol, (1, 0, 2)), (n_features, k * n_features))
        shift = pxp.reshape(means[:, None, :] @ prec_chol, (k * n_features,))
        if is_numpy(xp) and isinstance(X, np.ndarray):
            maha = _mahalanobis_numpy(X, U_all, shift, k)
        else:
            Y = X @ U_all
            Y -= shift
            Y = xp.reshape(Y, (-1, k, n_features))
            maha = xp.sum(Y * Y, axis=2)
        log_prob, const = -0.5 * maha, 0.0
    elif covariance_type == "tied":
        # −½‖y − b_k‖² = y·b_k − ½‖y‖² − ½‖b_k‖² with y = x U, b_k = μ_k U (one product)
        Y = X @ prec_chol
        B = means @ prec_chol
        log_prob = Y @ B.T
        log_prob -= 0.5 * squared_norms(Y, xp)[:, None]
        const = -0.5 * xp.sum(B * B, axis=1)
    else:
        # −½ Σ_j p_kj (x_j − μ_kj)² = x·(p_k μ_k) − ½ x²·p_k − ½ μ_k²·p_k, with p_k the
        # precisions (a row per component; one value repeated for 'spherical')
        sq = squares_of(X, covariance_type, xp) if squares is None else squares
        P = prec_chol * prec_chol
        if covariance_type == "diag":
            log_prob = X @ (means * P).T
            log_prob -= 0.5 * (sq @ P.T)
            const = -0.5 * xp.sum(means * means * P, axis=1)
        else:
            log_prob = X @ (means * P[:, None]).T
            log_prob -= 0.5 * (sq[:, None] * P)
            const = -0.5 * xp.sum(means * means, axis=1) * P
    log_prob += const + log_det - 0.5 * n_features * math.log(2 * math.pi)
    return log_prob


def _row_blocks(n, width):
    """Row ranges whose (rows x width) temporaries hold about ``BLOCK_ELEMENTS`` numbers."""
    rows = max(256, BLOCK_ELEMENTS // max(1, width))
    return [(lo, min(lo + rows, n)) for lo in range(0, n, rows)]


def _mahalanobis_numpy(X, U_all, shift, k):
    """``‖x U_k − μ_k U_k‖²`` (n × k) by row blocks: the n × kd products never exist whole."""
    n, d = X.shape
    maha = np.empty((n, k))
    for lo, hi in _row_blocks(n, k * d):
        Y = X[lo:hi] @ U_all
        Y -= shift
        Y = Y.reshape(hi - lo, k, d)
        np.einsum("nkd,nkd->nk", Y, Y, out=maha[lo:hi])
    return maha


def squares_of(X, covariance_type, xp):
    """The squares of X the E- and M-steps of 'diag' (``x²``) and 'spherical' (``‖x‖²``)
    need; X does not change during EM, so a fit computes them once. None for the others."""
    if covariance_type == "diag":
        return X * X
    if covariance_type == "spherical":
        return squared_norms(X, xp)
    return None


def e_step(X: Array, weights: Array, means: Array, prec_chol: Array, covariance_type: str,
           xp: Any, squares: Array | None = None) -> tuple[Array, Array]:
    """The E-step: ``(log p(x_i), r_ik)``, each sample's log-likelihood and responsibilities.

    In log space: ``a_ik = log w_k + log N(x_i | k)``, ``log p(x_i) = m_i + log Σ_k e^(a_ik −
    m_i)`` with ``m_i`` the row maximum, ``r_ik = e^(a_ik − m_i) / Σ_k e^(a_ik − m_i)``. Terms
    below ``e^−690`` (~1e-300) are flushed to zero: subnormal numbers would slow the M-step's
    matrix products many times over, and change no sum.
    """
    a = estimate_log_gaussian_prob(X, means, prec_chol, covariance_type, xp, squares)
    a += namespace_and_device(weights)[0].log(weights)
    top = _shift(a, xp)
    a -= top[:, None]
    resp = xp.where(a > -690.0, xp.exp(a), 0.0)
    total = sum_rows(resp, xp)
    resp /= xp.where(total > 0.0, total, 1.0)[:, None]
    return xp.log(total) + top, resp


def logsumexp_rows(a, xp):
    """``log Σ_k exp(a_ik)`` per row, the row maximum taken out first (no overflow)."""
    top = _shift(a, xp)
    return xp.log(sum_rows(xp.exp(a - top[:, None]), xp)) + top


def _shift(a, xp):
    """The row maxima a log-sum-exp subtracts first (0 for a row of -inf: no overflow, and
    no -inf - -inf)."""
    top = max_rows(a, xp)
    return xp.where(xp.isfinite(top), top, 0.0)


# ---------------------------------------------------------------------------------------------
# M-step: sufficient statistics, then the small solve
# ---------------------------------------------------------------------------------------------


# the per-row temporaries of the NumPy E- and M-steps ('full') hold about this many numbers
# (1 MB of float64): cache-sized, and small next to X, whatever n_components
BLOCK_ELEMENTS = 2**17


def _scatter_numpy(X, R):
    """``Σ_i r_ik x_i x_iᵀ`` for every k, (k, d, d), as ``Xᵀ [r_1 x, ..., r_k x]`` by row
    blocks: one product per block, and the n × kd weighted rows never exist whole. (Keeping
    the d(d+1)/2 products ``x_a x_b`` of every row for the fit halves the work but holds
    (d+1)/2 copies of X.)"""
    n, d = X.shape
    k = R.shape[1]
    out = np.zeros((d, k * d))
    blocks = _row_blocks(n, k * d)
    buf = np.empty((blocks[0][1] - blocks[0][0], k, d))
    for lo, hi in blocks:
        RX = buf[: hi - lo]
        np.multiply(R[lo:hi, :, None], X[lo:hi, None, :], out=RX)
        out += X[lo:hi].T @ RX.reshape(hi - lo, k * d)
    s2 = out.reshape(d, k, d).transpose(1, 0, 2)
    return (s2 + s2.transpose(0, 2, 1)) / 2  # exactly symmetric, as the covariances must be


def sufficient_statistics(X: Array, resp: Array, sample_weight: Array | None,
                          covariance_type: str, xp: Any,
                          squares: Array | None = None) -> tuple[Array, Array, Array]:
    """``(N_k, Σ r x, S2)`` with weights ``r_ik w_i``; S2 is ``Σ r x xᵀ`` per component ('full'),
    ``Σ w x xᵀ`` ('tied'), ``Σ r x²`` ('diag') or ``Σ r ‖x‖²`` ('spherical'). ``squares`` is
    what the fit keeps of X: ``squares_of(X)`` ('diag', 'spherical').

    The products are written ``Xᵀ R`` (long inner dimension, data on the left), the form BLAS
    runs fastest for a few outputs and many rows.
    """
    R = resp if sample_weight is None else resp * sample_weight[:, None]
    k, d = resp.shape[1], X.shape[1]
    nk = xp.sum(R, axis=0)
    sx = (X.T @ R).T
    if covariance_type == "full" and is_numpy(xp) and isinstance(X, np.ndarray):
        s2 = _scatter_numpy(X, R)
    elif covariance_type == "full" and is_lazy(X):  # per block: its (rows, kd) product is
        s2 = row_block_sums(_scatter_numpy, (k, d, d), X, R)  # freed inside its own task
    elif covariance_type == "full":
        RX = xp.reshape(R[:, :, None] * X[:, None, :], (-1, k * d))
        s2 = xp.permute_dims(xp.reshape(X.T @ RX, (d, k, d)), (1, 0, 2))
    elif covariance_type == "tied":
        Xw = X if sample_weight is None else X * sample_weight[:, None]
        s2 = Xw.T @ X
    else:
        sq = squares_of(X, covariance_type, xp) if squares is None else squares
        s2 = (sq.T @ R).T if covariance_type == "diag" else sq @ R
    return nk, sx, s2


def m_step(nk: Array, sx: Array, s2: Array, covariance_type: str, reg_covar: float,
           xp: Any) -> tuple[Array, Array, Array]:
    """Weights (unnormalized), means and covariances from the sufficient statistics."""
    nk = nk + 10 * xp.finfo(nk.dtype).eps
    means = sx / nk[:, None]
    d = means.shape[1]
    if covariance_type == "full":
        eye = xp.eye(d, dtype=sx.dtype, device=_dev(sx))
        cov = s2 / nk[:, None, None] - means[:, :, None] * means[:, None, :] + reg_covar * eye
    elif covariance_type == "tied":
        eye = xp.eye(d, dtype=sx.dtype, device=_dev(sx))
        cov = (s2 - (nk[:, None] * means).T @ means) / xp.sum(nk) + reg_covar * eye
    elif covariance_type == "diag":
        cov = s2 / nk[:, None] - means * means + reg_covar
    else:  # the mean of the d variances
        cov = s2 / (d * nk) - xp.mean(means * means, axis=1) + reg_covar
    return nk, means, cov


def _dev(a):
    return namespace_and_device(a)[1]


class CollapsedComponentError(ValueError):
    """A component's covariance is not positive definite (it collapsed onto too few points)."""


def noise_floor(nk, s2, covariance_type, xp, n_features):
    """The size of the rounding error in ``s2 / N_k − μ μᵀ``: a variance (or a Cholesky pivot)
    no larger than this is zero in disguise, the mark of a collapsed component. ('spherical':
    the error of the mean of the d variances, from ``s2 = Σ r ‖x‖²``.)"""
    eps = 16 * xp.finfo(s2.dtype).eps
    if covariance_type == "full":
        return eps * s2.shape[-1] * xp.max(xp.linalg.diagonal(s2), axis=1) / nk
    if covariance_type == "tied":
        return eps * s2.shape[-1] * xp.max(xp.linalg.diagonal(s2)) / xp.sum(nk)
    if covariance_type == "diag":
        return eps * xp.max(s2, axis=1) / nk
    return eps * s2 / (n_features * nk)


def precision_cholesky(cov, covariance_type, xp, *, nk=None, reg_covar=None, floor=None):
    """``U`` with ``U Uᵀ = Σ⁻¹`` (upper triangular), from ``Σ = L Lᵀ``: ``U = L⁻ᵀ``.

    A covariance that is not positive definite -- or whose variances (Cholesky pivots) are
    below ``floor``, the rounding noise of the statistics -- raises an error naming the
    components.
    """
    floor = 0.0 if floor is None else floor
    if covariance_type in ("diag", "spherical"):
        f = floor[:, None] if covariance_type == "diag" and hasattr(floor, "shape") else floor
        bad = to_host(cov <= f)
        if np.any(bad):
            _collapse_error(np.flatnonzero(bad.reshape(bad.shape[0], -1).any(axis=1)), nk,
                            reg_covar, cov.dtype)
        return 1.0 / xp.sqrt(cov)
    try:
        L = xp.linalg.cholesky(cov)
        pivots = xp.linalg.diagonal(L)
        pivots = pivots if covariance_type == "full" else pivots[None, :]
        f = floor[:, None] if hasattr(floor, "shape") and floor.ndim == 1 else floor
        ok = to_host(xp.all(pivots * pivots > f, axis=1))  # CuPy returns NaN, not an error
    except Exception:  # numpy.linalg.LinAlgError, torch's error
        stack = cov if covariance_type == "full" else cov[None, ...]
        ok = to_host(xp.min(xp.linalg.eigvalsh(stack), axis=1) > 0)
    if not np.all(ok):
        _collapse_error(np.flatnonzero(~ok) if covariance_type == "full" else None, nk,
                        reg_covar, cov.dtype)
    eye = xp.eye(cov.shape[-1], dtype=cov.dtype, device=_dev(cov))
    eye = xp.broadcast_to(eye, L.shape)
    return xp.linalg.matrix_transpose(xp.linalg.solve(L, eye))


def _collapse_error(components, nk, reg_covar, dtype):
    if components is None:
        which = "The shared (tied) covariance is"
    else:
        counts = "" if nk is None else " (effective sample counts " + ", ".join(
            f"{float(to_host(nk)[c]):.3g}" for c in components) + ")"
        which = f"The covariance of component(s) {', '.join(map(str, components))}{counts} is"
    reg = "" if reg_covar is None else f" (now {reg_covar:g})"
    f32 = " or pass float64 data" if "32" in str(dtype) else ""
    raise CollapsedComponentError(
        f"{which} not positive definite: the component collapsed onto too few distinct "
        f"points. Increase reg_covar{reg}, use fewer components, or scale the input data"
        f"{f32}."
    )


def precision_cholesky_from_precisions(prec, covariance_type, xp):
    """``U`` (upper triangular) with ``U Uᵀ = Λ`` for given precisions: the Cholesky factor of
    the precision with rows and columns reversed, reversed back."""
    if covariance_type in ("diag", "spherical"):
        return xp.sqrt(prec)
    flipped = xp.flip(xp.flip(prec, axis=-1), axis=-2)
    L = xp.linalg.cholesky(flipped)
    return xp.flip(xp.flip(L, axis=-1), axis=-2)


def precisions_from_cholesky(prec_chol, covariance_type, xp):
    """``Λ = U Uᵀ``."""
    if covariance_type in ("diag", "spherical"):
        return prec_chol * prec_chol
    return prec_chol @ xp.linalg.matrix_transpose(prec_chol)


def covariances_from_precisions(prec, covariance_type, xp):
    if covariance_type in ("diag", "spherical"):
        return 1.0 / prec
    return xp.linalg.inv(prec)


def n_parameters(n_components, n_features, covariance_type):
    """Free parameters of the mixture: weights, means and covariances."""
    d, k = n_features, n_components
    cov = {"full": k * d * (d + 1) / 2, "tied": d * (d + 1) / 2, "diag": k * d,
           "spherical": k}[covariance_type]
    return int(cov + k * d + k - 1)


ONE_POINT_INITS = ("k-means++", "random_from_data")


def tied_stats_about_origin(X, sw, total_w, stats, offset):
    """The tied statistics of un-centred data, from those of the centred X.

    With one-point initial components most rows have no responsibility, and scikit-learn's
    initial tied covariance ``(Σ x xᵀ − Σ N_k μ_k μ_kᵀ) / Σ N_k`` then depends on where the
    origin is; this keeps its value (EM's own iterations are translation-invariant).
    """
    xp, _ = namespace_and_device(X)
    sxw = compute(xp.sum(X if sw is None else X * sw[:, None], axis=0))[0]
    nk, sx, s2 = stats
    s2 = (s2 + offset[:, None] * sxw[None, :] + sxw[:, None] * offset[None, :]
          + total_w * offset[:, None] * offset[None, :])
    return nk, sx + nk[:, None] * offset[None, :], s2


def check_precisions(prec, covariance_type):
    if covariance_type in ("diag", "spherical"):
        if np.any(prec <= 0):
            raise ValueError(f"The parameter 'precisions_init' ({covariance_type!r}) should be "
                             "positive.")
        return
    stack = prec if prec.ndim == 3 else prec[None]
    symmetric = np.allclose(stack, np.swapaxes(stack, 1, 2))
    if not symmetric or np.any(np.linalg.eigvalsh(stack).min(axis=1) <= 0):
        raise ValueError(f"The parameter 'precisions_init' ({covariance_type!r}) should be "
                         "symmetric, positive-definite.")


def lazy_em_statistics(X: Array, sample_weight: Array | None, weights: Array, means: Array,
                       prec_chol: Array, covariance_type: str) -> tuple[Array, ...]:
    """One E-step and the M-step's statistics on a Dask X, in one pass: each row block's task
    runs ``e_step`` and ``sufficient_statistics`` on its own rows (NumPy), and the blocks'
    sums are added in a tree. Returns lazy ``(Σ w log p(x), N_k, Σ r x, S2)``; the
    responsibilities never leave their task."""
    k, d = means.shape
    params = [np.asarray(to_host(p), dtype=np.float64) for p in (weights, means, prec_chol)]
    s2_shape = {"full": (k, d, d), "tied": (d, d), "diag": (k, d), "spherical": (k,)}
    shapes = [(), (k,), (k, d), s2_shape[covariance_type]]
    sizes = [math.prod(s) for s in shapes]

    @one_blas_thread
    def one_block(Xb, *wb):
        Xb = np.asarray(Xb, dtype=np.float64)
        w = np.asarray(wb[0], dtype=np.float64) if wb else None
        hxp, _ = namespace_and_device(Xb)
        log_norm, resp = e_step(Xb, *params, covariance_type, hxp)
        total = np.sum(log_norm if w is None else log_norm * w)
        parts = sufficient_statistics(Xb, resp, w, covariance_type, hxp)
        return np.concatenate([np.ravel(total), *(np.ravel(a) for a in parts)])

    arrays = (X,) if sample_weight is None else (X, sample_weight)
    flat = row_block_sums(one_block, (sum(sizes),), *arrays)
    ends = np.cumsum(sizes)
    return tuple(flat[e - s:e].reshape(shape) for s, e, shape in zip(sizes, ends, shapes,
                                                                      strict=True))
