"""Errors out of fold: when a data file's validation rows are too few to calibrate its intervals,
every training and validation row is predicted by a fit of the same recipe that left it out."""

import numpy as np
import pandas as pd
import pytest

import nnfit
from nnfit import data
from nnfit.fitting import Problem
from nnfit.fitting._folds import ENOUGH_ROWS, needs_folds, out_of_fold_errors
from nnfit.recipe import Recipe
from nnfit.task import Task

LINEAR = Recipe(model="linear", optimizer="lbfgs", auto=False, steps=100, seed=0).fixed()
NOISE = 0.1


@pytest.fixture(scope="module")
def noisy_line(tmp_path_factory):
    """y = 2x + 1 with Gaussian noise of 0.1 on 300 rows: 30 validation rows, too few alone."""
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 1, 300)
    path = tmp_path_factory.mktemp("data") / "line.csv"
    pd.DataFrame({"x": x, "y": 2 * x + 1 + rng.normal(0, NOISE, 300)}).to_csv(path, index=False)
    return path


def test_folds_are_made_only_when_the_validation_rows_are_few(noisy_line):
    _, _, dataset = data.read(noisy_line)
    assert needs_folds(dataset, LINEAR)
    many = dataset.__class__(
        dataset.X, dataset.y, dataset.inputs, dataset.outputs, np.arange(10), np.arange(ENOUGH_ROWS), np.arange(0)
    )
    assert not needs_folds(many, LINEAR)
    few = dataset.__class__(
        dataset.X, dataset.y, dataset.inputs, dataset.outputs, np.arange(6), np.arange(3), np.arange(0)
    )
    assert not needs_folds(few, LINEAR)  # 9 rows cannot make 5 folds with a validation row in each


def test_every_row_gets_the_error_of_a_fit_that_never_saw_it(noisy_line):
    target, domain, dataset = data.read(noisy_line)
    problem = Problem(target, domain, dataset, Task(target=str(noisy_line)))
    errors = out_of_fold_errors(problem, LINEAR, np.random.default_rng(0))
    assert errors.shape == (len(dataset.train) + len(dataset.val), 1)
    # a linear fit of a line is as good as the noise lets it be: |noise| has median 0.674 sigma
    assert np.median(errors) == pytest.approx(0.674 * NOISE, rel=0.25)  # measured 0.0653
    again = out_of_fold_errors(problem, LINEAR, np.random.default_rng(0))
    np.testing.assert_array_equal(errors, again)  # one seed, the same folds and fits


def test_a_data_fit_with_few_validation_rows_is_calibrated_out_of_fold(noisy_line):
    fit = nnfit.fit(str(noisy_line), model="linear", optimizer="lbfgs", steps=100)
    inside = fit.calibration.band == 0
    assert inside.sum() == 270 and fit.info["fold_seconds"] > 0  # 240 training and 30 validation rows
    # 90 % of |noise| lies within 1.645 sigma
    assert fit.calibration.table(0.9)[0, 0, 0] == pytest.approx(1.645 * NOISE, rel=0.25)
