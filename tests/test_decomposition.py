"""PCA against scikit-learn, solver by solver, and its bad-input and streaming behaviour."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from sklearn.datasets import load_iris, load_wine
from sklearn.decomposition import PCA as SkPCA

from mlkit._array import is_lazy, to_host
from mlkit.decomposition import PCA, minka_dimension, minka_log_evidence, svd_flip

ATTRIBUTES = ["components_", "explained_variance_", "explained_variance_ratio_",
              "singular_values_", "mean_", "noise_variance_"]


def _data(name, dtype=np.float64):
    rng = np.random.default_rng(0)
    if name == "iris":
        X = load_iris().data
    elif name == "wine":
        X = load_wine().data
    elif name == "tall":
        X = rng.normal(size=(300, 8)) @ rng.normal(size=(8, 8)) + 3.0
    elif name == "square":
        X = rng.normal(size=(40, 30)) * np.linspace(1, 5, 30)
    elif name == "wide":  # n < d
        X = rng.normal(size=(20, 50)) * np.linspace(1, 5, 50)
    return X.astype(dtype)


def _rel(a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return np.max(np.abs(a - b)) / max(np.max(np.abs(b)), 1e-300) if a.size else 0.0


def _assert_same(ours, theirs, X, rtol, k=None):
    """Attribute by attribute and output by output; ``k`` limits the comparison to the
    components that are defined uniquely (not inside a null space)."""
    assert ours.n_components_ == theirs.n_components_
    assert ours.n_samples_ == theirs.n_samples_
    for name in ATTRIBUTES:
        a, b = getattr(ours, name), getattr(theirs, name)
        if k is not None and np.ndim(a):
            a, b = a[:k], b[:k]
        if name == "noise_variance_":  # relative to the spectrum: it may be rounding-level
            assert abs(a - b) <= rtol * np.max(theirs.explained_variance_), (name, a, b)
        else:
            assert _rel(a, b) <= rtol, (name, _rel(a, b))
        if np.ndim(b):
            assert np.asarray(a).dtype == np.asarray(b).dtype, name
    Z = ours.transform(X)
    Zs = theirs.transform(X)
    assert Z.dtype == Zs.dtype
    cols = slice(None) if k is None else slice(0, k)
    assert _rel(Z[:, cols], Zs[:, cols]) <= rtol
    assert _rel(ours.inverse_transform(Zs), theirs.inverse_transform(Zs)) <= rtol * 10
    if k is None:
        for method in ("get_covariance", "get_precision"):
            assert _rel(getattr(ours, method)(), getattr(theirs, method)()) <= rtol * 100, method
        assert _rel(ours.score_samples(X), theirs.score_samples(X)) <= rtol * 100
        assert ours.score(X) == pytest.approx(theirs.score(X), rel=rtol * 100)


CASES = [(solver, n) for solver in ("full", "covariance_eigh") for n in (None, 2, 0.9, "mle")]
CASES += [(solver, n) for solver in ("randomized", "arpack") for n in (2, 3)]


@pytest.mark.parametrize("data", ["iris", "wine", "tall", "square"])
@pytest.mark.parametrize("solver,n_components", CASES)
@pytest.mark.parametrize("whiten", [False, True])
def test_equal_to_scikit_learn_float64(data, solver, n_components, whiten):
    X = _data(data)
    params = dict(n_components=n_components, svd_solver=solver, whiten=whiten, random_state=0)
    ours = PCA(**params).fit(X)
    theirs = SkPCA(**params).fit(X)
    # 'square' data in the covariance route: the condition number is squared, so its smallest
    # eigenvalues carry an absolute error of about eps * largest
    _assert_same(ours, theirs, X, rtol=1e-6)


@pytest.mark.parametrize("solver", ["full", "covariance_eigh"])
def test_wide_data_n_less_than_d(solver):
    X = _data("wide")
    for n_components in (None, 5, 0.8):
        ours = PCA(n_components=n_components, svd_solver=solver).fit(X)
        theirs = SkPCA(n_components=n_components, svd_solver=solver).fit(X)
        # n - 1 = 19 nonzero variances: the directions beyond them span a null space
        k = min(ours.n_components_, 19)
        _assert_same(ours, theirs, X, rtol=1e-6, k=k)
    for solver in ("randomized", "arpack"):
        ours = PCA(n_components=5, svd_solver=solver, random_state=1).fit(X)
        theirs = SkPCA(n_components=5, svd_solver=solver, random_state=1).fit(X)
        _assert_same(ours, theirs, X, rtol=1e-6)


@pytest.mark.parametrize("data", ["iris", "tall"])
@pytest.mark.parametrize("solver", ["full", "covariance_eigh", "randomized", "arpack"])
def test_equal_to_scikit_learn_float32(data, solver):
    # both compute in float32: agreement to float32 rounding (eps 1.2e-7) times the
    # conditioning of the data, hence 1e-4
    X = _data(data, np.float32)
    params = dict(n_components=2, svd_solver=solver, random_state=0)
    ours = PCA(**params).fit(X)
    theirs = SkPCA(**params).fit(X)
    assert ours.components_.dtype == np.float32
    _assert_same(ours, theirs, X, rtol=1e-4, k=2)


def test_every_solver_pair_agrees():
    X = _data("tall")
    fits = [PCA(n_components=3, svd_solver=s, random_state=0).fit(X)
            for s in ("full", "covariance_eigh", "randomized", "arpack")]
    for other in fits[1:]:
        for name in ATTRIBUTES:
            assert _rel(getattr(other, name), getattr(fits[0], name)) <= 1e-6, name


def test_sign_rule_largest_entry_positive():
    X = _data("wine")
    W = PCA().fit(X).components_
    rows = np.arange(W.shape[0])
    assert np.all(W[rows, np.argmax(np.abs(W), axis=1)] > 0)
    Vt = np.array([[0.1, -0.9], [0.5, 0.3]])
    flipped, _ = svd_flip(Vt, np.__array_namespace__() if hasattr(np, "__array_namespace__")
                          else np)
    np.testing.assert_array_equal(flipped, [[-0.1, 0.9], [0.5, 0.3]])


def test_explained_variance_by_hand():
    # hand computation: eigenvalues of the ddof=1 covariance matrix
    X = _data("tall")
    w = np.sort(np.linalg.eigvalsh(np.cov(X.T)))[::-1]
    pca = PCA().fit(X)
    np.testing.assert_allclose(pca.explained_variance_, w, rtol=1e-10)
    np.testing.assert_allclose(pca.explained_variance_ratio_.sum(), 1.0, rtol=1e-12)


def test_whitened_output_has_unit_variance():
    X = _data("iris")
    Z = PCA(whiten=True).fit_transform(X)
    np.testing.assert_allclose(np.var(Z, axis=0, ddof=1), 1.0, rtol=1e-10)
    np.testing.assert_allclose(np.cov(Z.T), np.eye(4), atol=1e-10)


def test_minka_recovers_the_planted_rank():
    # Minka (2000): rank-3 signal in isotropic noise; the evidence peaks at the true rank
    rng = np.random.default_rng(3)
    X = rng.normal(size=(500, 3)) @ rng.normal(size=(3, 10)) * 5 + rng.normal(size=(500, 10))
    assert PCA(n_components="mle").fit(X).n_components_ == 3
    spectrum = np.sort(np.linalg.eigvalsh(np.cov(X.T)))[::-1]
    assert minka_dimension(spectrum, 500) == 3


def test_partial_fit_equals_fit_on_all_rows():
    X = _data("tall")
    inc = PCA(n_components=3)
    for block in np.array_split(X, 7):
        inc.partial_fit(block)
    full = PCA(n_components=3, svd_solver="full").fit(X)
    for name in ATTRIBUTES:
        assert _rel(getattr(inc, name), getattr(full, name)) <= 1e-8, name
    assert inc.n_samples_ == X.shape[0]
    np.testing.assert_allclose(inc.transform(X), full.transform(X), rtol=1e-8, atol=1e-10)


def test_dask_many_chunks_matches_numpy():
    da = pytest.importorskip("dask.array")
    X = _data("tall")
    Xd = da.from_array(X, chunks=(17, 8))  # 18 row blocks
    for solver in ("auto", "covariance_eigh", "full"):
        ours = PCA(n_components=3, svd_solver=solver).fit(Xd)
        ref = PCA(n_components=3, svd_solver=solver).fit(X)
        for name in ATTRIBUTES:
            assert _rel(getattr(ours, name), getattr(ref, name)) <= 1e-10, (solver, name)
        Z = ours.transform(Xd)
        assert is_lazy(Z)
        np.testing.assert_allclose(to_host(Z), ref.transform(X), rtol=1e-10, atol=1e-12)


def test_auto_uses_covariance_route_for_tall_data():
    X = np.random.default_rng(0).normal(size=(2000, 20))
    assert PCA().fit(X)._fit_svd_solver == "covariance_eigh"
    assert PCA().fit(X[:10])._fit_svd_solver == "full"  # n < d, small
    wide = np.random.default_rng(0).normal(size=(100, 600))
    assert PCA(n_components=5).fit(wide)._fit_svd_solver == "randomized"


@pytest.mark.parametrize("solver", ["full", "covariance_eigh"])
def test_n_components_out_of_range(solver):
    X = _data("iris")
    msg = rf"n_components=5 must be between 0 and min\(n_samples, n_features\)=4 with " \
          rf"svd_solver='{solver}'"
    with pytest.raises(ValueError, match=msg):
        PCA(n_components=5, svd_solver=solver).fit(X)


def test_n_components_errors_match_scikit_learn():
    X = _data("iris")
    for params in [dict(n_components=5, svd_solver="randomized"),
                   dict(n_components="mle", svd_solver="randomized"),
                   dict(n_components=0, svd_solver="randomized"),
                   dict(n_components=4, svd_solver="arpack"),
                   dict(n_components=0.5, svd_solver="arpack"),
                   dict(n_components="mle", svd_solver="arpack")]:
        with pytest.raises(ValueError) as ours:
            PCA(**params).fit(X)
        with pytest.raises(ValueError) as theirs:
            SkPCA(**params).fit(X)
        assert str(ours.value) == str(theirs.value)
    with pytest.raises(ValueError, match="'n_components' parameter of PCA"):
        PCA(n_components=-1).fit(X)
    with pytest.raises(ValueError, match="only supported if n_samples >= n_features"):
        PCA(n_components="mle").fit(_data("wide"))


def test_constant_and_collinear_features_are_handled():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(50, 2))
    X = np.column_stack([a, a[:, 0] * 2 - a[:, 1], np.full(50, 7.0)])  # rank 2
    for solver in ("full", "covariance_eigh", "randomized", "arpack"):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            pca = PCA(n_components=2, svd_solver=solver, random_state=0).fit(X)
        ref = SkPCA(n_components=2, svd_solver=solver, random_state=0).fit(X)
        _assert_same(pca, ref, X, rtol=1e-6, k=2)
        assert np.all(np.isfinite(pca.score_samples(X)))
    full = PCA(svd_solver="covariance_eigh").fit(X)
    assert np.all(full.explained_variance_ >= 0)
    np.testing.assert_allclose(full.explained_variance_[2:], 0, atol=1e-12)


def test_array_api_strict_randomized_matches_numpy():
    xps = pytest.importorskip("array_api_strict")
    X = _data("tall")
    ref = PCA(n_components=3, svd_solver="randomized", random_state=0).fit(X)
    ours = PCA(n_components=3, svd_solver="randomized", random_state=0).fit(xps.asarray(X))
    for name in ATTRIBUTES:
        assert _rel(to_host(getattr(ours, name)), getattr(ref, name)) <= 1e-8, name


@pytest.mark.parametrize("params", [
    dict(svd_solver="full", n_components=3),
    dict(svd_solver="covariance_eigh", n_components=0.9, whiten=True),
    dict(svd_solver="randomized", n_components=2, random_state=0),
    dict(svd_solver="arpack", n_components=2, random_state=0),
])
def test_backends_match_numpy(backend, params):
    from mlkit._testing import assert_allclose_xp

    X = _data("tall")
    ref = PCA(**params).fit(X)
    ours = PCA(**params).fit(backend.asarray(X))
    attr_ns = "numpy" if backend.name == "dask" else backend.name
    if params["svd_solver"] in ("randomized", "arpack") and backend.name == "dask":
        attr_ns = "numpy"  # both move Dask data to the host
    for name in ATTRIBUTES[:-1]:
        assert_allclose_xp(getattr(ours, name), getattr(ref, name), namespace=attr_ns,
                           rtol=1e-8, atol=1e-12, err_msg=name)
    Xb = backend.asarray(X)
    for method in ("transform", "score_samples"):
        assert_allclose_xp(getattr(ours, method)(Xb), getattr(ref, method)(X),
                           namespace=backend.name, device=backend.device, rtol=1e-8,
                           atol=1e-10, err_msg=method)
    Z = backend.asarray(ref.transform(X))
    assert_allclose_xp(ours.inverse_transform(Z), ref.inverse_transform(ref.transform(X)),
                       namespace=backend.name, device=backend.device, rtol=1e-8, atol=1e-10)
    assert ours.score(Xb) == pytest.approx(ref.score(X), rel=1e-8)


def test_partial_fit_on_backends(backend):
    X = _data("tall")
    ref = PCA(n_components=3, svd_solver="covariance_eigh").fit(X)
    inc = PCA(n_components=3)
    for block in np.array_split(X, 3):
        inc.partial_fit(backend.asarray(block))
    for name in ATTRIBUTES:
        assert _rel(to_host(getattr(inc, name)), getattr(ref, name)) <= 1e-8, name


def test_arpack_keeps_one_fewer_component_by_default_as_sklearn():
    X = _data("iris")
    ours = PCA(svd_solver="arpack", random_state=0).fit(X)
    theirs = SkPCA(svd_solver="arpack", random_state=0).fit(X)
    assert ours.n_components_ == theirs.n_components_ == 3
    _assert_same(ours, theirs, X, rtol=1e-6)



def test_precision_when_kept_eigenvalues_equal_the_noise():
    # two kept eigenvalues equal to the noise variance (0.4 = 0.4): they add nothing to the
    # covariance, and the Woodbury inverse must leave them out (it gave NaN)
    from scipy.stats import multivariate_normal

    X = np.array([[1.0, 0, 0], [-1, 0, 0], [0, 1, 0], [0, -1, 0], [0, 0, 1], [0, 0, -1]])
    pca = PCA(n_components=2, svd_solver="full").fit(X)
    C = pca.get_covariance()
    np.testing.assert_allclose(pca.get_precision(), np.linalg.inv(C), atol=1e-12)
    np.testing.assert_allclose(pca.score_samples(X), multivariate_normal(pca.mean_, C).logpdf(X),
                               rtol=1e-12)


def test_mle_does_not_split_a_tie():
    # eigenvalues 0.4, 0.4, 0.004: Minka's evidence is undefined for a rank that splits the
    # tie (scikit-learn raises 'math domain error'); of ranks 1 and 2 only 2 keeps the tied
    # pair whole, and a tie among the kept eigenvalues leaves the evidence finite
    X = np.array([[1.0, 0, 0], [-1, 0, 0], [0, 1, 0], [0, -1, 0], [0, 0, 0.1], [0, 0, -0.1]])
    spectrum = PCA(svd_solver="full").fit(X).explained_variance_
    assert spectrum[0] == spectrum[1]
    assert minka_log_evidence(spectrum, 1, 6) == -np.inf
    assert np.isfinite(minka_log_evidence(spectrum, 2, 6))
    assert PCA(n_components="mle", svd_solver="full").fit(X).n_components_ == 2


# --- scipy.sparse input -------------------------------------------------------------------------


def _sparse_pca_data(seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(300, 20)) @ rng.normal(size=(20, 20)) + 2.0
    X[np.abs(X) < 3.0] = 0.0
    return X


@pytest.mark.parametrize("fmt", ["csr_array", "csc_array", "csr_matrix", "csc_matrix"])
@pytest.mark.parametrize("params", [
    {"svd_solver": "arpack", "n_components": 5},
    {"svd_solver": "arpack"},  # n_components=None: min(n, d) - 1
    {"svd_solver": "auto", "n_components": 4},  # 'auto' is ARPACK for sparse X
    {"svd_solver": "covariance_eigh", "n_components": 6},
    {"svd_solver": "covariance_eigh", "n_components": 0.8},
    {"svd_solver": "covariance_eigh", "n_components": "mle"},
    {"svd_solver": "arpack", "n_components": 3, "whiten": True},
])
def test_sparse_equals_dense_and_scikit_learn(params, fmt):
    import scipy.sparse as sp

    X = _sparse_pca_data()
    Xs = getattr(sp, fmt)(X)
    params = {**params, "random_state": 0}
    ours = PCA(**params).fit(Xs)
    theirs = SkPCA(**params).fit(Xs)
    dense_params = {**params, "svd_solver": "arpack"} if params["svd_solver"] == "auto" \
        else params
    dense = PCA(**dense_params).fit(X)
    assert ours.n_components_ == theirs.n_components_ == dense.n_components_
    assert ours._fit_svd_solver == theirs._fit_svd_solver
    for name in ATTRIBUTES:
        for other in (dense, theirs):
            np.testing.assert_allclose(getattr(ours, name), getattr(other, name),
                                       rtol=1e-10, atol=1e-12, err_msg=name)
    Z = ours.transform(Xs)
    assert isinstance(Z, np.ndarray)
    np.testing.assert_allclose(Z, dense.transform(X), rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(Z, theirs.transform(Xs), rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(ours.fit_transform(Xs), Z, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("solver", ["full", "randomized"])
def test_sparse_refused_by_the_other_solvers_as_scikit_learn(solver):
    import scipy.sparse as sp

    Xs = sp.csr_array(_sparse_pca_data())
    message = (f'^PCA only support sparse inputs with the "arpack" and "covariance_eigh" '
               f'solvers, while "{solver}" was passed. See TruncatedSVD for a possible '
               "alternative.$")
    for cls in (PCA, SkPCA):
        with pytest.raises(TypeError, match=message):
            cls(2, svd_solver=solver).fit(Xs)
        assert not cls(2, svd_solver=solver).__sklearn_tags__().input_tags.sparse
    fitted = PCA(2, svd_solver=solver).fit(Xs.toarray())  # transform takes sparse X
    np.testing.assert_allclose(fitted.transform(Xs), fitted.transform(Xs.toarray()),
                               rtol=1e-12, atol=1e-12)
    with pytest.raises(TypeError, match="Sparse data was passed"):  # as scikit-learn's
        fitted.score_samples(Xs)


def test_sparse_partial_fit_equals_dense_partial_fit():
    import scipy.sparse as sp

    X = _sparse_pca_data()
    ours, dense = PCA(4), PCA(4)
    for rows in np.array_split(np.arange(X.shape[0]), 3):
        ours.partial_fit(sp.csr_array(X[rows]))
        dense.partial_fit(X[rows])
    for name in ATTRIBUTES:
        np.testing.assert_allclose(getattr(ours, name), getattr(dense, name), rtol=1e-10,
                                   atol=1e-12, err_msg=name)
