"""nnfit.task: how many points a formula is sampled at, and a bad value refused naming the field and the value."""

import pytest

from nnfit.errors import RecipeError
from nnfit.task import Task


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


@pytest.mark.parametrize(("inputs", "samples"), [(1, 10_000), (2, 10_000), (3, 15_000), (8, 40_000)])
def test_a_formula_is_sampled_in_proportion_to_its_inputs_unless_named(inputs, samples):
    assert Task().sample_count(inputs) == samples
    assert Task(samples=1234).sample_count(inputs) == 1234


@pytest.mark.parametrize("split", [(0.5, 0.5, 0.5), (0.0, 0.5, 0.5)])
def test_a_split_must_sum_to_one_with_rows_to_train_on(split):
    with pytest.raises(RecipeError, match="'split' must be three fractions summing to 1"):
        Task(split=split)
