"""A closed form found in data (`nnfit.discover`): the law, the evidence for it, and its exports.

sympy   law.txt: the expression as SymPy prints it, for `sympy.sympify` or a reader
latex   law.tex: the equation, output = expression
python  law.py: a function predict(X) needing only NumPy, X (n, d) -> y (n,)
json    law.json: the law in a form nnfit's formula parser reads back (`Discovery.from_dict`),
        with its inputs, noise floor, evidence, metrics and candidates
onnx    law.onnx: a graph of the law's own operations, input "X" (n, d) and output "Y" (n, 1),
        float64. Needs `pip install "nnfit[onnx]"`.
"""

from __future__ import annotations

import json
import keyword
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import sympy
from numpy.typing import ArrayLike
from sympy.printing.numpy import NumPyPrinter

from .._outfiles import format_of, fresh, onnx, onnx_model
from ..data import CONSTANTS, FUNCTIONS, parse
from ..errors import FormulaError, NnfitError

LAW_FORMATS = {"sympy": ".txt", "latex": ".tex", "python": ".py", "json": ".json", "onnx": ".onnx"}
JSON_FORMAT = "nnfit-law"
SHOWN_DIGITS = 6  # significant digits of a fitted coefficient where the law is shown to a person


@dataclass(frozen=True)
class Candidate:
    """A sum of library terms with its coefficients, and its error on the validation rows."""

    expression: sympy.Expr
    terms: int
    val_rrmse: float

    def to_dict(self) -> dict[str, Any]:
        return {"expression": str(self.expression), "terms": self.terms, "val_rrmse": self.val_rrmse}


