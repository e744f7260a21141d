"""Exporting a fitted tree: indented text, if-then rules, Graphviz DOT (a drawing: ``_plot``).

Every exporter reads only ``est._tree_nodes()`` and ``est.classes_``, so it serves every tree
of ``mlkit.tree``. ``_tree_nodes()`` returns one dict per node in node-id order (root = 0):

- ``id``, ``parent`` (-1 at the root), ``depth``, ``children`` (ids, in branch order),
  ``is_leaf``;
- the node's own test: ``feature`` (-1 at a leaf), ``threshold`` (a numeric split sends
  ``x <= threshold`` to the first child and the rest to the second; NaN otherwise) and
  ``categories`` (a multiway categorical split: the category of each child, as text; None
  otherwise);
- ``condition``: the test on the edge from the parent as text (None at the root);
- ``class_counts`` (weighted, over ``classes_``), ``value`` (the class distribution the node
  predicts: an empty node predicts its parent's), ``weighted_n_samples``, ``n_samples``
  (training rows; a multiway tree, whose cases can be split fractionally, gives the weight),
  ``impurity`` and the ``criterion`` it is measured by.

With ``style='sklearn'`` the text, the DOT and the drawing are scikit-learn's, character for
character on CART trees, except that integer counts are always printed as integers
(scikit-learn multiplies the class fractions back by the node weight, and a count such as
1 = (1/49) * 49 can come back as 0.9999999999999999, printed ``1.0``).
"""

from __future__ import annotations

import io
import numbers
from typing import Any

import numpy as np

from .._typing import ArrayLike
from .._validation import Interval, StrOptions, validate_param
from ._export_labels import _DOT, _DOT_HTML, _edge_label, _fill, _Labeller, _palette
from ._export_nodes import (
    _class_labels,
    _count,
    _edge,
    _given_names,
    _height,
    _majority,
    _nodes,
    _own_names,
    _preorder,
)

__all__ = ["export_graphviz", "export_rules", "export_text"]


# ---------------------------------------------------------------------------------------------
# Text
# ---------------------------------------------------------------------------------------------


def export_text(decision_tree: Any, *, feature_names: ArrayLike | None = None,
                class_names: ArrayLike | None = None, max_depth: int | None = 10,
                spacing: int = 3, decimals: int = 2, show_weights: bool = False,
                style: str = "sklearn", show_counts: bool | None = None) -> str:
    """The tree as indented text: scikit-learn's ``export_text``, or C4.5/J48's.

    Parameters
    ----------
    decision_tree : fitted tree of ``mlkit.tree``
    feature_names : array-like of str, optional
        Names of the features (default: ``feature_0``, ``feature_1``, ... as in scikit-learn,
        or with ``style='j48'`` the tree's own ``feature_names_in_``).
    class_names : array-like, optional
        Names of the classes, in the order of ``classes_`` (default: ``classes_``).
    max_depth : int, default=10
        Only the first ``max_depth`` levels are written; a deeper subtree becomes one line
        ``truncated branch of depth N`` (a leaf is still written).
    spacing : int, default=3
        Width of each indentation level.
    decimals : int, default=2
        Decimals of the thresholds and of the weights.
    show_weights : bool, default=False
        Write each leaf's weighted class counts.
    style : {'sklearn', 'j48'}, default='sklearn'
        'sklearn': scikit-learn's layout (``|--- x <= 0.80``), equal to
        ``sklearn.tree.export_text`` character for character on a CART tree. 'j48': C4.5's
        and Weka's J48's (``x <= 0.8: class (N/E)``), which takes ``feature_names``,
        ``class_names`` and ``show_counts``, and writes every level.
    show_counts : bool, optional
        With ``style='j48'``: end each leaf with ``(N/E)``, N the weight of the training cases
        reaching it and E those misclassified (omitted when 0). Default True.

    Returns
    -------
    str

    Notes
    -----
    On an ID3 or C4.5 tree a multiway split on a categorical column writes one line per
    branch, the test as the tree states it: ``|--- outlook == sunny`` (scikit-learn's trees
    have no such splits). The class of a leaf no training case reached is its parent's.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from mlkit.tree import DecisionTreeClassifier, export_text
    >>> X, y = load_iris(return_X_y=True)
    >>> tree = DecisionTreeClassifier(max_depth=2, random_state=0).fit(X, y)
    >>> print(export_text(tree, feature_names=["sl", "sw", "pl", "pw"]))
    |--- pw <= 0.80
    |   |--- class: 0
    |--- pw >  0.80
    |   |--- pw <= 1.75
    |   |   |--- class: 1
    |   |--- pw >  1.75
    |   |   |--- class: 2
    <BLANKLINE>
    """
    return _text(decision_tree, feature_names, class_names, style, show_counts,
                 (max_depth, spacing, decimals, show_weights))


