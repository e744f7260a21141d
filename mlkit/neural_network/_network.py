"""The network: its parameters, the forward pass, back-propagation and the objective.

A network of ``L`` weight layers has, for layer ``i``, the weights ``coefs[i]`` (fan_in x
fan_out) and intercepts ``intercepts[i]``; a hidden layer with batch normalization also has
``gammas[i]``, ``betas[i]`` (learned) and ``running_means[i]``, ``running_vars[i]`` (the
statistics used at inference). Hidden layer ``i`` computes::

    z = a W + b  →  u = BN(z) (or u = z)  →  h = f(u)  →  a' = h · mask (dropout, or a' = h)

and the output layer ``s = a W + b``, whose activation and loss are the output's
(``_layers.output_loss``). The objective of a batch with sample weights ``s_i`` summing to
``S`` (``S = n`` without weights) is scikit-learn's::

    J = (1/S) Σ_i s_i ℓ(s_i, y_i) + (α / 2S) Σ_layers ‖W‖²

A hidden layer with batch normalization has no intercept of its own: the normalization
subtracts the batch mean, which cancels any ``b`` (``β`` takes its place), so ``b`` stays at 0
and is not trained. The first ``n_frozen`` layers are not trained at all: they keep their
parameters and, in training too, normalize with their running statistics.
"""

from __future__ import annotations

from ._layers import (
    ACTIVATIONS,
    batch_norm_backward,
    batch_norm_forward,
    batch_norm_inference,
    dense_backward,
    dense_forward,
    dropout_backward,
    dropout_forward,
    output_loss,
    update_running_stats,
)

__all__ = ["Network"]

KINDS = ("coef", "intercept", "gamma", "beta")


