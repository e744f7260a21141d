"""GaussianNB: per-class means and variances merged block by block, and the Gaussian
joint log-likelihood as two matrix products (on NumPy in cache-sized row blocks, shared out
among threads).
"""

from __future__ import annotations

import numbers
import warnings

import numpy as np

from .._array import compute, is_lazy, is_numpy, namespace_and_device
from .._discovery import Capabilities
from .._moments import lazy_moments, merge_moments
from .._rows import argmax_rows
from .._threads import map_row_ranges
from .._typing import Array, ArrayLike
from .._validation import (
    Interval,
    check_all_finite,
    check_finite_stats,
    check_is_fitted,
    decode_labels,
    validate_data,
    validate_params,
)
from ._base import _as_data, _BaseNB, _is_host_input, _to_float, check_priors

__all__ = ["GaussianNB"]


# ---------------------------------------------------------------------------------------------
# Sufficient statistics (pure functions of arrays, in any namespace)
# ---------------------------------------------------------------------------------------------


def class_moments(X, y_idx, R, W, xp, sw=None):
    """Per-class weighted count, mean and sum of squared deviations of each feature.

    ``R`` is the n x k one-hot class matrix of the class indices ``y_idx`` and
    ``W = R * sample_weight``. The corrected two-pass algorithm as matrix products: means
    ``W.T @ X / count``, then the deviations of each row from its own class mean,
    ``D = X - R @ mean`` (a ``take`` where the rows are concrete), give
    ``m2 = W.T @ D**2`` minus the square of ``W.T @ D`` (zero in exact arithmetic; it removes
    the first pass's rounding). A Dask X is read once: the same two passes run inside each row
    block, and the blocks' moments are merged (``_moments.lazy_moments``, weights ``sw``).
    """
    if is_lazy(X):  # one pass: each row block's class moments, merged (Chan et al.)
        count, mean, m2 = lazy_moments(X, y_idx, sw, W.shape[1])
        return count[:, 0], mean, m2
    count = xp.sum(W, axis=0)
    safe = xp.where(count > 0, count, 1.0)[:, None]
    if is_numpy(xp) and isinstance(X, np.ndarray):  # X may be float32: cast block by block
        mean = _class_sums_numpy(X, W) / safe
        dev2, dev = _deviation_sums_numpy(X, y_idx, W, mean)
    else:
        mean = (W.T @ X) / safe
        D = X - (R @ mean if is_lazy(X) else xp.take(mean, y_idx, axis=0))
        dev2, dev = W.T @ (D * D), W.T @ D
    m2 = dev2 - dev**2 / safe
    return count, mean, xp.where(m2 > 0, m2, 0.0)


def _class_sums_numpy(X, W):
    """``W.T @ X`` in float64 by row blocks: a float32 X is cast a block at a time, never
    whole (NumPy's mixed-precision product would copy all of X to float64 first)."""
    if X.dtype == np.float64:
        return W.T @ X
    sums = np.zeros((W.shape[1], X.shape[1]))
    for start in range(0, X.shape[0], _BLOCK_ROWS):
        stop = min(X.shape[0], start + _BLOCK_ROWS)
        sums += W[start:stop].T @ X[start:stop].astype(np.float64)
    return sums


def _deviation_sums_numpy(X, y_idx, W, mean):
    """NumPy fast path of ``W.T @ D**2`` and ``W.T @ D``, ``D = X - mean[y]``, by row blocks.

    The deviations and their squares live in two reused cache-sized buffers: the second pass
    reads the data once and writes no n x d temporary.
    """
    n, d = X.shape
    dev2, dev = np.zeros((W.shape[1], d)), np.zeros((W.shape[1], d))
    rows_max = min(n, _BLOCK_ROWS)
    D, D2 = np.empty((rows_max, d)), np.empty((rows_max, d))
    for start in range(0, n, _BLOCK_ROWS):
        stop = min(n, start + _BLOCK_ROWS)
        m = stop - start
        Wb = W[start:stop].T
        np.subtract(X[start:stop], mean[y_idx[start:stop]], out=D[:m])
        np.multiply(D[:m], D[:m], out=D2[:m])
        dev2 += Wb @ D2[:m]
        dev += Wb @ D[:m]
    return dev2, dev


def pooled_moments(count, mean, m2, xp):
    """Count, mean and m2 of each column over all classes, from the per-class ones."""
    n = xp.sum(count)
    safe = n if n > 0 else 1.0
    grand = xp.sum(count[:, None] * mean, axis=0) / safe
    m2_all = xp.sum(m2, axis=0) + xp.sum(count[:, None] * (mean - grand) ** 2, axis=0)
    return xp.reshape(n, (1,)), grand, m2_all


