"""The demo report's figures, measured with the renderer: no two tick labels, axis labels,
titles or legends overlap, none leaves the figure; one colour per class in every figure; the
ROC figure's AUCs are the table's; the page links every figure and the rules, and says which
rows have no scikit-learn twin or only a nearest one."""

from __future__ import annotations

import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex

from mlkit.demo import _cases, _data, _report, _run
from mlkit.demo import _figures as figs


def _figure_rows(case):
    """The rows the figures read: the scalers, the ROC rows, the metrics rows (and, on
    categories only, the rows on every column)."""
    return (case.raw or case.frame or case.name in figs.ROC_ROWS
            or case.name.startswith("roc_auc"))


def _table_rows(case):
    """Those and a row of each kind: the same algorithm, a nearest twin (C4.5 vs CART)."""
    return _figure_rows(case) or case.name.startswith(("C45Classifier", "PCA"))


_CACHE = {}


def fitted(dataset, wanted=_figure_rows):
    """``(data, results)`` of the demo's ``wanted`` rows on ``dataset`` (cached): the figures'
    inputs without the slow rows (the cvxpy SVCs)."""
    key = (str(dataset), wanted)
    if key not in _CACHE:
        data = _data.load_data(dataset)
        results = [_run._run_case(c, data)[0] for c in _cases.cases(data) if wanted(c)]
        _CACHE[key] = data, results
    return _CACHE[key]


