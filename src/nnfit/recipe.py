"""The validated configuration of a run: a `Task` (what to fit, where) and a `Recipe` (how).

Each field is declared once with its default, its constraint and its help; validation, config
files (YAML or TOML, flat keys) and the command-line options are all read off that table.
The defaults are the correct recipe for regression; the seeds' broken choices stay expressible.
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Self

import yaml

from .errors import RecipeError


@dataclass(frozen=True)
class Param:
    """How one field is checked and explained: its kind, allowed values and help."""

    kind: str  # "int", "float", "seconds", "bool", "choice", "str", "ints", "floats", "names"
    help: str
    choices: tuple[str, ...] = ()
    gt: float | None = None  # value must be > gt
    ge: float | None = None  # value must be >= ge
    lt: float | None = None  # value must be < lt
    optional: bool = False  # None (unset) allowed
    length: int | None = None  # exact length of a list
    flag: str | None = None  # the command-line flag, when not --field-name
    why: str = ""  # the reason for the default, shown in the documentation's recipe reference

    def coerce(self, name: str, value: Any) -> Any:
        """The value converted to this field's type; raises RecipeError naming the bad value."""
        # "none" unsets a number or list; text fields keep it, as "" or "none" may be what was meant
        unset = self.kind != "str" and isinstance(value, str) and value.strip().lower() in ("", "none", "null")
        if value is None or (self.optional and unset):
            if self.optional:
                return None
            raise RecipeError(f"'{name}' needs a value ({self.help})")
        if self.kind in ("ints", "floats", "names"):
            items = [v.strip() for v in value.split(",")] if isinstance(value, str) else value
            if not isinstance(items, (list, tuple)):
                items = [items]
            single = {"ints": "int", "floats": "float", "names": "str"}[self.kind]
            element = dataclasses.replace(self, kind=single, optional=False)
            result = tuple(element.coerce(name, v) for v in items if not (isinstance(v, str) and not v))
            if self.length is not None and len(result) != self.length:
                raise RecipeError(f"'{name}' takes {self.length} values; got {value!r}")
            if self.kind == "names" and not result:
                raise RecipeError(f"'{name}' needs at least one name; got {value!r}")
            return result
        if self.kind == "bool":
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text in ("true", "yes", "on", "1"):
                return True
            if text in ("false", "no", "off", "0"):
                return False
            raise RecipeError(f"'{name}' must be true or false; got {value!r}")
        if self.kind == "choice":
            text = str(value).strip().lower().replace("_", "-")
            if text not in self.choices:
                hint = difflib.get_close_matches(text, self.choices, n=1)
                suggestion = f" — did you mean {hint[0]!r}?" if hint else ""
                raise RecipeError(f"'{name}' must be one of {', '.join(self.choices)}; got {value!r}{suggestion}")
            return text
        if self.kind == "str":
            return str(value)
        if self.kind == "seconds" and isinstance(value, str):
            value = _seconds(value)
        number = self._number(name, value)
        for bound, ok, word in (
            (self.gt, lambda b: number > b, ">"),
            (self.ge, lambda b: number >= b, ">="),
            (self.lt, lambda b: number < b, "<"),
        ):
            if bound is not None and not ok(bound):
                raise RecipeError(f"'{name}' must be {word} {bound:g}; got {value!r}")
        return number

    def _number(self, name: str, value: Any) -> int | float:
        what = {"int": "a whole number", "seconds": "a duration such as 30s, 2m or 1h"}.get(self.kind, "a number")
        if isinstance(value, bool):
            raise RecipeError(f"'{name}' must be {what}; got {value!r}")
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise RecipeError(f"'{name}' must be {what}; got {value!r}") from None
        if not math.isfinite(number):
            raise RecipeError(f"'{name}' must be finite; got {value!r}")
        if self.kind == "int":
            if number != int(number):
                raise RecipeError(f"'{name}' must be a whole number; got {value!r}")
            return int(number)
        return number


def _field(default: Any, kind: str, help: str, why: str, **constraints: Any) -> Any:
    return dataclasses.field(default=default, metadata={"param": Param(kind, help, why=why, **constraints)})


