"""nnfit: fit neural networks to functions and data, correctly by default, and show where to trust them.

    >>> import nnfit
    >>> result = nnfit.fit("x**2 + x", domain="x=1:1000")
    >>> result.evaluation["test"]["rrmse"] < 2e-3
    True
"""

from .callbacks import EarlyStopping, History, RichProgress, TimeBudget
from .domain import Domain, Interval
from .errors import NnfitError
from .fit import Fit
from .recipe import Recipe, Task
from .rundir import load
from .run import fit
from .target import Target
from .train import Callback, ChunkEnd

__version__ = "0.1.0"

__all__ = [
    "Callback", "ChunkEnd", "Domain", "EarlyStopping", "Fit", "History", "Interval", "NnfitError",
    "Recipe", "RichProgress", "Target", "Task", "TimeBudget", "fit", "load", "__version__",
]
