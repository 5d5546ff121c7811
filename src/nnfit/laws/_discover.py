"""The laws of a task: `discover` for a formula or a data file, and `search_laws` for the rows a fit
trained on, each law claimed measured where the network is (the test split, the held-out edges,
the shells around a formula's domain)."""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from ..config import resolve
from ..data import SHELLS, Dataset, Target, prepare
from ..metrics import SHELL_SAMPLES, metrics
from ._discovery import Discovery
from ._search import ROWS
from ._terms import DEGREE
from ._transformed import search_transformed


def discover(
    target: Any = None,
    domain: Any = None,
    *,
    task: Any = None,
    degree: int = DEGREE,
    **settings: Any,
) -> list[Discovery]:
    """Search for a closed form of each output of `target`, fitted on the training split and
    judged on the validation split; a law is claimed only at the data's noise floor.

    Args:
        target: a data file above all, or a formula (to check the search against).
        domain: as for `nnfit.fit`; a data file brings its own.
        task: the task the target and domain fill in; a default Task when None.
        degree: the highest power of an input among the library's terms.
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
        for shell in SHELLS:
            points = box.sample_shell(shell, SHELL_SAMPLES, rng)
            sets[shell.name] = (points, resolved(points))
    return search_laws(resolved, dataset, sets, rng, degree)


def search_laws(
    target: Target,
    dataset: Dataset,
    sets: dict[str, tuple[np.ndarray, np.ndarray]],
    rng: np.random.Generator,
    degree: int = DEGREE,
) -> list[Discovery]:
    """A `Discovery` for each output of `target`, searched on at most ROWS training rows of
    `dataset` and judged on its validation rows (a fifth of the training rows when it has none);
    each law claimed is measured on `sets`, name -> (X (n, d), Y (n, k))."""
    split = dataset.split
    X, Y = split.X_train, split.y_train
    if len(dataset.val):
        X_val, Y_val = split.X_val, split.y_val
    else:  # never the test rows: the law is measured there
        cut = len(X) * 4 // 5
        X, Y, X_val, Y_val = X[:cut], Y[:cut], X[cut:], Y[cut:]
    train, val = _some(len(X), ROWS, rng), _some(len(X_val), ROWS // 4, rng)
    found = [
        search_transformed(
            X[train],
            Y[train, k],
            X_val[val],
            Y_val[val, k],
            target.inputs,
            output=name,
            exact=target.known,
            degree=degree,
        )
        for k, name in enumerate(target.outputs)
    ]
    return [
        dataclasses.replace(d, evaluation=_evaluated(d, sets, k)) if d.expression is not None else d
        for k, d in enumerate(found)
    ]


def _some(n: int, most: int, rng: np.random.Generator) -> np.ndarray:
    """Indices of `most` of n rows drawn without replacement, in order; all of them if n <= most."""
    return np.arange(n) if n <= most else np.sort(rng.choice(n, most, replace=False))


def _evaluated(
    found: Discovery, sets: dict[str, tuple[np.ndarray, np.ndarray]], output: int
) -> dict[str, dict[str, float]]:
    """The claimed law's metrics on each set of points (X, Y) that has any, for output column `output`."""
    return {name: metrics(Y[:, output], found.predict(X)) for name, (X, Y) in sets.items() if len(X)}
