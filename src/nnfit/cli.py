"""The `nnfit` command: thin. It reads flags into a Task and Recipe, calls the library, prints.

Every option of `nnfit fit` is generated from the Task and Recipe tables, so each is defined
once; a config file gives values and flags override them. Any NnfitError becomes one line on
stderr and exit status 2 (a traceback only with --debug).
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
import numpy as np

from . import __version__, tables
from .arguments import Command
from .config import CONFIG_SUFFIXES, read_config, split_settings
from .errors import NnfitError, RunDirError
from .params import shown
from .recipe import Recipe
from .space import Search
from .task import Task

if TYPE_CHECKING:
    from .law import Discovery

RUNS_DIR = Path("nnfit-runs")
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


def _options(section: type[Task | Recipe | Search], leave_out: tuple[str, ...] = ()) -> list[click.Option]:
    """One click option per field of a settings table but `leave_out` (a Task's target is the argument)."""
    options = []
    for name, param in section.params().items():
        if name == "target" or name in leave_out:
            continue
        flag = param.option(name)
        help_text = f"{param.help} [default: {shown(section.defaults()[name])}]"
        if param.kind == "bool":
            options.append(click.Option([f"{flag}/--no-{flag[2:]}", name], default=None, help=help_text))
        else:
            metavar = "|".join(param.choices) if param.choices else param.kind.upper().rstrip("S")
            options.append(click.Option([flag, name], default=None, metavar=metavar, help=help_text))
    return options


def _settings(target: str | None, config: str | None, flags: dict[str, Any]) -> tuple[Task, Recipe]:
    """Task and Recipe from a config file and flags; a TARGET ending in .yaml/.toml is the config."""
    if target is not None and Path(target).suffix.lower() in CONFIG_SUFFIXES:
        if config is not None:
            raise NnfitError(f"two recipe files given: {target} and --config {config}; give one")
        target, config = None, target
    settings = read_config(config) if config else {}
    given = {k: v for k, v in flags.items() if v is not None}
    for pair in EXCLUSIVE:  # a flag replaces its alternative from the config file
        for name in pair:
            if name in given:
                settings.pop(next(other for other in pair if other != name), None)
    settings.update(given)
    if target is not None:
        settings["target"] = target
    return split_settings(settings)


def _fit_command(
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
    from . import data

    path: Path | None
    if resume is not None:
        path, task, recipe, state = _resumable(resume, target, config, out, flags)
    else:
        task, recipe = _settings(target, config, flags)
        path, state = Path(out) if out else None, None
        if path is not None and path.exists() and not overwrite:
            raise RunDirError(f"{path} already exists — choose another --out or pass --overwrite")
    rng = np.random.default_rng(recipe.seed)
    fitted, domain, dataset = data.prepare(task, rng)  # every input check, before JAX is loaded

    from . import rundir
    from .callbacks import Interrupt, RichProgress
    from .run import fit_into
    from .train import INTERRUPTED

    if path is None:
        path = rundir.reserve(RUNS_DIR, rundir.slug(task.target or "fit"))
    progress = [] if quiet or as_json or not sys.stderr.isatty() else [RichProgress()]
    if not no_report:  # matplotlib loads while training leaves a core free: 0.4 s sooner done
        threading.Thread(target=lambda: importlib.import_module("nnfit.report").warm(), daemon=True).start()
    if state is not None and not as_json:
        click.echo(f"resumed from step {state['step']} ({path})", err=True)
    result = fit_into(
        path,
        (fitted, domain, dataset),
        task,
        recipe,
        rng,
        [Interrupt(), *progress],
        resume=state,
        overwrite=overwrite,
        fixes=try_fixes,
        report=not no_report,
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


def _resumable(
    resume: str, target: str | None, config: str | None, out: str | None, flags: dict[str, Any]
) -> tuple[Path, Task, Recipe, dict[str, Any] | None]:
    """The run directory to resume (a path, or "last"), its task and recipe, and its checkpoint."""
    from . import checkpoint, rundir

    given = [f"--{k.replace('_', '-')}" for k, v in flags.items() if v is not None]
    if target or config or out or given:
        extra = target or (config and "--config") or (out and "--out") or given[0]
        raise RunDirError(f"--resume goes on with the run's own recipe (DIR/recipe.yaml); leave out {extra}")
    if resume == "last":
        candidates = sorted(
            (p for p in RUNS_DIR.glob("*") if (p / rundir.MARKER).is_file() or (p / checkpoint.FILE).is_file()),
            key=lambda p: p.name,
        )
        if not candidates:
            raise RunDirError(f"no unfinished or interrupted run in {RUNS_DIR}/ to resume")
        path = candidates[-1]
    else:
        path = Path(resume)
    if not (path / "recipe.yaml").is_file():
        raise RunDirError(f"{path} is not a run directory to resume (no recipe.yaml)")
    if not (path / rundir.MARKER).is_file() and not (path / checkpoint.FILE).is_file():
        raise RunDirError(f"{path} is complete: there is nothing to resume")
    state = checkpoint.read(path)
    task, recipe = split_settings(read_config(path / "recipe.yaml"))
    return path, task, recipe, state


def _doctor_command(target: str | None, config: str | None, as_json: bool, try_fixes: bool, **flags: Any) -> None:
    from .run import doctor

    task, recipe = _settings(target, config, flags)
    findings = doctor(task=task, recipe=recipe, try_fixes=try_fixes)
    if as_json:
        click.echo(json.dumps([f.to_dict() for f in findings], indent=2))
        return
    console = tables.console()
    console.print(f"[bold]nnfit doctor[/] {task.target} | {recipe.summary()}")
    tables.print_findings(console, findings)


@click.group(context_settings={"help_option_names": ["-h", "--help"]}, epilog=EPILOG)
@click.version_option(version=__version__, prog_name="nnfit")
@click.option("--debug", is_flag=True, help="show a traceback on errors")
def main(debug: bool) -> None:
    """Fit neural networks to functions and data, and see where to trust them."""


def _try_fixes_option() -> click.Option:
    """--try-fixes, of `nnfit fit` and `nnfit doctor`."""
    return click.Option(
        ["--try-fixes"],
        is_flag=True,
        help="apply each proposed fix to a short probe and show its measured gain (a few seconds a fix)",
    )


fit_command = Command(
    "fit",
    callback=_fit_command,
    epilog=EPILOG,
    help="Fit TARGET (a formula, or a .csv/.parquet/.npy/.npz file) and report the error inside and "
    "outside the training domain.",
    params=[
        click.Argument(["target"], required=False),
        click.Option(
            ["--config", "-c"], type=click.Path(dir_okay=False), help="YAML or TOML file of settings; flags override it"
        ),
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
        _try_fixes_option(),
        *_options(Task),
        *_options(Recipe),
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
        click.Option(
            ["--config", "-c"], type=click.Path(dir_okay=False), help="YAML or TOML file of settings; flags override it"
        ),
        click.Option(["--json", "as_json"], is_flag=True, help="print the findings as JSON"),
        _try_fixes_option(),
        *_options(Task, leave_out=("discover",)),
        *_options(Recipe),
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
    from .comparison import compare

    given = {k: v for k, v in (("target", target), ("domain", domain), ("samples", samples)) if v is not None}
    task = None
    if given:
        task = split_settings(given)[0]
    seed_value = Recipe.params()["seed"].coerce("seed", seed) if seed is not None else None
    comparison = compare(entries, task=task, seed=seed_value)
    console = tables.console()
    tables.print_rows(console, comparison.rows(), "most accurate inside the domain first")
    console.print(f"page    {comparison.write_html(out)}")


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
    from .sweeps import resume as go_on
    from .sweeps import sweep

    searching = {k: v for k, v in flags.items() if k in Search.params() and v is not None}
    if resume is not None:
        rest = [k for k, v in flags.items() if v is not None and k != "workers"]
        if target or config or space or out or rest:
            raise NnfitError("--resume goes on with the sweep's own settings (DIR/sweep.yaml); give only --workers")
        workers = Search.params()["workers"].coerce("workers", flags["workers"]) if flags["workers"] else None
        result = go_on(resume, workers, progress=not quiet)
        folder = Path(resume)
    else:
        task, recipe = _settings(target, config, {k: v for k, v in flags.items() if k not in Search.params()})
        search = Search(**searching)
        result = sweep(task=task, recipe=recipe, search=search, space=space, out=out, progress=not quiet)
        folder = result.path or Path(".")
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
        click.Option(
            ["--config", "-c"], type=click.Path(dir_okay=False), help="YAML or TOML file of settings; flags override it"
        ),
        click.Option(
            ["--space"],
            type=click.Path(dir_okay=False),
            help="YAML/TOML file of recipe fields to search, merged over the default space: "
            "'lr: {low: 1e-4, high: 1e-1, log: true}', 'activation: [gelu, tanh]', or one value to fix a field",
        ),
        click.Option(["--out", "-o"], help="the sweep's folder [default: nnfit-sweeps/NNN-<target>]"),
        click.Option(["--resume"], metavar="DIR", help="go on with the sweep in DIR until its trials are done"),
        click.Option(["--quiet", "-q"], is_flag=True, help="no line per trial"),
        *_options(Search),
        *_options(Task),
        *_options(Recipe),
    ],
)
sweep_group.add_command(sweep_run)


@sweep_group.command("show", epilog=SWEEP_EPILOG)
@click.argument("folder", required=False)
@click.option("--storage", help="a database URL (postgresql://user@host:port/db) instead of a sweep folder")
@click.option("--study", help="the study's name in --storage")
def sweep_show(folder: str | None, storage: str | None, study: str | None) -> None:
    """Print the leaderboard of the sweep in FOLDER, or of --study in --storage, as it stands."""
    from .sweeps import show

    if (folder is None) == (storage is None):
        raise NnfitError("give a sweep folder, or --storage URL with --study NAME, one of the two")
    _print_sweep(show(folder, storage, study), top=None)


def _discover_command(
    target: str | None, config: str | None, as_json: bool, export: tuple[str, ...], **flags: Any
) -> None:
    from .closed_form import discover
    from .law import readable

    task, recipe = _settings(target, config, flags)
    found = discover(task=task, seed=recipe.seed)
    if as_json:
        click.echo(json.dumps([d.to_dict() for d in found], indent=2))
    else:
        console = tables.console()
        for discovery in found:
            tables.print_law(console, discovery)
            rows = [
                {"candidate": readable(c.expression), "terms": c.terms, "validation rRMSE": c.val_rrmse}
                for c in sorted(discovery.candidates, key=lambda c: c.val_rrmse)[:5]
            ]
            tables.print_rows(console, rows, "best candidates")
    for discovery, path in _law_files(found, export):
        click.echo(f"wrote {discovery.export(path)}", err=as_json)


def _law_files(laws: Sequence[Discovery], paths: Sequence[str]) -> list[tuple[Discovery, Path]]:
    """Each law with each file to export it to: the paths as given for one output, else with the
    output's name added to each (law.py -> law_y.py). A law not claimed cannot be exported."""
    if not paths:
        return []
    missing = [law.output for law in laws if law.expression is None]
    if missing:
        raise NnfitError(f"no closed form was claimed for {missing[0]!r}: there is no law to export")
    return [
        (law, Path(path) if len(laws) == 1 else Path(path).with_stem(f"{Path(path).stem}_{law.output}"))
        for law in laws
        for path in paths
    ]


discover_command = Command(
    "discover",
    callback=_discover_command,
    epilog=EPILOG,
    help="Search for a closed form of TARGET (a data file, or a formula to check): a sum of library terms "
    "fitted exactly, claimed only at the data's noise floor (nnfit discover data.csv --outputs y).",
    params=[
        click.Argument(["target"], required=False),
        click.Option(
            ["--config", "-c"], type=click.Path(dir_okay=False), help="YAML or TOML file of settings; flags override it"
        ),
        click.Option(["--json", "as_json"], is_flag=True, help="print the discoveries as JSON"),
        click.Option(
            ["--export"],
            multiple=True,
            metavar="FILE",
            help="write the law to FILE, as its suffix says: .txt SymPy, .tex LaTeX, .py a NumPy function, "
            ".json (read back by nnfit), .onnx; repeat for several",
        ),
        *_options(Task, leave_out=("discover",)),
    ],
)
main.add_command(discover_command)


@main.command("report", epilog=EPILOG)
@click.argument("run_dir")
@click.option("--open", "open_page", is_flag=True, help="open the report in a browser, where one exists")
def report_command(run_dir: str, open_page: bool) -> None:
    """Rebuild report.html (and its PNG figures) in RUN_DIR from what the run recorded."""
    from . import report
    from .rundir import load

    page = report.write(load(run_dir), Path(run_dir))
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
    from . import data
    from .rundir import load

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
    tables.print_queries(console, result.inputs, result.outputs, queries, result.laws)
    outside = sum(not q.inside for q in queries)
    if outside:
        console.print(
            f"{outside} of {len(queries)} points lie outside the training domain {result.domain}: "
            "expect larger errors there"
        )


@main.command("runs", epilog=EPILOG)
@click.argument("folder", default=str(RUNS_DIR))
def runs_command(folder: str) -> None:
    """List the run directories in FOLDER (default nnfit-runs/): complete, interrupted, running or
    killed, with what to do about the unfinished ones."""
    from .rundir import status

    paths = sorted(p for p in Path(folder).glob("*") if p.is_dir() and not p.name.startswith("."))
    if not paths:
        click.echo(f"no runs in {folder}/")
    for path in paths:
        click.echo(f"{path}  {status(path)}")


NETWORK_FORMATS = ("onnx", "numpy", "json")  # nnfit.export.FORMATS, named here without importing JAX
LAW_FORMATS = ("sympy", "latex", "python", "json", "onnx")  # nnfit.law.FORMATS


@main.command("export", epilog=EPILOG)
@click.argument("run_dir")
@click.option(
    "--format",
    "format_",
    type=click.Choice(list(dict.fromkeys(NETWORK_FORMATS + LAW_FORMATS))),
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
    from .rundir import load

    if format_ not in (LAW_FORMATS if law else NETWORK_FORMATS):
        raise NnfitError(
            f"a law exports as {', '.join(LAW_FORMATS)}; got --format {format_}"
            if law
            else f"--format {format_} writes a law: add --law (for a run fitted with --discover)"
        )
    result = load(run_dir)
    if law:
        from .law import FORMATS

        if not result.laws:
            raise NnfitError(f"{run_dir} holds no law: fit it with --discover to search for one")
        default = Path(run_dir) / f"law{FORMATS[format_]}"
        for found, path in _law_files(result.laws, [out or str(default)]):
            click.echo(f"wrote {found.export(path, format_)}")
        return
    from .export import FORMATS

    path = Path(out) if out else Path(run_dir) / f"model{FORMATS[format_]}"
    for file in result.export(path, format_):
        click.echo(f"wrote {file}")


@main.command("serve", epilog=EPILOG)
@click.option("--port", default=8765, show_default=True, type=click.IntRange(0, 65535), help="port to listen on")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="address to listen on; any but 127.0.0.1 lets other machines in, and the page has no login",
)
@click.option("--runs", "runs_dir", default=str(RUNS_DIR), show_default=True, help="run directory folder to fit into")
@click.option("--no-browser", is_flag=True, help="do not open the page in a browser")
@click.option("--max-samples", type=click.IntRange(1), help="most rows of data one fit may use")
@click.option("--max-steps", type=click.IntRange(1), help="most steps one fit may ask for")
@click.option("--max-seconds", type=click.FloatRange(min=0, min_open=True), help="most seconds one fit may train")
@click.option("--max-upload", type=click.FloatRange(min=0, min_open=True), help="largest data file to upload, MiB")
@click.option("--max-queue", type=click.IntRange(1), help="most fits waiting at once")
def serve_command(
    port: int,
    host: str,
    runs_dir: str,
    no_browser: bool,
    max_samples: int | None,
    max_steps: int | None,
    max_seconds: float | None,
    max_upload: float | None,
    max_queue: int | None,
) -> None:
    """Start the playground: a local web page that fits a formula or an uploaded data file live,
    shows the doctor's findings with fixes to apply, and compares runs. Fits are written to --runs."""
    import dataclasses

    from .web import LOOPBACK, Limits, serve

    upload = None if max_upload is None else round(max_upload * 2**20)
    caps: dict[str, Any] = {
        "samples": max_samples,
        "steps": max_steps,
        "seconds": max_seconds,
        "upload": upload,
        "queue": max_queue,
    }
    limits = dataclasses.replace(Limits(), **{k: v for k, v in caps.items() if v is not None})
    shown_host = f"[{host}]" if ":" in host else host
    click.echo(f"nnfit playground on http://{shown_host}:{port}/  (Ctrl-C stops it; runs in {runs_dir}/)")
    click.echo(
        f"caps per fit: {limits.samples} rows, {limits.steps} steps, {limits.seconds:g} s of training, "
        f"uploads of {limits.upload / 2**20:g} MiB, {limits.queue} fits waiting (--max-* flags change them)"
    )
    if host not in LOOPBACK:
        click.echo(
            f"warning: listening on {host}: anyone who can reach it can fit and read runs — the page has no login"
        )
    serve(Path(runs_dir), host, port, limits, open_browser=not no_browser)


def run(argv: list[str] | None = None) -> None:
    """Entry point: NnfitError -> one line on stderr and exit 2."""
    args = sys.argv[1:] if argv is None else list(argv)
    debug = "--debug" in args
    try:
        main.main(args=args, standalone_mode=False, prog_name="nnfit")
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
        run()
        status: int = 0
    except SystemExit as exc:
        if isinstance(exc.code, str):
            print(exc.code, file=sys.stderr)
        status = exc.code if isinstance(exc.code, int) else int(exc.code is not None)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)