def _check_text_params(style, max_depth, spacing, decimals, show_weights, show_counts):
    """``export_text``'s parameter checks."""
    owner = "export_text"
    validate_param(owner, "style", style, [StrOptions({"sklearn", "j48"})])
    validate_param(owner, "max_depth", max_depth, [Interval(numbers.Integral, 0, None,
                                                            closed="left"), None])
    validate_param(owner, "spacing", spacing, [Interval(numbers.Integral, 1, None,
                                                        closed="left")])
    validate_param(owner, "decimals", decimals, [Interval(numbers.Integral, 0, None,
                                                          closed="left")])
    validate_param(owner, "show_weights", show_weights, ["boolean"])
    validate_param(owner, "show_counts", show_counts, ["boolean", None])


def _text(est, feature_names, class_names, style, show_counts, layout):
    """``export_text``; ``layout`` is (max_depth, spacing, decimals, show_weights) of the
    scikit-learn style."""
    _check_text_params(style, *layout, show_counts)
    nodes = _nodes(est)
    names = _given_names(feature_names, est, "export_text")
    labels = _class_labels(est, class_names, "export_text")
    if style == "j48":
        return _j48_text(nodes, names or _own_names(est), labels,
                         True if show_counts is None else show_counts)
    if show_counts is not None:
        raise ValueError("show_counts applies to style='j48'; with style='sklearn' use "
                         "show_weights.")
    names = names or [f"feature_{j}" for j in range(est.n_features_in_)]
    return _sklearn_text(nodes, names, labels, *layout)


def _sklearn_text(nodes, names, labels, max_depth, spacing, decimals, show_weights):
    """scikit-learn's layout: a line per edge (``|--- x <= 0.80``) and per leaf, indented by
    depth; below ``max_depth`` an inner node is one ``truncated branch`` line."""
    max_depth = np.inf if max_depth is None else max_depth
    lines = []

    def walk(i):
        node = nodes[i]
        indent = ("|" + " " * spacing) * (node["depth"] + 1)
        indent = indent[:-spacing] + "-" * spacing
        if node["depth"] > max_depth and not node["is_leaf"]:
            lines.append(f"{indent} truncated branch of depth {_height(nodes, i)}")
            return
        if node["is_leaf"]:
            lines.append(_leaf_line(node, indent, labels, decimals, show_weights))
            return
        for child in node["children"]:
            feature, op, value = _edge(nodes, child)
            if op == "==":
                lines.append(f"{indent} {names[feature]} == {value}")
            else:
                op = "<=" if op == "<=" else "> "
                lines.append(f"{indent} {names[feature]} {op} {value:.{decimals}f}")
            walk(child)

    walk(0)
    return "".join(line + "\n" for line in lines)


def _leaf_line(node, indent, labels, decimals, show_weights):
    """A leaf's line: its class, after its weighted class counts with ``show_weights``."""
    label = labels[_majority(node)]
    if not show_weights:
        return f"{indent} class: {label}"
    weights = node["value"] * node["weighted_n_samples"]
    return (f"{indent} weights: [" + ", ".join(f"{w:.{decimals}f}" for w in weights)
            + "] class: " + str(label))


