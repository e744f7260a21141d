"""ROC curves and the areas under them.

Everything here is one sort of the scores followed by cumulative sums:

* ``roc_curve``: sort the scores in decreasing order; the running (weighted) counts of
  positives and negatives at the last index of every run of tied scores are the true and false
  positives of the threshold equal to that score (Fawcett 2006, Alg. 1).
* ``roc_auc_score``: the area under the empirical ROC curve equals the Mann-Whitney statistic
  ``P(score_pos > score_neg) + P(score_pos == score_neg) / 2``. Each positive's *placement*
  among the negatives is the number of negatives below it plus half the number tied with it;
  the AUC is their mean (the same placements give DeLong's variance, ``_delong.py``).

With NumPy and no weights, the sort is done as two value sorts (one per class, NumPy's
vectorized sort) and one linear merge of the two sorted runs, which is cheaper than one
``argsort`` of all the scores. Other namespaces use the standard's ``argsort``/``sort`` and
``searchsorted``.

Sorting needs the whole array: Dask input is computed and sorted on the host.
"""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.exceptions import UndefinedMetricWarning

from .._array import as_namespace, is_numpy, namespace_and_device, to_host
from .._array import device as device_of
from .._typing import Array, ArrayLike
from .._validation import check_consistent_length, score_arrays
from ._labels import _binary_input
from ._multilabel import refuse_sparse

__all__ = ["auc", "roc_curve"]


# ---------------------------------------------------------------------------------------------
# The counts at every threshold: one sort and two cumulative sums
# ---------------------------------------------------------------------------------------------


def _clf_curve(y_bool, y_score, weight, xp, drop_intermediate=False):
    """False and true positives (weighted) at each distinct score, in decreasing score order.

    Returns ``fps, tps, thresholds``: at threshold ``thresholds[k]`` the samples with a score
    at least that large are predicted positive. With ``drop_intermediate`` the points lying
    on a straight line between their neighbours are left out (see ``_keep_corners``).
    """
    if weight is not None:
        keep = weight != 0
        y_bool, y_score, weight = y_bool[keep], y_score[keep], weight[keep]
    n = y_score.shape[0]
    if is_numpy(xp):
        return _clf_curve_numpy(np.asarray(y_bool), y_score, weight, drop_intermediate)
    fps, tps, thresholds = _clf_curve_xp(y_bool, y_score, weight, xp, n)
    if drop_intermediate and fps.shape[0] > 2:
        keep = _keep_corners(fps, tps, xp)
        fps, tps, thresholds = fps[keep], tps[keep], thresholds[keep]
    return fps, tps, thresholds


def _count_positives(y):
    """Running count of positives (an int64 cumsum in place: NumPy's casting cumsum is slow)."""
    counts = y.astype(np.int64)
    return np.cumsum(counts, out=counts)


def _merged_descending(y_score, y_bool):
    """Scores in decreasing order and their labels, from two vectorized sorts and a merge.

    Sorting each class apart uses NumPy's fast (SIMD) value sort; a stable argsort of the two
    concatenated sorted runs is then a linear merge (timsort finds the runs), and tells which
    class each sorted score came from. Cheaper than one ``argsort`` of all the scores.
    """
    n_neg = y_score.shape[0] - int(np.count_nonzero(y_bool))
    z = np.empty(y_score.shape[0], dtype=y_score.dtype)
    np.compress(~y_bool, y_score, out=z[:n_neg])  # compress: faster than a boolean index
    np.compress(y_bool, y_score, out=z[n_neg:])
    z[:n_neg].sort()  # each class sorted in place: no concatenated copy
    z[n_neg:].sort()
    order = np.argsort(z, kind="stable")
    return z[order][::-1], (order >= n_neg)[::-1]


def _clf_curve_numpy(y_bool, y_score, weight, drop_intermediate):
    """NumPy: one argsort; the counts are gathered only at the points kept."""
    n = y_score.shape[0]
    if weight is None:
        s, y = _merged_descending(y_score, y_bool)
    else:
        order = np.argsort(y_score)[::-1]
        s = np.sort(y_score)[::-1]  # the same values as y_score[order], without a gather
        y = y_bool[order]
    is_last = np.empty(n, dtype=bool)
    np.not_equal(s[1:], s[:-1], out=is_last[:-1])
    is_last[-1] = True
    if weight is None and drop_intermediate and n > 2 and is_last.all():
        # distinct scores, unit weights: the curve steps up (y = 1) or right (y = 0) at each
        # sample, and a point is a corner exactly where the next step changes direction
        keep = np.empty(n, dtype=bool)
        keep[0] = keep[-1] = True
        np.not_equal(y[2:], y[1:-1], out=keep[1:-1])
        idx = np.flatnonzero(keep)
        tps = _count_positives(y)[idx].astype(np.float64)
        return (idx + 1.0) - tps, tps, s[idx]
    if weight is None:
        tps = _count_positives(y).astype(np.float64)
        fps = np.arange(1.0, n + 1.0) - tps
    else:
        w = weight[order]
        tps = np.cumsum(np.where(y, w, 0.0))
        fps = np.cumsum(np.where(y, 0.0, w))
    if not is_last.all():  # ties: keep the last index of each run of equal scores
        fps, tps, s = fps[is_last], tps[is_last], s[is_last]
    if drop_intermediate and fps.shape[0] > 2:
        keep = _keep_corners(fps, tps, namespace_and_device(fps)[0])
        fps, tps, s = fps[keep], tps[keep], s[keep]
    return fps, tps, s