def column_moments(X, xp):
    """Unweighted count, mean and m2 of each column (for ``var_smoothing``): the class
    moments of one class."""
    n = X.shape[0]
    if is_numpy(xp) and isinstance(X, np.ndarray):
        _, mean, m2 = class_moments(X, np.zeros(n, dtype=np.intp), None, np.ones((n, 1)), xp)
        return n, mean[0], m2[0]
    if is_lazy(X):  # one pass: each block's moments, merged
        _, mean, m2 = lazy_moments(X)
        return n, mean[0], m2[0]
    mean = xp.sum(X, axis=0) / n
    D = X - mean
    return n, mean, xp.sum(D * D, axis=0)


def gaussian_log_likelihood(X, theta, var, xp, log_prior=None, argmax=False):
    """``sum_j log N(x_j; theta_cj, var_cj)`` for every row and class, as two matrix products.

    Expanding the square, ``-(x - t)**2 / (2 v) = -x**2 / (2 v) + x t / v - t**2 / (2 v)``: the
    n x k result is ``(x**2) @ A + x @ B + b`` with A, B, b small per-class terms. The expansion
    loses about ``log10(1 + s**2 / v)`` digits for features at a distance ``s`` from the origin,
    so where some class mean lies far from it (more than 4 standard deviations) the data are
    first shifted by the mean of the class means. No one shift serves classes whose means lie
    far apart against their spread (``(t - shift)**2 / v`` above ``_EXPANSION_LIMIT``): those
    are scored directly, ``(x - t)**2`` class by class (``_gaussian_direct``). ``log_prior``
    (optional) is added to the constant term, which gives the joint log-likelihood at no extra
    cost. With ``argmax`` the index of each row's largest entry is returned instead of the
    scores.
    """
    pxp, _ = namespace_and_device(theta)  # the small per-class terms (host NumPy for Dask X)
    shift = pxp.mean(theta, axis=0)
    if bool(pxp.all(shift * shift <= 16.0 * pxp.min(var, axis=0))):
        shift = None  # near the origin already: no shift, no pass over the data for it
    precision = 1.0 / var
    t = theta if shift is None else theta - shift
    if float(pxp.max(t * t * precision)) > _EXPANSION_LIMIT:
        return _gaussian_direct(X, theta, precision, xp, log_prior, argmax)
    const = -0.5 * pxp.sum(pxp.log(2.0 * np.pi * var) + t * t * precision, axis=1)
    if log_prior is not None:
        const = const + log_prior
    A, B = -0.5 * precision, t * precision
    if is_numpy(xp) and isinstance(X, np.ndarray):
        return _gaussian_products_numpy(X, shift, A, B, const, argmax)
    Xc = X if shift is None else X - shift
    # (k x d) @ (d x n), then transposed: the fast orientation for BLAS with a small k
    scores = (A @ (Xc * Xc).T + B @ Xc.T + const[:, None]).T
    return argmax_rows(scores, xp) if argmax else scores


_BLOCK_ROWS = 4096
# (t - shift)**2 / v up to this: the expansion's rounding, ~eps times it per feature, stays
# below ~1e-11 of a log-likelihood
_EXPANSION_LIMIT = 1e4


def _gaussian_direct(X, theta, precision, xp, log_prior, argmax):
    """``gaussian_log_likelihood`` from the differences ``x - t``, one class at a time (k
    passes over X instead of one; for class means far apart)."""
    if is_numpy(xp):
        check_all_finite(X)  # the blocked NumPy path checks as it goes; this one at once
    pxp, _ = namespace_and_device(theta)
    const = -0.5 * pxp.sum(pxp.log(2.0 * np.pi / precision), axis=1)
    if log_prior is not None:
        const = const + log_prior
    columns = []
    for c in range(theta.shape[0]):
        D = X - theta[c, :]
        columns.append(-0.5 * ((D * D) @ precision[c, :]) + const[c])
    scores = xp.stack(columns, axis=1)
    return argmax_rows(scores, xp) if argmax else scores


def _gaussian_products_numpy(X, shift, A, B, const, argmax=False):
    """NumPy fast path of ``(Xc**2) @ A.T + Xc @ B.T + const``, in cache-sized row blocks.

    The centred block (when there is a shift) and its square are written into reused buffers:
    the data are read once and no n x d temporary is made. Each block is checked for NaN and
    infinity while it is in cache (its sum is finite unless it holds one, or overflows). With
    ``argmax`` each block's best class is found while the block's scores are in cache too, and
    only the n class indices are written out.

    The products are thin (a few classes against many rows), so one BLAS call gains little
    from threads; instead the row blocks are shared between threads (``map_row_ranges``), each
    calling a single-threaded BLAS. Every row's result is the same whatever the split.
    """
    n = X.shape[0]
    k = A.shape[0]
    scores = None if argmax else np.empty((k, n))
    best = np.empty(n, dtype=np.intp) if argmax else None

    def rows_from(lo, hi):
        _gaussian_blocks(X, lo, hi, shift, A, B, const, scores, best)

    map_row_ranges(rows_from, n, _BLOCK_ROWS)  # threads share the blocks; one BLAS thread each
    if argmax:
        return best
    scores += const[:, None]
    return scores.T


