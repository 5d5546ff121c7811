"""nnfit.config: recipe files in YAML and TOML, read, written and split into the Task and the Recipe,
and a library call's keywords resolved the same way."""

import pytest

from nnfit.config import read_config, resolve, split_settings, write_config
from nnfit.errors import RecipeError
from nnfit.recipe import Recipe
from nnfit.task import Task


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
    # checkpoint_every=None (never) differs from its default, 30 s: it must not read back as 30 s
    task, recipe = Task(target="x", domain="x=0:1", query="0.5"), Recipe(hidden=(3, 4), steps=7, checkpoint_every=None)
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


def test_a_library_calls_keywords_override_its_objects_and_text_moves_into_the_task():
    task, recipe, target, domain = resolve("x**2", "x=0:1", Recipe(lr=0.1), None, {"lr": 0.02, "samples": 300})
    assert (target, domain) == (None, None)  # text: read into the Task
    assert (task.target, task.domain, task.samples) == ("x**2", "x=0:1", 300)
    assert recipe.lr == 0.02
    function = lambda x: x
    assert resolve(function, {"x": (0, 1)}, None, None, {})[2:] == (function, {"x": (0, 1)})
    with pytest.raises(RecipeError, match="samplez"):
        resolve(None, None, None, None, {"samplez": 3})
