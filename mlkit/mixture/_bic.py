"""Model selection by BIC (as R's mclust): a grid of mixtures, the lowest BIC kept."""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy as np

from .._array import to_host
from .._typing import ArrayLike
from ._gaussian import CollapsedComponentError
from ._gaussian_mixture import COVARIANCE_TYPES, GaussianMixture

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["select_by_bic"]


def select_by_bic(X: ArrayLike, n_components: Iterable[int] = range(1, 7),
                  covariance_types: Iterable[str] = COVARIANCE_TYPES, *,
                  sample_weight: ArrayLike | None = None,
                  **params: Any) -> tuple[GaussianMixture, pd.DataFrame]:
    """Fit a grid of mixtures and keep the one with the lowest BIC, as R's mclust does.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    n_components : iterable of int, default=range(1, 7)
    covariance_types : iterable of str, default=('full', 'tied', 'diag', 'spherical')
    sample_weight : array-like of shape (n_samples,), default=None
        Weights: the BIC is then ``−2 Σ w log p(x) + p log Σ w``.
    **params
        Passed to every ``GaussianMixture`` (``random_state``, ``n_init``, ...).

    Returns
    -------
    best : GaussianMixture
        The fitted model with the lowest BIC.
    table : pandas.DataFrame
        BIC of every fit, one row per ``n_components`` and one column per covariance type
        (scikit-learn's sign: lower is better; mclust reports ``−BIC``). A fit whose
        component collapsed is NaN, with a warning.

    References
    ----------
    Schwarz (1978), "Estimating the dimension of a model", Ann. Statist. 6(2). Fraley &
    Raftery (2002), "Model-based clustering, discriminant analysis, and density estimation",
    JASA 97(458).
    """
    import pandas as pd

    ks, types = list(n_components), list(covariance_types)
    table = pd.DataFrame(np.nan, index=pd.Index(ks, name="n_components"),
                         columns=pd.Index(types, name="covariance_type"))
    best, best_bic = None, np.inf
    for ctype in types:
        for k in ks:
            model = GaussianMixture(n_components=k, covariance_type=ctype, **params)
            try:
                model.fit(X, sample_weight=sample_weight)
            except CollapsedComponentError as exc:
                warnings.warn(f"n_components={k}, covariance_type={ctype!r} skipped: {exc}",
                              stacklevel=2)
                continue
            bic = _weighted_bic(model, X, sample_weight)
            table.loc[k, ctype] = bic
            if bic < best_bic:
                best, best_bic = model, bic
    if best is None:
        raise ValueError("Every fit of the grid failed; see the warnings.")
    return best, table


def _weighted_bic(model, X, sample_weight):
    if sample_weight is None:
        return model.bic(X)
    logp = np.asarray(to_host(model.score_samples(X)))
    w = np.asarray(to_host(sample_weight), dtype=np.float64)
    return -2 * float(w @ logp) + model._n_parameters() * math.log(w.sum())
