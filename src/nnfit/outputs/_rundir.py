"""The run directory: everything needed to reuse, inspect or rerun a fit, written atomically.

    recipe.yaml        the task and recipe it ran (`nnfit fit --config RUN/recipe.yaml` reruns it)
    model.safetensors  weights, scalers, the intervals' calibration; metadata: format version, network,
                       names, domain, target
    metrics.json       evaluation per set, the query table, the findings and what the automatic
                       recipe chose, with its evidence (same recipe and seed: same file)
    history.json       loss and learning rate per validation check
    run.json           steps, wall time and why training stopped (differs between runs)
    points.npz         the points each evaluation set was measured on, for the plots
    report.html        the self-contained report, with its figures as PNG files beside it

    unfinished.json    only while the run is unfinished: from `nnfit fit`'s start until its last file
    checkpoint.npz     only while unfinished or interrupted: the state `nnfit fit --resume` goes on from

`save` writes the directory under a temporary name beside its destination and renames it when
complete. `nnfit fit` instead reserves its directory when it starts (`reserve`, `begin`), writes
checkpoints into it, and removes the marker once every other file is written. Either way a crash
never leaves half a run that looks whole. No absolute path is stored.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
from safetensors import safe_open
from safetensors.numpy import save_file

from ..checks import Finding
from ..config import read_config, split_settings, write_config
from ..data import Domain, Interval, Query, Target
from ..engine import CHECKPOINT_FILE, INTERRUPTED, Network, read_checkpoint
from ..errors import NnfitError, RunDirError
from ..fitting import Fit
from ..intervals import Calibration
from ..laws import Discovery
from ..recipe import Recipe
from ..task import Task
from ..units import Groups, Scaler
from . import _report

FORMAT_VERSION = 1
FILES = ("recipe.yaml", "model.safetensors", "metrics.json", "history.json", "run.json", "points.npz")
# present from a run's first moment until its last file is written: a directory holding it is not a result
MARKER = "unfinished.json"
_NUMBERED = re.compile(r"\.?(\d+)-")  # NNN-slug, and the hidden staging names made from one


def reserve(root: Path, slug: str) -> Path:
    """A new, empty run directory root/NNN-slug with the next free number. Creating it is the
    reservation: of several processes starting at once, each gets its own number."""
    root.mkdir(parents=True, exist_ok=True)
    while True:
        taken = [int(m.group(1)) for p in root.iterdir() if (m := _NUMBERED.match(p.name))]
        path = root / f"{max(taken, default=0) + 1:03d}-{slug}"
        try:
            path.mkdir()
            return path
        except FileExistsError:  # another process took that number first
            continue


def slug(target: str) -> str:
    """The target as a run directory's name tail, for a human to spot: x**2 + x -> x_2_x."""
    tail = re.sub(r"[^A-Za-z0-9]+", "_", Path(target).stem if Path(target).suffix else target).strip("_")[:40]
    return tail or "fit"


def begin(path: Path, task: Task | None = None, recipe: Recipe | None = None) -> Path:
    """Mark `path` (an empty or interrupted run directory) unfinished, with the recipe it runs, so a
    killed fit can be resumed from it (`nnfit fit --resume`)."""
    path.mkdir(parents=True, exist_ok=True)
    for partial in path.glob(f".{CHECKPOINT_FILE}.*.partial"):  # left by a kill while a checkpoint was written
        partial.unlink()
    if task is not None and recipe is not None:
        write_config(path / "recipe.yaml", task, recipe)
    _write_json(path / MARKER, {"pid": os.getpid(), "started": time.time()})
    return path


def run_status(path: Path) -> str:
    """One line on a run directory: complete, interrupted, running, or killed, and what to do."""
    stored = read_checkpoint(path) if (path / CHECKPOINT_FILE).is_file() else None
    at = f"checkpoint at step {stored['step']}" if stored else "no checkpoint yet"
    if (path / MARKER).is_file():
        pid = running_process(path)
        if pid is not None:
            return f"running (process {pid}), {at}"
        return f"unfinished (killed?), {at} — resume it with: nnfit fit --resume {path}"
    if not (path / "run.json").is_file():
        return "not an nnfit run directory"
    stop = _read_json(path / "run.json").get("stop_reason") or ""
    if stored and stop.startswith(INTERRUPTED):
        return f"{stop} — resume it with: nnfit fit --resume {path}"
    return "complete"


