"""nnfit.params: how a field's value is read from a flag or a file, and what an unknown key is told."""

import pytest

from nnfit.config import split_settings
from nnfit.errors import RecipeError
from nnfit.recipe import Recipe


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


def test_unknown_key_suggests_the_near_miss():
    with pytest.raises(RecipeError, match="unknown key 'hiden' — did you mean 'hidden'"):
        split_settings({"hiden": [4]})
