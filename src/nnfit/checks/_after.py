"""The doctor after training: checks on the finished fit's units and its errors."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from ..auto import WEIGHT_DECAY
from ..data import Dataset, Target
from ..engine import Network
from ..metrics import metrics, percent
from ..recipe import Recipe
from ..task import Task
from . import _shape as shape
from ._codes import (
    CONSTANT_SPREAD,
    DEAD_HARMLESS,
    DEAD_SAMPLE,
    DEAD_SHARE,
    EXTRAPOLATION_RATIO,
    NOISE_NEAR,
    NOISE_ROWS,
    NOISE_SHARE,
    OVERFIT_FLOOR,
    OVERFIT_RATIO,
    UNDERCOVERAGE,
    UNDERFIT_GAP,
    UNDERFIT_RRMSE,
    USUAL_COVERAGES,
)
from ._findings import Finding, Fix, either, longer, narrower, short, toward_usual, wider

if TYPE_CHECKING:
    from ..fitting import Fit


def dead_units(network: Network, params, X_scaled: np.ndarray, train_rrmse: float, recipe: Recipe) -> list[Finding]:
    """ReLU units that are zero on every one of up to DEAD_SAMPLE training points: a warning, or a
    note when the live ones fit the training data (`train_rrmse` at most DEAD_HARMLESS)."""
    if network.activation != "relu" or len(network.sizes) < 3:
        return []
    import jax.numpy as jnp

    outputs = network.hidden_outputs(params, jnp.asarray(X_scaled[:DEAD_SAMPLE], params[0]["w"].dtype))
    alive = [np.asarray(h > 0).any(axis=0) for h in outputs]
    dead, total = sum(int((~a).sum()) for a in alive), sum(a.size for a in alive)
    if dead / total <= DEAD_SHARE:
        return []
    per_layer = ", ".join(f"{int((~a).sum())}/{a.size}" for a in alive)
    seen = f"{dead} of {total} ReLU units ({100 * dead / total:.0f} %) are never active on the training data (per layer: {per_layer})"
    # a rate above the usual first: large steps are what push ReLU units dead (measured: --lr 0.01 beat tanh
    # units on 6 of 8 dead-unit probes (tanh on 1, neither on 1), e.g. sin(2*x)*cos(2*y) at 0.1: 0.84 -> 0.084 against 0.32)
    fix = either(
        toward_usual(recipe, lower=True),
        Fix("--activation tanh (or silu)", {"activation": "tanh"}),
        Fix.to("input_scaling", "standard") if recipe.input_scaling != "standard" else None,
    )
    if train_rrmse <= DEAD_HARMLESS:
        seen += f", but the live ones fit it (training rRMSE {train_rrmse:.2g})"
        fix["fix"] = f"nothing needed; for the whole width: {fix['fix']}"
        return [Finding("dead-units", "note", seen, stage="after", **fix)]
    return [Finding("dead-units", "warning", seen, stage="after", **fix)]


def _more(recipe: Recipe) -> tuple[Fix | None, Fix | None]:
    """More capacity, then a longer run (first, for a run far shorter than the usual); L-BFGS
    solves a linear model to the end at once."""
    if recipe.model == "linear":
        capacity = Fix("--model mlp (if the target is not linear)", {"model": "mlp"})
        return capacity, None if recipe.optimizer == "lbfgs" else longer(recipe)
    return (longer(recipe), wider(recipe)) if short(recipe) else (wider(recipe), longer(recipe))


def after(result: Fit, dataset: Dataset) -> list[Finding]:
    """The checks on a finished fit: its units, whether its output moves, its errors on each split
    beside the target's shape and the data's noise, and its errors outside the domain."""
    split = dataset.split
    X_train, y_train, X_val, y_val = split.X_train, split.y_train, split.X_val, split.y_val
    X_test, y_test = split.X_test, split.y_test
    X_spread, y_spread = (X_test, y_test) if len(X_test) else (X_train, y_train)
    with np.errstate(divide="ignore", invalid="ignore"):
        spread = float(np.mean(result.predict(X_spread).std(axis=0) / y_spread.std(axis=0)))
    recipe, t = result.recipe, metrics(y_train, result.predict(X_train))["rrmse"]
    findings = dead_units(result.network, result.member(0), result.coordinates.inputs(X_train), t, recipe)
    if not np.isfinite(t):  # a diverged fit: its errors say nothing more than the finding made during training
        return findings
    findings += _constant(recipe, spread)
    if len(X_val):
        v = metrics(y_val, result.predict(X_val))["rrmse"]
        rows = np.linspace(0, len(X_train) - 1, min(len(X_train), NOISE_ROWS)).astype(int)
        noise = None if result.target.known else shape.noise_level(X_train[rows], y_train[rows])
        findings += shape.power_law(recipe, X_train, y_train, X_val, y_val, v)
        findings += shape.oscillation(recipe, result.task, result.target, result.domain, len(X_train), v)
        noisy = shape.noisy(noise, t, v) if noise is not None else []
        findings += _fitness(recipe, result.task, result.target, t, v, noise=noise, at_floor=bool(noisy)) + noisy
    return findings + _extrapolation(result.evaluation) + interval_findings(result)


def _constant(recipe: Recipe, spread: float) -> list[Finding]:
    """Predictions whose spread is under CONSTANT_SPREAD of the targets' (`spread`, the ratio)."""
    if spread >= CONSTANT_SPREAD:
        return []
    seen = f"the predictions vary by {100 * spread:.2g} % of the targets' spread: the network outputs almost a constant"
    faster = either(toward_usual(recipe, lower=False), *_more(recipe))
    faster["fix"] = f"look for an earlier finding; else {faster['fix']}"
    return [Finding("constant-prediction", "error", seen, stage="after", **faster)]


