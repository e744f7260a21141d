"""Input checks shared by the ranking metrics, with scikit-learn's messages.

The scores decide the namespace; labels and weights are brought into it. Dask input is
computed (once, in one batch): the ranking metrics sort, and a sort needs the whole array.
"""

from __future__ import annotations

import array_api_compat as aac
import numpy as np

from .._array import compute, is_lazy, is_numpy, namespace_and_device, to_host


def _as_array(a):
    """``a`` as an array: array-API arrays stay in their namespace, the rest become NumPy."""
    if a is None:
        return None
    if aac.is_array_api_obj(a) and not aac.is_numpy_array(a):
        return a
    a = np.asarray(a)
    if a.dtype.kind == "O" and all(isinstance(v, str) for v in a.ravel()):
        a = a.astype(str)
    return a


def _inputs(primary, *others):
    """(xp, device, arrays): the namespace of ``primary`` (the scores) and all the arguments as
    arrays. Dask arrays are computed, together, once: the sort needs the whole array."""
    arrays = (primary, *others)
    lazy = [i for i, a in enumerate(arrays) if a is not None and is_lazy(a)]
    if lazy:
        values = compute(*(arrays[i] for i in lazy))
        arrays = list(arrays)
        for i, v in zip(lazy, values, strict=True):
            arrays[i] = np.asarray(v)
    arrays = [_as_array(a) for a in arrays]
    xp, device = namespace_and_device(arrays[0])
    return xp, device, arrays


def _check_lengths(*arrays):
    lengths = [int(a.shape[0]) for a in arrays if a is not None]
    if len(set(lengths)) > 1:
        raise ValueError(
            f"Found input variables with inconsistent numbers of samples: {lengths}"
        )


def _check_scores(y_score, xp, name="y_score"):
    """Float scores with no NaN or infinity."""
    if y_score.dtype == xp.bool:
        y_score = xp.astype(y_score, xp.float64)
    elif not xp.isdtype(y_score.dtype, "real floating"):
        if not xp.isdtype(y_score.dtype, "numeric"):
            raise ValueError(f"{name} must be numeric, got dtype {y_score.dtype}.")
        y_score = xp.astype(y_score, xp.float64)
    if not bool(xp.all(xp.isfinite(y_score))):
        if bool(xp.any(xp.isnan(y_score))):
            raise ValueError("Input contains NaN.")
        raise ValueError("Input contains infinity or a value too large for dtype('float64').")
    return y_score


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


def _pos_label(y_true, pos_label, xp):
    """``pos_label`` checked as scikit-learn does: without it, labels must be {0,1} or {-1,1}."""
    classes = _classes(y_true)
    host = to_host(classes)
    if host.shape[0] > 2:
        if pos_label is None:
            raise ValueError("multiclass format is not supported: a curve is of one binary "
                             "problem; pass pos_label (the other classes are the negatives), "
                             "or one curve per class with sklearn.preprocessing."
                             "label_binarize(y_true, classes=...)")
        return pos_label
    if pos_label is not None:
        return pos_label
    allowed = ({0, 1}, {-1, 1}, {0}, {-1}, {1})
    if host.dtype.kind in "OUS" or set(host.tolist()) not in allowed:
        shown = ", ".join(repr(c) for c in host.tolist())
        raise ValueError(
            f"y_true takes value in {{{shown}}} and pos_label is not specified: either make "
            "y_true take value in {0, 1} or {-1, 1} or pass pos_label explicitly."
        )
    return 1


def _binary_input(y_true, y_score, sample_weight, pos_label):
    """(y_bool, y_score, weight, xp, device) for the binary curves."""
    xp, device, (y_score, y_true, sample_weight) = _inputs(y_score, y_true, sample_weight)
    _check_lengths(y_true, y_score, sample_weight)
    if y_score.ndim != 1:
        raise ValueError(f"y_score must be 1-D, got shape {tuple(y_score.shape)}.")
    y_score = _check_scores(y_score, xp)
    pos_label = _pos_label(y_true, pos_label, xp)
    y_bool = _to_xp(y_true == pos_label, xp, device)
    weight = None
    if sample_weight is not None:
        weight = check_weights_not_all_zero(
            xp.astype(_to_xp(sample_weight, xp, device), xp.float64), xp)
    return y_bool, y_score, weight, xp, device


def _to_xp(a, xp, device):
    """A host or foreign array as an ``xp`` array on ``device``."""
    if aac.is_array_api_obj(a) and aac.array_namespace(a) is xp:
        return a
    host = to_host(a)
    return host if is_numpy(xp) else xp.asarray(host, device=device)


def _score_inputs(y_true, y_score, sample_weight):
    """The checked inputs of a score-based metric: ``(xp, device, y_true, y_score, weight)``,
    with the scores finite and the weights float64 in the scores' namespace."""
    xp, device, (y_score, y_true, weight) = _inputs(y_score, y_true, sample_weight)
    _check_lengths(y_true, y_score, weight)
    y_score = _check_scores(y_score, xp)
    if weight is not None:
        weight = check_weights_not_all_zero(xp.astype(_to_xp(weight, xp, device), xp.float64),
                                            xp)
    return xp, device, y_true, y_score, weight


def check_weights_not_all_zero(weight, xp):
    """``weight``, after scikit-learn's check that some weight is not zero (left to the
    computation for lazy weights)."""
    if not is_lazy(weight) and not bool(xp.any(weight != 0)):
        raise ValueError("Sample weights must contain at least one non-zero number.")
    return weight
