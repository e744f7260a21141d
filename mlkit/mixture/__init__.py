"""Gaussian mixtures fitted by EM, and model selection by BIC.

The E-step works in log space through the Cholesky factors ``U_k`` of the precisions
(``Λ_k = U_k U_kᵀ``): ``log N(x | μ_k, Σ_k) = −½ (d log 2π + ‖(x − μ_k) U_k‖²) + log|U_k|``,
batched over the components -- for 'full' covariances every ``x U_k`` comes out of one matrix
product with the ``d × kd`` matrix ``[U_1 … U_k]``. The M-step needs only the weighted
sufficient statistics ``N_k = Σ r``, ``Σ r x`` and ``Σ r x xᵀ`` (or ``Σ r x²``), which reduce
over row blocks: on a Dask array each EM iteration is one ``dask.compute`` of those small
statistics, and the model parameters stay concrete.
"""

from ._bic import select_by_bic
from ._gaussian import (  # noqa: F401 (the EM steps, importable from mlkit.mixture as before)
    ONE_POINT_INITS,
    CollapsedComponentError,
    check_precisions,
    covariances_from_precisions,
    e_step,
    estimate_log_gaussian_prob,
    log_det_cholesky,
    logsumexp_rows,
    m_step,
    n_parameters,
    noise_floor,
    precision_cholesky,
    precision_cholesky_from_precisions,
    precisions_from_cholesky,
    squares_of,
    sufficient_statistics,
    tied_stats_about_origin,
)
from ._gaussian_mixture import COVARIANCE_TYPES, GaussianMixture  # noqa: F401

__all__ = [
    "CollapsedComponentError",
    "GaussianMixture",
    "e_step",
    "estimate_log_gaussian_prob",
    "log_det_cholesky",
    "m_step",
    "select_by_bic",
    "sufficient_statistics",
]
