"""GaussianMixture and select_by_bic against scikit-learn, a slow per-sample reference, and
EM's monotonicity (Dempster, Laird & Rubin 1977, Theorem 1)."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import multivariate_normal
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture as SkGaussianMixture

from mlkit._array import to_host
from mlkit._testing import assert_allclose_xp
from mlkit.cluster._kmeans_parallel import kmeans_parallel
from mlkit.mixture import (
    CollapsedComponentError,
    GaussianMixture,
    e_step,
    estimate_log_gaussian_prob,
    select_by_bic,
)
from mlkit.mixture._gaussian import squares_of

TYPES = ("full", "tied", "diag", "spherical")
ATTRS = ("weights_", "means_", "covariances_", "precisions_", "precisions_cholesky_")


def blobs(n=300, d=3, seed=0):
    rng = np.random.default_rng(seed)
    centers = np.array([[0.0, 0, 0], [4, 0, 0], [0, 5, 1]])[:, :d]
    parts = [rng.normal(size=(n // 3, d)) @ rng.normal(size=(d, d)) + c for c in centers]
    return np.concatenate(parts)


def explicit_init(X, ctype, k=3, seed=1):
    """An initialization everyone can be given: weights, means (data rows), precisions."""
    rng = np.random.default_rng(seed)
    means = X[rng.choice(X.shape[0], k, replace=False)]
    weights = np.full(k, 1.0 / k)
    var = X.var(axis=0)
    prec = {
        "full": np.stack([np.diag(1 / var) * (1 + 0.1 * j) for j in range(k)]),
        "tied": np.diag(1 / var),
        "diag": np.stack([1 / var * (1 + 0.1 * j) for j in range(k)]),
        "spherical": 1 / var.mean() * (1 + 0.1 * np.arange(k)),
    }[ctype]
    return {"weights_init": weights, "means_init": means, "precisions_init": prec}


def assert_same_fit(ours, theirs, rtol=1e-6):
    assert ours.n_iter_ == theirs.n_iter_
    assert ours.converged_ == theirs.converged_
    np.testing.assert_allclose(ours.lower_bound_, theirs.lower_bound_, rtol=rtol)
    for name in ATTRS:
        np.testing.assert_allclose(to_host(getattr(ours, name)), getattr(theirs, name),
                                   rtol=rtol, atol=1e-12, err_msg=name)


# --- against scikit-learn ---------------------------------------------------------------------


@pytest.mark.parametrize("ctype", TYPES)
def test_equal_to_sklearn_given_explicit_init(ctype):
    X = blobs()
    params = dict(n_components=3, covariance_type=ctype, tol=1e-8, max_iter=500,
                  **explicit_init(X, ctype))
    ours = GaussianMixture(**params).fit(X)
    theirs = SkGaussianMixture(**params).fit(X)
    assert ours.n_iter_ > 5
    assert_same_fit(ours, theirs)
    np.testing.assert_allclose(ours.lower_bounds_, theirs.lower_bounds_, rtol=1e-6)
    for method in ("score_samples", "predict_proba"):
        np.testing.assert_allclose(getattr(ours, method)(X), getattr(theirs, method)(X),
                                   rtol=1e-6, atol=1e-12)
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))
    np.testing.assert_allclose([ours.score(X), ours.bic(X), ours.aic(X)],
                               [theirs.score(X), theirs.bic(X), theirs.aic(X)], rtol=1e-9)


@pytest.mark.parametrize("ctype", TYPES)
def test_far_from_the_origin_equal_to_sklearn_on_the_centred_data(ctype):
    # EM runs on X centred on its column means. scikit-learn does not centre: with the data
    # 1e4 from the origin its expanded ‖x‖² − 2 x·μ + ‖μ‖² loses digits, and its parameters
    # drift from the exact ones by up to ~1e-7. Given the centred data it agrees with ours.
    X = blobs(seed=5) + 1e4
    params = dict(n_components=3, covariance_type=ctype, tol=1e-8, max_iter=500,
                  **explicit_init(X, ctype))
    ours = GaussianMixture(**params).fit(X)
    mean = X.mean(axis=0)
    params["means_init"] = params["means_init"] - mean
    theirs = SkGaussianMixture(**params).fit(X - mean)
    assert ours.n_iter_ == theirs.n_iter_
    np.testing.assert_allclose(ours.lower_bound_, theirs.lower_bound_, rtol=1e-12)
    np.testing.assert_allclose(ours.means_ - mean, theirs.means_, rtol=1e-9, atol=1e-9)
    for name in ("weights_", "covariances_", "precisions_", "precisions_cholesky_"):
        np.testing.assert_allclose(getattr(ours, name), getattr(theirs, name), rtol=1e-9,
                                   atol=1e-12, err_msg=name)


@pytest.mark.parametrize("init_params", ["kmeans", "k-means++", "random", "random_from_data"])
@pytest.mark.parametrize("ctype", TYPES)
def test_equal_to_sklearn_given_the_same_seed(ctype, init_params):
    # the initializations draw from random_state in scikit-learn's order
    X = blobs(seed=2)
    params = dict(n_components=3, covariance_type=ctype, init_params=init_params,
                  random_state=3, n_init=2)
    assert_same_fit(GaussianMixture(**params).fit(X), SkGaussianMixture(**params).fit(X))


@pytest.mark.parametrize("ctype", TYPES)
def test_partial_init_and_warm_start_equal_sklearn(ctype):
    X = blobs(seed=4)
    init = explicit_init(X, ctype)
    params = dict(n_components=3, covariance_type=ctype, means_init=init["means_init"],
                  random_state=0, max_iter=3, warm_start=True)
    ours, theirs = GaussianMixture(**params), SkGaussianMixture(**params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for _ in range(3):  # each fit continues from the last
            ours.fit(X)
            theirs.fit(X)
            assert_same_fit(ours, theirs)


def test_sample_equals_sklearn():
    X = blobs()
    for ctype in TYPES:
        params = dict(n_components=3, covariance_type=ctype, random_state=5)
        Xa, ya = GaussianMixture(**params).fit(X).sample(50)
        Xb, yb = SkGaussianMixture(**params).fit(X).sample(50)
        np.testing.assert_allclose(Xa, Xb, rtol=1e-6)
        np.testing.assert_array_equal(ya, yb)


# --- the vectorized E-step against a slow loop ------------------------------------------------


def slow_log_prob(X, means, covariances, ctype):
    """log N(x_i | mu_k, Sigma_k), one sample and one component at a time (scipy.stats)."""
    k, d = means.shape
    out = np.empty((X.shape[0], k))
    for j in range(k):
        if ctype == "full":
            cov = covariances[j]
        elif ctype == "tied":
            cov = covariances
        elif ctype == "diag":
            cov = np.diag(covariances[j])
        else:
            cov = covariances[j] * np.eye(d)
        for i in range(X.shape[0]):
            out[i, j] = multivariate_normal(means[j], cov).logpdf(X[i])
    return out


@pytest.mark.parametrize("ctype", TYPES)
def test_e_step_against_per_sample_loop(ctype):
    X = blobs(n=60)
    gm = GaussianMixture(3, covariance_type=ctype, random_state=0).fit(X)
    Xt = np.random.default_rng(9).normal(size=(40, 3)) * 3
    slow = slow_log_prob(Xt, gm.means_, gm.covariances_, ctype)
    fast = estimate_log_gaussian_prob(Xt, gm.means_, gm.precisions_cholesky_, ctype, np)
    np.testing.assert_allclose(fast, slow, rtol=1e-9)
    weighted = slow + np.log(gm.weights_)
    log_px = np.log(np.exp(weighted).sum(axis=1))
    np.testing.assert_allclose(gm.score_samples(Xt), log_px, rtol=1e-9)
    np.testing.assert_allclose(gm.predict_proba(Xt), np.exp(weighted - log_px[:, None]),
                               rtol=1e-7, atol=1e-12)
    # EM's own E-step (responsibilities straight from the shifted exponentials), also with
    # the squares a fit keeps
    for squares in (None, squares_of(Xt, ctype, np)):
        log_norm, resp = e_step(Xt, gm.weights_, gm.means_, gm.precisions_cholesky_, ctype, np,
                                squares=squares)
        np.testing.assert_allclose(log_norm, log_px, rtol=1e-9)
        np.testing.assert_allclose(resp, np.exp(weighted - log_px[:, None]), rtol=1e-7,
                                   atol=1e-12)


# --- EM's lower bound never decreases ---------------------------------------------------------


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), ctype=st.sampled_from(TYPES), k=st.integers(1, 4),
       weighted=st.booleans())
def test_lower_bound_never_decreases(seed, ctype, k, weighted):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(80, 2)) * rng.uniform(0.5, 3, size=2) + rng.integers(0, 3, (80, 1))
    sw = rng.integers(1, 4, size=80).astype(float) if weighted else None
    gm = GaussianMixture(k, covariance_type=ctype, reg_covar=1e-12, tol=0.0, max_iter=25,
                         init_params="random", random_state=seed)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            gm.fit(X, sample_weight=sw)
    except CollapsedComponentError:
        return  # a component collapsed: a valid, reported end of EM
    bounds = np.asarray(gm.lower_bounds_)
    assert np.all(np.diff(bounds) >= -1e-10 * np.abs(bounds[1:]))


# --- sample_weight ----------------------------------------------------------------------------


@pytest.mark.parametrize("ctype", TYPES)
def test_integer_weights_equal_repeated_rows(ctype):
    X = blobs(n=90)
    w = np.random.default_rng(0).integers(0, 4, size=X.shape[0])
    init = explicit_init(X, ctype)
    params = dict(n_components=3, covariance_type=ctype, tol=1e-9, max_iter=300, **init)
    weighted = GaussianMixture(**params).fit(X, sample_weight=w)
    repeated = SkGaussianMixture(**params).fit(np.repeat(X, w, axis=0))
    assert_same_fit(weighted, repeated)


# --- collapsing components, non-convergence, bad input ----------------------------------------


@pytest.mark.parametrize("ctype", TYPES)
def test_collapsed_component_names_it_and_what_to_do(ctype):
    rng = np.random.default_rng(0)
    X = np.concatenate([rng.normal(size=(50, 2)), np.full((5, 2), 10.0)])
    init = explicit_init(X, ctype, k=2)
    init["means_init"] = np.array([[0.0, 0.0], [10.0, 10.0]])
    gm = GaussianMixture(2, covariance_type=ctype, reg_covar=1e-20, **init)  # ~ none
    if ctype == "tied":  # a shared covariance cannot collapse here: the blob keeps it positive
        gm.fit(X)
        return
    with pytest.raises(ValueError, match=r"component\(s\) 1 .*reg_covar"):
        gm.fit(X)
    # the default reg_covar keeps the component alive
    fitted = GaussianMixture(2, covariance_type=ctype, **init).fit(X)
    assert np.all(np.isfinite(fitted.covariances_))


def test_not_converged_warns():
    with pytest.warns(ConvergenceWarning, match="max_iter=2"):
        GaussianMixture(3, max_iter=2, tol=1e-12, random_state=0).fit(blobs())


@pytest.mark.parametrize(
    "params, message",
    [
        ({"n_components": 500}, "n_samples >= n_components"),
        ({"reg_covar": -1.0}, "'reg_covar' parameter"),
        ({"reg_covar": 0.0}, "GaussianMixture: reg_covar=0.0 (unregularized covariances) is "
                             "not offered: a covariance left unregularized turns singular"),
        ({"covariance_type": "banana"}, "'covariance_type' parameter"),
        ({"n_components": 2, "means_init": np.zeros((3, 3))}, "'means_init' should have"),
        ({"n_components": 2, "weights_init": [0.2, 0.2]}, "normalized"),
        ({"n_components": 2, "weights_init": [1.2, -0.2]}, "range"),
        ({"n_components": 2, "precisions_init": np.ones((2, 3))}, "'precisions_init' should"),
        ({"n_components": 2, "covariance_type": "diag", "precisions_init": -np.ones((2, 3))},
         "positive"),
        ({"n_components": 2, "means_init": np.full((2, 3), np.nan)}, "NaN"),
    ],
)
def test_bad_parameters(params, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        GaussianMixture(**params).fit(blobs())


def test_nan_in_X_is_refused():
    X = blobs()
    X[3, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        GaussianMixture(2).fit(X)


def test_verbose_prints_the_lower_bound(capsys):
    GaussianMixture(2, verbose=1, verbose_interval=1, random_state=0).fit(blobs())
    out = capsys.readouterr().out
    assert "Initialization 0" in out and "lower bound" in out


# --- model selection by BIC -------------------------------------------------------------------


def test_select_by_bic_table_equals_sklearn_bics():
    X = blobs(n=150)
    best, table = select_by_bic(X, n_components=range(1, 5), random_state=0)
    assert list(table.index) == [1, 2, 3, 4] and list(table.columns) == list(TYPES)
    for ctype in TYPES:
        for k in range(1, 5):
            sk = SkGaussianMixture(k, covariance_type=ctype, random_state=0).fit(X)
            np.testing.assert_allclose(table.loc[k, ctype], sk.bic(X), rtol=1e-6)
    k, ctype = table.stack().idxmin()
    assert (best.n_components, best.covariance_type) == (k, ctype)
    assert best.n_components == 3  # three blobs


def test_select_by_bic_skips_collapsed_fits_with_a_warning():
    X = np.concatenate([np.random.default_rng(0).normal(size=(30, 2)), np.full((4, 2), 9.0)])
    with pytest.warns(UserWarning, match="skipped"):
        best, table = select_by_bic(X, n_components=[1, 2], covariance_types=["diag"],
                                    reg_covar=1e-20, init_params="kmeans", random_state=0)
    assert np.isnan(table.loc[2, "diag"]) and best.n_components == 1


# --- namespaces and Dask ----------------------------------------------------------------------


@pytest.mark.parametrize("ctype", TYPES)
def test_every_covariance_type_on_backend(backend, ctype):
    X = blobs(n=120)
    sw = np.random.default_rng(1).uniform(0.5, 2.0, size=X.shape[0])
    params = dict(n_components=3, covariance_type=ctype, random_state=0)
    if backend.name == "dask":  # 'kmeans' starts from k-means|| there (test below)
        params["init_params"] = "random_from_data"
    ref = GaussianMixture(**params).fit(X, sample_weight=sw)
    est = GaussianMixture(**params).fit(backend.asarray(X), sample_weight=backend.asarray(sw))
    expected = "numpy" if backend.name == "dask" else backend.name
    for name in ATTRS:
        assert_allclose_xp(getattr(est, name), getattr(ref, name), namespace=expected,
                           rtol=1e-6, atol=1e-12, err_msg=name)
    assert est.n_iter_ == ref.n_iter_
    out = est.predict_proba(backend.asarray(X))
    assert_allclose_xp(out, ref.predict_proba(X), namespace=backend.name, rtol=1e-6,
                       atol=1e-10)


def test_dask_kmeans_init_takes_a_few_passes_and_finds_the_numpy_optimum():
    da = pytest.importorskip("dask.array")
    from dask.callbacks import Callback

    X = blobs(n=600)
    params = dict(n_components=3, covariance_type="full", random_state=0, tol=1e-10,
                  max_iter=500)
    ref = GaussianMixture(**params).fit(X)
    Xd = da.from_array(X, chunks=(100, 3))
    seeding, calls = [], []
    with Callback(start=lambda dsk: seeding.append(1)):
        kmeans_parallel(Xd, 3, random_state=0)  # a first center, 5 sampling rounds, weights
    for max_iter in (1, 2):
        calls.clear()
        with Callback(start=lambda dsk: calls.append(1)), warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            GaussianMixture(**{**params, "max_iter": max_iter}).fit(Xd)
        # k-means|| once, then the column means, the labels, one per EM iteration: not one
        # compute per Lloyd iteration over X
        assert len(calls) == len(seeding) + 2 + max_iter, (len(calls), len(seeding))
    assert len(seeding) <= 9
    est = GaussianMixture(**params).fit(Xd)
    order_ref, order_est = np.argsort(ref.means_[:, 0]), np.argsort(est.means_[:, 0])
    # two starts, one optimum: EM stopped at a lower-bound change of 1e-10 leaves the
    # parameters within about √tol of it
    np.testing.assert_allclose(est.means_[order_est], ref.means_[order_ref], atol=1e-5)
    np.testing.assert_allclose(est.covariances_[order_est], ref.covariances_[order_ref],
                               atol=1e-5)
    np.testing.assert_allclose(est.lower_bound_, ref.lower_bound_, rtol=1e-9)


def test_dask_one_compute_per_em_iteration():
    da = pytest.importorskip("dask.array")
    from dask.callbacks import Callback

    X = blobs()
    params = dict(n_components=3, tol=1e-8, **explicit_init(X, "full"))
    calls = []
    with Callback(start=lambda dsk: calls.append(1)):
        gm = GaussianMixture(**params).fit(da.from_array(X, chunks=(50, 3)))
    assert len(calls) == gm.n_iter_ + 1  # the column means, then one per iteration
    assert_same_fit(gm, SkGaussianMixture(**params).fit(X))


@pytest.mark.parametrize("ctype", TYPES)
def test_translation_far_from_the_origin_changes_only_the_means(ctype):
    # the statistics are taken about the data mean, so no digits are lost to cancellation
    X = blobs()
    init = explicit_init(X, ctype)
    params = dict(n_components=3, covariance_type=ctype, tol=1e-9, **init)
    near = GaussianMixture(**params).fit(X)
    params["means_init"] = init["means_init"] + 1e6
    far = GaussianMixture(**params).fit(X + 1e6)
    assert far.n_iter_ == near.n_iter_
    np.testing.assert_allclose(far.means_ - 1e6, near.means_, rtol=0, atol=1e-6)
    for name in ("weights_", "covariances_", "precisions_"):
        np.testing.assert_allclose(getattr(far, name), getattr(near, name), rtol=1e-6,
                                   atol=1e-9, err_msg=name)


def test_float32_input_keeps_float32_attributes_and_float64_accuracy():
    # one-point components have covariance reg_covar exactly: float32 sums would bury it
    X = blobs(n=60)
    a = GaussianMixture(3, init_params="k-means++", random_state=0).fit(X.astype(np.float32))
    b = GaussianMixture(3, init_params="k-means++", random_state=0).fit(
        X.astype(np.float32).astype(np.float64))
    for name in ATTRS:
        assert getattr(a, name).dtype == np.float32, name
        np.testing.assert_allclose(getattr(a, name), getattr(b, name), rtol=1e-5, err_msg=name)


@pytest.mark.parametrize("n", [50, 5000])  # one row block; several, with a short last one
def test_statistics_from_the_kept_squares_equal_the_direct_sums(n):
    from mlkit.mixture._gaussian import squares_of, sufficient_statistics

    rng = np.random.default_rng(0)
    X, R, w = rng.normal(size=(n, 40)), rng.dirichlet(np.ones(7), size=n), rng.random(n)
    slow = {  # Σ_i w_i r_ik x_i x_iᵀ, its diagonal, its trace
        "full": np.einsum("nk,n,na,nb->kab", R, w, X, X),
        "diag": np.einsum("nk,n,na,na->ka", R, w, X, X),
        "spherical": np.einsum("nk,n,na,na->k", R, w, X, X),
    }
    kept = {"full": None, "diag": squares_of(X, "diag", np),
            "spherical": squares_of(X, "spherical", np)}
    for ctype, expected in slow.items():
        for squares in (None, kept[ctype]):
            _, _, s2 = sufficient_statistics(X, R, w, ctype, np, squares=squares)
            np.testing.assert_allclose(s2, expected, rtol=1e-12,
                                       atol=1e-13 * np.abs(expected).max(), err_msg=ctype)
            if ctype == "full":
                np.testing.assert_array_equal(s2, s2.transpose(0, 2, 1))


@pytest.mark.parametrize("init_params", ["k-means++", "random_from_data"])
def test_one_point_inits_far_from_zero_start_at_reg_covar(init_params):
    # a component started on one sample has covariance exactly reg_covar (by hand: x - x = 0);
    # computed as S2/N - m mᵀ it was rounding noise of ~1e-15 x², which from x ~ 1e4 on looked
    # like a collapse (a CollapsedComponentError where scikit-learn fits)
    X = np.random.default_rng(0).normal(size=(300, 2)) * 3e4
    for ctype in TYPES:
        start = GaussianMixture(3, covariance_type=ctype, init_params=init_params,
                                random_state=0, max_iter=0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            start.fit(X)
        if ctype != "tied":
            diag = {"full": lambda c: np.diagonal(c, axis1=1, axis2=2), "diag": lambda c: c,
                    "spherical": lambda c: c}[ctype](start.covariances_)
            np.testing.assert_array_equal(diag, 1e-6)
        params = dict(n_components=3, covariance_type=ctype, init_params=init_params,
                      random_state=0)
        ours = GaussianMixture(**params).fit(X)
        if ctype in ("full", "tied"):  # scikit-learn's start is exact here too
            assert_same_fit(ours, SkGaussianMixture(**params).fit(X))
