"""How long the automatic recipe trains and on which rows: a formula's rows drawn again where its
probe erred, and a costly run cut to the most work, unless named."""

import itertools

import numpy as np
import pytest

import nnfit
from nnfit.auto import _sizing as sizing
from nnfit.recipe import Recipe


@pytest.mark.parametrize(
    "error, expected",
    [
        (lambda X: 1.0 * (X[:, :1] > 0.8) + (X[:, :1] > 0.9), 1000),  # errs on x > 0.8, twice as much on x > 0.9
        (lambda X: 0.0 * X[:, :1], 0),  # exact: nothing to add
    ],
    ids=["errs on a corner", "exact"],
)
def test_denser_rows_are_drawn_where_the_probe_errs(error, expected):
    rng = np.random.default_rng(0)
    target = lambda X: np.sin(X[:, :1])
    rows, values = sizing.denser_rows(
        lambda X: target(X) + error(X), target, lambda n: rng.uniform(0, 1, (n, 2)), 1000, rng
    )
    assert rows.shape == (expected, 2)
    np.testing.assert_array_equal(values, target(rows))  # the target at each row, drawn with it
    if expected:  # a pool of 10 000, about 2000 of them where the probe errs: each row is one of those
        assert rows[:, 0].min() > 0.8 and np.sum(rows[:, 0] > 0.9) > 1.2 * np.sum(rows[:, 0] <= 0.9)


def _cost(inputs: int, widths: tuple[int, ...], unit: float) -> int:
    """Multiply-adds per row of an MLP with one output: weights and biases, plus `unit` per hidden unit."""
    sizes = (inputs, *widths, 1)
    return sum((a + 1) * b for a, b in itertools.pairwise(sizes)) + unit * sum(widths)


@pytest.mark.parametrize(
    "units, widths, inputs, given, steps",
    [
        ("gelu", (64, 64, 64), 5, {}, 70_000),  # 1.13e11, above the suite's costliest run: not cut
        ("sin", (128, 128, 128), 4, {}, int(sizing.MOST_WORK / (128 * _cost(4, (128, 128, 128), 20)))),  # 22 605
        ("relu", (128, 128, 128), 4, {}, int(sizing.MOST_WORK / (128 * _cost(4, (128, 128, 128), 0)))),  # 27 742
        ("sin", (128, 128, 128), 4, {"steps": 70_000}, 70_000),  # named: the user's
        ("sin", (128, 128, 128), 4, {"budget": 9.0}, None),  # paced by its budget
    ],
    ids=["gelu", "sin", "relu", "steps named", "budget named"],
)
def test_a_costly_run_is_cut_to_the_most_work_unless_its_length_is_named(units, widths, inputs, given, steps):
    named = Recipe(**given)
    sized = sizing.sized(named, 16_000, inputs, measured=False).replace(
        model="mlp", activation=units, hidden=widths, steps=None if "budget" in given else 70_000
    )
    assert sizing.affordable(sized, named, 16_000, inputs, 1).steps == steps


def test_a_run_and_its_rival_beside_it_are_each_cut_to_the_most_work(monkeypatch):
    """The Lorentz factor: the probes choose sin units, and gelu units train beside them at full
    length; each run is cut to the most work on its own (here a tenth of the real most, to be quick)."""
    monkeypatch.setattr(sizing, "MOST_WORK", sizing.MOST_WORK / 10)
    fit = nnfit.fit("1/sqrt(1 - v**2/c**2)", "v=0:0.9, c=1:1.5")
    runs = {t["activation"]: t["steps"] for t in fit.choice["trials"][-2:]}  # the two at full length
    assert runs == {a: int(sizing.MOST_WORK / (128 * _cost(2, (64, 64), sizing.UNIT_COST[a]))) for a in ("sin", "gelu")}


def test_a_formula_the_probes_fit_poorly_trains_on_rows_where_they_erred(monkeypatch):
    # Lennard-Jones: its error lies where sigma/r nears 1 and the potential climbs steeply
    # (without its groups, epsilon * h(sigma/r), which its probes fit below HARD)
    formula, domain = "4*epsilon*((sigma/r)**12 - (sigma/r)**6)", "epsilon=1:2, sigma=1:1.2, r=1.1:3"
    denser = nnfit.fit(formula, domain, steps=8000, groups="off", seed=1)
    assert denser.choice["denser"] == denser.info["n_train"] // 2 == 12_000  # 15 000 samples, 80 % train
    assert denser.choice["reason"].endswith("; hard: 12000 more training rows where the probe erred")
    monkeypatch.setattr(sizing, "DENSER", 0.0)
    uniform = nnfit.fit(formula, domain, steps=8000, groups="off", seed=1)
    assert uniform.choice["denser"] == 0 and uniform.info["n_train"] == 12_000
    # measured 0.0044 against 0.0061 (0.73x; seeds 0 and 2: 0.95x and 0.79x)
    assert denser.evaluation["test"]["rrmse"] < min(0.013, uniform.evaluation["test"]["rrmse"])


def test_every_probed_formula_trains_on_rows_where_its_probe_erred_for_the_steps_sized():
    fit = nnfit.fit("sin(x)*y", "x=0:6, y=-1:1", samples=2000)  # its best probe reached 6.7e-3: not hard
    assert fit.choice["denser"] == fit.info["n_train"] // 2 == 1600
    assert fit.choice["reason"].endswith("; 1600 more training rows where the probe erred")
    assert not fit.choice["hard"] and fit.recipe.steps == sizing.FORMULA_STEPS[1]
