"""How nnfit sets up JAX: the CPU scheduler, the persistent compilation cache, the device.

`configure()` runs before the first training step. Its XLA flag only takes effect if JAX's backend
has not started yet in this process; the cache and the device work either way.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

import jax
import numpy as np

from ..errors import RecipeError

# XLA's CPU default schedules independent ops to run concurrently. The ops of a small network's
# step are too small to gain from that, and the cross-thread hand-offs cost more than they save:
# on this project's 2-core machine, a 64-64 tanh step at batch 128 takes 84 µs with it and 54-59 µs
# without it (benchmarks/loop_overhead.py). The flag only affects CPU programs.
CPU_FLAG = "--xla_cpu_enable_concurrency_optimized_scheduler=false"
# XLA's CPU compiler also splits a program's costlier elementwise loops across threads (its pass
# cpu-parallel-task-assigner). For a small network's step the hand-offs again cost more than the
# split saves, and two runs side by side lose the core they share: on 2 cores, at batch 128, a
# 64-64 gelu step took 102 us with the split and 57 us without it, a 64-64-64 one 186 against 102 us,
# and two 64-64 runs side by side 98 against 64 us a step each; at 256 units and batch 1024 the split
# saved 10-15 %. Programs whose largest layer holds at most SERIAL_ELEMENTS values (rows x units)
# compile without it: a whole-process flag would take it from large networks too.
SERIAL_ELEMENTS = 65_536
SERIAL = {"xla_disable_hlo_passes": "cpu-parallel-task-assigner"}
T = TypeVar("T")


class Kept(Generic[T]):
    """A process's compiled programs, kept by the fields they depend on so that probes, folds and
    repeated fits of one shape compile once; beyond `keep` of them the oldest is dropped."""

    def __init__(self, keep: int = 64) -> None:
        self.keep = keep
        self._kept: dict[Hashable, T] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable, build: Callable[[], T]) -> T:
        """The program kept under `key`, built by `build()` the first time. Threads asking for one
        key at once get one program: two would each compile."""
        with self._lock:
            if key not in self._kept:
                if len(self._kept) >= self.keep:
                    self._kept.pop(next(iter(self._kept)))
                self._kept[key] = build()
            return self._kept[key]


def as_array(values: np.ndarray, dtype: np.dtype | type) -> jax.Array:
    """`values` as a JAX array of `dtype` on the default device, cast by NumPy and put there as they
    are: `jnp.asarray` compiles a program per shape to cast or stage a host array (10-50 ms each, a
    dozen in a first fit's probes on a new machine)."""
    return jax.device_put(np.asarray(values, dtype=np.dtype(dtype)))


def padded(values: np.ndarray, rows: int) -> np.ndarray:
    """`values` (count, ...) followed by zeros up to `rows` rows: np.pad's result, at a tenth of its
    cost, which a run checked every step pays thousands of times."""
    out = np.zeros((rows, *values.shape[1:]), values.dtype)
    out[: len(values)] = values
    return out


def configure() -> None:
    """Apply CPU_FLAG unless XLA_FLAGS already sets that option, and turn the compilation cache on."""
    flags = os.environ.get("XLA_FLAGS", "")
    if CPU_FLAG.split("=")[0] not in flags:
        os.environ["XLA_FLAGS"] = f"{flags} {CPU_FLAG}".strip()
    use_compilation_cache()


def use_compilation_cache() -> None:
    """Keep compiled steps on disk between runs: a warm start then skips ~1 s of compilation
    (seed-001 fit: first check after 0.24 s instead of 1.0 s). In $NNFIT_CACHE_DIR, else
    ~/.cache/nnfit/jax; NNFIT_CACHE_DIR="" turns it off; a cache JAX already has is kept."""
    if jax.config.jax_compilation_cache_dir:  # type: ignore[attr-defined]  # a flag JAX sets dynamically
        return
    folder = os.environ.get("NNFIT_CACHE_DIR")
    if folder is None:
        folder = os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "nnfit", "jax")
    if not folder:
        return
    jax.config.update("jax_compilation_cache_dir", folder)
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.0)  # our compiles take 0.1-1 s: keep all


def compiler_options(elements: int, device: jax.Device) -> dict[str, str]:
    """XLA options for a program on `device` whose largest layer holds `elements` values: SERIAL for
    a small one on a CPU, else XLA's defaults."""
    return SERIAL if device.platform == "cpu" and elements <= SERIAL_ELEMENTS else {}


def device(name: str) -> jax.Device:
    """The JAX device for "auto" (GPU when JAX sees one), "cpu" or "gpu"."""
    if name in ("gpu", "auto"):
        try:
            return jax.devices("gpu")[0]
        except RuntimeError:
            if name == "gpu":
                raise RecipeError("device 'gpu' was asked for but JAX sees no GPU — use --device auto or cpu") from None
    return jax.devices("cpu")[0]
