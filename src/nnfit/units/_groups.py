"""Dimensionless groups: the scalings of one-signed inputs that leave a known target unchanged, or
multiply it by a power of the scale, found by probing the target; the network then learns a
function of fewer inputs.

A physical law depends on its inputs through fewer combinations than it has inputs: two-slit
interference I0*cos(pi*d*sin(theta)/lambda)**2 is I0 times a function of theta and d/lambda alone.
Scaling the one-signed inputs x_i by c**v_i multiplies such a target by c**p exactly when, at every
point, sum_i v_i x_i df/dx_i = p f (Euler's relation), so the pairs (v, p) are the null space of the
rows [x_i df/dx_i, -f] over sample points. Each pair with p = 0 removes an input; one with p != 0
removes one too, as a factor prod x_i**a_i taken out of the output. Only exact scalings are kept:
each is checked at scaled points, and the exponents are small fractions, as physics has them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from math import lcm

import numpy as np

from ._scaling import loggable

POINTS = 64  # sample points whose derivatives span the null space; a few times the inputs suffice
STEP = 1e-4  # central differences in log x: truncation ~STEP**2 / 6 = 2e-9, rounding ~1e-16 / STEP
NULL = 1e-6  # a singular value this small, relative to the largest, spans a scaling
DENOMINATOR = 6  # exponents are fractions with at most this denominator: 1/2, 2/3, 5/6 ...
# A scaling holds when the target at scaled points matches within this share of its largest value:
# a float64 formula's exact scalings hold to ~1e-15, a weak dependence (1e-6) is no scaling.
EXACT = 1e-10
SCALES = (0.5, 3.0)  # the scale factors c at which each scaling is checked
# Inputs nearer zero than this share of the data's smallest |x|, or of the other sign, are held
# there: a product of powers stays finite wherever it is asked, and exact within three decades.
FLOOR = 1e-3


@dataclass(frozen=True)
class Groups:
    """Inputs (n, d) -> features (n, d'): the columns `kept`, then for each group j the product
    prod_i (x_i / pivot_i) ** powers[i, j]; and the output's factor prod_i (x_i / pivot_i) ** factor[i],
    which the network's output is multiplied by. Columns left out of the products have pivot 0."""

    kept: np.ndarray  # (d,) bool: columns passed to the network as they are
    powers: np.ndarray  # (d, g) exponents of each group
    factor: np.ndarray  # (d,) exponents of the output's factor
    pivot: np.ndarray  # (d,) each one-signed column's value nearest zero (its sign included); 0 elsewhere

    @property
    def width(self) -> int:
        """How many features the network sees: d minus the scalings found."""
        return int(self.kept.sum()) + self.powers.shape[1]

    def _logs(self, X: np.ndarray) -> np.ndarray:
        X = np.asarray(X, np.float64)
        safe = np.where(self.pivot != 0, self.pivot, 1.0)
        return np.log(np.maximum(X / safe, FLOOR))

    def features(self, X: np.ndarray) -> np.ndarray:
        """The network's inputs (n, d') at X (n, d)."""
        X = np.asarray(X, np.float64)
        with np.errstate(over="ignore"):
            return np.column_stack([X[:, self.kept], np.exp(self._logs(X) @ self.powers)])

    def scale(self, X: np.ndarray) -> np.ndarray:
        """The output's factor (n, 1) at X (n, d)."""
        with np.errstate(over="ignore"):
            return np.exp(self._logs(X) @ self.factor)[:, None]

    def describe(self, names: Sequence[str]) -> str:
        """In words, e.g. "I0 * h(theta, d/lambda_)"."""
        kept = [n for n, k in zip(names, self.kept) if k]
        groups = [_product(names, column) for column in self.powers.T]
        factor = _product(names, self.factor)
        inner = f"h({', '.join(kept + groups)})"
        return inner if factor == "1" else f"{factor} * {inner}"

    def to_arrays(self) -> dict[str, np.ndarray]:
        """Plain float64 arrays by name, for the run directory and the exports."""
        return {
            "groups_kept": self.kept.astype(np.float64),
            "groups_powers": self.powers,
            "groups_factor": self.factor,
            "groups_pivot": self.pivot,
            "groups_floor": np.array([FLOOR]),
        }

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray]) -> Groups | None:
        """What `to_arrays` wrote, or None when it wrote nothing."""
        if "groups_kept" not in arrays:
            return None
        get = lambda name: np.asarray(arrays[f"groups_{name}"], np.float64)
        return cls(get("kept") != 0, get("powers").reshape(len(get("kept")), -1), get("factor"), get("pivot"))


