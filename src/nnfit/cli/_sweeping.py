"""`nnfit sweep`: a search over recipes on Optuna, and `nnfit sweep show`."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import click

from ..errors import NnfitError
from ..recipe import Recipe
from ..search import Search
from ..task import Task
from . import _tables as tables
from ._arguments import Command
from ._base import config_option, main, options, settings

# Each command imports the library inside its function: `nnfit --help` and the input checks answer
# without loading JAX (0.2 s, against about 2 s with it).

SWEEP_EPILOG = """\b
Examples:
  nnfit sweep "x**2 + x" --domain x=1:1000 --trials 40 --trial-budget 5s
  nnfit sweep "x**2 + x" --domain x=1:1000 --trials 40 --workers 2
  nnfit sweep "x**2 + x" --domain x=1:1000 --space space.yaml
  nnfit sweep "x**2 + x" --domain x=1:1000 --objectives rrmse,seconds
  nnfit sweep "x**2 + x" --domain x=1:1000 --storage postgresql://me@db:5432/nnfit --study quad
                                    run the same command on each machine: they share one study
  nnfit sweep --resume nnfit-sweeps/001-x_2_x
  nnfit sweep show nnfit-sweeps/001-x_2_x
  nnfit sweep show --storage postgresql://me@db:5432/nnfit --study quad
"""


class _SweepGroup(click.Group):
    """`nnfit sweep TARGET ...` runs a sweep (its `run` command); `nnfit sweep show ...` shows one."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in ("-h", "--help")):
            args = ["run", *args]
        return super().parse_args(ctx, args)


@main.group("sweep", cls=_SweepGroup, epilog=SWEEP_EPILOG)
def sweep_group() -> None:
    """Search recipes for TARGET on Optuna, prune hopeless trials, and refit the best as a run:
    nnfit sweep TARGET --domain ... --trials 50. Trials are kept in a journal file in the sweep's
    folder, or in a PostgreSQL database that workers on several machines share (--storage)."""


def _sweep_command(
    target: str | None,
    config: str | None,
    space: str | None,
    out: str | None,
    resume: str | None,
    quiet: bool,
    **flags: Any,
) -> None:
    from ..sweeps import Sweep, SweepStopped, sweep
    from ..sweeps import resume as go_on

    searching = {k: v for k, v in flags.items() if k in Search.params() and v is not None}
    go: Callable[[], Sweep]
    if resume is not None:
        rest = [k for k, v in flags.items() if v is not None and k != "workers"]
        if target or config or space or out or rest:
            raise NnfitError("--resume goes on with the sweep's own settings (DIR/sweep.yaml); give only --workers")
        workers = Search.params()["workers"].coerce("workers", flags["workers"]) if flags["workers"] else None
        go = partial(go_on, resume, workers, progress=not quiet)
    else:
        task, recipe = settings(target, config, {k: v for k, v in flags.items() if k not in Search.params()})
        search = Search(**searching)
        go = partial(sweep, task=task, recipe=recipe, search=search, space=space, out=out, progress=not quiet)
    try:
        result = go()
    except SweepStopped as stopped:
        click.echo(
            f"stopped (Ctrl-C): the trials running then run again with nnfit sweep --resume {stopped.folder}", err=True
        )
        sys.exit(130)
    folder = Path(resume) if resume is not None else result.path or Path(".")
    _print_sweep(result)
    if result.best is not None:
        test = result.best.evaluation["test"]["rrmse"]
        click.echo(f"best    refit: test rRMSE {test:.4g}  run {folder / 'best'}")
    click.echo(f"page    {folder / 'sweep.html'}")


def _print_sweep(result: Any, top: int | None = 10) -> None:
    console = tables.console()
    counts = ", ".join(f"{n} {state}" for state, n in result.counts.items() if n)
    rows = result.rows(top)
    if rows:
        tables.print_rows(console, rows, f"trials: {counts}; best on the validation split first")
    else:
        console.print(f"trials: {counts or 'none yet'}; none has completed")


sweep_run = Command(
    "run",
    callback=_sweep_command,
    epilog=SWEEP_EPILOG,
    help="Run a sweep over recipes for TARGET (a formula or a data file): `nnfit sweep TARGET` is short for it.",
    params=[
        click.Argument(["target"], required=False),
        config_option(),
        click.Option(
            ["--space"],
            type=click.Path(dir_okay=False),
            help="YAML/TOML file of recipe fields to search, merged over the default space: "
            "'lr: {low: 1e-4, high: 1e-1, log: true}', 'activation: [gelu, tanh]', or one value to fix a field",
        ),
        click.Option(["--out", "-o"], help="the sweep's folder [default: nnfit-sweeps/NNN-<target>]"),
        click.Option(["--resume"], metavar="DIR", help="go on with the sweep in DIR until its trials are done"),
        click.Option(["--quiet", "-q"], is_flag=True, help="no line per trial"),
        *options(Search),
        *options(Task),
        *options(Recipe),
    ],
)
sweep_group.add_command(sweep_run)


@sweep_group.command("show", epilog=SWEEP_EPILOG)
@click.argument("folder", required=False)
@click.option("--storage", help="a database URL (postgresql://user@host:port/db) instead of a sweep folder")
@click.option("--study", help="the study's name in --storage")
def sweep_show(folder: str | None, storage: str | None, study: str | None) -> None:
    """Print the leaderboard of the sweep in FOLDER, or of --study in --storage, as it stands."""
    from ..sweeps import show

    if (folder is None) == (storage is None):
        raise NnfitError("give a sweep folder, or --storage URL with --study NAME, one of the two")
    _print_sweep(show(folder, storage, study), top=None)
