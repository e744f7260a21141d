"""KMeans and kmeans_plusplus against scikit-learn (algorithm='lloyd') and a slow loop."""

from __future__ import annotations

import re

import numpy as np
import pytest
from sklearn.cluster import KMeans as SkKMeans
from sklearn.cluster import kmeans_plusplus as sk_kmeans_plusplus
from sklearn.exceptions import ConvergenceWarning

from mlkit._array import to_host
from mlkit._testing import assert_allclose_xp
from mlkit.cluster import KMeans, _lloyd_numpy, assign, kmeans_plusplus


def blobs(n=600, d=3, seed=0):
    rng = np.random.default_rng(seed)
    centers = rng.uniform(-6, 6, size=(5, d))
    return np.concatenate([rng.normal(size=(n // 5, d)) + c for c in centers])


def assert_same_kmeans(ours, theirs, rtol=1e-6):
    np.testing.assert_allclose(ours.cluster_centers_, theirs.cluster_centers_, rtol=rtol,
                               atol=1e-10)
    np.testing.assert_array_equal(to_host(ours.labels_), theirs.labels_)
    np.testing.assert_allclose(ours.inertia_, theirs.inertia_, rtol=rtol)
    assert ours.n_iter_ == theirs.n_iter_


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("weighted", [False, True])
def test_equal_to_sklearn_given_the_same_init_array(seed, weighted):
    X = blobs(seed=seed)
    rng = np.random.default_rng(seed + 10)
    init = X[rng.choice(X.shape[0], 6, replace=False)]
    sw = rng.uniform(0.1, 3, size=X.shape[0]) if weighted else None
    ours = KMeans(6, init=init).fit(X, sample_weight=sw)
    theirs = SkKMeans(6, init=init, algorithm="lloyd").fit(X, sample_weight=sw)
    assert_same_kmeans(ours, theirs)
    Xt = rng.normal(size=(50, 3)) * 5
    np.testing.assert_array_equal(ours.predict(Xt), theirs.predict(Xt))
    np.testing.assert_allclose(ours.transform(Xt), theirs.transform(Xt), rtol=1e-9)
    np.testing.assert_allclose(ours.score(Xt), theirs.score(Xt), rtol=1e-9)


@pytest.mark.parametrize("init", ["k-means++", "random"])
@pytest.mark.parametrize("n_init", ["auto", 3])
def test_equal_to_sklearn_given_the_same_seed(init, n_init):
    # the seeding draws from random_state in scikit-learn's order
    X = blobs(seed=5)
    params = dict(n_clusters=5, init=init, n_init=n_init, random_state=7)
    assert_same_kmeans(KMeans(**params).fit(X), SkKMeans(**params).fit(X))


def test_kmeans_plusplus_picks_sklearns_seeds():
    X = blobs(seed=1)
    w = np.random.default_rng(0).uniform(0.5, 2, size=X.shape[0])
    for sw in (None, w):
        c1, i1 = kmeans_plusplus(X, 6, sample_weight=sw, random_state=3)
        c2, i2 = sk_kmeans_plusplus(X, 6, sample_weight=sw, random_state=3)
        np.testing.assert_array_equal(i1, i2)
        np.testing.assert_allclose(c1, c2)


def test_empty_cluster_is_relocated_as_sklearn():
    X = blobs(seed=2)
    init = np.concatenate([X[:3], [[100.0, 100.0, 100.0], [-100.0, 50.0, 0.0]]])
    ours = KMeans(5, init=init).fit(X)
    assert_same_kmeans(ours, SkKMeans(5, init=init, algorithm="lloyd").fit(X))
    assert np.unique(ours.labels_).size == 5


def test_assignment_against_a_per_sample_loop():
    X = blobs(n=100)
    C = np.random.default_rng(0).normal(size=(4, 3)) * 4
    slow = [int(np.argmin([np.sum((x - c) ** 2) for c in C])) for x in X]
    np.testing.assert_array_equal(assign(X, C, np), slow)
    km = KMeans(4, init=C, max_iter=1).fit(X)
    dist = np.array([[np.sqrt(np.sum((x - c) ** 2)) for c in km.cluster_centers_] for x in X])
    np.testing.assert_allclose(km.transform(X), dist, rtol=1e-9)


def test_integer_weights_equal_repeated_rows():
    X = blobs(n=300, seed=3)
    w = np.random.default_rng(1).integers(0, 4, size=X.shape[0])
    init = X[:5] + 0.1
    weighted = KMeans(5, init=init).fit(X, sample_weight=w)
    repeated = SkKMeans(5, init=init, algorithm="lloyd").fit(np.repeat(X, w, axis=0))
    np.testing.assert_allclose(weighted.cluster_centers_, repeated.cluster_centers_,
                               rtol=1e-9)
    np.testing.assert_allclose(weighted.inertia_, repeated.inertia_, rtol=1e-9)
    assert weighted.n_iter_ == repeated.n_iter_


def test_fewer_distinct_points_than_clusters_warns():
    X = np.repeat(np.arange(3.0)[:, None], 5, axis=0)
    with pytest.warns(ConvergenceWarning, match="distinct clusters"):
        KMeans(4, random_state=0).fit(X)


@pytest.mark.parametrize(
    "params, message",
    [
        ({"n_clusters": 1000}, "n_samples=600 should be >= n_clusters=1000"),
        ({"n_clusters": 2, "init": np.zeros((3, 3))}, "does not match"),
        ({"n_clusters": 2, "init": "banana"}, "'init' parameter"),
        ({"n_clusters": 2, "init": np.full((2, 3), np.nan)}, "NaN"),
        ({"n_clusters": 0}, "'n_clusters' parameter"),
        ({"tol": -1.0}, "'tol' parameter"),
    ],
)
def test_bad_parameters(params, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        KMeans(**params).fit(blobs())


def test_explicit_init_with_n_init_warns_and_runs_once():
    X = blobs()
    with pytest.warns(RuntimeWarning, match="one run"):
        KMeans(5, init=X[:5], n_init=4).fit(X)


def test_on_backend_equals_numpy(backend):
    X = blobs(n=200)
    sw = np.random.default_rng(0).uniform(0.5, 2, size=X.shape[0])
    # on Dask 'k-means++' runs as k-means||, whose draws are the same on NumPy
    init = "k-means||" if backend.name == "dask" else "k-means++"
    ref = KMeans(5, init=init, random_state=0, n_init=2).fit(X, sample_weight=sw)
    est = KMeans(5, random_state=0, n_init=2).fit(backend.asarray(X),
                                                   sample_weight=backend.asarray(sw))
    expected = "numpy" if backend.name == "dask" else backend.name
    assert_allclose_xp(est.cluster_centers_, ref.cluster_centers_, namespace=expected,
                       rtol=1e-9)
    np.testing.assert_array_equal(to_host(est.labels_), ref.labels_)
    assert est.n_iter_ == ref.n_iter_
    np.testing.assert_allclose(est.inertia_, ref.inertia_, rtol=1e-9)
    assert_allclose_xp(est.transform(backend.asarray(X)), ref.transform(X),
                       namespace=backend.name, rtol=1e-9)


def test_dask_one_compute_per_lloyd_iteration():
    da = pytest.importorskip("dask.array")
    from dask.callbacks import Callback

    X = blobs()
    init = X[:5]
    calls = []
    with Callback(start=lambda dsk: calls.append(1)):
        km = KMeans(5, init=init).fit(da.from_array(X, chunks=(150, 3)))
    # the column means, one per iteration, the final labels and inertia
    assert len(calls) == km.n_iter_ + 2
    assert_same_kmeans(km, SkKMeans(5, init=init, algorithm="lloyd").fit(X))


@pytest.mark.parametrize("weighted", [False, True])
def test_numpy_row_blocks_equal_sklearn(monkeypatch, weighted):
    # the NumPy fast path with blocks of 64 rows (the last one partial) and ties at the edges;
    # every scan blocked, however few its rows
    monkeypatch.setattr(_lloyd_numpy, "BLOCK_ROWS", 64)
    monkeypatch.setattr(_lloyd_numpy, "FEW_ROWS", 0)
    X = blobs(seed=6)
    rng = np.random.default_rng(6)
    init = X[rng.choice(X.shape[0], 7, replace=False)]
    sw = rng.uniform(0.1, 3, size=X.shape[0]) if weighted else None
    ours = KMeans(7, init=init).fit(X, sample_weight=sw)
    assert_same_kmeans(ours, SkKMeans(7, init=init, algorithm="lloyd").fit(X, sample_weight=sw))


@pytest.mark.parametrize("few_rows", [0, 2048])  # blocked; in one piece
def test_ties_go_to_the_first_center_as_argmin(monkeypatch, few_rows):
    # x = 1 is exactly as far from 0.5 as from 1.5 (also in the expanded form ‖c‖² − 2xc)
    monkeypatch.setattr(_lloyd_numpy, "BLOCK_ROWS", 4)
    monkeypatch.setattr(_lloyd_numpy, "FEW_ROWS", few_rows)
    X = np.arange(10.0)[:, None] % 3
    C = np.array([[1.5], [0.5], [-1.0]])
    slow = [int(np.argmin([np.sum((x - c) ** 2) for c in C])) for x in X]
    np.testing.assert_array_equal(assign(X, C, np), slow)
    assert slow[1] == 0


# --- the NumPy path's skipped rows (mlkit/_lloyd_numpy.py) -----------------------------------


def plain_lloyd(X, centers, max_iter, tol):
    """Lloyd's algorithm without bounds: every row is scanned in every iteration (the
    expanded distance, argmin over the centers, plain means; no empty cluster expected)."""
    labels_old = None
    for i in range(max_iter):
        labels = np.argmin(np.sum(centers**2, axis=1) - 2 * X @ centers.T, axis=1)
        new = np.stack([X[labels == j].mean(axis=0) for j in range(centers.shape[0])])
        shift, centers = np.sum((new - centers) ** 2), new
        if labels_old is not None and np.array_equal(labels, labels_old):
            return labels, centers, i + 1
        if shift <= tol:
            break
        labels_old = labels
    return np.argmin(np.sum(centers**2, axis=1) - 2 * X @ centers.T, axis=1), centers, i + 1


def _lloyd_with_bounds(X, centers, max_iter, tol):
    def update(sums, weights, centers, labels):
        return sums / weights[:, None]

    sw = np.ones(X.shape[0])
    return _lloyd_numpy.lloyd(X, sw, centers, max_iter=max_iter, tol=tol, update=update)


@pytest.mark.parametrize("few_rows", [0, 2048])  # rescans blocked; in one piece
@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("offset", [0.0, 1e4])
def test_rows_skipped_by_the_bounds_get_the_plain_labels(monkeypatch, seed, offset, few_rows):
    monkeypatch.setattr(_lloyd_numpy, "FEW_ROWS", few_rows)
    # uniform data: no cluster structure, many rows near a boundary in every iteration; the
    # offset makes ‖x‖² large against the distances (the rounding slack must cover it)
    rng = np.random.default_rng(seed)
    X = rng.uniform(size=(3000, 4)) + offset
    init = X[rng.choice(3000, 12, replace=False)]
    labels, total, centers, n_iter = _lloyd_with_bounds(X, init, 200, 0.0)
    ref_labels, ref_centers, ref_n_iter = plain_lloyd(X, init, 200, 0.0)
    assert n_iter == ref_n_iter > 20
    np.testing.assert_array_equal(labels, ref_labels)
    np.testing.assert_allclose(centers, ref_centers, rtol=1e-12)
    np.testing.assert_allclose(total, np.sum((X - ref_centers[ref_labels]) ** 2), rtol=1e-9)


def test_settled_rows_are_not_scanned_again(monkeypatch):
    X = blobs(n=5000, seed=4)
    scanned = []
    scan = _lloyd_numpy.scan

    def counting_scan(X, *args, **kwargs):
        scanned.append(X.shape[0])
        return scan(X, *args, **kwargs)

    monkeypatch.setattr(_lloyd_numpy, "scan", counting_scan)
    _, _, _, n_iter = _lloyd_with_bounds(X, X[:5] + 0.5, 100, 0.0)
    assert scanned[0] == 5000 and n_iter >= 3
    assert max(scanned[-2:]) < 500  # the last scans: only rows near a boundary


@pytest.mark.parametrize("few_rows", [0, 2048])  # blocked; in one piece
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("d", [1, 5, 50])
@pytest.mark.parametrize("offset", [0.0, 1e3, 1e6])
def test_margins_are_within_the_rounding_slack(monkeypatch, dtype, d, offset, few_rows):
    monkeypatch.setattr(_lloyd_numpy, "FEW_ROWS", few_rows)
    # margins from the expanded form against the same margins from the differences, in
    # float64 (or long double for float64 inputs)
    rng = np.random.default_rng(d)
    X = (rng.normal(size=(2000, d)) + offset).astype(dtype)
    C = (rng.normal(size=(6, d)) + offset).astype(dtype)
    x_sq = np.einsum("ij,ij->i", X, X)
    labels, margins, _, _ = _lloyd_numpy.scan(X, C, x_sq=x_sq)
    wide = np.longdouble if dtype == np.float64 else np.float64
    dist = np.sqrt(np.sum((X.astype(wide)[:, None, :] - C.astype(wide)) ** 2, axis=2))
    exact = np.sort(dist, axis=1)
    error = np.abs(margins - (exact[:, 1] - exact[:, 0])).max()
    assert error <= _lloyd_numpy.rounding_slack(X, x_sq, C) / 4


def test_threaded_scan_equals_one_pass(monkeypatch):
    # three threads over row ranges of 16-row blocks against a single pass over the rows
    from mlkit._array import row_threads

    monkeypatch.setattr(_lloyd_numpy, "BLOCK_ROWS", 16)
    monkeypatch.setattr("os.cpu_count", lambda: 3)
    X = blobs(n=1000, seed=7)
    rng = np.random.default_rng(7)
    C, w = X[:6] + 0.3, rng.uniform(0.5, 2, size=X.shape[0])
    x_sq = np.einsum("ij,ij->i", X, X)
    one = _lloyd_numpy.scan(X, C, X * w[:, None], w, x_sq)
    with row_threads(X.shape[0], 16) as run:
        ranges = run(lambda lo, hi: (lo, hi))
        threaded = _lloyd_numpy.scan(X, C, X * w[:, None], w, x_sq, run)
    assert len(ranges) == 3 and ranges[-1][1] == X.shape[0]
    np.testing.assert_array_equal(threaded[0], one[0])
    np.testing.assert_array_equal(threaded[1], one[1])
    for a, b in zip(threaded[2:], one[2:], strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-13)


def state_with(X, w, labels, k):
    """The NumPy iterations' state, with the given labels and their sums by a loop."""
    state = _lloyd_numpy._State(X, w, X * w[:, None], X[:k], run=lambda fn: [fn(0, len(X))])
    state.labels = labels.copy()
    state.weights, state.sums = sums_of(X, w, labels, k)
    state.n_positive = np.bincount(labels[w > 0], minlength=k).astype(float)
    return state


def sums_of(X, w, labels, k):  # per cluster, by a loop over the clusters
    return (np.array([w[labels == j].sum() for j in range(k)]),
            np.stack([(w[labels == j, None] * X[labels == j]).sum(axis=0) for j in range(k)]))


@pytest.mark.parametrize("n_moved", [3, 400])  # the sums followed; the sums afresh
def test_moved_rows_update_the_sums(n_moved):
    rng = np.random.default_rng(n_moved)
    X, w = rng.normal(size=(1000, 3)), rng.uniform(0.5, 2, size=1000)
    labels = rng.integers(0, 4, size=1000)
    state = state_with(X, w, labels, 4)
    rows = np.sort(rng.choice(1000, n_moved, replace=False))
    new = (labels[rows] + rng.integers(1, 4, size=n_moved)) % 4
    expected = labels.copy()
    expected[rows] = new
    state.move(rows, new)
    np.testing.assert_array_equal(state.labels, expected)
    for got, want in zip((state.weights, state.sums), sums_of(X, w, expected, 4), strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-12)


def test_coinciding_centers_give_a_lloyd_fixed_point():
    # 5 distinct points, 8 clusters: centers coincide, and which of two equal centers takes a
    # tied sample is decided by the last bits of the sums (scikit-learn's own 'elkan' and
    # 'lloyd' part ways here too). Whatever the tie-break, the result is a fixed point.
    rng = np.random.default_rng(0)
    X = np.repeat(rng.normal(size=(5, 2)), 40, axis=0)
    init = X[rng.choice(200, 8, replace=False)] + 1e-3
    with pytest.warns(ConvergenceWarning, match="distinct clusters"):
        km = KMeans(8, init=init).fit(X)
    C = km.cluster_centers_
    d = np.sum((X[:, None, :] - C[None]) ** 2, axis=2)
    np.testing.assert_allclose(d[np.arange(200), km.labels_], d.min(axis=1), atol=1e-20)
    for j in np.unique(km.labels_):
        np.testing.assert_allclose(C[j], X[km.labels_ == j].mean(axis=0), atol=1e-12)
    assert km.inertia_ < 1e-20
    assert np.unique(km.labels_).size == 5


def test_a_cluster_left_empty_weighs_exactly_zero():
    # the relocation of empty clusters looks for weight == 0, and an empty cluster's sums must
    # be 0: subtracting the rows that moved out would leave rounding instead (a bug once: the
    # center of such a cluster became a ratio of two rounding errors). A cluster whose members
    # all weigh 0 is empty too.
    rng = np.random.default_rng(0)
    X, w = rng.normal(size=(1000, 3)) + 50, rng.uniform(0.1, 3, size=1000)
    w[:5] = 0.0
    labels = rng.integers(0, 3, size=1000)
    labels[:5] = 4
    state = state_with(X, w, labels, 5)
    rows = np.sort(rng.choice(np.arange(5, 1000), 100, replace=False))
    for part in (rows[:60], rows[60:]):  # into cluster 3 in two steps, out in one
        state.move(part, np.full(part.size, 3))
    state.move(rows, rng.integers(0, 3, size=100))
    assert state.weights[3] == 0.0 and np.all(state.sums[3] == 0.0)
    assert state.weights[4] == 0.0 and np.all(state.sums[4] == 0.0)
    np.testing.assert_allclose(state.weights[:3], sums_of(X, w, state.labels, 3)[0],
                               rtol=1e-13)


def test_elkan_is_accepted_and_gives_the_same_clustering():
    # scikit-learn's 'elkan' and 'lloyd' agree away from ties; ours runs the same iterations
    X = blobs(seed=8)
    init = X[np.random.default_rng(8).choice(X.shape[0], 5, replace=False)]
    ours = KMeans(5, init=init, algorithm="elkan").fit(X)
    assert_same_kmeans(ours, SkKMeans(5, init=init, algorithm="elkan").fit(X))


def test_callable_init_as_sklearn():
    # scikit-learn calls init(X_centred, n_clusters, random_state=...) once per run (10 runs
    # for n_init='auto'); a seeding drawn from random_state gives the same runs on both sides
    def spread(X, n_clusters, random_state):
        return X[random_state.choice(X.shape[0], n_clusters, replace=False)] * 0.9

    X = blobs(seed=9) + 50.0
    for n_init in ("auto", 2):
        ours = KMeans(5, init=spread, n_init=n_init, random_state=4).fit(X)
        theirs = SkKMeans(5, init=spread, n_init=n_init, random_state=4).fit(X)
        assert_same_kmeans(ours, theirs)
    with pytest.raises(ValueError, match="does not match"):
        KMeans(5, init=lambda X, k, random_state: X[:3]).fit(X)


# --- scipy.sparse input -------------------------------------------------------------------------


def _sparse_blobs(seed=0):
    X = blobs(seed=seed) + 1.0
    rng = np.random.default_rng(seed)
    X = np.concatenate([X, rng.normal(size=(X.shape[0], 7))], axis=1)
    X[rng.random(X.shape) < 0.5] = 0.0
    return X


@pytest.mark.parametrize("fmt", ["csr_array", "csc_array", "csr_matrix", "csc_matrix"])
@pytest.mark.parametrize("params", [
    {"n_clusters": 5, "random_state": 0},
    {"n_clusters": 4, "random_state": 3, "init": "random", "n_init": 3},
    {"n_clusters": 5, "init": "array", "n_init": 1},
    {"n_clusters": 8, "random_state": 1, "max_iter": 50},
])
@pytest.mark.parametrize("weighted", [False, True])
def test_sparse_equals_dense_and_scikit_learn(params, weighted, fmt):
    import scipy.sparse as sp

    X = _sparse_blobs()
    if params.get("init") == "array":
        params = {**params, "init": X[[0, 100, 200, 300, 400]] + 0.1}
    Xs = getattr(sp, fmt)(X)
    sw = np.random.default_rng(2).random(X.shape[0]) if weighted else None
    ours = KMeans(**params).fit(Xs, sample_weight=sw)
    dense = KMeans(**params).fit(X, sample_weight=sw)
    theirs = SkKMeans(**params).fit(Xs, sample_weight=sw)
    assert_same_kmeans(ours, dense, rtol=1e-10)
    assert_same_kmeans(ours, theirs, rtol=1e-10)
    np.testing.assert_array_equal(ours.predict(Xs), theirs.predict(Xs))
    np.testing.assert_allclose(ours.transform(Xs), theirs.transform(Xs), rtol=1e-10,
                               atol=1e-10)
    np.testing.assert_allclose(ours.score(Xs, sample_weight=sw),
                               theirs.score(Xs, sample_weight=sw), rtol=1e-10)


def test_sparse_empty_cluster_is_relocated_as_scikit_learn():
    import scipy.sparse as sp

    X = _sparse_blobs()
    init = np.vstack([X[:4], np.full((1, X.shape[1]), 1e3)])  # a center no sample is near
    ours = KMeans(5, init=init, n_init=1).fit(sp.csr_array(X))
    theirs = SkKMeans(5, init=init, n_init=1).fit(sp.csr_array(X))
    assert_same_kmeans(ours, theirs, rtol=1e-10)


def test_sparse_kmeans_plusplus_and_callable_init():
    import scipy.sparse as sp

    X = _sparse_blobs()
    Xs = sp.csr_array(X)
    centers, idx = kmeans_plusplus(Xs, 5, random_state=0)
    sk_centers, sk_idx = sk_kmeans_plusplus(Xs, 5, random_state=0)
    np.testing.assert_array_equal(idx, sk_idx)
    assert isinstance(centers, np.ndarray)
    np.testing.assert_allclose(centers, sk_centers)
    seen = {}

    def init(data, k, random_state):
        seen["sparse"] = sp.issparse(data)  # called with X itself, as scikit-learn
        return data[:k].toarray()

    KMeans(3, init=init, n_init=1).fit(Xs)
    assert seen["sparse"]
