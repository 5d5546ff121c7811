"""What maps inputs to outputs: a formula, a Python callable, or (only data known) a data file."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from ..errors import DomainError, NnfitError
from . import _formula as formula_module

ArrayFn = Callable[[np.ndarray], np.ndarray]


@dataclass(frozen=True)
class Target:
    """Input and output names plus, when the function is known, `evaluate` X (n, d) -> Y (n, k).

    Build one with `from_formula`, `from_callable` or `from_data`; `Target.of` picks.
    """

    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    kind: str  # "formula", "callable" or "data"
    text: str | None = None  # the formula, or the data file's path
    function: ArrayFn | None = field(default=None, repr=False, compare=False)
    expressions: tuple = field(default=(), repr=False, compare=False)  # SymPy, for formulas

    @property
    def known(self) -> bool:
        """Whether the true value can be computed anywhere (so extrapolation can be measured)."""
        return self.function is not None

    def __call__(self, X: np.ndarray) -> np.ndarray:
        """True values Y (n, k) in float64 at X (n, d); only for formula and callable targets."""
        if self.function is None:
            raise NnfitError(f"the target read from {self.text} is data only: its value is unknown outside the file")
        X = np.asarray(X, dtype=np.float64).reshape(-1, len(self.inputs))
        return np.asarray(self.function(X), dtype=np.float64).reshape(len(X), len(self.outputs))

    def defined_at(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
        """The points where every output is finite: sqrt(x) beyond x = 0, or m_0/sqrt(1 - v**2/c**2)
        beyond v = c, has no value to measure a fit or a law against.

        Args:
            X: points (n, d).

        Returns:
            The points kept (m, d), the true values there (m, k), and how many were left out.
        """
        truth = self(X)
        defined = np.all(np.isfinite(truth), axis=1)
        return X[defined], truth[defined], int((~defined).sum())

    def reordered(self, names: Sequence[str]) -> Target:
        """The same target taking its inputs in another order.

        Args:
            names: a permutation of `inputs`.

        Returns:
            The reordered Target.
        """
        names = tuple(names)
        if names == self.inputs or self.function is None:
            return Target(names, self.outputs, self.kind, self.text, self.function, self.expressions)
        columns = [names.index(n) for n in self.inputs]
        inner = self.function
        return Target(names, self.outputs, self.kind, self.text, lambda X: inner(X[:, columns]), self.expressions)

    def describe(self) -> str:
        """The target in words, as the command line's first line shows it.

        Returns:
            Its formula, ``u = x*y; v = x - y``, or where it comes from.
        """
        if self.kind == "formula":
            return "; ".join(f"{o} = {e}" for o, e in zip(self.outputs, self.expressions))
        if self.kind == "data":
            return f"{', '.join(self.outputs)} from {self.text}"
        return f"{self.text}({', '.join(self.inputs)})"

    @classmethod
    def from_formula(cls, text: str, inputs: Sequence[str] | None = None) -> Target:
        """A target from a formula, parsed through nnfit's whitelist, never evaluated as Python.

        Args:
            text: the formula; several outputs are separated by ";" (``"u = x*y; v = x - y"``).
            inputs: the input order; it may add inputs the formula does not use.

        Returns:
            The Target.

        Raises:
            FormulaError: a malformed formula, or a name not on the whitelist.
        """
        parsed = formula_module.parse(text)
        names = _declared_inputs(inputs, parsed.variables)
        return cls(names, parsed.outputs, "formula", text, parsed.compile(names), parsed.expressions)

    @classmethod
    def from_callable(
        cls, function: Callable[..., object], inputs: Sequence[str] | None = None, outputs: Sequence[str] | None = None
    ) -> Target:
        """A target from a Python function of named arguments, e.g. ``lambda x, y: x**2 + 2*y``.

        The function is called with one NumPy array (n,) per input and returns an array (n,), or a
        tuple of them for several outputs.

        Args:
            function: the function.
            inputs: its arguments' names in order; read from its signature when None.
            outputs: the outputs' names; y, or y0, y1, ... when None.

        Returns:
            The Target.

        Raises:
            NnfitError: a function whose arguments cannot be named.
        """
        if inputs is None:
            try:
                parameters = inspect.signature(function).parameters.values()
            except (TypeError, ValueError):
                raise NnfitError("cannot read the callable's argument names: pass inputs=['x', ...]") from None
            inputs = [p.name for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        names = tuple(inputs)
        if not names:
            raise NnfitError("the callable takes no arguments: it needs at least one named input")
        out_names = tuple(outputs) if outputs is not None else None

        def evaluate(X: np.ndarray) -> np.ndarray:
            with np.errstate(all="ignore"):
                result = function(*(X[:, i] for i in range(X.shape[1])))
            columns = result if isinstance(result, (tuple, list)) else (result,)
            return np.stack([np.broadcast_to(np.asarray(c, dtype=np.float64), (len(X),)) for c in columns], axis=1)

        if out_names is None:
            probe = evaluate(np.ones((1, len(names))))
            out_names = ("f",) if probe.shape[1] == 1 else tuple(f"f{i + 1}" for i in range(probe.shape[1]))
        label = getattr(function, "__name__", "f")
        return cls(names, out_names, "callable", "f" if label == "<lambda>" else label, evaluate)

    @classmethod
    def from_data(cls, path: str, inputs: Sequence[str], outputs: Sequence[str]) -> Target:
        """A target known only through the columns of a data file.

        Args:
            path: the file.
            inputs: the input columns.
            outputs: the output columns.

        Returns:
            The Target, whose values come only from the file's rows.
        """
        return cls(tuple(inputs), tuple(outputs), "data", str(path))

    @classmethod
    def of(cls, spec: Target | str | Callable[..., object], inputs: Sequence[str] | None = None) -> Target:
        """A Target from any of its forms.

        Args:
            spec: a Target, a formula or a callable.
            inputs: the input order, as for `from_formula` and `from_callable`.

        Returns:
            The Target.

        Raises:
            FormulaError: a formula that cannot be read.
        """
        if isinstance(spec, Target):
            return spec
        if isinstance(spec, str):
            return cls.from_formula(spec, inputs)
        if callable(spec):
            return cls.from_callable(spec, inputs)
        raise NnfitError(f"a target is a formula string, a callable or a data file; got {type(spec).__name__}")


def _declared_inputs(declared: Sequence[str] | None, used: tuple[str, ...]) -> tuple[str, ...]:
    if declared is None:
        return used
    names = tuple(declared)
    missing = [v for v in used if v not in names]
    if missing:
        raise DomainError(f"the formula uses {', '.join(missing)} but --inputs lists only {', '.join(names)}; add them")
    return names


def match_domain(target: Target, domain_names: tuple[str, ...], declared: bool) -> tuple[str, ...]:
    """The input order for `target` on a domain naming `domain_names`; raises on any mismatch.

    Without declared inputs the domain's order is used, so query points read in the order the
    user wrote the ranges.
    """
    missing = [n for n in target.inputs if n not in domain_names]
    if missing:
        example = ", ".join(f"{n}=0:1" for n in target.inputs)
        raise DomainError(
            f'no range for {", ".join(repr(m) for m in missing)} — give every input a range, e.g. --domain "{example}"'
        )
    extra = [n for n in domain_names if n not in target.inputs]
    constants = [n for n in extra if target.kind == "formula" and n in formula_module.CONSTANTS]
    if constants:
        raise DomainError(
            f"{constants[0]!r} is the constant {formula_module.CONSTANTS[constants[0]]} in formulas, "
            "not a variable — name that input something else"
        )
    if extra:
        raise DomainError(
            f"the domain gives a range for {', '.join(repr(e) for e in extra)}, which the target does "
            f"not use — remove it, or declare it with --inputs {','.join(target.inputs + tuple(extra))} "
            "to train on an input the target ignores"
        )
    return target.inputs if declared else domain_names
