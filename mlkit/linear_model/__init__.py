"""Linear models trained by gradient: logistic regression and least squares.

``LogisticRegression`` and ``LinearRegression`` share one objective,
``(1/S) Σ s_i ℓ(W x_i + b, y_i) + α R(W)``, three solvers (scipy's L-BFGS, natural gradient =
Newton/IRLS, and mini-batch proximal gradient descent with the optimizers and schedules of
``mlkit.optim``) and five penalties (L2, L1, elastic net, L0, nuclear norm).
"""

from ._least_squares import LinearRegression
from ._logistic import LogisticRegression
from ._path import LogisticRegressionCV, alpha_max, regularization_path

__all__ = ["LinearRegression", "LogisticRegression", "LogisticRegressionCV", "alpha_max",
           "regularization_path"]
