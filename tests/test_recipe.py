"""Task and Recipe: the defaults, coercion of flag and file values, and the errors."""

import pytest

from nnfit.errors import RecipeError
from nnfit.recipe import Recipe


def test_default_recipe_is_the_correct_one():
    recipe = Recipe()
    assert recipe.output_activation == "none"
    assert recipe.auto and recipe.undecided == (
        "model",
        "activation",
        "input_scaling",
        "output_scaling",
        "groups",
        "weight_decay",
        "hidden",
    )
    fixed = recipe.fixed()
    assert (fixed.model, fixed.activation, fixed.input_scaling, fixed.output_scaling, fixed.groups, fixed.hidden) == (
        "mlp",
        "gelu",
        "standard",
        "standard",
        "off",
        (64, 64),
    )
    assert recipe.widths == fixed.widths == (64, 64)  # unset, the fixed default's widths
    assert fixed.undecided == () and fixed.replace(activation="auto").undecided == ("activation",)
    assert not recipe.repeat_batch
    assert recipe.schedule == "cosine" and recipe.early_stopping and recipe.restore_best


@pytest.mark.parametrize(
    "settings, message",
    [
        ({"lr": -1}, "'lr' must be > 0; got -1"),
        ({"lr": "fast"}, "'lr' must be a number; got 'fast'"),
        ({"hidden": "0"}, "'hidden' must be > 0; got '0'"),
        ({"hidden": "40,x"}, "'hidden' must be a whole number; got 'x'"),
        ({"optimizer": "adamm"}, "did you mean 'adam'"),
        ({"activation": "softplus"}, "must be one of auto, relu, tanh"),
        ({"steps": 2.5}, "whole number"),
        ({"steps": 10, "epochs": 2}, "not both"),
        ({"early_stopping": "maybe"}, "true or false"),
        ({"decay_rate": 1.5}, "must be < 1"),
        ({"lr": float("nan")}, "finite"),
        ({"budget": "soon"}, "must be a duration such as 30s, 2m or 1h; got 'soon'"),
        ({"target_rrmse": 1e-9}, "below what float32 can resolve"),
    ],
)
def test_bad_recipe_values_name_the_field_and_value(settings, message):
    with pytest.raises(RecipeError, match=message.replace("(", r"\(")):
        Recipe(**settings)


@pytest.mark.parametrize(
    "kwargs, n_train, steps",
    [
        ({}, 1000, Recipe.DEFAULT_STEPS),
        ({"steps": 50}, 1000, 50),
        ({"epochs": 3, "batch_size": 100}, 1000, 30),
        ({"epochs": 2, "batch_size": 5000}, 1000, 2),  # the batch is capped at the training set
        ({"optimizer": "lbfgs", "epochs": 4}, 1000, 4),  # L-BFGS steps take the whole set
        ({"budget": 10}, 1000, None),  # the budget sets the length
        ({"target_rrmse": 1e-3}, 1000, None),  # within the default budget for a target
        ({"budget": 10, "steps": 50}, 1000, 50),  # steps given: the budget only caps them
    ],
)
def test_total_steps(kwargs, n_train, steps):
    assert Recipe(**kwargs).total_steps(n_train) == steps


@pytest.mark.parametrize(
    "settings, line",
    [
        (
            {},
            (
                "mlp 64-64 gelu | mse adam lr 0.01 cosine | batch 128, 20000 steps | scale in:standard out:standard "
                "| early-stop, float32 | seed 0"
            ),
        ),
        (
            {
                "model": "linear",
                "loss": "rmse",
                "schedule": "inverse-time",
                "decay": 0.1,
                "batch_size": 8,
                "epochs": 10,
                "early_stopping": False,
                "input_scaling": "none",
            },
            (
                "linear | rmse adam lr 0.01 inverse-time 0.1 | batch 8, 10 epochs | scale in:none out:standard "
                "| float32 | seed 0"
            ),
        ),
        (
            {"budget": "30s"},
            (
                "mlp 64-64 gelu | mse adam lr 0.01 cosine | batch 128, 30 s | scale in:standard "
                "out:standard | early-stop, float32 | seed 0"
            ),
        ),
        (
            {"optimizer": "lbfgs", "steps": 300, "output_activation": "softmax", "repeat_batch": True},
            (
                "mlp 64-64 gelu -> softmax | mse lbfgs line search | full batch, 300 steps | scale in:standard out:standard "
                "| repeat-batch, early-stop, float32 | seed 0"
            ),
        ),
    ],
)
def test_summary_line(settings, line):
    assert Recipe(**settings).fixed().summary() == line


def test_summary_line_of_a_recipe_left_to_choose():
    assert Recipe().summary() == (
        "auto (mlp 64-64 auto, or linear) | mse adam lr 0.01 cosine | batch 128, 20000 steps | "
        "scale in:auto out:auto | early-stop, float32 | seed 0"
    )
