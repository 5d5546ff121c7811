"""What checkpoints cost: training time with a checkpoint every --every seconds against none, on
the seed-001 task with the default model, and the seconds spent writing them.

    python benchmarks/checkpoint_cost.py [--every 1] [--steps 100000] [--repeats 3]

The default interval is 30 s; --every 1 writes thirty times as often, so the cost at the
default is about a thirtieth of the figure measured here. Writes checkpoint_cost.md and .json;
each figure is a median of --repeats runs after a warm-up.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
from pathlib import Path

import numpy as np

from nnfit import data
from nnfit.fitting import Conductor
from nnfit.recipe import Recipe
from nnfit.task import Task

TASK = Task(target="x^2 + 2*y", domain="x=0:100, y=0:999:int")  # the seed-001 task


def _seconds(recipe: Recipe, folder: Path | None) -> tuple[float, float]:
    """(training seconds, seconds writing checkpoints) of one fit."""
    rng = np.random.default_rng(recipe.seed)
    target, domain, dataset = data.prepare(TASK, rng)
    fit = Conductor(target, domain, dataset, TASK, recipe, rng, checkpoints=folder).fit()
    return fit.info["seconds"], fit.info["checkpoint_seconds"]


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--every", type=float, default=1.0, help="seconds between checkpoints")
    parser.add_argument("--steps", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", default="benchmarks/results")
    args = parser.parse_args(argv)

    recipe = Recipe(steps=args.steps, early_stopping=False, checkpoint_every=args.every)
    _seconds(recipe, None)  # warm-up: compilation
    plain, saving, writing = [], [], []
    for _ in range(args.repeats):
        plain.append(_seconds(recipe, None)[0])
        with tempfile.TemporaryDirectory() as folder:
            total, spent = _seconds(recipe, Path(folder))
        saving.append(total)
        writing.append(spent)
    base, with_checkpoints, spent = (statistics.median(v) for v in (plain, saving, writing))
    result = {
        "every_s": args.every,
        "steps": args.steps,
        "train_seconds": base,
        "train_seconds_with_checkpoints": with_checkpoints,
        "writing_seconds": spent,
        "writing_share": spent / with_checkpoints,
        "slowdown": with_checkpoints / base - 1,
    }
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "checkpoint_cost.json").write_text(json.dumps(result, indent=2) + "\n")
    lines = [
        f"checkpoint every {args.every:g} s, {args.steps} steps of the default model on seed 001:",
        (
            f"training {base:.2f} s without, {with_checkpoints:.2f} s with ({100 * result['slowdown']:+.2f} %); "
            f"writing took {spent:.3f} s ({100 * result['writing_share']:.2f} % of training)"
        ),
    ]
    (out / "checkpoint_cost.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return result


if __name__ == "__main__":
    main()
