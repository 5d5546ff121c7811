"""The doctor's table: every code it can report, the stages at which it looks, what it looks
for, and each threshold it uses with the reason for its value. `nnfit.checks._findings` does the looking;
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
UNDERCOVERAGE = 0.1
USUAL_COVERAGES = (0.99, 0.95, 0.9, 0.8, 0.5)  # offered, highest first, where too few rows give the one asked
FEW_ROWS_PER_INPUT = 100
LR_FACTOR = 30.0
LR_POOR = 0.3
LR_SETTLE = 4
POWER_GAIN = 3.0
POWER_POOR = 1e-3
POWER_LINE = 0.01
POWER_ROWS = 100_000
OSC_TURNS = 6
OSC_POOR = 0.01
OSC_LINES = 16
OSC_POINTS = 1024
OSC_ROWS_PER_PERIOD = 20
NOISE_SHARE = 0.1
NOISE_NEAR = 1.5
NOISE_NEIGHBOURS = 10
NOISE_ROWS = 5000
# The starting rate each optimizer trains well with on standardised data, from which a rate is
# judged too high or too low (L-BFGS searches its own step). Adam and its kin: nnfit's default.
# RMSprop and plain SGD, measured on sin(x)*y, x**2 and exp(-x**2)*cos(3*x) in 4000 steps: RMSprop
# reached 0.015, 0.0019, 0.0030 at 1e-2 (worse at 1e-3); SGD 0.14, 0.013, 0.059 at 1e-2, and diverged
# on x**2 at 0.1.
USUAL_LR = {"adam": 1e-2, "adamw": 1e-2, "nadam": 1e-2, "rmsprop": 1e-2, "sgd": 1e-2}
SHORT_RUN = 10


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
        "power-law",
        ("after",),
        "positive (or negative) inputs and outputs where a straight line in log-log coordinates fits "
        "far better than the fit: a product of powers, fitted in coordinates where it bends",
        {
            "POWER_GAIN": "the line 3x better than the fit and than a line in the data's own coordinates: "
            "n*p**2*E/(3*k*T) on 1:5 ranges reached 1.9e-2 with standard scaling and 1.6e-3 with a network "
            "in log-log coordinates",
            "POWER_POOR": "a fit above 1e-3 validation rRMSE; below it the coordinates matter little",
            "POWER_LINE": "the line itself within 1 % of the spread: a product of powers, not merely a rising "
            "curve (x**2 + x on 1:1000 is 1.4 % from its line, on 1:10 4.4 %)",
            "POWER_ROWS": "training rows the line is solved on: a least-squares solve stays under 0.1 s",
        },
    ),
    Check(
        "oscillation",
        ("after",),
        "a known target that turns many times along an input, fitted poorly: smooth units need many "
        "per period, and the rows may be too few per period",
        {
            "OSC_TURNS": "turns (changes of direction) along one input, the median over lines across the "
            "domain: 6 is three periods; of the 55 textbook formulas only the oscillating ones reach it "
            "(double slit 9, a damped 1-D oscillation 9, sin(x*y)**2 on 0:6 15)",
            "OSC_POOR": "a validation rRMSE above 1 %: an oscillation fitted that poorly is under-resolved; "
            "above UNDERFIT_RRMSE it is a warning, else a note",
            "OSC_LINES": "lines per input the turns are counted on",
            "OSC_POINTS": "points per line: 500 per period for 1 turn, enough for any formula's fastest wiggle",
            "OSC_ROWS_PER_PERIOD": "training rows per period along an input (were they on a grid) below which "
            "more samples are proposed: in 3000-step probes a third layer took sin(3*x)*cos(3*y) on 0:6 from "
            "0.20 to 0.049 and four times the steps sin(10*x) from 0.60 to 0.063, while sin units did not "
            "help and 4x the samples helped neither at 12 rows per period or more",
        },
    ),
    Check(
        "underfit",
        ("after",),
        "a validation error that is high and close to the training error: the model is the limit",
        {
            "UNDERFIT_RRMSE": "a validation error above 5 % of the targets' spread is poor for a known function",
            "UNDERFIT_GAP": "within 1.5x of the training error: the model, not the data, is the limit",
            "SHORT_RUN": "a run 10x shorter than the usual 20 000 steps or more gets the usual, as its first fix: "
            "doubling seed 000's 50 steps a click at a time takes nine clicks, and its fit went from 0.15 to "
            "1.5e-3 at 20 000 steps, where 90-90 units made it 0.19",
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
        "noisy-data",
        ("after",),
        "measured targets whose noise, estimated from nearest rows, is close to the fit's validation "
        "error: the data, not the recipe, bound the accuracy (a note; overfit names the noise too)",
        {
            "NOISE_SHARE": "noise of at least 10 % of the targets' spread (R² at most 0.99 for any model)",
            "NOISE_NEAR": "a validation error within 1.5x of the noise, and a training error not below "
            "it by as much: the fit is at the floor the noise sets",
            "NOISE_NEIGHBOURS": "nearest rows used by the Gamma test: with sin(x) plus noise 0.38 of the spread it "
            "estimated 0.39 from 300, 1000 and 4000 rows; in 10 dimensions it errs, both ways",
            "NOISE_ROWS": "rows the estimate reads: a k-d tree query on them takes under a second",
        },
    ),
    Check(
        "extrapolation",
        ("before", "after"),
        "query points outside the training domain, or errors on the extrapolation shells far above those inside",
        {"EXTRAPOLATION_RATIO": "a shell error 10x the in-domain error: the fit must not be trusted there"},
    ),
    Check(
        "intervals",
        ("after",),
        "prediction intervals that could not be calibrated (too few held-out rows for the coverage), or that "
        "held far fewer of a set's points than the coverage asked",
        {
            "UNDERCOVERAGE": "10 points below the asked coverage (80 % of a set's points for 90 %): well past "
            "the 1-2 points a calibrated set of 500 points or more strays by chance"
        },
    ),
)
CODES = tuple(check.code for check in CHECKS)
