"""CART (mlkit.tree.DecisionTreeClassifier) against scikit-learn, hand values and a slow loop."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.datasets import load_breast_cancer, load_iris, load_wine, make_classification
from sklearn.tree import DecisionTreeClassifier as SkTree

from mlkit._validation import InvalidParameterError
from mlkit.tree import DecisionTreeClassifier
from mlkit.tree._cart import entropy, gini
from mlkit.tree._cart_order import XorShift32

LOADERS = {"iris": load_iris, "wine": load_wine, "breast_cancer": load_breast_cancer}


def assert_same_tree(ours, theirs, X):
    """The same nodes (ids, tests, counts), predictions, leaves, paths and importances."""
    a, b = ours.tree_, theirs.tree_
    assert a.node_count == b.node_count
    np.testing.assert_array_equal(a.children_left, b.children_left)
    np.testing.assert_array_equal(a.children_right, b.children_right)
    np.testing.assert_array_equal(a.feature, b.feature)
    np.testing.assert_array_equal(a.threshold, b.threshold)
    np.testing.assert_array_equal(a.n_node_samples, b.n_node_samples)
    np.testing.assert_allclose(a.weighted_n_node_samples, b.weighted_n_node_samples, rtol=1e-12)
    np.testing.assert_allclose(a.impurity, b.impurity, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(a.value, b.value, rtol=1e-12, atol=1e-15)
    assert ours.get_depth() == theirs.get_depth()
    assert ours.get_n_leaves() == theirs.get_n_leaves()
    np.testing.assert_allclose(ours.feature_importances_, theirs.feature_importances_,
                               rtol=1e-10, atol=1e-14)
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))
    np.testing.assert_array_equal(ours.apply(X), theirs.apply(X))
    np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), atol=1e-12)
    np.testing.assert_array_equal(ours.decision_path(X).toarray(),
                                  theirs.decision_path(X).toarray())


def both(X, y, sample_weight=None, **params):
    ours = DecisionTreeClassifier(**params).fit(X, y, sample_weight=sample_weight)
    theirs = SkTree(**params).fit(X, y, sample_weight=sample_weight)
    return ours, theirs


def random_data(n, d, k, seed):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, d)), rng.integers(0, k, n)


# --- impurity: hand-computed values -----------------------------------------------------------


def test_impurities_by_hand():
    counts = np.array([[1.0, 2.0, 0.0], [3.0, 2.0, 4.0]])  # classes on axis 0; 3 nodes
    total = counts.sum(axis=0)
    # node (1, 3): Gini 1 - (1 + 9)/16 = 0.375; entropy -(1/4 log2 1/4 + 3/4 log2 3/4)
    # node (2, 2): 0.5 and 1 bit; node (0, 4): pure, 0 and 0
    np.testing.assert_allclose(gini(counts, total), [0.375, 0.5, 0.0], rtol=1e-15)
    np.testing.assert_allclose(entropy(counts, total), [0.8112781244591328, 1.0, 0.0],
                               rtol=1e-15)
    three = np.array([[1.0], [1.0], [1.0]])
    np.testing.assert_allclose(entropy(three, np.array([3.0])), [np.log2(3)], rtol=1e-15)
    np.testing.assert_allclose(gini(three, np.array([3.0])), [2 / 3], rtol=1e-15)


def test_xorshift_matches_marsaglias_sequence():
    # Marsaglia (2003), xorshift32 with shifts (13, 17, 5) from state 1: first states
    rng = XorShift32(1)
    states = []
    for _ in range(3):
        rng.draw(0, 2**31)
        states.append(rng.state)
    assert states == [270369, 67634689, 2647435461]


# --- the same tree as scikit-learn -------------------------------------------------------------


@pytest.mark.parametrize("name", list(LOADERS))
@pytest.mark.parametrize("criterion", ["gini", "entropy", "log_loss"])
@pytest.mark.parametrize("random_state", [0, 1])
def test_same_tree_as_sklearn_on_real_data(name, criterion, random_state):
    X, y = LOADERS[name](return_X_y=True)
    ours, theirs = both(X, y, criterion=criterion, random_state=random_state)
    assert_same_tree(ours, theirs, X)
    # unseen points, including ones right at the thresholds
    rng = np.random.default_rng(1)
    X_new = X[rng.integers(0, len(X), 200)] * rng.choice([1.0, 1.01, 0.99], size=(200, 1))
    np.testing.assert_array_equal(ours.predict(X_new), theirs.predict(X_new))


def test_iris_root_tie_follows_random_state():
    # petal length <= 2.45 and petal width <= 0.8 split Iris identically: the seed decides
    X, y = load_iris(return_X_y=True)
    roots = set()
    for seed in range(8):
        ours, theirs = both(X, y, random_state=seed)
        assert ours.tree_.feature[0] == theirs.tree_.feature[0]
        roots.add(int(ours.tree_.feature[0]))
    assert roots == {2, 3}


@pytest.mark.parametrize("n, d, k, seed", [(300, 5, 2, 0), (500, 8, 3, 1), (800, 3, 4, 2)])
@pytest.mark.parametrize("criterion", ["gini", "entropy"])
def test_same_tree_as_sklearn_on_random_data(n, d, k, seed, criterion):
    # pure noise: deep trees with many ties at small nodes
    X, y = random_data(n, d, k, seed)
    ours, theirs = both(X, y, criterion=criterion, random_state=seed)
    assert_same_tree(ours, theirs, X)


def test_many_classes():
    # nearly every small node is tied between features: the alternatives stay within budget
    X, y = random_data(600, 6, 30, 13)
    for criterion in ("gini", "entropy"):
        ours, theirs = both(X, y, criterion=criterion, random_state=2)
        assert_same_tree(ours, theirs, X)


def test_same_tree_with_repeated_values():
    rng = np.random.default_rng(3)
    X = rng.integers(0, 4, size=(400, 6)).astype(float)
    X[:, 0] += 1e-8 * rng.random(400)  # values closer than 1e-7 count as equal
    y = (X[:, 1] + X[:, 2] + rng.integers(0, 3, 400)) % 3
    ours, theirs = both(X, y, random_state=5)
    assert_same_tree(ours, theirs, X)


PARAMS = [
    {"max_depth": 3},
    {"min_samples_leaf": 7},
    {"min_samples_leaf": 0.03},
    {"min_samples_split": 25},
    {"min_samples_split": 0.1},
    {"min_impurity_decrease": 0.002},
    {"min_weight_fraction_leaf": 0.02},
    {"max_features": 2},
    {"max_features": "sqrt"},
    {"max_features": 0.5, "criterion": "entropy"},
    {"max_features": 1, "min_samples_leaf": 3},
    {"max_features": 2, "min_impurity_decrease": 0.002},
    {"class_weight": {0: 1, 1: 2, 2: 3}},
    {"ccp_alpha": 0.0039},  # (between two breakpoints of the pruning path)
    {"ccp_alpha": 0.0039, "criterion": "entropy", "max_features": 3},
]


@pytest.mark.parametrize("params", PARAMS, ids=[str(p) for p in PARAMS])
def test_same_tree_as_sklearn_with_parameters(params):
    X, y = random_data(400, 6, 3, 7)
    ours, theirs = both(X, y, random_state=3, **params)
    assert_same_tree(ours, theirs, X)


@pytest.mark.parametrize("name", list(LOADERS))
@pytest.mark.parametrize("max_leaf_nodes", [2, 5, 12, 1000])
def test_best_first_same_tree_as_sklearn(name, max_leaf_nodes):
    # best-first growth: node ids in creation order, the frontier as a C++ max-heap
    X, y = LOADERS[name](return_X_y=True)
    ours, theirs = both(X, y, random_state=0, max_leaf_nodes=max_leaf_nodes)
    assert_same_tree(ours, theirs, X)
    assert ours.get_n_leaves() <= max_leaf_nodes


@pytest.mark.parametrize("params", [
    {"max_leaf_nodes": 40},
    {"max_leaf_nodes": 150, "criterion": "entropy"},
    {"max_leaf_nodes": 60, "max_features": 2, "min_samples_leaf": 2},
    {"max_leaf_nodes": 30, "ccp_alpha": 0.004},
])
def test_best_first_on_random_data(params):
    X, y = random_data(300, 5, 3, 12)
    ours, theirs = both(X, y, random_state=4, **params)
    assert_same_tree(ours, theirs, X)


def test_same_tree_with_integer_sample_weights():
    X, y = random_data(400, 6, 3, 8)
    w = np.random.default_rng(8).integers(0, 4, 400).astype(float)  # zeros drop samples
    ours, theirs = both(X, y, sample_weight=w, random_state=0, criterion="entropy")
    assert_same_tree(ours, theirs, X)


def test_integer_weights_equal_repeated_rows():
    X, y = random_data(200, 4, 3, 9)
    w = np.random.default_rng(9).integers(0, 4, 200)
    weighted = DecisionTreeClassifier(random_state=0).fit(X, y, sample_weight=w)
    repeated = DecisionTreeClassifier(random_state=0).fit(np.repeat(X, w, axis=0),
                                                          np.repeat(y, w))
    np.testing.assert_array_equal(weighted.tree_.feature, repeated.tree_.feature)
    np.testing.assert_array_equal(weighted.tree_.threshold, repeated.tree_.threshold)
    np.testing.assert_allclose(weighted.predict_proba(X), repeated.predict_proba(X))


def test_dyadic_weights_same_tree_as_sklearn():
    # multiples of 1/4 add up exactly in any order, so no rounding can break a tie
    X, y = random_data(300, 5, 3, 4)
    w = np.random.default_rng(4).integers(1, 12, 300) / 4
    ours, theirs = both(X, y, sample_weight=w, random_state=0, criterion="entropy")
    assert_same_tree(ours, theirs, X)


@pytest.mark.parametrize("seed", [0, 1])
def test_fractional_weights_fit_the_training_data_as_sklearn(seed):
    # With weights whose sums round, ties between equally good cuts of small nodes are
    # decided by the last bit of sums taken in different orders (scikit-learn's running sums;
    # mlkit's cumulative sums), and scikit-learn may split nodes whose impurity is a rounding
    # residue of ~1e-16. The trees then differ below such ties; on the training data both
    # reach the same pure leaves.
    X, y = random_data(300, 5, 3, seed)
    w = np.random.default_rng(seed).random(300) + 0.1
    ours, theirs = both(X, y, sample_weight=w, random_state=0)
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))
    np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), atol=1e-9)
    assert ours.tree_.feature[0] == theirs.tree_.feature[0]
    assert ours.tree_.threshold[0] == theirs.tree_.threshold[0]


def test_ccp_alpha_along_sklearns_pruning_path():
    X, y = load_breast_cancer(return_X_y=True)
    path = SkTree(random_state=0).cost_complexity_pruning_path(X, y)
    ours_path = DecisionTreeClassifier(random_state=0).cost_complexity_pruning_path(X, y)
    np.testing.assert_allclose(ours_path.ccp_alphas, path.ccp_alphas, rtol=1e-9, atol=1e-15)
    np.testing.assert_allclose(ours_path.impurities, path.impurities, rtol=1e-9, atol=1e-15)
    alphas = path.ccp_alphas
    for alpha in (alphas[1:] + alphas[:-1])[::3] / 2:  # between breakpoints: no rounding ties
        ours, theirs = both(X, y, random_state=0, ccp_alpha=float(alpha))
        assert_same_tree(ours, theirs, X)
    # at a breakpoint of our own path, our fit prunes that link (g(t) <= alpha)
    for k in (3, len(alphas) // 2):
        k = np.flatnonzero(ours_path.ccp_alphas == ours_path.ccp_alphas[k]).max()  # ties
        pruned = DecisionTreeClassifier(random_state=0, ccp_alpha=ours_path.ccp_alphas[k])
        pruned.fit(X, y)
        total = np.sum(pruned.tree_.weighted_n_node_samples * pruned.tree_.impurity
                       * (pruned.tree_.children_left == -1)) / len(y)
        np.testing.assert_allclose(total, ours_path.impurities[k], rtol=1e-9)


def test_split_search_in_feature_blocks(monkeypatch):
    # memory is bounded by searching a few features at a time: the tree must not change
    import mlkit.tree._cart_split as split

    monkeypatch.setattr(split, "BLOCK", 1000)  # 1 or 2 features per block on this data
    X, y = load_breast_cancer(return_X_y=True)
    w = np.random.default_rng(0).integers(1, 3, len(y)).astype(float)
    ours, theirs = both(X, y, sample_weight=w, random_state=0, criterion="entropy")
    assert_same_tree(ours, theirs, X)


def test_larger_data_same_as_sklearn():
    X, y = make_classification(n_samples=4000, n_features=12, n_informative=6, n_classes=3,
                               random_state=0)
    ours, theirs = both(X, y, criterion="entropy", random_state=0)
    assert_same_tree(ours, theirs, X)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.data())
def test_same_tree_as_sklearn_property(data):
    # small data with many tied values, constant columns, zero weights and every parameter
    n, d, k = (data.draw(st.integers(2, 60)), data.draw(st.integers(1, 5)),
               data.draw(st.integers(2, 4)))
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    X = rng.integers(0, data.draw(st.integers(1, 6)), size=(n, d)).astype(float)
    X *= data.draw(st.sampled_from([1.0, 0.1, 1e-8, 1e6]))
    y = rng.integers(0, k, n)
    y[0] = (y[-1] + 1) % k  # at least two classes
    params = {
        "criterion": data.draw(st.sampled_from(["gini", "entropy"])),
        "random_state": data.draw(st.integers(0, 5)),
        "max_depth": data.draw(st.sampled_from([None, 1, 3])),
        "min_samples_leaf": data.draw(st.integers(1, 3)),
        "max_features": data.draw(st.sampled_from([None, 1, "sqrt"])),
        "min_impurity_decrease": data.draw(st.sampled_from([0.0, 0.01])),
        "ccp_alpha": data.draw(st.sampled_from([0.0, 0.0123])),
        "max_leaf_nodes": data.draw(st.sampled_from([None, None, 2, 6])),
    }
    w = rng.integers(0, 4, n).astype(float) if data.draw(st.booleans()) else None
    if w is not None:
        w[0] = 1.0
    ours, theirs = both(X, y, sample_weight=w, **params)
    assert_same_tree(ours, theirs, X)


# --- an independent slow reference -------------------------------------------------------------


def slow_cart(X, y, n_classes, depth, max_depth, min_leaf):
    """Recursive CART with Gini, every threshold tried one at a time (the textbook loop).

    Returns the subtree as nested dicts: every node's class counts, Gini impurity and number of
    rows; an inner node's feature, threshold and left (``x <= threshold``) and right subtrees,
    and whether another feature's best cut ties with its own (``tied``: then the tree is not
    unique, the tie broken by the order in which the features are searched).
    """
    counts = np.bincount(y, minlength=n_classes)
    n = len(y)
    node = {"counts": counts, "impurity": 1 - np.sum((counts / n) ** 2), "n": n, "tied": False}
    pure = counts.max() == n
    best = None
    if depth < max_depth and not pure and n >= 2 * min_leaf:
        for j in range(X.shape[1]):
            values = np.unique(X[:, j])
            for lo, hi in zip(values[:-1], values[1:], strict=True):
                t = (lo + hi) / 2
                left = X[:, j] <= t
                nl = left.sum()
                if nl < min_leaf or n - nl < min_leaf:
                    continue
                score = sum(
                    part.sum() * (1 - np.sum((np.bincount(y[part], minlength=n_classes)
                                              / part.sum()) ** 2))
                    for part in (left, ~left)
                )
                if best is None or score < best[0] - 1e-12:
                    best = (score, j, t)
                    node["tied"] = False
                elif j != best[1] and score <= best[0] + 1e-12:
                    node["tied"] = True
    if best is None:
        return node
    _, j, t = best
    left = X[:, j] <= t
    node.update(feature=j, threshold=t,
                left=slow_cart(X[left], y[left], n_classes, depth + 1, max_depth, min_leaf),
                right=slow_cart(X[~left], y[~left], n_classes, depth + 1, max_depth, min_leaf))
    return node


def assert_same_as_slow(tree, node, i=0, depth=0):
    """Node ``i`` of a fitted ``tree_`` and its subtree equal the slow reference's ``node``:
    the same test (feature, threshold), children, rows, class shares and impurity. Returns the
    subtree's (number of nodes, depth, number of leaves)."""
    assert not node["tied"], f"node {i}: two features tie, the tree is not unique"
    assert tree.n_node_samples[i] == node["n"]
    value = tree.value[i, 0]
    np.testing.assert_allclose(value / value.sum(), node["counts"] / node["n"], rtol=1e-12)
    np.testing.assert_allclose(tree.impurity[i], node["impurity"], rtol=1e-12, atol=1e-15)
    if "feature" not in node:
        assert tree.children_left[i] == tree.children_right[i] == -1, f"node {i}: not a leaf"
        return 1, depth, 1
    assert tree.feature[i] == node["feature"], f"node {i}"
    np.testing.assert_allclose(tree.threshold[i], node["threshold"], rtol=1e-12)
    left = assert_same_as_slow(tree, node["left"], tree.children_left[i], depth + 1)
    right = assert_same_as_slow(tree, node["right"], tree.children_right[i], depth + 1)
    return 1 + left[0] + right[0], max(left[1], right[1]), left[2] + right[2]


