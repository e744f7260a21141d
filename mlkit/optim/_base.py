"""The contract every optimizer follows: ``init(params)`` makes a state, ``step`` an update.

``params`` is one array or a list or tuple of arrays; the state's per-array fields hold one
array or a tuple of arrays in the same order, so an optimizer's rule is written for one array
(``Optimizer._update``) and this module applies it to each.
"""

from __future__ import annotations

from typing import Any, ClassVar, NamedTuple

from .._array import namespace_and_device
from .._typing import Array
from .._validation import validate_param

__all__ = ["Optimizer", "SGDState"]


class SGDState(NamedTuple):
    t: int  # updates made so far


#: What an optimizer updates: one array, or a list or tuple of arrays (any namespace).
Params = Array | list[Array] | tuple[Array, ...]


# ---------------------------------------------------------------------------------------------
# Structure: one array, or a list or tuple of arrays
# ---------------------------------------------------------------------------------------------


def _split(arrays):
    """``arrays`` as a list, and its kind: None for one array, else list or tuple."""
    if isinstance(arrays, list | tuple):
        if not arrays:
            raise ValueError("params must be an array or a non-empty list or tuple of arrays.")
        return list(arrays), type(arrays)
    return [arrays], None


def _join(arrays, kind):
    """The inverse of ``_split``."""
    return arrays[0] if kind is None else kind(arrays)


def _pack(slots, kind):
    """One state field from the per-array ``slots``: an array, a tuple, or None."""
    if all(s is None for s in slots):
        return None
    return slots[0] if kind is None else tuple(slots)


def _unpack(field, kind, n):
    """The per-array slots of one state field."""
    if field is None:
        return [None] * n
    if (kind is None) == isinstance(field, tuple) or (kind is not None and len(field) != n):
        raise ValueError(
            "state was made by init for another structure of params (one array, or a list or "
            "tuple of as many arrays as params)."
        )
    return [field] if kind is None else list(field)


class Optimizer:
    """Base class of the update rules: ``init`` makes a state, ``step`` makes an update.

    A subclass is a frozen dataclass of hyperparameters that defines ``_State`` (a NamedTuple
    whose first field is the step count ``t``), ``_init_slots(xp, w)`` (the state of one
    parameter array, a tuple) and ``_update(xp, w, g, *slots, lr, t)`` (the rule for one
    array, returning the new array and its new slots). It may instead override ``init`` and
    ``step`` themselves: those two methods are the whole contract.
    """

    _State: ClassVar[type[Any]] = SGDState  # a NamedTuple class; each subclass sets its own

    def _check(self, name, *allowed):
        validate_param(type(self).__name__, name, getattr(self, name), allowed)

    def _init_slots(self, xp, w):
        return ()

    def _update(self, xp, w, g, *slots, lr, t):
        raise NotImplementedError(f"{type(self).__name__} defines no update rule.")

    def init(self, params: Params) -> tuple[Any, ...]:
        """The state before the first step.

        Parameters
        ----------
        params : array or list/tuple of arrays
            The parameters to optimize, in any array-API namespace.

        Returns
        -------
        state : NamedTuple
            ``t = 0`` and, per parameter array, the rule's arrays (zeros, mostly) with that
            array's shape, dtype, namespace and device.
        """
        ws, kind = _split(params)
        xp, _ = namespace_and_device(*ws)
        slots = [self._init_slots(xp, w) for w in ws]
        n_fields = len(self._State._fields) - 1
        return self._State(0, *(_pack([s[i] for s in slots], kind) for i in range(n_fields)))

    def step(self, params: Params, grads: Params, state: tuple[Any, ...],
             lr: float) -> tuple[Params, tuple[Any, ...]]:
        """One update, without modifying ``params``, ``grads`` or ``state``.

        Parameters
        ----------
        params : array or list/tuple of arrays
            The current parameters.
        grads : array or list/tuple of arrays
            The gradient of the objective at ``params``, in the same structure.
        state : NamedTuple
            From ``init`` or the previous ``step``.
        lr : float
            The learning rate of this step (a schedule's value at ``state.t``).

        Returns
        -------
        new_params : same structure as ``params``
        new_state : NamedTuple
        """
        ws, kind = _split(params)
        gs, _ = _split(grads)
        if len(gs) != len(ws) or any(g.shape != w.shape for w, g in zip(ws, gs, strict=False)):
            raise ValueError(
                "grads must have the structure and shapes of params: got shapes "
                f"{[tuple(g.shape) for g in gs]} for {[tuple(w.shape) for w in ws]}."
            )
        if not isinstance(state, self._State):
            raise TypeError(
                f"{type(self).__name__}.step needs the state made by {type(self).__name__}"
                f".init ({self._State.__name__}); got {type(state).__name__}."
            )
        xp, _ = namespace_and_device(*ws, *gs)
        t = state.t + 1
        fields = [_unpack(f, kind, len(ws)) for f in state[1:]]
        # one (new w, *new slots) per array, then transposed to one column per field
        new = [self._update(xp, *args, lr=lr, t=t) for args in zip(ws, gs, *fields, strict=True)]
        columns = list(zip(*new, strict=True))
        return (
            _join(list(columns[0]), kind),
            self._State(t, *(_pack(list(c), kind) for c in columns[1:])),
        )
