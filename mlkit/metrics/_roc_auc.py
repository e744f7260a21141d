"""The area under the ROC curve of binary, multi-class and multi-label targets.

Binary targets take the Mann-Whitney statistic of ``_ranking`` (``_binary_roc_auc``);
multi-label targets average it over the labels (or over the samples: ``_rowwise_roc_auc``);
multi-class probabilities are scored one-vs-rest or by Hand & Till's pairwise average.
"""

from __future__ import annotations

import numbers
import warnings
from itertools import combinations

import numpy as np
from sklearn.exceptions import UndefinedMetricWarning

from .._array import as_namespace, to_host
from .._array import device as device_of
from .._typing import Array, ArrayLike
from .._validation import Interval, StrOptions, not_offered_message, validate_param
from ._labels import _classes, _score_inputs
from ._multilabel import refuse_sparse
from ._ranking import _average_binary_score, _binary_roc_auc, _placements_auc

__all__ = ["roc_auc_score"]


def roc_auc_score(y_true: ArrayLike, y_score: ArrayLike, *, average: str | None = "macro",
                  sample_weight: ArrayLike | None = None, max_fpr: float | None = None,
                  multi_class: str = "raise", labels: ArrayLike | None = None) -> float | Array:
    """Area under the ROC curve, for binary, multi-class and multi-label targets.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,) or (n_samples, n_classes)
        True labels (any two labels: the larger one is positive), multi-class labels, or a
        label-indicator matrix.
    y_score : array-like of shape (n_samples,) or (n_samples, n_classes)
        Scores of the positive class; for multi-class, probabilities of each class (rows sum
        to one), columns in the order of ``labels`` or of the sorted labels.
    average : {'micro', 'macro', 'weighted', 'samples'} or None, default='macro'
        How the per-class areas are combined (ignored for binary targets). 'weighted' weighs
        each class by its prevalence; 'samples' (multi-label) averages the AUC of each sample's
        labels; None returns the per-class areas ('ovr' only).
    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights (not with ``multi_class='ovo'``).
    max_fpr : float in (0, 1], default=None
        Binary only: the partial area over ``fpr <= max_fpr``, McClish-standardized so that a
        random classifier scores 0.5 and a perfect one 1.
    multi_class : {'raise', 'ovr', 'ovo'}, default='raise'
        'ovr': each class against the rest. 'ovo': the Hand & Till (2001) average over all
        pairs of classes of ``(A(a|b) + A(b|a)) / 2``.
    labels : array-like of shape (n_classes,), default=None
        Multi-class only: the (sorted, unique) labels naming the columns of ``y_score``.

    Returns
    -------
    auc : float, or ndarray of per-class areas when ``average=None``.

    Notes
    -----
    ``AUC = P(S+ > S-) + P(S+ = S-) / 2``, the Mann-Whitney statistic, equal to the
    trapezoidal area under the empirical ROC curve. With ``max_fpr = p`` and partial area
    ``A_p``: ``0.5 * (1 + (A_p - p^2/2) / (p - p^2/2))`` (McClish 1989).

    References
    ----------
    Hanley, J. A. & McNeil, B. J. (1982). The meaning and use of the area under a ROC curve.
    Radiology 143, 29-36. McClish, D. K. (1989). Analyzing a portion of the ROC curve. Medical
    Decision Making 9, 190-195. Hand, D. J. & Till, R. J. (2001). A simple generalisation of the
    area under the ROC curve for multiple class classification problems. Machine Learning 45,
    171-186.

    Examples
    --------
    >>> from mlkit.metrics import roc_auc_score
    >>> roc_auc_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    0.75
    """
    _check_roc_auc_params(y_true, y_score, sample_weight, average, multi_class, max_fpr)
    xp, device, y_true, y_score, weight = _score_inputs(y_true, y_score, sample_weight)
    if y_true.ndim == 2 and y_true.shape[1] > 1:  # multi-label indicator
        return _multilabel_roc_auc(y_true, y_score, average, weight, max_fpr, xp, device)
    return _labels_roc_auc(y_true, y_score, labels, multi_class, average, weight, max_fpr, xp,
                           device)


