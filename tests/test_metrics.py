"""mlkit.metrics against scikit-learn, against slow obvious references kept here, and against
pROC's published results on its ``aSAH`` data."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pytest
import sklearn.metrics as skm
from sklearn.exceptions import UndefinedMetricWarning

import mlkit.metrics as mm
from mlkit._discovery import NAMESPACES, FunctionCapabilities
from mlkit._testing import assert_allclose_xp
from mlkit.metrics._delong import _bootstrap_aucs, _delong_cov

TOL = dict(rtol=1e-12, atol=1e-12)


def approx(value, rel=1e-12, abs=1e-12, **_):
    """pytest.approx at the 1e-12 default of these tests (``**TOL`` is accepted and ignored)."""
    return pytest.approx(value, rel=rel, abs=abs)


# ---------------------------------------------------------------------------------------------
# References: the slow, obvious definitions
# ---------------------------------------------------------------------------------------------


def pairwise_auc(y, s, w=None):
    """P(S+ > S-) + P(S+ = S-)/2 over all (positive, negative) pairs, weighted by w+ w-."""
    y = np.asarray(y, dtype=bool)
    w = np.ones(len(s)) if w is None else np.asarray(w)
    sp, sn, wp, wn = s[y], s[~y], w[y], w[~y]
    psi = (sp[:, None] > sn[None, :]) + 0.5 * (sp[:, None] == sn[None, :])
    return float(wp @ psi @ wn / (wp.sum() * wn.sum()))


def pairwise_delong(y, scores):
    """DeLong et al. (1988): AUCs and covariance from the m x n kernel matrices, O(m n)."""
    y = np.asarray(y, dtype=bool)
    v10, v01 = [], []
    for s in scores:
        psi = (s[y][:, None] > s[~y][None, :]) + 0.5 * (s[y][:, None] == s[~y][None, :])
        v10.append(psi.mean(axis=1))
        v01.append(psi.mean(axis=0))
    v10, v01 = np.array(v10), np.array(v01)
    m, n = v10.shape[1], v01.shape[1]
    return v10.mean(axis=1), np.cov(v10) / m + np.cov(v01) / n


@pytest.fixture
def binary_ties(rng):
    """400 samples, scores rounded to one decimal (many ties), weights with some zeros."""
    n = 400
    y = rng.integers(0, 2, n)
    s = np.round(rng.random(n) * 0.7 + 0.3 * y, 1)
    w = rng.random(n)
    w[:15] = 0
    return y, s, w


@pytest.fixture
def multiclass(rng):
    n, k = 300, 4
    y = rng.integers(0, k, n)
    P = np.round(rng.dirichlet(np.ones(k), n) + 0.3 * np.eye(k)[y], 1)
    P /= P.sum(axis=1, keepdims=True)
    return y, P


def assert_curves_equal(ours, theirs):
    for a, b in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(a, b, **TOL)


# ---------------------------------------------------------------------------------------------
# ROC curve and AUC against scikit-learn
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("drop", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
def test_roc_curve_matches_sklearn(binary_ties, drop, weighted):
    y, s, w = binary_ties
    kw = dict(sample_weight=w if weighted else None, drop_intermediate=drop)
    assert_curves_equal(mm.roc_curve(y, s, **kw), skm.roc_curve(y, s, **kw))


def test_roc_curve_distinct_scores_matches_sklearn(rng):
    y = rng.integers(0, 2, 1000)
    s = rng.normal(size=1000) + y
    for drop in (True, False):
        assert_curves_equal(mm.roc_curve(y, s, drop_intermediate=drop),
                            skm.roc_curve(y, s, drop_intermediate=drop))


def test_roc_curve_string_labels_and_pos_label(binary_ties):
    y, s, _ = binary_ties
    ys = np.array(["healthy", "sick"])[y]
    for pos in ("healthy", "sick"):
        assert_curves_equal(mm.roc_curve(ys, s, pos_label=pos),
                            skm.roc_curve(ys, s, pos_label=pos))
    assert_curves_equal(mm.roc_curve(2 * y - 1, s), skm.roc_curve(2 * y - 1, s))


def test_roc_auc_matches_sklearn_and_pairwise(binary_ties):
    y, s, w = binary_ties
    for weight in (None, w):
        ours = mm.roc_auc_score(y, s, sample_weight=weight)
        assert ours == approx(skm.roc_auc_score(y, s, sample_weight=weight), **TOL)
        assert ours == approx(pairwise_auc(y, s, weight), **TOL)
    ys = np.array(["b", "a"])[y]  # the larger label ('b') is positive: here y == 0
    assert mm.roc_auc_score(ys, s) == approx(skm.roc_auc_score(ys, s), **TOL)
    assert mm.auc(*mm.roc_curve(y, s)[:2]) == approx(skm.roc_auc_score(y, s), **TOL)


@pytest.mark.parametrize("max_fpr", [0.05, 0.2, 0.5, 0.73, 1.0])
def test_partial_auc_mcclish_matches_sklearn(binary_ties, max_fpr):
    y, s, w = binary_ties
    for weight in (None, w):
        ours = mm.roc_auc_score(y, s, max_fpr=max_fpr, sample_weight=weight)
        theirs = skm.roc_auc_score(y, s, max_fpr=max_fpr, sample_weight=weight)
        assert ours == approx(theirs, **TOL)


@pytest.mark.parametrize("multi_class", ["ovr", "ovo"])
@pytest.mark.parametrize("average", ["macro", "weighted"])
def test_multiclass_auc_matches_sklearn(multiclass, multi_class, average):
    y, P = multiclass
    kw = dict(multi_class=multi_class, average=average)
    assert mm.roc_auc_score(y, P, **kw) == approx(skm.roc_auc_score(y, P, **kw), **TOL)
    names = np.array(["ant", "bee", "cat", "dog"])
    ours = mm.roc_auc_score(names[y], P, labels=names, **kw)
    assert ours == approx(skm.roc_auc_score(names[y], P, labels=names, **kw), **TOL)


def test_hand_till_is_the_mean_of_pairwise_aucs(multiclass):
    """Hand & Till (2001), eq. 7: M = 2/(k(k-1)) sum_{i<j} (A(i|j) + A(j|i)) / 2."""
    y, P = multiclass
    k = P.shape[1]
    pairs = []
    for i in range(k):
        for j in range(i + 1, k):
            m = (y == i) | (y == j)
            a_ij = pairwise_auc(y[m] == i, P[m, i])
            a_ji = pairwise_auc(y[m] == j, P[m, j])
            pairs.append((a_ij + a_ji) / 2)
    assert mm.roc_auc_score(y, P, multi_class="ovo") == approx(np.mean(pairs), **TOL)


def test_ovr_weights_micro_none_and_labels_match_sklearn(multiclass, rng):
    y, P = multiclass
    w = rng.random(y.shape[0])
    for average in ("micro", "macro", "weighted", None):
        kw = dict(multi_class="ovr", average=average, sample_weight=w)
        np.testing.assert_allclose(mm.roc_auc_score(y, P, **kw), skm.roc_auc_score(y, P, **kw),
                                   **TOL)


@pytest.mark.parametrize("average", ["micro", "macro", "weighted", None])
def test_multilabel_auc_and_ap_match_sklearn(rng, average):
    Y = rng.integers(0, 2, (200, 3))
    S = np.round(rng.random((200, 3)) + 0.4 * Y, 1)
    np.testing.assert_allclose(mm.roc_auc_score(Y, S, average=average),
                               skm.roc_auc_score(Y, S, average=average), **TOL)
    np.testing.assert_allclose(mm.average_precision_score(Y, S, average=average),
                               skm.average_precision_score(Y, S, average=average), **TOL)


def test_samples_average_matches_sklearn(rng):
    Y = rng.integers(0, 2, (120, 5))
    Y[:, 0], Y[:, 1] = 1, 0  # every row has both classes ...
    S = np.round(rng.random((120, 5)) + 0.3 * Y, 1)
    w = rng.random(120)
    for weight in (None, w):
        kw = dict(average="samples", sample_weight=weight)
        assert mm.roc_auc_score(Y, S, **kw) == approx(skm.roc_auc_score(Y, S, **kw))
        assert mm.average_precision_score(Y, S, **kw) == approx(
            skm.average_precision_score(Y, S, **kw))
    Y[:3], Y[3:5] = 0, 1  # ... but these: no positive label, no negative one
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert np.isnan(mm.roc_auc_score(Y, S, average="samples"))
        assert np.isnan(skm.roc_auc_score(Y, S, average="samples"))
        assert mm.average_precision_score(Y, S, average="samples") == approx(
            skm.average_precision_score(Y, S, average="samples"))
    y, P = rng.integers(0, 3, 60), rng.dirichlet(np.ones(3), 60)
    assert mm.average_precision_score(y, P, average="samples") == approx(
        skm.average_precision_score(y, P, average="samples"))


def test_auc_of_points():
    assert mm.auc([0, 0.5, 1], [0, 1, 1]) == 0.75  # hand: 0.25 + 0.5
    assert mm.auc([1, 0.5, 0], [1, 1, 0]) == 0.75  # decreasing x
    with pytest.raises(ValueError, match="neither increasing nor decreasing"):
        mm.auc([0, 1, 0.5], [0, 1, 1])
    with pytest.raises(ValueError, match="At least 2 points"):
        mm.auc([0.5], [1])


# ---------------------------------------------------------------------------------------------
# DeLong: against the O(n^2) definition and pROC's published results
# ---------------------------------------------------------------------------------------------


def test_delong_covariance_matches_pairwise_definition(rng):
    n = 300
    y = rng.integers(0, 2, n).astype(bool)
    a = np.round(rng.random(n) + 0.5 * y, 1)  # ties
    b = np.round(0.5 * a + rng.random(n), 1)
    c = rng.integers(0, 5, n).astype(float)  # an ordinal score: heavy ties
    import array_api_compat.numpy as xp

    aucs, cov, _ = _delong_cov(y, np.stack([a, b, c]), xp)
    ref_aucs, ref_cov = pairwise_delong(y, [a, b, c])
    np.testing.assert_allclose(aucs, ref_aucs, **TOL)
    np.testing.assert_allclose(cov, ref_cov, **TOL)
    z, p = mm.delong_test(y, a, b)
    ref_z = (ref_aucs[0] - ref_aucs[1]) / np.sqrt(ref_cov[0, 0] + ref_cov[1, 1] - 2 * ref_cov[0, 1])
    assert z == approx(ref_z, **TOL)


# pROC's aSAH data (Turck et al. 2010; Robin et al. 2011, BMC Bioinformatics 12:77): 113
# patients after aneurysmal subarachnoid haemorrhage: outcome at 6 months (G good, P poor), the
# WFNS score (1-5) and serum S100B (ug/l).
ASAH = """
G,1,0.13 G,1,0.14 G,1,0.1 G,1,0.04 P,3,0.13 P,2,0.1 G,5,0.47 P,4,0.16 G,1,0.18 G,2,0.1 P,5,0.12
G,2,0.1 P,5,0.44 P,5,0.71 G,1,0.04 G,2,0.08 P,5,0.49 G,2,0.04 P,2,0.07 P,5,0.33 P,2,0.09
G,1,0.09 P,1,0.07 G,1,0.11 G,1,0.07 G,2,0.17 G,1,0.07 G,2,0.11 G,1,0.13 G,1,0.19 G,3,0.05
G,4,0.16 P,2,0.41 G,1,0.14 G,4,0.34 P,5,0.35 P,4,0.48 G,1,0.09 P,4,0.96 P,2,0.25 G,5,0.5
G,5,0.46 G,1,0.16 G,1,0.07 G,2,0.43 G,4,0.45 G,1,0.11 G,1,0.08 G,2,0.09 P,5,0.86 P,5,0.52
G,2,0.08 G,1,0.06 G,2,0.13 P,5,2.07 G,1,0.1 G,2,0.14 G,2,0.15 P,2,0.07 G,1,0.06 P,5,0.77
G,1,0.05 G,1,0.09 P,2,0.3 P,5,0.03 P,2,0.09 G,1,0.04 P,4,0.23 P,5,0.7 G,2,0.09 P,4,0.27 P,4,0.71
P,1,0.08 P,4,0.26 G,1,0.08 G,2,0.16 G,1,0.09 P,4,0.13 P,2,0.1 G,1,0.08 P,2,0.11 G,3,0.33
G,2,0.11 G,4,0.28 G,2,0.07 G,1,0.1 G,4,0.32 P,5,0.22 G,1,0.07 G,1,0.05 G,5,0.24 G,4,0.38 G,2,0.1
G,2,0.15 G,1,0.08 G,1,0.14 G,1,0.1 G,3,0.07 G,1,0.04 G,2,0.19 P,5,0.56 P,2,0.14 P,2,0.58
P,5,0.32 P,5,0.82 P,5,0.74 G,2,0.15 G,4,0.47 G,4,0.17 P,5,0.44 G,1,0.15 G,1,0.5 G,1,0.48
"""


@pytest.fixture(scope="module")
def asah():
    rows = [r.split(",") for r in ASAH.split()]
    outcome = np.array(["Poor" if r[0] == "P" else "Good" for r in rows])
    return outcome, np.array([float(r[1]) for r in rows]), np.array([float(r[2]) for r in rows])


def test_delong_against_pROC_published_values(asah):
    """pROC's own regression values (github.com/xrobin/pROC, tests/testthat/test-var.R and
    test-roc.test.R): var(r.wfns) = 0.00146991470882363, var(r.s100b) = 0.00266868245717244;
    roc.test(r.wfns, r.s100b): Z = 2.20898359144091, p = 0.0271757822291882; unpaired:
    D = 1.43490640926908, p = 0.152825378808796. 'Poor' is the case (positive) class."""
    outcome, wfns, s100b = asah
    assert outcome.shape == (113,) and (outcome == "Poor").sum() == 41
    import array_api_compat.numpy as xp

    _, cov, _ = _delong_cov(outcome == "Poor", np.stack([wfns, s100b]), xp)
    assert cov[0, 0] == approx(0.00146991470882363, rel=1e-12)
    assert cov[1, 1] == approx(0.00266868245717244, rel=1e-12)
    z, p = mm.delong_test(outcome, wfns, s100b)
    assert z == approx(2.20898359144091, rel=1e-12)
    assert p == approx(0.0271757822291882, rel=1e-10)
    z, p = mm.delong_test(outcome, s100b, wfns)
    assert (z, p) == (approx(-2.20898359144091, rel=1e-12),
                      approx(0.0271757822291882, rel=1e-10))
    d, p = mm.delong_test_unpaired(outcome, wfns, outcome, s100b)
    assert d == approx(1.43490640926908, rel=1e-12)
    assert p == approx(0.152825378808796, rel=1e-10)
    # the DeLong interval is AUC -/+ z_0.975 sqrt(var), with pROC's variance
    auc, lo, hi = mm.roc_auc_ci(outcome, s100b)
    half = 1.959963984540054 * np.sqrt(0.00266868245717244)
    assert (lo, hi) == (approx(auc - half, rel=1e-10), approx(auc + half, rel=1e-10))
    assert mm.delong_test(outcome, wfns, wfns) == (0.0, 1.0)  # pROC: identical curves


def test_degenerate_curves():
    """Perfect separation: DeLong's variance is 0, the interval a point, equal curves z = 0."""
    y, s = np.array([0, 0, 0, 1, 1, 1]), np.array([1.0, 2, 3, 4, 5, 6])
    assert mm.roc_auc_ci(y, s) == (1.0, 1.0, 1.0)
    assert mm.delong_test(y, s, 2 * s) == (0.0, 1.0)
    assert mm.delong_test_unpaired(y, s, y, s + 1) == (0.0, 1.0)
    with pytest.warns(UserWarning, match="zero variance"):
        assert np.isnan(mm.delong_test_unpaired(y, s, y, -s)[0])


