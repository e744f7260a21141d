"""Model evaluation: ROC and precision-recall curves, AUC with confidence intervals and
DeLong's tests, classification scores, and plots.

These are functions, not estimators. ``CAPABILITIES`` gives each one an entry in the shape of
the estimators' (``_discovery.FunctionCapabilities``): in which array namespaces it runs
natively, what runs on the host (and why), how the backend tests call it, and what
scipy.sparse input it takes -- as scikit-learn: multilabel indicator matrices for the scores
of hard predictions, none elsewhere (refused with scikit-learn's parameter error); the
README's support table and the metrics x backends test matrix are generated from it.
"""

from . import _capabilities
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

#: For each function, a ``FunctionCapabilities``: where it runs natively, what runs on the host
#: and why, how the backend tests call it, and the scipy.sparse input it takes (False: none).
#: Scalars come back as Python floats; arrays in the input's namespace (NumPy for Dask input).
CAPABILITIES = _capabilities.CAPABILITIES
