"""Naive Bayes against scikit-learn, against a hand computation, block-wise fits, bad input."""

from __future__ import annotations

import warnings
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
import sklearn.naive_bayes as sk
from hypothesis import given, settings
from hypothesis import strategies as st

from mlkit._array import is_lazy, to_host
from mlkit.datasets import load
from mlkit.naive_bayes import BernoulliNB, CategoricalNB, GaussianNB, MixedNB, MultinomialNB

RTOL = 1e-10
METHODS = ("predict_joint_log_proba", "predict_log_proba", "predict_proba")
GAUSS_ATTRS = ("theta_", "var_", "class_count_", "class_prior_", "epsilon_")
COUNT_ATTRS = ("class_count_", "feature_count_", "feature_log_prob_", "class_log_prior_")
CAT_ATTRS = ("class_count_", "category_count_", "feature_log_prob_", "class_log_prior_",
             "n_categories_")


def _close(a, b, what, rtol=RTOL, atol=1e-12):
    if isinstance(b, list):
        assert len(a) == len(b), what
        for i, (u, v) in enumerate(zip(a, b, strict=True)):
            _close(u, v, f"{what}[{i}]", rtol, atol)
        return
    a, b = np.asarray(to_host(a), dtype=float), np.asarray(b, dtype=float)
    assert a.shape == b.shape, f"{what}: {a.shape} != {b.shape}"
    np.testing.assert_allclose(a, b, rtol=rtol, atol=atol, err_msg=what)


def assert_same_model(ours, theirs, X, attrs, methods=METHODS, rtol=RTOL):
    """Fitted attributes, predictions and probabilities of ours equal scikit-learn's."""
    for name in attrs:
        _close(getattr(ours, name), getattr(theirs, name), name, rtol)
    np.testing.assert_array_equal(to_host(ours.predict(X)), theirs.predict(X))
    for m in methods:
        _close(getattr(ours, m)(X), getattr(theirs, m)(X), m, rtol)


def random_counts(seed=0, n=300, d=40, k=4):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, k, n)
    X = rng.poisson(0.5 + 2.0 * (np.arange(d)[None, :] % k == y[:, None]), size=(n, d))
    return X.astype(float), y, rng.random(n) * 2


def play_tennis_codes():
    """The play-tennis table, each column integer-coded in sorted order of its categories."""
    df = load("play_tennis", as_frame=True)
    X = np.stack([df[c].cat.codes.to_numpy() for c in df.columns[:-1]], axis=1)
    return df, X.astype(np.int64), df["play"].astype(str).to_numpy()


# --- equal to scikit-learn ------------------------------------------------------------------


@pytest.mark.parametrize("name", ["iris", "wine"])
@pytest.mark.parametrize("weighted", [False, True])
def test_gaussian_equals_sklearn(name, weighted):
    X, y = load(name)
    sw = np.random.default_rng(1).random(len(y)) if weighted else None
    ours = GaussianNB().fit(X, y, sample_weight=sw)
    assert_same_model(ours, sk.GaussianNB().fit(X, y, sample_weight=sw), X, GAUSS_ATTRS)


def test_gaussian_priors_and_smoothing_equal_sklearn():
    X, y = load("wine")
    kw = {"priors": [0.2, 0.5, 0.3], "var_smoothing": 1e-3}
    assert_same_model(GaussianNB(**kw).fit(X, y), sk.GaussianNB(**kw).fit(X, y), X, GAUSS_ATTRS)


def test_gaussian_far_from_origin_stays_accurate():
    # the matrix-product form shifts the data by the mean of the class means first
    X, y = load("iris")
    X = X + 1e6
    assert_same_model(GaussianNB().fit(X, y), sk.GaussianNB().fit(X, y), X, GAUSS_ATTRS,
                      rtol=1e-7)


@pytest.mark.parametrize("cls", ["MultinomialNB", "BernoulliNB"])
@pytest.mark.parametrize("kw", [{}, {"alpha": 0.3, "fit_prior": False},
                                {"class_prior": [0.1, 0.2, 0.3, 0.4]},
                                {"alpha": 0.0, "force_alpha": False}])
def test_count_models_equal_sklearn(cls, kw):
    X, y, sw = random_counts()
    ours = getattr(__import__("mlkit.naive_bayes", fromlist=[cls]), cls)(**kw)
    theirs = getattr(sk, cls)(**kw)
    with pytest.warns(UserWarning, match="alpha too small") if "force_alpha" in kw else _nothing():
        ours.fit(X, y, sample_weight=sw)
    with pytest.warns(UserWarning) if "force_alpha" in kw else _nothing():
        theirs.fit(X, y, sample_weight=sw)
    assert_same_model(ours, theirs, X, COUNT_ATTRS)


def test_multinomial_alpha_per_feature_equals_sklearn():
    X, y, _ = random_counts(d=10)
    alpha = np.linspace(0.1, 2.0, 10)
    assert_same_model(MultinomialNB(alpha=alpha).fit(X, y), sk.MultinomialNB(alpha=alpha).fit(X, y),
                      X, COUNT_ATTRS)


@pytest.mark.parametrize("binarize", [None, 0.5, 2.0])
def test_bernoulli_binarize_equals_sklearn(binarize):
    X, y, _ = random_counts(seed=3)
    if binarize is None:
        X = (X > 0).astype(float)
    ours, theirs = BernoulliNB(binarize=binarize), sk.BernoulliNB(binarize=binarize)
    assert_same_model(ours.fit(X, y), theirs.fit(X, y), X, COUNT_ATTRS)


