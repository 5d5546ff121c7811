"""The training loop: jit-compiled chunks of optimizer steps in one device loop, callbacks between.

The batch rows of a chunk are planned on the host (`BatchPlan`) and looped over on the device:
NumPy permutes 240 000 rows in ~3 ms where XLA's CPU sort takes ~75 ms. A chunk's rows are padded
to twice `eval_every` and its loop runs the steps asked for, so runs of every length with one
network, batch and bucket of rows compile their step once.
"""

from __future__ import annotations

import contextlib
import math
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import optax

from ..data import Split
from ..recipe import Recipe
from ..units import Coordinates
from . import _backend as backend
from . import _optimizer as optim
from ._callbacks import INTERRUPTED, Callback, ChunkEnd
from ._network import Network, Params
from ._programs import Programs, programs_for

# Rows of the validation split checked between chunks: the rRMSE to about 2 % and a check's cost
# fixed whatever the data's size; the whole split is measured once training ends.
CHECK_ROWS = 4096


@dataclass
class Trainer:
    """Runs a Recipe's optimizer on a Network; `params` and `stop_reason` are open to callbacks.

    budget: seconds of training, compilation included (default: the recipe's time limit). The run ends before
    a chunk would overrun it, and a run without steps or epochs spreads its schedule over it.
    coordinates: those of the data it trains on, so that `predict` speaks the user's units.
    check_outputs: the network's outputs (check rows, k) at the last check, in its units (members
    first for an ensemble): the first CHECK_ROWS validation rows, else training rows.
    """

    network: Network
    recipe: Recipe
    callbacks: Sequence[Callback] = ()
    budget: float | None = None
    coordinates: Coordinates | None = None
    params: Params | None = field(default=None, init=False)
    opt_state: optax.OptState | None = field(default=None, init=False)
    check_outputs: jax.Array | None = field(default=None, init=False)
    step: int = field(default=0, init=False)
    total_steps: int | None = field(default=None, init=False)  # None: open-ended, until budget or target
    stop_reason: str | None = field(default=None, init=False)
    _clock: Clock = field(default_factory=lambda: Clock(None, None), init=False, repr=False)

    def stop(self, reason: str) -> None:
        """Ask the loop to end after the current chunk; the first reason given is kept."""
        self.stop_reason = self.stop_reason or reason

    def predict(self, X: np.ndarray) -> np.ndarray:
        """The network as it stands, at X (n, d): predictions (n, k) in the user's units (the data's
        as given to `train` without `coordinates`), the members' mean for an ensemble. For callbacks that
        draw the fit while it trains; once compiled, a few milliseconds for a thousand rows of a small network."""
        if self.params is None:
            raise RuntimeError("the trainer has no parameters before training begins")
        coordinates = self.coordinates
        with jax.enable_x64(self.recipe.dtype == "float64"):
            out = self.network.predict(
                self.params, X if coordinates is None else coordinates.inputs(X), self.recipe.ensemble
            )
        return (out if coordinates is None else coordinates.predictions(X, out)).mean(axis=0)

    def state(self) -> dict[str, Any]:
        """Everything needed to go on from here (see `nnfit.engine._checkpoint`): step, seconds trained,
        parameters, optimizer state, the stop asked for, and each callback's state."""
        return {
            "step": self.step,
            "elapsed": self._clock.lap_time(),
            "stop_reason": self.stop_reason,
            "params": self.params,
            "opt_state": jax.tree.leaves(self.opt_state),
            "callbacks": {type(c).__name__: c.state_dict() for c in self.callbacks},
        }

    def _restore(self, state: dict[str, Any]) -> None:
        """Take up `state` (from `state()`) in place of the freshly initialised one."""
        self.params = jax.tree.unflatten(
            jax.tree.structure(self.params), [jnp.asarray(a) for a in jax.tree.leaves(state["params"])]
        )
        self.opt_state = jax.tree.unflatten(
            jax.tree.structure(self.opt_state), [jnp.asarray(a) for a in state["opt_state"]]
        )
        self.step = int(state["step"])
        reason = state.get("stop_reason")
        self.stop_reason = None if reason is None or reason.startswith(INTERRUPTED) else reason
        for callback in self.callbacks:
            if type(callback).__name__ in state["callbacks"]:
                callback.load_state_dict(state["callbacks"][type(callback).__name__])

    def train_on(self, split: Split, resume: dict[str, Any] | None = None) -> Params:
        """`train` on the training rows of `split`, checked on its validation rows, both carried from
        the user's units into the network's by the trainer's `coordinates`.

        Args:
            split: the rows, in the user's units.
            resume: a state from `state()` to go on from.

        Returns:
            The final parameters, as `train` returns them.
        """
        return self.train(*self._scaled(split), resume)

    def compile_on(self, split: Split) -> None:
        """Compile the programs that `train_on(split)` runs (its learning rates' too), and `predict`
        on the validation rows where the checks do not see them all (`check_outputs`), without
        training: a run started later on rows of these shapes finds them compiled, or waits for this
        compilation instead of repeating it. What the automatic recipe's probes do on threads of
        their own while others train."""
        X, y, X_val, y_val = self._scaled(split)
        programs, dtype = self._programs(len(X)), self._dtype()
        total, chunk = self._run_length(len(X))
        first = np.arange(chunk)  # the steps of a run's first chunk, and their progress through it
        capacity = 2 * self.recipe.eval_every
        with self._device():
            optim.LearningRates(self.recipe, total)(first, first / (total or chunk))
            data = _Staged.of(X, y, X_val, y_val, dtype)
            params, opt_state = programs.init(self.recipe.seed, dtype)
            no_rows = np.zeros((capacity, self.recipe.batch(len(X))), np.int32)
            params, *_ = programs.run_chunk(
                params,
                opt_state,
                data.X,
                data.y,
                no_rows,
                np.zeros(capacity, dtype),
                count=np.int32(0),
                X_check=data.X_check,
                y_check=data.y_check,
            )
        if len(X_val) > CHECK_ROWS:
            with jax.enable_x64(self.recipe.dtype == "float64"):  # as `predict` and the probes run it
                self.network.predict(params, X_val, self.recipe.ensemble)

    def _scaled(self, split: Split) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The training and validation rows of `split` (X, y, X_val, y_val), in the network's units."""
        coordinates = self.coordinates
        if coordinates is None:
            raise RuntimeError("a trainer without coordinates trains on rows already in the network's units")
        return (
            coordinates.inputs(split.X_train),
            coordinates.targets(split.X_train, split.y_train),
            coordinates.inputs(split.X_val),
            coordinates.targets(split.X_val, split.y_val),
        )

    def _run_length(self, n: int) -> tuple[int | None, int]:
        """Steps of a run on n rows (None: open-ended) and of each of its chunks."""
        total = self.recipe.total_steps(n)
        return total, chunk_length(total, self.recipe.eval_every) if total else self.recipe.eval_every

    def _dtype(self) -> type:
        return jnp.float64 if self.recipe.dtype == "float64" else jnp.float32

    def _programs(self, n: int) -> Programs:
        """The compiled programs for training on n rows; first sets JAX up (`backend.configure`),
        whose XLA flag must reach the backend before it starts."""
        backend.configure()
        return programs_for(self.network, self.recipe, self.recipe.batch(n))

    @contextlib.contextmanager
    def _device(self) -> Iterator[None]:
        """Where and in what precision the run computes: the recipe's device, float64 if it asks."""
        with jax.enable_x64(self.recipe.dtype == "float64"), jax.default_device(backend.device(self.recipe.device)):
            yield

    def train(
        self,
        X: np.ndarray,
        y: np.ndarray,
        X_val: np.ndarray | None,
        y_val: np.ndarray | None,
        resume: dict[str, Any] | None = None,
    ) -> Params:
        """Train on scaled X (n, d), y (n, k); returns the final parameters (after callbacks),
        with a leading members axis when the recipe trains an ensemble. The recipe's seed draws
        the initial weights and the batches. `resume`: a state from `state()` (a checkpoint) to go
        on from instead of starting afresh."""
        recipe = self.recipe
        programs, dtype = self._programs(len(X)), self._dtype()
        n = len(X)
        batch = recipe.batch(n)
        budget = self.budget if self.budget is not None else recipe.time_limit
        self.total_steps, chunk = self._run_length(n)
        rates = optim.LearningRates(recipe, self.total_steps)
        plan = BatchPlan(n, batch, recipe.steps_per_epoch(n), recipe.seed, recipe.repeat_batch)
        clock = self._clock = Clock(budget, self.total_steps)

        with self._device():
            data = _Staged.of(X, y, X_val, y_val, dtype)
            self.params, self.opt_state = programs.init(recipe.seed, dtype)
            self.step, self.stop_reason = 0, None
            for callback in self.callbacks:
                callback.on_train_begin(self)
            if resume is not None:
                self._restore(resume)
            clock.start(resume["elapsed"] if resume else 0.0, self.step)
            # every chunk is at most twice eval_every (`chunk_length`): its rows and rates are padded to
            # that, so that runs of any length with one network and batch share one compiled program
            capacity = 2 * recipe.eval_every
            while self.stop_reason is None:
                count = chunk if self.total_steps is None else min(chunk, self.total_steps - self.step)
                steps = np.arange(self.step, self.step + count)
                lrs = rates(steps, clock.progress(steps))
                self.params, self.opt_state, losses, checked, self.check_outputs = programs.run_chunk(
                    self.params,
                    self.opt_state,
                    data.X,
                    data.y,
                    backend.padded(plan.rows(self.step, count), capacity),
                    backend.padded(lrs.astype(dtype), capacity),
                    count=np.int32(count),
                    X_check=data.X_check,
                    y_check=data.y_check,
                )
                check_loss, grad_norm, check_rrmse = checked
                self.step += count
                elapsed = clock.lap(count)
                event = ChunkEnd(
                    self.step,
                    self.total_steps,
                    self.step / plan.steps_per_epoch,
                    clock.done(),
                    float(np.mean(np.asarray(losses)[:count])),
                    float(check_loss) if data.has_val else None,
                    float(check_rrmse) if data.has_val else None,
                    float(grad_norm),
                    optim.current_lr(recipe, float(lrs[-1]), self.opt_state),
                    elapsed,
                )
                for callback in self.callbacks:
                    callback.on_chunk_end(self, event)
                if self.total_steps is not None and self.step >= self.total_steps:
                    self.stop(f"completed {self.step} steps")
                elif clock.out_of_time():
                    self.stop(f"time budget spent at step {self.step} ({elapsed:.3g} s of training)")
            for callback in self.callbacks:
                callback.on_train_end(self)
            return self.params