def find_groups(target: Callable[[np.ndarray], np.ndarray], X: np.ndarray) -> Groups | None:
    """The scalings of the one-signed columns of X (n, d) under which `target` (n, d) -> (n, 1) is
    unchanged or multiplied by a power of the scale, as Groups; None when there are none, or when
    they leave the network no input (a product of powers, which a linear model in log-log
    coordinates fits exactly)."""
    X = np.asarray(X, np.float64)
    signed = np.flatnonzero(loggable(X) & (np.ptp(X, axis=0) > 0))
    if not len(signed) or not len(X):
        return None
    # narrowest ratio first: the echelon form pivots on the first columns, which then carry the
    # factor and divide the others, and a divisor far from zero keeps the features and the rest of
    # the target smooth ((u + v)/(1 + u*v/c**2) over u, v = 0:0.9 is c * h(u/c, v/c), while u * h(v/u,
    # u/c) diverges where u nears 0)
    magnitude = np.abs(X[:, signed])
    signed = signed[np.argsort(magnitude.max(axis=0) / magnitude.min(axis=0), kind="stable")]
    points = X[:POINTS]
    try:
        with np.errstate(all="ignore"):
            rows = _euler_rows(target, points, signed)
            candidates = [] if rows is None else _rational_basis(rows)
            scalings = [s for s in candidates if _holds(target, points[:16], signed, s)]
    except Exception:  # noqa: BLE001 — a callable may refuse inputs beyond its domain, where it is probed: no scalings then
        return None
    if not scalings:
        return None
    basis = _echelon(np.array([[float(v) for v in s] for s in scalings]))
    if basis is None:
        return None
    return _groups(X, signed, basis)


def _euler_rows(target, points: np.ndarray, signed: np.ndarray) -> np.ndarray | None:
    """Rows [x_i df/dx_i for the signed columns, -f] (n, m + 1), each of unit length; None when the
    target is not one finite output."""
    f = target(points)
    if f.shape[1] != 1 or not np.all(np.isfinite(f)):
        return None
    slopes = []
    for column in signed:
        up, down = points.copy(), points.copy()
        up[:, column] *= np.exp(STEP)
        down[:, column] *= np.exp(-STEP)
        slopes.append((target(up) - target(down))[:, 0] / (2 * STEP))
    rows = np.column_stack([*slopes, -f[:, 0]])
    norms = np.linalg.norm(rows, axis=1)
    rows = rows[norms > 0] / norms[norms > 0, None]
    return rows if len(rows) and np.all(np.isfinite(rows)) else None


def _rational_basis(rows: np.ndarray) -> list[list[Fraction]]:
    """The null space of rows (n, m + 1) in reduced echelon form, its entries as small fractions;
    empty when it has none, or one entry is no small fraction (no exact scaling of a law)."""
    _, values, vt = np.linalg.svd(rows)
    rank = int(np.sum(values > NULL * values[0]))
    null = vt[rank:]
    if not len(null):
        return []
    reduced = _echelon(null)
    if reduced is None:
        return []
    fractions = [[Fraction(v).limit_denominator(DENOMINATOR) for v in row] for row in reduced]
    if np.max(np.abs(np.array(fractions, dtype=float) - reduced)) > 1e-4:
        return []
    return fractions


