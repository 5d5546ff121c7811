"""How a sweep searches, the third settings table beside the Recipe and the Task: how many trials,
how long each, what to minimise, and where the study is kept. `nnfit sweep`'s options are generated
from it, so the command line reads it without loading Optuna."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from .errors import RecipeError
from .params import Settings, setting

OBJECTIVES = ("rrmse", "seconds")


@dataclass(frozen=True)
class Search(Settings):
    """How a sweep searches: how many trials, how long each, what to minimise, and where the
    study is kept."""

    section: ClassVar[str] = "sweep"

    trials: int = setting(
        50,
        "int",
        "trials to finish in all, counting every worker's",
        "enough for the sampler to learn from 10 random trials and spend 40 on the promising region",
        gt=0,
    )
    trial_budget: float | None = setting(
        None,
        "seconds",
        "train each trial for this long: 5s, 1m; unset: the recipe's own length (20 000 steps)",
        "a fixed step count gives the same trials on any machine; a budget compares recipes at equal cost",
        gt=0,
        optional=True,
    )
    objectives: tuple[str, ...] = setting(
        ("rrmse",),
        "names",
        "what to minimise: rrmse (validation), or rrmse,seconds for the front of accuracy against training time",
        "the validation error picks a recipe without looking at the test split",
    )
    workers: int = setting(
        1,
        "int",
        "processes on this machine that share the study",
        "one process is reproducible; more use more cores",
        gt=0,
    )
    storage: str | None = setting(
        None,
        "str",
        "postgresql://user@host:port/db: a database that workers on several machines share; "
        "unset: a journal file in the sweep's folder",
        "a file needs no server, and the processes of one machine share it safely",
        optional=True,
    )
    study: str | None = setting(
        None,
        "str",
        "the study's name in --storage, the same on every machine; unset: the sweep folder's name",
        "one name joins the workers of several machines into one study",
        optional=True,
    )
    prune: bool = setting(
        True,
        "bool",
        "stop a trial whose validation rRMSE lags the median of earlier trials at the same step",
        "a hopeless trial's remaining steps are better spent on a new one (Optuna's MedianPruner)",
    )
    heartbeat: int = setting(
        5,
        "int",
        "seconds between a running trial's heartbeats; a worker silent for 3 is taken for dead and its trial retried",
        "a killed worker's trial is failed and retried within 15 s, for one write per trial every 5 s",
        gt=0,
    )

    def _check(self) -> None:
        unknown = [name for name in self.objectives if name not in OBJECTIVES]
        if unknown or len(set(self.objectives)) != len(self.objectives):
            raise RecipeError(f"'objectives' are rrmse and seconds, each once; got {','.join(self.objectives)}")
