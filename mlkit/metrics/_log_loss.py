"""The log loss (cross-entropy) of predicted class probabilities."""

from __future__ import annotations

import warnings

import numpy as np

from .._array import compute, is_lazy, lazy_clip, lazy_concat, lazy_log, lazy_unique, to_host
from .._array import device as device_of
from .._typing import ArrayLike
from .._validation import metric_arrays, metric_weights
from . import _multilabel
from ._classification import _codes, _sum, _unique

__all__ = ["log_loss"]


def log_loss(y_true: ArrayLike, y_proba: ArrayLike | None = None, *, normalize: bool = True,
             sample_weight: ArrayLike | None = None, labels: ArrayLike | None = None) -> float:
    """Cross-entropy ``-(1/n) sum_i log p_i(y_i)`` of predicted probabilities.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels.
    y_proba : array-like of shape (n_samples,) or (n_samples, n_classes)
        Probabilities of each class (columns in the order of the sorted labels); a 1-D array is
        the probability of the larger label. Clipped to ``[eps, 1 - eps]``.
    normalize : bool, default=True
        Mean (True) or sum (False) of the per-sample losses.
    sample_weight : array-like of shape (n_samples,), default=None
    labels : array-like, default=None
        The labels, when ``y_true`` does not contain all of them.

    Examples
    --------
    >>> from mlkit.metrics import log_loss
    >>> round(log_loss(["spam", "ham", "ham", "spam"],
    ...                [[.1, .9], [.9, .1], [.8, .2], [.35, .65]]), 4)
    0.2162
    """
    _multilabel.refuse_sparse("log_loss", y_true=y_true, y_proba=y_proba,
                              sample_weight=sample_weight)
    xp, device, (y_true, y_proba, sample_weight) = metric_arrays(y_true, y_proba, sample_weight)
    y_proba = _as_float(y_proba, xp)
    classes = _checked_classes(y_true, y_proba, labels, xp)
    y_proba = _two_columns(y_proba, xp)
    _check_n_classes(classes, y_proba, labels)
    loss, any_off = _sample_losses(y_proba, _codes(y_true, classes, xp, device),
                                   classes.shape[0], xp)
    w = metric_weights(sample_weight, xp, device)
    total = _sum(loss * w if w is not None else loss, xp)
    wsum = _sum(w, xp) if w is not None else loss.shape[0]
    total, wsum, any_off = compute(total, wsum, any_off)
    if bool(any_off):
        warnings.warn("The y_prob values do not sum to one. Make sure to pass probabilities.",
                      UserWarning)
    return float(total) / float(wsum) if normalize else float(total)


def _as_float(y_proba, xp):
    """``y_proba`` as floating point (float64 unless it already is a float type)."""
    if not (xp.isdtype(y_proba.dtype, "real floating") if not is_lazy(y_proba) else
            y_proba.dtype.kind == "f"):
        y_proba = y_proba.astype(np.float64) if is_lazy(y_proba) else xp.astype(y_proba,
                                                                               xp.float64)
    return y_proba


def _checked_classes(y_true, y_proba, labels, xp):
    """The sorted classes (``labels``, or those of ``y_true``), once the probabilities are
    checked to lie in [0, 1]; on Dask one pass gives both extremes and the labels."""
    found = lazy_unique(y_true) if labels is None and is_lazy(y_true) else None
    hi, lo, found = compute(y_proba.max(), y_proba.min(), found) if is_lazy(y_proba) else (
        xp.max(y_proba), xp.min(y_proba), found)
    if float(hi) > 1:
        raise ValueError(f"y_prob contains values greater than 1: {float(hi)}")
    if float(lo) < 0:
        raise ValueError(f"y_prob contains values lower than 0: {float(lo)}")
    classes = (np.unique(np.asarray(to_host(labels))) if labels is not None else
               _unique(y_true) if found is None or is_lazy(found) else np.asarray(found))
    if classes.shape[0] == 1:
        raise ValueError(
            f"y_true contains only one label ({classes[0]}). Please provide the true labels "
            "explicitly through the labels argument."
        )
    return classes


def _two_columns(y_proba, xp):
    """A 1-D (or one-column) ``y_proba``, the probability of the larger label, as the two
    columns ``[1 − p, p]``."""
    if y_proba.ndim == 1:
        y_proba = y_proba[:, None]
    if y_proba.shape[1] == 1:
        if is_lazy(y_proba):
            y_proba = lazy_concat([1 - y_proba, y_proba], axis=1)
        else:
            y_proba = xp.concat([1 - y_proba, y_proba], axis=1)
    return y_proba


def _check_n_classes(classes, y_proba, labels):
    if classes.shape[0] != y_proba.shape[1]:
        if labels is None:
            raise ValueError(
                "y_true and y_prob contain different number of classes: "
                f"{classes.shape[0]} vs {y_proba.shape[1]}. Please provide the true labels "
                "explicitly through the labels argument. Classes found in y_true: "
                f"{classes}"
            )
        raise ValueError(
            "The number of classes in labels is different from that in y_prob. Classes found "
            f"in labels: {classes}"
        )


def _sample_losses(y_proba, codes, k, xp):
    """``(−log p_i(y_i), any row not summing to 1)``, the probabilities clipped to
    ``[eps, 1 − eps]`` (eps of the probabilities' precision); lazy on Dask."""
    single = str(y_proba.dtype).endswith("float32")
    eps = float(np.finfo(np.float32 if single else np.float64).eps)
    row_sum = y_proba.sum(axis=1) if is_lazy(y_proba) else xp.sum(y_proba, axis=1)
    off = abs(row_sum - 1) > float(np.sqrt(eps)) + 1e-8
    any_off = off.any() if is_lazy(off) else xp.any(off)  # computed with the loss
    if is_lazy(y_proba):
        clipped = lazy_clip(y_proba, eps, 1 - eps)
        onehot = codes[:, None] == np.arange(k)[None, :]
        return -(lazy_log(clipped) * onehot).sum(axis=1), any_off
    clipped = xp.clip(y_proba, eps, 1 - eps)
    onehot = codes[:, None] == xp.arange(k, device=device_of(y_proba))[None, :]
    return -xp.sum(xp.where(onehot, xp.log(clipped), 0.0), axis=1), any_off
