"""`nnfit discover`: the law behind a data file, and the files a law is exported to."""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.console import Console

from .._outfiles import fresh
from ..errors import NnfitError
from ..task import Task
from . import _tables as tables
from ._arguments import Command
from ._base import EPILOG, config_option, main, options, settings

# Each command imports the library inside its function: `nnfit --help` and the input checks answer
# without loading JAX (0.2 s, against about 2 s with it).

if TYPE_CHECKING:
    from ..laws import Discovery


def _discover_command(
    target: str | None, config: str | None, as_json: bool, export: tuple[str, ...], **flags: Any
) -> None:
    from ..laws import BUDGET, discover, readable

    task, recipe = settings(target, config, flags)  # --budget is checked as a recipe's budget is
    # a spinner names each stage: a search of many inputs takes tens of seconds
    waiting = Console(stderr=True).status("reading the data") if not as_json and sys.stderr.isatty() else None
    with waiting or contextlib.nullcontext():
        progress = None if waiting is None else (lambda stage: waiting.update(f"searching {stage}"))
        found = discover(task=task, seed=recipe.seed, budget=recipe.budget or BUDGET, progress=progress)
    if as_json:
        click.echo(json.dumps([d.to_dict() for d in found], indent=2))
    else:
        console = tables.console()
        for discovery in found:
            tables.print_law(console, discovery)
            rows = [
                {"terms": c.terms, "validation rRMSE": c.val_rrmse, "candidate": readable(c.expression)}
                for c in discovery.front()
            ]
            tables.print_rows(console, rows, "the best sum of each size")
    for discovery, path in law_files(found, export):
        click.echo(f"wrote {discovery.export(path)}", err=as_json)


def law_files(laws: Sequence[Discovery], paths: Sequence[str]) -> list[tuple[Discovery, Path]]:
    """Each law with each file to export it to: the paths as given for one output, else with the
    output's name added to each (law.py -> law_y.py). A law not claimed cannot be exported."""
    if not paths:
        return []
    missing = [law.output for law in laws if law.expression is None]
    if missing:
        raise NnfitError(f"no closed form was claimed for {missing[0]!r}: there is no law to export")
    files = [
        (law, Path(path) if len(laws) == 1 else Path(path).with_stem(f"{Path(path).stem}_{law.output}"))
        for law in laws
        for path in paths
    ]
    fresh(*(path for _, path in files), option="--export")  # all or none of them is written
    return files


discover_command = Command(
    "discover",
    callback=_discover_command,
    epilog=EPILOG,
    help="Search for a closed form of TARGET (a data file, or a formula to check): a sum of library terms "
    "fitted exactly, claimed only at the data's noise floor (nnfit discover data.csv --outputs y).",
    params=[
        click.Argument(["target"], required=False),
        config_option(),
        click.Option(["--json", "as_json"], is_flag=True, help="print the discoveries as JSON"),
        click.Option(
            ["--budget"],
            default=None,
            metavar="SECONDS",
            help="the time the search of each output may take: 30s, 2m or seconds; an answer at the budget "
            "names what it left untried [default: 60s]",
        ),
        click.Option(
            ["--export"],
            multiple=True,
            metavar="FILE",
            help="write the law to FILE, as its suffix says: .txt SymPy, .tex LaTeX, .py a NumPy function, "
            ".json (read back by nnfit), .onnx; repeat for several",
        ),
        *options(Task, leave_out=("discover",)),
    ],
)
main.add_command(discover_command)
