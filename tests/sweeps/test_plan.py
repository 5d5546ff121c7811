"""nnfit.sweeps._plan: a sweep's plan starts from the recipe it was given and is read back whole."""

from __future__ import annotations

from nnfit.recipe import Recipe
from nnfit.sweeps._space import Space


def test_a_sweep_starts_from_the_recipe_it_was_given():
    space = Space.of({"lr": {"low": 1e-3, "high": 1e-1}, "activation": ["tanh", "sin"]})
    start = space.start(Recipe(hidden=(40, 24, 12), lr=0.05))
    # gelu, the fixed default of activation=auto, is not among the choices: the sampler picks it
    assert start == {"hidden": "40,24,12", "lr": 0.05, "batch_size": 128, "schedule": "cosine", "optimizer": "adam"}
