"""The labels of the ranking metrics, and their checked inputs.

The scores decide the namespace; labels and weights are brought into it. Dask input is
computed (once, in one batch): the ranking metrics sort, and a sort needs the whole array.
The checks themselves are ``_validation``'s, with scikit-learn's messages.
"""

from __future__ import annotations

import numpy as np

from .._array import as_namespace, namespace_and_device, to_host
from .._validation import (
    check_consistent_length,
    check_pos_label,
    check_scores,
    metric_weights,
    score_arrays,
)


def _classes(y, xp=None):
    """Sorted distinct labels of ``y`` (NumPy for NumPy/string input).

    For numbers it first tries two labels found by ``min``/``max`` (two passes, no sort), which
    is the common binary case; only when a third value exists does it sort.
    """
    if isinstance(y, np.ndarray) and y.dtype.kind in "OUS":
        return np.unique(y)
    if xp is None:
        xp, _ = namespace_and_device(y)
    if y.shape[0] == 0:
        return xp.unique_values(y)
    if y.dtype == xp.bool:
        lo, hi = bool(xp.any(~y)), bool(xp.any(y))
        vals = [v for v, present in ((False, lo), (True, hi)) if present]
        return np.asarray(vals) if isinstance(y, np.ndarray) else xp.asarray(vals)
    lo, hi = xp.min(y), xp.max(y)
    if bool(lo == hi):
        return xp.reshape(lo, (1,))
    if bool(xp.all((y == lo) | (y == hi))):
        return xp.stack([lo, hi])
    return xp.sort(xp.unique_values(y))


def _is_label(classes, value):
    try:
        return bool(np.any(to_host(classes) == value))
    except (TypeError, ValueError):  # pragma: no cover - incomparable types
        return False


def _binary_input(y_true, y_score, sample_weight, pos_label):
    """(y_bool, y_score, weight, xp, device) for the binary curves."""
    xp, device, (y_score, y_true, sample_weight) = score_arrays(y_score, y_true, sample_weight)
    check_consistent_length(y_true, y_score, sample_weight)
    if y_score.ndim != 1:
        raise ValueError(f"y_score must be 1-D, got shape {tuple(y_score.shape)}.")
    y_score = check_scores(y_score, xp)
    pos_label = check_pos_label(to_host(_classes(y_true)), pos_label)
    y_bool = as_namespace(y_true == pos_label, xp, device)
    return y_bool, y_score, metric_weights(sample_weight, xp, device), xp, device


def _score_inputs(y_true, y_score, sample_weight):
    """The checked inputs of a score-based metric: ``(xp, device, y_true, y_score, weight)``,
    with the scores finite and the weights float64 in the scores' namespace."""
    xp, device, (y_score, y_true, weight) = score_arrays(y_score, y_true, sample_weight)
    check_consistent_length(y_true, y_score, weight)
    y_score = check_scores(y_score, xp)
    return xp, device, y_true, y_score, metric_weights(weight, xp, device)
