"""SVC against libsvm (scikit-learn), against a hand-solved problem, and solver against solver."""

from __future__ import annotations

import re

import numpy as np
import pytest
from scipy.spatial.distance import cdist
from sklearn.datasets import load_breast_cancer, load_iris, load_wine, make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC as SkSVC

from mlkit.svm import SVC
from mlkit.svm._classes import _kernel_source
from mlkit.svm._kernels import kernel_matrix

TIGHT = 1e-8  # both sides solve to this KKT tolerance


def _standardized(loader):
    X, y = loader(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def _random_data():
    X, y = make_classification(n_samples=150, n_features=6, n_informative=4, n_classes=3,
                               n_clusters_per_class=1, random_state=3)
    return X, y


DATA = {"iris": lambda: _standardized(load_iris), "wine": lambda: _standardized(load_wine),
        "breast_cancer": lambda: _standardized(load_breast_cancer), "random": _random_data}


def _canonical(X, idx):
    """Each index replaced by the first row equal to it: duplicate rows (Iris has two pairs)
    may share their multiplier in any proportion, so the support set is compared up to them."""
    _, first, inverse = np.unique(X, axis=0, return_index=True, return_inverse=True)
    return {int(first[inverse[i]]) for i in idx}


def _assert_same_as_libsvm(ours, sk, X, C_min, sample_weight=None):
    # the support set: equal up to duplicate rows, and up to points that one side puts at
    # |α| < 1e-4·C (a degenerate point on the margin, where a tiny α is also optimal)
    sk_support = sk.support_
    if sample_weight is not None:
        # scikit-learn drops samples of weight zero before libsvm and reports support_ as
        # indices into the rows it kept; ours index the rows given to fit
        sk_support = np.flatnonzero(sample_weight > 0)[sk_support]
    sk_alpha = dict(zip(sk_support.tolist(), np.abs(sk.dual_coef_).max(axis=0), strict=True))
    ours_alpha = dict(zip(ours.support_.tolist(), np.abs(ours.dual_coef_).max(axis=0), strict=True))
    tiny = {i for i, a in {**sk_alpha, **ours_alpha}.items()
            if max(sk_alpha.get(i, 0), ours_alpha.get(i, 0)) < 1e-4 * C_min}
    differ = _canonical(X, ours.support_) ^ _canonical(X, sk_support)
    assert differ <= _canonical(X, tiny), f"support sets differ at {sorted(differ)}"
    np.testing.assert_array_equal(ours.classes_, sk.classes_)
    np.testing.assert_allclose(ours.decision_function(X), sk.decision_function(X), atol=1e-3)
    np.testing.assert_array_equal(ours.predict(X), sk.predict(X))


# the sigmoid kernel is not positive semidefinite: no convex QP for cvxpy, SMO only
KERNEL_SOLVER = [(k, s) for k in ("linear", "poly", "rbf", "sigmoid") for s in ("smo", "cvxpy")
                 if (k, s) != ("sigmoid", "cvxpy")]


@pytest.mark.parametrize("data", list(DATA))
@pytest.mark.parametrize("kernel,solver", KERNEL_SOLVER)
def test_equal_to_libsvm(data, kernel, solver):
    X, y = DATA[data]()
    kw = {"kernel": kernel, "tol": TIGHT, "coef0": 0.5 if kernel == "poly" else 0.0}
    if kernel == "sigmoid":
        # the sigmoid Gram matrix is indefinite, so the dual is not convex and two correct
        # solvers may stop at different stationary points (they do on wine and the random
        # data with the default γ). With a small γ, tanh(γ xᵀy) is close to the linear kernel,
        # the negative eigenvalues are small, and both reach the same solution.
        kw["gamma"] = 0.01
    ours = SVC(solver=solver, **kw).fit(X, y)
    sk = SkSVC(**kw).fit(X, y)
    _assert_same_as_libsvm(ours, sk, X, 1.0)
    assert ours.support_.tolist() == sorted(ours.support_.tolist(),
                                            key=lambda i: (y[i], i))  # grouped by class
    no_duplicates = np.unique(X, axis=0).shape[0] == X.shape[0]  # else α may split anyhow
    if set(ours.support_.tolist()) == set(sk.support_.tolist()) and no_duplicates:
        np.testing.assert_array_equal(ours.n_support_, sk.n_support_)
        np.testing.assert_allclose(ours.dual_coef_, sk.dual_coef_, atol=1e-4)
    np.testing.assert_allclose(ours.intercept_, sk.intercept_, atol=1e-4)


@pytest.mark.parametrize("data", ["iris", "breast_cancer", "random"])
def test_class_weight_and_sample_weight_equal_to_libsvm(data):
    X, y = DATA[data]()
    sw = np.random.default_rng(0).uniform(0.2, 3.0, size=y.shape[0])
    sw[::17] = 0.0  # a weight of zero removes the sample
    classes = np.unique(y)
    for cw in ("balanced", {classes[0]: 2.5, classes[-1]: 0.5}):
        kw = {"kernel": "rbf", "C": 3.0, "tol": TIGHT, "class_weight": cw}
        ours = SVC(solver="smo", **kw).fit(X, y, sample_weight=sw)
        sk = SkSVC(**kw).fit(X, y, sample_weight=sw)
        _assert_same_as_libsvm(ours, sk, X, 3.0 * 0.2 * 0.5, sample_weight=sw)
        np.testing.assert_allclose(ours.class_weight_, sk.class_weight_)


@pytest.mark.parametrize("kernel", ["linear", "rbf", "poly"])
def test_cvxpy_equal_to_libsvm_and_to_smo(kernel):
    X, y = _standardized(load_iris)
    kw = {"kernel": kernel, "tol": TIGHT}
    qp = SVC(solver="cvxpy", **kw).fit(X, y)
    sm = SVC(solver="smo", **kw).fit(X, y)
    sk = SkSVC(**kw).fit(X, y)
    _assert_same_as_libsvm(qp, sk, X, 1.0)
    for a, b in zip(qp.certificate_, sm.certificate_, strict=True):
        assert a.solver == "cvxpy" and b.solver == "smo"
        assert a.dual_objective == pytest.approx(b.dual_objective, rel=1e-6)
        assert a.relative_gap <= 1e-6 and b.relative_gap <= 1e-6


def test_cvxpy_factor_form_equals_quad_form():
    X, y = _standardized(load_wine)
    a = SVC(solver="cvxpy", qp_form="factor", tol=TIGHT).fit(X, y)
    b = SVC(solver="cvxpy", qp_form="quad_form", tol=TIGHT).fit(X, y)
    for ca, cb in zip(a.certificate_, b.certificate_, strict=True):
        assert ca.dual_objective == pytest.approx(cb.dual_objective, rel=1e-6)


# --- four points solved by hand ---------------------------------------------------------------
#
# x = (−2,0), (0,0) in class −1 and (2,0), (4,0) in class +1, linear kernel. Try the inner
# points as the only support vectors; with α₋ = α₊ = a (yᵀα = 0), w = Σ α_i y_i x_i = (2a, 0)
# and the dual is 1ᵀα − ½‖w‖² = 2a − 2a², maximal at a = ½ when C ≥ ½:
#   w = (1, 0); both free, so b solves y_i(wᵀx_i + b) = 1 at both: b = −1; f(x) = x₁ − 1.
#   (Raising the outer pair by ε changes the dual by 2ε − w·(2 + 4)ε < 0: they stay at 0.)
# With C = ¼ the box binds: a = ¼, w = (½, 0) (the outer pair: 2ε − ½·6ε < 0, still 0), no
# free multiplier, and libsvm's rule takes ρ at the midpoint of the interval the bounded ones
# allow. With g = y ∘ ∇f = y ∘ (y ∘ Kαy − 1) = (0, 1, 0, 1): the upper bounds on ρ come from
# (α=C, y=−1) and (α=0, y=+1): min(1, 1) = 1; the lower bounds from (α=C, y=+1) and (α=0,
# y=−1): max(0, 0) = 0. ρ = ½, b = −½: f(x) = x₁/2 − 1/2.

FOUR_X = np.array([[-2.0, 0.0], [0.0, 0.0], [2.0, 0.0], [4.0, 0.0]])
FOUR_Y = np.array([0, 0, 1, 1])


@pytest.mark.parametrize("solver", ["smo", "cvxpy"])
@pytest.mark.parametrize(("C", "a", "w", "b"), [(10.0, 0.5, 1.0, -1.0), (0.25, 0.25, 0.5, -0.5)])
def test_four_points_by_hand(solver, C, a, w, b):
    clf = SVC(kernel="linear", C=C, solver=solver, tol=1e-10).fit(FOUR_X, FOUR_Y)
    np.testing.assert_array_equal(clf.support_, [1, 2])
    np.testing.assert_allclose(clf.dual_coef_, [[-a, a]], atol=1e-7)
    np.testing.assert_allclose(clf.coef_, [[w, 0.0]], atol=1e-7)
    np.testing.assert_allclose(clf.intercept_, [b], atol=1e-7)
    cert = clf.certificate_[0]
    assert cert.dual_objective == pytest.approx(2 * a - 2 * a * a, abs=1e-7)
    assert cert.duality_gap == pytest.approx(0.0, abs=1e-6)


# --- multiclass layouts -----------------------------------------------------------------------


def test_ovo_decision_shapes_and_break_ties_equal_to_libsvm():
    X, y = _standardized(load_wine)
    for shape in ("ovo", "ovr"):
        for ties in (False, True) if shape == "ovr" else (False,):
            kw = {"tol": TIGHT, "decision_function_shape": shape, "break_ties": ties}
            ours = SVC(**kw).fit(X, y)
            sk = SkSVC(**kw).fit(X, y)
            np.testing.assert_allclose(ours.decision_function(X), sk.decision_function(X),
                                       atol=1e-6)
            np.testing.assert_array_equal(ours.predict(X), sk.predict(X))
            np.testing.assert_allclose(ours.dual_coef_, sk.dual_coef_, atol=1e-6)


def test_true_one_vs_rest_is_k_binary_machines():
    X, y = _standardized(load_iris)
    ovr = SVC(multi_class="ovr", tol=TIGHT).fit(X, y)
    dec = ovr.decision_function(X)
    assert dec.shape == (150, 3) and ovr.dual_coef_.shape[0] == 3
    for c in range(3):  # each column is the binary machine "c against the rest"
        sk = SkSVC(tol=TIGHT).fit(X, (y == c).astype(int))
        np.testing.assert_allclose(dec[:, c], sk.decision_function(X), atol=1e-6)
    np.testing.assert_array_equal(ovr.predict(X), np.argmax(dec, axis=1))


def test_precomputed_and_callable_kernels():
    X, y = _standardized(load_iris)
    K = kernel_matrix(X, X, "rbf", gamma=0.3, degree=3, coef0=0.0, xp=np)
    pre = SVC(kernel="precomputed", tol=TIGHT).fit(K, y)
    sk = SkSVC(kernel="precomputed", tol=TIGHT).fit(K, y)
    np.testing.assert_allclose(pre.decision_function(K[:20]), sk.decision_function(K[:20]),
                               atol=1e-6)

    def my_kernel(A, B):
        return kernel_matrix(A, B, "rbf", gamma=0.3, degree=3, coef0=0.0, xp=np)

    call = SVC(kernel=my_kernel, tol=TIGHT).fit(X, y)
    np.testing.assert_allclose(call.decision_function(X), pre.decision_function(K), atol=1e-8)


def test_gamma_options_equal_to_libsvm():
    X, y = _random_data()
    X = X * 3.0
    for gamma in ("scale", "auto", 0.05):
        ours = SVC(gamma=gamma, tol=TIGHT).fit(X, y)
        sk = SkSVC(gamma=gamma, tol=TIGHT).fit(X, y)
        np.testing.assert_allclose(ours.decision_function(X), sk.decision_function(X),
                                   atol=1e-5)


def _textbook_kernel(X, Z, kernel, gamma, degree=3, coef0=0.0):
    """The kernels as the textbook writes them, from the pairwise distances or products."""
    if kernel == "rbf":
        return np.exp(-gamma * cdist(X, Z, "sqeuclidean"))
    if kernel == "poly":
        return (gamma * X @ Z.T + coef0) ** degree
    if kernel == "sigmoid":
        return np.tanh(gamma * X @ Z.T + coef0)
    return X @ Z.T


@pytest.mark.parametrize("kernel", ["linear", "poly", "rbf", "sigmoid"])
def test_smo_on_demand_kernel_columns_equal_the_textbook_kernel(kernel):
    X, _ = _random_data()
    params = {"gamma": 0.3, "degree": 3, "coef0": 0.5}
    columns = _kernel_source(X, None, kernel, params, 0.001)  # a cache of two rows
    K = _textbook_kernel(X, X, kernel, **params)
    rng = np.random.default_rng(0)
    for g in rng.integers(0, X.shape[0], size=8).tolist() * 2:  # computed, then cached
        np.testing.assert_allclose(columns.column(g), K[:, g], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(columns.diag, np.diagonal(K), rtol=1e-12, atol=1e-12)
    cols, coef = rng.choice(X.shape[0], size=20, replace=False), rng.standard_normal(20)
    np.testing.assert_allclose(columns.product(cols, coef), K[:, cols] @ coef, rtol=1e-10,
                               atol=1e-10)


def test_smo_on_demand_kernel_rows_equal_the_textbook_matrix():
    X, y = _random_data()
    gamma = 1.0 / (X.shape[1] * X.var())  # gamma='scale'
    rows = SVC(tol=TIGHT, cache_size=0.001).fit(X, y)  # a cache of two rows
    K = _textbook_kernel(X, X, "rbf", gamma)
    whole = SVC(tol=TIGHT, kernel="precomputed").fit(K, y)  # the whole matrix
    np.testing.assert_allclose(rows.decision_function(X), whole.decision_function(K),
                               atol=1e-10)


@pytest.mark.parametrize("rows_on_demand", [False, True])
def test_shrinking_reaches_the_libsvm_solution(rows_on_demand):
    # enough samples and iterations for several shrinking rounds and a gradient rebuild
    X, y = make_classification(n_samples=2500, n_features=10, flip_y=0.1, random_state=1)
    kernel = "rbf"
    if not rows_on_demand:  # the whole matrix: the textbook rbf kernel, precomputed
        X, kernel = _textbook_kernel(X, X, "rbf", 1.0 / (X.shape[1] * X.var())), "precomputed"
    shrunk = SVC(tol=1e-6, shrinking=True, kernel=kernel).fit(X, y)
    assert shrunk.n_iter_[0] > 2500
    plain = SVC(tol=1e-6, shrinking=False, kernel=kernel).fit(X, y)
    sk = SkSVC(tol=1e-6, kernel=kernel).fit(X, y)
    _assert_same_as_libsvm(shrunk, sk, X, 1.0)
    np.testing.assert_allclose(shrunk.decision_function(X), plain.decision_function(X),
                               atol=1e-5)
    assert shrunk.certificate_[0].kkt_violation <= 1e-6


# --- bad input and solver trouble -------------------------------------------------------------


@pytest.mark.parametrize(("params", "match"), [
    ({"C": 0.0}, "'C' parameter"), ({"C": -1.0}, "'C' parameter"),
    ({"kernel": "cubic"}, "'kernel' parameter"), ({"gamma": 0.0}, "'gamma' parameter"),
    ({"gamma": -2.0}, "'gamma' parameter"),
    ({"solver": "cvxpy", "qp_solver": "NOT_A_SOLVER"}, "not installed"),
])
def test_bad_parameters(params, match):
    X, y = _random_data()
    with pytest.raises(ValueError, match=match):
        SVC(**params).fit(X, y)


def test_one_class_and_wrong_precomputed_shape():
    X, y = _random_data()
    with pytest.raises(ValueError, match="one class"):
        SVC().fit(X, np.zeros_like(y))
    with pytest.raises(ValueError, match="square"):
        SVC(kernel="precomputed").fit(X @ X[:10].T, y)
    with pytest.raises(ValueError, match="positive weight"):
        SVC().fit(X, y, sample_weight=(y == 0).astype(float))
    K = X @ X.T
    clf = SVC(kernel="precomputed").fit(K, y)
    with pytest.raises(ValueError, match="precomputed kernel"):
        clf.predict(K[:, :10])


def test_non_psd_kernel_refused_by_cvxpy():
    X, y = _standardized(load_iris)
    with pytest.raises(ValueError, match="positive semidefinite"):
        SVC(kernel="sigmoid", coef0=1.0, gamma=1.0, solver="cvxpy", qp_form="factor").fit(X, y)


def test_solver_stopped_early_warns_with_certificate():
    X, y = _standardized(load_breast_cancer)
    with pytest.warns(ConvergenceWarning, match="kkt_violation"):
        clf = SVC(solver="smo", max_iter=3).fit(X, y)
    assert clf.fit_status_ == 1 and clf.certificate_[0].status == "max_iter"
    with pytest.warns(ConvergenceWarning, match="duality_gap"):
        SVC(solver="cvxpy", max_iter=2).fit(X, y)


# --- LinearSVC --------------------------------------------------------------------------------


def test_linear_svc_l2_hinge_is_the_linear_svc_of_libsvm():
    from mlkit.svm import LinearSVC

    X, y = _standardized(load_breast_cancer)
    ours = LinearSVC(penalty="l2", loss="hinge", C=0.5).fit(X, y)
    sk = SkSVC(kernel="linear", C=0.5, tol=TIGHT).fit(X, y)  # the same problem, in the dual
    np.testing.assert_allclose(ours.coef_, sk.coef_, atol=1e-4)
    np.testing.assert_allclose(ours.intercept_, sk.intercept_, atol=1e-4)
    np.testing.assert_array_equal(ours.predict(X), sk.predict(X))


def test_linear_svc_one_vs_rest_rows_are_binary_machines():
    from mlkit.svm import LinearSVC

    X, y = _standardized(load_iris)
    ours = LinearSVC(loss="hinge", class_weight={0: 2.0}).fit(X, y)
    for c in range(3):
        yc = (y == c).astype(int)
        sw = np.where(y == 0, 2.0, 1.0)  # class 0's weight, in every machine
        sk = SkSVC(kernel="linear", tol=TIGHT).fit(X, yc, sample_weight=sw)
        np.testing.assert_allclose(ours.coef_[c], sk.coef_[0], atol=1e-4)
        np.testing.assert_allclose(ours.intercept_[c], sk.intercept_[0], atol=1e-4)


def test_linear_svc_l1_is_the_lp_solved_by_scipy():
    from scipy.optimize import linprog

    from mlkit.svm import LinearSVC

    X, y = _standardized(load_breast_cancer)
    C = 0.05
    ours = LinearSVC(penalty="l1", loss="hinge", C=C).fit(X, y)
    # the LP in standard form: w = u − v (u, v ≥ 0), b free, ξ ≥ 0:
    #   min 1ᵀu + 1ᵀv + C 1ᵀξ   s.t.  −y_i(x_iᵀ(u − v) + b) − ξ_i ≤ −1
    n, d = X.shape
    s = np.where(y == 1, 1.0, -1.0)
    cost = np.r_[np.ones(2 * d), 0.0, C * np.ones(n)]
    A = np.hstack([-s[:, None] * X, s[:, None] * X, -s[:, None], -np.eye(n)])
    bounds = [(0, None)] * (2 * d) + [(None, None)] + [(0, None)] * n
    res = linprog(cost, A_ub=A, b_ub=-np.ones(n), bounds=bounds, method="highs")
    w = res.x[:d] - res.x[d:2 * d]
    np.testing.assert_allclose(ours.objective_, res.fun, rtol=1e-6)
    np.testing.assert_allclose(ours.coef_[0], w, atol=1e-5)
    assert np.sum(np.abs(ours.coef_) > 1e-6) < d // 2  # sparse weights


def test_linear_svc_squared_hinge_is_the_smooth_minimum():
    from scipy.optimize import minimize

    from mlkit.svm import LinearSVC

    X, y = _standardized(load_wine)
    yb = (y == 1).astype(int)
    s = np.where(yb == 1, 1.0, -1.0)
    C = 0.3

    def objective(v):  # ½‖w‖² + C Σ max(0, 1 − y(wᵀx + b))², differentiable
        w, b = v[:-1], v[-1]
        r = np.maximum(0.0, 1.0 - s * (X @ w + b))
        grad_r = -2.0 * C * r * s
        return 0.5 * w @ w + C * r @ r, np.r_[w + X.T @ grad_r, grad_r.sum()]

    ref = minimize(objective, np.zeros(X.shape[1] + 1), jac=True, method="L-BFGS-B",
                   options={"gtol": 1e-10, "ftol": 1e-15, "maxiter": 10000})
    ours = LinearSVC(loss="squared_hinge", C=C).fit(X, yb)
    np.testing.assert_allclose(ours.coef_[0], ref.x[:-1], atol=1e-5)
    np.testing.assert_allclose(ours.intercept_[0], ref.x[-1], atol=1e-5)


def test_linear_svc_bad_input():
    from mlkit.svm import LinearSVC

    X, y = _random_data()
    with pytest.raises(ValueError, match="'C' parameter"):
        LinearSVC(C=0).fit(X, y)
    with pytest.raises(ValueError, match="not installed"):
        LinearSVC(qp_solver="NOT_A_SOLVER").fit(X, y)
    with pytest.raises(ValueError, match="one class"):
        LinearSVC().fit(X, np.ones_like(y))


def test_auto_solver_choice():
    X, y = make_classification(n_samples=2000, n_features=8, random_state=2)
    lin = SVC(kernel="linear").fit(X, y)
    assert lin.solver_ == "cvxpy" and lin.certificate_[0].relative_gap <= 1e-6
    sk = SkSVC(kernel="linear", tol=1e-5).fit(X, y)
    np.testing.assert_allclose(lin.decision_function(X), sk.decision_function(X), atol=1e-3)
    assert SVC(kernel="linear").fit(X[:500], y[:500]).solver_ == "smo"
    assert SVC(kernel="rbf").fit(X, y).solver_ == "smo"


def test_row_order_and_label_names_do_not_matter():
    X, y = _random_data()
    perm = np.random.default_rng(5).permutation(y.shape[0])
    names = np.array(["setosa", "versicolor", "virginica"])
    a = SVC(tol=TIGHT).fit(X, y)
    b = SVC(tol=TIGHT).fit(X[perm], names[y[perm]])
    np.testing.assert_allclose(a.decision_function(X), b.decision_function(X), atol=1e-6)
    np.testing.assert_array_equal(names[a.predict(X)], b.predict(X))
    np.testing.assert_array_equal(np.sort(perm[b.support_]), np.sort(a.support_))


def test_coef_only_for_the_linear_kernel_as_scikit_learn():
    X, y = load_iris(return_X_y=True)
    for kernel in ("rbf", "poly"):
        ours, theirs = SVC(kernel=kernel).fit(X, y), SkSVC(kernel=kernel).fit(X, y)
        assert hasattr(ours, "coef_") == hasattr(theirs, "coef_") is False
    ours = SVC(kernel="linear", tol=TIGHT).fit(X, y)
    theirs = SkSVC(kernel="linear", tol=TIGHT).fit(X, y)
    np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=1e-3, atol=1e-3)


def test_calibrated_probabilities_as_with_sklearns_svc():
    # the route scikit-learn recommends since it deprecated SVC(probability=True): the same
    # folds and sigmoid fits on decision functions that agree to ~1e-6 give the same output
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.datasets import load_iris
    from sklearn.svm import SVC as SkSVC

    X, y = load_iris(return_X_y=True)
    ours = CalibratedClassifierCV(SVC(), method="sigmoid").fit(X, y).predict_proba(X)
    theirs = CalibratedClassifierCV(SkSVC(), method="sigmoid").fit(X, y).predict_proba(X)
    np.testing.assert_allclose(ours, theirs, atol=1e-4)


@pytest.mark.parametrize("C", [1e3, 1e5])
def test_cvxpy_keeps_small_multipliers_under_a_large_C(C):
    # separable data: every α is far below C; snapping α ≤ 1e-6 C to zero dropped the support
    # vectors (no support, intercept 0, half the training points wrong)
    rng = np.random.default_rng(6)
    X = np.vstack([rng.normal(size=(20, 2)) + [4, 0], rng.normal(size=(20, 2)) - [4, 0]])
    y = np.r_[np.ones(20, int), np.zeros(20, int)]
    ours = SVC(kernel="linear", C=C, solver="cvxpy").fit(X, y)
    theirs = SkSVC(kernel="linear", C=C).fit(X, y)
    np.testing.assert_array_equal(np.sort(ours.support_), np.sort(theirs.support_))
    np.testing.assert_allclose(ours.decision_function(X), theirs.decision_function(X),
                               atol=1e-5)
    assert ours.fit_status_ == 0


def test_class_weight_keys_and_break_ties_are_checked_as_sklearn():
    from mlkit.svm import LinearSVC

    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(30, 2)), np.arange(30) % 3
    with pytest.raises(ValueError) as theirs:
        SkSVC(class_weight={0: 1.0, 5: 2.0}).fit(X, y)
    for est in (SVC(class_weight={0: 1.0, 5: 2.0}), LinearSVC(class_weight={0: 1.0, 5: 2.0})):
        with pytest.raises(ValueError, match=re.escape(str(theirs.value))):
            est.fit(X, y)
    with pytest.raises(ValueError, match="break_ties must be False"):
        SVC(break_ties=True, decision_function_shape="ovo").fit(X, y).predict(X)


