"""The coordinates a network trains in: the target's groups (when it has them), then the scalers.

Inputs X (n, d) in the user's units become the network's inputs (n, d'); outputs y (n, k) become its
targets; its outputs become predictions in the user's units again. Every path that trains or
predicts (probes, runs, a fit, its checkpoints) goes through one of these, so none can miss a step.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._groups import Groups
from ._scaling import Scaler


@dataclass(frozen=True)
class Coordinates:
    """x: the scaler of the network's inputs; y: of its targets; groups: the features and factor
    taken out first, or None."""

    x: Scaler
    y: Scaler
    groups: Groups | None = None

    @classmethod
    def fit(cls, X: np.ndarray, y: np.ndarray, inputs: str, outputs: str, groups: Groups | None = None) -> Coordinates:
        """Fitted on training data X (n, d), y (n, k): `inputs` and `outputs` are scaling kinds."""
        if groups is not None:
            X, y = groups.features(X), y / groups.scale(X)
        return cls(Scaler.fit(X, inputs), Scaler.fit(y, outputs), groups)

    @property
    def width(self) -> int | None:
        """The network's input count when the groups set it; None: the user's."""
        return None if self.groups is None else self.groups.width

    def inputs(self, X: np.ndarray) -> np.ndarray:
        """The network's inputs (n, d') at X (n, d)."""
        return self.x.transform(X if self.groups is None else self.groups.features(X))

    def targets(self, X: np.ndarray, y: np.ndarray) -> np.ndarray:
        """The network's targets (n, k) for outputs y (n, k) at X (n, d)."""
        return self.y.transform(y if self.groups is None else y / self.groups.scale(X))

    def predictions(self, X: np.ndarray, out: np.ndarray) -> np.ndarray:
        """Network outputs (..., n, k) at X (n, d) in the user's units."""
        with np.errstate(over="ignore", invalid="ignore"):
            values = self.y.inverse(out)
            return values if self.groups is None else values * self.groups.scale(X)
