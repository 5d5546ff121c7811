"""gplearn and Operon on the AI Feynman suite: the rows, the judge and the time limit of
feynman_suite.py, so that their found rates and times stand beside nnfit's.

    pip install -e ".[bench]"      # gplearn 0.4.2 and Operon's pyoperon 0.6.2
    python benchmarks/feynman_peers.py [--seconds 10] [--population 1000] [--generations 10] [--only I.12.2 ...]

Each peer fits the 1,600 rows nnfit searches (80 % of the 2,000 drawn), one core each: gplearn's
SymbolicRegressor (add, sub, mul, div, sqrt, log, exp, sin, cos, neg, inv; constants drawn at
random), and Operon's (the same operations, constants fitted by Levenberg-Marquardt, --seconds of
evolution). Their best program is their answer, judged by feynman_suite.judge (SRBench's rule:
the law to 1e-9 noiseless; with noise, its form with each constant within 1 %), and also by a looser
measure that Operon's float32 constants can meet: `close`, within rRMSE 1e-3 of the law on fresh
points of the domain. Writes feynman_peers.md and .json to --out (benchmarks/results).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import sympy

sys.path.insert(0, str(Path(__file__).resolve().parent))
from discovery_peer import _gplearn, _program
from feynman_suite import equations, judge, law_of, sample

OPERATIONS = "add,sub,mul,div,constant,variable,sin,cos,exp,log,sqrt"


def _operon(seconds: float, seed: int):
    """Operon's SymbolicRegressor on one core, evolving for `seconds`."""
    from pyoperon.sklearn import SymbolicRegressor

    return SymbolicRegressor(allowed_symbols=OPERATIONS, max_time=int(seconds), n_threads=1, random_state=seed)


def _operon_program(regressor, symbols: list[sympy.Symbol]) -> sympy.Expr:
    """Operon's model as SymPy, read from its own infix text (its output, not a user's)."""
    text = regressor.get_model_string(regressor.model_, 16, names=[f"X{i}" for i in range(len(symbols))])
    return sympy.parse_expr(text, local_dict={f"X{i}": s for i, s in enumerate(symbols)})


def close(found: sympy.Expr | None, law: str, ranges: dict[str, tuple[float, float]]) -> bool:
    """Whether `found` is within rRMSE 1e-3 of the law on 1,000 fresh points of the domain."""
    if found is None:
        return False
    _, symbols = law_of(law, ranges)
    X, truth = sample(law, ranges, 1000, 0.0, seed=99)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        claimed = np.asarray(sympy.lambdify(symbols, found, "numpy")(*X.T), dtype=complex) * np.ones(len(X))
    error = float(np.sqrt(np.mean(np.abs(claimed - truth) ** 2)) / (np.std(truth) or 1.0))
    return bool(np.isfinite(error) and error <= 1e-3)


def main(argv: list[str] | None = None) -> dict[str, object]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--noise", type=float, nargs="+", default=[0.0, 0.01])
    parser.add_argument("--seconds", type=float, default=10.0, help="Operon's time to evolve, per problem")
    parser.add_argument("--population", type=int, default=1000, help="gplearn's population")
    parser.add_argument("--generations", type=int, default=10, help="gplearn's generations")
    parser.add_argument("--only", nargs="*", help="equations to run, by the table's names")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results"))
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    warnings.simplefilter("ignore")
    split = int(0.8 * args.rows)
    table = {name: row for name, row in equations().items() if not args.only or name in args.only}
    rows: list[dict[str, object]] = []
    for noise in args.noise:
        for name, (law, ranges) in table.items():
            X, y = sample(law, ranges, args.rows, noise, seed=0)
            _, symbols = law_of(law, ranges)
            row: dict[str, object] = {"name": name, "law": law, "noise": noise}
            for peer, make, read in (
                ("gplearn", lambda: _gplearn(args.population, args.generations, seed=0), _gplearn_program),
                ("operon", lambda: _operon(args.seconds, seed=0), _operon_program),
            ):
                regressor = make()
                started = time.perf_counter()
                with np.errstate(all="ignore"):
                    regressor.fit(X[:split], y[:split])
                row[f"{peer} seconds"] = time.perf_counter() - started
                try:
                    program = read(regressor, symbols)
                except (SyntaxError, TypeError, ValueError):  # a program SymPy cannot read is no answer
                    program = None
                row[peer] = None if program is None else str(program)
                row[f"{peer} verdict"] = judge(program, law, ranges, noise > 0)
                row[f"{peer} close"] = close(program, law, ranges)
            rows.append(row)
            print(
                f"noise {noise:<4g} {name:10} gplearn {row['gplearn verdict']:5} {row['gplearn seconds']:5.1f} s"
                f" | operon {row['operon verdict']:5} close {row['operon close']!s:5} {row['operon seconds']:5.1f} s",
                flush=True,
            )
    summary: dict[str, object] = {}
    for noise in args.noise:
        these = [r for r in rows if r["noise"] == noise]
        for peer in ("gplearn", "operon"):
            label = f"noise {noise:g}: {peer}"
            summary[f"{label} found"] = f"{sum(r[f'{peer} verdict'] == 'found' for r in these)} of {len(these)}"
            summary[f"{label} close"] = f"{sum(bool(r[f'{peer} close']) for r in these)} of {len(these)}"
            summary[f"{label} median seconds"] = statistics.median(float(r[f"{peer} seconds"]) for r in these)  # type: ignore[arg-type]
    print(json.dumps(summary, indent=2))
    (args.out / "feynman_peers.json").write_text(json.dumps({"summary": summary, "problems": rows}, indent=2))
    lines = ["| measure | value |", "|---|---|"]
    lines += [f"| {k} | {v:.3g} |" if isinstance(v, float) else f"| {k} | {v} |" for k, v in summary.items()]
    (args.out / "feynman_peers.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return {"summary": summary, "problems": rows}


def _gplearn_program(regressor, symbols: list[sympy.Symbol]) -> sympy.Expr:
    return _program(str(regressor._program), symbols)


if __name__ == "__main__":
    main()
