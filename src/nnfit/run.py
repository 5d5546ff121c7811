"""One fit from start to end: target and domain to data, the automatic recipe's choices, the runs
on its `Problem`, and the better of them kept."""

from __future__ import annotations

import dataclasses
import math
import shutil
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from . import auto, data, groups, rundir, sizing, trials, verdicts
from .callbacks import Halt
from .config import split_settings
from .domain import Domain
from .errors import NnfitError, RecipeError, UndefinedTargetError
from .findings import Finding, ordered
from .groups import Groups
from .law import Discovery
from .problem import Problem
from .recipe import Recipe
from .result import Fit
from .target import Target
from .task import Task
from .train import INTERRUPTED, Callback

TargetSpec = Target | str | Callable[..., Any] | None
PROBE_SECONDS = 3.0  # long enough for the first validation checks, short enough to answer at once
# Of a time budget, the share left after training for evaluation and the doctor's checks, so that
# the fit ends within it (they took 0.1-0.2 s after a 10 s run).
FINISH_SHARE = 0.03


def fit(
    target: TargetSpec = None,
    domain: Domain | str | dict | None = None,
    *,
    recipe: Recipe | None = None,
    task: Task | None = None,
    callbacks: Sequence[Callback] = (),
    **settings: Any,
) -> Fit:
    """Fit a network to `target` over `domain` and evaluate it inside and outside the domain.

    target: a formula (``"x**2 + x"``), a callable of named inputs, or a .csv/.parquet/.npy/.npz
    path. domain: ``"x=0:100, y=0:1000:int"`` or ``{"x": (0, 100)}``; for data files it is read
    from the data. Any Task or Recipe field may be given as a keyword (``hidden=(40, 24, 12)``)
    and overrides `recipe`/`task`. Returns a `Fit` whose `findings` hold the doctor's diagnosis;
    raises NnfitError on bad input.
    """
    started = time.perf_counter()
    task, recipe, target, domain = resolve(target, domain, recipe, task, settings)
    rng = np.random.default_rng(recipe.seed)
    resolved, domain_obj, dataset = data.prepare(task, rng, target, domain)
    budget = max(recipe.time_limit - (time.perf_counter() - started), 0.0) if recipe.time_limit else None  # whole fit
    result = train(resolved, domain_obj, dataset, task, recipe, rng, callbacks, budget)
    return with_laws(result, dataset) if task.discover else result


def doctor(
    target: TargetSpec = None,
    domain: Domain | str | dict | None = None,
    *,
    recipe: Recipe | None = None,
    task: Task | None = None,
    probe_seconds: float = PROBE_SECONDS,
    try_fixes: bool = False,
    **settings: Any,
) -> list[Finding]:
    """The doctor's diagnosis of a recipe: static checks plus a probe training of about
    `probe_seconds`. Takes the arguments of `fit`; returns the findings made before and during
    training, most telling first, with each fix applied and measured if `try_fixes` (see
    `nnfit.try_fixes`)."""
    task, recipe, target, domain = resolve(target, domain, recipe, task, settings)
    rng = np.random.default_rng(recipe.seed)
    try:
        resolved, domain_obj, dataset = data.prepare(task, rng, target, domain)
    except UndefinedTargetError as exc:
        return [
            Finding(
                "target-undefined",
                "error",
                str(exc).split(" — ")[0],
                "narrow --domain to where the target is defined",
                "before",
            )
        ]
    probe_budget = min(recipe.time_limit or math.inf, probe_seconds)
    # the fixed defaults stand in for fields left at auto: the doctor looks at the user's choices
    probe = train(resolved, domain_obj, dataset, task, recipe.fixed(), rng, budget=probe_budget)
    found = [f for f in probe.findings if f.stage != "after"]
    return trials.tried(found, target, domain, task, recipe) if try_fixes else found


