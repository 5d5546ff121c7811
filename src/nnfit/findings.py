"""The doctor: what is wrong with a recipe, said with the evidence and the fix in the recipe's terms.

It speaks before training (on the recipe and the data), during it (a callback watching the
loss and gradient) and after it (on the evaluation). Findings are ordered by stage, then
severity, so a cause seen before training comes ahead of the symptoms it produces. The codes and
their thresholds are declared in `nnfit.codes`.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np

from .codes import (
    CODES,
    CONSTANT_SPREAD,
    DEAD_HARMLESS,
    DEAD_SAMPLE,
    DEAD_SHARE,
    DIVERGED_FACTOR,
    EXTRAPOLATION_RATIO,
    FEW_ROWS_PER_INPUT,
    FLAT_CHECKS,
    FLAT_TOL,
    LR_FACTOR,
    LR_POOR,
    LR_SETTLE,
    OVERFIT_FLOOR,
    OVERFIT_RATIO,
    SEVERITIES,
    SOLVED,
    STAGES,
    STARVED_EARLY,
    STARVED_FRACTION,
    UNDERFIT_GAP,
    UNDERFIT_RRMSE,
    UNSCALED_MAX,
    UNSCALED_MIN_STD,
    USUAL_LR,
)
from .models import Network
from .recipe import Recipe
from .target import Target
from .task import Task
from .train import Callback, ChunkEnd, Trainer


@dataclass(frozen=True)
class Finding:
    """One thing the doctor saw: a stable code, a severity, the evidence with its number and the fix."""

    code: str
    severity: str  # "error", "warning" or "note"
    seen: str
    fix: str
    stage: str  # "before", "during" or "after" training
    step: int | None = None  # the training step it was seen at, for findings made during training

    def __str__(self) -> str:
        at = f" (step {self.step})" if self.step is not None else ""
        return f"{self.severity} {self.code}{at}: {self.seen} — fix: {self.fix}"

    def to_dict(self) -> dict:
        return asdict(self)


def ordered(findings: list[Finding]) -> list[Finding]:
    """Stage first (causes before symptoms), then severity, then the table order of the codes."""
    return sorted(findings, key=lambda f: (STAGES.index(f.stage), SEVERITIES.index(f.severity), CODES.index(f.code)))


def before(
    recipe: Recipe,
    network: Network,
    target: Target,
    X_train: np.ndarray,
    y_train: np.ndarray,
    y_scaled: np.ndarray,
    queries_outside: int = 0,
    n_queries: int = 0,
) -> list[Finding]:
    """Static checks on the recipe and the training data (X, y in user units; y also scaled)."""
    findings = _bounded_output(recipe, y_scaled)
    if recipe.input_scaling == "none":
        findings += _unscaled("inputs", X_train, target.inputs, "--input-scaling standard")
    if recipe.output_scaling == "none":
        findings += _unscaled("outputs", y_train, target.outputs, "--output-scaling standard")
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
    fix = "--output-activation none"
    if activation == "none":
        return []
    if activation == "softmax" and k == 1:
        return [
            Finding(
                "bounded-output",
                "error",
                "softmax over 1 output is always 1.0: the prediction cannot change",
                fix,
                "before",
            )
        ]
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
    return [
        Finding(
            "bounded-output",
            "error" if share > 0.1 else "warning",
            f"{activation} output can only reach {span}, but {100 * share:.1f} % of the{scaled} training "
            f"targets lie outside it (they span {y_scaled.min():.4g}..{y_scaled.max():.4g})",
            fix,
            "before",
        )
    ]


def _unscaled(which: str, values: np.ndarray, names: tuple[str, ...], fix: str) -> list[Finding]:
    """Columns far from order 1 while scaling is off, each named with its range."""
    largest, spread = np.abs(values).max(axis=0), values.std(axis=0)
    far = (largest > UNSCALED_MAX) | (spread < UNSCALED_MIN_STD)
    if not far.any():
        return []
    spans = ", ".join(
        f"{name} spans {values[:, i].min():.4g}..{values[:, i].max():.4g}" for i, name in enumerate(names) if far[i]
    )
    return [
        Finding(f"unscaled-{which}", "warning", f"{which} far from order 1 with scaling off: {spans}", fix, "before")
    ]


def _lr_starved(recipe: Recipe, n_train: int) -> list[Finding]:
    from . import optim

    total = recipe.total_steps(n_train)
    if recipe.optimizer == "lbfgs" or recipe.schedule == "plateau" or total is None:
        return []  # line search, plateau cuts and a budget's pace are decided by the run; the watch sees them
    steps = np.unique(np.concatenate([np.geomspace(1, max(total, 1), 400).astype(int), [0, total]]))
    fractions = optim.LearningRates(recipe, total)(steps, steps / max(total, 1)) / recipe.lr
    starved = np.nonzero(fractions < STARVED_FRACTION)[0]
    if not len(starved) or steps[starved[0]] > STARVED_EARLY * total:
        return []
    step = int(steps[starved[0]])
    return [
        Finding(
            "lr-starved",
            "error",
            f"{recipe.schedule} schedule: the learning rate falls to {100 * fractions[starved[0]]:.2g} % of "
            f"its start ({recipe.lr:g}) after {step} of {total} steps ({100 * step / total:.2g} % of the run)",
            "--schedule cosine (or constant); with inverse-time use a decay near 1/steps",
            "before",
        )
    ]


def _repeated_batch(recipe: Recipe, n_train: int, network: Network) -> list[Finding]:
    if not recipe.repeat_batch:
        return []
    batch = recipe.batch(n_train)
    steps = (
        f"{recipe.total_steps(n_train)} steps" if recipe.total_steps(n_train) else f"{recipe.time_limit:g} s of steps"
    )
    return [
        Finding(
            "repeated-batch",
            "warning",
            f"the same {batch} samples at every one of {steps}, for {network.n_params} parameters",
            "--no-repeat-batch: shuffled mini-batches of fresh samples",
            "before",
        )
    ]


def _narrower(recipe: Recipe) -> str:
    """The fix that halves every hidden layer, e.g. "a smaller --hidden (32,32)"."""
    return f"a smaller --hidden ({','.join(str(max(width // 2, 1)) for width in recipe.widths)})"


def _few_samples(recipe: Recipe, network: Network, target: Target, rows: int, outputs: int) -> list[Finding]:
    """Too few training rows for the inputs and the parameters: a warning, or a note for measured
    data under the automatic recipe, which compares the linear model and penalises learning by heart."""
    inputs = len(target.inputs)
    if rows >= FEW_ROWS_PER_INPUT * inputs or rows * outputs >= network.n_params:
        return []
    seen = f"{rows} training rows for {inputs} inputs and {network.n_params} parameters"
    narrower = _narrower(recipe)
    if target.known:
        fix = f"--samples {Task.default_samples(inputs)} (the default for {inputs} inputs) or {narrower}"
        return [Finding("few-samples", "warning", seen, fix, "before")]
    fix = f"more rows, or {narrower}"
    if recipe.auto:
        seen += "; the automatic recipe compares the linear model and adds weight decay when the network learns them"
        return [Finding("few-samples", "note", seen, fix, "before")]
    return [Finding("few-samples", "warning", seen, fix, "before")]


class Watch(Callback):
    """The doctor during training: flat loss, zero gradient, divergence, a rate far from its
    optimizer's usual one. An error can stop the run. `optimizer` and `lr` are the recipe's."""

    def __init__(self, stop_on_error: bool = True, optimizer: str = "adam", lr: float | None = None) -> None:
        self.stop_on_error = stop_on_error
        self.optimizer, self.lr = optimizer, lr
        self.findings: list[Finding] = []
        self.events: list[ChunkEnd] = []

    def state_dict(self) -> dict:
        return {"findings": [f.to_dict() for f in self.findings], "events": [asdict(e) for e in self.events]}

    def load_state_dict(self, state: dict) -> None:
        self.findings = [Finding(**f) for f in state["findings"]]
        self.events = [ChunkEnd(**e) for e in state["events"]]

    def on_chunk_end(self, trainer: Trainer, event: ChunkEnd) -> None:
        self.events.append(event)
        loss = event.val_loss if event.val_loss is not None else event.train_loss
        finding = self._diverged(event, loss) or self._flat(event) or self._starved(event) or self._lr_off(event)
        if finding is None:
            return
        self.findings.append(finding)
        if self.stop_on_error and finding.severity == "error":
            trainer.stop(f"doctor: {finding.code} at step {event.step}")

    def _diverged(self, event: ChunkEnd, loss: float) -> Finding | None:
        if any(f.code == "diverged" for f in self.findings):
            return None
        first = self._loss(self.events[0])
        if math.isfinite(loss) and not (math.isfinite(first) and loss > DIVERGED_FACTOR * first):
            return None
        what = "NaN or inf" if not math.isfinite(loss) else f"{loss:.3g}, {loss / first:.3g}x its first value"
        lr = f"--lr {event.lr / 10:.2g}" if event.lr else "a lower --lr"
        return Finding(
            "diverged",
            "error",
            f"the loss became {what} by step {event.step}",
            f"{lr} (a tenth of the current rate), or scale the data",
            "during",
            event.step,
        )

    def _flat(self, event: ChunkEnd) -> Finding | None:
        if any(f.code == "flat-loss" for f in self.findings):
            return None
        if event.val_rrmse is not None and event.val_rrmse <= SOLVED:  # nothing left to change
            return None
        if event.grad_norm == 0.0:
            return Finding(
                "flat-loss",
                "error",
                f"the gradient is exactly zero at step {event.step}: no weight can change",
                "look at the output activation and the data's scale",
                "during",
                event.step,
            )
        if len(self.events) != FLAT_CHECKS:
            return None
        losses = np.array([self._loss(e) for e in self.events])
        change = float(np.max(np.abs(losses - losses[0])) / max(abs(losses[0]), 1e-300))
        if change >= FLAT_TOL:
            return None
        return Finding(
            "flat-loss",
            "error",
            f"the loss stayed at {losses[0]:.4g} (relative change {change:.1g}) over the first {event.step} steps",
            "raise --lr, or check the output activation and scaling",
            "during",
            event.step,
        )

    def _starved(self, event: ChunkEnd) -> Finding | None:
        """The learning rate as run (plateau cuts included) fell below STARVED_FRACTION early on."""
        start = self.events[0].lr
        if not start or event.lr is None or any(f.code == "lr-starved" for f in self.findings):
            return None
        if event.lr >= STARVED_FRACTION * start or event.progress > STARVED_EARLY:
            return None
        return Finding(
            "lr-starved",
            "warning",
            f"the learning rate fell to {100 * event.lr / start:.2g} % of its "
            f"start by step {event.step} ({100 * event.progress:.2g} % of the run)",
            "--schedule cosine, or a larger --decay-steps for plateau",
            "during",
            event.step,
        )

    def _lr_off(self, event: ChunkEnd) -> Finding | None:
        """At the LR_SETTLE-th check, a fit still poor at a rate LR_FACTOR or more from the usual."""
        usual = USUAL_LR.get(self.optimizer)
        if usual is None or self.lr is None or len(self.events) != LR_SETTLE:
            return None
        if event.val_rrmse is None or event.val_rrmse <= LR_POOR:
            return None
        if self.lr >= LR_FACTOR * usual:
            code, how = "lr-too-high", f"{self.lr / usual:.3g}x above"
        elif self.lr <= usual / LR_FACTOR:
            code, how = "lr-too-low", f"{usual / self.lr:.3g}x below"
        else:
            return None
        return Finding(
            code,
            "warning",
            f"validation rRMSE {event.val_rrmse:.3g} after {event.step} steps at --lr {self.lr:g}, "
            f"{how} the {self.optimizer} rate that usually trains ({usual:g})",
            _toward_usual(self.optimizer, self.lr, lower=code == "lr-too-high"),
            "during",
            event.step,
        )

    @staticmethod
    def _loss(event: ChunkEnd) -> float:
        return event.val_loss if event.val_loss is not None else event.train_loss


def _toward_usual(optimizer: str, lr: float, lower: bool) -> str:
    """ "--lr 0.1 → 0.01" when the rate is above (`lower`) or below its optimizer's usual one, else ""."""
    usual = USUAL_LR.get(optimizer)
    if usual is None or (lr <= usual if lower else lr >= usual):
        return ""
    return f"--lr {lr:g} → {usual:g}"


