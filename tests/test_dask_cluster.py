"""Dask fits on a worker-limited ``dask.distributed`` cluster: data several times a worker's
memory, nothing of size n gathered, results equal to a fit on the same data in NumPy.

The cluster has two worker processes of 600 MB each (a worker holds ~180 MB once mlkit and
scikit-learn are imported; at 400 MB the nanny restarted a worker in one of two runs of the
moments and classifier fits, so the limit was raised). The data are generated lazily, block by
block, from seeds: ``X`` is 8,000,000 x 20 float64 (1.28 GB, 2.1x a worker's limit), and the
test process rebuilds the same NumPy array from the same seeds. A second set has 40,000,000
labels (320 MB of int64: gathering them onto one worker, as ``np.unique(y.compute())`` did,
killed the workers at 400 MB -- ``KilledWorker`` on the 'finalize' task).

After every fit the cluster must still have its two original workers (a killed worker is
restarted under a new address) and the scheduler must have no erred task. The references:
the same mlkit estimator fitted on the NumPy array (each is checked against scikit-learn in its
own test module), and scikit-learn itself for the metrics. Tolerances: rtol 1e-9 for
statistics that are sums of the same terms in another order (moments, Gram matrices, counts);
1e-6 for iterative fits (L-BFGS, EM, Lloyd) whose rounding differences grow over iterations.
"""

from __future__ import annotations

import warnings

import dask.array as da
import numpy as np
import pytest
from dask.distributed import Client, LocalCluster
from sklearn import metrics as skm

from mlkit import metrics
from mlkit.cluster import KMeans
from mlkit.decomposition import PCA
from mlkit.discriminant_analysis import LinearDiscriminantAnalysis
from mlkit.linear_model import LinearRegression, LogisticRegression
from mlkit.mixture import GaussianMixture
from mlkit.naive_bayes import GaussianNB, MultinomialNB
from mlkit.preprocessing import StandardScaler

N, D, ROWS = 8_000_000, 20, 100_000  # 80 blocks of 16 MB
HEAD = 2_000_000  # the iterative fits' rows (320 MB)
N_LABELS, LABEL_ROWS = 40_000_000, 250_000
LIMIT = "600MB"
COEF = np.linspace(-1.0, 1.0, D)


def _block_x(block, block_info=None):
    i = block_info[None]["chunk-location"][0]
    X = np.random.default_rng([2026, i]).standard_normal(block.shape)
    X[:, :3] += np.array([0.5, -0.25, 1.0])  # non-zero means
    X[:, 1] *= 3.0  # unequal variances
    return X


def _labels(X):
    """Three classes from the features: a deterministic function of each row."""
    return ((X[:, 0] + 0.5 * X[:, 1] > 0.5).astype(np.int64)
            + (X[:, 2] > 1.5).astype(np.int64))


def _target(X):
    return X @ COEF + 0.3


def _counts(X):
    return np.floor(np.abs(X) * 2.0)


def _block_label(block, block_info=None):
    i = block_info[None]["chunk-location"][0]
    return np.random.default_rng([7, i]).integers(0, 4, block.shape[0]).astype(np.int64)


def _lazy_x():
    return da.zeros((N, D), chunks=(ROWS, D)).map_blocks(_block_x, dtype=np.float64)


def _numpy_x():
    blocks = [_block_x(np.empty((ROWS, D)), {None: {"chunk-location": (i, 0)}})
              for i in range(N // ROWS)]
    return np.concatenate(blocks)


@pytest.fixture(scope="module")
def cluster():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the port and memory warnings of a small cluster
        lc = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                          memory_limit=LIMIT, dashboard_address=None)
    client = Client(lc)
    workers = sorted(client.scheduler_info()["workers"])
    yield client, workers
    client.close()
    lc.close()


@pytest.fixture(scope="module")
def data():
    X = _numpy_x()
    return {"X": X, "y": _labels(X), "t": _target(X)}


@pytest.fixture(scope="module")
def lazy():
    X = _lazy_x()
    return {"X": X, "y": X.map_blocks(_labels, drop_axis=1, dtype=np.int64),
            "t": X.map_blocks(_target, drop_axis=1, dtype=np.float64)}


def _assert_alive(cluster):
    client, workers = cluster
    assert sorted(client.scheduler_info()["workers"]) == workers, "a worker was restarted"
    erred = client.run_on_scheduler(
        lambda dask_scheduler: [k for k, t in dask_scheduler.tasks.items()
                                if t.state == "erred"])
    assert erred == []


def _close(a, b, rtol, atol=0.0):
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=rtol, atol=atol)