def try_fixes(
    findings: Sequence[Finding],
    target: TargetSpec = None,
    domain: Domain | str | dict | None = None,
    *,
    recipe: Recipe | None = None,
    task: Task | None = None,
    probe_steps: int = trials.PROBE_STEPS,
    **settings: Any,
) -> list[Finding]:
    """Check the fixes of `findings` (a fit's, or the doctor's) by applying them: each change a fix
    proposes trains a probe of `probe_steps` steps of the recipe the other arguments describe, as for
    `fit`, and its held-out rRMSE is set beside the probe's without it in `Finding.trials`. The
    changes that help come first: ``try_fixes(fit(**s).findings, **s)``.
    """
    task, recipe, target, domain = resolve(target, domain, recipe, task, settings)
    return trials.tried(list(findings), target, domain, task, recipe, probe_steps)


def fit_into(
    path: Path,
    prepared: tuple[Target, Domain, data.Dataset],
    task: Task,
    recipe: Recipe,
    rng: np.random.Generator,
    callbacks: Sequence[Callback] = (),
    *,
    resume: dict[str, Any] | None = None,
    overwrite: bool = False,
    fixes: bool = False,
    report: bool = True,
) -> Fit:
    """`train` on a prepared target, domain and dataset (`data.prepare`) with its run directory
    `path` kept up to date: marked unfinished with its recipe at once, checkpointed as it trains
    (so that it can be resumed: `resume` is its checkpoint), and complete once saved. With `fixes`,
    the findings' fixes are tried first (`try_fixes`). A run that fails before its first
    checkpoint leaves no trace; a replaced run (`overwrite`) stays whole until the new one is."""
    replacing = path.exists() and not (path / rundir.MARKER).exists() and resume is None and overwrite
    checkpoints = None if replacing else rundir.begin(path, task, recipe)
    try:
        result = train(*prepared, task, recipe, rng, callbacks, checkpoints=checkpoints, resume=resume)
    except BaseException:
        if checkpoints is not None and resume is None and not any(path.glob("checkpoint.npz")):
            shutil.rmtree(path, ignore_errors=True)
        raise
    if fixes:
        result.findings = trials.tried(result.findings, None, None, task, recipe)
    if task.discover:
        result = with_laws(result, prepared[2])
    result.save(path, overwrite=overwrite, report=report)
    return result


def with_laws(result: Fit, dataset: data.Dataset) -> Fit:
    """`result` with a closed form searched for each output on its training data (`nnfit.discover`'s
    search), each law measured on the points the network was. A library too large for the inputs
    is recorded as the reason none was searched: the network stands without it."""
    from .closed_form import laws

    try:
        result.laws = laws(result.target, dataset, result.points, np.random.default_rng(result.recipe.seed))
    except NnfitError as exc:
        result.laws = [
            Discovery(name, result.inputs, None, (), math.nan, f"not searched: {exc}") for name in result.outputs
        ]
    claimed = [law for law in result.laws if law.expression is not None]
    result.findings = [_beyond(f, claimed) if f.code == "extrapolation" else f for f in result.findings]
    return result


def _beyond(finding: Finding, laws: Sequence[Discovery]) -> Finding:
    """The extrapolation finding with the laws found as its fix, where they were measured outside the domain."""
    outside = [m["rrmse"] for law in laws for name, m in law.evaluation.items() if name != "test"]
    if not outside:
        return finding
    names = " and ".join(str(law) for law in laws)
    fix = (
        f"use the closed form {names} beyond the domain: its rRMSE there is at most {max(outside):.3g} "
        "(Fit.laws; nnfit export RUN --law --format python)"
    )
    return dataclasses.replace(finding, fix=fix)


def resolve(
    target: TargetSpec, domain: Any, recipe: Recipe | None, task: Task | None, settings: dict[str, Any]
) -> tuple[Task, Recipe, TargetSpec, Any]:
    """Task and Recipe from objects plus keyword overrides; text target/domain move into the Task."""
    overrides = dict(settings)
    if isinstance(target, str):
        overrides["target"], target = target, None
    if isinstance(domain, str):
        overrides["domain"], domain = domain, None
    parsed_task, parsed_recipe = split_settings(overrides)
    return (
        _merge(task or Task(), parsed_task, overrides),
        _merge(recipe or Recipe(), parsed_recipe, overrides),
        target,
        domain,
    )


