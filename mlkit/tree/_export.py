"""Exporting a fitted tree: indented text, if-then rules, Graphviz DOT, a matplotlib drawing.

Every exporter reads only ``est._tree_nodes()`` and ``est.classes_``, so it serves every tree
of ``mlkit.tree``. ``_tree_nodes()`` returns one dict per node in node-id order (root = 0):
``id``, ``parent`` (-1 at the root), ``depth``, ``condition`` (the test on the edge from the
parent, None at the root), ``is_leaf``, ``class_counts`` (weighted, over ``classes_``) and
``children`` (ids).
"""

from __future__ import annotations

import numpy as np

from .._validation import check_is_fitted

__all__ = ["export_graphviz", "export_rules", "export_text", "plot_tree"]


def _nodes(est):
    check_is_fitted(est)
    if not hasattr(est, "_tree_nodes"):
        raise TypeError(f"{type(est).__name__} is not a tree of mlkit.tree (no _tree_nodes).")
    return est._tree_nodes()


def _label_counts(nodes, i):
    """The class counts a node predicts from: its own, or for an empty node (no training
    case reached it) those of its nearest non-empty ancestor."""
    while nodes[i]["parent"] >= 0 and float(np.sum(nodes[i]["class_counts"])) <= 0:
        i = nodes[i]["parent"]
    return np.asarray(nodes[i]["class_counts"], dtype=np.float64)


def _leaf_summary(nodes, i, classes):
    """(class label, weight, errors) of node ``i``."""
    label_counts = _label_counts(nodes, i)
    k = int(np.argmax(label_counts))
    counts = np.asarray(nodes[i]["class_counts"], dtype=np.float64)
    total = float(counts.sum())
    return classes[k], total, total - float(counts[k])


def _fmt(x):
    return f"{x:.1f}" if abs(x - round(x)) < 1e-9 else f"{x:.2f}"


def _preorder(nodes):
    stack, out = [0], []
    while stack:
        i = stack.pop()
        out.append(i)
        stack.extend(reversed(nodes[i]["children"]))
    return out


def export_text(est, *, show_counts=True):
    """The tree as indented text, in the style of C4.5 and Weka's J48.

    Each line is a test; a leaf line ends with ``: class (N/E)``, N the weight of the training
    cases reaching the leaf and E those misclassified (omitted when 0, or without
    ``show_counts``).

    Parameters
    ----------
    est : fitted tree of ``mlkit.tree``
    show_counts : bool, default=True

    Returns
    -------
    str
    """
    nodes, classes = _nodes(est), est.classes_
    lines = []
    for i in _preorder(nodes):
        node = nodes[i]
        if node["parent"] < 0 and not node["is_leaf"]:
            continue
        text = "|   " * max(node["depth"] - 1, 0) + (node["condition"] or "")
        if node["is_leaf"]:
            label, total, errors = _leaf_summary(nodes, i, classes)
            text += f": {label}"
            if show_counts:
                text += f" ({_fmt(total)}" + (f"/{_fmt(errors)})" if errors > 1e-9 else ")")
        lines.append(text)
    return "\n".join(lines)


def export_rules(est, *, class_name="class"):
    """One if-then rule per leaf, with its support and confidence.

    Support is the weight of the training cases reaching the leaf (and its share of all
    cases); confidence is the share of them that are of the predicted class.

    Returns
    -------
    str, one rule per line, leaves in depth-first order.
    """
    nodes, classes = _nodes(est), est.classes_
    grand = float(np.sum(nodes[0]["class_counts"]))
    rules = []
    for i in _preorder(nodes):
        if not nodes[i]["is_leaf"]:
            continue
        conditions, j = [], i
        while nodes[j]["parent"] >= 0:
            conditions.append(nodes[j]["condition"])
            j = nodes[j]["parent"]
        label, total, errors = _leaf_summary(nodes, i, classes)
        confidence = (total - errors) / total if total > 0 else 0.0
        share = total / grand if grand > 0 else 0.0
        head = "IF " + " AND ".join(reversed(conditions)) if conditions else "ALWAYS"
        rules.append(f"{head} THEN {class_name} = {label}  "
                     f"[support {_fmt(total)} ({share:.1%}), confidence {confidence:.1%}]")
    return "\n".join(rules)


