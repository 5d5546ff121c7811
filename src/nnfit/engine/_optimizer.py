"""Losses, learning-rate schedules and optimizers, built from a Recipe out of optax parts."""

from __future__ import annotations

from collections.abc import Callable

import jax
import jax.numpy as jnp
import numpy as np
import optax

from ..recipe import Recipe
from ._backend import Kept

LossFn = Callable[[jax.Array, jax.Array], jax.Array]

LOSSES: dict[str, LossFn] = {
    "mse": lambda pred, y: jnp.mean((pred - y) ** 2),
    "rmse": lambda pred, y: jnp.sqrt(jnp.mean((pred - y) ** 2)),
    "mae": lambda pred, y: jnp.mean(jnp.abs(pred - y)),
    "huber": lambda pred, y: jnp.mean(optax.losses.huber_loss(pred, y, delta=1.0)),
}

# Cosine ends at 0.1 % of the start: the last steps settle the weights. At 1 %, Adam's steps still
# moved a fit up to 2x between run lengths; 0.1 % cut the test rRMSE of six textbook formulas
# 1.1-3.7x (RLC impedance 3.6e-3 to 9.6e-4, Planck 1.5e-4 to 1.2e-4), and 0 was no better.
COSINE_FLOOR = 0.001
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
        "inverse-time": lambda: lambda count: lr / (1.0 + recipe.decay * count),
        "one-cycle": lambda: optax.cosine_onecycle_schedule(max(total_steps, 1), lr),
    }
    return builders[recipe.schedule]()


# Schedules defined over the run's length: an open-ended run paces them by its clock, or restarts them.
LENGTH_SCHEDULES = ("cosine", "one-cycle")
PACE_RESOLUTION = 1_000_000  # a paced run's progress in [0, 1] is read on this many virtual steps
RESTARTS = 15  # cycles of DEFAULT_STEPS, doubling: 6.5e8 steps in all, hours; int32 step counts


class LearningRates:
    """Each step's learning rate, computed on the host and fed to the step with its batch.

    A run of known length reads the schedule at the step count. An open-ended run reads a length
    schedule (cosine, one-cycle) at its progress through its time budget (`Recipe.paced`) or, when
    it chases a target, over cycles of DEFAULT_STEPS steps that double in length (warm restarts,
    as SGDR): each cycle ends annealed, so the target is checked at its best. The other schedules
    are read at the step count."""

    def __init__(self, recipe: Recipe, total_steps: int | None) -> None:
        length_schedule = total_steps is None and recipe.schedule in LENGTH_SCHEDULES
        self.by_progress = length_schedule and recipe.paced
        restarts = length_schedule and not recipe.paced
        self.schedule = _compiled_schedule(recipe, None if restarts else total_steps or PACE_RESOLUTION)

    def __call__(self, steps: np.ndarray, progress: np.ndarray) -> np.ndarray:
        """Rates (count,) for steps (count,) whose progress through the run is (count,) in [0, 1]."""
        at = np.round(np.clip(progress, 0, 1) * PACE_RESOLUTION) if self.by_progress else steps
        return np.asarray(self.schedule(at.astype(np.int32)))


_SCHEDULES: Kept[Callable[..., jax.Array]] = Kept()


def _compiled_schedule(recipe: Recipe, length: int | None) -> Callable[..., jax.Array]:
    """`schedule(recipe, length)` mapped over an array of steps and compiled, or with `length` None
    the warm restarts' cycles joined. Kept by the fields a schedule reads, so that the probes, folds
    and repeated fits of a process reuse one program (each new one costs ~25 ms to compile)."""
    key = (recipe.schedule, recipe.lr, recipe.decay_steps, recipe.decay_rate, recipe.decay, length)

    def build() -> Callable[..., jax.Array]:
        if length is None:
            lengths = recipe.DEFAULT_STEPS * 2 ** np.arange(RESTARTS)
            chosen = optax.join_schedules([schedule(recipe, int(n)) for n in lengths], np.cumsum(lengths)[:-1])
        else:
            chosen = schedule(recipe, length)
        return jax.jit(jax.vmap(chosen))

    return _SCHEDULES.get(key, build)


def optimizer(recipe: Recipe) -> optax.GradientTransformationExtraArgs:
    """The optimizer at unit learning rate: the trainer scales each step's update by that step's rate
    (`LearningRates`), which lets a schedule follow the clock. `update` takes `value=` (the batch loss)."""
    builders: dict[str, Callable[[], optax.GradientTransformation]] = {
        "adam": lambda: optax.adam(1.0),
        "adamw": lambda: optax.adamw(1.0),  # its weight decay is scaled by the rate too, as in optax
        "sgd": lambda: optax.sgd(1.0),
        "rmsprop": lambda: optax.rmsprop(1.0, decay=0.9, eps=1e-7),  # Keras's rho and epsilon
        "nadam": lambda: optax.nadam(1.0),
        "lbfgs": lambda: optax.lbfgs(),  # its zoom line search sets the step; lr is not used
    }
    transform = builders[recipe.optimizer]()
    if recipe.schedule == "plateau":
        transform = optax.chain(
            transform,
            optax.contrib.reduce_on_plateau(
                factor=recipe.decay_rate, patience=PLATEAU_PATIENCE, accumulation_size=recipe.decay_steps
            ),
        )
    return optax.with_extra_args_support(transform)


def current_lr(recipe: Recipe, rate: float, opt_state: optax.OptState) -> float | None:
    """The learning rate in force: the schedule's `rate` times any reduce-on-plateau cut; None for
    L-BFGS, whose line search chooses each step."""
    if recipe.optimizer == "lbfgs":
        return None
    if recipe.schedule == "plateau":
        rate *= float(np.mean(optax.tree_utils.tree_get(opt_state, "scale")))  # mean over ensemble members
    return rate
