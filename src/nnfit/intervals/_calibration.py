"""Split-conformal intervals by where a point lies: inside the training box, or how far outside it
and past which of its faces.

A fit's error grows with the distance from where it was trained, and past one face of the box far
faster than past another (a quadratic in x outgrows its network on the x side long before the y
side drifts). One half-width for every point would be too wide inside the box and far too narrow
outside it. The points are therefore grouped into cells: the box itself (reach ≤ 1), then, in each
band of reach around it, one cell per face (the input that lies farthest out, and on which side).
Each cell is calibrated on its own held-out points: with n absolute errors |y − ŷ| measured there,
the ⌈(n + 1)·coverage⌉-th smallest is the half-width. A new point drawn like the cell's calibration
points then lies inside its interval with probability at least `coverage` (split conformal
prediction; Vovk et al. 2005, Lei et al. 2018), whatever the network or the target. A cell with too
few points for that order statistic takes its band's, pooled over the faces.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from ..data import Dataset, Domain, Shell, Target
from ..errors import NnfitError

# The bands' outer reaches, in half-widths of the box from its centre: the box, then eighths of a
# half-width out to twice the box, where the farthest extrapolation shell ends. Narrow bands let the
# half-width follow the error's growth; each still holds enough points for a stable quantile.
REACHES = (1.0, *np.round(np.arange(1.125, 2.0001, 0.125), 3).tolist())
INSIDE_POINTS = 8000  # fresh points calibrating the box of a known target: its coverage to ±0.3 % (1 sd)
FACE_POINTS = 500  # per face of each ring around it, on average: 2 d faces, so 1000 d points a ring
# The fresh points are drawn from the fit's seed on a stream of their own, so that they are the same
# for every network trained on one task (the chosen one and its rival) and apart from the rows drawn.
STREAM = 0xC0DE
INSIDE = -1  # the face of a point inside the box: it has none
_REACH_TOLERANCE = 1e-9  # as Domain.contains: a point on the box's edge is inside it


def reach(domain: Domain, X: np.ndarray) -> np.ndarray:
    """How far each point lies from the centre of the box, in the box's half-widths along the input
    that lies farthest out: ≤ 1 inside the box, 1.5 on the edge of the box grown 1.5×.

    Args:
        domain: the training box.
        X: points (n, d) in input order.

    Returns:
        The reach of each point (n,).
    """
    return np.max(_offsets(domain, X), axis=1) if len(X) else np.empty(0)


def _offsets(domain: Domain, X: np.ndarray) -> np.ndarray:
    """|x − centre| / half-width of each input (n, d)."""
    centre, half = (domain.lo + domain.hi) / 2, (domain.hi - domain.lo) / 2
    return np.abs(np.atleast_2d(X) - centre) / half


def locate(domain: Domain, X: np.ndarray, reaches: tuple[float, ...]) -> tuple[np.ndarray, np.ndarray]:
    """The cell of each point (n, d): its band (0 inside the box, i for reach in (reaches[i − 1],
    reaches[i]], len(reaches) beyond the last) and its face (INSIDE, or 2·input + 1 past the upper
    edge of that input, 2·input past the lower one, for the input farthest out)."""
    X = np.atleast_2d(X)
    if not len(X):
        return np.empty(0, int), np.empty(0, int)
    offsets = _offsets(domain, X)
    band = np.searchsorted(np.asarray(reaches), offsets.max(axis=1) - _REACH_TOLERANCE, side="left")
    farthest = offsets.argmax(axis=1)
    upper = X[np.arange(len(X)), farthest] > (domain.lo + domain.hi)[farthest] / 2
    face = np.where(band == 0, INSIDE, 2 * farthest + upper)
    return band, face


def conformal_half_width(scores: np.ndarray, coverage: float) -> np.ndarray:
    """The split-conformal half-width of held-out absolute errors.

    Args:
        scores: |y − ŷ| of n held-out points (n, k).
        coverage: the share of new points the interval should hold, in (0, 1).

    Returns:
        The ⌈(n + 1)·coverage⌉-th smallest score of each output (k,); NaN where n is too small for
        that order statistic to exist (n < coverage / (1 − coverage): 9 points at 90 %).
    """
    n = len(scores)
    rank = math.ceil((n + 1) * coverage - 1e-9)
    if rank > n or n == 0:
        return np.full(scores.shape[1], np.nan)
    return np.sort(scores, axis=0)[rank - 1]


@dataclass(frozen=True, eq=False)
class Calibration:
    """The held-out absolute errors of a fit in the user's units, with the cell each was measured in.

    `scores` (n, k) are |y − ŷ| at n held-out points, `band` (n,) and `face` (n,) their cells
    (`locate`) for the bands ending at `reaches`, and `faces` the number of faces of the box (2 d).
    A band with no points at all (a data file has none beyond its box unless its edges are held
    out) ends what is calibrated.
    """

    reaches: tuple[float, ...]
    faces: int
    scores: np.ndarray
    band: np.ndarray
    face: np.ndarray
    # the tables made so far, by coverage: plots and tables ask for the same one again and again
    _tables: dict[float, np.ndarray] = field(default_factory=dict, init=False, repr=False)

    def table(self, coverage: float) -> np.ndarray:
        """The half-widths by cell (bands, faces, k): a band's pooled width where a face of it has
        too few points, NaN in every band from the first that cannot be calibrated outward."""
        if coverage not in self._tables:
            self._tables[coverage] = _table(self, coverage)
        return self._tables[coverage]

    def calibrated_reach(self, coverage: float) -> float:
        """How far from the box the intervals are calibrated at `coverage` (0 when not even inside)."""
        calibrated = ~np.isnan(self.table(coverage)).any(axis=(1, 2))
        return float(self.reaches[int(calibrated.sum()) - 1]) if calibrated.any() else 0.0

    def half_width(self, domain: Domain, X: np.ndarray, coverage: float) -> np.ndarray:
        """The half-width at points X (n, d): (n, k), NaN beyond the calibrated reach."""
        table = self.table(coverage)
        band, face = locate(domain, X, self.reaches)
        out = np.full((len(band), table.shape[2]), np.nan)
        known = band < len(self.reaches)
        out[known] = table[band[known], np.maximum(face[known], 0)]
        return out

    def with_box(self, scores: np.ndarray) -> Calibration:
        """This calibration with the box's errors replaced by `scores` (n, k), measured there otherwise
        (out of fold, `nnfit.fitting._folds`)."""
        outside = self.band > 0
        return Calibration(
            self.reaches,
            self.faces,
            np.concatenate([scores, self.scores[outside]]),
            np.concatenate([np.zeros(len(scores), int), self.band[outside]]),
            np.concatenate([np.full(len(scores), INSIDE), self.face[outside]]),
        )

    def to_arrays(self) -> dict[str, np.ndarray]:
        """The tensors a run directory keeps, under `calibration.`."""
        return {
            "calibration.reaches": np.asarray(self.reaches, np.float64),
            "calibration.faces": np.asarray(self.faces, np.int64),
            "calibration.scores": np.ascontiguousarray(self.scores, np.float64),
            "calibration.band": np.asarray(self.band, np.int64),
            "calibration.face": np.asarray(self.face, np.int64),
        }

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray]) -> Calibration | None:
        """The calibration `to_arrays` wrote; None for a run written before intervals."""
        if "calibration.scores" not in arrays:
            return None
        return cls(
            tuple(float(r) for r in arrays["calibration.reaches"]),
            int(arrays["calibration.faces"]),
            arrays["calibration.scores"],
            arrays["calibration.band"],
            arrays["calibration.face"],
        )


def _table(calibration: Calibration, coverage: float) -> np.ndarray:
    """`Calibration.table`, made anew: the scores sorted once by cell, each cell's quantile read off."""
    bands, faces, k = len(calibration.reaches), max(calibration.faces, 1), calibration.scores.shape[1]
    cell = calibration.band * faces + np.maximum(calibration.face, 0)  # the box's points are all in cell 0
    order = np.argsort(cell, kind="stable")
    starts = np.searchsorted(cell[order], np.arange(bands * faces + 1))
    sorted_scores = calibration.scores[order]
    table = np.full((bands, faces, k), np.nan)
    for b in range(bands):
        pooled = conformal_half_width(sorted_scores[starts[b * faces] : starts[(b + 1) * faces]], coverage)
        if np.isnan(pooled).any():  # not even the whole band can be calibrated: nothing from here out
            break
        for f in range(faces):
            width = conformal_half_width(sorted_scores[starts[b * faces + f] : starts[b * faces + f + 1]], coverage)
            table[b, f] = pooled if np.isnan(width).any() else width  # the box: one cell, pooled
    return table


