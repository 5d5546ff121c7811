"""The search space: the default, space files merged over it, and every value checked by its
recipe field's own rule; the Search table's settings."""

from __future__ import annotations

import optuna
import pytest

from nnfit.errors import RecipeError
from nnfit.recipe import Recipe
from nnfit.sweeps._space import DEFAULT, Space

ALL_FIXED = {
    "hidden": "64,64",
    "activation": "gelu",
    "lr": 0.01,
    "batch_size": 64,
    "schedule": "cosine",
    "optimizer": "adam",
}


def test_the_default_space_searches_the_fields_that_matter():
    space = Space.of()
    assert {d.name for d in space.dimensions} == {
        "hidden",
        "activation",
        "lr",
        "batch_size",
        "schedule",
        "optimizer",
    }
    assert space.fixed == {}
    lr = next(d for d in space.dimensions if d.name == "lr")
    assert (lr.low, lr.high, lr.log) == (DEFAULT["lr"]["low"], DEFAULT["lr"]["high"], True)


def test_a_space_file_narrows_fixes_and_widens(tmp_path):
    path = tmp_path / "space.yaml"
    path.write_text(
        "lr: {low: 1e-3, high: 1e-2, log: true}\n"
        "activation: tanh\n"
        "hidden: [64, 64]\n"
        "weight-decay: {low: 0, high: 1e-3}\n"
        "input_scaling: [standard, minmax]\n"
    )
    space = Space.of(path)
    dims = {d.name: d for d in space.dimensions}
    assert (dims["lr"].low, dims["lr"].high) == (1e-3, 1e-2)
    assert space.fixed == {"activation": "tanh", "hidden": (64, 64)}
    assert dims["weight_decay"].integer is False and not dims["weight_decay"].log
    assert dims["input_scaling"].choices == ("standard", "minmax")
    assert Space.of(space.to_dict()) == space  # what sweep.yaml keeps reads back the same


def test_a_trial_becomes_a_recipe_of_the_fields_types():
    space = Space.of({"hidden": [[32, 32], "128,128,128"], "activation": "sin"})
    params = {
        "hidden": "128,128,128",
        "lr": 0.003,
        "batch_size": 200,
        "schedule": "constant",
        "optimizer": "adamw",
    }
    recipe = space.recipe(Recipe(), optuna.trial.FixedTrial(params))
    assert recipe.hidden == (128, 128, 128)
    assert (recipe.lr, recipe.batch_size, recipe.activation) == (0.003, 200, "sin")
    assert next(d for d in space.dimensions if d.name == "hidden").choices == ("32,32", "128,128,128")


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ({"activaton": ["gelu"]}, "unknown key 'activaton' — did you mean 'activation'?"),
        ({"activation": ["gelu", "swish"]}, "'activation' must be one of"),
        ({"activation": {"low": 1, "high": 2}}, "'activation' takes a list of choices, not a range"),
        ({"lr": {"low": 1e-2, "high": 1e-3}}, "the range of 'lr' is empty or inverted"),
        ({"lr": {"low": 1e-3}}, "the range of 'lr' needs low and high"),
        ({"lr": {"low": -1, "high": 1}}, "'lr' must be > 0; got -1"),
        ({"weight_decay": {"low": 0, "high": 1, "log": True}}, "a log range of 'weight_decay' needs low > 0"),
        ({"lr": {"low": 1e-4, "high": 1e-2, "base": 10}}, "unknown key 'base'"),
        ({"optimizer": []}, "'optimizer' has an empty list of choices"),
        (ALL_FIXED, "the space is empty"),
    ],
)
def test_a_bad_space_is_refused_naming_the_field(entries, message):
    with pytest.raises(RecipeError, match=message.replace("(", r"\(").replace(")", r"\)").replace("?", r"\?")):
        Space.of(entries)


def test_an_empty_space_file_is_refused(tmp_path):
    path = tmp_path / "space.yaml"
    path.write_text("# nothing yet\n")
    with pytest.raises(RecipeError, match="space file .* holds no fields"):
        Space.of(path)
