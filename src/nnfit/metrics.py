"""Error metrics of predictions against the truth on a set of points: what every table, report and
choice measures. NumPy alone, so that the command line starts without the engine."""

from __future__ import annotations

import numpy as np

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
