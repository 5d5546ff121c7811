"""How cost and accuracy grow with the data and with the number of inputs.

    python benchmarks/scaling.py [--samples 1e4 1e5 1e6 4e6 1e7] [--steps 20000] [--inputs 2 5 10 20]
                                 [--out benchmarks/results]

Samples: `x**2 + sin(y)*x` over x=-3:3, y=-3:3 at a fixed 20 000 steps of the fixed recipe, from the
formula (sampled) and from a data file of the same rows (.npy), so that only the data size changes:
the training time should stay flat, since checks read a fixed-size sample of the validation split.
Inputs: the sum of sin(x_i) * x_(i+1) over [-1, 1]^d with no flags, as a user would run it. Each line
gives the training seconds (probes and training), the wall time of the whole call and the test
rRMSE. Writes OUT/scaling.md and .json.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import numpy as np

import nnfit

FORMULA, DOMAIN = "x**2 + sin(y)*x", "x=-3:3, y=-3:3"
STEPS = 20_000  # the fixed recipe's length: the same work at every size


def chain(d: int) -> tuple[str, str]:
    """The sum of sin(x_i) * x_(i+1), i = 0 .. d-2, and its domain [-1, 1]^d."""
    formula = " + ".join(f"sin(x{i})*x{i + 1}" for i in range(d - 1))
    return formula, ", ".join(f"x{i}=-1:1" for i in range(d))


def measure(target: str, domain: str | None = None, **settings) -> dict:
    """One fit: seconds of training (with probes), of the whole call, and the test rRMSE."""
    started = time.perf_counter()
    fit = nnfit.fit(target, domain, **settings)
    return {
        "train_seconds": fit.info["seconds"] + fit.info.get("choice_seconds", 0.0),
        "wall_seconds": time.perf_counter() - started,
        "rrmse": fit.evaluation["test"]["rrmse"],
        "recipe": fit.recipe.summary(),
    }


def by_samples(counts: list[int], steps: int) -> list[dict]:
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for n in counts:
            row = {"samples": n, "formula": measure(FORMULA, DOMAIN, samples=n, steps=steps, auto=False)}
            rng = np.random.default_rng(0)
            x, y = rng.uniform(-3, 3, (2, n))
            path = Path(folder) / "rows.npy"
            np.save(path, np.column_stack([x, y, x**2 + np.sin(y) * x]))
            row["file"] = measure(str(path), steps=steps, auto=False)
            rows.append(row)
            print(
                f"{n:>10,} samples  formula {row['formula']['train_seconds']:6.1f} s  rRMSE {row['formula']['rrmse']:.2e}"
                f"   file {row['file']['train_seconds']:6.1f} s  rRMSE {row['file']['rrmse']:.2e}",
                flush=True,
            )
    return rows


def by_inputs(dims: list[int]) -> list[dict]:
    rows = []
    for d in dims:
        row = {"inputs": d, **measure(*chain(d))}
        rows.append(row)
        print(
            f"{d:>3} inputs  train {row['train_seconds']:5.1f} s  wall {row['wall_seconds']:5.1f} s  "
            f"rRMSE {row['rrmse']:.2e}  {row['recipe']}",
            flush=True,
        )
    return rows


def table(samples: list[dict], inputs: list[dict], steps: int) -> str:
    lines = [
        f"Samples: `{FORMULA}` over {DOMAIN}, {steps} steps of the fixed recipe; seconds of training.",
        "",
        "| samples | formula: train s | formula: test rRMSE | file: train s | file: test rRMSE |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| {r['samples']:,} | {r['formula']['train_seconds']:.1f} | {r['formula']['rrmse']:.2e} | "
        f"{r['file']['train_seconds']:.1f} | {r['file']['rrmse']:.2e} |"
        for r in samples
    ]
    lines += [
        "",
        "Inputs: sum of sin(x_i)*x_(i+1) over [-1, 1]^d, no flags.",
        "",
        "| inputs | train s | wall s | test rRMSE | recipe |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| {r['inputs']} | {r['train_seconds']:.1f} | {r['wall_seconds']:.1f} | {r['rrmse']:.2e} | "
        f"{r['recipe'].replace('|', '/')} |"
        for r in inputs
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", nargs="*", type=float, default=[1e4, 1e5, 1e6, 4e6, 1e7])
    parser.add_argument("--steps", type=int, default=STEPS, help="steps of each fit by sample count")
    parser.add_argument("--inputs", nargs="*", type=int, default=[2, 5, 10, 20])
    parser.add_argument("--out", default="benchmarks/results")
    args = parser.parse_args(argv)
    nnfit.fit("x", "x=0:1", steps=10)  # JAX's start-up, once, outside the clock
    result = {"samples": by_samples([int(n) for n in args.samples], args.steps), "inputs": by_inputs(args.inputs)}
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "scaling.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    (out / "scaling.md").write_text(table(result["samples"], result["inputs"], args.steps), encoding="utf-8")
    return result


if __name__ == "__main__":
    main()