@pytest.mark.parametrize("options", [{}, {"qp_solver": "CLARABEL"}, {"qp_form": "factor"}])
def test_cvxpy_names_an_indefinite_kernel(options):
    # a sigmoid kernel with a negative eigenvalue: SCS failed with an allocation error and
    # Clarabel returned α = 0; every route now says what is wrong
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 3))
    y = (X[:, 0] > 0).astype(int)
    assert np.linalg.eigvalsh(np.tanh(X @ X.T / 3))[0] < -0.1  # gamma='scale' = 1/(3 var)
    with pytest.raises(ValueError, match="positive semidefinite"):
        SVC(kernel="sigmoid", solver="cvxpy", **options).fit(X, y)


# --- scipy.sparse input -------------------------------------------------------------------------


def _sparse_svm_data():
    X, y = _random_data()
    X = np.where(np.abs(X) < 0.8, 0.0, X)
    return X, y


@pytest.mark.parametrize("fmt", ["csr_array", "csc_matrix"])
@pytest.mark.parametrize("kernel,solver", KERNEL_SOLVER)
def test_sparse_equals_dense_and_libsvm(kernel, solver, fmt):
    import scipy.sparse as sp

    X, y = _sparse_svm_data()
    Xs = getattr(sp, fmt)(X)
    # SMO's working-set choices follow the kernel values' last bits, which sparse and dense
    # products round differently: the two fits agree to the solver's tolerance, so solve tight
    # The sigmoid dual is not convex: at γ = 0.01 this data's sigmoid Gram matrix has an
    # eigenvalue of -0.033, and SMO and libsvm may stop at different stationary points (their
    # one-vs-one decisions then differ by 7e-3); at γ = 0.005 both reach the same one.
    kw = {"kernel": kernel, "tol": 1e-12, "coef0": 0.5 if kernel == "poly" else 0.0,
          "gamma": 0.005 if kernel == "sigmoid" else "scale"}
    ours = SVC(solver=solver, **kw).fit(Xs, y)
    dense = SVC(solver=solver, **kw).fit(X, y)
    sv = ours.support_vectors_
    assert sp.issparse(sv) and sv.format == "csr"
    assert isinstance(sv, sp.sparray) == isinstance(Xs, sp.sparray)
    tol = 1e-10 if solver == "smo" else 1e-6  # the QP solver's own accuracy
    np.testing.assert_array_equal(ours.support_, dense.support_)
    np.testing.assert_allclose(sv.toarray(), dense.support_vectors_)
    np.testing.assert_allclose(ours.dual_coef_, dense.dual_coef_, rtol=tol, atol=tol)
    np.testing.assert_allclose(ours.intercept_, dense.intercept_, rtol=tol, atol=tol)
    for Z in (Xs, X):
        np.testing.assert_allclose(ours.decision_function(Z), dense.decision_function(X),
                                   rtol=tol, atol=tol)
    np.testing.assert_allclose(dense.decision_function(Xs), dense.decision_function(X),
                               rtol=1e-12, atol=1e-12)
    if kernel == "linear":
        np.testing.assert_allclose(ours.coef_, dense.coef_, rtol=tol, atol=tol)
    sk = SkSVC(**{**kw, "tol": TIGHT}).fit(Xs, y)
    assert sp.issparse(sk.support_vectors_) and sp.issparse(sk.dual_coef_)  # ours: dense
    from types import SimpleNamespace

    # with the sigmoid kernel a pairwise decision lies within rounding of 0 here, and
    # libsvm's sparse and dense predictions count that vote differently (its dual
    # coefficients agree to 1e-15): compare with its dense fit there
    sk_dense = SkSVC(**{**kw, "tol": TIGHT}).fit(X, y)
    np.testing.assert_allclose(sk.dual_coef_.toarray(), sk_dense.dual_coef_, atol=1e-12)
    decide = sk_dense if kernel == "sigmoid" else sk
    _assert_same_as_libsvm(ours, SimpleNamespace(
        support_=sk.support_, dual_coef_=sk.dual_coef_.toarray(), classes_=sk.classes_,
        decision_function=decide.decision_function, predict=decide.predict), X, 1.0)


