"""The playground's fits: queued, run one at a time in a worker thread, each streaming its progress
as a list of events that any number of pages can read from (`Job.since`)."""

from __future__ import annotations

import itertools
import math
import queue
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..checks import Finding, Watch
from ..data import Domain, Prepared
from ..engine import INTERRUPTED, Callback, ChunkEnd, Halt, ProbeEnd, Trainer
from ..errors import NnfitError
from ..outputs import fit_into, reserve, slug
from ..recipe import Recipe
from ..task import Task

# Points of the live drawing of a 1-D fit, and per side of a 2-D one: smooth enough on a page, and a
# forward pass of about a millisecond between chunks.
CURVE_POINTS, SURFACE_SIDE = 200, 40
LIVE_BOX = 2.0  # the drawing covers the domain grown this many times: where the fit stops being trustworthy
DATA_POINTS = 500  # training rows of a data file drawn under a live fit, at most
# Seconds between two events of a training run, at least: a page redraws about this often anyway.
SEND_EVERY = 0.1


@dataclass(frozen=True)
class Limits:
    """What one request may ask of the server, so that no page holds it for ever; `nnfit serve`
    flags change them."""

    samples: int = 500_000  # rows: 50x the default of a formula of one or two inputs
    steps: int = 500_000  # 25x the usual run
    seconds: float = 600.0  # of training per fit, wall clock: a fit past it ends as if its budget were spent
    upload: int = 50 * 2**20  # bytes of an uploaded data file
    queue: int = 20  # fits waiting at once

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Job:
    """One fit asked for by a page: its settings, its state, and every event it has sent."""

    id: int
    task: Task
    recipe: Recipe
    prepared: Prepared
    rng: np.random.Generator  # the one that drew the data: the fit goes on with it, as `nnfit fit` does
    fixes: bool  # try the findings' fixes once trained
    state: str = "queued"  # then "running", and "done", "stopped" or "failed"
    run: str | None = None  # the run directory's name, from the moment the fit starts
    error: str | None = None
    events: list[dict[str, Any]] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)
    halt: Halt | None = None  # what stops its training, once it runs
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def finished(self) -> bool:
        return self.state in ("done", "stopped", "failed")

    def emit(self, kind: str, **fields: Any) -> None:
        """Record an event {"type": kind, ...} for the pages streaming this job."""
        with self._lock:
            self.events.append({"type": kind, **finite(fields)})

    def since(self, index: int) -> list[dict[str, Any]]:
        """The events from `index` on."""
        with self._lock:
            return self.events[index:]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "target": self.task.target,
            "state": self.state,
            "run": self.run,
            "error": self.error,
            "events": len(self.events),
        }


class Jobs:
    """The queue of fits and the one worker thread that runs them into run directories under `root`."""

    def __init__(self, root: Path, limits: Limits) -> None:
        self.root, self.limits = root, limits
        self.jobs: dict[int, Job] = {}
        self._ids = itertools.count(1)
        self._queue: queue.Queue[Job | None] = queue.Queue()
        self._worker = threading.Thread(target=self._work, name="nnfit-fits", daemon=True)
        self._worker.start()

    def submit(
        self,
        task: Task,
        recipe: Recipe,
        prepared: Prepared,
        rng: np.random.Generator,
        fixes: bool = False,
    ) -> Job:
        """Queue a fit of `prepared` (`data.prepare(task, rng)`); refused when `limits.queue` fits already wait."""
        waiting = sum(job.state == "queued" for job in self.jobs.values())
        if waiting >= self.limits.queue:
            raise NnfitError(f"{waiting} fits are already waiting (the cap is {self.limits.queue}); try again later")
        job = Job(next(self._ids), task, recipe, prepared, rng, fixes)
        self.jobs[job.id] = job
        job.emit("state", state="queued", position=waiting + 1)
        self._queue.put(job)
        return job

    def waiting(self) -> list[Job]:
        """The fits not yet finished, the running one first."""
        return sorted((j for j in self.jobs.values() if not j.finished), key=lambda j: (j.state != "running", j.id))

    def close(self) -> None:
        """Stop the running fit (it keeps its best weights), drop the queued ones, end the worker."""
        for job in self.jobs.values():
            if job.halt is not None:
                job.halt.why = "as the server stopped"
            job.stop.set()
        self._queue.put(None)
        self._worker.join(timeout=30)

    def _work(self) -> None:
        while (job := self._queue.get()) is not None:
            if job.stop.is_set():  # stopped while it waited
                job.state = "stopped"
                job.emit("end", state=job.state, run=None, error=None)
                continue
            self._run(job)

    def _run(self, job: Job) -> None:
        job.state = "running"
        job.emit("state", state="running", position=0)
        path = reserve(self.root, slug(job.task.target or "fit"))
        job.run = path.name
        job.halt = Halt(job.stop, "from the page")
        callbacks = [job.halt, Deadline(self.limits.seconds), Stream(job)]
        try:
            result = fit_into(path, job.prepared, job.task, job.recipe, job.rng, callbacks, fixes=job.fixes)
        except NnfitError as exc:
            job.state, job.error, job.run = "failed", str(exc), None
        except Exception as exc:  # noqa: BLE001 — the page gets one line, never a traceback
            job.state, job.run = "failed", None
            job.error = f"the fit failed ({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''})"
        else:
            job.state = "stopped" if (result.info["stop_reason"] or "").startswith(INTERRUPTED) else "done"
        job.emit("end", state=job.state, run=job.run, error=job.error)


