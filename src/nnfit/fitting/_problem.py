"""The problem one fit poses, and a recipe with every field decided fitted to it: scaled, trained,
evaluated inside and outside the domain, and diagnosed into a `Fit`."""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jax
import numpy as np

from ..checks import Watch, after, before, ordered
from ..data import SHELLS, Dataset, Domain, Target, parse_points
from ..engine import AccuracyTarget, Callback, Checkpointer, EarlyStopping, History, Network, Trainer
from ..errors import RecipeError
from ..intervals import calibrate
from ..metrics import SHELL_SAMPLES, interval_metrics, metrics
from ..recipe import Recipe
from ..task import Task
from ..units import Coordinates, Groups
from ._fit import Fit


@dataclass(frozen=True)
class Decided:
    """What a fit decided before training, kept in its checkpoints so that a resumed run goes on
    with it instead of probing anew: the automatic recipe's choice as metrics.json writes it (None
    when nothing was left to choose), and the training rows drawn where the probe erred, inputs
    `denser` (m, d) and the target there `denser_y` (m, k)."""

    choice: dict[str, Any] | None = None
    denser: np.ndarray | None = None
    denser_y: np.ndarray | None = None

    @classmethod
    def from_checkpoint(cls, state: dict[str, Any], target: Target) -> Decided:
        """What the checkpoint `state` kept; the target is evaluated at its rows where a checkpoint
        written before their values were kept lacks them."""
        denser, denser_y = state.get("denser"), state.get("denser_y")
        if denser is not None and denser_y is None:
            denser_y = target(np.asarray(denser))
        return cls(state.get("choice"), denser, denser_y)

    def to_context(self) -> dict[str, Any]:
        """Plain values and arrays, for `Checkpointer`'s context."""
        return {"choice": self.choice, "denser": self.denser, "denser_y": self.denser_y}


@dataclass(frozen=True)
class Problem:
    """What every run of one fit shares: the target, its domain, the data drawn from it, the task."""

    target: Target
    domain: Domain
    dataset: Dataset
    task: Task
    groups: Groups | None = None  # the target's, used by a recipe with groups on

    def fit(
        self,
        recipe: Recipe,
        rng: np.random.Generator,
        *,
        callbacks: Sequence[Callback] = (),
        budget: float | None = None,
        checkpoints: Path | None = None,
        resume: dict[str, Any] | None = None,
        decided: Decided | None = None,
        evaluated: bool = True,
    ) -> Fit:
        """A recipe with every field decided, trained for at most `budget` seconds, evaluated and
        diagnosed.

        Args:
            recipe: no field left at auto.
            rng: draws the extrapolation shells' points.
            callbacks: told of the training, chunk by chunk.
            budget: seconds of training at most; None: the recipe's own length.
            checkpoints: a folder the run's state is written to, with the recipe and `decided`, so
                that a run resumed from such a state (`resume`) goes on with both.
            resume: a checkpoint's state to go on from.
            decided: what the fit decided before training.
            evaluated: evaluate, calibrate and diagnose the trained network; False for a fit that
                only predicts (the folds of `nnfit.fitting._folds`).

        Returns:
            The Fit, evaluated, its findings the doctor's.

        Raises:
            RecipeError: groups asked for where the target has none.
        """
        target, domain, dataset, task = self.target, self.domain, self.dataset, self.task
        queries = parse_points(task.query, target.inputs) if task.query else np.empty((0, len(target.inputs)))
        split = dataset.split
        X_train, y_train = split.X_train, split.y_train
        if recipe.groups == "on" and self.groups is None:
            raise RecipeError("groups=on, but the target has none — use groups=auto or off")
        groups = self.groups if recipe.groups == "on" else None
        coordinates = Coordinates.fit(X_train, y_train, recipe.input_scaling, recipe.output_scaling, groups)
        network = Network.build(
            recipe.model,
            coordinates.width or len(target.inputs),
            len(target.outputs),
            recipe.widths,
            recipe.activation,
            recipe.output_activation,
        )
        findings = before(
            recipe,
            network,
            target,
            X_train,
            y_train,
            coordinates.targets(X_train, y_train),
            queries_outside=int((~domain.contains(queries)).sum()),
            n_queries=len(queries),
        )
        history, watch = History(), Watch(recipe)
        # An open-ended run anneals at the end of its budget or of each restart cycle: a plateau before
        # then is no reason to stop.
        patience = math.inf if recipe.open_ended else recipe.patience
        stopping = [EarlyStopping(patience, recipe.restore_best)] if recipe.early_stopping else []
        target_check = [AccuracyTarget(recipe.target_rrmse)] if recipe.target_rrmse else []
        # last: it saves what the other callbacks made of the chunk
        context = {"recipe": recipe.to_dict(), **(decided or Decided()).to_context()}
        saving = (
            [Checkpointer(checkpoints, recipe.checkpoint_every, context)]
            if checkpoints and recipe.checkpoint_every
            else []
        )
        trainer = Trainer(
            network,
            recipe,
            [history, watch, *stopping, *target_check, *callbacks, *saving],
            budget,
            coordinates,
        )
        start = time.perf_counter()
        params = trainer.train_on(split, resume)
        seconds = time.perf_counter() - start
        resumed = {"resumed_from": int(resume["step"])} if resume else {}
        result = Fit(
            task=task,
            recipe=recipe,
            target=target,
            domain=domain,
            network=network,
            params=jax.tree.map(np.asarray, params),
            x_scaler=coordinates.x,
            y_scaler=coordinates.y,
            groups=groups,
            history=history.records,
            info={
                "steps": trainer.step,
                "total_steps": trainer.total_steps,
                "seconds": seconds,
                "stop_reason": trainer.stop_reason,
                **resumed,
                "checkpoint_seconds": sum(c.seconds for c in saving),
                "n_params": network.n_params,
                "n_train": len(X_train),
            },
        )
        if not evaluated:
            return result
        result.calibration = calibrate(result.predict, target, domain, dataset, recipe.seed)
        result.evaluation = evaluation(result, dataset, rng)
        if len(queries):
            result.queries = result.query(queries)
        findings += watch.findings + after(result, dataset)
        result.findings = ordered(findings)
        return result


def evaluation(result: Fit, dataset: Dataset, rng: np.random.Generator) -> dict[str, dict[str, float]]:
    """Metrics on the test split, on each extrapolation shell when the target is known, and on
    the data's held-out edges. The points of each set are kept in `result.points` for the plots."""
    measured = {"test": (dataset.split.X_test, dataset.split.y_test)}
    undefined = {}
    if result.target.known:
        for shell in SHELLS:
            X, truth, left_out = result.target.defined_at(result.domain.sample_shell(shell, SHELL_SAMPLES, rng))
            measured[shell.name] = (X, truth)
            if left_out:
                undefined[shell.name] = left_out
    measured.update(dataset.holdout)
    sets: dict[str, dict[str, float]] = {}
    for name, (X, y) in measured.items():
        if len(X):
            prediction, spread = result.predict(X, return_spread=True)
            sets[name] = metrics(y, prediction)
            if result.members > 1:  # how much the members disagree there, in the target's units
                sets[name]["spread"] = float(spread.mean())
            half = result.half_width(X)
            sets[name].update(interval_metrics(y, prediction - half, prediction + half))
        if name in undefined:
            sets[name] = {"n": len(X), **sets.get(name, {}), "undefined": undefined[name]}
    result.points = {name: (X, y) for name, (X, y) in measured.items() if len(X)}
    return sets
