"""A sweep's plan: the task, the base recipe, the search settings and the space, as plain values a
worker in a new process receives, and the folder and study a new sweep is given."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import optuna
import yaml

from ..config import resolve
from ..data import prepare
from ..errors import NnfitError
from ..outputs import reserve, slug
from ..recipe import Recipe
from ..search import Search
from ..task import Task
from ._space import Space
from ._storage import open_storage

SWEEPS_DIR = Path("nnfit-sweeps")
SPEC = "sweep.yaml"
JOURNAL = "journal.log"
# Optuna's median rule needs a few finished trials to compare with, and a trial's first checks are
# noisy: none is pruned before 5 trials have finished, nor before 3 tenths of its run.
PRUNE_AFTER_TRIALS = 5
PRUNE_AFTER_REPORTS = 2


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
    given = {k.replace("-", "_"): v for k, v in settings.items()}
    chosen = {k: given.pop(k) for k in list(given) if k in Search.params()}
    search = (search or Search()).replace(**chosen) if chosen else search or Search()
    task, recipe, target, domain = resolve(target, domain, recipe, task, given)
    if target is not None or domain is not None:
        raise NnfitError(
            "a sweep's target and domain are text (a formula or a data file's path), so workers can read them"
        )
    # every check of the input, the space and the database comes before a folder is made
    prepare(task, np.random.default_rng(recipe.seed))
    searched = Space.of(space)
    if search.storage:
        open_storage(search.storage, search.heartbeat)
    if out is not None and (Path(out) / SPEC).exists():
        raise NnfitError(f"{out} already holds a sweep — continue it with nnfit sweep --resume {out}")
    folder = Path(out) if out else reserve(SWEEPS_DIR, slug(task.target or "sweep"))
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
