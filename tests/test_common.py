"""Tests every registered estimator gets by being registered (mlkit._discovery).

scikit-learn's own estimator checks; the bad-input matrix; no mutation of inputs; a pickle
round trip; the same seed giving the same model; documented attributes equal to fitted ones.
"""

from __future__ import annotations

import pickle
import re

import numpy as np
import pytest
from sklearn.base import clone, is_classifier, is_clusterer, is_regressor
from sklearn.exceptions import NotFittedError
from sklearn.utils.estimator_checks import parametrize_with_checks

from mlkit._discovery import all_estimators
from mlkit._testing import assert_estimator_equal

from ._data import make_data

ESTIMATORS = all_estimators()


def instance(cls):
    return cls(**cls._capabilities.test_params)


def data_for(est, n=60):
    return make_data(est._capabilities.data, n=n)


def is_supervised(est):
    return is_classifier(est) or is_regressor(est)


def output_methods(est):
    names = ("predict", "predict_proba", "predict_log_proba", "decision_function",
             "transform", "score_samples")
    return [m for m in names if hasattr(est, m)]


def fit(est, X, y):
    return est.fit(X, y) if is_supervised(est) or is_clusterer(est) else est.fit(X, y)


def test_registry_is_not_empty():
    names = [name for name, _ in ESTIMATORS]
    assert {"StandardScaler", "MinMaxScaler", "DecimalScaler", "Normalizer"} <= set(names)


# --- scikit-learn's estimator checks ----------------------------------------------------------


def _expected_failures(est):
    return dict(est._capabilities.xfail_checks)


@parametrize_with_checks(
    [instance(cls) for _, cls in ESTIMATORS], expected_failed_checks=_expected_failures
)
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)


# --- the bad-input matrix ---------------------------------------------------------------------

IDS = [name for name, _ in ESTIMATORS]
CLASSES = [cls for _, cls in ESTIMATORS]


def _bad_inputs(est):
    X, y = data_for(est)
    tags = est.__sklearn_tags__()
    cases = {
        "empty": (X[:0], y[:0], "0 sample"),
        "1-D": (X[:, 0], y, "Expected 2D array"),
        "3-D": (X[:, :, None], y, "dim 3"),
        "inf": (np.where(np.arange(X.size).reshape(X.shape) == 5, np.inf, X), y, "infinity"),
    }
    if not tags.input_tags.allow_nan:
        cases["nan"] = (np.where(np.arange(X.size).reshape(X.shape) == 5, np.nan, X), y, "NaN")
    if is_supervised(est):
        cases["length mismatch"] = (X, y[:-1], "inconsistent numbers of samples")
    if is_classifier(est):
        cases["one class"] = (X, np.zeros_like(y), "class")
    return cases


@pytest.mark.parametrize("cls", CLASSES, ids=IDS)
def test_bad_input_gets_a_clear_error(cls):
    est = instance(cls)
    for case, (X, y, message) in _bad_inputs(est).items():
        with pytest.raises(ValueError, match=re.escape(message) if case != "inf" else message):
            clone(est).fit(X, y)


NEEDS_FIT = [c for c in CLASSES if instance(c).__sklearn_tags__().requires_fit]
RANDOM = [c for c in CLASSES if "random_state" in instance(c).get_params()]


@pytest.mark.parametrize("cls", NEEDS_FIT, ids=lambda c: c.__name__)
def test_methods_before_fit_raise_not_fitted(cls):
    est = instance(cls)
    X, _ = data_for(est)
    for method in output_methods(est):
        with pytest.raises(NotFittedError):
            getattr(est, method)(X)


@pytest.mark.parametrize("cls", CLASSES, ids=IDS)
def test_wrong_number_of_features_after_fit(cls):
    est = instance(cls)
    X, y = data_for(est)
    fit(est, X, y)
    for method in output_methods(est):
        with pytest.raises(ValueError, match="features"):
            getattr(est, method)(X[:, :-1])


# --- inputs untouched, pickling, seeds ---------------------------------------------------------


