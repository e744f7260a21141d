"""C4.5 release 8 (Quinlan 1993, 1996), as Weka's J48 reimplements it."""

from __future__ import annotations

from numbers import Integral, Real
from typing import TypeVar

from sklearn.base import BaseEstimator, ClassifierMixin

from .._discovery import Capabilities
from .._typing import ArrayLike
from .._validation import Interval, StrOptions, validate_params
from ._grow import GrowParams
from ._multiway import MultiwayTreeMixin
from ._prune import collapse, prune

__all__ = ["C45Classifier"]


_Self = TypeVar("_Self", bound="C45Classifier")


class C45Classifier(MultiwayTreeMixin, ClassifierMixin, BaseEstimator):
    """C4.5 decision tree (release 8): gain ratio, numeric thresholds, missing values, pruning.

    The defaults are C4.5's (and Weka J48's): ``confidence_factor=0.25``,
    ``min_samples_leaf=2``, subtree raising and collapsing on.

    Parameters
    ----------
    categorical_features : 'auto', array-like of int or str, or bool mask, default='auto'
        Extra columns to treat as categorical (multiway splits), by position or name, on top
        of pandas category/object/string/bool columns and NumPy columns of strings/booleans.
    confidence_factor : float in (0, 0.5], default=0.25
        CF of the pessimistic error estimate; smaller values prune more.
    min_samples_leaf : float, default=2
        Least (weighted) number of cases in at least two branches of a split (J48's ``-M``).
    prune : bool, default=True
        Error-based pruning; False gives C4.5's unpruned tree (still collapsed).
    subtree_raising : bool, default=True
        Consider replacing a node by its largest branch while pruning.
    collapse : bool, default=True
        Remove subtrees that do not reduce the training error.
    mdl_correction : bool, default=True
        Subtract log2(#candidate thresholds) / N from the gain of numeric splits (release 8).
    max_depth : int or None, default=None
        Largest depth of the grown tree; None for no limit (C4.5 has none).

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
        ``depth``, ``branch``, ``fraction`` (share of the parent's known training weight),
        ``counts`` (weighted class counts) and ``value`` (predicted class distribution).
    feature_importances_ : ndarray of shape (`n_features_in_`,)
        Total information gain (weighted by the node's share of the cases) of each feature's
        splits in the final tree, normalized to sum to 1.

    Notes
    -----
    Each rule below is J48's (Weka 3.8, ``weka.classifiers.trees.j48``) unless said otherwise.

    - A node is a leaf when its cases are all of one class or weigh less than
      ``2 * min_samples_leaf``.
    - Gain of an attribute: the information gain over the cases with a known value, times the
      known fraction F: ``gain = F (H(known) - sum_b N_b/N_known H(b))``. Split information
      counts the unknown weight as one more branch. The attribute chosen has the highest gain
      ratio among those whose gain is at least the average gain of the valid attributes
      (minus 1e-3); categorical attributes with at least 0.3 n values are left out of the
      average (Quinlan 1993, ch. 2).
    - Numeric attributes: the candidates are the boundaries between consecutive distinct
      known values (values closer than 1e-5 count as equal) leaving on each side at least
      ``minSplit = min(25, max(min_samples_leaf, 0.1 N_known / n_classes))``; the best is
      scored with ``gain - log2(#candidates) / N`` (Quinlan 1996) and must stay positive.
      The split point, first the midpoint, is moved to the largest training value not
      above it, and the test is ``x <= t``.
    - Categorical attributes: one branch per category, valid when at least two branches get
      ``min_samples_leaf``; a branch with no cases predicts its parent's distribution.
    - Missing values (NaN, None): a case with an unknown value goes down every branch with its
      weight times the branch's share of the known weight, in ``fit`` and in prediction
      (Quinlan 1993, ch. 3). A category not seen in ``fit`` is an unknown value.
    - Pruning, bottom-up: a node becomes a leaf, or is replaced by its largest branch
      (subtree raising), when that does not increase the estimated errors by more than 0.1;
      the estimate is ``mlkit.tree._criteria.pessimistic_error`` summed over the leaves.
    - Collapsing, before pruning: a subtree whose leaves make at least as many training errors
      as its root is replaced by a leaf.

    Growth is breadth-first, all open nodes of a level at once, every candidate threshold of
    every node scored in a few array operations (``mlkit.tree._grow``); pruning walks the
    internal nodes (``mlkit.tree._prune``). Host only.

    References
    ----------
    Quinlan, J. R. (1993). C4.5: Programs for Machine Learning. Morgan Kaufmann.
    Quinlan, J. R. (1996). Improved use of continuous attributes in C4.5. JAIR 4, 77-90.
    Witten, Frank, Hall & Pal (2016). Data Mining, 4th ed., sec. 6.1 (J48).

    Examples
    --------
    >>> from mlkit.datasets import load
    >>> from mlkit.tree import C45Classifier
    >>> X, y = load("iris")
    >>> tree = C45Classifier().fit(X, y)
    >>> tree.get_n_leaves(), tree.tree_.n_nodes
    (5, 9)
    """

    _parameter_constraints = {
        "categorical_features": [StrOptions({"auto"}), "array-like", None],
        "confidence_factor": [Interval(Real, 0.0, 0.5, closed="right")],
        "min_samples_leaf": [Interval(Real, 0.0, None, closed="neither")],
        "prune": ["boolean"],
        "subtree_raising": ["boolean"],
        "collapse": ["boolean"],
        "mdl_correction": ["boolean"],
        "max_depth": [Interval(Integral, 1, None, closed="left"), None],
    }
    _capabilities = Capabilities(
        fit=("numpy",),
        predict=("numpy",),
        host="tree growing, pruning and routing on the host",
        data="continuous",
    )

    def __init__(self, *, categorical_features: str | ArrayLike = "auto",
                 confidence_factor: float = 0.25, min_samples_leaf: float = 2,
                 prune: bool = True, subtree_raising: bool = True, collapse: bool = True,
                 mdl_correction: bool = True, max_depth: int | None = None) -> None:
        self.categorical_features = categorical_features
        self.confidence_factor = confidence_factor
        self.min_samples_leaf = min_samples_leaf
        self.prune = prune
        self.subtree_raising = subtree_raising
        self.collapse = collapse
        self.mdl_correction = mdl_correction
        self.max_depth = max_depth

    def fit(self: _Self, X: ArrayLike, y: ArrayLike,
            sample_weight: ArrayLike | None = None) -> _Self:
        """Grow, collapse and prune the tree on ``X`` (may hold NaN/None) and labels ``y``.

        ``sample_weight`` counts a case that many times (J48's instance weights); a case of
        weight 0 takes no part, not even in where a threshold is placed.
        """
        validate_params(self)
        params = GrowParams(c45=True, min_leaf=float(self.min_samples_leaf),
                            mdl=self.mdl_correction, max_depth=self.max_depth)
        return self._fit(X, y, sample_weight, params)

    def _simplify(self, tree, Z, y, sample_weight):
        if self.collapse:
            tree = collapse(tree)
        if self.prune:
            tree = prune(tree, Z, y, sample_weight, int(tree.counts.shape[1]),
                         self.confidence_factor, self.subtree_raising)
        return tree