@pytest.mark.parametrize("kw", [{}, {"alpha": 0.5, "min_categories": 7}, {"fit_prior": False}])
def test_categorical_equals_sklearn(kw):
    rng = np.random.default_rng(2)
    X = rng.integers(0, 5, size=(250, 6))
    y = rng.integers(0, 3, 250)
    sw = rng.random(250)
    ours = CategoricalNB(**kw).fit(X, y, sample_weight=sw)
    assert_same_model(ours, sk.CategoricalNB(**kw).fit(X, y, sample_weight=sw), X, CAT_ATTRS)


def test_play_tennis_equals_sklearn():
    _, X, y = play_tennis_codes()
    assert_same_model(CategoricalNB().fit(X, y), sk.CategoricalNB().fit(X, y), X, CAT_ATTRS)


def test_no_underflow_with_thousands_of_features():
    X, y, _ = random_counts(n=60, d=5000)
    ours, theirs = MultinomialNB().fit(X, y), sk.MultinomialNB().fit(X, y)
    proba = ours.predict_proba(X)
    assert np.all(np.isfinite(ours.predict_log_proba(X)))
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert_same_model(ours, theirs, X, COUNT_ATTRS)


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


# --- the hand-worked play-tennis example ------------------------------------------------------


def test_play_tennis_by_hand():
    """Quinlan's 14 days: priors and Laplace-smoothed conditionals, worked out with fractions.

    Counts read off the table (9 'yes' days, 5 'no' days):
      outlook  sunny 2|3   overcast 4|0   rain 3|2         (yes|no; 3 categories)
      temp     hot 2|2     mild 4|2       cool 3|1         (3 categories)
      humidity high 3|4    normal 6|1                      (2 categories)
      windy    true 3|3    false 6|2                       (2 categories)
    Laplace (alpha = 1): P(v | c) = (N_cv + 1) / (N_c + n_categories).
    """
    df, X, y = play_tennis_codes()
    model = CategoricalNB(alpha=1.0).fit(X, y)
    # priors are not smoothed: 9/14 and 5/14
    np.testing.assert_allclose(np.exp(model.class_log_prior_), [5 / 14, 9 / 14], rtol=1e-14)
    # the new day: sunny, cool, high humidity, windy
    p_yes = {"sunny": Fraction(2 + 1, 9 + 3), "cool": Fraction(3 + 1, 9 + 3),
             "high": Fraction(3 + 1, 9 + 2), "true": Fraction(3 + 1, 9 + 2)}
    p_no = {"sunny": Fraction(3 + 1, 5 + 3), "cool": Fraction(1 + 1, 5 + 3),
            "high": Fraction(4 + 1, 5 + 2), "true": Fraction(3 + 1, 5 + 2)}
    # each conditional, read off the model's table (codes in sorted category order)
    cats = [list(df[c].cat.categories) for c in df.columns[:-1]]
    day = ["sunny", "cool", "high", True]
    for j, (v, key) in enumerate(zip(day, ["sunny", "cool", "high", "true"], strict=True)):
        code = cats[j].index(v)
        got = np.exp(model.feature_log_prob_[j][:, code])  # classes_ = ['no', 'yes']
        np.testing.assert_allclose(got, [float(p_no[key]), float(p_yes[key])], rtol=1e-14)
    joint_yes = Fraction(9, 14) * Fraction(3, 12) * Fraction(4, 12) * Fraction(4, 11) ** 2
    joint_no = Fraction(5, 14) * Fraction(4, 8) * Fraction(2, 8) * Fraction(5, 7) * Fraction(4, 7)
    x = np.array([[cats[j].index(v) for j, v in enumerate(day)]])
    np.testing.assert_allclose(np.exp(model.predict_joint_log_proba(x)),
                               [[float(joint_no), float(joint_yes)]], rtol=1e-13)
    posterior_no = joint_no / (joint_no + joint_yes)
    np.testing.assert_allclose(model.predict_proba(x)[0, 0], float(posterior_no), rtol=1e-13)
    assert model.predict(x)[0] == "no"
    # MixedNB reads the DataFrame directly (all columns categorical) and gives the same
    mixed = MixedNB(alpha=1.0).fit(df.drop(columns="play"), df["play"].astype(str))
    row = pd.DataFrame([day], columns=df.columns[:-1]).astype(df.dtypes.iloc[:-1].to_dict())
    np.testing.assert_allclose(mixed.predict_proba(row)[0, 0], float(posterior_no), rtol=1e-13)


def test_play_tennis_without_smoothing_matches_mitchell():
    # Mitchell (1997), *Machine Learning*, sec. 6.9.1: P(yes) P(x|yes) = 0.0053 and
    # P(no) P(x|no) = 0.0206 for <sunny, cool, high, strong wind>, unsmoothed.
    df, X, y = play_tennis_codes()
    cats = [list(df[c].cat.categories) for c in df.columns[:-1]]
    x = np.array([[cats[0].index("sunny"), cats[1].index("cool"), cats[2].index("high"),
                   cats[3].index(True)]])
    joint = np.exp(CategoricalNB(alpha=0.0).fit(X, y).predict_joint_log_proba(x))[0]
    np.testing.assert_allclose(joint, [0.0206, 0.0053], atol=5e-5)


# --- partial_fit equals one fit -------------------------------------------------------------


def _blocks(n, cuts):
    edges = [0, *sorted(set(cuts)), n]
    return [slice(a, b) for a, b in zip(edges[:-1], edges[1:], strict=True) if b > a]


