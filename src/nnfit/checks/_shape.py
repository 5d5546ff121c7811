"""The doctor after training, on the target's shape: a power law fitted in the wrong coordinates,
an oscillation the units do not resolve, and the noise of measured rows."""

from __future__ import annotations

import numpy as np

from ..data import Domain, Target
from ..metrics import metrics
from ..recipe import Recipe
from ..task import Task
from ..units import Scaler, loggable
from ._codes import (
    NOISE_NEAR,
    NOISE_NEIGHBOURS,
    NOISE_SHARE,
    OSC_LINES,
    OSC_POINTS,
    OSC_POOR,
    OSC_ROWS_PER_PERIOD,
    OSC_TURNS,
    POWER_GAIN,
    POWER_LINE,
    POWER_POOR,
    POWER_ROWS,
    UNDERFIT_RRMSE,
)
from ._findings import Finding, Fix, deeper, either, longer


def power_law(
    recipe: Recipe, X: np.ndarray, y: np.ndarray, X_val: np.ndarray, y_val: np.ndarray, val_rrmse: float
) -> list[Finding]:
    """A straight line in log-log coordinates within POWER_LINE and POWER_GAIN better than the fit,
    on positive (or negative) inputs and outputs that the recipe does not take logs of."""
    logged = recipe.input_scaling == "log" and recipe.output_scaling == "log"
    if logged or val_rrmse <= POWER_POOR or not (loggable(X).all() and loggable(y).all()) or not len(X_val):
        return []
    rows = np.linspace(0, len(X) - 1, min(len(X), POWER_ROWS)).astype(int)
    with np.errstate(all="ignore"):
        straight, plain = (
            metrics(y_val, _line(X[rows], y[rows], X_val, kind))["rrmse"] for kind in ("log", "standard")
        )
    # a line in ordinary coordinates is no power law in disguise (y = x is one in both)
    if not straight <= min(POWER_LINE, val_rrmse / POWER_GAIN, plain / POWER_GAIN):
        return []
    seen = (
        f"in log-log coordinates a straight line reaches validation rRMSE {straight:.2g}, where the "
        f"fit reaches {val_rrmse:.2g} (and a line in the data's own coordinates {plain:.2g}): the "
        "target behaves as a product of powers of its inputs"
    )
    both = {"input_scaling": "log", "output_scaling": "log"}
    # the line is the first fix: it is POWER_GAIN better by construction; a network there may do better still
    fix = either(
        Fix("--model linear --input-scaling log --output-scaling log", {"model": "linear", **both})
        if recipe.model != "linear"
        else None,
        Fix("--input-scaling log --output-scaling log (a network in log-log coordinates)", both),
    )
    return [Finding("power-law", "warning", seen, stage="after", **fix)]


def _line(X: np.ndarray, y: np.ndarray, X_at: np.ndarray, kind: str) -> np.ndarray:
    """Least squares of y on X (with an intercept), both scaled by `kind` ("log": log|v|),
    predicted at X_at in y's units."""
    xs, ys = Scaler.fit(X, kind), Scaler.fit(y, kind)
    design = np.column_stack([xs.transform(X), np.ones(len(X))])
    coef, *_ = np.linalg.lstsq(design, ys.transform(y), rcond=None)
    with np.errstate(over="ignore", invalid="ignore"):
        return ys.inverse(np.column_stack([xs.transform(X_at), np.ones(len(X_at))]) @ coef)


def turns(target: Target, domain: Domain, rng: np.random.Generator) -> np.ndarray:
    """How often the target turns (changes direction) along each input across the domain: the
    median over OSC_LINES lines parallel to that input, each of OSC_POINTS points. (d,)"""
    base = domain.sample(OSC_LINES, rng)
    d = len(domain.names)
    counts = np.zeros(d)
    for j in range(d):
        X = np.repeat(base[:, None, :], OSC_POINTS, axis=1)
        X[:, :, j] = np.linspace(domain.lo[j], domain.hi[j], OSC_POINTS)
        with np.errstate(all="ignore"):
            y = target(X.reshape(-1, d))[:, 0].reshape(OSC_LINES, OSC_POINTS)
        step = np.diff(y, axis=1)
        flat = np.abs(step) <= 1e-9 * (np.nanstd(y) or 1.0)  # round-off on a plateau is no turn
        per_line = [np.count_nonzero(np.diff(np.sign(row[~still])) != 0) for row, still in zip(step, flat, strict=True)]
        counts[j] = np.median(per_line)
    return counts


