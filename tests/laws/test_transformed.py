"""Laws that are sums of the library's terms once their output is transformed: claimed as
y = h^-1(sum) where that reaches round-off, never where the output itself has a law, and never on
noisy rows."""

from __future__ import annotations

import numpy as np
import pytest
import sympy
from law_samples import law_function, sample_law

from nnfit.data import Domain, Interval, Shell
from nnfit.laws import search_transformed
from nnfit.laws._budget import Budget
from nnfit.laws._terms import Design
from nnfit.laws._transformed import _exact_form

DISTANCE = {"x1": (0, 1), "x2": (2, 3), "y1": (0, 1), "y2": (2, 3)}


@pytest.mark.parametrize(
    ("ranges", "law", "transform"),
    [
        (DISTANCE, "sqrt((x2 - x1)**2 + (y2 - y1)**2)", "y**2"),
        ({"d1": (1, 5), "d2": (1, 5), "n": (1, 2)}, "1/(1/d1 + n/d2)", "1/y"),
    ],
    ids=["distance", "harmonic"],
)
def test_a_law_that_is_a_sum_once_its_output_is_transformed_is_claimed_as_such(ranges, law, transform):
    X, y = sample_law(ranges, law)
    found = search_transformed(X[:1600], y[:1600], X[1600:], y[1600:], list(ranges))
    assert found.expression is not None, found.evidence
    assert found.evidence.split(": ", 1)[1].startswith(f"{transform} is a sum of ")
    # the law itself, not an approximation: equal to it on the 1.5-2x shell around the box
    box = Domain(tuple(Interval(name, lo, hi) for name, (lo, hi) in ranges.items()))
    far = box.sample_shell(Shell(1.5, 2.0), 2000, np.random.default_rng(1))
    far = far[np.all(far > 0, axis=1)]  # where the reciprocal's terms are defined
    want = law_function(ranges, law)(*far.T)
    assert np.sqrt(np.mean((found.predict(far) - want) ** 2)) / want.std() <= 1e-9


@pytest.mark.parametrize(
    ("ranges", "law", "form"),
    [
        # AI Feynman's I.34.14, the relativistic Doppler shift: its square is (c + v)/(c - v) times omega_0**2
        ({"c": (3, 10), "v": (1, 2), "omega_0": (1, 5)}, "omega_0*(1 + v/c)/sqrt(1 - v**2/c**2)", "y**2 is a ratio"),
        # III.4.32, Bose-Einstein occupation: 1/y + 1 is exp of a product of powers
        ({"h": (1, 5), "omega": (1, 5), "kb": (1, 5), "T": (1, 5)}, "1/(exp(h*omega/(2*pi*kb*T)) - 1)", "1/y is exp"),
    ],
    ids=["doppler", "bose-einstein"],
)
def test_a_transformed_law_that_is_no_sum_is_found_at_round_off(ranges, law, form):
    X, y = sample_law(ranges, law, n=1000)
    (X, y), (X_val, y_val) = (X[:800], y[:800]), (X[800:], y[800:])
    design = Design.of(X, X_val, list(ranges))
    # the stage a search reaches once no sum of y or of its transforms gave a law
    found = _exact_form(
        X,
        y,
        X_val,
        y_val,
        list(ranges),
        (y, y_val),
        budget=Budget.starting_now(None),
        factor=sympy.S.One,
        design=design,
    )
    assert found is not None
    law_found, evidence = found
    assert evidence.split(": ", 1)[1].startswith(form)
    box = Domain(tuple(Interval(name, lo, hi) for name, (lo, hi) in ranges.items()))
    far = box.sample_shell(Shell(1.0, 1.5), 2000, np.random.default_rng(1))
    with np.errstate(all="ignore"):  # beyond v = c the Doppler shift has no value
        want = law_function(ranges, law)(*far.T)
        got = sympy.lambdify(design.library.symbols, law_found, "numpy")(*far.T)
    defined = np.isfinite(want) & np.all(far > 0, axis=1)
    assert defined.sum() > 500
    assert np.sqrt(np.mean((got[defined] - want[defined]) ** 2)) / want[defined].std() <= 1e-9


def test_a_law_of_the_output_itself_is_claimed_without_a_transform():
    X, y = sample_law({"x": (1, 3), "y": (1, 3)}, "x**2 + 2*y")
    found = search_transformed(X[:1600], y[:1600], X[1600:], y[1600:], ["x", "y"])
    assert str(found.expression) == "x**2 + 2*y" and "is a sum of" not in found.evidence


def test_noisy_rows_get_no_claim_through_a_transform():
    # 1 % noise on the distance: its square is a sum, but only to the noise, never to round-off
    X, y = sample_law(DISTANCE, "sqrt((x2 - x1)**2 + (y2 - y1)**2)", noise=0.01)
    found = search_transformed(X[:1600], y[:1600], X[1600:], y[1600:], list(DISTANCE))
    assert found.expression is None or "is a sum of" not in found.evidence


def test_noisy_rows_whose_reciprocal_is_a_sum_are_claimed_once_refit_on_the_output():
    # 1 % noise on 1/(1/d1 + n/d2): the sum of 1/y fails 1/y's own extrapolation test (the outer
    # rows' noise is larger there), but refit on y it passes y's tests at y's floor
    ranges = {"d1": (1, 5), "d2": (1, 5), "n": (1, 5)}
    X, y = sample_law(ranges, "1/(1/d1 + n/d2)", noise=0.01)
    found = search_transformed(X[:1200], y[:1200], X[1200:1600], y[1200:1600], list(ranges))
    assert found.expression is not None, found.evidence
    assert "1/y is a sum of 2 terms, refit on the output" in found.evidence
    d1, d2, n = (sympy.Symbol(name, real=True) for name in ranges)
    reciprocal = sympy.expand(1 / found.expression)
    assert abs(float(reciprocal.coeff(1 / d1)) - 1) <= 0.01 and abs(float(reciprocal.coeff(n / d2)) - 1) <= 0.01
