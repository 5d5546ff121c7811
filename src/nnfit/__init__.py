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

__version__ = "0.11.0"  # the one place the version is written (pyproject reads it)

# public name -> the package or module that exports it; no module may share a public name, or
# importing it would replace the name on the package (tests/test_api.py checks)
_API = {
    "fit": "fitting",
    "doctor": "fitting",
    "try_fixes": "fitting",
    "compare": "outputs",
    "discover": "laws",
    "Discovery": "laws",
    "sweep": "sweeps",
    "Sweep": "sweeps",
    "load": "outputs",
    "Fit": "fitting",
    "Finding": "checks",
    "Recipe": "recipe",
    "Task": "task",
    "Domain": "data",
    "Interval": "data",
    "Target": "data",
    "NnfitError": "errors",
    "Callback": "engine",
    "ChunkEnd": "engine",
    "ProbeEnd": "engine",
    "EarlyStopping": "engine",
    "History": "engine",
    "RichProgress": "engine",
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
    "ProbeEnd",
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
    from .checks import Finding
    from .data import Domain, Interval, Target
    from .engine import Callback, ChunkEnd, EarlyStopping, History, ProbeEnd, RichProgress
    from .errors import NnfitError
    from .estimator import NNFitRegressor
    from .fitting import Fit, doctor, fit, try_fixes
    from .laws import Discovery, discover
    from .outputs import compare, load
    from .recipe import Recipe
    from .sweeps import Sweep, sweep
    from .task import Task


def __getattr__(name: str):
    if name not in _API:
        raise AttributeError(f"module 'nnfit' has no attribute {name!r}")
    value = getattr(import_module(f".{_API[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
