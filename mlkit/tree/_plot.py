"""Drawing a fitted tree with matplotlib: scikit-learn's ``plot_tree``, with a tidy layout.

The layout is measured, not guessed: every box and edge label is first set at a reference
font size and measured with the figure's renderer; then each subtree is packed against its
left siblings row by row (the contour method of Reingold and Tilford 1981: a subtree moves
right until, on every row both occupy, it clears what is already placed by a gap), a parent
is centred over its children, and the whole drawing is scaled to the axes by choosing the
font size. Rows alternate: the boxes of one depth, then a band that holds the labels of the
edges into the next depth, so a label never meets a box. Finally the boxes are measured
again at the chosen size and, should rounding of glyph sizes make any two touch, the font
shrinks until none does.

References
----------
Reingold, E. M. and Tilford, J. S. (1981). Tidier drawings of trees. IEEE Transactions on
Software Engineering SE-7(2), 223-228.
"""

from __future__ import annotations

import numbers
import warnings
from typing import Any

import numpy as np

from .._typing import ArrayLike
from .._validation import Interval, StrOptions, validate_param
from ._export_labels import _PLAIN, _edge_label, _fill, _Labeller, _palette
from ._export_nodes import _given_names, _nodes, _preorder

__all__ = ["plot_tree"]

_REFERENCE_SIZE = 10.0  # points: the size the layout is measured at
_LARGEST_SIZE = 12.0  # points: a small tree on a big axes is not drawn in giant letters
_SMALLEST_SIZE = 1.0  # points: below this, glyphs stop shrinking
_GAP = 0.6  # ems between neighbouring boxes or labels on one row
_MARGIN = 0.3  # ems around the drawing


def plot_tree(decision_tree: Any, *, max_depth: int | None = None,
              feature_names: ArrayLike | None = None, class_names: Any = None,
              label: str = "all", filled: bool = False, impurity: bool = True,
              node_ids: bool = False, proportion: bool = False, rounded: bool = False,
              precision: int | None = 3, ax: Any = None,
              fontsize: float | None = None) -> list[Any]:
    """Draw the tree with matplotlib, as scikit-learn's ``plot_tree``: a box per node with
    its test, impurity, samples, class counts (and class, with ``class_names``), arrows from
    parent to child.

    Parameters are scikit-learn's (see ``export_graphviz`` for their meaning); ``ax`` is the
    axes to draw on (the current one by default; it is cleared), ``fontsize`` the font size
    (default: the largest, up to 12 points, at which the whole tree fits the axes).

    Returns
    -------
    annotations : list of matplotlib ``Annotation``
        The node boxes and the edge labels, in depth-first order.

    Notes
    -----
    No two boxes or labels overlap, and at the chosen font size all of them lie inside the
    axes: the layout packs subtrees by their measured widths (see ``mlkit.tree._plot``). A
    given ``fontsize`` at which the tree is wider than the axes draws it past them, with a
    warning. Edges out of the root of a binary tree are labelled True/False, as in
    scikit-learn; the edges of a multiway split (ID3, C4.5) carry their categories.
    Integer counts are printed as integers.
    """
    import matplotlib.pyplot as plt

    flags = {"filled": filled, "impurity": impurity, "node_ids": node_ids,
             "proportion": proportion, "rounded": rounded}
    _check_plot_params(max_depth, label, precision, fontsize, flags)
    nodes = _nodes(decision_tree)
    names = _given_names(feature_names, decision_tree, "plot_tree",
                         "Length of feature_names, {n} does not match number of features, {d}")
    text = _Labeller(decision_tree, nodes, feature_names=names, class_names=class_names,
                     label=label, impurity=impurity, node_ids=node_ids,
                     proportion=proportion, precision=precision, marks=_PLAIN,
                     owner="plot_tree")
    palette = _palette(len(decision_tree.classes_)) if filled else None
    if ax is None:
        ax = plt.gca()
    ax.clear()
    ax.set_axis_off()
    renderer = ax.figure.canvas.get_renderer()
    shown = _preorder(nodes, None if max_depth is None else max_depth + 1)
    size = _REFERENCE_SIZE if fontsize is None else float(fontsize)
    boxes, labels, artists = _annotate(ax, nodes, shown, text, palette, rounded, max_depth,
                                       size)
    frame = ax.get_window_extent(renderer)

    def measure(size):
        return _measure(nodes, shown, boxes, labels, size, ax.figure.dpi, renderer)

    size, layout = _arrange(measure, fontsize, boxes, labels, nodes, artists, frame, renderer)
    _warn_if_past(layout, frame, size, fontsize)
    return artists


