"""The trained model with its scalers, recipe, history and evaluation, in the user's units."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, overload

import jax
import jax.numpy as jnp
import numpy as np

from ..checks import Finding
from ..data import Domain, Query, Target, parse_points
from ..engine import Network
from ..errors import NnfitError
from ..intervals import Calibration, check_coverage, reach
from ..laws import Discovery
from ..metrics import metrics
from ..recipe import Recipe
from ..task import Task
from ..units import Coordinates, Groups, Scaler

if TYPE_CHECKING:  # matplotlib loads with the first figure
    from matplotlib.figure import Figure


@dataclass
class Fit:
    """A fitted network. `predict` takes and returns the user's units; `evaluation` holds, per set
    ("test", each extrapolation shell, "edges"), the metrics of `nnfit.metrics.metrics`."""

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
    # held-out errors by reach, behind `predict_interval`; None for a run saved before intervals
    calibration: Calibration | None = field(default=None, repr=False)
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
        """The parameters of one member of an ensemble.

        Args:
            index: which member; 0 for a single network.

        Returns:
            Each layer's arrays, by name.
        """
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
        """Predictions at X, in the user's units; for an ensemble, the members' mean.

        Args:
            X: points: an array (n, d) or one point (d,), a dict of name -> values, or a DataFrame
                with a column per input.
            return_spread: also return the members' standard deviation, from the same pass (as
                scikit-learn's `return_std`).

        Returns:
            Predictions (n, k); with `return_spread`, (predictions, spread), both (n, k).

        Raises:
            NnfitError: points of the wrong shape, a missing input, or values not finite.
        """
        outputs = self._member_outputs(X)
        mean = outputs.mean(axis=0)
        return (mean, outputs.std(axis=0)) if return_spread else mean

    def predict_interval(self, X: Any, coverage: float | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Prediction intervals at X, in the user's units: split-conformal, calibrated inside the
        domain and on the rings around it out to `calibrated_reach` (`nnfit.intervals`).

        Args:
            X: points, as `predict` takes them.
            coverage: the share of new points each interval should hold; the recipe's (0.9) when None.

        Returns:
            The lower and upper bounds (n, k) around `predict(X)`; NaN at points beyond the
            calibrated reach, where no interval is claimed.

        Raises:
            NnfitError: points `predict` would refuse, a coverage outside (0, 1), or a run saved
                before nnfit measured intervals.
        """
        X = self._as_inputs(X)
        half = self.half_width(X, coverage)
        prediction = self.predict(X)
        return prediction - half, prediction + half

    def half_width(self, X: Any, coverage: float | None = None) -> np.ndarray:
        """Half the width of the prediction intervals at X, without predicting there.

        Args:
            X: points, as `predict` takes them.
            coverage: as `predict_interval` takes it.

        Returns:
            The half-widths (n, k), in the user's units; NaN beyond the calibrated reach.

        Raises:
            NnfitError: as `predict_interval`.
        """
        return self._calibration().half_width(self.domain, self._as_inputs(X), self._coverage(coverage))

    def reach(self, X: Any) -> np.ndarray:
        """How far each point lies from the centre of the domain, in its half-widths along the input
        farthest out: ≤ 1 inside, 2 on the edge of the box grown twice.

        Args:
            X: points, as `predict` takes them.

        Returns:
            The reach of each point (n,).
        """
        return reach(self.domain, self._as_inputs(X))

    def calibrated_reach(self, coverage: float | None = None) -> float:
        """How far from the domain's centre the intervals are calibrated, in its half-widths: 2 for a
        formula, 1 for data (about 1.1 with `--holdout edges`).

        Args:
            coverage: as `predict_interval` takes it.

        Returns:
            The reach; 0 when no interval can be given.
        """
        return self._calibration().calibrated_reach(self._coverage(coverage))

    def _calibration(self) -> Calibration:
        if self.calibration is None:
            raise NnfitError("this run was saved before nnfit measured intervals — fit it again to get them")
        return self.calibration

    def _coverage(self, coverage: float | None) -> float:
        return check_coverage(self.recipe.coverage if coverage is None else coverage)

    def spread(self, X: Any) -> np.ndarray:
        """How much an ensemble's members disagree, in the user's units.

        Args:
            X: points, as `predict` takes them.

        Returns:
            The members' standard deviation (n, k); zeros for a single network.
        """
        return self.predict(X, return_spread=True)[1]

    def inside(self, X: Any) -> np.ndarray:
        """Whether each point lies inside the training domain.

        Args:
            X: points, as `predict` takes them.

        Returns:
            A boolean array (n,).

        Raises:
            NnfitError: points `predict` would refuse.
        """
        return self.domain.contains(self._as_inputs(X))

    def evaluate(self, X: Any, y: np.ndarray | None = None) -> dict[str, float]:
        """The metrics of the predictions at X (`nnfit.metrics.metrics`).

        Args:
            X: points, as `predict` takes them.
            y: the true values (n, k); the target's, where it is known, when None.

        Returns:
            rmse, rrmse, mae, max_abs_error and r2 (averaged over outputs), and n.

        Raises:
            NnfitError: points `predict` would refuse.
        """
        X = self._as_inputs(X)
        truth = self.target(X) if y is None else np.asarray(y, dtype=np.float64)
        return metrics(truth, self.predict(X))

    def output_evaluation(self, output: int) -> dict[str, dict[str, float]]:
        """The metrics of one output alone on each evaluation set.

        Args:
            output: the output's column.

        Returns:
            Set name -> metrics: the evaluation itself for a single output, else measured again on the
            stored points.
        """
        if len(self.outputs) == 1:
            return self.evaluation
        return {name: metrics(y[:, output], self.predict(X)[:, output]) for name, (X, y) in self.points.items()}

    def query(self, points: Any) -> list[Query]:
        """The prediction at each point with its interval, beside the truth where the target is known.

        Args:
            points: text (``"45,100; 200,2000"``, in input order) or points as `predict` takes them.

        Returns:
            A `Query` per point: prediction, interval (none beyond the calibrated reach), truth, errors,
            reach, and whether it lies inside the domain.

        Raises:
            NnfitError: a point that cannot be read, or of the wrong length.
        """
        X = parse_points(points, self.inputs) if isinstance(points, str) else self._as_inputs(points)
        predictions = self.predict(X)
        truths = self.target(X) if self.target.known else [None] * len(X)
        # a run saved before intervals has none to give: no bounds, and no reach to say they end at
        half = self.half_width(X) if self.calibration is not None else np.full(predictions.shape, np.nan)
        reaches = reach(self.domain, X) if self.calibration is not None else [None] * len(X)
        return [
            Query(
                tuple(map(float, x)),
                tuple(map(float, p)),
                None if t is None else tuple(map(float, t)),
                bool(i),
                None if np.isnan(h).any() else tuple(map(float, p - h)),
                None if np.isnan(h).any() else tuple(map(float, p + h)),
                None if r is None else float(r),
            )
            for x, p, t, i, h, r in zip(X, predictions, truths, self.domain.contains(X), half, reaches)
        ]

    def linear_weights(self) -> tuple[np.ndarray, np.ndarray]:
        """A linear model's weights in the user's units, the scalers folded in.

        Returns:
            The weights (d, k) and the bias (k,), such that y = X @ weights + bias.

        Raises:
            NnfitError: the model is not linear, or has an output activation or groups.
        """
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
        """Write the fit as a run directory, atomically: nothing is left half written.

        Args:
            path: the run directory to write.
            overwrite: replace a run already there, once the new one is whole.
            report: also draw report.html and its figures (about a second).

        Returns:
            The run directory, also kept as `run_dir`.

        Raises:
            RunDirError: `path` exists and `overwrite` is false.
        """
        from ..outputs import save

        self.run_dir = save(self, Path(path), overwrite=overwrite, report=report)
        return self.run_dir

    def export(self, path: str | Path, format: str | None = None) -> list[Path]:
        """Write the model for use without nnfit, in the user's units, scalers and domain inside.

        Args:
            path: the file to write: .onnx, .py (with its .npz beside it) or .json.
            format: "onnx", "numpy" or "json"; told by the suffix when None.

        Returns:
            The files written.

        Raises:
            NnfitError: an unknown format, a suffix that does not match it, a file that exists,
                or the onnx extra missing.
        """
        from ..outputs import export

        return export(self, path, format)

    def plot(self, kind: str = "shape") -> Figure:
        """A figure of the fit, drawn without pyplot.

        Args:
            kind: "shape" (a curve, heatmaps or slices by the number of inputs), "training",
                "extrapolation", "scatter", "residuals", "weights", "curve", "heatmaps" or "slices".

        Returns:
            A matplotlib Figure.

        Raises:
            NnfitError: an unknown kind.
        """
        from ..outputs import plot

        return plot(self, kind)

    def _repr_html_(self) -> str:
        """The summary tables, for Jupyter."""
        from ..outputs import summary_html

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
