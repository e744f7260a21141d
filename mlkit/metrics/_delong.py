"""Uncertainty of the ROC AUC: DeLong's variance, confidence intervals and tests.

DeLong, DeLong & Clarke-Pearson (1988) write the AUC of ``m`` positives ``X`` and ``n``
negatives ``Y`` as the mean of *placement values* (structural components)::

    V10(X_i) = (#{Y_j < X_i} + #{Y_j = X_i} / 2) / n        (one per positive)
    V01(Y_j) = (#{X_i > Y_j} + #{X_i = Y_j} / 2) / m        (one per negative)
    AUC = mean(V10) = mean(V01)
    Var(AUC) = S10 / m + S01 / n,   S10, S01 the sample (co)variances of V10, V01

and, for several scores on the same cases, the covariance matrix ``S10 / m + S01 / n``.

Computed pairwise, that is O(m n). Sun & Xu (2014) obtain the same placements from midranks:
``V10(X_i) = (T_Z(X_i) - T_X(X_i)) / n`` where ``T_Z`` is the midrank in the pooled sample and
``T_X`` within the positives; the difference is exactly the number of negatives below ``X_i``
plus half the ties, which two ``searchsorted`` calls on the sorted negatives give directly.
One sort per class: O((m + n) log(m + n)).
"""

from __future__ import annotations

import math
import numbers
import warnings

import numpy as np
from scipy import stats
from sklearn.utils import check_random_state

from .._array import as_namespace, is_numpy, to_host
from .._typing import ArrayLike, RandomState
from .._validation import (
    Interval,
    StrOptions,
    check_consistent_length,
    check_scores,
    score_arrays,
    validate_param,
)
from ._labels import _classes
from ._multilabel import refuse_sparse
from ._ranking import _sort

__all__ = ["delong_test", "delong_test_unpaired", "roc_auc_ci"]

_ONE_CLASS = "Only one class is present in y_true. ROC AUC score is not defined in that case."


def _check_confidence(confidence, owner):
    validate_param(owner, "confidence", confidence,
                   [Interval(numbers.Real, 0.0, 1.0, closed="neither")])


def _binary_scores(y_true, scores, pos_label):
    """Positive mask and the scores as a (k, n_samples) float array, in the scores' namespace."""
    xp, device, (*scores, y_true) = score_arrays(*scores, y_true)
    scores = [as_namespace(s, xp, device) for s in scores]
    check_consistent_length(y_true, *scores)
    for s in scores:
        if s.ndim != 1:
            raise ValueError(f"y_score must be 1-D, got shape {tuple(s.shape)}.")
    scores = [check_scores(s, xp) for s in scores]
    classes = _classes(y_true)
    n_classes = int(classes.shape[0])
    if n_classes > 2:
        raise ValueError("multiclass format is not supported: DeLong's test compares the ROC "
                         "AUCs of one binary problem; pass y_true == the positive class")
    if n_classes < 2:
        raise ValueError(_ONE_CLASS)
    positive = classes[-1] if pos_label is None else pos_label
    y_bool = as_namespace(y_true == positive, xp, device)
    if not bool(xp.any(y_bool)) or bool(xp.all(y_bool)):
        raise ValueError(_ONE_CLASS)
    return y_bool, xp.stack(scores), xp


def _placements(pos, neg, xp):
    """DeLong's placement values V10 (per positive) and V01 (per negative), via sorting."""
    if is_numpy(xp):
        return _placements_numpy(np.asarray(pos), np.asarray(neg))
    neg_sorted, pos_sorted = _sort(neg, xp), _sort(pos, xp)
    m, n = pos.shape[0], neg.shape[0]
    v10 = (xp.astype(xp.searchsorted(neg_sorted, pos, side="left")
                     + xp.searchsorted(neg_sorted, pos, side="right"), xp.float64)) / (2.0 * n)
    below = xp.searchsorted(pos_sorted, neg, side="left")
    upto = xp.searchsorted(pos_sorted, neg, side="right")
    v01 = (2.0 * m - xp.astype(below + upto, xp.float64)) / (2.0 * m)
    return v10, v01