@pytest.mark.parametrize("seed", [13, 18, 21])
def test_against_slow_textbook_cart(seed):
    # continuous data whose best cuts never tie between features (the reference checks it at
    # every node): the tree is unique, and compared node by node from the root. Ties are
    # common at these sizes (the two-class counts of small nodes): seed 11, the one used
    # before, has two, where the tree depends on the order in which features are searched
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(150, 3))
    y = (X[:, 0] + 0.5 * X[:, 1] > 0).astype(int) + (X[:, 2] > 0.8)
    # the tree compares features in float32, as scikit-learn's does: so does the reference
    # (its thresholds, midpoints of float32 values, then agree to the last digit)
    reference = slow_cart(X.astype(np.float32).astype(np.float64), y, 3, 0, 4, 5)
    ours = DecisionTreeClassifier(max_depth=4, min_samples_leaf=5, random_state=0).fit(X, y)
    n_nodes, depth, leaves = assert_same_as_slow(ours.tree_, reference)
    assert n_nodes == ours.tree_.node_count  # every node reached from the root
    assert (ours.get_depth(), ours.get_n_leaves()) == (depth, leaves)
    assert depth == 4 and leaves >= 9  # a tree worth comparing


# --- the API ------------------------------------------------------------------------------------


def test_pandas_names_and_exporter_nodes():
    pytest.importorskip("pandas")
    data = load_iris(as_frame=True)
    tree = DecisionTreeClassifier(max_depth=2, random_state=1).fit(data.data, data.target)
    np.testing.assert_array_equal(tree.feature_names_in_, data.data.columns)
    nodes = tree._tree_nodes()
    assert [n["id"] for n in nodes] == list(range(tree.tree_.node_count))
    root = nodes[0]
    assert root["parent"] == -1 and root["depth"] == 0 and root["condition"] is None
    np.testing.assert_allclose(root["class_counts"], [50, 50, 50])
    left, right = (nodes[i] for i in root["children"])
    name = data.data.columns[tree.tree_.feature[0]]
    assert left["condition"].startswith(f"{name} <= ")
    assert right["condition"].startswith(f"{name} > ")
    for node in nodes:
        assert node["is_leaf"] == (node["children"] == [])
        for child in node["children"]:
            assert nodes[child]["parent"] == node["id"]
            assert nodes[child]["depth"] == node["depth"] + 1
        if node["children"]:
            total = sum(nodes[c]["class_counts"] for c in node["children"])
            np.testing.assert_allclose(total, node["class_counts"])


