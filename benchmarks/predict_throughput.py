"""Prediction throughput of the default model, in points per second, and ensemble cost relative to
one member: training time, and the wall time of the whole `nnfit.fit` (sampling, compiling,
training and evaluating).

    python benchmarks/predict_throughput.py [--points 1000000] [--repeats 5] [--members 1,4,8,16]

Writes predict_throughput.md and .json. Each figure is a median of --repeats runs after a warm-up.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

import numpy as np

import nnfit

TASK = {"target": "x^2 + 2*y", "domain": "x=0:100, y=0:999:int"}  # the seed-001 task


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--members", default="1,4,8,16")
    parser.add_argument("--steps", type=int, default=5000)
    parser.add_argument("--samples", type=int, default=80_000)
    parser.add_argument("--out", default="benchmarks/results")
    args = parser.parse_args(argv)

    fit = nnfit.fit(**TASK, samples=args.samples, steps=args.steps)
    X = fit.domain.sample(args.points, np.random.default_rng(0))
    fit.predict(X)  # warm-up: compilation
    seconds = []
    for _ in range(args.repeats):
        start = time.perf_counter()
        fit.predict(X)
        seconds.append(time.perf_counter() - start)
    throughput = args.points / statistics.median(seconds)

    ensemble, walls = {}, {}
    for members in (int(m) for m in args.members.split(",")):
        runs = []
        for _ in range(args.repeats):
            start = time.perf_counter()
            fit = nnfit.fit(**TASK, samples=args.samples, steps=args.steps, ensemble=members, early_stopping=False)
            runs.append((fit.info["seconds"], time.perf_counter() - start))
        ensemble[members] = statistics.median(r[0] for r in runs)
        walls[members] = statistics.median(r[1] for r in runs)
    one = ensemble.get(1)
    result = {
        "predict_points_per_s": throughput,
        "points": args.points,
        "ensemble_train_seconds": ensemble,
        "ensemble_wall_seconds": walls,
        "ensemble_relative_to_one": {m: s / one for m, s in ensemble.items()} if one else {},
        "ensemble_wall_relative_to_one": {m: s / walls[1] for m, s in walls.items()} if one else {},
    }
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "predict_throughput.json").write_text(json.dumps(result, indent=2) + "\n")
    lines = [
        f"predict: {throughput:,.0f} points/s ({args.points:,} points, default model)",
        "",
        "| members | training s | relative to one | whole fit s | relative to one |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| {m} | {s:.2f} | {s / one:.2f}x | {walls[m]:.2f} | {walls[m] / walls[1]:.2f}x |"
        if one
        else f"| {m} | {s:.2f} | — | {walls[m]:.2f} | — |"
        for m, s in ensemble.items()
    ]
    (out / "predict_throughput.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return result


if __name__ == "__main__":
    main()
