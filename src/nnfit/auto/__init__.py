"""The automatic recipe: the fields left at auto are chosen by short probes of candidate networks
against a linear baseline solved exactly (`choose`), sized in rows and steps (`sized`,
`affordable`, `denser_rows`), and decided again once the networks have trained at full length
(`doubted`, `decided`, `settle`, `overfitted`)."""

from ._choice import Choice, Contender
from ._probes import as_linear, choose
from ._sizing import affordable, denser_rows, sized
from ._verdicts import WEIGHT_DECAY, decided, doubted, overfitted, settle

__all__ = [
    "WEIGHT_DECAY",
    "Choice",
    "Contender",
    "affordable",
    "as_linear",
    "choose",
    "decided",
    "denser_rows",
    "doubted",
    "overfitted",
    "settle",
    "sized",
]
