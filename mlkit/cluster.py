"""k-means clustering: Lloyd's algorithm with greedy k-means++ seeding.

Each Lloyd iteration is two array operations over all the rows: the assignment step (every
sample to its nearest center, with the squared distances written as ``‖x‖² − 2 x·c + ‖c‖²``
so that the work is one matrix product), and the update step (per-cluster weighted sums
``Hᵀ(w x)`` and weights ``Hᵀw`` through the one-hot matrix ``H`` of the labels). Those sums
reduce over row blocks, so on a Dask array every iteration is one ``dask.compute`` of a few
``k × d`` numbers; the centers stay small and concrete.

On NumPy arrays the iterations run in ``_lloyd_numpy``: both steps fused in one pass over
cache-sized row blocks, and after the first pass only the samples whose nearest center can
have changed are scanned again (Hamerly's bounds) -- the same labels and centers, cheaper.

scipy.sparse X (CSR or CSC) runs the generic iterations, whose two products ``X (−2C)ᵀ`` and
``Xwᵀ H`` are sparse-times-dense products over the stored entries; the distances of a sample
to its own center (for the inertia and for relocating empty clusters) are
``‖c‖² + Σ_stored x (x − 2c)``. Sparse X is not centred (that would fill in its zeros), as in
scikit-learn, and is never made dense: only the few rows chosen as seeds are.
"""

from __future__ import annotations

import numbers
import warnings

