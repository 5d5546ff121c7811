"""The public API: every name in nnfit.__all__ is what it says, whatever was imported before."""

import importlib
import inspect
import pkgutil
import types

import nnfit


def test_every_public_name_resolves_to_its_object_not_a_module():
    for module in pkgutil.iter_modules(nnfit.__path__):  # import every submodule first: the hazard
        # __main__ runs the command line; standalone is the template an export copies beside its weights
        if module.name not in ("__main__", "standalone"):
            importlib.import_module(f"nnfit.{module.name}")
    for name in nnfit.__all__:
        value = getattr(nnfit, name)
        assert not isinstance(value, types.ModuleType), name
    assert inspect.isfunction(nnfit.fit) and inspect.isfunction(nnfit.doctor) and inspect.isfunction(nnfit.load)


def test_no_module_shares_a_public_name():
    modules = {m.name for m in pkgutil.iter_modules(nnfit.__path__)}
    assert modules.isdisjoint(nnfit.__all__)
