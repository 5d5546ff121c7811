"""`nnfit fit`, `doctor`, `compare`, `report`, `predict`, `runs` and `export`: a fit, its run
directory, and what is read back from it."""

from __future__ import annotations

import contextlib
import importlib
import json
import sys
import threading
import time
from pathlib import Path
from typing import Any

import click
import numpy as np
from rich.console import Console

from ..config import read_config, split_settings
from ..errors import NnfitError, RunDirError
from ..recipe import Recipe
from ..task import Task
from . import _tables as tables
from ._arguments import Command
from ._base import EPILOG, RUNS_DIR, command_seconds, config_option, main, options, settings, try_fixes_option
from ._laws import law_files

# What follows a fit in `nnfit fit`, kept from a --budget: writing the report (its figures: 0.35-0.5 s
# warm on seed 001's task of 2 inputs, RESULTS.md) and printing the summary (a few ms).
REPORT_SECONDS = 0.6
SUMMARY_SECONDS = 0.05
# A budget spent before the fit begins (a 1 s budget, and JAX takes 1.5 s to load) still trains this
# share of it: a first chunk of steps, and an answer.
LEAST_SHARE = 0.1

# Each command imports the library inside its function: `nnfit --help` and the input checks answer
# without loading JAX (0.2 s, against about 2 s with it).


def _fit_command(
    *,  # click passes every option by name
    target: str | None,
    config: str | None,
    out: str | None,
    overwrite: bool,
    no_report: bool,
    as_json: bool,
    quiet: bool,
    resume: str | None,
    try_fixes: bool,
    **flags: Any,
) -> None:
    from .. import data

    path: Path | None
    if resume is not None:
        path, task, recipe, state = _resumable(resume, target, config, out, flags)
    else:
        task, recipe = settings(target, config, flags)
        path, state = Path(out) if out else None, None
        if path is not None and path.exists() and not overwrite:
            raise RunDirError(f"{path} already exists — choose another --out or pass --overwrite")
    interactive = not (quiet or as_json) and sys.stderr.isatty()
    # a spinner from the start, as loading JAX and compiling the first steps take seconds
    waiting = Console(stderr=True).status("preparing the data") if interactive else None
    with waiting or contextlib.nullcontext():
        rng = np.random.default_rng(recipe.seed)
        prepared = data.prepare(task, rng)  # every input check, before JAX is loaded
        if waiting is not None:
            waiting.update("loading JAX")

        from ..engine import INTERRUPTED, Interrupt, RichProgress
        from ..outputs import fit_into, reserve, slug

        if waiting is not None:
            waiting.update("starting the fit (the first on this machine compiles its steps: seconds more)")
        if path is None:
            path = reserve(RUNS_DIR, slug(task.target or "fit"))
        progress = [RichProgress(waiting=waiting)] if interactive else []
        if not no_report:  # matplotlib loads while training leaves a core free: 0.4 s sooner done
            threading.Thread(
                target=lambda: importlib.import_module("nnfit.outputs._report").warm(), daemon=True
            ).start()
        if state is not None and not as_json:
            click.echo(f"resumed from step {state['step']} ({path})", err=True)
        result = fit_into(
            path,
            prepared,
            task,
            recipe,
            rng,
            [Interrupt(), *progress],
            resume=state,
            overwrite=overwrite,
            fixes=try_fixes,
            report=not no_report,
            budget=_budget_left(recipe, report=not no_report),
        )
    if as_json:
        click.echo(
            json.dumps(
                {
                    "evaluation": result.evaluation,
                    "queries": [q.to_dict() for q in result.queries],
                    "findings": [f.to_dict() for f in result.findings],
                    **({"laws": [law.to_dict() for law in result.laws]} if result.laws else {}),
                    "run_dir": str(path),
                    **result.info,
                },
                indent=2,
            )
        )
    else:
        tables.print_summary(result, path)
    if (result.info["stop_reason"] or "").startswith(INTERRUPTED):
        click.echo(
            f"interrupted: the run above is saved with its best weights so far; continue it with "
            f"nnfit fit --resume {path}",
            err=True,
        )
        sys.exit(130)


def _budget_left(recipe: Recipe, *, report: bool) -> float | None:
    """Of a recipe's time limit, the seconds left to the fit: a user's --budget is the command's
    clock (`command_seconds`: from the process's start, imports and sampling included) to its last
    line, so what follows the fit (the report, the summary) is kept from it too. None without a limit."""
    if recipe.time_limit is None:
        return None
    left = recipe.time_limit - command_seconds() - (REPORT_SECONDS if report else SUMMARY_SECONDS)
    return max(left, LEAST_SHARE * recipe.time_limit)


