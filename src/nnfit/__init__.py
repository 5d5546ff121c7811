"""nnfit: fit neural networks to functions and data, correctly by default, and show where to trust them.

    >>> import nnfit
    >>> result = nnfit.fit("x**2 + x", domain="x=1:1000")
    >>> result.evaluation["test"]["rrmse"] < 2e-3
    True

The names below load on first use, so `import nnfit` and the command line's input checks
do not wait for JAX to import.
"""

from importlib import import_module
from typing import TYPE_CHECKING

__version__ = "0.7.1"  # the one place the version is written (pyproject reads it)

# public name -> the module that defines it; no module may share a public name, or importing it
# would replace the name on the package (tests/test_api.py checks)
_API = {
    "fit": "run",
    "doctor": "run",
    "try_fixes": "run",
    "compare": "comparison",
    "discover": "closed_form",
    "Discovery": "law",
    "sweep": "sweeps",
    "Sweep": "sweeps",
    "load": "rundir",
    "Fit": "result",
    "Finding": "findings",
    "Recipe": "recipe",
    "Task": "task",
    "Domain": "domain",
    "Interval": "domain",
    "Target": "target",
    "NnfitError": "errors",
    "Callback": "train",
    "ChunkEnd": "train",
    "EarlyStopping": "callbacks",
    "History": "callbacks",
    "RichProgress": "callbacks",
    "NNFitRegressor": "estimator",
}
__all__ = [
    "Callback",
    "ChunkEnd",
    "Discovery",
    "Domain",
    "EarlyStopping",
    "Finding",
    "Fit",
    "History",
    "Interval",
    "NNFitRegressor",
    "NnfitError",
    "Recipe",
    "RichProgress",
    "Sweep",
    "Target",
    "Task",
    "__version__",
    "compare",
    "discover",
    "doctor",
    "fit",
    "load",
    "sweep",
    "try_fixes",
]

if TYPE_CHECKING:
    from .callbacks import EarlyStopping, History, RichProgress
    from .closed_form import discover
    from .comparison import compare
    from .domain import Domain, Interval
    from .errors import NnfitError
    from .estimator import NNFitRegressor
    from .findings import Finding
    from .law import Discovery
    from .recipe import Recipe
    from .result import Fit
    from .run import doctor, fit, try_fixes
    from .rundir import load
    from .sweeps import Sweep, sweep
    from .target import Target
    from .task import Task
    from .train import Callback, ChunkEnd


def __getattr__(name: str):
    if name not in _API:
        raise AttributeError(f"module 'nnfit' has no attribute {name!r}")
    value = getattr(import_module(f".{_API[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