def train(
    target: Target,
    domain: Domain,
    dataset: data.Dataset,
    task: Task,
    recipe: Recipe,
    rng: np.random.Generator,
    callbacks: Sequence[Callback] = (),
    budget: float | None = None,
    checkpoints: Path | None = None,
    resume: dict[str, Any] | None = None,
) -> Fit:
    """Choose the fields left at auto, then scale, train, evaluate and diagnose on an already built
    dataset, for at most `budget` seconds in all (default: the recipe's time limit). With
    `checkpoints`, a folder, the run's state is written there every `recipe.checkpoint_every`
    seconds; `resume` is such a state to go on from."""
    if recipe.early_stopping and len(dataset.val) == 0:
        raise RecipeError(
            "early stopping needs a validation split: give split with validation > 0, or set early_stopping to false"
        )
    X_train, y_train = dataset.part("train")
    X_val, y_val = dataset.part("val")
    started = time.perf_counter()
    budget = budget if budget is not None else recipe.time_limit
    budget = None if budget is None else budget * (1 - FINISH_SHARE)  # the end is left for evaluation
    measured, given = not target.known, recipe
    recipe = sizing.sized(recipe, len(X_train), X_train.shape[1], measured)
    penalty = recipe.weight_decay is None and recipe.auto and measured
    if not penalty:  # exact samples of a formula: nothing to regularise against
        recipe = recipe.replace(weight_decay=recipe.weight_decay or 0.0)
    # a stream of its own for the rows drawn where the probe erred: a resumed run, which reads them
    # from its checkpoint, then goes on with the same numbers as one never stopped
    rival_rng, denser_rng = rng.spawn(2)
    scalings = _groups(target, recipe, X_train)
    if resume is not None and "recipe" in resume:  # the choices made when the run began, not made anew
        recipe, choice, chosen = split_settings(resume["recipe"])[1], None, resume.get("choice")
        denser, denser_y = resume.get("denser"), resume.get("denser_y")
        if denser is not None and denser_y is None:  # a checkpoint written before the values were kept
            denser_y = target(np.asarray(denser))
    else:
        recipe, choice = auto.choose(recipe, X_train, y_train, X_val, y_val, budget, scalings)
        denser = denser_y = None
        if choice is not None and choice.probe is not None and not measured:  # a formula: its rows are free
            sample = lambda n: domain.sample(n, denser_rng)
            denser, denser_y = sizing.denser_rows(choice.probe, target, sample, len(X_train), denser_rng)
            choice = dataclasses.replace(choice, denser=len(denser))
        if choice is not None and scalings is not None and recipe.groups == "on":
            choice = dataclasses.replace(choice, groups=scalings.describe(target.inputs))
        chosen = choice.to_dict() if choice else None  # kept in checkpoints, for a resumed run's result
    if denser is not None and denser_y is not None and len(denser):  # in checkpoints: a resumed run trains on them
        dataset = dataset.with_training_rows(denser, denser_y)
        X_train, y_train = dataset.part("train")
    problem = Problem(target, domain, dataset, task, scalings)
    kept = {"choice": chosen, "denser": denser, "denser_y": denser_y}

    def left() -> float | None:
        """Seconds of the budget still unspent; None when there is no budget."""
        return None if budget is None else max(budget - (time.perf_counter() - started), 0.0)

    shape = (len(X_train), X_train.shape[1], y_train.shape[1])
    uncut, recipe = recipe, sizing.affordable(recipe, given, *shape)
    # a choice the probes can get wrong is checked at full length: its default side trains beside it,
    # from the start again in a resumed run (only the chosen run is checkpointed)
    doubt = choice if choice is not None else auto.Choice.from_dict(chosen) if chosen else None
    rival = verdicts.doubted(doubt, uncut) if doubt is not None and len(X_val) else None
    if rival is not None:
        rival = sizing.affordable(rival, given, *shape)
    halt = threading.Event()
    with ThreadPoolExecutor(max_workers=1) as pool:  # on a second core: about 1.7x the speed of one after the other
        beside = None if rival is None else pool.submit(problem.train, rival, rival_rng, [Halt(halt)], left())
        try:
            result = problem.train(recipe, rng, callbacks, left(), checkpoints, resume, kept)
        except BaseException:
            halt.set()
            raise
        interrupted = (result.info["stop_reason"] or "").startswith(INTERRUPTED)
        if interrupted:
            halt.set()
        if doubt is not None and beside and not interrupted:
            result, doubt = _better(result, beside.result(), doubt, X_val, y_val)
            if choice is not None:
                choice = doubt
            else:  # resumed: its result reports the choice as the check left it
                chosen = doubt.to_dict()
    # a network that learned noisy rows by heart trains again with a penalty, if there is time for it
    penalty = penalty and result.recipe.model == "mlp" and len(X_val) > 0 and not resume and not interrupted
    time_left = budget is None or (left() or 0.0) > result.info["seconds"]
    if choice is not None and penalty and time_left and verdicts.overfitted(result.history):
        decayed = result.recipe.replace(weight_decay=verdicts.WEIGHT_DECAY)
        retry = problem.train(decayed, rng, callbacks, left(), checkpoints, None, kept)
        result, choice = _better(result, retry, choice, X_val, y_val)
    if choice is not None and len(X_val):
        data = (X_train, y_train, X_val, y_val)
        sound = not any(f.severity == "error" for f in result.findings)
        choice, linear = verdicts.settle(
            choice, result.recipe, data, result.predict(X_val), result.info["steps"], sound
        )
        if linear is not None:  # the user gets the better model, and what went wrong with the network
            network = result
            result = problem.train(auto.as_linear(recipe, linear), rng, callbacks)
            seen = {f.code for f in result.findings}
            result.findings = ordered(
                result.findings + [f for f in network.findings if f.stage != "after" and f.code not in seen]
            )
    if choice is not None:
        result.choice = choice.to_dict()
        result.info["choice_seconds"] = choice.seconds
    elif resume is not None:
        result.choice = chosen
    return result


