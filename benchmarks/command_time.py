"""What a user waits for at the command line, timed as they see it: in a pseudo-terminal, from
starting the process to its first output and to its exit.

    python benchmarks/command_time.py [--repeats 3] [--samples 80000] [--budget 5s] [--out benchmarks/results]

First fit: README's first command, `nnfit fit "x**2 + x" --domain x=1:1000`, cold (an empty
compilation cache, as on a new machine) and warm (the same cache again): the time to the first
output, the probes' seconds (`choice_seconds` of the run) and the whole command. Budget: `nnfit fit
"x^2 + 2*y" --domain "x=0:100, y=0:999:int" --samples 80000 --budget 5s` (seed 001's task) with a
warm cache: the whole command, report included, and its test rRMSE. Each figure is the median of
--repeats runs (the budget's also their best); writes command_time.md and command_time.json.
"""

from __future__ import annotations

import argparse
import json
import os
import pty
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

FIRST_FIT = ["fit", "x**2 + x", "--domain", "x=1:1000"]
BUDGET = ["fit", "x^2 + 2*y", "--domain", "x=0:100, y=0:999:int"]


class Timed(NamedTuple):
    """One command in a terminal: seconds to its first output and to its exit, and its run's figures."""

    first: float
    whole: float
    probes: float
    test_rrmse: float


class Terminal(NamedTuple):
    """What a command did in a pseudo-terminal: seconds to its first output and to its exit, what it
    wrote (Rich's cursor movements left out) and its exit status."""

    first: float
    whole: float
    text: str
    status: int


def terminal(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> Terminal:
    """Run `command` in `cwd` with a pseudo-terminal for its stdin, stdout and stderr, as a user's shell does."""
    reader, writer = pty.openpty()
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdin=writer, stdout=writer, stderr=writer, env=env)
    os.close(writer)
    first, chunks = None, []
    while True:
        try:
            chunk = os.read(reader, 65536)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        first = first if first is not None else time.perf_counter() - started
        chunks.append(chunk)
    process.wait()
    whole = time.perf_counter() - started
    os.close(reader)
    text = re.sub(r"\x1b\[[0-9;?]*[a-zA-Z]", "", b"".join(chunks).decode(errors="replace"))
    return Terminal(whole if first is None else first, whole, text, process.returncode)


def in_a_terminal(args: list[str], folder: Path, cache: Path) -> Timed:
    """`nnfit ARGS` run in `folder` in a pseudo-terminal, compiling into `cache`."""
    env = {**os.environ, "NNFIT_CACHE_DIR": str(cache)}
    done = terminal([sys.executable, "-m", "nnfit", *args], folder, env)
    if done.status != 0:
        raise RuntimeError(f"nnfit {' '.join(args)} exited with status {done.status}:\n{done.text}")
    run = max((folder / "nnfit-runs").iterdir(), key=lambda p: p.name)
    info = json.loads((run / "run.json").read_text())
    test = json.loads((run / "metrics.json").read_text())["evaluation"]["test"]["rrmse"]
    return Timed(done.first, done.whole, info.get("choice_seconds", 0.0), test)


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--samples", type=int, default=80_000, help="rows of seed 001's task under --budget")
    parser.add_argument("--budget", default="5s", help="of seed 001's task")
    parser.add_argument("--steps", help="of the first fit, for a quick look (the README's command has none)")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results"))
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    first_fit = [*FIRST_FIT, "--steps", args.steps] if args.steps else FIRST_FIT
    budgeted = [*BUDGET, "--samples", str(args.samples), "--budget", args.budget]
    cold, warm, budget = [], [], []
    for _ in range(args.repeats):
        with tempfile.TemporaryDirectory() as folder:
            work, cache = Path(folder), Path(folder) / "cache"
            cold.append(in_a_terminal(first_fit, work, cache))
            warm.append(in_a_terminal(first_fit, work, cache))
            in_a_terminal(budgeted, work, cache)  # its own programs compiled: then timed warm
            budget.append(in_a_terminal(budgeted, work, cache))
    median = lambda runs, name: statistics.median(getattr(r, name) for r in runs)
    results = {
        "cold: first output (s)": median(cold, "first"),
        "cold: probes (s)": median(cold, "probes"),
        "cold: whole command (s)": median(cold, "whole"),
        "warm: first output (s)": median(warm, "first"),
        "warm: probes (s)": median(warm, "probes"),
        "warm: whole command (s)": median(warm, "whole"),
        "cold probes / warm probes": median(cold, "probes") / max(median(warm, "probes"), 1e-9),
        f"--budget {args.budget}: whole command (s), median": median(budget, "whole"),
        f"--budget {args.budget}: whole command (s), best": min(r.whole for r in budget),
        f"--budget {args.budget}: test rRMSE, median": median(budget, "test_rrmse"),
    }
    for name, value in results.items():
        print(f"{name:42s} {value:.4g}")
    (args.out / "command_time.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    lines = ["| measure | value |", "|---|---|", *(f"| {k} | {v:.4g} |" for k, v in results.items())]
    (args.out / "command_time.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return results


if __name__ == "__main__":
    main()