def test_sparse_precomputed_kernel_refused_as_scikit_learn():
    import scipy.sparse as sp

    X, y = _sparse_svm_data()
    K = sp.csr_array(X @ X.T)
    for cls in (SVC, SkSVC):  # scikit-learn's sentence; mlkit's says what to do
        with pytest.raises(TypeError, match=r"^Sparse precomputed kernels are not supported\."):
            cls(kernel="precomputed").fit(K, y)
        assert not cls(kernel="precomputed").__sklearn_tags__().input_tags.sparse
    with pytest.raises(TypeError, match=r"pass it dense \(K\.toarray\(\)\)"):
        SVC(kernel="precomputed").fit(K, y)


@pytest.mark.parametrize("params", [{"loss": "hinge"}, {}, {"penalty": "l1", "loss": "hinge"},
                                    {"class_weight": "balanced"}])
def test_linear_svc_sparse_equals_dense(params):
    import scipy.sparse as sp

    from mlkit.svm import LinearSVC

    X, y = _sparse_svm_data()
    for fmt in (sp.csr_array, sp.csc_matrix):
        ours = LinearSVC(**params).fit(fmt(X), y)
        dense = LinearSVC(**params).fit(X, y)
        np.testing.assert_allclose(ours.coef_, dense.coef_, rtol=1e-10, atol=1e-10)
        np.testing.assert_allclose(ours.intercept_, dense.intercept_, rtol=1e-10, atol=1e-10)
        np.testing.assert_allclose(ours.decision_function(fmt(X)), dense.decision_function(X),
                                   rtol=1e-10, atol=1e-10)
