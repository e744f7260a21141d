"""Plots of the evaluation: ROC curve with its AUC and a confidence band, PR curve, confusion
matrix. matplotlib is imported only when a plot is drawn (the ``plot`` extra)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from sklearn.utils import check_random_state

from .._array import to_host
from .._typing import ArrayLike, RandomState
from ._classification import confusion_matrix
from ._delong import roc_auc_ci
from ._precision_recall import average_precision_score, precision_recall_curve
from ._ranking import roc_curve

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["plot_confusion_matrix", "plot_precision_recall_curve", "plot_roc_curve"]


def _axes(ax):
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(5, 5))
    return ax


def roc_band(y_true: ArrayLike, y_score: ArrayLike, *, confidence: float = 0.95,
             n_bootstraps: int = 200, grid: ArrayLike | None = None,
             random_state: RandomState = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pointwise bootstrap band of the true positive rate at fixed false positive rates.

    Each resample is stratified by class; its ROC curve (the polyline through its points, as
    the trapezoidal AUC assumes) is read on ``grid``. Returns ``grid, lower, upper``.
    """
    y, s = np.asarray(to_host(y_true)), np.asarray(to_host(y_score), dtype=np.float64)
    classes = np.unique(y)
    pos_idx, neg_idx = np.flatnonzero(y == classes[-1]), np.flatnonzero(y != classes[-1])
    grid = np.linspace(0, 1, 101) if grid is None else np.asarray(grid)
    rng = check_random_state(random_state)
    tprs = np.empty((n_bootstraps, grid.shape[0]))
    for b in range(n_bootstraps):
        idx = np.concatenate([rng.choice(pos_idx, pos_idx.size), rng.choice(neg_idx, neg_idx.size)])
        fpr, tpr, _ = roc_curve(y[idx] == classes[-1], s[idx], drop_intermediate=False)
        tprs[b] = np.interp(grid, fpr, tpr)
    alpha = (1 - confidence) / 2
    lower, upper = np.quantile(tprs, [alpha, 1 - alpha], axis=0)
    return grid, lower, upper


def plot_roc_curve(y_true: ArrayLike, y_score: ArrayLike, *, ax: Axes | None = None,
                   name: str | None = None, confidence: float = 0.95, band: bool = True,
                   n_bootstraps: int = 200, random_state: RandomState = 0,
                   **line_kw: Any) -> Axes:
    """Draw the ROC curve, its AUC with DeLong's confidence interval, and a bootstrap band.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True binary labels (the larger label is positive).
    y_score : array-like of shape (n_samples,)
        Scores, larger meaning more likely positive.
    ax : matplotlib Axes, default=None
        Where to draw (a new figure by default).
    name : str, default=None
        The curve's name in the legend, before ``AUC = a [lo, hi]``.
    confidence : float, default=0.95
        Coverage of the AUC interval (DeLong) and of the band.
    band : bool, default=True
        Shade the pointwise bootstrap band of the sensitivity (see ``roc_band``).
    n_bootstraps, random_state :
        Resamples (stratified by class) and seed of the band.
    **line_kw :
        Passed to ``Axes.plot``.

    Returns
    -------
    ax : matplotlib Axes
    """
    ax = _axes(ax)
    classes = np.unique(np.asarray(to_host(y_true)))
    y_bool = np.asarray(to_host(y_true)) == classes[-1]
    fpr, tpr, _ = roc_curve(y_bool, y_score)
    auc, lo, hi = roc_auc_ci(y_bool, y_score, confidence=confidence)
    label = f"AUC = {auc:.3f} [{lo:.3f}, {hi:.3f}]"
    label = f"{name}: {label}" if name else label
    (line,) = ax.plot(to_host(fpr), to_host(tpr), label=label, **line_kw)
    if band:
        grid, lower, upper = roc_band(y_bool, y_score, confidence=confidence,
                                      n_bootstraps=n_bootstraps, random_state=random_state)
        ax.fill_between(grid, lower, upper, alpha=0.2, color=line.get_color())
    ax.plot([0, 1], [0, 1], ls=":", color="grey", lw=1)
    ax.set(xlabel="False positive rate (1 - specificity)",
           ylabel="True positive rate (sensitivity)", xlim=(-0.01, 1.01), ylim=(-0.01, 1.01),
           aspect="equal")
    ax.legend(loc="lower right", fontsize="small")
    return ax


def plot_precision_recall_curve(y_true: ArrayLike, y_score: ArrayLike, *,
                                ax: Axes | None = None, name: str | None = None,
                                pos_label: int | float | str | None = None,
                                **line_kw: Any) -> Axes:
    """Draw the precision-recall curve with its average precision; returns the Axes."""
    ax = _axes(ax)
    y = np.asarray(to_host(y_true))
    pos = np.unique(y)[-1] if pos_label is None else pos_label
    precision, recall, _ = precision_recall_curve(y == pos, y_score)
    ap = average_precision_score(y == pos, y_score)
    label = f"AP = {ap:.3f}" if name is None else f"{name}: AP = {ap:.3f}"
    ax.step(to_host(recall), to_host(precision), where="post", label=label, **line_kw)
    ax.axhline(np.mean(y == pos), ls=":", color="grey", lw=1)
    ax.set(xlabel="Recall", ylabel="Precision", xlim=(-0.01, 1.01), ylim=(-0.01, 1.01))
    ax.legend(loc="lower left", fontsize="small")
    return ax


def plot_confusion_matrix(y_true: ArrayLike, y_pred: ArrayLike, *,
                          labels: ArrayLike | None = None, normalize: str | None = None,
                          ax: Axes | None = None, cmap: str = "Blues") -> Axes:
    """Draw the confusion matrix as an annotated heatmap; returns the Axes."""
    ax = _axes(ax)
    if labels is None:
        labels = np.unique(np.concatenate([np.asarray(to_host(y_true)),
                                           np.asarray(to_host(y_pred))]))
    cm = np.asarray(to_host(confusion_matrix(y_true, y_pred, labels=labels,
                                             normalize=normalize)))
    im = ax.imshow(cm, cmap=cmap)
    ax.figure.colorbar(im, ax=ax, fraction=0.046)
    threshold = (cm.max() + cm.min()) / 2
    for i in range(cm.shape[0]):
        for j in range(cm.shape[1]):
            text = f"{cm[i, j]:.2f}" if normalize else f"{cm[i, j]:g}"
            ax.text(j, i, text, ha="center", va="center",
                    color="white" if cm[i, j] > threshold else "black")
    names = [str(v) for v in np.asarray(labels).tolist()]
    ax.set(xticks=range(len(names)), yticks=range(len(names)), xticklabels=names,
           yticklabels=names, xlabel="Predicted label", ylabel="True label")
    return ax
