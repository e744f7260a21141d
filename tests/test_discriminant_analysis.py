"""LinearDiscriminantAnalysis against scikit-learn, the textbook formula, and bad input."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from sklearn.covariance import OAS, ledoit_wolf
from sklearn.datasets import load_iris, load_wine
from sklearn.discriminant_analysis import LinearDiscriminantAnalysis as SkLDA

from mlkit._array import is_lazy, to_host
from mlkit.discriminant_analysis import (
    LinearDiscriminantAnalysis as LDA,
)
from mlkit.discriminant_analysis import (
    ledoit_wolf_shrinkage,
)

ATTRIBUTES = ["coef_", "intercept_", "covariance_", "means_", "priors_", "xbar_",
              "explained_variance_ratio_", "scalings_"]


def _data(name, dtype=np.float64):
    rng = np.random.default_rng(0)
    if name == "iris":
        X, y = load_iris(return_X_y=True)
    elif name == "wine":
        X, y = load_wine(return_X_y=True)
    elif name == "random":
        y = rng.integers(0, 4, 200)
        X = rng.normal(size=(200, 6)) + 0.5 * y[:, None]
    elif name == "strings":  # two classes with string labels
        y = np.where(rng.random(80) < 0.4, "setosa", "virginica")
        X = rng.normal(size=(80, 5)) + (y == "setosa")[:, None]
    elif name == "wide":  # n < d
        y = np.arange(30) % 3
        X = rng.normal(size=(30, 40)) + y[:, None]
    return X.astype(dtype), y


def _rel(a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return np.max(np.abs(a - b)) / max(np.max(np.abs(b)), 1e-300) if a.size else 0.0


def _match_signs(a, b):
    """``a`` with each column's sign matched to ``b`` (directions have no intrinsic sign)."""
    s = np.sign(np.sum(a * b, axis=0))
    return a * np.where(s == 0, 1, s)


def _assert_same(ours, theirs, X, rtol=1e-6):
    k = len(theirs.classes_) - 1
    for name in ATTRIBUTES:
        assert hasattr(ours, name) == hasattr(theirs, name), name
        if not hasattr(theirs, name):
            continue
        a, b = np.asarray(getattr(ours, name)), np.asarray(getattr(theirs, name))
        assert a.shape == b.shape, (name, a.shape, b.shape)
        if name == "scalings_":  # directions beyond the n_classes - 1 discriminant ones are
            a, b = a[:, :k], b[:, :k]  # an arbitrary basis of a null space in 'eigen'
            a = _match_signs(a, b)
        assert _rel(a, b) <= rtol, (name, _rel(a, b))
    np.testing.assert_array_equal(ours.classes_, theirs.classes_)
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))
    for method in ("decision_function", "predict_proba", "predict_log_proba"):
        a, b = getattr(ours, method)(X), getattr(theirs, method)(X)
        if method == "predict_log_proba":  # below float32's smallest normal (e^-87) the
            a, b = np.maximum(a, -80), np.maximum(b, -80)  # probabilities underflow
        assert _rel(a, b) <= rtol, method
    if ours.solver != "lsqr":
        Z, Zs = ours.transform(X), theirs.transform(X)
        assert _rel(_match_signs(Z, Zs), Zs) <= rtol


CASES = [("svd", None), ("eigen", None), ("eigen", "auto"), ("eigen", 0.3),
         ("lsqr", None), ("lsqr", "auto"), ("lsqr", 0.7)]


@pytest.mark.parametrize("data", ["iris", "wine", "random", "strings"])
@pytest.mark.parametrize("solver,shrinkage", CASES)
@pytest.mark.parametrize("priors", [None, "given"])
def test_equal_to_scikit_learn(data, solver, shrinkage, priors):
    X, y = _data(data)
    k = len(np.unique(y))
    p = None if priors is None else np.arange(1, k + 1) / (k * (k + 1) / 2)
    params = dict(solver=solver, shrinkage=shrinkage, priors=p, store_covariance=True)
    _assert_same(LDA(**params).fit(X, y), SkLDA(**params).fit(X, y), X)


@pytest.mark.parametrize("solver", ["svd", "eigen", "lsqr"])
def test_float32(solver):
    # both sides compute in float32: agreement to float32 rounding, 1e-4
    X, y = _data("iris", np.float32)
    ours, theirs = LDA(solver=solver).fit(X, y), SkLDA(solver=solver).fit(X, y)
    assert ours.coef_.dtype == np.float32
    assert ours.decision_function(X).dtype == np.float32
    _assert_same(ours, theirs, X, rtol=1e-4)


def test_n_components_and_wide_data():
    X, y = _data("wide")
    ours = LDA(n_components=1).fit(X, y)
    theirs = SkLDA(n_components=1).fit(X, y)
    _assert_same(ours, theirs, X)
    assert ours.transform(X).shape == (30, 1)


