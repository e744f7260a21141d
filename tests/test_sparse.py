"""scipy.sparse input for every registered estimator, as its capability entry says.

``Capabilities.sparse`` True (or a condition, met by ``sparse_params``): fitting on CSR and
CSC, ``sparray`` and ``spmatrix``, gives the model fitted on the dense form of the same data
-- every fitted float attribute and every output method to 1e-10 -- and transformers return
sparse matrices of the input's format and class. False: fitting on sparse X raises the error
the scikit-learn twin raises (its type and message; scikit-learn's generic one where there is
no twin). The tag ``input_tags.sparse`` agrees with the entry and with the twin's tag, so
scikit-learn's estimator checks run the sparse ones (``check_estimator_sparse_*``) exactly
where sparse input is accepted.
"""

from __future__ import annotations

import importlib
import re
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import BaseEstimator, clone

from mlkit._discovery import all_estimators

from ._data import make_data
from .test_common import TWINS, fit, instance, output_methods

ESTIMATORS = all_estimators()
TAKES = [(n, c) for n, c in ESTIMATORS if c._capabilities.sparse is not False]
REFUSES = [(n, c) for n, c in ESTIMATORS if c._capabilities.sparse is False]
FORMATS = [sp.csr_array, sp.csc_array, sp.csr_matrix, sp.csc_matrix]
RTOL = 1e-10

GENERIC = (TypeError, "Sparse data was passed for X, but dense data is required. Use "
           "'.toarray()' to convert to a dense numpy array.")


def sparse_instance(cls):
    caps = cls._capabilities
    return cls(**{**caps.test_params, **caps.sparse_params})


def sparse_data(est, n=60, seed=0):
    """The common tests' data with about half of the entries zero (continuous data) or its
    own zeros (counts, binary, categorical codes)."""
    X, y = make_data(est._capabilities.data, n=n)
    if est._capabilities.data == "continuous":
        keep = np.random.default_rng(seed).random(X.shape) < 0.5
        keep[np.arange(n), np.arange(n) % X.shape[1]] = True  # no empty row
        X = np.where(keep, X, 0.0)
    return X, y


def _close(a, b, err_msg):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    scale = max(1.0, float(np.max(np.abs(b[np.isfinite(b)]), initial=0.0)))
    np.testing.assert_allclose(a, b, rtol=RTOL, atol=RTOL * scale, err_msg=err_msg)


def assert_same_value(a, b, name):
    """Fitted values of the sparse and dense fits: sparse attributes densified, floats to
    RTOL, everything else exactly."""
    if sp.issparse(b):
        raise AssertionError(f"{name}: the dense fit has a sparse attribute")
    if sp.issparse(a):
        a = a.toarray()
    if isinstance(b, np.ndarray) or isinstance(a, np.ndarray):
        a, b = np.asarray(a), np.asarray(b)
        assert a.shape == b.shape, name
        if a.dtype.kind in "fc" or b.dtype.kind in "fc":
            _close(a, b, name)
        else:
            np.testing.assert_array_equal(a, b, err_msg=name)
    elif isinstance(b, float | np.floating):
        _close(a, b, name)
    elif isinstance(b, int | np.integer | str | bool | tuple | type(None)):
        assert a == b, f"{name}: {a!r} != {b!r}"
    elif isinstance(b, list) and b and isinstance(b[0], np.ndarray):
        for i, (u, v) in enumerate(zip(a, b, strict=True)):
            assert_same_value(u, v, f"{name}[{i}]")
    elif isinstance(b, BaseEstimator):  # a fitted sub-estimator
        for key, value in fitted_attributes(b).items():
            assert_same_value(getattr(a, key), value, f"{name}.{key}")
    elif hasattr(b, "__dict__") and not isinstance(b, type):  # e.g. a fitted tree's arrays
        for key, value in vars(b).items():
            assert_same_value(getattr(a, key), value, f"{name}.{key}")


def fitted_attributes(est):
    return {k: v for k, v in vars(est).items() if k.endswith("_") and not k.startswith("_")}


