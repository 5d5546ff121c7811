"""What is fitted and where: the target (a formula parsed through a whitelist, a callable, or a
data file's columns), its domain and the extrapolation shells around it, and the `Dataset` whose
`Split` every later stage reads. The one place rows are made or read, and checked."""

from ._dataset import Dataset, Prepared, Split, available_memory, prepare, read, sample
from ._domain import SHELLS, Domain, Interval, Shell
from ._files import SUFFIXES, read_columns, read_inputs
from ._formula import CONSTANTS, FUNCTIONS, parse
from ._points import Query, parse_points
from ._target import Target

__all__ = [
    "CONSTANTS",
    "FUNCTIONS",
    "SHELLS",
    "SUFFIXES",
    "Dataset",
    "Domain",
    "Interval",
    "Prepared",
    "Query",
    "Shell",
    "Split",
    "Target",
    "available_memory",
    "parse",
    "parse_points",
    "prepare",
    "read",
    "read_columns",
    "read_inputs",
    "sample",
]
