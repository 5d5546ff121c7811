"""The documentation: every example on the site and in the README runs and prints what the page
shows (tests/doc_examples.py says how output is compared), and the site builds with no warning."""

from __future__ import annotations

import dataclasses
import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from doc_examples import SYBIL, figures_match

from nnfit.checks import _codes as codes
from nnfit.recipe import Recipe
from nnfit.task import Task

ROOT = Path(__file__).resolve().parents[2]


PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_example_prints_what_the_page_shows(page, tmp_path, monkeypatch):
    shutil.copytree(ROOT / "examples", tmp_path / "examples")  # pages name examples/ by this path
    monkeypatch.chdir(tmp_path)  # Python examples write where console examples do
    document = SYBIL.parse(page)
    document.namespace["folder"] = tmp_path
    examples = list(document.examples())
    for example in examples:
        example.evaluate()


def test_the_site_builds_with_no_warning(tmp_path):
    pytest.importorskip("mkdocs", reason='the site needs the dev extra: pip install -e ".[dev]"')
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=ROOT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},  # Material's banner about its successor
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    for page in ("index.html", "reference/recipe/index.html", "reference/doctor/index.html"):
        assert (tmp_path / "site" / page).exists()


@pytest.mark.parametrize(
    ("shown", "printed", "verdict"),
    [
        ("trained 20000 steps in 2.6 s", "trained 20000 steps in 12.4 s", None),  # durations are not compared
        ("20000 steps", "80000 steps", "differs"),  # beyond 3x
        ("(in 2.6 s)", "(in 40 s)", None),
        ("rRMSE 0.0001241", "rRMSE 0.0003", None),  # within 3x
        ("rRMSE 0.0001241", "rRMSE 0.0004", "differs"),  # beyond 3x
        ("x  1  2", "x 1\n2", None),  # whitespace and line breaks are loose
        ("run nnfit-runs/001-x_2_x", "run nnfit-runs/001-x_2_x", None),  # digits inside names are words
        ("run nnfit-runs/001-x_2_x", "run nnfit-runs/001-x_3_x", "differs"),
        ("checkpoint at step ... — resume", "checkpoint at step 4500 — resume", None),
        ("error bounded-output", "warning bounded-output", "differs"),
        ("-3.5", "3.5", "differs"),  # a sign is no rounding
        ("the rRMSE is 0.322, 32x the in-domain", "the rRMSE is 0.323, 38x the in-domain", None),  # a ratio
        ("32x the in-domain", "200x the in-domain", "differs"),
    ],
)
def test_figures_match_words_exactly_and_numbers_within_3x(shown, printed, verdict):
    difference = figures_match(shown, printed)
    assert (difference is None) == (verdict is None), difference


def test_the_references_show_every_field_with_its_reason_and_every_threshold():
    spec = importlib.util.spec_from_file_location("hooks", ROOT / "docs" / "hooks.py")
    assert spec is not None and spec.loader is not None
    hooks = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hooks)
    recipe = hooks.recipe_reference()
    for section in (Task, Recipe):
        for field in dataclasses.fields(section):
            assert f"| `{field.name}` |" in recipe and field.metadata["param"].why, field.name
    doctor = hooks.doctor_reference()
    assert all(f"| `{code}` |" in doctor for code in codes.CODES)
    listed = {name for check in codes.CHECKS for name in check.thresholds}
    numbers = {name for name, value in vars(codes).items() if name.isupper() and isinstance(value, int | float)}
    assert listed == numbers  # every threshold has its reason in the table, and every name listed exists
