"""The operations _array.py adds to the standard, on every backend, against NumPy/SciPy."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import logsumexp as scipy_logsumexp

from mlkit import _array
from mlkit._testing import assert_allclose_xp


def test_namespace_and_device_of_plain_inputs():
    xp, device = _array.namespace_and_device([1, 2], None, 3.0)
    assert _array.is_numpy(xp) and device == "cpu"


def test_namespace_and_device_follows_the_array(backend):
    x = backend.asarray(np.ones((3, 2)))
    xp, device = _array.namespace_and_device(x, None)
    assert xp is backend.xp
    if backend.name != "dask":
        assert device == backend.device
    assert _array.is_lazy(x) == (backend.name == "dask")


def test_to_host_and_back(backend):
    a = np.arange(12.0).reshape(3, 4)
    x = backend.asarray(a)
    np.testing.assert_array_equal(_array.to_host(x), a)
    back = _array.as_namespace(a, backend.xp, backend.device)
    expected = "numpy" if backend.name == "dask" else backend.name  # Dask ops take NumPy
    assert_allclose_xp(back, a, namespace=expected)


@pytest.mark.parametrize("axis", [None, 0, 1])
def test_logsumexp(backend, axis):
    a = np.array([[0.0, 1000.0, -np.inf], [-np.inf, -np.inf, -np.inf], [1.0, 2.0, 3.0]])
    out = _array.logsumexp(backend.asarray(a), axis=axis, xp=backend.xp)
    with np.errstate(all="ignore"):
        expected = scipy_logsumexp(a, axis=axis)
    np.testing.assert_allclose(np.asarray(_array.to_host(out)), expected, rtol=1e-14)


def test_logsumexp_generic_path_matches_scipy():
    xps = pytest.importorskip("array_api_strict")
    a = np.random.default_rng(0).normal(size=(5, 7)) * 300
    out = _array.logsumexp(xps.asarray(a), axis=1, keepdims=True, xp=xps)
    np.testing.assert_allclose(_array.to_host(out), scipy_logsumexp(a, axis=1, keepdims=True),
                               rtol=1e-14)


def test_one_hot_and_bincount(backend):
    idx = np.array([2, 0, 2, 1, 2, 0])
    w = np.array([0.5, 1.0, 2.0, 3.0, 0.25, 4.0])
    xi = backend.asarray(idx)
    oh = _array.one_hot(xi, 4, xp=backend.xp)
    np.testing.assert_array_equal(_array.to_host(oh), np.eye(4)[idx])
    counts = _array.bincount(xi, minlength=4, xp=backend.xp)
    np.testing.assert_array_equal(_array.to_host(counts), np.bincount(idx, minlength=4))
    sums = _array.bincount(xi, weights=backend.asarray(w), minlength=4, xp=backend.xp)
    np.testing.assert_allclose(_array.to_host(sums), np.bincount(idx, w, minlength=4))


def _slow_segment_sum(values, ids, n):
    out = np.zeros((n,) + values.shape[1:])
    for i, s in enumerate(ids):  # the obvious loop, as the reference
        out[s] += values[i]
    return out


@pytest.mark.parametrize("shape", [(9,), (9, 3)])
def test_segment_sum(backend, shape):
    rng = np.random.default_rng(0)
    values = rng.normal(size=shape)
    ids = np.array([4, 0, 0, 2, 4, 4, 1, 0, 2])
    out = _array.segment_sum(backend.asarray(values), backend.asarray(ids), 6, xp=backend.xp)
    np.testing.assert_allclose(_array.to_host(out), _slow_segment_sum(values, ids, 6),
                               rtol=1e-14)


@pytest.mark.parametrize("weighted", [False, True])
def test_cov_matches_numpy(backend, weighted):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 4))
    w = rng.uniform(0.5, 2, size=30) if weighted else None
    out = _array.cov(backend.asarray(X), None if w is None else backend.asarray(w),
                     xp=backend.xp)
    np.testing.assert_allclose(_array.to_host(out), np.cov(X, rowvar=False, aweights=w,
                                                           ddof=1) if w is None else
                               _weighted_cov_by_hand(X, w), rtol=1e-12)


def _weighted_cov_by_hand(X, w):
    mean = (w[:, None] * X).sum(0) / w.sum()
    D = X - mean
    return sum(w[i] * np.outer(D[i], D[i]) for i in range(len(w))) / (w.sum() - 1)


def test_trapezoid(backend):
    x = np.array([0.0, 0.1, 0.5, 0.5, 1.0])
    y = np.array([0.0, 0.3, 0.6, 0.8, 1.0])
    out = _array.trapezoid(backend.asarray(y), backend.asarray(x), xp=backend.xp)
    # by hand: 0.1*0.15 + 0.4*0.45 + 0 + 0.5*0.9
    np.testing.assert_allclose(float(np.asarray(_array.to_host(out))), 0.645, rtol=1e-14)


def test_compute_batches_dask_and_passes_others_through():
    da = pytest.importorskip("dask.array")
    a = da.ones((4, 2), chunks=2)
    b = np.zeros(3)
    ca, cb = _array.compute(a.sum(axis=0), b)
    np.testing.assert_array_equal(ca, [4.0, 4.0])
    assert cb is b


def test_nanmin_nanmax(backend):
    a = np.array([[1.0, np.nan, -2.0], [np.nan, np.nan, 5.0], [0.5, np.nan, np.nan]])
    xp = backend.xp
    with np.errstate(all="ignore"), pytest.warns(RuntimeWarning):  # numpy warns on all-NaN
        lo, hi = np.nanmin(a, axis=0), np.nanmax(a, axis=0)
    out_lo = _array.nanmin(backend.asarray(a), axis=0, xp=xp)
    out_hi = _array.nanmax(backend.asarray(a), axis=0, xp=xp)
    np.testing.assert_array_equal(_array.to_host(out_lo), lo)
    np.testing.assert_array_equal(_array.to_host(out_hi), hi)


def test_map_row_ranges_covers_every_row_once_and_raises():
    seen = np.zeros(200_000, dtype=int)

    def mark(lo, hi):
        seen[lo:hi] += 1
        return hi - lo

    sizes = _array.map_row_ranges(mark, seen.shape[0], 4096, min_blocks_per_thread=1)
    assert sum(sizes) == seen.shape[0] and (seen == 1).all()

    def fail(lo, hi):
        raise ValueError(f"rows {lo}:{hi}")

    with pytest.raises(ValueError, match="rows"):
        _array.map_row_ranges(fail, 200_000, 4096, min_blocks_per_thread=1)
