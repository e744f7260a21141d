"""ID3Classifier, C45Classifier, the split criteria and the exporters.

References: Quinlan (1986) for the play-tennis tree and gains; Quinlan (1993) for the split
information and the pessimistic error bounds; Weka J48's published output on Iris; and a slow
loop-by-case J48 (tests/_slow_c45.py) for everything else.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

from mlkit.datasets import load
from mlkit.tree import (
    C45Classifier,
    ID3Classifier,
    export_graphviz,
    export_rules,
    export_text,
    plot_tree,
)
from mlkit.tree import _criteria as crit
from mlkit.tree._grow import GrowParams, categorical_scores

from . import _slow_c45 as slow

# --- criteria on hand-computed values ---------------------------------------------------------


def truncated(x, digits=3):
    """Quinlan prints his values truncated (0.2467 bits as 0.246), not rounded."""
    return np.floor(np.asarray(x) * 10**digits + 1e-9) / 10**digits


def test_entropy_of_play_tennis_is_0_940():
    # Quinlan 1986, p. 90: 9 P and 5 N objects carry 0.940 bits
    assert crit.entropy([9, 5]) == pytest.approx(0.940, abs=5e-4)
    assert crit.entropy([9, 5]) == pytest.approx(-(9 / 14) * math.log2(9 / 14)
                                                 - (5 / 14) * math.log2(5 / 14))
    assert crit.entropy([0, 0]) == 0.0
    assert crit.entropy([7, 0]) == 0.0
    np.testing.assert_allclose(crit.entropy([[1, 1], [1, 3]]), [1.0, 0.8112781244591328])


def test_information_gain_of_outlook_is_0_246():
    # Quinlan 1986, p. 90: sunny 2P/3N, overcast 4P/0N, rain 3P/2N
    g = crit.information_gain([9, 5], [[2, 3], [4, 0], [3, 2]])
    assert truncated(g) == 0.246
    expected = crit.entropy([9, 5]) - (5 / 14 * crit.entropy([2, 3]) + 5 / 14
                                        * crit.entropy([3, 2]))
    assert g == pytest.approx(expected)


def test_split_info_and_gain_ratio_of_outlook():
    # Quinlan 1993, ch. 2: split info(outlook) = 1.577 bits, gain ratio 0.156
    si = crit.split_info([5, 4, 5])
    assert si == pytest.approx(1.577, abs=5e-4)
    assert crit.gain_ratio(crit.information_gain([9, 5], [[2, 3], [4, 0], [3, 2]]), si) == (
        pytest.approx(0.156, abs=5e-4))
    assert crit.gain_ratio(0.3, 0.0) == 0.0


def test_gini():
    assert crit.gini([9, 5]) == pytest.approx(1 - (81 + 25) / 196)
    assert crit.gini([3, 3, 3]) == pytest.approx(2 / 3)
    assert crit.gini([0, 0]) == 0.0


def test_pessimistic_error_zero_errors_matches_quinlan():
    # Quinlan 1993, ch. 4 (congressional voting): U25%(0,6) = 0.206, U25%(0,9) = 0.143,
    # U25%(0,1) = 0.750 -- the exact binomial bound 1 - CF**(1/N)
    for n, u in [(6, 0.206), (9, 0.143), (1, 0.750)]:
        assert crit.pessimistic_error(n, 0) / n == pytest.approx(u, abs=5e-4)


def test_pessimistic_error_wilson_bound_by_hand():
    n, e, cf = 16.0, 1.0, 0.25
    z = norm.ppf(1 - cf)
    f = (e + 0.5) / n
    u = (f + z * z / (2 * n) + z * math.sqrt(f / n - f * f / n + z * z / (4 * n * n))) / (
        1 + z * z / n)
    assert crit.pessimistic_error(n, e, cf) == pytest.approx(n * u)
    # Quinlan's U25%(1,16) = 0.157 comes from his table's z for CF = 25% (0.84 and 0.25 at
    # 20% and 40%, interpolated: 0.6925); the same bound with that z reproduces it
    assert crit._upper_bound_errors(16.0, 1.0, 0.6925) / 16 == pytest.approx(0.157, abs=5e-4)


def test_pessimistic_error_special_cases():
    cf = 0.25
    base = 4 * (1 - cf ** 0.25)
    at_one = crit.pessimistic_error(4, 1, cf) - 1
    # 0 < E < 1: linear interpolation of the correction between E = 0 and E = 1
    assert crit.pessimistic_error(4, 0.5, cf) == pytest.approx(0.5 + base + 0.5 * (at_one - base))
    # E + 0.5 >= N: all N cases counted as errors
    assert crit.pessimistic_error(2, 1.5, cf) == pytest.approx(2.0)
    assert crit.pessimistic_error(0, 0, cf) == 0.0
    # vectorized, and the estimate never falls below the observed errors
    n = np.array([1.0, 5, 10, 50, 100])
    e = np.array([0.0, 1, 2.5, 10, 99.7])
    out = crit.pessimistic_error(n, e, cf)
    assert out.shape == (5,) and np.all(out >= e) and np.all(out <= n + 1e-12)
    assert crit.pessimistic_error(10, 2, 0.1) > crit.pessimistic_error(10, 2, 0.25)


# --- ID3 on Quinlan's play-tennis table ------------------------------------------------------


@pytest.fixture(scope="module")
def tennis():
    df = load("play_tennis", as_frame=True)
    return df.drop(columns="play"), df["play"]


def test_id3_root_gains_are_quinlans(tennis):
    # Quinlan 1986, p. 90: gain(outlook) = 0.246, gain(temperature) = 0.029,
    # gain(humidity) = 0.151, gain(windy) = 0.048 -- here from the vectorized scorer
    X, y = tennis
    est = ID3Classifier().fit(X, y)
    Z = np.column_stack([pd.Index(est.categories_[j]).get_indexer(X.iloc[:, j].astype(object))
                         for j in range(4)]).astype(float)
    y_idx = np.searchsorted(est.classes_, y.astype(str))
    p = GrowParams(c45=False, min_leaf=0.0, mdl=False)
    gains = [categorical_scores(np.zeros(14, int), np.arange(14), np.ones(14), y_idx, Z[:, j],
                                len(est.categories_[j]), np.array([14.0]), 1, 2, p)[0][0]
             for j in range(4)]
    np.testing.assert_array_equal(truncated(gains), [0.246, 0.029, 0.151, 0.048])
    assert list(X.columns) == ["outlook", "temperature", "humidity", "windy"]


def test_id3_grows_quinlans_tree(tennis):
    # Quinlan 1986, Figure 2: outlook at the root; sunny -> humidity, rain -> windy
    X, y = tennis
    est = ID3Classifier().fit(X, y)
    assert export_text(est, style="j48", show_counts=False).splitlines() == [
        "outlook = overcast: yes",
        "outlook = rain",
        "|   windy = false: yes",
        "|   windy = true: no",
        "outlook = sunny",
        "|   humidity = high: no",
        "|   humidity = normal: yes",
    ]
    assert est.get_depth() == 2 and est.get_n_leaves() == 5
    assert est.score(X, y) == 1.0
    assert list(est.feature_names_in_) == list(X.columns)
    assert est.is_categorical_.all()
    # importances by hand: 14 cases x gain(outlook) at the root; humidity and windy each
    # separate 5 cases (2/3 and 3/2) perfectly, a gain of H(2, 3) bits
    raw = np.array([14 * crit.information_gain([9, 5], [[2, 3], [4, 0], [3, 2]]), 0.0,
                    5 * crit.entropy([2, 3]), 5 * crit.entropy([3, 2])])
    np.testing.assert_allclose(est.feature_importances_, raw / raw.sum())


def test_id3_on_numpy_strings_and_integer_codes(tennis):
    X, y = tennis
    a = ID3Classifier().fit(X.to_numpy(dtype=object), y.to_numpy())
    codes = np.column_stack([X[c].cat.codes for c in X.columns])
    b = ID3Classifier(categorical_features=[0, 1, 2, 3]).fit(codes, y.to_numpy())
    assert a.get_n_leaves() == b.get_n_leaves() == 5
    np.testing.assert_array_equal(a.predict(X.to_numpy(dtype=object)), b.predict(codes))
    # integer codes not named categorical are numeric: binary splits, still a valid tree
    c = ID3Classifier().fit(codes, y.to_numpy())
    assert not c.is_categorical_.any() and c.score(codes, y.to_numpy()) == 1.0


def test_id3_unseen_category_stops_at_the_node(tennis):
    X, y = tennis
    est = ID3Classifier().fit(X.to_numpy(dtype=object), y.to_numpy())
    row = np.array([["foggy", "mild", "high", False]], dtype=object)
    # stops at the root: the root's distribution, 9 yes / 5 no
    np.testing.assert_allclose(est.predict_proba(row), [[5 / 14, 9 / 14]])
    assert est.apply(row)[0] == 0


def test_id3_refuses_missing_values(tennis):
    X, y = tennis
    Xo = X.to_numpy(dtype=object)
    Xo[3, 1] = None
    with pytest.raises(ValueError, match="missing value in column"):
        ID3Classifier().fit(Xo, y.to_numpy())


# --- C4.5 against Weka's J48 ------------------------------------------------------------------

# Weka's J48 with its defaults (-C 0.25 -M 2) on iris.arff, as printed e.g. in the README of
# clj-ml (Weka bindings for Clojure) and many Weka tutorials: 5 leaves, size 9.
J48_IRIS = """\
petalwidth <= 0.6: Iris-setosa (50.0)
petalwidth > 0.6
|   petalwidth <= 1.7
|   |   petallength <= 4.9: Iris-versicolor (48.0/1.0)
|   |   petallength > 4.9
|   |   |   petalwidth <= 1.5: Iris-virginica (3.0)
|   |   |   petalwidth > 1.5: Iris-versicolor (3.0/1.0)
|   petalwidth > 1.7: Iris-virginica (46.0/1.0)"""


def test_c45_on_iris_is_weka_j48():
    df = load("iris", as_frame=True)
    X = df.drop(columns="class")
    X.columns = ["sepallength", "sepalwidth", "petallength", "petalwidth"]
    y = "Iris-" + df["class"].astype(str)
    est = C45Classifier().fit(X, y)
    assert export_text(est, style="j48") == J48_IRIS
    assert est.get_n_leaves() == 5 and est.tree_.n_nodes == 9 and est.get_depth() == 4


def _canonical(est, node=0):
    t = est.tree_
    kids = range(t.child_start[node], t.child_start[node] + t.n_children[node])
    leaf = t.feature[node] < 0
    return (-1 if leaf else int(t.feature[node]),
            None if leaf or t.is_categorical[node] else round(float(t.threshold[node]), 9),
            tuple(round(float(c), 6) for c in t.counts[node]),
            tuple(_canonical(est, int(k)) for k in kids) if not leaf else ())


def _mixed_data(seed, n=160, missing=0.1):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, n)
    X = np.column_stack([
        rng.normal(size=n) + y * 0.8,
        np.round(rng.normal(size=n) + (y == 1), 1),  # ties
        rng.integers(0, 4, n) + 0.0,                  # few distinct values
        (rng.integers(0, 3, n) + (y == 2)) % 3,       # categorical, codes 0..2
        rng.normal(size=n),
    ])
    X[rng.random(X.shape) < missing] = np.nan
    return X, y


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("pruned", [False, True])
def test_c45_matches_slow_j48_with_missing_values(seed, pruned):
    X, y = _mixed_data(seed)
    is_cat = [False, False, False, True, False]
    expected = slow.canonical(slow.j48(X.tolist(), y.tolist(), 3, is_cat, [0, 0, 0, 3, 0],
                                       pruned=pruned))
    est = C45Classifier(categorical_features=[3], prune=pruned).fit(X, y)
    assert _canonical(est) == expected


def test_c45_without_missing_values_matches_slow_j48_on_wine():
    X, y = load("wine")
    _, y_idx = np.unique(y, return_inverse=True)
    expected = slow.canonical(slow.j48(X.tolist(), y_idx.tolist(), 3, [False] * 13, [0] * 13))
    assert _canonical(C45Classifier().fit(X, y)) == expected


def test_c45_prediction_with_a_missing_value_mixes_the_branches():
    X, y = load("iris")
    est = C45Classifier().fit(X, y)
    x = X[:1].copy()
    x[0, 3] = np.nan  # petal width unknown: the root sends 50/150 left, 100/150 right
    t = est.tree_
    left = t.value[t.child_start[0]]
    # on the right, petal width is tested again twice; follow the known petal length
    right_node = t.child_start[0] + 1
    # right subtree: petalwidth <= 1.7 (54 cases: 48 + 6) vs > 1.7 (46)
    inner, outer = t.child_start[right_node], t.child_start[right_node] + 1
    # petal length 1.4 <= 4.9 in the inner node
    pl_leaf = t.child_start[inner]
    right = (t.counts[inner].sum() * t.value[pl_leaf] + t.counts[outer].sum() * t.value[outer]
             ) / t.counts[right_node].sum()
    expected = (50 * left + 100 * right) / 150
    np.testing.assert_allclose(est.predict_proba(x)[0], expected)


def test_c45_unseen_category_is_spread_like_a_missing_value(tennis):
    X, y = tennis
    est = C45Classifier(min_samples_leaf=1).fit(X, y)
    row = X.iloc[:1].astype(object).copy()
    row.iloc[0, 0] = "foggy"
    row_missing = X.iloc[:1].astype(object).copy()
    row_missing.iloc[0, 0] = None
    np.testing.assert_allclose(est.predict_proba(row), est.predict_proba(row_missing))


def test_c45_all_missing_column_and_declared_unused_category():
    X, y = load("iris")
    X = np.column_stack([np.full(150, np.nan), X])
    est = C45Classifier().fit(X, y)
    assert 0 not in est.tree_.feature and est.get_n_leaves() == 5
    assert est.feature_importances_[0] == 0
    df = pd.DataFrame({"c": pd.Categorical(["a", "b"] * 10, categories=["a", "b", "z"]),
                       "x": np.arange(20.0)})
    yy = np.array([0, 1] * 10)
    tree = C45Classifier().fit(df, yy)
    assert tree.tree_.n_children[0] == 3  # a branch for the declared category z, empty
    z_leaf = tree.tree_.child_start[0] + 2
    assert tree.tree_.counts[z_leaf].sum() == 0
    np.testing.assert_allclose(tree.tree_.value[z_leaf], [0.5, 0.5])  # the parent's


def test_c45_options_change_the_tree():
    X, y = load("breast_cancer")
    full = C45Classifier(prune=False, collapse=False).fit(X, y)
    pruned = C45Classifier().fit(X, y)
    harder = C45Classifier(confidence_factor=0.05).fit(X, y)
    assert full.get_n_leaves() >= pruned.get_n_leaves() >= harder.get_n_leaves()
    assert C45Classifier(max_depth=2).fit(X, y).get_depth() <= 2
    assert C45Classifier(min_samples_leaf=20).fit(X, y).get_n_leaves() < full.get_n_leaves()
    assert full.score(X, y) >= pruned.score(X, y)


def test_row_order_and_label_names_do_not_matter():
    X, y = _mixed_data(5, missing=0.05)
    perm = np.random.default_rng(0).permutation(len(y))
    a = C45Classifier(categorical_features=[3]).fit(X, y)
    b = C45Classifier(categorical_features=[3]).fit(X[perm], np.array(["a", "b", "c"])[y[perm]])
    assert _canonical(a)[:2] == _canonical(b)[:2]
    np.testing.assert_array_equal(np.array(["a", "b", "c"])[a.predict(X)], b.predict(X))


def test_sample_weight_equals_repetition():
    X, y = _mixed_data(3, missing=0.05)
    w = np.random.default_rng(1).integers(0, 3, len(y))
    a = C45Classifier(categorical_features=[3]).fit(X, y, sample_weight=w)
    b = C45Classifier(categorical_features=[3]).fit(np.repeat(X, w, axis=0), np.repeat(y, w))
    assert _canonical(a) == _canonical(b)


# --- the common API ---------------------------------------------------------------------------


def test_apply_decision_path_and_depth():
    X, y = load("wine")
    est = C45Classifier().fit(X, y)
    leaves = est.apply(X)
    assert np.all(est.tree_.feature[leaves] == -1)
    path = est.decision_path(X)
    assert path.shape == (178, est.tree_.n_nodes)
    assert np.all(path[np.arange(178), leaves] == 1)
    assert np.all(path[:, 0].toarray() == 1)
    # each path has depth(leaf) + 1 nodes
    np.testing.assert_array_equal(np.asarray(path.sum(axis=1)).ravel(),
                                  est.tree_.depth[leaves] + 1)
    assert est.get_depth() == est.tree_.depth[leaves].max()
    proba = est.predict_proba(X)
    np.testing.assert_allclose(proba, est.tree_.value[leaves])
    np.testing.assert_allclose(np.exp(est.predict_log_proba(X)), proba)


def test_bad_parameters_and_weights():
    X, y = load("iris")
    with pytest.raises(ValueError, match="confidence_factor"):
        C45Classifier(confidence_factor=0.7).fit(X, y)
    with pytest.raises(ValueError, match="categorical_features names the column"):
        C45Classifier(categorical_features=["nope"]).fit(X, y)
    with pytest.raises(ValueError, match="Negative"):
        C45Classifier().fit(X, y, sample_weight=-np.ones(150))
    with pytest.raises(ValueError, match="one class|only one class"):
        C45Classifier().fit(X, np.zeros(150))


# --- exporters --------------------------------------------------------------------------------


def test_exporters_follow_the_protocol(tennis):
    X, y = tennis
    est = ID3Classifier().fit(X, y)
    nodes = est._tree_nodes()
    assert [n["id"] for n in nodes] == list(range(len(nodes)))
    assert nodes[0]["parent"] == -1 and nodes[0]["condition"] is None
    np.testing.assert_allclose(nodes[0]["class_counts"], [5, 9])
    rules = export_rules(est).splitlines()
    assert len(rules) == 5
    assert rules[0] == ("IF outlook = overcast THEN class = yes  "
                        "[support 4 (28.6%), confidence 100.0%]")
    dot = export_graphviz(est, feature_names=list(X.columns))
    assert dot.startswith("digraph Tree {") and dot.endswith("}")
    assert dot.count("->") == len(nodes) - 1 and '[label="sunny"]' in dot
    assert '0 [label="outlook\\nentropy = 0.94\\nsamples = 14\\nvalue = [5, 9]"] ;' in dot


def test_rules_confidence_on_iris():
    X, y = load("iris")
    rules = export_rules(C45Classifier().fit(X, y)).splitlines()
    assert rules[1].endswith("[support 48 (32.0%), confidence 97.9%]")  # 47 / 48


def test_plot_tree_draws_every_node():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    X, y = load("iris")
    est = C45Classifier().fit(X, y)
    fig, ax = plt.subplots()
    out = plot_tree(est, ax=ax)
    # one box per node, and True/False on the two edges out of the root
    assert len(out) == len(ax.texts) == est.tree_.n_nodes + 2
    plt.close(fig)


def test_c45_on_a_dataframe_with_missing_categories_and_numbers():
    X, y = _mixed_data(7, missing=0.15)
    names = np.array(["low", "mid", "high"], dtype=object)
    cat = np.where(np.isnan(X[:, 3]), None, names[np.nan_to_num(X[:, 3]).astype(int)])
    df = pd.DataFrame({"a": X[:, 0], "b": X[:, 1], "c": X[:, 2],
                       "d": pd.Categorical(cat, categories=names), "e": X[:, 4]})
    from_frame = C45Classifier().fit(df, y)
    from_codes = C45Classifier(categorical_features=[3]).fit(X, y)
    assert list(from_frame.feature_names_in_) == list("abcde")
    assert from_frame.is_categorical_.tolist() == [False, False, False, True, False]
    assert _canonical(from_frame) == _canonical(from_codes)
    np.testing.assert_allclose(from_frame.predict_proba(df), from_codes.predict_proba(X))
    assert "d = mid" in export_text(from_frame, style="j48") or 3 not in from_frame.tree_.feature


def test_sparse_categorical_counts_equal_the_dense_table(monkeypatch):
    from mlkit.tree import _grow

    X, y = _mixed_data(4, missing=0.1)
    dense = C45Classifier(categorical_features=[2, 3]).fit(X, y)
    monkeypatch.setattr(_grow, "_DENSE_LIMIT", 0)
    sparse_ = C45Classifier(categorical_features=[2, 3]).fit(X, y)
    assert _canonical(dense) == _canonical(sparse_)
    tennis = load("play_tennis", as_frame=True)
    a = ID3Classifier().fit(tennis.drop(columns="play"), tennis["play"])
    assert a.get_n_leaves() == 5


@pytest.mark.parametrize("cls", [ID3Classifier, C45Classifier])
def test_device_and_lazy_inputs_are_moved_to_the_host(cls):
    xp = pytest.importorskip("array_api_strict")
    da = pytest.importorskip("dask.array")
    X, y = load("iris")
    ref = cls().fit(X, y)
    for Xb in (xp.asarray(X), da.from_array(X, chunks=(40, 4))):
        est = cls().fit(Xb, y)
        assert _canonical(est) == _canonical(ref)
        np.testing.assert_array_equal(est.predict(Xb), ref.predict(X))


@pytest.mark.parametrize("seed, cf", [(11, 0.25), (15, 0.25), (11, 0.1)])
def test_c45_subtree_raising_without_missing_values_matches_slow_j48(seed, cf):
    # these data make J48 raise subtrees (1 to 3 times); without missing values the pruner
    # routes only the cases of the other branches
    X, y = _mixed_data(seed, n=300, missing=0.0)
    is_cat = [False, False, False, True, False]
    expected = slow.canonical(slow.j48(X.tolist(), y.tolist(), 3, is_cat, [0, 0, 0, 3, 0],
                                       cf=cf))
    est = C45Classifier(categorical_features=[3], confidence_factor=cf).fit(X, y)
    assert _canonical(est) == expected


@pytest.mark.parametrize("name", ["iris", "wine", "breast_cancer"])
def test_id3_on_numeric_columns_is_sklearns_entropy_tree_up_to_ties(name):
    # With numeric columns ID3 makes binary midpoint splits by information gain, as
    # scikit-learn's DecisionTreeClassifier(criterion='entropy') does. The trees are walked
    # together; where the splits differ, scikit-learn picked another split of exactly equal
    # gain (it draws the features in a random order, and uses float32 thresholds).
    from sklearn.tree import DecisionTreeClassifier

    X, y = load(name)
    _, y_idx = np.unique(y, return_inverse=True)
    sk = DecisionTreeClassifier(criterion="entropy", random_state=0).fit(X, y).tree_
    ours = ID3Classifier().fit(X, y).tree_

    def gain(rows, f, t):
        parent = np.bincount(y_idx[rows], minlength=y_idx.max() + 1)
        left = np.bincount(y_idx[rows][X[rows, f] <= t], minlength=y_idx.max() + 1)
        return crit.information_gain(parent, np.stack([left, parent - left]))

    same, ties, stack = 0, 0, [(0, 0, np.arange(len(y)))]
    while stack:
        s, o, rows = stack.pop()
        assert (sk.children_left[s] < 0) == (ours.feature[o] < 0)
        if ours.feature[o] < 0:
            continue
        f, t = int(ours.feature[o]), float(ours.threshold[o])
        if sk.feature[s] != f or abs(sk.threshold[s] - t) > 1e-5:
            assert gain(rows, f, t) == pytest.approx(gain(rows, sk.feature[s], sk.threshold[s]),
                                                     abs=1e-12)
            ties += 1
            continue
        same += 1
        left = X[rows, f] <= t
        stack += [(sk.children_left[s], ours.child_start[o], rows[left]),
                  (sk.children_right[s], ours.child_start[o] + 1, rows[~left])]
    assert same + ties >= 1 and ties <= 6


def test_numeric_features_scored_in_several_passes_give_the_same_tree(monkeypatch):
    from mlkit.tree import _grow

    X, y = _mixed_data(9, missing=0.1)
    one = C45Classifier(categorical_features=[3]).fit(X, y)
    monkeypatch.setattr(_grow, "_ROWS_PER_PASS", 50)
    many = C45Classifier(categorical_features=[3]).fit(X, y)
    assert _canonical(one) == _canonical(many)


def test_many_valued_rule_counts_weight_not_rows():
    # J48 leaves categorical columns with >= 0.3 n values out of the average gain; with n the
    # number of rows, weight 2 differed from a repeated row and zero-weight rows changed the
    # tree (found by a randomized check against the slow reference)
    X = pd.DataFrame({"c": list("cccacabaab"), "x": [1.0, 2, 1, 0, 3, 2, 3, 3, 4, 2]})
    y = np.array([1, 0, 0, 0, 0, 1, 0, 0, 0, 1])
    X2, y2 = pd.concat([X, X], ignore_index=True), np.r_[y, y]

    def tree(*args, **kwargs):
        return export_text(C45Classifier(min_samples_leaf=1, prune=False).fit(*args, **kwargs),
                           style="j48")

    weighted = tree(X, y, sample_weight=np.full(10, 2.0))
    assert weighted == tree(X2, y2)
    assert weighted == tree(X2, y2, sample_weight=np.r_[np.full(10, 2.0), np.zeros(10)])