def _resumable(
    resume: str, target: str | None, config: str | None, out: str | None, flags: dict[str, Any]
) -> tuple[Path, Task, Recipe, dict[str, Any] | None]:
    """The run directory to resume (a path, or "last"), its task and recipe, and its checkpoint."""
    from ..engine import CHECKPOINT_FILE, read_checkpoint  # the engine: loaded only to resume
    from ..outputs import MARKER, running_process

    given = [f"--{k.replace('_', '-')}" for k, v in flags.items() if v is not None]
    if target or config or out or given:
        extra = target or (config and "--config") or (out and "--out") or given[0]
        raise RunDirError(f"--resume goes on with the run's own recipe (DIR/recipe.yaml); leave out {extra}")
    if resume == "last":
        candidates = sorted(
            (p for p in RUNS_DIR.glob("*") if (p / MARKER).is_file() or (p / CHECKPOINT_FILE).is_file()),
            key=lambda p: p.name,
        )
        if not candidates:
            raise RunDirError(f"no unfinished or interrupted run in {RUNS_DIR}/ to resume")
        path = candidates[-1]
    else:
        path = Path(resume)
    if not (path / "recipe.yaml").is_file():
        raise RunDirError(f"{path} is not a run directory to resume (no recipe.yaml)")
    if not (path / MARKER).is_file() and not (path / CHECKPOINT_FILE).is_file():
        raise RunDirError(f"{path} is complete: there is nothing to resume")
    pid = running_process(path)
    if pid is not None:
        raise RunDirError(f"{path} is still running as process {pid}; stop it first (Ctrl-C there, or kill {pid})")
    state = read_checkpoint(path)
    task, recipe = split_settings(read_config(path / "recipe.yaml"))
    return path, task, recipe, state


def _doctor_command(target: str | None, config: str | None, as_json: bool, try_fixes: bool, **flags: Any) -> None:
    from ..fitting import doctor

    task, recipe = settings(target, config, flags)
    findings = doctor(task=task, recipe=recipe, try_fixes=try_fixes)
    if as_json:
        click.echo(json.dumps([f.to_dict() for f in findings], indent=2))
        return
    console = tables.console()
    console.print(f"[bold]nnfit doctor[/] {task.target} | {recipe.summary()}")
    tables.print_findings(console, findings)


fit_command = Command(
    "fit",
    callback=_fit_command,
    epilog=EPILOG,
    help="Fit TARGET (a formula, or a .csv/.parquet/.npy/.npz file) and report the error inside and "
    "outside the training domain.",
    params=[
        click.Argument(["target"], required=False),
        config_option(),
        click.Option(["--out", "-o"], help=f"run directory to write [default: {RUNS_DIR}/NNN-<target>]"),
        click.Option(["--overwrite"], is_flag=True, help="replace an existing run directory"),
        click.Option(["--no-report"], is_flag=True, help="skip report.html and its figures (about 1 s)"),
        click.Option(["--json", "as_json"], is_flag=True, help="print the metrics as JSON"),
        click.Option(["--quiet", "-q"], is_flag=True, help="no progress bar"),
        click.Option(
            ["--resume"],
            metavar="DIR|last",
            help="continue a killed or interrupted fit from its last checkpoint, with its own recipe "
            "('last': the newest in nnfit-runs/)",
        ),
        try_fixes_option(),
        *options(Task),
        *options(Recipe),
    ],
)
main.add_command(fit_command)

doctor_command = Command(
    "doctor",
    callback=_doctor_command,
    epilog=EPILOG,
    help="Diagnose a recipe without fitting it: static checks on the recipe and data, then a probe "
    "training of a few seconds. TARGET is a formula, a data file, or a recipe file "
    "(nnfit doctor examples/seed000-softmax.yaml).",
    params=[
        click.Argument(["target"], required=False),
        config_option(),
        click.Option(["--json", "as_json"], is_flag=True, help="print the findings as JSON"),
        try_fixes_option(),
        *options(Task, leave_out=("discover",)),
        *options(Recipe),
    ],
)
main.add_command(doctor_command)


@main.command("compare", epilog=EPILOG)
@click.argument("entries", nargs=-1, required=True)
@click.option("--task", "target", help="formula or data file to run every recipe file on")
@click.option("--domain", help='input ranges for --task, e.g. "x=0:100, y=0:1000:int"')
@click.option("--samples", help="points sampled from the task's domain")
@click.option("--seed", help="one seed for every recipe [default: the first recipe's]")
@click.option("--out", "-o", default="compare.html", show_default=True, help="the comparison page to write")
def compare_command(
    entries: tuple[str, ...], target: str | None, domain: str | None, samples: str | None, seed: str | None, out: str
) -> None:
    """Compare ENTRIES (run directories or recipe files) on one task, with the same data and seed."""
    from ..outputs import compare

    given = {k: v for k, v in (("target", target), ("domain", domain), ("samples", samples)) if v is not None}
    task = None
    if given:
        task = split_settings(given)[0]
    seed_value = Recipe.params()["seed"].coerce("seed", seed) if seed is not None else None
    comparison = compare(entries, task=task, seed=seed_value)
    console = tables.console()
    tables.print_rows(console, comparison.rows(), "most accurate inside the domain first")
    console.print(f"page    {comparison.write_html(out)}")


@main.command("report", epilog=EPILOG)
@click.argument("run_dir")
@click.option("--open", "open_page", is_flag=True, help="open the report in a browser, where one exists")
def report_command(run_dir: str, open_page: bool) -> None:
    """Rebuild report.html (and its PNG figures) in RUN_DIR from what the run recorded."""
    from ..outputs import load, write_report

    page = write_report(load(run_dir), Path(run_dir))
    click.echo(f"report  {page}")
    if open_page:
        import webbrowser

        if not webbrowser.open(page.resolve().as_uri()):
            click.echo("no browser found here: open the file above yourself", err=True)


