"""The sparse paths never make X dense: peak memory measured on a matrix whose dense form
would not fit.

X is a 20000 x 200000 count matrix with 0.05% of its entries stored (2.1 million): 25 MB
as CSR, 32 GB dense -- more than the budget below by three orders of magnitude (and more than
this machine's memory, so a dense copy would fail at once rather than swap). Each estimator
is fitted, and its prediction or transform run, under ``tracemalloc``, which tracks NumPy's
allocations (and those of scipy.sparse, whose results are NumPy arrays); the peak must stay
below a few times the sparse matrix's own size plus the fitted model's, so that a densify
anywhere -- of X, of a centred X, of ``1 - X`` -- fails the test.
"""

from __future__ import annotations

import tracemalloc
import warnings

import numpy as np
import pytest
import scipy.sparse as sp

N, D, PER_ROW, TOPIC = 20_000, 200_000, 100, 5  # 0.05% density
# the budget: this many times the sparse matrix's bytes, plus the fitted model's own arrays
SPARSE_MULTIPLE = 4
MB = 2**20


@pytest.fixture(scope="module")
def counts():
    """(X, y): a CSR count matrix of N x D, two classes; each row stores PER_ROW random counts
    plus its class's TOPIC columns (counts of 5 to 9: a clear leading direction for PCA's
    ARPACK to converge to in a few iterations)."""
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, size=N)
    noise = rng.integers(0, D, size=(N, PER_ROW))
    topic = y[:, None] * TOPIC + np.arange(TOPIC)[None, :]
    cols = np.concatenate([topic, noise], axis=1)
    rows = np.repeat(np.arange(N), cols.shape[1])
    data = np.concatenate([rng.integers(5, 10, size=(N, TOPIC)),
                           rng.integers(1, 4, size=(N, PER_ROW))], axis=1).astype(np.float64)
    X = sp.coo_array((data.ravel(), (rows, cols.ravel())), shape=(N, D)).tocsr()
    X.sum_duplicates()
    return X, y


def nbytes(X):
    return X.data.nbytes + X.indices.nbytes + X.indptr.nbytes


def model_bytes(est):
    return sum(v.nbytes for k, v in vars(est).items()
               if k.endswith("_") and isinstance(v, np.ndarray))


def _fit_and_use(est, X, y):
    from sklearn.base import is_classifier

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # few iterations on purpose
        if is_classifier(est):
            est.fit(X, y)
            est.predict(X)
        else:
            est.fit(X)
            est.predict(X) if hasattr(est, "predict") else est.transform(X)
    return est


def _estimators():
    from mlkit.cluster import KMeans
    from mlkit.decomposition import PCA
    from mlkit.linear_model import LogisticRegression
    from mlkit.naive_bayes import BernoulliNB, MultinomialNB
    from mlkit.preprocessing import DecimalScaler, Normalizer, StandardScaler
    from mlkit.tree import DecisionTreeClassifier

    return {
        "MultinomialNB": MultinomialNB(),
        "BernoulliNB": BernoulliNB(),
        "StandardScaler": StandardScaler(with_mean=False),
        "Normalizer": Normalizer(),
        "DecimalScaler": DecimalScaler(),
        "KMeans": KMeans(n_clusters=3, n_init=1, max_iter=3, random_state=0),
        "PCA": PCA(n_components=2, svd_solver="arpack", random_state=0),
        "LogisticRegression": LogisticRegression(max_iter=5),
        "DecisionTreeClassifier": DecisionTreeClassifier(max_depth=3, random_state=0),
    }


@pytest.mark.parametrize("name", sorted(_estimators()))
def test_peak_memory_stays_near_the_sparse_size(counts, name):
    X, y = counts
    est = _estimators()[name]
    tracemalloc.start()
    try:
        _fit_and_use(est, X, y)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    budget = SPARSE_MULTIPLE * nbytes(X) + 2 * model_bytes(est)
    dense = N * D * 8
    assert budget < dense / 100
    print(f"{name}: peak {peak / MB:.1f} MB, budget {budget / MB:.1f} MB")
    assert peak < budget, (f"{name}: peak {peak / MB:.0f} MB, budget {budget / MB:.0f} MB "
                           f"(X: {nbytes(X) / MB:.0f} MB sparse, {dense / 2**30:.0f} GB dense)")
