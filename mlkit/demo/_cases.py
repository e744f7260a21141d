"""The demo's rows: each names an mlkit model, its scikit-learn twin and how to compare them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class Case:
    """One row of the table: a model of mlkit's and its scikit-learn twin."""

    name: str
    ours: object  # a factory: () -> unfitted estimator
    theirs: object
    compare: object  # (ours_fitted, theirs_fitted, data) -> (score, agreement, ok)
    raw: bool = False  # fit on the unstandardized data (the scalers)
    frame: bool = False  # fit on every column, categorical ones included
    max_train: int = 0  # fit on at most this many training rows (0: all)
    # theirs is None where there is no scikit-learn model to fit (no twin; the metrics rows)


@dataclass
class Result:
    """A fitted row of the table."""

    case: Case
    ours: object
    theirs: object
    score: str
    agreement: str
    ok: bool


# --- comparisons --------------------------------------------------------------------------------


def compare_transform(tol):
    """Scalers: the largest difference of the two transforms of the training data."""

    def compare(ours, theirs, data):
        X = data.raw_train
        diff = float(np.max(np.abs(np.asarray(ours.transform(X)) - theirs.transform(X))))
        return "-", f"max abs diff {diff:.1e}", diff <= tol

    return compare


def compare_components(tol):
    """PCA: components (scikit-learn's sign rule on both sides) and explained variance."""

    def compare(ours, theirs, data):
        diff = float(np.max(np.abs(ours.components_ - theirs.components_)))
        ev = float(np.sum(ours.explained_variance_ratio_))
        return f"{ev:.3f} var", f"components max abs diff {diff:.1e}", diff <= tol

    return compare


def compare_classifier(tol, output="predict_proba"):
    """Classifiers: test accuracy, share of identical predictions, largest output difference."""

    def compare(ours, theirs, data):
        X = data.X_test
        p_ours, p_theirs = np.asarray(ours.predict(X)), theirs.predict(X)
        same = float(np.mean(p_ours == p_theirs))
        ties = 0.0  # rows whose top two outputs are equal: either class is right
        if hasattr(theirs, "predict_proba") and output == "predict_proba" and same < 1.0:
            top2 = np.sort(theirs.predict_proba(X), axis=1)[:, -2:]
            ties = float(np.mean((p_ours != p_theirs) & (top2[:, 1] - top2[:, 0] <= 1e-12)))
        acc = float(np.mean(p_ours == data.y_test))
        text = f"{same:.0%} same predictions" + (f" ({ties:.0%} ties)" if ties else "")
        ok = same + ties >= 1.0
        if tol is not None and hasattr(ours, output):
            diff = float(np.max(np.abs(np.asarray(getattr(ours, output)(X))
                                       - getattr(theirs, output)(X))))
            text += f", {output.replace('predict_', '')} max abs diff {diff:.1e}"
            ok = ok and diff <= tol
        if tol is None:  # a nearest twin, not the same algorithm: agreement is information
            text += " (nearest twin)"
            ok = True
        return f"{acc:.3f} acc", text, ok

    return compare


def compare_clusterer(tol):
    """Clusterings: adjusted Rand index against the classes, and between the two models."""

    def compare(ours, theirs, data):
        from sklearn.metrics import adjusted_rand_score

        X = data.X_test
        a, b = np.asarray(ours.predict(X)), theirs.predict(X)
        between = adjusted_rand_score(a, b)
        means = getattr(ours, "means_", getattr(ours, "cluster_centers_", None))
        ref = getattr(theirs, "means_", getattr(theirs, "cluster_centers_", None))
        diff = float(np.max(np.abs(np.asarray(means) - ref)))
        text = f"ARI between them {between:.3f}, centres max abs diff {diff:.1e}"
        return f"{adjusted_rand_score(data.y_test, a):.3f} ARI", text, diff <= tol

    return compare


def cases(data):
    """The demo's rows, in the order of the toolkit's topics, for the columns ``data`` has."""
    from sklearn import preprocessing as skp

    from .. import preprocessing as mkp

    if not data.has_numeric:
        return _categorical_cases()
    rows = [
        Case("StandardScaler (z-score)", mkp.StandardScaler, skp.StandardScaler,
             compare_transform(1e-12), raw=True),
        Case("StandardScaler (zero-mean)", lambda: mkp.StandardScaler(with_std=False),
             lambda: skp.StandardScaler(with_std=False), compare_transform(1e-12), raw=True),
        Case("MinMaxScaler", mkp.MinMaxScaler, skp.MinMaxScaler, compare_transform(1e-12),
             raw=True),
        Case("DecimalScaler (vs x / 10**j by hand)", mkp.DecimalScaler, _DecimalByHand,
             compare_transform(0.0), raw=True),
        Case("Normalizer (l2)", mkp.Normalizer, skp.Normalizer, compare_transform(1e-12),
             raw=True),
    ]
    rows += _decomposition_cases(min(2, data.X_train.shape[1]))
    for builder in (_lda_cases, _linear_model_cases, _naive_bayes_cases, _mixture_cases,
                    _tree_cases, _svm_cases, _neural_network_cases, _metrics_cases):
        rows += builder()
    if data.has_categorical:
        rows += _categorical_cases()
    return rows


