"""Parameter and data checks shared by every estimator.

Two halves:

* **Parameters.** An estimator lists its constraints in a class attribute
  ``_parameter_constraints`` (a dict from parameter name to a list of allowed forms) and calls
  ``validate_params(self)`` first thing in ``fit``. Errors read like scikit-learn's:
  "The 'n_components' parameter of PCA must be an int in the range [1, inf) or None. Got 0
  instead." A value scikit-learn's twin takes but mlkit refuses is listed in
  ``_not_offered`` (``NotOffered``): its error says what is not offered, why, and what to use
  instead, in one wording (``not_offered_message``). They live in ``_params.py`` and are
  re-exported here.
* **Data.** ``validate_data`` accepts NumPy arrays, pandas DataFrames and lists (validated by
  scikit-learn's public ``validate_data``, so feature names and messages are scikit-learn's) and
  array-API arrays -- CuPy, PyTorch, Dask, ``array_api_strict`` -- which are checked in their own
  namespace without a copy to the host. Dask arrays are never computed here: their finiteness is
  checked by the estimator on the statistics it computes anyway (see ``check_finite_stats``).
  String columns given to a numeric estimator get scikit-learn's "could not convert string to
  float" error, naming the columns and what takes them (MixedNB, C4.5, ID3, an encoder).
"""

from __future__ import annotations

import numbers

import numpy as np
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted
from sklearn.utils.validation import validate_data as _sk_validate_data

from ._array import (
    array_namespace,
    as_namespace,
    bincount,
    compute,
    float_dtype,
    in_namespace,
    is_array_api_obj,
    is_dask_namespace,
    is_device_array,
    is_lazy,
    is_numpy,
    is_numpy_array,
    lazy_encode,
    lazy_from_numpy,
    lazy_unique,
    namespace_and_device,
    to_host,
)
from ._params import (
    Interval,
    InvalidParameterError,
    NotOffered,
    Options,
    StrOptions,
    check_labels_param,
    check_pos_label,
    check_zero_division,
    not_offered_message,
    validate_param,
    validate_params,
)
from ._params import constraint_message as constraint_message

__all__ = [
    "Interval",
    "InvalidParameterError",
    "NotOffered",
    "Options",
    "StrOptions",
    "check_all_finite",
    "check_consistent_length",
    "class_indices",
    "class_weights",
    "check_finite_stats",
    "check_is_fitted",
    "check_labels_param",
    "check_pos_label",
    "check_sample_weight",
    "check_scores",
    "check_weights_not_all_zero",
    "check_zero_division",
    "decode_labels",
    "encode_labels",
    "metric_arrays",
    "metric_weights",
    "not_offered_message",
    "score_arrays",
    "validate_data",
    "validate_param",
    "validate_params",
]


# ---------------------------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------------------------


def _is_device_array(X):
    """An array-API array that is not NumPy: it is validated in its own namespace."""
    return is_array_api_obj(X) and not is_numpy_array(X)


def _host_dtype(dtype):
    if dtype == "float":
        return [np.float64, np.float32]
    return dtype


