"""Searches over recipes on Optuna: a sweep's plan, the space it searches, the storage its workers
share (a journal file or a database, with heartbeats), each trial's objective and pruner, and the
sweep's page."""

from ._plan import plan, read_plan
from ._space import Space
from ._sweep import Sweep, SweepStopped, resume, show, sweep

__all__ = ["Space", "Sweep", "SweepStopped", "plan", "read_plan", "resume", "show", "sweep"]
