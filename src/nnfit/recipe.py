"""How to fit: the `Recipe` half of a run's configuration (`nnfit.task.Task` says what and where).

Each field is declared once with its default, its constraint, its help and its reason (the table's
machinery is `nnfit.params`); validation, recipe files (`nnfit.config`) and the command-line options
are read off that table. The defaults are the correct recipe for regression; the seeds' broken
choices stay expressible."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from .errors import RecipeError
from .params import Settings, setting


@dataclass(frozen=True)
class Recipe(Settings):
    """How to fit: model, loss, optimizer, schedule, batches, stopping, scaling, seed and device."""

    section: ClassVar[str] = "recipe"

    auto: bool = setting(
        True,
        "bool",
        "choose the fields left at auto (model, activation, input and output scaling) by probing "
        "candidates on the data; --no-auto takes the fixed defaults (mlp, gelu, standard scaling)",
        "no fixed recipe suits every target: a power law is linear in log-log coordinates, an oscillation "
        "wants sin units, a kink ReLU ones; short probes tell them apart for a few seconds",
    )
    model: str = setting(
        "auto",
        "choice",
        "network kind (auto: a multilayer perceptron, or a linear model when none beats it)",
        "a multilayer perceptron fits nonlinear targets; choose linear to read a linear rule's weights",
        choices=("auto", "mlp", "linear"),
    )
    hidden: tuple[int, ...] | None = setting(
        None,
        "ints",
        "hidden layer widths, e.g. 40,24,12; unset: 64,64, with a third layer of 64 when the probes "
        "find the target hard",
        "two layers of 64 fit smooth targets of up to ~6 inputs in seconds; a third fits oscillating "
        "ones closer (a damped oscillation in 5 inputs: 1.1e-2 to 4.4e-3)",
        gt=0,
        optional=True,
    )
    activation: str = setting(
        "auto",
        "choice",
        "hidden activation (auto: gelu, sin or relu, whichever probes best)",
        "smooth, yet nearly linear for large inputs: on the 11 targets of benchmarks/time_to_accuracy.py "
        "it reached 1.5-12x lower rRMSE in 10 s than tanh on 8, the same on 2, 1.7x higher on log(x) + 1/x; "
        "ReLU's kinks stall below rRMSE 1e-3 on smooth targets",
        choices=("auto", "relu", "tanh", "gelu", "silu", "sigmoid", "sin"),
    )
    output_activation: str = setting(
        "none",
        "choice",
        "output activation (regression wants none)",
        "a regression output must reach any value; softmax over one output is always 1",
        choices=("none", "softmax", "sigmoid", "relu", "tanh"),
    )
    loss: str = setting(
        "mse",
        "choice",
        "training loss",
        "the squared error is what rRMSE measures, and its gradient shrinks as the fit improves",
        choices=("mse", "rmse", "mae", "huber"),
    )
    optimizer: str = setting(
        "adam",
        "choice",
        "optimizer",
        "adapts each weight's step to its gradient's scale; robust on small nets without tuning",
        choices=("adam", "adamw", "sgd", "rmsprop", "nadam", "lbfgs"),
    )
    lr: float = setting(
        1e-2,
        "float",
        "learning rate at the start",
        "Adam on standardised data with a decaying schedule tolerates 1e-2 (3e-2 was worse on 4 of 6 "
        "targets, 3e-3 on 6 of 7) and gets there far sooner than Keras's 1e-3",
        gt=0,
    )
    weight_decay: float | None = setting(
        None,
        "float",
        "L2 penalty: this x (sum of squared weights, biases exempt) added to the loss; unset: 0 for "
        "a formula, tried on measured data",
        "exact samples need none; noisy rows that a network learns by heart need one (see the automatic recipe)",
        ge=0,
        optional=True,
    )
    schedule: str = setting(
        "cosine",
        "choice",
        "learning-rate schedule",
        "full rate for most of the run, small at the end to settle; never starves early",
        choices=("constant", "cosine", "step", "exponential", "inverse-time", "plateau", "one-cycle"),
    )
    decay: float = setting(
        0.0,
        "float",
        "inverse-time: lr/(1 + decay*step), as Keras's decay",
        "off: Keras's decay 0.1 starves training within a few hundred steps (seed 002)",
        ge=0,
    )
    decay_rate: float = setting(
        0.5,
        "float",
        "step/exponential/plateau: factor applied per decay-steps",
        "halving is the common choice: a visible change, not a collapse",
        gt=0,
        lt=1,
    )
    decay_steps: int = setting(
        1000,
        "int",
        "step/exponential: steps per decay-rate factor; plateau: steps averaged per check",
        "20 halvings over the default 20 000 steps end near 1e-6 of the start",
        gt=0,
    )
    batch_size: int | None = setting(
        None,
        "int",
        "samples per step (capped at the training set); unset: 128, or 25 per input for a formula of 6 or more",
        "many updates per epoch, yet large enough that a step is not all overhead; a target of many inputs "
        "gives a noisier gradient (20 inputs: rRMSE 0.022 at 128, 0.0065 at 512)",
        gt=0,
        optional=True,
    )
    epochs: int | None = setting(
        None,
        "int",
        "passes over the training set (instead of steps)",
        "the run's length is set in steps, which do not change with the number of samples",
        gt=0,
        optional=True,
    )
    steps: int | None = setting(
        None,
        "int",
        "optimizer steps (default 20000 when epochs is unset)",
        "small nets converge within ~2e4 Adam steps, 1-3 s in a scan on a laptop CPU",
        gt=0,
        optional=True,
    )
    budget: float | None = setting(
        None,
        "seconds",
        "train for this long, compilation included: 30s, 2m, 1h or seconds; without steps or epochs the "
        "schedule spans the budget; nnfit fit counts it from its own start to its last line",
        "the step count sets the length, so the same recipe gives the same numbers on any machine",
        gt=0,
        optional=True,
    )
    target_rrmse: float | None = setting(
        None,
        "float",
        "stop once the validation rRMSE reaches this, e.g. 1e-4 (within the budget; 60 s when none is given)",
        "training runs its course; name an accuracy when reaching it sooner matters more",
        gt=0,
        optional=True,
        flag="--target",
    )
    repeat_batch: bool = setting(
        False,
        "bool",
        "use the same batch at every step (reproduces the Flux seed)",
        "fresh shuffled batches show the network all the data; one batch repeated is the seed-000 mistake",
    )
    input_scaling: str = setting(
        "auto",
        "choice",
        "input scaling, fitted on the training split; log: the log of each one-signed input, "
        "then standard (auto: whichever probes best)",
        "inputs of order 1 keep units out of saturation whatever the user's units (x in 1..1000)",
        choices=("auto", "standard", "log", "minmax", "none"),
    )
    output_scaling: str = setting(
        "auto",
        "choice",
        "output scaling, fitted on the training split; log as for inputs (auto: whichever probes best)",
        "targets of order 1 match the initial weights; raw targets of 1e6 take thousands of steps to reach",
        choices=("auto", "standard", "log", "minmax", "none"),
    )
    groups: str = setting(
        "auto",
        "choice",
        "dimensionless groups of a formula or callable target: scalings of its one-signed inputs found "
        "to leave it unchanged (d and lambda together) or to multiply it by a power (I0), so that the "
        "network learns a function of fewer inputs (d/lambda) times a factor (auto: when it probes best, unless both scalings are named)",
        "a law depends on fewer combinations of its inputs than it has inputs, and fewer inputs are easier to fit",
        choices=("auto", "on", "off"),
    )
    early_stopping: bool = setting(
        True,
        "bool",
        "stop when validation loss stops improving",
        "steps past the best validation loss only cost time, or overfit",
    )
    patience: int = setting(
        20,
        "int",
        "validation checks without improvement before stopping",
        "20 checks of 250 steps: well past the noise of a mini-batch loss",
        gt=0,
    )
    restore_best: bool = setting(
        True,
        "bool",
        "end with the weights of the best validation loss",
        "the last step's weights carry the last batches' noise; the best validation loss is what is measured",
    )
    eval_every: int = setting(
        250,
        "int",
        "steps between validation checks and progress updates",
        "a validation check costs about 1 % of 250 steps",
        gt=0,
    )
    ensemble: int = setting(
        1,
        "int",
        "members trained at once from different initial weights; predictions "
        "are their mean, and their spread says where they disagree",
        "one network is the fastest answer; several cost little more in one vmapped step when the spread matters",
        gt=0,
    )
    coverage: float = setting(
        0.9,
        "float",
        "the share of new points each prediction interval should hold, inside the domain and around it",
        "90 %: the usual conformal level, wide enough to trust and narrow enough to use",
        gt=0,
        lt=1,
    )
    stop_on_error: bool = setting(
        True,
        "bool",
        "end training when the doctor sees an error-level problem (a loss that cannot move, divergence)",
        "a run that cannot learn only wastes time; the doctor says why at once",
    )
    checkpoint_every: float | None = setting(
        30.0,
        "seconds",
        "write a checkpoint this often (30s, 5m; none: never), so nnfit fit --resume can continue a killed run",
        "a killed fit loses at most 30 s; writing a small net's state takes milliseconds (0.11 % of training)",
        gt=0,
        optional=True,
    )
    seed: int = setting(
        0, "int", "drives sampling, initialisation and batching", "a fixed seed makes every run repeatable", ge=0
    )
    device: str = setting(
        "auto",
        "choice",
        "where to train (auto: a GPU when JAX sees one)",
        "the fastest device present, with no setting to change between machines",
        choices=("auto", "cpu", "gpu"),
    )
    dtype: str = setting(
        "float32",
        "choice",
        "floating-point precision",
        "float32 resolves rRMSE to ~1e-7, below what training reaches in seconds; float64 for targets below that",
        choices=("float32", "float64"),
    )

    BATCH: ClassVar[int] = 128  # batch_size when unset, and the least it is sized to
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
                "'ensemble' needs a first-order optimizer; L-BFGS's line search runs one "
                "model at a time — use --optimizer adam, or --ensemble 1"
            )
        if self.epochs is not None and self.steps is not None:
            raise RecipeError(f"give 'epochs' or 'steps', not both; got epochs={self.epochs}, steps={self.steps}")

    # What each field left at auto (or unset) becomes with --no-auto, or where no probe chooses it.
    FIXED: ClassVar[dict[str, Any]] = {
        "model": "mlp",
        "activation": "gelu",
        "input_scaling": "standard",
        "output_scaling": "standard",
        "groups": "off",
        "weight_decay": 0.0,
        "hidden": (64, 64),
    }

    @property
    def undecided(self) -> tuple[str, ...]:
        """The fields still at auto (or unset), which the probes of `nnfit.auto` choose."""
        return tuple(name for name in self.FIXED if getattr(self, name) in ("auto", None))

    def fixed(self) -> Recipe:
        """This recipe as `--no-auto` trains it.
        Returns:
            The recipe with every field left at auto set to its fixed default.
        """
        return self.replace(**{name: self.FIXED[name] for name in self.undecided})

    @property
    def widths(self) -> tuple[int, ...]:
        """The hidden layer widths in effect: the fixed default's while `hidden` is unset."""
        return self.hidden or self.FIXED["hidden"]

    @property
    def time_limit(self) -> float | None:
        """Seconds of training allowed: the budget, else TARGET_BUDGET when there is a target."""
        return self.budget or (self.TARGET_BUDGET if self.target_rrmse is not None else None)

    @property
    def open_ended(self) -> bool:
        """True when no step count is set and the run goes on until its budget or its target."""
        return self.time_limit is not None and self.steps is None and self.epochs is None

    @property
    def paced(self) -> bool:
        """True when the run's length is its time budget (open-ended, with no target): the
        schedule then spans the budget. With a target, it restarts instead (`nnfit.engine.LearningRates`)."""
        return self.open_ended and self.target_rrmse is None

    def total_steps(self, n_train: int) -> int | None:
        """How many optimizer steps the recipe takes.

        Args:
            n_train: training rows.
        Returns:
            The steps, from `steps` or `epochs`; None when a time budget sets the length.
        """
        if self.steps is not None:
            return self.steps
        if self.epochs is not None:
            return self.epochs * self.steps_per_epoch(n_train)
        return None if self.open_ended else self.DEFAULT_STEPS

    def batch(self, n_train: int) -> int:
        """The batch the recipe trains on.

        Args:
            n_train: training rows.
        Returns:
            `batch_size`, never more than the rows; every row for L-BFGS.
        """
        return n_train if self.optimizer == "lbfgs" else min(self.batch_size or self.BATCH, n_train)

    def steps_per_epoch(self, n_train: int) -> int:
        """Steps in one pass over the training rows (at least 1).

        Args:
            n_train: training rows.
        Returns:
            The number of batches of `batch(n_train)` rows in them.
        """
        return max(1, n_train // self.batch(n_train))

    def summary(self) -> str:
        """The recipe in one line, as the command line prints it.

        Returns:
            e.g. ``mlp 64-64 gelu | mse adam lr 0.01 cosine | batch 128, 50000 steps | ...``.
        """
        body = "linear" if self.model == "linear" else f"mlp {'-'.join(map(str, self.widths))} {self.activation}"
        if self.model == "auto":
            body = f"auto ({body}, or linear)"
        if self.output_activation != "none":
            body += f" -> {self.output_activation}"
        if self.epochs or self.steps or not self.open_ended:
            length = f"{self.epochs} epochs" if self.epochs else f"{self.steps or self.DEFAULT_STEPS} steps"
        else:  # as long as its budget, or until its target within its budget
            until = f"to rRMSE {self.target_rrmse:g} within " if self.target_rrmse is not None else ""
            length = f"{until}{self.time_limit:g} s"
        if self.optimizer == "lbfgs":  # its line search sets each step, on the whole training set
            training = f"{self.loss} lbfgs line search | full batch, {length}"
        else:
            schedule = self.schedule + (f" {self.decay:g}" if self.schedule == "inverse-time" else "")
            training = f"{self.loss} {self.optimizer} lr {self.lr:g} {schedule} | batch {self.batch_size or self.BATCH}, {length}"
        groups = " groups" if self.groups == "on" else ""
        scaling = f"scale in:{self.input_scaling} out:{self.output_scaling}{groups}"
        extras = (
            f"ensemble of {self.ensemble}" if self.ensemble > 1 else "",
            f"weight-decay {self.weight_decay:g}" if self.weight_decay else "",
            "repeat-batch" if self.repeat_batch else "",
            "early-stop" if self.early_stopping else "",
            self.dtype,
        )
        return f"{body} | {training} | {scaling} | {', '.join(x for x in extras if x)} | seed {self.seed}"
