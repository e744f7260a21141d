"""The layers of a multilayer perceptron, each as a forward and a backward function.

Every function works on a whole batch at once: ``A`` is the (n, units) matrix of a layer's
inputs, one row per sample, and ``dA`` the gradient of the loss with respect to it. A forward
function returns its output (and, where the backward step needs more than the input, a
cache); the matching backward function takes the gradient of the loss with respect to that
output and returns the gradients with respect to the input and the layer's parameters. Nothing
is modified in place, and every function takes the array namespace ``xp``.

A hidden layer is ``dense → [batch_norm] → activation → [dropout]``; the output layer is
``dense → output activation``, and its backward step starts from the loss
(``output_loss``).
"""

from __future__ import annotations

from .._array import as_namespace
from ..linear_model._loss import (
    binary_log_loss,
    half_squared_error,
    multinomial_log_loss,
    sigmoid,
    softmax,
    softplus,
)

__all__ = [
    "ACTIVATIONS",
    "LEAKY_SLOPE",
    "batch_norm_backward",
    "batch_norm_forward",
    "batch_norm_inference",
    "dense_backward",
    "dense_forward",
    "dropout_backward",
    "dropout_forward",
    "dropout_mask",
    "elu",
    "elu_derivative",
    "identity",
    "identity_derivative",
    "leaky_relu",
    "leaky_relu_derivative",
    "logistic",
    "logistic_derivative",
    "output_activation",
    "output_loss",
    "relu",
    "relu_derivative",
    "softplus",
    "softplus_derivative",
    "tanh",
    "tanh_derivative",
    "update_running_stats",
]


# ---------------------------------------------------------------------------------------------
# Dense (fully connected) layer
# ---------------------------------------------------------------------------------------------


def dense_forward(A, W, b):
    """``Z = A W + b``: (n, fan_in) inputs, (fan_in, fan_out) weights, (fan_out,) intercepts.

    ``A`` may be a scipy.sparse matrix (the first layer of sparse data).
    """
    return A @ W + b


def dense_backward(dZ, A, W, xp, *, need_dA=True):
    """The gradients of ``Z = A W + b``: ``dA = dZ Wᵀ``, ``dW = Aᵀ dZ``, ``db = Σ_rows dZ``.

    ``dA`` is None when not ``need_dA`` (the first trainable layer: nothing below it learns).
    """
    dW = A.T @ dZ
    db = xp.sum(dZ, axis=0)
    return (dZ @ W.T if need_dA else None), dW, db


# ---------------------------------------------------------------------------------------------
# Activations and their derivatives
# ---------------------------------------------------------------------------------------------
# A derivative takes the pre-activation z and the activation's own output a = f(z) (the
# forward pass keeps both), and uses whichever gives f'(z) more cheaply.

LEAKY_SLOPE = 0.01  # leaky_relu's slope for z < 0 (PyTorch's and Keras's default)


def identity(z, xp):
    """``f(z) = z``."""
    return z


def identity_derivative(z, a, xp):
    """``f'(z) = 1``."""
    return xp.ones_like(z)


def logistic(z, xp):
    """``σ(z) = 1 / (1 + e^{−z})``."""
    return sigmoid(z, xp)


def logistic_derivative(z, a, xp):
    """``σ'(z) = σ(z)(1 − σ(z)) = a (1 − a)``."""
    return a * (1.0 - a)


def tanh(z, xp):
    """``tanh(z)``."""
    return xp.tanh(z)


def tanh_derivative(z, a, xp):
    """``tanh'(z) = 1 − tanh²(z) = 1 − a²``."""
    return 1.0 - a * a


def relu(z, xp):
    """``max(z, 0)`` (Nair & Hinton 2010)."""
    return xp.maximum(z, 0.0)


def relu_derivative(z, a, xp):
    """``1`` for ``z > 0``, else ``0`` (0 at the kink, as scikit-learn)."""
    return xp.astype(z > 0, z.dtype)


def leaky_relu(z, xp):
    """``z`` for ``z > 0``, else ``0.01 z`` (Maas, Hannun & Ng 2013)."""
    return xp.where(z > 0, z, LEAKY_SLOPE * z)


def leaky_relu_derivative(z, a, xp):
    """``1`` for ``z > 0``, else ``0.01``."""
    positive = xp.astype(z > 0, z.dtype)
    return positive + LEAKY_SLOPE * (1.0 - positive)


def elu(z, xp):
    """``z`` for ``z > 0``, else ``e^z − 1`` (Clevert, Unterthiner & Hochreiter 2016; α = 1)."""
    return xp.where(z > 0, z, xp.expm1(xp.minimum(z, 0.0)))


def elu_derivative(z, a, xp):
    """``1`` for ``z > 0``, else ``e^z = a + 1``."""
    return xp.where(z > 0, xp.ones_like(z), a + 1.0)


def softplus_derivative(z, a, xp):
    """``softplus'(z) = σ(z)``."""
    return sigmoid(z, xp)


ACTIVATIONS = {
    "identity": (identity, identity_derivative),
    "logistic": (logistic, logistic_derivative),
    "tanh": (tanh, tanh_derivative),
    "relu": (relu, relu_derivative),
    "leaky_relu": (leaky_relu, leaky_relu_derivative),
    "elu": (elu, elu_derivative),
    "softplus": (lambda z, xp: softplus(z, xp), softplus_derivative),
}
"""Hidden-layer activations by name: ``(f, f')``."""


