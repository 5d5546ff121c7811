"""Affine scalers fitted on the training split and stored with the model, so users see their units."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

KINDS = ("standard", "minmax", "none")


@dataclass(frozen=True)
class Scaler:
    """z = (v - shift) / scale per column; `kind` records how shift and scale were chosen."""

    kind: str
    shift: np.ndarray  # (d,)
    scale: np.ndarray  # (d,)

    @classmethod
    def fit(cls, values: np.ndarray, kind: str) -> Scaler:
        """Fit to values (n, d): standard -> mean 0, std 1; minmax -> [-1, 1]; none -> identity."""
        values = np.asarray(values, dtype=np.float64)
        d = values.shape[1]
        if kind == "standard":
            shift, scale = values.mean(axis=0), values.std(axis=0)
        elif kind == "minmax":
            lo, hi = values.min(axis=0), values.max(axis=0)
            shift, scale = (lo + hi) / 2, (hi - lo) / 2
        elif kind == "none":
            shift, scale = np.zeros(d), np.ones(d)
        else:
            raise ValueError(f"unknown scaling {kind!r}; use one of {', '.join(KINDS)}")
        # A constant column would divide by zero; leaving it unscaled keeps it finite.
        return cls(kind, shift, np.where(scale > 0, scale, 1.0))

    def transform(self, values: np.ndarray) -> np.ndarray:
        return (values - self.shift) / self.scale

    def inverse(self, values: np.ndarray) -> np.ndarray:
        return values * self.scale + self.shift