def validate_data(estimator, X="no_validation", y="no_validation", *, reset=True,
                  dtype="float", allow_nan=False, ensure_min_samples=1, ensure_min_features=1,
                  classification=False, check_finite=True, accept_sparse=False,
                  multi_output=False, y_numeric=False):
    """Validate ``X`` (and ``y``) for ``estimator``, keeping the input's namespace.

    Parameters
    ----------
    estimator : estimator
        Receives ``n_features_in_`` (and ``feature_names_in_`` for DataFrames) when ``reset``;
        otherwise the number of features is checked against it.
    X, y : array-like, or the string 'no_validation' to skip it
    reset : bool
        True in ``fit``; False in every method after it.
    dtype : 'float', 'numeric' or None
        'float' keeps float32/float64 and turns the rest into float64; 'numeric' keeps any
        numeric dtype; None keeps object columns (categorical data).
    allow_nan : bool
        Let NaN through (missing values); infinity is refused either way.
    classification : bool
        Check ``y`` as class labels (at least two classes).
    check_finite : bool
        False skips the pass over ``X`` that looks for NaN and infinity. Only for methods
        whose output is non-finite exactly when the input is, and that check their output
        instead (``check_finite_stats``): the input is then read once, not twice.
    accept_sparse : bool or tuple of str
        The scipy.sparse formats X may have (e.g. ``('csr', 'csc')``); others are converted to
        the first, and False refuses sparse X with scikit-learn's message.
    multi_output : bool
        Let ``y`` be 2-D (one column per target).
    y_numeric : bool
        Turn an object ``y`` into float64 (regression targets).

    Returns
    -------
    X, or (X, y) when both are validated. NumPy, pandas and list inputs come back as NumPy;
    array-API inputs come back in their own namespace and on their own device.
    """
    no_X, no_y = _not_given(X), _not_given(y)
    if no_X or not _is_device_array(X):
        finite = ("allow-nan" if allow_nan else True) if check_finite else False
        return _validate_host(estimator, X, y, no_X, no_y, dtype, classification,
                              multi_output, y_numeric, reset=reset, ensure_all_finite=finite,
                              ensure_min_samples=ensure_min_samples,
                              ensure_min_features=ensure_min_features,
                              accept_sparse=accept_sparse)
    X = _check_array_xp(X, dtype, allow_nan or not check_finite, ensure_min_samples,
                        ensure_min_features, "X", check_finite)
    _check_n_features(estimator, X, reset)
    if no_y:
        return X
    return X, _validate_y_xp(estimator, y, X, classification, multi_output)


def _not_given(a):
    """True for the string 'no_validation': the argument is not to be validated."""
    return isinstance(a, str) and a == "no_validation"


def _validate_host(estimator, X, y, no_X, no_y, dtype, classification, multi_output,
                   y_numeric, **checks):
    """scikit-learn's ``validate_data`` for NumPy, pandas, list and sparse input, with mlkit's
    messages for a complex X and for string columns; then the labels, or a string y as float."""
    if not (no_X or no_y):
        checks.update(multi_output=multi_output, y_numeric=y_numeric)
    try:
        out = _sk_validate_data(estimator, X, y, dtype=_host_dtype(dtype), **checks)
    except ValueError as exc:
        clearer = None if no_X else _clearer_error(exc, estimator, X, dtype)
        if clearer is None:
            raise
        raise clearer from exc
    if classification and not no_y:
        _check_labels(out[1])
    if y_numeric and not no_X and not no_y and getattr(out[1], "dtype", None) is not None \
            and out[1].dtype.kind in "US":  # as an object y: scikit-learn's ValueError
        out = out[0], out[1].astype(np.float64)
    return out


def _clearer_error(exc, estimator, X, dtype):
    """mlkit's error for scikit-learn's on a complex X or on string columns of X; None keeps
    scikit-learn's (strings in y, or a ValueError of another kind)."""
    if str(exc).startswith("Complex data not supported"):
        return ValueError(COMPLEX_MESSAGE)  # without scikit-learn's copy of X
    if dtype is None or not _is_string_error(exc):
        return None
    columns = _string_columns(X)
    if not columns:  # the strings were in y
        return None
    return ValueError(string_columns_message(estimator, exc, columns))


def _validate_y_xp(estimator, y, X, classification, multi_output):
    """An array-API ``y`` checked beside its X (and as labels for a classifier)."""
    if y is None:
        raise ValueError(
            f"{type(estimator).__name__} requires y to be passed, but the target y is None."
        )
    y = _check_y_xp(y, X, multi_output)
    if classification:
        _check_labels(y)
    return y


COMPLEX_MESSAGE = ("Complex data not supported. The estimators fit real-valued features: pass "
                   "the real and imaginary parts as separate columns "
                   "(np.column_stack([X.real, X.imag])).")
# what scikit-learn's check_array (NumPy's astype) says when X holds strings
_STRING_ERRORS = ("could not convert string to float",
                  "is not compatible with arrays of bytes/strings")

