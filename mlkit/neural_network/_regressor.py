"""MLPRegressor: a multilayer perceptron trained by back-propagation for regression."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import TypeVar

import numpy as np
from sklearn.base import RegressorMixin
from sklearn.exceptions import DataConversionWarning
from sklearn.metrics import r2_score
from sklearn.utils.metaestimators import available_if

from .._array import as_namespace, namespace_and_device, to_host
from .._discovery import Capabilities
from .._typing import Array, ArrayLike, RandomState
from .._validation import StrOptions, validate_data
from ..optim import Optimizer
from ..optim._schedules import Schedule
from ._base import BaseMultilayerPerceptron
from ._classes import _FIT_NATIVE, _HOST, _PREDICT_NATIVE, _TEST_PARAMS, _stochastic
from ._layers import output_activation

__all__ = ["MLPRegressor"]

_MLPRegressor = TypeVar("_MLPRegressor", bound="MLPRegressor")


class MLPRegressor(RegressorMixin, BaseMultilayerPerceptron):
    """Multilayer perceptron regressor, with batch normalization, dropout and fine-tuning.

    Minimizes half the squared error (or, with ``loss='poisson'``, the half Poisson deviance
    of an ``exp`` output) of a network ``dense → [batch norm] → activation → [dropout]`` per
    hidden layer and a linear output, plus the L2 penalty ``(α / 2S) Σ ‖W‖²``. With the
    defaults it is scikit-learn's ``MLPRegressor``: same parameters, the same initial weights
    for the same ``random_state``, the same updates.

    Parameters
    ----------
    loss : {'squared_error', 'poisson'}, default='squared_error'
        ``½ Σ_k (y_k − ŷ_k)²`` per row, or ``Σ_k (ŷ_k − y_k log ŷ_k + y_k log y_k − y_k)``
        with ``ŷ = e^s`` (needs ``y >= 0``).
    hidden_layer_sizes : array-like of int, default=(100,)
        The number of units of each hidden layer.
    activation : {'identity', 'logistic', 'tanh', 'relu', 'leaky_relu', 'elu', 'softplus'}, \