def _fit_in_blocks(model, X, y, sw, cuts, classes):
    for i, s in enumerate(_blocks(len(y), cuts)):
        model.partial_fit(X[s], y[s], classes=classes if i == 0 else None,
                          sample_weight=None if sw is None else sw[s])
    return model


def _datasets():
    Xi, yi = load("iris")
    Xc, yc, swc = random_counts(n=120, d=12)
    rng = np.random.default_rng(5)
    Xk = rng.integers(0, 4, size=(120, 5))
    return {
        GaussianNB: (Xi, yi, rng.random(len(yi)), GAUSS_ATTRS),
        MultinomialNB: (Xc, yc, swc, COUNT_ATTRS),
        BernoulliNB: (Xc, yc, swc, COUNT_ATTRS),
        CategoricalNB: (Xk, yc, swc, CAT_ATTRS),
    }


DATA = _datasets()


@pytest.mark.parametrize("cls", list(DATA), ids=lambda c: c.__name__)
@settings(max_examples=15, deadline=None)
@given(cuts=st.lists(st.integers(1, 119), max_size=6), weighted=st.booleans(),
       seed=st.integers(0, 2**16))
def test_partial_fit_over_any_split_equals_fit(cls, cuts, weighted, seed):
    X, y, sw, attrs = DATA[cls]
    order = np.random.default_rng(seed).permutation(len(y))[:120]
    X, y, sw = X[order], y[order], (sw[order] if weighted else None)
    whole = cls().fit(X, y, sample_weight=sw)
    blocks = _fit_in_blocks(cls(), X, y, sw, cuts, classes=np.unique(y))
    for name in attrs:
        _close(getattr(blocks, name), getattr(whole, name), name, rtol=1e-9, atol=1e-12)
    _close(blocks.predict_proba(X), whole.predict_proba(X), "predict_proba", rtol=1e-8)


def test_gaussian_partial_fit_merges_variances_as_sklearn():
    # Chan-Golub-LeVeque merging: scikit-learn's block-wise means and (unsmoothed) variances
    # (with var_smoothing=0: scikit-learn subtracts the new block's epsilon from variances
    # that hold the previous block's, so with smoothing the two differ by design)
    X, y = load("wine")
    ours, theirs = GaussianNB(var_smoothing=0.0), sk.GaussianNB(var_smoothing=0.0)
    for s in _blocks(len(y), [40, 41, 100]):
        ours.partial_fit(X[s], y[s], classes=np.unique(y))
        theirs.partial_fit(X[s], y[s], classes=np.unique(y))
    _close(ours.theta_, theirs.theta_, "theta_")
    _close(ours.var_, theirs.var_, "var_")
    _close(ours.var_, GaussianNB(var_smoothing=0.0).fit(X, y).var_, "var_ (one fit)")


def test_partial_fit_on_backend(backend):
    X, y = load("iris")
    classes = np.unique(y)
    whole = GaussianNB().fit(X, y)
    model = GaussianNB()
    for s in _blocks(len(y), [50, 90]):
        model.partial_fit(backend.asarray(X[s]), y[s], classes=classes)
    _close(model.theta_, whole.theta_, "theta_")
    _close(model.var_, whole.var_, "var_")
    proba = model.predict_proba(backend.asarray(X))
    assert is_lazy(proba) == (backend.name == "dask")
    _close(proba, whole.predict_proba(X), "predict_proba", rtol=1e-9)


@pytest.mark.parametrize("cls", list(DATA), ids=lambda c: c.__name__)
def test_weighted_fit_on_backend(cls, backend):
    X, y, sw, attrs = DATA[cls]
    whole = cls().fit(X, y, sample_weight=sw)
    model = cls().fit(backend.asarray(X), y, sample_weight=sw)
    for name in attrs:
        _close(getattr(model, name), getattr(whole, name), name, rtol=1e-9)
    _close(model.predict_joint_log_proba(backend.asarray(X)),
           whole.predict_joint_log_proba(X), "jll", rtol=1e-9)


# --- MixedNB ------------------------------------------------------------------------------------


def mixed_frame(seed=0):
    X, y = load("iris")
    rng = np.random.default_rng(seed)
    df = pd.DataFrame(X[:, :2], columns=["sepal_length", "sepal_width"])
    codes = (rng.integers(0, 2, len(y)) + (y == "setosa")).astype(int)
    df["colour"] = pd.Categorical(np.array(["blue", "green", "red"])[codes])
    df["spotted"] = rng.random(len(y)) < np.where(y == "virginica", 0.8, 0.3)
    df["origin"] = np.array(["north", "south"], dtype=object)[rng.integers(0, 2, len(y))]
    df["petal_length"] = X[:, 2]
    return df, y


