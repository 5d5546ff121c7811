"""Safe parsing of formula strings into SymPy expressions and vectorised NumPy functions.

The text is parsed with Python's `ast` module and every node is checked against a whitelist
(numbers, names, arithmetic, calls to the functions in `FUNCTIONS`) before a SymPy expression is
built from the tree node by node. User text never reaches `eval`, `exec` or `sympify`.
"""

from __future__ import annotations

import ast
import difflib
import math
import operator
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy

from ..errors import FormulaError

MAX_LENGTH = 2000  # characters; longer text is no formula a person types
MAX_DEPTH = 60  # nesting of the syntax tree; bounds recursion and SymPy's work
# A constant exponent beyond this is kept as a float: SymPy would otherwise compute powers such as
# 1000000**-1000000 exactly, which takes minutes and prints as a number too long to compile.
MAX_EXACT_EXPONENT = 64
# Integers beyond float64's exact range are compiled as floats: NumPy has no ufuncs for Python ints.
MAX_EXACT_INTEGER = 2**53
# What SymPy, its printer and NumPy raise on a whitelisted tree they cannot handle (an overflow,
# min/max of values that are not real): each is turned into a FormulaError naming the formula.
_NUMERIC_ERRORS = (ArithmeticError, ValueError, TypeError, KeyError, RecursionError, MemoryError)

# name -> (SymPy builder, allowed argument counts (lo, hi); hi None = unbounded)
FUNCTIONS: dict[str, tuple[Callable[..., sympy.Expr], tuple[int, int | None]]] = {
    "sin": (sympy.sin, (1, 1)),
    "cos": (sympy.cos, (1, 1)),
    "tan": (sympy.tan, (1, 1)),
    "asin": (sympy.asin, (1, 1)),
    "arcsin": (sympy.asin, (1, 1)),
    "acos": (sympy.acos, (1, 1)),
    "arccos": (sympy.acos, (1, 1)),
    "atan": (sympy.atan, (1, 1)),
    "arctan": (sympy.atan, (1, 1)),
    "sinh": (sympy.sinh, (1, 1)),
    "cosh": (sympy.cosh, (1, 1)),
    "tanh": (sympy.tanh, (1, 1)),
    "exp": (sympy.exp, (1, 1)),
    "log": (sympy.log, (1, 1)),
    "ln": (sympy.log, (1, 1)),
    "log10": (lambda a: sympy.log(a, 10), (1, 1)),
    "log2": (lambda a: sympy.log(a, 2), (1, 1)),
    "sqrt": (sympy.sqrt, (1, 1)),
    "abs": (sympy.Abs, (1, 1)),
    "sign": (sympy.sign, (1, 1)),
    "min": (sympy.Min, (2, None)),
    "max": (sympy.Max, (2, None)),
}
CONSTANTS: dict[str, sympy.Expr] = {"pi": sympy.pi, "e": sympy.E}

# Float versions of the same, used only to fold constant sub-expressions and catch overflow.
_FLOAT_FUNCTIONS: dict[str, Callable[..., float]] = {
    "sin": math.sin,
    "cos": math.cos,
    "tan": math.tan,
    "asin": math.asin,
    "arcsin": math.asin,
    "acos": math.acos,
    "arccos": math.acos,
    "atan": math.atan,
    "arctan": math.atan,
    "sinh": math.sinh,
    "cosh": math.cosh,
    "tanh": math.tanh,
    "exp": math.exp,
    "log": math.log,
    "ln": math.log,
    "log10": math.log10,
    "log2": math.log2,
    "sqrt": math.sqrt,
    "abs": abs,
    "sign": lambda a: float(np.sign(a)),
    "min": min,
    "max": max,
}
_BINARY = {
    ast.Add: (operator.add, "+"),
    ast.Sub: (operator.sub, "-"),
    ast.Mult: (operator.mul, "*"),
    ast.Div: (operator.truediv, "/"),
    ast.Pow: (operator.pow, "**"),
}
_UNARY: dict[type[ast.unaryop], Callable[[Any], Any]] = {ast.UAdd: operator.pos, ast.USub: operator.neg}


