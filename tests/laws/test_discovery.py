"""A law found by `nnfit.discover`: shown to a person with rounded coefficients, exported as SymPy
text, LaTeX, a NumPy function, JSON read back by nnfit's own parser, and an ONNX graph, each
predicting what the law predicts; never over an existing file, never without a law."""

from __future__ import annotations

import importlib.util
import json
import re

import numpy as np
import pytest
import sympy

from nnfit.errors import NnfitError
from nnfit.laws import LAW_FORMATS as FORMATS
from nnfit.laws import Candidate, Discovery, read, versus

a, b, temp = (sympy.Symbol(name, real=True) for name in ("a", "b", "temp (K)"))


LAWS = {
    # inputs and the law: rationals, pi, fitted floats, every operation the library makes
    "measurements": (("a", "b"), a**2 / 10 + 3 * sympy.sin(b)),
    "physics": (("a", "b"), 2 * sympy.pi * sympy.sqrt(a / b) + sympy.Float("0.123456789012345") * sympy.exp(-b)),
    "powers": (("a", "b"), a**-2 * b ** sympy.Rational(3, 2) - sympy.log(a) * sympy.cos(a * b) + 1 / b),
    "odd names": (("temp (K)", "b"), 3 * temp + b * temp),  # a column name that is no identifier
    "constant": (("a",), sympy.Integer(7)),
}


X = np.random.default_rng(0).uniform(0.5, 3, (50, 2))


def _law(case: str) -> Discovery:
    inputs, expression = LAWS[case]
    candidate = Candidate(expression, len(sympy.Add.make_args(expression)), 1e-12)
    return Discovery("y", inputs, expression, (candidate,), 1e-9, "a test law", 12, {"test": {"rrmse": 0.0}})


def _truth(case: str) -> np.ndarray:
    inputs, expression = LAWS[case]
    symbols = [sympy.Symbol(name, real=True) for name in inputs]
    return np.array([float(expression.subs(dict(zip(symbols, row)))) for row in X[:, : len(inputs)]])


@pytest.mark.parametrize("case", LAWS)
def test_a_law_predicts_its_expression(case):
    law = _law(case)
    np.testing.assert_allclose(law.predict(X[:, : len(law.inputs)]), _truth(case), rtol=1e-13)