default='relu'
        The hidden layers' activation.
    solver : {'lbfgs', 'sgd', 'adam'}, default='adam'
        As ``MLPClassifier``'s.
    alpha : float, default=0.0001
        L2 penalty strength.
    batch_size : int or 'auto', default='auto'
        Mini-batch size; 'auto' is ``min(200, n_samples)``.
    learning_rate : str, schedule or callable, default='constant'
        As ``MLPClassifier``'s.
    learning_rate_init : float, default=0.001
        The initial learning rate.
    power_t : float, default=0.5
        The exponent of 'invscaling'.
    max_iter : int, default=200
        Epochs (stochastic solvers) or iterations ('lbfgs').
    shuffle : bool, default=True
        Draw the mini-batches in a new order each epoch.
    random_state : int, RandomState instance or None, default=None
        As ``MLPClassifier``'s.
    tol : float, default=1e-4
        As ``MLPClassifier``'s.
    verbose : bool or int, default=False
        Print the loss of each epoch.
    warm_start : bool, default=False
        Continue from the fitted network; with another number of outputs a new output layer
        is drawn (fine-tuning).
    momentum : float in [0, 1), default=0.9
        'sgd's momentum.
    nesterovs_momentum : bool, default=True
        Nesterov's momentum.
    early_stopping : bool, default=False
        As ``MLPClassifier``'s, scoring the held-out rows by R².
    validation_fraction : float, default=0.1
        The held-out share for early stopping.
    beta_1, beta_2 : float in [0, 1), default=0.9, 0.999
        Adam's decay rates.
    epsilon : float, default=1e-8
        Adam's ``ε̂``.
    n_iter_no_change : int, default=10
        Epochs without improvement before stopping.
    max_fun : int, default=15000
        'lbfgs's limit on loss evaluations.
    batch_norm : bool or sequence of bool, default=False
        As ``MLPClassifier``'s.
    batch_norm_momentum : float in [0, 1], default=0.1
        As ``MLPClassifier``'s (PyTorch's convention, unbiased running variance).
    batch_norm_epsilon : float, default=1e-5
        As ``MLPClassifier``'s.
    dropout : float or sequence of float in [0, 1), default=0.0
        As ``MLPClassifier``'s.
    init : {'glorot_uniform', 'glorot_normal', 'he_uniform', 'he_normal', 'lecun_normal', \
'zeros'}, default='glorot_uniform'
        As ``MLPClassifier``'s.
    optimizer : str or mlkit.optim optimizer, default=None
        As ``MLPClassifier``'s.
    n_frozen_layers : int, default=0
        As ``MLPClassifier``'s.

    Attributes
    ----------
    coefs_ : list of arrays of shape (fan_in, fan_out)
        The weights of each layer.
    intercepts_ : list of arrays of shape (fan_out,)
        The intercepts of each layer (0 for layers with batch normalization).
    gammas_, betas_ : list of arrays of shape (units,) or None
        Batch normalization's scale and shift, per hidden layer (None without it).
    running_means_, running_vars_ : list of arrays of shape (units,) or None
        The running statistics used at inference, per hidden layer.
    loss_ : float
        The loss of the last epoch or of the L-BFGS solution.
    best_loss_ : float or None
        The lowest loss seen (None with early stopping).
    loss_curve_ : list of float
        The loss of each epoch ('lbfgs': of each iteration).
    validation_scores_ : list of float or None
        The held-out R² after each epoch (early stopping only).
    best_validation_score_ : float or None
        The best of them.
    t_ : int
        Training samples seen.
    n_iter_ : int
        Epochs run by the last call (iterations for 'lbfgs').
    n_layers_ : int
        Layers, input and output included.
    n_outputs_ : int
        Output units (targets).
    out_activation_ : str
        'identity', or 'exp' for the Poisson loss.
    n_features_in_ : int
        Number of columns seen in ``fit``.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names, when ``X`` was a DataFrame with string column names.

    Notes
    -----
    See ``MLPClassifier``. With several targets the loss is ``½ Σ_k (y_k − ŷ_k)²`` averaged
    over the rows, the objective whose gradient the solvers follow; scikit-learn reports that
    sum divided by the number of targets (while following the same gradient), so its
    ``loss_curve_`` and its stopping differ from this one by that factor.

    Examples
    --------
    >>> import numpy as np
    >>> from mlkit.neural_network import MLPRegressor
    >>> rng = np.random.default_rng(0)
    >>> X = rng.uniform(-2, 2, size=(400, 1))
    >>> y = np.sin(2 * X[:, 0])
    >>> reg = MLPRegressor(hidden_layer_sizes=(32,), activation="tanh", solver="lbfgs",
    ...                    max_iter=500, random_state=0).fit(X, y)
    >>> reg.score(X, y) > 0.99
    True
    """

    _parameter_constraints = {
        **BaseMultilayerPerceptron._parameter_constraints,
        "loss": [StrOptions({"squared_error", "poisson"})],
    }
    _capabilities = Capabilities(fit=_FIT_NATIVE, predict=_PREDICT_NATIVE, host=_HOST,
                                 test_params=_TEST_PARAMS, sparse=True)

    def __init__(self, loss: str = "squared_error", hidden_layer_sizes: ArrayLike = (100,),
                 activation: str = "relu", *,
                 solver: str = "adam", alpha: float = 0.0001, batch_size: int | str = "auto",
                 learning_rate: str | Schedule = "constant", learning_rate_init: float = 0.001,
                 power_t: float = 0.5, max_iter: int = 200, shuffle: bool = True,
                 random_state: RandomState = None, tol: float = 1e-4, verbose: bool | int = False,
                 warm_start: bool = False, momentum: float = 0.9,
                 nesterovs_momentum: bool = True, early_stopping: bool = False,
                 validation_fraction: float = 0.1, beta_1: float = 0.9, beta_2: float = 0.999,
                 epsilon: float = 1e-8, n_iter_no_change: int = 10, max_fun: int = 15000,
                 batch_norm: bool | Sequence[bool] = False, batch_norm_momentum: float = 0.1,
                 batch_norm_epsilon: float = 1e-5, dropout: float | Sequence[float] = 0.0,
                 init: str = "glorot_uniform", optimizer: str | Optimizer | None = None,
                 n_frozen_layers: int = 0) -> None:
        self.loss = loss
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.max_fun = max_fun
        self.batch_norm = batch_norm
        self.batch_norm_momentum = batch_norm_momentum
        self.batch_norm_epsilon = batch_norm_epsilon
        self.dropout = dropout
        self.init = init
        self.optimizer = optimizer
        self.n_frozen_layers = n_frozen_layers

    # ---- fitting -----------------------------------------------------------------------------

    def fit(self: _MLPRegressor, X: ArrayLike, y: ArrayLike,
            sample_weight: ArrayLike | None = None) -> _MLPRegressor:
        """Train the network on ``(X, y)`` (see the class docstring); returns ``self``."""
        return self._fit(X, y, sample_weight)

    @available_if(_stochastic)
    def partial_fit(self: _MLPRegressor, X: ArrayLike, y: ArrayLike,
                    sample_weight: ArrayLike | None = None) -> _MLPRegressor:
        """One epoch of the stochastic solver on ``(X, y)``. With another number of targets
        than the fitted model, a new output layer is drawn (fine-tuning)."""
        return self._fit(X, y, sample_weight, incremental=True)

    def _validate_input(self, X, y, *, reset, incremental):
        return validate_data(self, X, y, reset=reset, accept_sparse=("csr", "csc"),
                             multi_output=True, y_numeric=True)

    def _encode_targets(self, y, xp, device, dtype, *, first, incremental, classes):
        if y.ndim == 2 and y.shape[1] == 1:
            warnings.warn("A column-vector y was passed when a 1d array was expected. Please "
                          "change the shape of y to (n_samples, ), for example using ravel().",
                          DataConversionWarning, stacklevel=4)
            y = y[:, 0]
        Y = xp.astype(as_namespace(y, xp, device), dtype)
        Y = Y[:, None] if Y.ndim == 1 else Y
        if self.loss == "poisson" and bool(xp.any(Y < 0)):
            raise ValueError("Some value(s) of y are negative which is not allowed for "
                             "loss='poisson'.")
        return Y, not first and Y.shape[1] != self.n_outputs_

    def _out_activation(self):
        return "exp" if self.loss == "poisson" else "identity"

    def _stratify(self, Y):
        return None

    def _validation_score(self, net, X, Y, sw):
        xp, _ = namespace_and_device(Y)
        scores, _ = net.forward(X, xp, training=False)
        pred = np.asarray(to_host(output_activation(scores, self.out_activation_, xp)))
        if not np.all(np.isfinite(pred)):
            return np.nan
        truth = np.asarray(to_host(Y))
        return float(r2_score(truth, pred, sample_weight=None if sw is None else to_host(sw)))

    # ---- prediction --------------------------------------------------------------------------

    def predict(self, X: ArrayLike) -> Array:
        """The predicted targets: shape (n_samples,) for one target, else (n_samples,
        n_outputs)."""
        scores, xp, _ = self._scores(X)
        out = output_activation(scores, self.out_activation_, xp)
        return out[:, 0] if self.n_outputs_ == 1 else out
