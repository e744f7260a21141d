"""Every registered estimator on every backend.

The model fitted on a backend's arrays must equal the NumPy model. Where the capability entry
says the namespace is native, its fitted arrays must live in that namespace, on the input's
device (concrete NumPy for Dask: the statistics are small), and every output method must return
arrays of the input's namespace, on its device -- lazy for Dask. Where it is not native, the
estimator must still accept the input (moving it to the host) and give the NumPy model's
answers. Each case's id and messages name the backend and its device (torch-cpu, torch-cuda).
"""

from __future__ import annotations

import array_api_compat as aac
import numpy as np
import pytest
from sklearn.base import clone

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
