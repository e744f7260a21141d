"""Naive Bayes classifiers: Gaussian, multinomial, Bernoulli, categorical, and mixed.

Every model scores a row by its joint log-likelihood ``log P(c) + sum_j log P(x_j | c)``, in
log space throughout, and fits by per-class sufficient statistics written as one-hot matrix
products, which run natively on NumPy, CuPy, PyTorch, ``array_api_strict`` and Dask.
``MixedNB`` -- Gaussian numeric columns and categorical ones in one model over a pandas
DataFrame -- has no scikit-learn counterpart; the other four are drop-in replacements for
scikit-learn's.
"""

from ._discrete import BernoulliNB, CategoricalNB, MultinomialNB
from ._gaussian import GaussianNB
from ._mixed import MixedNB

__all__ = ["BernoulliNB", "CategoricalNB", "GaussianNB", "MixedNB", "MultinomialNB"]