@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("cls", [c for _, c in TAKES], ids=[n for n, _ in TAKES])
def test_sparse_fit_equals_dense_fit(cls, fmt):
    est = sparse_instance(cls)
    X, y = sparse_data(est)
    Xs = fmt(X)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence warnings: both fits get the same
        dense = fit(clone(est), X, y)
        sparse = fit(clone(est), Xs, y)
    dense_attrs, sparse_attrs = fitted_attributes(dense), fitted_attributes(sparse)
    assert set(dense_attrs) == set(sparse_attrs)
    for name, value in dense_attrs.items():
        assert_same_value(sparse_attrs[name], value, name)
    refused = _methods_refusing_sparse(cls.__name__, est, Xs, y)
    for method in output_methods(est):
        if method in refused:  # as the twin: the same error
            kind, message = refused[method]
            with pytest.raises(kind, match="^" + re.escape(message) + "$"):
                getattr(sparse, method)(Xs)
            continue
        out, expected = getattr(sparse, method)(Xs), getattr(dense, method)(X)
        if sp.issparse(out):  # a transformer's sparse result: the input's format and class
            assert type(out) is type(Xs), (method, type(out), type(Xs))
        assert_same_value(out, expected, method)
        # and the dense fit on sparse input, the sparse fit on dense input
        assert_same_value(getattr(dense, method)(Xs), expected, method + " (dense fit)")
        assert_same_value(getattr(sparse, method)(X), expected, method + " (sparse fit)")
    Xs0 = fmt(X)
    np.testing.assert_array_equal(Xs.toarray(), Xs0.toarray())  # the input is untouched


def _twin(name, params=None):
    module = TWINS.get(name)
    if module is None:
        return None
    twin = getattr(importlib.import_module(module), name)()
    if params:
        twin.set_params(**{k: v for k, v in params.items() if k in twin.get_params()})
    return twin


def _methods_refusing_sparse(name, est, Xs, y):
    """``{method: (error type, message)}`` of the twin's methods that refuse sparse X."""
    twin = _twin(name, est.get_params())
    if twin is None:
        return {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit(twin, Xs, y)
    refused = {}
    for method in output_methods(est):
        if hasattr(twin, method):
            try:
                getattr(twin, method)(Xs)
            except (TypeError, ValueError) as exc:
                refused[method] = type(exc), str(exc)
    return refused


def _error_of(est, X, y):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fit(est, X, y)
    except Exception as exc:  # the error itself is the result
        return type(exc), str(exc)
    return None


@pytest.mark.parametrize("fmt", [sp.csr_array, sp.csc_matrix], ids=lambda f: f.__name__)
@pytest.mark.parametrize("cls", [c for _, c in REFUSES], ids=[n for n, _ in REFUSES])
def test_refusal_is_scikit_learns_error(cls, fmt):
    est = instance(cls)
    X, y = sparse_data(est)
    twin = _twin(cls.__name__, est.get_params())
    expected = _error_of(twin, fmt(X), y) if twin is not None else GENERIC
    assert expected is not None, "the twin takes sparse X: mark the estimator sparse=True"
    kind, message = expected
    with pytest.raises(kind, match="^" + re.escape(message) + "$"):
        fit(clone(est), fmt(X), y)


@pytest.mark.parametrize("cls", [c for _, c in ESTIMATORS], ids=[n for n, _ in ESTIMATORS])
def test_sparse_tag_follows_the_capability_entry_and_the_twin(cls):
    caps = cls._capabilities
    tag = instance(cls).__sklearn_tags__().input_tags.sparse
    with_params = sparse_instance(cls).__sklearn_tags__().input_tags.sparse
    assert with_params is (caps.sparse is not False)
    if caps.sparse is True or caps.sparse is False:
        assert tag is caps.sparse
    twin = _twin(cls.__name__)
    if twin is not None:
        assert twin.__sklearn_tags__().input_tags.sparse is tag
        twin_sparse = _twin(cls.__name__, caps.sparse_params)
        assert twin_sparse.__sklearn_tags__().input_tags.sparse is with_params


# --- against scikit-learn on sparse input -----------------------------------------------------

# the estimators that give scikit-learn's model on dense data give it on sparse data; the
# others (SMO and cvxpy SVMs, L-BFGS and MLPs, which stop at their own tolerances) are
# compared with scikit-learn in their own modules
SAME_AS_SKLEARN = {
    "MultinomialNB": ("feature_count_", "feature_log_prob_", "class_log_prior_"),
    "BernoulliNB": ("feature_count_", "feature_log_prob_", "class_log_prior_"),
    "StandardScaler": ("mean_", "var_", "scale_"),
    "Normalizer": (),
    "PCA": ("components_", "explained_variance_", "explained_variance_ratio_",
            "singular_values_", "mean_", "noise_variance_"),
    "KMeans": ("cluster_centers_", "labels_", "inertia_"),
    "DecisionTreeClassifier": ("feature_importances_",),
}


@pytest.mark.parametrize("fmt", [sp.csr_array, sp.csc_matrix], ids=lambda f: f.__name__)
@pytest.mark.parametrize("name", sorted(SAME_AS_SKLEARN))
def test_sparse_fit_equals_scikit_learns(name, fmt):
    cls = dict(ESTIMATORS)[name]
    ours = sparse_instance(cls)
    theirs = _twin(name, ours.get_params())
    X, y = sparse_data(ours)
    Xs = fmt(X)
    fit(ours, Xs, y)
    fit(theirs, Xs, y)
    for attr in SAME_AS_SKLEARN[name]:
        np.testing.assert_allclose(np.asarray(getattr(ours, attr), dtype=float),
                                   np.asarray(getattr(theirs, attr), dtype=float),
                                   rtol=1e-9, atol=1e-12, err_msg=attr)
    refused = _methods_refusing_sparse(name, ours, Xs, y)
    for method in output_methods(ours):
        if not hasattr(theirs, method) or method in refused:
            continue
        a, b = getattr(ours, method)(Xs), getattr(theirs, method)(Xs)
        a = a.toarray() if sp.issparse(a) else a
        b = b.toarray() if sp.issparse(b) else b
        if np.asarray(b).dtype.kind in "fc":
            np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12, err_msg=method)
        else:
            np.testing.assert_array_equal(a, b, err_msg=method)


