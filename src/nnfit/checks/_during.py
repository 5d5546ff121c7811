"""The doctor during training: a callback that watches the loss, the gradient and the rate."""

from __future__ import annotations

import math
from dataclasses import asdict

import numpy as np

from ..engine import Callback, ChunkEnd, Trainer
from ..recipe import Recipe
from ._codes import (
    DIVERGED_FACTOR,
    FLAT_CHECKS,
    FLAT_TOL,
    LR_FACTOR,
    LR_POOR,
    LR_SETTLE,
    SOLVED,
    STARVED_EARLY,
    STARVED_FRACTION,
    USUAL_LR,
)
from ._findings import Finding, Fix, either, toward_usual


class Watch(Callback):
    """Flat loss, zero gradient, divergence, a starved rate, a rate far from its optimizer's usual
    one. An error stops the run when the recipe says `stop_on_error`."""

    def __init__(self, recipe: Recipe) -> None:
        self.recipe = recipe
        self.findings: list[Finding] = []
        self.events: list[ChunkEnd] = []

    def state_dict(self) -> dict:
        return {"findings": [f.to_dict() for f in self.findings], "events": [asdict(e) for e in self.events]}

    def load_state_dict(self, state: dict) -> None:
        self.findings = [Finding(**f) for f in state["findings"]]
        self.events = [ChunkEnd(**e) for e in state["events"]]

    def on_chunk_end(self, trainer: Trainer, event: ChunkEnd) -> None:
        self.events.append(event)
        checks = (self._diverged, self._flat, self._starved, self._lr_off)
        finding = next((found for check in checks if (found := check(event)) is not None), None)
        if finding is None:
            return
        self.findings.append(finding)
        if self.recipe.stop_on_error and finding.severity == "error":
            trainer.stop(f"doctor: {finding.code} at step {event.step}")

    def _seen(self, code: str) -> bool:
        return any(f.code == code for f in self.findings)

    def _diverged(self, event: ChunkEnd) -> Finding | None:
        loss, first = _loss(event), _loss(self.events[0])
        exploded = not math.isfinite(loss) or (math.isfinite(first) and loss > DIVERGED_FACTOR * first)
        if self._seen("diverged") or not exploded:
            return None
        what = "NaN or inf" if not math.isfinite(loss) else f"{loss:.3g}, {loss / first:.3g}x its first value"
        seen = f"the loss became {what} by step {event.step}"
        return Finding("diverged", "error", seen, stage="during", step=event.step, **_calmer(self.recipe))

    def _flat(self, event: ChunkEnd) -> Finding | None:
        if self._seen("flat-loss"):
            return None
        if event.val_rrmse is not None and event.val_rrmse <= SOLVED:  # nothing left to change
            return None
        if event.grad_norm == 0.0:
            seen = f"the gradient is exactly zero at step {event.step}: no weight can change"
            activation = self.recipe.output_activation
            changes = ({"output_activation": "none"},) if activation != "none" else ()
            fix = "look at the output activation and the data's scale"
            return Finding("flat-loss", "error", seen, fix, "during", event.step, changes)
        if len(self.events) != FLAT_CHECKS or self.recipe.optimizer == "lbfgs":
            return None  # L-BFGS solves a linear model by the first check: a flat loss after it is the minimum
        losses = np.array([_loss(e) for e in self.events])
        change = float(np.max(np.abs(losses - losses[0])) / max(abs(losses[0]), 1e-300))
        if change >= FLAT_TOL:
            return None
        seen = f"the loss stayed at {losses[0]:.4g} (relative change {change:.1g}) over the first {event.step} steps"
        raised = toward_usual(self.recipe, lower=False) or Fix("raise --lr", {"lr": 10 * self.recipe.lr})
        remedy = either(raised, Fix("check the output activation and scaling"))
        return Finding("flat-loss", "error", seen, stage="during", step=event.step, **remedy)

    def _starved(self, event: ChunkEnd) -> Finding | None:
        """The learning rate as run (plateau cuts included) fell below STARVED_FRACTION early on."""
        start = self.events[0].lr
        if not start or event.lr is None or self._seen("lr-starved"):
            return None
        if event.lr >= STARVED_FRACTION * start or event.progress > STARVED_EARLY:
            return None
        seen = (
            f"the learning rate fell to {100 * event.lr / start:.2g} % of its "
            f"start by step {event.step} ({100 * event.progress:.2g} % of the run)"
        )
        fix = "--schedule cosine, or a larger --decay-steps for plateau"
        changes = ({"schedule": "cosine"}, {"decay_steps": 10 * self.recipe.decay_steps})
        return Finding("lr-starved", "warning", seen, fix, "during", event.step, changes)

    def _lr_off(self, event: ChunkEnd) -> Finding | None:
        """At the LR_SETTLE-th check, a fit still poor at a rate LR_FACTOR or more from the usual."""
        optimizer, lr = self.recipe.optimizer, self.recipe.lr
        usual = USUAL_LR.get(optimizer)
        if usual is None or len(self.events) != LR_SETTLE or event.val_rrmse is None or event.val_rrmse <= LR_POOR:
            return None
        if lr >= LR_FACTOR * usual:
            code, how = "lr-too-high", f"{lr / usual:.3g}x above"
        elif lr <= usual / LR_FACTOR:
            code, how = "lr-too-low", f"{usual / lr:.3g}x below"
        else:
            return None
        seen = (
            f"validation rRMSE {event.val_rrmse:.3g} after {event.step} steps at --lr {lr:g}, "
            f"{how} the {optimizer} rate that usually trains ({usual:g})"
        )
        fix = either(toward_usual(self.recipe, lower=code == "lr-too-high"))
        return Finding(code, "warning", seen, stage="during", step=event.step, **fix)


def _calmer(recipe: Recipe) -> dict:
    """The fix for a diverged run: a lower rate (the usual one, else a tenth), scaled data, or both."""
    lower = toward_usual(recipe, lower=True) or Fix.to("lr", float(f"{recipe.lr / 10:.2g}"), why="a tenth of the rate")
    off = [f"{side}_scaling" for side in ("input", "output") if getattr(recipe, f"{side}_scaling") == "none"]
    if not off:
        return either(lower)
    flags = " ".join(Fix.to(name, "standard").text for name in off)
    scale = Fix(f"scale the data ({flags})", dict.fromkeys(off, "standard"))
    return either(lower, scale, Fix("both", {**lower.change, **scale.change}))


def _loss(event: ChunkEnd) -> float:
    return event.val_loss if event.val_loss is not None else event.train_loss
