"""The exporters' view of a fitted tree: its nodes (``est._tree_nodes()``), walks over them,
and the names of its features and classes (see ``_export`` for the fields of a node)."""

from __future__ import annotations

import numpy as np

from .._validation import check_is_fitted, validate_param


def _nodes(est):
    check_is_fitted(est)
    if not hasattr(est, "_tree_nodes"):
        raise TypeError(f"{type(est).__name__} is not a tree of mlkit.tree (no _tree_nodes).")
    return est._tree_nodes()


def _preorder(nodes, max_depth=None):
    """Node ids depth-first, children in branch order; below ``max_depth`` nothing."""
    stack, out = [0], []
    while stack:
        i = stack.pop()
        out.append(i)
        if max_depth is None or nodes[i]["depth"] < max_depth:
            stack.extend(reversed(nodes[i]["children"]))
    return out


def _height(nodes, i):
    """Number of levels of the subtree of node ``i`` (1 for a leaf)."""
    levels, frontier = 0, [i]
    while frontier:
        levels += 1
        frontier = [c for j in frontier for c in nodes[j]["children"]]
    return levels


def _own_names(est):
    """The tree's own feature names: ``feature_names_in_``, else ``feature_<j>``."""
    names = getattr(est, "feature_names_in_", None)
    if names is not None:
        return [str(n) for n in names]
    return [f"feature_{j}" for j in range(est.n_features_in_)]


def _given_names(feature_names, est, owner, message=None):
    """``feature_names`` as a list of str, checked against the number of features."""
    if feature_names is None:
        return None
    validate_param(owner, "feature_names", feature_names, ["array-like", None])
    names = list(feature_names)
    if len(names) != est.n_features_in_:
        raise ValueError((message or "feature_names must contain {d} elements, got {n}")
                         .format(d=est.n_features_in_, n=len(names)))
    return names


def _class_labels(est, class_names, owner):
    """The class label of each class index: ``class_names`` or ``classes_``."""
    if class_names is None:
        return list(est.classes_)
    validate_param(owner, "class_names", class_names, ["array-like", None])
    names = list(class_names)
    if len(names) != len(est.classes_):
        raise ValueError(
            "When `class_names` is an array, it should contain as many items as "
            f"`decision_tree.classes_`. Got {len(names)} while the tree was fitted with "
            f"{len(est.classes_)} classes.")
    return names


def _edge(nodes, i):
    """The test on the edge into node ``i``: (feature, op, value), op '<=', '>' or '=='
    (value the threshold, or the category as text); None at the root."""
    p = nodes[i]["parent"]
    if p < 0:
        return None
    parent = nodes[p]
    branch = parent["children"].index(i)
    if parent["categories"] is not None:
        return parent["feature"], "==", parent["categories"][branch]
    return parent["feature"], ("<=" if branch == 0 else ">"), parent["threshold"]


def _is_integral(counts):
    counts = np.asarray(counts, dtype=np.float64)
    return bool(np.all(counts == np.round(counts)))


def _count(x):
    """A weight: an integer as an integer, anything else with two decimals."""
    x = float(x)
    return str(round(x)) if x == round(x) else f"{x:.2f}"


def _majority(node):
    return int(np.argmax(node["value"]))
