"""Fits on a Dask array larger than the machine's memory, against one plain pass over it.

Run ``python benchmarks/bench_scale.py`` (30 GB: 187.5M x 20 float64 in 750 blocks of 40 MB,
with int64 labels beside it) or ``--gb 1`` for a quick look, ``--quick`` (0.25 GB, printed
only). The array is generated block by block from seeds inside the workers, so nothing of its
size ever exists in one place; the cluster is a ``dask.distributed.LocalCluster`` of worker
processes with a memory limit each (default 2 workers x 3 GiB, one thread each).

Each row: the fit's wall time, its speed in GB of X per second, and that speed as a fraction
of one plain pass (``X.sum(axis=0)`` and ``y.sum()`` in one compute, timed first in the same
run); the highest memory any worker reported during the fit; whether a worker died (a nanny
restart shows as a new worker address) or the fit raised. Goals (issue 16): one-pass fits at
>= 0.8 of pass speed; a fit of one EM iteration or one Lloyd iteration at >= 0.5 (two passes:
the iteration and the final assignment).
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
import warnings
from pathlib import Path

import dask
import dask.array as da
import numpy as np
from dask.distributed import Client, LocalCluster

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import table, write_section

from mlkit.cluster import KMeans
from mlkit.decomposition import PCA
from mlkit.mixture import GaussianMixture
from mlkit.naive_bayes import GaussianNB
from mlkit.preprocessing import StandardScaler

D, ROWS, K = 20, 250_000, 4  # 40 MB blocks


def _block_x(block, block_info=None):
    i = block_info[None]["chunk-location"][0]
    X = np.random.default_rng([2026, i]).standard_normal(block.shape)
    X[:, :K] += 2.0 * np.eye(K)[np.random.default_rng([9, i]).integers(0, K, block.shape[0])]
    return X


def _block_y(block, block_info=None):
    i = block_info[None]["chunk-location"][0]
    return np.random.default_rng([7, i]).integers(0, K, block.shape[0]).astype(np.int64)


def lazy_data(gb):
    n = int(gb * 1e9 / (8 * D)) // ROWS * ROWS
    X = da.zeros((n, D), chunks=(ROWS, D)).map_blocks(_block_x, dtype=np.float64)
    y = da.zeros(n, chunks=ROWS, dtype=np.int64).map_blocks(_block_y, dtype=np.int64)
    return X, y


class PeakMemory:
    """Polls the scheduler's view of each worker's process memory while a fit runs."""

    def __init__(self, client, every=0.5):
        self.client, self.every, self.peak = client, every, 0
        self._stop = threading.Event()

    def __enter__(self):
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()
        return self

    def _poll(self):
        while not self._stop.is_set():
            try:
                workers = self.client.scheduler_info()["workers"].values()
                self.peak = max([self.peak] + [w["metrics"]["memory"] for w in workers])
            except Exception:  # the scheduler busy or a worker restarting: next poll
                pass
            self._stop.wait(self.every)

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def run_one(client, name, fn, gb, goal, pass_s):
    before = set(client.scheduler_info()["workers"])
    with PeakMemory(client) as mem:
        t0 = time.perf_counter()
        try:
            fn()
            outcome = "completed"
        except Exception as exc:  # KilledWorker and the like: the row says so
            outcome = f"failed: {type(exc).__name__}"
        seconds = time.perf_counter() - t0
    after = set(client.scheduler_info()["workers"])
    speed = gb / seconds
    ratio = None if pass_s is None else pass_s / seconds
    row = {"task": name, "GB": gb, "seconds": seconds, "GB/s": speed,
           "of pass speed": "-" if ratio is None else ratio,
           "goal": "-" if goal is None else f"≥ {goal}",
           "met": "-" if goal is None else ("yes" if ratio >= goal else "**no**"),
           "peak worker memory (MB)": mem.peak / 1e6,
           "workers restarted": len(before - after), "outcome": outcome}
    print({k: (f"{v:.3g}" if isinstance(v, float) else v) for k, v in row.items()}, flush=True)
    return row, seconds


def fits(X, y):
    rng = np.random.default_rng(0)
    means = rng.normal(size=(8, D))
    gmm = dict(n_components=K, covariance_type="diag", max_iter=1, tol=0.0,
               weights_init=np.full(K, 1.0 / K), means_init=means[:K],
               precisions_init=np.ones((K, D)))
    return [
        ("PCA(n_components=5).fit(X)", lambda: PCA(n_components=5).fit(X), 0.8),
        ("StandardScaler().fit(X)", lambda: StandardScaler().fit(X), 0.8),
        ("GaussianNB().fit(X, y)", lambda: GaussianNB().fit(X, y), 0.8),
        ("GaussianMixture('diag', k=4, max_iter=1, given init).fit(X)",
         lambda: GaussianMixture(**gmm).fit(X), 0.5),
        ("KMeans(k=8, given init, max_iter=1).fit(X)",
         lambda: KMeans(8, init=means, n_init=1, max_iter=1).fit(X), 0.5),
    ]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gb", type=float, default=30.0, help="size of X in GB (1e9 bytes)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--memory-limit", default="3GiB", help="per worker")
    parser.add_argument("--quick", action="store_true", help="0.25 GB, printed only")
    args = parser.parse_args(argv)
    gb = 0.25 if args.quick else args.gb
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cluster = LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                               memory_limit=args.memory_limit, dashboard_address=None)
    client = Client(cluster)
    X, y = lazy_data(gb)
    gb = X.nbytes / 1e9
    row, pass_s = run_one(client, "one plain pass: X.sum(axis=0), y.sum()",
                          lambda: dask.compute(X.sum(axis=0), y.sum()), gb, None, None)
    rows = [row] + [run_one(client, name, fn, gb, goal, pass_s)[0]
                    for name, fn, goal in fits(X, y)]
    client.close()
    cluster.close()
    columns = ["task", "GB", "seconds", "GB/s", "of pass speed", "goal", "met",
               "peak worker memory (MB)", "workers restarted", "outcome"]
    note = (f"X: {X.shape[0]:,} x {D} float64 ({gb:.1f} GB) in {X.numblocks[0]} blocks of "
            f"{ROWS * D * 8 / 1e6:.0f} MB, generated from seeds inside the workers; y: int64 "
            f"labels beside it. LocalCluster of {args.workers} worker processes x "
            f"{args.memory_limit}, one thread each. 'of pass speed' = plain pass seconds / fit "
            "seconds. Peak worker memory: the highest process memory the scheduler reported "
            "for any worker (polled every 0.5 s). One run.")
    body = table(rows, columns) + "\n\n" + note
    if args.quick:
        print(body)
        return
    write_section("scale", body)


if __name__ == "__main__":
    main()
