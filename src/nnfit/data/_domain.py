"""Where a target is fitted: a box of per-input intervals, its sampling and its extrapolation shells."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from ..errors import DomainError

SAMPLINGS = ("uniform", "grid", "sobol", "lhs")
SYNTAX = 'give ranges as --domain "x=0:100, y=0:1000:int"'
_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
_RANGE = re.compile(r"^\s*([A-Za-z]\w*)\s*=\s*(\S.*?)\s*:\s*(\S.*?)\s*(?::\s*(\w+)\s*)?$")


@dataclass(frozen=True)
class Interval:
    """One input's range [lo, hi]; `integer` inputs take only whole values."""

    name: str
    lo: float
    hi: float
    integer: bool = False

    def __post_init__(self) -> None:
        if not (np.isfinite(self.lo) and np.isfinite(self.hi)):
            raise DomainError(f"domain for {self.name!r} must be finite: {self.lo}:{self.hi}")
        if not self.lo < self.hi:
            raise DomainError(
                f"domain for {self.name!r} is {'empty' if self.lo == self.hi else 'inverted'}: "
                f"{_num(self.lo)}:{_num(self.hi)} — give lo < hi, e.g. {self.name}=0:1000"
            )
        if self.integer and np.ceil(self.lo) > np.floor(self.hi):
            raise DomainError(f"integer domain for {self.name!r} holds no whole number: {self.lo}:{self.hi}")

    def __str__(self) -> str:
        return f"{self.name}={_num(self.lo)}:{_num(self.hi)}" + (":int" if self.integer else "")


@dataclass(frozen=True)
class Shell:
    """The points of the box grown `outer`× around its centre that lie outside the `inner`× box."""

    inner: float
    outer: float

    @property
    def name(self) -> str:
        return f"{self.inner:g}-{self.outer:g}x"


# The rings reported outside the training box, by growth factor around its centre.
SHELLS = (Shell(1.0, 1.5), Shell(1.5, 2.0))


