"""What ID3Classifier and C45Classifier share: input handling, prediction, the tree's API.

Trees are grown and routed on the host: the inputs (NumPy, pandas, lists, or any array-API
array, moved to the host at the entrance) become one float64 matrix of numeric values and
category codes (``_columns``); the tree is grown level by level (``_grow``) and, for C4.5,
simplified (``_prune``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import sparse

from .._array import host, to_host
from .._typing import Array, ArrayLike
from .._validation import check_is_fitted, encode_labels, validate_data
from . import _columns
from ._criteria import entropy, information_gain
from ._grow import grow
from ._structure import route

_NOT_FITTED = "tree_"


class MultiwayTreeMixin:
    """fit/predict for trees with multiway categorical and binary numeric splits."""

    _unknown = "spread"  # what a case with a missing or unseen value does at a split
    _allow_nan = True

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = self._allow_nan
        tags.input_tags.categorical = True
        return tags

    # -- data --------------------------------------------------------------------------------

    def _encode_fit(self, X, y):
        X, y = host(X), host(y)
        declared = _columns.frame_categories(X)
        Xv, y = validate_data(self, _as_object_frame(X), y, dtype=None, allow_nan=self._allow_nan,
                              classification=True)
        names = getattr(self, "feature_names_in_", None)
        self.is_categorical_ = _columns.categorical_mask(X, Xv, self.categorical_features,
                                                         names, type(self).__name__)
        self.categories_ = _columns.fit_categories(Xv, self.is_categorical_, declared)
        Z = _columns.encode(Xv, self.is_categorical_, self.categories_)
        self._check_missing(Z, fit=True)
        classes, y_idx = encode_labels(y, np, None)
        return Z, classes, np.asarray(y_idx, dtype=np.int64)

    def _encode(self, X):
        check_is_fitted(self, _NOT_FITTED)
        X = _as_object_frame(host(X))
        Xv = validate_data(self, X, reset=False, dtype=None, allow_nan=self._allow_nan)
        Z = _columns.encode(Xv, self.is_categorical_, self.categories_)
        self._check_missing(Z, fit=False)
        return Z

    def _check_missing(self, Z, fit):
        if self._allow_nan or not np.isnan(Z).any():
            return
        col = int(np.flatnonzero(np.isnan(Z).any(axis=0))[0])
        raise ValueError(
            f"Input X contains NaN (a missing value in column {self._feature_name(col)!r}); "
            f"{type(self).__name__} does not handle missing values: impute them, or use "
            "C45Classifier, which does."
        )

    def _sample_weight(self, sample_weight, n):
        if sample_weight is None:
            return np.ones(n)
        sw = np.asarray(to_host(host(sample_weight)) if not np.isscalar(sample_weight)
                        else np.full(n, float(sample_weight)), dtype=np.float64)
        if sw.ndim != 1:
            raise ValueError(
                f"Sample weights must be 1D array or scalar, got {sw.ndim}D array instead.")
        if sw.shape[0] != n:
            raise ValueError(f"sample_weight.shape == {sw.shape}, expected ({n},)!")
        if not np.all(np.isfinite(sw)):
            raise ValueError("sample_weight contains NaN or infinity.")
        if np.any(sw < 0):
            raise ValueError("Negative values in data passed to `sample_weight`")
        if not np.any(sw > 0):
            raise ValueError("sample_weight is zero for every sample; nothing to learn.")
        return sw

    # -- fit ---------------------------------------------------------------------------------

    def _fit(self, X, y, sample_weight, params):
        Z, classes, y_idx = self._encode_fit(X, y)
        sw = self._sample_weight(sample_weight, Z.shape[0])
        n_cats = np.array([0 if c is None else len(c) for c in self.categories_], dtype=np.int64)
        tree = grow(Z, self.is_categorical_, n_cats, y_idx, sw, classes.shape[0], params)
        tree = self._simplify(tree, Z, y_idx, sw)
        self.classes_ = classes
        self.n_classes_ = int(classes.shape[0])
        self.tree_ = tree
        self.feature_importances_ = self._importances(tree)
        return self

    def _simplify(self, tree, Z, y, sample_weight):
        return tree

    def _importances(self, tree):
        """Total weighted information gain of each feature's splits, normalized to sum 1."""
        inner = np.flatnonzero(~tree.is_leaf)
        imp = np.zeros(self.n_features_in_)
        if inner.size:
            width = int(tree.n_children[inner].max())
            idx = tree.child_start[inner][:, None] + np.arange(width)
            valid = np.arange(width) < tree.n_children[inner][:, None]
            kids = tree.counts[np.where(valid, idx, 0)] * valid[..., None]
            parent = tree.counts[inner]
            gain = parent.sum(axis=1) * information_gain(parent, kids)
            imp = np.bincount(tree.feature[inner], np.maximum(gain, 0.0),
                              minlength=self.n_features_in_)
        total = imp.sum()
        return imp / total if total > 0 else imp

    # -- predict -----------------------------------------------------------------------------

    def _route(self, Z):
        n = Z.shape[0]
        return route(self.tree_, Z, np.arange(n), np.ones(n), np.zeros(n, dtype=np.int64),
                     unknown=self._unknown)

    def predict_proba(self, X: ArrayLike) -> Array:
        """Class probabilities: the class distribution of the leaf each case reaches (a
        weighted mix of leaves for cases with missing or unseen values)."""
        Z = self._encode(X)
        nodes, samples, weights, terminal = self._route(Z)
        value = self.tree_.value[nodes[terminal]] * weights[terminal, None]
        proba = np.zeros((Z.shape[0], self.n_classes_))
        for k in range(self.n_classes_):
            proba[:, k] = np.bincount(samples[terminal], value[:, k], minlength=Z.shape[0])
        return proba / proba.sum(axis=1, keepdims=True)

    def predict_log_proba(self, X: ArrayLike) -> Array:
        """Logarithm of ``predict_proba`` (-inf for classes of probability 0)."""
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    def predict(self, X: ArrayLike) -> Array:
        """The most probable class (the first one on ties)."""
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]

    def apply(self, X: ArrayLike) -> Array:
        """The leaf each case reaches (with missing values: the leaf holding most of its
        weight)."""
        Z = self._encode(X)
        nodes, samples, weights, terminal = self._route(Z)
        nodes, samples, weights = nodes[terminal], samples[terminal], weights[terminal]
        order = np.lexsort((nodes, -weights, samples))
        first = np.ones(order.size, dtype=bool)
        first[1:] = samples[order][1:] != samples[order][:-1]
        out = np.empty(Z.shape[0], dtype=np.int64)
        out[samples[order][first]] = nodes[order][first]
        return out

    def decision_path(self, X: ArrayLike) -> Any:
        """Sparse indicator matrix (n_samples, n_nodes): the nodes each case passes through."""
        Z = self._encode(X)
        nodes, samples, _, _ = self._route(Z)
        m = sparse.csr_matrix((np.ones(nodes.size, dtype=np.int64), (samples, nodes)),
                              shape=(Z.shape[0], self.tree_.n_nodes))
        m.data[:] = 1
        return m

    def get_depth(self) -> int:
        """Depth of the tree (a single leaf has depth 0)."""
        check_is_fitted(self, _NOT_FITTED)
        return int(self.tree_.depth.max())

    def get_n_leaves(self) -> int:
        """Number of leaves."""
        check_is_fitted(self, _NOT_FITTED)
        return int(self.tree_.is_leaf.sum())

    # -- the exporters' protocol -------------------------------------------------------------

    def _feature_name(self, j):
        names = getattr(self, "feature_names_in_", None)
        return str(names[j]) if names is not None else f"feature_{j}"

    def _condition(self, parent, branch):
        t = self.tree_
        f = int(t.feature[parent])
        name = self._feature_name(f)
        if t.is_categorical[parent]:
            return f"{name} = {_category_text(self.categories_[f][branch])}"
        op = "<=" if branch == 0 else ">"
        return f"{name} {op} {float(t.threshold[parent]):.6g}"

    def _tree_nodes(self):
        """The nodes as dicts, in node-id order (root = 0): the exporters' protocol."""
        check_is_fitted(self, _NOT_FITTED)
        t = self.tree_
        nodes = []
        for i in range(t.n_nodes):
            p = int(t.parent[i])
            kids = list(range(int(t.child_start[i]), int(t.child_start[i] + t.n_children[i])))
            inner, f = bool(t.feature[i] >= 0), int(t.feature[i])
            numeric = inner and not bool(t.is_categorical[i])
            counts = np.asarray(t.counts[i], dtype=np.float64)
            total = np.float64(counts.sum())
            nodes.append({
                "id": i,
                "parent": p,
                "depth": int(t.depth[i]),
                "condition": None if p < 0 else self._condition(p, int(t.branch[i])),
                "is_leaf": bool(t.feature[i] < 0),
                "class_counts": counts,
                "children": kids if inner else [],
                "feature": int(t.feature[i]),
                "threshold": np.float64(t.threshold[i]) if numeric else np.nan,
                "categories": ([_category_text(self.categories_[f][int(t.branch[k])])
                                for k in kids] if inner and not numeric else None),
                "impurity": np.float64(entropy(counts)) + 0.0,  # no negative zero for a pure node
                "criterion": "entropy",
                "n_samples": total,
                "weighted_n_samples": total,
                "value": np.asarray(t.value[i], dtype=np.float64),
            })
        return nodes


def _category_text(value):
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value)).lower()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _as_object_frame(X):
    """A DataFrame with categorical columns as object columns (scikit-learn's validation
    would try to make extension dtypes numeric)."""
    mask = _columns.frame_categorical_mask(X)
    if mask is not None and mask.any():
        return X.astype(object)
    return X
