"""The training loop: jit-compiled chunks of optimizer steps inside `lax.scan`, callbacks between.

The batch rows of a chunk are planned on the host (`BatchPlan`) and scanned over on the device:
NumPy permutes 240 000 rows in ~3 ms where XLA's CPU sort takes ~75 ms. Chunks are cut to one
length (`chunk_length`), so a run compiles its step once.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
import optax

from . import optim
from .models import Network, Params
from .recipe import Recipe


@dataclass(frozen=True)
class ChunkEnd:
    """What callbacks see after each chunk of steps (losses are in scaled units)."""

    step: int
    total_steps: int
    epoch: float
    train_loss: float  # mean batch loss over the chunk
    val_loss: float | None  # loss on the whole validation split, None without one
    val_rrmse: float | None  # RMSE / std(y) on the validation split: comparable across recipes
    grad_norm: float  # global norm of the loss gradient on the validation split (else 1024 training rows)
    lr: float | None  # None for L-BFGS
    elapsed: float  # seconds since training started, compilation included


class Callback:
    """Hooks called by the Trainer; subclasses override the ones they need."""

    def on_train_begin(self, trainer: Trainer) -> None: ...

    def on_chunk_end(self, trainer: Trainer, event: ChunkEnd) -> None: ...

    def on_train_end(self, trainer: Trainer) -> None: ...


@dataclass
class Trainer:
    """Runs a Recipe's optimizer on a Network; `params` and `stop_reason` are open to callbacks."""

    network: Network
    recipe: Recipe
    callbacks: Sequence[Callback] = ()
    params: Params | None = field(default=None, init=False)
    step: int = field(default=0, init=False)
    total_steps: int = field(default=0, init=False)
    stop_reason: str | None = field(default=None, init=False)

    def stop(self, reason: str) -> None:
        """Ask the loop to end after the current chunk; the first reason given is kept."""
        self.stop_reason = self.stop_reason or reason

    def run(self, X: np.ndarray, y: np.ndarray, X_val: np.ndarray | None, y_val: np.ndarray | None,
            key: jax.Array) -> Params:
        """Train on scaled X (n, d), y (n, k); returns the final parameters (after callbacks),
        with a leading members axis when the recipe trains an ensemble."""
        recipe = self.recipe
        dtype = jnp.float64 if recipe.dtype == "float64" else jnp.float32
        n = len(X)
        batch = recipe.batch(n)
        self.total_steps = recipe.total_steps(n)
        chunk = chunk_length(self.total_steps, recipe.eval_every)
        lr_schedule = optim.schedule(recipe, self.total_steps)
        opt = optim.optimizer(recipe, self.total_steps)
        programs = build_programs(self.network, recipe, opt)
        plan = BatchPlan(n, batch, recipe.steps_per_epoch(n), recipe.seed, recipe.repeat_batch)

        use_compilation_cache()
        device = _device(recipe.device)
        with jax.enable_x64(recipe.dtype == "float64"), jax.default_device(device):
            Xd, yd = jnp.asarray(X, dtype), jnp.asarray(y, dtype)
            has_val = X_val is not None and len(X_val) > 0
            # without a validation split the gradient is checked on the first training rows
            Xc, yc = (jnp.asarray(X_val, dtype), jnp.asarray(y_val, dtype)) if has_val else (Xd[:1024], yd[:1024])
            self.params, opt_state = programs.init(key, dtype)
            self.step, self.stop_reason = 0, None
            start = time.perf_counter()
            for callback in self.callbacks:
                callback.on_train_begin(self)
            while self.step < self.total_steps and self.stop_reason is None:
                count = min(chunk, self.total_steps - self.step)
                self.params, opt_state, losses = programs.run_chunk(self.params, opt_state, Xd, yd,
                                                                    plan.rows(self.step, count))
                self.step += count
                check_loss, grad_norm, check_rrmse = programs.check(self.params, Xc, yc)
                event = ChunkEnd(self.step, self.total_steps, self.step / plan.steps_per_epoch,
                                 float(np.mean(np.asarray(losses))), float(check_loss) if has_val else None,
                                 float(check_rrmse) if has_val else None, float(grad_norm),
                                 optim.current_lr(recipe, lr_schedule, self.step, opt_state),
                                 time.perf_counter() - start)
                for callback in self.callbacks:
                    callback.on_chunk_end(self, event)
            for callback in self.callbacks:
                callback.on_train_end(self)
            return self.params


class Programs(NamedTuple):
    """What the loop runs: `init(key, dtype)` -> (params, opt_state); the jitted
    `run_chunk(params, opt_state, X, y, rows (count, batch))` -> (params, opt_state, losses (count,));
    the jitted `check(params, X, y)` -> (loss, gradient norm, rRMSE) on a whole set."""

    init: Callable
    run_chunk: Callable
    check: Callable


