"""GaussianMixture (time per EM iteration) and KMeans (time per fit) against scikit-learn.

Run ``python benchmarks/bench_mixture_kmeans.py`` (the issue's sizes: GMM n=100000, d=20,
k=8; KMeans n=200000, d=20, k=8) or with ``--quick`` (small sizes, seconds). Both libraries
start from the same explicit initialization, so they do the same iterations.

Time per EM iteration = (fit with 1 + m iterations − fit with 1 iteration) / m, with tol=0 so
that no run stops early: the fixed costs (validation, initialization, scikit-learn's final
E-step) cancel out.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

import numpy as np
from sklearn.cluster import KMeans as SkKMeans
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture as SkGaussianMixture
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import table, time_it, time_pair, write_section

from mlkit.cluster import KMeans
from mlkit.mixture import GaussianMixture


def mixture_data(n, d, k, seed=0):
    rng = np.random.default_rng(seed)
    centers = rng.normal(scale=3.0, size=(k, d))
    X = rng.normal(size=(n, d)) + centers[rng.integers(0, k, size=n)]
    return X, X[rng.choice(n, k, replace=False)]


def gmm_init(X, means, ctype):
    k, d = means.shape
    prec = {"full": np.tile(np.eye(d), (k, 1, 1)), "tied": np.eye(d), "diag": np.ones((k, d)),
            "spherical": np.ones(k)}[ctype]
    return dict(weights_init=np.full(k, 1.0 / k), means_init=means, precisions_init=prec)


def time_per_iteration(cls, X, params, m, repeat):
    def fit(max_iter):
        return lambda: cls(max_iter=max_iter, tol=0.0, **params).fit(X)

    long = time_it(fit(1 + m), repeat=repeat, warmup=0)
    short = time_it(fit(1), repeat=repeat, warmup=0)
    return max(long - short, 1e-9) / m


def bench_gmm(n, d, k, m, repeat):
    X, means = mixture_data(n, d, k)
    rows = []
    for ctype in ("full", "diag", "tied", "spherical"):
        params = dict(n_components=k, covariance_type=ctype, **gmm_init(X, means, ctype))
        ours = time_per_iteration(GaussianMixture, X, params, m, repeat)
        theirs = time_per_iteration(SkGaussianMixture, X, params, m, repeat)
        rows.append({"task": f"GaussianMixture '{ctype}', one EM iteration",
                     "size": f"n={n}, d={d}, k={k}", "mlkit (ms)": ours * 1e3,
                     "scikit-learn (ms)": theirs * 1e3, "ratio": ours / theirs})
    return rows


def bench_kmeans(n, d, k, repeat):
    X, _ = mixture_data(n, d, k, seed=1)
    init = X[np.random.default_rng(2).choice(n, k, replace=False)]
    ours_model = KMeans(k, init=init).fit(X)
    theirs_model = SkKMeans(k, init=init, algorithm="lloyd").fit(X)
    assert ours_model.n_iter_ == theirs_model.n_iter_
    ours, theirs = time_pair(lambda: KMeans(k, init=init).fit(X),
                             lambda: SkKMeans(k, init=init, algorithm="lloyd").fit(X),
                             rounds=2 * repeat)
    rows = [{"task": f"KMeans, fit from the same init ({ours_model.n_iter_} Lloyd iterations)",
             "size": f"n={n}, d={d}, k={k}", "mlkit (ms)": ours * 1e3,
             "scikit-learn (ms)": theirs * 1e3, "ratio": ours / theirs}]
    ours, theirs = time_pair(lambda: KMeans(k, random_state=0).fit(X),
                             lambda: SkKMeans(k, random_state=0).fit(X), rounds=2 * repeat)
    rows.append({"task": "KMeans, fit with k-means++ (random_state=0)",
                 "size": f"n={n}, d={d}, k={k}", "mlkit (ms)": ours * 1e3,
                 "scikit-learn (ms)": theirs * 1e3, "ratio": ours / theirs})
    return rows


def _one_thread(rows):
    for row in rows:
        row["threads"] = "1"
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (seconds)")
    args = parser.parse_args(argv)
    if args.quick:
        gmm, km, m, repeat = (5000, 10, 4), (10000, 10, 4), 3, 2
    else:
        gmm, km, m, repeat = (100_000, 20, 8), (200_000, 20, 8), 5, 3
    warnings.simplefilter("ignore", ConvergenceWarning)
    rows = bench_gmm(*gmm, m, repeat) + bench_kmeans(*km, repeat)
    for row in rows:
        row["threads"] = "default"
    # the same with one thread each (BLAS and OpenMP): the fair comparison on a busy machine
    with threadpool_limits(1):
        rows += _one_thread(bench_gmm(*gmm, m, repeat) + bench_kmeans(*km, repeat))
    columns = ["task", "size", "threads", "mlkit (ms)", "scikit-learn (ms)", "ratio"]
    note = ("Ratio = mlkit / scikit-learn (below 1: mlkit faster). Both start from the same "
            "explicit initialization; one EM iteration = (fit of 1+m iterations − fit of 1) / m "
            "(one-off costs cancel: validation, initialization, scikit-learn's final E-step). "
            "KMeans: best of 6 fits each, the two "
            "libraries taking turns. '1' thread: both limited to one BLAS/OpenMP thread with "
            "threadpoolctl.")
    if args.quick:
        print(table(rows, columns))
        return
    write_section("mixture_kmeans", table(rows, columns) + "\n\n" + note)


if __name__ == "__main__":
    main()
