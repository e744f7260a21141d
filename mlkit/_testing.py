"""Assertions used by mlkit's tests (and useful to anyone testing an array-API estimator)."""

from __future__ import annotations

import numbers

import numpy as np

from ._array import device as array_device
from ._array import is_array_api_obj, is_lazy, library_name, to_host

__all__ = ["assert_allclose_xp", "assert_estimator_equal", "dtype_name"]


def dtype_name(dtype):
    """'float64' for numpy.float64, torch.float64, cupy's and array_api_strict's float64."""
    return str(dtype).rsplit(".", 1)[-1].replace("'>", "").replace("<class '", "")


def assert_allclose_xp(
    actual, desired, *, namespace=None, device=None, dtype=None, rtol=1e-7, atol=0.0,
    err_msg="",
):
    """Check namespace, device, dtype, shape and values of ``actual`` against ``desired``.

    Parameters
    ----------
    actual : array
        What the code under test returned.
    desired : array-like
        The reference values (any namespace; compared on the host).
    namespace : str, optional
        'numpy', 'array_api_strict', 'cupy', 'torch' or 'dask': the namespace ``actual`` must
        be in. An estimator that quietly returns NumPy for CuPy input fails here.
    device : object, optional
        The device ``actual`` must be on (not checked for Dask).
    dtype : str or dtype, optional
        The dtype ``actual`` must have, by name ('float32').
    """
    where = f" {err_msg}" if err_msg else ""
    if namespace is not None:
        got = library_name(actual) if is_array_api_obj(actual) else type(actual).__name__
        assert got == namespace, f"expected a {namespace} array, got {got}{where}"
    if device is not None and not is_lazy(actual):
        assert array_device(actual) == device, (
            f"expected device {device}, got {array_device(actual)}{where}"
        )
    if dtype is not None:
        assert dtype_name(actual.dtype) == dtype_name(dtype), (
            f"expected dtype {dtype_name(dtype)}, got {dtype_name(actual.dtype)}{where}"
        )
    a, d = to_host(actual), to_host(desired)
    a, d = np.asarray(a), np.asarray(d)
    assert a.shape == d.shape, f"shape {a.shape} != {d.shape}{where}"
    if a.dtype.kind in "fc" or d.dtype.kind in "fc":
        np.testing.assert_allclose(a, d, rtol=rtol, atol=atol, err_msg=err_msg)
    else:
        np.testing.assert_array_equal(a, d, err_msg=err_msg)


def _fitted_attributes(est):
    return {
        k for k in vars(est)
        if k.endswith("_") and not k.startswith("_") and k != "feature_names_in_"
    }


def _as_comparable(value):
    if value is None or isinstance(value, numbers.Number | np.number | bool):
        return value
    if is_array_api_obj(value) or isinstance(value, list | tuple):
        return np.asarray(to_host(value) if is_array_api_obj(value) else value)
    return None  # not an array or a number: not compared


def assert_estimator_equal(
    ours, theirs, *, attributes=None, X=None, methods=(), rtol=1e-6, atol=0.0,
):
    """Check fitted attributes and method outputs of two estimators against each other.

    ``attributes`` defaults to every fitted attribute (name ending in '_') the two share.
    ``methods`` (e.g. ('predict', 'predict_proba')) are called on ``X`` and compared too.
    Values are compared on the host; ``ours`` may live in any namespace.
    """
    names = attributes if attributes is not None else sorted(
        _fitted_attributes(ours) & _fitted_attributes(theirs)
    )
    for name in names:
        _compare_attribute(getattr(ours, name), getattr(theirs, name), rtol, atol,
                           f"attribute {name}")
    for method in methods:
        a = _as_comparable(getattr(ours, method)(X))
        b = _as_comparable(getattr(theirs, method)(X))
        _assert_close(a, b, rtol, atol, f"method {method}")


def _is_array_list(value):
    return isinstance(value, list | tuple) and any(
        is_array_api_obj(v) or isinstance(v, list | tuple) for v in value)


def _compare_attribute(a, b, rtol, atol, what):
    """One attribute; a list or tuple of arrays (a network's layers, of different shapes, some
    of them None) element by element."""
    if _is_array_list(a) or _is_array_list(b):
        assert isinstance(a, list | tuple) and isinstance(b, list | tuple) and \
            len(a) == len(b), f"{what}: {a!r} vs {b!r}"
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _compare_attribute(x, y, rtol, atol, f"{what}[{i}]")
        return
    a, b = _as_comparable(a), _as_comparable(b)
    if a is None and b is None:
        return
    assert (a is None) == (b is None), f"{what}: {a!r} vs {b!r}"
    _assert_close(a, b, rtol, atol, what)


def _assert_close(a, b, rtol, atol, what):
    a, b = np.asarray(a), np.asarray(b)
    assert a.shape == b.shape, f"{what}: shape {a.shape} != {b.shape}"
    if a.dtype.kind in "fc" and b.dtype.kind in "fciu":
        np.testing.assert_allclose(a, b, rtol=rtol, atol=atol, err_msg=what)
    else:
        np.testing.assert_array_equal(a, b, err_msg=what)