def test_labels_larger_than_a_worker(cluster):
    """320 MB of labels (more than a worker has to spare): GaussianNB's classes, priors and the
    label metrics come from block reductions. The reference is a hand count of the rebuilt
    labels."""
    y = da.zeros(N_LABELS, chunks=LABEL_ROWS, dtype=np.int64).map_blocks(_block_label,
                                                                         dtype=np.int64)
    X = y[:, None].astype(np.float64) * 2.0 + 1.0
    model = GaussianNB().fit(X, y)
    host = np.concatenate([_block_label(np.empty(LABEL_ROWS), {None: {"chunk-location": (i,)}})
                           for i in range(N_LABELS // LABEL_ROWS)])
    counts = np.bincount(host, minlength=4)
    np.testing.assert_array_equal(model.classes_, [0, 1, 2, 3])
    np.testing.assert_array_equal(model.class_count_, counts)
    _close(model.theta_[:, 0], 2.0 * np.arange(4) + 1.0, rtol=1e-12)
    head = 2_000_000
    pred = model.predict(X[:head])
    assert isinstance(pred, da.Array)
    np.testing.assert_array_equal(pred.compute(), host[:head])
    merged = da.where(y == 0, 1, y)  # class 0 predicted as 1
    assert metrics.accuracy_score(y, merged) == pytest.approx(1 - counts[0] / N_LABELS,
                                                              rel=1e-12)
    expected = np.diag(counts)
    expected[0, 0], expected[0, 1] = 0, counts[0]
    np.testing.assert_array_equal(metrics.confusion_matrix(y, merged), expected)
    _assert_alive(cluster)


def test_moments_and_projections(cluster, data, lazy):
    X, Xd = data["X"], lazy["X"]
    sc = StandardScaler().fit(Xd)
    ref = StandardScaler().fit(X)
    _close(sc.mean_, ref.mean_, rtol=1e-9)
    _close(sc.scale_, ref.scale_, rtol=1e-9)
    assert isinstance(sc.transform(Xd), da.Array)
    pca = PCA(n_components=5).fit(Xd)
    ref = PCA(n_components=5).fit(X)
    _close(pca.explained_variance_, ref.explained_variance_, rtol=1e-9)
    _close(np.abs(pca.components_), np.abs(ref.components_), rtol=1e-6, atol=1e-9)
    Z = pca.transform(Xd)
    assert isinstance(Z, da.Array)
    _close(Z[:1000].compute(), ref.transform(X[:1000]), rtol=1e-6, atol=1e-8)
    _assert_alive(cluster)


def test_classifiers(cluster, data, lazy):
    X, y, Xd, yd = data["X"], data["y"], lazy["X"], lazy["y"]
    for make, rtol in ((GaussianNB, 1e-9), (LinearDiscriminantAnalysis, 1e-9)):
        model, ref = make().fit(Xd, yd), make().fit(X, y)
        np.testing.assert_array_equal(model.classes_, [0, 1, 2])
        _close(model.means_ if hasattr(model, "means_") else model.theta_,
               ref.means_ if hasattr(ref, "means_") else ref.theta_, rtol=rtol)
        proba = model.predict_proba(Xd)
        assert isinstance(proba, da.Array)
        _close(proba[:1000].compute(), ref.predict_proba(X[:1000]), rtol=1e-6, atol=1e-12)
    counts, counts_d = _counts(X), Xd.map_blocks(_counts, dtype=np.float64)
    mnb, ref = MultinomialNB().fit(counts_d, yd), MultinomialNB().fit(counts, y)
    _close(mnb.feature_count_, ref.feature_count_, rtol=1e-12)
    _close(mnb.feature_log_prob_, ref.feature_log_prob_, rtol=1e-12)
    assert isinstance(mnb.predict(counts_d), da.Array)
    _assert_alive(cluster)


def test_linear_models_and_metrics(cluster, data, lazy):
    lin, ref = LinearRegression().fit(lazy["X"], lazy["t"]), LinearRegression().fit(
        data["X"], data["t"])
    _close(lin.coef_, COEF, rtol=1e-9)  # the target is exactly linear
    _close(lin.coef_, ref.coef_, rtol=1e-9)
    assert isinstance(lin.predict(lazy["X"]), da.Array)
    X, y, Xd, yd = data["X"][:HEAD], data["y"][:HEAD], lazy["X"][:HEAD], lazy["y"][:HEAD]
    yb, ybd = (y > 0).astype(np.int64), (yd > 0).astype(np.int64)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # max_iter=5 stops before convergence, on purpose
        log = LogisticRegression(max_iter=5).fit(Xd, ybd)
        ref = LogisticRegression(max_iter=5).fit(X, yb)
    _close(log.coef_, ref.coef_, rtol=1e-6)
    proba = log.predict_proba(Xd)
    pred = log.predict(Xd)
    assert isinstance(proba, da.Array) and isinstance(pred, da.Array)
    host_proba, host_pred = ref.predict_proba(X), ref.predict(X)
    assert metrics.accuracy_score(ybd, pred) == pytest.approx(
        skm.accuracy_score(yb, host_pred), rel=1e-12)
    np.testing.assert_array_equal(metrics.confusion_matrix(ybd, pred),
                                  skm.confusion_matrix(yb, host_pred))
    assert metrics.log_loss(ybd, proba) == pytest.approx(
        skm.log_loss(yb, host_proba), rel=1e-6)
    # roc_auc sorts the scores: documented to compute them (n floats) on the client
    assert metrics.roc_auc_score(ybd, proba[:, 1]) == pytest.approx(
        skm.roc_auc_score(yb, host_proba[:, 1]), rel=1e-6)
    _assert_alive(cluster)


def test_iterative_fits(cluster, data, lazy):
    X, Xd = data["X"][:HEAD], lazy["X"][:HEAD]
    init = X[[0, 1, 2]] + np.array([[1.0], [0.0], [-1.0]])
    km, ref = (KMeans(n_clusters=3, init=init, n_init=1, max_iter=3).fit(A) for A in (Xd, X))
    _close(km.cluster_centers_, ref.cluster_centers_, rtol=1e-6)
    assert km.inertia_ == pytest.approx(ref.inertia_, rel=1e-9)
    assert isinstance(km.labels_, da.Array) and isinstance(km.predict(Xd), da.Array)
    np.testing.assert_array_equal(km.labels_[:1000].compute(), ref.labels_[:1000])
    inits = dict(weights_init=np.full(3, 1 / 3), means_init=init,
                 precisions_init=np.stack([np.eye(D)] * 3))  # 'full' covariances
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # max_iter=2: not converged, on purpose
        gm = GaussianMixture(n_components=3, max_iter=2, **inits).fit(Xd)
        ref = GaussianMixture(n_components=3, max_iter=2, **inits).fit(X)
    _close(gm.weights_, ref.weights_, rtol=1e-6)
    _close(gm.means_, ref.means_, rtol=1e-6, atol=1e-9)
    _close(gm.covariances_, ref.covariances_, rtol=1e-6, atol=1e-9)
    assert isinstance(gm.predict(Xd), da.Array)
    _assert_alive(cluster)
