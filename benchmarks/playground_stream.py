"""What the playground's live view costs: the time from pressing Fit (POST /api/fit) to the first
live update, and the training time of a fit streamed to a page against the same fit without the
stream, in the same process.

    python benchmarks/playground_stream.py [--repeats 3] [--steps 20000]

Cases: a 1-D formula (the fit redrawn on 200 points), a 2-D one (on 40x40) and a run checked every
step (eval_every 1: a chunk, and an event, per step). Every fit has a fixed recipe (--no-auto,
no early stopping) so that both sides train alike; the first update of the default recipe (which
probes candidates first) is measured apart. Writes playground_stream.md and .json; each figure is a
median of --repeats runs, the two sides alternating, after a warm-up.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
import urllib.request
from pathlib import Path

import numpy as np

from nnfit import data
from nnfit.config import split_settings
from nnfit.fitting import Conductor
from nnfit.web import running

FIXED = {"auto": False, "early_stopping": False}
CASES = {
    "1-D x**2 + x": {"target": "x**2 + x", "domain": "x=1:1000"},
    "2-D sin(x)*y": {"target": "sin(x)*y", "domain": "x=0:6, y=-1:1"},
    "checked every step": {"target": "sin(x)", "domain": "x=0:6", "eval_every": 1},
}
DEFAULT = {"target": "x**2 + x", "domain": "x=1:1000"}  # the default recipe: probes come first


def _post(url: str, body: dict) -> dict:
    request = urllib.request.Request(
        f"{url}/api/fit", json.dumps(body).encode(), {"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request) as answer:
        return json.loads(answer.read())


def streamed(url: str, settings: dict, stop: bool = False) -> tuple[float, float, float]:
    """Fit through the server, reading its events as a page does: (seconds from the POST to the
    first chunk event, to the end event, the run's training seconds). With `stop`, the fit is
    stopped at its first update, as only that is measured."""
    started = time.perf_counter()
    job = _post(url, settings)
    first = None
    with urllib.request.urlopen(f"{url}/api/jobs/{job['id']}/events") as stream:
        for line in stream:
            if not line.startswith(b"data: "):
                continue
            event = json.loads(line[len(b"data: ") :])
            if event["type"] == "chunk" and first is None:
                first = time.perf_counter() - started
                if stop:
                    stopping = urllib.request.Request(f"{url}/api/jobs/{job['id']}/stop", method="POST")
                    urllib.request.urlopen(stopping).close()
            if event["type"] == "end":
                break
    total = time.perf_counter() - started
    with urllib.request.urlopen(f"{url}/api/runs/{event['run']}") as answer:
        seconds = json.loads(answer.read())["info"]["seconds"]
    return first if first is not None else total, total, seconds


def plain(settings: dict) -> float:
    """The same fit's training seconds without the server or its stream."""
    task, recipe = split_settings(settings)
    rng = np.random.default_rng(recipe.seed)
    return Conductor(*data.prepare(task, rng), task, recipe, rng).fit().info["seconds"]


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--steps", type=int, default=20_000)
    parser.add_argument("--out", default="benchmarks/results")
    args = parser.parse_args(argv)

    result: dict = {"steps": args.steps, "repeats": args.repeats, "cases": {}}
    with tempfile.TemporaryDirectory() as folder, running(Path(folder)) as url:
        for name, case in CASES.items():
            settings = {**case, **FIXED, "steps": args.steps if "eval_every" not in case else args.steps // 10}
            streamed(url, settings)  # warm-up: compilation
            plain(settings)
            firsts, live, bare = [], [], []
            for _ in range(args.repeats):
                first, _, seconds = streamed(url, settings)
                firsts.append(first)
                live.append(seconds)
                bare.append(plain(settings))
            live_s, bare_s = statistics.median(live), statistics.median(bare)
            result["cases"][name] = {
                "steps": settings["steps"],
                "first_update_s": statistics.median(firsts),
                "train_seconds_streamed": live_s,
                "train_seconds_plain": bare_s,
                "stream_cost": live_s / bare_s - 1,
            }
        result["default_first_update_s"] = statistics.median(
            streamed(url, DEFAULT, stop=True)[0] for _ in range(args.repeats)
        )
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "playground_stream.json").write_text(json.dumps(result, indent=2) + "\n")
    lines = [f"playground stream, medians of {args.repeats} runs:"]
    for name, case in result["cases"].items():
        lines.append(
            f"{name} ({case['steps']} steps): first update {case['first_update_s']:.2f} s after Fit; training "
            f"{case['train_seconds_streamed']:.2f} s streamed, {case['train_seconds_plain']:.2f} s without "
            f"({100 * case['stream_cost']:+.1f} %)"
        )
    lines.append(f"default recipe (probes first), x**2 + x: first update {result['default_first_update_s']:.2f} s")
    (out / "playground_stream.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return result


if __name__ == "__main__":
    main()