def test_two_class_coefficients_by_hand():
    # ESL eq. 4.9: the log-odds are x'Σ⁻¹(μ1 - μ0) - ½(μ1 + μ0)'Σ⁻¹(μ1 - μ0) + log(π1/π0),
    # Σ the pooled (ddof=0, prior-weighted) within-class covariance
    X, y = _data("strings")
    classes = np.unique(y)
    mu = np.array([X[y == c].mean(axis=0) for c in classes])
    pi = np.array([np.mean(y == c) for c in classes])
    Sigma = sum(pi[i] * np.cov(X[y == c].T, ddof=0) for i, c in enumerate(classes))
    w = np.linalg.solve(Sigma, mu[1] - mu[0])
    b = -0.5 * (mu[1] + mu[0]) @ w + np.log(pi[1] / pi[0])
    for solver in ("svd", "eigen", "lsqr"):
        est = LDA(solver=solver).fit(X, y)
        np.testing.assert_allclose(est.coef_[0], w, rtol=1e-8)
        np.testing.assert_allclose(est.intercept_[0], b, rtol=1e-8)
    assert LDA().fit(X, y).predict(X).dtype.kind == "U"


def test_ledoit_wolf_shrinkage_matches_scikit_learn():
    rng = np.random.default_rng(1)
    Z = rng.normal(size=(40, 6)) @ rng.normal(size=(6, 6))
    Z = Z - Z.mean(axis=0)
    xp = np.__array_namespace__() if hasattr(np, "__array_namespace__") else np
    ours = float(ledoit_wolf_shrinkage(Z.T @ Z, (Z * Z).T @ (Z * Z), 40, xp))
    assert ours == pytest.approx(ledoit_wolf(Z)[1], rel=1e-10)


def test_covariance_estimator():
    X, y = _data("iris")
    for solver in ("eigen", "lsqr"):
        ours = LDA(solver=solver, covariance_estimator=OAS()).fit(X, y)
        theirs = SkLDA(solver=solver, covariance_estimator=OAS()).fit(X, y)
        _assert_same(ours, theirs, X)


def test_dask_many_chunks_matches_numpy():
    da = pytest.importorskip("dask.array")
    X, y = _data("random")
    Xd, yd = da.from_array(X, chunks=(13, 6)), da.from_array(y, chunks=13)
    for solver, shrinkage in CASES:
        ref = LDA(solver=solver, shrinkage=shrinkage).fit(X, y)
        ours = LDA(solver=solver, shrinkage=shrinkage).fit(Xd, yd)
        for name in ATTRIBUTES:
            if hasattr(ref, name):
                a, b = getattr(ours, name), getattr(ref, name)
                if name == "scalings_":  # the 3 discriminant directions (the rest: null space)
                    a, b = a[:, :3], b[:, :3]
                assert _rel(a, b) <= 1e-9, (solver, name)
        pred = ours.predict(Xd)
        assert is_lazy(pred)
        np.testing.assert_array_equal(to_host(pred), ref.predict(X))
        np.testing.assert_allclose(to_host(ours.predict_proba(Xd)), ref.predict_proba(X),
                                   rtol=1e-9, atol=1e-12)


# --- bad input --------------------------------------------------------------------------------


def test_one_class_and_as_many_samples_as_classes():
    X, _ = _data("iris")
    with pytest.raises(ValueError, match="only one class"):
        LDA().fit(X, np.zeros(150))
    with pytest.raises(ValueError, match="number of samples must be more than the number of "
                                         "classes"):
        LDA().fit(X[:3], [0, 1, 2])


def test_option_errors():
    X, y = _data("iris")
    with pytest.raises(ValueError, match=r"n_components cannot be larger than "
                                         r"min\(n_features, n_classes - 1\)"):
        LDA(n_components=3).fit(X, y)
    with pytest.raises(NotImplementedError, match="shrinkage not supported with 'svd'"):
        LDA(shrinkage="auto").fit(X, y)
    with pytest.raises(ValueError, match="'shrinkage' parameter"):
        LDA(solver="lsqr", shrinkage=1.5).fit(X, y)
    with pytest.raises(ValueError, match="priors must be non-negative"):
        LDA(priors=[0.5, 0.7, -0.2]).fit(X, y)
    with pytest.raises(ValueError, match="one entry per class"):
        LDA(priors=[0.5, 0.5]).fit(X, y)
    with pytest.warns(UserWarning, match="do not sum to 1"):
        est = LDA(priors=[1.0, 1.0, 2.0]).fit(X, y)
    np.testing.assert_allclose(est.priors_, [0.25, 0.25, 0.5])
    with pytest.raises(NotImplementedError, match="transform not implemented for 'lsqr'"):
        LDA(solver="lsqr").fit(X, y).transform(X)


def _collinear():
    X, y = _data("iris")
    return np.column_stack([X, X[:, 0] + X[:, 1], np.full(150, 3.0)]), y


