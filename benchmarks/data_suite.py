"""The data suite: 5-fold cross-validated R² of `NNFitRegressor()` with its defaults on data sets that
ship inside scikit-learn, beside ridge, scikit-learn's MLPRegressor and gradient boosting.

    python benchmarks/data_suite.py [--only NAME ...] [--out benchmarks/results]

Data sets: diabetes (442 patients, 10 measurements, a noisy disease score), Friedman's first
benchmark (1,000 rows, 10 inputs of which 5 matter, noise σ = 1; the best possible R² is about 0.96),
Linnerud (20 athletes, 3 exercises -> 3 body measurements, three outputs at once), iris (petal width
from the other three measurements of 150 flowers) and wine (alcohol from the other 12 measurements
of 178 wines). Every model sees the same folds (KFold, shuffled, seed 0). Peers: RidgeCV,
MLPRegressor (64-64, early stopping, standardised inputs) and HistGradientBoostingRegressor. The
table gives the mean and standard deviation of R² over the folds, the worst fold, and the wall
time of the 5 folds. Writes OUT/data_suite.md and .json.
"""

from __future__ import annotations

import argparse
import json
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
from sklearn.datasets import load_diabetes, load_iris, load_linnerud, load_wine, make_friedman1
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.linear_model import RidgeCV
from sklearn.model_selection import KFold, cross_val_score
from sklearn.multioutput import MultiOutputRegressor
from sklearn.neural_network import MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from nnfit import NNFitRegressor


def _column_as_target(loader: Callable, column: int) -> tuple[np.ndarray, np.ndarray]:
    """One measured column of a data set as the target, the other columns as inputs."""
    X = loader().data
    return np.delete(X, column, axis=1), X[:, column]


DATASETS: dict[str, Callable[[], tuple[np.ndarray, np.ndarray]]] = {
    "diabetes": lambda: load_diabetes(return_X_y=True),
    "friedman1": lambda: make_friedman1(n_samples=1000, noise=1.0, random_state=0),
    "linnerud": lambda: load_linnerud(return_X_y=True),
    "iris petal width": lambda: _column_as_target(load_iris, 3),
    "wine alcohol": lambda: _column_as_target(load_wine, 0),
}
PEERS: dict[str, Callable[[], object]] = {
    "nnfit": lambda: NNFitRegressor(),
    "ridge": lambda: RidgeCV(alphas=np.logspace(-3, 3, 13)),
    "mlp": lambda: make_pipeline(
        StandardScaler(), MLPRegressor(hidden_layer_sizes=(64, 64), early_stopping=True, max_iter=2000, random_state=0)
    ),
    "hgb": lambda: HistGradientBoostingRegressor(random_state=0),
}


def score(model: Callable[[], object], X: np.ndarray, y: np.ndarray) -> dict:
    """R² of each of 5 shuffled folds, and the seconds they took."""
    estimator = model()
    if y.ndim > 1 and not isinstance(estimator, NNFitRegressor | RidgeCV):
        estimator = MultiOutputRegressor(estimator)  # one model per output, for the peers that need it
    started = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # MLPRegressor's convergence warnings on small sets
        folds = cross_val_score(estimator, X, y, cv=KFold(5, shuffle=True, random_state=0), scoring="r2")
    return {"folds": folds.tolist(), "seconds": time.perf_counter() - started}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="names of data sets (default: all)")
    parser.add_argument("--out", default="benchmarks/results")
    args = parser.parse_args(argv)
    NNFitRegressor(steps=10).fit(np.random.default_rng(0).random((50, 2)), np.zeros(50))  # JAX start-up
    results = {}
    for name, load in DATASETS.items():
        if args.only and name not in args.only:
            continue
        X, y = load()
        results[name] = {peer: score(model, X, y) for peer, model in PEERS.items()}
        print(name, "  ".join(f"{peer} {_cell(r)}" for peer, r in results[name].items()), flush=True)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "data_suite.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    lines = ["| data | " + " | ".join(PEERS) + " |", "|---|" + "---|" * len(PEERS)]
    lines += [f"| {name} | " + " | ".join(_cell(r[p]) for p in PEERS) + " |" for name, r in results.items()]
    (out / "data_suite.md").write_text(
        "5-fold R²: mean ± std (worst fold), seconds for the 5 folds\n\n" + "\n".join(lines) + "\n", encoding="utf-8"
    )
    return results


def _cell(result: dict) -> str:
    folds = np.array(result["folds"])
    return f"{folds.mean():.3f} ± {folds.std():.3f} ({folds.min():.3f}) {result['seconds']:.1f} s"


if __name__ == "__main__":
    main()
