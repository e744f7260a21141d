"""The tree exporters: scikit-learn's export_text and export_graphviz character for character on
CART trees, plot_tree's layout (no two boxes or labels overlap), and export_rules' merged
conditions."""

from __future__ import annotations

import functools
import io
import re

import matplotlib
import numpy as np
import pandas as pd
import pytest
from sklearn import tree as sk
from sklearn.datasets import load_breast_cancer, load_digits, load_iris, make_classification

from mlkit.datasets import load_play_tennis
from mlkit.tree import (
    C45Classifier,
    DecisionTreeClassifier,
    ID3Classifier,
    export_graphviz,
    export_rules,
    export_text,
    plot_tree,
)

matplotlib.use("Agg")
import matplotlib.pyplot as plt

IRIS_FEATURES = ["sepal length", "sepal width", "petal length", "petal width"]
IRIS_CLASSES = ["setosa", "versicolor", "virginica"]


def _iris():
    return load_iris(return_X_y=True)


def _deep():
    # label noise: a deep, unbalanced tree (depth 11); a seed where scikit-learn prints
    # every count as an integer (see the test of integer counts below)
    return make_classification(n_samples=200, n_features=5, n_informative=3, flip_y=0.15,
                               random_state=2)


def _cancer():
    return load_breast_cancer(return_X_y=True)


# (data, tree parameters, sample weights): several shapes of tree
SHAPES = {
    "iris": (_iris, {}, None),
    "stump": (_iris, {"max_depth": 1, "criterion": "entropy"}, None),
    "deep": (_deep, {}, None),
    "binary": (_cancer, {}, None),
    "weighted": (_iris, {"max_depth": 4}, "integer"),
    "quarter-weights": (_iris, {}, "quarters"),
    "leaves-7": (_cancer, {"max_leaf_nodes": 7}, "quarters"),
}


@functools.cache
def fitted(shape):
    """The same tree grown by scikit-learn and by mlkit."""
    data, params, weights = SHAPES[shape]
    X, y = data()
    rng = np.random.default_rng(0)
    sw = {None: None, "integer": rng.integers(1, 5, len(y)).astype(float),
          "quarters": rng.integers(1, 12, len(y)) / 4}[weights]
    theirs = sk.DecisionTreeClassifier(random_state=0, **params).fit(X, y, sample_weight=sw)
    ours = DecisionTreeClassifier(random_state=0, **params).fit(X, y, sample_weight=sw)
    assert theirs.tree_.node_count == ours.tree_.node_count
    np.testing.assert_array_equal(theirs.tree_.threshold, ours.tree_.threshold)
    return theirs, ours


def names(n_features):
    return IRIS_FEATURES if n_features == 4 else [f"f{j}" for j in range(n_features)]


TEXT_ARGS = [
    {},
    {"feature_names": "names"},
    {"class_names": "classes"},
    {"max_depth": 2},
    {"max_depth": 0},
    {"decimals": 4},
    {"decimals": 0, "spacing": 1},
    {"show_weights": True},
    {"show_weights": True, "decimals": 3, "spacing": 5, "max_depth": 3,
     "feature_names": "names", "class_names": "classes"},
]


def _resolve(args, est):
    out = dict(args)
    if out.get("feature_names") == "names":
        out["feature_names"] = names(est.n_features_in_)
    if out.get("class_names") == "classes":
        out["class_names"] = [f"class {c}!" for c in est.classes_]
    return out


@pytest.mark.parametrize("args", TEXT_ARGS, ids=lambda a: ",".join(a) or "defaults")
@pytest.mark.parametrize("shape", list(SHAPES))
def test_export_text_is_scikit_learns(shape, args):
    theirs, ours = fitted(shape)
    args = _resolve(args, ours)
    assert export_text(ours, **args) == sk.export_text(theirs, **args)


