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

import numpy as np

from .._validation import Interval, StrOptions, check_is_fitted, validate_param

__all__ = ["export_graphviz", "export_rules", "export_text"]


# ---------------------------------------------------------------------------------------------
# The nodes, their names and their numbers
# ---------------------------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------------------------
# Text
# ---------------------------------------------------------------------------------------------


def export_text(decision_tree, *, feature_names=None, class_names=None, max_depth=10, spacing=3,
                decimals=2, show_weights=False, style="sklearn", show_counts=None):
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
    have no such splits). The class of a leaf that no training case reached is its parent's
    majority class.

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
    nodes = _nodes(decision_tree)
    names = _given_names(feature_names, decision_tree, owner)
    labels = _class_labels(decision_tree, class_names, owner)
    if style == "j48":
        return _j48_text(nodes, names or _own_names(decision_tree), labels,
                         True if show_counts is None else show_counts)
    if show_counts is not None:
        raise ValueError("show_counts applies to style='j48'; with style='sklearn' use "
                         "show_weights.")
    names = names or [f"feature_{j}" for j in range(decision_tree.n_features_in_)]
    max_depth = np.inf if max_depth is None else max_depth
    lines = []

    def leaf(node, indent):
        text = f"{indent} class: {labels[_majority(node)]}"
        if show_weights:
            weights = node["value"] * node["weighted_n_samples"]
            text = (f"{indent} weights: ["
                    + ", ".join(f"{w:.{decimals}f}" for w in weights) + "] class: "
                    + str(labels[_majority(node)]))
        lines.append(text)

    def walk(i):
        node = nodes[i]
        level = node["depth"] + 1
        indent = ("|" + " " * spacing) * level
        indent = indent[:-spacing] + "-" * spacing
        if node["depth"] > max_depth:
            if node["is_leaf"]:
                leaf(node, indent)
            else:
                lines.append(f"{indent} truncated branch of depth {_height(nodes, i)}")
            return
        if node["is_leaf"]:
            leaf(node, indent)
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


def _rule_test(feature, op, value, names):
    name = names[feature]
    if op == "==":
        return f"{name} = {value}"
    if op == "<>":
        return f"{value[0]:.6g} < {name} <= {value[1]:.6g}"
    return f"{name} {op} {float(value):.6g}"


def export_rules(decision_tree, *, feature_names=None, class_names=None, class_name="class",
                 simplify=True):
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
        tests, j = [], i
        while nodes[j]["parent"] >= 0:
            tests.append(_edge(nodes, j))
            j = nodes[j]["parent"]
        tests.reverse()
        if simplify:
            tests = _simplified(tests)
        counts = np.asarray(nodes[i]["class_counts"], dtype=np.float64)
        total, k = float(counts.sum()), _majority(nodes[i])
        confidence = float(counts[k]) / total if total > 0 else 0.0
        share = total / grand if grand > 0 else 0.0
        head = ("IF " + " AND ".join(_rule_test(*t, names) for t in tests) if tests
                else "ALWAYS")
        rules.append(f"{head} THEN {class_name} = {labels[k]}  "
                     f"[support {_count(total)} ({share:.1%}), confidence {confidence:.1%}]")
    return "\n".join(rules)


# ---------------------------------------------------------------------------------------------
# Node labels (shared by the DOT and the drawing)
# ---------------------------------------------------------------------------------------------


class _Marks:
    """The characters a label is written with: plain text, DOT strings or DOT HTML."""

    def __init__(self, *, hash="#", sub=("[", "]"), le="<=", br="\\n", quotes=('"', '"'),
                 escape=None):
        self.hash, self.sub, self.le, self.br, self.quotes = hash, sub, le, br, quotes
        self.escape = escape or (lambda s: s)


_PLAIN = _Marks(br="\n", quotes=("", ""))
_DOT = _Marks(escape=lambda s: s.replace('"', '\\"'))
_DOT_HTML = _Marks(hash="&#35;", sub=("<SUB>", "</SUB>"), le="&le;", br="<br/>",
                   quotes=("<", ">"), escape=lambda s: s.replace('"', '\\"'))


