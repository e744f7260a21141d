"""The scalers against scikit-learn (to 1e-12), Han et al.'s decimal scaling, every backend."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn import preprocessing as skp

from mlkit._array import to_host
from mlkit._testing import assert_allclose_xp, assert_estimator_equal
from mlkit.datasets import load_iris, load_wine
from mlkit.preprocessing import (
    DecimalScaler,
    MinMaxScaler,
    Normalizer,
    StandardScaler,
    decimal_exponent,
)

RTOL = 1e-12
# Transformed values are O(1) differences of nearly equal numbers where x is close to the mean:
# their relative error there is unbounded, so outputs are compared to 1e-12 in absolute terms.
ATOL = 1e-12


def _data():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(200, 6)) * [1, 1e3, 1e-3, 5, 0, 2] + [0, -4, 1e3, 2, 7, 0]
    return {"iris": load_iris()[0], "wine": load_wine()[0], "random+constant": X}


DATA = _data()

PAIRS = [
    (StandardScaler(), skp.StandardScaler()),
    (StandardScaler(with_mean=False), skp.StandardScaler(with_mean=False)),
    (StandardScaler(with_std=False), skp.StandardScaler(with_std=False)),
    (MinMaxScaler(), skp.MinMaxScaler()),
    (MinMaxScaler(feature_range=(-2, 3), clip=True), skp.MinMaxScaler((-2, 3), clip=True)),
    (Normalizer("l1"), skp.Normalizer("l1")),
    (Normalizer("l2"), skp.Normalizer("l2")),
    (Normalizer("max"), skp.Normalizer("max")),
]


@pytest.mark.parametrize("name", list(DATA))
@pytest.mark.parametrize("ours,theirs", PAIRS, ids=lambda e: repr(e))
def test_equal_to_scikit_learn(ours, theirs, name):
    X = DATA[name]
    ours.fit(X)
    theirs.fit(X)
    X_new = X[::-1] * 1.5 + 0.25  # values outside the training range too (clip)
    assert_estimator_equal(ours, theirs, attributes=None, rtol=RTOL)
    np.testing.assert_allclose(ours.transform(X_new), theirs.transform(X_new), rtol=RTOL,
                               atol=ATOL)
    if hasattr(theirs, "inverse_transform"):
        Z = ours.transform(X)
        np.testing.assert_allclose(ours.inverse_transform(Z), theirs.inverse_transform(Z),
                                   rtol=RTOL, atol=1e-12)


def test_standard_scaler_sample_weight_equals_scikit_learn():
    X = DATA["wine"]
    w = np.random.default_rng(2).uniform(0, 3, size=X.shape[0])
    ours = StandardScaler().fit(X, sample_weight=w)
    theirs = skp.StandardScaler().fit(X, sample_weight=w)
    assert_estimator_equal(ours, theirs, rtol=RTOL)
    np.testing.assert_allclose(ours.transform(X), theirs.transform(X), rtol=RTOL, atol=ATOL)


def test_nan_ignored_in_fit_and_kept_in_transform():
    X = DATA["iris"].copy()
    X[::7, 1] = np.nan
    X[3, 2] = np.nan
    for ours, theirs in [(StandardScaler(), skp.StandardScaler()),
                         (MinMaxScaler(), skp.MinMaxScaler())]:
        ours.fit(X)
        theirs.fit(X)
        assert_estimator_equal(ours, theirs, rtol=RTOL)
        np.testing.assert_allclose(ours.transform(X), theirs.transform(X), rtol=RTOL,
                                   atol=ATOL)
        assert np.isnan(ours.transform(X)[::7, 1]).all()


@pytest.mark.parametrize("cls,sk", [(StandardScaler, skp.StandardScaler),
                                    (MinMaxScaler, skp.MinMaxScaler)])
def test_float32_kept_as_scikit_learn_keeps_it(cls, sk):
    X = DATA["iris"].astype(np.float32)
    ours, theirs = cls().fit(X), sk().fit(X)
    out = ours.transform(X)
    assert out.dtype == theirs.transform(X).dtype == np.float32
    np.testing.assert_allclose(out, theirs.transform(X), rtol=1e-6)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(1, 40), min_size=1, max_size=5))
def test_partial_fit_over_any_blocks_equals_one_fit(sizes):
    X = DATA["random+constant"][: sum(sizes)]
    w = np.linspace(0.5, 2.0, X.shape[0])
    whole_std = StandardScaler().fit(X, sample_weight=w)
    whole_mm, whole_dec = MinMaxScaler().fit(X), DecimalScaler().fit(X)
    std, mm, dec = StandardScaler(), MinMaxScaler(), DecimalScaler()
    start = 0
    for size in sizes:
        block = slice(start, start + size)
        std.partial_fit(X[block], sample_weight=w[block])
        mm.partial_fit(X[block])
        dec.partial_fit(X[block])
        start += size
    assert_estimator_equal(std, whole_std, rtol=1e-10, atol=1e-10)
    assert_estimator_equal(mm, whole_mm, rtol=0)
    assert_estimator_equal(dec, whole_dec, rtol=0)


def test_partial_fit_equals_scikit_learn_partial_fit():
    X = DATA["wine"]
    ours, theirs = StandardScaler(), skp.StandardScaler()
    for block in np.array_split(X, 5):
        ours.partial_fit(block)
        theirs.partial_fit(block)
    assert_estimator_equal(ours, theirs, rtol=RTOL)
    np.testing.assert_allclose(ours.transform(X), theirs.transform(X), rtol=RTOL, atol=ATOL)


def test_constant_column_keeps_scale_one():
    X = np.column_stack([np.full(50, 3.3), np.arange(50.0)])
    assert StandardScaler().fit(X).scale_[0] == 1.0
    assert MinMaxScaler().fit(X).scale_[0] == 1.0
    np.testing.assert_allclose(StandardScaler().fit_transform(X)[:, 0], 0.0, atol=ATOL)


# --- decimal scaling --------------------------------------------------------------------------


def test_decimal_scaling_han_kamber_pei_example():
    # Han, Kamber & Pei, Data Mining 3rd ed., §3.5.2: values from -986 to 917 give j = 3,
    # so -986 becomes -0.986 and 917 becomes 0.917.
    X = np.array([[-986.0], [120.0], [917.0]])
    s = DecimalScaler().fit(X)
    assert s.exponent_[0] == 3
    np.testing.assert_allclose(s.transform(X).ravel(), [-0.986, 0.120, 0.917], rtol=1e-15)
    np.testing.assert_allclose(s.inverse_transform(s.transform(X)), X, rtol=1e-15)


@pytest.mark.parametrize(
    "max_abs,j",
    # by hand: the smallest integer j with m / 10**j < 1
    [(0.0, 0), (1.0, 1), (9.99, 1), (10.0, 2), (999.0, 3), (1000.0, 4), (0.5, 0),
     (0.05, -1), (0.1, 0), (1e-3, -2), (123456.0, 6)],
)
def test_decimal_exponent_by_hand(max_abs, j):
    from array_api_compat import numpy as xp

    assert decimal_exponent(np.array([max_abs]), xp)[0] == j


@settings(max_examples=200, deadline=None)
@given(st.floats(1e-300, 1e300, allow_nan=False, allow_infinity=False))
def test_decimal_exponent_is_the_smallest_such_integer(m):
    # in the arithmetic the scaler divides with: 10**j correctly rounded (Python's literal)
    from array_api_compat import numpy as xp

    j = int(decimal_exponent(np.array([m]), xp)[0])
    assert m / float(f"1e{j}") < 1.0
    assert m / float(f"1e{j - 1}") >= 1.0


@pytest.mark.parametrize("k", [-300, -17, -1, 0, 5, 22, 300])
def test_decimal_exponent_next_to_powers_of_ten(k):
    # 10.0 ** j can be one ulp off: found by a randomized check, j came out one too large
    # just below a power of ten (9.999999999999999e-18 gave -16)
    from array_api_compat import numpy as xp

    for m in (np.nextafter(float(f"1e{k}"), 0.0), float(f"1e{k}")):
        j = int(decimal_exponent(np.array([m]), xp)[0])
        assert m / float(f"1e{j}") < 1.0 <= m / float(f"1e{j - 1}")


def test_decimal_scaler_refuses_what_float64_cannot_scale():
    with pytest.raises(ValueError, match=r"columns \[1\] needs 10\*\*309"):
        DecimalScaler().fit([[1.0, 1e308]])


def test_decimal_scaler_output_inside_unit_interval():
    for X in DATA.values():
        Z = DecimalScaler().fit_transform(X)
        assert np.abs(Z).max() < 1.0


# --- every backend ----------------------------------------------------------------------------


@pytest.mark.parametrize("cls", [StandardScaler, MinMaxScaler, DecimalScaler, Normalizer])
def test_backend_fit_transform_matches_numpy(cls, backend):
    # wine and a constant column: well conditioned, so that another summation order (Dask's
    # chunks, a GPU's reduction tree) moves the results by rounding only
    X = np.column_stack([DATA["wine"], np.full(178, 2.5)])
    ref = cls().fit(X)
    est = cls().fit(backend.asarray(X))
    Z = est.transform(backend.asarray(X))
    assert_allclose_xp(Z, ref.transform(X), namespace=backend.name, device=backend.device,
                       dtype="float64", rtol=1e-12, atol=1e-14)
    if hasattr(est, "inverse_transform"):
        back = est.inverse_transform(Z)
        assert_allclose_xp(back, X, namespace=backend.name, rtol=1e-9, atol=1e-9)


def test_dask_fit_keeps_statistics_concrete_and_transform_lazy():
    da = pytest.importorskip("dask.array")
    # wine, not the column of 1e3 +- 1e-3 (a coefficient of variation of 1e-6 makes any change
    # of summation order, as Dask's chunks make, move z-scores by ~1e-10)
    X = DATA["wine"]
    Xd = da.from_array(X, chunks=(17, 13))
    s = StandardScaler().fit(Xd)
    assert isinstance(s.mean_, np.ndarray) and isinstance(s.scale_, np.ndarray)
    Z = s.transform(Xd)
    assert isinstance(Z, da.Array)
    np.testing.assert_allclose(Z.compute(), skp.StandardScaler().fit_transform(X), rtol=RTOL,
                               atol=ATOL)


def test_dask_nan_and_inf_checked_from_the_statistics():
    da = pytest.importorskip("dask.array")
    X = DATA["iris"].copy()
    X[5, 1] = np.inf
    for cls in (StandardScaler, MinMaxScaler, DecimalScaler):
        with pytest.raises(ValueError, match="infinity"):
            cls().fit(da.from_array(X, chunks=(40, 4)))


def test_strict_namespace_fitted_state_stays_on_its_device():
    xps = pytest.importorskip("array_api_strict")
    dev = xps.Device("device1")
    X = xps.asarray(DATA["iris"], device=dev)
    for cls in (StandardScaler, MinMaxScaler, DecimalScaler):
        est = cls().fit(X)
        assert est.scale_.device == dev
        assert to_host(est.transform(X)).shape == (150, 4)


def test_minmax_bad_feature_range():
    with pytest.raises(ValueError, match="Minimum of desired feature range"):
        MinMaxScaler(feature_range=(1, 0)).fit(DATA["iris"])


def test_parameter_errors_read_like_scikit_learn():
    with pytest.raises(ValueError, match=r"The 'norm' parameter of Normalizer must be a str "
                                         r"among \{'l1', 'l2', 'max'\}\. Got 'l3' instead\."):
        Normalizer(norm="l3").fit(DATA["iris"])
    with pytest.raises(TypeError, match="The 'with_mean' parameter of StandardScaler"):
        StandardScaler(with_mean="yes").fit(DATA["iris"])


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_row_order_does_not_change_the_fit(seed):
    X = DATA["wine"]
    perm = np.random.default_rng(seed).permutation(X.shape[0])
    for cls in (StandardScaler, MinMaxScaler, DecimalScaler):
        assert_estimator_equal(cls().fit(X[perm]), cls().fit(X), rtol=1e-13, atol=1e-13)


def test_tiny_ranges_and_norms_follow_sklearns_threshold():
    # a range or row norm below 10 eps of the input's own precision counts as zero, as in
    # scikit-learn (found by a randomized comparison: mlkit used float64's eps for float32)
    import sklearn.preprocessing as skp

    for X in (np.float32([[0], [1e-7]]), np.float32([[0], [1e-5]]), np.array([[0.0], [1e-15]]),
              np.array([[0.0], [1e-14]])):
        np.testing.assert_array_equal(MinMaxScaler().fit(X).scale_,
                                      skp.MinMaxScaler().fit(X).scale_)
    for X in (np.array([[1e-16, 1e-16]]), np.array([[1e-14, 1e-14]]),
              np.float32([[1e-7, 1e-7]])):
        np.testing.assert_array_equal(Normalizer().fit_transform(X),
                                      skp.Normalizer().fit_transform(X))


def test_standard_scaler_names_a_variance_that_overflows():
    # finite values near 1e300: their squares overflow, and the error said X held infinity
    with pytest.raises(ValueError, match=r"variance of columns \[0\] overflows"):
        with np.errstate(over="ignore"):
            StandardScaler().fit([[1e300, 1.0], [-2e300, 2.0], [3e300, 3.0]])
    with pytest.raises(ValueError, match="infinity"):
        StandardScaler().fit([[np.inf, 1.0], [1.0, 2.0]])


# --- scipy.sparse input -------------------------------------------------------------------------

SPARSE_FORMATS = ["csr_array", "csc_array", "csr_matrix", "csc_matrix"]


def _sparse_data(nan=False):
    rng = np.random.default_rng(3)
    X = rng.normal(size=(300, 7)) * [1, 1e3, 1e-3, 5, 1, 2, 3] + [0, -4, 1e3, 2, 7, 0, 0]
    X[rng.random(X.shape) < 0.6] = 0.0
    X[:, 6] = 0.0  # an empty column
    X[4] = 0.0  # an empty row
    if nan:
        X[[1, 5, 9], [0, 0, 3]] = np.nan
    return X


@pytest.mark.parametrize("fmt", SPARSE_FORMATS)
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("nan", [False, True])
@pytest.mark.parametrize("with_std", [True, False])
def test_standard_scaler_sparse_equals_dense_and_scikit_learn(fmt, weighted, nan, with_std):
    import scipy.sparse as sp

    X = _sparse_data(nan)
    Xs = getattr(sp, fmt)(X)
    sw = np.random.default_rng(0).random(X.shape[0]) if weighted else None
    kw = {"with_mean": False, "with_std": with_std}
    dense = StandardScaler(**kw).fit(X, sample_weight=sw)
    ours = StandardScaler(**kw).fit(Xs, sample_weight=sw)
    theirs = skp.StandardScaler(**kw).fit(Xs, sample_weight=sw)
    for name in ("mean_", "var_", "scale_", "n_samples_seen_"):
        for other in (dense, theirs):
            a, b = getattr(ours, name), getattr(other, name)
            if b is None:
                assert a is None, name
                continue
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=0, err_msg=name)
    Z = ours.transform(Xs)
    assert type(Z) is type(Xs) and Z.nnz == Xs.nnz
    np.testing.assert_allclose(Z.toarray(), dense.transform(X), rtol=1e-12, atol=0)
    np.testing.assert_allclose(Z.toarray(), theirs.transform(Xs).toarray(), rtol=1e-12, atol=0)
    back = ours.inverse_transform(Z)
    assert type(back) is type(Xs)
    np.testing.assert_allclose(back.toarray(), X, rtol=1e-12, atol=0)


def test_standard_scaler_sparse_partial_fit_and_float32():
    import scipy.sparse as sp

    X = _sparse_data()
    Xs = sp.csr_array(X)
    blocks = StandardScaler(with_mean=False)
    for rows in np.array_split(np.arange(X.shape[0]), 4):
        blocks.partial_fit(Xs[rows])
    whole = StandardScaler(with_mean=False).fit(Xs)
    np.testing.assert_allclose(blocks.var_, whole.var_, rtol=1e-12)
    Z32 = whole.transform(sp.csr_array(X.astype(np.float32)))
    assert Z32.dtype == np.float32
    theirs = skp.StandardScaler(with_mean=False).fit(Xs).transform(
        sp.csr_array(X.astype(np.float32)))
    np.testing.assert_allclose(Z32.toarray(), theirs.toarray(), rtol=1e-6)


def test_centring_and_min_max_refuse_sparse_with_scikit_learns_errors():
    import scipy.sparse as sp

    X = np.nan_to_num(_sparse_data())
    Xs = sp.csr_array(X)
    center = "^Cannot center sparse matrices: pass `with_mean=False` instead"
    for cls in (StandardScaler, skp.StandardScaler):
        with pytest.raises(ValueError, match=center):
            cls().fit(Xs)
        fitted = cls().fit(X)
        with pytest.raises(ValueError, match=center):
            fitted.transform(Xs)
        with pytest.raises(ValueError, match="^Cannot uncenter sparse matrices"):
            fitted.inverse_transform(Xs)
    for cls in (MinMaxScaler, skp.MinMaxScaler):
        with pytest.raises(TypeError, match="^MinMaxScaler does not support sparse input. "
                                            "Consider using MaxAbsScaler instead.$"):
            cls().fit(Xs)
        with pytest.raises(TypeError, match="Sparse data was passed"):
            cls().fit(X).transform(Xs)


@pytest.mark.parametrize("fmt", SPARSE_FORMATS)
@pytest.mark.parametrize("norm", ["l1", "l2", "max"])
def test_normalizer_sparse_equals_dense_and_scikit_learn(fmt, norm):
    import scipy.sparse as sp

    X = np.nan_to_num(_sparse_data())
    X[7] = -X[7]  # a row whose largest magnitude is negative
    Xs = getattr(sp, fmt)(X)
    Z = Normalizer(norm).fit(Xs).transform(Xs)
    assert type(Z) is type(Xs)  # scikit-learn returns CSR for CSC input
    np.testing.assert_allclose(Z.toarray(), Normalizer(norm).fit_transform(X), rtol=1e-14,
                               atol=1e-15)
    np.testing.assert_allclose(Z.toarray(), skp.Normalizer(norm).fit_transform(Xs).toarray(),
                               rtol=1e-14, atol=1e-15)
    Z32 = Normalizer(norm).transform(Xs.astype(np.float32))
    assert Z32.dtype == np.float32


@pytest.mark.parametrize("fmt", SPARSE_FORMATS)
def test_decimal_scaler_sparse_equals_dense(fmt):
    import scipy.sparse as sp

    X = _sparse_data(nan=True)
    Xs = getattr(sp, fmt)(X)
    dense, ours = DecimalScaler().fit(X), DecimalScaler().fit(Xs)
    for name in ("max_abs_", "exponent_", "scale_"):
        np.testing.assert_array_equal(getattr(ours, name), getattr(dense, name), err_msg=name)
    Z = ours.transform(Xs)
    assert type(Z) is type(Xs)
    np.testing.assert_array_equal(Z.toarray(), dense.transform(X))
    np.testing.assert_array_equal(ours.inverse_transform(Z).toarray(),
                                  dense.inverse_transform(dense.transform(X)))
    blocks = DecimalScaler()
    for rows in np.array_split(np.arange(X.shape[0]), 3):
        blocks.partial_fit(Xs[rows] if fmt.startswith("csr") else sp.csc_array(X[rows]))
    np.testing.assert_array_equal(blocks.exponent_, dense.exponent_)
