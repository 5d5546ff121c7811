"""MkDocs hook: the recipe and doctor references, generated from the tables in the code, so the
documentation cannot drift from it. A page asks for one with a line `<!-- nnfit:recipe -->`
or `<!-- nnfit:doctor -->`."""

from __future__ import annotations

import dataclasses
from typing import Any

from nnfit.checks import _codes as codes
from nnfit.params import shown
from nnfit.recipe import Recipe
from nnfit.task import Task


def _cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def recipe_reference() -> str:
    """One table per section (task, recipe): each field's flag, default, allowed values, what it
    does and why its default is what it is."""
    parts = []
    for section in (Task, Recipe):
        rows = ["| field | flag | default | allowed | what | why this default |", "|---|---|---|---|---|---|"]
        for field in dataclasses.fields(section):
            param = field.metadata["param"]
            allowed = ", ".join(param.choices) if param.choices else _bounds(param)
            rows.append(
                f"| `{field.name}` | `{'TARGET' if field.name == 'target' else param.option(field.name)}` | `{shown(field.default)}` "
                f"| {_cell(allowed)} | {_cell(param.help)} | {_cell(param.why)} |"
            )
        parts.append(f"## {section.section.capitalize()}\n\n{section.__doc__}\n\n" + "\n".join(rows))
    return "\n\n".join(parts)


def _bounds(param: Any) -> str:
    words = {"int": "whole number", "float": "number", "seconds": "duration (30s, 2m, 1h)", "bool": "true, false"}
    text = words.get(param.kind, param.kind)
    for bound, sign in ((param.gt, ">"), (param.ge, "≥"), (param.lt, "<")):
        if bound is not None:
            text += f" {sign} {bound:g}"
    if param.length:
        text += f", {param.length} values"
    return text + (", or none" if param.optional else "")


def doctor_reference() -> str:
    """Every code of the doctor: when it looks, what for, and each threshold with its reason."""
    rows = ["| code | when | looks for | thresholds |", "|---|---|---|---|"]
    for check in codes.CHECKS:
        thresholds = "<br>".join(
            f"`{name}` = {getattr(codes, name):g}: {_cell(why)}" for name, why in check.thresholds.items()
        )
        rows.append(f"| `{check.code}` | {', '.join(check.stages)} | {_cell(check.looks_for)} | {thresholds or '—'} |")
    return "\n".join(rows)


GENERATED = {"<!-- nnfit:recipe -->": recipe_reference, "<!-- nnfit:doctor -->": doctor_reference}


def on_page_markdown(markdown: str, **_: Any) -> str:
    for marker, make in GENERATED.items():
        if marker in markdown:
            markdown = markdown.replace(marker, make())
    return markdown
