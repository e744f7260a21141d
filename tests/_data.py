"""Small data sets for the common tests, by the kind an estimator's capabilities name."""

from __future__ import annotations

import numpy as np


def make_data(kind, n=60, d=4, n_classes=3, seed=0):
    """(X, y) of float64 features and integer labels 0..n_classes-1, every class present."""
    rng = np.random.default_rng(seed)
    y = np.arange(n) % n_classes
    rng.shuffle(y)
    if kind == "continuous":
        X = rng.normal(size=(n, d)) + y[:, None] * np.linspace(0.5, 1.5, d)
    elif kind == "counts":
        X = rng.poisson(lam=1.0 + y[:, None] * np.arange(1, d + 1) / d, size=(n, d))
    elif kind == "binary":
        X = (rng.random((n, d)) < 0.3 + 0.2 * (y[:, None] == np.arange(d) % n_classes))
    elif kind == "categorical":
        X = (rng.integers(0, 3, size=(n, d)) + y[:, None]) % 4
    else:
        raise ValueError(kind)
    return np.asarray(X, dtype=np.float64), y
