"""The doctor's table: every code it can report, the stages at which it looks, what it looks
for, and each threshold it uses with the reason for its value. `nnfit.findings` does the looking;
the documentation's doctor reference is rendered from this table."""

from __future__ import annotations

from dataclasses import dataclass, field

SEVERITIES = ("error", "warning", "note")
STAGES = ("before", "during", "after")

# The thresholds; each one's reason is beside its code in CHECKS.
UNSCALED_MAX = 10.0
UNSCALED_MIN_STD = 0.01
STARVED_FRACTION = 0.01
STARVED_EARLY = 0.10
FLAT_CHECKS = 3
FLAT_TOL = 1e-6
SOLVED = 1e-5
DIVERGED_FACTOR = 1e4
DEAD_SHARE = 0.5
DEAD_SAMPLE = 2048
DEAD_HARMLESS = 1e-3
CONSTANT_SPREAD = 0.05
UNDERFIT_RRMSE = 0.05
UNDERFIT_GAP = 1.5
OVERFIT_RATIO = 2.0
OVERFIT_FLOOR = 0.01
EXTRAPOLATION_RATIO = 10.0
FEW_ROWS_PER_INPUT = 100
LR_FACTOR = 30.0
LR_POOR = 0.3
LR_SETTLE = 4
# The starting rate each optimizer trains well with on standardised data, from which a rate is
# judged too high or too low (L-BFGS searches its own step). Adam and its kin: nnfit's default.
# RMSprop and plain SGD, measured on sin(x)*y, x**2 and exp(-x**2)*cos(3*x) in 4000 steps: RMSprop
# reached 0.015, 0.0019, 0.0030 at 1e-2 (worse at 1e-3); SGD 0.14, 0.013, 0.059 at 1e-2, and diverged
# on x**2 at 0.1.
USUAL_LR = {"adam": 1e-2, "adamw": 1e-2, "nadam": 1e-2, "rmsprop": 1e-2, "sgd": 1e-2}


@dataclass(frozen=True)
class Check:
    """One of the doctor's codes: when it looks, what it looks for, and each threshold it uses
    (the name of a constant of this module -> why it has its value)."""

    code: str
    stages: tuple[str, ...]
    looks_for: str
    thresholds: dict[str, str] = field(default_factory=dict)


# The doctor's table, in the order findings of one stage and severity are listed.
CHECKS = (
    Check("target-undefined", ("before",), "a target that is NaN or inf at sampled points: the domain is too wide"),
    Check(
        "bounded-output",
        ("before",),
        "an output activation that cannot reach the targets: softmax over one output is always 1; "
        "sigmoid, tanh and relu cap the range",
    ),
    Check(
        "unscaled-inputs",
        ("before",),
        "inputs far from order 1 while input scaling is off",
        {
            "UNSCALED_MAX": "|values| beyond 10 put tanh/sigmoid units in saturation and blow up first-step gradients",
            "UNSCALED_MIN_STD": "a spread below 1 % of a unit leaves the first layer's inputs nearly constant",
        },
    ),
    Check(
        "unscaled-outputs",
        ("before",),
        "outputs far from order 1 while output scaling is off",
        {"UNSCALED_MAX": "a network initialised for outputs of order 1 needs many steps to reach large ones"},
    ),
    Check(
        "lr-starved",
        ("before", "during"),
        "a learning-rate schedule that decays to almost nothing early in the run",
        {
            "STARVED_FRACTION": "a learning rate under 1 % of its start barely moves the weights any more",
            "STARVED_EARLY": "reaching it within the first 10 % of the run wastes the rest of the run",
        },
    ),
    Check("repeated-batch", ("before",), "the same batch at every step: the network sees a fraction of the data"),
    Check(
        "few-samples",
        ("before",),
        "fewer training rows than the inputs need and fewer training values than the network has "
        "parameters: it can pass through every row and still be wrong between them",
        {
            "FEW_ROWS_PER_INPUT": "training rows per input below which the space between rows is unknown to the "
            "network: a 64-64 network on a smooth 7-input sum reached test rRMSE 0.14 from 240 rows, "
            "0.063 from 800 and 0.015 from 8000, overfitting below 2400; on a 2-input product, 0.03 from 240 rows",
        },
    ),
    Check(
        "flat-loss",
        ("during",),
        "a loss that does not move: a zero gradient, or no change over several checks",
        {
            "FLAT_CHECKS": "validation checks over which the loss is compared",
            "FLAT_TOL": "relative change: float32 round-off is ~1e-7, any real learning is far above",
            "SOLVED": "a zero gradient at this validation rRMSE or below is a solution, not a stall",
        },
    ),
    Check(
        "lr-too-high",
        ("during",),
        "a learning rate far above its optimizer's usual one, with a fit still poor after the first "
        "checks: the steps overshoot without diverging, and the network settles near a constant",
        {
            "LR_FACTOR": "30x the usual rate: Adam at 0.3 on sin(x)*y still reached 0.023 in 4000 steps, at 1 "
            "it stalled at 0.33 and at 5 it ended at 17.6, worse than predicting the mean",
            "LR_POOR": "a validation rRMSE still above 0.3 after the first checks is a fit that has not begun",
            "LR_SETTLE": "validation checks (250 steps each by default) allowed before the fit is judged",
        },
    ),
    Check(
        "lr-too-low",
        ("during",),
        "a learning rate far below its optimizer's usual one, with a fit still poor after the first checks: "
        "the loss creeps",
        {
            "LR_FACTOR": "a 30th of the usual rate: plain SGD at 1e-6 on x**2 left the validation rRMSE at 1.06 "
            "after 1000 steps and 0.87 after 4000",
            "LR_POOR": "as for lr-too-high",
            "LR_SETTLE": "as for lr-too-high",
        },
    ),
    Check(
        "diverged",
        ("during",),
        "a loss that is NaN, inf or exploding: the learning rate is too high for the data's scale",
        {"DIVERGED_FACTOR": "a loss 10 000x its first value has exploded, not wandered"},
    ),
    Check(
        "dead-units",
        ("after",),
        "ReLU units that output zero on every training point",
        {
            "DEAD_SHARE": "half the units silent on every training point: half the width is wasted",
            "DEAD_SAMPLE": "training rows used to look for live units",
            "DEAD_HARMLESS": "a training rRMSE at or below which the live units fit: the dead ones cost width, "
            "not accuracy, and the finding is a note (abs(x - 0.3) reached 1.2e-5 with 61 % of its ReLU units dead)",
        },
    ),
    Check(
        "constant-prediction",
        ("after",),
        "predictions that barely vary while the targets do",
        {"CONSTANT_SPREAD": "predictions varying by under 5 % of the targets' spread say nothing"},
    ),
    Check(
        "underfit",
        ("after",),
        "a validation error that is high and close to the training error: the model is the limit",
        {
            "UNDERFIT_RRMSE": "a validation error above 5 % of the targets' spread is poor for a known function",
            "UNDERFIT_GAP": "within 1.5x of the training error: the model, not the data, is the limit",
        },
    ),
    Check(
        "overfit",
        ("after",),
        "a validation error well above the training error",
        {
            "OVERFIT_RATIO": "validation error more than twice the training error",
            "OVERFIT_FLOOR": "and itself above 1 % of the spread; below that the gap does not matter",
        },
    ),
    Check(
        "extrapolation",
        ("before", "after"),
        "query points outside the training domain, or errors on the extrapolation shells far above those inside",
        {"EXTRAPOLATION_RATIO": "a shell error 10x the in-domain error: the fit must not be trusted there"},
    ),
)
CODES = tuple(check.code for check in CHECKS)
