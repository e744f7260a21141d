"""Multilabel indicator targets -- dense or scipy.sparse -- for the scores of hard predictions.

A multilabel target is an (n_samples, n_labels) matrix of 0/1: sample i has label j where
``Y[i, j] = 1``. Where scikit-learn takes one (``accuracy_score``, ``precision_score``,
``recall_score``, ``f1_score``, ``classification_report``), so does mlkit, as a dense array or
a scipy.sparse matrix (the only form of sparse input those functions take, as in
scikit-learn). Both matrices are held as CSR on the host and every count is a sparse product:
per label, ``tp = wᵀ(Y ∘ P)``, ``predicted = wᵀP``, ``true = wᵀY``; per sample, the row sums of
the same matrices; the subset accuracy counts the rows where ``Y ≠ P`` stores nothing.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse
from sklearn.utils.multiclass import is_multilabel, type_of_target

from .._array import is_device_array
from .._validation import (
    InvalidParameterError,
    check_consistent_length,
    check_labels_param,
    constraint_message,
)

AVERAGES = "[None, 'micro', 'macro', 'weighted', 'samples']"


def _host_like(y):
    """Whether ``y`` is a host object the indicator tests can look at (lists, NumPy, sparse)."""
    return sparse.issparse(y) or not is_device_array(y)


def indicator_pair(y_true, y_pred):
    """``(Y, P)`` as float64 CSR matrices when the targets are multilabel indicator matrices,
    None when they are label arrays; scikit-learn's errors for sparse input that is not
    multilabel, for a multilabel target beside a label array, and for different numbers of
    labels."""
    if not (_host_like(y_true) and _host_like(y_pred)):
        return None  # device arrays: label arrays (their own checks apply)
    true_ml, pred_ml = is_multilabel(y_true), is_multilabel(y_pred)
    if not (true_ml or pred_ml):
        if sparse.issparse(y_true) or sparse.issparse(y_pred):
            raise TypeError("Sparse input is only supported when targets are of multilabel "
                            "type")
        return None
    if not (true_ml and pred_ml):
        kinds = [type_of_target(y) for y in (y_true, y_pred)]
        raise ValueError(f"Classification metrics can't handle a mix of {kinds[0]} and "
                         f"{kinds[1]} targets")
    Y, P = (sparse.csr_array(y, dtype=np.float64) for y in (y_true, y_pred))
    if Y.shape[1] != P.shape[1]:
        raise ValueError("Multi-label binary indicator input with different numbers of labels")
    check_consistent_length(Y, P)
    return Y, P


def label_columns(labels, n_labels):
    """The columns scored: all of them, or ``labels`` (column indices) after scikit-learn's
    range check."""
    if labels is None:
        return np.arange(n_labels)
    labels = check_labels_param(labels)
    if np.max(labels) >= n_labels:
        raise ValueError("All labels must be in [0, n labels) for multilabel targets. Got "
                         f"{np.max(labels)} > {n_labels - 1}")
    if np.min(labels) < 0:
        raise ValueError("All labels must be in [0, n labels) for multilabel targets. Got "
                         f"{np.min(labels)} < 0")
    return labels.astype(np.intp)


def per_label_counts(Y, P, weight):
    """(tp, predicted, true) of each label (column), each sample counted with its weight."""
    w = np.ones(Y.shape[0]) if weight is None else np.asarray(weight, dtype=np.float64)
    return w @ Y.multiply(P).tocsr(), w @ P, w @ Y


def per_sample_counts(Y, P):
    """(tp, predicted, true) of each sample (row), over the labels."""
    ones = np.ones(Y.shape[1])
    return Y.multiply(P).tocsr() @ ones, P @ ones, Y @ ones


def subset_hits(Y, P):
    """1.0 for each sample whose labels are all predicted right (no stored entry of Y ≠ P)."""
    wrong = (Y != P).tocsr()
    return (np.diff(wrong.indptr) == 0).astype(np.float64)


def refuse_sparse(owner, **arrays):
    """scikit-learn's parameter error for an argument that takes no sparse input."""
    for name, value in arrays.items():
        if sparse.issparse(value):
            allowed = ["array-like", None] if name in ("sample_weight", "labels") else \
                ["array-like"]
            raise InvalidParameterError(constraint_message(name, owner, allowed, value))