def test_collinear_and_constant_features():
    X, y = _collinear()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        svd = LDA().fit(X, y)  # the rank-deficient directions are dropped (tol)
    ref = SkLDA().fit(X, y)
    np.testing.assert_array_equal(svd.predict(X), ref.predict(X))
    assert _rel(svd.coef_, ref.coef_) <= 1e-6
    assert _rel(svd.predict_proba(X), ref.predict_proba(X)) <= 1e-6
    # eigen: a clear error instead of LAPACK's; with shrinkage it is well posed
    with pytest.raises(ValueError, match="within-class covariance is singular"):
        LDA(solver="eigen").fit(X, y)
    shrunk = LDA(solver="eigen", shrinkage="auto").fit(X, y)
    assert np.all(np.isfinite(shrunk.coef_))
    # lsqr: the minimum-norm least-squares solution, as scikit-learn
    lsqr = LDA(solver="lsqr").fit(X, y)
    assert np.all(np.isfinite(lsqr.coef_))
    np.testing.assert_array_equal(lsqr.predict(X), SkLDA(solver="lsqr").fit(X, y).predict(X))


@pytest.mark.parametrize("params", [
    dict(solver="svd", store_covariance=True, priors=[0.2, 0.3, 0.1, 0.4]),
    dict(solver="eigen", shrinkage="auto"),
    dict(solver="eigen", shrinkage=0.2, n_components=2),
    dict(solver="lsqr", shrinkage=0.5),
])
def test_backends_match_numpy(backend, params):
    from mlkit._testing import assert_allclose_xp

    X, y = _data("random")
    ref = LDA(**params).fit(X, y)
    ours = LDA(**params).fit(backend.asarray(X), backend.asarray(y))
    attr_ns = "numpy" if backend.name == "dask" else backend.name
    for name in ATTRIBUTES:
        if hasattr(ref, name):
            a, b = getattr(ours, name), getattr(ref, name)
            if name == "scalings_":
                a, b = a[:, :3], b[:, :3]
            assert_allclose_xp(a, b, namespace=attr_ns, rtol=1e-8, atol=1e-12, err_msg=name)
    Xb = backend.asarray(X)
    methods = ["decision_function", "predict_proba", "predict_log_proba"]
    methods += [] if params["solver"] == "lsqr" else ["transform"]
    for method in methods:
        assert_allclose_xp(getattr(ours, method)(Xb), getattr(ref, method)(X),
                           namespace=backend.name, device=backend.device, rtol=1e-8,
                           atol=1e-10, err_msg=method)
    np.testing.assert_array_equal(to_host(ours.predict(Xb)), ref.predict(X))


def test_constant_feature_with_ledoit_wolf():
    # a constant column is not standardized into noise: scikit-learn's result
    X, y = _data("iris")
    X = np.column_stack([X, np.full(150, 0.3)])
    for solver in ("eigen", "lsqr"):
        ours = LDA(solver=solver, shrinkage="auto").fit(X, y)
        theirs = SkLDA(solver=solver, shrinkage="auto").fit(X, y)
        assert _rel(ours.covariance_, theirs.covariance_) <= 1e-6
        assert _rel(ours.predict_proba(X), theirs.predict_proba(X)) <= 1e-6


def test_float32_is_fitted_in_float64():
    # float32 data, fitted in float32, lost the small within-class directions (n < d, 'svd':
    # coef_ off by a factor 2e6) and cancelled far from the origin ('lsqr', 'eigen'); fitted
    # in float64 the attributes equal scikit-learn's float64 fit of the same (float32) values
    rng = np.random.default_rng(0)
    X = rng.standard_normal((20, 50))
    y = np.repeat([0, 1, 2], [7, 7, 6])
    X[y == 1] += 1
    X[y == 2] -= 1
    X = X.astype(np.float32)
    ours = LDA().fit(X, y)
    assert ours.coef_.dtype == np.float32
    np.testing.assert_allclose(ours.coef_, SkLDA().fit(X.astype(np.float64), y).coef_,
                               rtol=1e-5, atol=1e-5)
    X2 = rng.standard_normal((300, 10)) + 3000.0
    y2 = np.repeat([0, 1], [200, 100])
    X2[y2 == 1, 0] += 2
    X2 = X2.astype(np.float32)
    for solver, shrinkage in (("lsqr", None), ("eigen", None), ("lsqr", "auto")):
        ours = LDA(solver=solver, shrinkage=shrinkage)
        ours.fit(X2, y2)
        theirs = SkLDA(solver=solver, shrinkage=shrinkage).fit(X2.astype(np.float64), y2)
        np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(ours.intercept_, theirs.intercept_, rtol=1e-5)


def test_no_within_class_variance_is_a_clear_error():
    # scikit-learn fails here with an IndexError
    X, y = np.ones((10, 3)), np.arange(10) % 2
    with pytest.raises(ValueError, match="no variance above tol"):
        LDA().fit(X, y)
