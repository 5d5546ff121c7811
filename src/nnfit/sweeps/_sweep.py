"""Searches over recipes on Optuna: each trial fits the task with the recipe a sampler proposes, is
judged on the validation split and may be pruned between chunks; the best is refit as a run.

A sweep's folder, nnfit-sweeps/NNN-name/:

    sweep.yaml    the task, the base recipe, the search settings and the space: all a worker needs
    journal.log   Optuna's journal of the study, shared by the workers of this machine (no server);
                  absent when the study lives in a database (--storage postgresql://...)
    best/         the best trial refit on the same data: an ordinary run directory, with its
                  numpy and JSON exports (model.py, model.npz, model.json)
    sweep.html    history, parameter importances, the leaderboard and the top recipes side by side
    .lock         locked by the worker writing best/ and sweep.html, so that workers finishing
                  together refit the best once

Workers are processes that share one study through its storage and stop once `trials` trials have
finished, counting those of every worker. The test split is not seen until the best is refit.
"""

from __future__ import annotations

import fcntl
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
import warnings
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import optuna
from optuna.trial import FrozenTrial, TrialState

from .. import data
from ..errors import NnfitError
from ..fitting import Fit
from ..outputs import EXPORT_FORMATS, fit_into, load, run_status
from ..recipe import Recipe
from ..search import Search
from ..task import Task
from ._objective import Objective, describe, finished, log, logged, requeue
from ._page import write_html
from ._plan import Plan, plan, read_plan
from ._storage import open_storage

BEST_EXPORTS = ("numpy", "json")  # written beside the best's run: they need nothing but NumPy
LOCK_FILE = ".lock"  # held by the worker writing best/ and sweep.html


class SweepStopped(KeyboardInterrupt):
    """Ctrl-C during a sweep: every worker has stopped and put its running trial back in the queue;
    `nnfit sweep --resume folder` goes on. A KeyboardInterrupt, so that it stops a caller as one."""

    def __init__(self, folder: Path) -> None:
        super().__init__(f"sweep stopped; go on with nnfit sweep --resume {folder}")
        self.folder = folder


# A worker asked to stop (Ctrl-C) ends within a chunk of training; one that has not after this many
# seconds is told again, by a signal of its own (a Ctrl-C sent to the first process alone).
STOP_SECONDS = 2.0


def run_workers(the_plan: Plan, workers: int, first: bool, progress: bool = False) -> None:
    """Work on the study in this process, or in `workers` new ones, until its trials are done.
    `first`: this process made the study, and its first worker proposes from the plan's seed alone.
    Ctrl-C stops every worker, each putting its running trial back in the queue, and is raised again
    here (KeyboardInterrupt)."""
    spec = the_plan.to_dict()
    if workers == 1:
        work(spec, first, progress)
        return
    context = multiprocessing.get_context("spawn")  # JAX's threads do not survive a fork
    processes = [context.Process(target=_worker, args=(spec, first and i == 0, progress)) for i in range(workers)]
    for process in processes:
        process.start()
    try:
        for process in processes:
            process.join()
    except KeyboardInterrupt:
        for process in processes:
            process.join(STOP_SECONDS)
            if process.is_alive() and process.pid is not None:
                os.kill(process.pid, signal.SIGINT)
        for process in processes:
            process.join()
        raise
    failed = [p.exitcode for p in processes if p.exitcode]
    if failed:
        raise NnfitError(f"{len(failed)} of {workers} workers stopped with an error (exit {failed[0]})")


def _worker(spec: Mapping[str, Any], first: bool, progress: bool) -> None:
    """`work` in a process of its own: a stop (Ctrl-C) ends it with exit status 130 and no traceback."""
    try:
        work(spec, first, progress)
    except KeyboardInterrupt:
        sys.exit(130)


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
    stop = Stop()
    with stop.installed():
        _trials_until_done(the_plan, study, objective, stop)


def _trials_until_done(the_plan: Plan, study: optuna.Study, objective: Objective, stop: Stop) -> None:
    """`work`'s loop: a trial at a time until the plan's trials have finished over every worker."""
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
        try:
            study.optimize(stop.reaching(objective), n_trials=1, catch=(NnfitError,), callbacks=[logged])
        except KeyboardInterrupt:  # Optuna has failed the running trial: it runs again on --resume
            stop.reached = True
            requeue(study, objective.current)
            raise


