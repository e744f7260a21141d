"""What MLPClassifier and MLPRegressor share: parameters, initialization, the training loops.

A subclass says how it codes its targets (``_encode_targets``), which output activation it
uses, and how it scores a validation set; the rest is here: the per-layer options, the
initial network, warm starts and fine-tuning, scikit-learn's stochastic solvers ('sgd',
'adam') on top of ``mlkit.optim``, and L-BFGS through scipy.
"""

from __future__ import annotations

import math
import numbers
import warnings

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state

from .._array import (
    as_namespace,
    host_float_dtype,
    is_lazy,
    namespace_and_device,
    to_host,
)
from .._array import device as device_of
from .._validation import (
    Interval,
    InvalidParameterError,
    Options,
    StrOptions,
    check_is_fitted,
    check_sample_weight,
    validate_data,
    validate_params,
)
from ..optim import (
    OPTIMIZERS,
    SCHEDULES,
    SGD,
    Adam,
    Momentum,
    Nesterov,
    Optimizer,
    get_optimizer,
    get_schedule,
)
from ._init import INITIALIZERS
from ._layers import ACTIVATIONS, dropout_mask
from ._network import Network

__all__ = ["BaseMultilayerPerceptron"]

SKLEARN_SCHEDULES = {"constant", "invscaling", "adaptive"}
STOCHASTIC = {"sgd", "adam"}


