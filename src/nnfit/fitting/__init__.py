"""One whole fit: the library's verbs (`fit`, `doctor`, `try_fixes`), the `Conductor` that makes
each decision of a fit in turn, the `Problem` one recipe is fitted to, and the `Fit` it ends with."""

from ._api import doctor, fit, try_fixes, with_laws
from ._conductor import Conductor
from ._fit import Fit
from ._fixes import tried
from ._problem import Decided, Problem

__all__ = ["Conductor", "Decided", "Fit", "Problem", "doctor", "fit", "tried", "try_fixes", "with_laws"]
