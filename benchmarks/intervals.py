"""Prediction intervals: do nnfit's 90 % intervals hold 90 % of fresh points, inside the domain and
on the rings around it, without being uselessly wide, and what do they cost?

    python benchmarks/intervals.py [--only NAME ...] [--skip-formulas] [--skip-data] [--out benchmarks/results]

Formulas (benchmarks/formulas.tsv, `nnfit.fit(formula, domain)` with the defaults): coverage and
median width of `Fit.predict_interval` on fresh points, drawn from a seed the fit never saw,
inside the domain (10,000) and on the 1-1.5x and 1.5-2x shells (4,000 each). Sharpness: the median
width over the narrowest constant width that would cover 90 % of that set (twice the 90th
percentile of |error|). Cost: the seconds a default fit spends on its intervals (calibrating them and
measuring them on its sets, JIT compilation included) over the seconds of the whole fit.

Noisy data (diabetes; Friedman-1 with noise σ = 1), 5-fold cross-validation (KFold, shuffled, seed
0): `NNFitRegressor().predict(X, return_interval=True)` beside MAPIE's CV+ intervals
(`CrossConformalRegressor(method="plus", cv=5)`) around the same estimator, both at 90 %.
Needs the bench extra (MAPIE). Writes OUT/intervals.md and .json.
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import time
from pathlib import Path

import numpy as np

import nnfit
from nnfit import fitting
from nnfit.data import SHELLS, Domain
from nnfit.fitting import _problem as problem

HERE = Path(__file__).parent
COVERAGE = 0.9
FRESH_SEED = 20_261_207  # the fresh points' stream: no fit draws from it
INSIDE, ON_SHELL = 10_000, 4000


def formulas(only: list[str] | None) -> list[dict[str, str]]:
    """The rows of the formula suite (benchmarks/formulas.tsv), or those named in `only`."""
    with (HERE / "formulas.tsv").open(encoding="utf-8") as handle:
        return [row for row in csv.DictReader(handle, delimiter="\t") if not only or row["name"] in only]


def measure_set(fit: nnfit.Fit, X: np.ndarray) -> dict[str, float]:
    """Coverage, median width and the sharpness ratio of the intervals at X (n, d) where the target is finite."""
    y = fit.target(X)
    finite = np.all(np.isfinite(y), axis=1)
    X, y = X[finite], y[finite]
    lower, upper = fit.predict_interval(X, COVERAGE)
    error = np.abs(fit.predict(X) - y)
    calibrated = ~np.isnan(lower).any(axis=1)
    held = (y >= lower) & (y <= upper)
    width = np.median(upper[calibrated] - lower[calibrated], axis=0)
    narrowest = 2 * np.quantile(error, COVERAGE, axis=0)  # the constant width that covers 90 % of this set
    return {
        "coverage": float(held[calibrated].mean()),
        "width": float(width.mean()),
        "sharpness": float(np.mean(width / np.where(narrowest > 0, narrowest, np.nan))),
        "beyond": int((~calibrated).sum()),
    }


class Stopwatch:
    """Seconds spent in the functions it wraps, summed: what the intervals cost inside a fit."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def wrap(self, function):
        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - started

        return timed


def formula_row(formula: str, domain: str) -> dict:
    """One default fit, its intervals measured on fresh points, and the intervals' share of its time:
    the calibration and the bounds on the measured sets, timed inside the fit (JIT compilation for
    their new shapes included)."""
    stopwatch = Stopwatch()
    patched = {
        (problem, "calibrate"): stopwatch.wrap(problem.calibrate),
        (fitting.Fit, "half_width"): stopwatch.wrap(fitting.Fit.half_width),
    }
    originals = {key: getattr(*key) for key in patched}
    for (owner, name), timed in patched.items():
        setattr(owner, name, timed)
    try:
        started = time.perf_counter()
        fit = nnfit.fit(formula, domain)
        seconds = time.perf_counter() - started
    finally:
        for (owner, name), original in originals.items():
            setattr(owner, name, original)
    box: Domain = fit.domain
    rng = np.random.default_rng(FRESH_SEED)
    sets = {"inside": measure_set(fit, box.sample(INSIDE, rng))}
    sets.update({shell.name: measure_set(fit, box.sample_shell(shell, ON_SHELL, rng)) for shell in SHELLS})
    return {"sets": sets, "seconds": seconds, "interval_seconds": stopwatch.seconds}


