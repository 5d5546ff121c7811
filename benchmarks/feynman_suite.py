"""The AI Feynman database's 100 equations (feynman.tsv, the public table with its own variable
ranges) as a user with a data file meets them: each sampled at 2,000 uniform rows, written as a CSV
file, and given to `nnfit.discover(file)`, which is not told the rows are exact.

    python benchmarks/feynman_suite.py [--rows 2000] [--noise 0 0.01] [--only I.12.2 ...] [--limit 60]

Scored by SRBench's rule. Noiseless: the claim is the law up to round-off (on 1,000 fresh points of
the domain it differs from the law by at most 1e-9 of the law's spread). With noise (Gaussian, of
1 % of the target's standard deviation): the claim has the law's form, each term of its sum (SymPy's
expand) the law's term with a coefficient within 1 % of the law's. Any other claim is a wrong law.
Each problem runs in a process of its own and counts as none at --limit seconds. Writes
feynman_suite.md and .json to --out (benchmarks/results).
"""

from __future__ import annotations

import argparse
import csv
import json
import multiprocessing
import multiprocessing.pool
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import sympy

TABLE = Path(__file__).with_name("feynman.tsv")
SYMPY_LOCALS = {"pi": sympy.pi}  # every other name in the table is a variable (E_n, Gamma, beta, I, ...)


def equations() -> dict[str, tuple[str, dict[str, tuple[float, float]]]]:
    """The table: name -> (law, {input: (low, high)}) in the table's order."""
    with TABLE.open(encoding="utf-8") as handle:
        rows = csv.DictReader((line for line in handle if not line.startswith("#")), delimiter="\t")
        table = {}
        for row in rows:
            ranges = {}
            for part in row["domain"].split(","):
                name, span = part.strip().split("=")
                low, high = span.split(":")
                ranges[name] = (float(low), float(high))
            table[row["name"]] = (row["law"], ranges)
    return table


def law_of(law: str, ranges: dict[str, tuple[float, float]]) -> tuple[sympy.Expr, list[sympy.Symbol]]:
    """The law as SymPy reads it, its inputs as real symbols in the table's order."""
    symbols = [sympy.Symbol(name, real=True) for name in ranges]
    return sympy.sympify(law, locals={**SYMPY_LOCALS, **dict(zip(ranges, symbols))}), symbols


