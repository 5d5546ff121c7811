"""A fit whose run directory is kept up to date while it trains: what `nnfit fit`, a sweep's best
recipe and the playground run, so that a killed fit can be resumed and a whole one looks whole."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..data import Prepared
from ..engine import Callback
from ..errors import RunDirError
from ..fitting import Conductor, Fit, tried, with_laws
from ..recipe import Recipe
from ..task import Task
from ._rundir import MARKER, begin


def fit_into(  # noqa: PLR0913  # the run directory's options, keyword-only beyond the fit's own
    path: Path,
    prepared: Prepared,
    task: Task,
    recipe: Recipe,
    rng: np.random.Generator,
    callbacks: Sequence[Callback] = (),
    *,
    resume: dict[str, Any] | None = None,
    overwrite: bool = False,
    fixes: bool = False,
    report: bool = True,
    budget: float | None = None,
) -> Fit:
    """Fit a prepared target, domain and dataset (`nnfit.data.prepare`) with its run directory
    `path` kept up to date: marked unfinished with its recipe at once, checkpointed as it trains
    (so that it can be resumed: `resume` is its checkpoint), and complete once saved. With `fixes`,
    the findings' fixes are tried first (`nnfit.try_fixes`). A run that fails before its first
    checkpoint leaves no trace; a replaced run (`overwrite`) stays whole until the new one is.

    Returns:
        The saved Fit, its `run_dir` set to `path`.

    Raises:
        NnfitError: bad input, or `path` taken by another run.
    """
    whole = (path / "run.json").is_file() and not (path / MARKER).exists() and resume is None
    if whole and not overwrite:  # a finished run is never marked unfinished and written over
        raise RunDirError(f"{path} already exists — choose another output directory or pass overwrite")
    replacing = path.exists() and not (path / MARKER).exists() and resume is None and overwrite
    checkpoints = None if replacing else begin(path, task, recipe)
    try:
        result = Conductor(
            *prepared, task, recipe, rng, callbacks=callbacks, budget=budget, checkpoints=checkpoints, resume=resume
        ).fit()
    except BaseException:
        if checkpoints is not None and resume is None and not any(path.glob("checkpoint.npz")):
            shutil.rmtree(path, ignore_errors=True)
        raise
    if fixes:
        result.findings = tried(result.findings, None, None, task, recipe)
    if task.discover:
        result = with_laws(result, prepared.dataset)
    result.save(path, overwrite=overwrite, report=report)
    return result
