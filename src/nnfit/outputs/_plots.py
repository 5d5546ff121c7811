"""Figures of a Fit: how training went, where the fit is good, where it breaks.

Each function takes a `Fit` and returns a matplotlib Figure built without pyplot, so nothing
needs a display and nothing global changes. They only read what the fit recorded (history,
evaluation points, findings) plus, where the target is known, its true values on a grid.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
import sympy

from ..errors import NnfitError
from ..fitting import Fit
from ..intervals import reach
from ..metrics import percent

if TYPE_CHECKING:  # matplotlib itself loads with the first figure: `nnfit fit` loads it on a free core
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

GRID = 400  # points along a curve: smooth at report size
# Margins in inches, fixed: room for the tick labels, an axis label and a title at the default font
# size. A layout engine measures every label on each draw, 40 % of drawing the report (0.6 of 1.5 s).
MARGINS = {"left": 0.9, "right": 0.25, "bottom": 0.6, "top": 0.4}
GRID_2D = 120  # per side of a heatmap
SCATTER_POINTS = 1000  # per set, at most: the cloud looks the same, and draws in a third of the time
SET_COLOURS = {"test": "tab:blue", "1-1.5x": "tab:orange", "1.5-2x": "tab:red", "edges": "tab:purple"}


def figure(
    width: float,
    height: float,
    grid: tuple[int, int] = (1, 1),
    *,
    left: float = MARGINS["left"],
    right: float = MARGINS["right"],
    top: float = MARGINS["top"],
    space: tuple[float, float] = (0.0, 0.0),
) -> Figure:
    """A `width` x `height` inch figure for a `grid` (rows, columns) of subplots, with margins and
    `space` (across, down) between panels in inches: MARGINS unless named."""
    rows, columns = grid
    panel_width = (width - left - right - (columns - 1) * space[0]) / columns
    panel_height = (height - MARGINS["bottom"] - top - (rows - 1) * space[1]) / rows
    from matplotlib.figure import Figure  # matplotlib: 0.4 s, loaded with the first figure

    fig = Figure(figsize=(width, height))
    fig.subplots_adjust(
        left=left / width,
        right=1 - right / width,
        bottom=MARGINS["bottom"] / height,
        top=1 - top / height,
        wspace=space[0] / panel_width,  # matplotlib's unit: the mean panel's width, and height
        hspace=space[1] / panel_height,
    )
    return fig


def log_scale(ax: Axes) -> None:
    """A log y axis labelled 1e-05, not in TeX, with minor ticks at 2 and 5 of each decade, not
    at every digit: TeX labels and minor ticks were 0.4 of the 1.5 s of drawing a report."""
    from matplotlib.ticker import LogFormatter, LogLocator  # loaded with the first figure

    ax.set_yscale("log")
    ax.yaxis.set_major_formatter(LogFormatter())
    ax.yaxis.set_minor_locator(LogLocator(subs=(2.0, 5.0)))
    ax.yaxis.set_minor_formatter(LogFormatter(labelOnlyBase=False))  # labels when no decade is in view


def training(fit: Fit) -> Figure:
    """Train and validation loss (log scale) per check, learning rate on a second axis, and the
    doctor's findings marked at the step they fired."""
    learning_rates = any(r["lr"] is not None for r in fit.history)
    fig = figure(7, 4, right=1.0 if learning_rates else MARGINS["right"])  # the rate's axis on the right
    ax = fig.add_subplot()
    steps = [r["step"] for r in fit.history]
    marker = "o" if len(steps) < 20 else None  # a short run's few checks (one, for L-BFGS) stay visible
    ax.plot(steps, [r["train_loss"] for r in fit.history], marker=marker, label="train loss")
    if any(r["val_loss"] is not None for r in fit.history):
        ax.plot(steps, [r["val_loss"] for r in fit.history], marker=marker, label="validation loss")
    ax.set(xlabel="step", ylabel=f"{fit.recipe.loss} (scaled units)", title="training")
    if all(r["train_loss"] > 0 for r in fit.history):
        log_scale(ax)
    for finding in fit.findings:
        if finding.step is not None:
            ax.axvline(finding.step, color="tab:red", linestyle=":")
            ax.annotate(
                finding.code,
                (finding.step, 0.95),
                xycoords=("data", "axes fraction"),
                color="tab:red",
                rotation=90,
                va="top",
                ha="right",
                fontsize=8,
            )
    if learning_rates:
        lr_axis = ax.twinx()
        lr_axis.plot(steps, [r["lr"] for r in fit.history], color="tab:gray", linestyle="--", label="learning rate")
        lr_axis.set_ylabel("learning rate")
        lr_axis.legend(loc="upper center", fontsize=8)
    ax.legend(loc="upper right", fontsize=8)
    return fig


