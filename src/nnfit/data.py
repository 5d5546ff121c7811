"""The one place data is made or loaded and checked: X and y as float64 arrays plus their split."""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from .domain import Domain, Interval
from .errors import DataError, DomainError, RecipeError, UndefinedTargetError
from .target import Target, match_domain
from .task import Task

SUFFIXES = (".csv", ".parquet", ".pq", ".npy", ".npz")
CSV_SEPARATORS = ",;\t|"  # what spreadsheets and locales write; the first lines say which
CSV_SNIFF_BYTES = 64 * 1024  # enough lines to tell the separator and the header
# float64 samples, the target's temporaries, the split and scaled copies, the float32 arrays on the
# device and the predictions checked after training: a whole fit of 2e7 samples of x**2 + sin(y)*x
# peaked at 10.6 GB, 177 bytes per value
BYTES_PER_VALUE = 192
LARGEST_VALUE = np.finfo(np.float64).max / 4  # beyond it a column's spread, and so its scaling, overflows
MIN_ROWS = 10  # below this no train/validation/test split leaves anything to learn or measure
EDGE_FRACTION = 0.05  # --holdout edges: the outer 5 % at each end, 10 % of each input's range


@dataclass(frozen=True)
class Dataset:
    """Samples X (n, d) and y (n, k) in float64 with the row indices of each split.

    `holdout` holds named extrapolation sets taken from the data (``--holdout edges``).
    """

    X: np.ndarray
    y: np.ndarray
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    train: np.ndarray
    val: np.ndarray
    test: np.ndarray
    holdout: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)

    def part(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """(X, y) of the split `name`: "train", "val" or "test"."""
        rows = getattr(self, name)
        return self.X[rows], self.y[rows]

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
) -> tuple[Target, Domain, Dataset]:
    """The target, its domain (in the target's input order) and the split dataset of a task.

    `target` (a formula, callable or Target) and `domain_spec` (a Domain or mapping) override the
    task's text fields, for library callers.
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
    return fitted, domain, dataset


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
) -> tuple[Target, Domain, Dataset]:
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
    X = np.stack([_numeric(columns[n], n, path) for n in inputs], axis=1)
    y = np.stack([_numeric(columns[n], n, path) for n in outputs], axis=1)
    if len(X) < MIN_ROWS:
        raise DataError(f"{path} has {len(X)} rows; at least {MIN_ROWS} are needed to train and test")

    holdout_sets = {}
    if holdout == "edges":
        lo, hi = X.min(axis=0), X.max(axis=0)
        margin = EDGE_FRACTION * (hi - lo)
        inner = np.all((X >= lo + margin) & (X <= hi - margin), axis=1)
        holdout_sets["edges"] = (X[~inner], y[~inner])
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
    dataset = Dataset(X, y, tuple(inputs), tuple(outputs), *split_rows(len(X), split, rng), holdout=holdout_sets)
    return target, Domain(tuple(intervals)), dataset


def read_columns(path: str | Path) -> dict[str, np.ndarray]:
    """The columns of a data file by name; NPY columns are named c0, c1, ..."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise DataError(f"cannot read {path}: use a {', '.join(SUFFIXES)} file")
    if not path.is_file():
        raise DataError(f"data file not found: {path}")
    if path.stat().st_size == 0:
        raise DataError(f"{path} is empty")
    try:
        if suffix == ".csv":
            return _csv_columns(path)
        if suffix in (".parquet", ".pq"):
            import pandas as pd

            frame = pd.read_parquet(path)
            return {str(c): frame[c].to_numpy() for c in frame.columns}
        if suffix == ".npy":
            return _matrix_columns(np.load(path, allow_pickle=False), path)
        with np.load(path, allow_pickle=False) as archive:
            arrays = {k: archive[k] for k in archive.files}
        if len(arrays) == 1:
            return _matrix_columns(next(iter(arrays.values())), path)
        if any(a.ndim != 1 for a in arrays.values()) or len({len(a) for a in arrays.values()}) != 1:
            raise DataError(f"{path} must hold one 2-D array or 1-D arrays of one length (one per column)")
        return arrays
    except DataError:
        raise
    except Exception as exc:  # noqa: BLE001 — each reader has its own error types; all mean "not what it claims"
        kind = {".csv": "CSV", ".npy": "NPY", ".npz": "NPZ"}.get(suffix, "Parquet")
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise DataError(f"{path} is not a readable {kind} file ({detail})") from None