def test_bootstrap_matches_reference_loop(binary_ties):
    """The count-based resample AUCs equal the AUCs of the resampled data, draw for draw."""
    y, s, _ = binary_ties
    pos, neg = s[y == 1], s[y == 0]
    ours = _bootstrap_aucs(pos, neg, 50, np.random.RandomState(3))
    rs = np.random.RandomState(3)  # the same draws: all positives' indices, then negatives'
    ip, in_ = rs.randint(pos.size, size=(50, pos.size)), rs.randint(neg.size, size=(50, neg.size))
    ref = [pairwise_auc(np.r_[np.ones(pos.size), np.zeros(neg.size)], np.r_[pos[i], neg[j]])
           for i, j in zip(ip, in_, strict=True)]
    np.testing.assert_allclose(ours, ref, **TOL)


def test_roc_auc_ci_bootstrap_is_stratified_percentile(binary_ties):
    y, s, _ = binary_ties
    auc, lo, hi = mm.roc_auc_ci(y, s, method="bootstrap", n_bootstraps=300, random_state=0)
    boot = _bootstrap_aucs(s[y == 1], s[y == 0], 300, np.random.RandomState(0))
    assert auc == approx(skm.roc_auc_score(y, s), **TOL)
    assert (lo, hi) == tuple(approx(v, **TOL) for v in np.percentile(boot, [2.5, 97.5]))
    # and close to DeLong's interval on 400 cases
    _, dlo, dhi = mm.roc_auc_ci(y, s)
    assert abs(lo - dlo) < 0.02 and abs(hi - dhi) < 0.02
    assert mm.roc_auc_ci(y, s, method="bootstrap", n_bootstraps=50, random_state=1) == \
        mm.roc_auc_ci(y, s, method="bootstrap", n_bootstraps=50, random_state=1)


