"""The one place data is made or loaded and checked: X and y as float64 arrays plus their split."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from ..errors import DataError, DomainError, RecipeError, UndefinedTargetError
from ..task import Task
from ._domain import Domain, Interval
from ._files import SUFFIXES, numeric, read_columns
from ._target import Target, match_domain

# float64 samples, the target's temporaries, the split and scaled copies, the float32 arrays on the
# device and the predictions checked after training: a whole fit of 2e7 samples of x**2 + sin(y)*x
# peaked at 10.6 GB, 177 bytes per value
BYTES_PER_VALUE = 192
MIN_ROWS = 10  # below this no train/validation/test split leaves anything to learn or measure
EDGE_FRACTION = 0.05  # --holdout edges: the outer 5 % at each end, 10 % of each input's range


class Prepared(NamedTuple):
    """What a task prepares: its target, its domain (in the target's input order) and the split
    dataset drawn there or read from its file."""

    target: Target
    domain: Domain
    dataset: Dataset


@dataclass(frozen=True)
class Split:
    """The rows of a dataset's three splits, in the user's units: inputs X (n, d) and targets y (n, k)
    for training, validation (choosing: the best weights, the automatic recipe's candidates) and
    test (measuring, once)."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray


@dataclass(frozen=True)
class Dataset:
    """Samples X (n, d) and y (n, k) in float64 with the row indices of each split.

    `holdout` holds named extrapolation sets taken from the data (``--holdout edges``), and
    `calibration` the rows held out beside them to calibrate the prediction intervals beyond the box.
    """

    X: np.ndarray
    y: np.ndarray
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    train: np.ndarray
    val: np.ndarray
    test: np.ndarray
    holdout: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    calibration: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)

    @cached_property
    def split(self) -> Split:
        """The rows of each split, taken out once."""
        X, y = self.X, self.y
        return Split(X[self.train], y[self.train], X[self.val], y[self.val], X[self.test], y[self.test])

    def with_training_rows(self, X: np.ndarray, y: np.ndarray) -> Dataset:
        """This dataset with rows X (m, d), y (m, k) added to its training split."""
        added = np.arange(len(self.X), len(self.X) + len(X))
        return replace(
            self,
            X=np.concatenate([self.X, X]),
            y=np.concatenate([self.y, y]),
            train=np.concatenate([self.train, added]),
        )


def prepare(
    task: Task,
    rng: np.random.Generator,
    target: Target | str | Callable | None = None,
    domain_spec: Any = None,
) -> Prepared:
    """The target, its domain (in the target's input order) and the split dataset of a task: the
    one place a fit's rows are drawn or read, and checked.

    Args:
        task: what is fitted and where.
        rng: the stream the rows are drawn and split from.
        target: a formula, callable or Target over the task's own, for library callers.
        domain_spec: a Domain or a mapping over the task's own.

    Returns:
        The Prepared target, domain and dataset.

    Raises:
        NnfitError: no target, a target or domain that cannot be read, a file that is not what it
            claims, too few rows, or a target undefined on its domain.
    """
    source = target if target is not None else task.target
    domain_spec = domain_spec if domain_spec is not None else task.domain
    if source is None:
        raise RecipeError('no target: give a formula such as "x**2 + x", a callable, or a data file')
    if isinstance(source, str) and Path(source).suffix.lower() in SUFFIXES:
        if domain_spec is not None:
            raise DomainError("a data file brings its own domain: leave out --domain")
        return read(source, task.inputs, task.outputs, task.holdout, task.split, rng)
    if task.holdout != "none":
        raise RecipeError("holdout 'edges' is for data files; a formula is measured on extrapolation shells")
    fitted = Target.of(source, task.inputs)
    domain = Domain.of(domain_spec) if domain_spec is not None else None
    order = match_domain(fitted, domain.names if domain else (), declared=task.inputs is not None)
    if domain is None:  # match_domain has named the missing ranges unless the target has no inputs
        raise DomainError('no domain: give every input a range, e.g. --domain "x=0:1"')
    fitted, domain = fitted.reordered(order), domain.reorder(order)
    dataset = sample(fitted, domain, task.sample_count(len(domain.names)), task.sampling, task.split, rng)
    return Prepared(fitted, domain, dataset)


def split_rows(
    n: int, fractions: Sequence[float], rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Shuffled row indices cut into train/validation/test by `fractions` (summing to 1)."""
    order = rng.permutation(n)
    n_val = round(fractions[1] * n)
    n_test = round(fractions[2] * n)
    n_train = n - n_val - n_test
    if n_train < 1 or (fractions[1] > 0 and n_val < 1) or (fractions[2] > 0 and n_test < 1):
        raise DataError(f"{n} samples are too few for the split {list(fractions)}: give more samples")
    return order[:n_train], order[n_train : n_train + n_val], order[n_train + n_val :]


def sample(
    target: Target, domain: Domain, n: int, method: str, split: Sequence[float], rng: np.random.Generator
) -> Dataset:
    """Sample `target` at n points of `domain` (ordered like target.inputs) and split them."""
    check_memory(n, len(target.inputs) + len(target.outputs))
    X = domain.sample(n, rng, method)
    y = target(X)
    check_finite_target(target, X, y)
    return Dataset(X, y, target.inputs, target.outputs, *split_rows(len(X), split, rng))


def check_memory(n: int, columns: int) -> None:
    """Raise DataError before allocating when n samples of `columns` values would not fit in memory."""
    needed = n * columns * BYTES_PER_VALUE
    available = available_memory()
    if available is not None and needed > available:
        raise DataError(
            f"{n:,} samples of {columns} values need about {needed / 2**30:,.1f} GiB, but "
            f"{available / 2**30:,.1f} GiB of memory is available — use fewer --samples"
        )


def available_memory() -> int | None:
    """Bytes of memory the system can give without swapping (Linux's MemAvailable), else None."""
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, AttributeError):  # not a POSIX system: no check
        return None


def check_finite_target(target: Target, X: np.ndarray, y: np.ndarray) -> None:
    """Raise DataError saying where and how often the target is NaN or inf on the samples X."""
    bad = ~np.all(np.isfinite(y), axis=1)
    if not bad.any():
        return
    if bad.all():
        shown = repr(target.text) if target.kind == "formula" else target.describe()  # as typed, not as SymPy has it
        raise UndefinedTargetError(
            f"the target {shown} is undefined (NaN or inf) at every one of the "
            f"{len(X)} sampled points: it has no value anywhere on the domain — check the "
            "formula for a division by zero or a function outside its range"
        )
    where = ", ".join(
        f"{name} in [{X[bad, i].min():.4g}, {X[bad, i].max():.4g}]" for i, name in enumerate(target.inputs)
    )
    raise UndefinedTargetError(
        f"the target {target.describe()} is NaN or inf at {bad.sum()} of {len(X)} sampled "
        f"points ({100 * bad.mean():.1f} %), where {where} — narrow the domain to where it "
        "is defined"
    )


def read(
    path: str | Path,
    inputs: Sequence[str] | None = None,
    outputs: Sequence[str] | None = None,
    holdout: str = "none",
    split: Sequence[float] = (0.8, 0.1, 0.1),
    rng: np.random.Generator | None = None,
) -> Prepared:
    """Read a CSV, Parquet, NPY or NPZ file into a data target, its domain and a split Dataset.

    Default columns: all but the last are inputs, the last is the output. `holdout="edges"`
    keeps rows in the outer EDGE_FRACTION of any input's range out of training as an
    extrapolation set; the domain is then the inner box.
    """
    rng = rng if rng is not None else np.random.default_rng(0)
    columns = read_columns(path)
    names = list(columns)
    inputs = list(inputs) if inputs else names[:-1]
    outputs = list(outputs) if outputs else [n for n in names[-1:] if n not in inputs]
    for name in inputs + outputs:
        if name not in columns:
            raise DataError(f"column {name!r} is not in {path}; its columns are: {', '.join(names)}")
    if not inputs or not outputs:
        raise DataError(f"{path} needs at least one input and one output column; it has: {', '.join(names)}")
    if set(inputs) & set(outputs):
        raise DataError(f"column {min(set(inputs) & set(outputs))!r} is both an input and an output")
    X = np.stack([numeric(columns[n], n, path) for n in inputs], axis=1)
    y = np.stack([numeric(columns[n], n, path) for n in outputs], axis=1)
    if len(X) < MIN_ROWS:
        raise DataError(f"{path} has {len(X)} rows; at least {MIN_ROWS} are needed to train and test")

    holdout_sets, calibration = {}, {}
    if holdout == "edges":
        lo, hi = X.min(axis=0), X.max(axis=0)
        margin = EDGE_FRACTION * (hi - lo)
        inner = np.all((X >= lo + margin) & (X <= hi - margin), axis=1)
        # half the edge rows measure the fit beyond its box, the other half calibrate its intervals there
        edges = rng.permutation(np.flatnonzero(~inner))
        measured, calibrating = np.sort(edges[: (len(edges) + 1) // 2]), np.sort(edges[(len(edges) + 1) // 2 :])
        holdout_sets["edges"] = (X[measured], y[measured])
        calibration["edges"] = (X[calibrating], y[calibrating])
        X, y = X[inner], y[inner]
    elif holdout != "none":
        raise DataError(f"unknown holdout {holdout!r}; use 'none' or 'edges'")

    intervals = []
    for i, name in enumerate(inputs):
        lo, hi = float(X[:, i].min()), float(X[:, i].max())
        if lo == hi:
            raise DataError(
                f"input column {name!r} is constant ({lo:g} in every row): it carries no information — "
                "leave it out of --inputs"
            )
        intervals.append(Interval(name, lo, hi, bool(np.all(X[:, i] == np.round(X[:, i])))))
    target = Target.from_data(str(path), inputs, outputs)
    dataset = Dataset(X, y, tuple(inputs), tuple(outputs), *split_rows(len(X), split, rng), holdout_sets, calibration)
    return Prepared(target, Domain(tuple(intervals)), dataset)