def test_mixed_equals_gaussian_plus_categorical_by_hand():
    df, y = mixed_frame()
    model = MixedNB().fit(df, y)
    num = ["sepal_length", "sepal_width", "petal_length"]
    cat = ["colour", "spotted", "origin"]
    assert [df.columns[j] for j in model.gaussian_features_] == ["sepal_length", "sepal_width",
                                                                  "petal_length"]
    assert [df.columns[j] for j in model.categorical_features_] == ["colour", "spotted",
                                                                     "origin"]
    # by hand: scikit-learn's two models on the two kinds of columns, categories coded in
    # sorted order, their joint log-likelihoods added, the doubly counted log prior removed
    codes = np.stack([np.unique(df[c].astype(str), return_inverse=True)[1] for c in cat], 1)
    g = sk.GaussianNB().fit(df[num].to_numpy(), y)
    c = sk.CategoricalNB().fit(codes, y)
    jll = (g.predict_joint_log_proba(df[num].to_numpy()) + c.predict_joint_log_proba(codes)
           - np.log(g.class_prior_))
    _close(model.predict_joint_log_proba(df), jll, "jll")
    log_proba = jll - np.logaddexp.reduce(jll, axis=1, keepdims=True)
    _close(model.predict_log_proba(df), log_proba, "log_proba")
    np.testing.assert_array_equal(model.predict(df), g.classes_[np.argmax(jll, axis=1)])
    _close(model.class_prior_, g.class_prior_, "class_prior_")
    assert [list(v) for v in model.categories_] == [["blue", "green", "red"], [False, True],
                                                     ["north", "south"]]


def test_mixed_partial_fit_equals_fit_and_learns_new_categories():
    df, y = mixed_frame(1)
    order = np.argsort(df["colour"].astype(str).to_numpy(), kind="stable")  # 'red' comes last
    df, y = df.iloc[order].reset_index(drop=True), y[order]
    whole = MixedNB().fit(df, y)
    blocks = MixedNB()
    for s in _blocks(len(y), [30, 100]):
        blocks.partial_fit(df.iloc[s], y[s], classes=np.unique(y))
    _close(blocks.predict_joint_log_proba(df), whole.predict_joint_log_proba(df), "jll", 1e-9)


def test_mixed_on_arrays_with_categorical_features():
    df, y = mixed_frame()
    arr = df.to_numpy(dtype=object)
    model = MixedNB(categorical_features=[2, 3, 4]).fit(arr, y)
    _close(model.predict_proba(arr), MixedNB().fit(df, y).predict_proba(df), "proba")
    # an all-numeric array is a GaussianNB
    X, yy = load("iris")
    _close(MixedNB().fit(X, yy).predict_proba(X), sk.GaussianNB().fit(X, yy).predict_proba(X),
           "proba")


# --- categories unseen at fit, and other bad input ------------------------------------------


def test_unseen_category_is_left_out_of_the_likelihood():
    rng = np.random.default_rng(0)
    X = rng.integers(0, 3, size=(50, 3))
    y = rng.integers(0, 2, 50)
    model = CategoricalNB().fit(X, y)
    x = np.array([[1, 7, 2]])  # code 7 of feature 1 was never seen
    by_hand = (model.class_log_prior_ + model.feature_log_prob_[0][:, 1]
               + model.feature_log_prob_[2][:, 2])
    _close(model.predict_joint_log_proba(x)[0], by_hand, "jll")
    assert np.all(np.isfinite(model.predict_proba(x)))


def test_unseen_category_on_backend(backend):
    X, y, _, _ = DATA[CategoricalNB]
    x = np.array([[1, 9, 2, 0, 3], [0, 0, 0, 0, 0]])
    reference = CategoricalNB().fit(X, y).predict_joint_log_proba(x)
    model = CategoricalNB().fit(backend.asarray(X), y)
    _close(model.predict_joint_log_proba(backend.asarray(x)), reference, "jll")


def test_mixed_unseen_or_missing_category_is_left_out():
    df, y = mixed_frame()
    model = MixedNB().fit(df, y)
    row = df.iloc[:1].copy()
    row["origin"] = np.array(["east"], dtype=object)  # never seen
    dropped = MixedNB(categorical_features=["colour", "spotted"]).fit(
        df.drop(columns="origin"), y)
    # leaving the column out of one row's likelihood is not refitting without it, but the
    # other columns' terms are the same:
    jll = model.predict_joint_log_proba(row)
    origin_free = (dropped.predict_joint_log_proba(row.drop(columns="origin")))
    _close(jll, origin_free, "jll")
    row["origin"] = None
    _close(model.predict_joint_log_proba(row), origin_free, "jll (missing)")


def test_mixed_refuses_missing_categories_at_fit():
    df, y = mixed_frame()
    df["origin"] = df["origin"].where(np.arange(len(y)) != 3, None)
    with pytest.raises(ValueError, match="NaN in categorical column"):
        MixedNB().fit(df, y)


@pytest.mark.parametrize("cls", [MultinomialNB, CategoricalNB])
def test_negative_values_are_refused(cls, backend):
    X, y, _ = random_counts(d=6)
    X[3, 2] = -1.0
    with pytest.raises(ValueError, match=f"Negative values in data passed to {cls.__name__}"):
        cls().fit(backend.asarray(X), y)
    good = cls().fit(np.abs(X), y)
    with pytest.raises(ValueError, match="Negative values"):
        good.predict(X)


def test_partial_fit_classes_rules():
    X, y = load("iris")
    for cls in (GaussianNB, MultinomialNB, BernoulliNB, CategoricalNB, MixedNB):
        with pytest.raises(ValueError, match="classes must be passed on the first call"):
            cls().partial_fit(X[:10], y[:10])
        model = cls().partial_fit(X[:60], y[:60], classes=np.unique(y))
        with pytest.raises(ValueError, match="is not the same as on the first call"):
            model.partial_fit(X[60:], y[60:], classes=np.unique(y)[:2])
        with pytest.raises(ValueError, match="do not exist in the initial classes"):
            model.partial_fit(X[:5], np.array(["new"] * 5))
        with pytest.raises(ValueError, match="features"):
            model.partial_fit(X[:5, :3], y[:5])


