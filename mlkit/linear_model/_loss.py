"""The losses of the linear models and their Fisher information, as the textbook writes them.

A linear model scores row ``x`` by ``z = W x + b`` (one score per class or target; ``W`` is
k x d) and reads the scores as the natural parameter of an exponential-family distribution of
``y``:

========================  =============================  ==============  ====================
model                     loss ℓ(z, y)                   ∂ℓ/∂z           Fisher I(z) = ∂²ℓ/∂z²
========================  =============================  ==============  ====================
least squares (Gaussian)  ½ ‖y − z‖²                     z − y           identity
logistic (Bernoulli)      log(1 + eᶻ) − y z              σ(z) − y        σ(z)(1 − σ(z))
multinomial (softmax)     log Σ_k e^{z_k} − Σ_k y_k z_k  softmax(z) − y  diag(p) − p pᵀ
========================  =============================  ==============  ====================

Each loss is the negative log-likelihood of its model with the canonical link, so its second
derivative in ``z`` does not depend on ``y``: it equals the variance of ``y`` under the model,
which is the Fisher information. That is why natural-gradient descent on these models is
Newton's method (IRLS for the logistic model): see ``fisher_information``.

The fitted objective is the weighted mean of the losses plus the penalty,
``F(W, b) = (1/S) Σ_i s_i ℓ(z_i, y_i) + α R(W)``, with ``S = Σ_i s_i``.
"""

from __future__ import annotations

from scipy.sparse import issparse

from .._array import device as device_of
from .._array import logsumexp

__all__ = [
    "binary_log_loss",
    "data_term",
    "fisher_information",
    "half_squared_error",
    "log_sigmoid",
    "multinomial_log_loss",
    "sigmoid",
    "softmax",
    "softplus",
]


def softplus(z, xp):
    """``log(1 + eᶻ)``, computed as ``max(z, 0) + log1p(e^{−|z|})`` (no overflow)."""
    return xp.maximum(z, 0.0) + xp.log1p(xp.exp(-xp.abs(z)))


def sigmoid(z, xp):
    """The logistic function ``σ(z) = 1 / (1 + e^{−z})``, without overflow for large ``|z|``."""
    e = xp.exp(-xp.abs(z))
    return xp.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def log_sigmoid(z, xp):
    """``log σ(z) = −softplus(−z)``."""
    return -softplus(-z, xp)


def softmax(Z, xp):
    """Row-wise ``e^{z_k} / Σ_j e^{z_j}``, through the log-sum-exp."""
    return xp.exp(Z - logsumexp(Z, axis=1, keepdims=True, xp=xp))


def half_squared_error(Z, Y, xp):
    """Per-row ``½ ‖y − z‖²`` and its gradient ``z − y`` (Z, Y of shape (n, k))."""
    R = Z - Y
    return 0.5 * xp.sum(R * R, axis=1), R


def binary_log_loss(Z, Y, xp):
    """Per-row ``log(1 + eᶻ) − y z`` and its gradient ``σ(z) − y`` (Z, Y of shape (n, 1),
    y in {0, 1})."""
    return softplus(Z[:, 0], xp) - Y[:, 0] * Z[:, 0], sigmoid(Z, xp) - Y


def multinomial_log_loss(Z, Y, xp):
    """Per-row ``log Σ_k e^{z_k} − Σ_k y_k z_k`` and its gradient ``softmax(z) − y`` (Y one-hot,
    shape (n, K))."""
    lse = logsumexp(Z, axis=1, keepdims=True, xp=xp)
    return lse[:, 0] - xp.sum(Y * Z, axis=1), xp.exp(Z - lse) - Y


def data_term(W, b, X, Y, s, loss, xp):
    """``(1/S) Σ s_i ℓ(W x_i + b, y_i)`` and its gradients in ``W`` (k x d) and ``b`` (k,).

    ``b`` is None without an intercept. By the chain rule through ``z = W x + b`` the gradient
    is ``Gᵀ X`` and ``Σ_i G_i`` with ``G_i = (s_i / S) ∂ℓ/∂z_i``.
    """
    Z = X @ W.T
    if b is not None:
        Z = Z + b
    losses, dZ = loss(Z, Y, xp)
    S = xp.sum(s)
    G = dZ * (s / S)[:, None]
    grad_b = xp.sum(G, axis=0) if b is not None else None
    return xp.sum(losses * s) / S, (X.T @ G).T, grad_b


def fisher_information(W, b, X, s, loss, xp):
    """The Fisher information of the parameters ``Θ = [W | b]`` (k x (d+1), row by row).

    ``F = (1/S) Σ_i s_i J_iᵀ I(z_i) J_i`` with ``J_i = ∂z_i/∂Θ`` (``x̃_i = [x_i, 1]`` in each
    class's block) and ``I(z)`` the table's Fisher information of the scores. Its (c, e) block
    is ``X̃ᵀ diag(s · I(z)_ce) X̃ / S``. For these canonical-link losses ``I(z)`` is also
    ``∂²ℓ/∂z²``, so ``F`` is the Hessian of the data term: natural gradient = Newton = IRLS.

    Returns an array of shape (k (d+1), k (d+1)) (k d when ``b`` is None).
    """
    Z = X @ W.T
    if b is not None:
        Z = Z + b
    w = s / xp.sum(s)
    k, intercept = Z.shape[1], b is not None
    if loss is half_squared_error:
        def weight(c, e):
            return w if c == e else None
    elif loss is binary_log_loss:
        p = sigmoid(Z[:, 0], xp)

        def weight(c, e):
            return w * p * (1.0 - p)
    else:
        P = softmax(Z, xp)

        def weight(c, e):
            return w * P[:, c] * ((1.0 if c == e else 0.0) - P[:, e])
    m = X.shape[1] + intercept
    zero = xp.zeros((m, m), dtype=Z.dtype, device=device_of(Z))
    grams = {}
    for c in range(k):
        for e in range(c, k):
            we = weight(c, e)
            grams[c, e] = zero if we is None else weighted_gram(X, we, intercept, xp)
    return xp.concat([xp.concat([grams[min(c, e), max(c, e)] for e in range(k)], axis=1)
                      for c in range(k)], axis=0)


def weighted_gram(X, w, intercept, xp):
    """``X̃ᵀ diag(w) X̃`` with ``X̃ = [X, 1]`` (``X`` when not ``intercept``), never forming X̃.

    ``X`` may be a scipy.sparse matrix (the d x d result is dense).
    """
    if issparse(X):
        gram = xp.asarray((X.T @ X.multiply(w[:, None])).toarray())
    else:
        gram = X.T @ (X * w[:, None])
    if not intercept:
        return gram
    col = X.T @ w
    corner = xp.reshape(xp.sum(w), (1, 1))
    top = xp.concat([gram, col[:, None]], axis=1)
    return xp.concat([top, xp.concat([col[None, :], corner], axis=1)], axis=0)


def intercept_only(loss, Y, w, xp):
    """The optimal intercepts when every weight is zero (``w`` the normalized row weights).

    Squares: the weighted mean of y. Logistic: the log-odds of the weighted share of ones.
    Softmax: the logs of the weighted class shares (defined up to a common shift; classes of
    no weight get a large negative intercept).
    """
    mean = xp.sum(Y * w[:, None], axis=0)
    if loss is half_squared_error:
        return mean
    tiny = 1e-300
    if loss is binary_log_loss:
        return xp.log(xp.maximum(mean, tiny)) - xp.log(xp.maximum(1.0 - mean, tiny))
    logs = xp.log(xp.maximum(mean, tiny))
    return logs - xp.mean(logs)