def _groups(target: Target, recipe: Recipe, X: np.ndarray) -> Groups | None:
    """The target's groups at training inputs X (n, d), when the recipe may use them; None otherwise."""
    if recipe.groups == "off":
        return None
    if not target.known or len(target.outputs) != 1:
        if recipe.groups == "on":
            raise RecipeError(
                "groups need a formula or callable target with one output: they are found by evaluating "
                "it at scaled inputs — use groups=auto or off"
            )
        return None
    found = groups.find(target, X)
    if found is None and recipe.groups == "on":
        raise RecipeError(
            "groups=on, but no scaling of the target's one-signed inputs leaves it unchanged or multiplies "
            "it by a power of the scale — use groups=auto or off"
        )
    return found


def _better(
    first: Fit, second: Fit, choice: auto.Choice, X_val: np.ndarray, y_val: np.ndarray
) -> tuple[Fit, auto.Choice]:
    """The better of two full-length runs on the validation rows, and the choice with both on record."""
    runs = [(fit.recipe, fit.info["steps"]) for fit in (first, second)]
    choice, best = verdicts.decided(choice, runs, [fit.predict(X_val) for fit in (first, second)], y_val)
    return (first, second)[best], choice


def _merge(base, parsed, overrides: dict[str, Any]):
    """`base` with the fields named in `overrides` taken from `parsed` (already validated)."""
    names = {k.replace("-", "_") for k in overrides} & set(base.params())
    return base.replace(**{k: getattr(parsed, k) for k in names}) if names else base
