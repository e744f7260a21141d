"""The linear models against scikit-learn, an independent cvxpy solution, and hand computations.

References: scikit-learn's LogisticRegression, LinearRegression, Ridge, Lasso and ElasticNet
(same objective up to the documented C ↔ alpha factor); cvxpy solutions of the same convex
objectives (L1, elastic net, nuclear norm); the Fisher information computed from its
definition, ``E_{y ~ p(y|x)}[∇ log p ∇ log pᵀ]``, by a loop over samples and labels.
"""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pytest
from sklearn import linear_model as skl
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler

from mlkit.datasets import load_breast_cancer, load_iris, load_wine
from mlkit.linear_model import LinearRegression, LogisticRegression

cp = pytest.importorskip("cvxpy")


def _standardized(loader):
    X, y = loader()
    return StandardScaler().fit_transform(X), y


def _random(n=200, d=6, k=3, seed=0):
    """Labels drawn from a softmax model in which the last two features play no part."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    W = rng.normal(size=(k, d)) * 0.7
    W[:, -2:] = 0.0
    Z = X @ W.T + rng.gumbel(size=(n, k))
    return X, np.argmax(Z, axis=1)


DATA = {
    "iris": _standardized(load_iris),
    "wine": _standardized(load_wine),
    "breast_cancer": _standardized(load_breast_cancer),
    "random-multinomial": _random(),
    "random-binary": _random(k=2, seed=1),
}


def _weights(n, seed=3):
    return np.random.default_rng(seed).uniform(0.2, 3.0, size=n)


def _close(ours, theirs, tol, what):
    scale = max(1.0, float(np.max(np.abs(theirs))))
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=tol * scale, err_msg=what)


# --- L2: equal to scikit-learn -----------------------------------------------------------------


# our 'lbfgs' is scipy's L-BFGS-B on the same objective with scikit-learn's options: the same
# iterates, at any tol; 'natural' (Newton) is compared with scikit-learn's Newton solver
SOLVER_PAIRS = {
    "lbfgs-default-tol": (dict(solver="lbfgs"), dict(solver="lbfgs")),
    "lbfgs-tight": (dict(solver="lbfgs", tol=1e-10, max_iter=1000),
                    dict(solver="lbfgs", tol=1e-10, max_iter=1000)),
    "natural": (dict(solver="natural", tol=1e-10),
                dict(solver="newton-cholesky", tol=1e-12, max_iter=1000)),
}


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "sample_weight"])
@pytest.mark.parametrize("pair", list(SOLVER_PAIRS))
@pytest.mark.parametrize("name", list(DATA))
def test_l2_equals_scikit_learn(name, pair, weighted):
    X, y = DATA[name]
    sw = _weights(len(y)) if weighted else None
    C = 0.5
    mine, sk = SOLVER_PAIRS[pair]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # the default tol, both sides
        theirs = skl.LogisticRegression(C=C, **sk).fit(X, y, sample_weight=sw)
        ours = LogisticRegression(C=C, **mine).fit(X, y, sample_weight=sw)
    _close(ours.coef_, theirs.coef_, 1e-8, "coef_")
    _close(ours.intercept_, theirs.intercept_, 1e-8, "intercept_")
    np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), atol=1e-9)
    if pair.startswith("lbfgs"):
        assert ours.n_iter_[0] == theirs.n_iter_[0]
    # the documented mapping: alpha_ = 1 / (C S)
    S = len(y) if sw is None else sw.sum()
    assert ours.alpha_ == pytest.approx(1.0 / (C * S), rel=1e-14)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        again = LogisticRegression(alpha=ours.alpha_, **mine).fit(X, y, sample_weight=sw)
    _close(again.coef_, theirs.coef_, 1e-8, "coef_ from alpha")


def test_l2_gradient_descent_reaches_scikit_learn():
    X, y = DATA["iris"]
    theirs = skl.LogisticRegression(C=1.0, solver="newton-cholesky", tol=1e-12).fit(X, y)
    # momentum methods do not lower the loss every epoch: a longer patience
    ours = LogisticRegression(solver="gd", optimizer="nesterov", max_iter=20000, tol=0.0,
                              shuffle=False, n_iter_no_change=50).fit(X, y)
    _close(ours.coef_, theirs.coef_, 1e-6, "coef_")


def test_class_weight_equals_scikit_learn():
    X, y = DATA["wine"]
    for cw in ("balanced", {"class_0": 2.0, "class_1": 0.5, "class_2": 1.0}):
        y_named = np.array([f"class_{v}" for v in np.unique(y, return_inverse=True)[1]])
        theirs = skl.LogisticRegression(class_weight=cw, solver="newton-cholesky", tol=1e-12,
                                        max_iter=1000).fit(X, y_named)
        ours = LogisticRegression(class_weight=cw, solver="natural", tol=1e-10).fit(X, y_named)
        _close(ours.coef_, theirs.coef_, 1e-6, f"class_weight={cw}")


def test_unpenalized_equals_scikit_learn():
    X, y = DATA["random-binary"]
    theirs = skl.LogisticRegression(C=np.inf, solver="newton-cholesky", tol=1e-12).fit(X, y)
    for penalty in (None, "deprecated"):
        ours = LogisticRegression(penalty=penalty, C=np.inf, solver="natural",
                                  tol=1e-10).fit(X, y)
        _close(ours.coef_, theirs.coef_, 1e-6, f"penalty={penalty}")


# --- least squares: equal to scikit-learn ------------------------------------------------------


def _regression(n=120, d=6, t=1, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)) * rng.uniform(0.5, 2.0, size=d) + rng.normal(size=d)
    W = rng.normal(size=(t, d)) * (rng.random((t, d)) < 0.6)
    Y = X @ W.T + 0.3 * rng.normal(size=(n, t)) + 1.5
    return X, (Y[:, 0] if t == 1 else Y)


@pytest.mark.parametrize("targets", [1, 3])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("solver", ["lstsq", "lbfgs", "natural"])
def test_least_squares_equals_scikit_learn(solver, weighted, targets):
    X, y = _regression(t=targets)
    sw = _weights(len(X)) if weighted else None
    S = len(X) if sw is None else sw.sum()
    tol = 1e-6 if solver == "lbfgs" else 1e-9  # L-BFGS-B ends on its ftol of 64 eps
    pairs = [(LinearRegression(solver=solver, tol=1e-12), skl.LinearRegression()),
             (LinearRegression("l2", alpha=0.7, solver=solver, tol=1e-12),
              skl.Ridge(alpha=0.7 * S))]
    for ours, theirs in pairs:
        ours.fit(X, y, sample_weight=sw)
        theirs.fit(X, y, sample_weight=sw)
        _close(ours.coef_, theirs.coef_, tol, f"{ours} coef_")
        _close(ours.intercept_, theirs.intercept_, tol, f"{ours} intercept_")
        np.testing.assert_allclose(ours.predict(X), theirs.predict(X), atol=10 * tol)


def test_natural_gradient_on_least_squares_is_one_newton_step():
    X, y = _regression()
    ours = LinearRegression(solver="natural", tol=1e-12).fit(X, y)
    assert ours.n_iter_ == 1  # the Fisher information X̃ᵀX̃/n is the Hessian: one exact step
    _close(ours.coef_, skl.LinearRegression().fit(X, y).coef_, 1e-10, "coef_")


@pytest.mark.parametrize("penalty,l1_ratio", [("l1", 1.0), ("elasticnet", 0.3)])
def test_lasso_and_elastic_net_equal_scikit_learn(penalty, l1_ratio):
    X, y = _regression(d=8)
    ours = LinearRegression(penalty, alpha=0.2, l1_ratio=l1_ratio, tol=1e-10,
                            max_iter=20000).fit(X, y)
    theirs = (skl.Lasso(alpha=0.2, tol=1e-12, max_iter=100000) if penalty == "l1" else
              skl.ElasticNet(alpha=0.2, l1_ratio=l1_ratio, tol=1e-12, max_iter=100000))
    theirs.fit(X, y)
    _close(ours.coef_, theirs.coef_, 1e-6, "coef_")
    np.testing.assert_array_equal(ours.coef_ != 0, np.abs(theirs.coef_) > 0)
    assert np.sum(ours.coef_ == 0) >= 1  # the penalty removed some features


# --- L1, elastic net, nuclear norm: equal to an independent cvxpy solution ---------------------


def _cvxpy_logistic(X, y, alpha, *, penalty, l1_ratio=1.0, sample_weight=None):
    """The same objective written in cvxpy and solved by an interior-point method."""
    n, d = X.shape
    classes = np.unique(y)
    s = np.ones(n) if sample_weight is None else sample_weight
    w = s / s.sum()
    if len(classes) == 2:
        W, b = cp.Variable((1, d)), cp.Variable(1)
        z = X @ W[0] + b
        t = (y == classes[1]).astype(float)
        data = cp.sum(cp.multiply(w, cp.logistic(z) - cp.multiply(t, z)))
    else:
        k = len(classes)
        W, b = cp.Variable((k, d)), cp.Variable(k)
        Z = X @ W.T + np.ones((n, 1)) @ cp.reshape(b, (1, k), order="C")
        Y = (y[:, None] == classes[None, :]).astype(float)
        data = cp.sum(cp.multiply(w, cp.log_sum_exp(Z, axis=1) - cp.sum(cp.multiply(Y, Z),
                                                                         axis=1)))
    if penalty == "nuclear":
        reg = cp.normNuc(W)
    else:
        reg = l1_ratio * cp.sum(cp.abs(W)) + (1 - l1_ratio) / 2 * cp.sum_squares(W)
    # scaled by n: Clarabel's tolerances are absolute, and the mean loss is O(1/n) per row
    problem = cp.Problem(cp.Minimize(n * (data + alpha * reg)))
    problem.solve(solver="CLARABEL", tol_gap_abs=1e-10, tol_gap_rel=1e-10, tol_feas=1e-10,
                  max_iter=500)
    assert problem.status == "optimal"
    return W.value, b.value


def _centred(intercepts):
    """Multinomial intercepts are defined up to a common shift (the softmax does not see it):
    compared after removing their mean."""
    b = np.atleast_1d(intercepts)
    return b - b.mean() if b.size > 1 else b


CVX_CASES = {
    "binary-l1": ("random-binary", "l1", 1.0, 0.01),
    "multinomial-l1": ("iris", "l1", 1.0, 0.02),
    "binary-elasticnet": ("breast_cancer", "elasticnet", 0.5, 0.05),
    "multinomial-elasticnet": ("random-multinomial", "elasticnet", 0.7, 0.03),
}


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "sample_weight"])
@pytest.mark.parametrize("case", list(CVX_CASES))
def test_l1_and_elastic_net_equal_cvxpy(case, weighted):
    name, penalty, l1_ratio, alpha = CVX_CASES[case]
    X, y = DATA[name]
    sw = _weights(len(y)) if weighted else None
    W, b = _cvxpy_logistic(X, y, alpha, penalty=penalty, l1_ratio=l1_ratio, sample_weight=sw)
    ours = LogisticRegression(penalty, alpha=alpha, l1_ratio=l1_ratio, solver="fista",
                              tol=1e-10, max_iter=50000).fit(X, y, sample_weight=sw)
    _close(ours.coef_, W, 1e-5, "coef_")
    _close(_centred(ours.intercept_), _centred(b), 1e-5, "intercept_")
    support = np.abs(W) > 1e-6
    np.testing.assert_array_equal(ours.coef_ != 0, support)
    assert 0 < support.sum() < support.size  # a sparse solution, not a trivial one


def test_proximal_gradient_descent_reaches_the_fista_optimum():
    # 'gd' full batch with the step 1/L is ISTA: the same optimum, slower
    X, y = DATA["wine"]
    fast = LogisticRegression("l1", alpha=0.02, solver="fista", tol=1e-10,
                              max_iter=20000).fit(X, y)
    slow = LogisticRegression("l1", alpha=0.02, solver="gd", tol=0.0, max_iter=20000,
                              shuffle=False, n_iter_no_change=50).fit(X, y)
    _close(slow.coef_, fast.coef_, 1e-5, "coef_")
    np.testing.assert_array_equal(slow.coef_ != 0, fast.coef_ != 0)
    assert slow.n_iter_[0] > 5 * fast.n_iter_[0]


def test_nuclear_norm_equals_cvxpy_and_has_its_rank():
    X, y = _random(n=300, d=6, k=5, seed=4)
    alpha = 0.03
    W, b = _cvxpy_logistic(X, y, alpha, penalty="nuclear")
    ours = LogisticRegression("nuclear", alpha=alpha, solver="fista", tol=1e-10,
                              max_iter=50000).fit(X, y)
    _close(ours.coef_, W, 1e-5, "coef_")
    _close(_centred(ours.intercept_), _centred(b), 1e-5, "intercept_")
    sv_theirs = np.linalg.svd(W, compute_uv=False)
    sv_ours = np.linalg.svd(ours.coef_, compute_uv=False)
    rank = int(np.sum(sv_theirs > 1e-6 * sv_theirs[0]))
    assert 1 < rank < min(W.shape)  # low rank, not trivially so
    assert int(np.sum(sv_ours > 1e-9 * sv_ours[0])) == rank


def test_nuclear_norm_least_squares_equals_cvxpy():
    rng = np.random.default_rng(5)
    X = rng.normal(size=(150, 7))
    W_true = rng.normal(size=(5, 2)) @ rng.normal(size=(2, 7))  # rank 2
    Y = X @ W_true.T + 0.5 * rng.normal(size=(150, 5))
    alpha = 0.4
    Wv, bv = cp.Variable((5, 7)), cp.Variable(5)
    R = Y - X @ Wv.T - np.ones((150, 1)) @ cp.reshape(bv, (1, 5), order="C")
    cp.Problem(cp.Minimize(cp.sum_squares(R) / 300 + alpha * cp.normNuc(Wv))).solve(
        solver="CLARABEL", tol_gap_abs=1e-12, tol_gap_rel=1e-12, tol_feas=1e-12)
    ours = LinearRegression("nuclear", alpha=alpha, tol=1e-10, max_iter=20000).fit(X, Y)
    _close(ours.coef_, Wv.value, 1e-5, "coef_")
    sv = np.linalg.svd(ours.coef_, compute_uv=False)
    sv_theirs = np.linalg.svd(Wv.value, compute_uv=False)
    assert np.sum(sv > 1e-9 * sv[0]) == np.sum(sv_theirs > 1e-6 * sv_theirs[0]) == 2


# --- L0: iterative hard thresholding ------------------------------------------------------------


def _best_subset(X, y, k):
    """Brute force: the least-squares fit of every k-subset of the features, the best one."""
    best = None
    for cols in itertools.combinations(range(X.shape[1]), k):
        fit = skl.LinearRegression().fit(X[:, cols], y)
        rss = np.sum((y - fit.predict(X[:, cols])) ** 2)
        if best is None or rss < best[0]:
            best = (rss, cols, fit.coef_)
    return best


def test_l0_budget_finds_the_best_subset():
    rng = np.random.default_rng(6)
    X = rng.normal(size=(200, 7))
    y = X @ np.array([0.0, 2.0, 0.0, -1.5, 0.0, 0.3, 0.0]) + 0.1 * rng.normal(size=200)
    ours = LinearRegression("l0", max_features=3, tol=1e-10, max_iter=5000).fit(X, y)
    rss, cols, coef = _best_subset(X, y, 3)
    assert tuple(np.flatnonzero(ours.coef_)) == cols
    # a fixed point of IHT is the least-squares fit on its own support
    _close(ours.coef_[list(cols)], coef, 1e-8, "coef_ on the support")


def test_l0_penalty_is_a_hard_threshold_fixed_point():
    X, y = DATA["random-binary"]
    ours = LogisticRegression("l0", alpha=0.01, solver="fista", tol=1e-10,
                              max_iter=5000).fit(X, y)
    support = np.flatnonzero(ours.coef_[0])
    assert 0 < support.size < X.shape[1]
    # on its support the weights are the unpenalized optimum of those features
    ref = skl.LogisticRegression(C=np.inf, solver="newton-cholesky", tol=1e-12).fit(
        X[:, support], y)
    _close(ours.coef_[0, support], ref.coef_[0], 1e-5, "coef_ on the support")


def test_l0_multinomial_selects_whole_features():
    X, y = DATA["wine"]
    ours = LogisticRegression("l0", max_features=4, solver="fista", tol=1e-10,
                              max_iter=3000).fit(X, y)
    used = np.any(ours.coef_ != 0, axis=0)
    assert used.sum() == 4
    assert np.all(ours.coef_[:, used] != 0)  # a kept feature keeps a weight in every class


# --- the natural gradient -----------------------------------------------------------------------


def _fisher_by_definition(X, theta, classes):
    """``(1/n) Σ_i E_{y ~ p(y|x_i)} [∇log p(y|x_i) ∇log p(y|x_i)ᵀ]``, by loops over the rows and
    the labels (parameters Θ = [W | b] row by row)."""
    n, d = X.shape
    k = 1 if classes == 2 else classes
    T = theta.reshape(k, d + 1)
    F = np.zeros((k * (d + 1), k * (d + 1)))
    for i in range(n):
        x = np.append(X[i], 1.0)
        z = T @ x
        if classes == 2:
            p1 = 1 / (1 + np.exp(-z[0]))
            outcomes = [(0, 1 - p1), (1, p1)]
            scores = {y: (y - p1) * x for y in (0, 1)}
        else:
            p = np.exp(z - z.max()) / np.exp(z - z.max()).sum()
            outcomes = list(enumerate(p))
            scores = {y: np.concatenate([((y == c) - p[c]) * x for c in range(k)])
                      for y in range(k)}
        for y, prob in outcomes:
            F += prob * np.outer(scores[y], scores[y]) / n
    return F


@pytest.mark.parametrize("classes", [2, 3])
def test_natural_gradient_step_is_fisher_inverse_times_gradient(classes):
    rng = np.random.default_rng(7)
    X = rng.normal(size=(12, 2))
    y = np.arange(12) % classes
    theta0 = np.zeros((1 if classes == 2 else classes) * 3)
    F = _fisher_by_definition(X, theta0, classes)
    # the gradient of the mean log loss at Θ = 0, by hand
    k = 1 if classes == 2 else classes
    Xt = np.hstack([X, np.ones((12, 1))])
    if classes == 2:
        g = Xt.T @ (0.5 - y) / 12
    else:
        g = np.concatenate([Xt.T @ (1 / k - (y == c)) / 12 for c in range(k)])
    damping = 0.1 if classes == 3 else 0.0  # the multinomial Fisher matrix is singular
    step = -np.linalg.solve(F + damping * np.eye(len(g)), g)
    ours = LogisticRegression(penalty=None, solver="natural", max_iter=1, damping=damping)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ours.fit(X, y)
    got = np.hstack([ours.coef_, ours.intercept_[:, None]]).ravel()
    np.testing.assert_allclose(got, step, rtol=1e-12, atol=1e-14)


def test_fisher_information_is_the_hessian():
    from mlkit._array import namespace_and_device
    from mlkit.linear_model._loss import data_term, fisher_information, multinomial_log_loss

    xp = namespace_and_device(np.zeros(1))[0]

    rng = np.random.default_rng(8)
    X = rng.normal(size=(30, 3))
    Y = np.eye(3)[rng.integers(0, 3, size=30)]
    s = rng.uniform(0.5, 2.0, size=30)
    W, b = rng.normal(size=(3, 3)), rng.normal(size=3)
    F = fisher_information(W, b, X, s, multinomial_log_loss, xp)

    def grad(theta):
        T = theta.reshape(3, 4)
        _, gW, gb = data_term(T[:, :3], T[:, 3], X, Y, s, multinomial_log_loss, xp)
        return np.hstack([gW, gb[:, None]]).ravel()

    theta = np.hstack([W, b[:, None]]).ravel()
    h = 1e-6
    H = np.column_stack([(grad(theta + h * e) - grad(theta - h * e)) / (2 * h)
                         for e in np.eye(theta.size)])
    np.testing.assert_allclose(F, H, atol=1e-8)


def test_natural_gradient_needs_far_fewer_iterations_on_badly_scaled_features():
    X, y = DATA["random-binary"]
    X = X * np.array([1.0, 30.0, 0.03, 5.0, 0.2, 1.0])  # condition number of XᵀX ~ 1e6
    ref = skl.LogisticRegression(solver="newton-cholesky", tol=1e-12).fit(X, y)
    target = _objective(X, y, ref.coef_, ref.intercept_, 1.0 / len(y))

    def iterations_to_reach(est):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            est.fit(X, y)
        curve = np.asarray(est.loss_curve_ + [_objective(X, y, est.coef_, est.intercept_,
                                                         est.alpha_)])
        hit = np.flatnonzero(curve - target <= 1e-8 * abs(target))
        return hit[0] if hit.size else len(curve)

    natural = iterations_to_reach(LogisticRegression(solver="natural", tol=1e-12))
    gd = iterations_to_reach(LogisticRegression(solver="gd", tol=0.0, max_iter=3000,
                                                shuffle=False))
    assert natural <= 15
    assert gd / natural > 50, (gd, natural)


def _objective(X, y, coef, intercept, alpha):
    z = X @ coef[0] + intercept[0]
    return np.mean(np.logaddexp(0, z) - y * z) + 0.5 * alpha * np.sum(coef**2)


# --- gradient descent: loss curve, schedules, mini-batches, partial_fit -------------------------


def test_full_batch_gradient_descent_decreases_the_loss_every_step():
    # with the step 1/L the descent lemma guarantees F(w_{t+1}) <= F(w_t)
    X, y = DATA["wine"]
    est = LogisticRegression(solver="gd", max_iter=300, tol=0.0, n_iter_no_change=1000,
                             shuffle=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est.fit(X, y)
    curve = np.asarray(est.loss_curve_)
    assert len(curve) == 300 and np.all(np.diff(curve) <= 1e-15)


def test_minibatch_adam_gets_close_to_the_optimum():
    X, y = DATA["breast_cancer"]
    y = (y == np.unique(y)[1]).astype(float)
    ref = skl.LogisticRegression(solver="newton-cholesky", tol=1e-12).fit(X, y)
    target = _objective(X, y, ref.coef_, ref.intercept_, 1.0 / len(y))
    est = LogisticRegression(solver="gd", optimizer="adam", learning_rate="cosine",
                             learning_rate_init=0.05, batch_size=32, max_iter=60,
                             random_state=0, n_iter_no_change=100).fit(X, y)
    assert est.t_ == 60 * int(np.ceil(len(y) / 32))
    final = _objective(X, y, est.coef_, est.intercept_, est.alpha_)
    assert final - target < 2e-3 * target


def test_partial_fit_equals_fit_epoch_by_epoch():
    X, y = DATA["iris"]
    params = dict(solver="gd", optimizer="momentum", batch_size=30, random_state=1,
                  max_iter=7, n_iter_no_change=100)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        whole = LogisticRegression(**params).fit(X, y)
    stream = LogisticRegression(**params)
    for _ in range(7):
        stream.partial_fit(X, y, classes=np.unique(y))
    np.testing.assert_allclose(stream.coef_, whole.coef_, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(stream.loss_curve_, whole.loss_curve_, rtol=1e-12)
    assert stream.t_ == whole.t_ == 7 * 5


def test_partial_fit_only_for_gradient_descent():
    assert not hasattr(LogisticRegression(), "partial_fit")
    assert hasattr(LogisticRegression(solver="gd"), "partial_fit")
    with pytest.raises(ValueError, match="classes must be passed"):
        LogisticRegression(solver="gd").partial_fit(*DATA["iris"])


def test_early_stopping_keeps_the_best_epoch():
    X, y = DATA["breast_cancer"]
    est = LogisticRegression(solver="gd", optimizer="sgd", learning_rate_init=2.0,
                             batch_size=16, early_stopping=True, n_iter_no_change=3,
                             max_iter=200, random_state=0).fit(X, y)
    scores = est.validation_scores_
    assert est.best_validation_score_ == max(scores)
    assert len(scores) < 200  # it stopped
    assert len(scores) - 1 - int(np.argmax(scores)) >= 3


def test_warm_start_from_the_optimum_needs_no_iteration():
    X, y = DATA["wine"]
    est = LogisticRegression(solver="natural", tol=1e-8, warm_start=True).fit(X, y)
    first = est.coef_.copy()
    est.fit(X, y)
    assert est.n_iter_[0] == 0
    np.testing.assert_array_equal(est.coef_, first)


# --- other inputs: sparse, float32 --------------------------------------------------------------


@pytest.mark.parametrize("solver,penalty", [("lbfgs", "l2"), ("natural", "l2"), ("gd", "l1")])
def test_sparse_input_equals_dense(solver, penalty):
    import scipy.sparse as sp

    X, y = DATA["wine"]
    X = np.where(np.abs(X) < 0.7, 0.0, X)
    kw = dict(penalty=penalty, solver=solver, tol=1e-10, max_iter=300, shuffle=False,
              alpha=0.01 if penalty == "l1" else None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        dense = LogisticRegression(**kw).fit(X, y)
        for fmt in (sp.csr_matrix, sp.csc_array):
            sparse = LogisticRegression(**kw).fit(fmt(X), y)
            # products of sparse and dense matrices round differently, and L-BFGS follows
            tol = 1e-7 if solver == "lbfgs" else 1e-10
            np.testing.assert_allclose(sparse.coef_, dense.coef_, rtol=tol, atol=tol)
            np.testing.assert_allclose(sparse.predict_proba(fmt(X)), dense.predict_proba(X),
                                       rtol=tol, atol=tol)


def test_float32_input_keeps_its_dtype():
    X, y = DATA["iris"]
    est = LogisticRegression().fit(X.astype(np.float32), y)
    assert est.coef_.dtype == np.float32
    ref = LogisticRegression().fit(X, y)
    np.testing.assert_allclose(est.coef_, ref.coef_, rtol=1e-3, atol=1e-3)


# --- clear errors ---------------------------------------------------------------------------------


BAD = [
    (dict(solver="gd", learning_rate_init=0.0), "learning_rate_init"),
    (dict(solver="gd", learning_rate_init=-1.0), "learning_rate_init"),
    (dict(solver="gd", optimizer="adamw"), "optimizer"),
    (dict(solver="gd", learning_rate="warmup"), "learning_rate"),
    (dict(solver="gd", batch_size=1000), "batch_size=1000 is larger"),
    (dict(penalty="l1"), "solver='fista'"),
    (dict(penalty="elasticnet", solver="natural"), "solver='fista'"),
    (dict(penalty="l1", solver="gd", optimizer="adam"), "'sgd', 'momentum' or 'nesterov'"),
    (dict(penalty="l2", max_features=2), "max_features"),
    (dict(penalty="l0", max_features=50, solver="gd"), "larger than the number of features"),
    (dict(early_stopping=True), "early_stopping applies"),
    (dict(dual=True), "dual=True"),
    (dict(solver="liblinear"), "solver"),
    (dict(penalty="l3"), "penalty"),
    (dict(damping=-1.0, solver="natural"), "damping"),
]


@pytest.mark.parametrize("params,message", BAD, ids=[str(p) for p, _ in BAD])
def test_bad_parameters_get_a_clear_error(params, message):
    X, y = DATA["iris"]
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        LogisticRegression(**params).fit(X, y)


def test_nuclear_penalty_on_a_binary_problem_is_an_error():
    X, y = DATA["breast_cancer"]
    with pytest.raises(ValueError, match="three or more classes"):
        LogisticRegression("nuclear", solver="gd").fit(X, y)
    with pytest.raises(ValueError, match="two or more targets"):
        LinearRegression("nuclear").fit(*_regression())


def test_power_iteration_finds_the_top_curvature():
    # the bound behind learning_rate_init='auto' when the Gram matrix is too large to form
    from mlkit._array import namespace_and_device
    from mlkit.linear_model._base import _power_iteration

    rng = np.random.default_rng(9)
    X = rng.normal(size=(400, 30)) * np.r_[5.0, np.ones(29)]  # a clear spectral gap
    w = rng.uniform(0.5, 1.5, size=400)
    w /= w.sum()
    Xt = np.hstack([X, np.ones((400, 1))])
    exact = np.linalg.eigvalsh(Xt.T @ (Xt * w[:, None])).max()
    xp = namespace_and_device(X)[0]
    assert _power_iteration(X, w, True, xp, "cpu") == pytest.approx(exact, rel=1e-8)


# --- the NumPy kernels equal the textbook functions --------------------------------------------


def _kernel_case(loss_name, intercept, seed=10):
    from mlkit.linear_model import _loss

    rng = np.random.default_rng(seed)
    n, d = 700, 5
    X = rng.normal(size=(n, d))
    s = rng.uniform(0.1, 2.0, size=n)
    k = {"squares": 3, "binary": 1, "multinomial": 4}[loss_name]
    W, b = rng.normal(size=(k, d)) * 0.5, (rng.normal(size=k) if intercept else None)
    if loss_name == "squares":
        loss, Y = _loss.half_squared_error, rng.normal(size=(n, k))
    elif loss_name == "binary":
        loss, Y = _loss.binary_log_loss, (rng.random((n, 1)) < 0.4).astype(float)
    else:
        loss, Y = _loss.multinomial_log_loss, np.eye(k)[rng.integers(0, k, size=n)]
    return W, b, X, Y, s, loss


@pytest.mark.parametrize("block_rows", [16, 97, 4096])
@pytest.mark.parametrize("intercept", [True, False])
@pytest.mark.parametrize("loss_name", ["squares", "binary", "multinomial"])
def test_numpy_kernels_equal_the_textbook_functions(loss_name, intercept, block_rows):
    from mlkit._array import namespace_and_device
    from mlkit.linear_model._kernels import data_term_numpy, fisher_information_numpy
    from mlkit.linear_model._loss import data_term, fisher_information

    W, b, X, Y, s, loss = _kernel_case(loss_name, intercept)
    xp = namespace_and_device(X)[0]
    value, gW, gb = data_term(W, b, X, Y, s, loss, xp)
    F = fisher_information(W, b, X, s, loss, xp)
    fast = data_term_numpy(W, b, X, Y, s, loss, xp, block_rows=block_rows)
    assert fast[0] == pytest.approx(float(value), rel=1e-13)
    np.testing.assert_allclose(fast[1], gW, rtol=1e-12, atol=1e-15)
    if intercept:
        np.testing.assert_allclose(fast[2], gb, rtol=1e-12, atol=1e-15)
    else:
        assert fast[2] is None
    F_fast = fisher_information_numpy(W, b, X, s, loss, xp, block_rows=block_rows)
    np.testing.assert_allclose(F_fast, F, rtol=1e-12, atol=1e-15)


# --- choosing the strength: the path, alpha_max, LogisticRegressionCV ----------------------------


def test_alpha_max_is_where_the_lasso_solution_turns_zero():
    from mlkit.linear_model import alpha_max

    X, y = _regression(d=8)
    est = LinearRegression("l1", tol=1e-10, max_iter=20000)
    top = alpha_max(est, X, y)
    # the lasso's KKT condition at w = 0 by hand: max_j |x_jᵀ (y − ȳ)| / n
    assert top == pytest.approx(np.max(np.abs((X - X.mean(0)).T @ (y - y.mean()))) / len(y),
                                rel=1e-12)
    above = clone(est).set_params(alpha=top * 1.001).fit(X, y)
    below = clone(est).set_params(alpha=top * 0.95).fit(X, y)
    assert np.all(above.coef_ == 0) and np.any(below.coef_ != 0)


@pytest.mark.parametrize("weighted", [False, True])
def test_alpha_max_for_logistic_l1(weighted):
    from mlkit.linear_model import alpha_max

    X, y = DATA["breast_cancer"]
    sw = _weights(len(y)) if weighted else None
    est = LogisticRegression("l1", solver="fista", tol=1e-10, max_iter=20000)
    top = alpha_max(est, X, y, sample_weight=sw)
    above = clone(est).set_params(alpha=top * 1.001).fit(X, y, sample_weight=sw)
    below = clone(est).set_params(alpha=top * 0.97).fit(X, y, sample_weight=sw)
    assert np.all(above.coef_ == 0) and np.any(below.coef_ != 0)


def test_regularization_path_equals_scikit_learns_lasso_path_and_separate_fits():
    from mlkit.linear_model import regularization_path

    X, y = _regression(d=8)
    est = LinearRegression("l1", tol=1e-12, max_iter=50000)
    alphas, coefs, intercepts = regularization_path(est, X, y, n_alphas=12, eps=1e-2)
    assert np.all(np.diff(alphas) < 0) and coefs.shape == (12, 8)
    ref_alphas, ref_coefs, _ = skl.lasso_path(X - X.mean(0), y - y.mean(), alphas=alphas,
                                              tol=1e-14, max_iter=100000)
    np.testing.assert_allclose(coefs, ref_coefs.T, atol=1e-7)
    # warm starts change the path, not the optima: each point equals a fit from scratch
    alone = LinearRegression("l1", alpha=alphas[5], tol=1e-12, max_iter=50000).fit(X, y)
    np.testing.assert_allclose(coefs[5], alone.coef_, atol=1e-9)
    assert np.abs(coefs[0]).max() < 1e-12  # the grid starts where every weight is zero
    assert (coefs[-1] != 0).sum() > (coefs[1] != 0).sum()


def test_logistic_regression_cv_equals_a_grid_search():
    from sklearn.model_selection import GridSearchCV, StratifiedKFold

    from mlkit.linear_model import LogisticRegressionCV

    X, y = DATA["wine"]
    Cs = np.logspace(-3, 2, 6)
    cv = StratifiedKFold(4, shuffle=True, random_state=0)
    ours = LogisticRegressionCV(Cs=Cs, cv=cv, solver="natural", tol=1e-10).fit(X, y)
    grid = GridSearchCV(LogisticRegression(solver="natural", tol=1e-10), {"C": Cs}, cv=cv)
    grid.fit(X, y)
    np.testing.assert_allclose(ours.scores_.mean(axis=0),
                               grid.cv_results_["mean_test_score"], atol=1e-12)
    assert ours.C_ == grid.best_params_["C"]
    np.testing.assert_allclose(ours.coef_, grid.best_estimator_.coef_, atol=1e-8)
    assert ours.coefs_paths_.shape == (4, 6, 3, X.shape[1])


# --- every solver on every backend this machine has ----------------------------------------------


# a fixed number of iterations (Dask pays a compute per iteration): the same iterates
SOLVER_CASES = {
    "lbfgs": dict(solver="lbfgs", max_iter=15),
    "natural": dict(solver="natural", tol=1e-10),
    "fista-l1": dict(penalty="l1", alpha=0.02, solver="fista", tol=0.0, max_iter=60),
    "gd-nesterov": dict(solver="gd", optimizer="nesterov", max_iter=60, shuffle=False),
    "gd-minibatch-adam": dict(solver="gd", optimizer="adam", batch_size=40, max_iter=20,
                              random_state=0),
}


@pytest.mark.parametrize("case", list(SOLVER_CASES))
def test_every_solver_on_every_backend(case, backend):
    from mlkit._testing import assert_allclose_xp

    params = SOLVER_CASES[case]
    X, y = DATA["wine"]
    y = np.unique(y, return_inverse=True)[1]
    if backend.name == "dask" and params.get("batch_size"):  # refused, saying why and instead
        with pytest.raises(ValueError, match=r"mini-batch descent on Dask input \(batch_size=40\)"
                           r" is not offered: a Dask array's rows .* Instead, use batch_size="):
            LogisticRegression(**params).fit(backend.asarray(X), backend.asarray(y))
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ref = LogisticRegression(**params).fit(X, y)
        est = LogisticRegression(**params).fit(backend.asarray(X), backend.asarray(y))
    expected = "numpy" if backend.name == "dask" else backend.name
    assert_allclose_xp(est.coef_, ref.coef_, namespace=expected, rtol=1e-7, atol=1e-9)
    proba = est.predict_proba(backend.asarray(X))
    assert_allclose_xp(proba, ref.predict_proba(X), namespace=backend.name, rtol=1e-7,
                       atol=1e-9)


@pytest.mark.parametrize("params", [dict(), dict(penalty="l2", alpha=0.3),
                                    dict(penalty="l1", alpha=0.05, tol=0.0, max_iter=80)],
                         ids=["lstsq", "ridge", "lasso-fista"])
def test_least_squares_on_sparse_and_dask_equals_dense(params):
    import dask.array as da
    import scipy.sparse as sp

    X, Y = _regression(t=2)
    X = np.where(np.abs(X) < 0.5, 0.0, X)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        dense = LinearRegression(**params).fit(X, Y)
        for Xo, Yo in ((sp.csr_array(X), Y), (da.from_array(X, chunks=(30, 6)),
                                              da.from_array(Y, chunks=(30, 2)))):
            other = LinearRegression(**params).fit(Xo, Yo)
            np.testing.assert_allclose(other.coef_, dense.coef_, rtol=1e-9, atol=1e-11)
            np.testing.assert_allclose(np.asarray(other.predict(Xo)), dense.predict(X),
                                       rtol=1e-9, atol=1e-10)
