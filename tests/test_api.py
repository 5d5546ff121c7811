"""The public API: every name in nnfit.__all__ is what it says, whatever was imported before."""

import importlib
import inspect
import pkgutil
import types

import nnfit


def test_every_public_name_resolves_to_its_object_not_a_module():
    for module in pkgutil.iter_modules(nnfit.__path__):  # import every submodule first: the hazard
        # __main__ runs the command line
        if module.name != "__main__":
            importlib.import_module(f"nnfit.{module.name}")
    for name in nnfit.__all__:
        value = getattr(nnfit, name)
        assert not isinstance(value, types.ModuleType), name
    assert inspect.isfunction(nnfit.fit) and inspect.isfunction(nnfit.doctor) and inspect.isfunction(nnfit.load)


def test_no_module_shares_a_public_name():
    modules = {m.name for m in pkgutil.iter_modules(nnfit.__path__)}
    assert modules.isdisjoint(nnfit.__all__)


def _documented() -> list[tuple[str, object]]:
    """Every public function of nnfit.__all__, and every public method of its classes."""
    found: list[tuple[str, object]] = []
    for name in nnfit.__all__:
        value = getattr(nnfit, name)
        if inspect.isfunction(value):
            found.append((name, value))
        elif inspect.isclass(value):
            for member, attribute in vars(value).items():
                function = getattr(attribute, "__func__", attribute)
                if not member.startswith("_") and inspect.isfunction(function):
                    found.append((f"{name}.{member}", function))
    return found


def test_every_public_function_and_method_documents_its_arguments_and_what_it_returns():
    """Google-style sections, which the API reference (mkdocstrings) renders as tables."""
    lacking = []
    for label, function in _documented():
        doc = inspect.getdoc(function) or ""  # an override without its own takes its base's
        signature = inspect.signature(function)
        arguments = [p for p in signature.parameters if p not in ("self", "cls")]
        returns = signature.return_annotation not in (None, "None", inspect.Signature.empty)
        if (arguments and "Args:" not in doc) or (returns and "Returns:" not in doc):
            lacking.append(label)
    assert not lacking, lacking
    assert all("Raises:" in inspect.getdoc(getattr(nnfit, name)) for name in ("fit", "doctor", "discover", "load"))