def _warn_if_past(layout, frame, size, fontsize):
    """Warn (at ``plot_tree``'s caller) when the drawing does not fit ``frame``."""
    if layout.fit(frame) < 0.9999:
        warnings.warn(
            f"plot_tree: at fontsize={size:.3g} the tree needs {layout.need_w:.0f} x "
            f"{layout.need_h:.0f} pixels and the axes have {frame.width:.0f} x "
            f"{frame.height:.0f}: it is drawn past the axes. Enlarge the figure"
            + (" or leave fontsize=None." if fontsize is not None else "."),
            UserWarning, stacklevel=3)


def _check_plot_params(max_depth, label, precision, fontsize, flags):
    """``plot_tree``'s parameter checks (``flags``: the boolean ones by name)."""
    owner = "plot_tree"
    validate_param(owner, "max_depth", max_depth, [Interval(numbers.Integral, 0, None,
                                                            closed="left"), None])
    validate_param(owner, "label", label, [StrOptions({"all", "root", "none"})])
    validate_param(owner, "precision", precision, [Interval(numbers.Integral, 0, None,
                                                            closed="left"), None])
    validate_param(owner, "fontsize", fontsize, [Interval(numbers.Real, 0, None,
                                                          closed="neither"), None])
    for name, flag in flags.items():
        validate_param(owner, name, flag, ["boolean"])


def _annotate(ax, nodes, shown, text, palette, rounded, max_depth, size):
    """An annotation per shown node (its box, with an arrow from the parent) and per edge
    label, all at the centre for now; returns them by node and in depth-first order."""
    import matplotlib.pyplot as plt

    boxes, labels, artists = {}, {}, []
    for i in shown:
        node = nodes[i]
        depth = node["depth"]
        cut = max_depth is not None and depth > max_depth
        bbox = {"boxstyle": "round"} if rounded else {}
        bbox["fc"] = ("grey" if cut else _fill(node, palette) if palette is not None
                      else ax.get_facecolor())
        arrow = None
        if node["parent"] >= 0:
            arrow = {"arrowstyle": "<-", "edgecolor": plt.rcParams["text.color"]}
        boxes[i] = ax.annotate("(...)" if cut else text(i), (0.5, 0.5),
                               xycoords="axes fraction", ha="center", va="center",
                               bbox=bbox, arrowprops=arrow, zorder=100 - 10 * depth,
                               fontsize=size)
        artists.append(boxes[i])
        edge = _edge_label(nodes, i)
        if edge is not None:
            labels[i] = ax.annotate(
                edge, (0.5, 0.5), xycoords="axes fraction", ha="center", va="center",
                zorder=101 - 10 * depth, fontsize=size,
                bbox={"boxstyle": "square,pad=0.1", "fc": ax.get_facecolor(), "ec": "none"})
            artists.append(labels[i])
    return boxes, labels, artists


def _arrange(measure, fontsize, boxes, labels, nodes, artists, frame, renderer):
    """Lay the drawing out and place the annotations: at the given ``fontsize``, or at the
    largest that fits ``frame``, shrunk until no two boxes touch. Returns (size, layout)."""
    if fontsize is not None:
        size = float(fontsize)
        layout = measure(size)
        _place(layout, boxes, labels, nodes, frame)
        return size, layout
    size, layout = _largest_fitting_size(measure, frame)
    for _ in range(20):  # glyphs rounded to pixels could still make two boxes touch
        _place(layout, boxes, labels, nodes, frame)
        if _clear(artists, frame, renderer) or size <= _SMALLEST_SIZE:
            break
        size = max(_SMALLEST_SIZE, size * 0.95)
        layout = measure(size)
    return size, layout


