"""Which columns are categorical, and their encoding as category codes.

Trees split categorical columns many ways (one branch per category) and numeric columns in two
(``x <= t``). A column is categorical when it is a pandas category, object, string or bool
column, a NumPy object column holding strings or booleans, or when ``categorical_features``
names it (integer-coded categories). Everything else is numeric.

The growing and routing code sees one float64 matrix ``Z``: numeric values as they are,
categorical values as their index into ``categories_[j]``; NaN marks a missing value and -1 a
category that was not known at fit time.
"""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd

UNSEEN = -1.0


def _is_frame(X):
    return isinstance(X, pd.DataFrame)


def frame_categorical_mask(X):
    """Columns of a DataFrame that are categorical by their dtype (None for other inputs)."""
    if not _is_frame(X):
        return None
    return np.array(
        [
            not pd.api.types.is_numeric_dtype(dt) or pd.api.types.is_bool_dtype(dt)
            for dt in X.dtypes
        ],
        dtype=bool,
    )


def frame_categories(X):
    """Declared categories of pandas 'category' columns ({position: categories})."""
    if not _is_frame(X):
        return {}
    return {
        j: np.asarray(X.iloc[:, j].cat.categories, dtype=object)
        for j, dt in enumerate(X.dtypes)
        if isinstance(dt, pd.CategoricalDtype)
    }


def _holds_labels(col):
    """A NumPy object column holding strings or booleans (so it cannot be numeric)."""
    if col.dtype != object:
        return col.dtype.kind in "bSU"
    return any(isinstance(v, (str, bool, np.bool_)) for v in col)


def categorical_mask(X, Xv, categorical_features, feature_names, owner):
    """Boolean mask of the categorical columns.

    ``X`` is the raw input (for pandas dtypes), ``Xv`` the validated 2-D NumPy array.
    ``categorical_features`` is 'auto' (or None), or a list of column positions, names, or a
    boolean mask; the columns it names are added to those that cannot be numeric.
    """
    d = Xv.shape[1]
    mask = frame_categorical_mask(X)
    if mask is None:
        mask = np.array([_holds_labels(Xv[:, j]) for j in range(d)], dtype=bool)
    if categorical_features is None or (
        isinstance(categorical_features, str) and categorical_features == "auto"
    ):
        return mask
    given = np.asarray(categorical_features)
    if given.dtype == bool:
        if given.shape != (d,):
            raise ValueError(
                f"categorical_features as a boolean mask must have {d} entries (one per "
                f"column of X); got shape {given.shape}."
            )
        return mask | given
    extra = np.zeros(d, dtype=bool)
    for item in given.ravel():
        if isinstance(item, str):
            names = [] if feature_names is None else list(feature_names)
            if item not in names:
                raise ValueError(
                    f"categorical_features names the column {item!r}, which is not among the "
                    f"columns of X{'' if names else ' (X has no column names)'}."
                )
            extra[names.index(item)] = True
        elif isinstance(item, numbers.Integral):
            if not -d <= int(item) < d:
                raise ValueError(
                    f"categorical_features has the column index {int(item)}, but X has {d} "
                    "columns."
                )
            extra[int(item)] = True
        else:
            raise TypeError(
                "categorical_features must be 'auto', a boolean mask, or a list of column "
                f"indices or names; got an entry {item!r} of type {type(item).__name__}."
            )
    return mask | extra


def _sorted_unique(values):
    uniq = pd.unique(pd.Series(values, dtype=object))
    try:
        return np.asarray(sorted(uniq), dtype=object)
    except TypeError:  # mixed types: order by their text
        return np.asarray(sorted(uniq, key=lambda v: (type(v).__name__, str(v))), dtype=object)


def fit_categories(Xv, is_cat, declared):
    """Per column: the categories (object array) of a categorical column, None otherwise."""
    cats = []
    for j in range(Xv.shape[1]):
        if not is_cat[j]:
            cats.append(None)
        elif j in declared:
            cats.append(declared[j])
        else:
            col = Xv[:, j]
            cats.append(_sorted_unique(col[~pd.isna(col)]))
    return cats


def encode(Xv, is_cat, categories):
    """The float64 matrix ``Z``: numbers for numeric columns, category codes for categorical
    ones (NaN missing, -1 a category unknown at fit time)."""
    n, d = Xv.shape
    if Xv.dtype != object and not is_cat.any():
        return np.array(Xv, dtype=np.float64)
    Z = np.empty((n, d), dtype=np.float64)
    for j in range(d):
        col = Xv[:, j]
        if not is_cat[j]:
            Z[:, j] = np.asarray(col, dtype=np.float64)
            continue
        missing = np.asarray(pd.isna(col), dtype=bool)
        codes = pd.Index(categories[j]).get_indexer(pd.Index(col, dtype=object))
        Z[:, j] = np.where(missing, np.nan, np.where(codes < 0, UNSEEN, codes))
    return Z