def test_zero_variance_features():
    X, y = load("iris")
    X = np.column_stack([X, np.full(len(y), 3.0)])  # one constant column
    ours, theirs = GaussianNB().fit(X, y), sk.GaussianNB().fit(X, y)
    assert_same_model(ours, theirs, X, GAUSS_ATTRS)
    np.testing.assert_allclose(ours.var_[:, -1], ours.epsilon_)
    # every feature constant: epsilon_ = var_smoothing (scikit-learn divides by zero)
    const = np.ones((6, 2))
    model = GaussianNB().fit(const, [0, 0, 0, 1, 1, 1])
    assert model.epsilon_ == 1e-9
    assert np.all(np.isfinite(model.predict_proba(const)))
    # var_smoothing=0 and a zero variance: a warning, and finite predictions
    with pytest.warns(UserWarning, match="zero variance"):
        model = GaussianNB(var_smoothing=0.0).fit(X, y)
    assert np.all(np.isfinite(model.predict_proba(X)))


@pytest.mark.parametrize("priors, message", [([0.5, 0.5], "Number of priors"),
                                             ([0.5, 0.6, -0.1], "non-negative"),
                                             ([0.3, 0.3, 0.3], "sum of the priors")])
def test_bad_priors(priors, message):
    X, y = load("iris")
    with pytest.raises(ValueError, match=message):
        GaussianNB(priors=priors).fit(X, y)


def test_bad_alpha_and_min_categories():
    X, y, _ = random_counts(d=5)
    with pytest.raises(ValueError, match="should contain `n_features`"):
        MultinomialNB(alpha=[1.0, 2.0]).fit(X, y)
    with pytest.raises(ValueError, match="greater than 0"):
        MultinomialNB(alpha=[1.0, -1.0, 1.0, 1.0, 1.0]).fit(X, y)
    with pytest.raises(ValueError, match="'min_categories' should have shape"):
        CategoricalNB(min_categories=[3, 3]).fit(X, y)
    with pytest.raises(ValueError, match="alpha"):
        MultinomialNB(alpha=-1.0).fit(X, y)


@pytest.mark.parametrize("cls, computes", [(GaussianNB, 1), (MultinomialNB, 1),
                                           (BernoulliNB, 1), (CategoricalNB, 2)])
def test_dask_fit_is_one_batched_pass(cls, computes):
    # the row-block reductions of a fit run in one dask.compute (CategoricalNB needs the
    # number of categories first), and prediction stays lazy
    da = pytest.importorskip("dask.array")
    from dask.callbacks import Callback

    class Count(Callback):
        def __init__(self):
            super().__init__()
            self.n = 0

        def _start(self, dsk):
            self.n += 1

    X, y, sw, _ = DATA[cls]
    Xd = da.from_array(X, chunks=(30, -1))
    with Count() as count:
        model = cls().fit(Xd, y, sample_weight=sw)
    assert count.n == computes
    with Count() as count:
        proba = model.predict_proba(Xd)
    assert count.n == 0 and is_lazy(proba)
    _close(proba, cls().fit(X, y, sample_weight=sw).predict_proba(X), "proba", rtol=1e-9)


@pytest.mark.parametrize("value, message", [
    (np.nan, "Input X contains NaN"), (np.inf, "Input X contains infinity"),
    (-np.inf, "Input X contains infinity"), (-1.0, "Negative values in data passed"),
])
def test_multinomial_predict_checks_its_input(value, message):
    # predict reads X twice (its minimum, the product) and still names each bad value
    X, y, _ = random_counts()
    model = MultinomialNB().fit(X, y)
    bad = X.copy()
    bad[7, 3] = value
    for method in ("predict", "predict_proba", "predict_joint_log_proba"):
        with pytest.raises(ValueError, match=message):
            getattr(model, method)(bad)


def test_multinomial_without_smoothing_gives_minus_inf_not_nan():
    X = np.array([[2.0, 1.0, 0.0], [1.0, 3.0, 0.0], [0.0, 1.0, 4.0], [1.0, 0.0, 2.0]])
    y = np.array([0, 0, 1, 1])
    model = MultinomialNB(alpha=0.0).fit(X, y)  # feature 2 never occurs in class 0
    x = np.array([[1.0, 2.0, 0.0], [0.0, 1.0, 1.0]])
    # slow, obvious reference: sum over the features that occur of x_j log P(j | c)
    p = np.array([[3 / 7, 4 / 7, 0.0], [1 / 8, 1 / 8, 6 / 8]])
    expected = np.full((2, 2), np.log(0.5))
    for i in range(2):
        for c in range(2):
            for j in range(3):
                if x[i, j] > 0:
                    expected[i, c] += x[i, j] * np.log(p[c, j]) if p[c, j] > 0 else -np.inf
    jll = model.predict_joint_log_proba(x)
    np.testing.assert_allclose(jll, expected, rtol=1e-12)
    proba = model.predict_proba(x)
    assert not np.any(np.isnan(proba)) and proba[1, 0] == 0.0