def _bracketed(items, br):
    """``[a, b, c]`` broken into lines as scikit-learn's labels are (it prints the values as
    a NumPy array of byte strings: 75 columns, each item counted as ``b'...'``); no comma
    at a line break."""
    rows, row, used = [], [], 1
    for s in items:
        width = len(s) + 3
        if row and used + width > 74:
            rows.append(row)
            row, used = [], 1
        row.append(s)
        used += width + 1
    rows.append(row)
    return "[" + br.join(", ".join(r) for r in rows) + "]"


class _Labeller:
    """The text of each node's box, as scikit-learn's ``export_graphviz``/``plot_tree``."""

    def __init__(self, est, nodes, *, feature_names, class_names, label, impurity, node_ids,
                 proportion, precision, marks, owner):
        self.nodes, self.marks = nodes, marks
        self.names = feature_names
        self.classes = (class_names if class_names is None or class_names is True
                        else _class_labels(est, class_names, owner))
        self.label, self.impurity, self.node_ids = label, impurity, node_ids
        self.proportion, self.precision = proportion, precision

    def _round(self, x):
        return str(round(np.float64(x), self.precision))

    def _feature(self, j):
        m = self.marks
        if self.names is not None:
            return m.escape(str(self.names[j]))
        return f"x{m.sub[0]}{j}{m.sub[1]}"

    def values(self, node):
        """The class counts (or with ``proportion`` the fractions) as text."""
        if self.proportion:
            return [self._round(v) for v in node["value"]]
        if _is_integral(node["class_counts"]):
            return [str(round(float(c))) for c in node["class_counts"]]
        # scikit-learn's arithmetic: the fractions times the node's weight
        weights = node["value"] * node["weighted_n_samples"]
        return [str(np.round(w, self.precision)) for w in weights]

    def __call__(self, i):
        node, m = self.nodes[i], self.marks
        named = self.label == "all" or (self.label == "root" and i == 0)
        parts = []
        if self.node_ids:
            parts.append(("node " if named else "") + f"{m.hash}{i}")
        if not node["is_leaf"]:
            feature = self._feature(node["feature"])
            if node["categories"] is None:
                parts.append(f"{feature} {m.le} {self._round(node['threshold'])}")
            else:
                parts.append(feature)
        if self.impurity:
            parts.append((f"{node['criterion']} = " if named else "")
                         + self._round(node["impurity"]))
        if self.proportion:
            share = 100.0 * node["n_samples"] / float(self.nodes[0]["n_samples"])
            samples = str(round(np.float64(share), 1)) + "%"
        elif float(node["n_samples"]) == round(float(node["n_samples"])):
            samples = str(round(float(node["n_samples"])))
        else:
            samples = self._round(node["n_samples"])
        parts.append(("samples = " if named else "") + samples)
        parts.append(("value = " if named else "") + _bracketed(self.values(node), m.br))
        if self.classes is not None:
            # the largest count (scikit-learn's argmax, over the fractions times the weight)
            weight = node["weighted_n_samples"]
            k = (int(np.argmax(node["value"] * weight)) if not self.proportion and weight > 0
                 else _majority(node))
            name = (f"y{m.sub[0]}{k}{m.sub[1]}" if self.classes is True
                    else m.escape(str(self.classes[k])))
            parts.append(("class = " if named else "") + name)
        return m.quotes[0] + m.br.join(parts) + m.quotes[1]


def _palette(n):
    """``n`` colours of evenly spaced hues (from 25 degrees; saturation 0.75, value 0.9) as
    8-bit RGB: the HSV to RGB conversion, sector by sector."""
    saturation, brightness = 0.75, 0.9
    chroma = saturation * brightness
    floor = brightness - chroma
    colours = []
    for hue in np.arange(25, 385, 360.0 / n).astype(int):
        sector = hue / 60.0
        mid = chroma * (1 - abs((sector % 2) - 1))
        rgb = [(chroma, mid, 0), (mid, chroma, 0), (0, chroma, mid), (0, mid, chroma),
               (mid, 0, chroma), (chroma, 0, mid), (chroma, mid, 0)][int(sector)]
        colours.append([int(255 * (c + floor)) for c in rgb])
    return colours


