"""The k-means estimator: ``n_init`` seedings, each followed by Lloyd's iterations."""

from __future__ import annotations

import numbers
import warnings
from collections.abc import Callable
from typing import TypeVar

import numpy as np
from sklearn.base import (
    BaseEstimator,
    ClassNamePrefixFeaturesOutMixin,
    ClusterMixin,
    TransformerMixin,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state

from .._array import (
    as_namespace,
    compute,
    is_lazy,
    is_numpy,
    is_sparse,
    namespace_and_device,
    ones_like_rows,
    rows_like,
    scale_rows,
    sparse_column_moments,
    squared_norms,
    to_host,
)
from .._discovery import Capabilities
from .._moments import lazy_moments
from .._typing import Array, ArrayLike, RandomState
from .._validation import (
    Interval,
    InvalidParameterError,
    StrOptions,
    check_finite_stats,
    check_is_fitted,
    check_sample_weight,
    constraint_message,
    validate_data,
    validate_params,
)
from ._lloyd import _device, _rows, assign, inertia, lloyd, squared_distances
from ._seeding import _SPARSE, _kmeans_plusplus

__all__ = ["KMeans"]

_KMeans = TypeVar("_KMeans", bound="KMeans")


class KMeans(ClassNamePrefixFeaturesOutMixin, TransformerMixin, ClusterMixin, BaseEstimator):
    """k-means clustering by Lloyd's algorithm, seeded by greedy k-means++.

    Parameters
    ----------
    n_clusters : int, default=8
        Number of clusters.
    init : {'k-means++', 'random'}, callable or array of shape (n_clusters, n_features), \
default='k-means++'
        'k-means++': greedy k-means++ (``2 + log k`` candidates per seed); 'k-means||':
        k-means|| (Bahmani et al. 2012; ``mlkit.cluster._kmeans_parallel``), 5 oversampling passes
        instead of k sequential ones, the same draws on NumPy and on Dask (on a Dask array,
        'k-means++' runs as 'k-means||'; pass ``kmeans_plusplus``'s centers as ``init`` for
        its exact draws); 'random':
        ``n_clusters`` distinct rows drawn with probability proportional to the weight; a
        callable: ``init(X, n_clusters, random_state)`` returns the centers, given X centred on
        its column means (as scikit-learn); an array: the initial centers.
    n_init : 'auto' or int, default='auto'
        Number of seedings; the run with the lowest inertia is kept. 'auto' is 1 for
        'k-means++' and an array, 10 for 'random' and a callable.
    max_iter : int, default=300
        Most Lloyd iterations per run.
    tol : float, default=1e-4
        Convergence when the summed squared center shift is at most ``tol`` times the mean
        per-feature variance of X.
    verbose : int, default=0
        Print the center shift of each iteration.
    random_state : int, RandomState instance or None, default=None
        Seeds the initialization.
    copy_x : bool, default=True
        Accepted for scikit-learn compatibility; X is never modified.
    algorithm : {'lloyd', 'elkan'}, default='lloyd'
        Accepted for scikit-learn compatibility; both run Lloyd's iterations. Like Elkan's
        algorithm, they skip (on NumPy) the samples whose nearest center cannot have changed,
        with Hamerly's single bound per sample (see Notes).

    Attributes
    ----------
    cluster_centers_ : array of shape (n_clusters, n_features)
        Centers (in X's namespace; NumPy for Dask).
    labels_ : array of shape (n_samples,)
        Cluster of each training sample (lazy for Dask: of size n, it is never gathered).
    inertia_ : float
        Weighted sum of squared distances of the samples to their center.
    n_iter_ : int
        Lloyd iterations of the best run.
    n_features_in_ : int
        Number of columns seen in ``fit``.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names, when ``X`` was a DataFrame with string column names.

    Notes
    -----
    Assignment: ``l_i = argmin_j ‖c_j‖² − 2 x_i·c_j``. Update: ``c_j = Σ_{l_i=j} w_i x_i /
    Σ_{l_i=j} w_i``. An empty cluster takes the sample farthest from its own center. As in
    scikit-learn, X is centered on its column means before fitting (for accuracy of the
    expanded distance) and the tolerance is relative to the data's variance; given the same
    initial centers the result equals scikit-learn's ``KMeans(algorithm='lloyd')``. On NumPy
    arrays the iterations skip the samples whose nearest center cannot have changed (Hamerly's
    bounds; see ``mlkit.cluster._lloyd_numpy``): the same labels and centers, at less cost. The one
    exception is a tie between centers that coincide to rounding (more clusters than distinct
    points): which of them takes the tied samples then rests on the last bits of the sums, and
    can differ from scikit-learn's 'lloyd' (as its 'elkan' does). Likewise, when several
    clusters are empty at once, which takes which far sample follows ``np.argpartition`` of the
    distances, as in scikit-learn, and distances equal to rounding can swap two of them: the
    same clustering (the same inertia) under other cluster numbers.

    References
    ----------
    Lloyd (1982), "Least squares quantization in PCM", IEEE Trans. Inf. Theory 28(2).
    Arthur & Vassilvitskii (2007), "k-means++: the advantages of careful seeding", SODA.
    Hamerly (2010), "Making k-means even faster", SIAM International Conference on Data Mining.

    Examples
    --------
    >>> import numpy as np
    >>> from mlkit.cluster import KMeans
    >>> X = np.array([[1, 2], [1, 4], [1, 0], [10, 2], [10, 4], [10, 0]])
    >>> km = KMeans(n_clusters=2, random_state=0).fit(X)
    >>> km.cluster_centers_
    array([[10.,  2.],
           [ 1.,  2.]])
    >>> km.predict([[0, 0], [12, 3]])
    array([1, 0])
    """

    _parameter_constraints = {
        "n_clusters": [Interval(numbers.Integral, 1, None, closed="left")],
        "init": [StrOptions({"k-means++", "k-means||", "random"}), callable, "array-like"],
        "n_init": [StrOptions({"auto"}), Interval(numbers.Integral, 1, None, closed="left")],
        "max_iter": [Interval(numbers.Integral, 1, None, closed="left")],
        "tol": [Interval(numbers.Real, 0, None, closed="left")],
        "verbose": [Interval(numbers.Integral, 0, None, closed="left"), "boolean"],
        "random_state": ["random_state"],
        "copy_x": ["boolean"],
        "algorithm": [StrOptions({"lloyd", "elkan"})],
    }
    _capabilities = Capabilities(
        test_params={"n_clusters": 3, "random_state": 0},
        lazy_params={"init": "k-means||"},
        sparse=True,
        xfail_checks={
            "check_sample_weight_equivalence_on_dense_data": (
                "the k-means++ draws differ when rows are repeated (n changes), so the seeds "
                "differ; equivalence given the same init array is tested in test_cluster.py"),
            "check_sample_weight_equivalence_on_sparse_data": (
                "the k-means++ draws differ when rows are repeated (n changes), as on dense "
                "data"),
        },
    )

    def __init__(self, n_clusters: int = 8, *,
                 init: str | Callable[..., ArrayLike] | ArrayLike = "k-means++",
                 n_init: str | int = "auto", max_iter: int = 300, tol: float = 1e-4,
                 verbose: int | bool = 0, random_state: RandomState = None, copy_x: bool = True,
                 algorithm: str = "lloyd") -> None:
        self.n_clusters = n_clusters
        self.init = init
        self.n_init = n_init
        self.max_iter = max_iter
        self.tol = tol
        self.verbose = verbose
        self.random_state = random_state
        self.copy_x = copy_x
        self.algorithm = algorithm

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags

    def _check_init(self, X, xp, device):
        init = self.init
        if isinstance(init, str):
            if init not in ("k-means++", "k-means||", "random"):
                raise InvalidParameterError(constraint_message(
                    "init", "KMeans", self._parameter_constraints["init"][:1], init))
            return init
        if callable(init):
            return init
        return self._checked_centers(init, X)

    def _checked_centers(self, init, X):
        init = np.asarray(to_host(init) if hasattr(init, "shape") else init, dtype=np.float64)
        if init.shape != (self.n_clusters, X.shape[1]):
            raise ValueError(
                f"The shape of the initial centers {init.shape} does not match the number of "
                f"clusters {self.n_clusters} and features {X.shape[1]}: expected "
                f"({self.n_clusters}, {X.shape[1]})."
            )
        if not np.all(np.isfinite(init)):
            raise ValueError("The initial centers 'init' contain NaN or infinity.")
        return init

    def fit(self: _KMeans, X: ArrayLike, y: object = None,
            sample_weight: ArrayLike | None = None) -> _KMeans:
        """Cluster X: ``n_init`` seedings, each followed by Lloyd's iterations."""
        validate_params(self)
        X = validate_data(self, X, accept_sparse=_SPARSE)
        xp, device = namespace_and_device(X)
        n = X.shape[0]
        if n < self.n_clusters:
            raise ValueError(f"n_samples={n} should be >= n_clusters={self.n_clusters}.")
        init = self._check_init(X, xp, device)
        sw = check_sample_weight(sample_weight, n, xp, device, X.dtype)
        sw = ones_like_rows(X, xp, device) if sw is None else rows_like(sw, X)
        n_init = self._n_runs(init)
        mean, var, Xc = _centred(X, xp)
        sxp, sdev = namespace_and_device(mean)
        tol = float(sxp.mean(var)) * self.tol
        if sample_weight is None:
            Xw = Xc
        else:
            Xw = scale_rows(Xc, sw) if is_sparse(Xc) else Xc * sw[:, None]
        x_sq = squared_norms(Xc, xp)  # for k-means++ and the bounds of every run
        rs = check_random_state(self.random_state)
        best: tuple | None = None
        for _ in range(n_init):
            centers = self._seed(Xc, init, sw, rs, sxp, sdev, mean, x_sq)
            labels, total, centers, n_iter, sizes = lloyd(
                Xc, sw, centers, max_iter=self.max_iter, tol=tol, verbose=self.verbose, Xw=Xw,
                x_sq=x_sq, counts=True)
            if best is None or (total < best[1] and not _same_clustering(labels, best[0])):
                best = labels, total, centers, n_iter, sizes
        assert best is not None  # n_init >= 1
        labels, total, centers, n_iter, sizes = best
        n_found = int(np.count_nonzero(sizes))
        if n_found < self.n_clusters:
            warnings.warn(
                f"Number of distinct clusters ({n_found}) found smaller than n_clusters "
                f"({self.n_clusters}). Possibly due to duplicate points in X.",
                ConvergenceWarning, stacklevel=2)
        centers = centers + mean
        self.cluster_centers_ = (np.ascontiguousarray(centers) if isinstance(centers, np.ndarray)
                                 else centers)
        self.labels_ = labels
        self.inertia_ = total
        self.n_iter_ = n_iter
        self._n_features_out = self.n_clusters
        return self

    def _n_runs(self, init):
        """``n_init``, with 'auto' resolved: one run for given initial centers."""
        n_init = self.n_init
        if n_init == "auto":  # as scikit-learn: 10 runs for 'random' and a callable
            n_init = 10 if callable(init) or (isinstance(init, str) and init == "random") else 1
        if not isinstance(init, str) and not callable(init) and n_init != 1:
            warnings.warn(f"Explicit initial centers given: one run instead of n_init={n_init}.",
                          RuntimeWarning, stacklevel=3)
            n_init = 1
        return n_init

    def _seed(self, Xc, init, sw, rs, sxp, sdev, mean, x_sq):
        xp, _ = namespace_and_device(Xc)
        if isinstance(init, str) and (init == "k-means||" or (init == "k-means++"
                                                              and is_lazy(Xc))):
            # centers of the centred X; on Dask k-means++ is k-means||: k sequential passes
            # over data beyond memory do not scale, 5 oversampling passes do
            from ._kmeans_parallel import kmeans_parallel
            return as_namespace(kmeans_parallel(Xc, self.n_clusters, sample_weight=sw,
                                                random_state=rs), sxp, sdev)
        if isinstance(init, str) and init == "k-means++":
            idx = _kmeans_plusplus(Xc, self.n_clusters, sw, rs, x_sq=x_sq)
        elif isinstance(init, str):
            w = np.asarray(to_host(sw), dtype=np.float64)
            idx = rs.choice(Xc.shape[0], size=self.n_clusters, replace=False, p=w / w.sum())
        elif callable(init):  # called, as in scikit-learn, with the centred X
            return as_namespace(self._checked_centers(init(Xc, self.n_clusters, random_state=rs),
                                                      Xc), sxp, sdev)
        else:
            return as_namespace(init, sxp, sdev) - mean
        return compute(_rows(Xc, idx, xp))[0]

    def fit_predict(self, X: ArrayLike, y: object = None,
                    sample_weight: ArrayLike | None = None) -> Array:
        """Fit and return ``labels_``."""
        return self.fit(X, sample_weight=sample_weight).labels_

    def fit_transform(self, X: ArrayLike, y: object = None,
                      sample_weight: ArrayLike | None = None) -> Array:
        """Fit and return the distances of X to the centers."""
        return self.fit(X, sample_weight=sample_weight).transform(X)

    def _centers_for(self, X):
        xp, device = namespace_and_device(X)
        c = as_namespace(self.cluster_centers_, xp, device)
        return xp, c if is_lazy(X) else xp.astype(c, X.dtype)

    def predict(self, X: ArrayLike) -> Array:
        """The nearest center of each sample."""
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, accept_sparse=_SPARSE)
        xp, c = self._centers_for(X)
        return assign(X, c, xp)

    def transform(self, X: ArrayLike) -> Array:
        """Euclidean distances of each sample to every center."""
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, accept_sparse=_SPARSE)
        xp, c = self._centers_for(X)
        return xp.sqrt(squared_distances(X, c, xp, squared_norms(X, xp)))

    def score(self, X: ArrayLike, y: object = None,
              sample_weight: ArrayLike | None = None) -> float:
        """Minus the (weighted) inertia of X with the fitted centers."""
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, accept_sparse=_SPARSE)
        xp, c = self._centers_for(X)
        device = _device(X)
        sw = check_sample_weight(sample_weight, X.shape[0], xp, device, X.dtype)
        sw = ones_like_rows(X, xp, device) if sw is None else rows_like(sw, X)
        return -float(compute(inertia(X, sw, c, assign(X, c, xp), xp))[0])


