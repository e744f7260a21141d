"""GaussianNB: per-class means and variances merged block by block, and the Gaussian
joint log-likelihood, ``log P(c) - 1/2 sum_j [log(2 pi var_cj) + (x_j - theta_cj)**2 / var_cj]``.

The textbook steps are written here in plain array code, for any namespace; on NumPy each is
replaced by its tuned kernel in ``_kernels.py`` (row blocks, threads, the expanded square),
chosen by one dispatch line.
"""

from __future__ import annotations

import numbers
import warnings

import numpy as np

from .._array import compute, is_lazy, is_numpy, namespace_and_device
from .._discovery import Capabilities
from .._moments import lazy_moments, merge_moments
from .._rows import argmax_rows
from .._typing import Array, ArrayLike
from .._validation import (
    Interval,
    check_finite_stats,
    check_is_fitted,
    decode_labels,
    validate_data,
    validate_params,
)
from . import _kernels
from ._base import _as_data, _BaseNB, _is_host_input, _to_float, check_priors

__all__ = ["GaussianNB"]


# ---------------------------------------------------------------------------------------------
# Sufficient statistics (pure functions of arrays, in any namespace)
# ---------------------------------------------------------------------------------------------


def class_moments(X, y_idx, W, xp):
    """Per-class weighted count, mean and sum of squared deviations of each feature.

    ``W`` is the n x k one-hot class matrix of the class indices ``y_idx``, times the sample
    weights. The corrected two-pass algorithm as matrix products: means
    ``W.T @ X / count``, then the deviations of each row from its own class mean,
    ``D = X - mean[y]``, give ``m2 = W.T @ D**2`` minus the square of ``W.T @ D`` (zero in
    exact arithmetic; it removes the first pass's rounding).
    """
    count = xp.sum(W, axis=0)
    safe = xp.where(count > 0, count, 1.0)[:, None]
    mean = (W.T @ X) / safe
    D = X - xp.take(mean, y_idx, axis=0)
    m2 = W.T @ (D * D) - (W.T @ D) ** 2 / safe
    return count, mean, xp.where(m2 > 0, m2, 0.0)


def column_moments(X, xp):
    """Unweighted count, mean and m2 of each column (for ``var_smoothing``)."""
    n = X.shape[0]
    mean = xp.sum(X, axis=0) / n
    D = X - mean
    return n, mean, xp.sum(D * D, axis=0)


def pooled_moments(count, mean, m2, xp):
    """Count, mean and m2 of each column over all classes, from the per-class ones."""
    n = xp.sum(count)
    safe = n if n > 0 else 1.0
    grand = xp.sum(count[:, None] * mean, axis=0) / safe
    m2_all = xp.sum(m2, axis=0) + xp.sum(count[:, None] * (mean - grand) ** 2, axis=0)
    return xp.reshape(n, (1,)), grand, m2_all


def _class_moments(X, y_idx, W, xp, sw):
    """:func:`class_moments` by the route that suits X: a Dask X is read once (each row
    block's moments, merged by Chan et al.; weights ``sw``), a NumPy one by the kernel."""
    if is_lazy(X):
        count, mean, m2 = lazy_moments(X, y_idx, sw, W.shape[1])
        return count[:, 0], mean, m2
    if is_numpy(xp) and isinstance(X, np.ndarray):  # X may be float32: cast block by block
        return _kernels.class_moments(X, y_idx, W)
    return class_moments(X, y_idx, W, xp)


def _column_moments(X, xp):
    """:func:`column_moments` by the route that suits X (as :func:`_class_moments`)."""
    if is_lazy(X):  # one pass: each block's moments, merged
        _, mean, m2 = lazy_moments(X)
        return X.shape[0], mean[0], m2[0]
    if is_numpy(xp) and isinstance(X, np.ndarray):
        return _kernels.column_moments(X)
    return column_moments(X, xp)


# ---------------------------------------------------------------------------------------------
# Joint log-likelihood
# ---------------------------------------------------------------------------------------------


def joint_log_likelihood(X, theta, var, log_prior=None):
    """``log P(c) - 1/2 sum_j log(2 pi var_cj) - 1/2 sum_j (x_j - theta_cj)**2 / var_cj``.

    The Gaussian naive Bayes score of every row (n) and class (k), from the class means
    ``theta`` and variances ``var`` (k x d), one class at a time. ``log_prior`` None leaves
    the prior out: the log-likelihood ``sum_j log N(x_j; theta_cj, var_cj)`` alone.
    """
    xp, _ = namespace_and_device(X)
    pxp, _ = namespace_and_device(theta)  # the per-class terms (host NumPy for a Dask X)
    const = -0.5 * pxp.sum(pxp.log(2.0 * np.pi * var), axis=1)
    if log_prior is not None:
        const = log_prior + const
    columns = []
    for c in range(theta.shape[0]):
        D = X - theta[c, :]
        columns.append(-0.5 * ((D * D) @ (1.0 / var[c, :])) + const[c])
    return xp.stack(columns, axis=1)


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
    ``log P(x | c) = -1/2 sum_j [log(2 pi s2_cj) + (x_j - m_cj)**2 / s2_cj]``, evaluated class by
    class; on NumPy for all rows and classes at once as ``(x**2) @ A + x @ B + b`` (two matrix
    products, in row blocks shared among threads). Means and variances are the weighted ones
    (population variance, ddof 0) and blocks of ``partial_fit`` are merged by Chan, Golub &
    LeVeque's update. ``epsilon_ = var_smoothing * max_j Var(x_j)`` uses the
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
        y_idx, _, W, sw = self._class_matrices(X, y, classes, sample_weight, from_fit)
        stats = _class_moments(X, y_idx, W, xp, sw)
        cols = None if sample_weight is None else _column_moments(X, xp)
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
        theta, var = _as_data(self.theta_, X), _as_data(self.var_, X)
        log_prior = self._log_prior(X) if with_prior else None
        if is_numpy(xp) and isinstance(X, np.ndarray):  # the tuned kernel; it checks X too
            return _kernels.joint_log_likelihood(X, theta, var, log_prior, argmax)
        scores = joint_log_likelihood(X, theta, var, log_prior)
        return argmax_rows(scores, xp) if argmax else scores

    def _log_prior(self, X):
        prior = _as_data(self.class_prior_, X)
        pxp, _ = namespace_and_device(prior)
        with np.errstate(divide="ignore"):
            return pxp.log(prior)

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
