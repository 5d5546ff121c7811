"""Laws that are a product of powers of some inputs times a law of the rest: r*F*sin(theta),
m_0/sqrt(1 - v**2/c**2), n_0*exp(-m*g*x/(kb*T)). Where neither the output nor a transform of it
gives a law, each likely product M is tried in turn: M times a sum of the library's terms is a sum
too, searched and claimed as the output's own sums are (noisy rows included); then M * h^-1(law of
h(y / M)), a transform of the quotient, claimed as a transformed law is (`_transformed`).

This is AI Feynman's multiplicative separability without its oracle: the exponents of M are read
from one log-log fit of the rows, and a wrong M costs only a search, since no quotient of exact rows
by a wrong product is a short sum at round-off, and the noisy sums are held to every test a sum is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from fractions import Fraction
from typing import Any

import numpy as np
import sympy

from ._budget import Budget
from ._discovery import Discovery, readable
from ._search import ROUND_OFF, search
from ._transformed import other_forms, search_transformed, shared, transformed

WHOLE = 0.1  # an exponent within this of a whole or half number is read as that number: a factor's
# exponent is fitted to 0.02 or better on 1 600 exact rows, the others' land anywhere
CLOSE = 0.02  # of the unweighted fit, an exponent this near a whole number: the least biased reading
HALVES = 2  # exponents are whole or half numbers: x**2, 1/x, sqrt(x)
NOISY_TERMS = 2  # terms of a product times a sum claimed from noisy rows at most
CANCELLING = 10.0  # times a sum's size that its terms may reach before they are cancelling one another
SEPARABLE = 0.02  # of the log-log fit's residual, a curve in one input's log explains ~5/n by chance


def search_factored(
    X: np.ndarray,
    y: np.ndarray,
    X_val: np.ndarray,
    y_val: np.ndarray,
    names: Sequence[str],
    *,
    budget: Budget | None = None,
    **options: Any,
) -> Discovery:
    """`search_transformed` for a law of y over training rows X (n, d), y (n,), judged on X_val,
    y_val, with `options` as `search` takes them; where none is claimed, for each product of powers
    M of the positive inputs (`factors`) in turn, the sums M * (sum of terms) as `search` claims
    them, then M * h^-1(law of h(y / M)) as `transformed` claims it. `budget`: the time all of it
    must fit in (no limit when None); an answer without a law names what it left untried."""
    budget = shared(X, X_val, names, options, budget)
    # the forms that are not sums last, after every product: m_0/sqrt(1 - v**2/c**2) is m_0 times a
    # transformed sum before it is the root of a ratio, sqrt(c**2*m_0**2/(c**2 - v**2)), whose sign
    # beyond the data is lost
    found = search_transformed(X, y, X_val, y_val, names, budget=budget, forms=False, **options)
    if found.expression is not None:
        return found
    symbols = [sympy.Symbol(name, real=True) for name in names]
    for factor in factors(X, y, symbols):
        if not budget.allows(f"{readable(factor)} times a law"):
            continue
        function = sympy.lambdify(symbols, factor, modules="numpy")
        with np.errstate(all="ignore"):
            scale, scale_val = function(*X.T) * np.ones(len(X)), function(*X_val.T) * np.ones(len(X_val))
        # M * (a sum of terms) is a sum too, of the terms times M: searched, and claimed, as the
        # output's own sums are, on noisy rows as well
        scaled = options["design"].times(factor, scale, scale_val)
        plain = search(X, y, X_val, y_val, names, **{**options, "design": scaled})
        if plain.expression is not None:
            if _short(plain) and not _cancelling(plain.expression, symbols, X):
                law, measured = plain.evidence.split(": ", 1)
                return replace(
                    plain, evidence=f"{law}: the output over {readable(factor)} is a sum of terms; {measured}"
                )
            plain = replace(plain, expression=None)
        inner = transformed(X, y, X_val, y_val, names, plain, budget=budget, factor=factor, **options)
        if inner.expression is not None:
            return inner
    found = other_forms(X, y, X_val, y_val, names, found, budget=budget, **options)
    return found if found.expression is not None else replace(found, evidence=found.evidence + budget.note())


def _short(found: Discovery) -> bool:
    """Whether a product times a sum may be claimed: at round-off always, from noisy rows only with
    at most NOISY_TERMS terms. Each product tried is another chance for an approximation to pass
    the claim's tests (-m*q**4/(8*epsilon**2*h**2*n**2) with 1 % noise, as that product's
    q**2 times 2.31 - 1.13*q - 1.17*sin(q)/q); the factored laws measured hold one or two terms."""
    return found.floor <= ROUND_OFF or len(sympy.Add.make_args(found.expression)) <= NOISY_TERMS


def _cancelling(expression: sympy.Expr, symbols: Sequence[sympy.Symbol], X: np.ndarray) -> bool:
    """Whether the sum's terms cancel one another on rows X (n, d): on average they are more than
    CANCELLING times the size of what they add up to. A law's terms seldom do, an approximation's
    large coefficients of opposite signs often (m_0*v/sqrt(1 - v**2/c**2) with 1 % noise, as
    m_0 times -126.7*c*sin(v/c) + 41.3*v*cos(v/c) + 86.4*v: 40 times). Products are tried several
    to a search, each another chance for an approximation to pass the claim's tests."""
    terms = sympy.Add.make_args(expression)
    if len(terms) < 2:
        return False
    function = sympy.lambdify(list(symbols), list(terms), modules="numpy")
    with np.errstate(all="ignore"):
        values = np.column_stack([np.broadcast_to(np.asarray(v, dtype=np.float64), (len(X),)) for v in function(*X.T)])
    total = float(np.mean(np.abs(values.sum(axis=1))))
    return not total > 0 or float(np.mean(np.abs(values).sum(axis=1))) > CANCELLING * total