# ---------------------------------------------------------------------------------------------
# Precision-recall and the classification scores against scikit-learn
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("drop", [False, True])
def test_precision_recall_curve_and_ap_match_sklearn(binary_ties, drop):
    y, s, w = binary_ties
    for weight in (None, w):
        kw = dict(sample_weight=weight)
        assert_curves_equal(mm.precision_recall_curve(y, s, drop_intermediate=drop, **kw),
                            skm.precision_recall_curve(y, s, drop_intermediate=drop, **kw))
        assert mm.average_precision_score(y, s, **kw) == approx(
            skm.average_precision_score(y, s, **kw), **TOL)
    ys = np.array(["no", "yes"])[y]
    assert mm.average_precision_score(ys, s, pos_label="no") == approx(
        skm.average_precision_score(ys, s, pos_label="no"), **TOL)


def test_average_precision_multiclass_matches_sklearn(multiclass):
    y, P = multiclass
    for average in ("micro", "macro", "weighted"):
        assert mm.average_precision_score(y, P, average=average) == approx(
            skm.average_precision_score(y, P, average=average), **TOL)


@pytest.fixture
def predictions(rng):
    n = 300
    y = rng.integers(0, 4, n)
    p = np.where(rng.random(n) < 0.6, y, rng.integers(0, 4, n))
    return y, p, rng.random(n)