def run_summary(path: Path) -> dict[str, Any]:
    """A run directory in brief, read without loading its model: name, status, target, domain,
    test rRMSE and seconds (None where the run is not complete), and `modified`, when a file in it
    was last written (seconds since the epoch)."""
    state = run_status(path)
    brief: dict[str, Any] = {"name": path.name, "status": state, "target": None, "domain": None}
    brief |= {"test_rrmse": None, "seconds": None}
    brief["modified"] = max((f.stat().st_mtime for f in path.iterdir()), default=path.stat().st_mtime)
    if (path / "recipe.yaml").is_file():
        with contextlib.suppress(NnfitError):
            settings = read_config(path / "recipe.yaml")
            brief |= {"target": settings.get("target"), "domain": settings.get("domain")}
    if state == "complete":
        with contextlib.suppress(NnfitError, KeyError, TypeError):
            brief["test_rrmse"] = _read_json(path / "metrics.json")["evaluation"]["test"]["rrmse"]
            brief["seconds"] = _read_json(path / "run.json")["seconds"]
    return brief


def running_process(path: Path) -> int | None:
    """The process id of another process still fitting into the run directory `path`, or None when
    no live process has it open (complete, or its process killed)."""
    if not (path / MARKER).is_file():
        return None
    with contextlib.suppress(NnfitError):
        pid = _read_json(path / MARKER).get("pid")
        if isinstance(pid, int) and pid != os.getpid() and _alive(pid):
            return pid
    return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def save(fit: Fit, path: Path, overwrite: bool = False, report: bool = True) -> Path:
    """Write `fit` to the directory `path`; an existing one is replaced only with overwrite=True.
    With `report`, report.html and its PNG figures are written too (about a second of plotting)."""
    path = Path(path)
    if (path / MARKER).is_file():  # a run begun in this directory: finish it in place, the marker last
        _write(fit, path, report)
        if not (fit.info.get("stop_reason") or "").startswith(INTERRUPTED):
            (path / CHECKPOINT_FILE).unlink(missing_ok=True)  # an interrupted run keeps it, to be resumed
        (path / MARKER).unlink()
        return path
    if path.exists() and not overwrite:
        raise RunDirError(f"{path} already exists — choose another output directory or pass overwrite")
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent))
    try:
        _write(fit, staging, report)
        if path.exists():  # overwrite: move the old run aside only once the new one is complete
            old = path.with_name(f".{path.name}.old")
            os.replace(path, old)
            os.replace(staging, path)
            shutil.rmtree(old)
        else:
            os.replace(staging, path)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    return path


def _write(fit: Fit, folder: Path, report: bool) -> None:
    """Every file of a run directory into `folder`, run.json (the sign of a whole run) last."""
    write_config(folder / "recipe.yaml", fit.task, fit.recipe)
    save_file(_tensors(fit), str(folder / "model.safetensors"), metadata=_metadata(fit))
    _write_json(
        folder / "metrics.json",
        {
            "evaluation": fit.evaluation,
            "queries": [q.to_dict() for q in fit.queries],
            "findings": [f.to_dict() for f in fit.findings],
            "choice": fit.choice,
            "laws": [law.to_dict() for law in fit.laws],
        },
    )
    _write_json(folder / "history.json", fit.history)
    if report:
        _report.write_report(fit, folder)
    points: dict[str, Any] = {  # Any: numpy's stub fears a key named allow_pickle
        f"{name}/{part}": array for name, (X, y) in fit.points.items() for part, array in (("X", X), ("y", y))
    }
    np.savez_compressed(folder / "points.npz", **points)
    _write_json(folder / "run.json", {"format_version": FORMAT_VERSION, **fit.info})