# ---------------------------------------------------------------------------------------------
# Batch normalization (Ioffe & Szegedy 2015)
# ---------------------------------------------------------------------------------------------


def batch_norm_forward(Z, gamma, beta, epsilon, xp):
    """Algorithm 1 of Ioffe & Szegedy (2015), over the rows of the batch, per unit.

    ``μ = mean(z)``, ``σ² = mean((z − μ)²)`` (the biased variance of the batch),
    ``ẑ = (z − μ) / √(σ² + ε)``, output ``γ ẑ + β``.

    Returns
    -------
    out : array (n, units)
    cache : tuple
        ``(ẑ, 1/√(σ² + ε), μ, σ²)``: what the backward step and the running statistics need.
    """
    mean = xp.mean(Z, axis=0)
    centered = Z - mean
    var = xp.mean(centered * centered, axis=0)
    inv_std = 1.0 / xp.sqrt(var + epsilon)
    Z_hat = centered * inv_std
    return gamma * Z_hat + beta, (Z_hat, inv_std, mean, var)


def batch_norm_backward(dOut, cache, gamma, xp):
    """The gradients of ``batch_norm_forward`` (Ioffe & Szegedy's back-propagation formulas).

    With ``g = dOut · γ`` (the gradient in ``ẑ``), the batch statistics' own dependence on
    every row gives::

        dz = (1/√(σ² + ε)) · (g − mean(g) − ẑ · mean(g ẑ))
        dγ = Σ_rows dOut · ẑ,   dβ = Σ_rows dOut

    Returns ``dZ, dγ, dβ``.
    """
    Z_hat, inv_std = cache[0], cache[1]
    d_gamma = xp.sum(dOut * Z_hat, axis=0)
    d_beta = xp.sum(dOut, axis=0)
    g = dOut * gamma
    dZ = inv_std * (g - xp.mean(g, axis=0) - Z_hat * xp.mean(g * Z_hat, axis=0))
    return dZ, d_gamma, d_beta


def batch_norm_inference(Z, gamma, beta, running_mean, running_var, epsilon, xp):
    """``γ (z − μ_run) / √(σ²_run + ε) + β``: the normalization at inference, with the running
    statistics in place of the batch's, so that each row's output depends on that row only."""
    return gamma * ((Z - running_mean) / xp.sqrt(running_var + epsilon)) + beta


def update_running_stats(running_mean, running_var, mean, var, n, momentum):
    """The running statistics after a training batch of ``n`` rows, in PyTorch's convention.

    ``μ_run ← (1 − m) μ_run + m μ`` and ``σ²_run ← (1 − m) σ²_run + m · σ² n/(n − 1)``: the
    momentum ``m`` weighs the new batch, and the running variance averages the *unbiased*
    batch variances (the batch is normalized with the biased one). ``n >= 2``.
    """
    unbiased = var * (n / (n - 1))
    return ((1.0 - momentum) * running_mean + momentum * mean,
            (1.0 - momentum) * running_var + momentum * unbiased)


# ---------------------------------------------------------------------------------------------
# Dropout (Srivastava et al. 2014), inverted
# ---------------------------------------------------------------------------------------------


def dropout_mask(shape, rate, rng, xp, device, dtype):
    """A mask of 0 (dropped, with probability ``rate``) and ``1 / (1 − rate)`` (kept).

    Drawn on the host from ``rng`` (a NumPy RandomState) and moved to ``device``, so that every
    backend sees the same mask. Scaling the kept units by ``1 / (1 − rate)`` in training keeps
    each unit's expected output, so inference uses the layer as it is ("inverted" dropout).
    """
    keep = rng.random_sample(shape) >= rate
    return xp.astype(as_namespace(keep, xp, device), dtype) * (1.0 / (1.0 - rate))


def dropout_forward(A, mask):
    """``A · mask`` (elementwise): the kept units, scaled."""
    return A * mask


def dropout_backward(dA, mask):
    """``dA · mask``: a dropped unit passes no gradient."""
    return dA * mask


# ---------------------------------------------------------------------------------------------
# Output layer: activation and loss
# ---------------------------------------------------------------------------------------------


def half_poisson_deviance(Z, Y, xp):
    """Per-row ``Σ_k (e^{z_k} − y_k z_k + y_k log y_k − y_k)`` (the log link) and its gradient
    ``e^z − y``."""
    mu = xp.exp(Z)
    safe = xp.where(Y > 0, Y, xp.ones_like(Y))
    return xp.sum(mu - Y * Z + Y * xp.log(safe) - Y, axis=1), mu - Y


_LOSSES = {
    "identity": half_squared_error,
    "logistic": binary_log_loss,
    "softmax": multinomial_log_loss,
    "exp": half_poisson_deviance,
}


def output_loss(out_activation):
    """The loss that goes with an output activation, as ``loss(Z, Y, xp) -> (per_row, dZ)``
    where ``Z`` are the output layer's scores before the activation.

    Each pair is a canonical link, so ``dZ = f(Z) − Y`` in every case: squares with the
    identity, the binary log loss with the logistic, the multinomial log loss with the
    softmax, the half Poisson deviance with ``exp``.
    """
    return _LOSSES[out_activation]


def output_activation(Z, out_activation, xp):
    """The output activation: identity, ``exp``, logistic or softmax of the scores ``Z``."""
    if out_activation == "identity":
        return Z
    if out_activation == "exp":
        return xp.exp(Z)
    if out_activation == "logistic":
        return sigmoid(Z, xp)
    return softmax(Z, xp)
