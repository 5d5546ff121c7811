"""Scalers fitted on the training split and stored with the model, so users see their units.

A scaler is an optional log transform of each column followed by an affine map to order 1. The
log makes a product of powers linear (log y = sum of a_i log x_i) and a quantity spanning decades
even. It is `log(max(v / pivot, 1))`, with the pivot the column's value nearest zero: exactly
`log(v / pivot)` over the data, and defined for every v, flat at 0 for values nearer zero than
the data or of the other sign, so a prediction there is finite. Its inverse, `pivot * exp(z)`,
keeps a logged output of the data's sign.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

KINDS = ("standard", "minmax", "log", "none")
# The pivot is the smallest |v| of a column: nearer zero than the data, the transform is flat, so
# a prediction there is the one at the data's edge. A pivot three decades lower let a power law
# run on towards zero: 1/epsilon was predicted 1000x too large where epsilon crossed zero.
PIVOT = 1.0


def loggable(values: np.ndarray) -> np.ndarray:
    """Which columns of values (n, d) a log transform suits: one sign, never zero. (d,) bool."""
    values = np.asarray(values, dtype=np.float64)
    return np.all(values > 0, axis=0) | np.all(values < 0, axis=0)


@dataclass(frozen=True)
class Scaler:
    """z = (f(v) - shift) / scale per column, where f(v) = log(max(v / pivot, 1)) for a column
    whose pivot is non-zero (a log-transformed one) and f(v) = v otherwise. `kind` says how the columns
    were chosen and the shift and scale fitted."""

    kind: str
    shift: np.ndarray  # (d,)
    scale: np.ndarray  # (d,)
    pivot: np.ndarray | None = None  # (d,): 0 for a column left linear; None: every column is

    def __post_init__(self) -> None:
        pivot = np.zeros(len(self.shift)) if self.pivot is None else np.asarray(self.pivot, np.float64)
        object.__setattr__(self, "pivot", pivot)

    @classmethod
    def fit(cls, values: np.ndarray, kind: str) -> Scaler:
        """Fit to values (n, d): standard -> mean 0, std 1; minmax -> [-1, 1]; log -> the log of each
        one-signed column, then standard; none -> identity."""
        values = np.asarray(values, dtype=np.float64)
        d = values.shape[1]
        pivot = np.zeros(d)
        if kind == "log":
            smallest = np.abs(values).min(axis=0) if len(values) else np.ones(d)
            pivot = np.where(loggable(values), PIVOT * smallest * np.sign(values[0] if len(values) else 1.0), 0.0)
            values = _forward(values, pivot)
        if kind in ("standard", "log"):
            shift, scale = values.mean(axis=0), values.std(axis=0)
        elif kind == "minmax":
            lo, hi = values.min(axis=0), values.max(axis=0)
            shift, scale = (lo + hi) / 2, (hi - lo) / 2
        elif kind == "none":
            shift, scale = np.zeros(d), np.ones(d)
        else:
            raise ValueError(f"unknown scaling {kind!r}; use one of {', '.join(KINDS)}")
        # A constant column would divide by zero; leaving it unscaled keeps it finite.
        return cls(kind, shift, np.where(scale > 0, scale, 1.0), pivot)

    @property
    def logged(self) -> np.ndarray:
        """Which columns are log-transformed, (d,) bool."""
        return np.asarray(self.pivot) != 0

    def transform(self, values: np.ndarray) -> np.ndarray:
        return (_forward(values, self.pivot) - self.shift) / self.scale

    def inverse(self, values: np.ndarray) -> np.ndarray:
        return _backward(values * self.scale + self.shift, self.pivot)


def _forward(values: np.ndarray, pivot: np.ndarray | None) -> np.ndarray:
    if pivot is None or not np.any(pivot):
        return values
    logged = pivot != 0
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(logged, np.log(np.maximum(values / np.where(logged, pivot, 1.0), 1.0)), values)


def _backward(values: np.ndarray, pivot: np.ndarray | None) -> np.ndarray:
    if pivot is None or not np.any(pivot):
        return values
    with np.errstate(over="ignore", invalid="ignore"):
        return np.where(pivot != 0, np.exp(values) * pivot, values)
