"""The library's verbs for one task: `fit` it, ask the `doctor`, `try_fixes`; and a fit's laws
searched beside its network (`with_laws`)."""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..checks import Finding
from ..config import resolve
from ..data import Dataset, Domain, Target, prepare
from ..engine import Callback
from ..errors import NnfitError, UndefinedTargetError
from ..laws import Discovery, search_laws
from ..recipe import Recipe
from ..task import Task
from ._conductor import Conductor
from ._fit import Fit
from ._fixes import PROBE_STEPS, tried

TargetSpec = Target | str | Callable[..., Any] | None
PROBE_SECONDS = 3.0  # long enough for the first validation checks, short enough to answer at once


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

    Args:
        target: a formula (``"x**2 + x"``), a callable of named inputs, a `Target`, or the path of
            a .csv, .parquet, .npy or .npz file.
        domain: ``"x=0:100, y=0:1000:int"``, ``{"x": (0, 100)}`` or a `Domain`; a data file brings
            its own, read from its rows.
        recipe: how the network trains; nnfit's default recipe when None.
        task: what is fitted and where; the target and domain above take its place.
        callbacks: told of the chosen network's training, chunk by chunk (`Callback`).
        **settings: any Task or Recipe field (``hidden=(40, 24, 12)``, ``samples=20000``), over
            `recipe` and `task`.

    Returns:
        The `Fit`: predictions in the user's units, `evaluation` on the test split and both
        extrapolation shells, and the doctor's `findings`, most telling first.

    Raises:
        NnfitError: bad input, with the offending value and how to fix it.
    """
    started = time.perf_counter()
    task, recipe, target, domain = resolve(target, domain, recipe, task, settings)
    rng = np.random.default_rng(recipe.seed)
    resolved, domain_obj, dataset = prepare(task, rng, target, domain)
    budget = max(recipe.time_limit - (time.perf_counter() - started), 0.0) if recipe.time_limit else None  # whole fit
    result = Conductor(resolved, domain_obj, dataset, task, recipe, rng, callbacks=callbacks, budget=budget).fit()
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
    """The doctor's diagnosis of a recipe: its checks before training, then a probe training of
    about `probe_seconds` watched as it runs. Fields left at auto take the fixed defaults: the
    doctor looks at the user's own choices.

    Args:
        target: as for `fit`.
        domain: as for `fit`.
        recipe: as for `fit`: the recipe diagnosed.
        task: as for `fit`.
        probe_seconds: how long the probe trains, in seconds.
        try_fixes: also apply each finding's fix to a short probe and measure it (`try_fixes`).
        **settings: as for `fit`.

    Returns:
        The findings made before and during training, most telling first; a target undefined on
        its domain is a finding too.

    Raises:
        NnfitError: bad input other than an undefined target.
    """
    task, recipe, target, domain = resolve(target, domain, recipe, task, settings)
    rng = np.random.default_rng(recipe.seed)
    try:
        resolved, domain_obj, dataset = prepare(task, rng, target, domain)
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
    probe = Conductor(resolved, domain_obj, dataset, task, recipe.fixed(), rng, budget=probe_budget).fit()
    found = [f for f in probe.findings if f.stage != "after"]
    return tried(found, target, domain, task, recipe) if try_fixes else found


def try_fixes(
    findings: Sequence[Finding],
    target: TargetSpec = None,
    domain: Domain | str | dict | None = None,
    *,
    recipe: Recipe | None = None,
    task: Task | None = None,
    probe_steps: int = PROBE_STEPS,
    **settings: Any,
) -> list[Finding]:
    """Measure the fixes of `findings` by applying them: each change a fix proposes trains a probe
    of the recipe the other arguments describe, and its held-out rRMSE is set beside the probe's
    without it: ``try_fixes(fit(**s).findings, **s)``.

    Args:
        findings: a fit's or the doctor's.
        target: as for `fit`: the target the findings are about.
        domain: as for `fit`.
        recipe: as for `fit`: the recipe the findings are about.
        task: as for `fit`.
        probe_steps: each probe's steps (the recipe's own length if shorter).
        **settings: as for `fit`.

    Returns:
        The findings, each with its measured trials (`Finding.trials`); the fixes that help come
        first.

    Raises:
        NnfitError: bad input.
    """
    task, recipe, target, domain = resolve(target, domain, recipe, task, settings)
    return tried(list(findings), target, domain, task, recipe, probe_steps)


def with_laws(result: Fit, dataset: Dataset) -> Fit:
    """`result` with a closed form searched for each output on its training data (`nnfit.discover`'s
    search), each law measured on the points the network was. A library too large for the inputs
    is recorded as the reason none was searched: the network stands without it."""
    try:
        result.laws = search_laws(result.target, dataset, result.points, np.random.default_rng(result.recipe.seed))
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