def test_confusion_matrix_matches_sklearn(predictions):
    y, p, w = predictions
    names = np.array(["ant", "bee", "cat", "dog"])
    for kw in ({}, {"sample_weight": w}, {"labels": [3, 1]}, {"normalize": "true"},
               {"normalize": "pred", "sample_weight": w}, {"normalize": "all"}):
        ours, theirs = mm.confusion_matrix(y, p, **kw), skm.confusion_matrix(y, p, **kw)
        assert ours.dtype == theirs.dtype
        np.testing.assert_allclose(ours, theirs, **TOL)
    np.testing.assert_array_equal(mm.confusion_matrix(names[y], names[p]),
                                  skm.confusion_matrix(names[y], names[p]))


@pytest.mark.parametrize("metric", ["precision_score", "recall_score", "f1_score"])
@pytest.mark.parametrize("average", ["micro", "macro", "weighted", None])
def test_prf_match_sklearn(predictions, metric, average):
    y, p, w = predictions
    ours, theirs = getattr(mm, metric), getattr(skm, metric)
    for kw in ({}, {"sample_weight": w}, {"labels": [0, 2]}):
        np.testing.assert_allclose(ours(y, p, average=average, **kw),
                                   theirs(y, p, average=average, **kw), **TOL)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndefinedMetricWarning)
        for zd in (0.0, 1.0):  # label 7 never occurs: 0/0
            np.testing.assert_allclose(
                ours(y, p, average=average, labels=[0, 7], zero_division=zd),
                theirs(y, p, average=average, labels=[0, 7], zero_division=zd), **TOL)