STRING_COLUMNS_HINT = (
    "For columns of strings or categories use mlkit.naive_bayes.MixedNB, mlkit.tree.C45Classifier "
    "or mlkit.tree.ID3Classifier, which take them as they are, or encode them first with "
    "sklearn.preprocessing.OrdinalEncoder or OneHotEncoder (in a ColumnTransformer to encode only "
    "those columns)."
)


def _is_string_error(exc):
    return any(s in str(exc) for s in _STRING_ERRORS)


def _string_columns(X):
    """The names (DataFrame) or indices (array) of X's columns that do not convert to float."""
    columns = getattr(X, "columns", None)
    if columns is not None and hasattr(X, "dtypes"):
        import pandas as pd

        def numeric(t):
            if isinstance(t, pd.CategoricalDtype):
                return pd.api.types.is_numeric_dtype(t.categories.dtype)
            return pd.api.types.is_numeric_dtype(t)

        return [c for c, t in zip(columns, X.dtypes, strict=True) if not numeric(t)]
    try:
        arr = np.asarray(X)
    except (TypeError, ValueError):  # ragged lists: no columns to name
        return ["?"]
    if arr.ndim != 2:
        return ["?"] if arr.dtype.kind in "OUS" else []
    bad = []
    for j in range(arr.shape[1]):  # one vectorized conversion per column, on the error path
        try:
            arr[:, j].astype(np.float64)
        except (TypeError, ValueError):
            bad.append(j)
    return bad


def string_columns_message(estimator, exc, columns):
    """The error for string columns given to a numeric estimator: scikit-learn's message, the
    columns, and what takes such columns (the estimator's own hint when it has one)."""
    name = type(estimator).__name__
    where = "" if columns == ["?"] else (
        f" (column{'s' if len(columns) > 1 else ''} {', '.join(repr(c) for c in columns[:10])}"
        f"{', ...' if len(columns) > 10 else ''})"
    )
    hint = getattr(estimator, "_string_columns_hint", None)
    return f"{exc}{where}. " + (hint or f"{name} takes numeric columns only. {STRING_COLUMNS_HINT}")


def _check_array_xp(X, dtype, allow_nan, ensure_min_samples, ensure_min_features, name,
                    check_finite=True):
    xp, device = namespace_and_device(X)
    if X.ndim != 2:
        if X.ndim < 2:
            raise ValueError(
                f"Expected 2D array, got {X.ndim}D array instead. Reshape your data either "
                "using X.reshape(-1, 1) if your data has a single feature or "
                "X.reshape(1, -1) if it contains a single sample."
            )
        raise ValueError(f"Found array with dim {X.ndim}, while dim <= 2 is required.")
    n, d = X.shape
    if n is not None and not np.isnan(n) and n < ensure_min_samples:
        raise ValueError(
            f"Found array with {n} sample(s) (shape=({n}, {d})) while a minimum of "
            f"{ensure_min_samples} is required."
        )
    if d < ensure_min_features:
        raise ValueError(
            f"Found array with {d} feature(s) (shape=({n}, {d})) while a minimum of "
            f"{ensure_min_features} is required."
        )
    if xp.isdtype(X.dtype, "complex floating"):
        raise ValueError(COMPLEX_MESSAGE)
    if dtype == "float" and X.dtype not in (xp.float32, xp.float64):
        X = xp.astype(X, float_dtype(xp, device))
    elif dtype == "numeric" and not xp.isdtype(X.dtype, "numeric"):
        X = xp.astype(X, float_dtype(xp, device))
    if check_finite and not is_lazy(X) and xp.isdtype(X.dtype, "real floating"):
        _check_finite_xp(X, xp, allow_nan, name)
    return X


def check_all_finite(X, name="X"):
    """Raise scikit-learn's NaN or infinity error when X has such a value."""
    _check_finite_xp(X, namespace_and_device(X)[0], False, name)


def _check_finite_xp(X, xp, allow_nan, name):
    """scikit-learn's NaN or infinity error ('Input contains NaN.' when ``name`` is '')."""
    if bool(xp.all(xp.isfinite(X))):
        return
    where = f"Input {name}" if name else "Input"
    if not allow_nan and bool(xp.any(xp.isnan(X))):
        raise ValueError(f"{where} contains NaN.")
    if bool(xp.any(xp.isinf(X))):
        dtype = repr(X.dtype) if isinstance(X.dtype, np.dtype) else X.dtype  # as NumPy's
        raise ValueError(f"{where} contains infinity or a value too large for {dtype}.")


