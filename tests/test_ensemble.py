"""Ensembles: several members trained in one vmapped step; their mean predicts, their spread warns."""

import numpy as np
import pytest

import nnfit
from nnfit.errors import RecipeError


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


def test_cli_shows_the_spread(cli):
    outcome = cli(
        "fit",
        "x**2",
        "--domain",
        "x=0:1",
        "--samples",
        "500",
        "--steps",
        "300",
        "--ensemble",
        "3",
        "--quiet",
        "--no-report",
    )
    assert outcome.code == 0, outcome.err
    assert "spread" in outcome.out and "ensemble of 3" in outcome.out