def wide_csv(folder):
    """A user CSV with more features than a figure draws (long names, scales from 1e-3 to
    1e4) and six classes."""
    rng = np.random.default_rng(0)
    n, d = 120, 40
    y = np.repeat(np.arange(6), n // 6)
    X = rng.normal(size=(n, d)) + y[:, None] * 0.8 * (np.arange(d) % 3 == 0)
    X *= np.logspace(-3, 4, d)
    frame = pd.DataFrame(X, columns=[f"measurement number {j} of the sensor array (mV)"
                                     for j in range(d)])
    frame["kind"] = np.array(["alpha", "beta", "gamma", "delta", "epsilon", "zeta"])[y]
    path = folder / "wide.csv"
    frame.to_csv(path, index=False)
    return path


# --- what the renderer draws ------------------------------------------------------------------


def _in_view(axis, label, which):
    lo, hi = sorted(axis.get_view_interval())
    pos = label.get_position()[which]
    return lo - 1e-9 * max(1.0, abs(hi - lo)) <= pos <= hi + 1e-9 * max(1.0, abs(hi - lo))


def text_boxes(fig):
    """``[(what, [x0, y0, x1, y1])]``: every tick label drawn, axis label, title, text (with
    its box), legend (as a whole) and the figure's title, in pixels."""
    renderer = fig.canvas.get_renderer()
    found = []

    def add(what, artist):
        if not artist.get_visible() or (hasattr(artist, "get_text") and not artist.get_text()):
            return
        patch = getattr(artist, "get_bbox_patch", lambda: None)()
        e = (patch or artist).get_window_extent(renderer)
        found.append((what, [e.x0, e.y0, e.x1, e.y1]))

    for n, ax in enumerate(fig.axes):
        if ax.axison:
            for which, axis in enumerate((ax.xaxis, ax.yaxis)):
                for label in axis.get_ticklabels():
                    if _in_view(axis, label, which):
                        add(f"axes {n} tick {label.get_text()!r}", label)
                add(f"axes {n} axis label", axis.label)
                add(f"axes {n} offset text", axis.get_offset_text())
        for title in (ax.title, ax._left_title, ax._right_title):
            add(f"axes {n} title", title)
        for t in ax.texts:
            add(f"axes {n} text {t.get_text()[:20]!r}", t)
        if ax.get_legend() is not None:
            add(f"axes {n} legend", ax.get_legend())
    for k, legend in enumerate(fig.legends):
        add(f"figure legend {k}", legend)
    if fig._suptitle is not None:
        add("figure title", fig._suptitle)
    for t in fig.texts:
        if t is not fig._suptitle:
                add(f"figure text {t.get_text()[:20]!r}", t)
    return found


def assert_no_overlap(fig, name):
    fig.canvas.draw()
    found = text_boxes(fig)
    what = [w for w, _ in found]
    ext = np.array([e for _, e in found])
    frame = fig.bbox
    outside = ((ext[:, 0] < frame.x0 - 0.5) | (ext[:, 1] < frame.y0 - 0.5)
               | (ext[:, 2] > frame.x1 + 0.5) | (ext[:, 3] > frame.y1 + 0.5))
    assert not outside.any(), (f"{name}: outside the figure: "
                               f"{[what[i] for i in np.flatnonzero(outside)]}")
    # the gap between two boxes: the larger of the horizontal and the vertical one
    dx = np.maximum(ext[None, :, 0] - ext[:, None, 2], ext[:, None, 0] - ext[None, :, 2])
    dy = np.maximum(ext[None, :, 1] - ext[:, None, 3], ext[:, None, 1] - ext[None, :, 3])
    gap = np.maximum(dx, dy)
    np.fill_diagonal(gap, np.inf)
    i, j = np.unravel_index(np.argmin(gap), gap.shape)
    assert gap[i, j] >= 0, (f"{name}: {what[i]} and {what[j]} overlap by {-gap[i, j]:.1f} "
                            "pixels")
    return found


def _figures(data, results):
    drawn = []
    try:
        for spec, fig, caption in figs.figures(data, results):
            drawn.append((spec, fig, caption))
        yield from drawn
    finally:
        for _, fig, _ in drawn:
            plt.close(fig)


# --- the tests --------------------------------------------------------------------------------


def _legend_colours(legend):
    out = {}
    for h, t in zip(legend.legend_handles, legend.get_texts(), strict=True):
        colour = (h.get_markerfacecolor() if hasattr(h, "get_markerfacecolor")
                  else h.get_facecolor())
        out[t.get_text()] = to_hex(colour)
    return out


def _check_class_colours(spec, fig, data, expected):
    """One legend titled 'class' with one colour per class, the points and the tree's
    pure leaves in those colours. Returns whether the figure has a class legend."""
    legends = [lg for lg in fig.legends if lg.get_title().get_text() == "class"]
    if spec.filename in ("normalization.png", "roc.png"):  # no classes drawn
        assert not legends
        return False
    (legend,) = legends  # one class legend per figure
    assert _legend_colours(legend) == expected, spec.filename
    for ax in fig.axes:  # the points drawn with a class's label are in its colour
        for coll in ax.collections:
            if coll.get_label() in expected:
                assert {to_hex(c) for c in coll.get_facecolors()} == {expected[coll.get_label()]}
    if spec.filename == "c45_tree.png":  # a pure leaf's box is its class's colour
        assert list(figs._c45_model(data).classes_) == list(expected)
        pure = 0
        for t in fig.axes[0].texts:
            m = re.search(r"class = (\S+)", t.get_text())
            if m and re.search(r"entropy = -?0\.0\b", t.get_text()):
                got = np.array(t.get_bbox_patch().get_facecolor()[:3])
                want = np.array(matplotlib.colors.to_rgb(expected[m[1]]))
                assert np.abs(got - want).max() <= 3 / 255  # _fill rounds to 8 bits
                pure += 1
        assert pure or spec.filename != "c45_tree.png" or data.name == "play_tennis"
    return True


@pytest.mark.parametrize("dataset", ["breast_cancer", "wide", "play_tennis"])
def test_the_figures_as_a_reader_wants_them(dataset, tmp_path):
    # breast_cancer has 30 features (the normalization figure's tick labels overlapped);
    # 'wide' is a user CSV with 40 features and 6 classes; play_tennis has only categories
    data, results = fitted(wide_csv(tmp_path) if dataset == "wide" else dataset)
    classes, style = figs.class_style(data)
    expected = {str(c): style[c][0] for c in classes}
    assert len(set(expected.values())) == len(classes)
    drawn, with_legend = 0, 0
    for spec, fig, caption in _figures(data, results):
        assert fig.dpi == figs._DPI  # measured at the resolution the page's PNG has
        found = assert_no_overlap(fig, f"{dataset} {spec.filename}")
        drawn += 1
        assert fig._suptitle is not None or any(ax.get_title() for ax in fig.axes)
        for ax in fig.axes:  # every drawn axes says what its axes are
            if ax.axison:
                assert ax.get_xlabel(), f"{spec.filename}: an axes without an x label"
        assert any(" axis label" in w for w, _ in found) or spec.filename == "c45_tree.png"
        assert caption.strip()
        with_legend += _check_class_colours(spec, fig, data, expected)
        if spec.filename == "normalization.png":  # every feature drawn is named, legibly
            labels = fig.axes[0].get_yticklabels()
            assert len(labels) == min(len(data.feature_names), figs.MAX_FEATURES)
            assert min(t.get_fontsize() for t in labels) >= 6
            many = len(data.feature_names) > figs.MAX_FEATURES
            assert ("evenly spaced ranks of their raw standard deviation" in caption) == many
    numeric = len(figs._FIGURES)
    assert drawn == (1 if dataset == "play_tennis" else numeric)
    assert with_legend == (1 if dataset == "play_tennis" else numeric - 2)


def _table_row(lines, prefix):
    (line,) = [ln for ln in lines if ln.startswith(f"| {prefix}")]
    return [c.strip() for c in line.strip("|").split(" | ")]


@pytest.mark.parametrize("dataset", ["iris", "breast_cancer"])
def test_the_roc_figure_repeats_the_tables_auc(dataset):
    # on iris the figure refitted Gaussian NB on 'virginica vs rest' and printed 0.996 next to
    # the table's 1.000
    from sklearn.metrics import roc_auc_score

    data, results = fitted(dataset)
    name, score, agreement, _ = _table_row(_report.table_lines(results), "roc_auc_ci")
    auc = re.fullmatch(r"(\S+) AUC", score)[1]
    ci = re.search(r"CI \[(\S+), (\S+)\]", agreement).groups()
    fig, caption = figs._roc(data, results)
    try:
        ax = fig.axes[0]
        texts = [t.get_text() for t in ax.get_legend().get_texts()]
        (entry,) = [t for t in texts if "roc_auc_ci" in t]
        assert entry.endswith(f"AUC {auc} [{ci[0]}, {ci[1]}]"), (entry, score, agreement)
        classes = np.unique(data.y_train)
        assert f"'{classes[-1]}' against the rest" in ax.get_title()
        assert "test split" in ax.get_title() and "score: P(" in ax.get_title()
        curves, positive = figs.roc_curves(data, results)
        assert positive == classes[-1]
        y = (data.y_test == positive).astype(int)
        assert [c[0] for c in curves][1:] == list(figs.ROC_ROWS)
        for label, _, scores, a, lo, hi in curves:  # scikit-learn's AUC of the same scores
            assert abs(a - roc_auc_score(y, scores)) <= 1e-12
            assert any(t.startswith(label) and t.endswith(f"AUC {a:.3f} [{lo:.3f}, {hi:.3f}]")
                       for t in texts)
    finally:
        plt.close(fig)


def test_the_page_links_every_figure_and_the_rules(tmp_path):
    data, results = fitted("iris")
    page = _report.write_report(tmp_path, data, results).read_text()
    for spec in figs._FIGURES:
        assert f"![{spec.title}]({spec.filename})" in page
        assert f"([{spec.filename}]({spec.filename}))" in page  # the caption's link
        assert (tmp_path / spec.filename).read_bytes()[:4] == b"\x89PNG"
    assert page.count("**Figure ") == len(figs._FIGURES)
    assert "[c45_rules.txt](c45_rules.txt)" in page
    assert (tmp_path / "c45_rules.txt").read_text().startswith("IF ")


def test_rows_without_a_twin_do_not_claim_a_tolerance(tmp_path):
    data, results = fitted("iris", _table_rows)
    kinds = {r.case.name: _report.kinship(r) for r in results}
    assert kinds["C45Classifier (vs CART entropy)"] == "nearest"
    assert kinds["StandardScaler (z-score)"] == "same"
    assert kinds["roc_auc_ci (last class vs rest, DeLong)"] == "same"  # vs sklearn.metrics
    lines = _report.table_lines(results)
    assert _table_row(lines, "C45Classifier (vs CART")[3].startswith("n/a: nearest twin")
    assert _table_row(lines, "StandardScaler (z-score)")[3] == "yes"

    data, results = fitted("play_tennis")
    page = _report.write_report(tmp_path, data, results).read_text()
    for name in ("C45Classifier (every column)", "ID3Classifier", "MixedNB"):
        row = _table_row(page.splitlines(), name)
        assert row[2].startswith("no scikit-learn twin: ")
        assert row[3] == "n/a: no scikit-learn twin"
    assert "Not drawn, for want of numeric columns" in page
    assert "[c45_rules.txt](c45_rules.txt)" in page
