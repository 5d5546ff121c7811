"""What the command line prints for a fit: its summary, metrics inside and outside the domain,
query points and the doctor's findings, as Rich tables on stdout."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table

from ..metrics import HEADINGS, percent, table_keys

if TYPE_CHECKING:
    from ..checks import Finding
    from ..data import Query
    from ..fitting import Fit
    from ..laws import Discovery


def console() -> Console:
    """stdout for tables; piped or redirected output is not wrapped to a terminal's 80 columns."""
    return Console(highlight=False, width=None if sys.stdout.isatty() else 200)


def print_summary(result: Fit, path: Path) -> None:
    """The fit's recipe, training, metrics inside and outside, query points and findings."""
    out = console()
    info = result.info
    out.print(f"[bold]nnfit[/] {result.target.describe()} over {result.domain}")
    out.print(f"recipe  {result.recipe.summary()}")
    if result.choice:
        out.print(f"chosen  {result.choice['reason']} ({info.get('choice_seconds', 0):.1f} s of probes)")
    resumed = f", resumed from step {info['resumed_from']}" if info.get("resumed_from") is not None else ""
    out.print(
        f"trained {info['steps']} steps in {info['seconds']:.1f} s — {info['stop_reason']}{resumed} "
        f"({info['n_params']} parameters, {info['n_train']} training samples)"
    )
    table = Table(box=None, header_style="bold")
    keys = table_keys(result.members, result.evaluation)
    for column in ("where", "set", "points", *(HEADINGS[k] for k in keys)):
        table.add_column(column, justify="left" if column in ("where", "set") else "right")
    undefined = []
    for name, m in result.evaluation.items():
        where = "inside" if name == "test" else "outside"
        values = (f"{m[k]:.4g}" if k in m else "—" for k in keys)
        table.add_row(where, name, str(m["n"]), *values)
        if m.get("undefined"):
            undefined.append(f"{m['undefined']} of {m['n'] + m['undefined']} points in {name}")
    out.print(table)
    if undefined:
        out.print(f"the target is undefined (NaN or inf) at {', '.join(undefined)}; those are left out")
    if result.queries:
        print_queries(out, result, result.queries)
    for k, law in enumerate(result.laws):
        print_law(out, law, result.output_evaluation(k))
    print_findings(out, result.findings)
    out.print(f"run     {path}")


def print_law(console: Console, law: Discovery, network: Mapping[str, dict[str, float]] | None = None) -> None:
    """The closed form found for one output and the evidence for it; where it was measured, its
    errors beside the network's (`network`: the network's metrics for that output, per set) or alone."""
    from ..laws import versus  # SymPy: loaded only where a law is shown

    console.print(f"[bold]law[/]     {law}")
    console.print(f"        {law.evidence}")
    if law.evaluation and network is not None:
        print_rows(console, versus(law, dict(network)), "the law beside the network")
    elif law.evaluation:
        measured = ", ".join(f"{name} {m['rrmse']:.3g}" for name, m in law.evaluation.items())
        console.print(f"        rRMSE of the law: {measured}")


SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "note": "cyan"}


def print_findings(console: Console, findings: Sequence[Finding]) -> None:
    """Each finding on a line, coloured by severity, with its fix below it and, where the fixes
    were tried, each one's measured gain."""

    if not findings:
        console.print("findings: none — nothing wrong seen before, during or after training")
        return
    console.print("findings:")
    for f in findings:
        at = f" (step {f.step})" if f.step is not None else ""
        console.print(f"  [{SEVERITY_STYLE[f.severity]}]{f.severity}[/] {f.code}{at}: {f.seen}")
        console.print(f"      fix: {f.fix}")
        for line in f.tried():
            console.print(f"      tried {line}")


def print_queries(console: Console, result: Fit, queries: Sequence[Query]) -> None:
    """Predictions at the query points with their intervals, beside the truth, marked inside or
    OUTSIDE the domain, and beside them what each law claimed (`Fit.laws`) gives there. A point
    beyond the reach the intervals were calibrated to gets none, and a line says why."""
    claimed = [law for law in result.laws if law.expression is not None]
    coverage = result.recipe.coverage
    table = Table(box=None, header_style="bold", title="query points", title_justify="left")
    for column in (
        *result.inputs,
        *result.outputs,
        f"{percent(coverage)} interval",
        *(f"{law.output} by law" for law in claimed),
        "true",
        "abs err",
        "rel err",
        "domain",
    ):
        table.add_column(column, justify="right")
    for q in queries:
        truth = ", ".join(f"{t:.6g}" for t in q.truth) if q.truth is not None else "—"
        abs_err = f"{q.abs_error:.4g}" if q.abs_error is not None else "—"
        rel_err = f"{q.rel_error:.2%}" if q.rel_error is not None else "—"
        where = "inside" if q.inside else "[bold yellow]OUTSIDE[/]"
        by_law = (f"{law.predict(q.point)[0]:.6g}" for law in claimed)
        table.add_row(
            *(f"{v:g}" for v in q.point),
            *(f"{v:.6g}" for v in q.prediction),
            q.interval_text(),
            *by_law,
            truth,
            abs_err,
            rel_err,
            where,
        )
    console.print(table)
    beyond = [q for q in queries if q.lower is None and q.reach is not None]
    if beyond and result.calibration is not None:
        console.print(
            f"{len(beyond)} of {len(queries)} points lie beyond {result.calibrated_reach():g}× the domain's "
            "half-widths from its centre, where the intervals end: no interval is claimed there"
        )


def print_rows(console: Console, rows: Sequence[Mapping[str, object]], title: str) -> None:
    """Rows of a comparison (`nnfit.outputs.comparison_row`) or any table, a column for each key, numbers
    to 4 figures, text to the left; the first column names each row and is never cut short,
    whatever the terminal's width."""
    if not rows:
        return
    table = Table(box=None, header_style="bold", title=title, title_justify="left")
    columns = list(dict.fromkeys(key for row in rows for key in row))
    name = columns[0]
    for column in columns:
        width = max(len(str(row.get(name, ""))) for row in rows) if column == name else None
        words = all(isinstance(row.get(column), str | None) for row in rows)  # text reads from the left
        table.add_column(column, justify="left" if column == name or words else "right", min_width=width)
    for row in rows:
        cells = (row.get(c) for c in columns)
        table.add_row(*(f"{v:.4g}" if isinstance(v, float) else "—" if v is None else str(v) for v in cells))
    console.print(table)