def _decomposition_cases(k):
    from sklearn import decomposition as skd

    from .. import decomposition as mkd

    return [Case(f"PCA ({k} component{'s' if k > 1 else ''})", lambda: mkd.PCA(k),
                 lambda: skd.PCA(k), compare_components(1e-6))]


def _lda_cases():
    from sklearn import discriminant_analysis as skl

    from .. import discriminant_analysis as mkl

    return [Case(f"LDA ({solver})", lambda s=solver: mkl.LinearDiscriminantAnalysis(solver=s),
                 lambda s=solver: skl.LinearDiscriminantAnalysis(solver=s),
                 compare_classifier(1e-6)) for solver in ("svd", "eigen", "lsqr")]


def _linear_model_cases():
    """Logistic regression by each of mlkit's solvers, next to scikit-learn's solver of the same
    objective: L-BFGS (the same iterates), Newton (natural gradient), L1 (saga)."""
    import sklearn
    from sklearn import linear_model as skl

    from .. import linear_model as mkl

    # scikit-learn 1.8 reads the penalty from l1_ratio; older releases need penalty='l1'
    new = tuple(int(p) for p in sklearn.__version__.split(".")[:2]) >= (1, 8)
    l1 = {"l1_ratio": 1.0} if new else {"penalty": "l1"}
    return [
        Case("LogisticRegression (lbfgs)", mkl.LogisticRegression, skl.LogisticRegression,
             compare_classifier(1e-6)),
        Case("LogisticRegression (natural gradient = Newton)",
             lambda: mkl.LogisticRegression(solver="natural", tol=1e-8),
             lambda: skl.LogisticRegression(solver="newton-cholesky", tol=1e-8),
             compare_classifier(1e-6)),
        Case("LogisticRegression (L1, FISTA vs saga)",
             lambda: mkl.LogisticRegression("l1", solver="fista", tol=1e-9, max_iter=100000),
             lambda: skl.LogisticRegression(solver="saga", tol=1e-9, max_iter=100000,
                                             random_state=0, **l1),  # saga shuffles
             compare_classifier(1e-5)),
    ]


def _naive_bayes_cases():
    from sklearn import naive_bayes as skn

    from .. import naive_bayes as mkn

    return [Case("GaussianNB", mkn.GaussianNB, skn.GaussianNB, compare_classifier(1e-9)),
            Case("BernoulliNB (binarize=0)", mkn.BernoulliNB, skn.BernoulliNB,
                 compare_classifier(1e-9))]


def _mixture_cases():
    from sklearn import cluster as skc
    from sklearn import mixture as skm

    from .. import cluster as mkc
    from .. import mixture as mkm

    def gmm(lib, kind):
        return lambda: lib.GaussianMixture(3, covariance_type=kind, random_state=0,
                                           init_params="random_from_data")

    def km(lib):
        return lambda: lib.KMeans(3, init="random", n_init=1, random_state=0)

    rows = [Case(f"GaussianMixture ({kind})", gmm(mkm, kind), gmm(skm, kind),
                 compare_clusterer(1e-6)) for kind in ("full", "tied", "diag", "spherical")]
    rows.append(Case("KMeans", km(mkc), km(skc), compare_clusterer(1e-9)))
    return rows


def _tree_cases():
    from sklearn import tree as skt

    from .. import tree as mkt

    def cart(lib, criterion):
        return lambda: lib.DecisionTreeClassifier(criterion=criterion, random_state=0)

    rows = [Case(f"DecisionTreeClassifier ({c})", cart(mkt, c), cart(skt, c),
                 compare_classifier(1e-12)) for c in ("gini", "entropy")]
    rows.append(Case("C45Classifier (vs CART entropy)", mkt.C45Classifier, cart(skt, "entropy"),
                     compare_classifier(None)))
    return rows


def compare_alone(why):
    """A model without a scikit-learn twin: its test accuracy, and why there is no twin."""

    def compare(ours, theirs, data):
        acc = float(np.mean(np.asarray(ours.predict(data.frame_test)) == data.y_test))
        return f"{acc:.3f} acc", f"no scikit-learn twin: {why}", True

    return compare


def _categorical_cases():
    """Models that take categorical columns as they are (multiway splits, category counts)."""
    from .. import naive_bayes as mkn
    from .. import tree as mkt

    return [
        Case("C45Classifier (every column)", mkt.C45Classifier, None,
             compare_alone("gain ratio, multiway categorical splits"), frame=True),
        Case("ID3Classifier (every column)", mkt.ID3Classifier, None,
             compare_alone("information gain, multiway splits"), frame=True),
        Case("MixedNB (every column)", mkn.MixedNB, None,
             compare_alone("Gaussian and categorical columns in one model"), frame=True),
    ]


