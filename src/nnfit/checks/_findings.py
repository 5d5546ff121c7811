"""What the doctor says: a `Finding` with its evidence and its fix, and the fixes it proposes.

A fix is words for the user and, where it is a change of settings, the settings it changes, so
that `nnfit.try_fixes` can apply it and measure what it gains. The checks that make findings live in
`nnfit.checks`, one module a stage; their codes and thresholds in `nnfit.checks._codes`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from ..params import plain, shown
from ..recipe import Recipe
from ._codes import CODES, SEVERITIES, SHORT_RUN, STAGES, USUAL_LR

# A fix tried on a probe (`nnfit.try_fixes`) helps when it lowers the held-out rRMSE at least this
# much: probes of one recipe that differ in a setting that does not matter land within 1.2x.
HELPS = 1.5


@dataclass(frozen=True)
class Finding:
    """One thing the doctor saw: a stable code, a severity, the evidence with its number and the fix.

    `changes` are the ways to apply the fix, in the order the fix names them, each the settings it
    changes ({"lr": 0.01}); a fix that is advice only has none. `trials` are what applying them
    measured (`nnfit.try_fixes`), most helpful first.
    """

    code: str
    severity: str  # "error", "warning" or "note"
    seen: str
    fix: str
    stage: str  # "before", "during" or "after" training
    step: int | None = None  # the training step it was seen at, for findings made during training
    changes: tuple[dict[str, Any], ...] = ()
    trials: tuple[dict[str, Any], ...] = ()

    def __post_init__(self) -> None:  # as JSON keeps them, so that a loaded finding equals the one saved
        object.__setattr__(self, "changes", tuple({k: plain(v) for k, v in c.items()} for c in self.changes))
        object.__setattr__(self, "trials", tuple(dict(t) for t in self.trials))

    def __str__(self) -> str:
        at = f" (step {self.step})" if self.step is not None else ""
        return f"{self.severity} {self.code}{at}: {self.seen} — fix: {self.fix}"

    def to_dict(self) -> dict:
        """Plain values, as metrics.json keeps them.

        Returns:
            code, severity, seen, fix, stage, step and trials.
        """
        return asdict(self)

    def tried(self) -> list[str]:
        """The trials of the finding's fixes, in words.

        Returns:
            One line each: "--lr 0.01: validation rRMSE 1.01 → 0.004 (250x better)".
        """
        return [_trial(**trial) for trial in self.trials]


def _trial(change: dict[str, Any], before: float, after: float) -> str:
    gain = before / after if after > 0 else math.inf
    if not math.isfinite(after):
        verdict = "did not help"
    elif not math.isfinite(before):
        verdict = "no longer diverges"
    else:
        verdict = "did not help" if gain < HELPS else f"{gain:.0f}x better" if gain >= 10 else f"{gain:.2g}x better"
    flags = " ".join(Fix.to(name, value).text for name, value in change.items())
    return f"{flags}: validation rRMSE {_error(before)} → {_error(after)} ({verdict})"


def _error(value: float) -> str:
    return f"{value:.3g}" if math.isfinite(value) else "inf (diverged)"


def ordered(findings: list[Finding]) -> list[Finding]:
    """Stage first (causes before symptoms), then severity, then the table order of the codes."""
    return sorted(findings, key=lambda f: (STAGES.index(f.stage), SEVERITIES.index(f.severity), CODES.index(f.code)))


@dataclass(frozen=True)
class Fix:
    """One way to mend a recipe: its words, and the settings it changes (none for advice)."""

    text: str
    change: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def to(cls, name: str, value: Any, why: str = "", was: Any = None) -> Fix:
        """Set one setting, said as typed: "--hidden 32,32", "--no-repeat-batch", "--lr 5 → 0.01"
        (from `was`), with `why` in parentheses."""
        flag = name.replace("_", "-")
        if isinstance(value, bool):
            text = f"--{flag}" if value else f"--no-{flag}"
        else:
            text = f"--{flag} {_typed(was)} → {_typed(value)}" if was is not None else f"--{flag} {_typed(value)}"
        return cls(f"{text} ({why})" if why else text, {name: value})


def _typed(value: Any) -> str:
    """A value as a user types it: 5 and 1e-06 for floats, 32,32 for widths."""
    return f"{value:g}" if isinstance(value, float) else shown(value)


def either(*fixes: Fix | None) -> dict[str, Any]:
    """Fixes that apply, as the `fix` ("a, b or c") and `changes` of a Finding."""
    named = [fix for fix in fixes if fix is not None]
    words = [fix.text for fix in named]
    text = " or ".join([", ".join(words[:-1]), words[-1]] if len(words) > 1 else words)
    return {"fix": text, "changes": tuple(dict(fix.change) for fix in named if fix.change)}


def toward_usual(recipe: Recipe, lower: bool) -> Fix | None:
    """ "--lr 0.1 → 0.01" when the rate is above (`lower`) or below its optimizer's usual one."""
    usual = USUAL_LR.get(recipe.optimizer)
    if usual is None or (recipe.lr <= usual if lower else recipe.lr >= usual):
        return None
    return Fix.to("lr", usual, was=recipe.lr)


def narrower(recipe: Recipe) -> Fix:
    """Every hidden layer halved, e.g. "a smaller --hidden (32,32)"."""
    widths = [max(width // 2, 1) for width in recipe.widths]
    return Fix(f"a smaller --hidden ({shown(widths)})", {"hidden": widths})


def wider(recipe: Recipe) -> Fix:
    """Every hidden layer doubled, and at least the default's width: "more capacity (--hidden 128,128)"."""
    widths = [max(2 * width, min(Recipe.FIXED["hidden"])) for width in recipe.widths]
    return Fix(f"more capacity (--hidden {shown(widths)})", {"hidden": widths})


def deeper(recipe: Recipe) -> Fix:
    """One more hidden layer as wide as the last: "a third layer (--hidden 64,64,64)"."""
    widths = [*recipe.widths, recipe.widths[-1]]
    ordinal = {2: "second", 3: "third", 4: "fourth"}.get(len(widths), "another")
    return Fix(f"a {ordinal} layer (--hidden {shown(widths)})", {"hidden": widths})


def longer(recipe: Recipe) -> Fix:
    """Twice the run: "more --steps", which sets the steps (or the budget) to double; a `short`
    run gets the usual steps instead."""
    if recipe.epochs is not None:
        return Fix("more --epochs", {"epochs": 2 * recipe.epochs})
    if recipe.steps is None and recipe.budget is not None:
        return Fix("more --budget", {"budget": 2 * recipe.budget})
    if short(recipe):
        steps = Fix.to("steps", Recipe.DEFAULT_STEPS, was=recipe.steps)
        every = Recipe.defaults()["eval_every"]
        if recipe.eval_every >= every:
            return Fix(f"{steps.text} (the usual run)", steps.change)
        # checked as usual too: a run checked after every step spends most of its time checking
        # (20 000 steps of seed 000's network: 25 s, where the usual checks take 2 s)
        checked = Fix.to("eval_every", every, was=recipe.eval_every)
        return Fix(f"{steps.text} {checked.text} (the usual run)", {**steps.change, **checked.change})
    return Fix("more --steps", {"steps": 2 * (recipe.steps or Recipe.DEFAULT_STEPS)})


def short(recipe: Recipe) -> bool:
    """Whether the run is named as SHORT_RUN times shorter than the usual steps, or more: too short
    to tell more of anything else."""
    return recipe.steps is not None and SHORT_RUN * recipe.steps <= Recipe.DEFAULT_STEPS
