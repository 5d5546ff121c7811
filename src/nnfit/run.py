"""One fit from start to end: target and domain to data, scalers, training and evaluation."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

import jax
import numpy as np

from . import data
from .callbacks import EarlyStopping, History, TimeBudget
from .domain import SHELLS, Domain
from .errors import RecipeError
from .evaluate import SHELL_SAMPLES, metrics
from .models import Network
from .recipe import Recipe, Task, split_settings
from .result import Fit
from .scaling import Scaler
from .target import Target
from .train import Callback, Trainer

TargetSpec = Target | str | Callable[..., Any] | None


def fit(target: TargetSpec = None, domain: Domain | str | dict | None = None, *, recipe: Recipe | None = None,
        task: Task | None = None, callbacks: Sequence[Callback] = (), **settings: Any) -> Fit:
    """Fit a network to `target` over `domain` and evaluate it inside and outside the domain.

    target: a formula (``"x**2 + x"``), a callable of named inputs, or a .csv/.parquet/.npy/.npz
    path. domain: ``"x=0:100, y=0:1000:int"`` or ``{"x": (0, 100)}``; for data files it is read
    from the data. Any Task or Recipe field may be given as a keyword (``hidden=(40, 24, 12)``)
    and overrides `recipe`/`task`. Returns a `Fit`; raises NnfitError on bad input.
    """
    overrides = dict(settings)
    if isinstance(target, str):
        overrides["target"], target = target, None
    if isinstance(domain, str):
        overrides["domain"], domain = domain, None
    parsed_task, parsed_recipe = split_settings(overrides)
    task = _merge(task or Task(), parsed_task, overrides)
    recipe = _merge(recipe or Recipe(), parsed_recipe, overrides)
    rng = np.random.default_rng(recipe.seed)
    resolved, domain_obj, dataset = data.prepare(task, rng, target, domain)
    return train(resolved, domain_obj, dataset, task, recipe, rng, callbacks)


def train(target: Target, domain: Domain, dataset: data.Dataset, task: Task, recipe: Recipe,
          rng: np.random.Generator, callbacks: Sequence[Callback] = ()) -> Fit:
    """Scale, train and evaluate on an already built dataset."""
    if recipe.early_stopping and len(dataset.val) == 0:
        raise RecipeError("early stopping needs a validation split: give split with validation > 0, "
                          "or set early_stopping to false")
    X_train, y_train = dataset.part("train")
    X_val, y_val = dataset.part("val")
    x_scaler = Scaler.fit(X_train, recipe.input_scaling)
    y_scaler = Scaler.fit(y_train, recipe.output_scaling)
    network = Network.build(recipe.model, len(target.inputs), len(target.outputs), recipe.hidden,
                            recipe.activation, recipe.output_activation)
    history = History()
    stopping = [EarlyStopping(recipe.patience, recipe.restore_best)] if recipe.early_stopping else []
    budget = [TimeBudget(recipe.time_budget)] if recipe.time_budget else []
    trainer = Trainer(network, recipe, [history, *stopping, *budget, *callbacks])
    start = time.perf_counter()
    params = trainer.run(x_scaler.transform(X_train), y_scaler.transform(y_train),
                         x_scaler.transform(X_val), y_scaler.transform(y_val), jax.random.key(recipe.seed))
    seconds = time.perf_counter() - start
    result = Fit(task, recipe, target, domain, network, jax.tree.map(np.asarray, params), x_scaler, y_scaler,
                 history=history.records,
                 info={"steps": trainer.step, "total_steps": trainer.total_steps, "seconds": seconds,
                       "stop_reason": trainer.stop_reason or f"completed {trainer.step} steps",
                       "n_params": network.n_params, "n_train": len(X_train)})
    result.evaluation = evaluation(result, dataset, rng)
    if task.query:
        result.queries = result.query(task.query)
    return result


def evaluation(result: Fit, dataset: data.Dataset, rng: np.random.Generator) -> dict[str, dict[str, float]]:
    """Metrics on the test split, on each extrapolation shell when the target is known, and on
    the data's held-out edges."""
    sets: dict[str, dict[str, float]] = {}
    X_test, y_test = dataset.part("test")
    if len(X_test):
        sets["test"] = metrics(y_test, result.predict(X_test))
    if result.target.known:
        for shell in SHELLS:
            X = result.domain.sample_shell(shell, SHELL_SAMPLES, rng)
            truth = result.target(X)
            defined = np.all(np.isfinite(truth), axis=1)  # e.g. sqrt(x) beyond x = 0: not measurable there
            if defined.any():
                sets[shell.name] = metrics(truth[defined], result.predict(X[defined]))
            if not defined.all():
                sets.setdefault(shell.name, {"n": 0})["undefined"] = int((~defined).sum())
    for name, (X, y) in dataset.holdout.items():
        if len(X):
            sets[name] = metrics(y, result.predict(X))
    return sets


def _merge(base, parsed, overrides: dict[str, Any]):
    """`base` with the fields named in `overrides` taken from `parsed` (already validated)."""
    names = {k.replace("-", "_") for k in overrides} & set(base.params())
    return base.replace(**{k: getattr(parsed, k) for k in names}) if names else base