def test_gaussian_threaded_row_blocks_equal_scikit_learn(monkeypatch):
    # n large enough for the NumPy path to share its row blocks between 4 threads, on a
    # machine of any number of cores (the thread count follows os.cpu_count)
    import threading

    from sklearn.naive_bayes import GaussianNB as SkGaussianNB

    from mlkit.naive_bayes import GaussianNB as MkGaussianNB
    from mlkit.naive_bayes import _kernels

    monkeypatch.setattr("os.cpu_count", lambda: 4)
    calls = []  # per call of map_row_ranges: (lo, hi, thread) of each range

    def recorded(fn, n_rows, block_rows, *args):
        ranges = []
        calls.append(ranges)

        def rows(lo, hi):
            ranges.append((lo, hi, threading.get_ident()))
            return fn(lo, hi)

        return map_row_ranges(rows, n_rows, block_rows, *args)

    map_row_ranges = _kernels.map_row_ranges
    monkeypatch.setattr(_kernels, "map_row_ranges", recorded)
    rng = np.random.default_rng(3)
    y = rng.integers(0, 4, size=70_000)
    X = rng.normal(size=(70_000, 6)) + y[:, None] * 0.3
    ours, theirs = MkGaussianNB().fit(X, y), SkGaussianNB().fit(X, y)
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))
    np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), rtol=1e-10,
                               atol=1e-12)
    assert len(calls) >= 2
    for ranges in calls:  # 4 ranges that tile the rows, none on the calling thread
        cuts = sorted((lo, hi) for lo, hi, _ in ranges)
        assert len(cuts) == 4 and cuts[0][0] == 0 and cuts[-1][1] == X.shape[0]
        assert [lo for lo, _ in cuts[1:]] == [hi for _, hi in cuts[:-1]]
        assert threading.get_ident() not in {thread for _, _, thread in ranges}
    X_bad = X.copy()
    X_bad[-5, 2] = np.nan  # in the last thread's rows
    n_calls = len(calls)
    with pytest.raises(ValueError, match="NaN"):
        ours.predict(X_bad)
    # found by a worker thread, in the threaded pass
    assert len(calls) == n_calls + 1 and len(calls[-1]) == 4
    assert 0 < max(lo for lo, _, _ in calls[-1]) < X.shape[0] - 5


def test_gaussian_classes_far_apart_are_scored_without_losing_digits():
    # one class mean 1e6 standard deviations from the others: no single shift keeps the
    # expanded square exact, so such classes are scored from the differences (as
    # scikit-learn does); before, the near classes' probabilities were off by ~4e-6
    rng = np.random.default_rng(0)
    X = np.r_[rng.normal(0, 1, 50), rng.normal(0.5, 1, 50), rng.normal(1e6, 1, 50)][:, None]
    y = np.repeat([0, 1, 2], 50)
    Xt = np.linspace(-2, 2, 9)[:, None]
    ours = GaussianNB(var_smoothing=1e-15).fit(X, y)
    theirs = sk.GaussianNB(var_smoothing=1e-15).fit(X, y)
    np.testing.assert_allclose(ours.predict_proba(Xt), theirs.predict_proba(Xt), atol=1e-14)
    np.testing.assert_allclose(ours.predict_joint_log_proba(Xt),
                               theirs.predict_joint_log_proba(Xt), rtol=1e-14)
    np.testing.assert_array_equal(ours.predict(Xt), theirs.predict(Xt))
    with pytest.raises(ValueError, match="NaN"):
        ours.predict(np.array([[np.nan]]))


def test_bernoulli_binarizes_in_the_inputs_precision():
    # float32(0.3) is the threshold itself for scikit-learn (it compares in float32), not a
    # value above it
    X = np.array([[0.3], [0.3], [0.0], [1.0]], np.float32)
    y = [0, 0, 1, 1]
    ours = BernoulliNB(binarize=0.3).fit(X, y)
    np.testing.assert_array_equal(ours.feature_count_, [[0.0], [1.0]])
    np.testing.assert_array_equal(ours.feature_count_,
                                  sk.BernoulliNB(binarize=0.3).fit(X, y).feature_count_)


def test_bernoulli_without_smoothing_gives_minus_inf_not_nan():
    # P(feature | class) of 0 or 1 (alpha = 0): by hand, class 0 has p = (1, 0), class 1 has
    # p = (1/2, 1); scikit-learn returns NaN here (0 * -inf)
    X = np.array([[1.0, 0], [1, 0], [0, 1], [1, 1]])
    model = BernoulliNB(alpha=0.0).fit(X, [0, 0, 1, 1])
    jll = model.predict_joint_log_proba(np.array([[1.0, 0], [0, 1], [1, 1]]))
    half = np.log(0.5)
    np.testing.assert_allclose(jll, [[half, -np.inf], [-np.inf, 2 * half],
                                     [-np.inf, 2 * half]], rtol=1e-12)
    np.testing.assert_array_equal(model.predict_proba(np.array([[1.0, 0]])), [[1.0, 0.0]])


def test_mixed_counts_every_declared_category_and_checks_priors():
    # found by a randomized check: the smoothing counted categories up to the largest used
    # code, so it depended on the order a pandas category column declared them; and priors
    # went unchecked when every column was categorical
    vals, y = ["b", "b", "b", "c"], [0, 0, 0, 1]
    probs = [MixedNB().fit(pd.DataFrame({"s": pd.Categorical(vals, categories=cats)}), y)
             .predict_proba(pd.DataFrame({"s": pd.Categorical(["b"], categories=cats)}))
             for cats in (["a", "b", "c", "d"], ["b", "c", "a", "d"], ["d", "c", "b", "a"])]
    # by hand: P(b | 0) = (3 + 1) / (3 + 4), P(b | 1) = (0 + 1) / (1 + 4), priors 3/4 and 1/4
    joint = np.array([0.75 * 4 / 7, 0.25 * 1 / 5])
    for p in probs:
        np.testing.assert_allclose(p[0], joint / joint.sum(), rtol=1e-12)
    X = pd.DataFrame({"s": ["a", "b", "a", "b"]})
    with pytest.raises(ValueError, match="non-negative"):
        MixedNB(priors=[-0.5, 1.5]).fit(X, [0, 0, 1, 1])
    with pytest.raises(ValueError, match="sum of the priors"):
        MixedNB(priors=[0.5, 0.6]).fit(X, [0, 0, 1, 1])


