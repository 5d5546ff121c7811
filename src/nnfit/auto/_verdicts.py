"""What the automatic recipe decides once its networks have trained: whether a network beats the
linear baseline, which of a choice and its rival is kept, and whether noisy rows were learned by heart.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from ..data import Split
from ..recipe import Recipe
from ._choice import Choice, Contender
from ._probes import ACTIVATIONS, linear_prediction, rrmse

# Measured rows carry noise, which a network learns by heart within a few hundred epochs: an L2
# penalty of this size on the standardised weights took friedman1's 5-fold R² from 0.862 to 0.958
# (1e-3: 0.954, 1e-2: 0.948, flat near its best) and changed no other data set of the suite.
WEIGHT_DECAY = 3e-3
# A network whose best validation loss is this many times its last training loss has learned its
# training rows by heart, and is trained again with the penalty; exact rows keep the two close.
OVERFIT = 2.0
# How far, in standard errors of the mean, the network's squared error per validation row must
# lie below the linear baseline's for the network to be kept: one-sided, about 98 %. Where a few
# rows dominate the spread (an output over decades: Fourier's law kappa*A*(T1 - T2)/d), the mean
# cannot show it: a network at validation rRMSE 0.017 lost to a linear model at 0.19, better on
# almost every row. There a signed-rank test at the same level decides, once the mean favours it.
SIGNIFICANCE = 2.0


def settle(
    choice: Choice, recipe: Recipe, split: Split, predicted: np.ndarray, steps: int, sound: bool
) -> tuple[Choice, Contender | None]:
    """The choice once the chosen network has trained (`recipe`, `steps` steps), with the linear
    baseline's contender when the network does not beat it: the user then gets the linear model. A
    network the doctor found broken (`sound` false) is kept, to be shown with its diagnosis.

    split: the rows the network trained and was validated on; predicted: the network at split.X_val. The network's validation error is
    optimistic (its weights were kept for being best there) and a small split is noisy, so it must
    beat the baseline row by row by SIGNIFICANCE standard errors: otherwise the simpler model stands.
    """
    linear = min((t for t in choice.contenders if t.model == "linear"), key=lambda t: t.val_rrmse, default=None)
    X, y, X_val, y_val = split.X_train, split.y_train, split.X_val, split.y_val
    if recipe.model == "linear" or linear is None or not len(X_val) or not sound:
        return choice, None
    baseline = linear_prediction(X, y, X_val, linear.input_scaling, linear.output_scaling)
    spread = np.where(y_val.std(axis=0) > 0, y_val.std(axis=0), 1.0)
    with np.errstate(over="ignore", invalid="ignore"):
        gain = np.mean(((baseline - y_val) / spread) ** 2 - ((predicted - y_val) / spread) ** 2, axis=1)
    if _better_by_row(gain):
        return choice, None
    val_rrmse = rrmse(y_val, predicted)
    trained = Contender(
        "mlp",
        recipe.activation,
        recipe.input_scaling,
        recipe.output_scaling,
        val_rrmse,
        steps,
        hidden=recipe.widths,
        groups=recipe.groups,
    )
    note = f"no network beat it: the trained {trained.label()} reached {val_rrmse:.2g}"
    contenders = (*choice.contenders, trained)
    return replace(choice, winner=contenders.index(linear), contenders=contenders, note=note, groups=""), linear


def _better_by_row(gain: np.ndarray) -> bool:
    """Whether per-row gains (n,) over the baseline show the network better, one-sided at
    SIGNIFICANCE: by a t-test on their mean, else by a signed-rank test once their mean is positive."""
    if not np.isfinite(gain).all() or gain.mean() <= 0:
        return False
    if gain.mean() > SIGNIFICANCE * gain.std() / np.sqrt(len(gain)):
        return True
    from scipy import stats  # imported here: scipy.stats costs ~0.6 s, and most fits never get this far

    return bool(stats.wilcoxon(gain, alternative="greater").pvalue < stats.norm.sf(SIGNIFICANCE))


def overfitted(history: list[dict]) -> bool:
    """Whether a run's history (records of train_loss and val_loss) shows its training rows learned by heart."""
    val = [r["val_loss"] for r in history if r["val_loss"] is not None]
    return bool(val) and min(val) > OVERFIT * history[-1]["train_loss"]


def doubted(choice: Choice, recipe: Recipe) -> Recipe | None:
    """The default side of each choice in `recipe` that short probes make and long runs undo, to
    train at full length beside it; None when the probes made no such choice.

    - A log output, chosen over a standard one, gives way to the best probed standard output. A log
      output is easy to fit early, but its error, spread evenly over decades, is largest on the
      largest values, which rRMSE weighs most: x**2 + x over 1:1000 led in log-log coordinates at
      5 000 steps (1.7e-4 against 1.3e-3) and ended 2x behind at 50 000 (6.8e-5 against 3.4e-5).
    - sin or ReLU units give way to the default's: of the 14 formulas of the suite whose probes chose
      sin units, 9 ended better with gelu at full length (the Lorentz factor 3.0e-4 against 5.0e-4
      on validation), while oscillations keep theirs (a damped oscillation in time 9.2e-5 against
      1.0e-3), and a kink its ReLU units (abs(x - 0.3): 2.2e-5 against 1.3e-3 for gelu)."""
    if recipe.model != "mlp":
        return None
    probed = [t for t in choice.contenders if t.model == "mlp" and t.steps]
    changes: dict[str, str] = {}
    standard = [t for t in probed if t.output_scaling == "standard"]
    if recipe.output_scaling == "log" and standard:
        best = min(standard, key=lambda t: t.val_rrmse)
        changes.update(input_scaling=best.input_scaling, output_scaling="standard", groups=best.groups)
    if recipe.activation != ACTIVATIONS[0] and any(t.activation == ACTIVATIONS[0] for t in probed):
        changes["activation"] = ACTIVATIONS[0]
    return recipe.replace(**changes) if changes else None


def decided(
    choice: Choice, runs: list[tuple[Recipe, int]], predictions: list[np.ndarray], y_val: np.ndarray
) -> tuple[Choice, int]:
    """The choice once two networks have trained at full length (`runs`: the recipe and steps of
    each; `predictions` at the validation rows): the better on validation wins. Returns the choice
    and the index of the winning run."""
    first, second = (
        Contender(
            "mlp",
            r.activation,
            r.input_scaling,
            r.output_scaling,
            rrmse(y_val, p),
            steps,
            r.weight_decay or 0.0,
            r.widths,
            r.groups,
        )
        for (r, steps), p in zip(runs, predictions)
    )
    best = int(second.val_rrmse < first.val_rrmse)
    loser = (second, first)[best]
    note = f"at full length the {loser.label()} reached {loser.val_rrmse:.2g}"
    contenders = (*choice.contenders, first, second)
    groups = choice.groups if (first, second)[best].groups == "on" else ""  # said of the winner alone
    return replace(choice, winner=len(contenders) - 2 + best, contenders=contenders, note=note, groups=groups), best
