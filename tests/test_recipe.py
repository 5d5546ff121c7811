"""Task and Recipe: the defaults, coercion of flag and file values, and the errors."""

import pytest

from nnfit.config import read_config, split_settings, write_config
from nnfit.errors import RecipeError
from nnfit.recipe import Recipe
from nnfit.task import Task


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
    "field, text, value",
    [
        ("hidden", "40,24,12", (40, 24, 12)),
        ("hidden", [8], (8,)),
        ("lr", "1e-3", 0.001),
        ("steps", "50", 50),
        ("steps", 50.0, 50),
        ("steps", "none", None),
        ("repeat_batch", "yes", True),
        ("early_stopping", "false", False),
        ("optimizer", "RMSprop", "rmsprop"),
        ("schedule", "inverse_time", "inverse-time"),
        ("budget", "30s", 30.0),
        ("budget", "2m", 120.0),
        ("budget", "1.5h", 5400.0),
        ("budget", "45", 45.0),
        ("target_rrmse", "1e-4", 1e-4),
    ],
)
def test_values_from_flags_and_files_are_coerced(field, text, value):
    assert getattr(Recipe(**{field: text}), field) == value


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
    "settings, message",
    [
        ({"samples": 0}, "'samples' must be > 0; got 0"),
        ({"split": "0.5,0.5"}, "takes 3 values"),
        ({"split": "0.5,0.3,0.1"}, "summing to 1"),
        ({"sampling": "random"}, "must be one of uniform"),
    ],
)
def test_bad_task_values(settings, message):
    with pytest.raises(RecipeError, match=message):
        Task(**settings)


def test_unknown_key_suggests_the_near_miss():
    with pytest.raises(RecipeError, match="unknown key 'hiden' — did you mean 'hidden'"):
        split_settings({"hiden": [4]})


def test_settings_split_into_task_and_recipe_with_dashes():
    task, recipe = split_settings({"target": "x", "domain": "x=0:1", "batch-size": "16", "output_activation": "tanh"})
    assert (task.target, task.domain) == ("x", "x=0:1")
    assert (recipe.batch_size, recipe.output_activation) == (16, "tanh")


@pytest.mark.parametrize(
    "name, text",
    [
        ("r.yaml", "target: x**2\ndomain: x=0:1\nhidden: [8, 8]\nlr: 0.01\n"),
        ("r.toml", 'target = "x**2"\ndomain = "x=0:1"\nhidden = [8, 8]\nlr = 0.01\n'),
    ],
)
def test_config_files_yaml_and_toml(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    task, recipe = split_settings(read_config(path))
    assert task.target == "x**2" and recipe.hidden == (8, 8) and recipe.lr == 0.01


def test_written_config_reads_back_identically(tmp_path):
    task, recipe = Task(target="x", domain="x=0:1", query="0.5"), Recipe(hidden=(3, 4), steps=7)
    write_config(tmp_path / "r.yaml", task, recipe)
    assert split_settings(read_config(tmp_path / "r.yaml")) == (task, recipe)


@pytest.mark.parametrize(
    "name, text, message",
    [
        ("r.yaml", "hidden: [8\n", "not valid YAML"),
        ("r.toml", "hidden = \n", "not valid TOML"),
        ("r.yaml", "- a\n- b\n", "key: value pairs"),
        ("r.json", "{}", "must end in .yaml"),
    ],
)
def test_bad_config_files(tmp_path, name, text, message):
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(RecipeError, match=message):
        read_config(path)


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
