"""The automatic recipe: the fields left at auto are chosen by trying candidates on the data.

Candidates follow from the task, never from the formula's text: a log transform is tried for
inputs and outputs of one sign that span a ratio (a product of powers is linear in log-log
coordinates), and gelu, sin and relu units (smooth, oscillating, kinked targets). Each network
candidate trains for a short share of the run; a linear model is solved exactly in every
coordinate system, as the baseline that a network has to beat. The winner is chosen on the
validation split, in the user's units, and the evidence is kept in the `Choice`.
"""

from __future__ import annotations

import itertools
import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import replace
from functools import partial
from typing import TypeVar

import jax
import numpy as np

from ..data import Split
from ..engine import CHECK_ROWS, Callback, Network, ProbeEnd, Trainer
from ..metrics import metrics
from ..recipe import Recipe
from ..units import Coordinates, Groups, Scaler, loggable
from ._choice import Choice, Contender

# A column is offered the log transform when its largest |value| is at least this many times its
# smallest: below, the log is nearly affine over the data and the choice is noise.
LOG_SPAN = 2.0
# Each network candidate trains for a share of the run's steps, within bounds. Coordinates rank
# early: a tenth. Unit types rank late, since the fastest to start need not end ahead (sin(x*y)**2,
# while sin units started in the straight part of the sine: gelu ahead at 2000 of 20 000 steps, sin at 5000).
SCALING_PROBE = (0.1, 200, 2000)  # share of the run, fewest and most steps
ACTIVATION_PROBE = (0.25, 500, 5000)
# A run shorter than this has no steps to share with probes that could tell networks apart: its
# network takes the fixed defaults (the linear baseline, solved exactly, is still measured).
SHORTEST_PROBED = 5000
SHORTEST_PROBED_SECONDS = 5.0  # likewise for a time budget
BUDGET_PROBED = 0.5  # of a time budget, the probes' share in CPU seconds (they run a core each)
# A linear model this close on validation needs no network: none gets measurably closer in float32.
EXACT = 1e-5
ACTIVATIONS = ("gelu", "sin", "relu")  # smooth, oscillating, kinked; the first is the fixed default
# A network whose best probe stays this far from the validation data lacks capacity rather than
# steps, and a third layer is probed. The suite's three hardest formulas probed at 0.04-0.31, every
# other at 0.013 or less; a third layer cut their probes 2-3x (damped oscillation in 5 inputs: 0.092
# to 0.031) and their runs up to 2.6x (1.1e-2 to 4.4e-3), while on easier targets it did not help.
HARD = 0.02
DEEPER = (64, 64, 64)
# The linear model, when it wins, is refined by L-BFGS from the network's starting point: a convex
# problem that converges within a few dozen steps to the closed-form solution.
LINEAR_STEPS = 200
# A candidate replaces the fixed default (standard scaling, gelu units) only when its probe is
# this much better: short probes rank close candidates by chance, and the default is the best
# on average (relu beat gelu by 1.1x in a probe of the Lorentz factor, then lost 3.7x in the run).
MARGIN = 1.5
P = TypeVar("P", bound=tuple)  # a probe's (contender, predictions)


