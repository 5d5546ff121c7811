"""Error metrics of predictions against the truth on a set of points: what every table, report and
choice measures. NumPy alone, so that the command line starts without the engine."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

METRICS = ("rmse", "rrmse", "mae", "max_abs_error", "r2")
HEADINGS = {
    "rmse": "RMSE",
    "rrmse": "rRMSE",
    "mae": "MAE",
    "max_abs_error": "max |err|",
    "r2": "R²",
    "spread": "spread",
    "coverage": "coverage",
    "width": "width",
}


INTERVAL_METRICS = ("coverage", "width")  # `interval_metrics`: how the prediction intervals held


def table_keys(members: int, evaluation: Mapping[str, Mapping[str, float]] = {}) -> list[str]:
    """The metric columns of a summary table of `evaluation` (set -> metrics): the spread too for an
    ensemble, and the intervals' coverage and width where they were measured."""
    intervals = any("coverage" in m for m in evaluation.values())
    return [*METRICS, *(["spread"] if members > 1 else []), *(INTERVAL_METRICS if intervals else ())]


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
        # Values past 1e154 are finite where their squares are not (a decay two domains out reached
        # 1e229): there the same figures are taken of the values divided by their largest first.
        overflowed = ~np.isfinite(rmse) | ~np.isfinite(std)
        if overflowed.any():
            scale = np.maximum(np.abs(error).max(axis=0), np.abs(y_true - y_true.mean(axis=0)).max(axis=0))
            scaled_rmse, scaled_std = np.sqrt(np.mean((error / scale) ** 2, axis=0)), (y_true / scale).std(axis=0)
            rmse = np.where(overflowed, scale * scaled_rmse, rmse)
            spread = overflowed & (scaled_std > 0)
            rrmse = np.where(spread, scaled_rmse / scaled_std, rrmse)
            r2 = np.where(spread, 1 - (scaled_rmse / scaled_std) ** 2, r2)
    return {
        "n": len(y_true),
        "rmse": float(rmse.mean()),
        "rrmse": float(rrmse.mean()),
        "mae": float(np.abs(error).mean()),
        "max_abs_error": float(np.abs(error).max()),
        "r2": float(r2.mean()),
    }


def percent(share: float) -> str:
    """A share as a user reads it: 0.9 -> "90%", 0.999 -> "99.9%"."""
    return f"{100 * share:.4g}%"


def interval_metrics(y_true: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> dict[str, float]:
    """How prediction intervals held the truth on a set of points: `coverage`, the share of values
    (n, k) within [lower, upper], and `width`, the median of upper - lower, both averaged over outputs.

    Points whose bounds are NaN lie beyond the reach the intervals were calibrated to: they are
    counted as `beyond` and left out of both. Empty when every point is beyond.
    """
    y_true = np.asarray(y_true, dtype=np.float64).reshape(len(y_true), -1)
    calibrated = ~np.isnan(lower).any(axis=1) & ~np.isnan(upper).any(axis=1)
    beyond: dict[str, float] = {"beyond": int((~calibrated).sum())} if not calibrated.all() else {}
    if not calibrated.any():
        return beyond
    y, lo, hi = y_true[calibrated], lower[calibrated], upper[calibrated]
    return {
        "coverage": float(np.mean((y >= lo) & (y <= hi))),
        "width": float(np.median(hi - lo, axis=0).mean()),
        **beyond,
    }
