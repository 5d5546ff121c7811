"""Laws that are a sum of the library's terms only after a transform of the output: the distance
sqrt((x2 - x1)**2 + (y2 - y1)**2), whose square is a sum of six products, 1/(1/d1 + n/d2), whose
reciprocal is a sum of two, or asin(n*sin(theta)), whose sine is one term. Each transform h is
searched in turn where the output itself gave no law. y = h^-1(sum) is claimed where it reaches
round-off in the output's own units; on noisy rows, where a transform stretches the noise unevenly,
only once its coefficients are refit on y itself and it passes there the tests a sum of y's terms
passes (the noise floor, residuals like noise, extrapolation). Last come FORMS that are not sums
(`_rational`, `_offset`), of the output and of its transforms, claimed at round-off only.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol

import numpy as np
import sympy

from ._budget import Budget
from ._claim import Shape, doubt, neighbours
from ._discovery import Candidate, Discovery, readable
from ._offset import search_offset
from ._rational import search_rational
from ._search import MIN_R2, NOISE_SLACK, ROUND_OFF, law_rrmse, search
from ._terms import DEGREE, EXP_RANGE, Design


@dataclass(frozen=True)
class Transform:
    """h: its name as a person reads it, h on NumPy values, h^-1 on a SymPy expression, and the
    outputs it is defined on (all of y)."""

    name: str
    forward: Callable[[np.ndarray], np.ndarray]
    inverse: Callable[[sympy.Expr], sympy.Expr]
    defined: Callable[[np.ndarray], bool]


def _positive(y: np.ndarray) -> bool:
    return bool(np.all(y > 0))


IDENTITY = Transform("y", lambda y: y, lambda e: e, lambda y: True)
TRANSFORMS = (
    Transform("y**2", np.square, sympy.sqrt, _positive),
    Transform("1/y", np.reciprocal, lambda e: 1 / e, lambda y: bool(np.all(y > 0) or np.all(y < 0))),
    Transform("1/y**2", lambda y: 1 / y**2, lambda e: 1 / sympy.sqrt(e), _positive),
    Transform("sqrt(y)", np.sqrt, lambda e: e**2, lambda y: bool(np.all(y >= 0))),
    Transform("1/sqrt(y)", lambda y: 1 / np.sqrt(y), lambda e: 1 / e**2, _positive),
    Transform("log(y)", np.log, sympy.exp, _positive),
    Transform("exp(y)", np.exp, sympy.log, lambda y: bool(np.all(np.abs(y) <= EXP_RANGE))),
    # asin(n*sin(theta)): sin is one-to-one only on [-pi/2, pi/2], where asin undoes it
    Transform("sin(y)", np.sin, sympy.asin, lambda y: bool(np.all(np.abs(y) <= np.pi / 2))),
)


def search_transformed(
    X: np.ndarray,
    y: np.ndarray,
    X_val: np.ndarray,
    y_val: np.ndarray,
    names: Sequence[str],
    *,
    budget: Budget | None = None,
    forms: bool = True,
    **options: Any,
) -> Discovery:
    """`search` for a law of y over training rows X (n, d), y (n,), judged on X_val, y_val, with
    `options` as `search` takes them (output, exact, degree, design); where none is claimed, the same for
    h(y) with each of TRANSFORMS in turn, the first y = h^-1(law of h(y)) at round-off on the
    validation rows claimed, then, `forms`, the FORMS that are not sums (`other_forms`). `budget`:
    the time the transforms must fit in, which learns a search's time from the first; no limit
    when None."""
    budget = shared(X, X_val, names, options, budget)
    budget.starting("sums of the library's terms")
    found = search(X, y, X_val, y_val, names, **options)
    return transformed(X, y, X_val, y_val, names, found, budget=budget, forms=forms, **options)


def shared(
    X: np.ndarray, X_val: np.ndarray, names: Sequence[str], options: dict[str, Any], budget: Budget | None
) -> Budget:
    """What every stage of a search of rows X, X_val shares: the library's columns, made once into
    `options["design"]`, and the budget (no limit when None), returned."""
    options["design"] = options.get("design") or Design.of(X, X_val, names, options.get("degree", DEGREE))
    return budget or Budget.starting_now(None)


def transformed(
    X: np.ndarray,
    y: np.ndarray,
    X_val: np.ndarray,
    y_val: np.ndarray,
    names: Sequence[str],
    found: Discovery,
    *,
    budget: Budget,
    factor: sympy.Expr = sympy.S.One,
    forms: bool = True,
    **options: Any,
) -> Discovery:
    """`found`, the search of y itself, if it claims a law; else, for h in TRANSFORMS that `budget`
    leaves time for, the first y = factor * h^-1(law of h(y / factor)) that holds: at round-off on
    the validation rows, or, where h(y / factor) has a law at its own noise floor, refit on y
    (`_refit`) and at y's floor, held there to the tests a sum is held to; then, `forms`, the
    FORMS that are not sums (`other_forms`). `factor`: a product of powers of the inputs
    (`_factored.factors`), 1 for the output itself. As `found` with that law claimed."""
    if found.expression is not None:
        return found
    symbols = [sympy.Symbol(name, real=True) for name in names]
    over = "" if factor == 1 else f"the output over {readable(factor)}: "
    q, q_val = _quotient(X, y, factor, symbols), _quotient(X_val, y_val, factor, symbols)
    for transform in TRANSFORMS:
        if not (transform.defined(q) and transform.defined(q_val)) or not budget.allows(
            f"{readable(factor)} times a law of {transform.name}" if over else transform.name
        ):
            continue
        with np.errstate(all="ignore"):
            inner = search(X, transform.forward(q), X_val, transform.forward(q_val), names, **options)
        if inner.expression is not None:
            terms = len(sympy.Add.make_args(inner.expression))
            law = factor * transform.inverse(inner.expression)
            error = law_rrmse(law, symbols, X_val, y_val)
            if error <= ROUND_OFF:
                evidence = (
                    f"{readable(law)}: {over}{transform.name} is a sum of {terms} terms, "
                    f"{readable(inner.expression)}; validation rRMSE {error:.3g}, at round-off"
                )
                return replace(found, expression=law, floor=ROUND_OFF, evidence=evidence)
        if inner.floor <= ROUND_OFF:  # exact rows: a law at round-off or none
            continue
        simplest = _simplest(inner, fewer_than=_simplest_terms(found), log=transform.name == "log(y)")
        for candidate in simplest:
            shape = Shape.inverted(
                Shape.of_sum(candidate.expression, symbols).terms, symbols, transform.inverse, factor
            )
            refit = _refit(shape, transform, candidate.expression, (X, y), (X_val, y_val), floor=found.floor)
            if refit is not None:
                law, error = refit
                evidence = (
                    f"{readable(law)}: {over}{transform.name} is a sum of {candidate.terms} terms, refit on the "
                    f"output: validation rRMSE {error:.3g}, at the noise floor {found.floor:.3g}"
                )
                return replace(found, expression=law, evidence=evidence)
    if not forms:
        return found
    return _with(found, _exact_form(X, y, X_val, y_val, names, (q, q_val), budget=budget, factor=factor, **options))


def other_forms(
    X: np.ndarray,
    y: np.ndarray,
    X_val: np.ndarray,
    y_val: np.ndarray,
    names: Sequence[str],
    found: Discovery,
    *,
    budget: Budget,
    factor: sympy.Expr = sympy.S.One,
    **options: Any,
) -> Discovery:
    """`found` with the first law y = factor * h^-1(g) of FORMS, g not a sum, that `budget` leaves
    time for and that reaches round-off on the validation rows claimed (`found` itself where none
    does): training rows X (n, d), y (n,), validation rows X_val, y_val, `options` as `search` takes
    them, `options["design"]` made."""
    symbols = [sympy.Symbol(name, real=True) for name in names]
    quotient = _quotient(X, y, factor, symbols), _quotient(X_val, y_val, factor, symbols)
    return _with(found, _exact_form(X, y, X_val, y_val, names, quotient, budget=budget, factor=factor, **options))


def _with(found: Discovery, exact: tuple[sympy.Expr, str] | None) -> Discovery:
    """`found` with the law of a form at round-off and its evidence claimed; `found` when None."""
    return found if exact is None else replace(found, expression=exact[0], floor=ROUND_OFF, evidence=exact[1])


def _quotient(X: np.ndarray, y: np.ndarray, factor: sympy.Expr, symbols: Sequence[sympy.Symbol]) -> np.ndarray:
    """y (n,) over the factor's values at rows X (n, d)."""
    with np.errstate(all="ignore"):
        return y / (sympy.lambdify(list(symbols), factor, modules="numpy")(*X.T) * np.ones(len(X)))


