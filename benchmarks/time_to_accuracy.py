"""Time to accuracy: the validation rRMSE each fitter has reached after 1, 3, 10 and 30 s of wall
time (compilation included), and the time each needs to reach 1e-2, 1e-3 and 1e-4.

    python benchmarks/time_to_accuracy.py [--tasks seed001|seeds|suite] [--budget 30] [--repeats 3]

The tasks are the three seed tasks and eight more (1-D to 6-D, smooth and kinked, one with an
integer input). Every fitter gets the same samples, split by nnfit's data module: nnfit's default
recipe, given each checkpoint as its time budget (`--budget`: the schedule spans it); scikit-learn's
MLPRegressor on raw data and in a scaled pipeline; hand-written PyTorch loops (standardised with
Adam at batch 1024, and with full-batch L-BFGS); and the seed-001 Keras recipe on raw data (Nadam
0.02, batch 50) in TensorFlow, else in PyTorch. A peer runs once up to the largest checkpoint and is
read at each. Peers not installed are skipped (pip install -e ".[bench]"). Each fitter is warmed
up once (imports, and nnfit's compilation cache) before the clock runs. Writes time_to_accuracy.md
and .json; figures are medians over --repeats runs.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

import nnfit
from nnfit import data
from nnfit.task import Task

TASKS = {  # name -> formula, domain, samples
    "seed000": ("x**2 + x", "x=1:1000", 10_000),
    "seed001": ("x^2 + 2*y", "x=0:100, y=0:999:int", 80_000),
    "seed002": ("x3 - x2", "x0=0:1, x1=0:1, x2=0:1, x3=0:1", 20_000),
    "sine": ("sin(3*x)", "x=-3:3", 10_000),
    "kink": ("abs(x - 0.3)", "x=-1:1", 10_000),
    "steep": ("log(x) + 1/x", "x=0.1:10", 10_000),
    "bump": ("exp(-(x**2 + y**2)) * cos(3*x)", "x=-2:2, y=-2:2", 20_000),
    "ridge": ("max(x, y) + 0.5*x*y", "x=-1:1, y=-1:1", 20_000),
    "count": ("n**2 + 3*x", "n=0:20:int, x=0:1", 20_000),
    "cubic3d": ("x*y*z + sin(z)", "x=-1:1, y=-1:1, z=-2:2", 30_000),
    "poly6d": ("u*v + w**2 - p*q + sin(r)", "u=-1:1, v=-1:1, w=-1:1, p=-1:1, q=-1:1, r=-3:3", 50_000),
}
GROUPS = {"seeds": ("seed000", "seed001", "seed002"), "suite": tuple(TASKS)}
CHECKPOINTS = (1.0, 3.0, 10.0, 30.0)  # seconds of wall time
LEVELS = (1e-2, 1e-3, 1e-4)  # rRMSE levels whose time is reported

Curve = list[tuple[float, float]]  # (seconds since the fitter started, validation rRMSE)


def split(task_name: str) -> tuple[np.ndarray, ...]:
    formula, domain, samples = TASKS[task_name]
    inputs = ("x0", "x1", "x2", "x3") if task_name == "seed002" else None
    task = Task(target=formula, domain=domain, samples=samples, inputs=inputs)
    _, _, dataset = data.prepare(task, np.random.default_rng(0))
    split = dataset.split
    return split.X_train, split.y_train, split.X_val, split.y_val


def rrmse(pred: np.ndarray, y: np.ndarray) -> float:
    return float(np.mean(np.sqrt(np.mean((pred.reshape(y.shape) - y) ** 2, axis=0)) / y.std(axis=0)))


def nnfit_default(task_name: str, budget: float, X_val: np.ndarray, y_val: np.ndarray) -> Curve:
    """One run of nnfit's default recipe with `budget` seconds for the whole fit: the main run's
    checks, then the model the user gets (which may be the run trained beside it) on X_val."""
    formula, domain, samples = TASKS[task_name]
    inputs = ["x0", "x1", "x2", "x3"] if task_name == "seed002" else None
    start = time.perf_counter()
    curve: Curve = []

    class Record(nnfit.Callback):
        def on_chunk_end(self, trainer, event):
            curve.append((time.perf_counter() - start, event.val_rrmse))

    fit = nnfit.fit(formula, domain=domain, samples=samples, inputs=inputs, budget=budget, callbacks=[Record()])
    curve.append((time.perf_counter() - start, rrmse(fit.predict(X_val), y_val)))
    return curve


def sklearn_mlp(scaled: bool) -> Callable[..., Curve | None]:
    def run(X, y, Xv, yv, budget: float) -> Curve | None:
        try:
            from sklearn.neural_network import MLPRegressor
            from sklearn.preprocessing import StandardScaler
        except ImportError:
            return None
        start = time.perf_counter()
        x_scaler = StandardScaler().fit(X) if scaled else None
        y_scaler = StandardScaler().fit(y) if scaled else None
        Xs, ys = (x_scaler.transform(X), y_scaler.transform(y)) if scaled else (X, y)
        Xvs = x_scaler.transform(Xv) if scaled else Xv
        model = MLPRegressor(hidden_layer_sizes=(40, 24, 12), random_state=0)  # the seed's widths, defaults else
        curve: Curve = []
        while time.perf_counter() - start < budget:
            model.partial_fit(Xs, ys.ravel())  # one epoch
            pred = model.predict(Xvs).reshape(-1, 1)
            curve.append((time.perf_counter() - start, rrmse(y_scaler.inverse_transform(pred) if scaled else pred, yv)))
        return curve

    return run


def torch_loop(kind: str) -> Callable[..., Curve | None]:
    """kind: "adam" (standardised, batch 1024), "lbfgs" (standardised, full batch) or "keras"
    (the seed-001 recipe on raw data: Nadam 0.02, batch 50)."""

    def run(X, y, Xv, yv, budget: float) -> Curve | None:
        try:
            import torch
        except ImportError:
            return None
        start = time.perf_counter()
        torch.manual_seed(0)
        scaled = kind != "keras"
        mx, sx = (X.mean(0), X.std(0)) if scaled else (0.0, 1.0)
        my, sy = (y.mean(0), y.std(0)) if scaled else (0.0, 1.0)
        Xt = torch.tensor((X - mx) / sx, dtype=torch.float32)
        yt = torch.tensor((y - my) / sy, dtype=torch.float32)
        Xvt = torch.tensor((Xv - mx) / sx, dtype=torch.float32)
        model = torch.nn.Sequential(
            torch.nn.Linear(X.shape[1], 40),
            torch.nn.ReLU(),
            torch.nn.Linear(40, 24),
            torch.nn.ReLU(),
            torch.nn.Linear(24, 12),
            torch.nn.ReLU(),
            torch.nn.Linear(12, 1),
        )
        curve: Curve = []

        def record():
            with torch.no_grad():
                curve.append((time.perf_counter() - start, rrmse(model(Xvt).numpy() * sy + my, yv)))

        if kind == "lbfgs":
            opt = torch.optim.LBFGS(model.parameters(), line_search_fn="strong_wolfe")

            def closure():
                opt.zero_grad()
                loss = torch.mean((model(Xt) - yt) ** 2)
                loss.backward()
                return loss

            while time.perf_counter() - start < budget:
                opt.step(closure)
                record()
            return curve
        batch, lr = (1024, 1e-3) if kind == "adam" else (50, 0.02)
        optimizer = torch.optim.Adam if kind == "adam" else torch.optim.NAdam
        opt = optimizer(model.parameters(), lr=lr)
        generator = torch.Generator().manual_seed(0)
        while time.perf_counter() - start < budget:
            order = torch.randperm(len(Xt), generator=generator)
            for i in range(0, len(Xt) - batch + 1, batch):
                rows = order[i : i + batch]
                opt.zero_grad()
                torch.mean((model(Xt[rows]) - yt[rows]) ** 2).backward()
                opt.step()
                if i // batch % 200 == 0:
                    record()
                    if curve[-1][0] >= budget:
                        break
        return curve

    return run


def keras_recipe(X, y, Xv, yv, budget: float) -> Curve | None:
    """The seed-001 Keras recipe in TensorFlow: raw data, 40-24-12 ReLU, Nadam 0.02, batch 50, MSE;
    None without TensorFlow (the PyTorch version stands in)."""
    try:
        import keras
    except ImportError:
        return None
    start = time.perf_counter()
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            keras.Input((X.shape[1],)),
            keras.layers.Dense(40, "relu"),
            keras.layers.Dense(24, "relu"),
            keras.layers.Dense(12, "relu"),
            keras.layers.Dense(1),
        ]
    )
    model.compile(optimizer=keras.optimizers.Nadam(0.02), loss="mse")
    curve: Curve = []

    class Clock(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            if batch % 200 == 0:
                curve.append((time.perf_counter() - start, rrmse(np.asarray(model(Xv, training=False)), yv)))
                self.model.stop_training = curve[-1][0] >= budget

    model.fit(X, y, batch_size=50, epochs=10**6, verbose=0, callbacks=[Clock()])
    return curve


KERAS = "seed-001 Keras recipe (raw, Nadam 0.02, batch 50)"
PEERS = {
    "scikit-learn MLPRegressor, raw": sklearn_mlp(scaled=False),
    "scikit-learn MLPRegressor, scaled": sklearn_mlp(scaled=True),
    "PyTorch, standardised, Adam batch 1024": torch_loop("adam"),
    "PyTorch, standardised, L-BFGS": torch_loop("lbfgs"),
    f"TensorFlow, {KERAS}": keras_recipe,
    f"PyTorch, {KERAS}": torch_loop("keras"),  # only where TensorFlow is missing
}


def at(curve: Curve, seconds: float) -> float:
    """The best validation rRMSE reached by `seconds`; inf if nothing was measured yet."""
    reached = [value for t, value in curve if t <= seconds and np.isfinite(value)]
    return min(reached, default=float("inf"))


def time_to(curve: Curve, level: float) -> float:
    return next((t for t, value in curve if value <= level), float("inf"))


def run_fitters(task_name: str, checkpoints: list[float], repeats: int) -> dict[str, dict]:
    """Each fitter's median rRMSE at each checkpoint and median time to each level. nnfit runs once
    per checkpoint, with it as its budget; a peer runs once to the last checkpoint."""
    arrays = split(task_name)
    rows = {}
    tiny = tuple(a[:200] for a in arrays)
    for name, peer in PEERS.items():
        if name.startswith("PyTorch, seed-001") and f"TensorFlow, {KERAS}" in rows:
            continue
        if peer(*tiny, 0.05) is None:  # warm-up: imports; None when the peer is not installed
            continue
        runs = [peer(*arrays, checkpoints[-1]) for _ in range(repeats)]
        rows[name] = [{c: curve for c in checkpoints} for curve in runs]
    validation = arrays[2:]
    nnfit_default(task_name, 0.5, *validation)  # warm-up: imports and the compilation cache
    runs = [{c: nnfit_default(task_name, c, *validation) for c in checkpoints} for _ in range(repeats)]
    rows = {"nnfit default": runs, **rows}
    return {
        name: {
            "rrmse_at": {f"{c:g}s": statistics.median(at(run[c], c) for run in runs) for c in checkpoints},
            "time_to": {
                f"{level:g}": statistics.median(min(time_to(curve, level) for curve in run.values()) for run in runs)
                for level in LEVELS
            },
        }
        for name, runs in rows.items()
    }


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--tasks", default="seed001", help=f"comma-separated, of {', '.join(TASKS)}; or {' / '.join(GROUPS)}"
    )
    parser.add_argument("--budget", type=float, default=30.0, help="the last checkpoint, in seconds")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", default="benchmarks/results")
    args = parser.parse_args(argv)
    checkpoints = [c for c in CHECKPOINTS if c < args.budget] + [args.budget]
    tasks = [t for name in args.tasks.split(",") for t in GROUPS.get(name, (name,))]
    results: dict = {"budget_s": args.budget, "repeats": args.repeats, "tasks": {}}
    lines = []
    for task_name in tasks:
        rows = results["tasks"][task_name] = run_fitters(task_name, checkpoints, args.repeats)
        best_peer = {
            c: min((row["rrmse_at"][c] for name, row in rows.items() if name != "nnfit default"), default=float("inf"))
            for c in rows["nnfit default"]["rrmse_at"]
        }
        results["tasks"][task_name]["best peer / nnfit"] = {
            c: value / rows["nnfit default"]["rrmse_at"][c] for c, value in best_peer.items()
        }
        lines += [
            f"## {task_name}: {TASKS[task_name][0]} over {TASKS[task_name][1]}",
            "",
            "| fitter | "
            + " | ".join(f"rRMSE at {c:g} s" for c in checkpoints)
            + " | "
            + " | ".join(f"time to {level:g}" for level in LEVELS)
            + " |",
            "|---" * (1 + len(checkpoints) + len(LEVELS)) + "|",
        ]
        for name, row in rows.items():
            if name == "best peer / nnfit":
                continue
            cells = [f"{v:.2e}" for v in row["rrmse_at"].values()]
            cells += [f"{v:.1f} s" if np.isfinite(v) else "—" for v in row["time_to"].values()]
            lines.append(f"| {name} | " + " | ".join(cells) + " |")
        ratios = results["tasks"][task_name]["best peer / nnfit"]
        lines += ["", "best peer's rRMSE / nnfit's: " + ", ".join(f"{r:.1f}x at {c}" for c, r in ratios.items()), ""]
        print("\n".join(lines[-len(rows) - 6 :]), flush=True)
        out = Path(args.out)  # written after each task: a long run keeps what it has measured
        out.mkdir(parents=True, exist_ok=True)
        (out / "time_to_accuracy.json").write_text(json.dumps(results, indent=2) + "\n")
        (out / "time_to_accuracy.md").write_text("\n".join(lines) + "\n")
    return results


if __name__ == "__main__":
    main()
