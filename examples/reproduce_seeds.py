"""Run every seed recipe in this folder and print the figures that tell broken from fixed.

python examples/reproduce_seeds.py
"""

from pathlib import Path

import numpy as np

import nnfit
from nnfit.config import read_config, split_settings

HERE = Path(__file__).resolve().parent
EXACT_002 = np.array([0.0, 0.0, -1.0, 1.0])  # y = x3 - x2


def run(name: str) -> nnfit.Fit:
    task, recipe = split_settings(read_config(HERE / f"{name}.yaml"))
    return nnfit.fit(task=task, recipe=recipe)


def main() -> None:
    broken = run("seed000-softmax")
    losses = np.array([record["train_loss"] for record in broken.history])
    print(
        f"seed000-softmax  loss {losses[0]:.4e} at all {len(losses)} steps "
        f"(max relative change {np.max(np.abs(losses / losses[0] - 1)):.1e}); m(20) = {broken.queries[0].prediction[0]}"
    )
    print(f"seed000-fixed    test rRMSE {run('seed000-fixed').evaluation['test']['rrmse']:.4f}")
    for name in ("seed001-model1", "seed001-model2", "seed001-default"):
        result = run(name)
        outside = ", ".join(
            f"{q.point} -> {q.prediction[0]:.0f} (true {q.truth[0]:.0f})" for q in result.queries if not q.inside
        )
        print(f"{name:16s} test rRMSE {result.evaluation['test']['rrmse']:.2e}; outside the domain: {outside}")
    for name in ("seed002-decay", "seed002-fixed"):
        weights, bias = run(name).linear_weights()
        error = np.max(np.abs(weights[:, 0] - EXACT_002))
        print(f"{name:16s} weights {np.round(weights[:, 0], 4)}, bias {bias[0]:.4f}, largest error {error:.4f}")


if __name__ == "__main__":
    main()
