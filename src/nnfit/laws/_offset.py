"""Laws with a constant inside a function: y = exp(u) - 1 (I_0*(exp(q*Volt/(kb*T)) - 1)), or its
reciprocal (1/(exp(h*omega/(2*pi*kb*T)) - 1)), u a product of powers of the inputs.

log(y + c) is then a sum of terms for one constant c, which no transform of y alone makes. c is
fitted first, as the offset with which log(y + c) is most nearly a product of powers (a line in
log-log coordinates, fitted by least squares for each c: a one-dimensional search, SciPy's),
made rational as coefficients are, and log(y + c) is then searched as any output is. Only exact
rows give such a law: it is claimed where it reaches round-off on the validation rows.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import scipy.optimize
import sympy

from ._claim import FLOAT_DIGITS
from ._search import ROUND_OFF, _simple, law_rrmse, search
from ._terms import Design

GRID = 40  # offsets tried before the best is refined, spaced evenly in log from the least allowed
EXACT = 1e-6  # relative residual of the log-log line at the fitted offset that exact rows reach:
# 1e-9 to 3e-8 measured (the bounded search stops within ~1e-8 of c), 0.04 with 1 % noise; where
# it is larger, no search is made


def search_offset(
    X: np.ndarray,
    y: np.ndarray,
    X_val: np.ndarray,
    y_val: np.ndarray,
    names: Sequence[str],
    *,
    design: Design,
    output: str = "y",
) -> sympy.Expr | None:
    """The law y = exp(sum) - c over training rows X (n, d), y (n,), the sum of `design`'s terms
    found for log(y + c) with c fitted (see the module), if it reaches round-off on the validation
    rows X_val (m, d), y_val (m,); else None, as always where an input is not positive (the
    offset is fitted in log-log coordinates)."""
    if np.any(X <= 0) or np.any(X_val <= 0):
        return None
    offset = _offset(np.log(X), y)
    if offset is None:
        return None
    symbols = design.library.symbols
    for c in dict.fromkeys((_simple(offset, with_pi=False), sympy.Float(offset, FLOAT_DIGITS))):
        with np.errstate(all="ignore"):
            z, z_val = np.log(y + float(c)), np.log(y_val + float(c))
        if not (np.all(np.isfinite(z)) and np.all(np.isfinite(z_val))):
            continue
        found = search(X, z, X_val, z_val, names, output=output, exact=True, design=design)
        if found.expression is not None:
            law = sympy.exp(found.expression) - c
            if law_rrmse(law, symbols, X_val, y_val) <= ROUND_OFF:
                return law
    return None


def _offset(logs: np.ndarray, y: np.ndarray) -> float | None:
    """The c with which log(y + c) is a product of powers of the inputs, their logs (n, d) given,
    to EXACT; None where no c makes it one."""
    low, high = float(y.min()), float(y.max())
    spread = high - low or 1.0

    def residual(c: float) -> float:
        with np.errstate(all="ignore"):
            inner = np.log(y + c)
        if not (np.all(inner > 0) or np.all(inner < 0)) or not np.all(np.isfinite(inner)):
            return np.inf
        target = np.log(np.abs(inner))
        design = np.column_stack([np.ones(len(y)), logs])
        fitted = design @ np.linalg.lstsq(design, target, rcond=None)[0]
        # relative to the target's spread: far from y's range, log(y + c) is nearly a line in y and
        # its log nearly constant, which a line fits in absolute terms, never in relative ones
        return float(np.sqrt(np.mean((fitted - target) ** 2)) / (np.std(target) or 1.0))

    # log(y + c) is one-signed where y + c > 1 on every row, or 0 < y + c < 1 on every row: offsets
    # from the edge of each such range, spaced evenly in log, as the residual falls steeply there
    ranges = [(1 - low, 1 - low + 1e3 * spread)] + ([(-low, 1 - high)] if spread < 1 else [])
    best, least = math.nan, math.inf
    for start, end in ranges:
        grid = start + (end - start) * np.geomspace(1e-9, 1, GRID)[:-1]
        values = np.array([residual(c) for c in grid])
        k = int(np.argmin(values))
        if not values[k] < least:
            continue
        bounds = (grid[max(k - 1, 0)], grid[min(k + 1, len(grid) - 1)])
        refined = scipy.optimize.minimize_scalar(residual, bounds=bounds, method="bounded", options={"xatol": 1e-13})
        best, least = (float(refined.x), refined.fun) if refined.fun < values[k] else (float(grid[k]), values[k])
    return best if least <= EXACT else None