def _fill(node, palette):
    """The majority class's colour, as strong as the majority's lead over the runner-up."""
    value = np.asarray(node["value"], dtype=np.float64)
    colour = palette[int(np.argmax(value))]
    top = sorted(value, reverse=True)
    alpha = 0.0 if len(top) == 1 else (top[0] - top[1]) / (1 - top[1])
    rgb = [int(round(alpha * c + (1 - alpha) * 255, 0)) for c in colour]
    return "#" + "".join(f"{c:02x}" for c in rgb)


def _edge_label(nodes, i):
    """The label on the edge into node ``i``: the category of a multiway split; True/False
    on the two edges out of a binary root; else None."""
    p = nodes[i]["parent"]
    if p < 0:
        return None
    parent = nodes[p]
    branch = parent["children"].index(i)
    if parent["categories"] is not None:
        return parent["categories"][branch]
    if p == 0:
        return "True" if branch == 0 else "False"
    return None


# ---------------------------------------------------------------------------------------------
# Graphviz
# ---------------------------------------------------------------------------------------------


def export_graphviz(decision_tree, out_file=None, *, max_depth=None, feature_names=None,
                    class_names=None, label="all", filled=False, leaves_parallel=False,
                    impurity=True, node_ids=False, proportion=False, rotate=False,
                    rounded=False, special_characters=False, precision=3,
                    fontname="helvetica"):
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
    owner = "export_graphviz"
    validate_param(owner, "max_depth", max_depth, [Interval(numbers.Integral, 0, None,
                                                            closed="left"), None])
    validate_param(owner, "label", label, [StrOptions({"all", "root", "none"})])
    validate_param(owner, "precision", precision, [Interval(numbers.Integral, 0, None,
                                                            closed="left"), None])
    validate_param(owner, "fontname", fontname, [str])
    for name, flag in [("filled", filled), ("leaves_parallel", leaves_parallel),
                       ("impurity", impurity), ("node_ids", node_ids),
                       ("proportion", proportion), ("rotate", rotate), ("rounded", rounded),
                       ("special_characters", special_characters)]:
        validate_param(owner, name, flag, ["boolean"])
    if feature_names is not None and any(not isinstance(n, str) for n in feature_names):
        raise ValueError("All feature names must be strings.")
    nodes = _nodes(decision_tree)
    names = _given_names(feature_names, decision_tree, owner,
                         "Length of feature_names, {n} does not match number of features, {d}")
    marks = _DOT_HTML if special_characters else _DOT
    text = _Labeller(decision_tree, nodes, feature_names=names, class_names=class_names,
                     label=label, impurity=impurity, node_ids=node_ids,
                     proportion=proportion, precision=precision, marks=marks, owner=owner)
    palette = _palette(len(decision_tree.classes_)) if filled else None
    out = io.StringIO()
    w = out.write

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

    ranks = {"leaves": []}
    angle = -45 if rotate else 45
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
        if p < 0:
            continue
        edge = _edge_label(nodes, i)
        if nodes[p]["categories"] is not None:
            w(f'{p} -> {i} [label="{marks.escape(edge)}"] ;\n')
        elif edge is not None and not cut:
            first = edge == "True"
            w(f"{p} -> {i} [labeldistance=2.5, labelangle={angle if first else -angle}, "
              f'headlabel="{edge}"] ;\n')
        else:
            w(f"{p} -> {i} ;\n")
    if leaves_parallel:
        for rank in sorted(ranks):
            w("{rank=same ; " + "; ".join(ranks[rank]) + "} ;\n")
    w("}")

    dot = out.getvalue()
    if out_file is None:
        return dot
    if isinstance(out_file, str):
        with open(out_file, "w", encoding="utf-8") as f:
            f.write(dot)
    else:
        out_file.write(dot)
    return None