def data_rows(names: list[str] | None) -> dict[str, dict]:
    """5-fold coverage and median width of nnfit's intervals and of MAPIE's CV+ around NNFitRegressor."""
    from mapie.regression import CrossConformalRegressor
    from sklearn.datasets import load_diabetes, make_friedman1
    from sklearn.model_selection import KFold

    datasets = {
        "diabetes": lambda: load_diabetes(return_X_y=True),
        "friedman1": lambda: make_friedman1(n_samples=1000, noise=1.0, random_state=0),
    }
    rows = {}
    for name, load in datasets.items():
        if names and name not in names:
            continue
        X, y = load()
        held = {"nnfit": [], "cv+": []}
        widths: dict[str, list[float]] = {"nnfit": [], "cv+": []}
        beyond = 0
        for train, test in KFold(5, shuffle=True, random_state=0).split(X):
            model = nnfit.NNFitRegressor().fit(X[train], y[train])
            _, lower, upper = model.predict(X[test], return_interval=COVERAGE)
            calibrated = ~np.isnan(lower)
            beyond += int((~calibrated).sum())
            held["nnfit"] += list((y[test] >= lower)[calibrated] & (y[test] <= upper)[calibrated])
            widths["nnfit"] += list((upper - lower)[calibrated])
            peer = CrossConformalRegressor(nnfit.NNFitRegressor(), confidence_level=COVERAGE, method="plus", cv=5)
            peer.fit_conformalize(X[train], y[train])
            _, bounds = peer.predict_interval(X[test])
            lo, hi = bounds[:, 0, 0], bounds[:, 1, 0]
            held["cv+"] += list((y[test] >= lo) & (y[test] <= hi))
            widths["cv+"] += list(hi - lo)
        rows[name] = {
            method: {"coverage": float(np.mean(held[method])), "width": float(np.median(widths[method]))}
            for method in held
        }
        rows[name]["nnfit"]["beyond"] = beyond
        rows[name]["width_ratio"] = rows[name]["nnfit"]["width"] / rows[name]["cv+"]["width"]
        print(name, json.dumps(rows[name]), flush=True)
    return rows


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="names of formulas or data sets to run (default: all)")
    parser.add_argument("--skip-formulas", action="store_true")
    parser.add_argument("--skip-data", action="store_true")
    parser.add_argument("--out", default="benchmarks/results")
    args = parser.parse_args(argv)
    nnfit.fit("x", "x=0:1", steps=10)  # JAX's start-up, once, outside the clock
    result: dict = {"formulas": [], "data": {}}
    if not args.skip_formulas:
        for row in formulas(args.only):
            measured = {**row, **formula_row(row["formula"], row["domain"])}
            result["formulas"].append(measured)
            cells = "  ".join(
                f"{name} {m['coverage']:.1%} x{m['sharpness']:.2f}" for name, m in measured["sets"].items()
            )
            print(f"{row['name']:<20} {cells}  cost {measured['interval_seconds'] / measured['seconds']:.1%}")
    if not args.skip_data:
        result["data"] = data_rows(args.only)
    result["summary"] = summary(result)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "intervals.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    (out / "intervals.md").write_text(table(result), encoding="utf-8")
    print(result["summary"])
    return result


def summary(result: dict) -> str:
    lines = []
    rows = result["formulas"]
    if rows:
        for name in ("inside", *(shell.name for shell in SHELLS)):
            coverage = [r["sets"][name]["coverage"] for r in rows]
            sharp = [r["sets"][name]["sharpness"] for r in rows]
            lines.append(
                f"{name}: coverage median {statistics.median(coverage):.1%}, lowest {min(coverage):.1%}, "
                f"highest {max(coverage):.1%}; width / narrowest constant median {statistics.median(sharp):.2f}, "
                f"largest {max(sharp):.2f}"
            )
        cost = [r["interval_seconds"] / r["seconds"] for r in rows]
        lines.append(
            f"the intervals' share of a fit's time: median {statistics.median(cost):.1%}, largest {max(cost):.1%}"
        )
    for name, row in result["data"].items():
        lines.append(
            f"{name}: nnfit {row['nnfit']['coverage']:.1%} width {row['nnfit']['width']:.4g} "
            f"({row['nnfit']['beyond']} beyond the box); CV+ {row['cv+']['coverage']:.1%} width "
            f"{row['cv+']['width']:.4g}; width ratio {row['width_ratio']:.2f}"
        )
    return "\n".join(lines)


def table(result: dict) -> str:
    names = ("inside", *(shell.name for shell in SHELLS))
    lines = []
    if result["formulas"]:
        head = "| formula | " + " | ".join(f"{n} coverage | {n} width ÷ narrowest" for n in names)
        lines += [head + " | intervals s | fit s |", "|---|" + "---|---|" * len(names) + "---|---|"]
        for r in result["formulas"]:
            cells = " | ".join(f"{r['sets'][n]['coverage']:.1%} | {r['sets'][n]['sharpness']:.2f}" for n in names)
            lines.append(f"| `{r['formula']}` | {cells} | {r['interval_seconds']:.3f} | {r['seconds']:.1f} |")
        lines.append("")
    if result["data"]:
        lines += [
            "| data | nnfit coverage | nnfit median width | beyond the box | CV+ coverage | CV+ median width | width ratio |"
        ]
        lines += ["|---|---|---|---|---|---|---|"]
        for name, row in result["data"].items():
            ours, peer = row["nnfit"], row["cv+"]
            lines.append(
                f"| {name} | {ours['coverage']:.1%} | {ours['width']:.4g} | {ours['beyond']} | "
                f"{peer['coverage']:.1%} | {peer['width']:.4g} | {row['width_ratio']:.2f} |"
            )
        lines.append("")
    return "\n".join(lines) + "\n" + result["summary"] + "\n"


if __name__ == "__main__":
    main()
