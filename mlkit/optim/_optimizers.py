"""First-order optimizers as pure update rules: ``init(params)`` and ``step(params, grads, ...)``.

Each optimizer is a frozen dataclass of hyperparameters. Its state is a NamedTuple: the step
count ``t`` and, per parameter array, arrays of that array's shape, namespace, device and dtype
(velocities, running averages). ``step`` builds new arrays and never writes into its inputs.

The rule for one parameter array is the method ``_update``, written as the paper's algorithm
box; ``Optimizer.init`` and ``Optimizer.step`` apply it to each array of ``params`` (one array,
or a list or tuple of arrays) and keep the structure.
"""

from __future__ import annotations

import functools
import math
import numbers
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from .._validation import (
    Interval,
    InvalidParameterError,
    StrOptions,
    constraint_message,
)
from ._base import Optimizer

__all__ = [
    "OPTIMIZERS",
    "AdaGrad",
    "Adam",
    "Momentum",
    "Nesterov",
    "Optimizer",
    "RMSProp",
    "SGD",
    "get_optimizer",
]

_UNIT = Interval(numbers.Real, 0, 1, closed="left")  # momentum, rho, beta1, beta2: [0, 1)
_POSITIVE = Interval(numbers.Real, 0, None, closed="neither")  # epsilon: (0, inf)
_NON_NEGATIVE = Interval(numbers.Real, 0, None, closed="left")


# ---------------------------------------------------------------------------------------------
# States
# ---------------------------------------------------------------------------------------------
# Each per-array field holds one array when ``params`` is one array, else a tuple of arrays in
# the order of ``params``.


class MomentumState(NamedTuple):
    t: int
    velocity: object  # v


class AdaGradState(NamedTuple):
    t: int
    accumulator: object  # G, the sum of squared gradients


class RMSPropState(NamedTuple):
    t: int
    mean_square: object  # E[g²], the running mean of squared gradients


class AdamState(NamedTuple):
    t: int
    m: object  # first moment estimate
    v: object  # second raw moment estimate
    v_max: object  # AMSGrad's running maximum of v; None without amsgrad


# ---------------------------------------------------------------------------------------------
# The rules
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SGD(Optimizer):
    """Plain (stochastic) gradient descent.

    Notes
    -----
    With gradient ``g`` and learning rate ``η``::

        w ← w − η g

    The state holds only the step count.

    References
    ----------
    Robbins, H. and Monro, S. (1951). A stochastic approximation method. The Annals of
    Mathematical Statistics, 22(3), 400-407.

    Examples
    --------
    Minimize ``‖w‖²``, whose gradient is ``2w``:

    >>> import numpy as np
    >>> from mlkit.optim import SGD
    >>> opt = SGD()
    >>> w = np.array([1.0, -2.0])
    >>> state = opt.init(w)
    >>> w, state = opt.step(w, 2 * w, state, lr=0.25)
    >>> w
    array([ 0.5, -1. ])
    """

    def _update(self, xp, w, g, *, lr, t):
        return (w - lr * g,)


@dataclass(frozen=True)
class Momentum(Optimizer):
    """Gradient descent with Polyak's heavy-ball momentum.

    Parameters
    ----------
    momentum : float in [0, 1), default=0.9
        ``μ``, the fraction of the previous step carried into the next. 0 is plain gradient
        descent.

    Notes
    -----
    With the velocity ``v`` starting at 0::

        v ← μ v − η g
        w ← w + v

    This is scikit-learn's ``MLPClassifier(solver='sgd', nesterovs_momentum=False)``. On a
    quadratic whose Hessian has eigenvalues in ``[m, L]`` (``κ = L/m``), the choice
    ``μ = ((√κ − 1)/(√κ + 1))²``, ``η = 4/(√L + √m)²`` converges at the rate
    ``(√κ − 1)/(√κ + 1)`` per step; the best constant gradient step gets ``(κ − 1)/(κ + 1)``.

    References
    ----------
    Polyak, B. T. (1964). Some methods of speeding up the convergence of iteration methods.
    USSR Computational Mathematics and Mathematical Physics, 4(5), 1-17.

    Examples
    --------
    >>> import numpy as np
    >>> from mlkit.optim import Momentum
    >>> opt = Momentum(momentum=0.5)
    >>> w = np.array([1.0, -2.0])
    >>> state = opt.init(w)
    >>> for _ in range(2):
    ...     w, state = opt.step(w, 2 * w, state, lr=0.1)
    >>> w.round(12), state.velocity.round(12)
    (array([ 0.54, -1.08]), array([-0.26,  0.52]))
    """

    momentum: float = 0.9
    _State = MomentumState

    def __post_init__(self):
        self._check("momentum", _UNIT)

    def _init_slots(self, xp, w):
        return (xp.zeros_like(w),)

    def _update(self, xp, w, g, v, *, lr, t):
        v = self.momentum * v - lr * g
        return w + v, v