@dataclass(frozen=True)
class Domain:
    """A box of `Interval`s, one per input, in input order."""

    intervals: tuple[Interval, ...]

    def __post_init__(self) -> None:
        names = [iv.name for iv in self.intervals]
        if not names:
            raise DomainError(f"the domain is empty — {SYNTAX}")
        duplicated = sorted({n for n in names if names.count(n) > 1})
        if duplicated:
            raise DomainError(f"domain gives {duplicated[0]!r} twice — {SYNTAX}")

    @classmethod
    def parse(cls, text: str) -> Domain:
        """Read a domain's text form.

        Args:
            text: ``"x=0:100, y=0:1000:int"``: name=lo:hi for each input, optionally :int or :real.

        Returns:
            The Domain.

        Raises:
            DomainError: text that cannot be read, an empty or inverted range, or a repeated name.
        """
        if not isinstance(text, str) or not text.strip():
            raise DomainError(f"the domain is empty — {SYNTAX}")
        intervals = []
        for part in re.split(r"[,;]", text):
            if not part.strip():
                continue
            match = _RANGE.match(part)
            if not match:
                raise DomainError(f"cannot read domain part {part.strip()!r} — {SYNTAX}")
            name, lo, hi, kind = match.groups()
            for bound in (lo, hi):
                if not re.fullmatch(_NUMBER, bound):
                    raise DomainError(
                        f"domain for {name!r} has {bound!r} where a number belongs: {part.strip()!r} — {SYNTAX}"
                    )
            if kind not in (None, "int", "real"):
                raise DomainError(f"unknown kind {kind!r} for {name!r}: use :int or :real (the default)")
            intervals.append(Interval(name, float(lo), float(hi), kind == "int"))
        return cls(tuple(intervals))

    @classmethod
    def of(cls, spec: Domain | str | Mapping[str, tuple] | Iterable[Interval]) -> Domain:
        """A Domain from any of its forms.

        Args:
            spec: a Domain, its text form, a mapping ``{"x": (0, 100), "n": (0, 9, "int")}``, or
                Intervals.

        Returns:
            The Domain.

        Raises:
            DomainError: a spec that cannot be read.
        """
        if isinstance(spec, Domain):
            return spec
        if isinstance(spec, str):
            return cls.parse(spec)
        if isinstance(spec, Mapping):
            intervals = []
            for name, bounds in spec.items():
                if not isinstance(bounds, (tuple, list)) or len(bounds) not in (2, 3):
                    raise DomainError(f"domain for {name!r} must be (lo, hi) or (lo, hi, 'int'); got {bounds!r}")
                kind = bounds[2] if len(bounds) == 3 else "real"
                if kind not in ("int", "real"):
                    raise DomainError(f"unknown kind {kind!r} for {name!r}: use 'int' or 'real'")
                try:
                    lo, hi = float(bounds[0]), float(bounds[1])
                except (TypeError, ValueError):
                    raise DomainError(f"domain for {name!r} must hold numbers; got {bounds!r}") from None
                intervals.append(Interval(str(name), lo, hi, kind == "int"))
            return cls(tuple(intervals))
        return cls(tuple(spec))

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(iv.name for iv in self.intervals)

    @property
    def lo(self) -> np.ndarray:
        return np.array([iv.lo for iv in self.intervals])

    @property
    def hi(self) -> np.ndarray:
        return np.array([iv.hi for iv in self.intervals])

    @property
    def integer(self) -> np.ndarray:
        return np.array([iv.integer for iv in self.intervals])

    def __str__(self) -> str:
        return ", ".join(str(iv) for iv in self.intervals)

    def reorder(self, names: Iterable[str]) -> Domain:
        """The same domain with its intervals in another order.

        Args:
            names: every input's name, in the new order.

        Returns:
            The reordered Domain.
        """
        by_name = {iv.name: iv for iv in self.intervals}
        return Domain(tuple(by_name[n] for n in names))

    def grown(self, factor: float) -> Domain:
        """The box scaled around its centre, as the extrapolation shells are.

        Args:
            factor: 1.5 for the box half a width wider on every side.

        Returns:
            The grown Domain; integer inputs widen to whole bounds.
        """
        centre, half = (self.lo + self.hi) / 2, (self.hi - self.lo) / 2
        lo, hi = centre - factor * half, centre + factor * half
        return Domain(
            tuple(
                Interval(
                    iv.name,
                    float(np.floor(a)) if iv.integer else float(a),
                    float(np.ceil(b)) if iv.integer else float(b),
                    iv.integer,
                )
                for iv, a, b in zip(self.intervals, lo, hi)
            )
        )

    def grid(self, per_side: int, factor: float = 1.0) -> tuple[np.ndarray, ...]:
        """The axes of a regular grid over the box grown `factor` times, for curves and heatmaps.

        Args:
            per_side: points along each input.
            factor: how much the box is grown first.

        Returns:
            One array (per_side,) per input; `np.meshgrid(*axes)` gives the points.
        """
        outer = self.grown(factor)
        return tuple(np.linspace(lo, hi, per_side) for lo, hi in zip(outer.lo, outer.hi))

    def contains(self, X: np.ndarray) -> np.ndarray:
        """Whether each point lies inside the box, within a relative 1e-9 of its edges.

        Args:
            X: points (n, d), in input order.

        Returns:
            A boolean array (n,).
        """
        X = np.atleast_2d(np.asarray(X, dtype=np.float64))
        tol = 1e-9 * (self.hi - self.lo)
        return np.all((X >= self.lo - tol) & (X <= self.hi + tol), axis=1)

    def sample(self, n: int, rng: np.random.Generator, method: str = "uniform") -> np.ndarray:
        """Points in the box; integer inputs are whole.

        Args:
            n: how many points; `grid` gives k**d with k = ceil(n ** (1/d)), at least n.
            rng: the one stream the fit's randomness is drawn from.
            method: one of SAMPLINGS (uniform, grid, sobol, lhs).

        Returns:
            The points (n, d).
        """
        d = len(self.intervals)
        if method == "uniform":
            unit = rng.random((n, d))
        elif method == "grid":
            k = int(np.ceil(n ** (1 / d) - 1e-9))
            axes = np.meshgrid(*[np.linspace(0, 1, k)] * d, indexing="ij")
            unit = np.stack([a.ravel() for a in axes], axis=1)
        elif method in ("sobol", "lhs"):
            from scipy.stats import qmc  # imported here: scipy.stats costs ~0.6 s to import

            seed = int(rng.integers(2**32))
            engine = qmc.Sobol(d, seed=seed) if method == "sobol" else qmc.LatinHypercube(d, seed=seed)
            with warnings.catch_warnings():  # Sobol warns when n is not a power of two; it stays valid
                warnings.simplefilter("ignore", UserWarning)
                unit = engine.random(n)
        else:
            raise DomainError(f"unknown sampling {method!r}; use one of {', '.join(SAMPLINGS)}")
        return self._from_unit(unit)

    def _from_unit(self, unit: np.ndarray) -> np.ndarray:
        lo, hi, integer = self.lo, self.hi, self.integer
        # Integers: each whole value in [ceil(lo), floor(hi)] gets an equal share of [0, 1).
        ilo, ihi = np.ceil(lo), np.floor(hi)
        whole = np.minimum(ilo + np.floor(unit * (ihi - ilo + 1)), ihi)
        return np.where(integer, whole, lo + unit * (hi - lo))

    def sample_shell(self, shell: Shell, n: int, rng: np.random.Generator) -> np.ndarray:
        """Points uniform in a shell: the box grown `shell.outer` times, less the box grown `shell.inner`
        times.

        Args:
            shell: the shell (1-1.5x or 1.5-2x of the box).
            n: how many points.
            rng: the stream to draw from.

        Returns:
            The points (n, d).
        """
        outer, inner = self.grown(shell.outer), self.grown(shell.inner)
        kept: list[np.ndarray] = []
        count = 0
        while count < n:  # rejection: the shell is at least 1 - (1/1.5)**d of the outer box
            batch = outer._from_unit(rng.random((max(2 * n, 256), len(self.intervals))))
            batch = batch[~inner.contains(batch)]
            kept.append(batch)
            count += len(batch)
        return np.concatenate(kept)[:n]


def _num(value: float) -> str:
    return f"{value:g}"
