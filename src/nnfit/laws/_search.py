"""Closed forms found in data: a sparse search over a library of candidate terms.

Its candidate terms are `_terms.Library`'s: products of powers of the inputs, and sqrt, log, exp,
sin and cos of each input and of each product or ratio of two. Orthogonal matching pursuit (scikit-learn) adds one term at a time to a
sum; each sum is refit in float64 least squares, its coefficients are made rational where that
costs nothing, and it is measured on the validation rows. A product of powers of positive inputs
(m1*m2/r**2) is also fitted as a line in log-log coordinates.

A formula is claimed only at the data's noise floor: round-off for exact samples, else the noise
estimated from nearest neighbours and from the richest sum; and, for noisy data, only if its
residuals look like noise and, refit on the inner rows, it predicts the outer ones. A wrong
formula is worse than none: otherwise the answer is None, with the best candidates and their errors.
"""

from __future__ import annotations

import itertools
import math
import warnings
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import numpy as np
import scipy.linalg
import sympy

from ._claim import FLOAT_DIGITS, Shape, doubt, neighbours
from ._discovery import Candidate, Discovery, readable
from ._terms import DEGREE, Design, Library

ROUND_OFF = 1e-9  # validation rRMSE of an exact law on float64 samples: measured 1e-15 to 1e-12
MAX_TERMS = 8  # a sum of more terms is no simpler than the network it would replace
NOISE_SLACK = 1.1  # a candidate within 10 % of the noise floor is at the floor
MIN_R2 = 0.5  # a law explains at least half the variation: pure noise is never "y = its mean"
DENOMINATOR = 12  # coefficients are tried as fractions up to twelfths (1/3, 5/12, 2/7 aside)
FRACTION_MAX = 100  # of noisy rows, larger coefficients stay as fitted: the data cannot tell 4227.8 from 38050/9
SAME_SIGN = 0.95  # share of outputs of one sign for a product of powers to be tried
ROWS = 20_000  # training rows searched at most: a noise floor to a few %, and 1 000 terms in 160 MB
POOL = 24  # terms OMP adds before the subsets of its picks are searched
SUBSET = 3  # sums of up to this many of them are all scored: 2 324 small solves for a pool of 24
KEEP = 3  # of each size, the best sums on the training rows are measured on the validation rows


