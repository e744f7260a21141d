"""Naive Bayes: mlkit against scikit-learn, fit and predict, in the same run on the same data.

GaussianNB on dense (n, 50) data with 5 classes (default n = 1e6), MultinomialNB on a
(1e5, 1000) count matrix, and CategoricalNB on (1e5, 20) codes. ``--quick`` runs small sizes
in seconds. Writes the ``naive_bayes`` section of benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import sklearn.naive_bayes as sk

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._harness import table, time_it, write_section
from mlkit import naive_bayes as nb


def gaussian_data(n, d=50, k=5, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, k, n)
    X = rng.normal(size=(n, d))
    X += y[:, None] * 0.1
    return X, y


def count_data(n, d=1000, k=5, seed=1):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, k, n)
    lam = rng.gamma(0.3, 1.0, size=(k, d))
    return rng.poisson(lam[y]).astype(np.float64), y


def categorical_data(n, d=20, k=5, seed=2):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, k, n)
    return (rng.integers(0, 6, size=(n, d)) + y[:, None]) % 8, y


def compare(label, ours_cls, theirs_cls, X, y, repeat):
    rows = []
    ours, theirs = ours_cls().fit(X, y), theirs_cls().fit(X, y)
    agree = float(np.mean(ours.predict(X) == theirs.predict(X)))
    steps = {
        "fit": (lambda: ours_cls().fit(X, y), lambda: theirs_cls().fit(X, y)),
        "predict": (lambda: ours.predict(X), lambda: theirs.predict(X)),
        "predict_proba": (lambda: ours.predict_proba(X), lambda: theirs.predict_proba(X)),
    }
    for step, (mine, ref) in steps.items():
        t_ours = time_it(mine, repeat=repeat)
        t_ref = time_it(ref, repeat=repeat)
        rows.append({
            "model": label, "data": f"{X.shape[0]:.0e} x {X.shape[1]}", "step": step,
            "mlkit (s)": t_ours, "scikit-learn (s)": t_ref, "ratio": t_ours / t_ref,
            "speed-up": t_ref / t_ours, "same predictions": f"{agree:.4f}",
        })
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes, seconds")
    args = parser.parse_args(argv)
    n_gauss, n_counts, n_cat = (20_000, 2_000, 5_000) if args.quick else (
        1_000_000, 100_000, 100_000)
    repeat = 1 if args.quick else 3
    rows = []
    X, y = gaussian_data(n_gauss)
    rows += compare("GaussianNB", nb.GaussianNB, sk.GaussianNB, X, y, repeat)
    del X
    X, y = count_data(n_counts)
    rows += compare("MultinomialNB", nb.MultinomialNB, sk.MultinomialNB, X, y, repeat)
    del X
    X, y = categorical_data(n_cat)
    rows += compare("CategoricalNB", nb.CategoricalNB, sk.CategoricalNB, X, y, repeat)
    columns = ["model", "data", "step", "mlkit (s)", "scikit-learn (s)", "ratio", "speed-up",
               "same predictions"]
    note = (
        "GaussianNB: 5 classes, 50 features; MultinomialNB: 5 classes, Poisson counts; "
        "CategoricalNB: 5 classes, 8 categories per feature. Best of "
        f"{repeat} after one warm-up; ratio = mlkit / scikit-learn (below 1: mlkit faster)."
    )
    body = note + "\n\n" + table(rows, columns)
    if args.quick:
        print(body)
    else:
        write_section("naive_bayes", body)


if __name__ == "__main__":
    main()
