"""Laws that are a ratio of a sum of terms to 1 + b*s, s a product of powers of the inputs:
(u + v)/(1 + u*v/c**2), (m1*r1 + m2*r2)/(m1 + m2) (as (r1 + m2*r2/m1)/(1 + m2/m1)),
1 + n*alpha/(1 - n*alpha/3).

y*(1 + b*s) is then a sum of terms, P. The denominator is found first: y = P - b*y*s is linear in
b and P's coefficients, so for every product of powers s at once, the least-squares residual of y
over the library's products of powers and y*s tells how well some P and b fit, and b with it.
y*(1 + b*s) of the likeliest few is then searched as any output is. Only exact rows give such a law:
the column y*s carries y's noise, which biases b (errors in variables), so a ratio is claimed only
where it reaches round-off on the validation rows.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.linalg
import sympy

from ._claim import FLOAT_DIGITS
from ._search import ROUND_OFF, _product_of_powers, _simple, law_rrmse, search
from ._terms import Design

TRIED = 3  # denominators whose numerator is searched, likeliest first: a search each
EXACT = 1e-8  # relative residual of y over the products of powers and y*s that an exact ratio reaches:
# measured 1e-13 to 2e-11; ratios that only approximate y, 1e-6 and more, noisy rows 1e-3 and more
COLUMNS = 0.5  # of the training rows, the products of powers the denominators are ranked over at most:
# beyond, they fit any smooth y to round-off, and the ranking says nothing


def search_rational(
    X: np.ndarray,
    y: np.ndarray,
    X_val: np.ndarray,
    y_val: np.ndarray,
    names: Sequence[str],
    *,
    design: Design,
    output: str = "y",
) -> sympy.Expr | None:
    """The law y = P/(1 + b*s) over training rows X (n, d), y (n,), P a sum of `design`'s terms and
    s one of its products of powers, if one reaches round-off on the validation rows X_val (m, d),
    y_val (m,); else None."""
    library = design.library
    for index, b in _denominators(design, y)[:TRIED]:
        with np.errstate(all="ignore"):
            times, times_val = 1 + b * design.theta[:, index], 1 + b * design.theta_val[:, index]
        if not (np.all(np.isfinite(times)) and np.all(times != 0)):
            continue
        found = search(X, y * times, X_val, y_val * times_val, names, output=output, exact=True, design=design)
        if found.expression is None:
            continue
        for value in (_simple(b, with_pi=False), sympy.Float(b, FLOAT_DIGITS)):
            numerator, denominator = sympy.fraction(sympy.cancel(found.expression / (1 + value * library.terms[index])))
            if numerator.could_extract_minus_sign():  # (2*alpha*n + 3)/(3 - alpha*n), not -(...)/-(...)
                numerator, denominator = -numerator, -denominator
            law = numerator / denominator
            if law_rrmse(law, library.symbols, X_val, y_val) <= ROUND_OFF:
                return law
    return None


def _denominators(design: Design, y: np.ndarray) -> list[tuple[int, float]]:
    """(s's index in the library, b) for each denominator 1 + b*s, s a product of powers, with which
    y (n,) over `design`'s training rows is a sum of products of powers to EXACT: the relative
    least-squares residual of y over all of them and y*s. Simplest first; empty where the products
    of powers are too many to tell."""
    library, theta = design.library, design.theta
    powers = [i for i, term in enumerate(library.terms) if _product_of_powers(term, library.symbols)]
    scaled = [i for i in powers if library.terms[i] != 1]
    if not scaled or len(powers) > COLUMNS * len(y):
        return []
    with np.errstate(all="ignore"):
        basis = theta[:, powers] / np.sqrt(np.mean(theta[:, powers] ** 2, axis=0))
        sides = np.column_stack([y, y[:, None] * theta[:, scaled]])
    if not (np.all(np.isfinite(basis)) and np.all(np.isfinite(sides))):
        return []
    fitted = scipy.linalg.lstsq(basis, sides, lapack_driver="gelsy", check_finite=False)[0]
    residual = sides - basis @ fitted
    ry, rz = residual[:, 0], residual[:, 1:]
    # y = P - b*y*s: ry ~ -b*rz, the least squares b and what remains of |ry|^2, relative to |y|^2
    norms = np.einsum("ij,ij->j", rz, rz)
    with np.errstate(all="ignore"):
        b = -(rz.T @ ry) / norms
        left = np.sqrt(np.maximum(ry @ ry - (rz.T @ ry) ** 2 / norms, 0.0) / (y @ y))
    exact = [k for k in range(len(scaled)) if norms[k] > 0 and np.isfinite(b[k]) and left[k] <= EXACT]
    # of denominators that fit alike, the simplest: m2/m1 before m2**2/m1**2 (both exact for I.18.4)
    exact.sort(key=lambda k: (_order(library.terms[scaled[k]]), left[k]))
    return [(scaled[k], float(b[k])) for k in exact]


def _order(term: sympy.Expr) -> int:
    """The total of a product of powers' exponents, as magnitudes: 2 for u*v, 4 for u*v/c**2."""
    return int(sum(abs(power) for power in term.as_powers_dict().values()))
