"""How long a run of the automatic recipe is, and on which rows it trains, when the user named neither.

A formula's run is sized in rows seen, cut to the work that fits about 10 s on 2 cores, and trains
on as many rows again drawn where its best probe erred; measured data are sized in passes over
their rows, which cannot be drawn again.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..engine import Network
from ..recipe import Recipe

# Samples of a formula are exact, and a longer run fits them closer: the run is sized in rows
# seen, within bounds on its steps. 40 000 steps cut the test rRMSE about 3x from the fixed
# recipe's 20 000 (6.2e-4 to 2.1e-4 on three textbook formulas), and 50 000 of 128 rows a further
# 1.2x (four formulas of the suite: 2.1e-4 to 1.7e-4, 1 s more). A larger batch (more inputs)
# takes fewer steps, down to 40 000, so that a fit of 6 inputs with sin units (twice the cost of
# gelu) stays within 15 s on 2 cores.
FORMULA_ROWS = 6_400_000
FORMULA_STEPS = (40_000, 50_000)  # fewest, most
# More inputs make a noisier gradient: the sum of sin(x_i)*x_(i+1) over 20 inputs reached rRMSE
# 0.022 at a batch of 128 rows, 0.012 at 256 and 0.0065 at 512, from 100 000 samples. Measured data keep
# the batch of 128: their rows are few, and a step per few rows is what fits them.
ROWS_PER_INPUT = 25
# Measured rows may carry noise, which a network learns by heart after enough passes; sampled
# formulas are exact, and take the default steps. A few hundred epochs fit what can be fitted.
DATA_EPOCHS = 500
CHECKS_PER_RUN = 40  # validation checks in a short run, so that the best weights are found in time
# A network errs most in a small part of a domain: Lennard-Jones put 72 % of its squared error on
# the 1 % of points where sigma/r is 1.00-1.05, where it is steepest. Samples of a formula cost
# nothing, so DENSER times its training rows are drawn again from a uniform pool of POOL times as
# many, each in proportion to the best probe's error there (the validation and test splits stay
# uniform). On the suite's three hardest formulas, with 1.4x the steps for a hard target
# (`_probes.HARD`): Lennard-Jones 3.7e-3 to 1.2e-3, a damped oscillation in 5 inputs 4.4e-3 to 3.0e-3
# (3.4e-3 with the rows alone), the double slit 1.3e-2 to 5.4e-3. Those steps are no longer taken:
# with its groups the double slit reached 6.3e-4 with them against 7.5e-4 without, in 16 s against
# 10 s on 2 cores, and Lennard-Jones at seed 1 5.9e-4 against 2.4e-4 (14 s against 10 s), where a
# fit is to take at most 15 s. A density in proportion to the squared error, or to its square root,
# did worse on two of the three; 0.5x, 2x or 3x the rows did no better. On the suite's other 35
# network fits the rows alone gave a geometric mean of 0.94x at seed 0 and 0.90x at seed 1 (41 better
# by over 5 %, 19 worse, of 70), and made an output over decades steadier: Fourier's law, over seeds
# 0-5, a median of 4.8e-3 to 2.1e-3 (its largest outputs, at one corner of the domain, weigh most on
# rRMSE).
DENSER = 1.0
POOL = 10
# What a step costs per row, in multiply-adds: the network's parameters, plus each hidden unit's
# activation, measured per step on 2 cores against relu's, which is nearly free (3-layer networks of
# 64, 128 rows: relu 94 us, gelu 128 us; sin units, through `nnfit.engine._network._sin`, cost what gelu ones do:
# 176 us against 192 us in one later measure, where relu took 134 us).
UNIT_COST = {"relu": 0, "tanh": 10, "gelu": 20, "silu": 20, "sigmoid": 20, "sin": 20}
# The most work a formula's run takes when its length is not named, about 10 s on 2 cores: above the
# 8.1e10 of the suite's costliest run (50 000 steps of 128 rows through 64-64-64 gelu units), so that
# only wider networks and costlier units are cut. Costlier units take fewer steps: the double slit's
# probes chose sin units at seed 1, which (through XLA's sin, at 5x gelu's cost) then trained beside
# a gelu rival for 30 s at full length; so a fit, probes and rival included, stays within about 15 s.
MOST_WORK = 1.2e11


def sized(recipe: Recipe, n_train: int, inputs: int, measured: bool) -> Recipe:
    """The batch and the run's length when none is named. Samples of a formula: ROWS_PER_INPUT
    rows per input in a batch, and FORMULA_ROWS rows in all; data that were measured (a file, arrays): at most
    DATA_EPOCHS passes, checked CHECKS_PER_RUN times."""
    if not recipe.auto:
        return recipe
    if recipe.batch_size is None and not measured:
        recipe = recipe.replace(batch_size=max(Recipe.BATCH, ROWS_PER_INPUT * inputs))
    if recipe.steps or recipe.epochs or recipe.open_ended:
        return recipe
    if not measured:
        return recipe.replace(steps=int(np.clip(FORMULA_ROWS // recipe.batch(n_train), *FORMULA_STEPS)))
    if Recipe.DEFAULT_STEPS <= DATA_EPOCHS * recipe.steps_per_epoch(n_train):
        return recipe
    total = DATA_EPOCHS * recipe.steps_per_epoch(n_train)
    return recipe.replace(epochs=DATA_EPOCHS, eval_every=max(1, min(recipe.eval_every, total // CHECKS_PER_RUN)))


def denser_rows(
    probe: Callable[[np.ndarray], np.ndarray],
    target: Callable[[np.ndarray], np.ndarray],
    sample: Callable[[int], np.ndarray],
    n_train: int,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """DENSER x n_train inputs (m, d) where the probe errs, and the target there (m, k): drawn without
    replacement from a uniform pool of POOL x n_train (`sample(n)` draws n uniform inputs), each with
    probability in proportion to the probe's absolute error there, summed over the outputs in units
    of their spread."""
    pool = sample(POOL * n_train)
    y = target(pool)
    spread = np.where(y.std(axis=0) > 0, y.std(axis=0), 1.0)
    with np.errstate(over="ignore", invalid="ignore"):
        error = np.nan_to_num(np.abs(probe(pool) - y) / spread, nan=0.0, posinf=0.0).sum(axis=1)
    count = min(int(DENSER * n_train), int(np.count_nonzero(error)))
    if not count:
        return pool[:0], y[:0]
    drawn = rng.choice(len(pool), size=count, replace=False, p=error / error.sum())
    return pool[drawn], y[drawn]


def affordable(recipe: Recipe, given: Recipe, n_train: int, inputs: int, outputs: int) -> Recipe:
    """`recipe`, sized by `sized` from `given`, cut to MOST_WORK multiply-adds when `given` named no
    length of its own: its network (`inputs` -> `outputs`) costs UNIT_COST per unit beside its parameters."""
    steps = _sized_steps(recipe, given)
    if steps is None or recipe.model != "mlp":
        return recipe
    network = Network.build("mlp", inputs, outputs, recipe.widths, recipe.activation, recipe.output_activation)
    per_row = network.n_params + UNIT_COST[recipe.activation] * sum(recipe.widths)
    return recipe.replace(steps=min(steps, int(MOST_WORK / (recipe.batch(n_train) * per_row))))


def _sized_steps(recipe: Recipe, given: Recipe) -> int | None:
    """The steps of `recipe` when they are nnfit's choice (`given` named no steps, epochs or budget), else None."""
    return None if given.steps or given.epochs or given.open_ended else recipe.steps
