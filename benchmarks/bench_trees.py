"""Decision trees: mlkit's CART (and C4.5) fit time against scikit-learn, and pure-Python peers.

    python benchmarks/bench_trees.py            # n = 1e4 and 1e5 (a few minutes)
    python benchmarks/bench_trees.py --quick    # small sizes (seconds)

Data: ``make_classification`` with 20 features (10 informative), 3 classes. Each fit grows a
full tree (no depth limit). CART is compared with scikit-learn's DecisionTreeClassifier of the
same criterion and seed, and we check that the two trees are node for node the same. C4.5
(``mlkit.tree.C45Classifier``, when present) is compared with scikit-learn's entropy tree.

The pure-Python peers -- decision-tree-id3 (ID3) and chefboost (C4.5, its default depth limit
of 5) -- are timed at n = 2000 when a virtual environment with them exists at
``$PEERS_VENV`` (default /work/peers-venv); they are not mlkit dependencies. Each is compared
with the same algorithm in mlkit: decision-tree-id3 with ``ID3Classifier``, chefboost's C4.5
with ``C45Classifier`` grown in full and with chefboost's depth limit of 5. Both need
shims to run today (decision-tree-id3 imports ``sklearn.externals.six`` and ``np.float``;
chefboost fails on pandas 3's string columns), applied in the peer's own process below.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from sklearn.datasets import make_classification
from sklearn.tree import DecisionTreeClassifier as SkTree

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._harness import table, time_it, write_section
from mlkit.tree import DecisionTreeClassifier

try:
    from mlkit.tree import C45Classifier, ID3Classifier
except ImportError:  # C4.5 lives on another branch until it is merged
    C45Classifier = ID3Classifier = None

PEERS_VENV = Path(os.environ.get("PEERS_VENV", "/work/peers-venv"))
PEER_N = 2000

PEER_SCRIPT = r"""
import json, sys, time
import numpy as np
from sklearn.datasets import make_classification
X, y = make_classification(n_samples=%(n)d, n_features=20, n_informative=10, n_classes=3,
                           random_state=0)
which = sys.argv[1]
if which == "id3":
    import six, sklearn.externals
    sys.modules["sklearn.externals.six"] = six
    sklearn.externals.six = six
    for name, alias in (("float", float), ("int", int), ("bool", bool), ("object", object)):
        setattr(np, name, alias)
    from id3 import Id3Estimator
    t = time.perf_counter()
    Id3Estimator().fit(X, y)
else:
    import pandas as pd
    from chefboost import Chefboost as chef
    df = pd.DataFrame(X, columns=[f"x{i}" for i in range(20)])
    df["Decision"] = np.array(["a", "b", "c"])[y]
    t = time.perf_counter()
    chef.fit(df, {"algorithm": "C4.5"}, target_label="Decision", silent=True)