class _Validated:
    """Shared behaviour of Task and Recipe: coercion on construction, dict and file round trips."""

    section: ClassVar[str]
    __dataclass_fields__: ClassVar[dict[str, dataclasses.Field[Any]]]  # set by @dataclass on each subclass

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            object.__setattr__(self, f.name, f.metadata["param"].coerce(f.name, getattr(self, f.name)))
        self._check()

    def _check(self) -> None:
        """Rules across fields; overridden where a class has them."""

    @classmethod
    def params(cls) -> dict[str, Param]:
        return {f.name: f.metadata["param"] for f in dataclasses.fields(cls)}

    @classmethod
    def defaults(cls) -> dict[str, Any]:
        return {f.name: f.default for f in dataclasses.fields(cls)}

    def to_dict(self) -> dict[str, Any]:
        return {f.name: _plain(getattr(self, f.name)) for f in dataclasses.fields(self)}

    def replace(self, **changes: Any) -> Self:
        unknown_keys(changes, self.params())
        return dataclasses.replace(self, **changes)


@dataclass(frozen=True)
class Task(_Validated):
    """What to fit and where: the target, its domain, the samples and the points to query."""

    section: ClassVar[str] = "task"

    target: str | None = _field(
        None,
        "str",
        'formula such as "x**2 + x", or a .csv/.parquet/.npy/.npz file',
        "there is no default task: say what to fit",
        optional=True,
    )
    domain: str | None = _field(
        None,
        "str",
        'input ranges, e.g. "x=0:100, y=0:1000:int"',
        "only you know where the function matters; a data file brings its own",
        optional=True,
    )
    inputs: tuple[str, ...] | None = _field(
        None,
        "names",
        "input names in order: data columns, or a formula's inputs including unused ones",
        "a formula names its inputs in the order written; a data file's are every column but the outputs",
        optional=True,
    )
    outputs: tuple[str, ...] | None = _field(
        None,
        "names",
        "output columns of a data file (default: the last)",
        "the last column is where tables usually keep the measured value",
        optional=True,
    )
    samples: int = _field(
        10_000,
        "int",
        "points sampled from a formula's domain",
        "ample for smooth targets of 1-6 inputs; sampling a formula costs next to nothing",
        gt=0,
    )
    sampling: str = _field(
        "uniform",
        "choice",
        "how points are placed",
        "independent points cover any number of inputs without a grid's gaps between rows",
        choices=("uniform", "grid", "sobol", "lhs"),
    )
    split: tuple[float, ...] = _field(
        (0.8, 0.1, 0.1),
        "floats",
        "train,validation,test fractions",
        "most points train; 10 % is enough to stop early on, 10 % to measure on, at 10 000 samples",
        ge=0,
        length=3,
    )
    holdout: str = _field(
        "none",
        "choice",
        "data files: 'edges' keeps the outer 5% at each end of every input's "
        "range out of training, as the extrapolation set",
        "a formula is measured on extrapolation shells instead; for data, choose it when extrapolation matters",
        choices=("none", "edges"),
    )
    query: str | None = _field(
        None,
        "str",
        'points to predict, e.g. "45,100; 200,2000"',
        "the metrics inside and outside the domain come with every fit; points are yours to name",
        optional=True,
    )

    def _check(self) -> None:
        if abs(sum(self.split) - 1) > 1e-6 or self.split[0] <= 0:
            raise RecipeError(f"'split' must be three fractions summing to 1 with train > 0; got {list(self.split)}")


