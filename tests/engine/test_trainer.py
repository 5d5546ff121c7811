"""The training loop: batch plan, determinism, every optimizer, stopping callbacks, precision, padding."""

import jax
import numpy as np
import pytest
from linear_task import LINEAR, RNG, X, Y, train

from nnfit.data import Split
from nnfit.engine import Network, Trainer, _trainer
from nnfit.engine._trainer import CHECK_ROWS, BatchPlan, chunk_length, padded_rows
from nnfit.recipe import Recipe
from nnfit.units import Coordinates


def mse(network, params):
    return float(np.mean((np.asarray(network(params, X)) - Y) ** 2))


def test_each_epoch_is_a_permutation():
    plan = BatchPlan(n=100, batch=10, steps_per_epoch=10, seed=0)
    rows = plan.rows(0, 30)
    for epoch in range(3):
        np.testing.assert_array_equal(np.sort(rows[10 * epoch : 10 * (epoch + 1)].ravel()), np.arange(100))
    assert not np.array_equal(rows[:10], rows[10:20])  # shuffled anew each epoch


def test_batch_plan_does_not_depend_on_chunking():
    whole = BatchPlan(100, 8, 12, seed=4).rows(0, 50)
    plan = BatchPlan(100, 8, 12, seed=4)
    pieces = np.concatenate([plan.rows(0, 7), plan.rows(7, 30), plan.rows(37, 13)])
    np.testing.assert_array_equal(whole, pieces)


@pytest.mark.parametrize(
    "total, every, length",
    [
        (20_000, 250, 250),
        (19_200, 250, 256),
        (50, 250, 50),
        (1000, 300, 250),
        (7919, 250, 250),  # 7919 is prime
    ],
)
def test_chunks_divide_the_run_where_they_can(total, every, length):
    assert chunk_length(total, every) == length


def test_repeat_batch_uses_the_same_rows_every_step():
    rows = BatchPlan(100, 10, 10, seed=0, repeat=True).rows(5, 20)
    assert (rows == rows[0]).all()


