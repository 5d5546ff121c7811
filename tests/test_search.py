"""nnfit.search: the sweep's settings table reads durations and objectives, and refuses bad values."""

from __future__ import annotations

import pytest

from nnfit.errors import RecipeError
from nnfit.search import Search


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"objectives": "rrmse,speed"}, "'objectives' are rrmse and seconds, each once; got rrmse,speed"),
        ({"objectives": "rrmse,rrmse"}, "each once"),
        ({"trials": 0}, "'trials' must be > 0; got 0"),
        ({"trial_budget": "soon"}, "'trial_budget' must be a duration"),
    ],
)
def test_search_settings_are_checked(settings, message):
    with pytest.raises(RecipeError, match=message):
        Search(**settings)


def test_search_reads_durations_and_objectives():
    search = Search(trial_budget="5s", objectives="rrmse,seconds")
    assert (search.trial_budget, search.objectives) == (5.0, ("rrmse", "seconds"))
