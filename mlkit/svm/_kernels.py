"""Kernel functions, written against the array API so they run in the input's namespace.

Each kernel is a pure function ``k(X, Y, xp, ...)`` returning the ``(len(X), len(Y))`` Gram
matrix. ``kernel_matrix`` dispatches on the estimator's ``kernel`` parameter; ``kernel_diagonal``
gives ``k(x_i, x_i)`` without forming the matrix (SMO needs it for its step length).

Either side may be a scipy.sparse matrix (CSR): ``X Yᵀ`` is then a sparse product, made
dense (it is the kernel block, not the data), and the squared norms come from the stored
entries -- the data itself is never made dense.
"""

from __future__ import annotations

import numpy as np

from .._array import is_sparse, namespace_and_device, squared_norms, to_host

KERNELS = ("linear", "poly", "rbf", "sigmoid", "precomputed")
_FEW_ROWS = 16


def dot_t(X, Y):
    """``X Yᵀ`` as a dense array, for dense or scipy.sparse ``X`` and ``Y``.

    A sparse ``Y`` of a few rows (SMO asks for one kernel column at a time) is made dense
    first: a sparse-times-dense product is cheaper than a sparse-times-sparse one."""
    if is_sparse(Y) and Y.shape[0] <= _FEW_ROWS:
        Y = Y.toarray()
    if not is_sparse(Y):
        return X @ Y.T if not is_sparse(X) else np.asarray(X @ Y.T)
    if not is_sparse(X):
        return np.asarray(Y @ X.T).T
    return (X @ Y.T).toarray()


def linear_kernel(X, Y, xp):
    """``K = X Yᵀ``."""
    return dot_t(X, Y)


def polynomial_kernel(X, Y, xp, *, gamma, degree, coef0):
    """``K = (γ X Yᵀ + r)^degree``."""
    return (gamma * dot_t(X, Y) + coef0) ** degree


def rbf_kernel(X, Y, xp, *, gamma):
    """``K = exp(-γ ‖x - y‖²)``, the squared distance as ``‖x‖² + ‖y‖² - 2 xᵀy`` (clipped at 0)."""
    xx = squared_norms(X, xp)
    yy = squared_norms(Y, xp)
    d2 = xx[:, None] + yy[None, :] - 2.0 * dot_t(X, Y)
    return xp.exp(-gamma * xp.maximum(d2, 0.0))


def rbf_block_host(gamma):
    """The rbf kernel on host arrays, given the rows' squared norms: ``k(Xr, sqr, Xc, sqc)``.

    SMO calls it for one row at a time with the norms computed once; it works in place, with
    no n×n temporaries when it forms a whole matrix.
    """
    def kern(Xr, sqr, Xc, sqc):
        d2 = dot_t(Xr, Xc)
        d2 *= -2.0
        d2 += sqr[:, None]
        d2 += sqc[None, :]
        np.maximum(d2, 0.0, out=d2)
        d2 *= -gamma
        return np.exp(d2, out=d2)

    return kern


def sigmoid_kernel(X, Y, xp, *, gamma, coef0):
    """``K = tanh(γ X Yᵀ + r)`` (not positive semidefinite in general)."""
    return xp.tanh(gamma * dot_t(X, Y) + coef0)


def resolve_gamma(gamma, X, xp):
    """The numeric γ: 'scale' = 1 / (n_features · X.var()), 'auto' = 1 / n_features.

    For scipy.sparse X the variance of all its entries is ``mean(x²) − mean(x)²``, from the
    stored entries (scikit-learn's formula for sparse X)."""
    d = X.shape[1]
    if gamma == "scale" and is_sparse(X):
        size = X.shape[0] * d
        var = float(np.sum(X.data * X.data)) / size - (float(np.sum(X.data)) / size) ** 2
        return 1.0 / (d * var) if var != 0 else 1.0
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
    sq = squared_norms(X, np)
    if kernel == "linear":
        return sq
    if kernel == "poly":
        return (gamma * sq + coef0) ** degree
    return np.tanh(gamma * sq + coef0)