def load(path: str | Path) -> Fit:
    """Read a run directory written by `Fit.save` or `nnfit fit`.

    Args:
        path: the run directory.

    Returns:
        The Fit as it was saved, its `run_dir` set to `path`.

    Raises:
        RunDirError: not a run directory, an unfinished one, a damaged one, or one written by a
            newer nnfit.
    """
    path = Path(path)
    if not path.is_dir():
        raise RunDirError(f"{path} is not a directory — give a run directory written by nnfit fit")
    if (path / MARKER).is_file():
        raise RunDirError(f"{path} is {run_status(path)}")
    missing = [f for f in FILES if not (path / f).is_file()]
    if missing:
        raise RunDirError(f"{path} is not an nnfit run directory (missing {', '.join(missing)})")
    run = _read_json(path / "run.json")
    version = run.get("format_version") if isinstance(run, dict) else None
    if not isinstance(version, int):
        raise RunDirError(f"{path}/run.json has no format version: not an nnfit run directory")
    if version > FORMAT_VERSION:
        raise RunDirError(
            f"{path} was written in run format {version}; this nnfit reads up to {FORMAT_VERSION} — "
            "upgrade nnfit to load it"
        )
    try:
        with safe_open(str(path / "model.safetensors"), "numpy") as handle:
            tensors = {k: handle.get_tensor(k) for k in handle.keys()}  # noqa: SIM118 — safe_open is no mapping
            meta = {k: json.loads(v) for k, v in handle.metadata().items()}
    except Exception as exc:  # noqa: BLE001 — safetensors raises its own types for a damaged file
        raise RunDirError(f"{path}/model.safetensors cannot be read ({exc})") from None
    task, recipe = split_settings(read_config(path / "recipe.yaml"))
    network = Network(
        tuple(meta["network"]["sizes"]), meta["network"]["activation"], meta["network"]["output_activation"]
    )
    params = [{"w": tensors[f"layer{i}.w"], "b": tensors[f"layer{i}.b"]} for i in range(len(network.sizes) - 1)]
    domain = Domain(tuple(Interval(**iv) for iv in meta["domain"]))
    metrics = _read_json(path / "metrics.json")
    try:
        with np.load(path / "points.npz", allow_pickle=False) as archive:
            stored = {key: archive[key] for key in archive.files}
    except (OSError, ValueError) as exc:
        raise RunDirError(f"{path}/points.npz cannot be read ({exc})") from None
    points = {key[:-2]: (stored[key], stored[key[:-2] + "/y"]) for key in stored if key.endswith("/X")}
    x_scaler, y_scaler = (
        Scaler(kind, tensors[f"{p}_shift"], tensors[f"{p}_scale"], tensors.get(f"{p}_pivot"))
        for p, kind in zip("xy", meta["scaling"])
    )
    return Fit(
        task,
        recipe,
        _target(meta),
        domain,
        network,
        params,
        x_scaler,
        y_scaler,
        Groups.from_arrays(tensors),
        history=_read_json(path / "history.json"),
        evaluation=metrics["evaluation"],
        queries=[
            Query(
                tuple(q["point"]),
                tuple(q["prediction"]),
                tuple(q["truth"]) if q["truth"] is not None else None,
                q["inside"],
                tuple(q["lower"]) if q.get("lower") is not None else None,
                tuple(q["upper"]) if q.get("upper") is not None else None,
                q.get("reach"),
            )
            for q in metrics["queries"]
        ],
        findings=[Finding(**f) for f in metrics.get("findings", [])],
        choice=metrics.get("choice"),
        laws=[Discovery.from_dict(law) for law in metrics.get("laws", [])],
        points=points,
        calibration=Calibration.from_arrays(tensors),
        info=run,
        run_dir=path,
    )


def _tensors(fit: Fit) -> dict[str, np.ndarray]:
    tensors = {}
    for i, layer in enumerate(fit.params):
        tensors[f"layer{i}.w"] = np.ascontiguousarray(layer["w"])
        tensors[f"layer{i}.b"] = np.ascontiguousarray(layer["b"])
    for prefix, scaler in (("x", fit.x_scaler), ("y", fit.y_scaler)):
        tensors[f"{prefix}_shift"] = np.asarray(scaler.shift, np.float64)
        tensors[f"{prefix}_scale"] = np.asarray(scaler.scale, np.float64)
        if scaler.logged.any():
            tensors[f"{prefix}_pivot"] = np.asarray(scaler.pivot, np.float64)
    if fit.groups is not None:
        tensors.update(fit.groups.to_arrays())
    if fit.calibration is not None:
        tensors.update(fit.calibration.to_arrays())
    return tensors


def describe(fit: Fit) -> dict:
    """The model's description as plain values: network, names, target, domain, scaling, dtype.
    Stored in the weights file's metadata, and carried by every export."""
    target = fit.target
    return {
        "format_version": FORMAT_VERSION,
        "network": {
            "sizes": list(fit.network.sizes),
            "activation": fit.network.activation,
            "output_activation": fit.network.output_activation,
        },
        "inputs": list(target.inputs),
        "outputs": list(target.outputs),
        "target": {"kind": target.kind, "text": target.text},
        "domain": [{"name": iv.name, "lo": iv.lo, "hi": iv.hi, "integer": iv.integer} for iv in fit.domain.intervals],
        "scaling": [fit.x_scaler.kind, fit.y_scaler.kind],
        "dtype": fit.recipe.dtype,
        **({"groups": fit.groups.describe(target.inputs)} if fit.groups is not None else {}),
    }


def _metadata(fit: Fit) -> dict[str, str]:
    """safetensors metadata is str -> str: each value is JSON."""
    return {k: json.dumps(v) for k, v in describe(fit).items()}


def _target(meta: dict) -> Target:
    """The target as far as it can be rebuilt: formulas fully, callables and data by name only."""
    inputs, outputs = tuple(meta["inputs"]), tuple(meta["outputs"])
    kind, text = meta["target"]["kind"], meta["target"]["text"]
    if kind == "formula":
        return Target.from_formula(text, inputs)
    return Target(inputs, outputs, kind, text)


def _write_json(path: Path, value) -> None:
    path.write_text(json.dumps(value, indent=2, allow_nan=True) + "\n", encoding="utf-8")


def _read_json(path: Path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise RunDirError(f"{path} is damaged ({exc})") from None