def calibrate(
    predict: Callable[[np.ndarray], np.ndarray],
    target: Target,
    domain: Domain,
    dataset: Dataset | None,
    seed: int,
) -> Calibration:
    """Measure a fit's held-out errors, cell by cell.

    A known target (a formula, a callable) is calibrated on fresh points drawn uniformly in the box
    and in each ring around it, as the test set and the extrapolation shells are drawn but never the
    same points. Data are calibrated inside on the validation rows (they also chose the best weights,
    so the guarantee there is close to, not exactly, the stated one) and beyond the box on the held-out
    edge rows kept for it (``--holdout edges``).

    Args:
        predict: the fit's predictions in the user's units, (n, d) -> (n, k).
        target: what was fitted.
        domain: the training box.
        dataset: the fit's rows; only data (a target not known) need them.
        seed: the fit's seed, from which the fresh points are drawn.

    Returns:
        The Calibration; points where the target is not finite are left out.

    Raises:
        NnfitError: data without their rows.
    """
    faces = 2 * len(domain.names)
    if target.known:
        rng = np.random.default_rng((seed, STREAM))
        parts = [domain.sample(INSIDE_POINTS, rng)] + [
            domain.sample_shell(Shell(inner, outer), FACE_POINTS * faces, rng)
            for inner, outer in itertools.pairwise(REACHES)
        ]
        X = np.concatenate(parts)
        y = target(X)
        finite = np.all(np.isfinite(y), axis=1)
        X, y = X[finite], y[finite]
    elif dataset is None:
        raise NnfitError(f"{target.describe()} is known only at its rows: give them to calibrate its intervals")
    else:
        split = dataset.split
        held = [(split.X_val, split.y_val), *dataset.calibration.values()]
        X, y = np.concatenate([X for X, _ in held]), np.concatenate([y for _, y in held])
    band, face = locate(domain, X, REACHES)
    kept = band < len(REACHES)
    scores = np.abs(predict(X[kept]) - y[kept]) if kept.any() else np.empty((0, y.shape[1]))
    return Calibration(REACHES, faces, scores, band[kept], face[kept])


def check_coverage(coverage: float) -> float:
    """`coverage` as a float in (0, 1), or an NnfitError naming it."""
    if not 0 < coverage < 1:
        raise NnfitError(f"coverage {coverage!r} is not a share between 0 and 1 — give one such as 0.9 (90 %)")
    return float(coverage)
