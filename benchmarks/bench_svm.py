"""SVC (rbf, d = 20) against libsvm on make_classification: each solver's time and ratio.

Run ``python benchmarks/bench_svm.py`` (n = 500 ... 20000) or ``--quick`` (n = 500, 1000).
The 'cvxpy' solver is skipped above n = 4000 (an interior-point QP on the dense n×n kernel:
minutes and gigabytes). 'auto' picks SMO at every size, so its time is SMO's.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sklearn.datasets import make_classification  # noqa: E402
from sklearn.svm import SVC as LibSVC  # noqa: E402

from benchmarks._harness import table, time_it, write_section  # noqa: E402
from mlkit.svm import SVC  # noqa: E402

CVXPY_MAX_N = 4000


def run(sizes):
    rows = []
    for n in sizes:
        X, y = make_classification(n_samples=n, n_features=20, random_state=0)
        repeat = 3 if n <= 4000 else 1
        warmup = 1 if n <= 4000 else 0
        t_lib = time_it(lambda: LibSVC(kernel="rbf").fit(X, y), repeat=repeat, warmup=warmup)
        auto = SVC(kernel="rbf").fit(X, y)
        t_auto = time_it(lambda: SVC(kernel="rbf").fit(X, y), repeat=repeat, warmup=0)
        row = {"n": n, "libsvm s": t_lib, "auto solver": auto.solver_, "auto s": t_auto,
               "auto / libsvm": t_auto / t_lib,
               "SMO rel. gap": auto.certificate_[0].relative_gap}
        if n <= CVXPY_MAX_N:
            holder = {}

            def fit_qp(holder=holder):
                holder["m"] = SVC(kernel="rbf", solver="cvxpy").fit(X, y)

            t_qp = time_it(fit_qp, repeat=1, warmup=0)
            cert = holder["m"].certificate_[0]
            tight = SVC(kernel="rbf", solver="smo", tol=1e-8).fit(X, y).certificate_[0]
            row.update({"cvxpy s": t_qp, "cvxpy / libsvm": t_qp / t_lib,
                        "cvxpy rel. gap": cert.relative_gap,
                        "dual: cvxpy vs SMO(tol 1e-8)":
                            abs(cert.dual_objective / tight.dual_objective - 1)})
        else:
            row.update({"cvxpy s": "skipped (n > 4000)"})
        print(row, flush=True)
        rows.append(row)
    cols = ["n", "libsvm s", "auto solver", "auto s", "auto / libsvm", "SMO rel. gap", "cvxpy s",
            "cvxpy / libsvm", "cvxpy rel. gap", "dual: cvxpy vs SMO(tol 1e-8)"]
    body = (
        "SVC(kernel='rbf'), make_classification d = 20, default C = 1, tol = 1e-3 on both "
        "sides; best of 3 (1 at n = 20000). 'cvxpy' = Clarabel on quad_form(α∘y, psd_wrap(K)), "
        "skipped above n = 4000. Relative gap = (primal − dual) / max(1, |dual|) from the "
        "certificate.\n\n" + table(rows, cols)
    )
    write_section("svm", body)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="n = 500, 1000 only")
    args = parser.parse_args()
    run([500, 1000] if args.quick else [500, 1000, 2000, 4000, 20000])
    np.seterr(all="ignore")
