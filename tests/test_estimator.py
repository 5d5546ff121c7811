"""NNFitRegressor: scikit-learn's own estimator checks, and the places users put an estimator —
Pipeline with a ColumnTransformer, GridSearchCV, cross_val_score, pickle."""

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.metrics import r2_score
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder
from sklearn.utils.estimator_checks import (
    check_methods_sample_order_invariance,
    check_methods_subset_invariance,
    parametrize_with_checks,
)

from nnfit import NNFitRegressor

QUICK = {"steps": 300, "hidden": (16, 16), "auto": False}  # the API under test, not the automatic recipe
FLOAT32_ORDER = (
    "float32 network: a row's prediction can change in the 7th significant digit with its position in "
    "the batch (XLA processes rows in vector blocks); the check asks for rtol 1e-7. It passes with "
    "dtype='float64' (test_float64_predictions_do_not_depend_on_row_order)"
)
EXPECTED_FAILURES = {
    "check_methods_sample_order_invariance": FLOAT32_ORDER,
    "check_methods_subset_invariance": FLOAT32_ORDER,
}


@parametrize_with_checks([NNFitRegressor(**QUICK)], expected_failed_checks=lambda est: EXPECTED_FAILURES)
def test_scikit_learn_estimator_checks(estimator, check):
    check(estimator)


@pytest.mark.parametrize("check", [check_methods_sample_order_invariance, check_methods_subset_invariance])
def test_float64_predictions_do_not_depend_on_row_order(check):
    check("NNFitRegressor", NNFitRegressor(dtype="float64", **QUICK))


RNG = np.random.default_rng(0)
FRAME = pd.DataFrame({"a": RNG.uniform(-1, 1, 400), "b": RNG.uniform(-1, 1, 400)})
Y = FRAME["a"] ** 2 + 0.5 * FRAME["b"]


def test_dataframe_columns_become_input_names_and_score_is_r2():
    model = NNFitRegressor(steps=2000).fit(FRAME, Y)
    assert model.fit_.inputs == ("a", "b") and list(model.feature_names_in_) == ["a", "b"]
    prediction = model.predict(FRAME)
    assert prediction.shape == (400,)
    assert model.score(FRAME, Y) == pytest.approx(r2_score(Y, prediction), rel=1e-12)
    assert model.score(FRAME, Y) > 0.999


def test_two_dimensional_y_gives_two_dimensional_predictions():
    y2 = np.column_stack([Y, -Y])
    assert NNFitRegressor(**QUICK).fit(FRAME, y2).predict(FRAME).shape == (400, 2)


def test_pipeline_with_a_column_transformer():
    frame = FRAME.assign(kind=np.where(RNG.random(400) < 0.5, "p", "q"))
    y = Y + np.where(frame["kind"] == "p", 1.0, -1.0)
    columns = ColumnTransformer([("kind", OneHotEncoder(), ["kind"])], remainder="passthrough")
    pipeline = make_pipeline(columns, NNFitRegressor(steps=2000)).fit(frame, y)
    assert pipeline.score(frame, y) > 0.99


def test_grid_search_over_widths():
    # one unit cannot bend to a**2 + 0.5*b; thirty-two can
    # auto=False: the widths searched are the network trained, with no linear baseline beside them
    search = GridSearchCV(NNFitRegressor(steps=500, auto=False), {"hidden": [(1,), (32, 32)]}, cv=2).fit(FRAME, Y)
    scores = search.cv_results_["mean_test_score"]
    # measured R² 0.9964 and 0.12: the bar at 0.97 keeps 8x the first's distance from 1
    assert search.best_params_ == {"hidden": (32, 32)} and scores[1] > 0.97 > scores[0]
    assert search.best_estimator_.fit_.network.sizes == (2, 32, 32, 1)  # refit on all rows with the winner


def test_cross_val_score():
    scores = cross_val_score(NNFitRegressor(steps=1000, auto=False), FRAME, Y, cv=3)  # measured 0.9996 at worst
    assert scores.shape == (3,) and scores.min() > 0.9


def test_pickle_round_trip_predicts_identically():
    model = NNFitRegressor(**QUICK).fit(FRAME, Y)
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(model)).predict(FRAME), model.predict(FRAME))


def test_parameters_are_the_recipe_fields():
    from nnfit.recipe import Recipe

    assert set(NNFitRegressor().get_params()) == set(Recipe.params()) | {"validation_fraction"}
    with pytest.raises(TypeError, match="unexpected keyword argument 'hiden'"):
        NNFitRegressor(hiden=(3,))


def test_predictions_come_with_intervals_on_request():
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, (400, 2))
    y = X[:, 0] - 2 * X[:, 1] + rng.normal(0, 0.1, 400)
    model = NNFitRegressor(steps=500, hidden=(16,)).fit(X, y)
    inside = rng.uniform(-0.9, 0.9, (50, 2))
    prediction, lower, upper = model.predict(inside, return_interval=True)
    assert prediction.shape == lower.shape == upper.shape == (50,)
    np.testing.assert_array_equal(prediction, model.predict(inside))
    assert np.all(lower < prediction) and np.all(prediction < upper)
    # the noise is 0.1: a 90 % interval is about 2 x 1.64 x 0.1 wide (measured 0.36)
    assert 0.2 <= np.median(upper - lower) <= 0.8
    _, narrow, _ = model.predict(inside, return_interval=0.5)
    assert np.all(narrow > lower)
    _, far, _ = model.predict(np.array([[5.0, 5.0]]), return_interval=True)
    assert np.isnan(far).all()  # past the box the validation rows calibrate
