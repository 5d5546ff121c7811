"""Searches over recipes on Optuna: each trial fits the task with the recipe a sampler proposes, is
judged on the validation split and may be pruned between chunks; the best is refit as a run.

A sweep's folder, nnfit-sweeps/NNN-name/:

    sweep.yaml    the task, the base recipe, the search settings and the space: all a worker needs
    journal.log   Optuna's journal of the study, shared by the workers of this machine (no server);
                  absent when the study lives in a database (--storage postgresql://...)
    best/         the best trial refit on the same data: an ordinary run directory, with its
                  numpy and JSON exports (model.py, model.npz, model.json)
    sweep.html    history, parameter importances, the leaderboard and the top recipes side by side

Workers are processes that share one study through its storage and stop once `trials` trials have
finished, counting those of every worker. The test split is not seen until the best is refit.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import time
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import optuna
import yaml
from optuna.trial import FrozenTrial, TrialState

from . import data, rundir
from .errors import NnfitError
from .export import FORMATS
from .recipe import Recipe
from .result import Fit
from .space import Search, Space
from .storage import open_storage
from .sweep_trials import Objective, describe, finished, log, logged
from .task import Task

SWEEPS_DIR = Path("nnfit-sweeps")
SPEC = "sweep.yaml"
JOURNAL = "journal.log"
# Optuna's median rule needs a few finished trials to compare with, and a trial's first checks are
# noisy: none is pruned before 5 trials have finished, nor before 3 tenths of its run.
PRUNE_AFTER_TRIALS = 5
PRUNE_AFTER_REPORTS = 2
BEST_EXPORTS = ("numpy", "json")  # written beside the best's run: they need nothing but NumPy


@dataclass(frozen=True)
class Plan:
    """Everything a worker needs, as plain values that a new process receives."""

    task: Task
    recipe: Recipe
    search: Search
    space: Space
    storage: str
    study: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "task": self.task.to_dict(),
            "recipe": self.recipe.to_dict(),
            "search": self.search.to_dict(),
            "space": self.space.to_dict(),
            "storage": self.storage,
            "study": self.study,
        }

    @classmethod
    def from_dict(cls, values: Mapping[str, Any]) -> Plan:
        return cls(
            Task(**values["task"]),
            Recipe(**values["recipe"]),
            Search(**values["search"]),
            Space.of(values["space"]),
            values["storage"],
            values["study"],
        )

    def create(self) -> bool:
        """Create the study, its first trial the plan's recipe; False when it exists already
        (another worker, or an earlier run, made it)."""
        try:
            study = self.open(create=True)
        except optuna.exceptions.DuplicatedStudyError:
            return False
        study.enqueue_trial(self.space.start(self.recipe))  # the user's own recipe is the first trial
        return True

    def open(self, seed: int | None = None, create: bool = False) -> optuna.Study:
        """The study (created if `create`, else created if it is new); `seed` drives the sampler."""
        # nnfit says what each trial did, once: Optuna's own lines (a traceback per failed trial) are left out
        optuna.logging.set_verbosity(optuna.logging.ERROR)
        objectives = self.search.objectives
        if self.search.prune and len(objectives) == 1:  # Optuna prunes single-objective studies only
            pruner: optuna.pruners.BasePruner = optuna.pruners.MedianPruner(PRUNE_AFTER_TRIALS, PRUNE_AFTER_REPORTS)
        else:
            pruner = optuna.pruners.NopPruner()
        # constant liar: workers at once are steered apart instead of proposing the same region
        sampler = optuna.samplers.TPESampler(seed=seed, constant_liar=True)
        return optuna.create_study(
            storage=open_storage(self.storage, self.search.heartbeat),
            study_name=self.study,
            directions=["minimize"] * len(objectives),
            sampler=sampler,
            pruner=pruner,
            load_if_exists=not create,
        )


def plan(
    target: Any = None,
    domain: Any = None,
    *,
    space: Mapping[str, Any] | str | Path | None = None,
    recipe: Recipe | None = None,
    task: Task | None = None,
    search: Search | None = None,
    out: str | Path | None = None,
    **settings: Any,
) -> tuple[Plan, Path, bool]:
    """The plan of a new sweep and its folder (`out`, else the next nnfit-sweeps/NNN-name),
    written there as sweep.yaml, and whether its study is new (another machine's worker may have
    made it first). The arguments are those of `sweep`."""
    from .run import resolve

    given = {k.replace("-", "_"): v for k, v in settings.items()}
    chosen = {k: given.pop(k) for k in list(given) if k in Search.params()}
    search = (search or Search()).replace(**chosen) if chosen else search or Search()
    task, recipe, target, domain = resolve(target, domain, recipe, task, given)
    if target is not None or domain is not None:
        raise NnfitError(
            "a sweep's target and domain are text (a formula or a data file's path), so workers can read them"
        )
    # every check of the input, the space and the database comes before a folder is made
    data.prepare(task, np.random.default_rng(recipe.seed))
    searched = Space.of(space)
    if search.storage:
        open_storage(search.storage, search.heartbeat)
    if out is not None and (Path(out) / SPEC).exists():
        raise NnfitError(f"{out} already holds a sweep — continue it with nnfit sweep --resume {out}")
    folder = Path(out) if out else rundir.reserve(SWEEPS_DIR, rundir.slug(task.target or "sweep"))
    folder.mkdir(parents=True, exist_ok=True)
    the_plan = Plan(
        task, recipe, search, searched, search.storage or str(folder / JOURNAL), search.study or folder.name
    )
    created = the_plan.create()
    (folder / SPEC).write_text(yaml.safe_dump(the_plan.to_dict(), sort_keys=False), encoding="utf-8")
    return the_plan, folder, created


def read_plan(folder: str | Path) -> Plan:
    """The plan a sweep folder holds (its sweep.yaml)."""
    path = Path(folder) / SPEC
    if not path.is_file():
        raise NnfitError(f"{folder} is not a sweep folder (no {SPEC})")
    return Plan.from_dict(yaml.safe_load(path.read_text(encoding="utf-8")))


def run_workers(the_plan: Plan, workers: int, first: bool, progress: bool = False) -> None:
    """Work on the study in this process, or in `workers` new ones, until its trials are done.
    `first`: this process made the study, and its first worker proposes from the plan's seed alone."""
    spec = the_plan.to_dict()
    if workers == 1:
        work(spec, first, progress)
        return
    context = multiprocessing.get_context("spawn")  # JAX's threads do not survive a fork
    processes = [context.Process(target=work, args=(spec, first and i == 0, progress)) for i in range(workers)]
    for process in processes:
        process.start()
    for process in processes:
        process.join()
    failed = [p.exitcode for p in processes if p.exitcode]
    if failed:
        raise NnfitError(f"{len(failed)} of {workers} workers stopped with an error (exit {failed[0]})")