class Network:
    """A multilayer perceptron's parameters and its passes (internal; the estimators hold the
    lists as ``coefs_``, ``intercepts_``, ``gammas_``, ...).

    Parameters
    ----------
    coefs, intercepts : lists of arrays, one per weight layer
    gammas, betas, running_means, running_vars : lists, one per hidden layer
        None where the layer has no batch normalization.
    activation : str
        The hidden layers' activation (a key of ``ACTIVATIONS``).
    out_activation : str
        'identity', 'exp', 'logistic' or 'softmax'.
    bn_momentum, bn_epsilon : float
        The running statistics' momentum (PyTorch's convention) and the ε of the normalization.
    n_frozen : int
        The number of leading weight layers that are not trained.
    """

    def __init__(self, coefs, intercepts, gammas, betas, running_means, running_vars, *,
                 activation, out_activation, bn_momentum=0.1, bn_epsilon=1e-5, n_frozen=0):
        self.coefs, self.intercepts = list(coefs), list(intercepts)
        self.gammas, self.betas = list(gammas), list(betas)
        self.running_means, self.running_vars = list(running_means), list(running_vars)
        self.activation, self.out_activation = activation, out_activation
        self.bn_momentum, self.bn_epsilon, self.n_frozen = bn_momentum, bn_epsilon, n_frozen

    @property
    def n_hidden(self):
        return len(self.coefs) - 1

    def _lists(self):
        return {"coef": self.coefs, "intercept": self.intercepts, "gamma": self.gammas,
                "beta": self.betas}

    # ---- the trainable parameters, as the optimizer sees them -------------------------------

    def trainable(self):
        """``[(kind, layer), ...]``: the parameters that are trained, in scikit-learn's order
        (every coefs, then every intercepts), then the γ and β of batch normalization."""
        layers = range(self.n_frozen, len(self.coefs))
        hidden = [i for i in layers if i < self.n_hidden and self.gammas[i] is not None]
        return ([("coef", i) for i in layers]
                + [("intercept", i) for i in layers if i not in hidden]
                + [("gamma", i) for i in hidden] + [("beta", i) for i in hidden])

    def get(self, spec):
        """The arrays of ``spec`` (from ``trainable``)."""
        lists = self._lists()
        return [lists[kind][i] for kind, i in spec]

    def set(self, spec, arrays):
        """Replace the arrays of ``spec`` by ``arrays``."""
        lists = self._lists()
        for (kind, i), a in zip(spec, arrays, strict=True):
            lists[kind][i] = a

    def snapshot(self):
        """The parameters and running statistics as they are now (arrays are never written
        in place, so copying the lists is enough)."""
        return [list(x) for x in (self.coefs, self.intercepts, self.gammas, self.betas,
                                  self.running_means, self.running_vars)]

    def restore(self, snapshot):
        (self.coefs, self.intercepts, self.gammas, self.betas, self.running_means,
         self.running_vars) = [list(x) for x in snapshot]

    # ---- forward and backward ---------------------------------------------------------------

    def forward(self, X, xp, *, training, masks=None):
        """The output layer's scores (before its activation) and each layer's cache.

        ``training`` normalizes the trainable layers with the batch's statistics (else with the
        running ones); ``masks`` (one per hidden layer, or None) are dropout masks from
        ``dropout_mask``. The caches are ``(a_in, u, h, bn_cache, mask)`` per hidden layer and
        ``(a_in,)`` for the output layer.
        """
        f = ACTIVATIONS[self.activation][0]
        A, caches = X, []
        for i in range(self.n_hidden):
            Z = dense_forward(A, self.coefs[i], self.intercepts[i])
            bn = None
            if self.gammas[i] is None:
                U = Z
            elif training and i >= self.n_frozen:
                U, bn = batch_norm_forward(Z, self.gammas[i], self.betas[i], self.bn_epsilon, xp)
            else:
                U = batch_norm_inference(Z, self.gammas[i], self.betas[i], self.running_means[i],
                                         self.running_vars[i], self.bn_epsilon, xp)
            H = f(U, xp)
            mask = None if masks is None else masks[i]
            caches.append((A, U, H, bn, mask))
            A = H if mask is None else dropout_forward(H, mask)
        caches.append((A,))
        return dense_forward(A, self.coefs[-1], self.intercepts[-1]), caches

    def backward(self, dS, caches, xp):
        """Back-propagation from ``dS`` (the loss's gradient in the output scores) down to the
        first trainable layer.

        Returns ``{'coef': [...], 'intercept': [...], 'gamma': [...], 'beta': [...]}``, each
        a list with the gradient of every layer's parameter (None for frozen layers and for
        parameters a layer does not have).
        """
        fprime = ACTIVATIONS[self.activation][1]
        grads = {"coef": [None] * len(self.coefs), "intercept": [None] * len(self.coefs),
                 "gamma": [None] * self.n_hidden, "beta": [None] * self.n_hidden}
        last, k = len(self.coefs) - 1, self.n_frozen
        dA, grads["coef"][last], grads["intercept"][last] = dense_backward(
            dS, caches[last][0], self.coefs[last], xp, need_dA=last > k)
        for i in range(last - 1, k - 1, -1):
            A_in, U, H, bn, mask = caches[i]
            if mask is not None:
                dA = dropout_backward(dA, mask)
            dU = dA * fprime(U, H, xp)
            if bn is not None:
                dU, grads["gamma"][i], grads["beta"][i] = batch_norm_backward(
                    dU, bn, self.gammas[i], xp)
            dA, grads["coef"][i], grads["intercept"][i] = dense_backward(
                dU, A_in, self.coefs[i], xp, need_dA=i > k)
        return grads

    def objective(self, X, Y, sample_weight, alpha, xp, *, masks=None, training=True):
        """``J`` on the batch (a 0-d array), its gradients (as ``backward``) and the caches."""
        S_out, caches = self.forward(X, xp, training=training, masks=masks)
        per_row, dS = output_loss(self.out_activation)(S_out, Y, xp)
        if sample_weight is None:
            S = S_out.shape[0]
            data = xp.sum(per_row) / S
            dS = dS / S
        else:
            S = xp.sum(sample_weight)
            data = xp.sum(per_row * sample_weight) / S
            dS = dS * (sample_weight / S)[:, None]
        squares = sum(xp.sum(W * W) for W in self.coefs)
        value = data + (0.5 * alpha) * squares / S
        grads = self.backward(dS, caches, xp)
        for i in range(self.n_frozen, len(self.coefs)):
            grads["coef"][i] = grads["coef"][i] + (alpha / S) * self.coefs[i]
        return value, grads, caches

    def update_running_stats(self, caches, n):
        """Fold the batch statistics of a training pass over ``n`` rows into the running ones."""
        for i in range(self.n_frozen, self.n_hidden):
            bn = caches[i][3]
            if bn is not None:
                self.running_means[i], self.running_vars[i] = update_running_stats(
                    self.running_means[i], self.running_vars[i], bn[2], bn[3], n,
                    self.bn_momentum)

    def set_running_stats(self, caches, n):
        """Set the running statistics to a training pass's batch statistics (the full-batch
        L-BFGS fit: its one batch is the whole population)."""
        for i in range(self.n_frozen, self.n_hidden):
            bn = caches[i][3]
            if bn is not None:
                self.running_means[i] = bn[2]
                self.running_vars[i] = bn[3] * (n / (n - 1))