def _clf_curve_xp(y_bool, y_score, weight, xp, n):
    """The generic path, in the standard alone."""
    order = xp.argsort(y_score, descending=True)
    s = xp.take(y_score, order)
    y = xp.astype(xp.take(y_bool, order), xp.float64)
    idx = xp.arange(n, dtype=xp.int64, device=device_of(y_score))
    is_last = xp.concat([s[1:] != s[:-1], xp.asarray([True], device=device_of(s))])
    last = idx[is_last]
    if weight is None:
        tps = xp.take(xp.cumulative_sum(y), last)
        fps = xp.astype(last + 1, xp.float64) - tps
    else:
        w = xp.take(weight, order)
        tps = xp.take(xp.cumulative_sum(y * w), last)
        fps = xp.take(xp.cumulative_sum((1.0 - y) * w), last)
    return fps, tps, xp.take(s, last)


def _keep_corners(fps, tps, xp):
    """Mask of the points where the polyline turns (plus both ends).

    A point is dropped when the steps before and after it are equal in both coordinates
    (``(f[i+1] - f[i]) == (f[i] - f[i-1])``, scikit-learn's ``diff(f, 2) != 0`` exactly).
    """
    dt, df = tps[1:] - tps[:-1], fps[1:] - fps[:-1]
    turns = (dt[1:] != dt[:-1]) | (df[1:] != df[:-1])
    t = xp.asarray([True], device=device_of(fps))
    return xp.concat([t, turns, t])


def roc_curve(y_true: ArrayLike, y_score: ArrayLike, *, pos_label: int | float | str | None = None,
              sample_weight: ArrayLike | None = None,
              drop_intermediate: bool = True) -> tuple[Array, Array, Array]:
    """Receiver operating characteristic: false and true positive rates at every threshold.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True binary labels. Without ``pos_label`` they must be {0, 1} or {-1, 1}.
    y_score : array-like of shape (n_samples,)
        Scores, larger meaning more likely positive (probabilities or decision values).
    pos_label : int, float, bool or str, default=None
        The label of the positive class.
    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights. Samples of weight zero are left out (they add no threshold).
    drop_intermediate : bool, default=True
        Drop thresholds whose point lies on the straight line between its neighbours; the
        curve and its area are unchanged.

    Returns
    -------
    fpr, tpr : arrays of shape (n_thresholds,)
        False and true positive rates, increasing, from (0, 0) to (1, 1).
    thresholds : array of shape (n_thresholds,)
        Decreasing thresholds; the first is ``inf`` (nothing predicted positive).

    Notes
    -----
    With the scores sorted in decreasing order, ``TP_k = sum_{i <= k} w_i y_i`` and
    ``FP_k = sum_{i <= k} w_i (1 - y_i)`` are read at the last index ``k`` of each run of
    tied scores; ``tpr = TP / TP_total`` and ``fpr = FP / FP_total`` (Fawcett 2006).

    References
    ----------
    Fawcett, T. (2006). An introduction to ROC analysis. Pattern Recognition Letters 27,
    861-874.

    Examples
    --------
    >>> from mlkit.metrics import roc_curve
    >>> fpr, tpr, thr = roc_curve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    >>> fpr.tolist(), tpr.tolist()
    ([0.0, 0.0, 0.5, 0.5, 1.0], [0.0, 0.5, 0.5, 1.0, 1.0])
    """
    refuse_sparse("roc_curve", y_true=y_true, y_score=y_score, sample_weight=sample_weight)
    y_bool, y_score, weight, xp, device = _binary_input(y_true, y_score, sample_weight, pos_label)
    fps, tps, thresholds = _clf_curve(y_bool, y_score, weight, xp, drop_intermediate)
    dev = device_of(fps)
    zero = xp.zeros(1, dtype=fps.dtype, device=dev)
    fps, tps = xp.concat([zero, fps]), xp.concat([zero, tps])
    thresholds = xp.concat(
        [xp.asarray([xp.inf], dtype=xp.float64, device=dev), xp.astype(thresholds, xp.float64)]
    )
    return _rate(fps, "negative", xp), _rate(tps, "positive", xp), thresholds