@dataclass(frozen=True)
class Nesterov(Optimizer):
    """Gradient descent with Nesterov's accelerated momentum, using the gradient at ``params``.

    Parameters
    ----------
    momentum : float in [0, 1), default=0.9
        ``μ``.

    Notes
    -----
    Sutskever et al. (2013) write Nesterov's method as momentum whose gradient is taken at the
    look-ahead point ``θ + μv``::

        v ← μ v − η ∇f(θ + μ v)
        θ ← θ + v

    Bengio, Boulanger-Lewandowski and Pascanu (2013) move the iterate to the look-ahead point
    itself, ``Θ = θ + μv``, so that the gradient is needed only where the parameters are. In
    these variables the velocity update reads ``v' = μ v − η ∇f(Θ)``, and the next
    look-ahead point is ``Θ' = θ' + μ v' = θ + v' + μ v' = Θ − μ v + v' + μ v'``, which is
    ``Θ + μ v' − η ∇f(Θ)`` because ``v' − μ v = −η ∇f(Θ)``. With ``g = ∇f(Θ)`` the rule
    used here is therefore::

        v ← μ v − η g
        Θ ← Θ + μ v − η g        (with the new v)

    The velocity is the same sequence in both forms, and with ``v`` starting at 0 both start
    at the same point. The parameters this optimizer returns are ``Θ``. This is also
    scikit-learn's ``MLPClassifier(solver='sgd', nesterovs_momentum=True)``. For an
    ``m``-strongly convex, ``L``-smooth objective the textbook choice is ``η = 1/L``,
    ``μ = (√κ − 1)/(√κ + 1)`` with ``κ = L/m``.

    References
    ----------
    Nesterov, Y. (1983). A method for solving the convex programming problem with convergence
    rate O(1/k²). Soviet Mathematics Doklady, 27, 372-376.

    Sutskever, I., Martens, J., Dahl, G. and Hinton, G. (2013). On the importance of
    initialization and momentum in deep learning. ICML, 1139-1147.

    Bengio, Y., Boulanger-Lewandowski, N. and Pascanu, R. (2013). Advances in optimizing
    recurrent networks. ICASSP, 8624-8628.

    Examples
    --------
    >>> import numpy as np
    >>> from mlkit.optim import Nesterov
    >>> opt = Nesterov(momentum=0.5)
    >>> w = np.array([1.0, -2.0])
    >>> w, state = opt.step(w, 2 * w, opt.init(w), lr=0.1)
    >>> w.round(12)
    array([ 0.7, -1.4])
    """

    momentum: float = 0.9
    _State = MomentumState

    def __post_init__(self):
        self._check("momentum", _UNIT)

    def _init_slots(self, xp, w):
        return (xp.zeros_like(w),)

    def _update(self, xp, w, g, v, *, lr, t):
        v = self.momentum * v - lr * g
        return w + self.momentum * v - lr * g, v