@pytest.mark.parametrize("metric", ["precision_score", "recall_score", "f1_score"])
def test_binary_prf_and_accuracy_match_sklearn(predictions, metric):
    y, p, w = predictions
    yb, pb = y % 2, p % 2
    ours, theirs = getattr(mm, metric), getattr(skm, metric)
    assert ours(yb, pb) == approx(theirs(yb, pb), **TOL)
    assert ours(yb, pb, sample_weight=w) == approx(theirs(yb, pb, sample_weight=w), **TOL)
    ys, ps = np.array(["neg", "pos"])[yb], np.array(["neg", "pos"])[pb]
    assert ours(ys, ps, pos_label="neg") == approx(theirs(ys, ps, pos_label="neg"), **TOL)
    assert mm.accuracy_score(y, p, sample_weight=w) == approx(
        skm.accuracy_score(y, p, sample_weight=w), **TOL)
    assert mm.accuracy_score(y, p, normalize=False) == skm.accuracy_score(y, p, normalize=False)


def test_log_loss_matches_sklearn(multiclass, rng):
    y, P = multiclass
    w = rng.random(y.shape[0])
    assert mm.log_loss(y, P) == approx(skm.log_loss(y, P), **TOL)
    assert mm.log_loss(y, P, sample_weight=w, normalize=False) == approx(
        skm.log_loss(y, P, sample_weight=w, normalize=False), **TOL)
    yb, pb = (y == 0).astype(int), np.clip(P[:, 0], 0, 1)
    assert mm.log_loss(yb, pb) == approx(skm.log_loss(yb, pb), **TOL)
    assert mm.log_loss([1, 1], [[0.3, 0.7], [0.1, 0.9]], labels=[0, 1]) == approx(
        skm.log_loss([1, 1], [[0.3, 0.7], [0.1, 0.9]], labels=[0, 1]), **TOL)


def test_classification_report_matches_sklearn(predictions):
    y, p, w = predictions
    names = np.array(["ant", "bee", "cat", "dog"])
    for kw in ({}, {"digits": 4}, {"labels": [0, 1]}, {"target_names": ["a", "b", "c", "d"]}):
        assert mm.classification_report(y, p, **kw) == skm.classification_report(y, p, **kw)
        assert mm.classification_report(y, p, output_dict=True, **kw) == \
            skm.classification_report(y, p, output_dict=True, **kw)
    # weighted supports are float sums, equal up to the order of summation
    ours = mm.classification_report(y, p, sample_weight=w, output_dict=True)
    theirs = skm.classification_report(y, p, sample_weight=w, output_dict=True)
    assert ours.keys() == theirs.keys()
    for key, row in theirs.items():
        assert ours[key] == (approx(row) if key == "accuracy" else
                             {k: approx(v) for k, v in row.items()})
    assert mm.classification_report(names[y], names[p]) == \
        skm.classification_report(names[y], names[p])


# ---------------------------------------------------------------------------------------------
# Bad input
# ---------------------------------------------------------------------------------------------


def test_bad_input_messages(binary_ties, multiclass):
    y, s, _ = binary_ties
    with pytest.warns(UndefinedMetricWarning, match="Only one class is present in y_true"):
        assert np.isnan(mm.roc_auc_score(np.ones(5), np.arange(5.0)))
    for fn in (mm.roc_auc_ci, lambda yy, ss: mm.delong_test(yy, ss, ss)):
        with pytest.raises(ValueError, match="Only one class is present in y_true"):
            fn(np.ones(5), np.arange(5.0))
    bad = s.copy()
    bad[3] = np.nan
    for fn in (mm.roc_curve, mm.roc_auc_score, mm.roc_auc_ci, mm.precision_recall_curve):
        with pytest.raises(ValueError, match="Input contains NaN"):
            fn(y, bad)
    for fn in (mm.roc_curve, mm.roc_auc_score, mm.roc_auc_ci, mm.confusion_matrix,
               mm.accuracy_score, mm.f1_score):
        with pytest.raises(ValueError, match="inconsistent numbers of samples"):
            fn(y, s[:-1])
    yk, P = multiclass
    with pytest.raises(ValueError, match="Target scores need to be probabilities"):
        mm.roc_auc_score(yk, P * 2, multi_class="ovr")
    with pytest.raises(ValueError, match=r"multi_class must be in \('ovo', 'ovr'\)"):
        mm.roc_auc_score(yk, P)
    with pytest.raises(ValueError, match="Partial AUC computation not available"):
        mm.roc_auc_score(yk, P, multi_class="ovr", max_fpr=0.5)
    for c in (0, 1, 1.5, -0.1):
        with pytest.raises(ValueError, match=r"'confidence' parameter .* range \(0.0, 1.0\)"):
            mm.roc_auc_ci(y, s, confidence=c)
    with pytest.raises(ValueError, match="pos_label is not specified"):
        mm.roc_curve(np.array(["a", "b"])[y], s)
    with pytest.raises(ValueError, match="y_prob contains values greater than 1"):
        mm.log_loss(y, s + 1)
    with pytest.raises(ValueError, match="Target is multiclass but average='binary'"):
        mm.f1_score(yk, yk)


