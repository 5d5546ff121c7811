"""The library of candidate terms a closed form is searched among, and their columns on given rows.

Products of powers of the inputs (negative powers only of inputs that never cross zero), and sqrt,
log, exp, sin and cos of each input and of each product or ratio of two, alone and times an input.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import sympy

from ..errors import NnfitError

DEGREE = 3  # highest total power of a product of inputs: x**3, x**2*y, x*y*z
NEGATIVE = 2  # highest total negative power, of inputs that never cross zero: 1/r**2, x/(y*z)
MEMORY = 2**30  # bytes the library's columns may take on the training rows
EXP_RANGE = 30.0  # exp of values beyond this overflows a sum into meaninglessness
CLEAR = 0.01  # an input's nearest value to zero is at least this share of its farthest, for 1/x


@dataclass(frozen=True)
class Library:
    """Candidate terms as SymPy expressions and their columns on given rows."""

    symbols: tuple[sympy.Symbol, ...]
    terms: tuple[sympy.Expr, ...]

    @classmethod
    def for_data(cls, X: np.ndarray, names: Sequence[str], degree: int = DEGREE) -> Library:
        """The library for inputs X (n, d): which terms are defined follows from each input's signs."""
        symbols = tuple(sympy.Symbol(name, real=True) for name in names)
        low, high = X.min(axis=0), X.max(axis=0)
        # negative powers of inputs that keep clear of zero: 1/x of x in 0.01..100 would be all edge
        signed = [lo * hi > 0 and min(abs(lo), abs(hi)) >= CLEAR * max(abs(lo), abs(hi)) for lo, hi in zip(low, high)]
        positive = [lo > 0 for lo in low]
        terms: dict[sympy.Expr, None] = {sympy.Integer(1): None}
        for monomial in _monomials(symbols, signed, degree):
            terms[monomial] = None
        singles = [(s, abs(lo), abs(hi), pos) for s, lo, hi, pos in zip(symbols, low, high, positive)]
        largest = [max(abs(lo), abs(hi)) for lo, hi in zip(low, high)]
        arguments = [*singles, *((s**2, 0.0, top**2, False) for s, top in zip(symbols, largest))]
        for (a, alo, ahi, apos), (b, blo, bhi, bpos) in itertools.combinations(singles, 2):
            arguments.append((a * b, alo * blo, ahi * bhi, apos and bpos))
        for i, j in itertools.permutations(range(len(symbols)), 2):
            if signed[j]:
                a, b = symbols[i], symbols[j]
                top = max(abs(low[i]), abs(high[i])) / min(abs(low[j]), abs(high[j]))
                arguments.append((a / b, 0.0, top, positive[i] and positive[j]))
        for argument, _, top, pos in arguments:
            functions = [sympy.sin, sympy.cos]
            if pos:
                functions += [sympy.sqrt, sympy.log]
            if top <= EXP_RANGE:  # growth and decay: exp(x/H) and exp(-x/H) alike
                functions += [sympy.exp, lambda a: sympy.exp(-a)]
            for function in functions:
                base = function(argument)
                terms[base] = None
                for s in symbols:
                    terms[base * s] = None
        return cls(symbols, tuple(terms))

    def columns(self, X: np.ndarray) -> np.ndarray:
        """The terms at X (n, d): (n, terms) float64; NaN where a term is undefined."""
        if len(X) * len(self.terms) * 8 > MEMORY:
            raise NnfitError(
                f"the library of {len(self.terms)} terms over {len(X)} rows needs "
                f"{len(X) * len(self.terms) * 8 / 2**30:.1f} GiB — narrow it: fewer inputs, "
                f"a lower degree (degree=2), or fewer rows"
            )
        function = sympy.lambdify(self.symbols, list(self.terms), modules="numpy")
        with np.errstate(all="ignore"):
            values = function(*np.asarray(X, dtype=np.float64).T)
        return np.column_stack([np.broadcast_to(np.asarray(v, dtype=np.float64), (len(X),)) for v in values])


@dataclass(frozen=True)
class Design:
    """A search's library and its columns on the training rows, theta (n, terms), and on the
    validation rows, theta_val (m, terms): made once for the rows and shared by every search of
    them (of the output, of its transforms, of its quotients), since building and evaluating the
    library is most of a search's time (1.0 of 2.9 s over five inputs)."""

    library: Library
    theta: np.ndarray
    theta_val: np.ndarray

    @classmethod
    def of(cls, X: np.ndarray, X_val: np.ndarray, names: Sequence[str], degree: int = DEGREE) -> Design:
        """The library for training rows X (n, d) and validation rows X_val (m, d), and its columns on each."""
        library = Library.for_data(np.vstack([X, X_val]), names, degree)
        return cls(library, library.columns(X), library.columns(X_val))

    def times(self, factor: sympy.Expr, on_train: np.ndarray, on_val: np.ndarray) -> Design:
        """Every term multiplied by `factor`, whose values on the training rows (n,) and the
        validation rows (m,) are given: the library of laws factor * (a sum of terms)."""
        library = Library(self.library.symbols, tuple(factor * term for term in self.library.terms))
        return Design(library, self.theta * on_train[:, None], self.theta_val * on_val[:, None])


def _monomials(symbols: Sequence[sympy.Symbol], signed: Sequence[bool], degree: int) -> list[sympy.Expr]:
    """Products of powers of at most three inputs: total positive power <= degree, total negative
    power <= NEGATIVE, negative powers only of inputs that never cross zero."""
    found = []
    for count in range(1, min(3, len(symbols)) + 1):
        for chosen in itertools.combinations(range(len(symbols)), count):
            options = [[p for p in range(-NEGATIVE, degree + 1) if p != 0 and (p > 0 or signed[i])] for i in chosen]
            for powers in itertools.product(*options):
                up, down = sum(p for p in powers if p > 0), -sum(p for p in powers if p < 0)
                if up <= degree and down <= NEGATIVE:
                    found.append(sympy.Mul(*(symbols[i] ** p for i, p in zip(chosen, powers))))
    return found