@dataclass(frozen=True)
class AdaGrad(Optimizer):
    """AdaGrad: each coordinate's step divided by the root of its summed squared gradients.

    Parameters
    ----------
    epsilon : float > 0, default=1e-10
        Added to the root, so that a coordinate that has had no gradient is not divided by 0.
    initial_accumulator : float >= 0, default=0.0
        The starting value of ``G`` in every coordinate.

    Notes
    -----
    The diagonal form of Duchi, Hazan and Singer (2011); squares and roots are elementwise::

        G ← G + g²
        w ← w − η g / (√G + ε)

    The steps shrink like ``1/√t`` by themselves, so a constant learning rate is the usual
    choice.

    References
    ----------
    Duchi, J., Hazan, E. and Singer, Y. (2011). Adaptive subgradient methods for online learning
    and stochastic optimization. Journal of Machine Learning Research, 12, 2121-2159.

    Examples
    --------
    The first step moves every coordinate by about the learning rate, whatever its gradient:

    >>> import numpy as np
    >>> from mlkit.optim import AdaGrad
    >>> opt = AdaGrad()
    >>> w = np.array([1.0, -2.0])
    >>> w, state = opt.step(w, 2 * w, opt.init(w), lr=0.5)
    >>> w.round(6)
    array([ 0.5, -1.5])
    """

    epsilon: float = 1e-10
    initial_accumulator: float = 0.0
    _State = AdaGradState

    def __post_init__(self):
        self._check("epsilon", _POSITIVE)
        self._check("initial_accumulator", _NON_NEGATIVE)

    def _init_slots(self, xp, w):
        return (xp.full_like(w, self.initial_accumulator),)

    def _update(self, xp, w, g, G, *, lr, t):
        G = G + g**2
        return w - lr * g / (xp.sqrt(G) + self.epsilon), G


@dataclass(frozen=True)
class RMSProp(Optimizer):
    """RMSProp: each coordinate's step divided by the root of a running mean of its squared
    gradients.

    Parameters
    ----------
    rho : float in [0, 1), default=0.9
        The decay of the running mean.
    epsilon : float > 0, default=1e-8
        Added to the root.

    Notes
    -----
    With ``E`` starting at 0, squares and roots elementwise::

        E ← ρ E + (1 − ρ) g²
        w ← w − η g / (√E + ε)

    Unlike AdaGrad's sum, the mean forgets old gradients, so the steps do not shrink on their
    own. The rule was given in a lecture and never published as a paper.

    References
    ----------
    Tieleman, T. and Hinton, G. (2012). Lecture 6.5 -- rmsprop: divide the gradient by a running
    average of its recent magnitude. COURSERA: Neural Networks for Machine Learning.

    Examples
    --------
    >>> import numpy as np
    >>> from mlkit.optim import RMSProp
    >>> opt = RMSProp(rho=0.75)
    >>> w = np.array([1.0, -2.0])
    >>> w, state = opt.step(w, 2 * w, opt.init(w), lr=0.1)
    >>> w.round(6), state.mean_square
    (array([ 0.8, -1.8]), array([1., 4.]))
    """

    rho: float = 0.9
    epsilon: float = 1e-8
    _State = RMSPropState

    def __post_init__(self):
        self._check("rho", _UNIT)
        self._check("epsilon", _POSITIVE)

    def _init_slots(self, xp, w):
        return (xp.zeros_like(w),)

    def _update(self, xp, w, g, E, *, lr, t):
        E = self.rho * E + (1 - self.rho) * g**2
        return w - lr * g / (xp.sqrt(E) + self.epsilon), E


