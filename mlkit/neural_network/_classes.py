"""MLPClassifier, and what it shares with MLPRegressor (capabilities, partial_fit's check)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

import numpy as np
from sklearn.base import ClassifierMixin
from sklearn.metrics import accuracy_score
from sklearn.utils.metaestimators import available_if

from .._array import logsumexp, namespace_and_device, one_hot, to_host
from .._discovery import Capabilities
from .._typing import Array, ArrayLike, RandomState
from .._validation import (
    class_indices,
    decode_labels,
    encode_labels,
    not_offered_message,
    validate_data,
)
from ..linear_model._loss import log_sigmoid, sigmoid, softmax
from ..optim import Optimizer
from ..optim._schedules import Schedule
from ._base import STOCHASTIC, BaseMultilayerPerceptron

__all__ = ["MLPClassifier"]

_MLPClassifier = TypeVar("_MLPClassifier", bound="MLPClassifier")

_FIT_NATIVE = ("numpy", "array_api_strict", "cupy", "torch")
_PREDICT_NATIVE = _FIT_NATIVE + ("dask",)
_HOST = ("fit on Dask input is computed to NumPy (mini-batches need random access to the rows); "
         "initial weights, shuffles and dropout masks are drawn by NumPy on the host and moved "
         "to the device; L-BFGS's parameter vector; prediction on Dask stays lazy")
_TEST_PARAMS = {"hidden_layer_sizes": (10,), "learning_rate_init": 0.01, "max_iter": 200,
                "random_state": 0}


def _stochastic(est):
    """``partial_fit`` is one epoch of a stochastic solver."""
    if est.solver not in STOCHASTIC:
        raise AttributeError(f"partial_fit is only available for stochastic optimizers. "
                             f"{est.solver} is not stochastic.")
    return True


class MLPClassifier(ClassifierMixin, BaseMultilayerPerceptron):
    """Multilayer perceptron classifier, with batch normalization, dropout and fine-tuning.

    Minimizes the log loss of a network ``dense → [batch norm] → activation → [dropout]``
    per hidden layer, then a logistic (two classes) or softmax output, plus the L2 penalty
    ``(α / 2S) Σ ‖W‖²``, by back-propagation and scikit-learn's solvers. With the defaults it
    is scikit-learn's ``MLPClassifier``: same parameters, the same initial weights for the
    same ``random_state``, the same updates.

    Parameters
    ----------
    hidden_layer_sizes : array-like of int, default=(100,)
        The number of units of each hidden layer.
    activation : {'identity', 'logistic', 'tanh', 'relu', 'leaky_relu', 'elu', 'softplus'}, \
