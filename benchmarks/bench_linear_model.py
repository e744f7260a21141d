"""Logistic regression: mlkit against scikit-learn, fit times in the same run on the same data.

1. L2-penalized binary logistic regression (C = 1) on (1e5, 100) and (1e6, 20) Gaussian
   features with labels drawn from a logistic model: mlkit's 'lbfgs' and 'natural' solvers
   against scikit-learn's 'lbfgs' (its default), at scikit-learn's default tol and at a tight
   one (the optimum to ~1e-8), the two libraries taking turns, best of 3 rounds.
2. Mini-batch training: the time each library needs to bring the objective
   ``(1/n) Σ log-loss + (α/2)‖w‖²``, α = 1e-4 (SGDClassifier's default penalty), within 5% of
   its optimum (SGDClassifier's own default fit ends a few % above it),
   epoch by epoch (``partial_fit``; the objective is evaluated between epochs, untimed):
   mlkit's LogisticRegression(solver='gd', optimizer='adam', batch_size=256) against
   scikit-learn's SGDClassifier(loss='log_loss'), whose default 'optimal' learning rate it
   keeps; and the time of one epoch alone.

``--quick`` runs small sizes in seconds and only prints. Writes the ``linear_model`` section
of benchmarks/RESULTS.md.
"""

from __future__ import annotations

import sys
import time
import warnings
from pathlib import Path

import numpy as np
from sklearn import linear_model as skl
from sklearn.exceptions import ConvergenceWarning

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._harness import table, time_pair, write_section
from mlkit.linear_model import LogisticRegression


def logistic_data(n, d, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    w = rng.normal(size=d) * 2.0 / np.sqrt(d)
    y = (rng.random(n) < 1.0 / (1.0 + np.exp(-(X @ w)))).astype(np.int64)
    return X, y


def objective(X, y, coef, intercept, alpha):
    z = X @ np.ravel(coef) + float(np.ravel(intercept)[0])
    return float(np.mean(np.logaddexp(0.0, z) - y * z) + 0.5 * alpha * np.sum(coef**2))


def full_batch_rows(X, y, rounds):
    rows = []
    shape = f"{X.shape[0]:.0e} x {X.shape[1]}"
    for tol in (1e-4, 1e-8):
        ref = skl.LogisticRegression(tol=tol, max_iter=1000)
        for solver in ("lbfgs", "natural"):
            ours = LogisticRegression(solver=solver, tol=tol, max_iter=1000)
            t_ours, t_ref = time_pair(lambda o=ours: o.fit(X, y),
                                      lambda r=ref: r.fit(X, y), rounds=rounds)
            rows.append({
                "task": f"L2, C=1, tol={tol:g}", "data": shape, "mlkit solver": solver,
                "mlkit (s)": t_ours, "scikit-learn (s)": f"{t_ref:.3g} (lbfgs)",
                "ratio": t_ours / t_ref,
                "iterations (mlkit / sklearn)": f"{ours.n_iter_[0]} / {ref.n_iter_[0]}",
                "max |coef diff|": f"{np.max(np.abs(ours.coef_ - ref.coef_)):.1e}",
            })
    return rows


def time_to_loss(step, state, X, y, alpha, target, max_epochs):
    """Seconds of ``step()`` calls (one epoch each) until the objective is within target."""
    spent = 0.0
    for epoch in range(1, max_epochs + 1):
        t0 = time.perf_counter()
        step()
        spent += time.perf_counter() - t0
        if objective(X, y, *state(), alpha) <= target:
            return spent, epoch
    return float("inf"), max_epochs


def minibatch_rows(X, y, max_epochs):
    alpha = 1e-4
    best = LogisticRegression(alpha=alpha, solver="natural", tol=1e-10).fit(X, y)
    f_star = objective(X, y, best.coef_, best.intercept_, alpha)
    target = f_star * 1.05
    classes = np.unique(y)
    ours = LogisticRegression(alpha=alpha, solver="gd", optimizer="adam",
                              learning_rate_init=0.01, batch_size=256, random_state=0)
    theirs = skl.SGDClassifier(loss="log_loss", alpha=alpha, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        t_ours, e_ours = time_to_loss(lambda: ours.partial_fit(X, y, classes=classes),
                                      lambda: (ours.coef_, ours.intercept_), X, y, alpha,
                                      target, max_epochs)
        t_ref, e_ref = time_to_loss(lambda: theirs.partial_fit(X, y, classes=classes),
                                    lambda: (theirs.coef_, theirs.intercept_), X, y, alpha,
                                    target, max_epochs)
    epoch_ours, epoch_ref = time_pair(lambda: ours.partial_fit(X, y),
                                      lambda: theirs.partial_fit(X, y), rounds=3)
    data = f"{X.shape[0]:.0e} x {X.shape[1]}"
    return [{
        "task": "mini-batch, to within 5% of the optimal objective", "data": data,
        "mlkit solver": "gd, adam, batch 256", "mlkit (s)": t_ours,
        "scikit-learn (s)": f"{t_ref:.3g} (SGDClassifier)", "ratio": t_ours / t_ref,
        "iterations (mlkit / sklearn)": f"{e_ours} / {e_ref} epochs",
    }, {
        "task": "mini-batch, one epoch", "data": data, "mlkit solver": "gd, adam, batch 256",
        "mlkit (s)": epoch_ours, "scikit-learn (s)": f"{epoch_ref:.3g} (SGDClassifier)",
        "ratio": epoch_ours / epoch_ref, "iterations (mlkit / sklearn)": "1 / 1 epochs",
    }]


def main():
    quick = "--quick" in sys.argv[1:]
    sizes = [(20000, 50), (100000, 10)] if quick else [(100000, 100), (1000000, 20)]
    rounds = 2 if quick else 5
    rows = []
    for n, d in sizes:
        X, y = logistic_data(n, d)
        rows += full_batch_rows(X, y, rounds)
    X, y = logistic_data(*sizes[0], seed=1)
    rows += minibatch_rows(X, y, max_epochs=40 if quick else 100)
    columns = ["task", "data", "mlkit solver", "mlkit (s)", "scikit-learn (s)", "ratio",
               "iterations (mlkit / sklearn)", "max |coef diff|"]
    body = ("Binary logistic regression, labels from a logistic model on Gaussian features. "
            "Full batch: mlkit's solver against scikit-learn's default 'lbfgs' at the same "
            f"tol, the two taking turns, best of {rounds} rounds; ratio = mlkit / scikit-learn "
            "(below 1: mlkit faster). Mini-batch: fit time to bring the L2 objective "
            "(alpha = 1e-4) within 5% of its optimum, epochs by partial_fit, and one epoch "
            "alone; ratio against SGDClassifier(loss='log_loss').\n\n" + table(rows, columns))
    write_section("linear_model", body)


if __name__ == "__main__":
    main()
