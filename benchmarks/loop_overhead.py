"""Per-step cost of nnfit's training loop against a bare jitted JAX scan loop and a hand-written
PyTorch loop (with its default threads, and with one thread, its faster setting for a network this
small), on the same 2 -> 40 -> 24 -> 12 -> 1 ReLU network, Adam and batch size. The bare JAX loop
runs in the same process as nnfit's, so under the same XLA flags (`nnfit.engine._backend`).

    python benchmarks/loop_overhead.py [--steps 20000] [--batch 256] [--repeats 5] [--out benchmarks/results]

Writes loop_overhead.md and loop_overhead.json. The cost per step is the slope between the
medians of --repeats runs of --steps and of --steps/5 steps, after a warm-up run, so tracing,
compilation and other fixed costs per run cancel. PyTorch is skipped when not installed
(pip install -e ".[bench]").
"""

from __future__ import annotations

import argparse
import itertools
import json
import platform
import statistics
import time
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
import optax

from nnfit.engine import Network, Trainer
from nnfit.recipe import Recipe

SIZES = (2, 40, 24, 12, 1)


def data(n: int = 64_000) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    X = rng.standard_normal((n, 2)).astype(np.float32)
    return X, (X[:, :1] ** 2 + 2 * X[:, 1:]).astype(np.float32)


def nnfit_loop(X, y, steps: int, batch: int) -> float:
    """Seconds for `steps` steps of nnfit's Trainer (validation checks every 250 steps included)."""
    network = Network(SIZES, "relu")
    recipe = Recipe(
        optimizer="adam",
        lr=1e-3,
        schedule="constant",
        batch_size=batch,
        steps=steps,
        early_stopping=False,
        stop_on_error=False,
    )
    start = time.perf_counter()
    Trainer(network, recipe).train(X, y, X[:1000], y[:1000])
    return time.perf_counter() - start


def bare_jax_loop(X, y, steps: int, batch: int) -> float:
    """Seconds for `steps` steps of the same network, optimizer and batches in one bare scan."""
    network = Network(SIZES, "relu")
    opt = optax.adam(1e-3)
    Xd, yd = jnp.asarray(X), jnp.asarray(y)
    rows = np.random.default_rng(0).integers(0, len(X), (steps, batch)).astype(np.int32)

    @jax.jit
    def run(params, state, rows):
        def step(carry, r):
            params, state = carry
            loss, grads = jax.value_and_grad(lambda p: jnp.mean((network(p, Xd[r]) - yd[r]) ** 2))(params)
            updates, state = opt.update(grads, state, params)
            return (optax.apply_updates(params, updates), state), loss

        return jax.lax.scan(step, (params, state), rows)

    params = network.init(np.random.default_rng(0))
    state = opt.init(params)
    start = time.perf_counter()
    jax.block_until_ready(run(params, state, rows))
    return time.perf_counter() - start


def torch_loop(X, y, steps: int, batch: int, threads: int | None = None) -> float | None:
    """Seconds for `steps` steps of a hand-written PyTorch loop, or None without PyTorch; `threads`
    sets torch's intra-op threads for the run (None: its default)."""
    try:
        import torch
    except ImportError:
        return None
    default = torch.get_num_threads()
    torch.set_num_threads(threads or default)
    try:
        return _torch_steps(torch, X, y, steps, batch)
    finally:
        torch.set_num_threads(default)


def _torch_steps(torch, X, y, steps: int, batch: int) -> float:
    torch.manual_seed(0)
    layers = []
    for a, b in itertools.pairwise(SIZES):
        layers += [torch.nn.Linear(a, b), torch.nn.ReLU()]
    model = torch.nn.Sequential(*layers[:-1])
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
    rows = torch.randint(0, len(X), (steps, batch))
    start = time.perf_counter()
    for r in rows:
        opt.zero_grad()
        loss = torch.mean((model(Xt[r]) - yt[r]) ** 2)
        loss.backward()
        opt.step()
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--out", default="benchmarks/results")
    args = parser.parse_args(argv)
    X, y = data()
    timings = {}
    short = max(args.steps // 5, 1)
    loops = {
        "nnfit": nnfit_loop,
        "bare JAX scan": bare_jax_loop,
        "PyTorch eager": torch_loop,
        "PyTorch eager, 1 thread": lambda *a: torch_loop(*a, threads=1),
    }
    for name, loop in loops.items():
        if loop(X, y, short, args.batch) is None:  # warm-up: compilation and caches
            continue
        # the slope between a long and a short run: fixed costs per run (tracing, setup) cancel
        long_runs = [loop(X, y, args.steps, args.batch) for _ in range(args.repeats)]
        short_runs = [loop(X, y, short, args.batch) for _ in range(args.repeats)]
        timings[name] = (statistics.median(long_runs) - statistics.median(short_runs)) / (args.steps - short) * 1e6
    result = {
        "machine": f"{platform.machine()}, {platform.processor() or 'cpu'}, JAX {jax.__version__}",
        "steps": args.steps,
        "batch": args.batch,
        "repeats": args.repeats,
        "us_per_step": timings,
        "nnfit_over_bare_jax": timings["nnfit"] / timings["bare JAX scan"],
    }
    if "PyTorch eager" in timings:  # against the faster of PyTorch's two settings
        fastest = min(timings["PyTorch eager"], timings["PyTorch eager, 1 thread"])
        result["nnfit_samples_per_s_over_pytorch"] = fastest / timings["nnfit"]
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "loop_overhead.json").write_text(json.dumps(result, indent=2) + "\n")
    lines = ["| loop | µs per step | samples/s |", "|---|---|---|"]
    lines += [f"| {name} | {us:.1f} | {args.batch / us * 1e6:,.0f} |" for name, us in timings.items()]
    lines += ["", f"nnfit / bare JAX: {result['nnfit_over_bare_jax']:.2f}x per step"]
    if "nnfit_samples_per_s_over_pytorch" in result:
        lines.append(
            f"nnfit samples/s / PyTorch's (its faster setting): {result['nnfit_samples_per_s_over_pytorch']:.1f}x"
        )
    (out / "loop_overhead.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return result


if __name__ == "__main__":
    main()