DOT_ARGS = [
    {},
    {"feature_names": "names", "class_names": "classes"},
    {"filled": True},
    {"rounded": True},
    {"filled": True, "rounded": True, "class_names": True},
    {"proportion": True},
    {"max_depth": 2},
    {"max_depth": 0, "filled": True},
    {"node_ids": True},
    {"impurity": False},
    {"label": "root", "node_ids": True},
    {"label": "none", "class_names": "classes"},
    {"leaves_parallel": True, "rotate": True},
    {"special_characters": True, "feature_names": "names", "class_names": "classes"},
    {"precision": 1, "fontname": "times"},
]


@pytest.mark.parametrize("args", DOT_ARGS, ids=lambda a: ",".join(a) or "defaults")
@pytest.mark.parametrize("shape", list(SHAPES))
def test_export_graphviz_is_scikit_learns(shape, args):
    theirs, ours = fitted(shape)
    args = _resolve(args, ours)
    assert export_graphviz(ours, **args) == sk.export_graphviz(theirs, **args)


def test_graphviz_prints_integer_counts_as_integers_where_scikit_learn_does_not():
    # scikit-learn multiplies the class fractions back by the node's weight: 1/49 * 49 is
    # 0.9999999999999999, and it prints the node's counts as floats; the rest is the same
    X, y = load_digits(return_X_y=True)
    theirs = sk.DecisionTreeClassifier(max_depth=3, random_state=0).fit(X, y)
    ours = DecisionTreeClassifier(max_depth=3, random_state=0).fit(X, y)
    a, b = sk.export_graphviz(theirs).splitlines(), export_graphviz(ours).splitlines()
    assert len(a) == len(b)
    values = re.compile(r"value = \[([^\]]*)\]")
    differ = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
    assert differ  # the case this test is about
    for x, y in differ:
        assert values.sub("", x) == values.sub("", y)
        theirs_v = [float(v) for v in re.split(r", |\\n", values.search(x).group(1))]
        ours_v = values.search(y).group(1)
        assert "." not in ours_v and [float(v) for v in re.split(r", |\\n", ours_v)] == theirs_v
    for line in b:
        if "value = " in line:
            assert "." not in values.search(line).group(1)


def test_graphviz_out_file(tmp_path):
    _, ours = fitted("stump")
    expected = export_graphviz(ours)
    path = tmp_path / "tree.dot"
    assert export_graphviz(ours, out_file=str(path)) is None
    assert path.read_text(encoding="utf-8") == expected
    buffer = io.StringIO()
    assert export_graphviz(ours, buffer) is None and buffer.getvalue() == expected


def test_exporters_check_their_arguments():
    _, ours = fitted("stump")
    with pytest.raises(ValueError, match="feature_names must contain 4 elements, got 2"):
        export_text(ours, feature_names=["a", "b"])
    with pytest.raises(ValueError, match="Length of feature_names, 2 does not match"):
        export_graphviz(ours, feature_names=["a", "b"])
    with pytest.raises(ValueError, match="All feature names must be strings"):
        export_graphviz(ours, feature_names=[1, 2, 3, 4])
    with pytest.raises(ValueError, match="should contain as many items"):
        export_text(ours, class_names=["a"])
    with pytest.raises(ValueError, match="show_counts applies to style='j48'"):
        export_text(ours, show_counts=False)
    with pytest.raises(ValueError, match="'style' parameter of export_text"):
        export_text(ours, style="weka")
    with pytest.raises(ValueError, match="'label' parameter of export_graphviz"):
        export_graphviz(ours, label="some")


# --- ID3 and C4.5 -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tennis():
    df = load_play_tennis(as_frame=True)
    X, y = df.drop(columns="play"), df["play"]
    return X, y, ID3Classifier().fit(X, y)


