"""The shared naive Bayes machinery: labels, weights, priors, prediction.

Every model scores a sample by its joint log-likelihood ``log P(c) + sum_j log P(x_j | c)``
and fits by per-class sufficient statistics -- counts, sums, squared deviations, category
counts -- written as one-hot matrix products (``Y.T @ X`` with ``Y`` the n x k one-hot class
matrix, weighted by ``sample_weight``). Such products reduce over row blocks, so the same code
runs on NumPy, CuPy, PyTorch, ``array_api_strict`` and Dask (one batched ``compute`` at the
end of fit; predictions stay lazy). ``partial_fit`` merges the statistics of each block into
the running ones -- exactly for counts, by the update of Chan, Golub & LeVeque for the Gaussian
variances -- so a model fitted block by block equals the one fitted on all the rows at once.
"""

from __future__ import annotations

from typing import TypeVar

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin

from .._array import (
    as_namespace,
    compute,
    float_dtype,
    is_lazy,
    is_numpy,
    is_sparse,
    lazy_encode,
    lazy_unique,
    logsumexp,
    namespace_and_device,
    on_host,
    one_hot,
    rows_like,
    to_host,
)
from .._rows import argmax_rows
from .._typing import Array, ArrayLike
from .._validation import (
    check_is_fitted,
    check_sample_weight,
    decode_labels,
    encode_labels,
    validate_data,
)
from . import _kernels


def check_priors(priors, n_classes):
    """``priors`` as a host float64 array, after scikit-learn's checks (length, sum, sign)."""
    priors = np.asarray(to_host(priors), dtype=np.float64)
    if priors.ndim != 1 or priors.shape[0] != n_classes:
        raise ValueError("Number of priors must match number of classes.")
    if not np.isclose(float(np.sum(priors)), 1.0):
        raise ValueError("The sum of the priors should be 1.")
    if np.any(priors < 0):
        raise ValueError("Priors must be non-negative.")
    return priors


def _is_host_input(X):
    return on_host(X)


# ---------------------------------------------------------------------------------------------
# Shared machinery: labels, weights, prediction
# ---------------------------------------------------------------------------------------------


def log_normalize(S, xp):
    """``S - logsumexp(S, axis=1)``: each row of log-scores made log-probabilities."""
    if is_numpy(xp) and S.shape[1] <= 8:  # a few classes: the NumPy kernel, on the transpose
        return _kernels.log_normalize(S)
    return S - logsumexp(S, axis=1, keepdims=True, xp=xp)


def _same_classes(a, b):
    a, b = np.asarray(to_host(a)), np.asarray(to_host(b))
    return a.shape == b.shape and bool(np.all(a == b))


_BaseNBT = TypeVar("_BaseNBT", bound="_BaseNB")


