"""Seeding k-means: greedy k-means++ (Arthur & Vassilvitskii 2007)."""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils import check_random_state

from .._array import (
    compute,
    is_numpy,
    is_sparse,
    namespace_and_device,
    squared_norms,
    to_host,
)
from .._typing import Array, ArrayLike, RandomState
from .._validation import (
    check_sample_weight,
    validate_data,
)
from ._lloyd import _rows, squared_distances

_SPARSE = ("csr", "csc")


def _kmeans_plusplus(X, n_clusters, sample_weight, random_state, n_local_trials=None,
                     x_sq=None):
    """Greedy k-means++ (Arthur & Vassilvitskii 2007): indices of the chosen seeds.

    The first seed is drawn with probability proportional to the weight; each next seed is the
    best of ``2 + log(k)`` candidates drawn with probability proportional to ``w · D²`` (the
    squared distance to the nearest seed so far), where best means the lowest total potential.
    The random draws are made on the host from ``random_state`` in scikit-learn's order, so
    the same seed picks the same points; the distances are computed in X's namespace.
    """
    xp, _ = namespace_and_device(X)
    n = X.shape[0]
    w = np.asarray(to_host(sample_weight), dtype=np.float64)
    trials = 2 + int(np.log(n_clusters)) if n_local_trials is None else n_local_trials
    x_sq = squared_norms(X, xp) if x_sq is None else x_sq

    def dist_to(rows):
        C = _rows(X, rows, xp)
        if is_sparse(X):  # samples × candidates from the sparse product, then transposed
            D = (X @ (-2.0 * C).T).T
            D += np.sum(C * C, axis=1)[:, None]
            D += x_sq
            return np.maximum(D, 0.0, out=D)
        if is_numpy(xp):  # candidates × samples: contiguous rows for the minimum and products
            D = (-2.0 * C) @ X.T
            D += np.sum(C * C, axis=1)[:, None]
            D += x_sq
            return np.maximum(D, 0.0, out=D)
        return np.asarray(to_host(squared_distances(X, C, xp, x_sq).T))

    indices = [int(random_state.choice(n, p=w / w.sum()))]
    closest = dist_to(np.asarray(indices))[0]
    potential = closest @ w
    for _ in range(1, n_clusters):
        draws = random_state.uniform(size=trials) * potential
        candidates = np.searchsorted(np.cumsum(w * closest), draws)
        np.clip(candidates, None, n - 1, out=candidates)
        d = dist_to(candidates)
        np.minimum(d, closest, out=d)
        pots = d @ w
        best = int(np.argmin(pots))
        potential, closest = pots[best], d[best]
        indices.append(int(candidates[best]))
    return np.asarray(indices)


def kmeans_plusplus(X: ArrayLike, n_clusters: int, *, sample_weight: ArrayLike | None = None,
                    random_state: RandomState = None,
                    n_local_trials: int | None = None) -> tuple[Array, np.ndarray]:
    """Seeds for k-means by greedy k-means++.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    n_clusters : int
    sample_weight : array-like of shape (n_samples,), default=None
    random_state : int, RandomState instance or None
    n_local_trials : int, default=None
        Candidates per step; ``2 + int(log(n_clusters))`` by default.

    Returns
    -------
    centers : array of shape (n_clusters, n_features)
        In X's namespace.
    indices : ndarray of shape (n_clusters,)
        Row of X of each seed.
    """
    X = validate_data(BaseEstimator(), X, accept_sparse=_SPARSE)
    xp, device = namespace_and_device(X)
    if X.shape[0] < n_clusters:
        raise ValueError(f"n_samples={X.shape[0]} should be >= n_clusters={n_clusters}.")
    sw = check_sample_weight(sample_weight, X.shape[0], xp, device, X.dtype)
    sw = xp.ones(X.shape[0], dtype=X.dtype) if sw is None else sw
    idx = _kmeans_plusplus(X, n_clusters, sw, check_random_state(random_state), n_local_trials)
    return compute(_rows(X, idx, xp))[0], idx