def _j48_condition(nodes, i, names):
    feature, op, value = _edge(nodes, i)
    if op == "==":
        return f"{names[feature]} = {value}"
    return f"{names[feature]} {op} {float(value):.6g}"


def _fmt_j48(x):
    """Weka's counts: one decimal for whole numbers, two otherwise."""
    return f"{x:.1f}" if abs(x - round(x)) < 1e-9 else f"{x:.2f}"


def _j48_text(nodes, names, labels, show_counts):
    lines = []
    for i in _preorder(nodes):
        node = nodes[i]
        if node["parent"] < 0 and not node["is_leaf"]:
            continue
        text = "|   " * max(node["depth"] - 1, 0)
        if node["parent"] >= 0:
            text += _j48_condition(nodes, i, names)
        if node["is_leaf"]:
            counts = np.asarray(node["class_counts"], dtype=np.float64)
            total = float(counts.sum())
            errors = total - float(counts[_majority(node)])
            text += f": {labels[_majority(node)]}"
            if show_counts:
                text += f" ({_fmt_j48(total)}" + (f"/{_fmt_j48(errors)})" if errors > 1e-9
                                                  else ")")
        lines.append(text)
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Rules
# ---------------------------------------------------------------------------------------------


def _simplified(tests):
    """Merge the numeric tests on one feature along a path into one interval, written where
    the feature is first tested: ``x > 0.6 AND x > 1.7`` -> ``x > 1.7``, ``x > 0.6 AND
    x <= 1.7`` -> ``0.6 < x <= 1.7``. Categorical tests stay as they are."""
    bounds, order = {}, []
    for feature, op, value in tests:
        if op == "==":
            order.append((feature, op, value))
            continue
        if feature not in bounds:
            bounds[feature] = [-np.inf, np.inf]
            order.append((feature, "interval", None))
        lo_hi = bounds[feature]
        if op == ">":
            lo_hi[0] = max(lo_hi[0], float(value))
        else:
            lo_hi[1] = min(lo_hi[1], float(value))
    out = []
    for feature, op, value in order:
        if op == "interval":
            lo, hi = bounds[feature]
            op, value = ((">", lo) if hi == np.inf else ("<=", hi) if lo == -np.inf
                         else ("<>", (lo, hi)))
        out.append((feature, op, value))
    return out


def _path_tests(nodes, i):
    """The tests on the edges from the root down to node ``i``, root first."""
    tests = []
    while nodes[i]["parent"] >= 0:
        tests.append(_edge(nodes, i))
        i = nodes[i]["parent"]
    return tests[::-1]


def _rule_test(test, names):
    """A test (feature, op, value) as text: ``x = a``, ``x > 0.5`` or ``0.2 < x <= 0.5``."""
    feature, op, value = test
    name = names[feature]
    if op == "==":
        return f"{name} = {value}"
    if op == "<>":
        return f"{value[0]:.6g} < {name} <= {value[1]:.6g}"
    return f"{name} {op} {float(value):.6g}"


