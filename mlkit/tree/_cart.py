"""CART (Breiman et al. 1984): binary decision trees grown level by level, scikit-learn's twin.

``DecisionTreeClassifier`` grows the same tree as scikit-learn's estimator of that name on
continuous data: the same candidate thresholds (midpoints between consecutive distinct float32
values), the same impurity arithmetic, the same stopping rules, the same order of visiting
features under a ``random_state`` (so the same choice among tied splits), the same node
numbering, and minimal cost-complexity pruning. The growth itself is vectorized: see
``_cart_split``.
"""

from __future__ import annotations

import numbers
from typing import Any, TypeVar

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils import check_random_state
from sklearn.utils.class_weight import compute_sample_weight

from .._array import host
from .._discovery import Capabilities
from .._typing import Array, ArrayLike, RandomState
from .._validation import (
    Interval,
    NotOffered,
    StrOptions,
    check_is_fitted,
    check_sample_weight,
    encode_labels,
    validate_data,
    validate_params,
)
from ._cart_sparse import SparseColumns, SparseGrower
from ._cart_split import Grower
from ._cart_tree import TREE_LEAF, TREE_UNDEFINED, Tree  # noqa: F401 (TREE_UNDEFINED: as before)

__all__ = ["DecisionTreeClassifier", "entropy", "gini"]

_Self = TypeVar("_Self", bound="DecisionTreeClassifier")

_RAND_R_MAX = 2**31 - 1
_LN2 = float(np.log(2.0))
_TINY = float(np.finfo(np.float64).tiny)


# ---------------------------------------------------------------------------------------------
# Impurity of class counts (classes on axis 0; any shape after it)
# ---------------------------------------------------------------------------------------------
# Not ``_criteria.gini``/``entropy`` (classes on the last axis, used by ID3 and C4.5): CART must
# round as scikit-learn does, since ties between cuts are decided by the last bit of the
# proxy. These add the terms class by class and take the entropy as -sum p log2 p; the
# criteria module's sums (NumPy's reduction; entropy as log2 N - sum n log2 n / N) change
# those bits, and with them 25 of tests/test_tree_cart.py's same-tree-as-scikit-learn checks.


def gini(counts, total, exact=False):
    """Gini impurity ``1 - sum_c (n_c / n)**2`` of class counts ``counts[c]`` (classes on
    axis 0) summing to ``total``. The squares are added class by class, in class order, as
    scikit-learn does -- or in any order when ``exact`` (integer counts: exact sums)."""
    squares = np.asarray(counts) ** 2
    sq = squares.sum(axis=0) if exact and len(squares) > 8 else _sum_in_class_order(squares)
    return 1.0 - sq / (total * total)


def entropy(counts, total, exact=False):
    """Shannon entropy in bits ``-sum_c p_c log2 p_c``, ``p_c = n_c / n`` (0 log 0 = 0), the
    terms added in class order (``exact`` is accepted for symmetry with ``gini``)."""
    p = np.asarray(counts) / total
    # p * log(max(p, tiny)) is -0.0 where p = 0, which leaves the sum unchanged
    terms = p * (np.log(np.maximum(p, _TINY)) / _LN2)
    # 0.0 - sum, not -sum: a pure node has entropy 0.0, as scikit-learn's, not -0.0
    return 0.0 - _sum_in_class_order(terms)


def _sum_in_class_order(a):
    """``a[0] + a[1] + ...`` left to right (rounding as scikit-learn's loop over classes)."""
    total = a[0]
    for c in range(1, len(a)):
        total = total + a[c]
    return total


CRITERIA = {"gini": gini, "entropy": entropy, "log_loss": entropy}


# ---------------------------------------------------------------------------------------------
# The estimator
# ---------------------------------------------------------------------------------------------


def _feature_major(X32):
    """The dense grower's (n_features, n_samples) float32 array, C-ordered."""
    return np.ascontiguousarray(X32.T)


def _count(value, n, *, minimum=1):
    """An int parameter as given, or a fraction of ``n`` rounded up."""
    if isinstance(value, numbers.Integral):
        return int(value)
    return max(minimum, int(np.ceil(value * n)))


