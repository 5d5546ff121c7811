"""nnfit.checks._before: what the doctor sees in a recipe and its data before training."""

import numpy as np
import pandas as pd
import pytest
from doctor_corpus import CORPUS, SMALL, codes

import nnfit


@pytest.mark.parametrize(
    "settings, fix",
    [
        ({"target": "sin(x)*y", "domain": "x=0:6, y=-1:1", "lr": 5}, "--lr 5 → 0.01"),
        ({"target": "x**2 + x", "domain": "x=0:1", "optimizer": "sgd", "lr": 1e-6}, "--lr 1e-06 → 0.01"),
        ({"target": "exp(-x**2)*cos(3*x)", "domain": "x=-3:3", "optimizer": "rmsprop", "lr": 3}, "--lr 3 → 0.01"),
    ],
)
def test_a_learning_rate_far_from_its_optimizers_usual_one_is_named_with_the_usual_one(settings, fix):
    # measured: adam at 5 ends at rRMSE 17.6 or collapses to the mean, SGD at 1e-6 at 0.87 after 4000 steps
    diagnosis = [f for f in nnfit.doctor(**settings) if f.code.startswith("lr-too")]
    assert [f.fix for f in diagnosis] == [fix]
    first = nnfit.fit(**settings, steps=1500, **SMALL).findings[0]
    assert (first.code, first.fix) == (diagnosis[0].code, fix)


@pytest.mark.parametrize("lr", [1e-3, 1e-2, 0.1])
def test_a_learning_rate_within_reach_of_the_usual_one_is_not_blamed(lr):
    assert not [f for f in nnfit.doctor("sin(x)*y", domain="x=0:6, y=-1:1", lr=lr) if f.code.startswith("lr-too")]


def test_few_samples_are_named_before_training_with_the_default_count():
    # the case: 20 samples of a 6-input formula for a network of 4,673 parameters
    first = nnfit.doctor(**CORPUS["few-samples"])[0]
    assert (first.code, first.severity, first.stage) == ("few-samples", "warning", "before")
    assert first.seen == "16 training rows for 6 inputs and 4673 parameters"
    assert first.fix == "--samples 30000 (the default for 6 inputs) or a smaller --hidden (32,32)"


@pytest.mark.parametrize("auto, severity", [(True, "note"), (False, "warning")])
def test_few_rows_of_measured_data_are_a_note_where_the_automatic_recipe_guards_against_them(tmp_path, auto, severity):
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, (300, 10))
    frame = pd.DataFrame(X, columns=[f"x{i}" for i in range(10)]).assign(y=X.sum(axis=1) + rng.normal(0, 0.3, 300))
    frame.to_csv(tmp_path / "d.csv", index=False)
    found = [f for f in nnfit.doctor(str(tmp_path / "d.csv"), auto=auto) if f.code == "few-samples"]
    assert [f.severity for f in found] == [severity] and found[0].fix == "more rows or a smaller --hidden (32,32)"


@pytest.mark.parametrize(
    "settings, step_fraction",
    [
        ({"schedule": "inverse-time", "decay": 0.1, "steps": 300_000}, 0.0034),
        ({"schedule": "exponential", "decay_rate": 0.1, "decay_steps": 100, "steps": 10_000}, 0.02),
    ],
)
def test_lr_starved_says_when(settings, step_fraction):
    finding = nnfit.doctor("x", domain="x=0:1", probe_seconds=0.5, **settings)[0]
    assert finding.code == "lr-starved"
    assert f"({100 * step_fraction:.2g} % of the run)" in finding.seen


@pytest.mark.parametrize(
    "settings",
    [
        {"schedule": "cosine"},
        {"schedule": "one-cycle"},
        {"schedule": "constant"},
        {"schedule": "inverse-time", "decay": 1e-4},
    ],
)
def test_schedules_that_do_not_starve(settings):
    assert "lr-starved" not in codes(nnfit.doctor("x", domain="x=0:1", probe_seconds=0.5, steps=20_000, **settings))


@pytest.mark.parametrize("batch_size, warned", [(16, True), (1000, False), (5000, False)])
def test_one_batch_repeated_is_a_warning_unless_it_holds_every_training_row(batch_size, warned):
    # 1250 samples: 1000 training rows, as in seed 000, whose batch of 1000 is full-batch descent
    settings = {"target": "x**2 + x", "domain": "x=1:1000", "samples": 1250, "steps": 50}
    found = [
        f for f in nnfit.doctor(**settings, repeat_batch=True, batch_size=batch_size) if f.code == "repeated-batch"
    ]
    assert [f.seen for f in found] == (
        ["the same 16 samples at every one of 50 steps, for 4353 parameters"] if warned else []
    )
