"""Model evaluation: ROC and precision-recall curves, AUC with confidence intervals and
DeLong's tests, classification scores, and plots.

These are functions, not estimators. ``CAPABILITIES`` says, per function, in which array
namespaces it runs natively, which input it moves to the host (and why), and what scipy.sparse
input it takes -- as scikit-learn: multilabel indicator matrices for the scores of hard
predictions, none elsewhere (refused with scikit-learn's parameter error); the README's
support table is generated from it.
"""

from typing import Any

from ._classification import (
    accuracy_score,
    confusion_matrix,
    f1_score,
    precision_score,
    recall_score,
)
from ._delong import delong_test, delong_test_unpaired, roc_auc_ci
from ._log_loss import log_loss
from ._plot import plot_confusion_matrix, plot_precision_recall_curve, plot_roc_curve
from ._precision_recall import average_precision_score, precision_recall_curve
from ._ranking import auc, roc_curve
from ._report import classification_report
from ._roc_auc import roc_auc_score

__all__ = [
    "CAPABILITIES",
    "accuracy_score",
    "auc",
    "average_precision_score",
    "classification_report",
    "confusion_matrix",
    "delong_test",
    "delong_test_unpaired",
    "f1_score",
    "log_loss",
    "plot_confusion_matrix",
    "plot_precision_recall_curve",
    "plot_roc_curve",
    "precision_recall_curve",
    "recall_score",
    "precision_score",
    "roc_auc_ci",
    "roc_auc_score",
    "roc_curve",
]

_DEVICE = ("numpy", "array_api_strict", "cupy", "torch")
_SORT = "sorts the whole array: Dask input is computed and sorted on the host"

#: For each function: the namespaces it runs in natively, the ones whose input it moves to the
#: host, and why; the scipy.sparse input it takes (False: none). Scalars come back as Python
#: floats; arrays in the input's namespace (NumPy for Dask input).
CAPABILITIES: dict[str, dict[str, Any]] = {
    "roc_curve": {"native": _DEVICE, "host": ("dask",), "why": _SORT},
    "auc": {"native": _DEVICE, "host": ("dask",), "why": "a curve is small and concrete"},
    "roc_auc_score": {
        "native": _DEVICE, "host": ("dask",),
        "why": _SORT + "; max_fpr interpolates the (small) curve on the host",
    },
    "precision_recall_curve": {"native": _DEVICE, "host": ("dask",), "why": _SORT},
    "average_precision_score": {"native": _DEVICE, "host": ("dask",), "why": _SORT},
    "roc_auc_ci": {
        "native": _DEVICE, "host": ("dask",),
        "why": _SORT + "; method='bootstrap' resamples with NumPy's generator on the host",
    },
    "delong_test": {"native": _DEVICE, "host": ("dask",), "why": _SORT},
    "delong_test_unpaired": {"native": _DEVICE, "host": ("dask",), "why": _SORT},
    "confusion_matrix": {"native": _DEVICE + ("dask",), "host": (),
                         "why": "labels are found on the host; counts are one bincount"},
    "accuracy_score": {"native": _DEVICE + ("dask",), "host": (), "why": ""},
    "precision_score": {"native": _DEVICE + ("dask",), "host": (),
                        "why": "from the confusion matrix"},
    "recall_score": {"native": _DEVICE + ("dask",), "host": (), "why": "from the confusion matrix"},
    "f1_score": {"native": _DEVICE + ("dask",), "host": (), "why": "from the confusion matrix"},
    "log_loss": {"native": _DEVICE + ("dask",), "host": (), "why": ""},
    "classification_report": {"native": _DEVICE + ("dask",), "host": (),
                              "why": "from the confusion matrix; the text is built on the host"},
}
_MULTILABEL = ("multilabel indicator y_true and y_pred (dense too), counted on the host as "
               "CSR")
for _name, _entry in CAPABILITIES.items():
    _entry["sparse"] = _MULTILABEL if _name in (
        "accuracy_score", "precision_score", "recall_score", "f1_score",
        "classification_report") else False