@pytest.mark.parametrize("case", LAWS)
def test_the_python_export_needs_only_numpy_and_predicts_the_law(tmp_path, case):
    law = _law(case)
    path = law.export(tmp_path / "law.py")
    spec = importlib.util.spec_from_file_location("exported_law", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.INPUTS == law.inputs and module.OUTPUT == "y"
    np.testing.assert_allclose(module.predict(X[:, : len(law.inputs)]), _truth(case), rtol=1e-13)


@pytest.mark.parametrize("case", LAWS)
def test_the_json_export_is_read_back_by_the_formula_parser(tmp_path, case):
    law = _law(case)
    back = read(law.export(tmp_path / "law.json"))
    assert sympy.simplify(back.expression - law.expression) == 0
    assert back.inputs == law.inputs and back.floor == law.floor and back.evaluation == law.evaluation
    assert sympy.simplify(back.candidates[0].expression - law.expression) == 0


@pytest.mark.parametrize("case", LAWS)
def test_the_onnx_export_computes_the_law_in_float64(tmp_path, case):
    ort = pytest.importorskip("onnxruntime")
    law = _law(case)
    session = ort.InferenceSession(str(law.export(tmp_path / "law.onnx")))
    (Y,) = session.run(None, {"X": X[:, : len(law.inputs)]})
    assert Y.shape == (len(X), 1) and Y.dtype == np.float64
    np.testing.assert_allclose(Y[:, 0], _truth(case), rtol=1e-12)


@pytest.mark.parametrize(
    ("format", "text"),
    [
        ("sympy", "a**2/10 + 3*sin(b)\n"),
        ("latex", "y = \\frac{a^{2}}{10} + 3 \\sin{\\left(b \\right)}\n"),
    ],
)
def test_the_text_exports_write_the_expression(tmp_path, format, text):
    path = _law("measurements").export(tmp_path / f"law{FORMATS[format]}")
    assert path.read_text(encoding="utf-8") == text


def test_a_fitted_coefficient_is_shown_to_six_digits_and_kept_whole():
    law = _law("physics")
    assert str(law) == "y = 2*pi*sqrt(a/b) + 0.123457*exp(-b)"
    assert "0.123456789012345" in law.to_dict()["expression"]


@pytest.mark.parametrize(
    ("path", "format", "message"),
    [
        (
            "law.csv",
            None,
            "cannot tell the export format from 'law.csv': end it in .txt, .tex, .py, .json, .onnx, or give format",
        ),
        ("law.py", "java", "unknown export format 'java'; use one of sympy, latex, python, json, onnx"),
        ("law.txt", "python", "a python export is a .py file; got law.txt"),
    ],
)
def test_a_bad_export_path_or_format_is_one_clear_error(tmp_path, path, format, message):
    with pytest.raises(NnfitError, match=f"^{re.escape(message)}$"):
        _law("measurements").export(tmp_path / path, format)
    assert not list(tmp_path.iterdir())


def test_an_export_never_overwrites_and_no_law_exports_nothing(tmp_path):
    (tmp_path / "law.py").write_text("kept")
    with pytest.raises(NnfitError, match="law.py already exists"):
        _law("measurements").export(tmp_path / "law.py")
    assert (tmp_path / "law.py").read_text() == "kept"
    none = Discovery("y", ("a",), None, (), 0.01, "no closed form was found in the library")
    with pytest.raises(NnfitError, match="^no closed form was claimed for 'y': there is no law to use$"):
        none.export(tmp_path / "other.py")
    assert str(none) == "y = no closed form found" and none.latex() is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '{"format": "nnfit-law", "output": "y", "inputs": ["a"], "arguments": ["a"], "formula": "__import__(1)"}',
            "cannot be read back",
        ),
        (
            '{"format": "nnfit-law", "output": "y", "inputs": ["a"], "arguments": ["a"], "formula": "a + c", "floor": 0, "evidence": ""}',
            "names an input that is not among a",
        ),
        ('{"format": "nnfit-model"}', "is not a law written by nnfit"),
        ("not json", "cannot be read as a law"),
    ],
)
def test_a_damaged_law_file_is_refused_in_one_line_and_never_evaluated(tmp_path, text, message):
    path = tmp_path / "law.json"
    path.write_text(text)
    with pytest.raises(NnfitError, match=message):
        read(path)


def test_the_law_is_set_beside_the_network_on_the_sets_both_were_measured_on():
    law = Discovery("y", ("a",), a, (), 1e-9, "", 0, {"test": {"rrmse": 0.0, "max_abs_error": 0.0}})
    network = {
        "test": {"rrmse": 1e-4, "max_abs_error": 0.5},
        "1.5-2x": {"rrmse": 0.3, "max_abs_error": 9.0},
    }
    assert versus(law, network) == [
        {"set": "test", "network rRMSE": 1e-4, "law rRMSE": 0.0, "network max |err|": 0.5, "law max |err|": 0.0}
    ]


def test_the_json_export_carries_what_a_reader_needs(tmp_path):
    values = json.loads(_law("odd names").export(tmp_path / "law.json").read_text())
    assert values["format"] == "nnfit-law" and values["inputs"] == ["temp (K)", "b"]
    assert values["arguments"] == ["x0", "b"] and values["formula"] == "b*x0 + 3*x0"
    assert values["expression"] == "b*temp (K) + 3*temp (K)" and values["latex"].startswith("y = ")


def test_the_front_keeps_the_best_sum_of_each_size_that_beats_the_smaller_ones():
    c = lambda terms, error: Candidate(a * terms + error, terms, error)
    law = Discovery("y", ("a",), None, (c(2, 0.3), c(1, 0.5), c(3, 0.4), c(2, 0.1), c(4, 0.01), c(1, 0.6)), 0.01, "")
    assert [(x.terms, x.val_rrmse) for x in law.front()] == [(1, 0.5), (2, 0.1), (4, 0.01)]
