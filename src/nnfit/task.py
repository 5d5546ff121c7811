"""What to fit and where: the `Task` half of a run's configuration (the `Recipe` says how).

Each field is declared once with its default, its constraint and its help, as in `nnfit.recipe`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from .errors import RecipeError
from .params import Settings, setting


@dataclass(frozen=True)
class Task(Settings):
    """What to fit and where: the target, its domain, the samples and the points to query."""

    section: ClassVar[str] = "task"

    target: str | None = setting(
        None,
        "str",
        'formula such as "x**2 + x", or a .csv/.parquet/.npy/.npz file',
        "there is no default task: say what to fit",
        optional=True,
    )
    domain: str | None = setting(
        None,
        "str",
        'input ranges, e.g. "x=0:100, y=0:1000:int"',
        "only you know where the function matters; a data file brings its own",
        optional=True,
    )
    inputs: tuple[str, ...] | None = setting(
        None,
        "names",
        "input names in order: data columns, or a formula's inputs including unused ones",
        "a formula names its inputs in the order written; a data file's are every column but the outputs",
        optional=True,
    )
    outputs: tuple[str, ...] | None = setting(
        None,
        "names",
        "output columns of a data file (default: the last)",
        "the last column is where tables usually keep the measured value",
        optional=True,
    )
    samples: int | None = setting(
        None,
        "int",
        "points sampled from a formula's domain; unset: 10 000, or 5 000 per input from three inputs",
        "ample for smooth targets of 1-2 inputs; more inputs need more (20 inputs: rRMSE 0.11 from 10 000, "
        "0.022 from 100 000); sampling a formula costs next to nothing",
        gt=0,
        optional=True,
    )
    sampling: str = setting(
        "uniform",
        "choice",
        "how points are placed",
        "independent points cover any number of inputs without a grid's gaps between rows",
        choices=("uniform", "grid", "sobol", "lhs"),
    )
    split: tuple[float, ...] = setting(
        (0.8, 0.1, 0.1),
        "floats",
        "train,validation,test fractions",
        "most points train; 10 % is enough to stop early on, 10 % to measure on, at 10 000 samples",
        ge=0,
        length=3,
    )
    holdout: str = setting(
        "none",
        "choice",
        "data files: 'edges' keeps the outer 5% at each end of every input's "
        "range out of training, as the extrapolation set",
        "a formula is measured on extrapolation shells instead; for data, choose it when extrapolation matters",
        choices=("none", "edges"),
    )
    discover: bool = setting(
        False,
        "bool",
        "also search for a closed form of each output (as nnfit discover) and report it beside the network, "
        "inside the domain and beyond it",
        "asked for, not assumed: a second or so that pays only when the target follows a law of the library",
    )
    query: str | None = setting(
        None,
        "str",
        'points to predict, e.g. "45,100; 200,2000"',
        "the metrics inside and outside the domain come with every fit; points are yours to name",
        optional=True,
    )

    SAMPLES: ClassVar[int] = 10_000
    SAMPLES_PER_INPUT: ClassVar[int] = 5_000

    def sample_count(self, inputs: int) -> int:
        """The points to sample from a formula.

        Args:
            inputs: the formula's inputs.

        Returns:
            `samples` as named, else `default_samples(inputs)`.
        """
        return self.samples or self.default_samples(inputs)

    @classmethod
    def default_samples(cls, inputs: int) -> int:
        """The points sampled from a formula when `samples` is unset.

        Args:
            inputs: the formula's inputs.

        Returns:
            SAMPLES, or SAMPLES_PER_INPUT per input where that is more.
        """
        return max(cls.SAMPLES, cls.SAMPLES_PER_INPUT * inputs)

    def _check(self) -> None:
        if abs(sum(self.split) - 1) > 1e-6 or self.split[0] <= 0:
            raise RecipeError(f"'split' must be three fractions summing to 1 with train > 0; got {list(self.split)}")