def build_programs(network: Network, recipe: Recipe, opt: optax.GradientTransformationExtraArgs) -> Programs:
    """The step and check functions of a recipe; with an ensemble, mapped over a members axis."""
    loss_fn = optim.LOSSES[recipe.loss]

    def batch_loss(params: Params, xb: jax.Array, yb: jax.Array) -> jax.Array:
        return loss_fn(network(params, xb), yb)

    def update(params, opt_state, xb, yb):
        """One optimizer step of one member on one batch."""
        if recipe.optimizer == "lbfgs":
            value_fn = lambda p: batch_loss(p, xb, yb)  # noqa: E731
            loss, grads = optax.value_and_grad_from_state(value_fn)(params, state=opt_state)
            updates, opt_state = opt.update(grads, opt_state, params, value=loss, grad=grads, value_fn=value_fn)
        else:
            loss, grads = jax.value_and_grad(batch_loss)(params, xb, yb)
            updates, opt_state = opt.update(grads, opt_state, params, value=loss)
        return optax.apply_updates(params, updates), opt_state, loss

    def measure(params, X, y):
        """Loss, gradient norm and rRMSE of one member on a whole set."""
        loss, grads = jax.value_and_grad(batch_loss)(params, X, y)
        rmse = jnp.sqrt(jnp.mean((network(params, X) - y) ** 2, axis=0))
        return loss, optax.tree.norm(grads), jnp.mean(rmse / jnp.std(y, axis=0))

    def init(key: jax.Array, dtype) -> tuple[Params, optax.OptState]:
        params = network.init(key, dtype)
        return params, opt.init(params)

    if recipe.ensemble > 1:  # every member takes the same batch; they differ by their initial weights
        update = jax.vmap(update, in_axes=(0, 0, None, None))
        measure = jax.vmap(measure, in_axes=(0, None, None))
        single_init = init
        init = lambda key, dtype: jax.vmap(lambda k: single_init(k, dtype))(  # noqa: E731
            jax.random.split(key, recipe.ensemble))

    @jax.jit
    def run_chunk(params, opt_state, X, y, rows):
        def one_step(carry, step_rows):
            params, opt_state, loss = update(*carry, X[step_rows], y[step_rows])
            return (params, opt_state), jnp.mean(loss)

        (params, opt_state), losses = jax.lax.scan(one_step, (params, opt_state), rows)
        return params, opt_state, losses

    @jax.jit
    def check(params, X, y):
        return tuple(jnp.mean(value) for value in measure(params, X, y))  # averaged over members

    return Programs(init, run_chunk, check)


def chunk_length(total: int, every: int) -> int:
    """Steps per chunk: `every`, or the nearest length within a factor 2 of it that divides
    `total`, so the last chunk is as long as the others and the step compiles once."""
    if total <= every:
        return total
    for offset in range(every):
        for length in (every - offset, every + offset):
            if every // 2 <= length <= 2 * every and total % length == 0:
                return length
    return every  # a total with no such divisor (a large prime): the last chunk compiles again


class BatchPlan:
    """Which training rows each step uses: a fresh permutation per epoch, drawn from (seed, epoch)
    so the sequence depends only on the seed, never on the chunk length."""

    def __init__(self, n: int, batch: int, steps_per_epoch: int, seed: int, repeat: bool = False) -> None:
        self.n, self.batch, self.steps_per_epoch, self.seed, self.repeat = n, batch, steps_per_epoch, seed, repeat
        self._epoch, self._perm = -1, np.empty(0, np.int32)

    def _permutation(self, epoch: int) -> np.ndarray:
        if epoch != self._epoch:
            rng = np.random.default_rng([self.seed, epoch])
            self._epoch, self._perm = epoch, rng.permutation(self.n).astype(np.int32)
        return self._perm

    def rows(self, start: int, count: int) -> np.ndarray:
        """Row indices (count, batch) for steps start .. start + count - 1."""
        if self.repeat:  # the Flux seed's `repeated(...)`: one batch, every step
            return np.broadcast_to(self._permutation(0)[:self.batch], (count, self.batch))
        epochs, positions = np.divmod(np.arange(start, start + count), self.steps_per_epoch)
        out = np.empty((count, self.batch), np.int32)
        for epoch in np.unique(epochs):  # a chunk spans one epoch or a few: one slice each
            chosen = epochs == epoch
            batches = self._permutation(int(epoch))[:self.steps_per_epoch * self.batch].reshape(-1, self.batch)
            out[chosen] = batches[positions[chosen]]
        return out


def use_compilation_cache() -> None:
    """Keep compiled steps on disk between runs: a warm start then skips ~1 s of compilation
    (seed-001 fit: first check after 0.24 s instead of 1.0 s). In $NNFIT_CACHE_DIR, else
    ~/.cache/nnfit/jax; NNFIT_CACHE_DIR="" turns it off; a cache JAX already has is kept."""
    if jax.config.jax_compilation_cache_dir:
        return
    folder = os.environ.get("NNFIT_CACHE_DIR")
    if folder is None:
        folder = os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "nnfit", "jax")
    if not folder:
        return
    jax.config.update("jax_compilation_cache_dir", folder)
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.0)  # our compiles take 0.1-1 s: keep all


def _device(name: str) -> jax.Device:
    """The JAX device for "auto" (GPU when JAX sees one), "cpu" or "gpu"."""
    if name in ("gpu", "auto"):
        try:
            return jax.devices("gpu")[0]
        except RuntimeError:
            if name == "gpu":
                from .errors import RecipeError

                raise RecipeError("device 'gpu' was asked for but JAX sees no GPU — use --device auto or cpu") from None
    return jax.devices("cpu")[0]
