"""Laws that are a sum of the library's terms only after a transform of the output: the distance
sqrt((x2 - x1)**2 + (y2 - y1)**2), whose square is a sum of six products, or 1/(1/d1 + n/d2),
whose reciprocal is a sum of two. Each transform h is searched in turn where the output itself
gave no law, and y = h^-1(sum) is claimed only where it reaches round-off in the output's own
units: on noisy rows, a transform stretches the noise unevenly, and a law found there is not held
to the tests a law of y is.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import sympy

from ._discovery import Discovery, readable
from ._search import ROUND_OFF, search


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


TRANSFORMS = (
    Transform("y**2", np.square, sympy.sqrt, _positive),
    Transform("1/y", np.reciprocal, lambda e: 1 / e, lambda y: bool(np.all(y > 0) or np.all(y < 0))),
    Transform("1/y**2", lambda y: 1 / y**2, lambda e: 1 / sympy.sqrt(e), _positive),
    Transform("sqrt(y)", np.sqrt, lambda e: e**2, lambda y: bool(np.all(y >= 0))),
    Transform("log(y)", np.log, sympy.exp, _positive),
)


def search_transformed(
    X: np.ndarray, y: np.ndarray, X_val: np.ndarray, y_val: np.ndarray, names: Sequence[str], **options: Any
) -> Discovery:
    """`search` for a law of y over training rows X (n, d), y (n,), judged on X_val, y_val, with
    `options` as `search` takes them (output, exact, degree); where none is claimed, the same for
    h(y) with each of TRANSFORMS in turn, the first y = h^-1(law of h(y)) at round-off on the
    validation rows claimed."""
    found = search(X, y, X_val, y_val, names, **options)
    if found.expression is not None:
        return found
    symbols = [sympy.Symbol(name, real=True) for name in names]
    spread = float(np.std(y_val)) or 1.0
    for transform in TRANSFORMS:
        if not (transform.defined(y) and transform.defined(y_val)):
            continue
        with np.errstate(all="ignore"):  # held to round-off: h of noisy rows is never claimed
            h, h_val = transform.forward(y), transform.forward(y_val)
            inner = search(X, h, X_val, h_val, names, **{**options, "exact": True})
        if inner.expression is None:
            continue
        law = transform.inverse(inner.expression)
        with np.errstate(all="ignore"):
            predicted = sympy.lambdify(symbols, law, modules="numpy")(*X_val.T) * np.ones(len(X_val))
            error = float(np.sqrt(np.mean((predicted - y_val) ** 2))) / spread
        if error <= ROUND_OFF:
            terms = len(sympy.Add.make_args(inner.expression))
            evidence = (
                f"{readable(law)}: {transform.name} is a sum of {terms} terms, {readable(inner.expression)}; "
                f"validation rRMSE {error:.3g}, at round-off"
            )
            return replace(found, expression=law, floor=ROUND_OFF, evidence=evidence)
    return found
