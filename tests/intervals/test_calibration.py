"""Split-conformal intervals by reach: the order statistic that gives the guarantee, the bands of
reach around the box, what a calibration keeps, and the coverage it gives on fresh points. No
network is trained here: the predictions are the truth plus a known error."""

import numpy as np
import pytest

from nnfit.data import Dataset, Domain, Shell, Target
from nnfit.errors import NnfitError
from nnfit.intervals import INSIDE, REACHES, Calibration, calibrate, check_coverage, conformal_half_width, locate, reach

BOX = Domain.parse("x=0:10, y=-1:1")


def test_the_half_width_is_the_order_statistic_that_guarantees_the_coverage():
    scores = np.arange(1.0, 20.0)[:, None]  # 19 points: rank ceil(20 * 0.9) = 18
    assert conformal_half_width(scores, 0.9) == pytest.approx([18.0])
    assert conformal_half_width(scores, 0.5) == pytest.approx([10.0])
    # 8 points cannot give 90 %: the 9th of 8 does not exist
    assert np.isnan(conformal_half_width(scores[:8], 0.9)).all()
    assert np.isnan(conformal_half_width(np.empty((0, 2)), 0.9)).all()


def test_reach_counts_half_widths_from_the_centre_along_the_input_farthest_out():
    points = np.array([[5.0, 0.0], [10.0, 0.0], [5.0, -1.0], [12.5, 0.5], [5.0, 3.0], [-15.0, 0.0]])
    np.testing.assert_allclose(reach(BOX, points), [0.0, 1.0, 1.0, 1.5, 3.0, 4.0])


def test_the_bands_run_from_the_box_to_twice_its_size_in_eighths():
    assert REACHES[0] == 1.0 and REACHES[-1] == 2.0
    np.testing.assert_allclose(np.diff(REACHES), 0.125)


def calibration(sizes, faces=4):
    """Scores 1..n times the band's number (+1) in each band, spread evenly over `faces` faces
    outside the box: errors that grow outward, alike past every face."""
    scores, band, face = [], [], []
    for i, n in enumerate(sizes):
        scores.append((i + 1) * np.arange(1.0, n + 1))
        band += [i] * n
        face += [INSIDE] * n if i == 0 else [j % faces for j in range(n)]
    return Calibration(REACHES, faces, np.concatenate(scores)[:, None], np.array(band), np.array(face))


def test_cells_are_the_box_then_each_face_of_each_ring():
    points = np.array([[5.0, 0.0], [10.5, 0.0], [-0.5, 0.0], [5.0, 1.2], [5.0, -1.2], [25.0, 0.0], [12.5, 1.3]])
    band, face = locate(BOX, points, REACHES)
    np.testing.assert_array_equal(band, [0, 1, 1, 2, 2, len(REACHES), 4])
    # face 2 i + 1 past input i's upper edge, 2 i past its lower one; x at 1.5 lies farther out than y at 1.3
    np.testing.assert_array_equal(face[:5], [INSIDE, 1, 0, 3, 2])
    assert face[6] == 1


def test_each_point_takes_its_cells_half_width_and_none_beyond_the_last_band():
    cal = calibration([99] + [396] * (len(REACHES) - 1))  # 99 points a face outside
    table = cal.table(0.9)
    assert table.shape == (len(REACHES), 4, 1)
    # rank ceil(100 * 0.9) = 90 of each face's 99 scores 1 + 4 j..., times the band's number
    np.testing.assert_allclose(table[0, :, 0], 90)
    np.testing.assert_allclose(table[1, :, 0], 2 * (np.arange(4) + 1 + 4 * 89))
    points = np.array([[5.0, 0.0], [10.0, 0.0], [10.0 + 1e-12, 0.0], [10.1, 0.0], [-0.1, 0.0], [15.0, 1.0], [15.1, 0]])
    half = cal.half_width(BOX, points, 0.9)[:, 0]
    np.testing.assert_allclose(half[:6], [90, 90, 90, table[1, 1, 0], table[1, 0, 0], table[-1, 1, 0]])
    assert np.isnan(half[6])
    assert cal.calibrated_reach(0.9) == 2.0


def test_a_face_with_too_few_points_takes_its_bands_pooled_width():
    cal = Calibration(
        (1.0, 1.125),
        4,
        np.arange(1.0, 132.0)[:, None],
        np.array([0] * 99 + [1] * 32),
        np.array([INSIDE] * 99 + [1] * 30 + [2] * 2),
    )
    table = cal.table(0.9)[1, :, 0]
    pooled = conformal_half_width(np.arange(100.0, 132.0)[:, None], 0.9)[0]
    face = conformal_half_width(np.arange(100.0, 130.0)[:, None], 0.9)[0]
    np.testing.assert_allclose(table, [pooled, face, pooled, pooled])