@dataclass(frozen=True)
class Adam(Optimizer):
    """Adam: bias-corrected running means of the gradient and of its square; and AMSGrad.

    Parameters
    ----------
    beta1 : float in [0, 1), default=0.9
        Decay of the first moment estimate ``m``.
    beta2 : float in [0, 1), default=0.999
        Decay of the second moment estimate ``v``.
    epsilon : float > 0, default=1e-8
        Added to the root of the second moment: ``ε`` of Algorithm 1, or ``ε̂`` when
        ``epsilon_hat``.
    amsgrad : bool, default=False
        Divide by the running maximum of ``v`` instead of ``v`` (Reddi, Kale & Kumar, 2018).
    epsilon_hat : bool, default=False
        Use the reordered update at the end of Kingma and Ba's Section 2, as scikit-learn's MLP
        and TensorFlow do.

    Notes
    -----
    Algorithm 1 of Kingma and Ba (2015), with ``m`` and ``v`` starting at 0, squares and roots
    elementwise::

        t ← t + 1
        m ← β1 m + (1 − β1) g
        v ← β2 v + (1 − β2) g²
        m̂ = m / (1 − β1^t)
        v̂ = v / (1 − β2^t)
        w ← w − η m̂ / (√v̂ + ε)

    With ``amsgrad``, ``v_max ← max(v_max, v)`` takes the place of ``v`` in ``v̂``, bias
    correction included, as PyTorch does it. (Reddi et al. write it without bias correction,
    where the maximum makes the per-coordinate step size ``η/√v_max`` non-increasing for a
    non-increasing ``η``; that is what makes it converge on their counterexample to Adam.)

    With ``epsilon_hat``, the order of computation given at the end of Kingma and Ba's
    Section 2 replaces the last three lines by::

        α = η √(1 − β2^t) / (1 − β1^t)
        w ← w − α m / (√v + ε̂)

    This is Algorithm 1 with ``ε = ε̂ / √(1 − β2^t)``: an epsilon that starts large (about
    ``31.6 ε̂`` at ``t = 1`` for ``β2 = 0.999``) and falls to ``ε̂``. The two forms agree when
    epsilon is negligible next to ``√v̂``.

    References
    ----------
    Kingma, D. P. and Ba, J. (2015). Adam: a method for stochastic optimization. ICLR.
    arXiv:1412.6980.

    Reddi, S. J., Kale, S. and Kumar, S. (2018). On the convergence of Adam and beyond. ICLR.

    Examples
    --------
    The first step moves every coordinate by the learning rate, against its gradient:

    >>> import numpy as np
    >>> from mlkit.optim import Adam
    >>> opt = Adam()
    >>> w = np.array([1.0, -2.0])
    >>> w, state = opt.step(w, 2 * w, opt.init(w), lr=0.1)
    >>> w.round(6), state.t
    (array([ 0.9, -1.9]), 1)
    """

    beta1: float = 0.9
    beta2: float = 0.999
    epsilon: float = 1e-8
    amsgrad: bool = False
    epsilon_hat: bool = False
    _State = AdamState

    def __post_init__(self):
        self._check("beta1", _UNIT)
        self._check("beta2", _UNIT)
        self._check("epsilon", _POSITIVE)
        self._check("amsgrad", "boolean")
        self._check("epsilon_hat", "boolean")

    def _init_slots(self, xp, w):
        return xp.zeros_like(w), xp.zeros_like(w), xp.zeros_like(w) if self.amsgrad else None

    def _update(self, xp, w, g, m, v, v_max, *, lr, t):
        b1, b2, eps = self.beta1, self.beta2, self.epsilon
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g**2
        if self.amsgrad:
            v_max = xp.maximum(v_max, v)
        second = v_max if self.amsgrad else v
        if self.epsilon_hat:
            alpha = lr * math.sqrt(1 - b2**t) / (1 - b1**t)
            return w - alpha * m / (xp.sqrt(second) + eps), m, v, v_max
        m_hat, v_hat = m / (1 - b1**t), second / (1 - b2**t)
        return w - lr * m_hat / (xp.sqrt(v_hat) + eps), m, v, v_max


# ---------------------------------------------------------------------------------------------
# By name
# ---------------------------------------------------------------------------------------------

OPTIMIZERS: dict[str, Callable[[], Optimizer]] = {
    "sgd": SGD,
    "momentum": Momentum,
    "nesterov": Nesterov,
    "adagrad": AdaGrad,
    "rmsprop": RMSProp,
    "adam": Adam,
    "amsgrad": functools.partial(Adam, amsgrad=True),
}
"""Optimizer names an estimator accepts, each with a factory of its default instance."""


def get_optimizer(spec: str | Optimizer, *, owner: str, param: str = "optimizer") -> Optimizer:
    """The optimizer an estimator's ``optimizer`` parameter names.

    Parameters
    ----------
    spec : str or Optimizer
        A name from ``OPTIMIZERS`` (a new instance with default hyperparameters; 'amsgrad' is
        ``Adam(amsgrad=True)``), or an ``Optimizer`` instance, returned as it is.
    owner : str
        The estimator's class name, for the error message.
    param : str, default='optimizer'
        The parameter's name, for the error message.

    Returns
    -------
    Optimizer

    Raises
    ------
    InvalidParameterError
        For anything else, in scikit-learn's words.

    Examples
    --------
    >>> from mlkit.optim import get_optimizer
    >>> get_optimizer("amsgrad", owner="LogisticRegression")
    Adam(beta1=0.9, beta2=0.999, epsilon=1e-08, amsgrad=True, epsilon_hat=False)
    """
    if isinstance(spec, Optimizer):
        return spec
    names = StrOptions(OPTIMIZERS)
    if names.accepts(spec):
        return OPTIMIZERS[spec]()
    raise InvalidParameterError(constraint_message(param, owner, [names, Optimizer], spec))
