"""k-means|| against a slow obvious reference (a loop over rounds and points' distances)."""

import numpy as np
import pytest

from mlkit.cluster import KMeans
from mlkit.cluster._kmeans_parallel import candidates, kmeans_parallel


def blobs(n=600, k=5, seed=0):
    rng = np.random.default_rng(seed)
    centers = rng.normal(scale=8.0, size=(k, 3))
    return rng.normal(size=(n, 3)) + centers[np.arange(n) % k], centers


def reference(X, k, seed, l_factor=2.0, rounds=5):
    """k-means|| by the paper, with the same draws: Philox uniforms keyed from random_state."""
    rs = np.random.RandomState(seed)
    n = X.shape[0]
    first = int(np.floor(rs.random_sample() * n))
    key = rs.randint(0, 2**63, size=2, dtype=np.int64).astype(np.uint64)
    C = [first]
    for r in range(rounds):
        d2 = np.array([min(np.sum((X[i] - X[c]) ** 2) for c in C) for i in range(n)])
        phi = d2.sum()
        u = np.random.Generator(np.random.Philox(key=key, counter=[0, r, 0, 0])).random(n)
        C += [i for i in range(n) if u[i] < min(1.0, 2.0 * k * d2[i] / phi)]
    near = [int(np.argmin([np.sum((X[i] - X[c]) ** 2) for c in C])) for i in range(n)]
    return np.array(C), np.bincount(near, minlength=len(C)).astype(float)


@pytest.mark.parametrize("lazy", [False, True])
def test_candidates_equal_the_reference(lazy):
    X, _ = blobs(n=300)
    idx_ref, w_ref = reference(X, 4, seed=3)
    Xin = X
    if lazy:
        da = pytest.importorskip("dask.array")
        Xin = da.from_array(X, chunks=(70, 3))
    idx, rows, w = candidates(Xin, 4, None, np.random.RandomState(3))
    np.testing.assert_array_equal(idx, idx_ref)
    np.testing.assert_array_equal(rows, X[idx_ref])
    np.testing.assert_allclose(w, w_ref)


def test_quality_on_blobs():
    X, true = blobs(n=3000, k=6, seed=1)
    C = kmeans_parallel(X, 6, random_state=0)
    # every true cluster has a center near it
    assert np.max(np.min(np.linalg.norm(true[:, None] - C[None], axis=2), axis=1)) < 0.5
    par = KMeans(6, init=C).fit(X).inertia_
    pp = KMeans(6, random_state=0).fit(X).inertia_
    assert par <= pp * 1.02


def test_passes_on_dask():
    da = pytest.importorskip("dask.array")
    X, _ = blobs(n=400)
    reads = []

    def count(b):
        if b.shape[0]:  # not the meta call on an empty block
            reads.append(1)
        return b

    Xd = da.from_array(X, chunks=(100, 3)).map_blocks(count, dtype=X.dtype)
    kmeans_parallel(Xd, 4, random_state=0, n_rounds=3)
    # 3 sampling passes + 1 weighting pass over 4 blocks, + the block of the first center
    assert len(reads) == (3 + 1) * 4 + 1


def test_kmeans_init_on_dask_equals_numpy():
    da = pytest.importorskip("dask.array")
    X, _ = blobs(n=500)
    sw = np.random.default_rng(0).uniform(0.5, 2.0, size=X.shape[0])
    ref = KMeans(5, init="k-means||", random_state=0).fit(X, sample_weight=sw)
    est = KMeans(5, init="k-means||", random_state=0).fit(
        da.from_array(X, chunks=(120, 3)), sample_weight=da.from_array(sw, chunks=120))
    np.testing.assert_allclose(est.cluster_centers_, ref.cluster_centers_, rtol=1e-9)
    np.testing.assert_array_equal(np.asarray(est.labels_), ref.labels_)
    # and the fit equals NumPy KMeans run from the same initial centers
    C = kmeans_parallel(X - X.mean(axis=0), 5, sample_weight=sw, random_state=0)
    same = KMeans(5, init=C + X.mean(axis=0)).fit(X, sample_weight=sw)
    np.testing.assert_allclose(same.cluster_centers_, ref.cluster_centers_, rtol=1e-9)