def test_string_labels_and_log_proba():
    X, y = load_wine(return_X_y=True)
    names = np.array(["barolo", "grignolino", "barbera"])[y]
    ours, theirs = both(X, names, max_depth=3, random_state=0)
    np.testing.assert_array_equal(ours.classes_, theirs.classes_)
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))
    with np.errstate(divide="ignore"):
        np.testing.assert_allclose(ours.predict_log_proba(X), theirs.predict_log_proba(X))


def test_array_api_input_is_moved_to_the_host():
    xps = pytest.importorskip("array_api_strict")
    X, y = load_iris(return_X_y=True)
    tree = DecisionTreeClassifier(random_state=0).fit(xps.asarray(X), xps.asarray(y))
    ref = DecisionTreeClassifier(random_state=0).fit(X, y)
    np.testing.assert_array_equal(tree.predict(xps.asarray(X)), ref.predict(X))


@pytest.mark.parametrize(
    "X, y, params, error, match",
    [
        ([[0.0, np.nan], [1.0, 2.0]], [0, 1], {}, ValueError, "NaN"),
        ([[0.0, np.inf], [1.0, 2.0]], [0, 1], {}, ValueError, "infinity"),
        ([[0.0, 1e300], [1.0, 2.0]], [0, 1], {}, ValueError, "float32"),
        ([[0.0], [1.0]], [1, 1], {}, ValueError, "one class"),
        ([[0.0], [1.0]], [0, 1], {"max_features": 3}, ValueError, "max_features"),
        ([[0.0], [1.0]], [0, 1], {"criterion": "chi2"}, InvalidParameterError, "criterion"),
        ([[0.0], [1.0]], [0, 1], {"min_samples_split": 1}, InvalidParameterError,
         "min_samples_split"),
        ([[0.0], [1.0]], [0, 1], {"ccp_alpha": -1.0}, InvalidParameterError, "ccp_alpha"),
    ],
)
def test_bad_input(X, y, params, error, match):
    with pytest.raises(error, match=match):
        DecisionTreeClassifier(**params).fit(np.array(X), np.array(y))