def work(spec: Mapping[str, Any], first: bool, progress: bool = False) -> None:
    """One worker: runs trials of the study until `trials` have finished over every worker, then
    waits for the others' running trials, retrying those whose worker died. The `first` worker's
    proposals follow from the plan's seed alone, so one worker repeats a sweep exactly; any other's
    also from the trials it found and its process, so that workers do not propose alike."""
    warnings.filterwarnings("ignore", category=optuna.exceptions.ExperimentalWarning)  # heartbeats
    if progress and not log.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
    the_plan = Plan.from_dict(spec)
    seed = the_plan.recipe.seed
    if not first:
        found = len(the_plan.open(seed).get_trials(deepcopy=False))
        seed = int(np.random.SeedSequence([seed, found, os.getpid()]).generate_state(1)[0])
    study = the_plan.open(seed)
    objective = Objective(the_plan)
    while True:
        optuna.storages.fail_stale_trials(study)
        trials = study.get_trials(deepcopy=False)
        done = sum(map(finished, trials))
        running = sum(t.state == TrialState.RUNNING for t in trials)
        waiting = sum(t.state == TrialState.WAITING for t in trials)
        if done >= the_plan.search.trials:
            return
        if done + running >= the_plan.search.trials and not waiting:
            # the rest are running elsewhere: wait, in case their worker dies and they come back
            time.sleep(the_plan.search.heartbeat)
            continue
        study.optimize(objective, n_trials=1, catch=(NnfitError,), callbacks=[logged])


