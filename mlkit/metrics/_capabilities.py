"""The metrics' capability entries (``mlkit.metrics.CAPABILITIES``).

One ``FunctionCapabilities`` per public function, in the shape of the estimators'
``Capabilities``: the namespaces it runs in natively (input of the others is moved to the host
at the entrance), what runs on the host and why, the data and arguments the backend test
matrix calls it with (``tests/test_array_api.py``), and the scipy.sparse input it takes -- as
scikit-learn: multilabel indicator matrices for the scores of hard predictions, none elsewhere
(refused with scikit-learn's parameter error). The README's support table is generated from
these entries. Scalars come back as Python floats; arrays in the input's namespace (NumPy for
Dask input).
"""

from __future__ import annotations

from .._discovery import FunctionCapabilities

__all__ = ["CAPABILITIES"]

_DEVICE = ("numpy", "array_api_strict", "cupy", "torch")
_ALL = _DEVICE + ("dask",)
_SORT = "sorts the whole array: Dask input is computed and sorted on the host"
_CM = "from the confusion matrix"
_MULTILABEL = ("multilabel indicator y_true and y_pred (dense too), counted on the host as "
               "CSR")


def _ranking(why: str = _SORT, data: str = "scores",
             **test_params: object) -> FunctionCapabilities:
    """The entry of a ranking metric: native but on Dask, whose input it sorts on the host."""
    return FunctionCapabilities(native=_DEVICE, host=why, data=data, test_params=test_params)


def _labels(why: str = _CM, sparse: bool | str = _MULTILABEL, data: str = "labels",
            **test_params: object) -> FunctionCapabilities:
    """The entry of a score of hard predictions: native everywhere, Dask included."""
    return FunctionCapabilities(native=_ALL, host=why, data=data, test_params=test_params,
                                sparse=sparse)


#: For each function: where it runs natively, what runs on the host and why, how the backend
#: tests call it, and the scipy.sparse input it takes (False: none). Re-exported (and
#: documented) as ``mlkit.metrics.CAPABILITIES``.
CAPABILITIES: dict[str, FunctionCapabilities] = {
    "roc_curve": _ranking(),
    "auc": _ranking("a curve is small and concrete", data="points"),
    "roc_auc_score": _ranking(
        _SORT + "; max_fpr interpolates the (small) curve on the host", max_fpr=0.3),
    "precision_recall_curve": _ranking(),
    "average_precision_score": _ranking(),
    "roc_auc_ci": _ranking(
        _SORT + "; method='bootstrap' resamples with NumPy's generator on the host"),
    "delong_test": _ranking(data="paired scores"),
    "delong_test_unpaired": _ranking(data="unpaired scores"),
    "confusion_matrix": _labels("labels are found on the host; counts are one bincount",
                                sparse=False, normalize="true"),
    "accuracy_score": _labels("", sparse=_MULTILABEL),
    "precision_score": _labels(average="macro"),
    "recall_score": _labels(average="weighted"),
    "f1_score": _labels(average="micro"),
    "log_loss": _labels("", sparse=False, data="probabilities"),
    "classification_report": _labels(
        _CM + "; the text is built on the host", output_dict=True),
}
