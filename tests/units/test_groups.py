"""Dimensionless groups: found exactly where a target has them, the network learns a function of
fewer inputs, and every path that predicts (the fit, a loaded run) carries them."""

import numpy as np
import pytest

import nnfit
from nnfit.data import Target
from nnfit.units import _groups as groups

# formula, domain -> the groups in words; None where scaling one-signed inputs never leaves the
# target unchanged nor multiplies it by a power
FOUND = {
    "two slits": (
        "I0*cos(pi*d*sin(theta)/lambda_)**2",
        "I0=1:2, d=1:5, theta=-0.5:0.5, lambda_=0.5:1",
        "I0 * h(theta, d/lambda_)",
    ),
    "conduction": (
        "kappa*A*(T1 - T2)/d",
        "kappa=0.1:400, A=0.1:2, T1=300:400, T2=250:300, d=0.01:0.5",
        "kappa*A*T2/d * h(T1/T2)",
    ),
    "relativistic energy": ("m*c**2/sqrt(1 - v**2/c**2)", "m=1:5, v=1:2, c=3:10", "m*v**2 * h(c/v)"),
    # the narrowest input carries the factor and divides the others: no feature diverges where u nears 0
    "velocity addition": ("(u + v)/(1 + u*v/c**2)", "u=0:0.9, v=0:0.9, c=1:1.5", "c * h(u/c, v/c)"),
    "damped oscillation": (
        "A*exp(-gamma*t)*cos(omega*t + phi)",
        "A=1:2, gamma=0.1:0.5, t=0:10, omega=1:3, phi=0:1",
        "A * h(gamma/omega, t*omega, phi)",
    ),
    "half powers": ("sqrt(L/g)*(1 + x**2)", "L=0.1:2, g=9:10, x=-1:1", "L**(1/2)/g**(1/2) * h(x)"),
    "decay": ("N*exp(-t/tau)", "N=1:10, t=0.1:5, tau=1:3", "N * h(t/tau)"),
    "polynomial": ("x**2 + x", "x=1:10", None),
    "two-signed factor": ("sin(x)*y", "x=0.1:6, y=-1:1", None),
    # a product of powers leaves a network nothing to learn: the linear model in log-log fits it
    "product of powers": ("n*p**2*E/(3*k*T)", "n=1:5, p=1:5, E=1:5, k=1:5, T=1:5", None),
    # a dependence far below the target's size is no scaling: each is checked at scaled points
    "weak dependence": ("x/y + 1e-7*y", "x=1:2, y=1:2", None),
}


def sample(formula: str, domain: str, n: int = 500, seed: int = 0) -> tuple[Target, np.ndarray]:
    target = Target.from_formula(formula)
    bounds = dict(part.split("=") for part in domain.replace(" ", "").split(","))
    rng = np.random.default_rng(seed)
    X = np.column_stack([rng.uniform(*map(float, bounds[name].split(":")), n) for name in target.inputs])
    return target, X


@pytest.mark.parametrize("name", list(FOUND))
def test_groups_are_found_where_the_target_has_them(name):
    formula, domain, expected = FOUND[name]
    target, X = sample(formula, domain)
    found = groups.find_groups(target, X)
    assert (None if found is None else found.describe(target.inputs)) == expected


# a scaling of each case's inputs under which its target is unchanged or changes by a power
SCALINGS = {
    "two slits": {"I0": 2.0, "d": 3.0, "lambda_": 3.0},
    "conduction": {"kappa": 2.0, "A": 0.5, "T1": 1.1, "T2": 1.1, "d": 3.0},
    "relativistic energy": {"m": 0.3, "v": 2.0, "c": 2.0},
    "velocity addition": {"u": 0.5, "v": 0.5, "c": 0.5},
    "damped oscillation": {"A": 3.0, "gamma": 2.0, "omega": 2.0, "t": 0.5},
    "half powers": {"L": 4.0, "g": 0.5},
    "decay": {"N": 5.0, "t": 2.0, "tau": 2.0},
}


@pytest.mark.parametrize("name", list(SCALINGS))
def test_the_features_do_not_change_under_the_targets_scalings_and_the_factor_carries_its_change(name):
    formula, domain, _ = FOUND[name]
    target, X = sample(formula, domain, n=200)
    found = groups.find_groups(target, X)
    scaled = X * np.array([SCALINGS[name].get(input, 1.0) for input in target.inputs])
    assert found.features(X).shape == (200, found.width) and found.width < X.shape[1]
    np.testing.assert_allclose(found.features(scaled), found.features(X), rtol=1e-12)
    np.testing.assert_allclose(target(scaled) / found.scale(scaled), target(X) / found.scale(X), rtol=1e-9)


SLITS = ("I0*cos(2*d*theta/lambda_)**2", "I0=1:2, d=1:5, theta=-0.5:0.5, lambda_=0.5:1")


@pytest.fixture(scope="module")
def slits():
    return {setting: nnfit.fit(*SLITS, steps=6000, groups=setting) for setting in ("auto", "off")}


def test_the_automatic_recipe_takes_the_groups_and_fits_better(slits):
    grouped, plain = slits["auto"], slits["off"]
    assert grouped.recipe.groups == "on" and grouped.choice["reason"].startswith("groups, ")
    assert grouped.network.sizes[0] == 2  # theta and d/lambda_
    assert plain.recipe.groups == "off" and plain.network.sizes[0] == 4
    # measured: 3.4e-3 with the groups, 2.3e-2 without
    assert grouped.evaluation["test"]["rrmse"] < 1.2e-2
    assert grouped.evaluation["test"]["rrmse"] * 2 < plain.evaluation["test"]["rrmse"]


def test_a_saved_fit_with_groups_predicts_the_same_when_loaded(slits, tmp_path):
    fit = slits["auto"]
    loaded = nnfit.load(fit.save(tmp_path / "run", report=False))
    X = fit.points["test"][0]
    np.testing.assert_allclose(loaded.predict(X), fit.predict(X), rtol=1e-12)
    assert loaded.groups.describe(loaded.inputs) == "I0 * h(theta, d/lambda_)"


@pytest.mark.parametrize(
    "target, domain, message",
    [
        ("exp(x) + y", "x=1:2, y=1:2", "groups=on, but no scaling of the target's one-signed inputs"),
        ("data", None, "groups need a formula or callable target with one output"),
    ],
)
def test_groups_on_where_there_are_none_says_so(target, domain, message, tmp_path):
    if target == "data":  # measured rows: the target cannot be evaluated at scaled inputs
        target = tmp_path / "rows.csv"
        target.write_text("x,y\n" + "\n".join(f"{x},{x * x}" for x in np.linspace(1, 2, 50)) + "\n")
        target = str(target)
    with pytest.raises(nnfit.NnfitError, match=message):
        nnfit.fit(target, domain, steps=100, groups="on")


def test_a_callable_that_refuses_inputs_beyond_its_domain_is_fitted_without_groups():
    def refusing(x, y):
        if np.any(x > 2) or np.any(y > 2):
            raise ValueError("outside the table")
        return x / y + 1

    target = Target.of(refusing)
    X = np.column_stack([np.linspace(1, 2, 50), np.linspace(2, 1, 50)])  # x reaches 2: probed at 2 * e**1e-4
    assert groups.find_groups(target, X) is None
    assert groups.find_groups(Target.of(lambda x, y: x / y + 1), X).describe(("x", "y")) == "h(x/y)"