def _largest_fitting_size(measure, frame):
    """The largest font size (up to ``_LARGEST_SIZE``) at which the measured drawing fits
    ``frame``, to 3%: guesses from the linear rule (the drawing scales with the font), then
    bisection, since glyph sizes round to pixels and are not quite linear in the size.
    Returns (size, layout); ``_SMALLEST_SIZE`` when nothing fits."""
    fits, fails = None, None  # (size, layout) known to fit; a size known not to
    size = _REFERENCE_SIZE
    for _ in range(12):
        layout = measure(size)
        fit = layout.fit(frame)
        if fit >= 1:
            fits = (size, layout)
        else:
            fails = size
        if fits and (fits[0] >= _LARGEST_SIZE or fails and fails <= 1.03 * fits[0]):
            break
        if fails is not None and fails <= _SMALLEST_SIZE:
            break
        guess = size * fit * (0.99 if fit < 1 else 1.0)
        if fits and fails:
            lo, hi = fits[0], fails
            if not lo * 1.01 < guess < hi / 1.01:
                guess = (lo * hi) ** 0.5
        elif fits:
            guess = max(guess, size * 1.05)
        else:
            guess = min(guess, size * 0.95)
        size = min(_LARGEST_SIZE, max(_SMALLEST_SIZE, guess))
    if fits is None:
        return _SMALLEST_SIZE, measure(_SMALLEST_SIZE)
    if fits[0] != size:
        measure(fits[0])  # the texts back at that size
    return fits


def _measure(nodes, shown, boxes, labels, size, dpi, renderer):
    """Set every text at ``size`` points, measure it, and lay the tree out (pixels)."""
    for a in [*boxes.values(), *labels.values()]:
        a.set_fontsize(size)
    box_wh = {i: _size(a, renderer) for i, a in boxes.items()}
    label_wh = {i: _size(a, renderer) for i, a in labels.items()}
    return _Layout(nodes, shown, box_wh, label_wh, size * dpi / 72.0)


def _size(artist, renderer):
    """Width and height of a text's box: the text's extent and the box's padding (a
    fraction of the font size) on each side -- what the box patch measures once drawn."""
    from matplotlib.text import Text

    extent = Text.get_window_extent(artist, renderer)  # the text alone, not its arrow
    pad = 2 * artist.get_bbox_patch().get_boxstyle().pad
    pad *= renderer.points_to_pixels(artist.get_fontsize())
    return extent.width + pad, extent.height + pad


def _place(layout, boxes, labels, nodes, frame):
    """Positions in axes fractions, the drawing centred in the axes."""
    left = (frame.width - layout.need_w) / 2 + layout.margin - layout.left
    top = (frame.height - layout.need_h) / 2 + layout.margin

    def at(x, y):
        return ((left + x) / frame.width, 1.0 - (top + y) / frame.height)

    for i, box in boxes.items():
        xy = at(layout.x[i], layout.y[nodes[i]["depth"]])
        box.set_position(xy)
        p = nodes[i]["parent"]
        box.xy = at(layout.x[p], layout.y[nodes[p]["depth"]]) if p >= 0 else xy
    for i, lab in labels.items():
        lab.xy = at(*layout.label_xy(i))
        lab.set_position(lab.xy)


def _clear(artists, frame, renderer):
    """No two artists' boxes intersect, and all lie inside ``frame``."""
    rows = []
    for a in artists:
        # what drawing does: place the text, then its box around it
        a.update_positions(renderer)
        a.update_bbox_position_size(renderer)
        e = a.get_bbox_patch().get_window_extent(renderer)
        rows.append([e.x0, e.y0, e.x1, e.y1])
    ext = np.array(rows)
    inside = ((ext[:, 0] >= frame.x0 - 0.5) & (ext[:, 2] <= frame.x1 + 0.5)
              & (ext[:, 1] >= frame.y0 - 0.5) & (ext[:, 3] <= frame.y1 + 0.5))
    x0, y0, x1, y1 = (ext[:, k] for k in range(4))
    meet = ((x0[:, None] < x1[None, :]) & (x0[None, :] < x1[:, None])
            & (y0[:, None] < y1[None, :]) & (y0[None, :] < y1[:, None]))
    np.fill_diagonal(meet, False)
    return bool(inside.all() and not meet.any())