@dataclass(frozen=True)
class Discovery:
    """What the search found for one output: `expression` (a SymPy expression of the input symbols)
    when one is claimed, else None; the candidates tried, simplest first; the noise floor they
    were held to, as an rRMSE; and the evidence in one line."""

    output: str
    inputs: tuple[str, ...]
    expression: sympy.Expr | None
    candidates: tuple[Candidate, ...]
    floor: float
    evidence: str
    library_size: int = 0
    evaluation: dict[str, dict[str, float]] = field(default_factory=dict)  # the law's metrics per set, as a Fit's

    def __str__(self) -> str:
        """The law as a person reads it, fitted coefficients to SHOWN_DIGITS digits."""
        return f"{self.output} = {readable(self.expression) if self.expression is not None else 'no closed form found'}"

    @cached_property
    def _function(self) -> Callable[..., Any]:
        return sympy.lambdify(self._symbols, self._claimed(), modules="numpy")

    @property
    def _symbols(self) -> list[sympy.Symbol]:
        return [sympy.Symbol(name, real=True) for name in self.inputs]

    def _claimed(self) -> sympy.Expr:
        if self.expression is None:
            raise NnfitError(f"no closed form was claimed for {self.output!r}: there is no law to use")
        return self.expression

    def front(self) -> list[Candidate]:
        """The best candidate of each size that is better than every smaller one: how the error
        falls as terms are added.

        Returns:
            The candidates, smallest first.
        """
        best: list[Candidate] = []
        for candidate in sorted(self.candidates, key=lambda c: (c.terms, c.val_rrmse)):
            if not best or (candidate.terms > best[-1].terms and candidate.val_rrmse < best[-1].val_rrmse):
                best.append(candidate)
        return best

    def predict(self, X: ArrayLike) -> np.ndarray:
        """The claimed law at X, in the data's units.

        Args:
            X: points (n, inputs), in input order.

        Returns:
            The law's values (n,).

        Raises:
            NnfitError: no law was claimed.
        """
        X = np.asarray(X, dtype=np.float64).reshape(-1, len(self.inputs))
        function = self._function
        with np.errstate(all="ignore"):
            return np.broadcast_to(np.asarray(function(*X.T), dtype=np.float64), (len(X),)).copy()

    def latex(self) -> str | None:
        """The equation `output = law` in LaTeX.

        Returns:
            The LaTeX text, or None without a law.
        """
        if self.expression is None:
            return None
        return f"{sympy.latex(sympy.Symbol(self.output))} = {sympy.latex(self.expression)}"

    def to_dict(self) -> dict[str, Any]:
        """Plain values, as law.json and metrics.json keep them.

        Returns:
            `expression` as SymPy prints it (None when none is claimed), and `formula`, the same over
            `arguments` (the inputs, renamed x0, x1, ... where a name is no identifier), which
            `from_dict` parses back with nnfit's own formula parser.
        """
        arguments, formula = _as_formula(self.expression, self.inputs)
        return {
            "output": self.output,
            "inputs": list(self.inputs),
            "expression": None if self.expression is None else str(self.expression),
            "formula": formula,
            "arguments": arguments,
            "latex": self.latex(),
            "floor": self.floor,
            "evidence": self.evidence,
            "library_size": self.library_size,
            "evaluation": self.evaluation,
            "candidates": [
                {**c.to_dict(), "formula": _as_formula(c.expression, self.inputs)[1]} for c in self.candidates
            ],
        }

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> Discovery:
        """The Discovery that `to_dict` wrote; its laws are parsed by nnfit's formula parser, never
        evaluated.

        Args:
            values: as `to_dict` returned them.

        Returns:
            The Discovery.

        Raises:
            NnfitError: a damaged or unreadable law.
        """
        try:
            inputs = tuple(str(name) for name in values["inputs"])
            renamed = {sympy.Symbol(a, real=True): s for a, s in zip(values["arguments"], _symbols(inputs))}

            def law(text: str | None) -> sympy.Expr | None:
                if text is None:
                    return None
                # 0*x: the parser wants a variable, and a constant law (y = 7) has none; SymPy drops it
                expression = parse(f"{text} + 0*{values['arguments'][0]}").expressions[0].xreplace(renamed)
                if not expression.free_symbols <= set(renamed.values()):
                    raise NnfitError(f"the law {text!r} names an input that is not among {', '.join(inputs)}")
                return expression

            expression = law(values.get("formula"))
            candidates = tuple(
                Candidate(law(c["formula"]), int(c["terms"]), float(c["val_rrmse"]))
                for c in values.get("candidates", [])
            )
            return cls(
                str(values["output"]),
                inputs,
                expression,
                candidates,
                float(values["floor"]),
                str(values["evidence"]),
                int(values.get("library_size", 0)),
                dict(values.get("evaluation", {})),
            )
        except FormulaError as exc:
            raise NnfitError(f"the law cannot be read back: {exc}") from None
        except (KeyError, TypeError, ValueError) as exc:
            raise NnfitError(f"not a law written by nnfit ({type(exc).__name__}: {exc})") from None

    def python_source(self) -> str:
        """A Python module that needs only NumPy.

        Returns:
            Its source, defining predict(X): X (n, d) -> (n,).
        """
        expression = self._claimed()
        arguments, _ = _as_formula(expression, self.inputs)
        renamed = expression.xreplace(dict(zip(self._symbols, (sympy.Symbol(a, real=True) for a in arguments))))
        body = NumPyPrinter({"fully_qualified_modules": True}).doprint(renamed)
        unpack = ", ".join(arguments) + ("," if len(arguments) == 1 else "")
        return (
            f'"""{self.output} = {expression}\n\nFound by nnfit.discover: {self.evidence}.\n'
            f'Inputs, in the columns of X: {", ".join(self.inputs)}."""\n\n'
            "import numpy\n\n"
            f"INPUTS = {tuple(self.inputs)!r}\n"
            f"OUTPUT = {self.output!r}\n\n\n"
            "def predict(X):\n"
            f'    """{self.output} at X (n, {len(self.inputs)}) -> (n,)."""\n'
            f"    X = numpy.asarray(X, dtype=numpy.float64).reshape(-1, {len(self.inputs)})\n"
            f"    {unpack} = X.T\n"
            f"    return numpy.broadcast_to({body}, (len(X),)).astype(numpy.float64)\n"
        )

    def export(self, path: str | Path, format: str | None = None) -> Path:
        """Write the law for use without nnfit; an existing file is never overwritten.

        Args:
            path: the file: .txt (sympy), .tex (latex), .py (python), .json or .onnx.
            format: "sympy", "latex", "python", "json" or "onnx"; told by the suffix when None.

        Returns:
            The path written.

        Raises:
            NnfitError: no law was claimed, an unknown format or suffix, a file that exists, or the
                onnx extra missing.
        """
        path = Path(path)
        format = format_of(path, format, LAW_FORMATS)
        self._claimed()
        fresh(path)
        if format == "onnx":
            path.write_bytes(to_onnx(self).SerializeToString())  # built first: a missing extra writes nothing
        elif format == "json":
            path.write_text(json.dumps({"format": JSON_FORMAT, **self.to_dict()}, indent=1) + "\n", encoding="utf-8")
        elif format == "python":
            path.write_text(self.python_source(), encoding="utf-8")
        elif format == "latex":
            path.write_text(f"{self.latex()}\n", encoding="utf-8")
        else:
            path.write_text(f"{self.expression}\n", encoding="utf-8")
        return path


def versus(law: Discovery, network: dict[str, dict[str, float]]) -> list[dict[str, object]]:
    """The law beside the network on each set both were measured on (`network`: the network's
    metrics for the law's output, per set): its name, then rRMSE and max |err| of each."""
    return [
        {
            "set": name,
            "network rRMSE": network[name]["rrmse"],
            "law rRMSE": measured["rrmse"],
            "network max |err|": network[name]["max_abs_error"],
            "law max |err|": measured["max_abs_error"],
        }
        for name, measured in law.evaluation.items()
        if name in network
    ]