def test_single_sample_per_class_and_constant_features():
    X = np.array([[1.0, 5.0], [1.0, 5.0], [1.0, 6.0]])
    y = np.array([0, 1, 1])
    ours, theirs = both(X, y, random_state=0)
    assert_same_tree(ours, theirs, X)
    const = DecisionTreeClassifier().fit(np.ones((4, 2)), [0, 1, 0, 1])
    assert const.get_n_leaves() == 1 and const.get_depth() == 0
    np.testing.assert_allclose(const.predict_proba(np.ones((1, 2))), [[0.5, 0.5]])


# --- scipy.sparse input -------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csr_array", "csc_array", "csr_matrix", "csc_matrix"])
@pytest.mark.parametrize("params", [{"random_state": 0}, {"random_state": 1, "max_depth": 4},
                                    {"random_state": 2, "max_features": "sqrt"},
                                    {"random_state": 0, "criterion": "entropy",
                                     "min_samples_leaf": 3, "ccp_alpha": 0.005}])
def test_sparse_grows_the_dense_tree_and_scikit_learns(params, fmt):
    import scipy.sparse as sp

    X, y = make_classification(n_samples=300, n_features=12, n_informative=5, n_classes=3,
                               random_state=0)
    X[np.abs(X) < 0.7] = 0.0  # half the entries
    X[:, 3] = np.where(X[:, 3] > 0, 0.0, X[:, 3])  # a feature whose best cut is at 0
    Xs = getattr(sp, fmt)(X)
    ours = DecisionTreeClassifier(**params).fit(Xs, y)
    dense = DecisionTreeClassifier(**params).fit(X, y)
    theirs = SkTree(**params).fit(Xs, y)
    assert_same_tree(ours, dense, X)
    assert_same_tree(ours, theirs, X)
    for method in ("predict", "predict_proba", "apply"):
        np.testing.assert_array_equal(getattr(ours, method)(Xs), getattr(theirs, method)(Xs))
    np.testing.assert_array_equal(ours.decision_path(Xs).toarray(),
                                  theirs.decision_path(Xs).toarray())
    with pytest.raises(ValueError, match="infinity"):  # float32 overflow, as for dense X
        DecisionTreeClassifier().fit(sp.csr_array(np.where(X > 2, 1e39, X)), y)