def _fitness(
    recipe: Recipe, task: Task, target: Target, t: float, v: float, *, noise: float | None, at_floor: bool
) -> list[Finding]:
    """Under- or overfitting from the train and validation rRMSE (`t`, `v`); an overfit on noisy
    rows (`noise`, a share of the spread) says that the network learned the noise. A fit `at_floor`,
    the error the data's noise sets, is not underfitted."""
    if v > UNDERFIT_RRMSE and v < UNDERFIT_GAP * t:
        if at_floor:
            return []
        seen = f"train rRMSE {t:.3g} and validation rRMSE {v:.3g} are both high and close"
        return [Finding("underfit", "warning", seen, stage="after", **either(*_more(recipe)))]
    if v <= OVERFIT_FLOOR or v <= OVERFIT_RATIO * t:
        return []
    seen = f"validation rRMSE {v:.3g} is {v / max(t, 1e-300):.1f}x the train rRMSE {t:.3g}"
    learned = noise is not None and noise >= NOISE_SHARE and t * NOISE_NEAR < noise
    if learned:
        seen += f"; the rows carry noise of about {noise:.2g} of their spread, and the network learned it"
    rows = 10 * task.sample_count(len(target.inputs))
    fix = either(
        Fix.to("samples", rows, why="10x as many") if target.known else Fix("more rows"),
        Fix.to("weight_decay", WEIGHT_DECAY) if not recipe.weight_decay else None,
        narrower(recipe),
        None if recipe.early_stopping else Fix.to("early_stopping", True),
    )
    return [Finding("overfit", "warning", seen, stage="after", **fix)]


def _extrapolation(evaluation: dict[str, dict]) -> list[Finding]:
    """An error on an extrapolation set EXTRAPOLATION_RATIO times the test error or more."""
    inside = evaluation.get("test", {}).get("rrmse")
    worst = max(
        ((name, m["rrmse"]) for name, m in evaluation.items() if name != "test" and "rrmse" in m),
        key=lambda item: item[1],
        default=None,
    )
    if not inside or not worst or worst[1] <= EXTRAPOLATION_RATIO * inside:
        return []
    seen = (
        f"outside the training domain ({worst[0]}) the rRMSE is {worst[1]:.3g}, "
        f"{worst[1] / inside:.0f}x the in-domain {inside:.3g}"
    )
    fix = "trust predictions only inside the domain, or train on a wider --domain"
    return [Finding("extrapolation", "note", seen, fix, "after")]


def interval_findings(result: Fit) -> list[Finding]:
    """Prediction intervals that could not be calibrated at all (too few held-out rows for the
    coverage: a note, the fit itself is sound), or that held UNDERCOVERAGE or more below the asked
    coverage on some set (a warning)."""
    coverage = result.recipe.coverage
    if result.calibration is not None and result.calibrated_reach() == 0:
        rows = int((result.calibration.band == 0).sum())
        least = math.ceil(coverage / (1 - coverage) - 1e-9)
        seen = (
            f"no prediction interval could be calibrated: {rows} held-out rows inside the domain, and "
            f"{percent(coverage)} intervals need at least {least}"
        )
        # the highest usual coverage those rows can give: the ⌈(n + 1)·c⌉-th of n errors must exist
        reachable = [c for c in USUAL_COVERAGES if math.ceil((rows + 1) * c - 1e-9) <= rows and c < coverage]
        fewer = either(
            Fix.to("coverage", reachable[0], was=coverage) if reachable else None,
            Fix("hold out more rows for validation (--split 0.8,0.1,0.1)"),
        )
        return [Finding("intervals", "note", seen, stage="after", **fewer)]
    short = [
        (n, m["coverage"]) for n, m in result.evaluation.items() if m.get("coverage", 1.0) < coverage - UNDERCOVERAGE
    ]
    if not short:
        return []
    sets = ", ".join(f"{percent(held)} on {name}" for name, held in short)
    seen = f"the {percent(coverage)} prediction intervals held {sets}: they are too narrow there"
    fix = (
        "read those intervals as too narrow; calibrate on more held-out rows (a larger validation share in "
        "--split), or on rows drawn like the points you predict at"
    )
    return [Finding("intervals", "warning", seen, fix, "after")]