@main.command("predict", cls=Command, epilog=EPILOG)
@click.argument("run_dir")
@click.argument("points", required=False)
@click.option("--input", "input_file", help="CSV/Parquet/NPY file with a column per input")
@click.option("--json", "as_json", is_flag=True, help="print predictions as JSON")
def predict_command(run_dir: str, points: str | None, input_file: str | None, as_json: bool) -> None:
    """Predict with the fit in RUN_DIR at POINTS ("45,100; 10,20") or at the rows of --input."""
    from .. import data
    from ..outputs import load

    result = load(run_dir)
    if (points is None) == (input_file is None):
        raise NnfitError('give points ("45,100; 10,20") or --input FILE, one of the two')
    if input_file:
        queries = result.query(data.read_inputs(input_file, result.inputs))
    else:
        queries = result.query(points)
    if as_json:
        click.echo(json.dumps([q.to_dict() for q in queries], indent=2))
        return
    console = tables.console()
    tables.print_queries(console, result, queries)
    outside = sum(not q.inside for q in queries)
    if outside:
        console.print(
            f"{outside} of {len(queries)} points lie outside the training domain {result.domain}: "
            "expect larger errors there"
        )


@main.command("runs", epilog=EPILOG)
@click.argument("folder", default=str(RUNS_DIR))
def runs_command(folder: str) -> None:
    """List the run directories in FOLDER (default nnfit-runs/), newest first: each one's target, test
    rRMSE and age, and whether it is complete, interrupted, running or killed, with what to do
    about the unfinished ones."""
    from ..outputs import run_summary

    paths = [p for p in Path(folder).glob("*") if p.is_dir() and not p.name.startswith(".")]
    if not paths:
        click.echo(f"no runs in {folder}/")
    now = time.time()
    for path, brief in sorted(((p, run_summary(p)) for p in paths), key=lambda pair: -pair[1]["modified"]):
        rrmse = f"test rRMSE {brief['test_rrmse']:.3g}" if brief["test_rrmse"] is not None else ""
        parts = [str(path), brief["target"] or "", rrmse, _age(now - brief["modified"]), brief["status"]]
        click.echo("  ".join(part for part in parts if part))


def _age(seconds: float) -> str:
    """A duration in the largest unit that keeps it at least 1: "40 s ago", "3 min ago", "2 days ago"."""
    if seconds >= 86_400:
        days = int(seconds // 86_400)
        return f"{days} day{'s' if days > 1 else ''} ago"
    for unit, size in (("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{seconds // size:.0f} {unit} ago"
    return f"{max(seconds, 0):.0f} s ago"


EXPORT_FORMAT_NAMES = ("onnx", "numpy", "json")  # nnfit.outputs.EXPORT_FORMATS, named here without importing JAX
LAW_FORMAT_NAMES = ("sympy", "latex", "python", "json", "onnx")  # nnfit.laws.LAW_FORMATS


@main.command("export", epilog=EPILOG)
@click.argument("run_dir")
@click.option(
    "--format",
    "format_",
    type=click.Choice(list(dict.fromkeys(EXPORT_FORMAT_NAMES + LAW_FORMAT_NAMES))),
    required=True,
    help="onnx: scalers inside the graph; numpy: a .py file needing only NumPy, with its .npz; "
    "json: weights, scalers, domain and architecture. With --law also sympy, latex and python",
)
@click.option(
    "--law", is_flag=True, help="export the closed form the run found (nnfit fit --discover), not the network"
)
@click.option("--out", "-o", help="file to write [default: RUN_DIR/model.<suffix>, or law.<suffix> with --law]")
def export_command(run_dir: str, format_: str, law: bool, out: str | None) -> None:
    """Export the fit in RUN_DIR for use without nnfit, in the user's units: --format numpy
    --out predictor.py writes predictor.py and predictor.npz; --law --format python writes the
    law as a NumPy function."""
    from ..outputs import load

    if format_ not in (LAW_FORMAT_NAMES if law else EXPORT_FORMAT_NAMES):
        raise NnfitError(
            f"a law exports as {', '.join(LAW_FORMAT_NAMES)}; got --format {format_}"
            if law
            else f"--format {format_} writes a law: add --law (for a run fitted with --discover)"
        )
    result = load(run_dir)
    if law:
        from ..laws import LAW_FORMATS

        if not result.laws:
            raise NnfitError(f"{run_dir} holds no law: fit it with --discover to search for one")
        default = Path(run_dir) / f"law{LAW_FORMATS[format_]}"
        for found, path in law_files(result.laws, [out or str(default)]):
            click.echo(f"wrote {found.export(path, format_)}")
        return
    from ..outputs import EXPORT_FORMATS

    path = Path(out) if out else Path(run_dir) / f"model{EXPORT_FORMATS[format_]}"
    for file in result.export(path, format_):
        click.echo(f"wrote {file}")
