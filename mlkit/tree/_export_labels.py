"""The text of the node boxes (and edges) shared by the DOT export and the drawing, and their
colours: scikit-learn's labels, written with plain, DOT or DOT-HTML marks."""

from __future__ import annotations

import numpy as np

from ._export_nodes import _class_labels, _is_integral, _majority


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
