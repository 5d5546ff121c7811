"""The `nnfit` command: thin. It reads flags into a Task and Recipe, calls the library, prints.

Every option of `nnfit fit` is generated from the Task and Recipe tables, so each is defined
once; a config file gives values and flags override them. Any NnfitError becomes one line on
stderr and exit status 2 (a traceback only with --debug).

One module a family of commands: `_fitting` (fit, doctor, compare, report, predict, runs, export),
`_sweeping` (sweep), `_laws` (discover) and `_serving` (serve), each registering its commands on the
group in `_base`, which also holds the options generated from the settings tables and the error
boundary; `_tables` prints what they show.
"""

from . import _fitting, _laws, _serving, _sweeping  # noqa: F401 — each registers its commands on `main`
from ._base import entry, main, run

__all__ = ["entry", "main", "run"]