class Stop:
    """Ctrl-C in a sweep worker: KeyboardInterrupt in the main thread at every Ctrl-C until one
    reaches the trial it stops (`reached`); those that follow are ignored, so that none cuts short
    the putting back of that trial. A slow worker gets two: its terminal's, and the one `run_workers`
    forwards after STOP_SECONDS. One raised where Python cannot raise — inside a garbage collector's
    callback, as JAX's, where it is printed as "Exception ignored" and lost (a trial then ran to its
    end, 1 stop in 8) — is asked again a moment later."""

    AGAIN_SECONDS = 0.05

    def __init__(self) -> None:
        self.reached = False
        self._previous_hook = sys.unraisablehook

    def reaching(self, objective: Callable[[optuna.Trial], Any]) -> Callable[[optuna.Trial], Any]:
        """`objective`, marking the stop `reached` as it leaves the trial."""

        def run(trial: optuna.Trial) -> Any:
            try:
                return objective(trial)
            except KeyboardInterrupt:
                self.reached = True
                raise

        return run

    def _ask(self, signum: int, frame: Any) -> None:
        if not self.reached:
            raise KeyboardInterrupt

    def _unraisable(self, unraisable: Any) -> None:
        if issubclass(unraisable.exc_type, KeyboardInterrupt) and not self.reached:
            threading.Timer(self.AGAIN_SECONDS, os.kill, (os.getpid(), signal.SIGINT)).start()
        else:
            self._previous_hook(unraisable)

    @contextmanager
    def installed(self) -> Iterator[None]:
        """The stop in force for the block, in the main thread, which alone is told of signals."""
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        previous, self._previous_hook = signal.signal(signal.SIGINT, self._ask), sys.unraisablehook
        sys.unraisablehook = self._unraisable
        try:
            yield
        finally:
            signal.signal(signal.SIGINT, previous)
            sys.unraisablehook = self._previous_hook


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
        """The leaderboard: `nnfit compare`'s columns for each completed trial, best first; a trial on
        the front of two objectives is marked.

        Args:
            top: keep the best `top` trials; all when None.

        Returns:
            One dict per trial, its column name -> value.
        """
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

    Args:
        target: text, as for `nnfit.fit` (a formula, or a data file's path), so that workers in
            other processes can read it.
        domain: text, as for `nnfit.fit`.
        space: recipe fields mapped to choices or ranges over the default space, or a space file
            (YAML or TOML).
        recipe: the base each trial changes; nnfit's default recipe when None.
        task: what is fitted and where.
        search: how the sweep searches (`nnfit.search.Search`).
        out: the sweep's folder; the next nnfit-sweeps/NNN-name when None.
        progress: log each trial as it ends.
        **settings: any Task, Recipe or Search field (``trials=40, trial_budget=5, workers=2,
            storage="postgresql://..."``).

    Returns:
        The `Sweep`: its study, and `best`, the best trial refit on the same data and evaluated
        on the test split.

    Raises:
        NnfitError: bad input, a bad space, or a database that cannot be reached.
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
    write `folder`/sweep.html. Ctrl-C raises `SweepStopped`, the interrupted trials queued again."""

    try:
        run_workers(the_plan, workers, first, progress)
    except KeyboardInterrupt:
        raise SweepStopped(folder) from None
    result = Sweep(the_plan.open(the_plan.recipe.seed), folder)
    # Workers that finish together share the folder: one at a time writes best/ and sweep.html, and
    # a later one finds the best already refit
    with _alone(folder / LOCK_FILE):
        if result.completed:
            result.best = refit_best(the_plan, result.front, folder / "best")
        write_html(result, folder / "sweep.html")
    return result


def refit_best(the_plan: Plan, front: list[FrozenTrial], path: Path) -> Fit:
    """The best trial of `front` refit on the sweep's data into the run directory `path`, with its
    NumPy and JSON exports; read from `path` instead when that run is already this recipe's refit
    (refits are reproducible: the same recipe and seed give the same run)."""
    best = min(front, key=lambda t: (t.values[0], t.number))
    recipe = the_plan.space.recipe(Objective.base_of(the_plan), optuna.trial.FixedTrial(best.params)).fixed()
    if run_status(path) == "complete" and all((path / f"model{EXPORT_FORMATS[n]}").is_file() for n in BEST_EXPORTS):
        with suppress(NnfitError):
            kept = load(path)
            if kept.recipe == recipe:
                return kept
    rng = np.random.default_rng(recipe.seed)
    fit = fit_into(path, data.prepare(the_plan.task, rng), the_plan.task, recipe, rng, overwrite=True)
    for name in BEST_EXPORTS:  # ready to use without nnfit; ONNX needs its extra: nnfit export best --format onnx
        fit.export(path / f"model{EXPORT_FORMATS[name]}", name)
    return fit


@contextmanager
def _alone(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on the file `path` (created if missing) while the block runs, waiting
    for another process that holds it. The system frees it when its holder dies, so a killed worker
    never leaves it taken."""
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


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
