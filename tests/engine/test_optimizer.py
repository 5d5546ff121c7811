"""Schedules against their formulas, and each optimizer builds and steps."""

import jax.numpy as jnp
import numpy as np
import pytest

from nnfit.engine import _optimizer as optim
from nnfit.recipe import Recipe


@pytest.mark.parametrize(
    "settings, step, expected",
    [
        ({"schedule": "constant", "lr": 0.01}, 5000, 0.01),
        ({"schedule": "inverse-time", "lr": 0.001, "decay": 0.1}, 1000, 0.001 / (1 + 0.1 * 1000)),
        ({"schedule": "inverse-time", "lr": 0.001, "decay": 0.0}, 1000, 0.001),
        ({"schedule": "step", "lr": 1.0, "decay_rate": 0.5, "decay_steps": 100}, 250, 0.25),
        ({"schedule": "exponential", "lr": 1.0, "decay_rate": 0.5, "decay_steps": 100}, 250, 0.5**2.5),
        ({"schedule": "cosine", "lr": 1.0}, 0, 1.0),
        ({"schedule": "cosine", "lr": 1.0}, 1000, optim.COSINE_FLOOR),
        ({"schedule": "cosine", "lr": 1.0}, 500, 0.5 * (1 + optim.COSINE_FLOOR)),
    ],
)
def test_schedule_values(settings, step, expected):
    assert float(optim.schedule(Recipe(**settings), 1000)(step)) == pytest.approx(expected, rel=1e-5)


def test_one_cycle_peaks_at_lr():
    values = [float(optim.schedule(Recipe(schedule="one-cycle", lr=0.1), 1000)(s)) for s in range(0, 1001, 10)]
    assert max(values) == pytest.approx(0.1, rel=1e-3)
    assert values[0] < 0.01 and values[-1] < 0.01


@pytest.mark.parametrize("name", ["mse", "rmse", "mae", "huber"])
def test_losses(name):
    pred, y = jnp.array([[1.0], [3.0]]), jnp.array([[0.0], [0.0]])
    expected = {"mse": 5.0, "rmse": np.sqrt(5.0), "mae": 2.0, "huber": (0.5 + 2.5) / 2}[name]
    assert float(optim.LOSSES[name](pred, y)) == pytest.approx(expected, rel=1e-6)


def test_a_target_run_restarts_its_cosine_in_cycles_that_double():
    rates = optim.LearningRates(Recipe(target_rrmse=1e-3, lr=0.01), total_steps=None)
    n = Recipe.DEFAULT_STEPS
    steps = np.array([0, n - 1, n, 3 * n - 1, 3 * n])
    expected = [0.01, 0.01 * optim.COSINE_FLOOR, 0.01, 0.01 * optim.COSINE_FLOOR, 0.01]
    np.testing.assert_allclose(rates(steps, np.zeros(5)), expected, rtol=1e-3)


def test_a_paced_run_reads_its_cosine_at_its_progress():
    rates = optim.LearningRates(Recipe(budget=10, lr=0.01), total_steps=None)
    progress = np.array([0.0, 0.5, 1.0])
    np.testing.assert_allclose(
        rates(np.array([0, 7, 9]), progress),
        [0.01, 0.01 * (1 + optim.COSINE_FLOOR) / 2, 0.01 * optim.COSINE_FLOOR],
        rtol=1e-4,
    )


def test_runs_with_the_same_schedule_share_its_compiled_program():
    first = optim.LearningRates(Recipe(schedule="cosine", lr=0.01, seed=1), 1000)
    second = optim.LearningRates(Recipe(schedule="cosine", lr=0.01, seed=2, hidden=(8,)), 1000)
    other = optim.LearningRates(Recipe(schedule="cosine", lr=0.02), 1000)
    assert first.schedule is second.schedule and other.schedule is not first.schedule
    steps = np.arange(0, 1000, 100)
    np.testing.assert_array_equal(first(steps, steps / 1000), second(steps, steps / 1000))
    assert other(steps, steps / 1000)[0] == pytest.approx(0.02)