def _svm_cases():
    from sklearn import svm as sks

    from .. import svm as mks

    # the interior-point QP grows as n³: its rows fit on at most 2000 training rows
    rows = [Case(f"SVC ({k}, {s})", lambda k=k, s=s: mks.SVC(kernel=k, solver=s, tol=1e-6),
                 lambda k=k: sks.SVC(kernel=k, tol=1e-6),
                 compare_classifier(1e-3, output="decision_function"),
                 max_train=2000 if s == "cvxpy" else 0)
            for k, s in (("linear", "cvxpy"), ("rbf", "cvxpy"), ("rbf", "smo"))]
    return rows


def _neural_network_cases():
    """MLPClassifier next to scikit-learn's, with the same parameters and random_state: the
    same initial weights, shuffles and updates, so the two agree to rounding.

    Both run exactly ``max_iter`` epochs (``n_iter_no_change=max_iter`` turns the stopping rule
    off): a stopping test ``loss > best − tol`` decided on losses that differ by rounding could
    stop one side an epoch earlier on some data set, which is not a disagreement of the
    algorithms. The epochs agree to about 1e-15; 200 of them stay far below the tolerance
    1e-9, while one epoch more or less on one side (or any slip in the draws) moves the
    probabilities by 1e-4 or more. The ConvergenceWarning that running all the epochs gives is
    silenced.
    """
    import warnings

    from sklearn import neural_network as skn
    from sklearn.exceptions import ConvergenceWarning

    from .. import neural_network as mkn

    class Quiet:
        """An estimator whose fit does not print the ConvergenceWarning (answers as it)."""

        def __init__(self, est):
            self.est = est

        def fit(self, X, y):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                self.est.fit(X, y)
            return self

        def __getattr__(self, name):
            return getattr(self.est, name)

    common = {"hidden_layer_sizes": (16,), "max_iter": 200, "n_iter_no_change": 200,
              "random_state": 0}
    solvers = {"adam": {"solver": "adam", "learning_rate_init": 0.01},
               "sgd, momentum": {"solver": "sgd", "momentum": 0.9, "learning_rate_init": 0.05}}
    return [Case(f"MLPClassifier ({name})",
                 lambda p=params: Quiet(mkn.MLPClassifier(**common, **p)),
                 lambda p=params: Quiet(skn.MLPClassifier(**common, **p)),
                 compare_classifier(1e-9)) for name, params in solvers.items()]


class _Scores:
    """Stands in for a model in the metrics rows: Gaussian NB's test-set class probabilities.

    Both sides of a metrics row score the same probabilities, one with mlkit.metrics and one
    with sklearn.metrics, so the row measures the metric, not the model.
    """

    def fit(self, X, y):
        from sklearn.naive_bayes import GaussianNB

        self.model_ = GaussianNB().fit(X, y)
        return self


def compare_auc(data_kind):
    def compare(ours, theirs, data):
        from sklearn import metrics as skm

        from .. import metrics as mkm

        proba = ours.model_.predict_proba(data.X_test)
        classes = ours.model_.classes_
        if data_kind == "ovr":
            scores = proba[:, 1] if proba.shape[1] == 2 else proba  # binary: P(second class)
            a = mkm.roc_auc_score(data.y_test, scores, multi_class="ovr")
            b = skm.roc_auc_score(data.y_test, scores, multi_class="ovr")
            diff = abs(float(a) - b)
            return f"{a:.3f} AUC", f"abs diff {diff:.1e}", diff <= 1e-12
        y = (data.y_test == classes[-1]).astype(int)
        auc, lo, hi = mkm.roc_auc_ci(y, proba[:, -1])
        diff = abs(float(auc) - skm.roc_auc_score(y, proba[:, -1]))
        return (f"{auc:.3f} AUC", f"95% DeLong CI [{lo:.3f}, {hi:.3f}], AUC abs diff {diff:.1e}",
                diff <= 1e-12)

    return compare


def _metrics_cases():
    # one model's scores, measured by mlkit.metrics and sklearn.metrics inside compare_auc
    return [Case("roc_auc_score (Gaussian NB's probabilities)", _Scores, None,
                 compare_auc("ovr")),
            Case("roc_auc_ci (last class vs rest, DeLong)", _Scores, None,
                 compare_auc("binary"))]




class _DecimalByHand:
    """Decimal scaling written out with NumPy, the reference for mlkit's DecimalScaler."""

    def fit(self, X, y=None):
        m = np.abs(X).max(axis=0)
        j = np.zeros_like(m)
        for col, value in enumerate(m):  # a loop over columns, counting digits by hand
            while value / 10.0 ** j[col] >= 1:
                j[col] += 1
            while value > 0 and value / 10.0 ** (j[col] - 1) < 1:
                j[col] -= 1
        self.scale_ = 10.0**j
        return self

    def transform(self, X):
        return X / self.scale_
