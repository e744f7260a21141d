"""Scalers: fit and transform time against scikit-learn's, same data, same run.

    python benchmarks/bench_preprocessing.py [--quick]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
from sklearn import preprocessing as skp

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import table, time_it, write_section

from mlkit import preprocessing as mkp

PAIRS = [
    ("StandardScaler", mkp.StandardScaler, skp.StandardScaler),
    ("MinMaxScaler", mkp.MinMaxScaler, skp.MinMaxScaler),
    ("Normalizer", mkp.Normalizer, skp.Normalizer),
    ("DecimalScaler (vs MaxAbsScaler, the nearest twin)", mkp.DecimalScaler, skp.MaxAbsScaler),
]


def main(quick=False):
    shape = (20_000, 20) if quick else (1_000_000, 50)
    X = np.random.default_rng(0).normal(size=shape)
    rows = []
    for name, ours, theirs in PAIRS:
        a, b = ours().fit(X), theirs().fit(X)
        t_fit = (time_it(lambda o=ours: o().fit(X)), time_it(lambda t=theirs: t().fit(X)))
        t_tr = (time_it(lambda a=a: a.transform(X)), time_it(lambda b=b: b.transform(X)))
        rows.append({"estimator": name, "shape": f"{shape[0]}x{shape[1]}",
                     "fit mlkit (s)": t_fit[0], "fit sklearn (s)": t_fit[1],
                     "fit ratio": t_fit[0] / t_fit[1],
                     "transform mlkit (s)": t_tr[0], "transform sklearn (s)": t_tr[1],
                     "transform ratio": t_tr[0] / t_tr[1]})
    cols = list(rows[0])
    write_section("preprocessing", table(rows, cols))


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    main(parser.parse_args().quick)