def _gaussian_blocks(X, lo, hi, shift, A, B, const, scores, best):
    """Rows ``lo:hi`` of :func:`_gaussian_products_numpy`, block by block (one thread)."""
    d, k = X.shape[1], A.shape[0]
    rows_max = min(hi - lo, _BLOCK_ROWS)
    square = np.empty((rows_max, d))
    centred = np.empty((rows_max, d)) if shift is not None else None
    buffer = np.empty((k, rows_max)) if best is not None else None
    for start in range(lo, hi, _BLOCK_ROWS):
        rows = X[start:min(start + _BLOCK_ROWS, hi)]
        m = rows.shape[0]
        if not np.isfinite(rows.sum()) and not np.isfinite(rows).all():
            bad = "NaN" if np.isnan(rows).any() else "infinity or a value too large"
            raise ValueError(f"Input X contains {bad}.")
        if shift is not None:
            rows = np.subtract(rows, shift, out=centred[:m])
        np.multiply(rows, rows, out=square[:m])
        block = buffer[:, :m] if best is not None else scores[:, start:start + m]
        np.matmul(A, square[:m].T, out=block)
        block += B @ rows.T
        if best is not None:
            block += const[:, None]
            best[start:start + m] = _argmax_columns(block)


def _argmax_columns(T):
    """``argmax(T, axis=0)`` for a short, wide (k, m) block: k - 1 comparisons of whole rows.

    Ties go to the first row, as with argmax.
    """
    top, idx = T[0].copy(), np.zeros(T.shape[1], dtype=np.intp)
    for c in range(1, T.shape[0]):
        better = T[c] > top
        np.putmask(idx, better, c)
        np.maximum(top, T[c], out=top)
    return idx


# ---------------------------------------------------------------------------------------------
# GaussianNB
# ---------------------------------------------------------------------------------------------


