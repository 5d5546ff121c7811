"""One fit from a prepared dataset to its `Fit`: the automatic recipe's choices, the runs they call
for on the fit's `Problem`, and the better of them kept.

A `Conductor` makes each decision in a method of its own, in this order: `choose` the fields left
at auto (or take them from the checkpoint of a resumed run), `draw_rows` where the best probe erred,
`train_with_rival` (a choice the probes can get wrong trains beside its default side), `retry` a
network that learned noisy rows by heart with a penalty, `settle` against the linear baseline, and
`calibrate` the intervals of measured rows on errors out of fold when the validation rows are few.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from ..auto import WEIGHT_DECAY, Choice, affordable, as_linear, choose, decided, denser_rows, doubted, overfitted, sized
from ..auto import settle as settled
from ..checks import interval_findings, ordered
from ..config import split_settings
from ..data import Dataset, Domain, Split, Target
from ..engine import INTERRUPTED, Callback, Halt
from ..errors import RecipeError
from ..recipe import Recipe
from ..task import Task
from ..units import Groups, find_groups
from ._fit import Fit
from ._folds import needs_folds, out_of_fold_errors
from ._problem import Decided, Problem, evaluation

# Of a time budget, the share left after training for evaluation and the doctor's checks, so that
# the fit ends within it (they took 0.1-0.2 s after a 10 s run).
FINISH_SHARE = 0.03


class Conductor:
    """Fits `recipe` to a prepared target, domain and dataset (`nnfit.data.prepare`), deciding the
    fields left at auto, within `budget` seconds in all (default: the recipe's time limit).

    Args:
        target, domain, dataset: what to fit, where, and the rows drawn or read there.
        task: the task the dataset was prepared for (its query points, its laws).
        recipe: the recipe, fields left at auto included.
        rng: the one stream every random choice of the fit draws from.
        callbacks: told of each probe of the automatic recipe as it ends, and of the chosen
            network's training, chunk by chunk.
        budget: seconds for the whole fit; None: the recipe's time limit, if any.
        checkpoints: a folder the run's state is written to every `recipe.checkpoint_every` s.
        resume: such a state to go on from: the choices it keeps are not made anew.

    Raises:
        RecipeError: early stopping without a validation split, or groups the target lacks.
    """

    def __init__(
        self,
        target: Target,
        domain: Domain,
        dataset: Dataset,
        task: Task,
        recipe: Recipe,
        rng: np.random.Generator,
        *,
        callbacks: Sequence[Callback] = (),
        budget: float | None = None,
        checkpoints: Path | None = None,
        resume: dict[str, Any] | None = None,
    ) -> None:
        if recipe.early_stopping and len(dataset.val) == 0:
            raise RecipeError(
                "early stopping needs a validation split: give split with validation > 0, or set early_stopping to false"
            )
        self.target, self.domain, self.dataset, self.task = target, domain, dataset, task
        self.rng, self.callbacks, self.checkpoints, self.resume = rng, callbacks, checkpoints, resume
        self.started = time.perf_counter()
        budget = budget if budget is not None else recipe.time_limit
        self.budget = None if budget is None else budget * (1 - FINISH_SHARE)  # the end is left for evaluation
        self.measured = not target.known  # rows from a file or arrays: noisy, and none can be drawn anew
        self.given = recipe  # as the user gave it: what the user named is not resized
        split = dataset.split
        self.recipe = sized(recipe, len(split.X_train), split.X_train.shape[1], self.measured)
        # measured rows may be learned by heart, and a network that did is retried with a penalty;
        # exact samples of a formula have nothing to regularise against
        self.penalty = self.recipe.weight_decay is None and self.recipe.auto and self.measured
        if not self.penalty:
            self.recipe = self.recipe.replace(weight_decay=self.recipe.weight_decay or 0.0)
        # a stream of its own for the rows drawn where the probe erred: a resumed run, which reads them
        # from its checkpoint, then goes on with the same numbers as one never stopped
        self.rival_rng, self.denser_rng, self.fold_rng = rng.spawn(3)
        self.groups = _groups(target, self.recipe, split.X_train)
        self.choice: Choice | None = None  # the automatic recipe's choice, as it stands
        self.decided = Decided()  # what a checkpoint keeps of the decisions made before training

    @property
    def resumed(self) -> bool:
        """Whether the run goes on from a checkpoint that kept its choices."""
        return self.resume is not None and "recipe" in self.resume

    def left(self) -> float | None:
        """Seconds of the budget still unspent; None when there is no budget."""
        return None if self.budget is None else max(self.budget - (time.perf_counter() - self.started), 0.0)

    def fit(self) -> Fit:
        """Every decision in turn, and the Fit they end with."""
        self.choose()
        self.draw_rows()
        problem = Problem(self.target, self.domain, self.dataset, self.task, self.groups)
        result = self.train_with_rival(problem)
        result = self.retry(problem, result)
        result = self.settle(problem, result)
        result = self.calibrate(problem, result)
        if not self.resumed and self.choice is not None:
            result.choice = self.choice.to_dict()
            result.info["choice_seconds"] = self.choice.seconds
        elif self.resumed:
            result.choice = self.decided.choice
        return result

    def choose(self) -> None:
        """The fields left at auto, chosen by the probes; a resumed run's, as its checkpoint kept them."""
        if self.resume is not None and self.resumed:
            self.recipe = split_settings(self.resume["recipe"])[1]
            self.decided = Decided.from_checkpoint(self.resume, self.target)
            return
        split = self.dataset.split
        self.recipe, self.choice = choose(
            self.recipe, split, budget=self.budget, groups=self.groups, callbacks=self.callbacks
        )
        if self.choice is not None and self.groups is not None and self.recipe.groups == "on":
            self.choice = dataclasses.replace(self.choice, groups=self.groups.describe(self.target.inputs))

    def draw_rows(self) -> None:
        """For a formula, whose rows are free: as many training rows again, drawn where the best probe
        erred. A resumed run trains on the rows its checkpoint kept."""
        if not self.resumed:
            choice, rows = self.choice, None
            if choice is not None and choice.probe is not None and not self.measured:
                sample = lambda n: self.domain.sample(n, self.denser_rng)
                n_train = len(self.dataset.train)
                rows = denser_rows(choice.probe, self.target, sample, n_train, self.denser_rng)
                self.choice = dataclasses.replace(choice, denser=len(rows[0]))
            chosen = self.choice.to_dict() if self.choice else None  # kept in checkpoints, for a resumed run's result
            self.decided = Decided(chosen, *(rows or (None, None)))
        if self.decided.denser is not None and self.decided.denser_y is not None and len(self.decided.denser):
            self.dataset = self.dataset.with_training_rows(self.decided.denser, self.decided.denser_y)

    def train_with_rival(self, problem: Problem) -> Fit:
        """The chosen recipe trained; a choice the probes can get wrong is checked at full length:
        its default side trains beside it, on a second core (from the start again in a resumed run,
        where only the chosen run is checkpointed), and the better on validation is kept."""
        split = self.dataset.split
        shape = (len(split.X_train), split.X_train.shape[1], split.y_train.shape[1])
        uncut, self.recipe = self.recipe, affordable(self.recipe, self.given, *shape)
        doubt = self.choice
        if doubt is None and self.decided.choice:  # resumed: the choice its checkpoint kept
            doubt = Choice.from_dict(self.decided.choice)
        rival = doubted(doubt, uncut) if doubt is not None and len(split.X_val) else None
        if rival is not None:
            rival = affordable(rival, self.given, *shape)
        halt = threading.Event()
        with ThreadPoolExecutor(max_workers=1) as pool:  # on a second core: about 1.7x the speed of one after the other
            beside = None
            if rival is not None:
                hearing = [c for c in (c.for_rival() for c in self.callbacks) if c is not None]
                beside = pool.submit(
                    problem.fit, rival, self.rival_rng, callbacks=[Halt(halt), *hearing], budget=self.left()
                )
            try:
                result = problem.fit(
                    self.recipe,
                    self.rng,
                    callbacks=self.callbacks,
                    budget=self.left(),
                    checkpoints=self.checkpoints,
                    resume=self.resume,
                    decided=self.decided,
                )
            except BaseException:
                halt.set()
                raise
            if _interrupted(result):
                halt.set()
            if doubt is not None and beside and not _interrupted(result):
                result, doubt = _better(result, beside.result(), doubt, split)
                if self.choice is not None:
                    self.choice = doubt
                else:  # resumed: its result reports the choice as the check left it
                    self.decided = dataclasses.replace(self.decided, choice=doubt.to_dict())
        return result

    def retry(self, problem: Problem, result: Fit) -> Fit:
        """A network that learned noisy rows by heart trains again with a weight penalty, if there is
        time for it; the better of the two on validation is kept."""
        split = self.dataset.split
        penalty = self.penalty and result.recipe.model == "mlp" and len(split.X_val) > 0
        penalty = penalty and not self.resume and not _interrupted(result)
        time_left = self.budget is None or (self.left() or 0.0) > result.info["seconds"]
        if self.choice is None or not penalty or not time_left or not overfitted(result.history):
            return result
        decayed = result.recipe.replace(weight_decay=WEIGHT_DECAY)
        retried = problem.fit(
            decayed,
            self.rng,
            callbacks=self.callbacks,
            budget=self.left(),
            checkpoints=self.checkpoints,
            decided=self.decided,
        )
        result, self.choice = _better(result, retried, self.choice, split)
        return result

    def settle(self, problem: Problem, result: Fit) -> Fit:
        """The linear baseline, when the network does not beat it: the user then gets the better
        model, and what went wrong with the network."""
        split = self.dataset.split
        if self.choice is None or not len(split.X_val):
            return result
        sound = not any(f.severity == "error" for f in result.findings)
        predicted = result.predict(split.X_val)
        self.choice, linear = settled(self.choice, result.recipe, split, predicted, result.info["steps"], sound)
        if linear is None:
            return result
        network = result
        result = problem.fit(as_linear(self.recipe, linear), self.rng, callbacks=self.callbacks)
        seen = {f.code for f in result.findings}
        result.findings = ordered(
            result.findings + [f for f in network.findings if f.stage != "after" and f.code not in seen]
        )
        return result

    def calibrate(self, problem: Problem, result: Fit) -> Fit:
        """Measured rows whose validation rows are too few to calibrate the intervals inside the
        domain on their own: every training and validation row's error out of fold does, and each
        set's coverage is measured again. Skipped where the budget has no time left for five fits."""
        if not self.measured or result.calibration is None or _interrupted(result):
            return result
        if not needs_folds(self.dataset, result.recipe):
            return result
        if self.budget is not None and (self.left() or 0.0) < 2 * result.info["seconds"]:
            return result
        started = time.perf_counter()
        scores = out_of_fold_errors(problem, result.recipe, self.fold_rng, self.left())
        result.info["fold_seconds"] = time.perf_counter() - started
        result.calibration = result.calibration.with_box(scores)
        result.evaluation = evaluation(result, self.dataset, self.rng)  # data: nothing is drawn anew
        if result.queries:
            result.queries = result.query(np.array([q.point for q in result.queries]))
        findings = [f for f in result.findings if f.code != "intervals"]
        result.findings = ordered(findings + interval_findings(result))
        return result


def _interrupted(result: Fit) -> bool:
    """Whether the run was asked to stop early (Ctrl-C, a halt) rather than ending by itself."""
    return (result.info["stop_reason"] or "").startswith(INTERRUPTED)


def _groups(target: Target, recipe: Recipe, X: np.ndarray) -> Groups | None:
    """The target's groups at training inputs X (n, d), when the recipe may use them; None otherwise."""
    if recipe.groups == "off":
        return None
    if not target.known or len(target.outputs) != 1:
        if recipe.groups == "on":
            raise RecipeError(
                "groups need a formula or callable target with one output: they are found by evaluating "
                "it at scaled inputs — use groups=auto or off"
            )
        return None
    found = find_groups(target, X)
    if found is None and recipe.groups == "on":
        raise RecipeError(
            "groups=on, but no scaling of the target's one-signed inputs leaves it unchanged or multiplies "
            "it by a power of the scale — use groups=auto or off"
        )
    return found


def _better(first: Fit, second: Fit, choice: Choice, split: Split) -> tuple[Fit, Choice]:
    """The better of two full-length runs on the validation rows, and the choice with both on record."""
    runs = [(fit.recipe, fit.info["steps"]) for fit in (first, second)]
    choice, best = decided(choice, runs, [fit.predict(split.X_val) for fit in (first, second)], split.y_val)
    return (first, second)[best], choice