class DecisionTreeClassifier(ClassifierMixin, BaseEstimator):
    """CART classification tree (binary splits on thresholds), grown level by level.

    The tree scikit-learn's ``DecisionTreeClassifier`` grows from the same data and
    ``random_state``: same splits, same node ids, same predictions (see Notes for the rare
    exceptions).

    Parameters
    ----------
    criterion : {'gini', 'entropy', 'log_loss'}, default='gini'
        Impurity: Gini's ``1 - sum p_c**2`` or Shannon's ``-sum p_c log2 p_c`` ('log_loss' is
        the same as 'entropy').
    splitter : {'best'}, default='best'
        The best split of each node. Accepted for scikit-learn compatibility; 'random'
        (one random threshold per feature, Extra-Trees style) is refused: the split search
        scores every threshold of a feature in one vectorized pass, so a random threshold
        saves no time, and it is not implemented. For randomized trees draw features
        instead (``max_features='sqrt'`` with a ``random_state``), or use
        ``sklearn.tree.ExtraTreeClassifier``.
    max_depth : int or None, default=None
        Depth limit; None grows until the leaves are pure or too small to split.
    min_samples_split : int or float, default=2
        Fewest samples (a fraction of them when a float, rounded up) a node needs to be split.
    min_samples_leaf : int or float, default=1
        Fewest samples (or fraction, rounded up) each child of a split must keep.
    min_weight_fraction_leaf : float, default=0.0
        Fewest total sample weight, as a fraction of the whole, each child must keep.
    max_features : int, float, {'sqrt', 'log2'} or None, default=None
        Features drawn at random at each node (at least one with a valid split is always
        searched); None for all of them.
    random_state : int, RandomState instance or None, default=None
        Seeds the order in which features are visited, which decides ties between equally
        good splits (and the draw of ``max_features``).
    max_leaf_nodes : int or None, default=None
        Grow best-first (the split with the largest impurity decrease first) up to this many
        leaves; node ids are then in order of creation, as scikit-learn's. None: unlimited,
        ids depth-first.
    min_impurity_decrease : float, default=0.0
        A node is split only if the weighted impurity decrease
        ``N_t / N * (I(t) - N_L / N_t * I(L) - N_R / N_t * I(R))`` is at least this.
    class_weight : dict, list of dict, 'balanced' or None, default=None
        Weights of the classes, multiplied into the sample weights ('balanced':
        ``n_samples / (n_classes * bincount(y))``).
    ccp_alpha : float, default=0.0
        Complexity parameter of minimal cost-complexity pruning; 0 does not prune.
    monotonic_cst : None, default=None
        Accepted for scikit-learn compatibility; constraints (any value but None) are
        refused: they need every candidate split checked against bounds passed down the
        tree, which the level-wise split search does not carry. Use scikit-learn's
        ``DecisionTreeClassifier(monotonic_cst=...)`` or
        ``HistGradientBoostingClassifier(monotonic_cst=...)``.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels, sorted.
    n_classes_ : int
        Number of classes.
    n_features_in_ : int
        Number of features seen in ``fit``.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names, when ``X`` was a DataFrame with string column names.
    max_features_ : int
        The number of features drawn at each node.
    n_outputs_ : int
        Always 1.
    tree_ : Tree
        The fitted tree as flat arrays (``children_left``, ``children_right``, ``feature``,
        ``threshold``, ``impurity``, ``n_node_samples``, ``weighted_n_node_samples``,
        ``value``, ``node_count``, ``max_depth``), laid out as scikit-learn's ``tree_``.
    feature_importances_ : ndarray of shape (n_features,)
        Total weighted impurity decrease brought by each feature, normalized to sum to 1.

    Notes
    -----
    A node ``t`` with weighted class counts ``n_c`` has impurity ``I(t)``; a candidate split
    into ``L`` and ``R`` is scored by the proxy ``-N_L I(L) - N_R I(R)`` (maximal where the
    impurity decrease is), over all thresholds halfway between consecutive distinct values of
    every feature (values within 1e-7 count as equal; features are compared in float32, as
    scikit-learn does). The tree is grown breadth-first and vectorized over all nodes of a
    level, all features and all thresholds (``mlkit.tree._cart_split``); Python loops run
    over levels, classes and features only. Afterwards a depth-first walk replays
    scikit-learn's random order of visiting features (its xorshift draws), which decides
    between equally good splits, and swaps in the subtrees of the cuts it prefers; node ids
    are numbered depth-first, left child first, as scikit-learn's.

    The result is scikit-learn's tree, node for node, for unit, integer or other exactly
    summable sample weights. With weights whose sums round, scikit-learn's running sums can
    leave an impurity of ~1e-16 in a pure node, which it goes on splitting, and ties between
    small nodes' cuts are then decided by the last bit of sums taken in different orders: the
    trees can differ below such nodes (a fully grown tree still predicts the same on its
    training data; with max_depth, min_samples_leaf, ccp_alpha or max_leaf_nodes the two can
    differ there too). With ``max_features`` below n_features, scikit-learn also draws random
    features at such a node, which shifts its draws for every later node. Samples of weight
    0 take no part, as in scikit-learn. Missing values are not supported: NaN is an error.
    Growth and prediction run on the host (NumPy); array-API inputs are moved there. Where
    many features tie exactly at many nodes -- discrete features, many classes on noisy
    labels -- replaying scikit-learn's order regrows many small subtrees, and the fit is
    several times slower than scikit-learn's (on make_classification it is faster).

    scipy.sparse X is taken, as in scikit-learn: CSC for ``fit``, CSR for ``predict``,
    ``apply`` and ``decision_path`` (other formats are converted), giving the tree the dense
    data gives. Routing a sparse X looks each sample's split feature up in its row, never
    making X dense. The split search on a sparse X (``mlkit.tree._cart_sparse``) reads only
    the stored entries of each node's samples (the implicit zeros of a feature in a node are
    one block), so ``fit`` needs O(nnz + n_samples) memory for the data, plus per searched node
    one best proxy, threshold and constant flag per feature (for the replay of scikit-learn's
    feature draws): O(nodes·n_features), which a deep tree on many features still feels.

    References
    ----------
    Breiman, Friedman, Olshen & Stone (1984), *Classification and Regression Trees*,
    Wadsworth (ch. 3: minimal cost-complexity pruning).
    Marsaglia (2003), "Xorshift RNGs", *Journal of Statistical Software* 8(14).

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from mlkit.tree import DecisionTreeClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> tree = DecisionTreeClassifier(max_depth=2, random_state=0).fit(X, y)
    >>> tree.get_depth(), tree.get_n_leaves()
    (2, 3)
    >>> float(tree.score(X, y))
    0.96
    """

    _parameter_constraints = {
        "criterion": [StrOptions({"gini", "entropy", "log_loss"})],
        "splitter": [StrOptions({"best"})],
        "max_depth": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "min_samples_split": [Interval(numbers.Integral, 2, None, closed="left"),
                              Interval(float, 0.0, 1.0, closed="right")],
        "min_samples_leaf": [Interval(numbers.Integral, 1, None, closed="left"),
                             Interval(float, 0.0, 1.0, closed="neither")],
        "min_weight_fraction_leaf": [Interval(numbers.Real, 0.0, 0.5, closed="both")],
        "max_features": [Interval(numbers.Integral, 1, None, closed="left"),
                         Interval(float, 0.0, 1.0, closed="right"),
                         StrOptions({"sqrt", "log2"}), None],
        "random_state": ["random_state"],
        "min_impurity_decrease": [Interval(numbers.Real, 0.0, None, closed="left")],
        "class_weight": [dict, list, StrOptions({"balanced"}), None],
        "max_leaf_nodes": [Interval(numbers.Integral, 2, None, closed="left"), None],
        "ccp_alpha": [Interval(numbers.Real, 0.0, None, closed="left")],
        "monotonic_cst": [None],
    }
    _not_offered = {
        "splitter": [NotOffered(
            ("random",), what="one random threshold per feature",
            why="the split search scores every threshold of a feature in one vectorized pass, "
                "so a random threshold would save no time, and it is not implemented",
            instead="draw features at random (max_features='sqrt' with a random_state), or use "
                    "sklearn.tree.ExtraTreeClassifier")],
        "monotonic_cst": [NotOffered(
            lambda v: v is not None, what="monotonicity constraints",
            why="they need every candidate split checked against bounds passed down the tree, "
                "which the level-wise split search does not carry",
            instead="use sklearn.tree.DecisionTreeClassifier(monotonic_cst=...) or "
                    "sklearn.ensemble.HistGradientBoostingClassifier(monotonic_cst=...)")],
    }
    _capabilities = Capabilities(
        fit=("numpy",), predict=("numpy",),
        host="tree growth and routing run in NumPy (array-API input is moved to the host)",
        test_params={"random_state": 0},
        sparse=True,
    )

    def __init__(self, *, criterion: str = "gini", splitter: str = "best",
                 max_depth: int | None = None, min_samples_split: int | float = 2,
                 min_samples_leaf: int | float = 1, min_weight_fraction_leaf: float = 0.0,
                 max_features: int | float | str | None = None,
                 random_state: RandomState = None, max_leaf_nodes: int | None = None,
                 min_impurity_decrease: float = 0.0,
                 class_weight: dict | list[dict] | str | None = None, ccp_alpha: float = 0.0,
                 monotonic_cst: ArrayLike | None = None) -> None:
        self.criterion = criterion
        self.splitter = splitter
        self.max_depth = max_depth
        self.min_samples_split = min_samples_split
        self.min_samples_leaf = min_samples_leaf
        self.min_weight_fraction_leaf = min_weight_fraction_leaf
        self.max_features = max_features
        self.random_state = random_state
        self.max_leaf_nodes = max_leaf_nodes
        self.min_impurity_decrease = min_impurity_decrease
        self.class_weight = class_weight
        self.ccp_alpha = ccp_alpha
        self.monotonic_cst = monotonic_cst

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags

    def _max_features(self, d):
        mf = self.max_features
        if mf is None:
            return d
        if mf == "sqrt":
            return max(1, int(np.sqrt(d)))
        if mf == "log2":
            return max(1, int(np.log2(d)))
        if isinstance(mf, numbers.Integral):
            return int(mf)
        return max(1, int(mf * d))

    def fit(self: _Self, X: ArrayLike, y: ArrayLike,
            sample_weight: ArrayLike | None = None) -> _Self:
        """Grow the tree on ``X`` (n_samples, n_features) and class labels ``y``."""
        validate_params(self)
        X, y = validate_data(self, host(X), host(y), classification=True,
                             accept_sparse="csc")
        X32 = _float32(X)
        self.classes_, y_idx = encode_labels(y, np, "cpu")
        self.n_classes_ = len(self.classes_)
        self.n_outputs_ = 1
        n, d = X32.shape
        w = check_sample_weight(host(sample_weight), n, np, "cpu", np.float64)
        weighted = w is not None or self.class_weight is not None
        w = np.ones(n) if w is None else np.asarray(w, dtype=np.float64)
        if self.class_weight is not None:
            w = w * compute_sample_weight(self.class_weight, y)
        min_leaf = _count(self.min_samples_leaf, n)
        min_split = max(_count(self.min_samples_split, n, minimum=2), 2 * min_leaf)
        w_total = float(np.sum(w))
        self.max_features_ = self._max_features(d)
        if self.max_features_ > d:
            raise ValueError(f"max_features={self.max_features} is larger than the number "
                             f"of features, {d}.")
        seed = check_random_state(self.random_state).randint(0, _RAND_R_MAX)
        Grow: type[Grower]
        if sparse.issparse(X32):  # the stored entries only, in rows (see the Notes)
            XT, Grow = SparseColumns(X32), SparseGrower
        else:
            XT, Grow = _feature_major(X32), Grower
        X = X32 = None  # (copies made by the validation: free them during growth)
        grower = Grow(
            XT, y_idx.astype(np.intp), w, self.n_classes_,
            CRITERIA[self.criterion],
            max_depth=np.iinfo(np.int32).max if self.max_depth is None else self.max_depth,
            min_samples_split=min_split, min_samples_leaf=min_leaf,
            min_weight_leaf=self.min_weight_fraction_leaf * (w_total if weighted else n),
            min_impurity_decrease=self.min_impurity_decrease,
            unit_weights=bool(np.all(w == 1.0)),
        )
        grower.grow([np.flatnonzero(w != 0)], 0, TREE_LEAF)  # weightless samples play no part
        if self.max_features_ == d:
            grower.grow_alternatives()
        if self.max_leaf_nodes is None:
            order = grower.replay_feature_order(seed, self.max_features_)
        else:
            order = grower.best_first(seed, self.max_features_, self.max_leaf_nodes)
        tree = Tree(grower.nodes, order)
        self._w_total = w_total
        if self.ccp_alpha > 0:
            tree = tree.prune(self.ccp_alpha, w_total)
        self.tree_ = tree
        self.feature_importances_ = _feature_importances(tree, d)
        return self

    def cost_complexity_pruning_path(self, X: ArrayLike, y: ArrayLike,
                                     sample_weight: ArrayLike | None = None) -> Any:
        """The effective alphas of minimal cost-complexity pruning and the leaves' impurity.

        Grows the full tree (``ccp_alpha=0``) and prunes its weakest link repeatedly.
        Returns a Bunch with ``ccp_alphas`` (increasing, 0 first) and ``impurities`` (the
        total weighted leaf impurity of the subtree at each alpha); fitting with
        ``ccp_alpha`` set to one of these alphas gives that subtree.
        """
        from sklearn.base import clone
        from sklearn.utils import Bunch

        full = clone(self).set_params(ccp_alpha=0.0).fit(X, y, sample_weight)
        alphas, costs, _ = full.tree_.weakest_links(full._w_total)
        return Bunch(ccp_alphas=alphas, impurities=costs)

    # -- after fit ----------------------------------------------------------------------------

    def _X32(self, X):
        check_is_fitted(self, "tree_")
        return _float32(validate_data(self, host(X), reset=False, accept_sparse="csr"))

    def apply(self, X: ArrayLike) -> Array:
        """The id of the leaf each sample ends in."""
        X32 = self._X32(X)
        return self.tree_.apply(X32)

    def decision_path(self, X: ArrayLike) -> Any:
        """Sparse (CSR) indicator of the nodes each sample passes through."""
        X32 = self._X32(X)
        return self.tree_.decision_path(X32)

    def predict_proba(self, X: ArrayLike) -> Array:
        """Class probabilities: the weighted class fractions of each sample's leaf."""
        leaf = self.apply(X)
        return self.tree_.value[leaf, 0, :]

    def predict_log_proba(self, X: ArrayLike) -> Array:
        """Logarithm of ``predict_proba`` (-inf for classes absent from the leaf)."""
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    def predict(self, X: ArrayLike) -> Array:
        """The most frequent (weighted) class of each sample's leaf (first on ties)."""
        check_is_fitted(self, "tree_")
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]

    def get_depth(self) -> int:
        """Depth of the tree: the largest number of edges from the root to a leaf."""
        check_is_fitted(self, "tree_")
        return self.tree_.max_depth

    def get_n_leaves(self) -> int:
        """Number of leaves."""
        check_is_fitted(self, "tree_")
        return self.tree_.n_leaves

    def _tree_nodes(self):
        """The nodes for the exporters: one dict per node, in node-id order (root 0)."""
        check_is_fitted(self, "tree_")
        t = self.tree_
        names = getattr(self, "feature_names_in_", None)
        names = ([str(s) for s in names] if names is not None
                 else [f"feature_{i}" for i in range(self.n_features_in_)])
        out = []
        for i in range(t.node_count):
            p = int(t.parent[i])
            cond = None
            if p >= 0:
                op = "<=" if t.children_left[p] == i else ">"
                cond = f"{names[t.feature[p]]} {op} {_fmt(t.threshold[p])}"
            leaf = t.children_left[i] == TREE_LEAF
            out.append({
                "id": i, "parent": p, "depth": int(t.depth[i]), "condition": cond,
                "is_leaf": bool(leaf), "class_counts": t.class_counts[i].copy(),
                "children": [] if leaf else [int(t.children_left[i]), int(t.children_right[i])],
                "feature": -1 if leaf else int(t.feature[i]),
                "threshold": np.nan if leaf else np.float64(t.threshold[i]),
                "categories": None,
                "impurity": np.float64(t.impurity[i]),
                "criterion": str(self.criterion),
                "n_samples": int(t.n_node_samples[i]),
                "weighted_n_samples": np.float64(t.weighted_n_node_samples[i]),
                "value": t.value[i, 0].copy(),
            })
        return out


def _fmt(threshold):
    return f"{threshold:.6g}"


def _float32(X):
    """Features as float32 (the precision scikit-learn's trees compare in); a sparse X stays
    sparse."""
    with np.errstate(over="ignore"):
        X32 = X.astype(np.float32) if sparse.issparse(X) else np.asarray(X, dtype=np.float32)
    if not np.all(np.isfinite(X32.data if sparse.issparse(X32) else X32)):
        raise ValueError("Input X contains infinity or a value too large for dtype('float32').")
    return X32


def _feature_importances(tree, d):
    """Total weighted impurity decrease per feature, normalized (the 'Gini importance')."""
    inner = np.flatnonzero(tree.children_left != TREE_LEAF)
    left, right = tree.children_left[inner], tree.children_right[inner]
    wi = tree.weighted_n_node_samples * tree.impurity
    decrease = wi[inner] - wi[left] - wi[right]
    imp = np.bincount(tree.feature[inner], weights=decrease, minlength=d)
    imp = imp / tree.weighted_n_node_samples[0]
    total = imp.sum()
    return imp / total if total > 0 else imp
