"""sweep.html: a sweep on one self-contained page, as report.html is for a fit: the history of the
trials, which parameters mattered, the leaderboard and the top recipes side by side."""

from __future__ import annotations

import base64
import html
import math
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

import optuna
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from ..outputs import STYLE, figure_png, log_scale, table_html
from ..outputs import figure as new_figure

if TYPE_CHECKING:  # the sweep imports this module to draw its page
    from ._sweep import Sweep

TOP = 5  # recipes side by side: as many as fit across a page
LEADERBOARD = 20  # rows on the page; `nnfit sweep show` prints them all


def history(sweep: Sweep) -> Figure:
    """Validation rRMSE of each completed trial by trial number, with the best so far; for two
    objectives, rRMSE against training seconds with the front drawn."""
    figure = new_figure(7, 4)
    ax = figure.add_subplot()
    trials = sorted(sweep.completed, key=lambda t: t.number)
    finite = [t for t in trials if math.isfinite(t.values[0])]
    if len(sweep.study.directions) > 1:
        front = sorted(sweep.front, key=lambda t: t.values[1])
        ax.scatter([t.values[1] for t in finite], [t.values[0] for t in finite], s=14, label="trials")
        ax.plot([t.values[1] for t in front], [t.values[0] for t in front], "o-", color="tab:red", label="front")
        ax.set(xlabel="training seconds", title="validation rRMSE against training time")
    else:
        best, running = [], math.inf
        for trial in finite:
            running = min(running, trial.values[0])
            best.append(running)
        ax.scatter([t.number for t in finite], [t.values[0] for t in finite], s=14, label="trial")
        ax.step([t.number for t in finite], best, where="post", color="tab:red", label="best so far")
        ax.set(xlabel="trial", title="optimisation history")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel("validation rRMSE")
    if finite:
        log_scale(ax)
        ax.legend(fontsize=8)
    return figure


def importances(sweep: Sweep) -> Figure | None:
    """Optuna's parameter importances for the validation rRMSE (fANOVA), or None when too few
    trials differ to tell."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            found = optuna.importance.get_param_importances(sweep.study, target=lambda t: t.values[0])
    except (ValueError, RuntimeError):  # fewer than two completed trials, or nothing varied
        return None
    if not found:
        return None
    figure = new_figure(7, 0.9 + 0.35 * len(found), left=1.4)
    ax = figure.add_subplot()
    names = list(found)[::-1]
    ax.barh(names, [found[n] for n in names])
    ax.set(xlabel="share of the variation in validation rRMSE (fANOVA)", title="parameter importances")
    return figure


def write_html(sweep: Sweep, path: Path) -> Path:
    """Write the page to `path`; it needs no network."""
    counts = sweep.counts
    state = ", ".join(f"{n} {name}" for name, n in counts.items() if n)
    best = ""
    if sweep.best is not None:
        test = sweep.best.evaluation.get("test", {}).get("rrmse")
        best = (
            f"<h2>best recipe</h2><p>{html.escape(sweep.best.recipe.summary())}</p>"
            f"<p>refit on the same data: test rRMSE <b>{test:.4g}</b> — its run: "
            f'<a href="best/report.html">best/report.html</a></p>'
        )
    top = sweep.completed[:TOP]
    names = list(dict.fromkeys(name for trial in top for name in trial.params))
    side = [{"": name, **{f"#{t.number}": t.params.get(name) for t in top}} for name in names]
    side.append({"": "validation rRMSE", **{f"#{t.number}": t.values[0] for t in top}})
    figures = [history(sweep), importances(sweep)]
    images = "".join(
        f'<img alt="figure" src="data:image/png;base64,{base64.b64encode(figure_png(f)).decode("ascii")}">'
        for f in figures
        if f is not None
    )
    page = (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>nnfit sweep</title><style>{STYLE}</style>"
        f"</head><body><h1>nnfit sweep {html.escape(sweep.study.study_name)}</h1><p>trials: {state}</p>{best}"
        f"{images}<h2>top recipes side by side</h2>{table_html(side)}"
        f"<h2>leaderboard (validation split; the test split is used by the best's refit only)</h2>"
        f"{table_html(sweep.rows(LEADERBOARD))}</body></html>"
    )
    path.write_text(page, encoding="utf-8")
    return path
