"""scipy.sparse input: mlkit against scikit-learn on a 20-newsgroups-sized count matrix.

The matrix is generated (no download): 11,000 documents x 130,000 terms, about 1.8 million
stored counts, 20 classes. Each document draws its tokens from a Zipf law over the vocabulary
(exponent 1.1, as word frequencies), a fifth of them from its class's own Zipf law over a
shuffled vocabulary, so the column frequencies are Zipf-like and the classes are learnable.
Every estimator runs on the same CSR matrix in the same process, mlkit and scikit-learn in
turn; the ratio is mlkit's time over scikit-learn's (below 1: mlkit is faster). KMeans starts
both from the same 20 rows and runs a fixed number of iterations (tol=0); LogisticRegression
runs L-BFGS for a fixed number of iterations on both sides. ``--quick`` runs a small matrix
in seconds and only prints; otherwise the ``sparse`` section of benchmarks/RESULTS.md is
written.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

import numpy as np
import scipy.sparse as sp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._harness import table, write_section


def newsgroups_like(n_docs=11_000, n_terms=130_000, n_classes=20, tokens=270, seed=0):
    """(X, y): a CSR count matrix of Zipf-distributed tokens, ``tokens`` per document on
    average (about 165 distinct terms each), and the class of each document."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, n_classes, n_docs)
    lengths = rng.poisson(tokens, n_docs)
    rows = np.repeat(np.arange(n_docs), lengths)
    cdf = np.cumsum(1.0 / np.arange(1, n_terms + 1) ** 1.1)
    ranks = np.searchsorted(cdf / cdf[-1], rng.random(rows.shape[0]))
    topical = rng.random(rows.shape[0]) < 0.2  # a class's own words: its shuffled ranks
    shuffles = np.stack([rng.permutation(n_terms) for _ in range(n_classes)])
    terms = np.where(topical, shuffles[y[rows], ranks], ranks)
    X = sp.csr_array((np.ones(rows.shape[0]), (rows, terms)), shape=(n_docs, n_terms))
    X.sum_duplicates()
    # 32-bit indices, as CountVectorizer makes them (scikit-learn's KMeans takes no others)
    X.indices, X.indptr = X.indices.astype(np.int32), X.indptr.astype(np.int32)
    return X, y


def _pairs(X, y, n_classes):
    import sklearn.cluster as skc
    import sklearn.decomposition as skd
    import sklearn.linear_model as skl
    import sklearn.naive_bayes as skn
    import sklearn.preprocessing as skp
    import sklearn.tree as skt

    from mlkit import cluster, decomposition, linear_model, naive_bayes, preprocessing, tree

    init = X[[int(np.flatnonzero(y == c)[0]) for c in range(n_classes)]].toarray()
    km = {"n_clusters": n_classes, "init": init, "n_init": 1, "max_iter": 10, "tol": 0.0}
    lr = {"max_iter": 20, "tol": 1e-12}
    pca = {"n_components": 10, "svd_solver": "arpack", "random_state": 0}
    dt = {"max_depth": 10, "random_state": 0}
    fitted = {}

    def fit(name, est):
        def run():
            fitted[name] = est().fit(X, y)
        return run

    def use(name, method):
        def run():
            getattr(fitted[name], method)(X)
        return run

    specs = [
        ("MultinomialNB", naive_bayes.MultinomialNB, skn.MultinomialNB, "predict"),
        ("BernoulliNB", naive_bayes.BernoulliNB, skn.BernoulliNB, "predict"),
        ("StandardScaler(with_mean=False)",
         lambda: preprocessing.StandardScaler(with_mean=False),
         lambda: skp.StandardScaler(with_mean=False), "transform"),
        ("Normalizer", preprocessing.Normalizer, skp.Normalizer, "transform"),
        ("KMeans (k=20, 10 iterations)", lambda: cluster.KMeans(**km),
         lambda: skc.KMeans(**km), "predict"),
        ("PCA (arpack, 10 components)", lambda: decomposition.PCA(**pca),
         lambda: skd.PCA(**pca), "transform"),
        ("LogisticRegression (L-BFGS, 20 iterations)",
         lambda: linear_model.LogisticRegression(**lr),
         lambda: skl.LogisticRegression(**lr), "predict_proba"),
        ("DecisionTreeClassifier (max_depth=10)", lambda: tree.DecisionTreeClassifier(**dt),
         lambda: skt.DecisionTreeClassifier(**dt), "predict_proba"),
    ]
    for label, ours, theirs, method in specs:
        yield label, "fit", fit(("ours", label), ours), fit(("theirs", label), theirs)
        yield (label, method, use(("ours", label), method),
               use(("theirs", label), method))
    yield ("(agreement)", fitted)