def choose(
    recipe: Recipe,
    split: Split,
    *,
    budget: float | None = None,
    groups: Groups | None = None,
    callbacks: Sequence[Callback] = (),
) -> tuple[Recipe, Choice | None]:
    """The recipe with every field left at auto chosen on the training rows of `split` and its
    validation rows (the training rows when there are none), in the user's units.

    Args:
        recipe: fields left at auto are chosen; the others are kept.
        split: the rows; the test rows are not looked at.
        budget: seconds the fit may take in all: the probes take about half of it.
        groups: the target's, a candidate unless the recipe turns them off.
        callbacks: told as each network candidate ends its probe (`Callback.on_probe_end`).

    Returns:
        The recipe with every field decided, and the evidence for the choice: None when nothing
        was left to choose.
    """
    named = "input_scaling" not in recipe.undecided and "output_scaling" not in recipe.undecided
    if recipe.groups == "auto" and (groups is None or named):
        # no groups to try, or coordinates the user named (a recipe that reproduces a seed's scaling)
        recipe = recipe.replace(groups="off")
    if not recipe.undecided:
        return recipe, None
    if not recipe.auto or set(recipe.undecided) <= {"hidden"}:  # depth is probed only beside the units
        return recipe.fixed(), None
    started = time.perf_counter()
    if not len(split.X_val):  # no validation rows: the candidates are judged on the training rows
        split = replace(split, X_val=split.X_train, y_val=split.y_train)
    X, y, X_val, y_val = split.X_train, split.y_train, split.X_val, split.y_val
    input_kinds = _scalings(recipe.input_scaling, X)
    output_kinds = _scalings(recipe.output_scaling, y)
    pairs = list(itertools.product(input_kinds, output_kinds))
    # each network candidate's coordinates: scaling kinds, and the groups on or off. The groups, when
    # the target has them, come first, as the side to beat: they are exact, and a network of fewer
    # inputs is no worse (two-slit interference, 4 inputs to 2: 5.5e-3 to 6.4e-4), but it leads by
    # less than MARGIN in short probes of units that have not yet begun to fit (gelu at 0.55 against
    # 0.76). Beside them only the fixed default's coordinates: of the 33 formulas of the suite with
    # groups, every one chose them, and log coordinates add nothing that a factor and ratios lack.
    coordinates = [(*pair, "off") for pair in pairs] if recipe.groups != "on" else []
    if groups is not None and recipe.groups != "off":
        features, factored = groups.features(X), y / groups.scale(X)
        kinds = itertools.product(_scalings(recipe.input_scaling, features), _scalings(recipe.output_scaling, factored))
        coordinates = [(*pair, "on") for pair in kinds] + coordinates[:1]
    contenders: list[Contender] = []
    # an ensemble's members would be one and the same linear model: it asks for networks
    if recipe.model == "linear" or (recipe.model == "auto" and recipe.ensemble == 1):
        contenders += [_linear(X, y, X_val, y_val, ins, outs) for ins, outs in pairs]
        baseline = min(contenders, key=lambda t: t.val_rrmse)
        if recipe.model == "linear" or baseline.val_rrmse <= EXACT:
            return _chosen(recipe, baseline, contenders, started)
    total = recipe.total_steps(len(X)) or Recipe.DEFAULT_STEPS
    short = total < SHORTEST_PROBED or (budget is not None and budget < SHORTEST_PROBED_SECONDS)
    unprobed = recipe.replace(model="mlp").fixed()
    if short or (len(coordinates) == 1 and recipe.activation != "auto"):
        ins, outs, grouped = (
            (unprobed.input_scaling, unprobed.output_scaling, unprobed.groups) if short else coordinates[0]
        )
        stand_in = Contender("mlp", unprobed.activation, ins, outs, np.nan, 0, groups=grouped)
        note = "too short a run to probe networks" if short else "the only network candidate"
        return _chosen(recipe, stand_in, [*contenders, stand_in], started, note)
    limit = None if budget is None else budget * BUDGET_PROBED / (len(coordinates) + len(ACTIVATIONS))
    length = lambda share, least, most: int(np.clip(share * total, least, most))
    probe = unprobed.replace(
        activation="gelu" if recipe.activation == "auto" else recipe.activation,
        steps=length(*SCALING_PROBE),
        epochs=None,
        budget=None,
        target_rrmse=None,
        early_stopping=False,
        ensemble=1,
        checkpoint_every=None,
    )
    probed: list[tuple[Contender, Callable[[np.ndarray], np.ndarray]]] = []  # each network contender, its predictions

    ended = itertools.count(1)  # how many probes have ended, as they end

    def told(contender: Contender) -> None:
        event = ProbeEnd(contender.label(), contender.val_rrmse, contender.steps, next(ended))
        for callback in callbacks:
            callback.on_probe_end(event)

    chosen = coordinates[0]
    if recipe.activation == "auto" and len(coordinates) > 1:
        unit_probe = probe.replace(steps=length(*ACTIVATION_PROBE))
        _compile_ahead(probe, [unit_probe.replace(activation=a) for a in ACTIVATIONS[1:]], split, chosen, groups)
    if len(coordinates) > 1:  # coordinates first, with the default units
        probed += _side_by_side(
            [partial(_network_probe, probe, split, c, groups, limit=limit) for c in coordinates], told
        )
        best, predict = _preferred(probed)
        chosen = (best.input_scaling, best.output_scaling, best.groups)
    if recipe.activation == "auto":  # then units, in those coordinates
        probe = probe.replace(steps=length(*ACTIVATION_PROBE))
        units = _side_by_side(
            [
                partial(_network_probe, probe.replace(activation=a), split, chosen, groups, limit=limit)
                for a in ACTIVATIONS
            ],
            told,
        )
        probed += units
        best, predict = _preferred(units)
    # fitted poorly: a hard target, for which a third layer is probed (the evidence says "hard" even
    # where that layer then probes below HARD)
    hard = best.val_rrmse > HARD
    if "hidden" in recipe.undecided and hard:
        deeper = probe.replace(activation=best.activation, hidden=DEEPER)
        frame = (best.input_scaling, best.output_scaling, best.groups)
        probed.append(_network_probe(deeper, split, frame, groups, limit=limit))
        told(probed[-1][0])
        best, predict = _preferred([(best, predict), probed[-1]])
    recipe, choice = _chosen(recipe, best, contenders + [contender for contender, _ in probed], started)
    return recipe, replace(choice, probe=predict, hard=hard)


