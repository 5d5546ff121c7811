"""Checkpoints: a training run's whole state in one file, written atomically, so a killed fit resumes.

The state is the Trainer's (step, parameters, optimizer state, seconds trained) and each callback's
(`Callback.state_dict`): nested dicts and lists of plain values and arrays. Everything else a run
needs is rebuilt from its recipe and seed: the data, the batch order (`BatchPlan` draws each
epoch's permutation from the seed) and each step's learning rate. A resumed run therefore computes
the same steps on the same numbers as one never stopped.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import RunDirError
from ._callbacks import Callback, ChunkEnd

if TYPE_CHECKING:
    from ._trainer import Trainer

CHECKPOINT_FILE = "checkpoint.npz"
FORMAT_VERSION = 1
_ARRAY = "__array__"  # marks where an array was taken out of the JSON tree


def pack(value: Any, arrays: list[np.ndarray]) -> Any:
    """`value` as JSON: dicts, lists and tuples kept, every array (NumPy or JAX) moved into `arrays`
    and replaced by its index."""
    if isinstance(value, dict):
        return {str(k): pack(v, arrays) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [pack(v, arrays) for v in value]
    if hasattr(value, "shape") and hasattr(value, "dtype"):
        arrays.append(np.asarray(value))
        return {_ARRAY: len(arrays) - 1}
    return value


def unpack(tree: Any, arrays: list[np.ndarray]) -> Any:
    """The inverse of `pack` (tuples come back as lists)."""
    if isinstance(tree, dict):
        if set(tree) == {_ARRAY}:
            return arrays[tree[_ARRAY]]
        return {k: unpack(v, arrays) for k, v in tree.items()}
    if isinstance(tree, list):
        return [unpack(v, arrays) for v in tree]
    return tree


def write_checkpoint(folder: Path, state: dict[str, Any]) -> Path:
    """Write `state` to folder/checkpoint.npz: first to a temporary file, then renamed over the old one,
    so a kill at any moment leaves the previous checkpoint or the new one, never half of either."""
    arrays: list[np.ndarray] = []
    tree = pack({"format_version": FORMAT_VERSION, **state}, arrays)
    path = Path(folder) / CHECKPOINT_FILE
    partial = path.with_name(f".{CHECKPOINT_FILE}.{os.getpid()}.partial")
    with open(partial, "wb") as handle:
        members: dict[str, Any] = {f"a{i}": a for i, a in enumerate(arrays)}  # Any: numpy's stub fears allow_pickle
        np.savez(handle, state=np.array(json.dumps(tree, allow_nan=True)), **members)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(partial, path)
    return path


def read_checkpoint(folder: Path) -> dict[str, Any] | None:
    """The state in folder/checkpoint.npz, or None when the run wrote none yet."""
    path = Path(folder) / CHECKPOINT_FILE
    if not path.is_file():
        return None
    try:
        with np.load(path, allow_pickle=False) as archive:
            tree = json.loads(str(archive["state"]))
            arrays = [archive[f"a{i}"] for i in range(len(archive.files) - 1)]
    except (OSError, ValueError, KeyError, json.JSONDecodeError) as exc:
        raise RunDirError(f"{path} is damaged ({exc}) — delete it to start the run over") from None
    state = unpack(tree, arrays)
    if state.get("format_version", 0) > FORMAT_VERSION:
        raise RunDirError(f"{path} was written by a newer nnfit — upgrade nnfit to resume it")
    return state


class Checkpointer(Callback):
    """Writes the run's state into `folder` every `every` seconds of training (and when the run is
    asked to stop early, e.g. by Ctrl-C), after the other callbacks have seen the chunk. `context`
    (plain values, e.g. the choices made before training) is written beside the Trainer's state."""

    def __init__(self, folder: Path, every: float, context: dict[str, Any] | None = None) -> None:
        self.folder, self.every, self.context = Path(folder), every, context or {}
        self.last = 0.0
        self.seconds = 0.0  # spent writing, to be set against the training time

    def on_train_begin(self, trainer: Trainer) -> None:
        self.last = time.perf_counter()

    def on_chunk_end(self, trainer: Trainer, event: ChunkEnd) -> None:
        now = time.perf_counter()
        if now - self.last >= self.every or trainer.stop_reason is not None:
            write_checkpoint(self.folder, {**self.context, **trainer.state()})
            self.last = time.perf_counter()
            self.seconds += self.last - now