def check_finite_stats(*stats, name="X"):
    """Raise the NaN/inf error from statistics computed from X (lazy inputs' finiteness check).

    Sums, means and extremes of a column are non-finite exactly when the column has a
    non-finite value, so a Dask fit checks its concrete statistics instead of paying for a
    second pass over the data.
    """
    for s in stats:
        if s is None:
            continue
        if is_lazy(s):  # pass concrete statistics where you can: this computes them
            s = to_host(s)
        if is_array_api_obj(s) and not is_numpy_array(s):
            sxp, _ = namespace_and_device(s)
            finite = bool(sxp.all(sxp.isfinite(s)))  # on the device: one bool comes back
        else:
            finite = bool(np.all(np.isfinite(s)))
        if not finite:
            raise ValueError(f"Input {name} contains NaN or infinity.")


def _check_n_features(estimator, X, reset):
    d = X.shape[1]
    if reset:
        estimator.n_features_in_ = d
        if hasattr(estimator, "feature_names_in_"):
            del estimator.feature_names_in_
        return
    expected = getattr(estimator, "n_features_in_", None)
    if expected is not None and d != expected:
        raise ValueError(
            f"X has {d} features, but {type(estimator).__name__} is expecting {expected} "
            "features as input."
        )


def _num_samples(a):
    n = a.shape[0] if hasattr(a, "shape") else len(a)
    return None if n is None or (isinstance(n, float) and np.isnan(n)) else int(n)


def _check_y_xp(y, X, multi_output=False):
    if not is_array_api_obj(y):
        y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] == 1 and not multi_output:
        y = y[:, 0]
    if y.ndim != 1 and not (multi_output and y.ndim == 2):
        raise ValueError(f"y should be a 1d array, got an array of shape {tuple(y.shape)}.")
    ny, nx = _num_samples(y), _num_samples(X)
    if ny is not None and nx is not None and ny != nx:
        raise ValueError(
            f"Found input variables with inconsistent numbers of samples: [{nx}, {ny}]"
        )
    return y


def _check_labels(y):
    """Class labels: discrete, and at least two distinct ones."""
    if is_lazy(y):
        return  # checked when the classes are computed (encode_labels)
    host = to_host(y) if is_array_api_obj(y) else np.asarray(y)
    try:
        classes = np.unique(host)
    except TypeError:  # labels that do not sort (strings and numbers): scikit-learn's error
        check_classification_targets(host)
        raise
    # the type of a 1-D target is the type of its distinct values: one pass over y, not two
    check_classification_targets(classes)
    if classes.shape[0] < 2:
        raise ValueError(
            "Classifier can't train when only one class is present: the training data "
            f"contains only class {classes[0]!r}; at least 2 classes are required."
        )


def encode_labels(y, xp, device):
    """Sorted class labels and each sample's class index.

    Returns
    -------
    classes : array
        Sorted unique labels, in ``y``'s own namespace (NumPy for strings, lists and Dask).
    y_idx : array of int64
        Class index of each sample, in ``xp`` on ``device`` (lazy for Dask).
    """
    if is_array_api_obj(y) and not is_numpy_array(y) and not is_lazy(y):
        y_xp = array_namespace(y)
        classes = y_xp.unique_values(y)
        classes = y_xp.sort(classes)
        y_idx = y_xp.searchsorted(classes, y)
        return classes, as_namespace(y_idx, xp, device) if y_xp is not xp else y_idx
    if is_lazy(y):
        # a tree of per-block uniques: the labels are never gathered onto one worker
        (classes,) = compute(lazy_unique(y))
        _check_labels(np.asarray(classes))
        return classes, lazy_encode(y, classes)
    host = np.asarray(y)
    classes, y_idx = np.unique(host, return_inverse=True)
    y_idx = y_idx.astype(np.int64)
    if is_dask_namespace(xp):
        return classes, lazy_from_numpy(y_idx, chunks=-1)
    return classes, as_namespace(y_idx, xp, device)


