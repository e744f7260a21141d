"""The SVM dual as a convex QP in cvxpy, and the certificate of a dual solution.

    maximize  1ᵀα − ½ ‖Φᵀ(α∘y)‖²   subject to  0 ≤ α ≤ C,  yᵀα = 0,

where ``ΦΦᵀ = K``. cvxpy receives the smallest exact form of the quadratic term:

- linear kernel: ``Φ = X`` itself, so the term is ``½‖Xᵀ(α∘y)‖²`` -- d squares, not n²;
- other kernels, ``form='quad_form'`` (default): ``quad_form(α∘y, psd_wrap(K))``;
  ``form='factor'``: ``‖Φᵀ(α∘y)‖²`` with ``Φ`` from the eigendecomposition of ``K``, keeping
  the eigenvalues above ``n·eps·λ_max`` (exact to rounding; low rank only where the spectrum
  decays). For the rbf kernel on random data the spectrum does not decay, Φ is dense n×n, and
  the factor form is the slower (benchmarks/RESULTS.md, SVM).

``certificate`` checks any dual point, whoever computed it: the primal objective at the
induced ``(w, b)``, the dual objective, the duality gap between them, and the largest violation
of the KKT conditions (the stopping rule of SMO).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

# α_i below SV_TOL · C_i is zero, above (1 − SV_TOL) · C_i is at the bound C_i
SV_TOL = 1e-6


@dataclass
class Certificate:
    """How good a dual solution is, computed from the solution alone.

    primal_objective : ½‖w‖² + Σ C_i ξ_i at ``w = Σ α_i y_i φ(x_i)``, the fitted ``b`` and the
        smallest slacks ``ξ_i = max(0, 1 − y_i f(x_i))``.
    dual_objective : 1ᵀα − ½ (α∘y)ᵀ K (α∘y).
    duality_gap : primal − dual (≥ 0; zero exactly at the optimum).
    relative_gap : duality_gap / max(1, |dual|).
    kkt_violation : max over the α that may increase of ``−y_i ∇_i`` minus the min over those
        that may decrease (≤ tol at an SMO solution; ∇ is the gradient of ½αᵀQα − 1ᵀα).
    status : the solver's status string ('optimal', 'max_iter', ...).
    solver : which solver produced α.
    n_iter : the solver's iterations.
    """

    primal_objective: float
    dual_objective: float
    duality_gap: float
    relative_gap: float
    kkt_violation: float
    status: str
    solver: str
    n_iter: int

    def as_dict(self):
        return asdict(self)


def clean_alpha(alpha, C):
    """Snap α to its bounds: to C_i within ``SV_TOL · C_i`` of it, to 0 below ``SV_TOL`` times
    the largest α. (Not ``SV_TOL · C``: with a large C on separable data every α is far below
    C, and that cut dropped real support vectors.)"""
    alpha = np.clip(alpha, 0.0, C)
    alpha = np.where(alpha <= SV_TOL * float(np.max(alpha, initial=0.0)), 0.0, alpha)
    return np.where(alpha >= (1 - SV_TOL) * C, C, alpha)


def kkt_violation(alpha, grad, y, C):
    """``max_{up} m − min_{low} m`` with ``m = −y∘∇f`` (0 when one side is empty)."""
    m = -y * grad
    pos = y > 0
    up = np.where(pos, alpha < C, alpha > 0)
    low = np.where(pos, alpha > 0, alpha < C)
    if not up.any() or not low.any():
        return 0.0
    return max(float(np.max(m[up]) - np.min(m[low])), 0.0)


def intercept_rho(alpha, grad, y, C):
    """libsvm's ρ (the decision function is ``Σ α_i y_i K(x_i, x) − ρ``).

    The mean of ``y_i ∇_i`` over the free multipliers (0 < α_i < C_i), where it is exact; with
    none free, the midpoint of the interval the bounded ones leave for it (Chang & Lin 2011).
    """
    yg = y * grad
    at_upper = alpha >= C
    at_lower = alpha <= 0
    free = ~(at_upper | at_lower)
    if free.any():
        return float(np.mean(yg[free]))
    pos = y > 0
    # upper bounds on ρ: (α = C, y = −1) and (α = 0, y = +1); lower: the other two
    ub_set = (at_upper & ~pos) | (at_lower & pos)
    lb_set = (at_upper & pos) | (at_lower & ~pos)
    ub = float(np.min(yg[ub_set])) if ub_set.any() else np.inf
    lb = float(np.max(yg[lb_set])) if lb_set.any() else -np.inf
    if np.isinf(ub) or np.isinf(lb):
        return ub if np.isfinite(ub) else lb if np.isfinite(lb) else 0.0
    return (ub + lb) / 2


def certificate(alpha, grad, y, C, rho, *, status, solver, n_iter):
    """The ``Certificate`` of a dual point, from ``α``, ``∇f = Qα − 1`` and ``ρ``."""
    # (α∘y)ᵀK(α∘y) = αᵀQα = αᵀ(∇f + 1)
    quad = float(alpha @ (grad + 1.0))
    dual = float(alpha.sum()) - 0.5 * quad
    # y_i f(x_i) = (Qα)_i − y_i ρ = ∇_i + 1 − y_i ρ
    margin = grad + 1.0 - y * rho
    primal = 0.5 * quad + float(C @ np.maximum(0.0, 1.0 - margin))
    gap = primal - dual
    return Certificate(
        primal_objective=primal, dual_objective=dual, duality_gap=gap,
        relative_gap=gap / max(1.0, abs(dual)), kkt_violation=kkt_violation(alpha, grad, y, C),
        status=status, solver=solver, n_iter=int(n_iter),
    )


def psd_factor(K):
    """``Φ`` with ``ΦΦᵀ = K`` from ``eigh``, keeping eigenvalues above ``n·eps·λ_max``.

    Raises ValueError when ``K`` has a clearly negative eigenvalue (a kernel that is not
    positive semidefinite, such as some sigmoid kernels): the QP would not be convex.
    """
    lam, V = np.linalg.eigh((K + K.T) / 2)
    cut = _check_psd(lam, K.shape[0])
    keep = lam > cut
    return V[:, keep] * np.sqrt(lam[keep])


def _check_psd(lam, n):
    """The eigenvalue cut ``n·eps·λ_max``; a ValueError for a clearly negative eigenvalue."""
    top = max(float(lam[-1]), 0.0)
    cut = n * np.finfo(np.float64).eps * max(top, 1.0)
    if lam[0] < -1e3 * cut:
        raise ValueError(
            "solver='cvxpy' needs a positive semidefinite kernel matrix, but this one has the "
            f"eigenvalue {lam[0]:.3g}: the dual QP is not convex. Use solver='smo'."
        )
    return cut


# tolerances tighter than the solvers' defaults, so α is exact enough to read its support set
_ACCURACY = {
    "CLARABEL": {"tol_gap_abs": 1e-10, "tol_gap_rel": 1e-10, "tol_feas": 1e-10},
    "OSQP": {"eps_abs": 1e-9, "eps_rel": 1e-9, "polish": True},
    "SCS": {"eps_abs": 1e-9, "eps_rel": 1e-9},
}


def solve_dual_cvxpy(y, C, *, K=None, X=None, form="quad_form", qp_solver="SCS",
                     max_iter=-1, tol=1e-3):
    """Solve the dual with cvxpy; return ``(α, ν, status, n_iter)``.

    ``ν`` is the multiplier of ``yᵀα = 0``: at the optimum ``y_i ∇_i = −ν`` on every free
    support vector, so ``ρ = −ν`` is libsvm's intercept, computed by the solver to its own
    accuracy (None when the solver gives none).

    Pass ``X`` (the linear kernel, ``K = XXᵀ``) or the kernel matrix ``K``.
    """
    import cvxpy as cp

    n = y.shape[0]
    a = cp.Variable(n)
    ay = cp.multiply(y, a)
    if X is not None:
        quad = cp.sum_squares(X.T @ ay)
    elif form == "quad_form":
        quad = cp.quad_form(ay, cp.psd_wrap((K + K.T) / 2))
    else:
        quad = cp.sum_squares(psd_factor(K).T @ ay)
    balance = y @ a == 0
    problem = cp.Problem(cp.Minimize(0.5 * quad - cp.sum(a)), [a >= 0, a <= C, balance])
    options = dict(_ACCURACY.get(qp_solver, {}))
    if max_iter is not None and max_iter > 0:
        options["max_iters" if qp_solver == "SCS" else "max_iter"] = int(max_iter)
    try:
        problem.solve(solver=qp_solver, **options)
    except (cp.error.SolverError, ValueError) as exc:  # SCS: "ScsWork allocation error!"
        if K is not None:  # an indefinite kernel is the usual cause: say so
            _check_psd(np.linalg.eigvalsh((K + K.T) / 2), n)
        return np.zeros(n), None, f"solver_error: {exc}", 0
    if K is not None and problem.status not in ("optimal", "optimal_inaccurate"):
        _check_psd(np.linalg.eigvalsh((K + K.T) / 2), n)
    stats = problem.solver_stats
    n_iter = getattr(stats, "num_iters", None) or 0
    if a.value is None:
        return np.zeros(n), None, str(problem.status), n_iter
    nu = None if balance.dual_value is None else float(np.ravel(balance.dual_value)[0])
    return np.asarray(a.value, dtype=np.float64), nu, str(problem.status), n_iter