def test_a_band_without_enough_points_ends_what_is_calibrated():
    cal = calibration([99, 99, 5, 99, 99, 99, 99, 99, 99])
    assert not np.isnan(cal.table(0.9)[:2]).any() and np.isnan(cal.table(0.9)[2:]).all()
    assert cal.calibrated_reach(0.9) == 1.125
    assert calibration([0] * 9).calibrated_reach(0.9) == 0.0


def test_a_calibration_survives_its_arrays():
    cal = calibration([50, 20, 0, 0, 0, 0, 0, 0, 0])
    back = Calibration.from_arrays(cal.to_arrays())
    assert (back.reaches, back.faces) == (cal.reaches, cal.faces)
    for name in ("scores", "band", "face"):
        np.testing.assert_array_equal(getattr(back, name), getattr(cal, name))
    assert Calibration.from_arrays({"layer0.w": np.zeros(1)}) is None


@pytest.mark.parametrize("bad", [0, 1, 1.5, -0.1])
def test_a_coverage_outside_zero_and_one_is_refused_by_name(bad):
    with pytest.raises(NnfitError, match=f"coverage {bad!r} is not a share between 0 and 1"):
        check_coverage(bad)


def growing_error(X):
    """The truth of x + y plus an error that grows with the reach, and varies between points."""
    wobble = np.sin(37 * X[:, :1]) * np.cos(11 * X[:, 1:])
    return X[:, :1] + X[:, 1:] + 0.01 * reach(BOX, X)[:, None] ** 3 * wobble


def test_a_known_target_is_calibrated_on_fresh_points_that_then_hold_the_coverage():
    target = Target.from_formula("x + y", ("x", "y"))
    cal = calibrate(growing_error, target, BOX, None, seed=0)
    assert cal.faces == 4 and np.bincount(cal.band).tolist() == [8000] + [2000] * (len(REACHES) - 1)
    rng = np.random.default_rng(12345)  # points the calibration never saw
    for inner, outer in [(0.0, 1.0), (1.0, 1.5), (1.5, 2.0)]:
        X = BOX.sample(4000, rng) if inner == 0 else BOX.sample_shell(Shell(inner, outer), 4000, rng)
        half = cal.half_width(BOX, X, 0.9)
        error = np.abs(growing_error(X) - target(X))
        held = float(np.mean(error <= half))
        # 90 % to within the sampling error of 500-2000 calibration points and 4000 fresh ones (±3 sd)
        assert 0.87 <= held <= 0.95, (inner, outer, held)
    # the same seed draws the same points: the chosen network and its rival are measured alike
    again = calibrate(growing_error, target, BOX, None, seed=0)
    np.testing.assert_array_equal(again.scores, cal.scores)


def test_data_are_calibrated_on_the_validation_rows_and_the_edges_kept_for_it():
    rng = np.random.default_rng(0)
    X = rng.uniform(0, 1, (300, 1))
    y = 2 * X + rng.normal(0, 0.1, X.shape)
    edges = np.array([[1.05], [1.1], [-0.05], [1.08], [-0.1], [1.2], [1.12]] * 3)  # reaches 1.1 to 1.4
    dataset = Dataset(
        X,
        y,
        ("x",),
        ("y",),
        np.arange(200),
        np.arange(200, 250),
        np.arange(250, 300),
        calibration={"edges": (edges, 2 * edges)},
    )
    box = Domain.parse("x=0:1")
    cal = calibrate(lambda A: 2 * A, Target(("x",), ("y",), "data", "rows"), box, dataset, seed=0)
    np.testing.assert_allclose(cal.scores[cal.band == 0], np.abs(y[200:250] - 2 * X[200:250]))
    counts = np.bincount(cal.band, minlength=len(REACHES)).tolist()
    assert counts[0] == 50 and sum(counts[1:]) == len(edges)
    # reaches 1.1 (x = 1.05 and -0.05), 1.16 to 1.24 (1.08, 1.1, -0.1, 1.12) and 1.4 (1.2), three rows each
    assert counts[1:5] == [6, 12, 0, 3]
    with pytest.raises(NnfitError, match="known only at its rows"):
        calibrate(lambda A: A, Target(("x",), ("y",), "data", "rows"), box, None, seed=0)
