"""What a sweep costs and what it finds: trials per minute with 1 and 2 workers, Optuna's and the
storage's time per trial against a 5 s trial, and a 40-trial sweep on seed 001's task against the
default recipe at the same budget.

    python benchmarks/sweep.py [--repeats 3] [--trials 40] [--small 6] [--budget 5] [--postgres URL]

Throughput: sweeps of --small trials of --budget seconds each, one worker against two (one process per
worker, sharing the sweep's journal file). Overhead: in one worker, the wall time of the worker's
loop less the time inside the objective (the trial's fit and evaluation), plus the time of the
pruning reports made inside it: what Optuna's sampler, pruner and storage take per trial, on the
journal file and, with --postgres, on that database. Search: --trials trials of --budget seconds on
seed 001's task (x^2 + 2y, 80 000 samples), its best refit and measured on the test split, against
`nnfit fit` with the default recipe and the same budget. Writes sweep.md and sweep.json to --out
(benchmarks/results); each figure is a median of --repeats runs.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

import nnfit
from nnfit import sweeps
from nnfit.sweeps import _objective as sweep_trials
from nnfit.sweeps._sweep import run_workers, work

SEED001 = {"target": "x^2 + 2*y", "domain": "x=0:100, y=0:999:int", "samples": 80000}
SMALL = {"target": "x**2 + x", "domain": "x=1:1000"}


def throughput(workers: int, budget: float, trials: int = 6) -> float:
    """Trials finished per minute of wall time by `workers` processes."""
    with tempfile.TemporaryDirectory() as folder:
        the_plan, _, created = sweeps.plan(**SMALL, trial_budget=budget, trials=trials, out=Path(folder) / "s")
        started = time.perf_counter()
        run_workers(the_plan, workers, created)
        return 60 * trials / (time.perf_counter() - started)


def overhead(budget: float, storage: str | None, trials: int = 6) -> float:
    """Seconds per trial that Optuna and the storage take, outside the trial's own work."""
    inside = {"objective": 0.0, "reports": 0.0}
    call, report = sweep_trials.Objective.__call__, sweep_trials.Pruning.on_chunk_end

    def timed_call(self, trial):
        started = time.perf_counter()
        try:
            return call(self, trial)
        finally:
            inside["objective"] += time.perf_counter() - started

    def timed_report(self, trainer, event):
        started = time.perf_counter()
        try:
            report(self, trainer, event)
        finally:
            inside["reports"] += time.perf_counter() - started

    sweep_trials.Objective.__call__, sweep_trials.Pruning.on_chunk_end = timed_call, timed_report
    try:
        with tempfile.TemporaryDirectory() as folder:
            the_plan, _, created = sweeps.plan(
                **SMALL,
                trial_budget=budget,
                trials=trials,
                storage=storage,
                study=f"overhead-{time.time_ns()}",
                out=Path(folder) / "s",
            )
            started = time.perf_counter()
            work(the_plan.to_dict(), created)
            wall = time.perf_counter() - started
    finally:
        sweep_trials.Objective.__call__, sweep_trials.Pruning.on_chunk_end = call, report
    return (wall - inside["objective"] + inside["reports"]) / trials


def search(trials: int, budget: float) -> dict[str, float]:
    """Test rRMSE of the sweep's best against the default recipe's, at `budget` seconds each."""
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        result = nnfit.sweep(**SEED001, trials=trials, trial_budget=budget, workers=2, out=Path(folder) / "s")
        seconds = time.perf_counter() - started
        default = nnfit.fit(**SEED001, budget=budget)
        assert result.best is not None
        return {
            "sweep best test rRMSE": result.best.evaluation["test"]["rrmse"],
            "default test rRMSE": default.evaluation["test"]["rrmse"],
            "sweep wall seconds": seconds,
            "completed": result.counts["complete"],
            "pruned": result.counts["pruned"],
            "best recipe": result.best.recipe.summary(),
        }


def main(argv: list[str] | None = None) -> dict[str, object]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--trials", type=int, default=40, help="trials of the search on seed 001's task")
    parser.add_argument("--small", type=int, default=6, help="trials of each throughput and overhead sweep")
    parser.add_argument("--budget", type=float, default=5.0, help="seconds of training per trial")
    parser.add_argument("--postgres", help="a database URL to measure the RDB storage's overhead on")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results"))
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    results: dict[str, object] = {}
    for workers in (1, 2):
        runs = [throughput(workers, args.budget, args.small) for _ in range(args.repeats)]
        results[f"trials per minute, {workers} worker(s)"] = statistics.median(runs)
        print(f"{workers} worker(s): {statistics.median(runs):.1f} trials/min  {[round(r, 1) for r in runs]}")
    for name, storage in (("journal file", None), ("postgresql", args.postgres)):
        if name == "postgresql" and storage is None:
            continue
        runs = [overhead(args.budget, storage, args.small) for _ in range(args.repeats)]
        share = statistics.median(runs) / args.budget
        results[f"overhead per trial, {name} (s)"] = statistics.median(runs)
        results[f"overhead share of a {args.budget:g} s trial, {name}"] = share
        print(f"overhead, {name}: {statistics.median(runs):.3f} s per trial = {100 * share:.2f} % of {args.budget:g} s")
    found = search(args.trials, args.budget)
    results.update(found)
    print(json.dumps(found, indent=2))
    (args.out / "sweep.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    lines = ["| measure | value |", "|---|---|"]
    lines += [f"| {k} | {v:.4g} |" if isinstance(v, float) else f"| {k} | {v} |" for k, v in results.items()]
    (args.out / "sweep.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return results


if __name__ == "__main__":
    main()