def _rate(counts, kind, xp):
    total = counts[-1]
    if not bool(total > 0):
        warnings.warn(
            f"No {kind} samples in y_true, {'false' if kind == 'negative' else 'true'} "
            "positive value should be meaningless",
            UndefinedMetricWarning,
        )
        return xp.full(counts.shape, xp.nan, dtype=xp.float64, device=device_of(counts))
    return counts / total


def auc(x: ArrayLike, y: ArrayLike) -> float:
    """Area under the polyline through the points ``(x[i], y[i])`` (trapezoidal rule).

    ``x`` must be monotonic (increasing or decreasing).

    Examples
    --------
    >>> from mlkit.metrics import auc
    >>> auc([0.0, 0.5, 1.0], [0.0, 1.0, 1.0])
    0.75
    """
    refuse_sparse("auc", x=x, y=y)
    xp, device, (x, y) = score_arrays(x, y)
    y = as_namespace(y, xp, device)
    check_consistent_length(x, y)
    if x.shape[0] < 2:
        raise ValueError(
            "At least 2 points are needed to compute area under curve, but x.shape = "
            f"{tuple(x.shape)}"
        )
    x, y = xp.astype(x, xp.float64), xp.astype(y, xp.float64)
    dx = x[1:] - x[:-1]
    direction = 1.0
    if bool(xp.any(dx < 0)):
        if not bool(xp.all(dx <= 0)):
            raise ValueError(f"x is neither increasing nor decreasing : {to_host(x)}.")
        direction = -1.0
    return direction * float(xp.sum(dx * (y[1:] + y[:-1])) / 2)


# ---------------------------------------------------------------------------------------------
# ROC AUC
# ---------------------------------------------------------------------------------------------


def _sort(a, xp):
    """Ascending sort; NumPy's default (unstable, vectorized) kind where it is NumPy."""
    return np.sort(a) if is_numpy(xp) else xp.sort(a)


def _placements_auc(y_bool, y_score, weight, xp):
    """The Mann-Whitney AUC from the placements of the positives among the negatives."""
    if weight is None and is_numpy(xp):
        return _mann_whitney_numpy(np.compress(y_bool, y_score), np.compress(~y_bool, y_score))
    if is_numpy(xp):  # weighted: the trapezoids under the curve (one argsort)
        fps, tps, _ = _clf_curve(y_bool, y_score, weight, xp)
        fpr = np.concatenate([[0.0], fps]) / fps[-1]
        tpr = np.concatenate([[0.0], tps]) / tps[-1]
        return float(np.sum(np.diff(fpr) * (tpr[1:] + tpr[:-1])) / 2)
    pos, neg = y_score[y_bool], y_score[~y_bool]
    if weight is None:
        neg_sorted = _sort(neg, xp)
        pos_sorted = _sort(pos, xp)  # sorted queries make the binary searches cache friendly
        below = xp.searchsorted(neg_sorted, pos_sorted, side="left")
        upto = xp.searchsorted(neg_sorted, pos_sorted, side="right")
        twice = xp.sum(below) + xp.sum(upto)
        return float(twice) / (2.0 * pos.shape[0] * neg.shape[0])
    w_pos, w_neg = weight[y_bool], weight[~y_bool]
    order = xp.argsort(neg)
    neg_sorted = xp.take(neg, order)
    dev = device_of(neg)
    cum = xp.concat([xp.zeros(1, dtype=xp.float64, device=dev),
                     xp.cumulative_sum(xp.take(w_neg, order))])
    below = xp.take(cum, xp.searchsorted(neg_sorted, pos, side="left"))
    upto = xp.take(cum, xp.searchsorted(neg_sorted, pos, side="right"))
    num = xp.sum(w_pos * (below + upto)) / 2
    return float(num / (xp.sum(w_pos) * cum[-1]))


def _mann_whitney_numpy(pos, neg):
    """AUC from the rank sum of the positives: two sorts, then one merge of the sorted runs.

    A stable argsort of the two concatenated sorted runs is a linear merge (timsort finds
    the runs). Without ties, a positive at merged position ``k`` that is the ``j``-th
    positive has ``k - j`` negatives below it. With ties each run of equal scores, with
    ``p`` positives and ``q`` negatives and ``N`` negatives up to its end, adds
    ``p (N - q / 2)``.
    """
    m, n = pos.shape[0], neg.shape[0]
    z = np.concatenate([np.sort(neg), np.sort(pos)])
    order = np.argsort(z, kind="stable")
    is_pos = order >= n
    zs = z[order]
    is_last = np.empty(m + n, dtype=bool)
    np.not_equal(zs[1:], zs[:-1], out=is_last[:-1])
    is_last[-1] = True
    if is_last.all():
        below = int(np.flatnonzero(is_pos).sum()) - m * (m - 1) // 2
        return below / (m * n)
    ends = np.flatnonzero(is_last)
    pos_upto = _count_positives(is_pos)[ends]
    neg_upto = (ends + 1) - pos_upto
    p = np.diff(pos_upto, prepend=0)
    q = np.diff(neg_upto, prepend=0)
    twice = int(np.sum(p * (2 * neg_upto - q)))
    return twice / (2.0 * m * n)