class FormSearch(Protocol):
    """The search for a law of one form that is not a sum (`search_rational`, `search_offset`)."""

    def __call__(
        self,
        X: np.ndarray,
        y: np.ndarray,
        X_val: np.ndarray,
        y_val: np.ndarray,
        names: Sequence[str],
        *,
        design: Design,
        output: str = "y",
    ) -> sympy.Expr | None:
        """The law of that form over training rows X (n, d), y (n,) with `design`'s terms, if one
        reaches round-off on the validation rows X_val (m, d), y_val (m,); else None."""


# forms other than a sum, found by a search of their own and claimed at round-off only: h(y) as a
# ratio of sums (`_rational`), then exp of a sum less a constant (`_offset`), of y and of 1/y
FORMS: tuple[tuple[Transform, str, FormSearch], ...] = (
    *((transform, "a ratio of sums", search_rational) for transform in (IDENTITY, *TRANSFORMS)),
    *((transform, "exp(a sum) - c", search_offset) for transform in (IDENTITY, TRANSFORMS[1])),
)


def _exact_form(
    X: np.ndarray,
    y: np.ndarray,
    X_val: np.ndarray,
    y_val: np.ndarray,
    names: Sequence[str],
    quotient: tuple[np.ndarray, np.ndarray],
    *,
    budget: Budget,
    factor: sympy.Expr,
    **options: Any,
) -> tuple[sympy.Expr, str] | None:
    """The first y = factor * h^-1(g) of FORMS that `budget` leaves time for, g found for h of the
    `quotient` y / factor on the training and validation rows, that reaches round-off on the
    validation rows; with its evidence."""
    (q, q_val), symbols = quotient, [sympy.Symbol(name, real=True) for name in names]
    over = "" if factor == 1 else f"the output over {readable(factor)}: "
    for transform, form, find in FORMS:
        stage = f"{transform.name} as {form}"
        if not (transform.defined(q) and transform.defined(q_val)) or not budget.allows(
            f"{readable(factor)} times {stage}" if over else stage
        ):
            continue
        with np.errstate(all="ignore"):
            h, h_val = transform.forward(q), transform.forward(q_val)
        inner = find(X, h, X_val, h_val, names, design=options["design"], output=options.get("output", "y"))
        if inner is None:
            continue
        law = factor * transform.inverse(inner)
        error = law_rrmse(law, symbols, X_val, y_val)
        if error <= ROUND_OFF:
            evidence = (
                f"{over}{transform.name} is {form}, {readable(inner)}; validation rRMSE {error:.3g}, at round-off"
            )
            return law, f"{readable(law)}: {evidence}"
    return None


