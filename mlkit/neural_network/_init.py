"""Weight initialization schemes: the variance that keeps signals from vanishing or exploding.

Each scheme draws one layer's (fan_in, fan_out) weights and (fan_out,) intercepts from a NumPy
``RandomState`` on the host, in float64; the estimator casts them and moves them to the data's
device, so every backend starts from the same numbers.

=================  ==========================================  ================================
scheme             weights                                     variance
=================  ==========================================  ================================
'glorot_uniform'   U(−r, r), ``r = √(6 / (fan_in + fan_out))``  ``2 / (fan_in + fan_out)``
                   (``√(2 / ...)`` for the logistic)            (a third of it for the logistic)
'glorot_normal'    N(0, 2 / (fan_in + fan_out))                 ``2 / (fan_in + fan_out)``
'he_uniform'       U(−r, r), ``r = √(6 / fan_in)``              ``2 / fan_in``
'he_normal'        N(0, 2 / fan_in)                             ``2 / fan_in``
'lecun_normal'     N(0, 1 / fan_in)                             ``1 / fan_in``
'zeros'            0                                            0
=================  ==========================================  ================================

'glorot_uniform' is scikit-learn's MLP initialization, draws and their order included: the
weights, then the intercepts from the same uniform, layer after layer, so the same
``random_state`` gives scikit-learn's initial network. The other schemes start the intercepts
at zero.

Glorot & Bengio (2010) ask the variance of the activations and of the back-propagated
gradients to stay the same from layer to layer, which a linear (or tanh, near 0) unit does
when ``Var(w) = 1/fan_in`` forwards and ``1/fan_out`` backwards; ``2/(fan_in + fan_out)``
is the compromise. A ReLU zeroes half of its inputs on average, so He et al. (2015) double
the forward condition: ``2/fan_in``. LeCun et al. (1998) keep ``1/fan_in`` (the self-normalizing
choice of SELU networks). 'zeros' is the counter-example of the lessons: every hidden unit of
a layer computes the same function and receives the same gradient, so the units stay
identical however long the network trains.

References
----------
Glorot, X. and Bengio, Y. (2010). Understanding the difficulty of training deep feedforward
neural networks. AISTATS, 249-256.

He, K., Zhang, X., Ren, S. and Sun, J. (2015). Delving deep into rectifiers: surpassing
human-level performance on ImageNet classification. ICCV. arXiv:1502.01852.

LeCun, Y., Bottou, L., Orr, G. B. and Müller, K.-R. (1998). Efficient backprop. In Neural
Networks: Tricks of the Trade, 9-50.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["INITIALIZERS", "glorot_normal", "glorot_uniform", "he_normal", "he_uniform",
           "lecun_normal", "zeros"]


def glorot_uniform(fan_in, fan_out, rng, *, activation="relu"):
    """scikit-learn's: ``U(−r, r)`` with ``r = √(factor / (fan_in + fan_out))``, ``factor``
    6 (2 for the logistic activation), for the weights and then the intercepts."""
    factor = 2.0 if activation == "logistic" else 6.0
    bound = math.sqrt(factor / (fan_in + fan_out))
    W = rng.uniform(-bound, bound, (fan_in, fan_out))
    b = rng.uniform(-bound, bound, fan_out)
    return W, b


def glorot_normal(fan_in, fan_out, rng, *, activation="relu"):
    """``N(0, 2 / (fan_in + fan_out))``; intercepts 0."""
    return rng.normal(0.0, math.sqrt(2.0 / (fan_in + fan_out)), (fan_in, fan_out)), \
        np.zeros(fan_out)


def he_uniform(fan_in, fan_out, rng, *, activation="relu"):
    """``U(−r, r)`` with ``r = √(6 / fan_in)`` (variance ``2 / fan_in``); intercepts 0."""
    bound = math.sqrt(6.0 / fan_in)
    return rng.uniform(-bound, bound, (fan_in, fan_out)), np.zeros(fan_out)


def he_normal(fan_in, fan_out, rng, *, activation="relu"):
    """``N(0, 2 / fan_in)``; intercepts 0."""
    return rng.normal(0.0, math.sqrt(2.0 / fan_in), (fan_in, fan_out)), np.zeros(fan_out)


def lecun_normal(fan_in, fan_out, rng, *, activation="relu"):
    """``N(0, 1 / fan_in)``; intercepts 0."""
    return rng.normal(0.0, math.sqrt(1.0 / fan_in), (fan_in, fan_out)), np.zeros(fan_out)


def zeros(fan_in, fan_out, rng, *, activation="relu"):
    """All weights and intercepts 0 (no draw): the symmetry is never broken."""
    return np.zeros((fan_in, fan_out)), np.zeros(fan_out)


INITIALIZERS = {
    "glorot_uniform": glorot_uniform,
    "glorot_normal": glorot_normal,
    "he_uniform": he_uniform,
    "he_normal": he_normal,
    "lecun_normal": lecun_normal,
    "zeros": zeros,
}
"""Initialization schemes by name: ``scheme(fan_in, fan_out, rng, activation=...)``."""