def alternate(fn_a, fn_b, rounds):
    """Seconds of ``fn_a()`` and ``fn_b()`` run in turn for ``rounds`` rounds after one warm-up
    each: the best of each, and the smallest and largest of the rounds' ratios (the spread a
    shared machine puts on them)."""
    import time

    fn_a(), fn_b()
    times = []
    for _ in range(rounds):
        pair = []
        for fn in (fn_a, fn_b):
            t0 = time.perf_counter()
            fn()
            pair.append(time.perf_counter() - t0)
        times.append(pair)
    times = np.array(times)
    ratios = times[:, 0] / times[:, 1]
    return times[:, 0].min(), times[:, 1].min(), ratios.min(), ratios.max()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a small matrix, seconds")
    args = parser.parse_args(argv)
    if args.quick:
        X, y = newsgroups_like(2_000, 20_000, 20, tokens=150)
        rounds = 1
    else:
        X, y = newsgroups_like()
        rounds = 5
    rows = []
    fitted = None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a fixed number of iterations on purpose
        for item in _pairs(X, y, 20):
            if item[0] == "(agreement)":
                fitted = item[1]
                continue
            label, step, ours, theirs = item
            t_ours, t_theirs, low, high = alternate(ours, theirs, rounds)
            rows.append({"estimator": label, "step": step, "mlkit (s)": t_ours,
                         "scikit-learn (s)": t_theirs, "ratio": t_ours / t_theirs,
                         "rounds' ratios": f"{low:.2f} - {high:.2f}"})
    agreement = _agreement(fitted, X)
    for row in rows:
        row["agreement"] = agreement.get(row["estimator"], "")
    shape = f"{X.shape[0]} x {X.shape[1]}, {X.nnz / 1e6:.2f}M stored, 20 classes"
    body = (f"CSR count matrix {shape} (generated: Zipf-distributed terms, "
            "`bench_sparse.newsgroups_like`). mlkit and scikit-learn run in turn, "
            f"{rounds} rounds after a warm-up; the times are each side's best, the ratio theirs, "
            "and the last column the smallest and largest ratio of a single round (the spread "
            "a shared machine puts on them).\n\n"
            + table(rows, ["estimator", "step", "mlkit (s)", "scikit-learn (s)", "ratio",
                           "rounds' ratios", "agreement"]))
    write_section("sparse", body)


def _agreement(fitted, X):
    """How closely each fitted pair agrees (the largest difference of the main output)."""
    out = {}
    for (side, label), est in fitted.items():
        if side != "ours":
            continue
        theirs = fitted[("theirs", label)]
        if hasattr(est, "predict_proba"):
            a, b = est.predict_proba(X), theirs.predict_proba(X)
        elif hasattr(est, "cluster_centers_"):
            a, b = est.cluster_centers_, theirs.cluster_centers_
        else:
            a, b = est.transform(X), theirs.transform(X)
            if sp.issparse(a):  # the difference stays sparse: never densify the output
                out[label] = f"max diff {float(abs(a - b).max()):.1e}"
                continue
            if "PCA" in label:
                a, b = np.abs(a), np.abs(b)
        out[label] = f"max diff {float(np.max(np.abs(a - b))):.1e}"
    return out


if __name__ == "__main__":
    main()