# --- scipy.sparse input -------------------------------------------------------------------------


def _sparse_counts(n=300, d=40, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, n)
    X = rng.poisson(0.3 + 0.5 * (np.arange(d)[None, :] % 3 == y[:, None]), size=(n, d))
    return X.astype(np.float64), y


@pytest.mark.parametrize("fmt", ["csr_array", "csc_array", "csr_matrix", "csc_matrix"])
@pytest.mark.parametrize("cls, kw", [
    (MultinomialNB, {}), (MultinomialNB, {"alpha": 0.0}), (MultinomialNB, {"fit_prior": False}),
    (BernoulliNB, {}), (BernoulliNB, {"binarize": 1.5}), (BernoulliNB, {"binarize": None}),
    (BernoulliNB, {"alpha": 0.0}),
])
def test_sparse_input_equals_dense_and_scikit_learn(cls, kw, fmt):
    import scipy.sparse as sp

    X, y = _sparse_counts()
    if kw.get("binarize", 0.0) is None:
        X = np.minimum(X, 1.0)
    X[:, 0] = 0.0  # a feature never seen: log P = -inf with alpha = 0
    X[:, 1] = (y == 0)  # a feature always on in class 0: log(1 - p) = -inf with alpha = 0
    Xs = getattr(sp, fmt)(X)
    sw = np.random.default_rng(1).random(X.shape[0])
    with np.errstate(divide="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # alpha = 0: both libraries warn
        dense = cls(**kw).fit(X, y, sample_weight=sw)
        ours = cls(**kw).fit(Xs, y, sample_weight=sw)
        theirs = getattr(sk, cls.__name__)(**kw).fit(Xs, y, sample_weight=sw)
    for name in COUNT_ATTRS:
        _close(getattr(ours, name), getattr(dense, name), name)
        _close(getattr(ours, name), getattr(theirs, name), name)
    for method in METHODS + ("predict",):
        a, b = getattr(ours, method)(Xs), getattr(dense, method)(X)
        np.testing.assert_array_equal(np.isfinite(a), np.isfinite(b))
        if np.asarray(b).dtype.kind == "f":
            finite = np.isfinite(b)
            np.testing.assert_allclose(a[finite], b[finite], rtol=RTOL, atol=1e-12)
        else:
            np.testing.assert_array_equal(a, b)
    if not kw.get("alpha", 1.0) == 0.0:  # scikit-learn takes 0 * -inf as NaN there
        np.testing.assert_allclose(ours.predict_proba(Xs), theirs.predict_proba(Xs),
                                   rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("cls", [MultinomialNB, BernoulliNB])
def test_sparse_partial_fit_equals_one_fit(cls):
    import scipy.sparse as sp

    X, y = _sparse_counts()
    Xs = sp.csr_array(X)
    whole = cls().fit(Xs, y)
    blocks = cls()
    for rows in np.array_split(np.arange(X.shape[0]), 3):
        blocks.partial_fit(Xs[rows], y[rows], classes=[0, 1, 2])
    for name in COUNT_ATTRS:
        _close(getattr(blocks, name), getattr(whole, name), name)


def test_bernoulli_binarize_keeps_sparsity_and_refuses_a_negative_threshold():
    import scipy.sparse as sp

    X, y = _sparse_counts()
    Xs = sp.csr_array(X)
    prepared = BernoulliNB(binarize=1.0)._prepared(Xs)
    assert sp.issparse(prepared) and prepared.nnz == Xs.nnz
    np.testing.assert_array_equal(prepared.toarray(), (X > 1.0).astype(float))
    # a negative threshold would turn every unstored zero into a one: refused for sparse X
    # (with the message of scikit-learn's binarize; its BernoulliNB refuses negative
    # thresholds for dense X too, as a parameter error -- mlkit takes them there)
    with pytest.raises(ValueError, match="^Cannot binarize a sparse matrix with threshold < 0$"):
        BernoulliNB(binarize=-0.5).fit(Xs, y)
    with pytest.raises(ValueError, match="binarize"):
        sk.BernoulliNB(binarize=-0.5).fit(Xs, y)
    BernoulliNB(binarize=-0.5).fit(X, y)


@pytest.mark.parametrize("cls", [MultinomialNB, CategoricalNB])
def test_sparse_negative_values_refused_as_scikit_learn(cls):
    import scipy.sparse as sp

    X, y = _sparse_counts()
    X[3, 2] = -1.0
    if cls is CategoricalNB:  # refuses sparse input altogether, as scikit-learn
        with pytest.raises(TypeError, match="Sparse data was passed"):
            cls().fit(sp.csr_array(X), y)
        return
    with pytest.raises(ValueError, match=r"Negative values in data passed to MultinomialNB "
                                         r"\(input X\)"):
        cls().fit(sp.csr_array(X), y)
    fitted = cls().fit(np.abs(X), y)
    with pytest.raises(ValueError, match="Negative values"):
        fitted.predict(sp.csr_array(X))


# --- the NumPy kernels equal the textbook functions -------------------------------------------
# mlkit/naive_bayes/_kernels.py speeds up the textbook steps of _gaussian.py and _base.py on
# NumPy; each kernel is checked against its textbook function on random data, on the cases its
# row blocks, threads and heuristics exist for: several blocks (n > 4096) and threads (n >
# 32768), float32 data (cast by blocks), data far from the origin (the shift), classes far apart
# against their spread (the direct path).

KERNEL_SHAPES = [(1, 1, 1), (7, 3, 2), (500, 12, 4), (9000, 5, 3), (40_000, 4, 3)]


def _gaussian_classes(n, d, k, seed, offset=0.0, far=False):
    """Rows of k Gaussian classes (means a few standard deviations apart, ``offset`` from the
    origin; with ``far`` the last class 1e7 standard deviations away), their class indices,
    one-hot weights and the class means and variances."""
    rng = np.random.default_rng(seed)
    y = rng.permutation(np.arange(n) % k)
    centres = rng.normal(0.0, 3.0, size=(k, d)) + offset
    if far:
        centres[-1] += 1e7
    scale = rng.uniform(0.5, 2.0, size=(k, d))
    X = centres[y] + scale[y] * rng.normal(size=(n, d))
    W = (y[:, None] == np.arange(k)[None, :]) * rng.uniform(0.5, 2.0, size=(n, 1))
    theta = centres + 0.1 * rng.normal(size=(k, d))
    var = (scale * rng.uniform(0.8, 1.2, size=(k, d))) ** 2
    return X, y.astype(np.intp), W, theta, var


def _kernel_cases():
    for n, d, k in KERNEL_SHAPES:
        yield pytest.param(n, d, k, 0.0, False, id=f"{n}x{d}x{k}")
    yield pytest.param(3000, 6, 3, 1e6, False, id="far-from-origin")
    yield pytest.param(40_000, 3, 4, -1e5, False, id="far-from-origin-threads")
    yield pytest.param(2000, 4, 3, 0.0, True, id="classes-far-apart")
    yield pytest.param(9000, 2, 2, 1e3, True, id="classes-far-apart-blocks")


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("n, d, k, offset, far", list(_kernel_cases()))
def test_kernel_class_moments_equal_the_textbook(n, d, k, offset, far, dtype):
    from mlkit.naive_bayes import _gaussian, _kernels

    X, y, W, _, _ = _gaussian_classes(n, d, k, seed=n + d, offset=offset, far=far)
    X = X.astype(dtype)
    X64 = X.astype(np.float64)  # a float32 X is cast block by block: as the whole cast at once
    got = _kernels.class_moments(X, y, W)
    want = _gaussian.class_moments(X64, y, W, np)
    for name, a, b in zip(("count", "mean", "m2"), got, want, strict=True):
        assert a.dtype == np.float64, name
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12 * np.abs(b).max(), err_msg=name)
    n_got, *cols_got = _kernels.column_moments(X)
    n_want, *cols_want = _gaussian.column_moments(X64, np)
    assert n_got == n_want
    for name, a, b in zip(("mean", "m2"), cols_got, cols_want, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12 * np.abs(b).max(), err_msg=name)


@pytest.mark.parametrize("with_prior", [False, True])
@pytest.mark.parametrize("n, d, k, offset, far", list(_kernel_cases()))
def test_kernel_joint_log_likelihood_equals_the_textbook(n, d, k, offset, far, with_prior):
    from mlkit.naive_bayes import _gaussian, _kernels

    X, _, _, theta, var = _gaussian_classes(n, d, k, seed=n * d, offset=offset, far=far)
    weights = np.arange(1.0, k + 1)
    log_prior = np.log(weights / weights.sum()) if with_prior else None
    want = _gaussian.joint_log_likelihood(X, theta, var, log_prior)
    got = _kernels.joint_log_likelihood(X, theta, var, log_prior)
    assert got.shape == want.shape == (n, k)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
    best = _kernels.joint_log_likelihood(X, theta, var, log_prior, argmax=True)
    np.testing.assert_array_equal(best, np.argmax(want, axis=1))


@pytest.mark.parametrize("far", [False, True], ids=["expanded", "direct"])
@pytest.mark.parametrize("value, message", [(np.nan, "NaN"), (np.inf, "infinity")])
def test_kernel_joint_log_likelihood_refuses_what_the_textbook_cannot_score(far, value,
                                                                             message):
    from mlkit.naive_bayes import _kernels

    X, _, _, theta, var = _gaussian_classes(9000, 3, 3, seed=4, far=far)
    X[-3, 1] = value  # in the last row block
    for argmax in (False, True):
        with pytest.raises(ValueError, match=f"Input X contains {message}"):
            _kernels.joint_log_likelihood(X, theta, var, None, argmax)


@pytest.mark.parametrize("k", [1, 2, 5, 8])
def test_kernel_log_normalize_equals_the_textbook(k):
    from mlkit._array import logsumexp
    from mlkit.naive_bayes import _kernels

    rng = np.random.default_rng(k)
    S = rng.normal(-300.0, 50.0, size=(2000, k))
    if k > 1:
        S[rng.random(S.shape) < 0.1] = -np.inf  # impossible classes (alpha = 0)
        S[:, 0] = np.where(np.isinf(S).all(axis=1), -1.0, S[:, 0])  # each row some finite
    want = S - logsumexp(S, axis=1, keepdims=True, xp=np)
    got = _kernels.log_normalize(S)
    np.testing.assert_array_equal(np.isinf(got), np.isinf(want))
    finite = np.isfinite(want)
    np.testing.assert_allclose(got[finite], want[finite], rtol=1e-12, atol=1e-12)
