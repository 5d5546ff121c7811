"""The automatic recipe: each choice on a target built to need it, with its accuracy; the evidence
kept with the fit; naming a field, or auto=False, turns the choice off."""

import numpy as np
import pytest

import nnfit
from nnfit.auto import _probes as auto
from nnfit.data import Split
from nnfit.engine import Network
from nnfit.recipe import Recipe
from nnfit.units import Scaler

# formula, domain -> the fields chosen, the test rRMSE bound (>= 3x the value measured here)
NEEDS = {
    # a product of powers is linear in log-log coordinates: solved exactly (measured 1.8e-7)
    "power law": ("n*p**2*E/(3*k*T)", "n=1:5, p=1:5, E=1:5, k=1:5, T=1:5", {"model": "linear"}, 1e-5),
    # a linear rule needs no network (measured 1e-7)
    "linear rule": ("x3 - x2", "x0=0:1, x1=0:1, x2=0:1, x3=0:1", {"model": "linear"}, 1e-5),
    # an oscillation wants sin units (measured 8.7e-4; gelu ones, run beside them at full length, 6.4e-3
    # on validation). Two layers of them suffice; while every sin unit started in its linear part, three
    # layers of gelu units were chosen, at 1.2e-3
    "oscillation": ("sin(x*y)**2", "x=0:6, y=0:3", {"activation": "sin", "hidden": (64, 64)}, 2.6e-3),
    # a kink wants ReLU units (measured 6.1e-5; gelu reaches 5e-3)
    "kink": ("abs(x - 0.3)", "x=-1:1", {"activation": "relu"}, 3e-4),
}


@pytest.fixture(scope="module", params=list(NEEDS))
def need(request):
    formula, domain, chosen, bound = NEEDS[request.param]
    inputs = ("x0", "x1", "x2", "x3") if "x3" in formula else None
    return nnfit.fit(formula, domain, inputs=inputs), chosen, bound


def test_each_need_gets_its_choice_and_its_accuracy(need):
    fit, chosen, bound = need
    assert {name: getattr(fit.recipe, name) for name in chosen} == chosen
    assert fit.evaluation["test"]["rrmse"] < bound


def test_the_evidence_is_kept_with_the_fit(need, tmp_path):
    fit, _, _ = need
    trial = fit.choice["trials"][fit.choice["winner"]]
    winner = auto.Contender(**trial)
    evidence = fit.choice["reason"].removeprefix(f"{winner.label()}: validation rRMSE {winner.val_rrmse:.2g}")
    assert evidence.startswith((" against ", "; at full length the "))  # the runner-up, probed or run in full
    assert fit.choice["chosen"] == {name: trial[name] for name in winner.fields}
    assert fit.recipe.replace(**fit.choice["chosen"]) == fit.recipe  # what ran is what was chosen
    loaded = nnfit.load(fit.save(tmp_path / "run", report=False))
    assert loaded.choice == fit.choice
    np.testing.assert_allclose(loaded.predict(fit.points["test"][0]), fit.predict(fit.points["test"][0]), rtol=1e-12)


def test_a_target_the_probes_fit_poorly_gets_a_third_layer():
    # a damped oscillation in 5 inputs: its best probe stays above auto.HARD, and depth helps
    formula, domain = "A*exp(-gamma*t)*cos(omega*t + phi)", "A=1:2, gamma=0.1:0.5, t=0:10, omega=1:3, phi=0:1"
    deep = nnfit.fit(formula, domain, steps=8000, groups="off")  # with its groups, A * h(...), it is not hard
    assert deep.recipe.hidden == auto.DEEPER and deep.choice["chosen"]["hidden"] == list(auto.DEEPER)
    units = deep.recipe.activation  # sin: its probes measured 0.073 with two layers, 0.043 with three
    probes = [t for t in deep.choice["trials"] if t["activation"] == units and 0 < t["steps"] < 8000]
    probed = {len(t["hidden"]): t["val_rrmse"] for t in probes}
    assert probed[2] > auto.HARD and probed[3] * auto.MARGIN < probed[2]
    assert f"{units} mlp 64-64-64: validation rRMSE" in deep.choice["reason"]
    shallow = nnfit.fit(formula, domain, steps=8000, hidden=(64, 64), groups="off")  # named: not probed
    assert all(len(t["hidden"]) == 2 for t in shallow.choice["trials"] if t["model"] == "mlp")
    # measured 9.6e-3 against 2.1e-2 at 8000 steps
    assert deep.evaluation["test"]["rrmse"] < 0.75 * shallow.evaluation["test"]["rrmse"]


def test_sin_units_lead_the_probes_of_an_oscillation():
    fit = nnfit.fit("sin(x*y)**2", "x=0:6, y=0:3", steps=20_000)
    units = {
        t["activation"]: t["val_rrmse"] for t in fit.choice["trials"] if t["steps"] == 5000 and len(t["hidden"]) == 2
    }
    assert min(units, key=units.get) == "sin" and units["sin"] * auto.MARGIN < units["gelu"]  # measured 0.016, 0.23
    # and they fit it well enough that no third layer is probed
    assert units["sin"] < auto.HARD and all(len(t["hidden"]) < 3 for t in fit.choice["trials"])


def test_depth_is_probed_only_where_two_layers_probe_poorly(need):
    fit, _, _ = need
    probes = [t for t in fit.choice["trials"] if t["model"] == "mlp" and 0 < t["steps"] <= 5000]
    units = [t["val_rrmse"] for t in probes if len(t["hidden"]) == 2][-len(auto.ACTIVATIONS) :]
    deeper = [t for t in probes if len(t["hidden"]) == 3]
    assert len(deeper) == int(bool(units) and min(units) > auto.HARD)