class _Layout:
    """Node centres in pixels at the reference size: ``x`` per node (the root at 0), ``y``
    per depth (downwards from the top of the root's box); ``width``, ``height`` and
    ``left`` (the leftmost extent) of the whole drawing."""

    def __init__(self, nodes, shown, box_wh, label_wh, em):
        self.nodes = nodes
        gap = _GAP * em
        depth_of = {i: nodes[i]["depth"] for i in shown}
        n_rows = max(depth_of.values()) + 1
        row_h = np.zeros(n_rows)
        band_h = np.zeros(n_rows)
        for i in shown:
            d = depth_of[i]
            row_h[d] = max(row_h[d], box_wh[i][1])
            if i in label_wh:
                band_h[d] = max(band_h[d], label_wh[i][1])
        # the band above depth d holds the labels of the edges into depth d
        band = np.maximum(1.5 * em, band_h + 1.0 * em)
        y = np.zeros(n_rows)
        y[0] = row_h[0] / 2
        for d in range(1, n_rows):
            y[d] = y[d - 1] + row_h[d - 1] / 2 + band[d] + row_h[d] / 2
        self.y = y
        self.label_y = np.array([0.0] + [y[d - 1] + row_h[d - 1] / 2 + band[d] / 2
                                         for d in range(1, n_rows)])
        # where along an edge into depth d its label sits (0 at the parent, 1 at the child)
        self.along = np.array([0.0] + [(self.label_y[d] - y[d - 1]) / (y[d] - y[d - 1])
                                       for d in range(1, n_rows)])
        self.height = y[-1] + row_h[-1] / 2
        self.margin = _MARGIN * em

        shown_set = set(shown)
        kids = {i: [c for c in nodes[i]["children"] if c in shown_set] for i in shown}
        contour, rel = {}, {}
        for i in reversed(shown):  # children before their parents
            d = depth_of[i]
            half = box_wh[i][0] / 2
            outline = {2 * d: [-half, half]}
            if kids[i]:
                offsets = self._pack([contour[c] for c in kids[i]], gap)
                offsets = self._spread_labels(kids[i], offsets, label_wh, gap, d + 1)
                centre = (offsets[0] + offsets[-1]) / 2
                for c, off in zip(kids[i], offsets, strict=True):
                    rel[c] = off - centre
                    _merge(outline, contour.pop(c), rel[c])
                    if c in label_wh:
                        x = self.along[d + 1] * rel[c]
                        half_l = label_wh[c][0] / 2
                        _merge(outline, {2 * d + 1: [x - half_l, x + half_l]}, 0.0)
            contour[i] = outline
        root = contour[0]
        self.left = min(lo for lo, _ in root.values())
        self.width = max(hi for _, hi in root.values()) - self.left
        self.need_w = self.width + 2 * self.margin
        self.need_h = self.height + 2 * self.margin
        x = {0: 0.0}
        for i in shown[1:]:  # parents before their children
            x[i] = x[nodes[i]["parent"]] + rel[i]
        self.x = x

    @staticmethod
    def _pack(outlines, gap):
        """Offsets placing each outline right of the ones before it, ``gap`` apart on every
        row they share."""
        offsets, placed = [], {}
        for outline in outlines:
            common = [k for k in outline if k in placed]
            off = max((placed[k][1] - outline[k][0] + gap for k in common), default=0.0)
            if not offsets:
                off = 0.0
            offsets.append(off)
            _merge(placed, outline, off)
        return offsets

    def _spread_labels(self, kids, offsets, label_wh, gap, depth):
        """Move siblings apart until their edge labels (which sit at ``along`` of the way
        from the parent, so ``along`` times closer together than the children) clear each
        other."""
        t = self.along[depth]
        out = list(offsets)
        for a in range(len(kids) - 1):
            b = a + 1
            if kids[a] not in label_wh or kids[b] not in label_wh:
                continue
            need = (label_wh[kids[a]][0] + label_wh[kids[b]][0]) / 2 + gap
            short = need / t - (out[b] - out[a])
            if short > 0:
                out[b:] = [o + short for o in out[b:]]
        return out

    def fit(self, frame):
        """How many times the drawing would fit into ``frame`` (below 1: it does not)."""
        return min(frame.width / self.need_w, frame.height / self.need_h)

    def label_xy(self, i):
        p = self.nodes[i]["parent"]
        d = self.nodes[i]["depth"]
        t = self.along[d]
        return self.x[p] + t * (self.x[i] - self.x[p]), self.label_y[d]


def _merge(into, outline, offset):
    for k, (lo, hi) in outline.items():
        if k in into:
            into[k][0] = min(into[k][0], lo + offset)
            into[k][1] = max(into[k][1], hi + offset)
        else:
            into[k] = [lo + offset, hi + offset]