class _BaseNB(ClassifierMixin, BaseEstimator):
    """Prediction from ``_joint_log_likelihood`` and the fit / partial_fit protocol."""

    _checks_finite_in_blocks = False

    @property
    def _accept_sparse(self):
        """The scipy.sparse formats X may come in (False: refused, with scikit-learn's
        error), from the capability entry."""
        return ("csr", "csc") if self._capabilities.sparse is True else False

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = self._capabilities.sparse is True
        return tags

    def _state_names(self):
        return ("classes_",)

    def _reset(self):
        for name in self._state_names():
            if hasattr(self, name):
                delattr(self, name)

    def fit(self: _BaseNBT, X: ArrayLike, y: ArrayLike,
            sample_weight: ArrayLike | None = None) -> _BaseNBT:
        """Fit the model on ``X``, ``y`` (optionally weighted), forgetting any earlier fit."""
        self._reset()
        return self._partial_fit(X, y, None, sample_weight, from_fit=True)

    def partial_fit(self: _BaseNBT, X: ArrayLike, y: ArrayLike, classes: ArrayLike | None = None,
                    sample_weight: ArrayLike | None = None) -> _BaseNBT:
        """Update the model with one block of rows.

        ``classes`` (every label that may appear) is required on the first call, and if given
        later must be the same. Fitting block by block equals one ``fit`` on all the rows.
        """
        return self._partial_fit(X, y, classes, sample_weight, from_fit=False)

    def _labels(self, X, y, classes, from_fit, xp, device):
        """Set ``classes_`` on the first call; return each row's class index."""
        first = not hasattr(self, "classes_")
        if from_fit:
            self.classes_, y_idx = encode_labels(y, xp, device)
            return rows_like(y_idx, X)
        if first and classes is None:
            raise ValueError("classes must be passed on the first call to partial_fit.")
        if classes is not None:
            given = np.unique(np.asarray(to_host(classes)))
            if not first and not _same_classes(given, self.classes_):
                raise ValueError(
                    f"`classes={classes!r}` is not the same as on the first call to "
                    f"partial_fit, was: {self.classes_!r}"
                )
            if first:
                self.classes_ = given
        known = np.asarray(to_host(self.classes_))
        if is_lazy(y):  # the distinct labels by a block reduction; y itself is not gathered
            (present,) = compute(lazy_unique(y))
            unseen = np.setdiff1d(np.asarray(present), known)
            if unseen.size:
                raise ValueError(f"The target label(s) {unseen} in y do not exist in the "
                                 f"initial classes {known}")
            return rows_like(lazy_encode(y, known), X)
        labels = np.asarray(to_host(y))
        unseen = np.setdiff1d(labels, known)
        if unseen.size:
            raise ValueError(
                f"The target label(s) {unseen} in y do not exist in the initial classes {known}"
            )
        idx = np.searchsorted(known, labels).astype(np.int64)
        return rows_like(idx, X) if is_lazy(X) else as_namespace(idx, xp, device)

    def _class_matrices(self, X, y, classes, sample_weight, from_fit):
        """(y_idx, R, W, sw): class indices, one-hot class matrix, its weighted copy and the
        sample weights (None when unweighted), in X's namespace."""
        xp, device = namespace_and_device(X)
        dtype = float_dtype(xp, device)
        y_idx = self._labels(X, y, classes, from_fit, xp, device)
        R = one_hot(y_idx, self.classes_.shape[0], dtype=dtype, xp=xp)
        if is_lazy(X) and not is_lazy(sample_weight):  # concrete weights: checked on the host
            host_xp, _ = namespace_and_device(np.empty(0))
            sw = check_sample_weight(sample_weight, X.shape[0], host_xp, "cpu", np.float64)
        else:
            sw = check_sample_weight(sample_weight, X.shape[0], xp, device, dtype)
        sw = rows_like(sw, X)
        W = R if sw is None else R * sw[:, None]
        return y_idx, R, W, sw

    def _validated_X(self, X, reset):
        return validate_data(self, X, reset=reset, accept_sparse=self._accept_sparse)

    def _validated_Xy(self, X, y, from_fit):
        first = from_fit or not hasattr(self, "classes_")
        X, y = validate_data(self, X, y, reset=first, classification=from_fit,
                             accept_sparse=self._accept_sparse)
        return X, y

    def predict_joint_log_proba(self, X: ArrayLike) -> Array:
        """``log P(c) + log P(x | c)`` for every row and class: shape (n_samples, n_classes)."""
        check_is_fitted(self, "classes_")
        if self._checks_finite_in_blocks and _is_host_input(X):
            # NumPy's block loop checks each block for NaN/inf while it is in cache: the data
            # are read once, not twice
            X = validate_data(self, X, reset=False, check_finite=False)
            return self._joint_log_likelihood(X)
        X = self._validated_X(X, reset=False)
        return self._joint_log_likelihood(X)

    def predict(self, X: ArrayLike) -> Array:
        """The class of highest posterior probability for each row."""
        jll = self.predict_joint_log_proba(X)
        xp, device = namespace_and_device(jll)
        return decode_labels(self.classes_, argmax_rows(jll, xp), xp, device)

    def predict_log_proba(self, X: ArrayLike) -> Array:
        """``log P(c | x)``: the joint log-likelihood normalized by its log-sum-exp."""
        jll = self.predict_joint_log_proba(X)
        xp, _ = namespace_and_device(jll)
        return log_normalize(jll, xp)

    def predict_proba(self, X: ArrayLike) -> Array:
        """``P(c | x)`` for every row and class."""
        log_proba = self.predict_log_proba(X)
        xp, _ = namespace_and_device(log_proba)
        return xp.exp(log_proba)


def log_matmul(A, L, xp):
    """``A @ L.T`` for non-negative ``A`` and log-probabilities ``L`` that may be ``-inf``.

    A zero entry of ``A`` against ``-inf`` contributes 0 (``p**0 = 1``), a positive one
    ``-inf`` -- where a plain product would give NaN from ``0 * -inf``.
    """
    lxp, _ = namespace_and_device(L)  # L is small and concrete (host NumPy for Dask A)
    impossible = lxp.isinf(L)
    if not bool(lxp.any(impossible)):
        return A @ L.T
    finite = lxp.where(impossible, 0.0, L)
    hits = A @ lxp.astype(impossible, L.dtype).T
    return xp.where(hits > 0, -xp.inf, A @ finite.T)


def _as_data(a, X, dtype=None):
    """A fitted array in the namespace and device of ``X``, in ``dtype`` (X's by default).

    For Dask ``X`` it is a host NumPy array (Dask operations accept those)."""
    xp, device = namespace_and_device(X)
    dtype = X.dtype if dtype is None else dtype
    a = as_namespace(a, xp, device)
    return a.astype(dtype, copy=False) if isinstance(a, np.ndarray) else xp.astype(a, dtype)


def _to_float(X):
    if is_sparse(X):  # float64, as the dense path on the host
        return X if X.dtype == np.float64 else X.astype(np.float64)
    xp, device = namespace_and_device(X)
    dtype = float_dtype(xp, device)
    if X.dtype == dtype:
        return X
    return X.astype(dtype) if is_lazy(X) else xp.astype(X, dtype)
