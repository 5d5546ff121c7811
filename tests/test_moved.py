"""nnfit._moved: the module paths of 0.7 still import, for one release, with a DeprecationWarning
that names where the names live now; a split module gives the names of all its parts."""

import importlib
import sys

import pytest

from nnfit import _moved
from nnfit.data import parse_points
from nnfit.laws import read
from nnfit.metrics import metrics


@pytest.fixture
def fresh(monkeypatch):
    """Forget the aliases imported before, so that each import here finds its path anew."""
    for name in _moved.MOVED:
        monkeypatch.delitem(sys.modules, name, raising=False)


def test_an_old_path_warns_and_gives_the_module_that_holds_its_names(fresh):
    with pytest.warns(DeprecationWarning, match=r"nnfit\.law is now nnfit\.laws\._discovery"):
        old = importlib.import_module("nnfit.law")
    assert old is importlib.import_module("nnfit.laws._discovery")
    assert old.read is read


def test_a_split_module_gives_the_names_of_every_part(fresh):
    with pytest.warns(DeprecationWarning, match="nnfit.metrics and nnfit.data._points"):
        old = importlib.import_module("nnfit.evaluate")
    assert old.metrics is metrics and old.parse_points is parse_points


@pytest.mark.parametrize("old", sorted(_moved.MOVED))
def test_every_old_path_still_imports(old, fresh):
    with pytest.warns(DeprecationWarning):
        module = importlib.import_module(old)
    names = [
        name for home in _moved.MOVED[old] for name in vars(importlib.import_module(home)) if not name.startswith("_")
    ]
    assert all(hasattr(module, name) for name in names)


def test_the_new_paths_import_without_a_warning(recwarn):
    for package in ("data", "units", "engine", "auto", "checks", "fitting", "laws", "outputs", "sweeps", "cli", "web"):
        importlib.import_module(f"nnfit.{package}")
    assert not [w for w in recwarn if issubclass(w.category, DeprecationWarning) and "nnfit" in str(w.message)]
