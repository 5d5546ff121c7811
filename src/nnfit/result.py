"""The trained model with its scalers, recipe, history and evaluation, in the user's units."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Literal, overload

import jax
import jax.numpy as jnp
import numpy as np

from .coordinates import Coordinates
from .domain import Domain
from .errors import NnfitError
from .evaluate import Query, metrics, parse_points
from .findings import Finding
from .groups import Groups
from .law import Discovery
from .models import Network
from .recipe import Recipe
from .scaling import Scaler
from .target import Target
from .task import Task


@dataclass
class Fit:
    """A fitted network. `predict` takes and returns the user's units; `evaluation` holds, per set
    ("test", each extrapolation shell, "edges"), the metrics of `nnfit.evaluate.metrics`."""

    task: Task
    recipe: Recipe
    target: Target
    domain: Domain
    network: Network
    params: list[dict[str, np.ndarray]] = field(repr=False)
    x_scaler: Scaler = field(repr=False)
    y_scaler: Scaler = field(repr=False)
    groups: Groups | None = field(default=None, repr=False)  # the target's groups, when the network learned them
    history: list[dict] = field(default_factory=list, repr=False)
    evaluation: dict[str, dict[str, float]] = field(default_factory=dict, repr=False)
    queries: list[Query] = field(default_factory=list, repr=False)
    findings: list[Finding] = field(default_factory=list, repr=False)  # the doctor's, most telling first
    # the points each evaluation set was measured on: name -> (X (n, d), y (n, k)), for the plots
    points: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict, repr=False)
    # what the automatic recipe chose and why (`nnfit.auto.Choice.to_dict`); None when nothing was left to choose
    choice: dict[str, Any] | None = field(default=None, repr=False)
    info: dict[str, Any] = field(default_factory=dict, repr=False)  # steps, seconds, stop reason: not reproducible
    # with Task.discover, the closed form searched for each output (`nnfit.discover`), in output order
    laws: list[Discovery] = field(default_factory=list, repr=False)
    run_dir: Path | None = None

    def __repr__(self) -> str:
        test = self.evaluation.get("test", {}).get("rrmse")
        score = f", test rRMSE {test:.3g}" if test is not None else ""
        return f"<Fit {self.target.describe()} over {self.domain}: {self.recipe.summary()}{score}>"

    @property
    def inputs(self) -> tuple[str, ...]:
        return self.target.inputs

    @property
    def outputs(self) -> tuple[str, ...]:
        return self.target.outputs

    @property
    def members(self) -> int:
        """How many networks were trained at once (`--ensemble`); params have a leading axis if > 1."""
        return self.recipe.ensemble

    @property
    def coordinates(self) -> Coordinates:
        """What maps the user's inputs to the network's, and its outputs back to the user's units."""
        return Coordinates(self.x_scaler, self.y_scaler, self.groups)

    def member(self, index: int = 0) -> list[dict[str, np.ndarray]]:
        """The parameters of one member of an ensemble (the only one otherwise)."""
        return self.params if self.members == 1 else jax.tree.map(lambda a: a[index], self.params)

    def __getstate__(self) -> dict:
        """For pickling: the device arrays are rebuilt on first use."""
        return {k: v for k, v in self.__dict__.items() if k != "_device_params"}

    @property
    def _dtype(self):
        return jnp.float64 if self.recipe.dtype == "float64" else jnp.float32

    @cached_property
    def _device_params(self):
        """The weights as device arrays, converted once rather than on every prediction."""
        with jax.enable_x64(self.recipe.dtype == "float64"):
            return jax.tree.map(lambda a: jnp.asarray(a, self._dtype), self.params)

    def _member_outputs(self, X: Any) -> np.ndarray:
        """Every member's predictions (members, n, k) in the user's units."""
        X = self._as_inputs(X)
        with jax.enable_x64(self.recipe.dtype == "float64"):
            outputs = self.network.predict(self._device_params, self.coordinates.inputs(X), self.members)
        return self.coordinates.predictions(X, outputs)

    @overload
    def predict(self, X: Any, return_spread: Literal[False] = False) -> np.ndarray: ...
    @overload
    def predict(self, X: Any, return_spread: Literal[True]) -> tuple[np.ndarray, np.ndarray]: ...
    def predict(self, X: Any, return_spread: bool = False) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
        """Predictions (n, k) at X: an array (n, d) or (d,), a dict of name -> values, or a DataFrame.
        For an ensemble, the members' mean; with `return_spread`, also their standard deviation
        (n, k), from the same pass (as scikit-learn's `return_std`)."""
        outputs = self._member_outputs(X)
        mean = outputs.mean(axis=0)
        return (mean, outputs.std(axis=0)) if return_spread else mean

    def spread(self, X: Any) -> np.ndarray:
        """How much an ensemble's members disagree at X: their standard deviation (n, k), in the
        user's units; zeros for a single network."""
        return self.predict(X, return_spread=True)[1]

    def inside(self, X: Any) -> np.ndarray:
        """Whether each point of X lies inside the training domain."""
        return self.domain.contains(self._as_inputs(X))

    def evaluate(self, X: Any, y: np.ndarray | None = None) -> dict[str, float]:
        """Metrics of the predictions at X against y, or against the target when y is None."""
        X = self._as_inputs(X)
        truth = self.target(X) if y is None else np.asarray(y, dtype=np.float64)
        return metrics(truth, self.predict(X))

    def output_evaluation(self, output: int) -> dict[str, dict[str, float]]:
        """The metrics of output column `output` alone on each evaluation set: the evaluation itself
        for a single output, else measured again on the stored points."""
        if len(self.outputs) == 1:
            return self.evaluation
        return {name: metrics(y[:, output], self.predict(X)[:, output]) for name, (X, y) in self.points.items()}

    def query(self, points: Any) -> list[Query]:
        """Prediction, truth (when known) and inside/outside for each point (text or array)."""
        X = parse_points(points, self.inputs) if isinstance(points, str) else self._as_inputs(points)
        predictions = self.predict(X)
        truths = self.target(X) if self.target.known else [None] * len(X)
        return [
            Query(tuple(map(float, x)), tuple(map(float, p)), None if t is None else tuple(map(float, t)), bool(i))
            for x, p, t, i in zip(X, predictions, truths, self.domain.contains(X))
        ]

    def linear_weights(self) -> tuple[np.ndarray, np.ndarray]:
        """For a linear model: weights (d, k) and bias (k,) in the user's units, scaling folded in."""
        if len(self.params) != 1 or self.network.output_activation != "none" or self.groups is not None:
            raise NnfitError(
                "weights in the user's units exist only for --model linear with no output activation and no groups"
            )
        w, b = (np.asarray(self.params[0][name], np.float64) for name in ("w", "b"))
        if self.members > 1:  # for affine maps the mean of the weights is the mean of the predictions
            w, b = w.mean(axis=0), b.mean(axis=0)
        sx, mx, sy, my = self.x_scaler.scale, self.x_scaler.shift, self.y_scaler.scale, self.y_scaler.shift
        weights = w / sx[:, None] * sy[None, :]
        bias = (b - (mx / sx) @ w) * sy + my
        return weights, bias

    def save(self, path: str | Path, overwrite: bool = False, report: bool = True) -> Path:
        """Write the run directory (see `nnfit.rundir`), with report.html unless report=False."""
        from .rundir import save

        self.run_dir = save(self, Path(path), overwrite=overwrite, report=report)
        return self.run_dir

    def export(self, path: str | Path, format: str | None = None) -> list[Path]:
        """Write the model for use without nnfit: "onnx" (.onnx), "numpy" (.py + .npz) or "json"
        (.json), scalers and domain included; the format follows the suffix when not given.
        Returns the files written (see `nnfit.export`)."""
        from .export import export

        return export(self, path, format)

    def plot(self, kind: str = "shape"):
        """A matplotlib Figure: "shape" (curve, heatmaps or slices by input count), "training",
        "extrapolation", "scatter", "residuals", "weights", "curve", "heatmaps" or "slices"."""
        from .plots import plot

        return plot(self, kind)

    def _repr_html_(self) -> str:
        """The summary tables, for Jupyter."""
        from .report import summary_html

        return summary_html(self)

    def _as_inputs(self, X: Any) -> np.ndarray:
        """X as a float64 array (n, d) in input order; raises on a wrong shape or missing name."""
        if hasattr(X, "columns") or isinstance(X, dict):
            missing = [n for n in self.inputs if n not in X]
            if missing:
                raise NnfitError(f"input {missing[0]!r} is missing; the inputs are {', '.join(self.inputs)}")
            X = np.stack([np.asarray(X[n], dtype=np.float64).reshape(-1) for n in self.inputs], axis=1)
        X = np.asarray(X, dtype=np.float64)
        if X.ndim == 1 and X.shape[0] == len(self.inputs):
            X = X[None, :]
        elif X.ndim == 1 and len(self.inputs) == 1:
            X = X[:, None]
        if X.ndim != 2 or X.shape[1] != len(self.inputs):
            raise NnfitError(
                f"inputs of shape {X.shape} do not fit a model of {len(self.inputs)} inputs "
                f"({', '.join(self.inputs)}): give an array (n, {len(self.inputs)})"
            )
        if not np.all(np.isfinite(X)):
            raise NnfitError("inputs hold NaN or inf; give finite numbers")
        return X