def export_rules(decision_tree: Any, *, feature_names: ArrayLike | None = None,
                 class_names: ArrayLike | None = None, class_name: str = "class",
                 simplify: bool = True) -> str:
    """One if-then rule per leaf, with its support and confidence.

    Support is the weight of the training cases reaching the leaf (and its share of all
    cases); confidence is the share of them that are of the predicted class.

    Parameters
    ----------
    decision_tree : fitted tree of ``mlkit.tree``
    feature_names : array-like of str, optional
        Default: the tree's ``feature_names_in_``, else ``feature_0``, ``feature_1``, ...
    class_names : array-like, optional
        Names of the classes, in the order of ``classes_`` (default: ``classes_``).
    class_name : str, default='class'
        The word for the target in ``THEN class = ...``.
    simplify : bool, default=True
        Merge the numeric tests on one feature along a path into the tightest one, or one
        interval: ``x > 0.6 AND x > 1.7`` is ``x > 1.7``, ``x > 0.6 AND x <= 1.7`` is
        ``0.6 < x <= 1.7`` (written where the feature is first tested). A rule selects the
        same cases either way.

    Returns
    -------
    str, one rule per line, leaves in depth-first order.
    """
    owner = "export_rules"
    validate_param(owner, "simplify", simplify, ["boolean"])
    nodes = _nodes(decision_tree)
    names = _given_names(feature_names, decision_tree, owner) or _own_names(decision_tree)
    labels = _class_labels(decision_tree, class_names, owner)
    grand = float(np.sum(nodes[0]["class_counts"]))
    rules = []
    for i in _preorder(nodes):
        if not nodes[i]["is_leaf"]:
            continue
        tests = _path_tests(nodes, i)
        if simplify:
            tests = _simplified(tests)
        counts = np.asarray(nodes[i]["class_counts"], dtype=np.float64)
        total, k = float(counts.sum()), _majority(nodes[i])
        confidence = float(counts[k]) / total if total > 0 else 0.0
        share = total / grand if grand > 0 else 0.0
        head = ("IF " + " AND ".join(_rule_test(t, names) for t in tests) if tests
                else "ALWAYS")
        rules.append(f"{head} THEN {class_name} = {labels[k]}  "
                     f"[support {_count(total)} ({share:.1%}), confidence {confidence:.1%}]")
    return "\n".join(rules)


# ---------------------------------------------------------------------------------------------
# Graphviz
# ---------------------------------------------------------------------------------------------


def export_graphviz(decision_tree: Any, out_file: Any = None, *, max_depth: int | None = None,
                    feature_names: ArrayLike | None = None, class_names: Any = None,
                    label: str = "all", filled: bool = False, leaves_parallel: bool = False,
                    impurity: bool = True, node_ids: bool = False, proportion: bool = False,
                    rotate: bool = False, rounded: bool = False,
                    special_characters: bool = False, precision: int | None = 3,
                    fontname: str = "helvetica") -> str | None:
    """The tree in Graphviz's DOT language (render with ``dot -Tpng``), as scikit-learn's.

    Parameters are scikit-learn's ``export_graphviz``'s: ``out_file`` (None: return the
    text; a path or an object with ``write``: write it there), ``max_depth`` (deeper nodes
    are drawn as ``(...)``), ``feature_names`` (default ``x[0]``, ``x[1]``, ...),
    ``class_names`` (array-like, or True for ``y[k]``; default: no class line), ``label``
    ('all', 'root' or 'none': where the field names are written), ``filled`` (colour by
    majority class and purity), ``leaves_parallel``, ``impurity``, ``node_ids``,
    ``proportion`` (fractions and percentages instead of counts), ``rotate`` (left to
    right), ``rounded``, ``special_characters`` (an HTML-like label), ``precision``
    (digits of thresholds, impurities and fractions) and ``fontname``.

    Returns
    -------
    str, or None when written to ``out_file``.

    Notes
    -----
    On a CART tree the text equals ``sklearn.tree.export_graphviz``'s for the same tree,
    except that integer counts are always integers. On an ID3 or C4.5 tree the impurity is
    the entropy (in bits) of the node's class counts, ``samples`` is the weight of the
    training cases reaching the node (C4.5 splits a case with a missing value into
    fractions), a multiway categorical split names its feature in the node and writes each
    category on its edge (``[label="sunny"]``), and an empty branch (a category no training
    case at the node had) predicts its parent's majority class.
    """
    flags = {"filled": filled, "leaves_parallel": leaves_parallel, "impurity": impurity,
             "node_ids": node_ids, "proportion": proportion, "rotate": rotate,
             "rounded": rounded, "special_characters": special_characters}
    _check_graphviz_params(max_depth, label, precision, fontname, flags, feature_names)
    nodes = _nodes(decision_tree)
    names = _given_names(feature_names, decision_tree, "export_graphviz",
                         "Length of feature_names, {n} does not match number of features, {d}")
    marks = _DOT_HTML if special_characters else _DOT
    text = _Labeller(decision_tree, nodes, feature_names=names, class_names=class_names,
                     label=label, impurity=impurity, node_ids=node_ids,
                     proportion=proportion, precision=precision, marks=marks,
                     owner="export_graphviz")
    palette = _palette(len(decision_tree.classes_)) if filled else None
    out = io.StringIO()
    _dot_header(out.write, fontname, filled, rounded, leaves_parallel, rotate)
    _dot_nodes(out.write, nodes, text, marks, palette, max_depth, leaves_parallel, rotate)
    return _write_dot(out.getvalue(), out_file)


