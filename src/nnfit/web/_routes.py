"""The playground's routes, in three routers over one `Playground` (its runs folder, its caps and its
job queue): the page, the fits (checking a target, uploading a file, queueing a fit and streaming
its events) and the runs (reading, querying, exporting and comparing run directories). No fitting
logic lives here; every answer is the library's, and only names inside the runs folder are read or
written.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import numpy as np
from fastapi import APIRouter, Body, Depends, Request
from fastapi.responses import FileResponse, StreamingResponse
from starlette.exceptions import HTTPException

from .. import data
from ..config import command_line, presets, split_settings
from ..data import parse
from ..errors import NnfitError, RecipeError
from ..laws import versus
from ..outputs import compare as compared
from ..outputs import load, run_summary
from ..recipe import Recipe
from ..task import Task
from ._jobs import Jobs, Limits, finite, live_axes, live_grid

STATIC = Path(__file__).parent / "static"
UPLOADS = ".uploads"  # hidden: `nnfit runs` and the runs list pass over it
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.+-]*")  # one path part: no separator, no leading dot
POLL = 0.05  # seconds between looks for new events of a streamed fit: a chunk takes longer
JSONBody = Annotated[dict[str, Any], Body()]  # a request's JSON object
EXPORTS = {"onnx": "model.onnx", "numpy": "model.py", "json": "model.json"}


@dataclass(frozen=True)
class Playground:
    """What every route of one server shares: the runs folder it reads and writes, the caps on
    what a fit may ask, and the queue its fits run in, one at a time."""

    root: Path
    limits: Limits
    jobs: Jobs


def playground(request: Request) -> Playground:
    """The server's Playground, kept in the app's state from its start to its end."""
    return request.app.state.playground


Server = Annotated[Playground, Depends(playground)]


class Refused(HTTPException):
    """A request the server will not carry out, with the reason as its detail."""

    def __init__(self, detail: str, status: int = 403) -> None:
        super().__init__(status, detail)


page_routes = APIRouter()
fit_routes = APIRouter()
run_routes = APIRouter()


@page_routes.get("/", include_in_schema=False)
def page() -> FileResponse:
    return FileResponse(STATIC / "index.html")


@page_routes.get("/static/plotly.min.js", include_in_schema=False)
def plotly_js() -> FileResponse:
    import plotly  # its own copy of Plotly.js: the page works with no network

    return FileResponse(Path(plotly.__file__).parent / "package_data" / "plotly.min.js")


@fit_routes.get("/api/schema")
def schema(server: Server) -> dict[str, Any]:
    return {
        "task": _table(Task),
        "recipe": _table(Recipe),
        "presets": [{"name": "default", "about": "nnfit's default recipe", "settings": {}}]
        + [{"name": name, "about": about, "settings": values} for name, (about, values) in presets().items()],
        "limits": server.limits.to_dict(),
    }


@fit_routes.post("/api/check")
def check(body: JSONBody, server: Server) -> dict[str, Any]:
    target = body.get("target")
    if not isinstance(target, str):
        raise RecipeError('no target: give a formula such as "x**2 + x", or upload a data file')
    if _is_file(target):
        return {"kind": "data", "columns": list(data.read_columns(_upload(server.root, target)))}
    formula = parse(target)
    return {
        "kind": "formula",
        "formula": "; ".join(f"{o} = {e}" for o, e in zip(formula.outputs, formula.expressions)),
        "variables": list(formula.variables),
        "outputs": list(formula.outputs),
    }


@fit_routes.post("/api/upload")
async def upload(request: Request, name: str, server: Server) -> dict[str, Any]:
    if not NAME.fullmatch(name) or not _is_file(name):
        raise RecipeError(f"upload name {name!r} must be a plain file name ending in {', '.join(data.SUFFIXES)}")
    folder = server.root / UPLOADS
    folder.mkdir(exist_ok=True)
    # written aside under a hidden name that keeps the suffix (the reader goes by it), then checked
    path, partial = _inside(server.root / UPLOADS, name), folder / f".partial-{name}"
    size = 0
    with partial.open("wb") as out:
        async for piece in request.stream():
            size += len(piece)
            if size > server.limits.upload:
                break
            out.write(piece)
    if size > server.limits.upload:
        partial.unlink()
        raise Refused(
            f"the file is over this server's cap of {server.limits.upload / 2**20:g} MiB (nnfit serve --max-upload raises it)",
            413,
        )
    try:
        columns = data.read_columns(partial)
    except NnfitError as exc:
        partial.unlink()
        raise RecipeError(str(exc).replace(str(partial), name)) from None
    partial.replace(path)
    return {"target": f"{server.root / UPLOADS / name}", "columns": list(columns)}


@fit_routes.post("/api/fit")
def post_fit(body: JSONBody, server: Server) -> dict[str, Any]:
    settings = dict(body)
    fixes = bool(settings.pop("try_fixes", False))
    if isinstance(settings.get("target"), str) and _is_file(settings["target"]):
        settings["target"] = str(_upload(server.root, settings["target"]))
    task, recipe = split_settings(settings)
    _within(task, recipe, server.limits)
    rng = np.random.default_rng(recipe.seed)
    prepared = data.prepare(task, rng)
    dataset = prepared.dataset
    if len(dataset.X) > server.limits.samples:
        raise Refused(f"{len(dataset.X)} rows are over this server's cap of {server.limits.samples}", 400)
    epochs = recipe.epochs and recipe.epochs * recipe.steps_per_epoch(len(dataset.train))
    if epochs and epochs > server.limits.steps:
        raise Refused(
            f"{recipe.epochs} epochs are {epochs} steps, over this server's cap of {server.limits.steps}", 400
        )
    job = server.jobs.submit(task, recipe, prepared, rng, fixes)
    return {**job.to_dict(), "command": command_line(task, recipe)}


@fit_routes.get("/api/jobs")
def list_jobs(server: Server) -> list[dict[str, Any]]:
    return [job.to_dict() for job in server.jobs.waiting()]


@fit_routes.get("/api/jobs/{job_id}/events")
async def events(job_id: int, request: Request, server: Server) -> StreamingResponse:
    job = _job(server.jobs, job_id)
    start = int(request.headers.get("last-event-id", -1)) + 1  # a reconnecting page goes on from there

    async def stream() -> AsyncIterator[str]:
        index = start
        while True:
            for event in job.since(index):
                yield f"id: {index}\ndata: {json.dumps(event)}\n\n"
                index += 1
                if event["type"] == "end":
                    return
            if await request.is_disconnected():
                return
            await asyncio.sleep(POLL)

    return StreamingResponse(stream(), media_type="text/event-stream", headers={"Cache-Control": "no-cache"})


@fit_routes.post("/api/jobs/{job_id}/stop")
def stop(job_id: int, server: Server) -> dict[str, Any]:
    job = _job(server.jobs, job_id)
    job.stop.set()
    return job.to_dict()


@run_routes.get("/api/runs")
def runs(server: Server) -> list[dict[str, Any]]:
    running = {job.run for job in server.jobs.waiting() if job.run}
    listed = []
    for path in sorted(server.root.iterdir(), key=lambda p: p.name):
        if path.is_dir() and NAME.fullmatch(path.name) and path.resolve().is_relative_to(server.root.resolve()):
            brief = run_summary(path)
            listed.append(brief | {"status": "running"} if path.name in running else brief)
    return finite(listed)


@run_routes.get("/api/runs/{name}")
def run(name: str, server: Server) -> dict[str, Any]:
    path = _inside(server.root, name)
    fit = load(path)
    detail: dict[str, Any] = {
        "name": name,
        "target": fit.task.target,
        "domain": str(fit.domain),
        "inputs": list(fit.inputs),
        "outputs": list(fit.outputs),
        "settings": {k: v for k, v in {**fit.task.to_dict(), **fit.recipe.to_dict()}.items() if v is not None},
        "command": command_line(fit.task, fit.recipe),
        "evaluation": fit.evaluation,
        "queries": [q.to_dict() for q in fit.queries],
        "findings": [f.to_dict() | {"tried": f.tried()} for f in fit.findings],
        "history": fit.history,
        "info": fit.info,
        "choice": fit.choice,
        "laws": [{**law.to_dict(), "versus": versus(law, fit.output_evaluation(k))} for k, law in enumerate(fit.laws)],
        "figures": sorted(p.name for p in path.glob("*.png")),
        "files": sorted(p.name for p in path.iterdir() if p.is_file()),
    }
    grid = live_grid(fit.domain)
    if grid is not None:
        prediction = fit.predict(grid)[:, 0]
        detail["live"] = {
            "axes": [list(axis) for axis in live_axes(fit.domain)],
            "domain": [[iv.lo, iv.hi] for iv in fit.domain.intervals],
            "fit": prediction.tolist(),
            "truth": fit.target(grid)[:, 0].tolist() if fit.target.known else None,
        }
        if fit.calibration is not None:  # the first output's intervals: null beyond the calibrated reach
            half = fit.half_width(grid)[:, 0]
            detail["live"] |= {
                "lower": (prediction - half).tolist(),
                "upper": (prediction + half).tolist(),
                "coverage": fit.recipe.coverage,
            }
        if fit.laws and fit.laws[0].expression is not None:  # the first output's claimed law, drawn beside
            detail["live"]["law"] = {"name": str(fit.laws[0]), "values": fit.laws[0].predict(grid).tolist()}
    return finite(detail)


@run_routes.post("/api/runs/{name}/query")
def query(name: str, body: JSONBody, server: Server) -> list[dict[str, Any]]:
    points = body.get("points")
    if not isinstance(points, str):
        raise RecipeError('give the points as text, e.g. {"points": "45,100; 200,2000"}')
    return finite([q.to_dict() for q in load(_inside(server.root, name)).query(points)])


@run_routes.post("/api/runs/{name}/export/{format_}")
def export(name: str, format_: str, server: Server) -> dict[str, Any]:
    if format_ not in EXPORTS:
        raise RecipeError(f"export format must be one of {', '.join(EXPORTS)}; got {format_!r}")
    path = _inside(server.root, name)
    files = load(path).export(path / EXPORTS[format_], format_)
    return {"files": [file.name for file in files]}


@run_routes.post("/api/compare")
def compare(body: JSONBody, server: Server) -> dict[str, Any]:
    names = body.get("runs")
    if not isinstance(names, list) or len(names) < 2 or not all(isinstance(n, str) for n in names):
        raise RecipeError('give two or more run names to compare: {"runs": ["001-x", "002-x"]}')
    comparison = compared([_inside(server.root, name) for name in names])
    curves = {
        name: {
            "elapsed": [r["elapsed"] for r in fit.history if r.get("val_rrmse") is not None],
            "val_rrmse": [r["val_rrmse"] for r in fit.history if r.get("val_rrmse") is not None],
        }
        for name, fit in zip(comparison.names, comparison.fits)
    }
    return finite({"rows": comparison.rows(), "curves": curves})


@run_routes.get("/runs/{name}/{file}", include_in_schema=False)
def run_file(name: str, file: str, server: Server) -> FileResponse:
    path = _inside(server.root, name, file)
    if not path.is_file():
        raise Refused(f"{name}/{file} does not exist", 404)
    return FileResponse(path)


def _table(table: type[Task | Recipe]) -> list[dict[str, Any]]:
    """A settings table as the page's form is built from it: each field's kind, choices, default and help."""
    defaults = table.defaults()
    return [
        {
            "name": name,
            "kind": param.kind,
            "choices": list(param.choices),
            "default": finite(list(defaults[name]) if isinstance(defaults[name], tuple) else defaults[name]),
            "help": param.help,
            "optional": param.optional,
        }
        for name, param in table.params().items()
    ]


def _is_file(target: str) -> bool:
    return Path(target).suffix.lower() in data.SUFFIXES


def _inside(root: Path, *parts: str) -> Path:
    """root/parts, refused unless each part is one plain name and the real path (links followed)
    lies inside root."""
    for part in parts:
        if not NAME.fullmatch(part):
            raise Refused(f"{part!r} is not a plain name inside the runs directory")
    path = root.joinpath(*parts)
    if not path.resolve().is_relative_to(root.resolve()):
        raise Refused(f"{'/'.join(parts)} leads outside the runs directory")
    return path


def _upload(root: Path, target: str) -> Path:
    """The uploaded file a fit's target names: RUNS/.uploads/NAME, or NAME alone; nothing else."""
    name = Path(target).name
    given = Path(target).parent
    if given not in (Path("."), root / UPLOADS):
        raise Refused(f"a data file must be uploaded first; {target!r} is not an upload")
    path = _inside(root / UPLOADS, name)
    if not path.is_file():
        raise Refused(f"no upload named {name!r}: upload it first", 404)
    return path


def _within(task: Task, recipe: Recipe, limits: Limits) -> None:
    """Refuse settings past the server's caps, naming the flag that raises each."""
    for value, cap, what, flag in (
        (task.samples, limits.samples, "samples", "--max-samples"),
        (recipe.steps, limits.steps, "steps", "--max-steps"),
        (recipe.budget, limits.seconds, "budget", "--max-seconds"),
    ):
        if value is not None and value > cap:
            raise Refused(
                f"'{what}' is {value:g}, over this server's cap of {cap:g} (nnfit serve {flag} raises it)", 400
            )


def _job(jobs: Jobs, job_id: int) -> Any:
    if job_id not in jobs.jobs:
        raise Refused(f"no fit numbered {job_id}", 404)
    return jobs.jobs[job_id]