def _binary_roc_auc(y_bool, y_score, weight, max_fpr, xp):
    if weight is None:
        n_pos = xp.sum(xp.astype(y_bool, xp.int64))
        n_neg = y_bool.shape[0] - n_pos
    else:
        n_pos = xp.sum(xp.where(y_bool, weight, 0.0))
        n_neg = xp.sum(xp.where(y_bool, 0.0, weight))
    if not (bool(n_pos > 0) and bool(n_neg > 0)):
        warnings.warn(
            "Only one class is present in y_true. ROC AUC score is not defined in that case.",
            UndefinedMetricWarning,
        )
        return float("nan")
    if max_fpr is None or max_fpr == 1:
        return _placements_auc(y_bool, y_score, weight, xp)
    return _mcclish_partial_auc(y_bool, y_score, weight, max_fpr, xp)


def _mcclish_partial_auc(y_bool, y_score, weight, max_fpr, xp):
    """Partial AUC over fpr in [0, max_fpr], standardized by McClish (1989) to [0.5, 1]."""
    fps, tps, _ = _clf_curve(y_bool, y_score, weight, xp)
    fpr = np.concatenate([[0.0], to_host(fps)]) / to_host(fps)[-1]
    tpr = np.concatenate([[0.0], to_host(tps)]) / to_host(tps)[-1]
    stop = int(np.searchsorted(fpr, max_fpr, side="right"))
    tpr_cut = np.interp(max_fpr, fpr[stop - 1:stop + 1], tpr[stop - 1:stop + 1])
    fpr = np.append(fpr[:stop], max_fpr)
    tpr = np.append(tpr[:stop], tpr_cut)
    partial = float(np.sum(np.diff(fpr) * (tpr[1:] + tpr[:-1])) / 2)
    min_area, max_area = 0.5 * max_fpr**2, max_fpr
    return 0.5 * (1 + (partial - min_area) / (max_area - min_area))


def _average_binary_score(metric, Y, S, average, weight, xp, per_sample=None):
    """Apply a binary metric to each column of indicator ``Y`` and scores ``S``, then average.

    'samples' applies ``per_sample`` (the metric of every row at once) and averages over the
    rows, weighted by ``weight``.
    """
    if average == "micro":
        k = Y.shape[1]
        w = None if weight is None else xp.reshape(xp.tile(weight[:, None], (1, k)), (-1,))
        return metric(xp.reshape(Y, (-1,)), xp.reshape(S, (-1,)), w)
    if average == "samples":
        scores, avg_w = to_host(per_sample(Y, S, xp)), to_host(weight)
    else:
        k = Y.shape[1]
        scores = np.asarray([metric(Y[:, c], S[:, c], weight) for c in range(k)])
        if average is None:
            return scores if is_numpy(xp) else xp.asarray(scores, device=device_of(S))
        avg_w = None
        if average == "weighted":
            Yf = xp.astype(Y, xp.float64)
            avg_w = to_host(xp.sum(Yf if weight is None else Yf * weight[:, None], axis=0))
            if np.isclose(avg_w.sum(), 0.0):
                return 0.0
    if avg_w is not None:
        scores = np.where(avg_w == 0, 0.0, scores)  # a zero weight hides a NaN score
    return float(np.average(scores, weights=avg_w))


def _rowwise_average_precision(Y, S, xp):
    """The average precision of every row: the mean over a row's positive labels of the
    precision at that label's score. Rows with no positive label score 0."""
    Yf = xp.astype(Y, xp.float64)
    total = xp.zeros(Y.shape[0], dtype=xp.float64, device=device_of(S))
    for j in range(Y.shape[1]):
        at_least = xp.astype(S >= S[:, j:j + 1], xp.float64)
        precision = xp.sum(at_least * Yf, axis=1) / xp.sum(at_least, axis=1)
        total = total + Yf[:, j] * precision
    m = xp.sum(Yf, axis=1)
    if bool(xp.any(m == 0)):
        warnings.warn(
            "No positive class found in y_true, recall is set to one for all thresholds."
        )
    return xp.where(m == 0, 0.0, total / xp.where(m == 0, 1.0, m))
