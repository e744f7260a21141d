"""Multilayer perceptrons trained by back-propagation: ``MLPClassifier`` and ``MLPRegressor``.

scikit-learn's estimators of the same names (parameters, initial weights and updates), with
batch normalization, dropout, six weight initializations, seven activations, any update rule
and learning-rate schedule of ``mlkit.optim``, and fine-tuning (warm starts on a new task,
frozen layers). The layers' forward and backward steps are in ``_layers``, the initializations
in ``_init``, the whole network's passes in ``_network``, the training loops in ``_base``.
"""

from ._classes import MLPClassifier
from ._regressor import MLPRegressor

__all__ = ["MLPClassifier", "MLPRegressor"]