@dataclass
class Sweep:
    """A study's trials and, once refit, the best trial as a run (`best`, in `path`/best)."""

    study: optuna.Study
    path: Path | None = None
    best: Fit | None = None

    @property
    def completed(self) -> list[FrozenTrial]:
        """The trials that finished training, most accurate on the validation split first."""
        done = self.study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
        return sorted(done, key=lambda t: (t.values[0], t.number))

    @property
    def front(self) -> list[FrozenTrial]:
        """The trials no other beats on every objective (one objective: the best trial)."""
        return self.study.best_trials if self.completed else []

    @property
    def counts(self) -> dict[str, int]:
        """How many trials are in each state: complete, pruned, fail, running, waiting."""
        trials = self.study.get_trials(deepcopy=False)
        return {state.name.lower(): sum(t.state == state for t in trials) for state in TrialState}

    def rows(self, top: int | None = None) -> list[dict[str, Any]]:
        """The leaderboard: compare's columns for each completed trial, best first; a trial on the
        front of two objectives is marked."""
        front = {t.number for t in self.front} if len(self.study.directions) > 1 else set()
        rows = []
        for trial in self.completed[:top]:
            row = {**trial.user_attrs["row"], "recipe": f"#{trial.number} {describe(trial.params)}"}
            if front:
                row["front"] = "yes" if trial.number in front else ""
            rows.append(row)
        return rows


def sweep(
    target: str | None = None,
    domain: str | None = None,
    *,
    space: Mapping[str, Any] | str | Path | None = None,
    recipe: Recipe | None = None,
    task: Task | None = None,
    search: Search | None = None,
    out: str | Path | None = None,
    progress: bool = False,
    **settings: Any,
) -> Sweep:
    """Search for the recipe that fits `target` over `domain` best, on Optuna, and refit it.

    target, domain, `recipe`, `task` and keyword settings are those of `nnfit.fit` (the recipe is
    the base each trial changes); any field of `Search` may be given as a keyword too
    (``trials=40, trial_budget=5, workers=2, storage="postgresql://..."``). `space` maps recipe
    fields to choices or ranges over the default space (`nnfit.space`), or is a space file.
    Writes the sweep's folder (`out`, else nnfit-sweeps/NNN-name) and returns the `Sweep`, whose
    `best` is the best trial refit and evaluated on the test split. `progress` logs each trial.
    """
    the_plan, folder, created = plan(
        target, domain, space=space, recipe=recipe, task=task, search=search, out=out, **settings
    )
    return conclude(the_plan, folder, the_plan.search.workers, created, progress)


def resume(folder: str | Path, workers: int | None = None, progress: bool = False) -> Sweep:
    """Go on with the sweep in `folder` until its trials are done, then refit its best anew."""
    the_plan = read_plan(folder)
    return conclude(the_plan, Path(folder), workers or the_plan.search.workers, False, progress)


def conclude(the_plan: Plan, folder: Path, workers: int, first: bool, progress: bool = False) -> Sweep:
    """Run the workers (`first`: see `run_workers`), refit the best trial into `folder`/best and
    write `folder`/sweep.html."""
    from . import run
    from .sweep_page import write_html

    run_workers(the_plan, workers, first, progress)
    result = Sweep(the_plan.open(the_plan.recipe.seed), folder)
    if result.completed:
        best = min(result.front, key=lambda t: (t.values[0], t.number))
        recipe = the_plan.space.recipe(Objective.base_of(the_plan), optuna.trial.FixedTrial(best.params)).fixed()
        rng = np.random.default_rng(recipe.seed)
        prepared = data.prepare(the_plan.task, rng)
        result.best = run.fit_into(folder / "best", prepared, the_plan.task, recipe, rng, overwrite=True)
        for name in BEST_EXPORTS:  # ready to use without nnfit; ONNX needs its extra: nnfit export best --format onnx
            result.best.export(folder / "best" / f"model{FORMATS[name]}", name)
    write_html(result, folder / "sweep.html")
    return result


def show(folder: str | Path | None = None, storage: str | None = None, study: str | None = None) -> Sweep:
    """The sweep in `folder`, or the study `study` in the database `storage`, as it stands."""
    if folder is not None:
        the_plan = read_plan(folder)
        storage, study = the_plan.storage, the_plan.study
    if storage is None or study is None:
        raise NnfitError("give a sweep folder, or --storage URL with --study NAME")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        where = open_storage(storage, Search().heartbeat)
        names = sorted(s.study_name for s in optuna.get_all_study_summaries(where, include_best_trial=False))
        if study not in names:
            raise NnfitError(f"no study named {study!r} in that storage — it holds: {', '.join(names) or 'none'}")
        return Sweep(optuna.load_study(study_name=study, storage=where), Path(folder) if folder else None)
