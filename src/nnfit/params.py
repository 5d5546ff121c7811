"""The machinery of a settings table: how each field is declared (kind, constraints, help and the
reason for its default), coerced and checked, with messages that name the bad value.

`nnfit.recipe` declares its two tables, Task and Recipe, with it.
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Self

from .errors import RecipeError


@dataclass(frozen=True)
class Param:
    """How one field is checked and explained: its kind, allowed values and help."""

    kind: str  # "int", "float", "seconds", "bool", "choice", "str", "ints", "floats", "names"
    help: str
    choices: tuple[str, ...] = ()
    gt: float | None = None  # value must be > gt
    ge: float | None = None  # value must be >= ge
    lt: float | None = None  # value must be < lt
    optional: bool = False  # None (unset) allowed
    length: int | None = None  # exact length of a list
    flag: str | None = None  # the command-line flag, when not --field-name
    why: str = ""  # the reason for the default, shown in the documentation's recipe reference

    def option(self, name: str) -> str:
        """The command-line flag of the field `name`: its own, else --name-with-dashes."""
        return self.flag or "--" + name.replace("_", "-")

    def coerce(self, name: str, value: Any) -> Any:
        """The value converted to this field's type; raises RecipeError naming the bad value."""
        # "none" unsets a number or list; text fields keep it, as "" or "none" may be what was meant
        unset = self.kind != "str" and isinstance(value, str) and value.strip().lower() in ("", "none", "null")
        if value is None or (self.optional and unset):
            if self.optional:
                return None
            raise RecipeError(f"'{name}' needs a value ({self.help})")
        if self.kind in ("ints", "floats", "names"):
            return self._items(name, value)
        if self.kind == "bool":
            return self._bool(name, value)
        if self.kind == "choice":
            return self._choice(name, value)
        if self.kind == "str":
            return str(value)
        if self.kind == "seconds" and isinstance(value, str):
            value = _seconds(value)
        number = self._number(name, value)
        for bound, ok, word in (
            (self.gt, lambda b: number > b, ">"),
            (self.ge, lambda b: number >= b, ">="),
            (self.lt, lambda b: number < b, "<"),
        ):
            if bound is not None and not ok(bound):
                raise RecipeError(f"'{name}' must be {word} {bound:g}; got {value!r}")
        return number

    def _items(self, name: str, value: Any) -> tuple:
        """A list field: "32,32", or a list, each item coerced as its kind's single value."""
        items = [v.strip() for v in value.split(",")] if isinstance(value, str) else value
        if not isinstance(items, (list, tuple)):
            items = [items]
        single = {"ints": "int", "floats": "float", "names": "str"}[self.kind]
        element = dataclasses.replace(self, kind=single, optional=False)
        result = tuple(element.coerce(name, v) for v in items if not (isinstance(v, str) and not v))
        if self.length is not None and len(result) != self.length:
            raise RecipeError(f"'{name}' takes {self.length} values; got {value!r}")
        if self.kind == "names" and not result:
            raise RecipeError(f"'{name}' needs at least one name; got {value!r}")
        return result

    def _bool(self, name: str, value: Any) -> bool:
        """A switch: a bool, or true/false, yes/no, on/off, 1/0 as text."""
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("true", "yes", "on", "1"):
            return True
        if text in ("false", "no", "off", "0"):
            return False
        raise RecipeError(f"'{name}' must be true or false; got {value!r}")

    def _choice(self, name: str, value: Any) -> str:
        """One of `choices`, case and - or _ aside; a near miss is suggested."""
        text = str(value).strip().lower().replace("_", "-")
        if text not in self.choices:
            hint = difflib.get_close_matches(text, self.choices, n=1)
            suggestion = f" — did you mean {hint[0]!r}?" if hint else ""
            raise RecipeError(f"'{name}' must be one of {', '.join(self.choices)}; got {value!r}{suggestion}")
        return text

    def _number(self, name: str, value: Any) -> int | float:
        what = {"int": "a whole number", "seconds": "a duration such as 30s, 2m or 1h"}.get(self.kind, "a number")
        if isinstance(value, bool):
            raise RecipeError(f"'{name}' must be {what}; got {value!r}")
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise RecipeError(f"'{name}' must be {what}; got {value!r}") from None
        if not math.isfinite(number):
            raise RecipeError(f"'{name}' must be finite; got {value!r}")
        if self.kind == "int":
            if number != int(number):
                raise RecipeError(f"'{name}' must be a whole number; got {value!r}")
            return int(number)
        return number


def setting(default: Any, kind: str, help: str, why: str, **constraints: Any) -> Any:
    """A field of a Settings table: its default, kind, help, the reason for the default, and constraints."""
    return dataclasses.field(default=default, metadata={"param": Param(kind, help, why=why, **constraints)})


class Settings:
    """A table of settings (Task, Recipe): each field coerced and checked on construction, with dict round trips."""

    section: ClassVar[str]
    __dataclass_fields__: ClassVar[dict[str, dataclasses.Field[Any]]]  # set by @dataclass on each subclass

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            object.__setattr__(self, f.name, f.metadata["param"].coerce(f.name, getattr(self, f.name)))
        self._check()

    def _check(self) -> None:
        """Rules across fields; overridden where a class has them."""

    @classmethod
    def params(cls) -> dict[str, Param]:
        return {f.name: f.metadata["param"] for f in dataclasses.fields(cls)}

    @classmethod
    def defaults(cls) -> dict[str, Any]:
        return {f.name: f.default for f in dataclasses.fields(cls)}

    def to_dict(self) -> dict[str, Any]:
        return {f.name: plain(getattr(self, f.name)) for f in dataclasses.fields(self)}

    def replace(self, **changes: Any) -> Self:
        unknown_keys(changes, self.params())
        return dataclasses.replace(self, **changes)


_UNITS = {"s": 1.0, "m": 60.0, "min": 60.0, "h": 3600.0}


def _seconds(text: str) -> float | str:
    """ "30s", "2m", "1.5h" or "45" in seconds; other text is returned for the number check to refuse."""
    match = re.fullmatch(r"\s*([0-9.eE+-]+)\s*(s|m|min|h)?\s*", text)
    if not match:
        return text
    try:
        return float(match.group(1)) * _UNITS[match.group(2) or "s"]
    except ValueError:
        return text


def unknown_keys(values: Mapping[str, Any], known: Mapping[str, Any]) -> None:
    """Raise RecipeError for the first key not in `known`, suggesting the nearest one."""
    for key in values:
        if key not in known:
            hint = difflib.get_close_matches(str(key), list(known), n=1)
            suggestion = f" — did you mean {hint[0]!r}?" if hint else f"; known keys: {', '.join(known)}"
            raise RecipeError(f"unknown key {key!r}{suggestion}")


def shown(value: Any) -> str:
    """A setting's value as a user would type it: 64,64 for a list, true/false, none when unset."""
    if value is None:
        return "none"
    if isinstance(value, tuple | list):
        return ",".join(map(str, value))
    return str(value).lower() if isinstance(value, bool) else str(value)


def plain(value: Any) -> Any:
    """A value as JSON keeps it: a tuple as a list, so that what is saved equals what is loaded."""
    return list(value) if isinstance(value, tuple) else value
