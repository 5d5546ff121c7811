"""Targets: formulas, callables and data, their names, and evaluation in a chosen input order."""

import numpy as np
import pytest

from nnfit.data import Target
from nnfit.errors import NnfitError

X = np.array([[1.0, 10.0], [2.0, 20.0]])


def test_formula_target():
    target = Target.from_formula("u = x - y; v = x*y")
    assert (target.inputs, target.outputs, target.kind, target.known) == (("x", "y"), ("u", "v"), "formula", True)
    np.testing.assert_allclose(target(X), [[-9, 10], [-18, 40]])
    assert target.describe() == "u = x - y; v = x*y"


def test_callable_target_reads_its_argument_names_and_outputs():
    def wave(t, a):
        return a * np.sin(t), a * np.cos(t)

    target = Target.from_callable(wave)
    assert (target.inputs, target.outputs, target.describe()) == (("t", "a"), ("f1", "f2"), "wave(t, a)")
    np.testing.assert_allclose(target(X), np.stack([10 * np.sin([1, 2]) * [1, 2], 10 * np.cos([1, 2]) * [1, 2]], 1))


def test_callable_returning_a_scalar_broadcasts():
    np.testing.assert_allclose(Target.from_callable(lambda x: 3.0)(X[:, :1]), [[3.0], [3.0]])


@pytest.mark.parametrize(
    "make",
    [
        lambda: Target.from_formula("x - y").reordered(("y", "x")),
        lambda: Target.from_callable(lambda x, y: x - y).reordered(("y", "x")),
    ],
)
def test_reordered_takes_columns_in_the_new_order(make):
    target = make()
    assert target.inputs == ("y", "x")
    np.testing.assert_allclose(target(X[:, ::-1]), [[-9.0], [-18.0]])


def test_data_target_has_no_values_outside_the_file():
    target = Target.from_data("d.csv", ["a"], ["y"])
    assert not target.known
    with pytest.raises(NnfitError, match="data only"):
        target(X[:, :1])


def test_of_rejects_other_things():
    with pytest.raises(NnfitError, match="formula string, a callable or a data file"):
        Target.of(42)


def test_a_target_is_measured_only_where_it_has_a_value():
    target = Target.of("m_0/sqrt(1 - v**2/c**2)")
    X = np.array([[1.0, 1.0, 2.0], [1.0, 3.0, 2.0], [2.0, 0.0, 1.0]])  # v > c in the second row
    points, truth, left_out = target.defined_at(X)
    assert left_out == 1 and points.tolist() == [[1.0, 1.0, 2.0], [2.0, 0.0, 1.0]]
    assert np.allclose(truth[:, 0], [1 / np.sqrt(0.75), 2.0])