class BaseMultilayerPerceptron(BaseEstimator):
    """The fit driver of the multilayer perceptrons (not public)."""

    _parameter_constraints = {
        "hidden_layer_sizes": ["array-like", Interval(numbers.Integral, 1, None, closed="left")],
        "activation": [StrOptions(set(ACTIVATIONS))],
        "solver": [StrOptions({"lbfgs", "sgd", "adam"})],
        "alpha": [Interval(numbers.Real, 0, None, closed="left")],
        "batch_size": [StrOptions({"auto"}), Interval(numbers.Integral, 1, None, closed="left")],
        "learning_rate": [StrOptions(SKLEARN_SCHEDULES | set(SCHEDULES)), callable],
        "learning_rate_init": [Interval(numbers.Real, 0, None, closed="neither")],
        "power_t": [Interval(numbers.Real, 0, None, closed="left")],
        "max_iter": [Interval(numbers.Integral, 1, None, closed="left")],
        "shuffle": ["boolean"],
        "random_state": ["random_state"],
        "tol": [Interval(numbers.Real, 0, None, closed="left")],
        "verbose": [Interval(numbers.Integral, 0, None, closed="left"), "boolean"],
        "warm_start": ["boolean"],
        "momentum": [Interval(numbers.Real, 0, 1, closed="left")],
        "nesterovs_momentum": ["boolean"],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(numbers.Real, 0, 1, closed="left")],
        "beta_1": [Interval(numbers.Real, 0, 1, closed="left")],
        "beta_2": [Interval(numbers.Real, 0, 1, closed="left")],
        "epsilon": [Interval(numbers.Real, 0, None, closed="neither")],
        "n_iter_no_change": [Interval(numbers.Integral, 1, None, closed="left"),
                             Options(numbers.Real, {np.inf})],
        "max_fun": [Interval(numbers.Integral, 1, None, closed="left")],
        "batch_norm": ["boolean", "array-like"],
        "batch_norm_momentum": [Interval(numbers.Real, 0, 1, closed="both")],
        "batch_norm_epsilon": [Interval(numbers.Real, 0, None, closed="neither")],
        "dropout": [Interval(numbers.Real, 0, 1, closed="left"), "array-like"],
        "init": [StrOptions(set(INITIALIZERS))],
        "optimizer": [StrOptions(set(OPTIMIZERS)), Optimizer, None],
        "n_frozen_layers": [Interval(numbers.Integral, 0, None, closed="left")],
    }

    # ---- options -------------------------------------------------------------------------

    def _hidden_sizes(self):
        sizes = self.hidden_layer_sizes
        sizes = list(sizes) if hasattr(sizes, "__iter__") else [sizes]
        if not all(isinstance(s, numbers.Integral) and not isinstance(s, bool) and s > 0
                   for s in sizes):
            raise ValueError(f"hidden_layer_sizes must be > 0, got {sizes}.")
        return [int(s) for s in sizes]

    def _per_layer(self, name, n_hidden, check, describe):
        """``batch_norm`` or ``dropout`` as one value per hidden layer."""
        value = getattr(self, name)
        values = list(value) if hasattr(value, "__iter__") else [value] * n_hidden
        owner = type(self).__name__
        if len(values) != n_hidden or not all(check(v) for v in values):
            raise InvalidParameterError(
                f"The {name!r} parameter of {owner} must be {describe} or a sequence of them, "
                f"one per hidden layer ({n_hidden}). Got {value!r} instead.")
        return values

    def _options(self):
        """Validate the parameters and resolve the per-layer ones: ``(sizes, bn, rates)``."""
        validate_params(self)
        sizes = self._hidden_sizes()
        bn = self._per_layer("batch_norm", len(sizes), lambda v: isinstance(v, bool | np.bool_),
                             "a bool")
        unit = Interval(numbers.Real, 0, 1, closed="left")
        rates = self._per_layer("dropout", len(sizes), unit.accepts, f"{unit}")
        name = type(self).__name__
        if any(bn) and self.batch_size == 1:
            raise ValueError(f"{name}: batch_norm needs batches of at least 2 rows to estimate "
                             "each unit's mean and variance; got batch_size=1.")
        if self.solver == "lbfgs" and any(r > 0 for r in rates):
            raise ValueError(f"{name}: dropout needs a stochastic solver ('sgd' or 'adam'); "
                             "L-BFGS's line search needs the same objective at every call, "
                             f"which random masks do not give. Got dropout={self.dropout!r}.")
        if self.solver == "lbfgs" and self.optimizer is not None:
            raise ValueError(f"{name}: optimizer replaces the update rule of the stochastic "
                             "solvers ('sgd', 'adam'); it does not apply to solver='lbfgs'.")
        if self.n_frozen_layers > len(sizes):
            raise ValueError(
                f"{name}: n_frozen_layers={self.n_frozen_layers} leaves nothing to train: the "
                f"network has {len(sizes) + 1} weight layers (len(hidden_layer_sizes) + 1), so "
                f"n_frozen_layers must be at most {len(sizes)}.")
        if self.init == "zeros" and sizes:
            warnings.warn(
                "init='zeros' gives every hidden unit of a layer the same weights, hence the "
                "same output and the same gradient: the units stay identical copies of one "
                "another however long the network trains (the symmetry is never broken).",
                UserWarning, stacklevel=4)
        return sizes, [bool(b) for b in bn], [float(r) for r in rates]

    # ---- fitting -------------------------------------------------------------------------

    def _fit(self, X, y, sample_weight=None, *, incremental=False, classes=None):
        sizes, bn, rates = self._options()
        first = not hasattr(self, "coefs_") or (not self.warm_start and not incremental)
        if is_lazy(X):  # mini-batches need random access to the rows: see _capabilities
            X, y = to_host(X), to_host(y)
            sample_weight = to_host(sample_weight) if is_lazy(sample_weight) else sample_weight
        X, y = self._validate_input(X, y, reset=first, incremental=incremental)
        xp, device = namespace_and_device(X)
        dtype = X.dtype
        Y, new_task = self._encode_targets(y, xp, device, dtype, first=first,
                                           incremental=incremental, classes=classes)
        sw = check_sample_weight(sample_weight, X.shape[0], xp, device, dtype)
        rng = check_random_state(self.random_state)
        units = [X.shape[1], *sizes, Y.shape[1]]
        if first:
            self._initialize(units, bn, rng, xp, device, dtype)
        else:
            self._continue(units, bn, rng, xp, device, dtype, new_task)
        net = self._network(xp, device)
        self._rates = rates
        if self.solver == "lbfgs":
            self._fit_lbfgs(net, X, Y, sw)
        else:
            self._fit_stochastic(net, X, Y, sw, rng, incremental)
        self._store(net)
        if not all(bool(xp.all(xp.isfinite(w))) for w in self.coefs_ + self.intercepts_):
            raise ValueError("Solver produced non-finite parameter weights. The input data may "
                             "contain large values and need to be preprocessed.")
        return self

    def _layer(self, fan_in, fan_out, rng, xp, device, dtype):
        W, b = INITIALIZERS[self.init](fan_in, fan_out, rng, activation=self.activation)
        host = host_float_dtype(dtype)
        return (as_namespace(W.astype(host), xp, device),
                as_namespace(b.astype(host), xp, device))

    def _initialize(self, units, bn, rng, xp, device, dtype):
        """A new network: weights from ``init`` (scikit-learn's draws for 'glorot_uniform'),
        and γ = 1, β = 0, running mean 0 and variance 1 where there is batch normalization."""
        self.n_layers_, self.n_outputs_ = len(units), units[-1]
        self.coefs_, self.intercepts_ = [], []
        for fan_in, fan_out in zip(units[:-1], units[1:], strict=True):
            W, b = self._layer(fan_in, fan_out, rng, xp, device, dtype)
            self.coefs_.append(W)
            self.intercepts_.append(b)
        self._init_batch_norm(units, bn, xp, device, dtype, keep=False)
        self._reset_history()
        self.out_activation_ = self._out_activation()

    def _init_batch_norm(self, units, bn, xp, device, dtype, *, keep):
        old = [getattr(self, n, None) for n in ("gammas_", "betas_", "running_means_",
                                                 "running_vars_")]
        lists = [[], [], [], []]
        for i, on in enumerate(bn):
            m = units[i + 1]
            if not on:
                new = [None] * 4
            elif keep and old[0] is not None and old[0][i] is not None:
                new = [o[i] for o in old]
            else:
                new = [xp.ones((m,), dtype=dtype, device=device),
                       xp.zeros((m,), dtype=dtype, device=device),
                       xp.zeros((m,), dtype=dtype, device=device),
                       xp.ones((m,), dtype=dtype, device=device)]
                self.intercepts_[i] = xp.zeros((m,), dtype=dtype, device=device)
            for target, value in zip(lists, new, strict=True):
                target.append(value)
        self.gammas_, self.betas_, self.running_means_, self.running_vars_ = lists

    def _reset_history(self):
        self.n_iter_, self.t_, self.loss_curve_ = 0, 0, []
        self._no_improvement_count, self._trainer, self._best = 0, None, None
        stopping = self.early_stopping and self.solver in STOCHASTIC
        self.validation_scores_ = [] if stopping else None
        self.best_validation_score_ = -np.inf if stopping else None
        self.best_loss_ = None if stopping else np.inf

    def _continue(self, units, bn, rng, xp, device, dtype, new_task):
        """Warm start and partial_fit: the fitted network, with a new output layer when the
        task changed (other classes, or another number of outputs)."""
        have = [tuple(W.shape) for W in self.coefs_[:-1]]
        want = list(zip(units[:-2], units[1:-1], strict=True))
        if have != want:
            raise ValueError(
                f"{type(self).__name__}: the fitted network's hidden layers have the weight "
                f"shapes {have}, but hidden_layer_sizes={self.hidden_layer_sizes!r} asks for "
                f"{want}. Set warm_start=False to fit a new network.")
        self.coefs_ = [as_namespace(W, xp, device) for W in self.coefs_]
        self.intercepts_ = [as_namespace(b, xp, device) for b in self.intercepts_]
        for name in ("gammas_", "betas_", "running_means_", "running_vars_"):
            setattr(self, name, [as_namespace(a, xp, device) for a in getattr(self, name)])
        if new_task:
            self.coefs_[-1], self.intercepts_[-1] = self._layer(units[-2], units[-1], rng, xp,
                                                                device, dtype)
            self.n_outputs_ = units[-1]
            self._reset_history()
        self._init_batch_norm(units, bn, xp, device, dtype, keep=True)
        self.out_activation_ = self._out_activation()

    def _network(self, xp, device):
        def move(arrays):
            return [as_namespace(a, xp, device) for a in arrays]

        return Network(move(self.coefs_), move(self.intercepts_), move(self.gammas_),
                       move(self.betas_), move(self.running_means_), move(self.running_vars_),
                       activation=self.activation, out_activation=self.out_activation_,
                       bn_momentum=float(self.batch_norm_momentum),
                       bn_epsilon=float(self.batch_norm_epsilon),
                       n_frozen=int(self.n_frozen_layers))

    def _store(self, net):
        self.coefs_, self.intercepts_ = net.coefs, net.intercepts
        self.gammas_, self.betas_ = net.gammas, net.betas
        self.running_means_, self.running_vars_ = net.running_means, net.running_vars

    # ---- L-BFGS --------------------------------------------------------------------------

    def _fit_lbfgs(self, net, X, Y, sw):
        """scipy's L-BFGS-B on the trainable parameters, flattened on the host (scikit-learn's
        options: ``maxiter``, ``maxfun``, ``gtol = tol``)."""
        from scipy.optimize import minimize

        xp, _ = namespace_and_device(net.coefs[0])
        spec = net.trainable()
        params = net.get(spec)
        shapes = [tuple(p.shape) for p in params]
        host = host_float_dtype(params[0].dtype)
        device = device_of(params[0])

        def unpack(theta):
            arrays, start = [], 0
            for shape in shapes:
                size = math.prod(shape)
                piece = np.ascontiguousarray(theta[start:start + size].reshape(shape), host)
                arrays.append(as_namespace(piece, xp, device))
                start += size
            net.set(spec, arrays)

        def fun(theta):
            unpack(theta)
            value, grads, _ = net.objective(X, Y, sw, float(self.alpha), xp)
            return float(value), _pack([grads[kind][i] for kind, i in spec])

        curve = []
        result = minimize(fun, _pack(params), method="L-BFGS-B", jac=True,
                          callback=lambda intermediate_result: curve.append(
                              float(intermediate_result.fun)),
                          options={"maxfun": self.max_fun, "maxiter": self.max_iter,
                                   "gtol": self.tol})
        if result.status != 0:
            warnings.warn(
                f"lbfgs failed to converge after {result.nit} iteration(s) (status="
                f"{result.status}): {result.message}. Increase the number of iterations "
                f"(max_iter={self.max_iter}) or scale the data.", ConvergenceWarning,
                stacklevel=4)
        unpack(result.x)
        if any(g is not None for g in net.gammas[net.n_frozen:]):
            _, _, caches = net.objective(X, Y, sw, float(self.alpha), xp)
            net.set_running_stats(caches, X.shape[0])
        self.n_iter_ = min(int(result.nit), self.max_iter)
        self.loss_ = float(result.fun)
        self.t_ += int(result.nfev) * X.shape[0]
        self.loss_curve_ = curve
        self.best_loss_ = min(curve, default=self.loss_)

    # ---- the stochastic solvers ----------------------------------------------------------

    def _update_rule(self):
        """The ``mlkit.optim`` rule, and whether scikit-learn's learning-rate names apply."""
        if self.optimizer is not None:
            return get_optimizer(self.optimizer, owner=type(self).__name__), True
        if self.solver == "adam":  # scikit-learn's Adam ignores learning_rate
            return Adam(self.beta_1, self.beta_2, self.epsilon, epsilon_hat=True), False
        if self.momentum == 0:
            return SGD(), True
        rule = Nesterov if self.nesterovs_momentum else Momentum
        return rule(self.momentum), True

    def _new_trainer(self, net, steps_per_epoch):
        rule, sklearn_names = self._update_rule()
        spec = net.trainable()
        lr0 = float(self.learning_rate_init)
        schedule, adapt = None, None
        if callable(self.learning_rate) or self.learning_rate not in SKLEARN_SCHEDULES:
            schedule = get_schedule(self.learning_rate, lr0, owner=type(self).__name__,
                                    total_steps=steps_per_epoch * self.max_iter,
                                    steps_per_epoch=steps_per_epoch)
        elif sklearn_names:
            adapt = self.learning_rate
        return _Trainer(rule, spec, rule.init(net.get(spec)), lr0, schedule, adapt,
                        float(self.power_t))

    def _batch_size(self, n):
        if self.batch_size == "auto":
            return min(200, n)
        if self.batch_size > n:
            warnings.warn("Got `batch_size` less than 1 or larger than sample size. It is "
                          "going to be clipped", stacklevel=4)
        return int(np.clip(self.batch_size, 1, n))

    def _batches(self, n, batch_size, net):
        """``[(start, stop), ...]`` of an epoch; with batch normalization a last batch of one
        row joins the one before (one row has no variance)."""
        bounds = [(lo, min(lo + batch_size, n)) for lo in range(0, n, batch_size)]
        if any(g is not None for g in net.gammas[net.n_frozen:]):
            if n < 2:
                raise ValueError(f"{type(self).__name__}: batch_norm needs at least 2 training "
                                 f"samples per batch; got {n} sample(s).")
            if len(bounds) > 1 and bounds[-1][1] - bounds[-1][0] == 1:
                bounds[-2:] = [(bounds[-2][0], n)]
        return bounds

    def _fit_stochastic(self, net, X, Y, sw, rng, incremental):
        if self.early_stopping and incremental:
            raise ValueError("partial_fit does not support early_stopping=True")
        xp, device = namespace_and_device(net.coefs[0])
        validation = None
        if self.early_stopping:
            X, Y, sw, validation = self._split_validation(X, Y, sw, rng, xp, device)
        n = X.shape[0]
        batch_size = self._batch_size(n)
        bounds = self._batches(n, batch_size, net)
        if not incremental or self._trainer is None or self._trainer.spec != net.trainable():
            self._trainer = self._new_trainer(net, len(bounds))
        if self.early_stopping and self._best is None:
            self._best = net.snapshot()
        sample_idx = np.arange(n)
        self.n_iter_ = 0
        for _ in range(self.max_iter):
            if self.shuffle:  # scikit-learn's draw: sklearn.utils.shuffle of the indices
                sample_idx = sample_idx[rng.permutation(n)]
            loss = self._epoch(net, X, Y, sw, rng, bounds, sample_idx, xp, device)
            self.n_iter_ += 1
            self.loss_ = loss / n
            self.t_ += n
            self.loss_curve_.append(self.loss_)
            if self.verbose:
                print(f"Iteration {self.n_iter_}, loss = {self.loss_:.8f}")
            if not math.isfinite(self.loss_):
                break  # diverged: the finiteness check of _fit reports it
            self._update_no_improvement_count(net, validation)
            self._trainer.epoch_ends(self.t_)
            if self._no_improvement_count > self.n_iter_no_change:
                what = "Validation score" if self.early_stopping else "Training loss"
                msg = (f"{what} did not improve more than tol={self.tol:f} for "
                       f"{self.n_iter_no_change} consecutive epochs.")
                if self._trainer.plateau(msg, self.verbose):
                    break
                self._no_improvement_count = 0
            if incremental:
                break
            if self.n_iter_ == self.max_iter:
                warnings.warn(f"Stochastic Optimizer: Maximum iterations ({self.max_iter}) "
                              "reached and the optimization hasn't converged yet.",
                              ConvergenceWarning, stacklevel=4)
        if self.early_stopping:
            net.restore(self._best)

    def _epoch(self, net, X, Y, sw, rng, bounds, sample_idx, xp, device):
        """One pass over the mini-batches; returns the sum of batch losses times batch sizes
        (scikit-learn's accumulated loss)."""
        rows_all = as_namespace(sample_idx, xp, device) if self.shuffle else None
        total = 0.0
        for lo, hi in bounds:
            if rows_all is None:
                Xb, Yb = X[lo:hi], Y[lo:hi, :]
                sb = None if sw is None else sw[lo:hi]
            else:
                rows = rows_all[lo:hi]
                Xb = X[sample_idx[lo:hi]] if hasattr(X, "tocsr") else xp.take(X, rows, axis=0)
                Yb = xp.take(Y, rows, axis=0)
                sb = None if sw is None else xp.take(sw, rows, axis=0)
            masks = None
            if any(r > 0 for r in self._rates):
                masks = [None if r == 0 else
                         dropout_mask((hi - lo, W.shape[1]), r, rng, xp, device, W.dtype)
                         for r, W in zip(self._rates, net.coefs, strict=False)]
            value, grads, caches = net.objective(Xb, Yb, sb, float(self.alpha), xp,
                                                 masks=masks)
            net.update_running_stats(caches, hi - lo)
            self._trainer.step(net, grads)
            total = total + value * (hi - lo)
        return float(total)

    def _split_validation(self, X, Y, sw, rng, xp, device):
        """scikit-learn's split: ``train_test_split`` with the same generator, stratified on
        the label indicator matrix for classifiers."""
        from sklearn.model_selection import train_test_split

        strat = self._stratify(Y)
        train, val = train_test_split(np.arange(X.shape[0]), random_state=rng,
                                      test_size=self.validation_fraction, stratify=strat)
        if val.shape[0] < 2:
            raise ValueError("The validation set is too small. Increase 'validation_fraction' "
                             "or the size of your dataset.")

        def take(a, idx):
            if a is None:
                return None
            if hasattr(a, "tocsr"):
                return a[idx]
            return xp.take(a, as_namespace(idx, xp, device), axis=0)

        validation = (take(X, val), take(Y, val), take(sw, val))
        return take(X, train), take(Y, train), take(sw, train), validation

    def _update_no_improvement_count(self, net, validation):
        if validation is not None:
            score = self._validation_score(net, *validation)
            self.validation_scores_.append(score)
            if self.verbose:
                print(f"Validation score: {score:f}")
            if score < self.best_validation_score_ + self.tol:
                self._no_improvement_count += 1
            else:
                self._no_improvement_count = 0
            if score > self.best_validation_score_:
                self.best_validation_score_ = score
                self._best = net.snapshot()
            return
        if self.loss_curve_[-1] > self.best_loss_ - self.tol:
            self._no_improvement_count += 1
        else:
            self._no_improvement_count = 0
        self.best_loss_ = min(self.best_loss_, self.loss_curve_[-1])

    # ---- prediction ----------------------------------------------------------------------

    def _scores(self, X):
        """The output layer's scores (before its activation) for X, in X's namespace."""
        check_is_fitted(self, "coefs_")
        X = validate_data(self, X, reset=False, accept_sparse=("csr", "csc"))
        xp, device = namespace_and_device(X)
        scores, _ = self._network(xp, device).forward(X, xp, training=False)
        return scores, xp, device

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags


def _pack(arrays):
    """The arrays flattened into one float64 host vector."""
    return np.concatenate([np.asarray(to_host(a), dtype=np.float64).ravel() for a in arrays])


class _Trainer:
    """An update rule of ``mlkit.optim``, its state, and the learning rate between steps.

    ``schedule`` (an ``mlkit.optim`` schedule of the step count) or scikit-learn's per-epoch
    rules ``adapt`` ('invscaling': ``η₀ / (t + 1)^power_t`` after each epoch, ``t`` the samples
    seen; 'adaptive': ``η / 5`` when the loss stalls); neither is a constant ``η₀``.
    """

    def __init__(self, rule, spec, state, lr0, schedule, adapt, power_t):
        self.rule, self.spec, self.state = rule, spec, state
        self.lr0 = self.learning_rate = lr0
        self.schedule, self.adapt, self.power_t = schedule, adapt, power_t

    def step(self, net, grads):
        lr = self.learning_rate if self.schedule is None else float(self.schedule(self.state.t))
        params = net.get(self.spec)
        g = [grads[kind][i] for kind, i in self.spec]
        params, self.state = self.rule.step(params, g, self.state, lr)
        net.set(self.spec, params)

    def epoch_ends(self, samples_seen):
        if self.adapt == "invscaling":
            self.learning_rate = self.lr0 / (samples_seen + 1) ** self.power_t

    def plateau(self, msg, verbose):
        """True to stop; 'adaptive' divides the rate by 5 instead, down to 1e-6."""
        if self.adapt != "adaptive":
            if verbose:
                print(msg + " Stopping.")
            return True
        if self.learning_rate <= 1e-6:
            if verbose:
                print(msg + " Learning rate too small. Stopping.")
            return True
        self.learning_rate /= 5.0
        if verbose:
            print(msg + f" Setting learning rate to {self.learning_rate:f}")
        return False
