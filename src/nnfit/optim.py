"""Losses, learning-rate schedules and optimizers, built from a Recipe out of optax parts."""

from __future__ import annotations

from collections.abc import Callable

import jax
import jax.numpy as jnp
import numpy as np
import optax

from .recipe import Recipe

LossFn = Callable[[jax.Array, jax.Array], jax.Array]

LOSSES: dict[str, LossFn] = {
    "mse": lambda pred, y: jnp.mean((pred - y) ** 2),
    "rmse": lambda pred, y: jnp.sqrt(jnp.mean((pred - y) ** 2)),
    "mae": lambda pred, y: jnp.mean(jnp.abs(pred - y)),
    "huber": lambda pred, y: jnp.mean(optax.losses.huber_loss(pred, y, delta=1.0)),
}

COSINE_FLOOR = 0.01  # cosine ends at 1 % of the start: settles the fit without freezing it
PLATEAU_PATIENCE = 2  # plateau: windows of decay_steps without improvement before a cut


def schedule(recipe: Recipe, total_steps: int) -> optax.Schedule:
    """The learning rate as a function of the step count."""
    lr = recipe.lr
    builders: dict[str, Callable[[], optax.Schedule]] = {
        "constant": lambda: optax.constant_schedule(lr),
        "plateau": lambda: optax.constant_schedule(lr),  # the cuts come from reduce_on_plateau
        "cosine": lambda: optax.cosine_decay_schedule(lr, max(total_steps, 1), alpha=COSINE_FLOOR),
        "step": lambda: optax.exponential_decay(lr, recipe.decay_steps, recipe.decay_rate, staircase=True),
        "exponential": lambda: optax.exponential_decay(lr, recipe.decay_steps, recipe.decay_rate),
        # Keras's legacy `decay` argument: lr / (1 + decay * iterations).
        "inverse-time": lambda: (lambda count: lr / (1.0 + recipe.decay * count)),
        "one-cycle": lambda: optax.cosine_onecycle_schedule(max(total_steps, 1), lr),
    }
    return builders[recipe.schedule]()


def optimizer(recipe: Recipe, total_steps: int) -> optax.GradientTransformationExtraArgs:
    """The optimizer with its schedule; `update` takes `value=` (the batch loss) as extra argument."""
    lr = schedule(recipe, total_steps)
    builders: dict[str, Callable[[], optax.GradientTransformation]] = {
        "adam": lambda: optax.adam(lr),
        "adamw": lambda: optax.adamw(lr),
        "sgd": lambda: optax.sgd(lr),
        "rmsprop": lambda: optax.rmsprop(lr, decay=0.9, eps=1e-7),  # Keras's rho and epsilon
        "nadam": lambda: optax.nadam(lr),
        "lbfgs": lambda: optax.lbfgs(),  # its zoom line search sets the step; lr is not used
    }
    transform = builders[recipe.optimizer]()
    if recipe.schedule == "plateau":
        transform = optax.chain(transform, optax.contrib.reduce_on_plateau(
            factor=recipe.decay_rate, patience=PLATEAU_PATIENCE, accumulation_size=recipe.decay_steps))
    return optax.with_extra_args_support(transform)


def current_lr(recipe: Recipe, lr_schedule: optax.Schedule, step: int, opt_state: optax.OptState) -> float | None:
    """The learning rate in force at `step`, including any reduce-on-plateau cut; None for L-BFGS,
    whose line search chooses each step."""
    if recipe.optimizer == "lbfgs":
        return None
    lr = float(lr_schedule(step))
    if recipe.schedule == "plateau":
        lr *= float(np.mean(optax.tree_utils.tree_get(opt_state, "scale")))  # mean over ensemble members
    return lr
