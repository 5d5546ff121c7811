"""Laws with a constant inside a function, y = exp(sum) - c: c fitted as the offset with which
log(y + c) is a product of powers, made rational, then log(y + c) searched as a sum; claimed only
at round-off."""

from __future__ import annotations

import numpy as np
import pytest
import sympy
from law_samples import sample_law

from nnfit.laws._offset import _offset, search_offset
from nnfit.laws._terms import Design

DIODE = {"q": (1, 2), "Volt": (1, 2), "kb": (1, 2), "T": (1, 2)}  # AI Feynman's III.14.14 over I_0


def _searched(law, noise=0.0):
    X, y = sample_law(DIODE, law, n=1500, noise=noise)
    design = Design.of(X[:1200], X[1200:], list(DIODE))
    return search_offset(X[:1200], y[:1200], X[1200:], y[1200:], list(DIODE), design=design), X, y


def test_exp_of_a_product_less_one_is_found_with_its_constant():
    found, _, _ = _searched("exp(q*Volt/(kb*T)) - 1")
    q, volt, kb, t = (sympy.Symbol(name, real=True) for name in DIODE)
    assert found is not None and sympy.simplify(found - (sympy.exp(q * volt / (kb * t)) - 1)) == 0, found


def test_the_offset_is_fitted_to_the_constant_inside():
    _, X, y = _searched("exp(q*Volt/(kb*T)) + 3/2")
    assert _offset(np.log(X), y) == pytest.approx(-1.5, abs=1e-6)


@pytest.mark.parametrize(
    ("law", "noise"),
    [("exp(q*Volt/(kb*T)) - 1", 0.01), ("q**2 + Volt*T", 0.0)],
    ids=["noisy-rows", "no-constant-inside"],
)
def test_rows_whose_log_is_no_product_of_powers_for_any_offset_get_none(law, noise):
    found, X, y = _searched(law, noise)
    assert found is None and _offset(np.log(X), y) is None
