"""What a sweep searches (`Space`: for each recipe field, the values it may take); how it searches is
the settings table `nnfit.search.Search`.

A space is a mapping of recipe fields to a list of choices, a range ``{low, high, log}``, or one
value that fixes the field. A space file (YAML or TOML) is merged over `DEFAULT`: it narrows a
range, fixes a field or widens the search to other fields. Every key is a recipe field and every
value is checked by that field's own rule, so a space cannot propose a recipe `Recipe` refuses.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..config import read_config
from ..errors import RecipeError
from ..params import Param, plain, shown, unknown_keys
from ..recipe import Recipe

if TYPE_CHECKING:
    import optuna

# The fields that decide how well a network fits within a fixed budget, with ranges that hold the
# defaults' neighbours and the seeds' good recipes (40-24-12 widths, lr 1e-3 to 3e-2, batch 32-1024).
DEFAULT: dict[str, Any] = {
    "hidden": ["32,32", "64,64", "128,128", "64,64,64", "128,128,128", "40,24,12"],
    "activation": ["gelu", "tanh", "silu", "sin", "relu"],
    "lr": {"low": 1e-4, "high": 3e-2, "log": True},
    "batch_size": {"low": 32, "high": 1024, "log": True},
    "schedule": ["cosine", "constant", "one-cycle", "exponential"],
    "optimizer": ["adam", "adamw", "nadam"],
}
_RANGE_KEYS = {"low", "high", "log"}


@dataclass(frozen=True)
class Dimension:
    """One recipe field searched: a list of choices (as typed, e.g. "64,64") or a range."""

    name: str
    choices: tuple[Any, ...] = ()
    low: float = math.nan
    high: float = math.nan
    log: bool = False

    @property
    def integer(self) -> bool:
        return Recipe.params()[self.name].kind == "int"

    def suggest(self, trial: optuna.trial.BaseTrial) -> Any:
        """The trial's value for this field, in the recipe's type."""
        param = Recipe.params()[self.name]
        if self.choices:
            return param.coerce(self.name, trial.suggest_categorical(self.name, self.choices))
        if self.integer:
            return trial.suggest_int(self.name, int(self.low), int(self.high), log=self.log)
        return trial.suggest_float(self.name, self.low, self.high, log=self.log)

    def to_dict(self) -> Any:
        return list(self.choices) if self.choices else {"low": self.low, "high": self.high, "log": self.log}


@dataclass(frozen=True)
class Space:
    """The dimensions a sweep searches and the fields it fixes, each checked by its recipe field."""

    dimensions: tuple[Dimension, ...]
    fixed: Mapping[str, Any]

    @classmethod
    def of(cls, entries: Mapping[str, Any] | str | Path | None = None) -> Space:
        """`DEFAULT` with `entries` merged over it: a mapping, or a YAML/TOML space file's path."""
        if isinstance(entries, (str, Path)):
            given = read_config(entries)
            if not given:
                raise RecipeError(
                    f"space file {entries} holds no fields — give e.g. lr: {{low: 1e-4, high: 1e-1, log: true}}"
                )
        else:
            given = dict(entries or {})
        given = {str(k).replace("-", "_"): v for k, v in given.items()}
        unknown_keys(given, Recipe.params())
        dimensions, fixed = [], {}
        for name, entry in {**DEFAULT, **given}.items():
            param = Recipe.params()[name]
            if isinstance(entry, Mapping):
                dimensions.append(_range(name, param, entry))
            elif isinstance(entry, (list, tuple)) and not (param.kind in ("ints", "floats") and _flat(entry)):
                dimensions.append(_choices(name, param, entry))
            else:
                fixed[name] = param.coerce(name, entry)
        if not dimensions:
            raise RecipeError(
                "the space is empty: every field in it is fixed — give a field a list of choices or a "
                "range, e.g. lr: {low: 1e-4, high: 1e-1, log: true}"
            )
        return cls(tuple(dimensions), fixed)

    def recipe(self, base: Recipe, trial: optuna.trial.BaseTrial) -> Recipe:
        """`base` with the fixed fields set and each dimension as the trial suggests."""
        return base.replace(**self.fixed, **{d.name: d.suggest(trial) for d in self.dimensions})

    def start(self, recipe: Recipe) -> dict[str, Any]:
        """The values of `recipe` (its fixed defaults for the fields it leaves at auto) on each
        dimension that holds them: a sweep's first trial, so that it never ends worse than the
        recipe it began from, beyond noise."""
        fixed = recipe.fixed()
        point: dict[str, Any] = {}
        for d in self.dimensions:
            value = getattr(fixed, d.name)
            if d.name == "batch_size" and value is None:  # unset: the batch the trainer uses
                value = Recipe.BATCH
            if d.choices:
                value = shown(value) if Recipe.params()[d.name].kind in ("ints", "floats", "names") else value
                if value in d.choices:
                    point[d.name] = value
            elif isinstance(value, (int, float)) and d.low <= value <= d.high:
                point[d.name] = value
        return point

    def to_dict(self) -> dict[str, Any]:
        """The space as a space file writes it; `Space.of` of it is this space."""
        return {**{k: plain(v) for k, v in self.fixed.items()}, **{d.name: d.to_dict() for d in self.dimensions}}


def _flat(entry: list | tuple) -> bool:
    """A list of numbers, which for a list-valued field (hidden: [64, 64]) is one value, not choices."""
    return all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in entry)


def _choices(name: str, param: Param, entry: list | tuple) -> Dimension:
    if not entry:
        raise RecipeError(f"space: '{name}' has an empty list of choices — give at least one value")
    listed = param.kind in ("ints", "floats", "names")

    def choice(value: Any) -> Any:  # Optuna keeps numbers, text or booleans: widths are kept as typed, 64,64
        checked = param.coerce(name, value)
        return shown(checked) if listed else checked

    return Dimension(name, choices=tuple(dict.fromkeys(choice(v) for v in entry)))


def _range(name: str, param: Param, entry: Mapping[str, Any]) -> Dimension:
    if param.kind not in ("int", "float", "seconds"):
        raise RecipeError(f"space: '{name}' takes a list of choices, not a range; got {dict(entry)!r}")
    unknown_keys(entry, dict.fromkeys(_RANGE_KEYS))
    if "low" not in entry or "high" not in entry:
        raise RecipeError(f"space: the range of '{name}' needs low and high, e.g. {{low: 1e-4, high: 1e-1}}")
    low, high = param.coerce(name, entry["low"]), param.coerce(name, entry["high"])
    log = Param("bool", "").coerce(f"{name}.log", entry.get("log", False))
    if not low < high:
        raise RecipeError(f"space: the range of '{name}' is empty or inverted: low {low:g}, high {high:g}")
    if log and low <= 0:
        raise RecipeError(f"space: a log range of '{name}' needs low > 0; got {low:g}")
    return Dimension(name, low=low, high=high, log=log)
