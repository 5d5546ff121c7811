"""The claim rule's tests for a law of noisy rows: its residuals look like noise, and, refit on the
inner rows, it predicts the outer ones. A law is a `Shape`: y = M(X) * outer(T(X) @ c), T its terms'
values and c its coefficients, outer the inverse of a transform of the output and M a product of
powers of the inputs (neither, for a sum of terms: the tests then are the linear ones they have
always been).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import sympy

FLOAT_DIGITS = 15  # a fitted coefficient kept to float64's precision: the law predicts what was measured
WHITE = 0.85  # of noise, neighbours' residuals differ by their whole variance; 1 600 rows measure it to +-0.05
EDGE = 0.1  # of each input's range, cut at both ends to leave the inner rows a law is refit on
FEW_VALUES = 10  # an input with at most this many values (a category, a 0/1 flag) is never cut
MIN_ROWS = 20  # rows needed on each side of that cut to test a law on it
SERIES = 2  # functions of one argument that, with its powers alone beside them, make a sum a series in it
Z = 3.0  # standard errors that the outer rows' error may exceed the noise by: 1 law in 700 refused by chance


@dataclass(frozen=True)
class Shape:
    """y = factor * outer(T(X) @ c): the terms (k SymPy expressions of `symbols`), `outer` with its
    slope as NumPy functions (None for a sum: outer the identity), and a product of powers of the
    inputs the whole is multiplied by (1 unless a quotient's law was found)."""

    terms: tuple[sympy.Expr, ...]
    symbols: tuple[sympy.Symbol, ...]
    outer: Callable[[np.ndarray], np.ndarray] | None = None
    slope: Callable[[np.ndarray], np.ndarray] | None = None
    factor: sympy.Expr = sympy.S.One

    @classmethod
    def of_sum(cls, expression: sympy.Expr, symbols: Sequence[sympy.Symbol]) -> Shape:
        """The shape of a sum of terms, its numeric factors the coefficients."""
        return cls(tuple(term.as_coeff_Mul()[1] for term in sympy.Add.make_args(expression)), tuple(symbols))

    @classmethod
    def inverted(
        cls,
        terms: Sequence[sympy.Expr],
        symbols: Sequence[sympy.Symbol],
        inverse: Callable[[sympy.Expr], sympy.Expr],
        factor: sympy.Expr = sympy.S.One,
    ) -> Shape:
        """y = factor * inverse(sum of `terms`), for the inverse of a transform of the output (a
        SymPy function)."""
        s = sympy.Symbol("s", real=True)
        outer, slope = (sympy.lambdify(s, e, modules="numpy") for e in (inverse(s), sympy.diff(inverse(s), s)))
        return cls(tuple(terms), tuple(symbols), outer, slope, factor)

    def law(self, coefficients: np.ndarray, inverse: Callable[[sympy.Expr], sympy.Expr]) -> sympy.Expr:
        """The law with these coefficients, as SymPy: factor * inverse(sum of c_k * term_k)."""
        total = sympy.Add(*(sympy.Float(c, FLOAT_DIGITS) * t for c, t in zip(coefficients, self.terms)))
        return self.factor * inverse(total)

    def on(self, X: np.ndarray) -> Rows:
        """The terms and the factor at rows X (n, d); NaN where one is undefined."""
        function = sympy.lambdify(list(self.symbols), [*self.terms, self.factor], modules="numpy")
        with np.errstate(all="ignore"):
            values = function(*X.T)
        columns = [np.broadcast_to(np.asarray(v, dtype=np.float64), (len(X),)) for v in values]
        return Rows(self, np.column_stack(columns[:-1]), None if self.factor == 1 else columns[-1])


@dataclass(frozen=True)
class Rows:
    """A shape's terms T (n, k) and factor (n,) at given rows: what a fit and its tests read."""

    shape: Shape
    terms: np.ndarray
    factor: np.ndarray | None  # None: 1

    def __len__(self) -> int:
        return len(self.terms)

    def where(self, mask: np.ndarray) -> Rows:
        """The rows where `mask` (n,) holds."""
        return Rows(self.shape, self.terms[mask], None if self.factor is None else self.factor[mask])

    def finite(self) -> bool:
        return bool(np.all(np.isfinite(self.terms)) and (self.factor is None or np.all(np.isfinite(self.factor))))

    def predict(self, c: np.ndarray) -> np.ndarray:
        """The law with coefficients c (k,) at these rows: (n,)."""
        with np.errstate(all="ignore"):
            inner = self.terms @ c
            value = inner if self.shape.outer is None else self.shape.outer(inner) * np.ones(len(self))
            return value if self.factor is None else self.factor * value

    def jacobian(self, c: np.ndarray) -> np.ndarray:
        """d predict / d c at each row: (n, k)."""
        if self.shape.slope is None:
            slope = np.ones(len(self))
        else:
            with np.errstate(all="ignore"):
                slope = self.shape.slope(self.terms @ c) * np.ones(len(self))
        if self.factor is not None:
            slope = slope * self.factor
        return self.terms if self.shape.slope is None and self.factor is None else slope[:, None] * self.terms

    def fit(self, y: np.ndarray, start: np.ndarray) -> np.ndarray:
        """The coefficients that fit y (n,) best in least squares: linear for a sum, else from
        `start` by Levenberg-Marquardt (SciPy)."""
        if self.shape.outer is None:
            return np.linalg.lstsq(self.jacobian(start), y, rcond=None)[0]
        from scipy.optimize import least_squares

        if not np.all(np.isfinite(self.predict(start))):  # outside outer's domain: no descent from there
            return start
        with np.errstate(all="ignore"):
            found = least_squares(lambda c: self.predict(c) - y, start, jac=self.jacobian, method="lm")
        return found.x if found.success and np.all(np.isfinite(found.x)) else start


def neighbours(X: np.ndarray) -> np.ndarray:
    """Each row's nearest other row, inputs standardised: (n,) indices. Half the mean squared
    difference of y between neighbours is the noise that a smooth law leaves (an estimate that
    errs high where the law varies between neighbours)."""
    from sklearn.neighbors import NearestNeighbors

    scaled = (X - X.mean(axis=0)) / (X.std(axis=0) + 1e-300)
    return NearestNeighbors(n_neighbors=2).fit(scaled).kneighbors(scaled, return_distance=False)[:, 1]


def doubt(
    expression: sympy.Expr, shape: Shape, X: np.ndarray, y: np.ndarray, nearest: np.ndarray, *, start: np.ndarray
) -> str:
    """Why `expression`, a law of `shape` at the noise floor of noisy rows X (n, d), y (n,), is not
    claimed as their law, in words; empty when nothing speaks against it. `nearest`: `neighbours(X)`;
    `start`: its coefficients, where a refit of a law that is not a sum begins."""
    function = sympy.lambdify(list(shape.symbols), expression, modules="numpy")
    with np.errstate(all="ignore"):
        residual = y - np.broadcast_to(np.asarray(function(*X.T), dtype=np.float64), y.shape)
    argument = _series(expression)
    if argument is not None:
        return f"is a series in {argument}: an approximation of some function of it, not its law"
    if not _like_noise(residual, nearest):
        return "leaves residuals that neighbouring rows share: it misses part of the truth"
    if not _extrapolates(shape, X, y, start=start):
        return "refit on the inner rows, misses the outer ones beyond the noise: it does not extrapolate"
    return ""


def _series(expression: sympy.Expr) -> sympy.Expr | None:
    """The one argument u of a sum whose every term but the constant is a function of u (exp, sin,
    cos, log) or a power of it, with SERIES functions or more; else None. For
    1 + n*alpha/(1 - n*alpha/3) with 1 % noise: 0.83*exp(u) + 0.16*sin(u) + 0.17*cos(u), or
    0.79*exp(u) + 0.43 - 0.22*exp(-u), u = n*alpha. A few functions of one argument fit most smooth
    curves in it to 1 %. The price: a law that is such a sum (A*cos(w*t) + B*sin(w*t)) is not
    claimed from noisy rows; a polynomial, or a power beside one function (theta - sin(theta)), is."""
    terms = [t.as_coeff_Mul()[1] for t in sympy.Add.make_args(expression) if not t.is_number]
    applied = {f for t in terms for f in t.atoms(sympy.Function) if len(f.args) == 1}
    arguments = {f.args[0].as_coeff_Mul()[1] for f in applied}  # exp(u) and exp(-u): one argument
    if len(applied) < SERIES or len(arguments) != 1:
        return None
    (argument,) = arguments

    def of_argument(term: sympy.Expr) -> bool:
        base, power = term.as_base_exp()
        return term in applied or (base == argument and power.is_Integer)

    return argument if all(of_argument(t) for t in terms) else None


def _like_noise(residual: np.ndarray, nearest: np.ndarray) -> bool:
    """Whether residuals (n,) look like noise: neighbouring rows' residuals are unrelated, so half
    their mean squared difference is their whole variance (WHITE of it at least). A law that misses
    part of the truth leaves residuals that neighbours share."""
    variance = float(np.var(residual))
    return variance > 0 and float(np.mean((residual - residual[nearest]) ** 2) / 2) >= WHITE * variance


def _extrapolates(shape: Shape, X: np.ndarray, y: np.ndarray, start: np.ndarray) -> bool:
    """Whether the law, its coefficients refit on the inner rows (those inside the middle of every
    input's range, EDGE of it cut at each end), predicts the outer rows as well as the noise and
    its coefficients' uncertainty allow (Chow's prediction test, to Z standard errors; linearised
    where the law is not a sum). A law that only approximates the truth within the data departs
    from it first at the edges."""
    rows = shape.on(X)
    low, high = X.min(axis=0), X.max(axis=0)
    margin = EDGE * (high - low)
    continuous = np.array([len(np.unique(column)) > FEW_VALUES for column in X.T])  # 0/1 columns are not cut
    inner = np.all((X >= low + margin) & (X <= high - margin) | ~continuous, axis=1)
    terms = len(shape.terms)
    if inner.sum() < max(MIN_ROWS, 5 * terms) or (~inner).sum() < MIN_ROWS or not rows.finite():
        return True  # too few rows on either side to tell
    b, within, beyond = y[inner], rows.where(inner), rows.where(~inner)
    coefficients = within.fit(b, start)
    variance = float(np.sum((within.predict(coefficients) - b) ** 2)) / (len(b) - terms)
    if variance <= 0:
        return True
    A, outer = within.jacobian(coefficients), beyond.jacobian(coefficients)
    leverage = np.einsum("ij,jk,ik->i", outer, np.linalg.pinv(A.T @ A), outer)  # x (A'A)^-1 x' of each row
    missed = beyond.predict(coefficients) - y[~inner]
    ratio = float(np.mean(missed**2)) / (variance * (1 + leverage.mean()))
    return ratio <= 1 + Z * math.sqrt(2 / len(missed))  # a mean of n squared normals varies by sqrt(2/n)
