"""The same estimators on a GPU (CuPy) against NumPy and scikit-learn on the host, same run.

    python benchmarks/bench_gpu.py [--quick]

Needs CuPy and a GPU. The data is moved to the device before timing (transfers excluded) and
every GPU timing ends with a device synchronisation. Ratios are scikit-learn's time over
mlkit-on-CuPy's: the speed-up the GPU gives over the usual CPU route.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import table, time_it, write_section

import mlkit.cluster as mkc
import mlkit.decomposition as mkd
import mlkit.discriminant_analysis as mkl
import mlkit.metrics as mkmet
import mlkit.mixture as mkmix
import mlkit.naive_bayes as mkn
import mlkit.preprocessing as mkp


def cases(n_scale):
    import sklearn.cluster as skc
    import sklearn.decomposition as skd
    import sklearn.discriminant_analysis as skl
    import sklearn.metrics as skmet
    import sklearn.mixture as skmix
    import sklearn.naive_bayes as skn
    import sklearn.preprocessing as skp

    rng = np.random.default_rng(0)

    def data(n, d, k):
        y = rng.integers(0, k, size=n)
        X = rng.normal(size=(n, d)) + y[:, None] * 0.3
        return X, y

    n = int(1e6 * n_scale)
    X, y = data(n, 50, 5)
    yield "StandardScaler fit+transform", (n, 50), X, y, \
        lambda X, y: mkp.StandardScaler().fit(X).transform(X), \
        lambda X, y: skp.StandardScaler().fit(X).transform(X)
    yield "GaussianNB fit", (n, 50), X, y, \
        lambda X, y: mkn.GaussianNB().fit(X, y), lambda X, y: skn.GaussianNB().fit(X, y)
    gnb_m, gnb_s = {}, {}
    yield "GaussianNB predict", (n, 50), X, y, \
        lambda X, y: _fitted(gnb_m, mkn.GaussianNB, X, y).predict(X), \
        lambda X, y: _fitted(gnb_s, skn.GaussianNB, X, y).predict(X)
    n2 = int(2e5 * n_scale)
    X, y = data(n2, 100, 10)
    yield "PCA fit (covariance route)", (n2, 100), X, y, \
        lambda X, y: mkd.PCA(10, svd_solver="covariance_eigh").fit(X), \
        lambda X, y: skd.PCA(10, svd_solver="covariance_eigh").fit(X)
    yield "LDA fit (eigen)", (n2, 100), X, y, \
        lambda X, y: mkl.LinearDiscriminantAnalysis(solver="eigen").fit(X, y), \
        lambda X, y: skl.LinearDiscriminantAnalysis(solver="eigen").fit(X, y)
    n3 = int(1e5 * n_scale)
    X, y = data(n3, 20, 8)
    init = X[:8].copy()
    yield "GaussianMixture full, 10 EM iterations", (n3, 20), X, y, \
        lambda X, y: mkmix.GaussianMixture(8, means_init=init, max_iter=10, tol=0).fit(X), \
        lambda X, y: skmix.GaussianMixture(8, means_init=init, max_iter=10, tol=0).fit(X)
    X, y = data(2 * n3, 20, 8)
    init = X[:8].copy()
    yield "KMeans, 20 Lloyd iterations", (2 * n3, 20), X, y, \
        lambda X, y: mkc.KMeans(8, init=init, n_init=1, max_iter=20, tol=0).fit(X), \
        lambda X, y: skc.KMeans(8, init=init, n_init=1, max_iter=20, tol=0).fit(X)
    n4 = int(1e7 * n_scale)
    yt = rng.integers(0, 2, size=n4)
    score = rng.normal(size=n4) + yt
    yield "roc_auc_score", (n4,), score[:, None], yt, \
        lambda s, y: mkmet.roc_auc_score(y, s[:, 0]), lambda s, y: skmet.roc_auc_score(y, s[:, 0])


def _fitted(cache, cls, X, y):
    key = id(X)
    if key not in cache:
        cache[key] = cls().fit(X, y)
    return cache[key]


def main(quick=False):
    import warnings

    try:
        import cupy

        cupy.cuda.runtime.getDeviceCount()
    except Exception:  # no CuPy, or no GPU
        print("bench_gpu: skipped, CuPy with a GPU is needed")
        return

    warnings.simplefilter("ignore")
    sync = cupy.cuda.Device().synchronize
    gpu = cupy.cuda.runtime.getDeviceProperties(0)["name"].decode()
    rows = []
    for name, shape, X, y, ours, theirs in cases(0.02 if quick else 1.0):
        Xg, yg = cupy.asarray(X), cupy.asarray(y)

        def on_gpu(ours=ours, Xg=Xg, yg=yg):
            ours(Xg, yg)
            sync()

        t_gpu = time_it(on_gpu)
        t_np = time_it(lambda ours=ours, X=X, y=y: ours(X, y))
        t_sk = time_it(lambda theirs=theirs, X=X, y=y: theirs(X, y))
        rows.append({"task": name, "shape": "x".join(map(str, shape)),
                     "mlkit CuPy (s)": t_gpu, "mlkit NumPy (s)": t_np, "sklearn (s)": t_sk,
                     "speed-up vs sklearn": t_sk / t_gpu, "speed-up vs mlkit NumPy": t_np / t_gpu})
    body = f"GPU: {gpu} (CuPy {cupy.__version__}); host columns on the same machine.\n\n"
    write_section("gpu", body + table(rows, list(rows[0])))


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    main(parser.parse_args().quick)