print(json.dumps({"seconds": time.perf_counter() - t}))
"""


def data(n):
    return make_classification(n_samples=n, n_features=20, n_informative=10, n_classes=3,
                               random_state=0)


def fit_time(estimator, X, y, repeat):
    """Best fit time of ``estimator`` on (X, y); one warm-up fit when repeating."""
    return time_it(lambda: estimator.fit(X, y), repeat=repeat, warmup=int(repeat > 1))


def same_tree(ours, theirs):
    a, b = ours.tree_, theirs.tree_
    return (a.node_count == b.node_count and np.array_equal(a.feature, b.feature)
            and np.array_equal(a.threshold, b.threshold))


def cart_rows(sizes, repeat):
    rows = []
    for n in sizes:
        X, y = data(n)
        r = repeat if n <= 20_000 else 1
        for criterion in ("entropy", "gini"):
            ours = DecisionTreeClassifier(criterion=criterion, random_state=0)
            theirs = SkTree(criterion=criterion, random_state=0)
            t_ours, t_sk = fit_time(ours, X, y, r), fit_time(theirs, X, y, r)
            rows.append({
                "n": n, "model": f"CART ({criterion})", "mlkit (s)": t_ours,
                "scikit-learn (s)": t_sk, "ratio": t_ours / t_sk,
                "same tree": "yes" if same_tree(ours, theirs) else "no",
                "nodes": ours.tree_.node_count,
            })
        if C45Classifier is not None:
            c45 = C45Classifier()
            theirs = SkTree(criterion="entropy", random_state=0)
            t_c45, t_sk = fit_time(c45, X, y, r), fit_time(theirs, X, y, r)
            rows.append({
                "n": n, "model": "C4.5 (pruned)", "mlkit (s)": t_c45,
                "scikit-learn (s)": t_sk, "ratio": t_c45 / t_sk, "same tree": "n/a",
                "nodes": len(c45._tree_nodes()),
            })
        print(table([r for r in rows if r["n"] == n], list(rows[0])), flush=True)
    return rows


def run_peer(which, n):
    python = PEERS_VENV / "bin" / "python"
    if not python.exists():
        return None
    with tempfile.TemporaryDirectory() as tmp:  # chefboost writes its rules to ./outputs
        out = subprocess.run([str(python), "-c", PEER_SCRIPT % {"n": n}, which], cwd=tmp,
                             capture_output=True, text=True, timeout=900)
    if out.returncode != 0:
        print(f"{which} failed: {out.stderr[-500:]}", file=sys.stderr)
        return None
    return json.loads(out.stdout.strip().splitlines()[-1])["seconds"]


def interleaved_fit_times(estimators, X, y, rounds=15):
    """Best fit time of each estimator, the fits taken in turn round after round (so that a
    busy spell on a shared machine does not fall on one estimator only)."""
    best = [np.inf] * len(estimators)
    for r in range(rounds + 1):  # round 0 warms up
        for i, est in enumerate(estimators):
            t = time_it(lambda est=est: est.fit(X, y), repeat=1, warmup=0)
            if r:
                best[i] = min(best[i], t)
    return best


def peer_rows(n):
    """Each peer against the same algorithm in mlkit: ID3 with ID3, C4.5 with C4.5 (in full
    and with chefboost's depth limit of 5)."""
    if C45Classifier is None:
        return []
    X, y = data(n)
    mine = {"id3": [("ID3Classifier", ID3Classifier())],
            "chefboost": [("C45Classifier", C45Classifier()),
                          ("C45Classifier(max_depth=5)", C45Classifier(max_depth=5))]}
    names = [name for group in mine.values() for name, _ in group]
    seconds = interleaved_fit_times([est for group in mine.values() for _, est in group], X, y)
    times = dict(zip(names, seconds, strict=True))
    rows = []
    for peer, label in (("id3", "decision-tree-id3 (ID3)"),
                        ("chefboost", "chefboost C4.5 (depth <= 5)")):
        peer_s = run_peer(peer, n)
        if peer_s is None:
            continue
        for name, _ in mine[peer]:
            t = times[name]
            rows.append({"n": n, "peer": label, "peer (s)": peer_s, "mlkit": name,
                         "mlkit (s)": t, "mlkit speed-up": f"{peer_s / t:.0f}x"})
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, no peers")
    args = parser.parse_args()
    sizes = [2_000, 5_000] if args.quick else [10_000, 100_000]
    rows = cart_rows(sizes, repeat=2 if args.quick else 3)
    body = [
        "Fit time of a full tree on make_classification (20 features, 3 classes); ratio = "
        "mlkit / scikit-learn, measured in the same run (below 1: mlkit faster). "
        "'same tree': node for node equal to scikit-learn's (features and thresholds).",
        "",
        table(rows, ["n", "model", "mlkit (s)", "scikit-learn (s)", "ratio", "same tree",
                     "nodes"]),
    ]
    if C45Classifier is None:
        body += ["", "_mlkit.tree.C45Classifier was not available in this run._"]
    peers = [] if args.quick else peer_rows(PEER_N)
    if peers:
        body += ["", f"Pure-Python peers at n = {PEER_N} (installed in a separate virtual "
                 "environment, not mlkit dependencies; one run each), against the same algorithm "
                 "in mlkit (best of 15 fits, taken in turn):", "",
                 table(peers, ["n", "peer", "peer (s)", "mlkit", "mlkit (s)", "mlkit speed-up"])]
    elif not args.quick:
        body += ["", "_Peers not timed: no virtual environment with them (see PEERS_VENV in "
                 "benchmarks/bench_trees.py)._"]
    write_section("trees", "\n".join(body))


if __name__ == "__main__":
    main()