import numpy as np
from sklearn.base import (
    BaseEstimator,
    ClassNamePrefixFeaturesOutMixin,
    ClusterMixin,
    TransformerMixin,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state

from . import _lloyd_numpy
from ._array import (
    as_namespace,
    bincount,
    compute,
    is_lazy,
    is_numpy,
    is_sparse,
    namespace_and_device,
    one_hot,
    scale_rows,
    sparse_column_moments,
    sparse_entry_cols,
    sparse_entry_rows,
    sparse_row_sums,
    squared_norms,
    to_host,
)
from ._discovery import Capabilities
from ._validation import (
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

__all__ = ["KMeans", "kmeans_plusplus"]


# ---------------------------------------------------------------------------------------------
# The two steps of Lloyd's algorithm (pure functions of arrays, in any namespace)
# ---------------------------------------------------------------------------------------------


def squared_distances(X, centers, xp, x_squared_norms=None):
    """``‖x − c‖²`` for every row and center, as ``‖x‖² − 2 x·c + ‖c‖²`` (one matrix product).

    Without ``x_squared_norms`` the ``‖x‖²`` term is left out: it does not change which center
    is nearest, and the assignment step does not need it.
    """
    D = X @ (-2.0 * centers).T + xp.sum(centers * centers, axis=1)  # one product, one add
    if x_squared_norms is not None:
        D = xp.maximum(D + x_squared_norms[:, None], 0.0)
    return D


def assign(X, centers, xp):
    """The assignment step: the index of each sample's nearest center."""
    if is_numpy(xp) and not is_sparse(X):
        return _lloyd_numpy.scan(X, centers)[0]
    return xp.argmin(squared_distances(X, centers, xp), axis=1)


def cluster_sums(Xw, sample_weight, labels, n_clusters, xp):
    """The update step's statistics: per-cluster weight ``Σ w`` and weighted sum ``Σ w x``.

    ``Xw`` is the rows already multiplied by their weights (once per fit, not per iteration);
    the sums are ``(Xwᵀ H)ᵀ`` with ``H`` the one-hot matrix of the labels -- the form BLAS runs
    fastest for a few outputs and many rows.
    """
    H = one_hot(labels, n_clusters, dtype=Xw.dtype, xp=xp)
    weights = bincount(labels, weights=sample_weight, minlength=n_clusters, xp=xp)
    return xp.astype(weights, Xw.dtype), (Xw.T @ H).T


def inertia(X, sample_weight, centers, labels, xp):
    """``Σ w ‖x − c_label‖²``, from the differences themselves (not the expanded form; for
    scipy.sparse X from its stored entries, ``distances_to_own``)."""
    if is_sparse(X):
        return float(np.asarray(sample_weight) @ distances_to_own(X, centers, labels))
    if is_numpy(xp):
        return _lloyd_numpy.inertia(X, sample_weight, np.asarray(centers), labels)
    H = one_hot(labels, centers.shape[0], dtype=X.dtype, xp=xp)
    diff = X - H @ as_namespace(centers, xp, None if is_lazy(X) else _device(X))
    return xp.sum(sample_weight * xp.sum(diff * diff, axis=1))


def _device(X):
    return namespace_and_device(X)[1]


def distances_to_own(X, centers, labels):
    """``‖x − c_label‖²`` of each row of a scipy.sparse X: the center's squared norm, plus
    ``x (x − 2c)`` over the row's stored entries (where ``x ≠ 0``), at least 0."""
    centers = np.asarray(centers)
    labels = np.asarray(labels)
    rows, cols = sparse_entry_rows(X), sparse_entry_cols(X)
    c = centers[labels[rows], cols]
    stored = sparse_row_sums(X, X.data * (X.data - 2.0 * c))
    return np.maximum(np.sum(centers * centers, axis=1)[labels] + stored, 0.0)


def _rows(X, idx, xp):
    """Rows ``idx`` of X, dense (the only rows of a sparse X ever made dense: seeds and
    relocated samples)."""
    if is_sparse(X):
        return X[np.asarray(idx)].toarray()
    return X[idx, ...] if is_lazy(X) else xp.take(X, _index(idx, X, xp), axis=0)


def relocate_empty_clusters(X, sample_weight, centers_old, sums, weights, labels, xp):
    """Give every empty cluster the sample that lies farthest from its own center.

    The moved sample is taken out of its old cluster's sums. As scikit-learn does, nothing is
    moved when every sample sits on its center (more clusters than distinct points). Runs only
    when a cluster is empty; the loop is over the empty clusters (at most ``k``).
    """
    w_host = to_host(weights)
    empty = np.flatnonzero(w_host == 0)
    if empty.size == 0:
        return sums, weights
    if is_sparse(X):
        dist = distances_to_own(X, centers_old, labels)
    else:
        H = one_hot(labels, centers_old.shape[0], dtype=X.dtype, xp=xp)
        diff = X - H @ centers_old
        dist = to_host(xp.sum(diff * diff, axis=1))
    if dist.max() == 0:
        return sums, weights
    far = np.argpartition(dist, -empty.size)[: -empty.size - 1 : -1]
    x_far = to_host(_rows(X, far, xp))
    w_far = to_host(sample_weight)[far]
    old = to_host(labels)[far]
    sums_h, w_h = np.array(to_host(sums)), np.array(w_host)
    for new_k, x, w, old_k in zip(empty, x_far, w_far, old, strict=True):
        sums_h[old_k] -= x * w
        sums_h[new_k] = x * w
        w_h[new_k] = w
        w_h[old_k] -= w
    sxp, device = namespace_and_device(sums)
    return as_namespace(sums_h, sxp, device), as_namespace(w_h, sxp, device)


def _index(idx, X, xp):
    return as_namespace(np.asarray(idx, dtype=np.int64), xp, _device(X))


def average_centers(sums, weights, xp):
    """Centers ``Σ w x / Σ w``; a still-empty cluster sits on the heaviest cluster's center."""
    safe = xp.where(weights > 0, weights, 1.0)
    centers = sums / safe[:, None]
    heaviest = centers[int(xp.argmax(weights)), :]
    return xp.where((weights > 0)[:, None], centers, heaviest[None, :])


def lloyd(X, sample_weight, centers, *, max_iter, tol, verbose=False, Xw=None, x_sq=None,
          counts=False):
    """Lloyd's iterations from ``centers`` until the labels stop changing or the centers move
    less than ``tol`` (sum of squared shifts), as scikit-learn's ``algorithm='lloyd'``.

    ``Xw`` is ``X * sample_weight[:, None]`` when the caller has it (X itself for unit
    weights); ``x_sq`` its squared row norms, when the caller has them. Returns ``(labels,
    inertia, centers, n_iter)``, and with ``counts`` the number of samples of each cluster (a
    host array) after them; on Dask, ``labels`` stays lazy (never gathered: it is of size n)
    and the counts come in the inertia's pass. NumPy arrays take ``_lloyd_numpy.lloyd``: the
    same iterations, with settled rows skipped.
    """
    xp, _ = namespace_and_device(X)

    def update(sums, weights, centers, labels):
        sums, weights = relocate_empty_clusters(X, sample_weight, centers, sums, weights,
                                                labels, xp)
        return average_centers(sums, weights, namespace_and_device(sums)[0])

    if is_numpy(xp) and not is_sparse(X):
        out = _lloyd_numpy.lloyd(X, sample_weight, centers, max_iter=max_iter, tol=tol,
                                 update=update, verbose=verbose, Xw=Xw, x_sq=x_sq)
        return out + (np.bincount(out[0], minlength=centers.shape[0]),) if counts else out
    k = centers.shape[0]
    if Xw is None:
        Xw = scale_rows(X, sample_weight) if is_sparse(X) else X * sample_weight[:, None]
    labels_old, strict = None, False
    for i in range(max_iter):
        labels = assign(X, centers, xp)
        weights, sums = cluster_sums(Xw, sample_weight, labels, k, xp)
        changed = xp.any(labels != labels_old) if labels_old is not None else None
        weights, sums, changed = compute(weights, sums, changed)
        new = update(sums, weights, centers, labels)
        shift = float(namespace_and_device(new)[0].sum((new - centers) ** 2))
        centers = new
        if verbose:
            print(f"Iteration {i}: center shift {shift:.6g}")
        if changed is not None and not bool(changed):
            strict = True
            break
        if shift <= tol:
            break
        labels_old = labels
    if not strict:
        labels = assign(X, centers, xp)
    total = inertia(X, sample_weight, centers, labels, xp)
    sizes = bincount(labels, minlength=k, xp=xp) if counts else None
    if is_lazy(labels):
        total, sizes = compute(total, sizes)
    else:
        labels, total, sizes = compute(labels, total, sizes)
    out = labels, float(total), centers, i + 1
    return out + (np.asarray(to_host(sizes)),) if counts else out


# ---------------------------------------------------------------------------------------------
# Seeding
# ---------------------------------------------------------------------------------------------


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


def kmeans_plusplus(X, n_clusters, *, sample_weight=None, random_state=None,
                    n_local_trials=None):
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


# ---------------------------------------------------------------------------------------------
# The estimator
# ---------------------------------------------------------------------------------------------


class KMeans(ClassNamePrefixFeaturesOutMixin, TransformerMixin, ClusterMixin, BaseEstimator):
    """k-means clustering by Lloyd's algorithm, seeded by greedy k-means++.

    Parameters
    ----------
    n_clusters : int, default=8
        Number of clusters.
    init : {'k-means++', 'random'}, callable or array of shape (n_clusters, n_features), \
default='k-means++'
        'k-means++': greedy k-means++ (``2 + log k`` candidates per seed); 'k-means||':
        k-means|| (Bahmani et al. 2012; ``mlkit._kmeans_parallel``), 5 oversampling passes
        instead of k sequential ones, the same draws on NumPy and on Dask; 'random':
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
    bounds; see ``mlkit._lloyd_numpy``): the same labels and centers, at less cost. The one
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

    def __init__(self, n_clusters=8, *, init="k-means++", n_init="auto", max_iter=300,
                 tol=1e-4, verbose=0, random_state=None, copy_x=True, algorithm="lloyd"):
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

    def fit(self, X, y=None, sample_weight=None):
        """Cluster X: ``n_init`` seedings, each followed by Lloyd's iterations."""
        validate_params(self)
        X = validate_data(self, X, accept_sparse=_SPARSE)
        xp, device = namespace_and_device(X)
        n = X.shape[0]
        if n < self.n_clusters:
            raise ValueError(f"n_samples={n} should be >= n_clusters={self.n_clusters}.")
        init = self._check_init(X, xp, device)
        sw = check_sample_weight(sample_weight, n, xp, device, X.dtype)
        sw = _ones_like_rows(X, xp, device) if sw is None else _rows_like(sw, X)
        n_init = self.n_init
        if n_init == "auto":  # as scikit-learn: 10 runs for 'random' and a callable
            n_init = 10 if callable(init) or (isinstance(init, str) and init == "random") else 1
        if not isinstance(init, str) and not callable(init) and n_init != 1:
            warnings.warn(f"Explicit initial centers given: one run instead of n_init={n_init}.",
                          RuntimeWarning, stacklevel=2)
            n_init = 1

        if is_sparse(X):  # not centred (it would fill in the zeros): the mean offset is 0
            _, _, m2 = sparse_column_moments(X)
            mean, var, Xc = np.zeros(X.shape[1], X.dtype), m2 / n, X
        elif is_numpy(xp):  # the variances from the centred rows: one pass, no n x d temporary
            mean = np.ones(n, X.dtype) @ X / n  # BLAS (np.mean over a short axis 0 is slow);
            # the mean is only the offset the centers are computed from, added back at the end
            Xc = X - mean
            var = np.einsum("ij,ij->j", Xc, Xc) / n
        else:
            mean, var = compute(xp.mean(X, axis=0), xp.var(X, axis=0))
            Xc = None
        check_finite_stats(mean, var)
        sxp, sdev = namespace_and_device(mean)
        tol = float(sxp.mean(var)) * self.tol
        Xc = X - mean if Xc is None else Xc
        if sample_weight is None:
            Xw = Xc
        else:
            Xw = scale_rows(Xc, sw) if is_sparse(Xc) else Xc * sw[:, None]
        x_sq = squared_norms(Xc, xp)  # for k-means++ and the bounds of every run
        rs = check_random_state(self.random_state)
        best = None
        for _ in range(n_init):
            centers = self._seed(Xc, init, sw, rs, sxp, sdev, mean, x_sq)
            labels, total, centers, n_iter, sizes = lloyd(
                Xc, sw, centers, max_iter=self.max_iter, tol=tol, verbose=self.verbose, Xw=Xw,
                x_sq=x_sq, counts=True)
            if best is None or (total < best[1] and not _same_clustering(labels, best[0])):
                best = labels, total, centers, n_iter, sizes
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

    def _seed(self, Xc, init, sw, rs, sxp, sdev, mean, x_sq):
        xp, _ = namespace_and_device(Xc)
        if isinstance(init, str) and init == "k-means||":  # centers of the centred X
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

    def fit_predict(self, X, y=None, sample_weight=None):
        """Fit and return ``labels_``."""
        return self.fit(X, sample_weight=sample_weight).labels_

    def fit_transform(self, X, y=None, sample_weight=None):
        """Fit and return the distances of X to the centers."""
        return self.fit(X, sample_weight=sample_weight).transform(X)

    def _centers_for(self, X):
        xp, device = namespace_and_device(X)
        c = as_namespace(self.cluster_centers_, xp, device)
        return xp, c if is_lazy(X) else xp.astype(c, X.dtype)

    def predict(self, X):
        """The nearest center of each sample."""
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, accept_sparse=_SPARSE)
        xp, c = self._centers_for(X)
        return assign(X, c, xp)

    def transform(self, X):
        """Euclidean distances of each sample to every center."""
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, accept_sparse=_SPARSE)
        xp, c = self._centers_for(X)
        return xp.sqrt(squared_distances(X, c, xp, squared_norms(X, xp)))

    def score(self, X, y=None, sample_weight=None):
        """Minus the (weighted) inertia of X with the fitted centers."""
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, accept_sparse=_SPARSE)
        xp, c = self._centers_for(X)
        device = _device(X)
        sw = check_sample_weight(sample_weight, X.shape[0], xp, device, X.dtype)
        sw = _ones_like_rows(X, xp, device) if sw is None else _rows_like(sw, X)
        return -float(compute(inertia(X, sw, c, assign(X, c, xp), xp))[0])


_SPARSE = ("csr", "csc")


def _ones_like_rows(X, xp, device):
    if is_lazy(X):
        import dask.array as da

        return da.ones(X.shape[0], dtype=X.dtype, chunks=(X.chunks[0],))
    return xp.ones(X.shape[0], dtype=X.dtype, device=device)


def _rows_like(a, X):
    """``a`` (per-row values) chunked as X's rows, for Dask; unchanged otherwise."""
    if is_lazy(X) and not is_lazy(a):
        import dask.array as da

        return da.from_array(np.asarray(a), chunks=(X.chunks[0],) + a.shape[1:])
    return a


def _same_clustering(labels1, labels2):
    """True when two labelings are the same partition up to renaming the clusters."""
    a, b = np.asarray(to_host(labels1)), np.asarray(to_host(labels2))
    pairs = np.unique(np.stack([a, b]), axis=1).shape[1]
    return pairs == np.unique(a).size == np.unique(b).size
