"""Every registered estimator and every metric on every backend.

The model fitted on a backend's arrays must equal the NumPy model. Where the capability entry
says the namespace is native, its fitted arrays must live in that namespace, on the input's
device (concrete NumPy for Dask: the statistics are small), and every output method must return
arrays of the input's namespace, on its device -- lazy for Dask. Where it is not native, the
estimator must still accept the input (moving it to the host) and give the NumPy model's
answers. Each case's id and messages name the backend and its device (torch-cpu, torch-cuda).

The metrics (``mlkit.metrics.CAPABILITIES``) likewise: each is called with the data its entry
names, on NumPy and on the backend, and must give the NumPy answer -- array results in the
backend's namespace and on its device where the entry says it is native (NumPy for Dask).
"""

from __future__ import annotations

import inspect

import array_api_compat as aac
import numpy as np
import pytest
from sklearn.base import clone

import mlkit.metrics as mm
from mlkit._array import is_lazy, to_host
from mlkit._discovery import all_estimators
from mlkit._testing import assert_allclose_xp

from ._data import make_data
from .test_common import fit, instance, output_methods

ESTIMATORS = all_estimators()
IDS = [name for name, _ in ESTIMATORS]
CLASSES = [cls for _, cls in ESTIMATORS]


def _float_array_attributes(est):
    for name, value in vars(est).items():
        if (
            name.endswith("_") and not name.startswith("_") and aac.is_array_api_obj(value)
            and "float" in str(value.dtype) and name != "classes_"
        ):
            yield name, value


@pytest.mark.parametrize("cls", CLASSES, ids=IDS)
def test_estimator_on_backend(cls, backend):
    caps = cls._capabilities
    X, y = make_data(caps.data)
    model = instance(cls)
    if backend.name == "dask":  # where a default differs on Dask, the same steps on both
        model.set_params(**caps.lazy_params)
    reference = fit(model, X, y)

    est = fit(clone(model), backend.asarray(X), y)
    where = f"on {backend.label} (device {backend.device})"
    for name, value in _float_array_attributes(est):
        if backend.name in caps.fit:
            # on the input's device too (Dask's concrete statistics: NumPy on the CPU)
            expected = "numpy" if backend.name == "dask" else backend.name
            assert_allclose_xp(value, getattr(reference, name), namespace=expected,
                               device=backend.device, rtol=1e-6, atol=1e-12,
                               err_msg=f"{name} {where}")
        else:
            np.testing.assert_allclose(to_host(value), getattr(reference, name), rtol=1e-6,
                                       err_msg=f"{name} {where}")
    Xb = backend.asarray(X)
    for method in output_methods(est):
        out = getattr(est, method)(Xb)
        if backend.name in caps.predict:
            if backend.name == "dask":
                assert is_lazy(out), f"{method} on dask should stay lazy"
            assert_allclose_xp(out, getattr(reference, method)(X), namespace=backend.name,
                               device=backend.device, rtol=1e-6, atol=1e-12,
                               err_msg=f"{method} {where}")
        else:
            np.testing.assert_allclose(np.asarray(to_host(out), dtype=float),
                                       np.asarray(getattr(reference, method)(X), dtype=float),
                                       rtol=1e-6, atol=1e-12, err_msg=f"{method} {where}")


def test_the_matrix_names_each_device():
    # one namespace on two devices (torch on the CPU and on CUDA) is two columns of the matrix,
    # each test id naming its device; the label that messages quote is the test id
    from .conftest import BACKENDS

    ids = [param.id for param in BACKENDS]
    assert len(set(ids)) == len(ids)
    for param in BACKENDS:
        (backend,) = param.values
        if backend is None:  # skipped: the library is not installed
            continue
        assert backend.label == param.id
        if backend.name == "torch":
            assert param.id == f"torch-{backend.device.type}"
        if backend.name == "array_api_strict":  # not the default device: wrong ones fail
            import array_api_strict as xps

            assert backend.device != xps.asarray(0.0).device


# ---------------------------------------------------------------------------------------------
# The metrics
# ---------------------------------------------------------------------------------------------


def _metric_data(kind, n=60):
    """The positional arguments of a metric of this ``data`` kind, and sample weights."""
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, n)
    s = np.round(rng.random(n) * 0.7 + 0.3 * y, 1)  # ties
    s2 = np.round(rng.random(n) * 0.5 + 0.5 * y, 2)
    weights = rng.random(n) + 0.1
    labels = rng.integers(0, 3, n)
    if kind == "scores":
        return (y, s), weights
    if kind == "points":
        return (np.sort(rng.random(n)), rng.random(n)), None
    if kind == "paired scores":
        return (y, s, s2), None
    if kind == "unpaired scores":
        return (y[:35], s[:35], y[35:], s2[35:]), None
    if kind == "labels":
        pred = np.where(rng.random(n) < 0.6, labels, rng.integers(0, 3, n))
        return (labels, pred), weights
    if kind == "probabilities":
        return (labels, rng.dirichlet(np.ones(3), n)), weights
    raise ValueError(kind)


def _metric_call(name, args, weights, asarray):
    fn = getattr(mm, name)
    caps = mm.CAPABILITIES[name]
    params = dict(caps.test_params)
    if weights is not None and "sample_weight" in inspect.signature(fn).parameters:
        params["sample_weight"] = asarray(weights)
    return fn(*(asarray(a) for a in args), **params)


def _assert_same_result(ours, reference, backend, native, what):
    if isinstance(reference, (tuple, list)):
        assert len(ours) == len(reference), what
        for i, (a, b) in enumerate(zip(ours, reference, strict=True)):
            _assert_same_result(a, b, backend, native, f"{what}[{i}]")
    elif isinstance(reference, dict):
        assert set(ours) == set(reference), what
        for key in reference:
            _assert_same_result(ours[key], reference[key], backend, native, f"{what}[{key!r}]")
    elif isinstance(reference, str):
        assert ours == reference, what
    elif isinstance(reference, (float, int, np.floating, np.integer)):
        assert float(ours) == pytest.approx(float(reference), rel=1e-10, abs=1e-12), what
    elif native and backend.name != "dask":
        assert_allclose_xp(ours, reference, namespace=backend.name, device=backend.device,
                           rtol=1e-10, atol=1e-12, err_msg=what)
    else:
        np.testing.assert_allclose(to_host(ours), reference, rtol=1e-10, atol=1e-12,
                                   err_msg=what)


@pytest.mark.parametrize("name", sorted(mm.CAPABILITIES))
def test_metric_on_backend(name, backend):
    caps = mm.CAPABILITIES[name]
    assert backend.name in caps.native + caps.moved
    args, weights = _metric_data(caps.data)
    reference = _metric_call(name, args, weights, np.asarray)
    ours = _metric_call(name, args, weights, backend.asarray)
    _assert_same_result(ours, reference, backend, backend.name in caps.native, name)