def test_export_text_of_a_multiway_tree(tennis):
    X, _, est = tennis
    assert export_text(est, feature_names=list(X.columns), show_weights=True, decimals=0) == (
        "|--- outlook == overcast\n"
        "|   |--- weights: [0, 4] class: yes\n"
        "|--- outlook == rain\n"
        "|   |--- windy == false\n"
        "|   |   |--- weights: [0, 3] class: yes\n"
        "|   |--- windy == true\n"
        "|   |   |--- weights: [2, 0] class: no\n"
        "|--- outlook == sunny\n"
        "|   |--- humidity == high\n"
        "|   |   |--- weights: [3, 0] class: no\n"
        "|   |--- humidity == normal\n"
        "|   |   |--- weights: [0, 2] class: yes\n")
    assert export_text(est, max_depth=0).splitlines() == [
        "|--- feature_0 == overcast", "|   |--- class: yes",
        "|--- feature_0 == rain", "|   |--- truncated branch of depth 2",
        "|--- feature_0 == sunny", "|   |--- truncated branch of depth 2"]
    assert export_text(est, style="j48").splitlines()[0] == "outlook = overcast: yes (4.0)"


def test_export_graphviz_of_a_multiway_tree(tennis):
    X, _, est = tennis
    dot = export_graphviz(est, feature_names=list(X.columns), class_names=True, filled=True)
    lines = dot.splitlines()
    assert lines[3] == ('0 [label="outlook\\nentropy = 0.94\\nsamples = 14\\nvalue = [5, 9]'
                        '\\nclass = y[1]", fillcolor="#a7d3f3"] ;')
    assert '0 -> 3 [label="sunny"] ;' in lines and '3 -> 7 [label="normal"] ;' in lines
    assert dot.count("->") == est.tree_.n_nodes - 1


def test_c45_counts_with_fractions_keep_their_decimals():
    X, y = _iris()
    X = X.copy()
    X[::7, 3] = np.nan  # C4.5 sends these down every branch with fractional weights
    est = C45Classifier().fit(X, y)
    dot = export_graphviz(est)
    assert re.search(r"value = \[\d+\.\d+, ", dot)
    assert re.search(r"samples = 150\\n", dot)


# --- export_rules -----------------------------------------------------------------------------


def test_rules_merge_the_tests_on_one_feature():
    x = np.arange(10.0)[:, None]
    y = np.array([0, 0, 0, 1, 1, 1, 2, 2, 2, 2])
    est = DecisionTreeClassifier(random_state=0).fit(x, y)
    assert export_rules(est, feature_names=["x"], simplify=False).splitlines() == [
        "IF x <= 5.5 AND x <= 2.5 THEN class = 0  [support 3 (30.0%), confidence 100.0%]",
        "IF x <= 5.5 AND x > 2.5 THEN class = 1  [support 3 (30.0%), confidence 100.0%]",
        "IF x > 5.5 THEN class = 2  [support 4 (40.0%), confidence 100.0%]",
    ]
    assert export_rules(est, feature_names=["x"]).splitlines() == [
        "IF x <= 2.5 THEN class = 0  [support 3 (30.0%), confidence 100.0%]",
        "IF 2.5 < x <= 5.5 THEN class = 1  [support 3 (30.0%), confidence 100.0%]",
        "IF x > 5.5 THEN class = 2  [support 4 (40.0%), confidence 100.0%]",
    ]


def test_rules_of_c45_on_iris():
    df = load_iris(as_frame=True)
    X = df.data
    X.columns = IRIS_FEATURES
    est = C45Classifier().fit(X, df.target)
    assert export_rules(est, class_name="species", class_names=IRIS_CLASSES).splitlines() == [
        "IF petal width <= 0.6 THEN species = setosa  "
        "[support 50 (33.3%), confidence 100.0%]",
        "IF 0.6 < petal width <= 1.7 AND petal length <= 4.9 THEN species = versicolor  "
        "[support 48 (32.0%), confidence 97.9%]",
        "IF 0.6 < petal width <= 1.5 AND petal length > 4.9 THEN species = virginica  "
        "[support 3 (2.0%), confidence 100.0%]",
        "IF 1.5 < petal width <= 1.7 AND petal length > 4.9 THEN species = versicolor  "
        "[support 3 (2.0%), confidence 66.7%]",
        # petal width > 0.6 AND petal width > 1.7
        "IF petal width > 1.7 THEN species = virginica  [support 46 (30.7%), confidence 97.8%]",
    ]


_TEST = re.compile(r"^(?:(?P<lo>\S+) < (?P<between>\w+) <= (?P<hi>\S+)"
                   r"|(?P<name>\w+) (?P<op><=|>|=) (?P<value>\S+))$")


