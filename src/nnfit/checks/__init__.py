"""The doctor: findings with a code, a severity, what was seen and a fix in the recipe's own terms,
made before training (`before`), during it (`Watch`) and after it (`after`), from one table of
codes and thresholds."""

from ._after import after, interval_findings
from ._before import before
from ._codes import CODES
from ._during import Watch
from ._findings import HELPS, Finding, Fix, ordered
from ._shape import noise_level

__all__ = [
    "CODES",
    "HELPS",
    "Finding",
    "Fix",
    "Watch",
    "after",
    "before",
    "interval_findings",
    "noise_level",
    "ordered",
]