def test_inputs_are_not_modified(binary_ties):
    y, s, w = binary_ties
    copies = y.copy(), s.copy(), w.copy()
    mm.roc_curve(y, s, sample_weight=w)
    mm.roc_auc_score(y, s, sample_weight=w)
    mm.roc_auc_ci(y, s, method="bootstrap", n_bootstraps=20)
    for a, b in zip((y, s, w), copies, strict=True):
        np.testing.assert_array_equal(a, b)


# ---------------------------------------------------------------------------------------------
# Array namespaces
# ---------------------------------------------------------------------------------------------


def _namespace_of(backend):
    return "numpy" if backend.name == "dask" else backend.name


def test_ranking_on_backends(backend, binary_ties):
    y, s, w = binary_ties
    ns = _namespace_of(backend)
    yx, sx, wx = backend.asarray(y), backend.asarray(s), backend.asarray(w)
    dev = None if backend.name == "dask" else backend.device
    for ours, theirs in zip(mm.roc_curve(yx, sx, sample_weight=wx),
                            skm.roc_curve(y, s, sample_weight=w), strict=True):
        assert_allclose_xp(ours, theirs, namespace=ns, device=dev, **TOL)
    for ours, theirs in zip(mm.precision_recall_curve(yx, sx), skm.precision_recall_curve(y, s),
                            strict=True):
        assert_allclose_xp(ours, theirs, namespace=ns, device=dev, **TOL)
    assert mm.roc_auc_score(yx, sx) == approx(skm.roc_auc_score(y, s), **TOL)
    assert mm.roc_auc_score(yx, sx, sample_weight=wx, max_fpr=0.3) == approx(
        skm.roc_auc_score(y, s, sample_weight=w, max_fpr=0.3), **TOL)
    assert mm.average_precision_score(yx, sx) == approx(
        skm.average_precision_score(y, s), **TOL)
    assert mm.roc_auc_ci(yx, sx) == approx(mm.roc_auc_ci(y, s), **TOL)
    assert mm.delong_test(yx, sx, backend.asarray(s[::-1].copy())) == approx(
        mm.delong_test(y, s, s[::-1].copy()), **TOL)


def test_multiclass_auc_on_backends(backend, multiclass):
    y, P = multiclass
    yx, Px = backend.asarray(y), backend.asarray(P)
    for mc in ("ovr", "ovo"):
        assert mm.roc_auc_score(yx, Px, multi_class=mc) == approx(
            skm.roc_auc_score(y, P, multi_class=mc), **TOL)


def test_classification_on_backends(backend, predictions, multiclass):
    y, p, w = predictions
    yx, px, wx = backend.asarray(y), backend.asarray(p), backend.asarray(w)
    ns = _namespace_of(backend)
    dev = None if backend.name == "dask" else backend.device
    assert_allclose_xp(mm.confusion_matrix(yx, px), skm.confusion_matrix(y, p), namespace=ns,
                       device=dev)
    assert_allclose_xp(mm.confusion_matrix(yx, px, sample_weight=wx, normalize="true"),
                       skm.confusion_matrix(y, p, sample_weight=w, normalize="true"),
                       namespace=ns, device=dev, **TOL)
    assert mm.accuracy_score(yx, px) == approx(skm.accuracy_score(y, p), **TOL)
    for average in ("micro", "macro", "weighted"):
        assert mm.f1_score(yx, px, average=average, sample_weight=wx) == approx(
            skm.f1_score(y, p, average=average, sample_weight=w), **TOL)
    yk, P = multiclass
    assert mm.log_loss(backend.asarray(yk), backend.asarray(P)) == approx(
        skm.log_loss(yk, P), **TOL)


def test_capabilities_cover_every_function():
    public = {n for n in mm.__all__ if n != "CAPABILITIES" and not n.startswith("plot_")}
    assert set(mm.CAPABILITIES) == public
    for entry in mm.CAPABILITIES.values():
        assert isinstance(entry, FunctionCapabilities)
        assert set(entry.native) | set(entry.moved) == set(NAMESPACES)
        assert "numpy" in entry.native and "array_api_strict" in entry.native


# ---------------------------------------------------------------------------------------------
# Plots
# ---------------------------------------------------------------------------------------------


def test_plots_draw(binary_ties, predictions):
    mpl = pytest.importorskip("matplotlib")
    mpl.use("Agg")
    import matplotlib.pyplot as plt

    y, s, _ = binary_ties
    ax = mm.plot_roc_curve(y, s, name="model", n_bootstraps=30)
    auc, lo, hi = mm.roc_auc_ci(y, s)
    assert f"AUC = {auc:.3f} [{lo:.3f}, {hi:.3f}]" in ax.get_legend().get_texts()[0].get_text()
    assert len(ax.collections) == 1  # the band
    ax = mm.plot_precision_recall_curve(y, s)
    assert "AP = " in ax.get_legend().get_texts()[0].get_text()
    yk, pk, _ = predictions
    ax = mm.plot_confusion_matrix(yk, pk)
    assert len(ax.texts) == 16
    plt.close("all")