def factors(X: np.ndarray, y: np.ndarray, symbols: Sequence[sympy.Symbol]) -> list[sympy.Expr]:
    """Products of powers of the positive inputs that y (n,) over X (n, d) may be divided by, most
    likely first. From the log-log fit of |y| on every positive input, each row weighted by |y|
    (rows near zero, where log|y| runs off, count little): the exponents within WHOLE of a whole or
    half number, of the inputs that look separable (`_separable`), then the same with whole numbers
    only, then of every input; last, the exponents within CLOSE of a whole number in the unweighted
    fit. Empty where no exponent qualifies, or y is 0."""
    positive = np.all(X > 0, axis=0)
    nonzero = y != 0
    if not positive.any() or nonzero.sum() <= 2 * positive.sum() + 5:
        return []
    weight = np.abs(y[nonzero]) / np.abs(y).max()
    logs = np.log(X[nonzero][:, positive])
    design = np.column_stack([np.ones(nonzero.sum()), logs])
    target = np.log(np.abs(y[nonzero]))
    solution = np.linalg.lstsq(design * weight[:, None], target * weight, rcond=None)[0]
    separable = _separable(logs, target - design @ solution, weight)
    # unweighted, a factor's exponent is fitted without the bias the weights bring where the rest
    # of the law is steep (I_0 in I_0*(exp(q*Volt/(kb*T)) - 1): 1.00-1.01 unweighted, 0.99-1.10 weighted)
    plain = np.linalg.lstsq(design, target, rcond=None)[0]
    chosen = [s for s, ok in zip(symbols, positive) if ok]
    products: list[sympy.Expr] = []
    for fit, denominator, tolerance, only_separable in (
        (solution, HALVES, WHOLE, True),
        (solution, 1, WHOLE, True),
        (solution, HALVES, WHOLE, False),
        (plain, 1, CLOSE, False),
    ):
        kept = []
        for symbol, exponent, apart in zip(chosen, fit[1:], separable):
            power = Fraction(float(exponent)).limit_denominator(denominator)
            if power != 0 and abs(float(power) - exponent) <= tolerance and (apart or not only_separable):
                kept.append(symbol ** sympy.Rational(power))
        product = sympy.Mul(*kept)
        if kept and product not in products:
            products.append(product)
    return products


def _separable(logs: np.ndarray, residual: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Which inputs log|y| is a straight line in, the rest held: (d,) bools, from the log-log fit's
    residual (n,) over the inputs' logs (n, d). Where y = x**p * g(rest), the residual is g's part,
    which no curve in x alone explains; where x enters otherwise, a curve in log x explains more
    than SEPARABLE of it (cos(theta) over 1..3: most of it)."""
    squared = weight**2  # the fits scale each row by its weight: they weigh its square
    mean = np.average(residual, weights=squared)
    total = float(np.average((residual - mean) ** 2, weights=squared)) or 1.0
    explained = []
    for column in logs.T:
        centred = column - np.average(column, weights=squared)
        basis = np.column_stack([np.ones(len(column)), centred**2, centred**3, np.exp(column), np.exp(-column)])
        fitted = basis @ np.linalg.lstsq(basis * weight[:, None], residual * weight, rcond=None)[0]
        explained.append(float(np.average((fitted - mean) ** 2, weights=squared)) / total)
    return np.array(explained) <= SEPARABLE