def curve(fit: Fit) -> Figure:
    """1-D target: truth and prediction over the 2x box, the training domain shaded, the shell
    edges dashed, the query points marked."""
    _need_inputs(fit, 1, "curve")
    fig = figure(7, 4)
    ax = fig.add_subplot()
    (axis,) = fit.domain.grid(GRID, 2.0)
    x = axis[:, None]
    if fit.target.known:
        ax.plot(x[:, 0], fit.target(x)[:, 0], color="black", label="truth")
    ax.plot(x[:, 0], fit.predict(x)[:, 0], color="tab:blue", linestyle="--", label="prediction")
    band(ax, fit, x, x[:, 0])
    ax.axvspan(fit.domain.lo[0], fit.domain.hi[0], color="tab:green", alpha=0.12, label="training domain")
    for edge in (*fit.domain.grown(1.5).lo, *fit.domain.grown(1.5).hi):
        ax.axvline(edge, color="tab:gray", linestyle=":", linewidth=1)
    if fit.queries:
        ax.scatter(
            [q.point[0] for q in fit.queries],
            [q.prediction[0] for q in fit.queries],
            color="tab:red",
            zorder=3,
            label="query points",
        )
    ax.set(xlabel=fit.inputs[0], ylabel=fit.outputs[0], title=f"{fit.target.describe()}: inside and outside")
    ax.legend(fontsize=8)
    return fig


def heatmaps(fit: Fit) -> Figure:
    """2-D target: truth, prediction and |error| over the 2x box with the training domain drawn.
    A data target, whose truth is unknown off the data, gets the prediction only."""
    _need_inputs(fit, 2, "heatmaps")
    A, B = np.meshgrid(*fit.domain.grid(GRID_2D, 2.0))
    X = np.stack([A.ravel(), B.ravel()], axis=1)
    prediction = fit.predict(X)[:, 0].reshape(A.shape)
    panels = {"prediction": prediction}
    if fit.target.known:
        truth = fit.target(X)[:, 0].reshape(A.shape)
        panels = {"truth": truth, "prediction": prediction, "|error|": np.abs(prediction - truth)}
    # each panel's colour bar and its labels sit between it and the next panel
    fig = figure(4.2 * len(panels), 3.8, (1, len(panels)), right=0.6, space=(1.3, 0.0))
    shared = {
        "vmin": min(panels[k].min() for k in ("truth", "prediction") if k in panels),
        "vmax": max(panels[k].max() for k in ("truth", "prediction") if k in panels),
    }
    for i, (title, values) in enumerate(panels.items()):
        ax = fig.add_subplot(1, len(panels), i + 1)
        style = {"cmap": "magma"} if title == "|error|" else {"cmap": "viridis", **shared}  # truth, prediction alike
        image = ax.pcolormesh(A, B, values, shading="auto", **style)
        fig.colorbar(image, ax=ax)
        from matplotlib.patches import Rectangle  # loaded with the first figure

        ax.add_patch(
            Rectangle(
                (fit.domain.lo[0], fit.domain.lo[1]),
                *(fit.domain.hi - fit.domain.lo),
                fill=False,
                edgecolor="white",
                linewidth=1.5,
                linestyle="--",
            )
        )
        ax.set(xlabel=fit.inputs[0], ylabel=fit.inputs[1], title=f"{title} of {fit.outputs[0]}")
    return fig