def decode_labels(classes, indices, xp, device):
    """The labels of class ``indices``: in ``xp`` when the labels are numbers, else NumPy.

    String and object labels cannot live on a GPU, so predictions of such classes come back as
    a NumPy array; numeric labels follow the input's namespace and device. Dask stays lazy.
    """
    if is_lazy(indices):
        host_classes = to_host(classes)
        return indices.map_blocks(lambda i: host_classes[i], dtype=host_classes.dtype)
    if isinstance(classes, np.ndarray) and classes.dtype.kind not in "biuf":
        return classes[to_host(indices)]
    return xp.take(as_namespace(classes, xp, device), indices, axis=0)


ALL_ZERO_WEIGHTS = "Sample weights must contain at least one non-zero number."


def check_sample_weight(sample_weight, n_samples, xp, device, dtype, *, only_non_negative=True):
    """``sample_weight`` as a 1-D array of ``dtype`` in ``xp``; ``None`` stays ``None``.

    A scalar is repeated for every sample. Negative weights are refused when
    ``only_non_negative``.
    """
    if sample_weight is None:
        return None
    if isinstance(sample_weight, numbers.Number):
        return xp.full((n_samples,), float(sample_weight), dtype=dtype, device=device)
    if not is_array_api_obj(sample_weight):
        sample_weight = np.asarray(sample_weight, dtype=np.float64)
    sw = as_namespace(sample_weight, xp, device)
    if sw.ndim != 1:
        raise ValueError(
            f"Sample weights must be 1D array or scalar, got {sw.ndim}D array instead."
        )
    n = _num_samples(sw)
    if n is not None and n_samples is not None and n != n_samples:
        raise ValueError(
            f"sample_weight.shape == ({n},), expected ({n_samples},)!"
        )
    # checked in the weights' own namespace: NumPy weights beside Dask data stay eager
    sxp, _ = namespace_and_device(sw)
    sw = sxp.astype(sw, dtype) if not is_lazy(sw) else sw.astype(dtype)
    if not is_lazy(sw):
        if not bool(sxp.all(sxp.isfinite(sw))):
            raise ValueError("Input sample_weight contains NaN or infinity.")
        if only_non_negative and bool(sxp.any(sw < 0)):
            raise ValueError("Negative values in data passed to `sample_weight`")
        if n and not bool(sxp.any(sw != 0)):
            raise ValueError(ALL_ZERO_WEIGHTS)
    return sw


def class_weights(class_weight, classes, y_idx, sample_weight=None):
    """The weight of each class index (a host array): scikit-learn's ``compute_class_weight``.

    'balanced' is ``n / (k · n_c)``, with the counts weighted by ``sample_weight`` when it is
    given (as scikit-learn's LogisticRegression); a dict's keys are checked against the
    classes.
    """
    if isinstance(class_weight, str) and (sample_weight is not None or is_lazy(y_idx)):
        k = classes.shape[0]
        if is_lazy(y_idx):  # the counts by a block reduction: the labels are not gathered
            (counts,) = compute(bincount(y_idx, weights=sample_weight, minlength=k))
            counts = np.asarray(counts, dtype=np.float64)
        else:
            counts = np.bincount(np.asarray(to_host(y_idx)), weights=to_host(sample_weight),
                                 minlength=k)
        return float(np.sum(counts)) / (k * np.where(counts > 0, counts, 1.0))
    if class_weight is None and is_lazy(y_idx):
        return np.ones(classes.shape[0])
    if isinstance(class_weight, dict):
        labels = np.asarray(to_host(classes))
        return compute_class_weight(class_weight, classes=labels, y=labels)
    return compute_class_weight(class_weight, classes=np.arange(classes.shape[0]),
                                y=np.asarray(to_host(y_idx)))


