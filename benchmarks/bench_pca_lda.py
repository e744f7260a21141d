"""PCA and LDA fit times: mlkit against scikit-learn's solvers and the BLAS lower bound.

The lower bound is what any exact covariance-based fit must do: one ``XᵀX`` product plus a
d×d ``eigh`` (PCA), or one ``XᵀX`` (LDA). Ratios are measured in the same run on the same
data. ``--quick`` runs small sizes in seconds.

    python benchmarks/bench_pca_lda.py [--quick]
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._harness import table, time_it, write_section
from mlkit.decomposition import PCA
from mlkit.discriminant_analysis import LinearDiscriminantAnalysis as LDA


def _timer(slow):
    """Fewer repeats for fits that take many seconds."""
    return (lambda f: time_it(f, repeat=1, warmup=0)) if slow else time_it


def bench_pca(n, d, n_components, slow_full):
    from sklearn.decomposition import PCA as SkPCA

    X = np.random.default_rng(0).normal(size=(n, d)) @ np.diag(np.linspace(1, 3, d))

    def bound():
        G = X.T @ X
        np.linalg.eigh(G)

    t_bound = time_it(bound)
    ours = PCA(n_components=n_components)
    t_ours = time_it(lambda: ours.fit(X))
    sk_times = {}
    solvers = ["covariance_eigh", "full"] + (["randomized"] if n_components else [])
    for solver in solvers:
        t = _timer(slow_full and solver == "full")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sk_times[solver] = t(lambda s=solver: SkPCA(n_components=n_components,
                                                       svd_solver=s, random_state=0).fit(X))
    best = min(sk_times, key=sk_times.get)
    row = {"task": f"PCA fit ({n}, {d}), n_components={n_components}",
           "mlkit": f"{t_ours:.3f} s ('auto' = {ours._fit_svd_solver})",
           "scikit-learn fastest": f"{sk_times[best]:.3f} s ({best})",
           "mlkit / sklearn fastest": t_ours / sk_times[best],
           "lower bound": f"{t_bound:.3f} s", "mlkit / bound": t_ours / t_bound}
    others = ", ".join(f"{k} {v:.3f} s" for k, v in sk_times.items())
    return row, others


def bench_lda(n, d, k):
    from sklearn.discriminant_analysis import LinearDiscriminantAnalysis as SkLDA

    rng = np.random.default_rng(0)
    y = rng.integers(0, k, n)
    X = rng.normal(size=(n, d)) + y[:, None] * np.linspace(0, 1, d)
    t_bound = time_it(lambda: X.T @ X)
    rows = []
    sk = {s: time_it(lambda s=s: SkLDA(solver=s).fit(X, y), repeat=2) for s in ("svd", "eigen")}
    best = min(sk, key=sk.get)
    for solver in ("svd", "eigen", "lsqr"):
        t = time_it(lambda s=solver: LDA(solver=s).fit(X, y))
        rows.append({"task": f"LDA fit ({n}, {d}), {k} classes, solver={solver}",
                     "mlkit": f"{t:.3f} s",
                     "scikit-learn fastest": f"{sk[best]:.3f} s ({best})",
                     "mlkit / sklearn fastest": t / sk[best],
                     "lower bound": f"{t_bound:.3f} s", "mlkit / bound": t / t_bound})
    others = ", ".join(f"{s} {v:.3f} s" for s, v in sk.items())
    return rows, others


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, a few seconds")
    args = parser.parse_args(argv)
    tall, wide, lda = ((200_000, 100), (5000, 2000), (200_000, 100))
    if args.quick:
        tall, wide, lda = (20_000, 50), (500, 200), (20_000, 50)
    rows, notes = [], []
    for (n, d), n_comp, slow in [(tall, None, False), (wide, None, not args.quick),
                                 (wide, 50 if not args.quick else 10, not args.quick)]:
        row, others = bench_pca(n, d, n_comp, slow)
        rows.append(row)
        notes.append(f"- {row['task']}: scikit-learn {others}")
    lda_rows, others = bench_lda(*lda, 10)
    rows += lda_rows
    notes.append(f"- LDA ({lda[0]}, {lda[1]}), 10 classes: scikit-learn {others}")
    cols = ["task", "mlkit", "scikit-learn fastest", "mlkit / sklearn fastest", "lower bound",
            "mlkit / bound"]
    body = table(rows, cols)
    body += ("\n\nLower bound: one `XᵀX` plus a d×d `eigh` (PCA), one `XᵀX` (LDA). "
             "All scikit-learn solvers timed:\n" + "\n".join(notes) + "\n")
    if args.quick:
        print(body)
    else:
        write_section("pca_lda", body)


if __name__ == "__main__":
    main()
