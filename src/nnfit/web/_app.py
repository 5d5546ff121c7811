"""The playground's HTTP side: the page, a small JSON API over the library (the routes are in
`_routes`), and the run directories' files, behind one guard against other sites.

    GET  /                          the page
    GET  /api/schema                the Task and Recipe tables, the presets and the server's caps
    POST /api/check                 {"target": ...}: the parsed formula and its variables, or a file's columns
    POST /api/upload?name=F.csv     the request body is a data file, kept in RUNS/.uploads/
    POST /api/fit                   settings as in a recipe file (+ "try_fixes"): queues a fit
    GET  /api/jobs                  the fits running and waiting
    GET  /api/jobs/ID/events        server-sent events: state, begin, chunk (with findings), end
    POST /api/jobs/ID/stop          end a fit after its current chunk, keeping its best weights
    GET  /api/runs                  the run directories, newest last
    GET  /api/runs/NAME             one run: metrics, queries, findings, history, figures, command line
    POST /api/runs/NAME/query       {"points": "45,100; 200,2000"}: predictions, truth, inside or not
    POST /api/runs/NAME/export/FMT  write model.onnx, model.py + model.npz or model.json into the run
    POST /api/compare               {"runs": [NAME, ...]}: the comparison table and curves
    GET  /runs/NAME/FILE            a file of a run directory (report.html, figures, exports)

Errors are {"error": "one line"} with status 400 (bad input), 403 (refused), 404 or 500; never a
traceback. Only names inside the runs directory are read or written.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from ..errors import NnfitError
from ._jobs import Jobs, Limits
from ._routes import STATIC, Playground, fit_routes, page_routes, run_routes

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def create_app(
    root: str | Path = "nnfit-runs", limits: Limits | None = None, hosts: tuple[str, ...] | None = LOOPBACK
) -> FastAPI:
    """The playground over the run directories in `root`.

    Args:
        root: the runs folder, made if missing; nothing outside it is read or written.
        limits: the caps on what one fit may ask; the defaults of `Limits` if None.
        hosts: the names the page may be reached by (the Host header), None for any; a
            loopback-only list keeps other sites' pages from reaching it through a name that
            resolves to 127.0.0.1.

    Returns:
        The FastAPI app; its fits run in a queue started and stopped with it (its lifespan).
    """
    root, limits = Path(root), limits or Limits()
    root.mkdir(parents=True, exist_ok=True)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.playground = Playground(root, limits, Jobs(root, limits))
        yield
        app.state.playground.jobs.close()

    app = FastAPI(title="nnfit playground", lifespan=lifespan, docs_url="/api/docs", redoc_url=None)

    @app.middleware("http")
    async def same_origin(request: Request, call_next: Any) -> Any:
        host = request.headers.get("host", "")
        if hosts is not None and urlsplit(f"//{host}").hostname not in hosts:
            return _error(f"host {host!r} is not this server's; open it at http://127.0.0.1", 400)
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            origin = request.headers.get("origin")
            cross = request.headers.get("sec-fetch-site") == "cross-site"
            if cross or (origin is not None and urlsplit(origin).netloc != host):
                return _error(f"a request from another site ({origin or 'cross-site'}) is refused", 403)
        return await call_next(request)

    @app.exception_handler(NnfitError)
    async def bad_input(request: Request, exc: NnfitError) -> JSONResponse:
        return _error(str(exc), 400)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(part) for part in first.get("loc", ()) if part != "body")
        return _error(f"bad request{f' at {where}' if where else ''}: {first.get('msg', 'invalid')}", 400)

    @app.exception_handler(HTTPException)
    async def refused(request: Request, exc: HTTPException) -> JSONResponse:
        return _error(str(exc.detail), exc.status_code)

    @app.exception_handler(Exception)
    async def failed(request: Request, exc: Exception) -> JSONResponse:
        return _error(f"internal error ({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''})", 500)

    app.include_router(page_routes)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")  # after the page's own /static route
    app.include_router(fit_routes)
    app.include_router(run_routes)
    return app


def _error(message: str, status: int) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)
