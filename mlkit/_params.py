"""Parameter checks shared by every estimator (the first half of ``_validation``).

An estimator lists its constraints in a class attribute ``_parameter_constraints`` (a dict
from parameter name to a list of allowed forms) and calls ``validate_params(self)`` first
thing in ``fit``. Errors read like scikit-learn's. A value scikit-learn's twin takes but mlkit
refuses is listed in ``_not_offered`` (``NotOffered``), with one wording for every refusal
(``not_offered_message``). Import these names from ``_validation``, which re-exports them.
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = [
    "Interval",
    "InvalidParameterError",
    "NotOffered",
    "Options",
    "StrOptions",
    "check_labels_param",
    "check_pos_label",
    "check_zero_division",
    "constraint_message",
    "not_offered_message",
    "validate_param",
    "validate_params",
]


class InvalidParameterError(ValueError, TypeError):
    """A constructor parameter has a value or type the estimator does not accept.

    It is both a ``ValueError`` and a ``TypeError``, as scikit-learn's, so either ``except``
    clause catches it.
    """


class Interval:
    """Numbers of ``kind`` (``numbers.Integral`` or ``numbers.Real``) between two bounds.

    ``closed`` is 'left', 'right', 'both' or 'neither'; a bound of ``None`` is infinite.
    """

    def __init__(self, kind, left, right, *, closed):
        self.kind, self.left, self.right, self.closed = kind, left, right, closed

    def accepts(self, value):
        if isinstance(value, bool | np.bool_) or not isinstance(value, self.kind):
            return False
        if self.left is not None:
            lo_ok = value >= self.left if self.closed in ("left", "both") else value > self.left
            if not lo_ok:
                return False
        if self.right is not None:
            hi_ok = value <= self.right if self.closed in ("right", "both") else value < self.right
            if not hi_ok:
                return False
        return True

    def __str__(self):
        kind = "an int" if self.kind is numbers.Integral else "a float"
        lo = "-inf" if self.left is None else repr(self.left)
        hi = "inf" if self.right is None else repr(self.right)
        left = "[" if self.closed in ("left", "both") and self.left is not None else "("
        right = "]" if self.closed in ("right", "both") and self.right is not None else ")"
        return f"{kind} in the range {left}{lo}, {hi}{right}"


class Options:
    """One of a fixed set of values of a given type."""

    def __init__(self, kind, options):
        self.kind, self.options = kind, set(options)

    def accepts(self, value):
        return isinstance(value, self.kind) and value in self.options

    def __str__(self):
        return f"a {self.kind.__name__} among {sorted(self.options, key=str)}"


class StrOptions(Options):
    """One of a fixed set of strings."""

    def __init__(self, options):
        super().__init__(str, options)

    def __str__(self):
        return "a str among {" + ", ".join(repr(o) for o in sorted(self.options)) + "}"


def _accepts(constraint, value):
    if constraint is None:
        return value is None
    if isinstance(constraint, Interval | Options):
        return constraint.accepts(value)
    if constraint == "boolean":
        return isinstance(value, bool | np.bool_)
    if constraint == "random_state":
        return value is None or isinstance(value, numbers.Integral | np.random.RandomState)
    if constraint == "array-like":
        return hasattr(value, "__len__") or hasattr(value, "shape")
    if constraint is callable:
        return callable(value)
    if isinstance(constraint, type):
        return isinstance(value, constraint) and not (
            constraint is not bool and isinstance(value, bool)
        )
    raise TypeError(f"unknown parameter constraint {constraint!r}")  # a bug in mlkit itself


def _describe(constraint):
    if constraint is None:
        return "None"
    if constraint == "boolean":
        return "an instance of 'bool'"
    if constraint == "random_state":
        return "an int, a numpy.random.RandomState instance or None"
    if constraint == "array-like":
        return "an array-like"
    if constraint is callable:
        return "a callable"
    if isinstance(constraint, type):
        return f"an instance of '{constraint.__name__}'"
    return str(constraint)


def constraint_message(name, owner, constraints, value):
    """The scikit-learn style message for a parameter that meets none of ``constraints``."""
    parts = [_describe(c) for c in constraints]
    # None last, as scikit-learn writes it
    parts.sort(key=lambda p: p == "None")
    allowed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " or " + parts[-1]
    return f"The {name!r} parameter of {owner} must be {allowed}. Got {value!r} instead."


def validate_param(owner, name, value, allowed):
    """Check one argument of a function (``owner``) against its allowed forms, with the
    message ``validate_params`` gives for estimators."""
    if not any(_accepts(c, value) for c in allowed):
        raise InvalidParameterError(constraint_message(name, owner, allowed, value))


class NotOffered:
    """Values of a parameter that scikit-learn's twin takes and mlkit refuses, with the reason
    and what to use instead.

    An estimator lists them in ``_not_offered`` (parameter name to a list of ``NotOffered``);
    ``validate_params`` checks them before the constraints, so the user reads why the value is
    refused rather than the list of values that are accepted.

    Parameters
    ----------
    values : tuple or callable
        The refused values, or a predicate of the value.
    what : str
        What the value asks for, in a few words ("Platt-scaled probabilities").
    why : str
        Why mlkit does not offer it (one clause).
    instead : str
        What to use instead, starting with a verb ("wrap the model in ...").
    """

    def __init__(self, values, *, what, why, instead):
        self.values, self.what, self.why, self.instead = values, what, why, instead

    def matches(self, value):
        if callable(self.values):
            return bool(self.values(value))
        if isinstance(value, np.bool_):
            value = bool(value)
        return any(type(value) is type(v) and value == v for v in self.values)

    def message(self, owner, name, value):
        return not_offered_message(owner, f"{name}={value!r} ({self.what})", self.why,
                                   self.instead)


def not_offered_message(owner, what, why, instead):
    """The one wording of every refusal: what is not offered, why, and what to use instead."""
    return f"{owner}: {what} is not offered: {why}. Instead, {instead}."


def validate_params(estimator):
    """Check every parameter of ``estimator`` against its class's ``_not_offered`` values and
    its ``_parameter_constraints``."""
    constraints = getattr(type(estimator), "_parameter_constraints", {})
    params = estimator.get_params(deep=False)
    owner = type(estimator).__name__
    for name, refused in getattr(type(estimator), "_not_offered", {}).items():
        for entry in refused:
            if entry.matches(params[name]):
                raise InvalidParameterError(entry.message(owner, name, params[name]))
    for name, allowed in constraints.items():
        value = params[name]
        if not any(_accepts(c, value) for c in allowed):
            owner = type(estimator).__name__
            raise InvalidParameterError(constraint_message(name, owner, allowed, value))


# ---------------------------------------------------------------------------------------------
# The metrics' parameters
# ---------------------------------------------------------------------------------------------


def check_labels_param(labels):
    """A metric's ``labels`` (a host array) as a NumPy array, after scikit-learn's check that
    it is not empty."""
    labels = np.asarray(labels)
    if labels.size == 0:
        raise ValueError("'labels' should contains at least one label.")
    return labels


def check_zero_division(zero_division):
    """scikit-learn's check of ``zero_division``: 'warn', 0, 1 or NaN."""
    if isinstance(zero_division, str) and zero_division == "warn":
        return
    if isinstance(zero_division, numbers.Real) and not isinstance(zero_division, bool) and (
        zero_division in (0, 1) or np.isnan(zero_division)
    ):
        return
    raise ValueError(
        "The 'zero_division' parameter must be a float among {0.0, 1.0, nan} or a str among "
        f"{{'warn'}}. Got {zero_division!r} instead."
    )


def check_pos_label(classes, pos_label):
    """The positive label of a binary curve, checked as scikit-learn does: ``classes`` are the
    sorted labels of y_true (on the host); without ``pos_label`` they must be {0, 1} or
    {-1, 1} (then 1 is positive)."""
    if classes.shape[0] > 2:
        if pos_label is None:
            raise ValueError("multiclass format is not supported: a curve is of one binary "
                             "problem; pass pos_label (the other classes are the negatives), "
                             "or one curve per class with sklearn.preprocessing."
                             "label_binarize(y_true, classes=...)")
        return pos_label
    if pos_label is not None:
        return pos_label
    allowed = ({0, 1}, {-1, 1}, {0}, {-1}, {1})
    if classes.dtype.kind in "OUS" or set(classes.tolist()) not in allowed:
        shown = ", ".join(repr(c) for c in classes.tolist())
        raise ValueError(
            f"y_true takes value in {{{shown}}} and pos_label is not specified: either make "
            "y_true take value in {0, 1} or {-1, 1} or pass pos_label explicitly."
        )
    return 1