def search(
    X: np.ndarray,
    y: np.ndarray,
    X_val: np.ndarray,
    y_val: np.ndarray,
    names: Sequence[str],
    *,
    output: str = "y",
    exact: bool = False,
    degree: int = DEGREE,
    design: Design | None = None,
) -> Discovery:
    """Search the library for a law y = f(X): training rows X (n, d), y (n,); validation rows
    X_val, y_val. `exact`: the samples are known to be noiseless (a formula's), so the floor is
    round-off. `design`: the library's columns on these rows, made here when None."""
    from sklearn.linear_model import orthogonal_mp

    design = design or Design.of(X, X_val, names, degree)
    library, theta, theta_val = design.library, design.theta, design.theta_val
    usable = np.all(np.isfinite(theta), axis=0) & np.all(np.isfinite(theta_val), axis=0)
    scale = np.ones(theta.shape[1])
    with np.errstate(over="ignore"):
        scale[usable] = np.sqrt(np.mean(theta[:, usable] ** 2, axis=0))
    usable &= np.isfinite(scale) & (scale > 0)
    keep = np.flatnonzero(usable)
    spread = float(np.std(y_val)) or 1.0
    most = min(len(keep), len(X) - 1, POOL)
    with warnings.catch_warnings():  # a dictionary of dependent terms ends the path early: fine
        warnings.simplefilter("ignore", RuntimeWarning)
        path = orthogonal_mp(theta[:, keep] / scale[keep], y, n_nonzero_coefs=most, return_path=True)
    path = path.reshape(len(keep), -1)
    supports = [keep[np.flatnonzero(path[:, k])] for k in range(path.shape[1])]
    # OMP is greedy: among correlated terms (x**2 and x**1.5) its first pick can shut out the right
    # sum, so every sum of up to SUBSET terms of the pool it visited is scored on the training rows
    simple = [int(i) for i in keep if _low_order(library.terms[i], library.symbols)]
    centred = theta[:, keep] - theta[:, keep].mean(axis=0)
    with np.errstate(all="ignore"):
        correlation = np.abs(centred.T @ (y - y.mean())) / (
            np.linalg.norm(centred, axis=0) * np.linalg.norm(y - y.mean())
        )
    related = [int(keep[i]) for i in np.argsort(-np.nan_to_num(correlation))[:POOL]]
    picked = [int(i) for support in supports for i in support]
    singles = [
        int(i)
        for i in keep
        if isinstance(library.terms[i], sympy.Function | sympy.Pow) and len(library.terms[i].free_symbols) == 1
    ]
    pool = list(dict.fromkeys([*simple, *singles, *picked, *related]))
    supports += _best_subsets(theta[:, pool] / scale[pool], y, pool)
    candidates: dict[str, Candidate] = {}
    richest = math.inf
    for support in supports:
        if not len(support):
            continue
        candidate = _refit(library, np.asarray(support), theta, y, theta_val, y_val, spread=spread)
        richest = min(richest, candidate.val_rrmse)
        if candidate.terms <= MAX_TERMS:
            candidates.setdefault(str(candidate.expression), candidate)
    for power in _power_law(X, y, X_val, y_val, library.symbols, spread):
        candidates.setdefault(str(power.expression), power)
    # sums of like products of powers that the greedy picks miss, kept only at round-off: on noisy
    # rows, thresholding turns an approximation into a sum that looks like the law
    # (x**0.37*y + x with 1 % noise: a sum of five products claimed)
    monomials = [int(i) for i in keep if _product_of_powers(library.terms[i], library.symbols)]
    # and functions of one input alone: log(sigma) beside the products of a Gaussian's log
    functions = [
        int(i) for i in keep if isinstance(library.terms[i], sympy.Function) and len(library.terms[i].free_symbols) == 1
    ]
    for support in _thresholded(theta, y, scale, monomials + functions):
        candidate = _refit(library, support, theta, y, theta_val, y_val, spread=spread)
        if candidate.val_rrmse <= ROUND_OFF:
            candidates.setdefault(str(candidate.expression), candidate)
    ranked = tuple(sorted(candidates.values(), key=lambda c: (c.terms, c.val_rrmse)))
    # a candidate at round-off, a sum or a product of powers, shows the samples exact: no noise
    # could be fitted to 1e-9 by a law of a few terms, and a noise estimated from neighbours
    # (0.056 for q1*q2/(4*pi*epsilon*r**2) over four inputs and 2 000 rows) is then only the curvature
    # they cannot resolve
    exact = exact or min([richest, *(c.val_rrmse for c in ranked)]) <= ROUND_OFF
    nearest = neighbours(X)
    noise = float(np.sqrt(np.mean((y - y[nearest]) ** 2) / 2)) / spread
    floor = ROUND_OFF if exact else max(ROUND_OFF, min(richest, noise))
    at_floor = [c for c in ranked if c.val_rrmse <= NOISE_SLACK * floor and 1 - c.val_rrmse**2 >= MIN_R2]
    # only the simplest sums at the floor may be claimed: where they fail the tests below, a richer
    # sum that passes them is more likely an approximation than the law
    simplest = [c for c in at_floor if c.terms == at_floor[0].terms]
    judged = [(c, "" if exact else _doubt_sum(c.expression, library.symbols, X, y, nearest)) for c in simplest]
    sound = [c for c, doubt in judged if not doubt]
    best = min(ranked, key=lambda c: c.val_rrmse, default=None)
    if sound:
        chosen = sound[0]
        evidence = (
            f"{readable(chosen.expression)}: validation rRMSE {chosen.val_rrmse:.3g}, at the noise floor {floor:.3g}, "
            f"with {chosen.terms} of {len(library.terms)} terms"
        )
        return Discovery(output, tuple(names), chosen.expression, ranked, floor, evidence, len(library.terms))
    if judged:
        (first, doubt), *_ = judged
        evidence = (
            f"no closed form was claimed: the simplest at the noise floor {floor:.3g}, "
            f"{readable(first.expression)}, {doubt}"
        )
    else:
        evidence = (
            "no closed form was found in the library: the best, "
            + (f"{readable(best.expression)}, has validation rRMSE {best.val_rrmse:.3g}" if best else "none")
            + f", above the noise floor {floor:.3g}"
        )
    return Discovery(output, tuple(names), None, ranked, floor, evidence, len(library.terms))


