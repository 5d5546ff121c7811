"""The compiled programs a training run executes: a network's initialisation, and a chunk of
optimizer steps with the validation check after it, jit-compiled once per network, optimizer and
batch in a process (`programs_for`) and looped over by the `Trainer`."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import optax

from ..recipe import Recipe
from . import _backend as backend
from . import _optimizer as optim
from ._network import Network, Params, initial_draws


class Programs(NamedTuple):
    """What the loop runs: `init(seed, dtype)` -> (params, opt_state), and the jitted
    `run_chunk(params, opt_state, X, y, rows (capacity, batch), lrs (capacity,), *, count, X_check, y_check)`
    -> (params, opt_state, losses (capacity,), (loss, gradient norm, rRMSE) on the check rows after the
    chunk, the outputs there (check rows, k), members first for an ensemble): the first `count` steps
    are taken, and their losses are the first `count`. The check is compiled into the chunk's program:
    one compilation per fit instead of two; its outputs spare a short run that checked every
    validation row a prediction program of its own."""

    init: Callable
    run_chunk: Callable


_PROGRAMS: backend.Kept[Programs] = backend.Kept()


def programs_for(network: Network, recipe: Recipe, batch: int) -> Programs:
    """`build_programs` for this network, recipe and batch size, kept by the fields they depend on:
    probes, folds and repeated fits of one shape then compile once per process."""
    plateau = (recipe.decay_rate, recipe.decay_steps) if recipe.schedule == "plateau" else None
    elements = batch * recipe.ensemble * max(network.sizes)
    options = backend.compiler_options(elements, backend.device(recipe.device))
    key = (network, recipe.loss, recipe.optimizer, recipe.ensemble, plateau, recipe.weight_decay, tuple(options))
    return _PROGRAMS.get(key, lambda: build_programs(network, recipe, optim.optimizer(recipe), options))


def build_programs(
    network: Network,
    recipe: Recipe,
    opt: optax.GradientTransformationExtraArgs,
    options: dict[str, str] | None = None,
) -> Programs:
    """The step and check functions of a recipe; with an ensemble, mapped over a members axis.
    `options`: XLA compiler options for the step (`backend.compiler_options`)."""
    loss_fn = optim.LOSSES[recipe.loss]

    def batch_loss(params: Params, xb: jax.Array, yb: jax.Array) -> jax.Array:
        return loss_fn(network(params, xb), yb)

    def objective(params: Params, xb: jax.Array, yb: jax.Array) -> jax.Array:
        """What the optimizer minimises: the loss plus the L2 penalty (validation checks measure the loss alone)."""
        if not recipe.weight_decay:
            return batch_loss(params, xb, yb)
        penalty = sum(jnp.sum(layer["w"] ** 2) for layer in params)
        return batch_loss(params, xb, yb) + recipe.weight_decay * penalty

    def update(params, opt_state, xb, yb, lr):
        """One optimizer step of one member on one batch, at learning rate `lr`."""
        if recipe.optimizer == "lbfgs":
            value_fn = lambda p: objective(p, xb, yb)
            loss, grads = optax.value_and_grad_from_state(value_fn)(params, state=opt_state)
            updates, opt_state = opt.update(grads, opt_state, params, value=loss, grad=grads, value_fn=value_fn)
        else:
            loss, grads = jax.value_and_grad(objective)(params, xb, yb)
            updates, opt_state = opt.update(grads, opt_state, params, value=loss)
            updates = jax.tree.map(lambda u: lr * u, updates)  # the optimizer runs at unit rate
        return optax.apply_updates(params, updates), opt_state, loss

    def measure(params, X, y):
        """Loss, gradient norm and rRMSE of one member on a whole set, and its outputs (n, k) there."""
        loss, grads = jax.value_and_grad(batch_loss)(params, X, y)
        outputs = network(params, X)
        rmse = jnp.sqrt(jnp.mean((outputs - y) ** 2, axis=0))
        return (loss, optax.tree.norm(grads), jnp.mean(rmse / jnp.std(y, axis=0))), outputs

    def init(seed: int, dtype) -> tuple[Params, optax.OptState]:
        """The initial parameters of `seed`, with a leading members axis for an ensemble (its
        members drawn one after another), and the optimizer's state for them."""
        draws = initial_draws(seed)
        if recipe.ensemble == 1:
            params = network.init(draws, dtype)
        else:
            members = [network.init(draws, dtype) for _ in range(recipe.ensemble)]
            params = jax.tree.map(lambda *layers: jnp.stack(layers), *members)
        return params, start_optimizer(params)

    # one program, where op by op the optimizer's zeros compiled one per shape (0.45 s on a new machine)
    start_optimizer = jax.jit(opt.init if recipe.ensemble == 1 else jax.vmap(opt.init))

    step: Callable[..., Any] = update
    score: Callable[..., Any] = measure
    if recipe.ensemble > 1:  # every member takes the same batch; they differ by their initial weights
        step = jax.vmap(update, in_axes=(0, 0, None, None, None))
        score = jax.vmap(measure, in_axes=(0, None, None))

    @partial(jax.jit, compiler_options=options)
    def run_chunk(params, opt_state, X, y, rows, lrs, *, count, X_check, y_check):
        def one_step(i, carry):
            params, opt_state, losses = carry
            params, opt_state, loss = step(params, opt_state, X[rows[i]], y[rows[i]], lrs[i])
            return params, opt_state, losses.at[i].set(jnp.mean(loss))

        # a loop of `count` steps, the rest of the rows padding: chunks of any length up to the
        # capacity of `rows` run one compiled program
        losses = jnp.zeros(len(lrs), lrs.dtype)
        params, opt_state, losses = jax.lax.fori_loop(0, count, one_step, (params, opt_state, losses))
        figures, outputs = score(params, X_check, y_check)
        checked = tuple(jnp.mean(value) for value in figures)  # averaged over members
        return params, opt_state, losses, checked, outputs

    return Programs(init, run_chunk)
