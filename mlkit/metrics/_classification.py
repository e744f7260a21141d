"""Scores of hard predictions, from the confusion matrix (the log loss is in ``_log_loss``).

Every count here is one ``bincount``: the labels are found once (on the host: there are few),
each sample gets the index of its true and predicted label, and ``bincount(k * t + p)`` is the
``k x k`` confusion matrix. Precision, recall and F1 are read off its diagonal and margins.
That runs in the input's namespace, Dask included (the bincount is lazy; one compute).
"""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.exceptions import UndefinedMetricWarning

from .._array import (
    bincount,
    compute,
    is_array_api_obj,
    is_lazy,
    is_numpy,
    lazy_unique,
    lazy_where,
    numpy_namespace,
    to_host,
)
from .._typing import Array, ArrayLike
from .._validation import (
    StrOptions,
    check_labels_param,
    check_zero_division,
    metric_arrays,
    metric_weights,
    validate_param,
)
from . import _multilabel

__all__ = [
    "accuracy_score",
    "confusion_matrix",
    "f1_score",
    "precision_score",
    "recall_score",
]


# ---------------------------------------------------------------------------------------------
# Labels and codes
# ---------------------------------------------------------------------------------------------


def _unique(*ys):
    """Sorted distinct labels of each array, on the host (one tuple for several arrays).

    Dask arrays' labels are a tree of per-block uniques, all of them in one ``compute``: the
    labels themselves are never gathered.
    """
    lazy = [i for i, y in enumerate(ys) if is_lazy(y)]
    found = dict(zip(lazy, compute(*(lazy_unique(ys[i]) for i in lazy)), strict=True))
    out = tuple(np.asarray(found[i]) if i in found else np.unique(to_host(y))
                for i, y in enumerate(ys))
    return out[0] if len(ys) == 1 else out


def _present_labels(y_true, y_pred):
    true, pred = _unique(y_true, y_pred)
    if true.size == 0 or pred.size == 0:
        raise ValueError("Found empty input array (e.g., `y_true` or `y_pred`) while a minimum "
                         "of 1 sample is required.")
    if (true.dtype.kind in "OUS") != (pred.dtype.kind in "OUS"):
        raise ValueError("Mix of label input types (string and number)")
    kinds = _target_kind(true), _target_kind(pred)
    if kinds == ("continuous", "continuous"):
        raise ValueError("continuous is not supported: classification metrics compare class "
                         "labels; threshold the scores into labels, or use a regression "
                         "metric (mean_squared_error, r2_score) for continuous targets")
    if "continuous" in kinds:
        raise ValueError(f"Classification metrics can't handle a mix of {kinds[0]} and "
                         f"{kinds[1]} targets")
    return np.unique(np.concatenate([true, pred]))


def _has_fraction(xp, *ys):
    """Whether each float label array holds a non-integer value (one pass, no sort; one
    ``compute`` for all of them)."""
    def floating(y):
        kind = getattr(y.dtype, "kind", None)  # NumPy, CuPy and Dask dtypes; torch's have none
        return kind == "f" if kind is not None else xp.isdtype(y.dtype, "real floating")

    checks = [xp.any(y != xp.floor(y)) if floating(y) else False for y in ys]
    return [bool(c) for c in compute(*checks)]


def _target_kind(labels):
    """scikit-learn's name for a target with these distinct values: non-integer floats are
    'continuous' (scores, not labels)."""
    if labels.dtype.kind == "f" and bool(np.any(labels != np.floor(labels))):
        return "continuous"
    return "binary" if labels.size <= 2 else "multiclass"


def _codes(y, labels, xp, device):
    """Position of each sample's label in ``labels`` (its length when absent)."""
    order = np.argsort(labels, kind="stable")
    sorted_labels = labels[order]
    k = labels.shape[0]

    def encode(block):
        pos = np.searchsorted(sorted_labels, block)
        pos = np.minimum(pos, k - 1)
        found = sorted_labels[pos] == block
        return np.where(found, order[pos], k).astype(np.int64)

    if is_lazy(y):
        return y.map_blocks(encode, dtype=np.int64)
    if isinstance(y, np.ndarray) or not is_array_api_obj(y):
        codes = encode(np.asarray(y))
        return codes if is_numpy(xp) else xp.asarray(codes, device=device)
    s = xp.asarray(sorted_labels, dtype=y.dtype, device=device)
    o = xp.asarray(order, dtype=xp.int64, device=device)
    pos = xp.clip(xp.searchsorted(s, y), 0, k - 1) if k else xp.zeros_like(y, dtype=xp.int64)
    found = xp.take(s, pos) == y
    return xp.where(found, xp.take(o, pos), k)