def as_linear(recipe: Recipe, linear: Contender) -> Recipe:
    """The recipe that trains the linear model of `linear`: by L-BFGS, for the steps named if fewer."""
    steps = min(recipe.steps or LINEAR_STEPS, LINEAR_STEPS)
    return recipe.replace(**linear.fields, optimizer="lbfgs", steps=steps, epochs=None)


def _chosen(
    recipe: Recipe, winner: Contender, contenders: list[Contender], started: float, note: str = ""
) -> tuple[Recipe, Choice]:
    chosen = {name: value for name, value in winner.fields.items() if name in recipe.undecided}
    # a linear model chosen here comes with its solver; one the user named keeps the user's optimizer
    chosen_linear = winner.model == "linear" and "model" in recipe.undecided
    resolved = as_linear(recipe, winner) if chosen_linear else recipe.replace(**chosen)
    return resolved.fixed(), Choice(contenders.index(winner), tuple(contenders), time.perf_counter() - started, note)


def _preferred(probed: list[tuple[Contender, Callable]]) -> tuple[Contender, Callable]:
    """The best of the probed (contender, predictions), unless the first (the fixed default's) is within MARGIN of it."""
    best = min(probed, key=lambda pair: pair[0].val_rrmse)
    return best if best[0].val_rrmse * MARGIN < probed[0][0].val_rrmse else probed[0]


def _side_by_side(probes: list[Callable[[], P]], told: Callable[[Contender], None]) -> list[P]:
    """Each probe's (contender, predictions), in order, `told` of each contender as its probe ends.
    Probes are independent and each keeps about one core busy, so they run a core each: on 2 cores,
    1.7x the speed of one after the other."""
    with ThreadPoolExecutor(max_workers=min(len(probes), os.cpu_count() or 1)) as pool:
        futures = [pool.submit(probe) for probe in probes]
        for future in as_completed(futures):
            told(future.result()[0])
        return [future.result() for future in futures]


def _scalings(kind: str, values: np.ndarray) -> list[str]:
    """The scalings worth trying for columns `values` (n, d): log too when a column spans LOG_SPAN."""
    if kind != "auto":
        return [kind]
    magnitude = np.abs(values)
    spans = magnitude.max(axis=0) >= LOG_SPAN * magnitude.min(axis=0)
    return ["standard", "log"] if np.any(loggable(values) & spans) else ["standard"]


def rrmse(y: np.ndarray, prediction: np.ndarray) -> float:
    with np.errstate(over="ignore", invalid="ignore"):  # a diverged candidate: infinite error
        value = metrics(y, prediction)["rrmse"]
    return value if np.isfinite(value) else np.inf


def _linear(X, y, X_val, y_val, ins: str, outs: str) -> Contender:
    """The least-squares linear model in the coordinates of (ins, outs), solved exactly."""
    return Contender("linear", "", ins, outs, rrmse(y_val, linear_prediction(X, y, X_val, ins, outs)), 0)