def readable(expression: sympy.Expr) -> str:
    """`expression` as text with its fitted (floating) coefficients to SHOWN_DIGITS digits; exact
    ones (1/10, 2*pi) as they are."""
    return str(expression.xreplace({f: sympy.Float(f, SHOWN_DIGITS) for f in expression.atoms(sympy.Float)}))


def read(path: str | Path) -> Discovery:
    """The law a json export holds (law.json)."""
    path = Path(path)
    try:
        values = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise NnfitError(f"{path} cannot be read as a law ({exc})") from None
    if not isinstance(values, dict) or values.get("format") != JSON_FORMAT:
        raise NnfitError(f'{path} is not a law written by nnfit (no "format": "{JSON_FORMAT}")')
    return Discovery.from_dict(values)


def _symbols(inputs: tuple[str, ...]) -> list[sympy.Symbol]:
    return [sympy.Symbol(name, real=True) for name in inputs]


def _as_formula(expression: sympy.Expr | None, inputs: tuple[str, ...]) -> tuple[list[str], str | None]:
    """The names to write the law over, and its text over them: each input's own name where
    Python and nnfit's parser read it as a name, else x0, x1, ... by position."""

    def usable(name: str) -> bool:
        return name.isidentifier() and not keyword.iskeyword(name) and name not in CONSTANTS and name not in FUNCTIONS

    taken = set(inputs)
    arguments = [name if usable(name) else _free(f"x{i}", taken) for i, name in enumerate(inputs)]
    if expression is None:
        return arguments, None
    renamed = expression.xreplace({s: sympy.Symbol(a, real=True) for s, a in zip(_symbols(inputs), arguments)})
    return arguments, str(renamed)


def _free(name: str, taken: set[str]) -> str:
    """`name`, with underscores added until no input has it."""
    while name in taken:
        name += "_"
    taken.add(name)
    return name


def to_onnx(law: Discovery):
    """The law as an onnx.ModelProto: input "X" (n, d), output "Y" (n, 1), float64, built from the
    expression's own operations (sums, products, powers, sin, cos, exp, log, sqrt, abs)."""
    package = onnx()
    helper, numpy_helper = package.helper, package.numpy_helper
    expression = law._claimed()
    initializers: list[Any] = []
    nodes: list[Any] = []

    def node(op: str, *inputs: str) -> str:
        output = f"{op.lower()}{len(nodes)}"
        nodes.append(helper.make_node(op, list(inputs), [output]))
        return output

    def constant(value: float | list[int], dtype: Any = np.float64) -> str:
        name = f"c{len(initializers)}"
        initializers.append(numpy_helper.from_array(np.asarray(value, dtype), name))
        return name

    columns = {
        symbol: node("Slice", "X", constant([i], np.int64), constant([i + 1], np.int64), constant([1], np.int64))
        for i, symbol in enumerate(law._symbols)
    }
    unary = {sympy.sin: "Sin", sympy.cos: "Cos", sympy.exp: "Exp", sympy.log: "Log", sympy.Abs: "Abs"}

    def build(e: sympy.Expr) -> str:
        if e in columns:
            return columns[e]
        if e.is_number:
            return constant(float(e))
        if isinstance(e, sympy.Add | sympy.Mul):
            op = "Add" if isinstance(e, sympy.Add) else "Mul"
            parts = [build(a) for a in e.args]
            result = parts[0]
            for part in parts[1:]:
                result = node(op, result, part)
            return result
        if isinstance(e, sympy.Pow):
            base, exponent = e.args
            if exponent == sympy.Rational(1, 2):
                return node("Sqrt", build(base))
            if exponent == -1:
                return node("Reciprocal", build(base))
            return node("Pow", build(base), constant(float(exponent)))
        if e.func in unary and len(e.args) == 1:
            return node(unary[e.func], build(e.args[0]))
        raise NnfitError(f"the law holds {e.func.__name__}, which the ONNX export does not write; export it as python")

    result = build(expression)
    if not expression.free_symbols:  # a constant law: broadcast to one value per row
        result = node("Add", node("Mul", columns[law._symbols[0]], constant(0.0)), result)
    nodes.append(helper.make_node("Identity", [result], ["Y"]))
    doc = f"{law.output} = {expression}; X columns: {', '.join(law.inputs)}"
    meta = {"nnfit.law": json.dumps(law.to_dict())}
    return onnx_model(
        "nnfit-law", nodes, initializers, package.TensorProto.DOUBLE, (len(law.inputs), 1), doc=doc, meta=meta
    )
