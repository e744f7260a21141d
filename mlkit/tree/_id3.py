"""ID3: Quinlan's (1986) decision tree, grown by information gain."""

from __future__ import annotations

from numbers import Integral
from typing import TypeVar

from sklearn.base import BaseEstimator, ClassifierMixin

from .._discovery import Capabilities
from .._typing import ArrayLike
from .._validation import Interval, StrOptions, validate_params
from ._grow import GrowParams
from ._multiway import MultiwayTreeMixin

__all__ = ["ID3Classifier"]


_Self = TypeVar("_Self", bound="ID3Classifier")


class ID3Classifier(MultiwayTreeMixin, ClassifierMixin, BaseEstimator):
    """ID3 decision tree: multiway splits chosen by information gain (Quinlan 1986).

    Each node splits on the attribute of largest information gain,
    ``gain(A) = H(S) - sum_v |S_v| / |S| H(S_v)``, with one branch per category of a
    categorical attribute; growing stops at pure nodes and where no attribute has a positive
    gain. There is no pruning.

    Categorical columns are pandas category/object/string/bool columns, NumPy columns of
    strings or booleans, and the columns named in ``categorical_features`` (integer-coded
    categories). ID3 as published has only such attributes. Numeric columns are not refused:
    they get the binary test ``x <= t`` at the midpoint between consecutive distinct values
    that maximizes the information gain (the extension of Quinlan 1993, ch. 2, without C4.5's
    corrections). A numeric column can be tested again deeper in the tree; a categorical one
    is used up by its split.

    Parameters
    ----------
    categorical_features : 'auto', array-like of int or str, or bool mask, default='auto'
        Extra columns to treat as categorical, by position or name, on top of those that
        cannot be numeric.
    max_depth : int or None, default=None
        Largest depth of the tree; None for no limit.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    n_classes_ : int
        Number of classes.
    n_features_in_ : int
        Number of columns seen in ``fit``.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names, when ``X`` was a DataFrame with string column names.
    is_categorical_ : ndarray of bool, shape (`n_features_in_`,)
        Which columns were treated as categorical.
    categories_ : list of (ndarray or None)
        The categories of each categorical column, in branch order (None for numeric ones).
    tree_ : TreeArrays
        The tree as flat arrays, nodes numbered breadth-first from the root (0): ``feature``,
        ``threshold``, ``is_categorical``, ``child_start``, ``n_children``, ``parent``,
        ``depth``, ``branch``, ``counts`` (weighted class counts), ``value`` (predicted
        class distribution).
    feature_importances_ : ndarray of shape (`n_features_in_`,)
        Total information gain (weighted by the node's share of the cases) of each feature's
        splits, normalized to sum to 1.

    Notes
    -----
    Missing values are refused (NaN/None in ``X``): use ``C45Classifier``. A category not seen
    in ``fit`` for a column at predict time stops the case at that split: it gets the class
    distribution of the node (the cases that reached it). A branch for a category that no
    training case at the node had (a declared pandas category, or a category seen elsewhere in
    the tree) is a leaf predicting the parent's majority class (Mitchell 1997, Table 3.1);
    its ``predict_proba`` is the parent's class distribution.

    Growth is breadth-first, all open nodes of a level at once, each feature scored for all
    of them in a few array operations (see ``mlkit.tree._grow``). Host only.

    References
    ----------
    Quinlan, J. R. (1986). Induction of decision trees. Machine Learning 1(1), 81-106.
    Mitchell, T. M. (1997). Machine Learning, ch. 3. McGraw-Hill.

    Examples
    --------
    >>> from mlkit.datasets import load
    >>> from mlkit.tree import ID3Classifier, export_text
    >>> df = load("play_tennis", as_frame=True)
    >>> tree = ID3Classifier().fit(df.drop(columns="play"), df["play"])
    >>> print(export_text(tree, style="j48", show_counts=False))
    outlook = overcast: yes
    outlook = rain
    |   windy = false: yes
    |   windy = true: no
    outlook = sunny
    |   humidity = high: no
    |   humidity = normal: yes
    """

    _parameter_constraints = {
        "categorical_features": [StrOptions({"auto"}), "array-like", None],
        "max_depth": [Interval(Integral, 1, None, closed="left"), None],
    }
    _capabilities = Capabilities(
        fit=("numpy",),
        predict=("numpy",),
        host="tree growing and routing on the host",
        data="categorical",
    )
    _unknown = "stop"
    _allow_nan = False

    def __init__(self, *, categorical_features: str | ArrayLike = "auto",
                 max_depth: int | None = None) -> None:
        self.categorical_features = categorical_features
        self.max_depth = max_depth

    def fit(self: _Self, X: ArrayLike, y: ArrayLike,
            sample_weight: ArrayLike | None = None) -> _Self:
        """Grow the tree on ``X`` (numeric and categorical columns) and class labels ``y``."""
        validate_params(self)
        params = GrowParams(c45=False, min_leaf=0.0, mdl=False, max_depth=self.max_depth)
        return self._fit(X, y, sample_weight, params)
