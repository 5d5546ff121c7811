"""Data files read into named float64 columns: CSV (its separator and decimal mark sniffed), Parquet,
NPY and NPZ, each checked so that a file that is not what it claims gets one line naming the problem."""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..errors import DataError

SUFFIXES = (".csv", ".parquet", ".pq", ".npy", ".npz")
CSV_SEPARATORS = ",;\t|"  # what spreadsheets and locales write; the first lines say which
CSV_SNIFF_BYTES = 64 * 1024  # enough lines to tell the separator and the header
LARGEST_VALUE = np.finfo(np.float64).max / 4  # beyond it a column's spread, and so its scaling, overflows


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
    return np.stack([numeric(columns[n], n, path) for n in inputs], axis=1)


def _matrix_columns(array: np.ndarray, path: Path) -> dict[str, np.ndarray]:
    if array.ndim != 2:
        raise DataError(f"{path} holds an array of shape {array.shape}; a 2-D array (rows, columns) is needed")
    return {f"c{i}": array[:, i] for i in range(array.shape[1])}


def numeric(values: np.ndarray, name: str, path: str | Path) -> np.ndarray:
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