def _confusion_counts(y_true, y_pred, labels, sample_weight, xp, device):
    """The (k, k) confusion matrix over ``labels`` (rows: true, columns: predicted)."""
    k = labels.shape[0]
    t, p = _codes(y_true, labels, xp, device), _codes(y_pred, labels, xp, device)
    valid = (t < k) & (p < k)
    where = lazy_where if is_lazy(t) else xp.where
    flat = where(valid, t * k + p, k * k)
    if sample_weight is None:
        counts = bincount(flat, minlength=k * k + 1, xp=xp)
    else:
        counts = bincount(flat, weights=sample_weight, minlength=k * k + 1, xp=xp)
    (counts,) = compute(counts)
    if is_lazy(t):
        return np.reshape(counts[: k * k], (k, k))
    return xp.reshape(counts[: k * k], (k, k))


def _sum(a, xp):
    return a.sum() if is_lazy(a) else xp.sum(a)


# ---------------------------------------------------------------------------------------------
# Confusion matrix and accuracy
# ---------------------------------------------------------------------------------------------


def confusion_matrix(y_true: ArrayLike, y_pred: ArrayLike, *, labels: ArrayLike | None = None,
                     sample_weight: ArrayLike | None = None,
                     normalize: str | None = None) -> Array:
    """Confusion matrix ``C[i, j]``: samples of true label ``i`` predicted as label ``j``.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,)
        True and predicted labels.
    labels : array-like of shape (n_classes,), default=None
        The labels (and their order) indexing the matrix; samples with other labels are left
        out. By default the sorted labels present in either array.
    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights (the matrix is then float).
    normalize : {'true', 'pred', 'all'}, default=None
        Divide by the row sums, the column sums or the total.

    Returns
    -------
    C : array of shape (n_classes, n_classes), in the input's namespace (NumPy for Dask).

    Examples
    --------
    >>> from mlkit.metrics import confusion_matrix
    >>> confusion_matrix(["a", "b", "a", "c"], ["a", "a", "a", "c"]).tolist()
    [[2, 0, 0], [1, 0, 0], [0, 0, 1]]
    """
    _multilabel.refuse_sparse("confusion_matrix", y_true=y_true, y_pred=y_pred,
                              sample_weight=sample_weight)
    validate_param("confusion_matrix", "normalize", normalize,
                   [StrOptions({"true", "pred", "all"}), None])
    xp, device, (y_true, y_pred, sample_weight) = metric_arrays(y_true, y_pred, sample_weight)
    if labels is None:
        labels = _present_labels(y_true, y_pred)
    else:
        labels = check_labels_param(to_host(labels))
        if not np.any(np.isin(labels, _unique(y_true))):
            raise ValueError("At least one label specified must be in y_true")
    w = metric_weights(sample_weight, xp, device)
    cm = _confusion_counts(y_true, y_pred, labels, w, xp, device)
    if is_lazy(y_true):
        xp = numpy_namespace()
    if w is None:
        cm = xp.astype(cm, xp.int64)
    if normalize is not None:
        cm = xp.astype(cm, xp.float64)
        if normalize == "true":
            div = xp.sum(cm, axis=1, keepdims=True)
        elif normalize == "pred":
            div = xp.sum(cm, axis=0, keepdims=True)
        else:
            div = xp.sum(cm)
        cm = xp.where(div != 0, cm / xp.where(div != 0, div, 1.0), 0.0)
    return cm


def accuracy_score(y_true: ArrayLike, y_pred: ArrayLike, *, normalize: bool = True,
                   sample_weight: ArrayLike | None = None) -> float:
    """Fraction (or, with ``normalize=False``, weighted number) of correct predictions.

    Multilabel indicator matrices (dense or scipy.sparse) give the subset accuracy: a sample
    counts as correct when all its labels are.

    Examples
    --------
    >>> from mlkit.metrics import accuracy_score
    >>> accuracy_score([0, 1, 2, 3], [0, 2, 1, 3])
    0.5
    """
    _multilabel.refuse_sparse("accuracy_score", sample_weight=sample_weight)
    pair = _multilabel.indicator_pair(y_true, y_pred)
    if pair is not None:
        hits = _multilabel.subset_hits(*pair)
        w = metric_weights(sample_weight, np, "cpu")
        total = float(hits @ w) if w is not None else float(hits.sum())
        if normalize:
            return total / (float(np.sum(w)) if w is not None else hits.shape[0])
        return total
    xp, device, (y_true, y_pred, sample_weight) = metric_arrays(y_true, y_pred, sample_weight)
    if y_true.ndim != 1 or y_pred.ndim != 1:
        raise ValueError("accuracy_score supports 1-D label arrays and multilabel indicator "
                         "matrices only.")
    if y_true.shape[0] == 0:
        _present_labels(y_true, y_pred)  # its error for empty input
    if any(_has_fraction(xp, y_true, y_pred)):  # scores, not labels: scikit-learn's error
        _present_labels(y_true, y_pred)
    hit = y_true == y_pred
    hit = hit.astype(np.float64) if is_lazy(hit) else xp.astype(xp.asarray(hit), xp.float64)
    w = metric_weights(sample_weight, xp, device)
    total = _sum(hit * w if w is not None else hit, xp)
    wsum = _sum(w, xp) if w is not None else hit.shape[0]
    total, wsum = compute(total, wsum)
    if normalize:
        return float(total) / float(wsum)
    return float(total)


