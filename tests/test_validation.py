"""Parameter and data validation: scikit-learn's wording, in every namespace."""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator

from mlkit._array import to_host
from mlkit._validation import (
    Interval,
    InvalidParameterError,
    StrOptions,
    check_sample_weight,
    decode_labels,
    encode_labels,
    validate_data,
    validate_params,
)


class PCAish(BaseEstimator):
    _parameter_constraints = {
        "n_components": [Interval(numbers.Integral, 1, None, closed="left"),
                         Interval(numbers.Real, 0, 1, closed="neither"), StrOptions({"mle"}),
                         None],
        "whiten": ["boolean"],
        "random_state": ["random_state"],
    }

    def __init__(self, n_components=None, *, whiten=False, random_state=None):
        self.n_components = n_components
        self.whiten = whiten
        self.random_state = random_state


def test_parameter_message_lists_every_allowed_form():
    with pytest.raises(InvalidParameterError) as err:
        validate_params(PCAish(n_components=0))
    assert str(err.value) == (
        "The 'n_components' parameter of PCAish must be an int in the range [1, inf), a float "
        "in the range (0, 1), a str among {'mle'} or None. Got 0 instead."
    )
    assert isinstance(err.value, ValueError) and isinstance(err.value, TypeError)


@pytest.mark.parametrize("value", [1, 7, 0.5, "mle", None])
def test_parameter_accepted(value):
    validate_params(PCAish(n_components=value))


@pytest.mark.parametrize("kw", [{"n_components": 1.0}, {"n_components": True},
                                {"whiten": 1}, {"random_state": "seed"}])
def test_parameter_refused(kw):
    with pytest.raises(InvalidParameterError, match=f"The '{next(iter(kw))}' parameter"):
        validate_params(PCAish(**kw))


# --- data ---------------------------------------------------------------------------------------


class Est(BaseEstimator):
    pass


BAD = {
    "nan": (np.array([[1.0, np.nan], [2.0, 3.0]]), "contains NaN"),
    "inf": (np.array([[1.0, np.inf], [2.0, 3.0]]), "infinity"),
    "empty": (np.zeros((0, 2)), "0 sample"),
    "1-D": (np.zeros(3), "Expected 2D array"),
    "3-D": (np.zeros((2, 2, 2)), "dim 3"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_X_in_every_eager_namespace(backend, case):
    X, message = BAD[case]
    if backend.name == "dask" and case in ("nan", "inf"):
        pytest.skip("Dask input is never computed while validating: finiteness is checked "
                    "on the fitted statistics (test_preprocessing covers it)")
    with pytest.raises(ValueError, match=message):
        validate_data(Est(), backend.asarray(X))


def test_valid_X_keeps_namespace_and_device(backend):
    X = backend.asarray(np.arange(6.0).reshape(3, 2))
    out = validate_data(Est(), X)
    assert type(out) is type(X)
    assert to_host(out).shape == (3, 2)


def test_length_mismatch_and_one_class(backend):
    X = backend.asarray(np.arange(8.0).reshape(4, 2))
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        validate_data(Est(), X, np.array([0, 1, 0]))
    with pytest.raises(ValueError, match="only one class"):
        validate_data(Est(), X, np.zeros(4), classification=True)


def test_features_checked_after_fit(backend):
    est = Est()
    validate_data(est, backend.asarray(np.zeros((3, 2))))
    assert est.n_features_in_ == 2
    with pytest.raises(ValueError, match="X has 3 features, but Est is expecting 2"):
        validate_data(est, backend.asarray(np.zeros((3, 3))), reset=False)


def test_dataframe_keeps_feature_names():
    est = Est()
    df = pd.DataFrame({"a": [1.0, 2.0], "b": [3.0, 4.0]})
    out = validate_data(est, df)
    assert isinstance(out, np.ndarray)
    assert list(est.feature_names_in_) == ["a", "b"]


def test_integer_input_becomes_float64(backend):
    out = validate_data(Est(), backend.asarray(np.arange(4).reshape(2, 2)))
    assert "float64" in str(out.dtype)


def test_encode_and_decode_labels(backend):
    y = np.array(["b", "a", "c", "a"])
    xp = backend.xp
    classes, idx = encode_labels(y, xp, backend.device)
    np.testing.assert_array_equal(classes, ["a", "b", "c"])
    np.testing.assert_array_equal(to_host(idx), [1, 0, 2, 0])
    back = decode_labels(classes, idx, xp, backend.device)
    np.testing.assert_array_equal(to_host(back), y)
    classes, idx = encode_labels(np.array([10, 3, 10]), xp, backend.device)
    labels = decode_labels(classes, idx, xp, backend.device)
    np.testing.assert_array_equal(to_host(labels), [10, 3, 10])


def test_sample_weight_checks():
    import array_api_compat.numpy as xp

    with pytest.raises(ValueError, match=r"sample_weight.shape == \(2,\), expected \(3,\)"):
        check_sample_weight([1, 2], 3, xp, "cpu", xp.float64)
    with pytest.raises(ValueError, match="Negative values"):
        check_sample_weight([1, -2, 1], 3, xp, "cpu", xp.float64)
    with pytest.raises(ValueError, match="at least one non-zero"):
        check_sample_weight([0, 0, 0], 3, xp, "cpu", xp.float64)
    np.testing.assert_array_equal(check_sample_weight(2.0, 3, xp, "cpu", xp.float64), [2, 2, 2])


def test_check_finite_false_lets_nan_and_inf_through(backend):
    X = backend.asarray(np.array([[1.0, np.nan], [np.inf, 3.0]]))
    out = validate_data(Est(), X, check_finite=False)
    assert to_host(out).shape == (2, 2)