# ---------------------------------------------------------------------------------------------
# Invariances (hypothesis)
# ---------------------------------------------------------------------------------------------

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@st.composite
def labelled_scores(draw):
    n = draw(st.integers(4, 40))
    y = np.array(draw(st.lists(st.integers(0, 1), min_size=n, max_size=n)))
    if y.min() == y.max():
        y[0] = 1 - y[0]
    s = np.array(draw(st.lists(st.integers(-5, 5), min_size=n, max_size=n)), dtype=float)
    return y, s


@settings(max_examples=40, deadline=None)
@given(labelled_scores(), st.randoms(use_true_random=False))
def test_auc_invariances(data, random):
    """AUC depends only on the ranks: unchanged by a strictly increasing map and by row order;
    reversing the scores gives 1 - AUC; it always equals the pairwise definition."""
    y, s = data
    auc = mm.roc_auc_score(y, s)
    assert auc == approx(pairwise_auc(y, s))
    assert mm.roc_auc_score(y, np.exp(s / 3) + 7) == approx(auc)
    order = np.array(random.sample(range(len(y)), len(y)))
    assert mm.roc_auc_score(y[order], s[order]) == approx(auc)
    assert mm.roc_auc_score(y, -s) == approx(1 - auc)
    assert mm.roc_auc_score(np.array(["x", "y"])[y], s) == approx(auc)


@settings(max_examples=30, deadline=None)
@given(labelled_scores(), labelled_scores())
def test_delong_matches_pairwise_on_small_tied_data(a, b):
    """The sort-based DeLong covariance equals the O(m n) definition on any small tied data."""
    import array_api_compat.numpy as xp

    y, s1 = a
    s2 = np.resize(b[1], y.shape[0])
    if min(y.sum(), (1 - y).sum()) < 2:
        return
    aucs, cov, _ = _delong_cov(y.astype(bool), np.stack([s1, s2]), xp)
    ref_aucs, ref_cov = pairwise_delong(y, [s1, s2])
    np.testing.assert_allclose(aucs, ref_aucs, **TOL)
    np.testing.assert_allclose(cov, ref_cov, **TOL)


def test_bad_inputs_get_scikit_learns_errors():
    # found by a randomized comparison with scikit-learn: all-zero weights, scores passed as
    # labels, empty input, 2-D scores for a binary target
    y, p, s = [0, 1, 1, 0], [0, 1, 0, 0], [0.1, 0.9, 0.4, 0.3]
    cases = [
        ("accuracy_score", (y, p), {"sample_weight": [0, 0, 0, 0]}),
        ("confusion_matrix", (y, p), {"sample_weight": [0, 0, 0, 0]}),
        ("f1_score", (y, p), {"sample_weight": [0, 0, 0, 0]}),
        ("log_loss", (y, s), {"sample_weight": [0, 0, 0, 0]}),
        ("roc_auc_score", (y, s), {"sample_weight": [0, 0, 0, 0]}),
        ("roc_curve", (y, s), {"sample_weight": [0, 0, 0, 0]}),
        ("average_precision_score", (y, s), {"sample_weight": [0, 0, 0, 0]}),
        ("accuracy_score", ([0, 1], [0.5, 1]), {}),
        ("accuracy_score", ([0.5, 1], [0.5, 1]), {}),
        ("precision_score", ([0, 1, 2], [0.5, 1, 2]), {"average": "macro"}),
        ("accuracy_score", ([], []), {}),
    ]
    for name, args, kwargs in cases:
        with pytest.raises(ValueError) as theirs:
            getattr(skm, name)(*args, **kwargs)
        with pytest.raises(ValueError, match=re.escape(str(theirs.value)[:40])):
            getattr(mm, name)(*args, **kwargs)
    with pytest.raises(ValueError, match="1-D"):
        mm.average_precision_score([0, 1, 0, 1], [[0.2, 0.8], [0.1, 0.9], [0.6, 0.4],
                                                   [0.3, 0.7]])


def test_weighted_average_without_support_is_the_plain_mean_as_sklearn():
    for name in ("precision_score", "recall_score", "f1_score"):
        for args, kwargs in [(([0, 0], [1, 1]), dict(labels=[1], zero_division=1.0)),
                             (([0, 1], [2, 3]), dict(zero_division=np.nan))]:
            ours = getattr(mm, name)(*args, average="weighted", **kwargs)
            theirs = getattr(skm, name)(*args, average="weighted", **kwargs)
            assert ours == theirs, (name, args, kwargs)


# ---------------------------------------------------------------------------------------------
# Multilabel indicator targets, dense and scipy.sparse (where scikit-learn takes sparse input)
# ---------------------------------------------------------------------------------------------