def _echelon(matrix: np.ndarray) -> np.ndarray | None:
    """The reduced row echelon form of a full-rank matrix (k, m + 1), pivoting on the input columns
    only (a pivot in the last, the power, would be no scaling of the inputs); None otherwise."""
    m = np.array(matrix, np.float64)
    for row in range(len(m)):
        columns = [c for c in range(m.shape[1] - 1) if np.max(np.abs(m[row:, c])) > 1e-6]
        if not columns:
            return None
        column = columns[0]
        best = row + int(np.argmax(np.abs(m[row:, column])))
        m[[row, best]] = m[[best, row]]
        m[row] /= m[row, column]
        for other in range(len(m)):
            if other != row:
                m[other] -= m[other, column] * m[row]
    return m


def _holds(target, points: np.ndarray, signed: np.ndarray, scaling: list[Fraction]) -> bool:
    """Whether scaling the signed columns by c**v multiplies the target by c**p, at every point and scale."""
    *v, p = (float(s) for s in scaling)
    f = target(points)
    spread = np.max(np.abs(f))
    if not spread > 0:
        return False
    for c in SCALES:
        scaled = points.copy()
        scaled[:, signed] *= c ** np.array(v)
        with np.errstate(all="ignore"):
            error = np.max(np.abs(target(scaled) - c**p * f))
        if not error <= EXACT * spread * max(c**p, 1.0):
            return False
    return True


def _groups(X: np.ndarray, signed: np.ndarray, basis: np.ndarray) -> Groups | None:
    """Groups from the scalings' reduced echelon form (k, m + 1) over the signed columns of X."""
    d, m = X.shape[1], len(signed)
    pivots = [int(np.flatnonzero(np.abs(row[:m]) > 1e-9)[0]) for row in basis]
    free = [c for c in range(m) if c not in pivots]
    # a particular solution of V a = p: each pivot column carries its row's power, the free ones none
    factor = np.zeros(d)
    for row, column in zip(basis, pivots):
        factor[signed[column]] = row[m]
    # one group per free column: it, and the pivot columns that keep every scaling's V row at zero
    powers = np.zeros((d, len(free)))
    for j, column in enumerate(free):
        powers[signed[column], j] = 1.0
        for row, carrier in zip(basis, pivots):
            powers[signed[carrier], j] = -row[column]
        denominators = [Fraction(v).limit_denominator(DENOMINATOR).denominator for v in powers[:, j]]
        powers[:, j] *= lcm(*denominators)
        nonzero = powers[np.abs(powers[:, j]) > 1e-9, j]
        powers[:, j] *= np.sign(nonzero[0])  # d/lambda rather than lambda/d: the first input on top
    kept = ~np.isin(np.arange(d), signed)
    if not kept.any() and not free:  # nothing left to learn: a product of powers
        return None
    magnitude = np.abs(X[:, signed]).min(axis=0)
    pivot = np.zeros(d)
    pivot[signed] = magnitude * np.sign(X[0, signed])
    return Groups(kept, np.round(powers, 12) + 0.0, np.round(factor, 12) + 0.0, pivot)  # + 0.0: no -0


def _product(names: Sequence[str], exponents: np.ndarray) -> str:
    """prod name**exponent in words: "d/lambda_", "kappa*A*T2/d", "1" for none."""
    top: list[str] = []
    bottom: list[str] = []
    for name, power in zip(names, exponents):
        if abs(power) < 1e-9:
            continue
        fraction = Fraction(float(abs(power))).limit_denominator(DENOMINATOR)
        text = (
            name if fraction == 1 else f"{name}**{fraction}" if fraction.denominator == 1 else f"{name}**({fraction})"
        )
        (top if power > 0 else bottom).append(text)
    numerator = "*".join(top) or "1"
    if not bottom:
        return numerator
    return f"{numerator}/{bottom[0]}" if len(bottom) == 1 else f"{numerator}/({'*'.join(bottom)})"