# ---------------------------------------------------------------------------------------------
# Precision, recall, F1
# ---------------------------------------------------------------------------------------------


def _divide(num, den, zero_division, metric, modifier, warn_for, over="labels"):
    """num / den; where den is 0 the ``zero_division`` value, with a warning for 'warn'.
    ``over`` names what the entries are: 'labels' (with no ... samples) or 'samples'."""
    zero = den == 0
    value = 0.0 if zero_division == "warn" else float(zero_division)
    out = np.where(zero, value, num / np.where(zero, 1.0, den))
    if zero_division == "warn" and np.any(zero) and metric in warn_for:
        of = "samples" if over == "labels" else "labels"
        warnings.warn(
            f"{metric.capitalize()} is ill-defined and being set to 0.0 in {over} with no "
            f"{modifier} {of}. Use `zero_division` parameter to control this behavior.",
            UndefinedMetricWarning,
        )
    return out


def _prf(y_true, y_pred, *, labels, pos_label, average, sample_weight, zero_division,
         warn_for=("precision", "recall", "f-score")):
    """Per-label (or averaged) precision, recall, F1 and support."""
    averages = ("micro", "macro", "weighted", "binary", "samples", None)
    if average not in averages:
        raise ValueError("average has to be one of " + str(averages))
    check_zero_division(zero_division)
    pair = _multilabel.indicator_pair(y_true, y_pred)
    if pair is not None:
        return _prf_multilabel(pair, labels, average, sample_weight, zero_division, warn_for)
    xp, device, (y_true, y_pred, sample_weight) = metric_arrays(y_true, y_pred, sample_weight)
    present = _present_labels(y_true, y_pred)
    if average == "samples":
        raise ValueError(
            "Samplewise metrics are not available outside of multilabel classification."
        )
    if average == "binary":
        if present.shape[0] > 2:
            raise ValueError(
                "Target is multiclass but average='binary'. Please choose another average "
                "setting, one of [None, 'micro', 'macro', 'weighted']."
            )
        if pos_label not in present.tolist():
            if present.shape[0] >= 2:
                raise ValueError(
                    f"pos_label={pos_label} is not a valid label. It should be one of {present}"
                )
        labels = np.asarray([pos_label])
    elif labels is None:
        labels = present
    else:
        labels = check_labels_param(to_host(labels))
    w = metric_weights(sample_weight, xp, device)
    # confusion over the labels asked for plus all the others, so that samples labelled or
    # predicted outside ``labels`` still count in the listed labels' row and column sums
    full = np.concatenate([labels, present[~np.isin(present, labels)]])
    cm = np.asarray(to_host(_confusion_counts(y_true, y_pred, full, w, xp, device)),
                    dtype=np.float64)
    k = labels.shape[0]
    tp = np.diagonal(cm)[:k]
    pred = cm.sum(axis=0)[:k]
    true = cm.sum(axis=1)[:k]
    return _scores(tp, pred, true, average, zero_division, warn_for)


def _prf_multilabel(pair, labels, average, sample_weight, zero_division, warn_for):
    """``_prf`` of multilabel indicator matrices: per label from the column counts, or
    (``average='samples'``) per sample from the row counts, averaged with the weights."""
    if average == "binary":
        raise ValueError("Target is multilabel-indicator but average='binary'. Please choose "
                         f"another average setting, one of {_multilabel.AVERAGES}.")
    Y, P = pair
    cols = _multilabel.label_columns(labels, Y.shape[1])
    Y, P = Y[:, cols], P[:, cols]
    w = metric_weights(sample_weight, np, "cpu")
    if average != "samples":
        return _scores(*_multilabel.per_label_counts(Y, P, w), average, zero_division, warn_for)
    tp, pred, true = _multilabel.per_sample_counts(Y, P)
    precision = _divide(tp, pred, zero_division, "precision", "predicted", warn_for, "samples")
    recall = _divide(tp, true, zero_division, "recall", "true", warn_for, "samples")
    f1 = _divide(2 * tp, pred + true, zero_division, "f-score", "true nor predicted", warn_for,
                 "samples")
    return tuple(_mean(v, w) for v in (precision, recall, f1)) + (None,)


