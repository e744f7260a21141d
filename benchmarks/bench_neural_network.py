"""MLPClassifier: one training epoch, mlkit against scikit-learn in the same run on the same data.

    python benchmarks/bench_neural_network.py [--quick]

Two hidden layers of 256 ReLU units, solver='adam', batch_size=256, on Gaussian data of
(1e5, 100) with 5 classes (``--quick``: (1e4, 100), 2 trials). One epoch is one
``partial_fit`` call on a network that has already been trained for one epoch, the same on
both sides (the initial weights, the shuffles and the updates are the same, so both do the same
arithmetic; the table's last column checks it). The two sides are interleaved
(``time_pair``: best of 3 rounds after one warm-up each), and the pair is timed in several
trials: the ratio is the median trial's, and its range over the trials is shown, since other
work on the machine moves single timings. Then mlkit with batch normalization, with dropout
and with both against mlkit's plain network (the overhead of each), and the float32 network
against scikit-learn's (both keep float32). On a machine with CuPy and a GPU, mlkit on CuPy
against its NumPy path; that row has never been measured (no GPU machine was lent to the task
that wrote this benchmark, so the CuPy path here is untried). Writes the ``neural_network``
section of benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from sklearn.neural_network import MLPClassifier as SkMLPClassifier
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._harness import table, time_pair, write_section
from mlkit.neural_network import MLPClassifier

PARAMS = {"hidden_layer_sizes": (256, 256), "solver": "adam", "batch_size": 256,
          "random_state": 0}
K = 5


def data(n, d=100, k=K, seed=0, dtype=np.float64):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, k, n)
    X = rng.normal(size=(n, d)) + 0.1 * rng.normal(size=(k, d))[y]
    return X.astype(dtype), y


def trained_one_epoch(cls, X, y, **extra):
    """A network after its first epoch: the timed ``partial_fit`` calls continue it."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return cls(**PARAMS, **extra).partial_fit(X, y, classes=np.arange(K))


def epoch(model, X, y):
    return lambda: model.partial_fit(X, y)


def weights_diff(a, b):
    return max(float(np.max(np.abs(np.asarray(u) - v)))
               for u, v in zip(a.coefs_ + a.intercepts_, b.coefs_ + b.intercepts_, strict=True))


def trials(fn_a, fn_b, n_trials, rounds):
    """``n_trials`` runs of ``time_pair``: the median trial's times and every trial's ratio."""
    pairs = [time_pair(fn_a, fn_b, rounds=rounds) for _ in range(n_trials)]
    ratios = [a / b for a, b in pairs]
    mid = pairs[ratios.index(statistics.median_low(ratios))]
    return mid, ratios


def row(task, shape, label_a, label_b, times, ratios, check="", threads="default"):
    (a, b) = times
    spread = f"{min(ratios):.2f}–{max(ratios):.2f}" if len(ratios) > 1 else "-"
    return {"task": task, "data": shape, "threads": threads, "timed": label_a,
            "against": label_b, "timed (s)": a, "against (s)": b, "ratio": a / b,
            "ratio range": spread, "check": check}


def gpu_rows(X, y, shape, n_trials, rounds):
    """mlkit on CuPy against mlkit on NumPy, when CuPy finds a GPU; else a note why not."""
    try:
        import cupy as cp

        cp.cuda.runtime.getDeviceCount()
    except Exception as exc:  # no CuPy, or no device
        return [], (f"CuPy against the NumPy path: not measured, no GPU here "
                    f"({type(exc).__name__}).")
    Xg, yg = cp.asarray(X), cp.asarray(y)
    on_gpu = trained_one_epoch(MLPClassifier, Xg, yg)
    on_cpu = trained_one_epoch(MLPClassifier, X, y)

    def gpu_epoch():
        on_gpu.partial_fit(Xg, yg)
        cp.cuda.Device().synchronize()

    times, ratios = trials(gpu_epoch, epoch(on_cpu, X, y), n_trials, rounds)
    name = cp.cuda.runtime.getDeviceProperties(0)["name"].decode()
    return [row("one epoch", shape, f"mlkit CuPy ({name})", "mlkit NumPy", times, ratios)], ""


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes, seconds")
    args = parser.parse_args(argv)
    n = 10_000 if args.quick else 100_000
    n_trials, rounds = (2, 2) if args.quick else (3, 3)
    X, y = data(n)
    shape = f"{n:.0e} x {X.shape[1]}"
    rows = []
    t0 = time.perf_counter()

    ours, theirs = (trained_one_epoch(cls, X, y) for cls in (MLPClassifier, SkMLPClassifier))
    times, ratios = trials(epoch(ours, X, y), epoch(theirs, X, y), n_trials, rounds)
    with threadpool_limits(1):  # BLAS on one thread: less moved by other work on the machine
        times1, ratios1 = trials(epoch(ours, X, y), epoch(theirs, X, y), n_trials, rounds)
    same = (f"after {len(ours.loss_curve_)} epochs, weights max abs diff "
            f"{weights_diff(ours, theirs):.1e}")
    rows.append(row("one epoch", shape, "mlkit", "scikit-learn", times, ratios, same))
    rows.append(row("one epoch", shape, "mlkit", "scikit-learn", times1, ratios1, same,
                    threads=1))

    plain = trained_one_epoch(MLPClassifier, X, y)
    for label, extra in (("batch_norm=True", {"batch_norm": True}),
                         ("dropout=0.2", {"dropout": 0.2}),
                         ("both", {"batch_norm": True, "dropout": 0.2})):
        variant = trained_one_epoch(MLPClassifier, X, y, **extra)
        with threadpool_limits(1):
            times, ratios = trials(epoch(variant, X, y), epoch(plain, X, y), n_trials, rounds)
        rows.append(row("one epoch", shape, f"mlkit {label}", "mlkit plain", times, ratios,
                        threads=1))

    X32 = X.astype(np.float32)
    ours, theirs = (trained_one_epoch(cls, X32, y) for cls in (MLPClassifier, SkMLPClassifier))
    with threadpool_limits(1):
        times, ratios = trials(epoch(ours, X32, y), epoch(theirs, X32, y), n_trials, rounds)
    rows.append(row("one epoch, float32", shape, "mlkit", "scikit-learn", times, ratios,
                    f"both {ours.coefs_[0].dtype} and {theirs.coefs_[0].dtype}", threads=1))

    more, gpu_note = gpu_rows(X, y, shape, n_trials, rounds)
    rows += more
    columns = ["task", "data", "threads", "timed", "against", "timed (s)", "against (s)",
               "ratio", "ratio range", "check"]
    note = (
        f"MLPClassifier(hidden_layer_sizes=(256, 256), solver='adam', batch_size=256), ReLU, "
        f"{K} classes; one epoch = one `partial_fit` after a first epoch, on both sides. "
        f"`time_pair` (best of {rounds} interleaved rounds after a warm-up) in {n_trials} "
        "trials: the ratio is the median trial's (timed / against; below 1: faster), its range "
        "over the trials beside it. The overhead rows time mlkit against its own plain "
        "network. threads: BLAS threads (default: all cores; 1: `threadpool_limits(1)`, which "
        "other work on the machine moves much less, since a busy core stalls a multithreaded "
        "BLAS: the overhead and float32 rows run on one). "
        + (gpu_note or "")
        + f" Whole run {time.perf_counter() - t0:.0f} s."
    )
    body = note + "\n\n" + table(rows, columns)
    write_section("neural_network", body)


if __name__ == "__main__":
    main()
