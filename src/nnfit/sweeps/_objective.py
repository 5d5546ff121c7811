"""One trial of a sweep: the recipe a sampler proposes, trained on the sweep's data without its test
rows and judged on the validation split; the callback that prunes it between chunks; whether it
counts as done, and the line that says how it ended."""

from __future__ import annotations

import dataclasses
import logging
import math
import warnings
from collections.abc import Mapping
from typing import Any

import numpy as np
import optuna
from optuna.storages import RetryHeartbeatStaleTrialCallback
from optuna.trial import FrozenTrial, TrialState

from ..data import prepare
from ..engine import Callback, ChunkEnd, Trainer
from ..errors import NnfitError
from ..fitting import Conductor
from ..metrics import metrics
from ..outputs import comparison_row
from ..params import plain
from ..recipe import Recipe
from ._plan import Plan

ERROR = "error"  # a failed trial's user attribute: what its recipe did wrong
log = logging.getLogger("nnfit.sweep")


class Pruning(Callback):
    """Reports the validation rRMSE to the trial at each tenth of its run and ends a trial its
    pruner rejects. Optuna's median rule compares trials at equal "steps": here the share of the
    run done, so that trials paced by a time budget are compared at equal cost, whatever their speed."""

    REPORTS = 10  # a report and a pruning decision are a storage round trip each: 1 % of a 5 s trial

    def __init__(self, trial: optuna.Trial) -> None:
        self.trial = trial
        self.reported = 0  # the last tenth reported

    def on_chunk_end(self, trainer: Trainer, event: ChunkEnd) -> None:
        if event.val_rrmse is None or not math.isfinite(event.val_rrmse):
            return
        tenth = math.floor(event.progress * self.REPORTS + 1e-9)
        if tenth <= self.reported:
            return
        self.reported = tenth
        self.trial.report(event.val_rrmse, tenth)
        if self.trial.should_prune():
            raise optuna.TrialPruned(f"validation rRMSE {event.val_rrmse:.3g} at step {event.step}")


def finished(trial: FrozenTrial) -> bool:
    """Whether a trial counts as done: complete, pruned, or failed by its recipe (not by a dead or
    interrupted worker: such a trial is run again)."""
    if trial.state in (TrialState.COMPLETE, TrialState.PRUNED):
        return True
    return trial.state == TrialState.FAIL and ERROR in trial.user_attrs


def requeue(study: optuna.Study, number: int | None) -> None:
    """Put trial `number` back in the queue with its parameters when it failed because its worker was
    stopped (Ctrl-C), not by its recipe: the next worker, or `nnfit sweep --resume`, runs it again.
    A stop by the user does not count against the retries of trials that kill their worker."""
    trial = next((t for t in study.get_trials(deepcopy=False) if t.number == number), None)
    if trial is None or trial.state != TrialState.FAIL or finished(trial):
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        # Optuna's retry of a failed trial: a copy queued with its parameters, `failed_trial` its number
        RetryHeartbeatStaleTrialCallback(max_retry=None)(study, trial)


def logged(study: optuna.Study, trial: FrozenTrial) -> None:
    """Says in one line how a trial ended: an Optuna callback after each trial."""
    row = trial.user_attrs.get("row", {})
    what = {
        TrialState.COMPLETE: f"validation rRMSE {row.get('validation rRMSE', math.nan):.3g}",
        TrialState.PRUNED: "pruned",
        TrialState.FAIL: f"failed: {trial.user_attrs.get(ERROR, 'stopped')}",
    }.get(trial.state, trial.state.name.lower())
    log.info("trial %d: %s  %s", trial.number, what, describe(trial.params))


def describe(params: Mapping[str, Any]) -> str:
    """A trial's parameters in one short line: hidden=64,64 activation=tanh lr=0.0031 ..."""
    return " ".join(f"{k}={v:.3g}" if isinstance(v, float) else f"{k}={v}" for k, v in params.items())


class Objective:
    """A trial: the plan's recipe with the trial's values, trained on the sweep's data without its
    test rows, and judged by its validation rRMSE (and training seconds)."""

    def __init__(self, the_plan: Plan) -> None:
        self.plan = the_plan
        self.base = self.base_of(the_plan)
        rng = np.random.default_rng(the_plan.recipe.seed)
        target, domain, dataset = prepare(the_plan.task, rng)
        self.prepared = (target, domain, dataclasses.replace(dataset, test=dataset.test[:0]))
        self.split = dataset.split
        self.current: int | None = None  # the number of the trial running, or last run, in this process

    @staticmethod
    def base_of(the_plan: Plan) -> Recipe:
        """The recipe every trial changes: the plan's, for the trial budget when one is set."""
        base = the_plan.recipe.replace(checkpoint_every=None)
        budget = the_plan.search.trial_budget
        return base.replace(budget=budget, steps=None, epochs=None) if budget else base

    def __call__(self, trial: optuna.Trial) -> float | tuple[float, float]:
        self.current = trial.number
        pruning = [Pruning(trial)] if len(self.plan.search.objectives) == 1 and self.plan.search.prune else []
        try:
            recipe = self.plan.space.recipe(self.base, trial).fixed()
            rng = np.random.default_rng(recipe.seed)
            result = Conductor(*self.prepared, self.plan.task, recipe, rng, callbacks=pruning).fit()
        except NnfitError as exc:  # a combination the recipe refuses: the trial fails, the sweep goes on
            trial.set_user_attr(ERROR, str(exc))
            raise
        split = self.split
        evaluation = {"validation": metrics(split.y_val, result.predict(split.X_val)), **result.evaluation}
        row = comparison_row(f"#{trial.number}", evaluation, result.info["seconds"], result.network.n_params)
        trial.set_user_attr("row", {k: plain(v) for k, v in row.items()})
        trial.set_user_attr("stop_reason", result.info["stop_reason"])
        value = evaluation["validation"]["rrmse"]
        value = value if math.isfinite(value) else math.inf  # a diverged trial is the worst, not a failure
        values = {"rrmse": value, "seconds": result.info["seconds"]}
        chosen = [values[name] for name in self.plan.search.objectives]
        return chosen[0] if len(chosen) == 1 else (chosen[0], chosen[1])
