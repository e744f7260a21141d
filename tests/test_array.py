"""The operations _array.py adds to the standard, on every backend, against NumPy/SciPy."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import logsumexp as scipy_logsumexp

from mlkit import _array, _threads
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

    sizes = _threads.map_row_ranges(mark, seen.shape[0], 4096, min_blocks_per_thread=1)
    assert sum(sizes) == seen.shape[0] and (seen == 1).all()

    def fail(lo, hi):
        raise ValueError(f"rows {lo}:{hi}")

    with pytest.raises(ValueError, match="rows"):
        _threads.map_row_ranges(fail, 200_000, 4096, min_blocks_per_thread=1)