def _labels_roc_auc(y_true, y_score, labels, multi_class, average, weight, max_fpr, xp, device):
    """The AUC of label arrays: multi-class, or two labels (the larger one positive)."""
    classes = _classes(y_true)
    if int(classes.shape[0]) > 2 or (y_score.ndim == 2 and y_score.shape[1] > 2):
        return _multiclass_roc_auc(y_true, y_score, labels, multi_class, average, weight,
                                   max_fpr, xp, device)
    if y_score.ndim != 1:
        raise ValueError(f"y_score must be 1-D for binary y_true, got {tuple(y_score.shape)}.")
    y_bool = as_namespace(y_true == classes[-1], xp, device)
    return _binary_roc_auc(y_bool, y_score, weight, max_fpr, xp)


def _check_roc_auc_params(y_true, y_score, sample_weight, average, multi_class, max_fpr):
    refuse_sparse("roc_auc_score", y_true=y_true, y_score=y_score, sample_weight=sample_weight)
    validate_param("roc_auc_score", "average", average,
                   [StrOptions({"micro", "macro", "weighted", "samples"}), None])
    validate_param("roc_auc_score", "multi_class", multi_class,
                   [StrOptions({"raise", "ovr", "ovo"})])
    validate_param("roc_auc_score", "max_fpr", max_fpr,
                   [Interval(numbers.Real, 0.0, 1.0, closed="right"), None])


def _multilabel_roc_auc(y_true, y_score, average, weight, max_fpr, xp, device):
    """The AUC of a label-indicator matrix: per label (averaged), or per sample."""
    Y = as_namespace(y_true, xp, device) != 0
    if tuple(Y.shape) != tuple(y_score.shape):
        raise ValueError("y_true and y_score have different shape")
    if average == "samples" and max_fpr is not None and max_fpr != 1:
        raise ValueError(not_offered_message(
            "roc_auc_score", "max_fpr with average='samples' (a partial AUC per row)",
            "the per-row AUCs are computed together from rank sums, which give the whole "
            "area only", "use average='macro', 'weighted' or 'micro' (partial AUCs per "
            "label), or sklearn.metrics.roc_auc_score"))

    def binary(yb, s, w):
        return _binary_roc_auc(yb, s, w, max_fpr, xp)

    return _average_binary_score(binary, Y, y_score, average, weight, xp,
                                 per_sample=_rowwise_roc_auc)


def _multiclass_roc_auc(y_true, y_score, labels, multi_class, average, weight, max_fpr, xp,
                        device):
    """One-vs-rest or Hand & Till's one-vs-one AUC of multi-class probabilities."""
    if max_fpr is not None and max_fpr != 1.0:
        raise ValueError(
            "Partial AUC computation not available in multiclass setting, 'max_fpr' must "
            f"be set to `None`, received `max_fpr={max_fpr}` instead"
        )
    if multi_class == "raise":
        raise ValueError("multi_class must be in ('ovo', 'ovr')")
    if y_score.ndim != 2:
        raise ValueError(
            "`y_score` needs to be of shape `(n_samples, n_classes)`, since `y_true` contains "
            f"multiple classes. Got `y_score.shape={tuple(y_score.shape)}`."
        )
    row_sums = to_host(xp.sum(y_score, axis=1))
    if not np.allclose(1, row_sums):
        raise ValueError(
            "Target scores need to be probabilities for multiclass roc_auc, i.e. they should "
            "sum up to 1.0 over classes"
        )
    options = ("macro", "weighted", None) if multi_class == "ovo" else (
        "micro", "macro", "weighted", None)
    if average not in options:
        raise ValueError(f"average must be one of {options} for multiclass problems")
    if average is None and multi_class == "ovo":
        raise NotImplementedError(
            "average=None is not implemented for multi_class='ovo'. One-vs-one AUCs are of "
            "pairs of classes, not of classes: use multi_class='ovr' for one AUC per class, or "
            "average='macro' or 'weighted'.")
    host_true = to_host(y_true)
    classes = _multiclass_classes(host_true, y_score, labels)
    y_idx = as_namespace(np.searchsorted(classes, host_true), xp, device)
    k = len(classes)
    cols = xp.arange(k, device=device)
    Y = y_idx[:, None] == cols[None, :]

    def binary(yb, s, w):
        return _binary_roc_auc(yb, s, w, None, xp)

    if multi_class == "ovr":
        return _average_binary_score(binary, Y, y_score, average, weight, xp)
    if weight is not None:
        raise ValueError(
            "sample_weight is not supported for multiclass one-vs-one ROC AUC, 'sample_weight' "
            "must be None in this case. Hand & Till's pairwise AUC is unweighted: use "
            "multi_class='ovr' for weighted AUCs."
        )
    return _hand_till(Y, y_score, np.unique(to_host(y_idx)), average, xp)


