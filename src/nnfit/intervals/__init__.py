"""Prediction intervals that mean what they say: split-conformal half-widths measured inside the
training box and on the rings around it, by how far a point lies from the box (its reach) and past
which of its faces."""

from ._calibration import INSIDE, REACHES, Calibration, calibrate, check_coverage, conformal_half_width, locate, reach

__all__ = [
    "INSIDE",
    "REACHES",
    "Calibration",
    "calibrate",
    "check_coverage",
    "conformal_half_width",
    "locate",
    "reach",
]