def _multilabel(seed=0):
    rng = np.random.default_rng(seed)
    Y = (rng.random((60, 4)) < 0.4).astype(int)
    P = (rng.random((60, 4)) < 0.4).astype(int)
    Y[3], P[3], Y[5] = 0, 0, 0  # samples with no true (and no predicted) label
    P[:, 3] = 0  # a label never predicted
    return Y, P, rng.random(60)


_INDICATOR_FORMS = {"dense": np.asarray, "csr_array": None, "csc_matrix": None}


def _form(name, a):
    import scipy.sparse as sp

    return np.asarray(a) if name == "dense" else getattr(sp, name)(a)


@pytest.mark.parametrize("form", list(_INDICATOR_FORMS))
@pytest.mark.parametrize("weighted", [False, True])
def test_multilabel_scores_equal_scikit_learn(form, weighted):
    Y, P, sw = _multilabel()
    w = sw if weighted else None
    Yf, Pf = _form(form, Y), _form(form, P)
    for normalize in (True, False):
        assert mm.accuracy_score(Yf, Pf, normalize=normalize, sample_weight=w) == approx(
            skm.accuracy_score(Yf, Pf, normalize=normalize, sample_weight=w))
    for name in ("precision_score", "recall_score", "f1_score"):
        for average in ("micro", "macro", "weighted", "samples", None):
            for labels in (None, [2, 0, 3]):
                for zero_division in ("warn", 0.0, 1.0, np.nan):
                    kw = dict(average=average, labels=labels, sample_weight=w,
                              zero_division=zero_division)
                    with warnings.catch_warnings(record=True) as ours_w:
                        warnings.simplefilter("always")
                        ours = getattr(mm, name)(Yf, Pf, **kw)
                    with warnings.catch_warnings(record=True) as theirs_w:
                        warnings.simplefilter("always")
                        theirs = getattr(skm, name)(Yf, Pf, **kw)
                    np.testing.assert_allclose(ours, theirs, err_msg=f"{name} {kw}", **TOL)
                    assert sorted(str(x.message) for x in ours_w) == sorted(
                        str(x.message) for x in theirs_w), (name, kw)
    kw = dict(sample_weight=w, zero_division=0.0)
    if not weighted:  # the text: same supports (integers) and digits
        assert mm.classification_report(Yf, Pf, **kw) == skm.classification_report(Yf, Pf, **kw)
    ours = mm.classification_report(Yf, Pf, output_dict=True, target_names=list("abcd"), **kw)
    theirs = skm.classification_report(Yf, Pf, output_dict=True, target_names=list("abcd"),
                                       **kw)
    assert ours.keys() == theirs.keys()
    for key in ours:
        assert ours[key] == approx(theirs[key]), key


def test_multilabel_and_sparse_errors_are_scikit_learns():
    import scipy.sparse as sp

    Y, P, _ = _multilabel()
    cases = [
        ("f1_score", (Y, P), {}),  # average='binary'
        ("f1_score", (Y, P), {"labels": [0, 5], "average": "macro"}),
        ("f1_score", (Y, P), {"labels": [-1, 1], "average": "macro"}),
        ("f1_score", (Y, P[:, :3]), {"average": "macro"}),
        ("precision_score", (Y, P[:, 0]), {"average": "macro"}),
        ("accuracy_score", (Y[:, 0], sp.csr_array(P[:, :1])), {}),
        ("precision_score", (Y[:, 0], P[:, 0]), {"average": "samples"}),
        ("confusion_matrix", (sp.csr_array(Y), sp.csr_array(P)), {}),
        ("roc_auc_score", (sp.csr_array(Y), P * 0.5), {}),
        ("roc_auc_score", (Y, sp.csr_array(P * 0.5)), {}),
        ("average_precision_score", (sp.csr_array(Y), P * 0.5), {}),
        ("roc_curve", (sp.csr_array(Y[:, :1]), P[:, 0] * 0.5), {}),
        ("precision_recall_curve", (sp.csr_array(Y[:, :1]), P[:, 0] * 0.5), {}),
        ("auc", (sp.csr_array(Y[:, :1]), P[:, 0]), {}),
    ]
    for name, args, kw in cases:
        with pytest.raises(Exception) as theirs:
            getattr(skm, name)(*args, **kw)
        # the same builtin kind (scikit-learn's InvalidParameterError is mlkit's: ValueError
        # and TypeError both) and the same message
        kind = ValueError if issubclass(theirs.type, ValueError) else TypeError
        with pytest.raises(kind, match="^" + re.escape(str(theirs.value)) + "$"):
            getattr(mm, name)(*args, **kw)


def test_metrics_without_a_scikit_learn_twin_refuse_sparse_input():
    import scipy.sparse as sp

    y = np.array([0, 1, 1, 0, 1, 0])
    s = np.array([0.1, 0.8, 0.6, 0.3, 0.9, 0.2])
    ys = sp.csr_array(y[:, None])
    for call in (lambda: mm.roc_auc_ci(ys, s), lambda: mm.delong_test(ys, s, s),
                 lambda: mm.delong_test_unpaired(y, sp.csr_array(s[:, None]), y, s),
                 lambda: mm.log_loss(ys, s)):
        with pytest.raises(ValueError, match="must be an array-like"):
            call()
