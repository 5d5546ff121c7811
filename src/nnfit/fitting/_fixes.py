"""Fixes checked by applying them: each change a finding proposes trains a short probe, and its
held-out error against the recipe's own probe is the fix's measured gain.

Every probe starts from the same seed, trains PROBE_STEPS steps (a fix that lengthens the run
lengthens its probe alike) and is measured on the same rows, so that the only difference between
two probes is the change.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from ..checks import HELPS, Finding
from ..data import Dataset, prepare
from ..metrics import metrics
from ..recipe import Recipe
from ..task import Task
from ._conductor import Conductor

# A short run that tells a recipe that trains from one that does not: the default recipe reaches
# validation rRMSE 3e-3 on sin(x)*y in 3000 steps (about 1 s here), where a broken one stays above 0.3.
PROBE_STEPS = 3000
# Fresh points of a formula's domain on which every probe is measured: the samples a fix changes
# must not change the yardstick. Data files are measured on their validation rows.
CHECK_ROWS = 4000


def tried(
    findings: list[Finding], target: Any, domain: Any, task: Task, recipe: Recipe, steps: int = PROBE_STEPS
) -> list[Finding]:
    """`findings` with each change they propose applied in turn to a probe of `recipe` on `task`
    (`target` and `domain` override the task's, as in `nnfit.data.prepare`) and measured against the
    probe without it (`Finding.trials`): the changes that help first, best first. The first
    finding is also tried with every finding's best change at once."""
    if not any(f.changes for f in findings):
        return findings
    probe = _Probe(target, domain, task, recipe.fixed(), steps)
    start = probe.error({})
    measured = [_measured(f, probe, start) if f.changes else f for f in findings]
    # causes that stack may each be hidden by the others: the first fix is tried with the others' too
    mended = [f for f in measured if f.changes]
    together: dict[str, Any] = {}
    for finding in mended:  # an earlier finding's change wins where two set one setting
        for name, value in finding.changes[0].items():
            together.setdefault(name, value)
    if len(mended) > 1 and together not in mended[0].changes:
        first = mended[0]
        at = measured.index(first)
        measured[at] = _measured(replace(first, changes=(*first.changes, together)), probe, start)
    return measured


def _measured(finding: Finding, probe: _Probe, start: float) -> Finding:
    """The finding with each change's trial; the changes that help first, best first."""
    trials: list[dict[str, Any]] = [
        {"change": change, "before": start, "after": probe.error(change)} for change in finding.changes
    ]
    trials.sort(key=lambda t: (t["after"] * HELPS > t["before"], t["after"]))
    return replace(finding, changes=tuple(t["change"] for t in trials), trials=tuple(trials))


@dataclass
class _Probe:
    """Short runs of one recipe with one change at a time, measured alike (errors kept by change)."""

    target: Any
    domain: Any
    task: Task
    recipe: Recipe
    steps: int
    _errors: dict[str, float] = field(default_factory=dict)
    _check: tuple[np.ndarray, np.ndarray] | None = None

    def error(self, change: dict[str, Any]) -> float:
        """The held-out rRMSE of the probe with `change` applied; inf where it diverged."""
        key = json.dumps(change, sort_keys=True)
        if key not in self._errors:
            self._errors[key] = self._run(change)
        return self._errors[key]

    def _run(self, change: dict[str, Any]) -> float:
        task = self.task.replace(**{k: v for k, v in change.items() if k in Task.params()})
        recipe = self.recipe.replace(**{k: v for k, v in change.items() if k in Recipe.params()})
        length = self._length(recipe)
        recipe = recipe.replace(steps=length, epochs=None, budget=None, target_rrmse=None, auto=False)
        rng = np.random.default_rng(recipe.seed)
        target, domain, dataset = prepare(task, rng, self.target, self.domain)
        if self._check is None:  # from the first probe, the recipe's own; drawn apart from its training
            self._check = self._rows(target, domain, dataset, np.random.default_rng((recipe.seed, CHECK_ROWS)))
        result = Conductor(target, domain, dataset, task, recipe.replace(stop_on_error=False), rng).fit()
        X, y = self._check
        with np.errstate(all="ignore"):
            error = metrics(y, result.predict(X))["rrmse"]
        return error if math.isfinite(error) else math.inf

    def _length(self, recipe: Recipe) -> int:
        """PROBE_STEPS, or the run's own length if shorter; a fix that doubles the run doubles it."""
        base, factor = self.recipe, 1.0
        for name in ("steps", "epochs", "budget"):
            was, now = getattr(base, name), getattr(recipe, name)
            if now != was and now:
                factor = now / (was or (Recipe.DEFAULT_STEPS if name == "steps" else now))
        return max(1, round(factor * min(self.steps, base.steps or self.steps)))

    @staticmethod
    def _rows(target, domain, dataset: Dataset, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """The rows every probe is measured on: fresh points of a formula's domain, else validation."""
        if target.known:
            X = domain.sample(CHECK_ROWS, rng)
            return X, target(X)
        split = dataset.split
        return (split.X_val, split.y_val) if len(dataset.val) else (split.X_test, split.y_test)