def _selected(rule, frame):
    """The rows a rule (as text) selects."""
    body = rule.split(" THEN ")[0]
    keep = np.ones(len(frame), dtype=bool)
    if body == "ALWAYS":
        return keep
    for test in body.removeprefix("IF ").split(" AND "):
        m = _TEST.match(test)
        assert m, test
        if m["between"]:
            x = frame[m["between"]].to_numpy(dtype=float)
            keep &= (x > float(m["lo"])) & (x <= float(m["hi"]))
        elif m["op"] == "=":
            keep &= frame[m["name"]].astype(str).to_numpy() == m["value"]
        else:
            x = frame[m["name"]].to_numpy(dtype=float)
            keep &= x <= float(m["value"]) if m["op"] == "<=" else x > float(m["value"])
    return keep


@pytest.mark.parametrize("seed", range(6))
def test_simplified_rules_select_the_same_rows(seed):
    rng = np.random.default_rng(seed)
    n = 150
    frame = pd.DataFrame({f"x{j}": np.round(rng.normal(size=n), 2) for j in range(3)})
    y = ((frame.x0 > 0.3) ^ (frame.x1 < -0.2) | (frame.x0 > 1.2)).astype(int).to_numpy()
    y = np.where(rng.random(n) < 0.1, 1 - y, y)
    trees = [DecisionTreeClassifier(random_state=seed).fit(frame.to_numpy(), y),
             C45Classifier(prune=False, min_samples_leaf=1).fit(frame, y)]
    frame_c = frame.assign(c=pd.Categorical(rng.choice(["a", "b", "c"], n)))
    trees.append(C45Classifier(min_samples_leaf=1, prune=False).fit(frame_c, y))
    for est, data in zip(trees, [frame, frame, frame_c], strict=True):
        cols = list(data.columns)
        plain = export_rules(est, feature_names=cols, simplify=False).splitlines()
        merged = export_rules(est, feature_names=cols).splitlines()
        assert len(plain) == len(merged) == est.get_n_leaves()
        seen = np.zeros(n, dtype=int)
        for a, b in zip(plain, merged, strict=True):
            rows = _selected(a, data)
            np.testing.assert_array_equal(_selected(b, data), rows)
            assert a.split(" THEN ")[1] == b.split(" THEN ")[1]
            assert f"[support {rows.sum()} (" in b  # the leaf's training cases, by count
            seen += rows
        np.testing.assert_array_equal(seen, 1)  # the rules partition the rows


# --- plot_tree: no two boxes or labels overlap ------------------------------------------------


def _wide_c45():
    rng = np.random.default_rng(1)
    n = 120
    frame = pd.DataFrame({c: pd.Categorical(rng.choice(list("pqrs"), n)) for c in "abc"})
    y = np.where(frame.a.isin(["p", "q"]), frame.b.isin(["p", "r"]), frame.c == "s")
    y = np.where(rng.random(n) < 0.05, ~y, y).astype(int)
    return C45Classifier(min_samples_leaf=1).fit(frame, y)


