"""One decided recipe trained on a fit's problem: measured on the test split and on each shell
around the domain, by the same metrics as an independent computation, with nothing chosen anew."""

import numpy as np
import pytest

from nnfit import data
from nnfit.fitting import Problem
from nnfit.metrics import interval_metrics, metrics
from nnfit.recipe import Recipe
from nnfit.task import Task

DECIDED = Recipe(auto=False, steps=300, seed=0)  # every field fixed: the problem only trains it


def _problem(formula: str, domain: str) -> Problem:
    task = Task(target=formula, domain=domain, samples=1000)
    target, box, dataset = data.prepare(task, np.random.default_rng(0))
    return Problem(target, box, dataset, task)


def test_a_decided_recipe_is_trained_as_given_and_measured_on_the_test_split():
    problem = _problem("x**2 + x", "x=0:1")
    fit = problem.fit(DECIDED.fixed(), np.random.default_rng(0))
    assert fit.recipe == DECIDED.fixed() and fit.choice is None
    assert fit.info["steps"] == 300 and fit.info["n_train"] == len(problem.dataset.train)
    X, y = problem.dataset.split.X_test, problem.dataset.split.y_test
    expected = metrics(y, fit.predict(X)) | interval_metrics(y, *fit.predict_interval(X))
    assert fit.evaluation["test"] == pytest.approx(expected, rel=1e-12)
    assert set(fit.evaluation) == {"test", "1-1.5x", "1.5-2x"}


def test_a_shell_where_the_target_is_undefined_is_measured_where_it_is_defined():
    # sqrt(x) over 0:1: the 1-1.5x shell is x in [-0.25, 0) and (1, 1.25], half of it below 0
    fit = _problem("sqrt(x)", "x=0:1").fit(DECIDED.fixed(), np.random.default_rng(0))
    shell = fit.evaluation["1-1.5x"]
    assert shell["n"] == len(fit.points["1-1.5x"][0])  # measured where defined; the rest counted
    assert 0.4 < shell["undefined"] / (shell["n"] + shell["undefined"]) < 0.6  # 1023 of 2000 here
    assert np.all(fit.points["1-1.5x"][0] > 1)