def oscillation(
    recipe: Recipe, task: Task, target: Target, domain: Domain, n_train: int, val_rrmse: float
) -> list[Finding]:
    """A known target that turns OSC_TURNS times or more along an input, fitted no better than OSC_POOR:
    a warning when the fit is poor (UNDERFIT_RRMSE), else a note."""
    if not target.known or val_rrmse <= OSC_POOR:
        return []
    counts = turns(target, domain, np.random.default_rng(recipe.seed))
    most = int(np.argmax(counts))
    if counts[most] < OSC_TURNS:
        return []
    periods = counts[most] / 2
    per_axis = n_train ** (1 / len(domain.names))  # rows along one input, were they on a grid
    seen = (
        f"the target turns {counts[most]:.0f} times along {domain.names[most]} ({periods:.0f} periods), "
        f"with about {per_axis / periods:.0f} training rows per period along it, and the fit reaches "
        f"validation rRMSE {val_rrmse:.2g}"
    )
    samples = task.sample_count(len(domain.names))
    fix = either(
        deeper(recipe),
        longer(recipe),
        Fix.to("activation", "sin", why="units that oscillate") if recipe.activation != "sin" else None,
        Fix.to("samples", 4 * samples, why="4x") if per_axis / periods < OSC_ROWS_PER_PERIOD else None,
    )
    return [Finding("oscillation", "warning" if val_rrmse > UNDERFIT_RRMSE else "note", seen, stage="after", **fix)]


def noise_level(X: np.ndarray, y: np.ndarray) -> float:
    """The share of the targets' spread that is noise, by the Gamma test: half the mean squared
    difference of y between the k-th nearest rows (standardised inputs), regressed on their mean
    squared distance for k = 1..NOISE_NEIGHBOURS, at distance 0. Averaged over outputs."""
    k = min(NOISE_NEIGHBOURS, len(X) - 1)
    if k < 2:
        return 0.0
    spread = X.std(axis=0)
    Z = (X - X.mean(axis=0)) / np.where(spread > 0, spread, 1.0)
    from scipy.spatial import KDTree  # here: 0.2-0.35 s of every command's start, for rows from a file only

    distances, rows = KDTree(Z).query(Z, k=k + 1)
    closeness = np.mean(distances[:, 1:] ** 2, axis=0)
    halves = np.array([0.5 * np.mean((y - y[rows[:, j]]) ** 2, axis=0) for j in range(1, k + 1)])
    (variance, _), *_ = np.linalg.lstsq(np.column_stack([np.ones(k), closeness]), halves, rcond=None)
    return float(np.mean(np.sqrt(np.clip(variance, 0, None)) / np.where(y.std(axis=0) > 0, y.std(axis=0), 1.0)))


def noisy(noise: float, train_rrmse: float, val_rrmse: float) -> list[Finding]:
    """Measured rows whose noise (`noise`, a share of the spread) is at least NOISE_SHARE, with a
    validation error within NOISE_NEAR of it: the data, not the recipe, bound the accuracy. (A
    training error far below the noise is an overfit, which says so.)"""
    if noise < NOISE_SHARE or val_rrmse > NOISE_NEAR * noise:
        return []
    seen = (
        f"the targets carry noise of about {noise:.2g} of their spread (nearest-row estimate), and the fit's "
        f"validation rRMSE {val_rrmse:.2g} (train {train_rrmse:.2g}) is within {NOISE_NEAR:g}x of it: the noise bounds the accuracy"
    )
    fix = "nothing in the recipe: more rows, or less noisy measurements; no model does much better than the noise"
    return [Finding("noisy-data", "note", seen, fix, "after")]
