"""The laws of a task: `discover` for a formula or a data file, and `search_laws` for the rows a fit
trained on, each law claimed measured where the network is (the test split, the held-out edges,
the shells around a formula's domain)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import numpy as np

from ..config import resolve
from ..data import SHELLS, Dataset, Target, prepare
from ..metrics import SHELL_SAMPLES, metrics
from ._budget import BUDGET, Budget
from ._discovery import Discovery
from ._factored import search_factored
from ._search import ROWS
from ._terms import DEGREE


def discover(
    target: Any = None,
    domain: Any = None,
    *,
    task: Any = None,
    degree: int = DEGREE,
    budget: float | None = BUDGET,
    progress: Callable[[str], None] | None = None,
    **settings: Any,
) -> list[Discovery]:
    """Search for a closed form of each output of `target`, fitted on the training split and
    judged on the validation split; a law is claimed only at the data's noise floor.

    Args:
        target: a data file above all, or a formula (to check the search against).
        domain: as for `nnfit.fit`; a data file brings its own.
        task: the task the target and domain fill in; a default Task when None.
        degree: the highest power of an input among the library's terms.
        budget: seconds the search of each output may take (None: no limit); where it ends
            without a law, its evidence names what it left untried.
        progress: told each stage of the search as it starts ("y: 1/y"), for a spinner.
        **settings: task fields such as ``inputs``, ``outputs``, ``samples`` and ``seed``.

    Returns:
        One `Discovery` per output: its `expression` is the law found, or None with the best
        candidates and their errors.

    Raises:
        NnfitError: bad input, or a library of terms too large for the inputs.
    """
    task, recipe, target, domain = resolve(target, domain, None, task, settings)
    rng = np.random.default_rng(recipe.seed)
    resolved, box, dataset = prepare(task, rng, target, domain)
    # where a law is trusted, measured as a fit is: the test split, the data's held-out edges and,
    # for a formula, the shells around its domain
    sets = {"test": (dataset.split.X_test, dataset.split.y_test), **dataset.holdout}
    if resolved.known:
        for shell in SHELLS:  # where the target has a value: m_0/sqrt(1 - v**2/c**2) has none beyond v = c
            points, truth, _ = resolved.defined_at(box.sample_shell(shell, SHELL_SAMPLES, rng))
            sets[shell.name] = (points, truth)
    return search_laws(resolved, dataset, sets, rng, degree, budget=budget, progress=progress)


def search_laws(
    target: Target,
    dataset: Dataset,
    sets: dict[str, tuple[np.ndarray, np.ndarray]],
    rng: np.random.Generator,
    degree: int = DEGREE,
    *,
    budget: float | None = BUDGET,
    progress: Callable[[str], None] | None = None,
) -> list[Discovery]:
    """A `Discovery` for each output of `target`, searched on at most ROWS training rows of
    `dataset` and judged on its validation rows (a fifth of the training rows when it has none),
    in at most `budget` seconds each, `progress` told of each stage; each law claimed is measured
    on `sets`, name -> (X (n, d), Y (n, k))."""
    split = dataset.split
    X, Y = split.X_train, split.y_train
    if len(dataset.val):
        X_val, Y_val = split.X_val, split.y_val
    else:  # never the test rows: the law is measured there
        cut = len(X) * 4 // 5
        X, Y, X_val, Y_val = X[:cut], Y[:cut], X[cut:], Y[cut:]
    train, val = _some(len(X), ROWS, rng), _some(len(X_val), ROWS // 4, rng)
    found = [
        search_factored(
            X[train],
            Y[train, k],
            X_val[val],
            Y_val[val, k],
            target.inputs,
            output=name,
            exact=target.known,
            degree=degree,
            budget=Budget.starting_now(budget, _prefixed(progress, name)),
        )
        for k, name in enumerate(target.outputs)
    ]
    return [
        dataclasses.replace(d, evaluation=_evaluated(d, sets, k)) if d.expression is not None else d
        for k, d in enumerate(found)
    ]


def _prefixed(progress: Callable[[str], None] | None, output: str) -> Callable[[str], None] | None:
    """`progress` told each stage with the output's name before it ("tau: 1/y"); None stays None."""
    return None if progress is None else lambda stage: progress(f"{output}: {stage}")


def _some(n: int, most: int, rng: np.random.Generator) -> np.ndarray:
    """Indices of `most` of n rows drawn without replacement, in order; all of them if n <= most."""
    return np.arange(n) if n <= most else np.sort(rng.choice(n, most, replace=False))


def _evaluated(
    found: Discovery, sets: dict[str, tuple[np.ndarray, np.ndarray]], output: int
) -> dict[str, dict[str, float]]:
    """The claimed law's metrics on each set of points (X, Y) that has any, for output column `output`."""
    return {name: metrics(Y[:, output], found.predict(X)) for name, (X, Y) in sets.items() if len(X)}
