"""Query points: read from the text a user writes, in input order, and the prediction at each."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from ..errors import NnfitError


@dataclass(frozen=True)
class Query:
    """The prediction at one point, next to the true value where the target is known."""

    point: tuple[float, ...]
    prediction: tuple[float, ...]
    truth: tuple[float, ...] | None
    inside: bool
    # the prediction interval's bounds per output; None beyond the reach its intervals are calibrated to
    lower: tuple[float, ...] | None = None
    upper: tuple[float, ...] | None = None
    reach: float | None = None  # how far from the box's centre, in its half-widths (`nnfit.intervals.reach`)

    @property
    def abs_error(self) -> float | None:
        if self.truth is None:
            return None
        return float(np.max(np.abs(np.subtract(self.prediction, self.truth))))

    @property
    def rel_error(self) -> float | None:
        """|error| / |truth| of the worst output; None where the truth is unknown or 0."""
        if self.truth is None or not np.all(self.truth):
            return None
        return float(np.max(np.abs(np.subtract(self.prediction, self.truth)) / np.abs(self.truth)))

    def to_dict(self) -> dict:
        return {
            "point": list(self.point),
            "prediction": list(self.prediction),
            "truth": list(self.truth) if self.truth is not None else None,
            "abs_error": self.abs_error,
            "rel_error": self.rel_error,
            "inside": self.inside,
            "lower": list(self.lower) if self.lower is not None else None,
            "upper": list(self.upper) if self.upper is not None else None,
            "reach": self.reach,
        }

    def interval_text(self) -> str:
        """The interval per output, "[lo, hi]", or how far out a point beyond the calibrated reach lies."""
        if self.lower is None or self.upper is None:
            return f"beyond ({self.reach:.4g}×)" if self.reach is not None else "—"
        return ", ".join(f"[{lo:.6g}, {hi:.6g}]" for lo, hi in zip(self.lower, self.upper))


def parse_points(text: str, inputs: tuple[str, ...]) -> np.ndarray:
    """Read ``"45,100; 10,20"`` into an array (n, len(inputs)); raises naming the bad point."""
    rows = [r.strip() for r in re.split(r"[;\n]", text or "") if r.strip()]
    if not rows:
        raise NnfitError(
            f'no points given — write them as "{", ".join("1" for _ in inputs)}; ..." in the order {", ".join(inputs)}'
        )
    points = []
    for row in rows:
        values = [v for v in re.split(r"[,\s]+", row.strip("() ")) if v]
        if len(values) != len(inputs):
            raise NnfitError(
                f"point {row!r} has {len(values)} value{'s' if len(values) != 1 else ''}; "
                f"give {len(inputs)}, in the order {', '.join(inputs)}"
            )
        try:
            point = [float(v) for v in values]
        except ValueError:
            raise NnfitError(f"point {row!r} holds something that is not a number") from None
        if not np.all(np.isfinite(point)):
            raise NnfitError(f"point {row!r} is not finite")
        points.append(point)
    return np.array(points, dtype=np.float64)