def linear_prediction(X, y, X_val, ins: str, outs: str) -> np.ndarray:
    """Predictions (m, k) at X_val of the least-squares linear model of y on X in (ins, outs) coordinates."""
    xs, ys = Scaler.fit(X, ins), Scaler.fit(y, outs)
    design = np.column_stack([xs.transform(X), np.ones(len(X))])
    coef, *_ = np.linalg.lstsq(design, ys.transform(y), rcond=None)
    with np.errstate(over="ignore", invalid="ignore"):
        return ys.inverse(np.column_stack([xs.transform(X_val), np.ones(len(X_val))]) @ coef)


def _network_probe(
    probe: Recipe, rows: Split, frame: tuple[str, str, str], groups: Groups | None, *, limit: float | None
) -> tuple[Contender, Callable[[np.ndarray], np.ndarray]]:
    """A short training of the probe recipe's network on `rows` (validation: rows.X_val) in the
    coordinates `frame`: (input scaling, output scaling, "on" or "off" for the target's `groups`).
    Returns its contender, and the trained network's predictions (m, k) at inputs (m, d), both in the
    user's units."""
    ins, outs, grouped = frame
    coordinates = _coordinates(rows, frame, groups)
    trainer = _probe_trainer(probe, rows, frame, coordinates, limit=limit)
    network, recipe = trainer.network, trainer.recipe
    params = trainer.train_on(rows)

    def predict(inputs: np.ndarray) -> np.ndarray:
        with jax.enable_x64(recipe.dtype == "float64"):
            out = network.predict(params, coordinates.inputs(inputs))[0]
        return coordinates.predictions(inputs, out)

    # where the last check saw every validation row, its outputs are the predictions there: the
    # units that lose their probes never compile a prediction program (0.1-0.2 s each on a new machine)
    if trainer.check_outputs is not None and len(rows.X_val) <= CHECK_ROWS:
        at_validation = coordinates.predictions(rows.X_val, np.asarray(trainer.check_outputs, np.float64))
    else:
        at_validation = predict(rows.X_val)
    val_rrmse = rrmse(rows.y_val, at_validation)
    contender = Contender(
        "mlp", probe.activation, ins, outs, val_rrmse, trainer.step, hidden=probe.widths, groups=grouped
    )
    return contender, predict


def _coordinates(rows: Split, frame: tuple[str, str, str], groups: Groups | None) -> Coordinates:
    """The coordinates of `frame` (input scaling, output scaling, groups "on" or "off") fitted to `rows`."""
    ins, outs, grouped = frame
    return Coordinates.fit(rows.X_train, rows.y_train, ins, outs, groups if grouped == "on" else None)


def _probe_trainer(
    probe: Recipe, rows: Split, frame: tuple[str, str, str], coordinates: Coordinates, *, limit: float | None = None
) -> Trainer:
    """The trainer of a probe (`_network_probe`) on `rows` in `coordinates`, fitted to them in `frame`."""
    ins, outs, grouped = frame
    width, outputs = coordinates.width or rows.X_train.shape[1], rows.y_train.shape[1]
    network = Network.build("mlp", width, outputs, probe.widths, probe.activation, probe.output_activation)
    recipe = probe.replace(input_scaling=ins, output_scaling=outs, groups=grouped)
    return Trainer(network, recipe, (), limit, coordinates)


def _compile_ahead(
    first: Recipe, then: Sequence[Recipe], rows: Split, frame: tuple[str, str, str], groups: Groups | None
) -> None:
    """Compile the programs of the probes `then` on `rows` in `frame`, on threads of their own, once
    the program of the probe `first`, which the probes running now wait for, is ready; and return.
    A probe that starts before its program is ready waits for it rather than compiling it again. So
    the units' programs compile while the coordinates' probes train, in core time those leave idle
    between their chunks (RESULTS.md, version 0.9.4). A frame that later loses costs nothing:
    scalings keep the network's shape, and so its program; groups do not."""
    coordinates = _coordinates(rows, frame, groups)
    trainers = [_probe_trainer(probe, rows, frame, coordinates) for probe in (first, *then)]
    pool = ThreadPoolExecutor(max_workers=len(trainers), thread_name_prefix="nnfit-compile")
    first_ready = pool.submit(trainers[0].compile_on, rows)  # the program the probes wait for compiles alone

    def compile_after_first(trainer: Trainer) -> None:
        first_ready.result()
        trainer.compile_on(rows)

    for trainer in trainers[1:]:
        pool.submit(compile_after_first, trainer)
    pool.shutdown(wait=False)
