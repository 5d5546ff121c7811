"""The module paths of version 0.7, before nnfit's modules became packages by concept, kept for one
release: importing one warns (DeprecationWarning) and gives the module that holds its names now, so
that `from nnfit.law import read` still works in 0.8. They are removed in 0.9.

A path whose module was split gives a module of the names of every part.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import types
import warnings

# old path -> the modules that hold its names now
MOVED: dict[str, tuple[str, ...]] = {
    "nnfit.arguments": ("nnfit.cli._arguments",),
    "nnfit.backend": ("nnfit.engine._backend",),
    "nnfit.callbacks": ("nnfit.engine._callbacks",),
    "nnfit.checkpoint": ("nnfit.engine._checkpoint",),
    "nnfit.checks.after": ("nnfit.checks._after",),
    "nnfit.checks.before": ("nnfit.checks._before",),
    "nnfit.checks.during": ("nnfit.checks._during",),
    "nnfit.checks.shape": ("nnfit.checks._shape",),
    "nnfit.cli.base": ("nnfit.cli._base",),
    "nnfit.cli.fitting": ("nnfit.cli._fitting",),
    "nnfit.cli.laws": ("nnfit.cli._laws",),
    "nnfit.cli.serving": ("nnfit.cli._serving",),
    "nnfit.cli.sweeping": ("nnfit.cli._sweeping",),
    "nnfit.closed_form": ("nnfit.laws._search",),
    "nnfit.codes": ("nnfit.checks._codes",),
    "nnfit.comparison": ("nnfit.outputs._comparison",),
    "nnfit.coordinates": ("nnfit.units._coordinates",),
    "nnfit.domain": ("nnfit.data._domain",),
    "nnfit.evaluate": ("nnfit.metrics", "nnfit.data._points"),
    "nnfit.export": ("nnfit.outputs._export",),
    "nnfit.findings": ("nnfit.checks._findings",),
    "nnfit.formula": ("nnfit.data._formula",),
    "nnfit.groups": ("nnfit.units._groups",),
    "nnfit.law": ("nnfit.laws._discovery",),
    "nnfit.models": ("nnfit.engine._network",),
    "nnfit.optim": ("nnfit.engine._optimizer",),
    "nnfit.outfiles": ("nnfit._outfiles",),
    "nnfit.plots": ("nnfit.outputs._plots",),
    "nnfit.problem": ("nnfit.fitting._problem",),
    "nnfit.report": ("nnfit.outputs._report",),
    "nnfit.result": ("nnfit.fitting._fit",),
    "nnfit.run": ("nnfit.fitting", "nnfit.outputs._running", "nnfit.config"),
    "nnfit.rundir": ("nnfit.outputs._rundir",),
    "nnfit.scaling": ("nnfit.units._scaling",),
    "nnfit.sizing": ("nnfit.auto._sizing",),
    "nnfit.space": ("nnfit.sweeps._space", "nnfit.search"),
    "nnfit.storage": ("nnfit.sweeps._storage",),
    "nnfit.sweep_page": ("nnfit.sweeps._page",),
    "nnfit.sweep_trials": ("nnfit.sweeps._objective",),
    "nnfit.tables": ("nnfit.cli._tables",),
    "nnfit.target": ("nnfit.data._target",),
    "nnfit.terms": ("nnfit.laws._terms",),
    "nnfit.train": ("nnfit.engine._trainer",),
    "nnfit.trials": ("nnfit.fitting._fixes",),
    "nnfit.verdicts": ("nnfit.auto._verdicts",),
    "nnfit.web.app": ("nnfit.web._app",),
    "nnfit.web.jobs": ("nnfit.web._jobs",),
}


class _Aliases(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds the old paths of `MOVED`; loads each as the module that holds its names now."""

    def find_spec(
        self, fullname: str, path: object = None, target: object = None
    ) -> importlib.machinery.ModuleSpec | None:
        return importlib.machinery.ModuleSpec(fullname, self) if fullname in MOVED else None

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        homes = MOVED[spec.name]
        warnings.warn(
            f"{spec.name} is now {' and '.join(homes)}: import from there, or from nnfit (this path goes in 0.9)",
            DeprecationWarning,
            stacklevel=2,
        )
        if len(homes) == 1:
            return importlib.import_module(homes[0])
        merged = types.ModuleType(spec.name, f"the names of {', '.join(homes)}")
        for home in reversed(homes):  # the first module's name wins
            merged.__dict__.update(
                {k: v for k, v in vars(importlib.import_module(home)).items() if not k.startswith("__")}
            )
        return merged

    def exec_module(self, module: types.ModuleType) -> None:
        """Nothing to run: the module was whole when `create_module` found it."""


def install() -> None:
    """Put the old paths on the import path, once."""
    if not any(isinstance(finder, _Aliases) for finder in sys.meta_path):
        sys.meta_path.append(_Aliases())