def _either(*fixes: str) -> str:
    """Fixes that apply, as "a, b or c"."""
    named = [fix for fix in fixes if fix]
    return " or ".join([", ".join(named[:-1]), named[-1]] if len(named) > 1 else named)


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
    fix = _either(
        "--activation tanh (or silu)",
        _toward_usual(recipe.optimizer, recipe.lr, lower=True),
        "--input-scaling standard" if recipe.input_scaling != "standard" else "",
    )
    if train_rrmse <= DEAD_HARMLESS:
        seen += f", but the live ones fit it (training rRMSE {train_rrmse:.2g})"
        return [Finding("dead-units", "note", seen, f"nothing needed; for the whole width: {fix}", "after")]
    return [Finding("dead-units", "warning", seen, fix, "after")]


def after(
    recipe: Recipe,
    evaluation: dict[str, dict],
    train: dict[str, float],
    val: dict[str, float] | None,
    prediction_spread: float,
) -> list[Finding]:
    """Checks on the finished fit: constant output, under- and overfitting, extrapolation error.

    `train`/`val` are metrics on those splits; `prediction_spread` is std(predictions)/std(targets)
    on the test split. A fix never names a setting the recipe already has.
    """
    wider = ",".join(str(2 * width) for width in recipe.widths)
    capacity = (
        "--model mlp (if the target is not linear)" if recipe.model == "linear" else f"more capacity (--hidden {wider})"
    )
    faster = _either(_toward_usual(recipe.optimizer, recipe.lr, lower=False), "more --steps")
    findings = []
    if prediction_spread < CONSTANT_SPREAD:
        findings.append(
            Finding(
                "constant-prediction",
                "error",
                f"the predictions vary by {100 * prediction_spread:.2g} % of the targets' spread: "
                "the network outputs almost a constant",
                f"look for an earlier finding; else {faster}",
                "after",
            )
        )
    if val is not None:
        t, v = train["rrmse"], val["rrmse"]
        if v > UNDERFIT_RRMSE and v < UNDERFIT_GAP * t:
            findings.append(
                Finding(
                    "underfit",
                    "warning",
                    f"train rRMSE {t:.3g} and validation rRMSE {v:.3g} are both high and close",
                    _either(capacity, "more --steps"),
                    "after",
                )
            )
        elif v > OVERFIT_FLOOR and v > OVERFIT_RATIO * t:
            findings.append(
                Finding(
                    "overfit",
                    "warning",
                    f"validation rRMSE {v:.3g} is {v / max(t, 1e-300):.1f}x the train rRMSE {t:.3g}",
                    _either("more --samples", _narrower(recipe), "" if recipe.early_stopping else "--early-stopping"),
                    "after",
                )
            )
    inside = evaluation.get("test", {}).get("rrmse")
    worst = max(
        ((name, m["rrmse"]) for name, m in evaluation.items() if name != "test" and "rrmse" in m),
        key=lambda item: item[1],
        default=None,
    )
    if inside and worst and worst[1] > EXTRAPOLATION_RATIO * inside:
        findings.append(
            Finding(
                "extrapolation",
                "note",
                f"outside the training domain ({worst[0]}) the rRMSE is {worst[1]:.3g}, "
                f"{worst[1] / inside:.0f}x the in-domain {inside:.3g}",
                "trust predictions only inside the domain, or train on a wider --domain",
                "after",
            )
        )
    return findings