def _placements_numpy(pos, neg):
    """NumPy: the same counts with sorted queries (binary searches that reuse the previous
    answer, several times faster than random queries), then put back in case order."""
    m, n = pos.shape[0], neg.shape[0]
    by_pos, by_neg = np.argsort(pos), np.argsort(neg)
    pos_sorted, neg_sorted = pos[by_pos], neg[by_neg]
    v10, v01 = np.empty(m), np.empty(n)
    v10[by_pos] = (np.searchsorted(neg_sorted, pos_sorted, side="left")
                   + np.searchsorted(neg_sorted, pos_sorted, side="right")) / (2.0 * n)
    v01[by_neg] = (2.0 * m - np.searchsorted(pos_sorted, neg_sorted, side="left")
                   - np.searchsorted(pos_sorted, neg_sorted, side="right")) / (2.0 * m)
    return v10, v01


def _delong_cov(y_bool, scores, xp):
    """AUCs (k,) and their DeLong covariance matrix (k, k) for scores of shape (k, n)."""
    v10, v01 = [], []
    for i in range(scores.shape[0]):
        a, b = _placements(scores[i, :][y_bool], scores[i, :][~y_bool], xp)
        v10.append(a)
        v01.append(b)
    v10, v01 = xp.stack(v10), xp.stack(v01)  # (k, m), (k, n)
    m, n = v10.shape[1], v01.shape[1]
    aucs = xp.mean(v10, axis=1)
    d10 = v10 - aucs[:, None]
    d01 = v01 - aucs[:, None]
    s10 = (d10 @ d10.T) / (m - 1) if m > 1 else xp.full((v10.shape[0],) * 2, xp.nan)
    s01 = (d01 @ d01.T) / (n - 1) if n > 1 else xp.full((v10.shape[0],) * 2, xp.nan)
    return to_host(aucs), to_host(s10 / m + s01 / n), (m, n)