def sample(
    law: str, ranges: dict[str, tuple[float, float]], rows: int, noise: float, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """X (rows, d) uniform in `ranges` and y (rows,) the law there, plus Gaussian noise of `noise`
    times y's standard deviation."""
    rng = np.random.default_rng(seed)
    low, high = np.array(list(ranges.values())).T
    X = rng.uniform(low, high, (rows, len(ranges)))
    expression, symbols = law_of(law, ranges)
    y = sympy.lambdify(symbols, expression, "numpy")(*X.T) * np.ones(rows)
    return X, y + noise * y.std() * rng.standard_normal(rows)


def _terms(expression: sympy.Expr) -> dict[sympy.Expr, float]:
    """Each term of the expanded sum without its numeric factor -> that factor:
    q1*q2/(4*pi*eps*r**2) -> {q1*q2/(eps*r**2): 1/(4 pi)}."""
    terms: dict[sympy.Expr, float] = {}
    # no input is negative in the table: sqrt(Gamma*pr/rho) and sqrt(Gamma)*sqrt(pr)/sqrt(rho) are one form
    for term in sympy.Add.make_args(sympy.expand(sympy.powdenest(expression, force=True), force=True)):
        coefficient, rest = term.as_independent(*term.free_symbols, as_Add=False)
        terms[rest] = terms.get(rest, 0.0) + float(coefficient)
    return terms


_C = sympy.Symbol("C")


def _skeleton(expression: sympy.Expr) -> sympy.Expr:
    """The form of a law with every number, exponents included, as one symbol C, over a common
    denominator (1/(1/d1 + n/d2) and 1/(0.9996*n/d2 + 1.0006/d1) are one form)."""

    def form(e: sympy.Expr) -> sympy.Expr:
        if e.is_number:
            return _C
        if e.is_Add:  # each term with its coefficient C, and one C for the numbers
            return sympy.Add(
                *(term(a) for a in e.args if not a.is_number), *([_C] if any(a.is_number for a in e.args) else [])
            )
        if e.is_Mul:
            return sympy.Mul(*(form(a) for a in e.args if not a.is_number)) * _C
        return e.func(*(form(a) for a in e.args)) if e.args else e

    def term(e: sympy.Expr) -> sympy.Expr:
        """A term's form with its coefficient: x and 1.0002*x are both C*x."""
        return form(e) if e.is_Mul else form(e) * _C

    return term(sympy.together(sympy.powdenest(expression, force=True)))


def _near(found: sympy.Expr, expression: sympy.Expr, symbols: list[sympy.Symbol], ranges: dict) -> bool:
    """Within 1 % of the law on 1,000 fresh points of the domain, relative to its root mean square."""
    X, _ = sample(str(expression), ranges, 1000, 0.0, seed=99)
    with np.errstate(all="ignore"):
        truth = sympy.lambdify(symbols, expression, "numpy")(*X.T) * np.ones(len(X))
        claimed = sympy.lambdify(symbols, found, "numpy")(*X.T) * np.ones(len(X))
    error = float(np.sqrt(np.mean((claimed - truth) ** 2) / np.mean(truth**2)))
    return np.isfinite(error) and error <= 0.01


def rounded_is_law(found: sympy.Expr, expression: sympy.Expr, symbols: list[sympy.Symbol]) -> bool:
    """Whether `found`, each float moved at most 1 % to the simplest number near it (a fraction,
    or one times pi), is `expression`, every input taken positive as the table's are."""
    simple = {}
    for value in found.atoms(sympy.Float):
        near = sympy.nsimplify(value, [sympy.pi], tolerance=0.01 * abs(float(value)))
        if abs(float(near) - float(value)) > 0.01 * abs(float(value)):
            return False
        simple[value] = near
    positive = {s: sympy.Symbol(s.name, positive=True) for s in symbols}
    difference = (found.xreplace(simple) - expression).xreplace(positive)
    try:
        return sympy.simplify(difference) == 0
    except Exception:  # noqa: BLE001 — SymPy gives up on some expressions: not shown equal then
        return False


def judge(found: sympy.Expr | None, law: str, ranges: dict[str, tuple[float, float]], noisy: bool) -> str:
    """'found', 'wrong' or 'none' for a claim on `law` (SRBench's rule, as the module says)."""
    if found is None:
        return "none"
    expression, symbols = law_of(law, ranges)
    # the claim names its inputs as the file's columns: the same names, the same assumptions
    found = found.subs({s: symbols[[t.name for t in symbols].index(s.name)] for s in found.free_symbols})
    if noisy:
        truth, claim = _terms(expression), _terms(found)
        same = truth.keys() == claim.keys() and all(
            abs(claim[term] - value) <= 0.01 * abs(value) for term, value in truth.items()
        )
        # a law that is not a sum (sqrt(omega**2/c**2 - pi**2/d**2)): its form, and within 1 % of it
        same = same or (_skeleton(found) == _skeleton(expression) and _near(found, expression, symbols, ranges))
        # or another spelling of the law (m_0/sqrt(1/v**2 - 1/c**2) for m_0*v/sqrt(1 - v**2/c**2)):
        # its constants, each moved at most 1 % to a simple number, give the law exactly
        same = same or rounded_is_law(found, expression, symbols)
        return "found" if same else "wrong"
    X, _ = sample(law, ranges, 1000, 0.0, seed=99)
    with np.errstate(all="ignore"):
        truth_values = sympy.lambdify(symbols, expression, "numpy")(*X.T) * np.ones(len(X))
        claimed = sympy.lambdify(symbols, found, "numpy")(*X.T) * np.ones(len(X))
    spread = float(np.std(truth_values)) or 1.0
    return "found" if float(np.max(np.abs(claimed - truth_values))) <= 1e-9 * spread else "wrong"


def _discover(path: str) -> tuple[sympy.Expr | None, float]:
    """The law `nnfit.discover` claims for the CSV file at `path` and its seconds."""
    import nnfit  # in the worker process: the parent stays light

    warnings.simplefilter("ignore", RuntimeWarning)
    started = time.perf_counter()
    (found,) = nnfit.discover(path)
    return found.expression, time.perf_counter() - started


class _Worker:
    """One process that runs `_discover`, replaced when a problem runs past `limit` seconds (no
    claim, `limit` seconds); nnfit's import is paid once, outside the problems' time."""

    def __init__(self, limit: float) -> None:
        self.limit = limit
        self._pool = self._start()

    @staticmethod
    def _start() -> multiprocessing.pool.Pool:
        # the worker imports this module by name (a test loads it from its path): benchmarks/ on
        # the path it is given, which is this process's, for as long as it starts
        here = str(Path(__file__).resolve().parent)
        added = here not in sys.path
        if added:
            sys.path.insert(0, here)
        try:
            pool = multiprocessing.get_context("spawn").Pool(1)
        finally:
            if added:
                sys.path.remove(here)
        pool.apply_async(_import).get(timeout=120)  # a worker that cannot start fails here, not hangs
        return pool

    def __call__(self, path: Path) -> tuple[sympy.Expr | None, float]:
        try:
            return self._pool.apply_async(_discover, (str(path),)).get(timeout=self.limit)
        except multiprocessing.TimeoutError:
            self._pool.terminate()
            self._pool = self._start()
            return None, self.limit

    def close(self) -> None:
        self._pool.terminate()


def _import() -> None:
    import nnfit  # noqa: F401


def main(argv: list[str] | None = None) -> dict[str, object]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--noise", type=float, nargs="+", default=[0.0, 0.01])
    parser.add_argument("--only", nargs="*", help="equations to run, by the table's names (I.12.2 ...)")
    parser.add_argument("--limit", type=float, default=60.0, help="seconds a problem may take")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results"))
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    table = {name: row for name, row in equations().items() if not args.only or name in args.only}
    results: dict[str, object] = {"problems": {}}
    summary: dict[str, object] = {}
    worker = _Worker(args.limit)
    with tempfile.TemporaryDirectory() as folder:
        for noise in args.noise:
            counts = dict.fromkeys(("found", "wrong", "none"), 0)
            seconds = []
            for name, (law, ranges) in table.items():
                X, y = sample(law, ranges, args.rows, noise, args.seed)
                path = Path(folder) / f"{name}.csv"
                header = ",".join([*ranges, "target"])
                np.savetxt(path, np.column_stack([X, y]), delimiter=",", header=header, comments="", fmt="%.17g")
                claim, took = worker(path)
                verdict = judge(claim, law, ranges, noise > 0)
                counts[verdict] += 1
                seconds.append(took)
                results["problems"][f"{name} (noise {noise:g})"] = {  # type: ignore[index]
                    "law": law,
                    "claim": None if claim is None else str(claim),
                    "verdict": verdict,
                    "seconds": took,
                }
                print(f"noise {noise:<4g} {verdict:5} {took:6.1f} s {name:10} {law:40} -> {claim}", flush=True)
            label = f"noise {noise:g}"
            summary[f"{label}: found"] = f"{counts['found']} of {len(table)}"
            summary[f"{label}: wrong laws"] = f"{counts['wrong']} of {len(table)}"
            summary[f"{label}: median seconds"] = statistics.median(seconds)
            summary[f"{label}: most seconds"] = max(seconds)
    worker.close()
    results["summary"] = summary
    print(json.dumps(summary, indent=2))
    (args.out / "feynman_suite.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    lines = ["| measure | value |", "|---|---|"]
    lines += [f"| {k} | {v:.3g} |" if isinstance(v, float) else f"| {k} | {v} |" for k, v in summary.items()]
    (args.out / "feynman_suite.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return results


if __name__ == "__main__":
    main()