def test_a_power_law_is_solved_in_log_log_coordinates():
    fit = nnfit.fit("G*m1*m2/r**2", "G=1:2, m1=1:100, m2=1:100, r=1:10", samples=2000)
    assert (fit.recipe.input_scaling, fit.recipe.output_scaling) == ("log", "log")
    assert fit.choice["reason"].startswith("linear (log-log): validation rRMSE")
    # in log-log units the weights are the exponents: y = G * m1 * m2 * r**-2
    np.testing.assert_allclose(
        fit.params[0]["w"][:, 0] * fit.y_scaler.scale / fit.x_scaler.scale, [1, 1, 1, -2], atol=1e-4
    )


def test_a_negative_output_spanning_decades_is_logged_with_its_sign():
    fit = nnfit.fit("-1/(x*y)", "x=1:10, y=1:10", samples=2000)
    assert fit.y_scaler.logged.all() and fit.y_scaler.pivot[0] < 0
    assert fit.evaluation["test"]["rrmse"] < 1e-5  # measured 1.3e-7: linear in log-log


@pytest.mark.parametrize(
    "settings, trials_of",
    [
        ({"auto": False}, None),  # the fixed defaults, nothing probed
        ({"activation": "tanh"}, {"tanh"}),  # a named field is not chosen
        (
            {
                "model": "mlp",
                "activation": "gelu",
                "input_scaling": "standard",
                "output_scaling": "standard",
                "groups": "off",
            },
            None,
        ),
    ],
    ids=["auto off", "activation named", "every field named"],
)
def test_naming_a_field_turns_its_choice_off(settings, trials_of):
    fit = nnfit.fit("x**2 + x", "x=1:1000", samples=1000, steps=300, **settings)
    assert fit.recipe.undecided == ()
    assert fit.recipe.activation == settings.get("activation", "gelu")
    if trials_of is None:
        assert fit.choice is None and fit.recipe.input_scaling == "standard"
    else:
        assert {t["activation"] for t in fit.choice["trials"] if t["model"] == "mlp"} == trials_of


def test_the_probes_do_not_choose_a_log_for_columns_that_cross_zero():
    assert auto._scalings("auto", np.array([[-1.0, 1.0], [2.0, 5.0]])) == ["standard", "log"]
    assert auto._scalings("auto", np.array([[-1.0, 0.0], [2.0, 5.0]])) == ["standard"]  # 0: no log
    assert auto._scalings("auto", np.array([[1.0], [1.5]])) == ["standard"]  # spans under LOG_SPAN
    assert auto._scalings("minmax", np.array([[1.0], [100.0]])) == ["minmax"]


@pytest.mark.parametrize("values", [[[1.0, -3.0], [1000.0, -0.01]], [[0.5, 2.0], [2.0, 8.0]]])
def test_the_log_transform_inverts_exactly_and_is_finite_beyond_the_data(values):
    values = np.array(values)
    scaler = Scaler.fit(values, "log")
    np.testing.assert_allclose(scaler.inverse(scaler.transform(values)), values, rtol=1e-12)
    # over the data it is the log of |v| (up to the affine map)
    logs = scaler.transform(values) * scaler.scale + scaler.shift - np.log(1 / np.abs(scaler.pivot))
    np.testing.assert_allclose(logs, np.log(np.abs(values)), rtol=1e-12)
    # beyond it, of the other sign or at zero, it is flat at the pivot's value, and finite
    beyond = -np.sign(values[0]) * np.array([[5.0, 4.0], [0.0, 0.0]])
    np.testing.assert_allclose(scaler.transform(beyond), np.tile(scaler.transform(scaler.pivot[None]), (2, 1)))
    assert np.all(np.sign(scaler.inverse(np.array([[-50.0, 50.0]]))) == np.sign(values[0]))


def test_more_steps_never_make_a_fit_worse():
    """sin(x)*y: 60 000 steps once stopped early at a high rate, 4x worse than 20 000."""
    short, long = (nnfit.fit("sin(x)*y", "x=0:6, y=-1:1", steps=steps) for steps in (20_000, 60_000))
    assert long.evaluation["test"]["rrmse"] <= 1.2 * short.evaluation["test"]["rrmse"]


@pytest.mark.parametrize("frame", [("standard", "standard", "off"), ("log", "log", "off")])
def test_a_probe_scores_the_validation_rows_its_last_check_saw_without_a_prediction_program(frame, monkeypatch):
    """A unit type that loses its probe compiles no prediction program (0.1-0.2 s on a new machine);
    its score, from the check's outputs taken back to the user's units, is the prediction's."""
    rng = np.random.default_rng(0)
    X, X_val = rng.uniform(1, 10, (2000, 1)), rng.uniform(1, 10, (500, 1))
    rows = Split(X, X**2 + X, X_val, X_val**2 + X_val, X_val[:0], X_val[:0])
    probe = Recipe(steps=300, eval_every=100, early_stopping=False).replace(model="mlp").fixed()
    with monkeypatch.context() as patched:
        patched.setattr(Network, "predict", lambda *args, **kwargs: pytest.fail("a prediction program ran"))
        contender, predict = auto._network_probe(probe, rows, frame, None, limit=None)
    assert contender.val_rrmse == pytest.approx(auto.rrmse(rows.y_val, predict(rows.X_val)), rel=1e-5)


def test_the_old_name_of_the_budget_is_refused_with_the_new_one():
    with pytest.raises(nnfit.NnfitError, match="unknown key 'time_budget' — did you mean 'budget'"):
        nnfit.fit("x", "x=0:1", time_budget=5)
    assert "budget" in Recipe.params() and "time_budget" not in Recipe.params()
