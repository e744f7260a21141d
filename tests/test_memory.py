"""No fit needs more memory than scikit-learn's twin's plus one copy of X.

Each estimator with a scikit-learn twin (``test_common.TWINS``) is fitted on a dense X of
12 MB, float64 and float32, under ``tracemalloc`` (which sees NumPy's allocations); its twin is
fitted the same way, and the peaks must satisfy

    peak_mlkit <= peak_sklearn + X.nbytes + SLACK + the fitted model's own arrays.

SLACK (1 MB) covers Python objects; at 12 MB of data the peaks are the data's. Allocations
made in C by scikit-learn's compiled libraries with ``malloc`` (libsvm's kernel cache,
liblinear's copy of X) are invisible to tracemalloc, so those twins' peaks are lower bounds.
The estimators (or dtypes) for which the bound does not hold yet are in ``EXCEEDS`` with what the
memory is used for: they are run, and expected to fail (strict), so a fix shows up.
"""

from __future__ import annotations

import gc
import importlib
import tracemalloc
import warnings

import numpy as np
import pytest

from mlkit._discovery import all_estimators

from .test_common import TWINS

MB = 2**20
X_BYTES = 12 * MB
SLACK = 1 * MB
N_FEATURES = 16

PARAMS = {  # a few iterations: the peak is reached in the first
    "PCA": {"n_components": 2},
    "GaussianMixture": {"n_components": 3, "max_iter": 10, "random_state": 0},
    "KMeans": {"n_clusters": 3, "n_init": 1, "max_iter": 10, "random_state": 0},
    "DecisionTreeClassifier": {"random_state": 0, "max_depth": 4},
    "MLPClassifier": {"hidden_layer_sizes": (16,), "max_iter": 2, "random_state": 0},
    "MLPRegressor": {"hidden_layer_sizes": (16,), "max_iter": 2, "random_state": 0},
    "LogisticRegression": {"max_iter": 30},
    "SVC": {"max_iter": 200},
    "LinearSVC": {"max_iter": 50},
}
KIND = {"MultinomialNB": "counts", "BernoulliNB": "binary", "CategoricalNB": "categorical"}
SHAPE = {"SVC": (2000, 640), "LinearSVC": (1000, 64)}  # LinearSVC small: cvxpy is slow

EXCEEDS = {
    "DecisionTreeClassifier": (
        "the level-wise grower keeps, beside a feature-major float32 copy of X, every "
        "feature's samples sorted by value (int32, n x d) and a partitioned copy of them per "
        "level; scikit-learn sorts each node's samples as it visits it"),
    "SVC-float32": (
        "SMO works on a float64 copy of a float32 X (twice its bytes) and keeps float64 "
        "kernel rows (cache_size); libsvm's kernel cache is malloc'd in C, which tracemalloc "
        "does not see"),
    "LinearSVC": (
        "cvxpy's canonicalization builds sparse constraint matrices holding X's entries "
        "several times, with int64 indices; liblinear's copy of X is malloc'd in C"),
}


def _data(name, dtype):
    n, d = SHAPE.get(name, (X_BYTES // (N_FEATURES * np.dtype(dtype).itemsize), N_FEATURES))
    rng = np.random.default_rng(0)
    y = rng.integers(0, 3, size=n)
    kind = KIND.get(name, "continuous")
    if kind == "continuous":
        X = rng.standard_normal((n, d)) + y[:, None] * np.linspace(0.5, 1.5, d)
    elif kind == "counts":
        X = rng.poisson(1.0 + y[:, None] * np.arange(1, d + 1) / d, size=(n, d))
    elif kind == "binary":
        X = rng.random((n, d)) < 0.3 + 0.2 * (y[:, None] == np.arange(d) % 3)
    else:
        X = (rng.integers(0, 3, size=(n, d)) + y[:, None]) % 4
    X = np.ascontiguousarray(X, dtype=dtype)
    if name in ("LinearRegression", "MLPRegressor"):
        y = X @ np.linspace(-1.0, 1.0, d) + rng.standard_normal(n)
    return X, y


def _peak_of_fit(est, X, y):
    gc.collect()
    tracemalloc.start()
    try:
        start = tracemalloc.get_traced_memory()[0]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # few iterations on purpose
            est.fit(X, y)
        return tracemalloc.get_traced_memory()[1] - start
    finally:
        tracemalloc.stop()


def _model_bytes(est):
    return sum(v.nbytes for k, v in vars(est).items()
               if k.endswith("_") and isinstance(v, np.ndarray))


def _cases():
    for name in sorted(TWINS):
        for dtype in ("float64", "float32"):
            reason = EXCEEDS.get(name) or EXCEEDS.get(f"{name}-{dtype}")
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            yield pytest.param(name, dtype, id=f"{name}-{dtype}", marks=marks)


@pytest.mark.parametrize("name, dtype", list(_cases()))
def test_fit_needs_at_most_scikit_learns_memory_plus_one_copy_of_X(name, dtype):
    X, y = _data(name, np.dtype(dtype))
    params = PARAMS.get(name, {})
    ours = dict(all_estimators())[name]
    theirs = getattr(importlib.import_module(TWINS[name]), name)
    with warnings.catch_warnings():  # imports and one-off caches, outside the measurement
        warnings.simplefilter("ignore")
        ours(**params).fit(X[:300], y[:300])
        theirs(**params).fit(X[:300], y[:300])
    est = ours(**params)
    peak_ours = _peak_of_fit(est, X, y)
    peak_theirs = _peak_of_fit(theirs(**params), X, y)
    budget = peak_theirs + X.nbytes + SLACK + _model_bytes(est)
    print(f"{name} {dtype}: mlkit {peak_ours / MB:.1f} MB, scikit-learn {peak_theirs / MB:.1f} "
          f"MB, X {X.nbytes / MB:.1f} MB, (mlkit - sklearn) / X = "
          f"{(peak_ours - peak_theirs) / X.nbytes:+.2f}")
    assert peak_ours <= budget, (
        f"{name} on {dtype}: peak {peak_ours / MB:.1f} MB > scikit-learn's "
        f"{peak_theirs / MB:.1f} MB + X {X.nbytes / MB:.1f} MB + slack")
