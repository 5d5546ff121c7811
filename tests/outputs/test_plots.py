"""Every figure, for a 1-D, a 2-D and a 4-D target and a linear model: axes, labels, and that
what is drawn is the fit's own predictions, history and weights."""

import warnings

import numpy as np
import pytest
from doctor_corpus import CORPUS
from matplotlib.backends.backend_agg import FigureCanvasAgg

import nnfit
from nnfit.errors import NnfitError
from nnfit.outputs import _plots as plots

QUICK = {"samples": 1500, "steps": 600}


@pytest.fixture(scope="module")
def fits():
    return {
        "1d": nnfit.fit("x**2 + x", domain="x=1:1000", query="20; 1500", **QUICK),
        "2d": nnfit.fit("x^2 + 2*y", domain="x=0:100, y=0:1000:int", **QUICK),
        "4d": nnfit.fit("a*b + sin(c) - d", domain="a=0:1, b=0:1, c=0:3, d=-1:1", **QUICK),
        "linear": nnfit.fit(
            "x3 - x2", inputs=["x0", "x1", "x2", "x3"], domain="x0=0:1, x1=0:1, x2=0:1, x3=0:1", model="linear", **QUICK
        ),
    }


def line(ax, label):
    return next(artist for artist in ax.get_lines() if artist.get_label() == label)


@pytest.mark.parametrize("name", ["1d", "2d", "4d", "linear"])
def test_training_draws_the_history(fits, name):
    fit = fits[name]
    figure = plots.training(fit)
    ax, lr_axis = figure.axes
    assert (ax.get_xlabel(), ax.get_yscale(), lr_axis.get_ylabel()) == ("step", "log", "learning rate")
    np.testing.assert_array_equal(line(ax, "train loss").get_xdata(), [r["step"] for r in fit.history])
    np.testing.assert_array_equal(line(ax, "validation loss").get_ydata(), [r["val_loss"] for r in fit.history])
    np.testing.assert_array_equal(lr_axis.get_lines()[0].get_ydata(), [r["lr"] for r in fit.history])


def test_training_marks_findings_at_their_step():
    fit = nnfit.fit(
        "x**2",
        domain="x=0:10",
        optimizer="sgd",
        lr=10,
        input_scaling="none",
        output_scaling="none",
        samples=500,
        steps=500,
        early_stopping=False,
        stop_on_error=False,
    )
    ax = plots.training(fit).axes[0]
    marked = {t.get_text(): t.xy[0] for t in ax.texts}
    assert marked == {"diverged": 250}


def test_curve_draws_truth_prediction_domain_and_queries(fits):
    fit = fits["1d"]
    (ax,) = plots.curve(fit).axes
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("x", "f")
    x = line(ax, "prediction").get_xdata()
    assert (x.min(), x.max()) == (fit.domain.grown(2).lo[0], fit.domain.grown(2).hi[0])
    np.testing.assert_allclose(line(ax, "prediction").get_ydata(), fit.predict(x[:, None])[:, 0])
    np.testing.assert_allclose(line(ax, "truth").get_ydata(), x**2 + x)
    drawn = {artist.get_label(): artist for artist in ax.collections}
    np.testing.assert_array_equal(drawn["query points"].get_offsets()[:, 0], [20, 1500])


def test_curve_draws_the_intervals_as_a_band_open_beyond_their_reach(fits):
    fit = fits["1d"]
    (ax,) = plots.curve(fit).axes
    band = next(artist for artist in ax.collections if artist.get_label() == "90% interval")
    x = line(ax, "prediction").get_xdata()
    lower, upper = fit.predict_interval(x[:, None])
    # the band's outline runs along the upper bounds and back along the lower ones, where they exist
    outline = band.get_paths()[0].vertices
    inside = (x >= fit.domain.lo[0]) & (x <= fit.domain.hi[0])
    assert np.all(np.isin(upper[inside, 0], outline[:, 1])) and np.all(np.isin(lower[inside, 0], outline[:, 1]))
    assert fit.calibrated_reach() == 2.0 and not np.isnan(upper).any()  # the grid ends at the 2x box: all calibrated


def test_heatmaps_draw_truth_prediction_and_error(fits):
    fit = fits["2d"]
    figure = plots.heatmaps(fit)
    panels = [ax for ax in figure.axes if ax.get_title()]
    assert [ax.get_title() for ax in panels] == ["truth of f", "prediction of f", "|error| of f"]
    assert len(figure.axes) == 6  # three panels, three colour bars
    truth, prediction, error = (ax.collections[0].get_array().reshape(plots.GRID_2D, -1) for ax in panels)
    np.testing.assert_allclose(error, np.abs(prediction - truth))
    corner = np.array([[fit.domain.grown(2).lo[0], fit.domain.grown(2).lo[1]]])
    assert prediction[0, 0] == pytest.approx(fit.predict(corner)[0, 0], rel=1e-6)
    assert panels[0].patches[0].get_width() == 100 and panels[0].patches[0].get_height() == 1000  # the domain


@pytest.mark.parametrize("name, count", [("4d", 4), ("linear", 4), ("2d", 2)])
def test_slices_one_panel_per_input(fits, name, count):
    fit = fits[name]
    figure = plots.slices(fit)
    assert [ax.get_xlabel() for ax in figure.axes] == list(fit.inputs)[:count]
    ax = figure.axes[-1]
    X = np.repeat(((fit.domain.lo + fit.domain.hi) / 2)[None, :], plots.GRID, axis=0)
    X[:, -1] = line(ax, "prediction").get_xdata()
    np.testing.assert_allclose(line(ax, "prediction").get_ydata(), fit.predict(X)[:, 0], rtol=1e-6)


