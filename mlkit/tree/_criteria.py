"""Split criteria and the pessimistic error estimate: small pure functions of class counts.

Every function takes (weighted) class counts in the last axis and broadcasts over the leading
ones, so one call scores every candidate split of every open node of a tree level at once.
Entropies are in bits (log base 2), as Quinlan writes them.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy.special import ndtri

__all__ = [
    "entropy",
    "gain_ratio",
    "gini",
    "information_gain",
    "pessimistic_error",
    "split_info",
]

# C4.5's (and Weka's Utils.eq) tolerance for "zero" gains and equal weights.
EPS = 1e-6


def _xlog2x(x):
    """``x * log2(x)`` with the limit 0 at x = 0."""
    x = np.asarray(x, dtype=np.float64)
    positive = x > 0
    out = np.zeros_like(x)
    np.log2(x, out=out, where=positive)
    return np.multiply(x, out, out=out, where=positive)


def entropy(counts, axis=-1):
    """Shannon entropy (bits) of the class distribution given by ``counts``.

    ``H = -sum_k p_k log2 p_k`` with ``p_k = n_k / N``, written as
    ``log2 N - sum_k n_k log2 n_k / N`` so that it works on unnormalized (weighted) counts.
    An empty distribution (N = 0) has entropy 0.
    """
    counts = np.asarray(counts, dtype=np.float64)
    total = counts.sum(axis=axis)
    safe = np.where(total > 0, total, 1.0)
    return np.where(total > 0, np.log2(safe) - _xlog2x(counts).sum(axis=axis) / safe, 0.0)


def information_gain(parent_counts, branch_counts):
    """Information gain of a split (Quinlan 1986, eq. for gain(A)).

    Parameters
    ----------
    parent_counts : array of shape (..., n_classes)
        Class counts of the cases being split.
    branch_counts : array of shape (..., n_branches, n_classes)
        Class counts of each branch; they sum to ``parent_counts``.

    Returns
    -------
    ``H(parent) - sum_b (N_b / N) H(branch b)``, shape (...).
    """
    parent_counts = np.asarray(parent_counts, dtype=np.float64)
    branch_counts = np.asarray(branch_counts, dtype=np.float64)
    n = parent_counts.sum(axis=-1)
    n_b = branch_counts.sum(axis=-1)
    safe = np.where(n > 0, n, 1.0)
    children = (n_b * entropy(branch_counts)).sum(axis=-1) / safe
    return entropy(parent_counts) - children


def split_info(branch_weights):
    """Split information (Quinlan 1993, ch. 2): the entropy of the branch sizes, in bits.

    ``-sum_b (N_b / N) log2(N_b / N)``; C4.5 counts cases with an unknown value of the
    attribute as one more branch, so pass their weight as an extra entry.
    """
    return entropy(branch_weights)


def gain_ratio(gain, split_information):
    """``gain / split_information``; 0 where the split information is (nearly) zero."""
    gain = np.asarray(gain, dtype=np.float64)
    si = np.asarray(split_information, dtype=np.float64)
    trivial = si <= EPS
    return np.where(trivial, 0.0, gain / np.where(trivial, 1.0, si))


def gini(counts, axis=-1):
    """Gini impurity ``1 - sum_k p_k**2`` (Breiman et al. 1984); 0 for an empty distribution."""
    counts = np.asarray(counts, dtype=np.float64)
    total = counts.sum(axis=axis)
    safe = np.where(total > 0, total, 1.0)
    return np.where(total > 0, 1.0 - (counts**2).sum(axis=axis) / safe**2, 0.0)


def _upper_bound_errors(n, e, z):
    """``N * U``, U the upper limit of the Wilson score interval with continuity correction
    for an error rate observed as E errors out of N (valid for 1 <= E and E + 0.5 < N)."""
    f = (e + 0.5) / n
    z2 = z * z
    root = np.sqrt(np.maximum(f / n - f * f / n + z2 / (4 * n * n), 0.0))
    return n * (f + z2 / (2 * n) + z * root) / (1 + z2 / n)


@lru_cache(maxsize=8)
def _z(confidence_factor):
    return float(ndtri(1.0 - confidence_factor))


def pessimistic_error(n, e, confidence_factor=0.25):
    """C4.5's estimate of the errors a leaf makes: E plus the upper-confidence-bound correction.

    A leaf covering N (weighted) training cases, E of them misclassified, is charged
    ``N * U_CF(E, N)`` errors, where ``U_CF`` is the upper limit of a one-sided confidence
    interval of level ``CF`` on the binomial error rate (Quinlan 1993, ch. 4):

    - E = 0: the exact binomial bound, ``U = 1 - CF**(1/N)``;
    - 0 < E < 1: linear interpolation between E = 0 and E = 1;
    - E + 0.5 >= N: ``N`` (all cases wrong; the continuity correction reaches the end);
    - otherwise the Wilson score upper bound with continuity correction,
      ``z = Phi^-1(1 - CF)``, ``f = (E + 0.5) / N``:
      ``U = (f + z^2/2N + z sqrt(f/N - f^2/N + z^2/4N^2)) / (1 + z^2/N)``.

    This is the estimate of Weka's J48 (``Stats.addErrs``); Quinlan's own code looks z up in
    a coarse table instead, which changes the third decimal. An empty leaf (N = 0) makes no
    errors.

    Parameters
    ----------
    n, e : array-like
        Weighted number of cases and of misclassified cases (broadcast together).
    confidence_factor : float in (0, 0.5]
        CF; smaller values prune more.

    Returns
    -------
    array of the estimated number of errors, ``>= e``.
    """
    n = np.asarray(n, dtype=np.float64)
    e = np.asarray(e, dtype=np.float64)
    if n.shape != e.shape:
        n, e = np.broadcast_arrays(n, e)
    cf = float(confidence_factor)
    z = _z(cf)
    safe_n = np.where(n > 0, n, 1.0)
    wilson = _upper_bound_errors(safe_n, np.maximum(e, 1.0), z) - e
    extra = np.where(e + 0.5 < n, wilson, np.maximum(n - e, 0.0))
    low = e < 1
    if low.any():
        base = safe_n * (1.0 - cf ** (1.0 / safe_n))  # E = 0
        if (low & (e > 0)).any():
            # the bound at E = 1 is needed for the interpolation when 0 < E < 1
            one = np.where(1.5 < safe_n, _upper_bound_errors(safe_n, 1.0, z) - 1.0,
                           safe_n - 1.0)
            base = base + e * (np.maximum(one, 0.0) - base)
        extra = np.where(low, base, extra)
    return np.where(n > 0, e + extra, 0.0)