def slices(fit: Fit) -> Figure:
    """Any number of inputs: one 1-D slice per input through the domain's centre, over the 2x
    range of that input, truth against prediction, the training range shaded."""
    d = len(fit.inputs)
    columns = min(d, 3)
    rows = -(-d // columns)
    fig = figure(4 * columns, 3 * rows, (rows, columns), top=0.6, space=(0.9, 0.7))
    centre = (fit.domain.lo + fit.domain.hi) / 2
    outer = fit.domain.grown(2.0)
    for i, name in enumerate(fit.inputs):
        # one y scale for all: an input the target ignores then shows flat, not float32 round-off
        ax = fig.add_subplot(rows, columns, i + 1, sharey=fig.axes[0] if fig.axes else None)
        X = np.repeat(centre[None, :], GRID, axis=0)
        X[:, i] = np.linspace(outer.lo[i], outer.hi[i], GRID)
        if fit.target.known:
            ax.plot(X[:, i], fit.target(X)[:, 0], color="black", label="truth")
        ax.plot(X[:, i], fit.predict(X)[:, 0], color="tab:blue", linestyle="--", label="prediction")
        band(ax, fit, X, X[:, i])
        ax.axvspan(fit.domain.lo[i], fit.domain.hi[i], color="tab:green", alpha=0.12)
        ax.set(xlabel=name, ylabel=fit.outputs[0])
    fig.axes[0].legend(fontsize=8)
    fig.suptitle("slices through the centre of the domain")
    return fig


def band(ax: Axes, fit: Fit, X: np.ndarray, along: np.ndarray) -> None:
    """The first output's prediction intervals at the points X (n, d) drawn as a band over `along`
    (n,), left open beyond the reach they were calibrated to; nothing for a run saved without them."""
    if fit.calibration is None:
        return
    lower, upper = fit.predict_interval(X)
    ax.fill_between(
        along, lower[:, 0], upper[:, 0], color="tab:blue", alpha=0.15, label=f"{percent(fit.recipe.coverage)} interval"
    )


def scatter(fit: Fit) -> Figure:
    """Predicted against true values for the test split and each extrapolation set."""
    fig = figure(5, 5)
    ax = fig.add_subplot()
    for name, (X, y) in fit.points.items():
        X, y = X[:: -(-len(X) // SCATTER_POINTS)], y[:: -(-len(y) // SCATTER_POINTS)]  # random already: a stride
        ax.scatter(y[:, 0], fit.predict(X)[:, 0], s=4, alpha=0.5, color=SET_COLOURS.get(name), label=name)
    values = np.concatenate([y[:, 0] for _, y in fit.points.values()])
    ax.plot([values.min(), values.max()], [values.min(), values.max()], color="black", linewidth=1)
    ax.set(xlabel=f"true {fit.outputs[0]}", ylabel=f"predicted {fit.outputs[0]}", title="predicted vs true")
    ax.legend(fontsize=8, markerscale=3)
    return fig


def distance(fit: Fit, X: np.ndarray) -> np.ndarray:
    """How far each point lies outside the training box, in half-widths: 0 inside, 0.5 at the
    1.5x box, 1 at the 2x box."""
    return np.maximum(reach(fit.domain, X) - 1.0, 0.0)


def extrapolation_curve(fit: Fit, bins: int = 10) -> tuple[np.ndarray, np.ndarray]:
    """Median |error| / std(test targets) against distance from the domain, over the recorded
    points: (bin centres, values), NaN where a bin is empty."""
    X = np.concatenate([X for X, _ in fit.points.values()])
    y = np.concatenate([y for _, y in fit.points.values()])
    scale = fit.points["test"][1].std(axis=0) if "test" in fit.points else y.std(axis=0)
    error = np.mean(np.abs(fit.predict(X) - y) / np.where(scale > 0, scale, 1.0), axis=1)
    far = distance(fit, X)
    inside = far == 0
    edges = np.linspace(0, max(far.max(), 1e-9), bins + 1)
    centres, values = [0.0], [np.median(error[inside]) if inside.any() else np.nan]
    for lo, hi in itertools.pairwise(edges):
        chosen = (far > lo) & (far <= hi)
        centres.append((lo + hi) / 2)
        values.append(np.median(error[chosen]) if chosen.any() else np.nan)
    return np.array(centres), np.array(values)


def extrapolation(fit: Fit) -> Figure:
    """The extrapolation curve: how the error grows with distance from the training domain."""
    fig = figure(6, 4)
    ax = fig.add_subplot()
    x, values = extrapolation_curve(fit)
    ax.plot(x, values, marker="o", label="median |error|")
    if fit.calibration is not None:  # the intervals' half-width per band of reach, in the same units
        widths = np.median(fit.calibration.table(fit.recipe.coverage), axis=1)  # (bands, k): the faces' median
        scale = fit.points["test"][1].std(axis=0) if "test" in fit.points else 1.0
        relative = np.mean(widths / np.where(scale > 0, scale, 1.0), axis=1)
        edges = np.array([-0.05, *(np.asarray(fit.calibration.reaches) - 1.0)])  # the box's band drawn at 0
        label = f"{percent(fit.recipe.coverage)} interval half-width (median of the faces)"
        ax.stairs(relative, edges, color="tab:orange", baseline=None, label=label)
        ax.legend(fontsize=8)
    ax.set(
        xlabel="distance outside the training domain (half-widths; 0 = inside)",
        ylabel="median |error| / std(y)",
        title="error against distance from the domain",
    )
    if np.isfinite(values).any() and np.nanmin(values) > 0:  # a diverged fit's errors are all NaN
        log_scale(ax)
    return fig


def residuals(fit: Fit) -> Figure:
    """Histogram of the test residuals (prediction - truth)."""
    fig = figure(6, 4)
    ax = fig.add_subplot()
    X, y = fit.points["test"]
    residual = (fit.predict(X) - y).ravel()
    ax.hist(residual[np.isfinite(residual)], bins=50, color="tab:blue")  # a diverged fit's: none finite
    ax.set(xlabel=f"prediction - truth ({fit.outputs[0]})", ylabel="test points", title="residuals inside the domain")
    return fig


def exact_linear_weights(fit: Fit) -> tuple[np.ndarray, np.ndarray] | None:
    """The exact weights (d, k) and bias (k,) of a linear formula target, else None."""
    if fit.target.kind != "formula":
        return None
    symbols = [sympy.Symbol(name, real=True) for name in fit.inputs]
    weights, bias = np.zeros((len(symbols), len(fit.outputs))), np.zeros(len(fit.outputs))
    for j, expression in enumerate(fit.target.expressions):
        polynomial = sympy.Poly(expression, *symbols) if expression.is_polynomial(*symbols) else None
        if polynomial is None or polynomial.total_degree() > 1:
            return None
        for i, symbol in enumerate(symbols):
            weights[i, j] = float(polynomial.coeff_monomial(symbol))
        bias[j] = float(polynomial.coeff_monomial(1))
    return weights, bias


def weights(fit: Fit) -> Figure:
    """Linear model: learned weights and bias next to the exact ones when the target is linear.
    MLP: the first layer's weights, inputs by units (of the first member of an ensemble)."""
    # the inputs' names label the rows of the heatmap: about a tenth of an inch a character
    names = max(len(name) for name in fit.inputs)
    fig = figure(7, 4, left=max(MARGINS["left"], 0.45 + 0.1 * names), right=0.6)
    ax = fig.add_subplot()
    if len(fit.params) == 1 and fit.network.output_activation == "none":
        learned, bias = fit.linear_weights()
        labels = [*fit.inputs, "bias"]
        positions = np.arange(len(labels))
        ax.bar(positions - 0.2, [*learned[:, 0], bias[0]], width=0.4, label="learned")
        exact = exact_linear_weights(fit)
        if exact is not None:
            ax.bar(positions + 0.2, [*exact[0][:, 0], exact[1][0]], width=0.4, label="exact")
        ax.set_xticks(positions, labels)
        ax.set(ylabel=f"weight on {fit.outputs[0]} (user units)", title="linear model weights")
        ax.legend(fontsize=8)
    else:
        first = np.asarray(fit.member(0)[0]["w"])
        image = ax.imshow(first, aspect="auto", cmap="coolwarm", vmin=-np.abs(first).max(), vmax=np.abs(first).max())
        fig.colorbar(image, ax=ax)
        ax.set_yticks(range(len(fit.inputs)), fit.inputs)
        ax.set(xlabel="hidden unit", ylabel="input (scaled)", title="first-layer weights")
    return fig


def shape(fit: Fit) -> Figure:
    """The picture of the fit over its domain: a curve for 1 input, heatmaps for 2, slices beyond."""
    return {1: curve, 2: heatmaps}.get(len(fit.inputs), slices)(fit)


KINDS: dict[str, Callable[[Fit], Figure]] = {
    "shape": shape,
    "training": training,
    "extrapolation": extrapolation,
    "scatter": scatter,
    "residuals": residuals,
    "weights": weights,
    "curve": curve,
    "heatmaps": heatmaps,
    "slices": slices,
}
REPORT = ("shape", "training", "extrapolation", "scatter", "residuals", "weights")  # in the report, in order


def plot(fit: Fit, kind: str = "shape") -> Figure:
    """The figure `kind` (one of KINDS) of `fit`."""
    if kind not in KINDS:
        raise NnfitError(f"unknown plot {kind!r}; choose one of {', '.join(KINDS)}")
    return KINDS[kind](fit)


def _need_inputs(fit: Fit, count: int, name: str) -> None:
    if len(fit.inputs) != count:
        raise NnfitError(
            f"the {name} plot is for {count} input{'s' if count > 1 else ''}; this fit has "
            f"{len(fit.inputs)} — use plot(fit, 'slices')"
        )
