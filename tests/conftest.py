"""Backends and seeds shared by every test.

The ``backend`` fixture runs a test once per array namespace that is available here: NumPy;
``array_api_strict`` on its non-default device (so that an array created on the wrong device
fails loudly); Dask (in several row chunks); PyTorch on the CPU and on CUDA; CuPy with a GPU.
Missing libraries are skipped with the reason.
"""

from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass

# scikit-learn's array-API estimator check runs only with SciPy's array-API mode on
os.environ.setdefault("SCIPY_ARRAY_API", "1")

import numpy as np
import pytest

import mlkit._array as _array


@dataclass
class Backend:
    """One array namespace on one device, and how to move NumPy test data onto it."""

    name: str  # 'numpy', 'array_api_strict', 'dask', 'torch', 'cupy'
    label: str  # the test id
    device: object = None

    @property
    def xp(self):
        return _array.namespace_and_device(self.asarray(np.zeros(1)))[0]

    def asarray(self, a, chunks=4):
        a = np.asarray(a)
        if self.name == "numpy":
            return a
        if self.name == "array_api_strict":
            import array_api_strict as xps

            return xps.asarray(a, device=self.device)
        if self.name == "dask":
            import dask.array as da

            rows = max(1, -(-a.shape[0] // chunks)) if a.ndim else 1
            return da.from_array(a, chunks=(rows,) + a.shape[1:])
        if self.name == "torch":
            import torch

            return torch.asarray(a, device=self.device)
        if self.name == "cupy":
            import cupy

            with self.device:
                return cupy.asarray(a)
        raise ValueError(self.name)


def _has(module):
    return importlib.util.find_spec(module) is not None


def _backends():
    params = [pytest.param(Backend("numpy", "numpy", "cpu"), id="numpy")]
    if _has("array_api_strict"):
        import array_api_strict as xps

        dev = xps.Device("device1")
        params.append(pytest.param(Backend("array_api_strict", "strict", dev), id="strict"))
    else:
        skip = pytest.mark.skip("array_api_strict not installed")
        params.append(pytest.param(None, id="strict", marks=skip))
    if _has("dask"):
        params.append(pytest.param(Backend("dask", "dask", "cpu"), id="dask"))
    else:
        params.append(pytest.param(None, id="dask", marks=pytest.mark.skip("dask not installed")))
    if _has("torch"):
        import torch

        cpu = torch.device("cpu")
        params.append(pytest.param(Backend("torch", "torch-cpu", cpu), id="torch-cpu"))
        if torch.cuda.is_available():
            cuda = torch.device("cuda", 0)
            params.append(pytest.param(Backend("torch", "torch-cuda", cuda), id="torch-cuda"))
    if _has("cupy"):
        try:
            import cupy

            cupy.cuda.runtime.getDeviceCount()
            gpu = cupy.cuda.Device(0)
            params.append(pytest.param(Backend("cupy", "cupy", gpu), id="cupy"))
        except Exception:  # no GPU
            pass
    return params


BACKENDS = _backends()


@pytest.fixture(params=BACKENDS)
def backend(request):
    """Each available array namespace in turn (see the module docstring)."""
    return request.param


@pytest.fixture
def rng():
    """A seeded generator: the same data every run."""
    return np.random.default_rng(0)

