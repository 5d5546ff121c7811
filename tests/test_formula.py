"""Formulas: what is accepted, how it evaluates, and every kind of rejected text."""

import time

import numpy as np
import pytest

from nnfit.errors import FormulaError
from nnfit.formula import FUNCTIONS, parse

X = np.array([[0.5, 2.0], [1.5, -3.0], [2.5, 0.25]])
x, y = X[:, 0], X[:, 1]


@pytest.mark.parametrize("text, expected", [
    ("x**2 + x", x**2 + x),
    ("x^2 + 2*y", x**2 + 2 * y),
    ("-x / (1 + y**2)", -x / (1 + y**2)),
    ("sin(x) + cos(y) + tan(x)", np.sin(x) + np.cos(y) + np.tan(x)),
    ("asin(x/3) + arcsin(x/3) + acos(x/3) + arccos(x/3)", 2 * np.arcsin(x / 3) + 2 * np.arccos(x / 3)),
    ("atan(y) + arctan(y)", 2 * np.arctan(y)),
    ("sinh(x) * cosh(y) - tanh(x)", np.sinh(x) * np.cosh(y) - np.tanh(x)),
    ("exp(-x) + log(x) + ln(x) + log10(x) + log2(x)", np.exp(-x) + 2 * np.log(x) + np.log10(x) + np.log2(x)),
    ("sqrt(x) + abs(y) + sign(y)", np.sqrt(x) + np.abs(y) + np.sign(y)),
    ("min(x, y) + max(x, y, 1)", np.minimum(x, y) + np.maximum(np.maximum(x, y), 1)),
    ("pi * x + e", np.pi * x + np.e),
    ("x + 0*y", x),
])
def test_formula_evaluates_like_numpy(text, expected):
    result = parse(text).compile(("x", "y"))(X)
    np.testing.assert_allclose(result[:, 0], expected, rtol=1e-12)


def test_several_outputs_are_named_and_ordered():
    formula = parse("u = x*y; v = x - y")
    assert formula.outputs == ("u", "v")
    np.testing.assert_allclose(formula.compile(("x", "y"))(X), np.stack([x * y, x - y], axis=1), rtol=1e-12)


def test_unnamed_outputs_are_f1_f2():
    assert parse("x; x**2").outputs == ("f1", "f2")


def test_variables_in_order_of_appearance():
    assert parse("x3 - x2").variables == ("x3", "x2")


def test_constant_output_broadcasts_over_rows():
    result = parse("a = x; b = 3").compile(("x",))(X[:, :1])
    np.testing.assert_allclose(result[:, 1], [3, 3, 3])


def test_every_listed_function_is_callable():
    for name, (_, (lo, _hi)) in FUNCTIONS.items():
        args = ", ".join(["0.5"] * lo)
        parse(f"x + {name}({args})")


@pytest.mark.parametrize("text, message", [
    ("x**", "cannot parse"),
    ("__import__('os').system('true')", "only the listed functions"),
    ("x.real", "attribute access"),
    ("lambda: 1", "lambda"),
    ("foo(x)", "unknown function 'foo'"),
    ("sni(x)", "did you mean sin"),
    ("9**9**9", "overflows float64"),
    ("", "empty"),
    ("   ", "empty"),
    ("1/0 + x", "division by zero"),
    ("x[0]", "indexing"),
    ("x if x else 1", "'if ... else'"),
    ("x < 1", "comparison"),
    ("'text' + x", "not a number"),
    ("True + x", "not a number"),
    ("sin", "is a function"),
    ("sin(x, y)", "takes 1 argument"),
    ("max(x)", "at least 2"),
    ("sin(x=1)", "keyword"),
    ("_secret + x", "not allowed"),
    ("3 + 4", "no variables"),
    ("x; ", "empty output"),
    ("x = x + 1", "both an output name and an input"),
    ("x // 2", "this operator"),
    ("x" * 3000, "characters long"),
    ("(-1)**0.5 + x", "not a real number"),
])
def test_rejected_formulas_say_why(text, message):
    with pytest.raises(FormulaError, match=message.replace("(", r"\(").replace("[", r"\[")):
        parse(text)


def test_power_tower_is_rejected_quickly():
    start = time.perf_counter()
    with pytest.raises(FormulaError):
        parse("9**9**9**9")
    assert time.perf_counter() - start < 0.1


@pytest.mark.parametrize("text, outputs", [
    ("f + x", ("y",)),
    ("f + y + x", ("z",)),
    ("f1 * 2; x", ("y1", "y2")),
    ("u = x; x**2", ("u", "f2")),
])
def test_default_output_names_avoid_the_variables(text, outputs):
    assert parse(text).outputs == outputs


def test_variables_in_written_order_however_deep():
    assert parse("a + 2*b - c*d + sqrt(f)").variables == ("a", "b", "c", "d", "f")