def _csv_columns(path: Path) -> dict[str, np.ndarray]:
    """The columns of a CSV file: its separator sniffed (, ; tab |), UTF-8 with or without a byte-order
    mark else Latin-1, blank lines skipped; without a header row the columns are named c0, c1, ..."""
    import pandas as pd

    raw = path.read_bytes()
    if b"\0" in raw[:CSV_SNIFF_BYTES]:
        raise DataError(f"{path} is not a text CSV file: it holds binary data")
    try:
        text, encoding = raw.decode("utf-8-sig"), "utf-8-sig"
    except UnicodeDecodeError:  # spreadsheets on Windows write Latin-1/cp1252
        text, encoding = raw.decode("latin-1"), "latin-1"
    lines = [line for line in text[:CSV_SNIFF_BYTES].splitlines() if line.strip()]
    if not lines:
        raise DataError(f"{path} holds no rows")
    try:
        separator = csv.Sniffer().sniff("\n".join(lines[:50]), delimiters=CSV_SEPARATORS).delimiter
    except csv.Error:  # one column, or nothing the sniffer can be sure of
        separator = ","
    header = next(csv.reader([lines[0]], delimiter=separator))
    headerless = all(_is_number(field) for field in header)
    if not headerless:
        blank = [i + 1 for i, name in enumerate(header) if not name.strip()]
        if blank:
            raise DataError(
                f"column {blank[0]} of {path} has no name in the header row (an index written by "
                "pandas?) — name every column, or write the file with index=False"
            )
        repeated = sorted({name for name in header if header.count(name) > 1})
        if repeated:
            raise DataError(
                f"column {repeated[0]!r} appears twice in the header of {path} — give every column its own name"
            )
    # "1,5;2,25": a semicolon-separated file from a locale that writes decimal commas
    decimal = "," if separator == ";" and re.search(r"(^|;)\s*-?\d+,\d+\s*(;|$)", lines[-1]) else "."
    frame = pd.read_csv(
        path, sep=separator, encoding=encoding, skip_blank_lines=True, decimal=decimal, header=None if headerless else 0
    )
    if headerless:
        frame.columns = [f"c{i}" for i in range(frame.shape[1])]
    return {str(c).strip(): frame[c].to_numpy() for c in frame.columns}


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def read_inputs(path: str | Path, inputs: Sequence[str]) -> np.ndarray:
    """The columns `inputs` of a data file as X (n, d) float64, checked like training data."""
    columns = read_columns(path)
    missing = [n for n in inputs if n not in columns]
    if missing:
        raise DataError(f"column {missing[0]!r} is not in {path}; the model's inputs are {', '.join(inputs)}")
    return np.stack([_numeric(columns[n], n, path) for n in inputs], axis=1)


def _matrix_columns(array: np.ndarray, path: Path) -> dict[str, np.ndarray]:
    if array.ndim != 2:
        raise DataError(f"{path} holds an array of shape {array.shape}; a 2-D array (rows, columns) is needed")
    return {f"c{i}": array[:, i] for i in range(array.shape[1])}


def _numeric(values: np.ndarray, name: str, path: str | Path) -> np.ndarray:
    """The column as float64; raises naming the first row that is text, NaN or inf."""
    try:
        column = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        for row, value in enumerate(values):
            try:
                float(value)
            except (TypeError, ValueError):
                raise DataError(f"column {name!r} of {path} is not numeric: row {row + 1} holds {value!r}") from None
        raise DataError(f"column {name!r} of {path} is not numeric") from None
    bad = ~np.isfinite(column)
    if bad.any():
        row = int(np.argmax(bad))
        raise DataError(
            f"column {name!r} of {path} has {bad.sum()} NaN or inf values (first at row {row + 1}: "
            f"{column[row]}) — drop or fill those rows"
        )
    if len(column) and np.abs(column).max() > LARGEST_VALUE:
        raise DataError(
            f"column {name!r} of {path} holds values up to {np.abs(column).max():.3g}, too near float64's "
            "limit (1.8e308) to scale — divide the column by a power of ten"
        )
    return column
