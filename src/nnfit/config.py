"""Recipe files: a flat mapping of Task and Recipe keys in YAML or TOML, read, written and split
into the two tables. A run directory's recipe.yaml is one; `nnfit fit --config` reads any."""

from __future__ import annotations

import shlex
import tomllib
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from .errors import RecipeError
from .params import plain, shown, unknown_keys
from .recipe import Recipe
from .task import Task

CONFIG_SUFFIXES = (".yaml", ".yml", ".toml")


def resolve(
    target: Any, domain: Any, recipe: Recipe | None, task: Task | None, settings: Mapping[str, Any]
) -> tuple[Task, Recipe, Any, Any]:
    """The Task and Recipe of a library call: `task` and `recipe` (or the defaults) with the fields
    named in `settings` (keyword arguments, checked like a recipe file's keys) taken from there. A
    text `target` or `domain` moves into the Task's fields, and None takes its place in the result.

    Returns:
        (task, recipe, target, domain): the target and domain objects left for the caller.

    Raises:
        RecipeError: a key that is no field, or a value its field refuses.
    """
    overrides = dict(settings)
    if isinstance(target, str):
        overrides["target"], target = target, None
    if isinstance(domain, str):
        overrides["domain"], domain = domain, None
    parsed_task, parsed_recipe = split_settings(overrides)
    return (
        _merge(task or Task(), parsed_task, overrides),
        _merge(recipe or Recipe(), parsed_recipe, overrides),
        target,
        domain,
    )


def _merge(base, parsed, overrides: Mapping[str, Any]):
    """`base` with the fields named in `overrides` taken from `parsed` (already validated)."""
    names = {k.replace("-", "_") for k in overrides} & set(base.params())
    return base.replace(**{k: getattr(parsed, k) for k in names}) if names else base


def split_settings(values: Mapping[str, Any]) -> tuple[Task, Recipe]:
    """Build a Task and a Recipe from one flat mapping of keys (dashes or underscores)."""
    flat = {str(k).replace("-", "_"): v for k, v in values.items()}
    unknown_keys(flat, {**Task.params(), **Recipe.params()})
    task = Task(**{k: v for k, v in flat.items() if k in Task.params()})
    recipe = Recipe(**{k: v for k, v in flat.items() if k in Recipe.params()})
    return task, recipe


def read_config(path: str | Path) -> dict[str, Any]:
    """The flat mapping in a YAML (.yaml/.yml) or TOML (.toml) config file."""
    path = Path(path)
    if not path.is_file():
        raise RecipeError(f"config file not found: {path}")
    try:
        text = path.read_text(encoding="utf-8")
        if path.suffix.lower() == ".toml":
            values = tomllib.loads(text)
        elif path.suffix.lower() in CONFIG_SUFFIXES:
            values = yaml.safe_load(text)
        else:
            raise RecipeError(f"config file {path} must end in .yaml, .yml or .toml")
    except (yaml.YAMLError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        detail = str(exc).splitlines()[0]
        raise RecipeError(f"config file {path} is not valid {path.suffix[1:].upper()}: {detail}") from None
    if values is None:
        return {}
    if not isinstance(values, dict):
        raise RecipeError(f"config file {path} must hold key: value pairs, not a {type(values).__name__}")
    return values


def write_config(path: str | Path, task: Task, recipe: Recipe) -> None:
    """Write both as one flat YAML file that `read_config` and `nnfit fit --config` accept."""
    # a None is written only where it is not the default (checkpoint_every: null, never), so that
    # the file reads back as the same task and recipe
    body = {
        k: v
        for table, values in ((Task, task), (Recipe, recipe))
        for k, v in values.to_dict().items()
        if v is not None or table.defaults()[k] is not None
    }
    Path(path).write_text(yaml.safe_dump(body, sort_keys=False), encoding="utf-8")


def command_line(task: Task, recipe: Recipe) -> str:
    """The `nnfit fit` command that runs `task` with `recipe`: the target, then a flag for each
    setting that differs from its default, quoted for a POSIX shell."""
    words = ["nnfit", "fit", shlex.quote(task.target or "")]
    for table, values in ((Task, task), (Recipe, recipe)):
        defaults = table.defaults()
        for name, param in table.params().items():
            value = getattr(values, name)
            if name == "target" or plain(value) == plain(defaults[name]):
                continue
            flag = param.option(name)
            if param.kind == "bool":
                words.append(flag if value else f"--no-{flag[2:]}")
            else:
                words += [flag, shlex.quote(shown(value))]
    return " ".join(words)


def presets() -> dict[str, tuple[str, dict[str, Any]]]:
    """The recipe files shipped with nnfit (the seeds' broken recipes and their fixes; examples/
    links to them), by name: (what the file's opening comment says, its settings)."""
    found = {}
    for entry in sorted(resources.files("nnfit").joinpath("presets").iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            text = entry.read_text(encoding="utf-8")
            comment = " ".join(line.lstrip("# ").strip() for line in text.splitlines() if line.startswith("#"))
            found[entry.name.removesuffix(".yaml")] = (comment, yaml.safe_load(text) or {})
    return found