def _multiclass_classes(host_true, y_score, labels):
    """The classes naming the columns of ``y_score``: ``labels`` (checked unique, sorted, one
    per column, covering ``y_true``) or the sorted labels of ``y_true``."""
    if labels is not None:
        labels = np.asarray(to_host(labels))
        classes = np.unique(labels)
        if len(classes) != len(labels):
            raise ValueError("Parameter 'labels' must be unique")
        if not np.array_equal(classes, labels):
            raise ValueError("Parameter 'labels' must be ordered")
        if len(classes) != y_score.shape[1]:
            raise ValueError(
                f"Number of given labels, {len(classes)}, not equal to the number of columns "
                f"in 'y_score', {y_score.shape[1]}"
            )
        if len(np.setdiff1d(host_true, classes)):
            raise ValueError("'y_true' contains labels not in parameter 'labels'")
    else:
        classes = np.unique(host_true)
        if len(classes) != y_score.shape[1]:
            raise ValueError(
                "Number of classes in y_true not equal to the number of columns in 'y_score'"
            )
    return classes


def _rowwise_roc_auc(Y, S, xp):
    """The AUC of every row of a label-indicator matrix (labels ranked within a sample).

    One pass per label ``j``: the negatives of each row below ``S[:, j]`` (ties count half)
    are the placement of label ``j`` when it is a positive.
    """
    Yf = xp.astype(Y, xp.float64)
    neg = 1.0 - Yf
    total = xp.zeros(Y.shape[0], dtype=xp.float64, device=device_of(S))
    for j in range(Y.shape[1]):
        sj = S[:, j:j + 1]
        below = xp.astype(S < sj, xp.float64) + 0.5 * xp.astype(S == sj, xp.float64)
        total = total + Yf[:, j] * xp.sum(below * neg, axis=1)
    pairs = xp.sum(Yf, axis=1) * xp.sum(neg, axis=1)
    if bool(xp.any(pairs == 0)):
        warnings.warn(
            "Only one class is present in y_true. ROC AUC score is not defined in that case.",
            UndefinedMetricWarning,
        )
    return xp.where(pairs == 0, xp.nan, total / xp.where(pairs == 0, 1.0, pairs))


def _hand_till(Y, S, present, average, xp):
    """Hand & Till (2001): mean over class pairs of (A(a|b) + A(b|a)) / 2.

    Each pair uses only the samples of its two classes; a pair's prevalence (for 'weighted')
    is the fraction of all samples that belong to it.
    """
    pair_scores, prevalence = [], []
    for a, b in combinations(present.tolist(), 2):
        in_pair = Y[:, a] | Y[:, b]
        ya, yb = Y[:, a][in_pair], Y[:, b][in_pair]
        a_vs_b = _placements_auc(ya, S[:, a][in_pair], None, xp)
        b_vs_a = _placements_auc(yb, S[:, b][in_pair], None, xp)
        pair_scores.append((a_vs_b + b_vs_a) / 2)
        prevalence.append(float(xp.mean(xp.astype(in_pair, xp.float64))))
    weights = prevalence if average == "weighted" else None
    return float(np.average(pair_scores, weights=weights))
