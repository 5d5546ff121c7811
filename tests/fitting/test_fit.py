"""The Fit: predictions in the user's units from any input shape, with their intervals, queries marked inside or
outside, metrics on every set, the linear weights, and an ensemble's mean and spread."""

import numpy as np
import pandas as pd
import pytest

import nnfit
from nnfit.engine._network import PREDICT_CHUNK
from nnfit.errors import NnfitError, RecipeError


@pytest.fixture(scope="module")
def quadratic():
    return nnfit.fit("x^2 + 2*y", domain="x=0:100, y=0:1000:int", samples=4000, steps=3000, query="45,100; 200,2000")


@pytest.fixture(scope="module")
def linear():
    return nnfit.fit("z = 3*a - 0.5*b + 7", domain="a=10:20, b=-1000:1000", model="linear", samples=2000)


def test_predict_takes_and_returns_user_units(quadratic):
    truth = np.array([[2225.0], [3760.0]])
    np.testing.assert_allclose(quadratic.predict([[45, 100], [60, 80]]), truth, rtol=0.02)


@pytest.mark.parametrize(
    "points",
    [
        np.array([45.0, 100.0]),
        {"x": [45.0], "y": [100.0]},
        pd.DataFrame({"y": [100.0], "x": [45.0]}),
    ],
)
def test_predict_accepts_a_point_a_dict_and_a_frame(quadratic, points):
    np.testing.assert_allclose(quadratic.predict(points), quadratic.predict([[45.0, 100.0]]), rtol=1e-6)


@pytest.mark.parametrize("rows", [0, 1, 17, 1000, PREDICT_CHUNK + 3])
def test_predictions_do_not_depend_on_how_many_rows_come_together(quadratic, rows):
    """Rows are padded to a compiled size and long inputs taken a chunk at a time: each row's
    prediction is the one it gets alone."""
    X = np.random.default_rng(1).uniform([0, 0], [100, 1000], (rows, 2))
    together = quadratic.predict(X)
    assert together.shape == (rows, 1)
    for i in np.unique(np.linspace(0, rows - 1, 5).astype(int)) if rows else []:
        np.testing.assert_allclose(together[i], quadratic.predict(X[i])[0], rtol=1e-6)


@pytest.mark.parametrize(
    "points, message",
    [
        (np.ones((3, 3)), r"shape \(3, 3\)"),
        ({"x": [1.0]}, "input 'y' is missing"),
        ([[np.nan, 1.0]], "NaN or inf"),
    ],
)
def test_predict_rejects_bad_points(quadratic, points, message):
    with pytest.raises(NnfitError, match=message):
        quadratic.predict(points)


def test_queries_mark_points_outside_the_domain(quadratic):
    inside, outside = quadratic.queries
    assert inside.inside and not outside.inside
    assert inside.truth == (2225.0,) and outside.truth == (44000.0,)
    assert outside.rel_error > 10 * inside.rel_error


def test_evaluation_has_test_and_both_shells(quadratic):
    assert list(quadratic.evaluation) == ["test", "1-1.5x", "1.5-2x"]
    assert quadratic.evaluation["test"]["n"] == 400
    assert quadratic.evaluation["test"]["rrmse"] < quadratic.evaluation["1.5-2x"]["rrmse"]


def test_evaluate_against_the_target(quadratic):
    X = np.array([[10.0, 20.0], [90.0, 900.0]])
    m = quadratic.evaluate(X)
    errors = quadratic.predict(X)[:, 0] - np.array([140.0, 9900.0])
    assert m["mae"] == pytest.approx(np.abs(errors).mean(), rel=1e-9)


def test_linear_weights_are_in_user_units(linear):
    weights, bias = linear.linear_weights()
    np.testing.assert_allclose(weights[:, 0], [3.0, -0.5], rtol=1e-5)
    np.testing.assert_allclose(bias, [7.0], atol=1e-3)
    np.testing.assert_allclose(linear.predict([[15.0, 100.0]]), [[3 * 15 - 50 + 7]], rtol=1e-4)


def test_repr_is_one_line(quadratic):
    text = repr(quadratic)
    assert text.startswith("<Fit f = x**2 + 2*y over x=0:100, y=0:1000:int: mlp 64-64 gelu") and "\n" not in text
    assert f"test rRMSE {quadratic.evaluation['test']['rrmse']:.3g}>" in text


def test_linear_weights_need_a_linear_model(quadratic):
    with pytest.raises(NnfitError, match="only for --model linear"):
        quadratic.linear_weights()


def test_callable_target_is_fitted_and_evaluated_outside():
    result = nnfit.fit(lambda x, y: np.sin(x) * y, domain={"x": (0, 3), "y": (-1, 1)}, samples=2000, steps=1500)
    assert result.inputs == ("x", "y")
    assert result.evaluation["test"]["rrmse"] < 0.05
    assert "1.5-2x" in result.evaluation


def test_shells_where_the_target_is_undefined_are_measured_where_it_is_defined():
    result = nnfit.fit("sqrt(x)", domain="x=0:1", samples=500, steps=200)
    inner, outer = result.evaluation["1-1.5x"], result.evaluation["1.5-2x"]
    # x < 0 holds half of the 1-1.5x ring ([-0.25, 0) of [-0.25, 1.25] minus [0, 1]) and of the 1.5-2x ring
    assert inner["n"] + inner["undefined"] == 2000 and 800 < inner["undefined"] < 1200
    assert np.isfinite(inner["rrmse"]) and np.isfinite(outer["rrmse"])