class Deadline(Callback):
    """Ends a fit whose training has run `seconds`, as if its time budget were spent."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def on_chunk_end(self, trainer: Trainer, event: ChunkEnd) -> None:
        if event.elapsed >= self.seconds:
            trainer.stop(
                f"the server's cap of {self.seconds:g} s of training reached at step {event.step} "
                "(nnfit serve --max-seconds raises it)"
            )


class _Sending(Callback):
    """A training's chunks sent to a job as `kind` events: the ChunkEnds since the last event and,
    for a target of one or two inputs, the fit over the domain's 2x box. Events go out at most every
    SEND_EVERY seconds: a run checked every step makes thousands of chunks a minute, and an event
    for each took a third of its training time."""

    kind = "chunk"

    def __init__(self, job: Job, grid: np.ndarray | None) -> None:
        self.job, self.grid = job, grid
        self.pending: list[dict[str, Any]] = []  # the ChunkEnds not yet sent
        self.last = -math.inf  # when the last event went out (time.perf_counter)

    def on_train_begin(self, trainer: Trainer) -> None:
        self.pending, self.last = [], -math.inf

    def on_chunk_end(self, trainer: Trainer, event: ChunkEnd) -> None:
        self.pending.append(dict(vars(event)))  # its fields: a copy, without asdict's deep copy
        found = self.found(trainer)
        if found or time.perf_counter() - self.last >= SEND_EVERY:
            self._send(trainer, found)

    def on_train_end(self, trainer: Trainer) -> None:
        if self.pending:  # the chunks since the last event, with the weights the run keeps
            self._send(trainer, [])

    def found(self, trainer: Trainer) -> list[Finding]:
        """The findings made since the last event, sent at once."""
        return []

    def _send(self, trainer: Trainer, found: list[Finding]) -> None:
        fields: dict[str, Any] = {"records": self.pending, "findings": [f.to_dict() for f in found]}
        if self.grid is not None:
            fields["fit"] = trainer.predict(self.grid)[:, 0].tolist()
        self.job.emit(self.kind, **fields)
        self.pending, self.last = [], time.perf_counter()


class Stream(_Sending):
    """Sends a job's probes as they end ("probe" events, before training), the start of its training
    ("begin"; "fallback" when the linear baseline is fitted after the network lost to it), its
    training as it goes ("chunk" events, with the findings made during training at once), and the
    rival's beside it (`RivalStream`)."""

    def __init__(self, job: Job) -> None:
        target, domain, dataset = job.prepared
        super().__init__(job, live_grid(domain))
        self.sent = 0  # findings already sent
        self.trained = 0  # trainings begun: a fit's network, then perhaps a retry or the linear fallback
        self.begin: dict[str, Any] = {"inputs": list(target.inputs), "outputs": list(target.outputs)}
        if self.grid is not None:
            self.begin["axes"] = [list(axis) for axis in live_axes(domain)]
            self.begin["domain"] = [[iv.lo, iv.hi] for iv in domain.intervals]
            if target.known:
                self.begin["truth"] = target(self.grid)[:, 0].tolist()
            else:
                X, y = dataset.split.X_train, dataset.split.y_train
                rows = np.random.default_rng(0).permutation(len(X))[:DATA_POINTS]
                self.begin["points"] = {"X": X[rows].tolist(), "y": y[rows, 0].tolist()}

    def for_rival(self) -> Callback:
        return RivalStream(self.job, self.grid)

    def on_probe_end(self, event: ProbeEnd) -> None:
        self.job.emit("probe", **vars(event))

    def on_train_begin(self, trainer: Trainer) -> None:
        super().on_train_begin(trainer)
        self.sent = 0
        if self.trained and trainer.recipe.model == "linear":
            # the network trained did not beat the linear baseline, which is fitted instead: the page
            # keeps the network's curves and says so, rather than beginning again
            self.job.emit("fallback", total_steps=trainer.total_steps, recipe=trainer.recipe.summary())
        else:
            self.job.emit("begin", total_steps=trainer.total_steps, recipe=trainer.recipe.summary(), **self.begin)
        self.trained += 1

    def found(self, trainer: Trainer) -> list[Finding]:
        watch = next((c for c in trainer.callbacks if isinstance(c, Watch)), None)
        found = watch.findings[self.sent :] if watch else []
        self.sent += len(found)
        return found


class RivalStream(_Sending):
    """Sends the rival's training, beside the chosen run: "rival-begin" with its recipe as it starts,
    then "rival" events as "chunk" events are sent for the chosen run (its records and its fit)."""

    kind = "rival"

    def on_train_begin(self, trainer: Trainer) -> None:
        super().on_train_begin(trainer)
        self.job.emit("rival-begin", total_steps=trainer.total_steps, recipe=trainer.recipe.summary())


def live_axes(domain: Domain) -> tuple[np.ndarray, ...]:
    """The axes the live drawing of a fit over `domain` is made on."""
    per_side = CURVE_POINTS if len(domain.names) == 1 else SURFACE_SIDE
    return domain.grid(per_side, LIVE_BOX)


def live_grid(domain: Domain) -> np.ndarray | None:
    """The points (n, d) a fit of one or two inputs is drawn at while it trains; None for more inputs."""
    if len(domain.names) > 2:
        return None
    return np.stack([axis.ravel() for axis in np.meshgrid(*live_axes(domain))], axis=1)


def finite(value: Any) -> Any:
    """`value` with every NaN or infinity as None, so that it is valid JSON for a browser."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [finite(v) for v in value]
    return value