def _dot_escape(text):
    return str(text).replace("\\", "\\\\").replace('"', '\\"')


def export_graphviz(est, *, class_name="class"):
    """The tree in Graphviz's DOT language (render with ``dot -Tpng``).

    Nodes show the weighted number of cases, the class counts and the predicted class; edges
    carry the tests.

    Returns
    -------
    str
    """
    nodes, classes = _nodes(est), est.classes_
    lines = ["digraph Tree {", 'node [shape=box, style="rounded", fontname="helvetica"];',
             'edge [fontname="helvetica"];']
    for node in nodes:
        label, total, _ = _leaf_summary(nodes, node["id"], classes)
        counts = ", ".join(_fmt(float(c)) for c in node["class_counts"])
        text = f"n = {_fmt(total)}\\n[{counts}]\\n{_dot_escape(class_name)} = {_dot_escape(label)}"
        shape = ', style="rounded,filled", fillcolor="#eeeeee"' if node["is_leaf"] else ""
        lines.append(f'{node["id"]} [label="{text}"{shape}];')
    for node in nodes:
        if node["parent"] >= 0:
            lines.append(f'{node["parent"]} -> {node["id"]} '
                         f'[label="{_dot_escape(node["condition"])}"];')
    lines.append("}")
    return "\n".join(lines)


def _layout(nodes):
    """x of each node: leaves evenly spaced in depth-first order, parents centred above."""
    x = np.zeros(len(nodes))
    next_leaf = 0
    order = _preorder(nodes)
    for i in order:
        if nodes[i]["is_leaf"]:
            x[i] = next_leaf
            next_leaf += 1
    for i in reversed(order):  # children come after their parent in preorder
        if not nodes[i]["is_leaf"]:
            x[i] = np.mean([x[c] for c in nodes[i]["children"]])
    return x


def plot_tree(est, ax=None, *, fontsize=8, class_name="class"):
    """Draw the tree with matplotlib: boxes for nodes, tests on the edges.

    Parameters
    ----------
    est : fitted tree of ``mlkit.tree``
    ax : matplotlib Axes, optional
        Where to draw (the current axes by default).

    Returns
    -------
    ax : the matplotlib Axes drawn on.
    """
    import matplotlib.pyplot as plt

    nodes, classes = _nodes(est), est.classes_
    if ax is None:
        ax = plt.gca()
    x = _layout(nodes)
    depth = np.array([n["depth"] for n in nodes], dtype=float)
    box = {"boxstyle": "round", "fc": "white", "ec": "0.3"}
    leaf_box = {"boxstyle": "round", "fc": "0.92", "ec": "0.3"}
    for node in nodes:
        i = node["id"]
        label, total, errors = _leaf_summary(nodes, i, classes)
        text = f"{class_name} = {label}\nn = {_fmt(total)}"
        if errors > 1e-9:
            text += f", errors {_fmt(errors)}"
        ax.text(x[i], -depth[i], text, ha="center", va="center", fontsize=fontsize,
                bbox=leaf_box if node["is_leaf"] else box, zorder=3)
        if node["parent"] >= 0:
            p = node["parent"]
            ax.plot([x[p], x[i]], [-depth[p], -depth[i]], color="0.5", lw=1, zorder=1)
            ax.text((x[p] + x[i]) / 2, -(depth[p] + depth[i]) / 2, node["condition"],
                    ha="center", va="center", fontsize=fontsize, color="navy", zorder=2,
                    bbox={"boxstyle": "square,pad=0.1", "fc": "white", "ec": "none"})
    ax.set_xlim(x.min() - 0.7, x.max() + 0.7)
    ax.set_ylim(-depth.max() - 0.5, 0.5)
    ax.set_axis_off()
    return ax