def _simplest_terms(found: Discovery) -> float:
    """The fewest terms of a sum at `found`'s noise floor, inf where none is."""
    return min((c.terms for c in found.candidates if c.val_rrmse <= NOISE_SLACK * found.floor), default=math.inf)


def _simplest(inner: Discovery, *, fewer_than: float, log: bool) -> list[Candidate]:
    """The simplest sums at the noise floor of h(y)'s search, each of fewer terms than `fewer_than`.
    They are judged on y, not on h(y), whose noise the transform makes uneven (1/y of noisy rows:
    1/d1 + n/d2 fails h(y)'s extrapolation test, since the outer rows' noise is larger); and only
    if simpler than any sum of y's terms at y's floor, as a richer law is likelier an approximation
    (log of an 8-term sum, for exp(-theta**2/2)/sqrt(2*pi) with 1 % noise), and `_algebraic` (`log`:
    the transform is log(y))."""
    at_floor = [c for c in inner.candidates if c.val_rrmse <= NOISE_SLACK * inner.floor]
    fewest = min((c.terms for c in at_floor), default=math.inf)
    return [c for c in at_floor if c.terms == fewest < fewer_than and _algebraic(c.expression, log)]


def _algebraic(expression: sympy.Expr, log: bool) -> bool:
    """Whether every term of a sum is a product of powers of the inputs (and, under log(y), the log
    of one too, as exp undoes it into a power): the shapes of the transformed laws measured on noisy
    rows. With exp, sin or cos inside, a transform of noisy rows fits approximations that pass every
    test (m*(1.006*c*exp(-v/c) + 0.931*v)**2 for m*c**2/sqrt(1 - v**2/c**2) with 1 % noise)."""
    for term in sympy.Add.make_args(expression):
        for factor in sympy.Mul.make_args(term):
            base = factor.args[0] if factor.is_Pow else factor
            if factor.is_number or base.is_Symbol:
                continue
            if not (log and isinstance(base, sympy.log) and all(_algebraic(a, False) for a in base.args)):
                return False
    return True


def _refit(
    shape: Shape,
    transform: Transform,
    inner: sympy.Expr,
    rows: tuple[np.ndarray, np.ndarray],
    val: tuple[np.ndarray, np.ndarray],
    *,
    floor: float,
) -> tuple[sympy.Expr, float] | None:
    """The law of `shape` (y = factor * h^-1(sum of `inner`'s terms)), its coefficients refit by
    nonlinear least squares on the training rows (X (n, d), y (n,)) in y's own units, where
    h(y)'s noise is uneven; with its validation rRMSE, if that is at y's noise `floor` and the law
    passes `doubt` there, else None."""
    (X, y), (X_val, y_val) = rows, val
    start = np.array([float(term.as_coeff_Mul()[0]) for term in sympy.Add.make_args(inner)])
    coefficients = shape.on(X).fit(y, start)
    law = shape.law(coefficients, transform.inverse)
    error = law_rrmse(law, shape.symbols, X_val, y_val)
    if not (error <= NOISE_SLACK * floor and 1 - error**2 >= MIN_R2):
        return None
    if doubt(law, shape, X, y, neighbours(X), start=coefficients):
        return None
    return law, error