def _random_sparse_problem(seed):
    """A CSC matrix with negative values, duplicate values and explicit zeros, and labels."""
    rng = np.random.default_rng(seed)
    n, d = 120, 15
    dense = rng.integers(-3, 4, size=(n, d)).astype(np.float64)
    dense[rng.random((n, d)) < 0.7] = 0.0
    X = sp.csc_matrix(dense)
    X.data[rng.random(len(X.data)) < 0.1] = 0.0  # explicit zeros, still stored
    y = (dense[:, 0] + dense[:, 1] - dense[:, 2] + rng.normal(size=n) > 0).astype(int)
    y[rng.random(n) < 0.2] = 2
    return X, y, rng.integers(1, 4, size=n).astype(np.float64)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("params", [
    {"random_state": 0}, {"max_depth": 3, "random_state": 0},
    {"min_samples_leaf": 5, "random_state": 2}, {"max_features": 4, "random_state": 3},
    {"criterion": "entropy", "random_state": 1}, {"max_leaf_nodes": 6, "random_state": 0},
    {"min_impurity_decrease": 0.01, "random_state": 0}, {"ccp_alpha": 0.01, "random_state": 0},
])
@pytest.mark.parametrize("weighted", [False, True])
def test_tree_on_stored_entries_equals_scikit_learn_and_dense(seed, params, weighted):
    from sklearn.tree import DecisionTreeClassifier as SkTree

    from mlkit.tree import DecisionTreeClassifier

    X, y, w = _random_sparse_problem(seed)
    sw = w if weighted else None
    ours = DecisionTreeClassifier(**params).fit(X, y, sample_weight=sw)
    dense = DecisionTreeClassifier(**params).fit(X.toarray(), y, sample_weight=sw)
    ref = SkTree(**params).fit(X, y, sample_weight=sw)
    for other in (dense.tree_, ref.tree_):
        np.testing.assert_array_equal(ours.tree_.feature, other.feature)
        np.testing.assert_allclose(ours.tree_.threshold, other.threshold, atol=1e-10)
        np.testing.assert_array_equal(ours.tree_.children_left, other.children_left)
    np.testing.assert_allclose(ours.feature_importances_, ref.feature_importances_, atol=1e-10)
    np.testing.assert_allclose(ours.predict_proba(X.tocsr()), ref.predict_proba(X), atol=1e-10)


def test_tree_on_a_sparse_matrix_with_no_stored_entry_is_one_leaf_as_scikit_learns():
    from sklearn.tree import DecisionTreeClassifier as SkTree

    from mlkit.tree import DecisionTreeClassifier

    X, y = sp.csc_matrix((6, 3)), np.array([0, 1, 0, 1, 1, 0])
    ours, ref = DecisionTreeClassifier().fit(X, y), SkTree().fit(X, y)
    assert ours.tree_.node_count == ref.tree_.node_count == 1
    np.testing.assert_allclose(ours.predict_proba(X), ref.predict_proba(X))