class GaussianNB(_BaseNB):
    """Gaussian naive Bayes: each feature normal within each class.

    Parameters
    ----------
    priors : array-like of shape (n_classes,), default=None
        Class prior probabilities; by default the (weighted) class frequencies.
    var_smoothing : float, default=1e-9
        Added to every variance, as a fraction of the largest feature variance, for stability.

    Attributes
    ----------
    class_count_ : array of shape (n_classes,)
        Number (total weight) of training rows of each class.
    class_prior_ : array of shape (n_classes,)
        Probability of each class.
    classes_ : ndarray of shape (n_classes,)
        Class labels, sorted.
    epsilon_ : float
        The absolute amount added to the variances.
    theta_ : array of shape (n_classes, n_features)
        Mean of each feature per class.
    var_ : array of shape (n_classes, n_features)
        Variance of each feature per class, plus ``epsilon_``.
    n_features_in_ : int
        Number of features seen in ``fit``.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names, when ``X`` was a DataFrame with string column names.

    Notes
    -----
    ``log P(x | c) = -1/2 sum_j [log(2 pi s2_cj) + (x_j - m_cj)**2 / s2_cj]``, evaluated for all
    rows and classes as ``(x**2) @ A + x @ B + b`` (two matrix products). Means and variances are
    the weighted ones (population variance, ddof 0) and blocks of ``partial_fit`` are merged by
    Chan, Golub & LeVeque's update. ``epsilon_ = var_smoothing * max_j Var(x_j)`` uses the
    unweighted variances of all the rows seen so far -- so block-wise fitting equals one fit
    (scikit-learn takes the variances of the latest block only; one ``fit`` is the same in both).

    Zero variance: a feature constant within a class gets variance ``epsilon_``. When every
    feature is constant, ``epsilon_ = var_smoothing`` (as if the largest variance were 1); with
    ``var_smoothing=0`` a zero variance is raised to ``eps * max(1, max variance)`` with a
    warning, so that predictions stay finite.

    References
    ----------
    Chan, Golub & LeVeque (1979), "Updating formulae and a pairwise algorithm for computing
    sample variances", Stanford CS report STAN-CS-79-773.

    Examples
    --------
    >>> from mlkit.naive_bayes import GaussianNB
    >>> X = [[-1.0, -1.0], [-2.0, -1.0], [1.0, 1.0], [2.0, 1.0]]
    >>> GaussianNB().fit(X, [1, 1, 2, 2]).predict([[-0.8, -1.0]])
    array([1])
    """

    _parameter_constraints = {
        "priors": ["array-like", None],
        "var_smoothing": [Interval(numbers.Real, 0, None, closed="left")],
    }
    _capabilities = Capabilities()
    _checks_finite_in_blocks = True

    def __init__(self, *, priors: ArrayLike | None = None, var_smoothing: float = 1e-9) -> None:
        self.priors = priors
        self.var_smoothing = var_smoothing

    def _state_names(self):
        return ("classes_", "theta_", "var_", "class_count_", "class_prior_", "epsilon_",
                "_m2", "_columns")

    def _partial_fit(self, X, y, classes, sample_weight, from_fit):
        validate_params(self)
        X, y = self._validated_Xy(X, y, from_fit)
        first = not hasattr(self, "theta_")
        if not (isinstance(X, np.ndarray) and X.dtype == np.float32):
            X = _to_float(X)  # a NumPy float32 X is cast to float64 by blocks (class_moments)
        xp, _ = namespace_and_device(X)
        y_idx, R, W, sw = self._class_matrices(X, y, classes, sample_weight, from_fit)
        stats = class_moments(X, y_idx, R, W, xp, sw)
        cols = None if sample_weight is None else column_moments(X, xp)
        stats = compute(*stats, *(cols[1:] if cols else ()))
        check_finite_stats(*stats)
        sxp, sdev = namespace_and_device(stats[0])
        count, mean, m2 = stats[:3]
        if cols is None:  # unweighted: the column moments follow from the class moments
            cols = pooled_moments(count, mean, m2, sxp)
        else:
            cols = (sxp.asarray([float(X.shape[0])], device=sdev),) + tuple(stats[3:])
        if not first:
            count, mean, m2 = merge_moments(
                (self.class_count_[:, None], self.theta_, self._m2),
                (count[:, None], mean, m2), sxp,
            )
            count = count[:, 0]
            cols = merge_moments(self._columns, cols, sxp)
        self.class_count_, self.theta_, self._m2, self._columns = count, mean, m2, cols
        self._set_variances(sxp)
        self._set_priors(sxp, sdev)
        return self

    def _set_variances(self, xp):
        n, _, m2_cols = self._columns
        max_var = float(xp.max(m2_cols)) / float(n[0])
        self.epsilon_ = self.var_smoothing * (max_var if max_var > 0 else 1.0)
        count = self.class_count_[:, None]
        var = self._m2 / xp.where(count > 0, count, 1.0) + self.epsilon_
        floor = float(np.finfo(np.float64).eps) * max(1.0, max_var)
        if bool(xp.any((var <= 0) & (count > 0))):
            warnings.warn(
                "GaussianNB: some features have zero variance within a class and "
                f"var_smoothing=0; their variance is set to {floor:.3g}.",
                UserWarning, stacklevel=3,
            )
        self.var_ = xp.where(var > 0, var, floor)  # also for classes not seen yet

    def _set_priors(self, xp, device):
        k = self.classes_.shape[0]
        if self.priors is None:
            self.class_prior_ = self.class_count_ / xp.sum(self.class_count_)
            return
        priors = xp.asarray(check_priors(self.priors, k), device=device)
        self.class_prior_ = priors

    def _log_likelihood(self, X, with_prior=False, argmax=False):
        X = _to_float(X)
        xp, _ = namespace_and_device(X)
        log_prior = None
        if with_prior:
            prior = _as_data(self.class_prior_, X)
            pxp, _ = namespace_and_device(prior)
            with np.errstate(divide="ignore"):
                log_prior = pxp.log(prior)
        return gaussian_log_likelihood(X, _as_data(self.theta_, X), _as_data(self.var_, X), xp,
                                       log_prior, argmax)

    def _joint_log_likelihood(self, X, argmax=False):
        return self._log_likelihood(X, with_prior=True, argmax=argmax)

    def predict(self, X: ArrayLike) -> Array:
        """The class of highest posterior probability for each row.

        On NumPy the best class of each row block is found while its scores are in cache, so
        prediction reads X once and writes only the labels.
        """
        if not _is_host_input(X):
            return super().predict(X)
        check_is_fitted(self, "classes_")
        X = validate_data(self, X, reset=False, check_finite=False)  # checked block by block
        xp, device = namespace_and_device(X)
        idx = self._joint_log_likelihood(X, argmax=True)
        return decode_labels(self.classes_, idx, xp, device)
