"""nnfit.laws._discover: the laws of a data file or a formula, recovered exactly, and measured on the edges held out and on the shells around a formula's domain."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import sympy
from law_samples import law_function, sample_law

from nnfit.data import Domain, Interval, Shell
from nnfit.laws import discover

SEEDS = [
    # (inputs with their ranges, the law) — the three cases nnfit was born from
    ({"x": (1, 1000)}, "x**2 + x"),
    ({"x": (0, 100), "y": (0, 999)}, "x**2 + 2*y"),
    ({"x1": (0, 1), "x2": (0, 1), "x3": (0, 1), "x4": (0, 1)}, "x3 - x2"),
]


@pytest.mark.parametrize(("ranges", "law"), SEEDS)
def test_the_seeds_laws_are_recovered_exactly_from_a_data_file(tmp_path, ranges, law):
    found = _discovered_in_a_file(tmp_path, ranges, law)
    assert found.expression is not None, found.evidence
    assert sympy.simplify(found.expression - _truth(ranges, law)) == 0  # coefficients exact: rationals, not floats
    # trusted where the network is not (rRMSE 0.12-0.2 for seed 001's): on the 1.5-2x shell around the box
    box = Domain(tuple(Interval(name, lo, hi) for name, (lo, hi) in ranges.items()))
    far = box.sample_shell(Shell(1.5, 2.0), 2000, np.random.default_rng(1))
    want = law_function(ranges, law)(*far.T) * np.ones(len(far))
    assert np.sqrt(np.mean((found.predict(far) - want) ** 2)) / want.std() <= 1e-9


@pytest.mark.parametrize(
    ("names", "law"),
    [
        ("q1 q2 epsilon r", "q1*q2*r/(4*pi*epsilon*r**3)"),  # Coulomb's law
        ("q1 q2 epsilon r", "q1**2*r**2/(6*pi*epsilon*q2**3)"),  # Larmor's formula
        ("m v u w", "m*(v**2 + u**2 + w**2)/2"),  # a sum of like terms, each less telling than 30 others
    ],
)
def test_exact_rows_whose_neighbours_look_noisy_are_recognised_as_exact(tmp_path, names, law):
    # four inputs over 2 000 rows: neighbours too far apart to see the curvature (noise estimates
    # 0.056, 0.22), but the law reaches round-off, which no noise allows
    ranges = dict.fromkeys(names.split(), (1, 5))
    found = _discovered_in_a_file(tmp_path, ranges, law)
    assert found.expression is not None, found.evidence
    assert sympy.simplify(found.expression - _truth(ranges, law)) == 0 and found.floor == 1e-9


def _discovered_in_a_file(tmp_path, ranges: dict[str, tuple[float, float]], law: str):
    """`discover` on 2 000 exact samples of `law` over `ranges`, written as a CSV file."""
    X, y = sample_law(ranges, law)
    path = tmp_path / "samples.csv"
    pd.DataFrame({**dict(zip(ranges, X.T)), "f": y}).to_csv(path, index=False)
    (found,) = discover(str(path))
    return found


def _truth(ranges: dict[str, tuple[float, float]], law: str) -> sympy.Expr:
    return sympy.sympify(law, locals={name: sympy.Symbol(name, real=True) for name in ranges})


def test_a_formula_target_is_checked_against_round_off_and_trusted_on_its_shells():
    (found,) = discover("6.674e-11*m1*m2/r**2", "m1=1:10, m2=1:10, r=0.5:5", samples=3000)
    assert found.floor == 1e-9 and found.expression is not None
    assert found.candidates[0].val_rrmse <= 1e-12
    assert set(found.evaluation) == {"test", "1-1.5x", "1.5-2x"}
    assert all(m["rrmse"] <= 1e-9 for m in found.evaluation.values())


def test_a_law_from_data_is_measured_on_the_held_out_edges(tmp_path):
    X, y = sample_law({"x": (0, 100), "y": (0, 999)}, "x**2 + 2*y")
    path = tmp_path / "seed001.csv"
    pd.DataFrame({"x": X[:, 0], "y": X[:, 1], "z": y}).to_csv(path, index=False)
    (found,) = discover(str(path), holdout="edges")
    assert str(found.expression) == "x**2 + 2*y"
    assert found.evaluation["edges"]["n"] > 0 and found.evaluation["edges"]["rrmse"] <= 1e-9


def test_a_law_is_measured_on_the_shells_where_the_target_has_a_value():
    # beyond v = c the relativistic mass has no value: the shells count the points where it has one
    (found,) = discover("m_0/sqrt(1 - v**2/c**2)", "m_0=1:5, v=1:2, c=3:10", samples=3000)
    assert found.expression is not None, found.evidence
    assert all(m["rrmse"] <= 1e-9 for m in found.evaluation.values())
    assert 0 < found.evaluation["1.5-2x"]["n"] < 2000


def test_each_stage_of_the_search_is_told_as_it_starts():
    stages: list[str] = []
    (found,) = discover("r*F*sin(theta)", "r=1:5, F=1:5, theta=0:5", progress=stages.append)
    assert found.expression is not None, found.evidence
    # the sums first, then the transforms defined on the output, then the product that finds the law
    assert stages[0] == "f: sums of the library's terms" and stages[-1] == "f: F*r times a law"
    assert "f: exp(y)" in stages and "f: y**2" not in stages  # y**2's inverse needs y > 0
