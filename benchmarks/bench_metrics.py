"""ROC metrics: mlkit against scikit-learn and against one argsort of the scores.

Sorting the scores is the floor for an exact ROC curve, so ``np.argsort(y_score)`` is timed
in the same run as the lower bound. Usage::

    python benchmarks/bench_metrics.py           # n = 1e6 and 1e7 (the issue's sizes)
    python benchmarks/bench_metrics.py --quick   # n = 1e4 and 1e5, seconds
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import sklearn.metrics as skm

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import mlkit.metrics as mm
from benchmarks._harness import table, time_it, write_section


def data(n, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    score = rng.normal(size=n) + 0.8 * y
    return y, score


def run(sizes, ci_size, repeat):
    rows = []
    for n in sizes:
        y, s = data(n)
        floor = time_it(lambda s=s: np.argsort(s), repeat=repeat)
        for name in ("roc_auc_score", "roc_curve"):
            ours, theirs = getattr(mm, name), getattr(skm, name)
            t_ours = time_it(lambda f=ours, y=y, s=s: f(y, s), repeat=repeat)
            t_sk = time_it(lambda f=theirs, y=y, s=s: f(y, s), repeat=repeat)
            rows.append({
                "function": name, "n": f"{n:.0e}", "mlkit s": t_ours, "scikit-learn s": t_sk,
                "argsort s": floor, "mlkit / sklearn": t_ours / t_sk,
                "mlkit / argsort": t_ours / floor,
            })
        del y, s
    y, s = data(ci_size, seed=1)
    s2 = s + np.random.default_rng(2).normal(size=ci_size)
    t_ci = time_it(lambda: mm.roc_auc_ci(y, s), repeat=repeat)
    t_test = time_it(lambda: mm.delong_test(y, s, s2), repeat=repeat)
    t_sk = time_it(lambda: skm.roc_auc_score(y, s), repeat=repeat)
    rows.append({"function": "roc_auc_ci (DeLong)", "n": f"{ci_size:.0e}", "mlkit s": t_ci,
                 "scikit-learn s": t_sk, "mlkit / sklearn": t_ci / t_sk})
    rows.append({"function": "delong_test", "n": f"{ci_size:.0e}", "mlkit s": t_test,
                 "scikit-learn s": t_sk, "mlkit / sklearn": t_test / t_sk})
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, a few seconds")
    args = parser.parse_args(argv)
    sizes, ci_size, repeat = ((10**4, 10**5), 10**5, 3) if args.quick else \
        ((10**6, 10**7), 10**6, 3)
    rows = run(sizes, ci_size, repeat)
    columns = ["function", "n", "mlkit s", "scikit-learn s", "argsort s", "mlkit / sklearn",
               "mlkit / argsort"]
    note = (
        "Binary labels, normal scores (all distinct). `argsort s` is one `np.argsort` of the "
        "scores, the lower bound for an exact ROC curve. For `roc_auc_ci` and `delong_test` "
        "the scikit-learn column is its `roc_auc_score` alone (it has no DeLong variance): "
        "the ratio is the price of the interval or test over the point estimate."
    )
    body = table(rows, columns) + "\n\n" + note
    if args.quick:
        print(body)
    else:
        write_section("metrics", body)


if __name__ == "__main__":
    main()
