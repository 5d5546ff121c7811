"""nnfit's closed-form search against gplearn's genetic SymbolicRegressor: recovery rate and time on
the laws of discovery_suite.py, from the same samples (2,000 rows, 80 % fitted), noiseless and with
1 % noise.

    pip install gplearn        # 0.4.2; a shim below adapts it to scikit-learn >= 1.6
    python benchmarks/discovery_peer.py [--population 2000] [--generations 20] [--only LAW ...]

One measure for both, so that neither is judged by the other's rules:
- exact: the answer is the law: their difference simplifies to 0, or is within 1e-9 of the law's
  scale at 200 fresh points of the 2x box around the domain;
- close: on the 1.5-2x shell around the domain, the answer's rRMSE against the law is <= 1e-3
  (it extrapolates as the law does).
nnfit's answer is its claim (None when it claims nothing); gplearn's is its best program, which
it always gives. Time: seconds to the answer, each run on one core. Writes discovery_peer.md and
.json to --out (benchmarks/results).
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
from discovery_suite import INSIDE, NOISE, _sample

from nnfit.data import Domain, Interval, Shell
from nnfit.laws import search

FUNCTIONS = ("add", "sub", "mul", "div", "sqrt", "log", "sin", "cos", "neg", "inv")  # and exp, below


def _gplearn(population: int, generations: int, seed: int):
    """A SymbolicRegressor with exp among its functions, adapted to scikit-learn >= 1.6 (gplearn
    0.4.2 calls BaseEstimator._validate_data, which scikit-learn 1.6 removed)."""
    from gplearn.functions import make_function
    from gplearn.genetic import SymbolicRegressor
    from sklearn.utils.validation import validate_data

    class Regressor(SymbolicRegressor):
        def _validate_data(self, *args, **kwargs):
            return validate_data(self, *args, **kwargs)

    def protected_exp(x):
        with np.errstate(over="ignore"):
            return np.where(x < 100, np.exp(np.minimum(x, 100)), 0.0)

    exp = make_function(function=protected_exp, name="exp", arity=1)
    return Regressor(
        population_size=population,
        generations=generations,
        function_set=(*FUNCTIONS, exp),
        parsimony_coefficient=0.001,
        stopping_criteria=1e-12,
        random_state=seed,
        n_jobs=1,
    )


def _program(text: str, symbols: list[sympy.Symbol]) -> sympy.Expr:
    """gplearn's program (``add(X0, mul(X1, 0.5))``) as SymPy, its protected functions as the plain
    ones where they agree (|x| > 0.001). The text is gplearn's own output, not a user's."""
    names = {
        "add": lambda a, b: a + b,
        "sub": lambda a, b: a - b,
        "mul": lambda a, b: a * b,
        "div": lambda a, b: a / b,
        "sqrt": lambda a: sympy.sqrt(sympy.Abs(a)),
        "log": lambda a: sympy.log(sympy.Abs(a)),
        "sin": sympy.sin,
        "cos": sympy.cos,
        "exp": sympy.exp,
        "neg": lambda a: -a,
        "inv": lambda a: 1 / a,
        **{f"X{i}": s for i, s in enumerate(symbols)},
    }
    return sympy.parse_expr(text, local_dict=names)


def _judge(found: sympy.Expr | None, law: sympy.Expr, symbols: list, ranges: dict) -> dict[str, bool]:
    """Whether `found` is the law exactly, and whether it extrapolates as the law does."""
    if found is None:
        return {"exact": False, "close": False}
    domain = Domain(tuple(Interval(name, float(lo), float(hi)) for name, (lo, hi) in ranges.items()))
    rng = np.random.default_rng(7)
    box, shell = domain.grown(2.0).sample(200, rng), domain.sample_shell(Shell(1.5, 2.0), 2000, rng)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        law_f, found_f = (sympy.lambdify(symbols, e, "numpy") for e in (law, found))

        def both(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            """The law and the answer at X, where the law is a real number (sqrt, log, 1/x beyond the domain)."""
            truth = np.asarray(law_f(*X.T), dtype=complex) * np.ones(len(X))
            claim = np.asarray(found_f(*X.T), dtype=complex) * np.ones(len(X))
            real = np.isfinite(truth) & (truth.imag == 0)
            return truth[real].real, claim[real]

        truth, claim = both(box)
        exact = bool(np.all(np.abs(claim - truth) <= 1e-9 * (np.max(np.abs(truth)) or 1.0)))
        if not exact:
            try:
                exact = sympy.simplify(found - law) == 0
            except Exception:  # noqa: BLE001 — SymPy gives up on some programs: not equal then
                exact = False
        truth, claim = both(shell)
        error = np.sqrt(np.mean(np.abs(claim - truth) ** 2)) / np.std(truth)
    return {"exact": bool(exact), "close": bool(np.isfinite(error) and error <= 1e-3)}


def main(argv: list[str] | None = None) -> dict[str, object]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--population", type=int, default=2000)
    parser.add_argument("--generations", type=int, default=20)
    parser.add_argument("--only", nargs="*", help="laws to run (as written in discovery_suite.py)")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results"))
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    warnings.simplefilter("ignore")
    split = int(0.8 * args.rows)
    laws = [law for law in INSIDE if not args.only or law in args.only]
    rows: list[dict[str, object]] = []
    X, y, _, _ = _sample("x**2 + 2*y", INSIDE["x**2 + 2*y"], 200, 0.0)
    search(X[:160], y[:160], X[160:], y[160:], ["x", "y"])  # imports and first calls out of the timings
    for noise in (0.0, NOISE):
        for law in laws:
            ranges = INSIDE[law]
            X, y, expression, symbols = _sample(law, ranges, args.rows, noise)
            started = time.perf_counter()
            found = search(X[:split], y[:split], X[split:], y[split:], list(ranges), exact=noise == 0).expression
            ours = time.perf_counter() - started
            regressor = _gplearn(args.population, args.generations, seed=0)
            started = time.perf_counter()
            regressor.fit(X[:split], y[:split])
            theirs = time.perf_counter() - started
            program = _program(str(regressor._program), symbols)
            row = {
                "law": law,
                "noise": noise,
                "nnfit": None if found is None else str(found),
                "nnfit seconds": ours,
                **{f"nnfit {k}": v for k, v in _judge(found, expression, symbols, ranges).items()},
                "gplearn": str(program),
                "gplearn seconds": theirs,
                **{f"gplearn {k}": v for k, v in _judge(program, expression, symbols, ranges).items()},
            }
            rows.append(row)
            print(
                f"noise {noise:<4g} {law:26} nnfit {'exact' if row['nnfit exact'] else 'close' if row['nnfit close'] else '-':5}"
                f" {ours:6.2f} s | gplearn {'exact' if row['gplearn exact'] else 'close' if row['gplearn close'] else '-':5}"
                f" {theirs:6.1f} s  {program}",
                flush=True,
            )
    summary: dict[str, object] = {}
    for noise in (0.0, NOISE):
        these = [r for r in rows if r["noise"] == noise]
        for tool in ("nnfit", "gplearn"):
            for tier in ("exact", "close"):
                summary[f"noise {noise:g}: {tool} {tier}"] = (
                    f"{sum(bool(r[f'{tool} {tier}']) for r in these)} of {len(these)}"
                )
            summary[f"noise {noise:g}: {tool} median seconds"] = statistics.median(
                float(r[f"{tool} seconds"]) for r in these
            )  # type: ignore[arg-type]
        both = [r for r in these if r["nnfit close"] and r["gplearn close"]]
        if both:
            summary[f"noise {noise:g}: gplearn / nnfit time where both are close (median)"] = statistics.median(
                float(r["gplearn seconds"]) / float(r["nnfit seconds"])
                for r in both  # type: ignore[arg-type]
            )
    print(json.dumps(summary, indent=2))
    (args.out / "discovery_peer.json").write_text(
        json.dumps({"summary": summary, "laws": rows}, indent=2), encoding="utf-8"
    )
    lines = ["| measure | value |", "|---|---|"]
    lines += [f"| {k} | {v:.3g} |" if isinstance(v, float) else f"| {k} | {v} |" for k, v in summary.items()]
    (args.out / "discovery_peer.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return {"summary": summary, "laws": rows}


if __name__ == "__main__":
    main()