default='relu'
        The hidden layers' activation: ``z``, ``σ(z)``, ``tanh z``, ``max(z, 0)``, ``z`` or
        ``0.01 z``, ``z`` or ``e^z − 1``, ``log(1 + e^z)``.
    solver : {'lbfgs', 'sgd', 'adam'}, default='adam'
        'sgd': mini-batch gradient descent with (Nesterov's) momentum; 'adam': Adam in
        scikit-learn's form (``mlkit.optim.Adam(epsilon_hat=True)``); 'lbfgs': scipy's
        L-BFGS-B on the full batch.
    alpha : float, default=0.0001
        L2 penalty strength; the penalty is divided by the batch's sample-weight sum.
    batch_size : int or 'auto', default='auto'
        Mini-batch size of the stochastic solvers; 'auto' is ``min(200, n_samples)``.
    learning_rate : str, schedule or callable, default='constant'
        scikit-learn's 'constant', 'invscaling' (``η₀ / (t + 1)^power_t`` after each epoch,
        ``t`` the samples seen) and 'adaptive' (``η / 5`` when the loss stalls); like
        scikit-learn these apply to 'sgd' and to ``optimizer``, not to solver='adam'. Or a
        schedule of ``mlkit.optim`` by name ('piecewise', 'exponential', 'inverse_time',
        'polynomial', 'cosine', 'cosine_restarts': ``get_schedule``'s, from
        ``learning_rate_init`` over ``max_iter`` epochs) or as an object, or any callable of
        the number of updates made; these apply to every stochastic rule.
    learning_rate_init : float, default=0.001
        The initial learning rate ``η₀``.
    power_t : float, default=0.5
        The exponent of 'invscaling'.
    max_iter : int, default=200
        Epochs (stochastic solvers) or iterations ('lbfgs').
    shuffle : bool, default=True
        Draw the mini-batches in a new order each epoch (scikit-learn's draws).
    random_state : int, RandomState instance or None, default=None
        The initial weights, the shuffling, the early-stopping split and the dropout masks,
        drawn in that order from one NumPy ``RandomState`` made at each ``fit`` or
        ``partial_fit`` call (as scikit-learn).
    tol : float, default=1e-4
        An epoch improves when the loss falls (or the validation score rises) by more than
        ``tol``; 'lbfgs': the gradient tolerance ``gtol``.
    verbose : bool or int, default=False
        Print the loss of each epoch.
    warm_start : bool, default=False
        Continue from the fitted network. When ``y`` has other classes than the fitted model,
        the hidden layers are kept and a new output layer is drawn (fine-tuning on a new task).
    momentum : float in [0, 1), default=0.9
        'sgd's momentum.
    nesterovs_momentum : bool, default=True
        Nesterov's momentum ('sgd' with ``momentum > 0``).
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the rows (scikit-learn's split: stratified for two
        classes, not for more), stop when their accuracy has not improved by ``tol`` for
        ``n_iter_no_change`` epochs, and keep the best epoch's network (stochastic solvers).
    validation_fraction : float, default=0.1
        The held-out share for early stopping.
    beta_1, beta_2 : float in [0, 1), default=0.9, 0.999
        Adam's decay rates.
    epsilon : float, default=1e-8
        Adam's ``ε̂``.
    n_iter_no_change : int, default=10
        Epochs without improvement before stopping (or, with 'adaptive', dividing the rate).
    max_fun : int, default=15000
        'lbfgs's limit on loss evaluations.
    batch_norm : bool or sequence of bool, default=False
        Batch normalization (Ioffe & Szegedy 2015) before the activation, for every hidden
        layer or per layer. In training each unit is normalized by the batch's mean and biased
        variance, then scaled by a learned ``γ`` and shifted by a learned ``β`` (trained by
        the same rule as the weights; not penalized); at inference by the running statistics.
        The layer's own intercept is then 0 and not trained (``β`` replaces it).
    batch_norm_momentum : float in [0, 1], default=0.1
        PyTorch's convention: ``running ← (1 − m) running + m batch``, the running variance
        averaging the *unbiased* batch variances. For 'lbfgs' (one full batch) the running
        statistics are the full batch's at the solution.
    batch_norm_epsilon : float, default=1e-5
        ``ε`` in ``(z − μ) / √(σ² + ε)``.
    dropout : float or sequence of float in [0, 1), default=0.0
        The rate at which each hidden layer's outputs are dropped in training (inverted
        dropout: the kept ones are scaled by ``1 / (1 − rate)``, so inference uses the network
        as it is). Stochastic solvers only.
    init : {'glorot_uniform', 'glorot_normal', 'he_uniform', 'he_normal', 'lecun_normal', \
'zeros'}, default='glorot_uniform'
        The initial weights (``mlkit.neural_network._init``): 'glorot_uniform' is
        scikit-learn's. 'zeros' warns: its hidden units never become different.
    optimizer : str or mlkit.optim optimizer, default=None
        An update rule of ``mlkit.optim`` ('sgd', 'momentum', 'nesterov', 'adagrad',
        'rmsprop', 'adam', 'amsgrad', or an instance) in place of ``solver``'s (stochastic
        solvers only), with the learning rate from ``learning_rate_init`` and
        ``learning_rate``.
    n_frozen_layers : int, default=0
        The first ``n_frozen_layers`` weight layers are not trained: their weights,
        intercepts, ``γ``, ``β`` and running statistics stay as they are (in training too they
        normalize with their running statistics). At most ``len(hidden_layer_sizes)``.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The class labels.
    coefs_ : list of arrays of shape (fan_in, fan_out)
        The weights of each layer.
    intercepts_ : list of arrays of shape (fan_out,)
        The intercepts of each layer (0 for layers with batch normalization).
    gammas_, betas_ : list of arrays of shape (units,) or None
        Batch normalization's scale and shift, per hidden layer (None without it).
    running_means_, running_vars_ : list of arrays of shape (units,) or None
        The running statistics used at inference, per hidden layer (None without batch
        normalization).
    loss_ : float
        The loss of the last epoch (mean of its batch losses) or of the L-BFGS solution.
    best_loss_ : float or None
        The lowest loss seen (None with early stopping).
    loss_curve_ : list of float
        The loss of each epoch ('lbfgs': of each iteration).
    validation_scores_ : list of float or None
        The held-out accuracy after each epoch (early stopping only).
    best_validation_score_ : float or None
        The best of them.
    t_ : int
        Training samples seen (row passes).
    n_iter_ : int
        Epochs run by the last call (iterations for 'lbfgs').
    n_layers_ : int
        Layers, input and output included.
    n_outputs_ : int
        Output units (1 for two classes).
    out_activation_ : str
        'logistic' or 'softmax'.
    n_features_in_ : int
        Number of columns seen in ``fit``.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names, when ``X`` was a DataFrame with string column names.

    Notes
    -----
    The forward pass of a hidden layer is ``z = aW + b``, ``u = γ (z − μ_B)/√(σ²_B + ε) + β``
    (with batch normalization), ``h = f(u)``, ``a' = h · m / (1 − p)`` (dropout, ``m`` a
    Bernoulli(1 − p) mask); back-propagation runs the chain rule through each of these
    (``mlkit.neural_network._layers``). The loss's gradient in the output scores is
    ``softmax(s) − y`` (or ``σ(s) − y``), whatever the depth.

    Where this differs from scikit-learn: multilabel targets are refused (the output layer
    models one class per row; ``sklearn.multioutput.MultiOutputClassifier`` fits one
    network per label); ``momentum``
    must be below 1; ``predict_log_proba`` is computed from the scores (no ``log(0)``);
    warm starts and ``partial_fit`` with other classes fine-tune instead of raising; the
    loss is computed from the scores, without scikit-learn's clipping of the probabilities.

    References
    ----------
    Rumelhart, D. E., Hinton, G. E. and Williams, R. J. (1986). Learning representations by
    back-propagating errors. Nature, 323, 533-536.

    Ioffe, S. and Szegedy, C. (2015). Batch normalization: accelerating deep network training by
    reducing internal covariate shift. ICML. arXiv:1502.03167.

    Srivastava, N., Hinton, G., Krizhevsky, A., Sutskever, I. and Salakhutdinov, R. (2014).
    Dropout: a simple way to prevent neural networks from overfitting. JMLR, 15, 1929-1958.

    Glorot, X. and Bengio, Y. (2010); He, K. et al. (2015): see ``_init``. Kingma, D. P. and
    Ba, J. (2015). Adam: a method for stochastic optimization. ICLR.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from mlkit.neural_network import MLPClassifier
    >>> X, y = load_digits(return_X_y=True)
    >>> clf = MLPClassifier((32, 32), batch_norm=True, dropout=0.1, early_stopping=True,
    ...                     random_state=0).fit(X / 16, y)
    >>> clf.best_validation_score_ > 0.9, clf.score(X / 16, y) > 0.95
    (True, True)
    >>> [g.shape for g in clf.gammas_]
    [(32,), (32,)]
    """

    _parameter_constraints = dict(BaseMultilayerPerceptron._parameter_constraints)
    _capabilities = Capabilities(fit=_FIT_NATIVE, predict=_PREDICT_NATIVE, host=_HOST,
                                 test_params=_TEST_PARAMS, sparse=True)

    def __init__(self, hidden_layer_sizes: ArrayLike = (100,), activation: str = "relu", *,
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

    def fit(self: _MLPClassifier, X: ArrayLike, y: ArrayLike,
            sample_weight: ArrayLike | None = None) -> _MLPClassifier:
        """Train the network on ``(X, y)`` (see the class docstring); returns ``self``."""
        return self._fit(X, y, sample_weight)

    @available_if(_stochastic)
    def partial_fit(self: _MLPClassifier, X: ArrayLike, y: ArrayLike,
                    sample_weight: ArrayLike | None = None,
                    classes: ArrayLike | None = None) -> _MLPClassifier:
        """One epoch of the stochastic solver on ``(X, y)``.

        ``classes`` (every label of the stream) is required on the first call. Given later
        with other labels than ``classes_``, it starts a new task: the hidden layers are kept
        and a new output layer is drawn (fine-tuning).
        """
        if not hasattr(self, "coefs_") and classes is None:
            raise ValueError("classes must be passed on the first call to partial_fit.")
        return self._fit(X, y, sample_weight, incremental=True, classes=classes)

    def _validate_input(self, X, y, *, reset, incremental):
        try:
            return validate_data(self, X, y, reset=reset, accept_sparse=("csr", "csc"),
                                 classification=not incremental)
        except ValueError as exc:
            if not str(exc).startswith("y should be a 1d array"):
                raise
            raise ValueError(not_offered_message(
                "MLPClassifier", f"a multilabel target ({exc})".replace(" instead.)", ")"),
                "the output layer models one class per row (a softmax over the classes)",
                "fit one network per label with sklearn.multioutput.MultiOutputClassifier("
                "MLPClassifier(...)), or use sklearn.neural_network.MLPClassifier, which takes "
                "an indicator matrix")) from exc

    def _encode_targets(self, y, xp, device, dtype, *, first, incremental, classes):
        """The (n, 1) or (n, k) indicator targets, and whether the classes changed."""
        given = None if classes is None else np.unique(np.asarray(to_host(classes)))
        if given is not None and given.shape[0] < 2:
            raise ValueError(f"{type(self).__name__} needs at least 2 classes in `classes`; "
                             f"got {given.tolist()}.")
        new_task = False
        if first and given is None:
            self.classes_, y_idx = encode_labels(y, xp, device)
        else:
            if first:
                target = given
            else:
                old = np.asarray(to_host(self.classes_))
                target = (given if given is not None else old) if incremental else \
                    np.unique(np.asarray(to_host(y)))
                new_task = not (target.shape == old.shape and np.array_equal(target, old))
            if first or new_task:
                self.classes_ = target
            y_idx = class_indices(y, self.classes_, xp, device)
        k = self.classes_.shape[0]
        if k == 2:
            return xp.astype(y_idx == 1, dtype)[:, None], new_task
        return one_hot(y_idx, k, dtype=dtype, xp=xp), new_task

    def _out_activation(self):
        return "logistic" if self.classes_.shape[0] == 2 else "softmax"

    def _stratify(self, Y):
        # scikit-learn's: stratified on the label indicator when it is one column (two
        # classes); its multiclass split is not stratified
        return np.asarray(to_host(Y)) > 0.5 if Y.shape[1] == 1 else None

    def _validation_score(self, net, X, Y, sw):
        xp, _ = namespace_and_device(Y)
        scores, _ = net.forward(X, xp, training=False)
        pred = np.asarray(to_host(self._class_index(scores, xp)))
        if not np.all(np.isfinite(np.asarray(to_host(scores)))):
            return np.nan
        truth = np.asarray(to_host(Y[:, 0] > 0.5 if Y.shape[1] == 1 else xp.argmax(Y, axis=1)))
        return float(accuracy_score(truth.astype(np.int64), pred,
                                    sample_weight=None if sw is None else to_host(sw)))

    # ---- prediction --------------------------------------------------------------------------

    def _class_index(self, scores, xp):
        if scores.shape[1] == 1:
            return xp.astype(sigmoid(scores[:, 0], xp) > 0.5, xp.int64)
        return xp.argmax(softmax(scores, xp), axis=1)

    def predict_proba(self, X: ArrayLike) -> Array:
        """Class probabilities, shape (n_samples, n_classes), in the order of ``classes_``."""
        scores, xp, _ = self._scores(X)
        if scores.shape[1] == 1:
            return xp.concat([sigmoid(-scores, xp), sigmoid(scores, xp)], axis=1)
        return softmax(scores, xp)

    def predict_log_proba(self, X: ArrayLike) -> Array:
        """Logarithms of ``predict_proba``, computed from the scores (no underflow to -inf)."""
        scores, xp, _ = self._scores(X)
        if scores.shape[1] == 1:
            return xp.concat([log_sigmoid(-scores, xp), log_sigmoid(scores, xp)], axis=1)
        return scores - logsumexp(scores, axis=1, keepdims=True, xp=xp)

    def predict(self, X: ArrayLike) -> Array:
        """The most probable class of each row."""
        scores, xp, device = self._scores(X)
        return decode_labels(self.classes_, self._class_index(scores, xp), xp, device)