@dataclass(frozen=True)
class Formula:
    """One or more named outputs, each a SymPy expression of the input symbols."""

    text: str
    outputs: tuple[str, ...]
    expressions: tuple[sympy.Expr, ...]
    variables: tuple[str, ...]  # in order of first appearance in the text

    def compile(self, inputs: tuple[str, ...]) -> Callable[[np.ndarray], np.ndarray]:
        """A function mapping X (n, len(inputs)) float64 to Y (n, len(outputs)) float64.

        Where an output is not a real number (division by zero, a complex value) it is NaN.
        """
        symbols = [sympy.Symbol(name, real=True) for name in inputs]
        try:
            # lambdify prints the already-validated SymPy tree, never the user's text.
            functions = [sympy.lambdify(symbols, _numeric(e), modules="numpy") for e in self.expressions]
        except _NUMERIC_ERRORS as exc:
            raise FormulaError(
                f"cannot compile {self.text!r} ({_reason(exc)}) — simplify it, e.g. use smaller constants"
            ) from None

        def evaluate(X: np.ndarray) -> np.ndarray:
            X = np.asarray(X, dtype=np.float64)
            columns = [X[:, i] for i in range(X.shape[1])]
            try:
                with np.errstate(all="ignore"):  # NaN/inf are reported by the data checks
                    values = [_real(f(*columns), len(X)) for f in functions]
            except _NUMERIC_ERRORS as exc:
                raise FormulaError(
                    f"cannot evaluate {self.text!r} ({_reason(exc)}) — simplify it, e.g. use smaller constants"
                ) from None
            return np.stack(values, axis=1)

        return evaluate


def _numeric(expression: sympy.Expr) -> sympy.Expr:
    """`expression` ready for NumPy: complex infinity (x/0) as NaN, integers too large for float64
    arithmetic as floats."""
    large = {a: sympy.Float(a) for a in expression.atoms(sympy.Rational) if max(abs(a.p), a.q) > MAX_EXACT_INTEGER}
    return expression.xreplace({sympy.zoo: sympy.nan, **large})


def _real(values: object, n: int) -> np.ndarray:
    """Values as float64 of shape (n,); complex values are NaN unless their imaginary part is 0."""
    array = np.asarray(values)
    if np.iscomplexobj(array):
        array = np.where(array.imag == 0, array.real, np.nan)
    return np.broadcast_to(array.astype(np.float64), (n,))


def _reason(exc: BaseException) -> str:
    """The first line of an exception, short: SymPy's messages can quote a whole expression."""
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text if len(text) <= 120 else text[:117] + "..."


def parse(text: str) -> Formula:
    """Parse `text` such as ``"x^2 + 2*y"`` or ``"u = sin(x); v = x*y"`` into a `Formula`.

    `^` is power; outputs are separated by `;` and may be named with `name = expression`.
    Raises FormulaError with what is wrong and how to fix it.
    """
    if not isinstance(text, str) or not text.strip():
        raise FormulaError('the formula is empty — give an expression such as "x**2 + x"')
    if len(text) > MAX_LENGTH:
        raise FormulaError(f"the formula is {len(text)} characters long; at most {MAX_LENGTH} are accepted")
    parts = [p.strip() for p in text.split(";")]
    if any(not p for p in parts):
        raise FormulaError(f"empty output in {text!r}: separate several outputs with ';', e.g. \"x**2; sin(x)\"")
    named, expressions, variables = [], [], []
    for part in parts:
        name, body = _split_name(part)
        if name is not None and name in named:
            raise FormulaError(f"output name {name!r} is used twice in {text!r}")
        tree = _parse_ast(body)
        _check(tree.body, depth=0, source=body)
        _fold_constants(tree.body, source=body)
        names = sorted((n for n in ast.walk(tree.body) if isinstance(n, ast.Name)), key=lambda n: n.col_offset)
        for node in names:  # in the order they are written
            if node.id not in CONSTANTS and node.id not in FUNCTIONS and node.id not in variables:
                variables.append(node.id)
        named.append(name)
        expressions.append(_build(tree.body, source=body))
    if not variables:
        raise FormulaError(f'the formula {text!r} has no variables — a network needs at least one input, e.g. "x**2"')
    clash = [n for n in named if n in variables]
    if clash:
        raise FormulaError(f"{clash[0]!r} is both an output name and an input variable in {text!r}; rename the output")
    outputs = _default_names(named, taken=set(variables) | {n for n in named if n})
    return Formula(text, tuple(outputs), tuple(expressions), tuple(variables))