def _centred(X, xp):
    """``(mean, var, Xc)``: X's column means and variances, and X centred on the means.

    As scikit-learn, k-means runs on the centred X (for the accuracy of the expanded
    distance); a scipy.sparse X is not centred (that would fill in its zeros): its offset is 0.
    """
    n = X.shape[0]
    if is_sparse(X):
        _, _, m2 = sparse_column_moments(X)
        mean, var, Xc = np.zeros(X.shape[1], X.dtype), m2 / n, X
    elif is_numpy(xp):  # the variances from the centred rows: one pass, no n x d temporary
        mean = np.ones(n, X.dtype) @ X / n  # BLAS (np.mean over a short axis 0 is slow);
        # the mean is only the offset the centers are computed from, added back at the end
        Xc = X - mean
        var = np.einsum("ij,ij->j", Xc, Xc) / n
    elif is_lazy(X):  # one pass: each row block's moments, merged
        _, mean, m2 = lazy_moments(X)
        mean, m2 = compute(mean[0], m2[0])
        mean, var, Xc = mean.astype(X.dtype), (m2 / n).astype(X.dtype), None
    else:
        mean, var = compute(xp.mean(X, axis=0), xp.var(X, axis=0))
        Xc = None
    check_finite_stats(mean, var)
    return mean, var, X - mean if Xc is None else Xc


def _same_clustering(labels1, labels2):
    """True when two labelings are the same partition up to renaming the clusters."""
    a, b = np.asarray(to_host(labels1)), np.asarray(to_host(labels2))
    pairs = np.unique(np.stack([a, b]), axis=1).shape[1]
    return pairs == np.unique(a).size == np.unique(b).size