@pytest.mark.parametrize("cls", CLASSES, ids=IDS)
def test_inputs_are_not_modified(cls):
    est = instance(cls)
    X, y = data_for(est)
    X0, y0 = X.copy(), y.copy()
    fit(est, X, y)
    for method in output_methods(est):
        getattr(est, method)(X)
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(y, y0)


@pytest.mark.parametrize("cls", CLASSES, ids=IDS)
def test_pickle_round_trip(cls):
    est = instance(cls)
    X, y = data_for(est)
    fit(est, X, y)
    again = pickle.loads(pickle.dumps(est))
    assert_estimator_equal(again, est, X=X, methods=output_methods(est), rtol=0)


@pytest.mark.parametrize("cls", RANDOM, ids=lambda c: c.__name__)
def test_same_seed_same_model(cls):
    est = instance(cls)
    X, y = data_for(est)
    a = fit(clone(est).set_params(random_state=7), X, y)
    b = fit(clone(est).set_params(random_state=7), X, y)
    assert_estimator_equal(a, b, X=X, methods=output_methods(est), rtol=0)


# --- documentation ----------------------------------------------------------------------------


def _documented_attributes(cls):
    doc = cls.__doc__ or ""
    section = doc.split("Attributes\n    ----------\n", 1)
    if len(section) < 2:
        return set()
    body = re.split(r"\n    [A-Z][a-z]+\n    -+\n", section[1], maxsplit=1)[0]
    names = set()
    for line in body.splitlines():
        m = re.match(r"^    (\w+_)(?:, (\w+_))*(?:, (\w+_))?\s*:", line)
        if m:
            names.update(n for n in re.findall(r"(\w+_)", line.split(":")[0]))
    return names


@pytest.mark.parametrize("cls", CLASSES, ids=IDS)
def test_documented_attributes_are_the_fitted_ones(cls):
    est = instance(cls)
    X, y = data_for(est)
    fit(est, X, y)
    fitted = {k for k in vars(est) if k.endswith("_") and not k.startswith("_")}
    # fitted state exposed through a property (SVC.coef_, for some parameters only)
    fitted |= {k for k in _documented_attributes(cls)
               if isinstance(getattr(cls, k, None), property)}
    documented = _documented_attributes(cls)
    # feature_names_in_ is set only for DataFrames with string column names
    assert fitted - documented == set(), f"fitted but not documented: {fitted - documented}"
    assert documented - fitted <= {"feature_names_in_"}, (
        f"documented but not set by fit: {documented - fitted - {'feature_names_in_'}}"
    )


# --- drop-in replacement: every parameter of the scikit-learn twin is accepted ----------------

TWINS = {
    "StandardScaler": "sklearn.preprocessing", "MinMaxScaler": "sklearn.preprocessing",
    "Normalizer": "sklearn.preprocessing", "PCA": "sklearn.decomposition",
    "LinearDiscriminantAnalysis": "sklearn.discriminant_analysis",
    "GaussianNB": "sklearn.naive_bayes", "MultinomialNB": "sklearn.naive_bayes",
    "BernoulliNB": "sklearn.naive_bayes", "CategoricalNB": "sklearn.naive_bayes",
    "GaussianMixture": "sklearn.mixture", "KMeans": "sklearn.cluster",
    "DecisionTreeClassifier": "sklearn.tree", "SVC": "sklearn.svm", "LinearSVC": "sklearn.svm",
    "LogisticRegression": "sklearn.linear_model", "LinearRegression": "sklearn.linear_model",
    "MLPClassifier": "sklearn.neural_network", "MLPRegressor": "sklearn.neural_network",
}


@pytest.mark.parametrize("name", sorted(TWINS))
def test_the_twins_parameters_at_their_defaults_are_accepted(name):
    # code written for scikit-learn that spells out its defaults runs unchanged
    import importlib

    cls = dict(ESTIMATORS)[name]
    twin = getattr(importlib.import_module(TWINS[name]), name)()
    theirs = twin.get_params()
    assert set(theirs) <= set(cls().get_params()), set(theirs) - set(cls().get_params())
    est = cls(**theirs).set_params(**cls._capabilities.test_params)
    X, y = data_for(est)
    fit(est, X, y)