def _doubt_sum(
    expression: sympy.Expr, symbols: Sequence[sympy.Symbol], X: np.ndarray, y: np.ndarray, nearest: np.ndarray
) -> str:
    """`doubt` of a sum of terms, its numeric factors the coefficients."""
    shape = Shape.of_sum(expression, symbols)
    coefficients = np.array([float(term.as_coeff_Mul()[0]) for term in sympy.Add.make_args(expression)])
    return doubt(expression, shape, X, y, nearest, start=coefficients)


def _product_of_powers(term: sympy.Expr, symbols: Sequence[sympy.Symbol]) -> bool:
    """A constant or a product of integer powers of the inputs: m*v**2, q1*q2/r**2."""
    return all(base in symbols and power.is_Integer for base, power in term.as_powers_dict().items() if base != 1)


def _thresholded(theta: np.ndarray, y: np.ndarray, scale: np.ndarray, terms: Sequence[int]) -> list[np.ndarray]:
    """The sums of the largest 1 to MAX_TERMS of `terms` (products of powers) in a least-squares fit
    of y over all of them, refit each time the smallest are dropped (SINDy's sequential
    thresholding). Greedy picks miss sums of like terms: of m*(v**2 + u**2 + w**2)/2, OMP took
    m*sqrt(v*w) first, and each of m*v**2, m*u**2, m*w**2 alone is less correlated with y than
    thirty other terms; the whole fit of exact rows gives them their coefficients and the rest 0."""
    support = np.asarray(terms, dtype=int)
    if not 0 < len(support) < len(y):
        return []
    chosen = []
    while len(support):
        # QR with column pivoting (LAPACK's gelsy): 4x faster than the SVD on 1 200 rows of 800
        # monomials of six inputs, and as good at ranking the weights
        columns = theta[:, support] / scale[support]
        weights = scipy.linalg.lstsq(columns, y, lapack_driver="gelsy", check_finite=False)[0]
        if len(support) <= MAX_TERMS:
            chosen.append(support)
        # half of the excess at a time down to MAX_TERMS terms, then one at a time
        dropped = max(1, (len(support) - MAX_TERMS) // 2)
        support = np.delete(support, np.argsort(np.abs(weights))[:dropped])
    return chosen


def _low_order(term: sympy.Expr, symbols: Sequence[sympy.Symbol]) -> bool:
    """A constant, an input, or a product of two inputs or a square: the terms most laws are made of."""
    return term.is_polynomial(*symbols) and sympy.Poly(term, *symbols).total_degree() <= 2


def _best_subsets(theta: np.ndarray, y: np.ndarray, pool: Sequence[int]) -> list[np.ndarray]:
    """Of the sums of 1 to SUBSET columns of `theta` (n, len(pool)), the KEEP with the least squared
    residual for each size, by the normal equations solved all at once; as indices into the library."""
    gram, moment = theta.T @ theta, theta.T @ y
    gram += np.eye(len(gram)) * 1e-12 * np.trace(gram) / len(gram)  # dependent pairs: singular, not an error
    chosen: list[np.ndarray] = []
    for size in range(1, min(SUBSET, len(pool)) + 1):
        subsets = np.array(list(itertools.combinations(range(len(pool)), size)))
        blocks = gram[subsets[:, :, None], subsets[:, None, :]]
        rights = moment[subsets]
        solutions = np.linalg.solve(blocks, rights[..., None])[..., 0]
        explained = np.einsum("ij,ij->i", rights, solutions)  # the squared residual is |y|^2 less this
        for best in np.argsort(-explained)[:KEEP]:
            chosen.append(np.array([pool[i] for i in subsets[best]]))
    return chosen


def _refit(
    library: Library,
    support: np.ndarray,
    theta: np.ndarray,
    y: np.ndarray,
    theta_val: np.ndarray,
    y_val: np.ndarray,
    *,
    spread: float,
) -> Candidate:
    """The sum of the `support` terms refit by least squares, coefficients made rational where the
    validation error does not grow, the terms that drop out removed."""
    coefficients = np.linalg.lstsq(theta[:, support], y, rcond=None)[0]
    error = _rrmse(theta_val[:, support] @ coefficients, y_val, spread)
    values: list[Any] = [sympy.Float(c, FLOAT_DIGITS) for c in coefficients]
    tried, exact = error, False
    # plain fractions where they cost nothing; multiples of pi only to round-off, as noisy data
    # fit some fraction of pi about as well as any value (1.0004 is 22/(7*pi) to 4e-5)
    for with_pi, tolerance in ((False, max(error * 1.0001, ROUND_OFF)), (True, ROUND_OFF)):
        simple = [_simple(c, with_pi) if _rational(c, error) else sympy.Float(c, FLOAT_DIGITS) for c in coefficients]
        tried = _rrmse(theta_val[:, support] @ np.array([float(v) for v in simple]), y_val, spread)
        if tried <= tolerance:
            values, exact = simple, True
            break
    if not exact and error <= ROUND_OFF:  # an exact sum with one constant no fraction spells (log(sqrt(2*pi)))
        values, tried = _rationalised_each(values, theta_val[:, support], y_val, spread)
        exact = True
    terms = [(v, library.terms[i]) for v, i in zip(values, support) if v != 0]
    expression = sympy.Add(*(v * t for v, t in terms)) if terms else sympy.Integer(0)
    return Candidate(expression, len(terms), tried if exact else error)


def _rationalised_each(
    values: list[Any], theta_val: np.ndarray, y_val: np.ndarray, spread: float
) -> tuple[list[Any], float]:
    """An exact sum's coefficients (of the columns theta_val (m, k)), each made the nearest
    fraction (of pi, or not) where the sum stays at round-off on the validation rows, the others
    left as fitted; with the sum's validation rRMSE."""
    values = list(values)
    for k, value in enumerate(values):
        for simple in (_simple(float(value), False), _simple(float(value))):
            trial = [*values[:k], simple, *values[k + 1 :]]
            if _rrmse(theta_val @ np.array([float(v) for v in trial]), y_val, spread) <= ROUND_OFF:
                values = trial
                break
    return values, _rrmse(theta_val @ np.array([float(v) for v in values]), y_val, spread)


def _rational(value: float, error: float) -> bool:
    """Whether a coefficient fitted to validation rRMSE `error` may be tried as a fraction: any
    value of an exact fit, else only one up to FRACTION_MAX, as noisy rows bring every larger
    value near some fraction (4227.8 is 38050/9)."""
    return error <= ROUND_OFF or abs(value) <= FRACTION_MAX


def _simple(value: float, with_pi: bool = True) -> sympy.Expr:
    """The nearest to `value` of a fraction of denominator <= DENOMINATOR and, `with_pi`, such a
    fraction times pi or divided by pi: 0.4999999 -> 1/2, 6.2831853 -> 2*pi, 0.0795775 -> 1/(4*pi)."""
    factors = (sympy.Integer(1), sympy.pi, 1 / sympy.pi) if with_pi else (sympy.Integer(1),)
    options = [sympy.Rational(Fraction(value / float(f)).limit_denominator(DENOMINATOR)) * f for f in factors]
    return min(options, key=lambda v: abs(float(v) - value))


def _power_law(
    X: np.ndarray, y: np.ndarray, X_val: np.ndarray, y_val: np.ndarray, symbols: Sequence[sympy.Symbol], spread: float
) -> list[Candidate]:
    """c * prod(x_i ** a_i), fitted as a line in log-log coordinates with each row weighted by y**2
    (so that, as in the data's own units, rows near zero count little), exponents rounded to
    halves, thirds and sixths; none unless every input is positive and the output of one sign."""
    sign = 1.0 if np.mean(y > 0) >= 0.5 else -1.0
    signed = sign * y > 0  # noise may push a few rows near zero across it: they weigh nothing anyway
    if np.any(X <= 0) or np.any(X_val <= 0) or signed.mean() < SAME_SIGN:
        return []
    weight = np.abs(y[signed]) / np.abs(y).max()
    design = np.column_stack([np.ones(signed.sum()), np.log(X[signed])]) * weight[:, None]
    solution = np.linalg.lstsq(design, np.log(sign * y[signed]) * weight, rcond=None)[0]
    found = []
    for denominator in (2, 3, 6):
        powers = [sympy.Rational(Fraction(a).limit_denominator(denominator)) for a in solution[1:]]
        shape = sympy.Mul(*(s**p for s, p in zip(symbols, powers)))
        function = sympy.lambdify(list(symbols), shape, modules="numpy")
        with np.errstate(all="ignore"):
            column = np.broadcast_to(np.asarray(function(*X.T), dtype=np.float64), (len(X),))
            column_val = np.broadcast_to(np.asarray(function(*X_val.T), dtype=np.float64), (len(X_val),))
        if not (np.all(np.isfinite(column)) and np.all(np.isfinite(column_val))):
            continue
        constant = float(column @ y / (column @ column))
        best = _rrmse(column_val * constant, y_val, spread)
        plain, with_pi = _simple(constant, False), _simple(constant)
        if _rational(constant, best) and _rrmse(column_val * float(plain), y_val, spread) <= max(
            best * 1.0001, ROUND_OFF
        ):
            simple, exact = plain, True
        else:  # as for sums: multiples of pi only to round-off
            simple, exact = with_pi, _rrmse(column_val * float(with_pi), y_val, spread) <= ROUND_OFF
        value = float(simple) if exact else constant
        coefficient = simple if exact else sympy.Float(value, FLOAT_DIGITS)
        # one term, as a monomial of the library is: n*R*T/V is no less simple for having four factors
        found.append(Candidate(coefficient * shape, 1, _rrmse(column_val * value, y_val, spread)))
    return found


def law_rrmse(expression: sympy.Expr, symbols: Sequence[sympy.Symbol], X: np.ndarray, y: np.ndarray) -> float:
    """The law's rRMSE on rows X (n, d), y (n,), relative to y's spread; inf where it is undefined."""
    if expression.has(sympy.zoo, sympy.nan, sympy.oo):  # 1/0 of a coefficient fitted to 0
        return math.inf
    with np.errstate(all="ignore"):
        predicted = sympy.lambdify(list(symbols), expression, modules="numpy")(*X.T) * np.ones(len(X))
    return _rrmse(predicted, y, float(np.std(y)) or 1.0)


def _rrmse(predicted: np.ndarray, y: np.ndarray, spread: float) -> float:
    with np.errstate(all="ignore"):
        value = float(np.sqrt(np.mean((predicted - y) ** 2))) / spread
    return value if math.isfinite(value) else math.inf