def class_indices(y, classes, xp, device):
    """Each label's index in the sorted ``classes`` (``partial_fit``'s later calls, held-out
    rows); a label not among them is an error. Lazy for Dask labels."""
    if is_lazy(y):
        host = to_host(classes)
        return y.map_blocks(lambda v: np.searchsorted(host, v), dtype=np.int64)
    labels, host = np.asarray(to_host(y)), np.asarray(to_host(classes))
    idx = np.searchsorted(host, labels)
    bad = (idx >= host.shape[0]) | (host[np.minimum(idx, host.shape[0] - 1)] != labels)
    if np.any(bad):
        raise ValueError(f"y has labels that are not in classes_ {host.tolist()}: "
                         f"{np.unique(labels[bad]).tolist()}.")
    return as_namespace(idx.astype(np.int64), xp, device)


# ---------------------------------------------------------------------------------------------
# The metrics' inputs
# ---------------------------------------------------------------------------------------------


def check_consistent_length(*arrays):
    """scikit-learn's error when the arrays (``None`` left out) differ in length."""
    lengths = [int(a.shape[0]) for a in arrays if a is not None]
    if len(set(lengths)) > 1:
        raise ValueError(
            f"Found input variables with inconsistent numbers of samples: {lengths}"
        )


def metric_arrays(*arrays):
    """``(xp, device, arrays)`` for the scores of labels: the namespace of the arrays that are
    not NumPy (NumPy when there are none), each argument an array of it -- lists and NumPy
    strings or booleans stay NumPy, so that they combine with device predictions -- after the
    length check. Dask stays lazy."""
    xp, device = namespace_and_device(*(a for a in arrays if is_device_array(a)))
    out = []
    for a in arrays:
        if a is not None and not is_array_api_obj(a):
            a = np.asarray(a)
            if not (is_numpy(xp) or a.dtype.kind in "OUSb"):
                a = xp.asarray(a, device=device)
        out.append(a)
    check_consistent_length(*out)
    return xp, device, out


def score_arrays(scores, *others):
    """``(xp, device, arrays)`` for the ranking metrics: the namespace of ``scores``, and every
    argument as an array (array-API arrays in their namespace, the rest NumPy, object arrays of
    strings as strings). Dask arrays are computed together, once: a sort needs them whole."""
    arrays = [scores, *others]
    lazy = [i for i, a in enumerate(arrays) if a is not None and is_lazy(a)]
    for i, value in zip(lazy, compute(*(arrays[i] for i in lazy)), strict=True):
        arrays[i] = np.asarray(value)
    for i, a in enumerate(arrays):
        if a is not None and not is_device_array(a):
            a = np.asarray(a)
            is_text = a.dtype.kind == "O" and all(isinstance(v, str) for v in a.ravel())
            arrays[i] = a.astype(str) if is_text else a
    xp, device = namespace_and_device(arrays[0])
    return xp, device, arrays


def check_scores(y_score, xp, name="y_score"):
    """``y_score`` as floats (booleans and integers as float64), with no NaN or infinity."""
    if y_score.dtype == xp.bool:
        y_score = xp.astype(y_score, xp.float64)
    elif not xp.isdtype(y_score.dtype, "real floating"):
        if not xp.isdtype(y_score.dtype, "numeric"):
            raise ValueError(f"{name} must be numeric, got dtype {y_score.dtype}.")
        y_score = xp.astype(y_score, xp.float64)
    _check_finite_xp(y_score, xp, False, "")
    return y_score


def check_weights_not_all_zero(weight, xp):
    """``weight``, after scikit-learn's check that some weight is not zero (left to the
    computation for lazy weights)."""
    if not is_lazy(weight) and not bool(xp.any(weight != 0)):
        raise ValueError(ALL_ZERO_WEIGHTS)
    return weight


def metric_weights(sample_weight, xp, device):
    """A metric's ``sample_weight`` as float64 in ``xp`` on ``device`` (None stays None), not
    all zero; lazy weights stay lazy, and are checked by the computation."""
    if sample_weight is None:
        return None
    if is_lazy(sample_weight):
        return sample_weight.astype(np.float64)
    if in_namespace(sample_weight, xp):
        return check_weights_not_all_zero(xp.astype(sample_weight, xp.float64), xp)
    w = check_weights_not_all_zero(np.asarray(to_host(sample_weight), dtype=np.float64), np)
    return w if is_numpy(xp) else xp.asarray(w, device=device)