@dataclass(frozen=True)
class _Staged:
    """A run's rows on the device: training X (rows, d), y (rows, k), padded to a bucket of rows that
    the batches never draw from, so that fits on differently sized data (folds, a grid search, a
    session's fits) share the compiled step; and the rows each check sees, CHECK_ROWS of the
    validation split at most (a check's cost then does not grow with the data), or of the training
    rows without one (`has_val` False)."""

    X: jax.Array
    y: jax.Array
    X_check: jax.Array
    y_check: jax.Array
    has_val: bool

    @classmethod
    def of(cls, X: np.ndarray, y: np.ndarray, X_val: np.ndarray | None, y_val: np.ndarray | None, dtype) -> _Staged:
        rows = padded_rows(len(X))
        X_check, y_check, has_val = X, y, False
        if X_val is not None and y_val is not None and len(X_val) > 0:
            X_check, y_check, has_val = X_val, y_val, True
        return cls(
            backend.as_array(backend.padded(X, rows), dtype),
            backend.as_array(backend.padded(y, rows), dtype),
            backend.as_array(X_check[:CHECK_ROWS], dtype),
            backend.as_array(y_check[:CHECK_ROWS], dtype),
            has_val,
        )


class Clock:
    """A run's time: seconds since the first step, the pace of the last chunk, and each step's
    progress through the run — by steps when the length is known, else by the budget's seconds."""

    def __init__(self, budget: float | None, total_steps: int | None) -> None:
        self.budget = math.inf if budget is None else budget  # seconds; without a budget, never out of time
        self.total_steps = total_steps
        self.started = self.last = self.chunk_seconds = self.per_step = self.projected = 0.0
        self.step = self.laps = 0

    def start(self, elapsed: float = 0.0, step: int = 0) -> None:
        """Start the clock, or go on after `elapsed` seconds and `step` steps of an earlier session."""
        self.last = time.perf_counter()
        self.started, self.step = self.last - elapsed, step

    def lap_time(self) -> float:
        """Seconds from the start to the end of the last chunk."""
        return self.last - self.started

    def lap(self, steps: int) -> float:
        """Record a chunk of `steps` just finished; returns the seconds since the start."""
        now = time.perf_counter()
        if self.laps:  # the first chunk's time is mostly compilation: no measure of the pace
            self.chunk_seconds, self.per_step = now - self.last, (now - self.last) / steps
        self.last, self.step, self.laps = now, self.step + steps, self.laps + 1
        return now - self.started

    def progress(self, steps: np.ndarray) -> np.ndarray:
        """The fraction of the run done before each of the coming `steps` (count,), in [0, 1]. Paced
        by a budget, they are projected at the last chunk's pace (the first two chunks: at their
        start), and never fall below a projection already made, so a schedule does not step back."""
        if self.total_steps:
            return steps / self.total_steps
        ahead = (steps - self.step) * self.per_step
        projected = np.clip((self.last - self.started + ahead) / self.budget, self.projected, 1.0)
        self.projected = float(projected[-1])
        return projected

    def done(self) -> float:
        """The fraction of the run done so far: of its steps, or of its budget."""
        return self.step / self.total_steps if self.total_steps else min((self.last - self.started) / self.budget, 1.0)

    def out_of_time(self) -> bool:
        """True when one more chunk as long as the last would pass the budget."""
        return time.perf_counter() - self.started + self.chunk_seconds > self.budget


