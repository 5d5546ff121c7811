"""The doctor before training: static checks on the recipe and the training data."""

from __future__ import annotations

import math

import numpy as np

from ..data import Target
from ..engine import LearningRates, Network
from ..recipe import Recipe
from ..task import Task
from ._codes import FEW_ROWS_PER_INPUT, STARVED_EARLY, STARVED_FRACTION, UNSCALED_MAX, UNSCALED_MIN_STD
from ._findings import Finding, Fix, either, narrower


def before(
    recipe: Recipe,
    network: Network,
    target: Target,
    X_train: np.ndarray,
    y_train: np.ndarray,
    y_scaled: np.ndarray,
    *,
    queries_outside: int = 0,
    n_queries: int = 0,
) -> list[Finding]:
    """Static checks on the recipe and the training data (X, y in user units; y also scaled)."""
    findings = _bounded_output(recipe, y_scaled)
    if recipe.input_scaling == "none":
        findings += _unscaled("inputs", X_train, target.inputs)
    if recipe.output_scaling == "none":
        findings += _unscaled("outputs", y_train, target.outputs)
    findings += _lr_starved(recipe, len(X_train))
    findings += _repeated_batch(recipe, len(X_train), network)
    findings += _few_samples(recipe, network, target, *y_train.shape)
    if queries_outside:
        findings.append(
            Finding(
                "extrapolation",
                "note",
                f"{queries_outside} of {n_queries} query points lie outside the training domain",
                "expect larger errors there, or widen --domain to cover them",
                "before",
            )
        )
    return findings


def _bounded_output(recipe: Recipe, y_scaled: np.ndarray) -> list[Finding]:
    activation, k = recipe.output_activation, y_scaled.shape[1]
    if activation == "none":
        return []
    fix = either(Fix.to("output_activation", "none"))
    if activation == "softmax" and k == 1:
        seen = "softmax over 1 output is always 1.0: the prediction cannot change"
        return [Finding("bounded-output", "error", seen, stage="before", **fix)]
    ranges = {"sigmoid": (0.0, 1.0), "tanh": (-1.0, 1.0), "relu": (0.0, math.inf), "softmax": (0.0, 1.0)}
    lo, hi = ranges[activation]
    outside = (y_scaled < lo) | (y_scaled > hi)
    if activation == "softmax":
        outside |= ~np.isclose(y_scaled.sum(axis=1, keepdims=True), 1.0)
    share = outside.mean()
    if share == 0:
        return []
    scaled = "" if recipe.output_scaling == "none" else f" ({recipe.output_scaling}-scaled)"
    span = f"[{lo:g}, {hi:g}]" if math.isfinite(hi) else f"[{lo:g}, inf)"
    seen = (
        f"{activation} output can only reach {span}, but {100 * share:.1f} % of the{scaled} training "
        f"targets lie outside it (they span {y_scaled.min():.4g}..{y_scaled.max():.4g})"
    )
    return [Finding("bounded-output", "error" if share > 0.1 else "warning", seen, stage="before", **fix)]


def _unscaled(which: str, values: np.ndarray, names: tuple[str, ...]) -> list[Finding]:
    """Columns far from order 1 while scaling is off, each named with its range."""
    largest, spread = np.abs(values).max(axis=0), values.std(axis=0)
    far = (largest > UNSCALED_MAX) | (spread < UNSCALED_MIN_STD)
    if not far.any():
        return []
    spans = ", ".join(
        f"{name} spans {values[:, i].min():.4g}..{values[:, i].max():.4g}" for i, name in enumerate(names) if far[i]
    )
    seen = f"{which} far from order 1 with scaling off: {spans}"
    fix = either(Fix.to(f"{which[:-1]}_scaling", "standard"))
    return [Finding(f"unscaled-{which}", "warning", seen, stage="before", **fix)]


def _lr_starved(recipe: Recipe, n_train: int) -> list[Finding]:
    total = recipe.total_steps(n_train)
    if recipe.optimizer == "lbfgs" or recipe.schedule == "plateau" or total is None:
        return []  # line search, plateau cuts and a budget's pace are decided by the run; the watch sees them
    steps = np.unique(np.concatenate([np.geomspace(1, max(total, 1), 400).astype(int), [0, total]]))
    fractions = LearningRates(recipe, total)(steps, steps / max(total, 1)) / recipe.lr
    starved = np.nonzero(fractions < STARVED_FRACTION)[0]
    if not len(starved) or steps[starved[0]] > STARVED_EARLY * total:
        return []
    step = int(steps[starved[0]])
    seen = (
        f"{recipe.schedule} schedule: the learning rate falls to {100 * fractions[starved[0]]:.2g} % of "
        f"its start ({recipe.lr:g}) after {step} of {total} steps ({100 * step / total:.2g} % of the run)"
    )
    fix = "--schedule cosine (or constant); with inverse-time use a decay near 1/steps"
    changes = ({"schedule": "cosine"}, {"schedule": "constant"})
    return [Finding("lr-starved", "error", seen, fix, "before", changes=changes)]


def _repeated_batch(recipe: Recipe, n_train: int, network: Network) -> list[Finding]:
    # A batch of every training row repeated is full-batch descent: shuffling would change nothing.
    if not recipe.repeat_batch or recipe.batch(n_train) >= n_train:
        return []
    total = recipe.total_steps(n_train)
    steps = f"{total} steps" if total else f"{recipe.time_limit:g} s of steps"
    seen = f"the same {recipe.batch(n_train)} samples at every one of {steps}, for {network.n_params} parameters"
    fix = "--no-repeat-batch: shuffled mini-batches of fresh samples"
    return [Finding("repeated-batch", "warning", seen, fix, "before", changes=({"repeat_batch": False},))]


def _few_samples(recipe: Recipe, network: Network, target: Target, rows: int, outputs: int) -> list[Finding]:
    """Too few training rows for the inputs and the parameters: a warning, or a note for measured
    data under the automatic recipe, which compares the linear model and penalises learning by heart."""
    inputs = len(target.inputs)
    if rows >= FEW_ROWS_PER_INPUT * inputs or rows * outputs >= network.n_params:
        return []
    seen = f"{rows} training rows for {inputs} inputs and {network.n_params} parameters"
    if target.known:
        default = Task.default_samples(inputs)
        more = Fix.to("samples", default, why=f"the default for {inputs} inputs")
        return [Finding("few-samples", "warning", seen, stage="before", **either(more, narrower(recipe)))]
    fix = either(Fix("more rows"), narrower(recipe))
    guarded = recipe.auto
    if guarded:
        seen += "; the automatic recipe compares the linear model and adds weight decay when the network learns them"
    return [Finding("few-samples", "note" if guarded else "warning", seen, stage="before", **fix)]