def _mean(v, weights):
    """The (weighted) mean over the entries with a value; weights summing to 0 count as
    equal."""
    ok = ~np.isnan(v)
    if not np.any(ok):
        return float("nan")
    w = None if weights is None or weights[ok].sum() == 0 else weights[ok]
    return float(np.average(v[ok], weights=w))


def _scores(tp, pred, true, average, zero_division, warn_for):
    """Precision, recall, F1 (per label, or averaged) and support from the per-label counts."""
    if average == "micro":
        tp, pred, true = np.array([tp.sum()]), np.array([pred.sum()]), np.array([true.sum()])
    precision = _divide(tp, pred, zero_division, "precision", "predicted", warn_for)
    recall = _divide(tp, true, zero_division, "recall", "true", warn_for)
    f1 = _divide(2 * tp, pred + true, zero_division, "f-score", "true nor predicted", warn_for)
    if average == "weighted":
        weights = true
    elif average == "micro" or average == "binary" or average == "macro":
        weights = None
    else:
        return precision, recall, f1, true
    if average in ("micro", "binary"):
        return float(precision[0]), float(recall[0]), float(f1[0]), None
    return _mean(precision, weights), _mean(recall, weights), _mean(f1, weights), None


_PRF_DOC = """
    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,), or multilabel indicator matrices of
        shape (n_samples, n_labels), dense or scipy.sparse
        True and predicted labels.
    labels : array-like, default=None
        The labels to score (and their order, for ``average=None``); column indices for
        multilabel targets.
    pos_label : int, float, bool or str, default=1
        The label scored when ``average='binary'``.
    average : {'binary', 'micro', 'macro', 'weighted', 'samples'} or None, default='binary'
        'binary': the positive label only. 'micro': from the total counts. 'macro': the mean
        over labels. 'weighted': the mean weighted by each label's support. 'samples'
        (multilabel targets only): the mean over samples of each sample's score. None: per
        label.
    sample_weight : array-like of shape (n_samples,), default=None
    zero_division : {'warn', 0.0, 1.0, nan}, default='warn'
        The value of an undefined ratio (0/0); 'warn' means 0 with a warning.
"""


def precision_score(y_true: ArrayLike, y_pred: ArrayLike, *, labels: ArrayLike | None = None,
                    pos_label: int | float | str = 1, average: str | None = "binary",
                    sample_weight: ArrayLike | None = None,
                    zero_division: str | float = "warn") -> float | Array:
    """Precision ``tp / (tp + fp)``.
    {doc}
    Examples
    --------
    >>> from mlkit.metrics import precision_score
    >>> precision_score([0, 1, 1, 0], [1, 1, 1, 0])
    0.6666666666666666
    """
    return _prf(y_true, y_pred, labels=labels, pos_label=pos_label, average=average,
                sample_weight=sample_weight, zero_division=zero_division,
                warn_for=("precision",))[0]


def recall_score(y_true: ArrayLike, y_pred: ArrayLike, *, labels: ArrayLike | None = None,
                 pos_label: int | float | str = 1, average: str | None = "binary",
                 sample_weight: ArrayLike | None = None,
                 zero_division: str | float = "warn") -> float | Array:
    """Recall (sensitivity) ``tp / (tp + fn)``.
    {doc}
    Examples
    --------
    >>> from mlkit.metrics import recall_score
    >>> recall_score([0, 1, 1, 0], [1, 1, 0, 0])
    0.5
    """
    return _prf(y_true, y_pred, labels=labels, pos_label=pos_label, average=average,
                sample_weight=sample_weight, zero_division=zero_division,
                warn_for=("recall",))[1]


def f1_score(y_true: ArrayLike, y_pred: ArrayLike, *, labels: ArrayLike | None = None,
             pos_label: int | float | str = 1, average: str | None = "binary",
             sample_weight: ArrayLike | None = None,
             zero_division: str | float = "warn") -> float | Array:
    """F1, the harmonic mean of precision and recall: ``2 tp / (2 tp + fp + fn)``.
    {doc}
    Examples
    --------
    >>> from mlkit.metrics import f1_score
    >>> f1_score([0, 1, 1, 0], [1, 1, 0, 0])
    0.5
    """
    return _prf(y_true, y_pred, labels=labels, pos_label=pos_label, average=average,
                sample_weight=sample_weight, zero_division=zero_division,
                warn_for=("f-score",))[2]


for _f in (precision_score, recall_score, f1_score):
    _f.__doc__ = (_f.__doc__ or "").replace("{doc}", _PRF_DOC)
