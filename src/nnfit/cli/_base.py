"""The `nnfit` command's frame: the group, the options generated from the settings tables, and
the boundary where an NnfitError becomes one line on stderr and exit status 2."""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from .. import __version__
from ..config import CONFIG_SUFFIXES, read_config, split_settings
from ..errors import NnfitError
from ..params import shown
from ..recipe import Recipe
from ..search import Search
from ..task import Task

RUNS_DIR = Path("nnfit-runs")
_IMPORTED = time.monotonic()  # where the kernel does not say when the process started
EXCLUSIVE = (("epochs", "steps"),)  # settings that give the same thing two ways
EPILOG = """\b
Examples:
  nnfit fit "x**2 + x" --domain x=1:1000
  nnfit fit "x^2 + 2*y" --domain "x=0:100, y=0:1000:int" --query "45,100; 200,2000"
  nnfit fit data.csv --inputs a,b --outputs y --holdout edges
  nnfit fit --config examples/seed001-model2.yaml
  nnfit doctor examples/seed000-softmax.yaml
  nnfit report nnfit-runs/001-x_2_x --open
  nnfit compare examples/seed001-model1.yaml examples/seed001-model2.yaml examples/seed001-default.yaml
  nnfit predict nnfit-runs/001-x_2_x "20; 500"
  nnfit export nnfit-runs/001-x_2_x --format onnx
  nnfit fit --resume last           continue the newest killed or interrupted fit
  nnfit runs                        list runs, unfinished ones with what to do
  nnfit sweep "x**2 + x" --domain x=1:1000 --trials 40     search recipes on Optuna
  nnfit discover examples/measurements.csv                   find the law behind a data file
  nnfit serve                       the playground: fit and compare in a local web page
"""


def options(section: type[Task | Recipe | Search], leave_out: tuple[str, ...] = ()) -> list[click.Option]:
    """One click option per field of a settings table but `leave_out` (a Task's target is the argument)."""
    made = []
    for name, param in section.params().items():
        if name == "target" or name in leave_out:
            continue
        flag = param.option(name)
        help_text = f"{param.help} [default: {shown(section.defaults()[name])}]"
        if param.kind == "bool":
            made.append(click.Option([f"{flag}/--no-{flag[2:]}", name], default=None, help=help_text))
        else:
            metavar = "|".join(param.choices) if param.choices else param.kind.upper().rstrip("S")
            made.append(click.Option([flag, name], default=None, metavar=metavar, help=help_text))
    return made


def settings(target: str | None, config: str | None, flags: dict[str, Any]) -> tuple[Task, Recipe]:
    """Task and Recipe from a config file and flags; a TARGET ending in .yaml/.toml is the config."""
    if target is not None and Path(target).suffix.lower() in CONFIG_SUFFIXES:
        if config is not None:
            raise NnfitError(f"two recipe files given: {target} and --config {config}; give one")
        target, config = None, target
    values = read_config(config) if config else {}
    given = {k: v for k, v in flags.items() if v is not None}
    for pair in EXCLUSIVE:  # a flag replaces its alternative from the config file
        for name in pair:
            if name in given:
                values.pop(next(other for other in pair if other != name), None)
    values.update(given)
    if target is not None:
        values["target"] = target
    return split_settings(values)


@click.group(context_settings={"help_option_names": ["-h", "--help"]}, epilog=EPILOG)
@click.version_option(version=__version__, prog_name="nnfit")
@click.option("--debug", is_flag=True, help="show a traceback on errors")
def main(debug: bool) -> None:
    """Fit neural networks to functions and data, and see where to trust them."""


def try_fixes_option() -> click.Option:
    """--try-fixes, of `nnfit fit` and `nnfit doctor`."""
    return click.Option(
        ["--try-fixes"],
        is_flag=True,
        help="apply each proposed fix to a short probe and show its measured gain (a few seconds a fix)",
    )


def process_seconds() -> float:
    """Seconds since this process started. From the kernel on Linux (/proc, to 10 ms); elsewhere
    since this module was imported, which misses the interpreter's own start (about 0.05 s)."""
    try:
        with open("/proc/self/stat", encoding="ascii") as stat, open("/proc/uptime", encoding="ascii") as uptime:
            started = int(stat.read().rsplit(")", 1)[1].split()[19])  # field 22, starttime, in clock ticks
            return float(uptime.read().split()[0]) - started / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return time.monotonic() - _IMPORTED


@dataclass(frozen=True)
class Invocation:
    """What `run` tells the command it runs (click's context object): when it began, on
    time.monotonic()'s clock."""

    started: float


def command_seconds() -> float:
    """Seconds since the command began: the clock a user's --budget counts. The `nnfit` command's
    begins with its process (imports included); a `run` called in a running program, with the call."""
    context = click.get_current_context(silent=True)
    invocation = context.find_root().obj if context is not None else None
    started = invocation.started if isinstance(invocation, Invocation) else _IMPORTED
    return time.monotonic() - started


def config_option() -> click.Option:
    """--config, of every command that takes settings."""
    return click.Option(
        ["--config", "-c"], type=click.Path(dir_okay=False), help="YAML or TOML file of settings; flags override it"
    )


def run(argv: list[str] | None = None, *, started: float | None = None) -> None:
    """Entry point: NnfitError -> one line on stderr and exit 2. `started`: when the command began,
    on time.monotonic()'s clock (`command_seconds`); default, now."""
    invocation = Invocation(time.monotonic() if started is None else started)
    args = sys.argv[1:] if argv is None else list(argv)
    debug = "--debug" in args
    try:
        main.main(args=args, standalone_mode=False, prog_name="nnfit", obj=invocation)
    except (click.exceptions.Abort, KeyboardInterrupt):
        click.echo("nnfit: stopped (Ctrl-C)", err=True)
        sys.exit(130)
    except click.UsageError as exc:  # a misspelt flag, a missing argument: one line, like our own errors
        command = exc.ctx.command_path if exc.ctx else "nnfit"
        click.echo(f"nnfit: error: {exc.format_message()} (see {command} --help)", err=True)
        sys.exit(2)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except NnfitError as exc:
        if debug:
            raise
        click.echo(f"nnfit: error: {exc}", err=True)
        sys.exit(2)


def entry() -> None:
    """The `nnfit` command: `run`, then an immediate exit once the output is flushed. Unloading JAX
    and XLA at interpreter shutdown took 0.5 s after a fit, with nothing left to write."""
    try:
        run(started=time.monotonic() - process_seconds())
        status: int = 0
    except SystemExit as exc:
        if isinstance(exc.code, str):
            print(exc.code, file=sys.stderr)
        status = exc.code if isinstance(exc.code, int) else int(exc.code is not None)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)
