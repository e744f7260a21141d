"""The penalties ``α R(W)`` and their proximal operators.

A penalty splits into a smooth part, handled by its gradient, and a non-smooth part, handled by
its proximal operator ``prox_{ηαR}(V) = argmin_W ½‖W − V‖² + ηα R(W)``: one step of proximal
gradient descent is ``W ← prox_{ηαR}(W − η ∇f(W))`` (Parikh & Boyd 2014, §4.2).

=============  ===========================================  =================================
penalty        R(W)                                         proximal operator (step η)
=============  ===========================================  =================================
'l2'           ½ ‖W‖²                                       smooth: its gradient α W
'l1'           ‖W‖₁ = Σ |w|                                 soft thresholding at ηα
'elasticnet'   ρ ‖W‖₁ + (1 − ρ)/2 ‖W‖²                      gradient α(1 − ρ) W, then soft
                                                            thresholding at ηαρ
'l0'           number of features with a non-zero weight    hard thresholding of each
                                                            feature's weights at √(2ηα); with
                                                            a budget of k features, keep the
                                                            k largest
'nuclear'      ‖W‖_* = Σ singular values (k x d, k ≥ 2)     singular-value thresholding at ηα
=============  ===========================================  =================================

A feature's weights are the column ``W[:, j]`` (one per class): L0 counts and removes whole
columns, so for a multinomial model it selects features, not single weights. The intercept is
never penalized.

References
----------
Tibshirani (1996), the lasso; Zou & Hastie (2005), the elastic net; Blumensath & Davies (2009),
"Iterative hard thresholding for compressed sensing"; Cai, Candès & Shen (2010), "A singular
value thresholding algorithm for matrix completion"; Parikh & Boyd (2014), "Proximal
algorithms".
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "Penalty",
    "hard_threshold",
    "keep_largest",
    "singular_value_threshold",
    "soft_threshold",
]


def soft_threshold(V, t, xp):
    """``sign(v) · max(|v| − t, 0)``: the proximal operator of ``t ‖·‖₁``."""
    return xp.sign(V) * xp.maximum(xp.abs(V) - t, 0.0)


def hard_threshold(V, t, xp):
    """The columns of V whose squared norm exceeds ``2 t`` (the others zeroed): the proximal
    operator of ``t · (number of non-zero columns)``."""
    keep = xp.sum(V * V, axis=0) > 2.0 * t
    return xp.where(keep[None, :], V, 0.0)


def keep_largest(V, k, xp):
    """V with all but its ``k`` columns of largest norm zeroed: the projection onto the set of
    weights that use at most ``k`` features (ties broken towards the lower index)."""
    if k >= V.shape[1]:
        return V
    norms = xp.sum(V * V, axis=0)
    order = xp.argsort(-norms, stable=True)
    rank = xp.argsort(order, stable=True)  # the rank of each column by its norm
    return xp.where((rank < k)[None, :], V, 0.0)


def singular_value_threshold(V, t, xp):
    """``U max(Σ − t, 0) Vᵀ`` from the SVD ``V = U Σ Vᵀ``: the proximal operator of
    ``t ‖·‖_*``."""
    U, sv, Vt = xp.linalg.svd(V, full_matrices=False)
    return (U * xp.maximum(sv - t, 0.0)[None, :]) @ Vt


@dataclass(frozen=True)
class Penalty:
    """``α R(W)`` of one kind: its value, its smooth part's gradient, its proximal step."""

    kind: str | None  # None, 'l2', 'l1', 'elasticnet', 'l0', 'nuclear'
    alpha: float = 0.0
    l1_ratio: float = 0.0
    max_features: int | None = None  # the L0 budget (the penalty alpha is then unused)

    @property
    def smooth(self):
        """True when the whole penalty is differentiable (no proximal step is needed)."""
        return self.kind in (None, "l2") or self.alpha == 0 and self.max_features is None

    @property
    def l2_strength(self):
        """The coefficient ``λ`` of the smooth part ``½ λ ‖W‖²``."""
        if self.kind == "l2":
            return self.alpha
        if self.kind == "elasticnet":
            return self.alpha * (1.0 - self.l1_ratio)
        return 0.0

    def value(self, W, xp):
        """``α R(W)``."""
        a = self.alpha
        if self.kind is None or (a == 0 and self.kind != "l0"):
            return 0.0
        if self.kind == "l2":
            return 0.5 * a * float(xp.sum(W * W))
        if self.kind == "l1":
            return a * float(xp.sum(xp.abs(W)))
        if self.kind == "elasticnet":
            return (a * self.l1_ratio * float(xp.sum(xp.abs(W)))
                    + 0.5 * self.l2_strength * float(xp.sum(W * W)))
        if self.kind == "l0":
            if self.max_features is not None:
                return 0.0  # a constraint: zero inside the feasible set
            return a * float(xp.sum(xp.astype(xp.any(W != 0, axis=0), W.dtype)))
        return a * float(xp.sum(xp.linalg.svdvals(W)))

    def smooth_gradient(self, W):
        """The gradient of the smooth part, ``λ W`` (0 when there is none)."""
        lam = self.l2_strength
        return lam * W if lam else None

    def prox(self, W, step, xp):
        """The proximal step of the non-smooth part for the learning rate ``step``."""
        t = step * self.alpha
        if self.kind in ("l1", "elasticnet"):
            return soft_threshold(W, t * (self.l1_ratio if self.kind == "elasticnet" else 1.0),
                                  xp)
        if self.kind == "l0":
            if self.max_features is not None:
                return keep_largest(W, self.max_features, xp)
            return hard_threshold(W, t, xp)
        if self.kind == "nuclear":
            return singular_value_threshold(W, t, xp)
        return W
