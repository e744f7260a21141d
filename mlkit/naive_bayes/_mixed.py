"""MixedNB: Gaussian numeric columns and categorical columns in one naive Bayes model."""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd

from .._array import on_host, to_host
from .._discovery import Capabilities
from .._typing import Array, ArrayLike
from .._validation import (
    Interval,
    _is_string_error,
    _string_columns,
    check_is_fitted,
    string_columns_message,
    validate_data,
    validate_params,
)
from ._base import _BaseNB, check_priors
from ._discrete import CategoricalNB
from ._gaussian import GaussianNB

__all__ = ["MixedNB"]


def _is_categorical_dtype(dtype):
    return (
        isinstance(dtype, pd.CategoricalDtype)
        or pd.api.types.is_bool_dtype(dtype)
        or pd.api.types.is_object_dtype(dtype)
        or pd.api.types.is_string_dtype(dtype)
    )


def _sorted_unique(values):
    """The declared categories of a pandas categorical; else the distinct non-missing values,
    sorted when they can be compared."""
    if isinstance(getattr(values, "dtype", None), pd.CategoricalDtype):
        return np.asarray(values.cat.categories, dtype=object)
    uniq = pd.unique(pd.Series(values).dropna())
    try:
        return np.asarray(sorted(uniq), dtype=object)
    except TypeError:  # mixed types: order of first appearance
        return np.asarray(list(uniq), dtype=object)


def encode_categories(values, categories):
    """Codes 0..len(categories)-1 of ``values``; ``len(categories)`` for unseen or missing."""
    codes = pd.Index(categories, dtype=object).get_indexer(np.asarray(values, dtype=object))
    codes = codes.astype(np.int64)
    return np.where(codes < 0, len(categories), codes)