def test_same_seed_same_weights_any_chunk_length():
    _, a = train(Recipe(steps=300, eval_every=300, early_stopping=False))
    _, b = train(Recipe(steps=300, eval_every=70, early_stopping=False))
    for la, lb in zip(a, b):
        np.testing.assert_allclose(la["w"], lb["w"], rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize(
    "optimizer, lr, bound",
    [
        ("adam", 0.05, 1e-3),
        ("adamw", 0.05, 1e-3),
        ("sgd", 0.1, 1e-3),
        ("nadam", 0.05, 1e-3),
        ("lbfgs", 1.0, 1e-3),
        ("rmsprop", 0.03, 3e-3),  # at a constant rate it hovers at its noise floor: 3.7e-4 measured
    ],
)
def test_every_optimizer_fits_a_linear_target(optimizer, lr, bound):
    recipe = Recipe(optimizer=optimizer, lr=lr, schedule="constant", steps=400, early_stopping=False)
    _, params = train(recipe)
    assert mse(LINEAR, params) < bound


@pytest.mark.parametrize("schedule", ["cosine", "step", "exponential", "inverse-time", "plateau", "one-cycle"])
def test_every_schedule_trains(schedule):
    recipe = Recipe(schedule=schedule, lr=0.05, decay=0.001, decay_steps=200, steps=600, early_stopping=False)
    trainer, params = train(recipe)
    assert mse(LINEAR, params) < 1e-2
    lrs = [r["lr"] for r in trainer.callbacks[0].records]
    assert all(0 < lr <= 0.05 * (1 + 1e-6) for lr in lrs)


def test_checks_between_chunks_read_a_fixed_number_of_validation_rows():
    """So that their cost does not grow with the data: rows past CHECK_ROWS are never read."""
    x_val = RNG.uniform(-1, 1, (CHECK_ROWS + 1000, 2))
    y_val = 3 * x_val[:, :1] - 2 * x_val[:, 1:] + 0.5
    y_val[CHECK_ROWS:] = 1e6  # would dominate the validation loss if read
    trainer, params = train(Recipe(steps=100, eval_every=100, early_stopping=False), x_val=x_val, y_val=y_val)
    event = trainer.callbacks[0].records[-1]
    error = np.asarray(LINEAR(params, x_val[:CHECK_ROWS])) - y_val[:CHECK_ROWS]
    np.testing.assert_allclose(event["val_loss"], np.mean(error**2), rtol=1e-4)


def test_the_last_checks_outputs_are_the_networks_predictions_at_the_check_rows():
    """What a probe scores its validation rows by, without a prediction program of its own."""
    x_val = RNG.uniform(-1, 1, (300, 2))
    y_val = 3 * x_val[:, :1] - 2 * x_val[:, 1:] + 0.5
    trainer, params = train(Recipe(steps=100, eval_every=50, early_stopping=False), x_val=x_val, y_val=y_val)
    assert trainer.check_outputs.shape == (300, 1)
    np.testing.assert_allclose(trainer.check_outputs, LINEAR(params, x_val), rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("validation_rows", [300, CHECK_ROWS + 1])
def test_a_run_compiled_ahead_compiles_nothing_more(validation_rows):
    """What the probes' threads do for the unit types they will probe: the chunk, the learning rates
    and, where the checks do not see every validation row, the predictions there."""
    x_val = RNG.uniform(-1, 1, (validation_rows, 2))
    split = Split(X, Y, x_val, 3 * x_val[:, :1] - 2 * x_val[:, 1:] + 0.5, X[:0], Y[:0])
    recipe = Recipe(steps=700, eval_every=300, hidden=(8,), activation="silu", lr=0.003, early_stopping=False)
    trainer = Trainer(Network((2, 8, 1), "silu"), recipe, coordinates=Coordinates.fit(X, Y, "standard", "standard"))
    trainer.compile_on(split)
    compiled = []
    listener = lambda event, seconds, **kwargs: (
        compiled.append(event) if event.endswith("backend_compile_duration") else None
    )
    jax.monitoring.register_event_duration_secs_listener(listener)
    try:
        trainer.train_on(split)
        if validation_rows > CHECK_ROWS:
            trainer.predict(x_val)
    finally:
        jax.monitoring.unregister_event_duration_listener(listener)
    assert compiled == []


def test_budget_stops_training_within_it():
    recipe = Recipe(steps=10**7, eval_every=100, early_stopping=False)
    # the same step compiled first (0.64 s alone once on a loaded machine), so that the budget times steps
    train(recipe.replace(steps=100))
    trainer, _ = train(recipe, budget=0.5)
    records = trainer.callbacks[0].records
    assert trainer.stop_reason.startswith("time budget spent at step") and trainer.step < 10**7
    # the loop stops when one more chunk as long as the last would pass the budget; on a loaded
    # machine the final chunk can run a little longer than that one (measured once: 0.5005 s)
    assert records[-1]["elapsed"] <= 0.5 * 1.2


def test_a_paced_run_spreads_its_schedule_over_the_budget():
    recipe = Recipe(budget=1.0, lr=0.01, eval_every=50, early_stopping=False)
    # the same step compiled first (up to 1.2 s on a loaded machine), so that the budget paces steps alone
    train(recipe.replace(budget=None, steps=50))
    trainer, _ = train(recipe)
    records = trainer.callbacks[0].records
    assert trainer.total_steps is None and trainer.stop_reason.startswith("time budget spent at step")
    progress = np.array([r["progress"] for r in records])
    elapsed = np.array([r["elapsed"] for r in records])
    # progress is the share of the budget spent, capped at 1 (the last chunk may end just past it)
    np.testing.assert_allclose(progress, np.minimum(elapsed / 1.0, 1.0), atol=1e-9)
    assert 0.8 <= progress[-1] <= 1.0  # the run ends within a chunk of the budget
    # cosine from 0.01 down towards 1 % of it, read at the progress of each chunk's last step
    lrs = np.array([r["lr"] for r in records])
    assert lrs[0] == pytest.approx(0.01, rel=0.05) and lrs[-1] < 0.1 * 0.01
    assert np.all(np.diff(lrs) <= 1e-12)


def test_float64_trains_in_float64():
    _, params = train(Recipe(dtype="float64", steps=50, early_stopping=False))
    assert params[0]["w"].dtype == np.float64


def test_no_validation_set():
    trainer, _ = train(Recipe(steps=100, early_stopping=False), x_val=None, y_val=None)
    assert trainer.callbacks[0].records[-1]["val_loss"] is None


@pytest.mark.parametrize(
    "n, rows",
    [
        (1, 16),
        (16, 16),
        (17, 64),
        (64, 64),
        (65, 256),
        (8000, 16384),
        (16000, 16384),  # a default fit's probes and its run on twice the rows
        (1 << 20, 1 << 20),
        ((1 << 20) + 1, 3 << 19),  # beyond, a third apart
        (3 << 19, 3 << 19),
        ((3 << 19) + 1, 1 << 21),
    ],
)
def test_training_rows_are_stored_in_buckets_a_power_of_4_apart_then_a_third(n, rows):
    assert padded_rows(n) == rows


def test_the_rows_a_training_set_is_padded_with_are_never_drawn(monkeypatch):
    recipe = Recipe(steps=200, batch_size=32, seed=3)
    _, padded = train(recipe)  # 512 rows in 1024
    monkeypatch.setattr(_trainer, "padded_rows", lambda n: 4 * n)  # 1536 rows more, of zeros
    _, wider = train(recipe)
    for mine, theirs in zip(jax.tree.leaves(padded), jax.tree.leaves(wider), strict=True):
        np.testing.assert_array_equal(mine, theirs)
