"""The formula suite: nnfit with no flags on textbook formulas it was not tuned on.

    python benchmarks/formula_suite.py [--only NAME ...] [--fixed] [--out benchmarks/results]

Each formula of benchmarks/formulas.tsv (physics and engineering, physical ranges, 1-9 inputs) is
fitted as a user would, `nnfit.fit(formula, domain)`, and the table gives the recipe chosen, the
test rRMSE and R², the rRMSE in both extrapolation shells and the wall time of the call
(sampling, probes, training and evaluation; the first fit's JAX start-up is warmed away). With
--fixed, each formula is also fitted with `auto=False` and 10 000 samples (the default recipe of
version 0.2), side by side.
Writes OUT/formula_suite.md and .json.
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import time
from pathlib import Path

import nnfit

HERE = Path(__file__).parent
FIXED_SAMPLES = 10_000  # the fixed recipe of version 0.2 sampled this many points at any number of inputs


def formulas(only: list[str] | None = None) -> list[dict[str, str]]:
    with (HERE / "formulas.tsv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return [row for row in rows if not only or row["name"] in only]


def measure(formula: str, domain: str, **settings) -> dict:
    """One fit: its recipe, test and shell metrics, and wall time in seconds."""
    started = time.perf_counter()
    fit = nnfit.fit(formula, domain, **settings)
    seconds = time.perf_counter() - started
    shells = {name: m["rrmse"] for name, m in fit.evaluation.items() if name != "test"}
    return {
        "recipe": ", ".join(fit.recipe.summary().split(" | ")[i] for i in (0, 3)),  # network, scaling
        "reason": fit.choice["reason"] if fit.choice else "",
        "rrmse": fit.evaluation["test"]["rrmse"],
        "r2": fit.evaluation["test"]["r2"],
        "shells": shells,
        "seconds": seconds,
    }


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="names of formulas to run (default: all)")
    parser.add_argument("--fixed", action="store_true", help="also fit each with the fixed default recipe")
    parser.add_argument("--seed", type=int, default=0, help="the seed of every fit (default: 0, as a user's)")
    parser.add_argument("--out", default="benchmarks/results")
    args = parser.parse_args(argv)
    nnfit.fit("x", "x=0:1", steps=10)  # JAX's start-up, once, outside the clock
    results = []
    for row in formulas(args.only):
        result = {**row, "auto": measure(row["formula"], row["domain"], seed=args.seed)}
        if args.fixed:
            result["fixed"] = measure(row["formula"], row["domain"], auto=False, samples=FIXED_SAMPLES, seed=args.seed)
        results.append(result)
        fixed = f"  fixed {result['fixed']['rrmse']:.2e}" if args.fixed else ""
        auto = result["auto"]
        print(
            f"{row['name']:<20} rRMSE {auto['rrmse']:.2e}  R² {auto['r2']:.7f}  "
            f"shells {' '.join(f'{v:.2g}' for v in auto['shells'].values())}  {auto['seconds']:5.1f} s  "
            f"{auto['recipe']}{fixed}",
            flush=True,
        )
    result = {"formulas": results, "summary": summary(results, args.fixed)}
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "formula_suite.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    (out / "formula_suite.md").write_text(table(results, args.fixed), encoding="utf-8")
    print(result["summary"])
    return result


def table(results: list[dict], fixed: bool) -> str:
    head = "| formula | inputs | chosen | test rRMSE | R² | shell 1-1.5× | shell 1.5-2× | wall s |"
    rule = "|---|---|---|---|---|---|---|---|"
    if fixed:
        head, rule = head + " fixed recipe rRMSE |", rule + "---|"
    lines = [head, rule]
    for r in results:
        a = r["auto"]
        shells = [f"{v:.2g}" for v in a["shells"].values()] + ["—", "—"]
        line = (
            f"| `{r['formula']}` | {r['domain'].count('=')} | {a['recipe']} | {a['rrmse']:.2e} | "
            f"{a['r2']:.7f} | {shells[0]} | {shells[1]} | {a['seconds']:.1f} |"
        )
        lines.append(line + (f" {r['fixed']['rrmse']:.2e} |" if fixed else ""))
    return "\n".join(lines) + "\n\n" + summary(results, fixed) + "\n"


def summary(results: list[dict], fixed: bool) -> str:
    auto = [r["auto"] for r in results]
    text = (
        f"{len(results)} formulas: median test rRMSE {statistics.median(a['rrmse'] for a in auto):.2e}, "
        f"lowest R² {min(a['r2'] for a in auto):.6f}, "
        f"{sum(a['r2'] >= 0.99999 for a in auto)} of {len(auto)} at R² >= 0.99999, "
        f"slowest fit {max(a['seconds'] for a in auto):.1f} s"
    )
    if fixed:
        rows = [r["fixed"] for r in results]
        text += (
            f"; fixed recipe: median {statistics.median(f['rrmse'] for f in rows):.2e}, "
            f"lowest R² {min(f['r2'] for f in rows):.6f}"
        )
    return text


if __name__ == "__main__":
    main()
