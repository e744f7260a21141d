"""Kernel functions, written against the array API so they run in the input's namespace.

Each kernel is a pure function ``k(X, Y, xp, ...)`` returning the ``(len(X), len(Y))`` Gram
matrix. ``kernel_matrix`` dispatches on the estimator's ``kernel`` parameter; ``kernel_diagonal``
gives ``k(x_i, x_i)`` without forming the matrix (SMO needs it for its step length).
"""

from __future__ import annotations

import numpy as np

from .._array import namespace_and_device, squared_norms, to_host

KERNELS = ("linear", "poly", "rbf", "sigmoid", "precomputed")


def linear_kernel(X, Y, xp):
    """``K = X Yᵀ``."""
    return X @ Y.T


def polynomial_kernel(X, Y, xp, *, gamma, degree, coef0):
    """``K = (γ X Yᵀ + r)^degree``."""
    return (gamma * (X @ Y.T) + coef0) ** degree


def rbf_kernel(X, Y, xp, *, gamma):
    """``K = exp(-γ ‖x - y‖²)``, the squared distance as ``‖x‖² + ‖y‖² - 2 xᵀy`` (clipped at 0)."""
    xx = squared_norms(X, xp)
    yy = squared_norms(Y, xp)
    d2 = xx[:, None] + yy[None, :] - 2.0 * (X @ Y.T)
    return xp.exp(-gamma * xp.maximum(d2, 0.0))


def rbf_block_host(gamma):
    """The rbf kernel on host arrays, given the rows' squared norms: ``k(Xr, sqr, Xc, sqc)``.

    SMO calls it for one row at a time with the norms computed once; it works in place, with
    no n×n temporaries when it forms a whole matrix.
    """
    def kern(Xr, sqr, Xc, sqc):
        d2 = Xr @ Xc.T
        d2 *= -2.0
        d2 += sqr[:, None]
        d2 += sqc[None, :]
        np.maximum(d2, 0.0, out=d2)
        d2 *= -gamma
        return np.exp(d2, out=d2)

    return kern


def sigmoid_kernel(X, Y, xp, *, gamma, coef0):
    """``K = tanh(γ X Yᵀ + r)`` (not positive semidefinite in general)."""
    return xp.tanh(gamma * (X @ Y.T) + coef0)


def resolve_gamma(gamma, X, xp):
    """The numeric γ: 'scale' = 1 / (n_features · X.var()), 'auto' = 1 / n_features."""
    d = X.shape[1]
    if gamma == "scale":
        var = float(to_host(xp.mean((X - xp.mean(X)) ** 2))) if X.shape[0] else 0.0
        return 1.0 / (d * var) if var != 0 else 1.0
    if gamma == "auto":
        return 1.0 / d
    return float(gamma)


def kernel_matrix(X, Y, kernel, *, gamma, degree, coef0, xp=None):
    """The Gram matrix ``K[a, b] = k(X[a], Y[b])`` for the named (or callable) ``kernel``.

    'precomputed' returns ``X`` itself (the caller passes the right columns).
    """
    if xp is None:
        xp, _ = namespace_and_device(X, Y)
    if callable(kernel):
        K = kernel(X, Y)
        if not hasattr(K, "shape"):
            K = np.asarray(K, dtype=np.float64)
        if tuple(K.shape) != (X.shape[0], Y.shape[0]):
            raise ValueError(
                f"The callable kernel returned a matrix of shape {tuple(K.shape)}; expected "
                f"({X.shape[0]}, {Y.shape[0]})."
            )
        return K
    if kernel == "linear":
        return linear_kernel(X, Y, xp)
    if kernel == "poly":
        return polynomial_kernel(X, Y, xp, gamma=gamma, degree=degree, coef0=coef0)
    if kernel == "rbf":
        return rbf_kernel(X, Y, xp, gamma=gamma)
    if kernel == "sigmoid":
        return sigmoid_kernel(X, Y, xp, gamma=gamma, coef0=coef0)
    if kernel == "precomputed":
        return X
    raise ValueError(f"Unknown kernel {kernel!r}; expected one of {KERNELS} or a callable.")


def kernel_diagonal(X, kernel, *, gamma, degree, coef0):
    """``k(x_i, x_i)`` for every row of the host array ``X``."""
    if kernel == "rbf":
        return np.ones(X.shape[0])
    if kernel == "precomputed":
        return np.ascontiguousarray(np.diagonal(X)).astype(np.float64)
    if callable(kernel):
        return None  # the caller forms the whole matrix and takes its diagonal
    sq = np.einsum("ij,ij->i", X, X)
    if kernel == "linear":
        return sq
    if kernel == "poly":
        return (gamma * sq + coef0) ** degree
    return np.tanh(gamma * sq + coef0)
