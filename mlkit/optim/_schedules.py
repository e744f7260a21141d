"""Learning-rate schedules: ``schedule(step)`` is the learning rate of update number ``step``.

``step`` counts the updates already made (0 for the first). A schedule takes a Python int (and
returns a float) or a NumPy integer array (and returns a float array of its shape). Schedules
are host-side arithmetic on step counts; the optimizers receive their value as a float.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .._validation import (
    Interval,
    InvalidParameterError,
    StrOptions,
    constraint_message,
    validate_param,
)

__all__ = [
    "SCHEDULES",
    "Constant",
    "CosineAnnealing",
    "ExponentialDecay",
    "InverseTimeDecay",
    "LinearWarmup",
    "PiecewiseConstant",
    "PolynomialDecay",
    "get_schedule",
]

_POSITIVE = Interval(numbers.Real, 0, None, closed="neither")
_NON_NEGATIVE = Interval(numbers.Real, 0, None, closed="left")
_COUNT = Interval(numbers.Integral, 1, None, closed="left")

#: A learning-rate schedule: the rate of the next update from the number of updates made.
Schedule = Callable[[int], float]


def _steps(step):
    """``step`` as an int64 array, and whether it was a scalar."""
    t = np.asarray(step)
    if t.dtype.kind not in "iu":
        raise TypeError(f"step must be an int or an array of ints; got {step!r}.")
    if np.any(t < 0):
        raise ValueError(f"step counts updates already made and must be >= 0; got {step!r}.")
    return t.astype(np.int64), t.ndim == 0


class _Schedule:
    """Validation of the step and the float-or-array answer; subclasses define ``_rate(t)``
    for an int64 array ``t``."""

    def _check(self, name, *allowed):
        validate_param(type(self).__name__, name, getattr(self, name), allowed)

    def _rate(self, t):
        raise NotImplementedError(f"{type(self).__name__} defines no rate.")

    def __call__(self, step: int | npt.ArrayLike) -> float | np.ndarray:
        t, scalar = _steps(step)
        rate = np.asarray(self._rate(t), dtype=np.float64)
        return float(rate) if scalar else np.broadcast_to(rate, t.shape).copy()


@dataclass(frozen=True)
class Constant(_Schedule):
    """The same learning rate at every step: ``η_t = η₀``.

    Parameters
    ----------
    initial : float > 0
        ``η₀``.

    Examples
    --------
    >>> import numpy as np
    >>> from mlkit.optim import Constant
    >>> Constant(0.1)(7), Constant(0.1)(np.arange(3))
    (0.1, array([0.1, 0.1, 0.1]))
    """

    initial: float

    def __post_init__(self):
        self._check("initial", _POSITIVE)

    def _rate(self, t):
        return np.full(t.shape, float(self.initial))


@dataclass(frozen=True)
class PiecewiseConstant(_Schedule):
    """Step decay: ``values[i]`` from step ``boundaries[i-1]`` up to step ``boundaries[i]``.

    Parameters
    ----------
    boundaries : sequence of int
        The steps at which the rate changes: strictly increasing, each >= 1.
    values : sequence of float > 0
        One more value than boundaries: ``values[0]`` before ``boundaries[0]``, ...,
        ``values[-1]`` from ``boundaries[-1]`` on.

    Examples
    --------
    >>> from mlkit.optim import PiecewiseConstant
    >>> s = PiecewiseConstant(boundaries=(10, 20), values=(1.0, 0.1, 0.01))
    >>> s(9), s(10), s(19), s(20), s(1000)
    (1.0, 0.1, 0.1, 0.01, 0.01)
    """

    boundaries: tuple
    values: tuple

    def __post_init__(self):
        owner = type(self).__name__
        b, v = tuple(self.boundaries), tuple(self.values)
        if not all(isinstance(x, numbers.Integral) and not isinstance(x, bool) for x in b):
            raise InvalidParameterError(
                f"The 'boundaries' parameter of {owner} must be a sequence of ints. Got "
                f"{self.boundaries!r} instead."
            )
        if any(x < 1 for x in b) or any(lo >= hi for lo, hi in zip(b, b[1:], strict=False)):
            raise InvalidParameterError(
                f"The 'boundaries' parameter of {owner} must be strictly increasing steps "
                f">= 1. Got {self.boundaries!r} instead."
            )
        if len(v) != len(b) + 1:
            raise InvalidParameterError(
                f"The 'values' parameter of {owner} must have one more entry than "
                f"'boundaries' ({len(b) + 1}). Got {len(v)} values instead."
            )
        for x in v:
            validate_param(owner, "values", x, [_POSITIVE])
        object.__setattr__(self, "boundaries", tuple(int(x) for x in b))
        object.__setattr__(self, "values", tuple(float(x) for x in v))

    def _rate(self, t):
        # the number of boundaries at or before t is the index of the current value
        return np.asarray(self.values)[np.searchsorted(self.boundaries, t, side="right")]


@dataclass(frozen=True)
class ExponentialDecay(_Schedule):
    """``η_t = η₀ · r^(t/s)``, or ``η₀ · r^⌊t/s⌋`` with ``staircase``.

    Parameters
    ----------
    initial : float > 0
        ``η₀``.
    decay_rate : float in (0, 1]
        ``r``, the factor applied every ``decay_steps`` steps.
    decay_steps : int >= 1, default=1
        ``s``.
    staircase : bool, default=False
        Decay in whole steps of ``r`` every ``s`` steps instead of continuously.

    Examples
    --------
    >>> from mlkit.optim import ExponentialDecay
    >>> s = ExponentialDecay(1.0, decay_rate=0.5, decay_steps=10)
    >>> s(0), round(s(5), 6), s(10), s(20)
    (1.0, 0.707107, 0.5, 0.25)
    >>> ExponentialDecay(1.0, 0.5, 10, staircase=True)(15)
    0.5
    """

    initial: float
    decay_rate: float
    decay_steps: int = 1
    staircase: bool = False

    def __post_init__(self):
        self._check("initial", _POSITIVE)
        self._check("decay_rate", Interval(numbers.Real, 0, 1, closed="right"))
        self._check("decay_steps", _COUNT)
        self._check("staircase", "boolean")

    def _rate(self, t):
        exponent = t // self.decay_steps if self.staircase else t / self.decay_steps
        return self.initial * float(self.decay_rate) ** exponent


@dataclass(frozen=True)
class InverseTimeDecay(_Schedule):
    """``η_t = η₀ / (1 + r t / s)``: the ``1/t`` decay of Robbins and Monro.

    Parameters
    ----------
    initial : float > 0
        ``η₀``.
    decay_rate : float >= 0, default=1.0
        ``r``.
    decay_steps : int >= 1, default=1
        ``s``: with ``s`` the number of steps in an epoch, the rate after ``k`` epochs is
        ``η₀ / (1 + r k)``.

    Notes
    -----
    Step sizes with ``Σ η_t = ∞`` and ``Σ η_t² < ∞``, such as ``c/t``, are the conditions
    under which Robbins and Monro's stochastic approximation converges.

    References
    ----------
    Robbins, H. and Monro, S. (1951). A stochastic approximation method. The Annals of
    Mathematical Statistics, 22(3), 400-407.

    Examples
    --------
    >>> from mlkit.optim import InverseTimeDecay
    >>> s = InverseTimeDecay(1.0, decay_rate=1.0, decay_steps=10)
    >>> s(0), s(10), s(30)
    (1.0, 0.5, 0.25)
    """

    initial: float
    decay_rate: float = 1.0
    decay_steps: int = 1

    def __post_init__(self):
        self._check("initial", _POSITIVE)
        self._check("decay_rate", _NON_NEGATIVE)
        self._check("decay_steps", _COUNT)

    def _rate(self, t):
        return self.initial / (1 + self.decay_rate * t / self.decay_steps)


@dataclass(frozen=True)
class PolynomialDecay(_Schedule):
    """``η_t = (η₀ − η_end)(1 − min(t, T)/T)^p + η_end``: from ``η₀`` to ``η_end`` in ``T``
    steps, then constant.

    Parameters
    ----------
    initial : float > 0
        ``η₀``.
    total_steps : int >= 1
        ``T``.
    end : float >= 0, default=0.0
        ``η_end``. With the default 0 the rate reaches 0 at step ``T``; the ``T`` updates
        numbered 0 to ``T − 1`` all have a positive rate.
    power : float > 0, default=1.0
        ``p``; 1 is a linear decay.

    Examples
    --------
    >>> from mlkit.optim import PolynomialDecay
    >>> s = PolynomialDecay(1.0, total_steps=4)
    >>> [s(t) for t in range(6)]
    [1.0, 0.75, 0.5, 0.25, 0.0, 0.0]
    """

    initial: float
    total_steps: int
    end: float = 0.0
    power: float = 1.0

    def __post_init__(self):
        self._check("initial", _POSITIVE)
        self._check("total_steps", _COUNT)
        self._check("end", _NON_NEGATIVE)
        self._check("power", _POSITIVE)

    def _rate(self, t):
        T = self.total_steps
        return (self.initial - self.end) * (1 - np.minimum(t, T) / T) ** self.power + self.end


@dataclass(frozen=True)
class CosineAnnealing(_Schedule):
    """Cosine annealing from ``η₀`` to ``η_min``, with or without warm restarts (SGDR).

    Parameters
    ----------
    initial : float > 0
        ``η₀``, the rate at the start of every period.
    period : int >= 1
        ``T_0``, the length of the (first) period in steps.
    minimum : float >= 0, default=0.0
        ``η_min``.
    restarts : bool, default=False
        Start over at ``η₀`` after each period. Without restarts the rate stays at
        ``η_min`` after the period.
    t_mult : int >= 1, default=1
        With restarts, each period is ``t_mult`` times longer than the one before: period
        ``i`` (from 0) lasts ``T_0 · t_mult^i`` steps.

    Notes
    -----
    Equation (5) of Loshchilov and Hutter (2017)::

        η_t = η_min + ½ (η₀ − η_min) (1 + cos(π T_cur / T_i))

    where ``T_i`` is the length of the current period and ``T_cur`` the number of steps since
    it began. Without restarts ``T_cur = min(t, T_0)`` and ``T_i = T_0``. With restarts, period
    ``i`` begins at step ``T_0 (1 + t_mult + ... + t_mult^(i−1))``.

    References
    ----------
    Loshchilov, I. and Hutter, F. (2017). SGDR: stochastic gradient descent with warm restarts.
    ICLR. arXiv:1608.03983.

    Examples
    --------
    >>> from mlkit.optim import CosineAnnealing
    >>> s = CosineAnnealing(1.0, period=4)
    >>> [round(s(t), 6) for t in range(6)]
    [1.0, 0.853553, 0.5, 0.146447, 0.0, 0.0]
    >>> s = CosineAnnealing(1.0, period=2, restarts=True, t_mult=2)  # restarts at 2, 6, 14
    >>> [round(s(t), 6) for t in range(7)]
    [1.0, 0.5, 1.0, 0.853553, 0.5, 0.146447, 1.0]
    """

    initial: float
    period: int
    minimum: float = 0.0
    restarts: bool = False
    t_mult: int = 1

    def __post_init__(self):
        self._check("initial", _POSITIVE)
        self._check("period", _COUNT)
        self._check("minimum", Interval(numbers.Real, 0, self.initial, closed="both"))
        self._check("restarts", "boolean")
        self._check("t_mult", _COUNT)

    def _period(self, t):
        """``T_cur`` and ``T_i`` at each step ``t``."""
        T0, k = self.period, self.t_mult
        if not self.restarts:
            return np.minimum(t, T0), np.full(t.shape, T0)
        if k == 1:
            return t % T0, np.full(t.shape, T0)
        # the first steps of the periods that begin at or before the last step asked for
        starts, length = [0], T0
        while starts[-1] <= int(np.max(t, initial=0)):
            starts.append(starts[-1] + length)
            length *= k
        i = np.searchsorted(starts, t, side="right") - 1
        return t - np.asarray(starts)[i], T0 * np.asarray(k, dtype=np.int64) ** i

    def _rate(self, t):
        T_cur, T_i = self._period(t)
        lo, hi = self.minimum, self.initial
        return lo + 0.5 * (hi - lo) * (1 + np.cos(np.pi * T_cur / T_i))


@dataclass(frozen=True)
class LinearWarmup(_Schedule):
    """A linear ramp from ``start`` to ``schedule(0)`` over ``warmup_steps`` steps, then
    ``schedule`` (counted from the end of the warm-up).

    Parameters
    ----------
    schedule : callable
        The schedule after the warm-up; a schedule of this module, or any callable that
        takes a step count (an int, or a NumPy int array when this warm-up is called with
        one) and returns a positive float.
    warmup_steps : int >= 0
        ``W``.
    start : float >= 0, default=0.0
        The rate of the first update. With the default 0 the first update makes no move.

    Notes
    -----
    ``η_t = start + (schedule(0) − start) · t / W`` for ``t < W``, and
    ``η_t = schedule(t − W)`` for ``t >= W``. Goyal et al. (2017) ramp up linearly over the
    first five epochs when training with large minibatches, whose linearly scaled learning
    rate is too large at the start.

    References
    ----------
    Goyal, P., Dollár, P., Girshick, R., Noordhuis, P., Wesolowski, L., Kyrola, A., Tulloch,
    A., Jia, Y. and He, K. (2017). Accurate, large minibatch SGD: training ImageNet in 1 hour.
    arXiv:1706.02677.

    Examples
    --------
    >>> from mlkit.optim import Constant, LinearWarmup
    >>> s = LinearWarmup(Constant(1.0), warmup_steps=4)
    >>> [s(t) for t in range(6)]
    [0.0, 0.25, 0.5, 0.75, 1.0, 1.0]
    """

    schedule: Schedule
    warmup_steps: int
    start: float = 0.0

    def __post_init__(self):
        self._check("schedule", callable)
        self._check("warmup_steps", Interval(numbers.Integral, 0, None, closed="left"))
        self._check("start", _NON_NEGATIVE)

    def __call__(self, step: int | npt.ArrayLike) -> float | np.ndarray:
        t, scalar = _steps(step)
        W, start = self.warmup_steps, float(self.start)
        peak = float(self.schedule(0))
        if scalar:  # the inner schedule sees a Python int, as a plain callable expects
            t = int(t)
            return start + (peak - start) * t / W if t < W else float(self.schedule(t - W))
        ramp = start + (peak - start) * t / max(W, 1)
        after = np.asarray(self.schedule(np.maximum(t - W, 0)), dtype=np.float64)
        return np.where(t < W, ramp, after)


# ---------------------------------------------------------------------------------------------
# By name
# ---------------------------------------------------------------------------------------------


def _piecewise(initial, T, steps_per_epoch):
    first = max(1, T // 2)
    second = max(first + 1, 3 * T // 4)
    return PiecewiseConstant((first, second), (initial, initial / 10, initial / 100))


SCHEDULES = {
    "constant": lambda initial, T, steps_per_epoch: Constant(initial),
    "piecewise": _piecewise,
    "exponential": lambda initial, T, steps_per_epoch: ExponentialDecay(initial, 0.01, T),
    "inverse_time": lambda initial, T, steps_per_epoch: InverseTimeDecay(
        initial, 1.0, steps_per_epoch
    ),
    "polynomial": lambda initial, T, steps_per_epoch: PolynomialDecay(initial, T),
    "cosine": lambda initial, T, steps_per_epoch: CosineAnnealing(initial, period=T),
    "cosine_restarts": lambda initial, T, steps_per_epoch: CosineAnnealing(
        initial, period=max(1, T // 7), restarts=True, t_mult=2
    ),
}
"""Schedule names an estimator accepts, each with its builder
``(initial, total_steps, steps_per_epoch) -> schedule`` (see ``get_schedule``)."""


def get_schedule(spec: str | Schedule, initial: float, *, total_steps: int,
                 steps_per_epoch: int, owner: str, param: str = "learning_rate") -> Schedule:
    """The schedule an estimator's ``learning_rate`` parameter names.

    With ``η₀ = initial`` and ``T = total_steps`` (the number of updates the fit will make),
    the names mean:

    ================== ===============================================================
    'constant'         ``Constant(η₀)``
    'piecewise'        ``PiecewiseConstant((T//2, 3T//4), (η₀, η₀/10, η₀/100))``; the
                       boundaries raised to at least 1, strictly increasing, for small ``T``
    'exponential'      ``ExponentialDecay(η₀, decay_rate=0.01, decay_steps=T)``: falls to
                       1% of ``η₀`` at step ``T``
    'inverse_time'     ``InverseTimeDecay(η₀, decay_rate=1.0, decay_steps=steps_per_epoch)``:
                       ``η₀ / (1 + t / steps_per_epoch)``, one over one plus the epochs done
    'polynomial'       ``PolynomialDecay(η₀, T)``: linear from ``η₀`` to 0 at step ``T``
    'cosine'           ``CosineAnnealing(η₀, period=T)``
    'cosine_restarts'  ``CosineAnnealing(η₀, period=T₀, restarts=True, t_mult=2)``,
                       ``T₀ = max(1, T // 7)``: periods of ``T₀``, ``2T₀``, ``4T₀`` steps
                       fill the ``T`` steps; the ``T − 7T₀`` (< 7) left begin a fourth
    ================== ===============================================================

    Parameters
    ----------
    spec : str or callable
        One of the names above, or a schedule: this module's or any callable that takes the
        number of updates made so far (an int) and returns a positive float, returned as it
        is (``initial`` unused).
    initial : float > 0
        ``η₀``, the estimator's initial learning rate.
    total_steps, steps_per_epoch : int >= 1
        ``T``, and the updates per pass over the data.
    owner, param : str
        The estimator's class name and the parameter's name (default 'learning_rate'), for
        error messages.

    Returns
    -------
    schedule : callable ``schedule(step) -> float``

    Raises
    ------
    InvalidParameterError
        ``spec`` neither a name nor a callable (in scikit-learn's words); ``initial`` not > 0.

    Examples
    --------
    >>> from mlkit.optim import get_schedule
    >>> s = get_schedule("exponential", 0.5, total_steps=100, steps_per_epoch=10,
    ...                  owner="SGDRegressor")
    >>> s
    ExponentialDecay(initial=0.5, decay_rate=0.01, decay_steps=100, staircase=False)
    >>> round(s(100), 12)
    0.005
    """
    if callable(spec):
        return spec
    _check_arguments(spec, initial, total_steps, steps_per_epoch, owner, param)
    return SCHEDULES[spec](initial, total_steps, steps_per_epoch)


def _check_arguments(spec, initial, total_steps, steps_per_epoch, owner, param):
    """``spec`` one of ``SCHEDULES``, ``initial`` positive and the step counts at least 1, or
    scikit-learn's error."""
    names = StrOptions(SCHEDULES)
    if not names.accepts(spec):
        raise InvalidParameterError(constraint_message(param, owner, [names, callable], spec))
    if not _POSITIVE.accepts(initial):
        raise InvalidParameterError(
            f"The initial learning rate of {owner} (for {param}={spec!r}) must be {_POSITIVE}."
            f" Got {initial!r} instead."
        )
    validate_param("get_schedule", "total_steps", total_steps, [_COUNT])
    validate_param("get_schedule", "steps_per_epoch", steps_per_epoch, [_COUNT])
