"""nnfit.outputs._running: a fit keeps its run directory up to date, marked unfinished while it
trains and whole once it returns; a fit that fails before its first checkpoint leaves no trace."""

import numpy as np
import pytest

from nnfit.data import prepare
from nnfit.errors import RecipeError, RunDirError
from nnfit.outputs import MARKER, fit_into
from nnfit.recipe import Recipe
from nnfit.task import Task

TASK = Task(target="x**2 + x", domain="x=1:1000", samples=500)
SHORT = Recipe(steps=300, auto=False)  # the directory, not the accuracy, is under test


def _fit_into(path, recipe=SHORT, **options):
    rng = np.random.default_rng(recipe.seed)
    return fit_into(path, prepare(TASK, rng), TASK, recipe, rng, report=False, **options)


def test_a_run_directory_is_whole_once_its_fit_returns(tmp_path):
    fit = _fit_into(tmp_path / "run")
    files = {p.name for p in (tmp_path / "run").iterdir()}
    assert fit.run_dir == tmp_path / "run"
    assert {"recipe.yaml", "model.safetensors", "metrics.json", "run.json", "history.json"} <= files
    assert MARKER not in files and "checkpoint.npz" not in files


def test_a_fit_that_fails_before_its_first_checkpoint_leaves_no_trace(tmp_path):
    with pytest.raises(RecipeError, match="groups=on"):  # x**2 + x has no groups to train on
        _fit_into(tmp_path / "run", Recipe(steps=300, groups="on"))
    assert not (tmp_path / "run").exists()


def test_a_run_is_replaced_whole_only_when_asked(tmp_path):
    first = _fit_into(tmp_path / "run")
    with pytest.raises(RunDirError, match="already exists"):
        _fit_into(tmp_path / "run")
    second = _fit_into(tmp_path / "run", overwrite=True)
    assert second.evaluation == first.evaluation  # the same recipe and seed: the same figures