class MixedNB(_BaseNB):
    """Naive Bayes over mixed columns: Gaussian for numeric ones, categorical for the others.

    With a pandas DataFrame, columns of dtype category, object, string or bool are categorical
    and the others Gaussian; ``categorical_features`` overrides the choice (and is the only way
    to mark columns of a NumPy array as categorical). Because naive Bayes treats the features
    as independent given the class, the model is a GaussianNB on the numeric columns and a
    CategoricalNB on the categorical ones sharing one class prior:
    ``log P(c | x) = log P(c) + log P(x_num | c) + log P(x_cat | c) - log Z``.

    Parameters
    ----------
    categorical_features : array-like of int, str or bool, default=None
        Column indices, column names, or a boolean mask of the categorical columns; None
        chooses by the DataFrame's dtypes (no categorical column for arrays).
    priors : array-like of shape (n_classes,), default=None
        Class prior probabilities; by default the (weighted) class frequencies.
    var_smoothing : float, default=1e-9
        As in :class:`GaussianNB`.
    alpha : float, default=1.0
        Additive smoothing of the category frequencies, as in :class:`CategoricalNB`.
    force_alpha : bool, default=True
        As in :class:`CategoricalNB`.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels, sorted.
    class_count_ : ndarray of shape (n_classes,)
        Number (total weight) of training rows of each class.
    class_prior_ : ndarray of shape (n_classes,)
        Probability of each class.
    gaussian_features_ : ndarray of int
        Indices of the Gaussian (numeric) columns.
    categorical_features_ : ndarray of int
        Indices of the categorical columns.
    categories_ : list of ndarray
        The categories of each categorical column; category ``categories_[i][v]`` has code v.
    gaussian_nb_ : GaussianNB or None
        The model of the numeric columns (None when there are none).
    categorical_nb_ : CategoricalNB or None
        The model of the categorical columns' codes (None when there are none).
    n_features_in_ : int
        Number of columns seen in ``fit``.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names, when ``X`` was a DataFrame with string column names.

    Notes
    -----
    Missing values (NaN/None) are refused in numeric columns and in categorical columns at fit
    time. At prediction time a category not seen in fit -- or a missing one -- leaves that
    column out of the row's likelihood (see :class:`CategoricalNB`). ``partial_fit`` adds
    categories met in later blocks to ``categories_``. The fit and the prediction run on the
    host (NumPy): splitting a DataFrame by dtype and encoding categories are host operations.

    Examples
    --------
    >>> import pandas as pd
    >>> from mlkit.naive_bayes import MixedNB
    >>> X = pd.DataFrame({"t": [30.0, 31.0, 20.0, 21.0], "sky": ["sun", "sun", "rain", "sun"]})
    >>> MixedNB().fit(X, ["beach", "beach", "home", "home"]).predict(X.iloc[:1])
    array(['beach'], dtype='<U5')
    """

    _parameter_constraints = {
        "categorical_features": ["array-like", None],
        "priors": ["array-like", None],
        "var_smoothing": [Interval(numbers.Real, 0, None, closed="left")],
        "alpha": [Interval(numbers.Real, 0, None, closed="left")],
        "force_alpha": ["boolean"],
    }
    _capabilities = Capabilities(
        fit=("numpy",), predict=("numpy",),
        host="DataFrame columns are split by dtype and categories encoded on the host",
    )
    # the error for a string column it was not told is categorical (_validation.validate_data)
    _string_columns_hint = (
        "MixedNB treats a column as categorical when categorical_features names it, or when it "
        "is a DataFrame column of dtype object, string, category or bool: pass "
        "categorical_features=[...] (indices or names) or a DataFrame."
    )

    def __init__(self, *, categorical_features: ArrayLike | None = None,
                 priors: ArrayLike | None = None, var_smoothing: float = 1e-9,
                 alpha: float = 1.0, force_alpha: bool = True) -> None:
        self.categorical_features = categorical_features
        self.priors = priors
        self.var_smoothing = var_smoothing
        self.alpha = alpha
        self.force_alpha = force_alpha

    def _state_names(self):
        return ("classes_", "class_count_", "class_prior_", "gaussian_features_",
                "categorical_features_", "categories_", "gaussian_nb_", "categorical_nb_")

    # --- columns ---------------------------------------------------------------------------

    def _categorical_mask(self, X):
        d = X.shape[1]
        spec = self.categorical_features
        if spec is None:
            if isinstance(X, pd.DataFrame):
                return np.array([_is_categorical_dtype(t) for t in X.dtypes])
            return np.zeros(d, dtype=bool)
        spec = np.asarray(spec)
        if spec.dtype == bool:
            if spec.shape != (d,):
                raise ValueError(
                    f"categorical_features as a boolean mask must have shape ({d},); got "
                    f"{spec.shape}."
                )
            return spec
        mask = np.zeros(d, dtype=bool)
        if spec.dtype.kind in "iu":
            if spec.size and (spec.min() < -d or spec.max() >= d):
                raise ValueError(f"categorical_features has a column index outside [0, {d}).")
            mask[spec] = True
            return mask
        names = list(map(str, X.columns)) if isinstance(X, pd.DataFrame) else []
        unknown = [s for s in spec.ravel().tolist() if s not in names]
        if unknown:
            raise ValueError(f"categorical_features names unknown columns: {unknown}.")
        mask[[names.index(s) for s in spec.ravel().tolist()]] = True
        return mask

    def _split(self, X, reset, y="no_validation", classification=False):
        """(numeric float block or None, categorical columns or None, y) of ``X``, ``y``."""
        frame = isinstance(X, pd.DataFrame)
        if not frame and not on_host(X):
            X = to_host(X)
        if not on_host(y):
            y = to_host(y)
        if not reset:
            has_cat = self.categorical_features_.size > 0
        elif frame:
            mask = self._categorical_mask(X)
            has_cat = bool(mask.any())
        else:
            has_cat = self.categorical_features is not None
        no_y = isinstance(y, str)
        checked = X.astype(object) if frame and has_cat else X  # keeps the column names
        out = validate_data(self, checked, y, reset=reset, dtype=None if has_cat else "float",
                            allow_nan=has_cat, classification=classification)
        arr, y = (out, y) if no_y else out
        if reset:
            if not frame:
                mask = self._categorical_mask(arr) if has_cat else np.zeros(arr.shape[1], bool)
            self.gaussian_features_ = np.flatnonzero(~mask)
            self.categorical_features_ = np.flatnonzero(mask)
            self.categories_ = [np.asarray([], dtype=object) for _ in self.categorical_features_]
        num = cat = None
        if self.gaussian_features_.size:
            num = self._numeric_block(arr)
        if self.categorical_features_.size:
            cat = [X.iloc[:, j] if frame else arr[:, j] for j in self.categorical_features_]
        return num, cat, y

    def _numeric_block(self, arr):
        """The Gaussian columns as floats; a string among them names its column of X."""
        block = arr[:, self.gaussian_features_]
        try:
            return validate_data(GaussianNB(), block, dtype="float")
        except ValueError as exc:
            columns = _string_columns(block)
            if not columns or not _is_string_error(exc):
                raise
            columns = [int(self.gaussian_features_[j]) for j in columns]
            original = exc.__cause__ or exc  # scikit-learn's message, without GaussianNB's hint
            raise ValueError(string_columns_message(self, original, columns)) from original

    def _codes(self, cols, learn):
        """Category codes of the categorical columns, learning new categories if ``learn``."""
        if learn:
            for i, col in enumerate(cols):
                if bool(pd.isna(pd.Series(np.asarray(col, dtype=object))).any()):
                    j = self.categorical_features_[i]
                    raise ValueError(f"Input X contains NaN in categorical column {j}.")
                new = [v for v in _sorted_unique(col) if v not in set(self.categories_[i])]
                self.categories_[i] = np.concatenate([self.categories_[i],
                                                      np.asarray(new, dtype=object)])
        codes = [encode_categories(c, cats)
                 for c, cats in zip(cols, self.categories_, strict=True)]
        return np.stack(codes, axis=1)

    # --- fit ------------------------------------------------------------------------------

    def _partial_fit(self, X, y, classes, sample_weight, from_fit):
        validate_params(self)
        first = from_fit or not hasattr(self, "classes_")
        if not from_fit and first and classes is None:
            raise ValueError("classes must be passed on the first call to partial_fit.")
        num, cat, y = self._split(X, reset=first, y=y, classification=from_fit)
        if first:
            self.gaussian_nb_ = self.categorical_nb_ = None
            if num is not None:
                self.gaussian_nb_ = GaussianNB(priors=self.priors,
                                               var_smoothing=self.var_smoothing)
            if cat is not None:
                self.categorical_nb_ = CategoricalNB(alpha=self.alpha,
                                                     force_alpha=self.force_alpha,
                                                     class_prior=self.priors)
        if self.priors is not None:  # GaussianNB checks them, CategoricalNB does not: here
            known = classes if classes is not None else (
                y if first else np.asarray(self.classes_))
            check_priors(self.priors, np.unique(np.asarray(to_host(known))).shape[0])
        parts = [(self.gaussian_nb_, num)]
        if cat is not None:
            codes = self._codes(cat, learn=True)
            # every declared category counts, used or not (a pandas category column may
            # declare more than its values): the smoothing then does not depend on the order
            # the categories were declared in
            self.categorical_nb_.set_params(
                min_categories=np.array([len(c) for c in self.categories_]))
            parts.append((self.categorical_nb_, codes))
        for model, block in parts:
            if model is None:
                continue
            if from_fit:
                model.fit(block, y, sample_weight=sample_weight)
            else:
                model.partial_fit(block, y, classes=classes, sample_weight=sample_weight)
        lead = self.gaussian_nb_ if self.gaussian_nb_ is not None else self.categorical_nb_
        self.classes_ = lead.classes_
        self.class_count_ = np.asarray(lead.class_count_)
        if self.gaussian_nb_ is not None:
            self.class_prior_ = np.asarray(self.gaussian_nb_.class_prior_)
        else:
            self.class_prior_ = np.exp(np.asarray(self.categorical_nb_.class_log_prior_))
        return self

    # --- prediction -------------------------------------------------------------------------

    def predict_joint_log_proba(self, X: ArrayLike) -> Array:
        """``log P(c) + log P(x_num | c) + log P(x_cat | c)`` for every row and class."""
        check_is_fitted(self, "classes_")
        num, cat, _ = self._split(X, reset=False)
        with np.errstate(divide="ignore"):
            jll = np.log(self.class_prior_)
        if num is not None:
            jll = jll + self.gaussian_nb_._log_likelihood(num)
        if cat is not None:
            jll = jll + self.categorical_nb_._log_likelihood(self._codes(cat, learn=False))
        return jll
