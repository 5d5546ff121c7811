"""Error metrics inside and outside the training domain, and predictions at named query points."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from .errors import NnfitError

METRICS = ("rmse", "rrmse", "mae", "max_abs_error", "r2")
HEADINGS = {
    "rmse": "RMSE",
    "rrmse": "rRMSE",
    "mae": "MAE",
    "max_abs_error": "max |err|",
    "r2": "R²",
    "spread": "spread",
}


def table_keys(members: int) -> list[str]:
    """The metric columns of a summary table: the spread too for an ensemble."""
    return [*METRICS, *(["spread"] if members > 1 else [])]


SHELL_SAMPLES = 2000  # points per extrapolation shell: rRMSE to about 2 significant digits


def metrics(y_true: np.ndarray, y_pred: np.ndarray) -> dict[str, float]:
    """RMSE, rRMSE = RMSE / std(y_true), MAE, max |error| and R² of y (n, k), averaged over outputs.

    max_abs_error is the largest over all outputs; `n` is the number of points.
    """
    y_true = np.asarray(y_true, dtype=np.float64).reshape(len(y_true), -1)
    y_pred = np.asarray(y_pred, dtype=np.float64).reshape(y_true.shape)
    # Beyond the domain a target can reach 1e300 (exp of a large value): its error is then infinite.
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        error = y_pred - y_true
        rmse = np.sqrt(np.mean(error**2, axis=0))
        std = y_true.std(axis=0)
        rrmse = np.where(std > 0, rmse / std, np.inf)
        r2 = np.where(std > 0, 1 - rmse**2 / std**2, -np.inf)
    return {
        "n": len(y_true),
        "rmse": float(rmse.mean()),
        "rrmse": float(rrmse.mean()),
        "mae": float(np.abs(error).mean()),
        "max_abs_error": float(np.abs(error).max()),
        "r2": float(r2.mean()),
    }


@dataclass(frozen=True)
class Query:
    """The prediction at one point, next to the true value where the target is known."""

    point: tuple[float, ...]
    prediction: tuple[float, ...]
    truth: tuple[float, ...] | None
    inside: bool

    @property
    def abs_error(self) -> float | None:
        if self.truth is None:
            return None
        return float(np.max(np.abs(np.subtract(self.prediction, self.truth))))

    @property
    def rel_error(self) -> float | None:
        """|error| / |truth| of the worst output; None where the truth is unknown or 0."""
        if self.truth is None or not np.all(self.truth):
            return None
        return float(np.max(np.abs(np.subtract(self.prediction, self.truth)) / np.abs(self.truth)))

    def to_dict(self) -> dict:
        return {
            "point": list(self.point),
            "prediction": list(self.prediction),
            "truth": list(self.truth) if self.truth is not None else None,
            "abs_error": self.abs_error,
            "rel_error": self.rel_error,
            "inside": self.inside,
        }


def parse_points(text: str, inputs: tuple[str, ...]) -> np.ndarray:
    """Read ``"45,100; 10,20"`` into an array (n, len(inputs)); raises naming the bad point."""
    rows = [r.strip() for r in re.split(r"[;\n]", text or "") if r.strip()]
    if not rows:
        raise NnfitError(
            f'no points given — write them as "{", ".join("1" for _ in inputs)}; ..." in the order {", ".join(inputs)}'
        )
    points = []
    for row in rows:
        values = [v for v in re.split(r"[,\s]+", row.strip("() ")) if v]
        if len(values) != len(inputs):
            raise NnfitError(
                f"point {row!r} has {len(values)} value{'s' if len(values) != 1 else ''}; "
                f"give {len(inputs)}, in the order {', '.join(inputs)}"
            )
        try:
            point = [float(v) for v in values]
        except ValueError:
            raise NnfitError(f"point {row!r} holds something that is not a number") from None
        if not np.all(np.isfinite(point)):
            raise NnfitError(f"point {row!r} is not finite")
        points.append(point)
    return np.array(points, dtype=np.float64)
