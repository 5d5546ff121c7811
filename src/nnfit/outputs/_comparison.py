"""Recipes side by side on one task: the same data and seed for each, one table, overlaid curves."""

from __future__ import annotations

import base64
import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import fitting
from ..config import CONFIG_SUFFIXES, read_config, split_settings
from ..errors import NnfitError
from ..fitting import Fit
from ..recipe import Recipe
from ..task import Task
from . import _plots as plots
from ._report import STYLE, figure_png
from ._rundir import load

if TYPE_CHECKING:  # loaded with the first figure
    from matplotlib.figure import Figure


@dataclass(frozen=True)
class Comparison:
    """Named fits, most accurate inside the domain first."""

    names: tuple[str, ...]
    fits: tuple[Fit, ...]

    def rows(self) -> list[dict[str, object]]:
        """One row per fit: in-domain and per-shell rRMSE, max |error| inside, time, parameters."""
        return [
            comparison_row(name, fit.evaluation, fit.info.get("seconds"), fit.network.n_params)
            for name, fit in zip(self.names, self.fits)
        ]

    def figures(self) -> dict[str, Figure]:
        """Validation rRMSE against training time, and error against distance from the domain."""
        curves = plots.figure(7, 4)
        ax = curves.add_subplot()
        plotted = []
        for name, fit in zip(self.names, self.fits):
            records = [r for r in fit.history if r.get("val_rrmse") is not None]
            plotted += [r["val_rrmse"] for r in records]
            ax.plot([r["elapsed"] for r in records], [r["val_rrmse"] for r in records], label=name)
        ax.set(xlabel="training time (s)", ylabel="validation rRMSE", title="training")
        if any(v > 0 for v in plotted):  # a log axis needs a positive value to show
            plots.log_scale(ax)
        ax.legend(fontsize=8)
        extrapolation = plots.figure(7, 4)
        ax = extrapolation.add_subplot()
        for name, fit in zip(self.names, self.fits):
            ax.plot(*plots.extrapolation_curve(fit), marker="o", label=name)
        ax.set(
            xlabel="distance outside the training domain (half-widths; 0 = inside)",
            ylabel="median |error| / std(y)",
            title="error against distance from the domain",
        )
        plots.log_scale(ax)
        ax.legend(fontsize=8)
        return {"training": curves, "extrapolation": extrapolation}

    def write_html(self, path: str | Path) -> Path:
        """A self-contained compare.html: the table and the overlaid curves."""
        images = "".join(
            f'<h2>{name}</h2><img alt="{name}" src="data:image/png;base64,'
            f'{base64.b64encode(figure_png(figure)).decode("ascii")}">'
            for name, figure in self.figures().items()
        )
        task = self.fits[0].task
        page = (
            f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>nnfit compare</title><style>{STYLE}"
            f"</style></head><body><h1>nnfit compare</h1><p><b>{html.escape(str(task.target))}</b> over "
            f"<code>{html.escape(str(self.fits[0].domain))}</code></p>{table_html(self.rows())}"
            f"{images}</body></html>"
        )
        path = Path(path)
        path.write_text(page, encoding="utf-8")
        return path


def comparison_row(
    name: str, evaluation: Mapping[str, Mapping[str, float]], seconds: Any, parameters: int, first: str | None = None
) -> dict[str, object]:
    """A comparison's row for one fit: the rRMSE on each evaluation set (`first`, else "test", then
    the others: the shells), max |error| on the first set, training seconds and parameters."""
    first = first or ("test" if "test" in evaluation else next(iter(evaluation)))
    main = evaluation.get(first, {})
    cells: dict[str, object] = {"recipe": name, f"{first} rRMSE": main.get("rrmse")}
    cells.update({f"{set_name} rRMSE": m.get("rrmse") for set_name, m in evaluation.items() if set_name != first})
    cells.update({"max |err|": main.get("max_abs_error"), "seconds": seconds, "parameters": parameters})
    return cells


def compare(entries: Sequence[str | Path], task: Task | None = None, seed: int | None = None) -> Comparison:
    """Fit or load each entry and compare them, on the same samples, split and batch order.

    Args:
        entries: run directories (each fit is loaded as it is) or recipe files (each is fitted on
            the shared task).
        task: the shared task; the first recipe file's when None.
        seed: every recipe's seed; the first recipe's when None.

    Returns:
        The `Comparison`: its table (`rows`), figures and compare.html (`write_html`), most
        accurate inside the domain first.

    Raises:
        NnfitError: an entry that is neither a run directory nor a recipe file, or no task.
    """
    if not entries:
        raise NnfitError("nothing to compare: give run directories or recipe files")
    recipes: dict[int, Recipe] = {}
    for i, entry in enumerate(entries):
        path = Path(entry)
        if path.is_file() and path.suffix.lower() in CONFIG_SUFFIXES:
            file_task, recipes[i] = split_settings(read_config(path))
            task = task or file_task
        elif not path.is_dir():
            raise NnfitError(f"{entry} is neither a run directory nor a .yaml/.toml recipe file")
    if recipes and (task is None or task.target is None):
        raise NnfitError("no task to run the recipes on: give --task and --domain, or a recipe file with a target")
    seed = seed if seed is not None else (next(iter(recipes.values())).seed if recipes else 0)
    fits = [
        fitting.fit(task=task, recipe=recipes[i].replace(seed=seed)) if i in recipes else load(entry)
        for i, entry in enumerate(entries)
    ]
    names = [Path(entry).stem if i in recipes else Path(entry).name for i, entry in enumerate(entries)]
    order = sorted(range(len(fits)), key=lambda i: _score(fits[i]))
    return Comparison(tuple(names[i] for i in order), tuple(fits[i] for i in order))


def _score(fit: Fit) -> float:
    value = fit.evaluation.get("test", {}).get("rrmse")
    return value if value is not None and np.isfinite(value) else np.inf


def table_html(rows: Sequence[Mapping[str, object]]) -> str:
    """An HTML table of `rows`, a column for each key any row has, numbers to 4 figures."""
    columns = list(dict.fromkeys(key for row in rows for key in row))
    head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{_cell(row.get(c))}</td>" for c in columns) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return html.escape("—" if value is None else str(value))