@pytest.mark.parametrize("name", ["1d", "2d", "4d", "linear"])
def test_scatter_draws_each_recorded_set(fits, name):
    fit = fits[name]
    (ax,) = plots.scatter(fit).axes
    assert [c.get_label() for c in ax.collections] == list(fit.points)
    for collection, (X, y) in zip(ax.collections, fit.points.values()):
        stride = -(-len(X) // plots.SCATTER_POINTS)  # the shells' 2000 points: every second one
        expected = np.stack([y[::stride, 0], fit.predict(X[::stride])[:, 0]], axis=1)
        np.testing.assert_allclose(collection.get_offsets(), expected)
        assert len(expected) <= plots.SCATTER_POINTS


@pytest.mark.parametrize("name", ["1d", "2d", "4d", "linear"])
def test_extrapolation_draws_the_curve(fits, name):
    fit = fits[name]
    (ax,) = plots.extrapolation(fit).axes
    x, values = plots.extrapolation_curve(fit)
    np.testing.assert_array_equal(ax.get_lines()[0].get_ydata(), values)
    assert ax.get_xlabel().startswith("distance outside the training domain") and x[0] == 0


@pytest.mark.parametrize("name", ["1d", "2d", "4d"])
def test_a_network_is_best_inside_its_domain(fits, name):
    _, values = plots.extrapolation_curve(fits[name])
    assert values[0] < np.nanmax(values[1:])


def test_distance_in_half_widths():
    fit = nnfit.fit("x", domain="x=0:2", samples=300, steps=50)
    np.testing.assert_allclose(plots.distance(fit, np.array([[1.0], [2.5], [-1.0], [4.0]])), [0, 0.5, 1, 2])


@pytest.mark.parametrize("name", ["1d", "2d", "4d", "linear"])
def test_residuals_histogram_counts_the_test_points(fits, name):
    fit = fits[name]
    (ax,) = plots.residuals(fit).axes
    assert sum(patch.get_height() for patch in ax.patches) == len(fit.points["test"][0])


def test_linear_weights_next_to_the_exact_ones(fits):
    fit = fits["linear"]
    (ax,) = plots.weights(fit).axes
    learned, bias = fit.linear_weights()
    heights = [patch.get_height() for patch in ax.patches]
    np.testing.assert_allclose(heights[:5], [*learned[:, 0], bias[0]])
    np.testing.assert_allclose(heights[5:], [0, 0, -1, 1, 0])
    assert [t.get_text() for t in ax.get_xticklabels()] == ["x0", "x1", "x2", "x3", "bias"]


@pytest.mark.parametrize("name", ["1d", "2d", "4d"])
def test_mlp_weights_show_the_first_layer(fits, name):
    fit = fits[name]
    ax = plots.weights(fit).axes[0]
    np.testing.assert_array_equal(ax.images[0].get_array(), fit.params[0]["w"])
    assert [t.get_text() for t in ax.get_yticklabels()] == list(fit.inputs)


@pytest.mark.parametrize("name, kind", [("1d", "curve"), ("2d", "heatmaps"), ("4d", "slices")])
def test_shape_picks_by_input_count(fits, name, kind):
    assert len(fits[name].plot().axes) == len(plots.KINDS[kind](fits[name]).axes)


def test_unknown_plot_kind():
    fit = nnfit.fit("x", domain="x=0:1", samples=300, steps=50)
    with pytest.raises(NnfitError, match="unknown plot 'shap'"):
        fit.plot("shap")
    with pytest.raises(NnfitError, match="the heatmaps plot is for 2 inputs"):
        fit.plot("heatmaps")


def test_exact_weights_only_for_linear_formulas(fits):
    assert plots.exact_linear_weights(fits["1d"]) is None
    weights, _bias = plots.exact_linear_weights(fits["linear"])
    np.testing.assert_array_equal(weights[:, 0], [0, 0, -1, 1])


@pytest.mark.parametrize("kind", plots.REPORT)
@pytest.mark.parametrize("name", ["1d", "2d", "4d", "linear"])
def test_every_label_lies_inside_its_figure(fits, name, kind):
    # the margins are fixed in inches, not measured at each draw: no tick label, axis label,
    # colour bar or title may be cut at the edge
    figure = plots.plot(fits[name], kind)
    renderer = FigureCanvasAgg(figure).get_renderer()
    figure.draw(renderer)  # places the ticks and their labels
    edge = figure.bbox
    for ax in figure.axes:
        box = ax.get_tightbbox(renderer)  # the axes with everything drawn around it
        inside = edge.x0 <= box.x0 and box.x1 <= edge.x1 and edge.y0 <= box.y0 and box.y1 <= edge.y1
        assert inside, f"{ax.get_title() or ax.get_ylabel()!r} reaches {box.extents}, beyond {edge.extents}"


def test_a_diverged_fits_figures_are_drawn_without_a_warning():
    fit = nnfit.fit(**CORPUS["diverged"])  # its weights, and so its errors, are NaN
    assert np.isnan(fit.predict(fit.points["test"][0])).all()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for kind in ("extrapolation", "residuals"):
            FigureCanvasAgg(plots.plot(fit, kind)).draw()