@pytest.fixture(scope="module")
def ensemble():
    return nnfit.fit(
        "x^2 + 2*y", domain="x=0:100, y=0:999:int", samples=4000, steps=2000, ensemble=4, early_stopping=False
    )


def test_members_are_different_networks(ensemble):
    outputs = ensemble._member_outputs(np.array([[50.0, 500.0], [150.0, 1500.0]]))
    assert outputs.shape == (4, 2, 1)
    assert len({round(float(o[1, 0]), 3) for o in outputs}) == 4  # four distinct members


def test_prediction_is_the_members_mean_and_spread_their_std(ensemble):
    X = np.array([[10.0, 20.0], [200.0, 2000.0]])
    outputs = ensemble._member_outputs(X)
    np.testing.assert_allclose(ensemble.predict(X), outputs.mean(axis=0))
    np.testing.assert_allclose(ensemble.spread(X), outputs.std(axis=0))
    mean, spread = ensemble.predict(X, return_spread=True)
    np.testing.assert_array_equal(mean, ensemble.predict(X))
    np.testing.assert_array_equal(spread, ensemble.spread(X))


def test_spread_grows_outside_the_domain(ensemble):
    spread = {name: m["spread"] for name, m in ensemble.evaluation.items()}
    assert spread["1.5-2x"] >= 3 * spread["test"]
    assert spread["1-1.5x"] > spread["test"]


def test_an_ensemble_saves_and_loads(ensemble, tmp_path):
    loaded = nnfit.load(ensemble.save(tmp_path / "run", report=False))
    X = np.array([[45.0, 100.0], [300.0, 4000.0]])
    np.testing.assert_array_equal(loaded.predict(X), ensemble.predict(X))
    np.testing.assert_array_equal(loaded.spread(X), ensemble.spread(X))


def test_a_single_network_has_no_spread():
    result = nnfit.fit("x", domain="x=0:1", samples=300, steps=100)
    assert result.members == 1 and not result.spread([[0.5]]).any()
    assert "spread" not in result.evaluation["test"]


def test_linear_ensemble_weights_are_the_members_mean():
    result = nnfit.fit("3*a - b", domain="a=0:1, b=0:1", model="linear", samples=2000, ensemble=3)
    weights, bias = result.linear_weights()
    np.testing.assert_allclose(weights[:, 0], [3, -1], atol=1e-4)
    np.testing.assert_allclose(bias, [0], atol=1e-4)


def test_lbfgs_cannot_train_an_ensemble():
    with pytest.raises(RecipeError, match="'ensemble' needs a first-order optimizer"):
        nnfit.Recipe(optimizer="lbfgs", ensemble=2)


def test_each_prediction_has_an_interval_around_it_in_user_units_and_none_past_twice_the_domain(quadratic):
    X = np.array([[45.0, 100.0], [120.0, 500.0], [150.0, 1600.0], [200.0, 2000.0]])
    lower, upper = quadratic.predict_interval(X)
    prediction = quadratic.predict(X)
    assert lower.shape == upper.shape == (4, 1)
    assert np.all(lower[:2] < prediction[:2]) and np.all(prediction[:2] < upper[:2])
    # the error grows outward: the interval 1.4 half-widths out is wider than the one inside
    assert (upper - lower)[1, 0] > 10 * (upper - lower)[0, 0]
    np.testing.assert_allclose(quadratic.reach(X), [0.8, 1.4, 2.2, 3.0])  # x = 50 ± 50, y = 500 ± 500
    assert quadratic.calibrated_reach() == 2.0 and np.isnan(lower[2:]).all() and np.isnan(upper[2:]).all()
    narrower, wider = quadratic.predict_interval(X[:2], coverage=0.5)
    assert np.all(wider - narrower < upper[:2] - lower[:2])


def test_a_coverage_outside_zero_and_one_names_itself(quadratic):
    with pytest.raises(NnfitError, match="coverage 1.2 is not a share between 0 and 1"):
        quadratic.predict_interval([[1.0, 2.0]], coverage=1.2)


def test_every_set_reports_how_many_of_its_points_the_intervals_held(quadratic):
    for name, (X, y) in quadratic.points.items():
        measured = quadratic.evaluation[name]
        lower, upper = quadratic.predict_interval(X)
        assert measured["coverage"] == pytest.approx(np.mean((y >= lower) & (y <= upper)))
        assert measured["width"] == pytest.approx(np.median(upper - lower))
        # 90 % asked; measured 0.89 to 0.91 on 400 to 2000 points: within 3 standard deviations
        assert 0.84 <= measured["coverage"] <= 0.96, name


def test_the_query_table_gives_each_point_its_interval_or_says_it_is_beyond(quadratic):
    inside, far = quadratic.queries
    assert inside.lower is not None and inside.lower[0] < inside.prediction[0] < inside.upper[0]
    assert far.lower is None and far.reach == 3.0
    assert far.interval_text() == "beyond (3×)"