def _check_graphviz_params(max_depth, label, precision, fontname, flags, feature_names):
    """``export_graphviz``'s parameter checks (``flags``: the boolean ones by name)."""
    owner = "export_graphviz"
    validate_param(owner, "max_depth", max_depth, [Interval(numbers.Integral, 0, None,
                                                            closed="left"), None])
    validate_param(owner, "label", label, [StrOptions({"all", "root", "none"})])
    validate_param(owner, "precision", precision, [Interval(numbers.Integral, 0, None,
                                                            closed="left"), None])
    validate_param(owner, "fontname", fontname, [str])
    for name, flag in flags.items():
        validate_param(owner, name, flag, ["boolean"])
    if feature_names is not None and any(not isinstance(n, str) for n in feature_names):
        raise ValueError("All feature names must be strings.")


def _dot_header(w, fontname, filled, rounded, leaves_parallel, rotate):
    """The graph's opening lines: node and edge attributes, layout options."""
    style = [s for s, on in [("filled", filled), ("rounded", rounded)] if on]
    w("digraph Tree {\nnode [shape=box")
    if style:
        w(f', style="{", ".join(style)}", color="black"')
    w(f', fontname="{fontname}"] ;\n')
    if leaves_parallel:
        w("graph [ranksep=equally, splines=polyline] ;\n")
    w(f'edge [fontname="{fontname}"] ;\n')
    if rotate:
        w("rankdir=LR ;\n")


def _dot_nodes(w, nodes, text, marks, palette, max_depth, leaves_parallel, rotate):
    """A statement per node and per edge, depth-first (below ``max_depth``: ``(...)``), the
    ranks of ``leaves_parallel``, and the closing brace."""
    filled = palette is not None
    ranks = {"leaves": []}
    for i in _preorder(nodes, max_depth=None if max_depth is None else max_depth + 1):
        node, p = nodes[i], nodes[i]["parent"]
        cut = max_depth is not None and node["depth"] > max_depth
        if node["is_leaf"] or cut:
            ranks["leaves"].append(str(i))
        else:
            ranks.setdefault(str(node["depth"]), []).append(str(i))
        if cut:
            w(f'{i} [label="(...)"' + (', fillcolor="#C0C0C0"' if filled else "") + "] ;\n")
        else:
            w(f"{i} [label={text(i)}"
              + (f', fillcolor="{_fill(node, palette)}"' if filled else "") + "] ;\n")
        if p >= 0:
            w(_dot_edge(nodes, p, i, marks, cut, -45 if rotate else 45))
    if leaves_parallel:
        for rank in sorted(ranks):
            w("{rank=same ; " + "; ".join(ranks[rank]) + "} ;\n")
    w("}")


def _dot_edge(nodes, p, i, marks, cut, angle):
    """The edge statement from ``p`` to ``i``: with the category of a multiway split, or the
    True/False head label out of a binary root."""
    edge = _edge_label(nodes, i)
    if nodes[p]["categories"] is not None:
        return f'{p} -> {i} [label="{marks.escape(edge)}"] ;\n'
    if edge is not None and not cut:
        first = edge == "True"
        return (f"{p} -> {i} [labeldistance=2.5, labelangle={angle if first else -angle}, "
                f'headlabel="{edge}"] ;\n')
    return f"{p} -> {i} ;\n"


def _write_dot(dot, out_file):
    """``dot`` returned (``out_file`` None), or written to a path or a file-like object."""
    if out_file is None:
        return dot
    if isinstance(out_file, str):
        with open(out_file, "w", encoding="utf-8") as f:
            f.write(dot)
    else:
        out_file.write(dot)
    return None