def _bootstrap_aucs(pos, neg, n_bootstraps, rng):
    """AUCs of ``n_bootstraps`` stratified resamples (positives and negatives apart).

    A resample is summarized by how often it draws each case. The AUC of the resample is then
    ``sum_i c_i * (C(<X_i) + C(<=X_i)) / 2 / (m n)`` where ``c_i`` counts the draws of positive
    ``i`` and ``C`` is the running count of drawn negatives in sorted order: no sort per
    resample. Resamples are processed in blocks of about two million drawn cases.
    """
    m, n = pos.shape[0], neg.shape[0]
    order = np.argsort(neg, kind="stable")
    neg_sorted = neg[order]
    below = np.searchsorted(neg_sorted, pos, side="left")
    upto = np.searchsorted(neg_sorted, pos, side="right")
    block = max(1, min(n_bootstraps, (1 << 21) // (m + n)))
    out = np.empty(n_bootstraps)
    for start in range(0, n_bootstraps, block):
        b = min(block, n_bootstraps - start)
        draw_pos = rng.randint(m, size=(b, m))
        draw_neg = rng.randint(n, size=(b, n))
        rows = np.arange(b)[:, None]
        c_pos = np.bincount((draw_pos + rows * m).ravel(), minlength=b * m).reshape(b, m)
        c_neg = np.bincount((draw_neg + rows * n).ravel(), minlength=b * n).reshape(b, n)
        cum = np.zeros((b, n + 1))
        np.cumsum(c_neg[:, order], axis=1, out=cum[:, 1:])
        place = cum[:, below] + cum[:, upto]
        out[start:start + b] = np.sum(c_pos * place, axis=1) / (2.0 * m * n)
    return out


def roc_auc_ci(y_true: ArrayLike, y_score: ArrayLike, *, confidence: float = 0.95,
               method: str = "delong", n_bootstraps: int = 2000,
               random_state: RandomState = None,
               pos_label: int | float | str | None = None) -> tuple[float, float, float]:
    """The ROC AUC with a confidence interval.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True binary labels; the larger label is positive unless ``pos_label`` says otherwise.
    y_score : array-like of shape (n_samples,)
        Scores, larger meaning more likely positive.
    confidence : float in (0, 1), default=0.95
        The coverage of the interval.
    method : {'delong', 'bootstrap'}, default='delong'
        'delong': ``AUC -/+ z * sqrt(Var)`` with DeLong's variance (Sun & Xu's O(n log n)
        algorithm), clipped to [0, 1], as pROC's ``ci.auc``. 'bootstrap': percentiles of the
        AUCs of ``n_bootstraps`` resamples stratified by class (positives and negatives
        resampled apart, keeping their numbers).
    n_bootstraps : int, default=2000
        Number of bootstrap resamples (pROC's default).
    random_state : int, RandomState instance or None, default=None
        Seed of the bootstrap.
    pos_label : label, default=None
        The positive label.

    Returns
    -------
    auc, lower, upper : float
        The AUC of the data and the interval's bounds.

    References
    ----------
    DeLong, E. R., DeLong, D. M. & Clarke-Pearson, D. L. (1988). Comparing the areas under two
    or more correlated receiver operating characteristic curves: a nonparametric approach.
    Biometrics 44, 837-845. Sun, X. & Xu, W. (2014). Fast implementation of DeLong's algorithm
    for comparing the areas under correlated receiver operating characteristic curves. IEEE
    Signal Processing Letters 21, 1389-1393. Robin, X. et al. (2011). pROC: an open-source
    package for R and S+ to analyze and compare ROC curves. BMC Bioinformatics 12, 77.

    Examples
    --------
    >>> from mlkit.metrics import roc_auc_ci
    >>> auc, lo, hi = roc_auc_ci([0, 0, 1, 1, 0, 1], [0.1, 0.4, 0.35, 0.8, 0.2, 0.9])
    >>> round(auc, 4), round(lo, 4), round(hi, 4)
    (0.8889, 0.5809, 1.0)
    """
    refuse_sparse("roc_auc_ci", y_true=y_true, y_score=y_score)
    _check_confidence(confidence, "roc_auc_ci")
    validate_param("roc_auc_ci", "method", method, [StrOptions({"delong", "bootstrap"})])
    validate_param("roc_auc_ci", "n_bootstraps", n_bootstraps,
                   [Interval(numbers.Integral, 1, None, closed="left")])
    y_bool, scores, xp = _binary_scores(y_true, [y_score], pos_label)
    aucs, cov, (m, n) = _delong_cov(y_bool, scores, xp)
    auc = float(aucs[0])
    if method == "delong":
        return (auc,) + _delong_interval(auc, cov, m, n, confidence)
    return (auc,) + _bootstrap_interval(y_bool, scores, confidence, n_bootstraps, random_state)


def _delong_interval(auc, cov, m, n, confidence):
    """``AUC −/+ z sqrt(Var)``, clipped to [0, 1]; NaN with fewer than two cases of a class."""
    if m < 2 or n < 2:
        warnings.warn("DeLong's variance needs at least two cases of each class; the "
                      "interval is undefined (NaN).")
        return float("nan"), float("nan")
    half = stats.norm.ppf(0.5 + confidence / 2) * math.sqrt(max(float(cov[0, 0]), 0.0))
    return float(max(0.0, auc - half)), float(min(1.0, auc + half))


def _bootstrap_interval(y_bool, scores, confidence, n_bootstraps, random_state):
    """Percentiles of the AUCs of resamples stratified by class."""
    s = to_host(scores[0, :])
    yb = to_host(y_bool)
    boot = _bootstrap_aucs(s[yb], s[~yb], int(n_bootstraps), check_random_state(random_state))
    lower, upper = np.percentile(boot, [50 * (1 - confidence), 50 * (1 + confidence)])
    return float(lower), float(upper)


def delong_test(y_true: ArrayLike, score_a: ArrayLike, score_b: ArrayLike, *,
                pos_label: int | float | str | None = None) -> tuple[float, float]:
    """DeLong's test that two ROC curves of the same cases have the same AUC (two-sided).

    ``z = (A_a - A_b) / sqrt(V_a + V_b - 2 C_ab)`` with DeLong's variances and covariance of the
    two correlated AUCs; ``p = 2 (1 - Phi(|z|))``. Identical scores give ``z = 0, p = 1``.
    This is pROC's ``roc.test(..., method="delong", paired=TRUE)``.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True binary labels of the cases; the larger label is positive unless ``pos_label``.
    score_a, score_b : array-like of shape (n_samples,)
        The two models' scores of the same cases.
    pos_label : label, default=None
        The positive label.

    Returns
    -------
    z : float
        Positive when ``score_a`` has the larger AUC.
    p_value : float
        Two-sided.

    References
    ----------
    DeLong, E. R., DeLong, D. M. & Clarke-Pearson, D. L. (1988). Biometrics 44, 837-845.

    Examples
    --------
    >>> from mlkit.metrics import delong_test
    >>> y = [0, 0, 0, 1, 1, 1, 0, 1]
    >>> z, p = delong_test(y, [.1, .3, .2, .8, .7, .9, .4, .6], [.5, .1, .4, .3, .8, .6, .2, .7])
    >>> round(z, 3), round(p, 3)
    (0.866, 0.386)
    """
    refuse_sparse("delong_test", y_true=y_true, score_a=score_a, score_b=score_b)
    y_bool, scores, xp = _binary_scores(y_true, [score_a, score_b], pos_label)
    aucs, cov, _ = _delong_cov(y_bool, scores, xp)
    diff = float(aucs[0] - aucs[1])
    var = float(cov[0, 0] + cov[1, 1] - 2 * cov[0, 1])
    if var <= 0 or not math.isfinite(var):
        if diff == 0:
            return 0.0, 1.0
        warnings.warn("The variance of the AUC difference is zero; the test is undefined.")
        return float("nan"), float("nan")
    z = diff / math.sqrt(var)
    return z, float(2 * stats.norm.sf(abs(z)))


def delong_test_unpaired(y_true_a: ArrayLike, score_a: ArrayLike, y_true_b: ArrayLike,
                         score_b: ArrayLike, *,
                         pos_label: int | float | str | None = None) -> tuple[float, float]:
    """Test that two ROC curves of *independent* samples have the same AUC (two-sided).

    Each AUC's variance is DeLong's, ``S_a`` and ``S_b``; with no covariance between them the
    statistic ``D = (A_a - A_b) / sqrt(S_a + S_b)`` is referred to Student's t with the
    Welch-Satterthwaite degrees of freedom
    ``(S_a + S_b)^2 / (S_a^2 / (N_a - 1) + S_b^2 / (N_b - 1))``, ``N`` the number of cases of
    each sample -- pROC's unpaired DeLong test (Robin et al. 2011).

    Parameters
    ----------
    y_true_a, score_a : array-like of shape (n_samples_a,)
        Labels and scores of the first sample.
    y_true_b, score_b : array-like of shape (n_samples_b,)
        Labels and scores of the second, independent sample.
    pos_label : label, default=None
        The positive label (the larger label by default).

    Returns
    -------
    d : float
        Positive when the first curve has the larger AUC.
    p_value : float
        Two-sided, from Student's t with the Welch-Satterthwaite degrees of freedom.
    """
    refuse_sparse("delong_test_unpaired", y_true_a=y_true_a, score_a=score_a, y_true_b=y_true_b,
                  score_b=score_b)
    ya, sa, xpa = _binary_scores(y_true_a, [score_a], pos_label)
    yb, sb, xpb = _binary_scores(y_true_b, [score_b], pos_label)
    auc_a, cov_a, (ma, na) = _delong_cov(ya, sa, xpa)
    auc_b, cov_b, (mb, nb) = _delong_cov(yb, sb, xpb)
    var_a, var_b = float(cov_a[0, 0]), float(cov_b[0, 0])
    total = var_a + var_b
    diff = float(auc_a[0] - auc_b[0])
    if total <= 0 or not math.isfinite(total):
        if diff == 0:
            return 0.0, 1.0
        warnings.warn("Both AUCs have zero variance; the test is undefined.")
        return float("nan"), float("nan")
    d = diff / math.sqrt(total)
    df = total**2 / (var_a**2 / (ma + na - 1) + var_b**2 / (mb + nb - 1))
    return d, float(2 * stats.t.sf(abs(d), df))

