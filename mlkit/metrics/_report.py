"""The classification report: precision, recall, F1 and support per label, and averages."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .._array import to_host
from .._typing import ArrayLike
from .._validation import metric_arrays
from . import _multilabel
from ._classification import _present_labels, _prf

__all__ = ["classification_report"]


def classification_report(y_true: ArrayLike, y_pred: ArrayLike, *,
                          labels: ArrayLike | None = None,
                          target_names: Sequence[str] | None = None,
                          sample_weight: ArrayLike | None = None, digits: int = 2,
                          output_dict: bool = False,
                          zero_division: str | float = "warn") -> str | dict[str, Any]:
    """Precision, recall, F1 and support per label, with the accuracy and the averages.

    Returns the same text (or, with ``output_dict=True``, the same dict) as scikit-learn's.

    Examples
    --------
    >>> from mlkit.metrics import classification_report
    >>> print(classification_report([0, 1, 1, 0], [1, 1, 0, 0]))
                  precision    recall  f1-score   support
    <BLANKLINE>
               0       0.50      0.50      0.50         2
               1       0.50      0.50      0.50         2
    <BLANKLINE>
        accuracy                           0.50         4
       macro avg       0.50      0.50      0.50         4
    weighted avg       0.50      0.50      0.50         4
    <BLANKLINE>
    """
    _multilabel.refuse_sparse("classification_report", sample_weight=sample_weight)
    pair = _multilabel.indicator_pair(y_true, y_pred)
    if pair is not None:  # the labels are the columns; no accuracy line, a samples average
        y_true, y_pred = pair
    labels, target_names, micro_is_accuracy = _report_labels(y_true, y_pred, pair, labels,
                                                             target_names)
    common = dict(labels=labels, pos_label=1, sample_weight=sample_weight,
                  zero_division=zero_division)
    p, r, f, s = _prf(y_true, y_pred, average=None, **common)
    support = (lambda v: int(v)) if sample_weight is None else (lambda v: float(v))
    rows = [(name, p[i], r[i], f[i], support(s[i])) for i, name in enumerate(target_names)]
    averages = ["accuracy" if micro_is_accuracy else "micro avg", "macro avg", "weighted avg"]
    if pair is not None:
        averages.append("samples avg")
    summary = {}
    for avg in averages:
        kind = "micro" if avg in ("accuracy", "micro avg") else avg.split()[0]
        summary[avg] = _prf(y_true, y_pred, average=kind, **common)[:3] + (support(np.sum(s)),)
    if output_dict:
        return _report_dict(rows, summary)
    return _report_text(rows, summary, target_names, digits)


_REPORT_HEADERS = ["precision", "recall", "f1-score", "support"]


def _report_labels(y_true, y_pred, pair, labels, target_names):
    """The report's labels, their names, and whether its micro average is the accuracy (all
    the present labels listed, and not multilabel)."""
    if pair is not None:
        present = np.arange(pair[0].shape[1])
    else:
        present = _present_labels(*metric_arrays(y_true, y_pred)[2])
    if labels is None:
        labels, micro_is_accuracy = present, pair is None
    else:
        labels = np.asarray(to_host(labels))
        micro_is_accuracy = pair is None and set(labels.tolist()) >= set(present.tolist())
    if target_names is None:
        target_names = [str(lab) for lab in labels.tolist()]
    elif len(target_names) != len(labels):
        raise ValueError(
            f"Number of classes, {len(labels)}, does not match size of target_names, "
            f"{len(target_names)}. Try specifying the labels parameter"
        )
    return labels, target_names, micro_is_accuracy


def _report_dict(rows, summary):
    """The report as scikit-learn's ``output_dict``: a dict per label and per average."""
    headers = _REPORT_HEADERS
    out = {row[0]: dict(zip(headers, [float(v) for v in row[1:4]] + [row[4]], strict=True))
           for row in rows}
    for avg, vals in summary.items():
        if avg == "accuracy":
            out["accuracy"] = float(vals[2])
        else:
            out[avg] = dict(zip(headers, [float(v) for v in vals[:3]] + [vals[3]], strict=True))
    return out


def _report_text(rows, summary, target_names, digits):
    """The report as scikit-learn's text: a line per label, then the averages."""
    width = max(max(len(n) for n in target_names), len("weighted avg"), digits)
    text = f"{'':>{width}s} " + "".join(f" {h:>9}" for h in _REPORT_HEADERS) + "\n\n"
    for name, *vals, sup in rows:
        text += f"{name:>{width}s} " + "".join(f" {v:>9.{digits}f}" for v in vals)
        text += f" {sup:>9}\n"
    text += "\n"
    for avg, (pa, ra, fa, sup) in summary.items():
        if avg == "accuracy":
            text += f"{avg:>{width}s} " + f" {'':>9}" * 2 + f" {fa:>9.{digits}f} {sup:>9}\n"
        else:
            text += f"{avg:>{width}s} " + "".join(
                f" {v:>9.{digits}f}" for v in (pa, ra, fa)) + f" {sup:>9}\n"
    return text