# Training rows are stored in buckets a power of 4 apart up to this many rows (16 MB of float32 for 4
# inputs at most), and a third apart beyond it, where padding costs memory that matters.
WIDE_BUCKETS = 1 << 20


def padded_rows(n: int) -> int:
    """The rows a training set of n rows is stored in on the device: the next power of 4 (16 at
    least), beyond WIDE_BUCKETS the next of 2**k and 1.5 * 2**k. A fit's probes and its run on the
    rows drawn where the probes erred (twice as many) then share one compiled step, as do a grid
    search's fits and the folds of a calibration."""
    if n <= 16:
        return 16
    power = 1 << (n - 1).bit_length()  # the least power of two >= n
    if power <= WIDE_BUCKETS:
        return power if power.bit_length() % 2 else 2 * power  # 2**(2k)
    return 3 * power // 4 if 3 * power // 4 >= n else power


def chunk_length(total: int, every: int) -> int:
    """Steps per chunk: `every`, or the nearest length within a factor 2 of it that divides
    `total`, so that the last chunk is as long as the others and the checks fall evenly."""
    if total <= every:
        return total
    for offset in range(every):
        for length in (every - offset, every + offset):
            if every // 2 <= length <= 2 * every and total % length == 0:
                return length
    return every  # a total with no such divisor (a large prime): the last chunk is shorter


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
            return np.broadcast_to(self._permutation(0)[: self.batch], (count, self.batch))
        epochs, positions = np.divmod(np.arange(start, start + count), self.steps_per_epoch)
        out = np.empty((count, self.batch), np.int32)
        for epoch in np.unique(epochs):  # a chunk spans one epoch or a few: one slice each
            chosen = epochs == epoch
            batches = self._permutation(int(epoch))[: self.steps_per_epoch * self.batch].reshape(-1, self.batch)
            out[chosen] = batches[positions[chosen]]
        return out