def _split_name(part: str) -> tuple[str | None, str]:
    """Split ``"z = x + y"`` into ("z", "x + y"); a part without a leading ``name =`` has no name."""
    match = re.match(r"^\s*([A-Za-z]\w*)\s*=(?!=)(.*)$", part, re.DOTALL)
    if not match:
        return None, part
    name, body = match.group(1), match.group(2).strip()
    if not body:
        raise FormulaError(f'output {name!r} has no expression: write "{name} = x**2 + y"')
    return name, body


def _default_names(named: list[str | None], taken: set[str]) -> list[str]:
    """Names for unnamed outputs: f (or f1, f2, ... for several), else y, z, out, avoiding `taken`."""
    for stem in ("f", "y", "z", "out"):  # the last is used even if taken: four clashes is contrived
        candidates = [stem] if len(named) == 1 else [f"{stem}{i + 1}" for i in range(len(named))]
        if not set(candidates) & taken:
            break
    return [name if name is not None else candidate for name, candidate in zip(named, candidates)]


def _parse_ast(body: str) -> ast.Expression:
    source = body.replace("^", "**")
    try:
        with warnings.catch_warnings():  # e.g. "invalid decimal literal" for 2x: the error says it
            warnings.simplefilter("ignore", SyntaxWarning)
            return ast.parse(source, mode="eval")
    except SyntaxError as exc:
        where = f" at character {exc.offset}" if exc.offset else ""
        raise FormulaError(
            f"cannot parse formula {body!r}{where}: {exc.msg} — check for a missing operand or bracket"
        ) from None
    except (ValueError, RecursionError, MemoryError) as exc:
        raise FormulaError(f"cannot parse formula {body!r} ({_reason(exc)}): simplify it") from None


def _check(node: ast.AST, depth: int, source: str) -> None:
    """Raise FormulaError unless every node below `node` is on the whitelist."""
    if depth > MAX_DEPTH:
        raise FormulaError(f"formula {source!r} is nested more than {MAX_DEPTH} levels deep; simplify it")
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
            raise FormulaError(
                f"{node.value!r} in {source!r} is not a number; formulas hold only numbers, "
                "variables, arithmetic and functions"
            )
        return
    if isinstance(node, ast.Name):
        if node.id.startswith("_"):
            raise FormulaError(f"name {node.id!r} in {source!r} is not allowed: variable names start with a letter")
        if node.id in FUNCTIONS:
            raise FormulaError(f"{node.id!r} is a function: call it, e.g. {node.id}(x)")
        return
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        _check(node.left, depth + 1, source)
        _check(node.right, depth + 1, source)
        return
    if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
        _check(node.operand, depth + 1, source)
        return
    if isinstance(node, ast.Call):
        for arg in _checked_call(node, source):
            _check(arg, depth + 1, source)
        return
    raise FormulaError(
        f"{_describe(node)} is not allowed in a formula ({source!r}); use numbers, variables, "
        "+ - * / ** ^ and functions such as sin(x)"
    )


def _checked_call(node: ast.Call, source: str) -> list[ast.expr]:
    """The arguments of a call, once the call itself is checked: a listed function by its plain
    name, with as many positional arguments as it takes; raises FormulaError naming what is not."""
    name = node.func.id if isinstance(node.func, ast.Name) else None
    if name is None:
        raise FormulaError(f"only the listed functions can be called in {source!r}: {', '.join(sorted(FUNCTIONS))}")
    if name not in FUNCTIONS:
        hint = difflib.get_close_matches(name, list(FUNCTIONS), n=1)
        suggestion = f" — did you mean {hint[0]}?" if hint else f"; known functions: {', '.join(sorted(FUNCTIONS))}"
        raise FormulaError(f"unknown function {name!r} in {source!r}{suggestion}")
    if node.keywords:
        raise FormulaError(f"{name}() takes no keyword arguments in {source!r}")
    lo, hi = FUNCTIONS[name][1]
    if len(node.args) < lo or (hi is not None and len(node.args) > hi):
        wanted = f"{lo}" if lo == hi else f"at least {lo}"
        plural = "s" if lo > 1 else ""
        raise FormulaError(f"{name}() takes {wanted} argument{plural}, got {len(node.args)} in {source!r}")
    if any(isinstance(arg, ast.Starred) for arg in node.args):
        raise FormulaError(f"'*' unpacking is not allowed in {source!r}")
    return list(node.args)


