"""Precision-recall curve and average precision, from the same sorted counts as the ROC curve."""

from __future__ import annotations

import warnings

import numpy as np

from .._array import as_namespace, to_host
from .._array import device as device_of
from .._typing import Array, ArrayLike
from ._labels import _binary_input, _classes, _is_label, _score_inputs
from ._multilabel import refuse_sparse
from ._ranking import _average_binary_score, _clf_curve, _rowwise_average_precision

__all__ = ["average_precision_score", "precision_recall_curve"]


def precision_recall_curve(y_true: ArrayLike, y_score: ArrayLike, *,
                           pos_label: int | float | str | None = None,
                           sample_weight: ArrayLike | None = None,
                           drop_intermediate: bool = False) -> tuple[Array, Array, Array]:
    """Precision and recall at every threshold.

    Parameters are those of :func:`roc_curve`; ``drop_intermediate`` drops thresholds that do
    not change the true positives (the PR curve's flat steps).

    Returns
    -------
    precision, recall : arrays of shape (n_thresholds + 1,)
        Precision ends with 1 and recall with 0 (the point of no positive prediction);
        recall is decreasing.
    thresholds : array of shape (n_thresholds,)
        Increasing thresholds.

    Examples
    --------
    >>> from mlkit.metrics import precision_recall_curve
    >>> p, r, t = precision_recall_curve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    >>> p.round(3).tolist(), r.tolist()
    ([0.5, 0.667, 0.5, 1.0, 1.0], [1.0, 1.0, 0.5, 0.5, 0.0])
    """
    refuse_sparse("precision_recall_curve", y_true=y_true, y_score=y_score,
                  sample_weight=sample_weight)
    y_bool, y_score, weight, xp, device = _binary_input(y_true, y_score, sample_weight, pos_label)
    fps, tps, thresholds = _clf_curve(y_bool, y_score, weight, xp)
    if drop_intermediate and fps.shape[0] > 2:
        t = xp.asarray([True], device=device_of(tps))
        keep = xp.concat([t, (tps[1:-1] != tps[:-2]) | (tps[2:] != tps[1:-1]), t])
        fps, tps, thresholds = fps[keep], tps[keep], thresholds[keep]
    predicted = tps + fps
    precision = xp.where(predicted != 0, tps / xp.where(predicted != 0, predicted, 1.0), 0.0)
    if not bool(tps[-1] != 0):
        warnings.warn(
            "No positive class found in y_true, recall is set to one for all thresholds."
        )
        recall = xp.ones(tps.shape, dtype=xp.float64, device=device_of(tps))
    else:
        recall = tps / tps[-1]
    dev = device_of(tps)
    one, zero = xp.ones(1, dtype=xp.float64, device=dev), xp.zeros(1, dtype=xp.float64, device=dev)
    return (xp.concat([xp.flip(precision), one]), xp.concat([xp.flip(recall), zero]),
            xp.astype(xp.flip(thresholds), xp.float64))


def _binary_average_precision(y_bool, y_score, weight, xp):
    """AP = sum_k (R_k - R_{k-1}) P_k over the thresholds (no interpolation)."""
    fps, tps, _ = _clf_curve(y_bool, y_score, weight, xp)
    if not bool(tps[-1] != 0):
        warnings.warn(
            "No positive class found in y_true, recall is set to one for all thresholds."
        )
        return 0.0
    precision = tps / (tps + fps)
    recall = tps / tps[-1]
    d_recall = xp.concat([recall[:1], recall[1:] - recall[:-1]])
    return max(0.0, float(xp.sum(d_recall * precision)))


def average_precision_score(y_true: ArrayLike, y_score: ArrayLike, *,
                            average: str | None = "macro", pos_label: int | float | str = 1,
                            sample_weight: ArrayLike | None = None) -> float | Array:
    """Average precision: the area under the precision-recall step curve.

    ``AP = sum_n (R_n - R_{n-1}) P_n`` over the thresholds in decreasing order. Binary,
    multi-class (one-vs-rest, ``y_score`` of shape (n_samples, n_classes)) and multi-label
    targets; ``average`` as in :func:`roc_auc_score`.

    Examples
    --------
    >>> from mlkit.metrics import average_precision_score
    >>> round(average_precision_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]), 4)
    0.8333
    """
    refuse_sparse("average_precision_score", y_true=y_true, y_score=y_score,
                  sample_weight=sample_weight)
    xp, device, y_true, y_score, weight = _score_inputs(y_true, y_score, sample_weight)

    def binary(yb, s, w):
        return _binary_average_precision(yb, s, w, xp)

    if y_true.ndim == 2 and y_true.shape[1] > 1:
        if pos_label != 1:
            raise ValueError(
                "Parameter pos_label is fixed to 1 for multilabel-indicator y_true. Do not set "
                "pos_label or set pos_label to 1."
            )
        Y = as_namespace(y_true, xp, device) != 0
        return _average_binary_score(binary, Y, y_score, average, weight, xp,
                                     per_sample=_rowwise_average_precision)
    classes = to_host(_classes(y_true))
    if classes.shape[0] > 2:
        if pos_label != 1:
            raise ValueError(
                "Parameter pos_label is fixed to 1 for multiclass y_true. Do not set pos_label "
                "or set pos_label to 1."
            )
        idx = as_namespace(np.searchsorted(classes, to_host(y_true)), xp, device)
        Y = idx[:, None] == xp.arange(classes.shape[0], device=device)[None, :]
        if tuple(y_score.shape) != tuple(Y.shape):
            raise ValueError(
                "`y_score` needs to be of shape `(n_samples, n_classes)`, since `y_true` "
                f"contains multiple classes. Got `y_score.shape={tuple(y_score.shape)}`."
            )
        return _average_binary_score(binary, Y, y_score, average, weight, xp,
                                     per_sample=_rowwise_average_precision)
    if classes.shape[0] == 2 and not _is_label(classes, pos_label):
        raise ValueError(
            f"pos_label={pos_label} is not a valid label. It should be one of {classes}"
        )
    if y_score.ndim != 1:  # as roc_auc_score
        raise ValueError(f"y_score must be 1-D for binary y_true, got {tuple(y_score.shape)}.")
    return binary(as_namespace(y_true == pos_label, xp, device), y_score, weight)