def _unbalanced():
    # one feature, the class changes at every second step of a ramp: a long chain of splits
    x = np.r_[np.arange(12.0), np.full(20, 12.0), np.arange(13.0, 16.0)][:, None]
    y = np.r_[np.arange(12) // 2 % 2, np.zeros(20, int), np.ones(3, int)]
    return DecisionTreeClassifier(random_state=0).fit(x, y)


FIGURES = {
    "stump": (lambda: fitted("stump")[1], {}, (6.4, 4.8)),
    "iris-depth-4": (lambda: fitted("weighted")[1],
                     {"feature_names": IRIS_FEATURES, "class_names": IRIS_CLASSES,
                      "filled": True}, (10, 6)),
    "deep-unbalanced": (lambda: fitted("deep")[1], {"rounded": True}, (10, 8)),
    "chain": (_unbalanced, {"node_ids": True}, (6, 8)),
    "truncated": (lambda: fitted("deep")[1], {"max_depth": 3, "filled": True,
                                              "proportion": True}, (8, 5)),
    "wide-c45": (_wide_c45, {"filled": True, "class_names": True}, (12, 5)),
    "tennis": (lambda: ID3Classifier().fit(*load_play_tennis()),
               {"feature_names": ["outlook", "temperature", "humidity", "windy"],
                "label": "root"}, (6.4, 4.8)),
}


def _extents(artists, renderer):
    out = []
    for a in artists:
        patch = a.get_bbox_patch()
        e = patch.get_window_extent(renderer) if patch is not None else a.get_window_extent(
            renderer)
        out.append([e.x0, e.y0, e.x1, e.y1])
    return np.array(out)


@pytest.mark.parametrize("name", list(FIGURES))
def test_plot_tree_boxes_and_labels_never_overlap(name):
    make, kwargs, figsize = FIGURES[name]
    est = make()
    fig, ax = plt.subplots(figsize=figsize)
    try:
        artists = plot_tree(est, ax=ax, **kwargs)
        fig.canvas.draw()
        texts = [t for t in ax.texts]
        assert artists == texts  # every text of the axes is one of the returned annotations
        ext = _extents(texts, fig.canvas.get_renderer())
        frame = fig.bbox
        assert (ext[:, 0] >= frame.x0).all() and (ext[:, 2] <= frame.x1).all()
        assert (ext[:, 1] >= frame.y0).all() and (ext[:, 3] <= frame.y1).all()
        # the gap between two boxes: the larger of the horizontal and the vertical one
        dx = np.maximum(ext[None, :, 0] - ext[:, None, 2], ext[:, None, 0] - ext[None, :, 2])
        dy = np.maximum(ext[None, :, 1] - ext[:, None, 3], ext[:, None, 1] - ext[None, :, 3])
        gap = np.maximum(dx, dy)
        np.fill_diagonal(gap, np.inf)
        assert gap.min() > 0, f"{name}: two boxes overlap by {-gap.min():.1f} pixels"
        # legible, and as large as the axes allow up to 12 points
        assert 2.5 <= texts[0].get_fontsize() <= 12
        # integer counts are printed as integers
        for t in texts:
            for values in re.findall(r"value = \[([^\]]*)\]", t.get_text()):
                if not kwargs.get("proportion"):
                    assert "." not in values, t.get_text()
    finally:
        plt.close(fig)


def test_plot_tree_writes_scikit_learns_labels():
    theirs, ours = fitted("iris")
    fig, (a, b) = plt.subplots(1, 2)
    try:
        kwargs = {"feature_names": IRIS_FEATURES, "class_names": IRIS_CLASSES,
                  "node_ids": True, "filled": True}
        mine = [t.get_text() for t in plot_tree(ours, ax=a, **kwargs)]
        sklearns = [t.get_text() for t in sk.plot_tree(theirs, ax=b, **kwargs)]
        assert sorted(mine) == sorted(s.strip() for s in sklearns)
    finally:
        plt.close(fig)


def test_plot_tree_with_a_given_fontsize():
    _, ours = fitted("iris")
    fig, ax = plt.subplots(figsize=(12, 8))
    try:
        artists = plot_tree(ours, ax=ax, fontsize=6)
        assert {t.get_fontsize() for t in artists} == {6}
        fig.canvas.draw()
        ext = _extents(artists, fig.canvas.get_renderer())
        dx = np.maximum(ext[None, :, 0] - ext[:, None, 2], ext[:, None, 0] - ext[None, :, 2])
        dy = np.maximum(ext[None, :, 1] - ext[:, None, 3], ext[:, None, 1] - ext[None, :, 3])
        gap = np.maximum(dx, dy)
        np.fill_diagonal(gap, np.inf)
        assert gap.min() > 0
    finally:
        plt.close(fig)
    fig, ax = plt.subplots(figsize=(2, 2))
    try:
        with pytest.warns(UserWarning, match="drawn past the axes"):
            plot_tree(ours, ax=ax, fontsize=12)
    finally:
        plt.close(fig)
