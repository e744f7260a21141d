"""Optimizers as pure update rules, and learning-rate schedules.

An optimizer is a frozen dataclass of hyperparameters with two methods: ``init(params)`` makes
its state (a NamedTuple of step count and per-parameter arrays, in the parameters' namespace
and on their device) and ``step(params, grads, state, lr)`` returns the new parameters and the
new state, modifying nothing. ``params`` is one array or a list or tuple of arrays. A schedule
maps the number of updates made so far to the learning rate of the next one. Together::

    opt, schedule = Adam(), CosineAnnealing(0.1, period=n_steps)
    state = opt.init(w)
    for t in range(n_steps):
        w, state = opt.step(w, gradient(w), state, schedule(t))

Estimators take their ``optimizer`` and ``learning_rate`` parameters by name through
``get_optimizer`` and ``get_schedule``, which also accept instances.
"""

from ._optimizers import (
    OPTIMIZERS,
    SGD,
    AdaGrad,
    Adam,
    Momentum,
    Nesterov,
    Optimizer,
    RMSProp,
    get_optimizer,
)
from ._schedules import (
    SCHEDULES,
    Constant,
    CosineAnnealing,
    ExponentialDecay,
    InverseTimeDecay,
    LinearWarmup,
    PiecewiseConstant,
    PolynomialDecay,
    get_schedule,
)

__all__ = [
    "OPTIMIZERS",
    "SCHEDULES",
    "SGD",
    "AdaGrad",
    "Adam",
    "Constant",
    "CosineAnnealing",
    "ExponentialDecay",
    "InverseTimeDecay",
    "LinearWarmup",
    "Momentum",
    "Nesterov",
    "Optimizer",
    "PiecewiseConstant",
    "PolynomialDecay",
    "RMSProp",
    "get_optimizer",
    "get_schedule",
]