def _describe(node: ast.AST) -> str:
    names = {
        ast.Attribute: "attribute access ('.')",
        ast.Subscript: "indexing ('[]')",
        ast.Lambda: "a lambda",
        ast.Compare: "a comparison",
        ast.BoolOp: "'and'/'or'",
        ast.IfExp: "'if ... else'",
        ast.List: "a list",
        ast.Tuple: "a tuple",
        ast.Dict: "a dict",
        ast.BinOp: "this operator (only + - * / ** ^)",
        ast.UnaryOp: "this operator (only unary + and -)",
        ast.JoinedStr: "a string",
        ast.NamedExpr: "':='",
    }
    return names.get(type(node), f"'{type(node).__name__}'")


def _called(node: ast.Call) -> str:
    """The name of the function a checked call applies (_check admits only calls of a plain name)."""
    assert isinstance(node.func, ast.Name)
    return node.func.id


def _fold_constants(node: ast.AST, source: str) -> float | None:
    """The float value of `node` if it holds no variable, else None; raises on overflow.

    Catches constant towers such as 9**9**9 before SymPy would try to compute them exactly.
    """
    try:
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float):  # _check admits no other
            return float(node.value)
        if isinstance(node, ast.Name):
            if node.id in CONSTANTS:
                return float(CONSTANTS[node.id])
            return None
        if isinstance(node, ast.UnaryOp):
            value = _fold_constants(node.operand, source)
            return None if value is None else _UNARY[type(node.op)](value)
        if isinstance(node, ast.BinOp):
            left = _fold_constants(node.left, source)
            right = _fold_constants(node.right, source)
            if left is None or right is None:
                return None
            result = _BINARY[type(node.op)][0](left, right)
            if isinstance(result, complex):
                raise FormulaError(f"{ast.unparse(node)} in {source!r} is not a real number")
            return result
        if isinstance(node, ast.Call):
            values = [_fold_constants(a, source) for a in node.args]
            if any(v is None for v in values):
                return None
            return float(_FLOAT_FUNCTIONS[_called(node)](*values))
    except OverflowError:
        raise FormulaError(
            f"a constant in {source!r} ({ast.unparse(node)}) overflows float64 "
            "(largest about 1.8e308); use smaller numbers"
        ) from None
    except ZeroDivisionError:
        raise FormulaError(f"division by zero in {source!r} ({ast.unparse(node)})") from None
    except ValueError:
        raise FormulaError(f"{ast.unparse(node)} in {source!r} is not a real number") from None
    return None


def _build(node: ast.AST, source: str) -> sympy.Expr:
    """The SymPy expression of a whitelisted tree; raises FormulaError where SymPy cannot build it."""
    try:
        return _to_sympy(node)
    except _NUMERIC_ERRORS as exc:
        raise FormulaError(
            f"cannot build {source!r} ({_reason(exc)}) — check that min/max compare real "
            "numbers, and use smaller constants"
        ) from None


def _to_sympy(node: ast.AST) -> sympy.Expr:
    """Build the SymPy expression of a whitelisted node (see `_check`)."""
    if isinstance(node, ast.Constant):
        value = node.value
        return sympy.Integer(value) if isinstance(value, int) else sympy.Float(value)
    if isinstance(node, ast.Name):
        return CONSTANTS.get(node.id) or sympy.Symbol(node.id, real=True)
    if isinstance(node, ast.UnaryOp):
        operand = _to_sympy(node.operand)
        return -operand if isinstance(node.op, ast.USub) else operand
    if isinstance(node, ast.BinOp):
        right = _to_sympy(node.right)
        if isinstance(node.op, ast.Pow) and right.is_number and abs(float(right)) > MAX_EXACT_EXPONENT:
            right = sympy.Float(float(right))
        return _BINARY[type(node.op)][0](_to_sympy(node.left), right)
    if isinstance(node, ast.Call):
        return FUNCTIONS[_called(node)][0](*(_to_sympy(a) for a in node.args))
    raise AssertionError(f"unchecked node {node!r}")  # _check admits nothing else