@dataclass(frozen=True)
class Recipe(_Validated):
    """How to fit: model, loss, optimizer, schedule, batches, stopping, scaling, seed and device."""

    section: ClassVar[str] = "recipe"

    model: str = _field(
        "mlp",
        "choice",
        "network kind",
        "a multilayer perceptron fits nonlinear targets; choose linear to read a linear rule's weights",
        choices=("mlp", "linear"),
    )
    hidden: tuple[int, ...] = _field(
        (64, 64),
        "ints",
        "hidden layer widths, e.g. 40,24,12",
        "enough capacity for smooth targets of up to ~6 inputs, small enough to train in seconds",
        gt=0,
    )
    activation: str = _field(
        "gelu",
        "choice",
        "hidden activation",
        "smooth, yet nearly linear for large inputs: on the 11 targets of benchmarks/time_to_accuracy.py "
        "it reached 1.5-12x lower rRMSE in 10 s than tanh on 8, the same on 2, 1.7x higher on log(x) + 1/x; "
        "ReLU's kinks stall below rRMSE 1e-3 on smooth targets",
        choices=("relu", "tanh", "gelu", "silu", "sigmoid", "sin"),
    )
    output_activation: str = _field(
        "none",
        "choice",
        "output activation (regression wants none)",
        "a regression output must reach any value; softmax over one output is always 1",
        choices=("none", "softmax", "sigmoid", "relu", "tanh"),
    )
    loss: str = _field(
        "mse",
        "choice",
        "training loss",
        "the squared error is what rRMSE measures, and its gradient shrinks as the fit improves",
        choices=("mse", "rmse", "mae", "huber"),
    )
    optimizer: str = _field(
        "adam",
        "choice",
        "optimizer",
        "adapts each weight's step to its gradient's scale; robust on small nets without tuning",
        choices=("adam", "adamw", "sgd", "rmsprop", "nadam", "lbfgs"),
    )
    lr: float = _field(
        1e-2,
        "float",
        "learning rate at the start",
        "Adam on standardised data with a decaying schedule tolerates 1e-2 (3e-2 was worse on 4 of 6 "
        "targets, 3e-3 on 6 of 7) and gets there far sooner than Keras's 1e-3",
        gt=0,
    )
    schedule: str = _field(
        "cosine",
        "choice",
        "learning-rate schedule",
        "full rate for most of the run, small at the end to settle; never starves early",
        choices=("constant", "cosine", "step", "exponential", "inverse-time", "plateau", "one-cycle"),
    )
    decay: float = _field(
        0.0,
        "float",
        "inverse-time: lr/(1 + decay*step), as Keras's decay",
        "off: Keras's decay 0.1 starves training within a few hundred steps (seed 002)",
        ge=0,
    )
    decay_rate: float = _field(
        0.5,
        "float",
        "step/exponential/plateau: factor applied per decay-steps",
        "halving is the common choice: a visible change, not a collapse",
        gt=0,
        lt=1,
    )
    decay_steps: int = _field(
        1000,
        "int",
        "step/exponential: steps per decay-rate factor; plateau: steps averaged per check",
        "20 halvings over the default 20 000 steps end near 1e-6 of the start",
        gt=0,
    )
    batch_size: int = _field(
        128,
        "int",
        "samples per step (capped at the training set)",
        "many updates per epoch, yet large enough that a step is not all overhead",
        gt=0,
    )
    epochs: int | None = _field(
        None,
        "int",
        "passes over the training set (instead of steps)",
        "the run's length is set in steps, which do not change with the number of samples",
        gt=0,
        optional=True,
    )
    steps: int | None = _field(
        None,
        "int",
        "optimizer steps (default 20000 when epochs is unset)",
        "small nets converge within ~2e4 Adam steps, 1-3 s in a scan on a laptop CPU",
        gt=0,
        optional=True,
    )
    time_budget: float | None = _field(
        None,
        "seconds",
        "train for this long, compilation included: 30s, 2m, 1h "
        "or seconds; without steps or epochs the schedule spans the budget",
        "the step count sets the length, so the same recipe gives the same numbers on any machine",
        gt=0,
        optional=True,
        flag="--budget",
    )
    target_rrmse: float | None = _field(
        None,
        "float",
        "stop once the validation rRMSE reaches this, e.g. 1e-4 (within the budget; 60 s when none is given)",
        "training runs its course; name an accuracy when reaching it sooner matters more",
        gt=0,
        optional=True,
        flag="--target",
    )
    repeat_batch: bool = _field(
        False,
        "bool",
        "use the same batch at every step (reproduces the Flux seed)",
        "fresh shuffled batches show the network all the data; one batch repeated is the seed-000 mistake",
    )
    input_scaling: str = _field(
        "standard",
        "choice",
        "input scaling, fitted on the training split",
        "inputs of order 1 keep units out of saturation whatever the user's units (x in 1..1000)",
        choices=("standard", "minmax", "none"),
    )
    output_scaling: str = _field(
        "standard",
        "choice",
        "output scaling, fitted on the training split",
        "targets of order 1 match the initial weights; raw targets of 1e6 take thousands of steps to reach",
        choices=("standard", "minmax", "none"),
    )
    early_stopping: bool = _field(
        True,
        "bool",
        "stop when validation loss stops improving",
        "steps past the best validation loss only cost time, or overfit",
    )
    patience: int = _field(
        20,
        "int",
        "validation checks without improvement before stopping",
        "20 checks of 250 steps: well past the noise of a mini-batch loss",
        gt=0,
    )
    restore_best: bool = _field(
        True,
        "bool",
        "end with the weights of the best validation loss",
        "the last step's weights carry the last batches' noise; the best validation loss is what is measured",
    )
    eval_every: int = _field(
        250,
        "int",
        "steps between validation checks and progress updates",
        "a validation check costs about 1 % of 250 steps",
        gt=0,
    )
    ensemble: int = _field(
        1,
        "int",
        "members trained at once from different initial weights; predictions "
        "are their mean, and their spread says where they disagree",
        "one network is the fastest answer; several cost little more in one vmapped step when the spread matters",
        gt=0,
    )
    stop_on_error: bool = _field(
        True,
        "bool",
        "end training when the doctor sees an error-level problem (a loss that cannot move, divergence)",
        "a run that cannot learn only wastes time; the doctor says why at once",
    )
    checkpoint_every: float | None = _field(
        30.0,
        "seconds",
        "write a checkpoint this often (30s, 5m; none: never), so nnfit fit --resume can continue a killed run",
        "a killed fit loses at most 30 s; writing a small net's state takes milliseconds (0.11 % of training)",
        gt=0,
        optional=True,
    )
    seed: int = _field(
        0, "int", "drives sampling, initialisation and batching", "a fixed seed makes every run repeatable", ge=0
    )
    device: str = _field(
        "auto",
        "choice",
        "where to train (auto: a GPU when JAX sees one)",
        "the fastest device present, with no setting to change between machines",
        choices=("auto", "cpu", "gpu"),
    )
    dtype: str = _field(
        "float32",
        "choice",
        "floating-point precision",
        "float32 resolves rRMSE to ~1e-7, below what training reaches in seconds; float64 for targets below that",
        choices=("float32", "float64"),
    )

    DEFAULT_STEPS: ClassVar[int] = 20_000  # small nets converge within ~2e4 Adam steps; ~1-2 s in a scan here
    # --target without --budget: long enough for 1e-4 on smooth targets of a few inputs, short enough to wait for
    TARGET_BUDGET: ClassVar[float] = 60.0

    FLOAT32_FLOOR: ClassVar[float] = 1e-7  # float32 resolves 1.2e-7 relative: no rRMSE below that is real

    def _check(self) -> None:
        if self.target_rrmse is not None and self.dtype == "float32" and self.target_rrmse < self.FLOAT32_FLOOR:
            raise RecipeError(
                f"a target rRMSE of {self.target_rrmse:g} is below what float32 can resolve "
                f"(about {self.FLOAT32_FLOOR:g}) — use --dtype float64, or a target of at least "
                f"{self.FLOAT32_FLOOR:g}"
            )
        if self.ensemble > 1 and self.optimizer == "lbfgs":
            raise RecipeError(
                "'ensemble' needs a first-order optimizer; L-BFGS's line search runs one model at a "
                "time — use --optimizer adam, or --ensemble 1"
            )
        if self.epochs is not None and self.steps is not None:
            raise RecipeError(f"give 'epochs' or 'steps', not both; got epochs={self.epochs}, steps={self.steps}")

    @property
    def budget(self) -> float | None:
        """Seconds of training allowed: the time budget, else TARGET_BUDGET when there is a target."""
        return self.time_budget or (self.TARGET_BUDGET if self.target_rrmse is not None else None)

    @property
    def open_ended(self) -> bool:
        """True when no step count is set and the run goes on until its budget or its target."""
        return self.budget is not None and self.steps is None and self.epochs is None

    @property
    def paced(self) -> bool:
        """True when the run's length is its time budget (open-ended, with no target): the
        schedule then spans the budget. With a target, it restarts instead (`optim.LearningRates`)."""
        return self.open_ended and self.target_rrmse is None

    def total_steps(self, n_train: int) -> int | None:
        """Optimizer steps for a training set of n_train samples; None when the budget sets the length."""
        if self.steps is not None:
            return self.steps
        if self.epochs is not None:
            return self.epochs * self.steps_per_epoch(n_train)
        return None if self.open_ended else self.DEFAULT_STEPS

    def batch(self, n_train: int) -> int:
        """The batch size used: L-BFGS takes the whole set; nothing exceeds the set."""
        return n_train if self.optimizer == "lbfgs" else min(self.batch_size, n_train)

    def steps_per_epoch(self, n_train: int) -> int:
        return max(1, n_train // self.batch(n_train))

    def summary(self) -> str:
        """The recipe in one line, e.g. ``mlp 64-64 gelu | adam lr 0.01 cosine | batch 128 ...``."""
        body = "linear" if self.model == "linear" else f"mlp {'-'.join(map(str, self.hidden))} {self.activation}"
        if self.output_activation != "none":
            body += f" -> {self.output_activation}"
        length = (
            f"{self.epochs} epochs"
            if self.epochs
            else f"{self.steps} steps"
            if self.steps
            else f"{self.budget:g} s"
            if self.paced
            else f"to rRMSE {self.target_rrmse:g} within {self.budget:g} s"
            if self.open_ended
            else f"{self.DEFAULT_STEPS} steps"
        )
        if self.optimizer == "lbfgs":  # its line search sets each step, on the whole training set
            training = f"{self.loss} lbfgs line search | full batch, {length}"
        else:
            schedule = self.schedule + (f" {self.decay:g}" if self.schedule == "inverse-time" else "")
            training = f"{self.loss} {self.optimizer} lr {self.lr:g} {schedule} | batch {self.batch_size}, {length}"
        scaling = f"scale in:{self.input_scaling} out:{self.output_scaling}"
        extras = [
            x
            for x in (
                f"ensemble of {self.ensemble}" if self.ensemble > 1 else "",
                "repeat-batch" if self.repeat_batch else "",
                "early-stop" if self.early_stopping else "",
                self.dtype,
            )
            if x
        ]
        return f"{body} | {training} | {scaling} | {', '.join(extras)} | seed {self.seed}"


SECTIONS = (Task, Recipe)
_UNITS = {"s": 1.0, "m": 60.0, "min": 60.0, "h": 3600.0}


def _seconds(text: str) -> float | str:
    """ "30s", "2m", "1.5h" or "45" in seconds; other text is returned for the number check to refuse."""
    match = re.fullmatch(r"\s*([0-9.eE+-]+)\s*(s|m|min|h)?\s*", text)
    if not match:
        return text
    try:
        return float(match.group(1)) * _UNITS[match.group(2) or "s"]
    except ValueError:
        return text


def unknown_keys(values: Mapping[str, Any], known: Mapping[str, Any]) -> None:
    """Raise RecipeError for the first key not in `known`, suggesting the nearest one."""
    for key in values:
        if key not in known:
            hint = difflib.get_close_matches(str(key), list(known), n=1)
            suggestion = f" — did you mean {hint[0]!r}?" if hint else f"; known keys: {', '.join(known)}"
            raise RecipeError(f"unknown key {key!r}{suggestion}")


def split_settings(values: Mapping[str, Any]) -> tuple[Task, Recipe]:
    """Build a Task and a Recipe from one flat mapping of keys (dashes or underscores)."""
    flat = {str(k).replace("-", "_"): v for k, v in values.items()}
    unknown_keys(flat, {**Task.params(), **Recipe.params()})
    task = Task(**{k: v for k, v in flat.items() if k in Task.params()})
    recipe = Recipe(**{k: v for k, v in flat.items() if k in Recipe.params()})
    return task, recipe


CONFIG_SUFFIXES = (".yaml", ".yml", ".toml")


def read_config(path: str | Path) -> dict[str, Any]:
    """The flat mapping in a YAML (.yaml/.yml) or TOML (.toml) config file."""
    path = Path(path)
    if not path.is_file():
        raise RecipeError(f"config file not found: {path}")
    try:
        text = path.read_text(encoding="utf-8")
        if path.suffix.lower() == ".toml":
            values = tomllib.loads(text)
        elif path.suffix.lower() in CONFIG_SUFFIXES:
            values = yaml.safe_load(text)
        else:
            raise RecipeError(f"config file {path} must end in .yaml, .yml or .toml")
    except (yaml.YAMLError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        detail = str(exc).splitlines()[0]
        raise RecipeError(f"config file {path} is not valid {path.suffix[1:].upper()}: {detail}") from None
    if values is None:
        return {}
    if not isinstance(values, dict):
        raise RecipeError(f"config file {path} must hold key: value pairs, not a {type(values).__name__}")
    return values


def write_config(path: str | Path, task: Task, recipe: Recipe) -> None:
    """Write both as one flat YAML file that `read_config` and `nnfit fit --config` accept."""
    body = {
        **{k: v for k, v in task.to_dict().items() if v is not None},
        **{k: v for k, v in recipe.to_dict().items() if v is not None},
    }
    Path(path).write_text(yaml.safe_dump(body, sort_keys=False), encoding="utf-8")


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value
