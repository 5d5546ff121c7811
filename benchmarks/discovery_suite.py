"""Closed-form discovery (`nnfit.discover`'s search) on textbook laws inside its library and on
targets outside it: how many laws it recovers exactly, with and without 1 % noise, and how many
false claims it makes.

    python benchmarks/discovery_suite.py [--rows 2000] [--seeds 3] [--only NAME ...]

Each target is sampled --seeds times at --rows points uniform in its ranges, 80 % fitted and 20 %
judged. Recovered, without noise: the claim equals the law (SymPy's simplify of the difference is
0, or it is within 1e-9 at a test point). With noise (Gaussian, 1 % of the output's spread): the
claim is a sum of exactly the law's terms, within a tenth of the noise of the law on fresh
points. A claim on a target outside the library is right where it is the law (to rRMSE 1e-6 on
the domain; with noise, its constants each moved at most 1 % to a simple number give the law
exactly), else false, as any claim on pure noise is. Writes discovery_suite.md and .json to --out (benchmarks/results).
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

from nnfit.laws import search_factored as search

sys.path.insert(0, str(Path(__file__).resolve().parent))
from feynman_suite import rounded_is_law

INSIDE = {  # law: input ranges; every term lies in the library
    "x**2 + x": {"x": (1, 1000)},
    "x**2 + 2*y": {"x": (0, 100), "y": (0, 999)},
    "x3 - x2": {"x1": (0, 1), "x2": (0, 1), "x3": (0, 1), "x4": (0, 1)},
    "m*v**2/2": {"m": (1, 10), "v": (0, 20)},
    "m*g*h": {"m": (1, 10), "g": (9, 10), "h": (0, 100)},
    "G*m1*m2/r**2": {"G": (1, 2), "m1": (1, 10), "m2": (1, 10), "r": (1, 5)},
    "q1*q2/(4*pi*eps*r**2)": {"q1": (1, 5), "q2": (1, 5), "eps": (1, 3), "r": (1, 5)},
    "v0*t + a*t**2/2": {"v0": (0, 10), "a": (-5, 5), "t": (0, 10)},
    "2*pi*sqrt(L/g)": {"L": (0.1, 2), "g": (9, 10)},
    "A*sin(w*t)": {"A": (1, 3), "w": (0.5, 2), "t": (0, 6)},
    "A*cos(w*t)": {"A": (1, 3), "w": (0.5, 2), "t": (0, 6)},
    "n*R*T/V": {"n": (1, 5), "R": (8, 9), "T": (250, 350), "V": (1, 10)},
    "P0*exp(-x/H)": {"P0": (1, 2), "x": (0, 5), "H": (1, 3)},
    "x*exp(-x)": {"x": (0, 5)},
    "log(x) + y": {"x": (1, 10), "y": (0, 1)},
    "k*x**2/2": {"k": (1, 10), "x": (-1, 1)},
    "I*R": {"I": (0, 5), "R": (1, 100)},
    "V**2/R": {"V": (1, 10), "R": (1, 100)},
    "rho*g*h + P": {"rho": (900, 1100), "g": (9, 10), "h": (0, 10), "P": (1e5, 1.1e5)},
    "x**3 - 3*x": {"x": (-2, 2)},
    "a*b + c": {"a": (0, 1), "b": (0, 1), "c": (0, 1)},
    "x/y": {"x": (0, 1), "y": (1, 2)},
    "E*lam/(h*c)": {"E": (1, 5), "lam": (1, 5), "h": (1, 2), "c": (1, 3)},
    "sin(x) + cos(y)": {"x": (0, 3), "y": (0, 3)},
    "x*sin(y)": {"x": (0, 3), "y": (0, 3)},
    "rho*v**2*A*Cd/2": {"rho": (1, 1.3), "v": (0, 30), "A": (1, 2), "Cd": (0.2, 0.5)},
    "2*x - 3*y + 4*z": {"x": (0, 1), "y": (0, 1), "z": (0, 1)},
    "gamma*x*y": {"gamma": (1, 2), "x": (0, 1), "y": (0, 1)},
    "S*N + Q": {"S": (0, 1), "N": (0, 1), "Q": (0, 1)},
    "exp(-x**2)": {"x": (-1, 1)},
    "x*exp(x**2)": {"x": (0, 1.5)},
    "beta*I*S/N": {"beta": (0.1, 1), "I": (1, 100), "S": (100, 1000), "N": (1000, 2000)},
}
OUTSIDE = {  # no sum of library terms equals these
    "sin(x*y)/(1 + x**2)": {"x": (-2, 2), "y": (-2, 2)},
    "Abs(x - 0.3)": {"x": (0, 1)},
    "1 - x**2/4 + x**4/64 - x**6/2304": {"x": (0, 3)},
    "sqrt(x**2 + y**2)": {"x": (1, 2), "y": (1, 2)},
    "x*y/(x + y)": {"x": (1, 10), "y": (1, 10)},
    "tanh(3*x)": {"x": (-1, 1)},
    "1/(1 + exp(-5*x))": {"x": (-1, 1)},
    "Max(x, y)": {"x": (0, 1), "y": (0, 1)},
    "sin(x)**3 + y": {"x": (0, 3), "y": (0, 1)},
    "exp(-x)*cos(3*x)": {"x": (0, 3)},
    "log(1 + x*y)": {"x": (0, 2), "y": (0, 2)},
    "x**0.37 * y + x": {"x": (1, 5), "y": (1, 5)},
    "atan(x/y)": {"x": (0.5, 2), "y": (0.5, 2)},
    "sin(x + y**2)": {"x": (0, 2), "y": (0, 2)},
    "(x - y)**4": {"x": (0, 1), "y": (0, 1)},
    "sign(x - 0.5) * x": {"x": (0, 1)},
    "x / (1 + x**2)": {"x": (0, 3)},
    "cosh(x) * y + y**2": {"x": (0, 2), "y": (1, 2)},
    "floor(3*x)": {"x": (0, 1)},
    "sin(2*x) * exp(-y**2) + z": {"x": (0, 3), "y": (-1, 1), "z": (0, 1)},
    "x**5 + x": {"x": (0, 2)},
}
NOISE = 0.01


def _sample(
    law: str, ranges: dict, rows: int, noise: float, seed: int = 0
) -> tuple[np.ndarray, np.ndarray, sympy.Expr, list]:
    rng = np.random.default_rng(seed)
    low, high = np.array(list(ranges.values()), dtype=float).T
    X = rng.uniform(low, high, (rows, len(ranges)))
    symbols = [sympy.Symbol(name, real=True) for name in ranges]  # E, I, S, N: names, not SymPy's constants
    expression = sympy.sympify(law, locals=dict(zip(ranges, symbols)))
    y = sympy.lambdify(symbols, expression, "numpy")(*X.T) * np.ones(rows)
    return X, y + noise * y.std() * rng.standard_normal(rows), expression, symbols


def _shape(expression: sympy.Expr) -> set[sympy.Expr]:
    """The terms of a sum without their numeric factors: q1*q2/(4*pi*eps*r**2) -> {q1*q2/(eps*r**2)}."""
    return {
        sympy.Mul(*(factor for factor in sympy.Mul.make_args(term) if not factor.is_number))
        for term in sympy.Add.make_args(sympy.expand(expression))
    }


def _recovered(found: sympy.Expr | None, law: sympy.Expr, symbols: list, ranges: dict, noisy: bool) -> bool:
    """Without noise: the claim is the law (SymPy's simplify of the difference is 0, or within 1e-9
    at a test point). With noise: the claim is a sum of exactly the law's terms, and on fresh points
    of the domain it differs from the law by at most a tenth of the noise (rRMSE 1e-3)."""
    if found is None:
        return False
    if noisy:
        if _shape(found) != _shape(law):
            return False
        low, high = np.array(list(ranges.values()), dtype=float).T
        X = np.random.default_rng(9).uniform(low, high, (2000, len(symbols)))
        truth = sympy.lambdify(symbols, law, "numpy")(*X.T) * np.ones(len(X))
        claimed = sympy.lambdify(symbols, found, "numpy")(*X.T) * np.ones(len(X))
        return float(np.sqrt(np.mean((claimed - truth) ** 2)) / truth.std()) <= NOISE / 10
    point = {s: 1.37 + 0.11 * i for i, s in enumerate(symbols)}
    return sympy.simplify(found - law) == 0 or abs(float((found - law).subs(point))) < 1e-9


def _holds(found: sympy.Expr, law: sympy.Expr, symbols: list, ranges: dict, noisy: bool) -> bool:
    """A claim on a law outside the library is right when it equals the law on fresh points of its
    domain (rRMSE 1e-6 at most: sqrt(x**2 + y**2) found as the root of a sum of squares); with
    noise, when its constants, each moved at most 1 % to a simple number, give the law exactly
    (1/(1.0001/y + 0.9998/x) for x*y/(x + y))."""
    if noisy:
        return rounded_is_law(found, law, symbols)
    low, high = np.array(list(ranges.values()), dtype=float).T
    X = np.random.default_rng(9).uniform(low, high, (2000, len(symbols)))
    with np.errstate(all="ignore"):
        truth = sympy.lambdify(symbols, law, "numpy")(*X.T) * np.ones(len(X))
        claimed = sympy.lambdify(symbols, found, "numpy")(*X.T) * np.ones(len(X))
    return float(np.sqrt(np.mean((claimed - truth) ** 2)) / (truth.std() or 1.0)) <= 1e-6


def main(argv: list[str] | None = None) -> dict[str, object]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--seeds", type=int, default=3, help="samples drawn of each law, with seeds 0, 1, ...")
    parser.add_argument("--only", nargs="*", help="laws to run (as written in the tables)")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results"))
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    warnings.simplefilter("ignore", RuntimeWarning)
    split = int(0.8 * args.rows)
    results: dict[str, object] = {"laws": {}}
    summary: dict[str, object] = {}
    for family, table in (("inside", INSIDE), ("outside", OUTSIDE)):
        for noise in (0.0, NOISE):
            hits, rights, seconds = 0, 0, []
            chosen = [law for law in table if not args.only or law in args.only]
            for law in chosen:
                for seed in range(args.seeds):
                    X, y, expression, symbols = _sample(law, table[law], args.rows, noise, seed)
                    started = time.perf_counter()
                    found = search(X[:split], y[:split], X[split:], y[split:], list(table[law]), exact=noise == 0)
                    seconds.append(time.perf_counter() - started)
                    if family == "inside":
                        hit = _recovered(found.expression, expression, symbols, table[law], noise > 0)
                    else:  # a law the library cannot spell, but a transform of the output may
                        right = found.expression is not None and _holds(
                            found.expression, expression, symbols, table[law], noise > 0
                        )
                        hit = found.expression is not None and not right
                        rights += right
                    hits += hit
                    results["laws"][f"{law} (noise {noise:g}, seed {seed})"] = {  # type: ignore[index]
                        "found": None if found.expression is None else str(found.expression),
                        "floor": found.floor,
                        "seconds": seconds[-1],
                    }
                    print(
                        f"{family:7} noise {noise:<4g} seed {seed} {'yes' if hit else 'no ':3} {law:34} -> {found.expression}"
                    )
            what = "recovered" if family == "inside" else "false claims"
            if chosen:
                summary[f"{family}, noise {noise:g}: {what}"] = f"{hits} of {len(chosen) * args.seeds}"
                if family == "outside":
                    summary[f"{family}, noise {noise:g}: right claims"] = f"{rights} of {len(chosen) * args.seeds}"
                summary[f"{family}, noise {noise:g}: median seconds"] = statistics.median(seconds)
    noise_claims = 0
    for seed in range(args.seeds):
        rng = np.random.default_rng(5 + seed)
        for inputs in (1, 2, 3, 5):
            X, y = rng.uniform(0, 1, (args.rows, inputs)), rng.standard_normal(args.rows)
            names = [f"a{i}" for i in range(inputs)]
            noise_claims += search(X[:split], y[:split], X[split:], y[split:], names).expression is not None
    summary["claims on pure noise (1, 2, 3, 5 inputs)"] = f"{noise_claims} of {4 * args.seeds}"
    results["summary"] = summary
    print(json.dumps(summary, indent=2))
    (args.out / "discovery_suite.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    lines = ["| measure | value |", "|---|---|"]
    lines += [f"| {k} | {v:.3g} |" if isinstance(v, float) else f"| {k} | {v} |" for k, v in summary.items()]
    (args.out / "discovery_suite.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return results


if __name__ == "__main__":
    main()
