"""The doctor's test corpus: the seeds' broken recipes, one broken recipe per code, a second corpus
of pitfalls, and clean recipes that must raise no alarm; `tests/doctor_table.py` prints its record."""

from pathlib import Path

from nnfit.checks import Finding
from nnfit.config import read_config, split_settings

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


SMALL = {"samples": 2000}


def example(name: str) -> dict:
    task, recipe = split_settings(read_config(EXAMPLES / f"{name}.yaml"))
    return {"task": task, "recipe": recipe}


# The seeds' broken recipes: the cause must be the first finding.
SEEDS = {
    "seed000-softmax": ("bounded-output", "--output-activation none"),
    "seed001-model1": ("unscaled-inputs", "--input-scaling standard"),
    "seed001-model2": ("unscaled-inputs", "--input-scaling standard"),
    "seed002-decay": ("lr-starved", "--schedule cosine"),
}


# One broken recipe per remaining code: the code must be among the findings.
CORPUS = {
    "bounded-output": dict(target="x**2", domain="x=0:1", output_activation="sigmoid", steps=500, **SMALL),
    "unscaled-outputs": dict(target="1000*x + 500", domain="x=0:1", output_scaling="none", steps=500, **SMALL),
    "repeated-batch": dict(
        target="sin(x)*cos(2*y)", domain="x=0:6, y=-1:1", repeat_batch=True, batch_size=16, steps=1000, **SMALL
    ),
    "flat-loss": dict(
        target="sin(x)", domain="x=0:6", lr=1e-10, schedule="constant", steps=1000, early_stopping=False, **SMALL
    ),
    "lr-too-high": dict(target="sin(x)*y", domain="x=0:6, y=-1:1", lr=5, steps=1500, **SMALL),
    "lr-too-low": dict(target="sin(x)", domain="x=0:6", optimizer="sgd", lr=1e-6, steps=1500, **SMALL),
    "few-samples": {
        "target": "a + 2*b - c*d + g**2 - sqrt(f)",
        "domain": "a=0:1, b=0:1, c=0:1, d=0:1, g=0:1, f=0:1",
        "samples": 20,
        "steps": 500,
    },
    "diverged": dict(
        target="x**2", domain="x=0:10", auto=False, optimizer="sgd", lr=10, steps=500, early_stopping=False, **SMALL
    ),
    "dead-units": dict(
        target="sin(2*x)*cos(2*y)",
        domain="x=0:6, y=0:3",
        activation="relu",
        lr=0.1,
        schedule="constant",
        steps=3000,
        early_stopping=False,
        **SMALL,
    ),
    "constant-prediction": dict(
        target="1000*x + 500", domain="x=0:1", output_scaling="none", output_activation="sigmoid", steps=500, **SMALL
    ),
    "underfit": dict(target="x*y + sin(2*x)", domain="x=-2:2, y=-2:2", hidden=(3,), steps=2000, **SMALL),
    "overfit": {
        "target": "sin(3*x)*cos(5*y)",
        "domain": "x=-1:1, y=-1:1",
        "samples": 60,
        "hidden": (256, 256),
        "steps": 5000,
        "early_stopping": False,
        "auto": False,  # the probes would draw as many rows again where they erred, curing the overfit
    },
    "power-law": {"target": "m1*m2/r**2", "domain": "m1=1:10, m2=1:10, r=1:10", "auto": False, "steps": 2000},
    "oscillation": {"target": "sin(8*x)", "domain": "x=0:6", "auto": False, "steps": 3000},
    "noisy-data": {"target": str(EXAMPLES / "noisy-sine.csv")},
    "extrapolation": dict(target="x**2", domain="x=0:1", query="0.5; 3", steps=500, **SMALL),
    # 450 training and validation rows: their errors out of fold cannot calibrate a 99.9 % interval (it needs 999)
    "intervals": {"target": str(EXAMPLES / "measurements.csv"), "coverage": 0.999, "steps": 500},
}


# A second corpus: broken recipes the codes were not tuned on, varying the target, the ranges and
# the optimizer. Name -> (the cause, which must be the first finding; the recipe).
SECOND = {
    "tanh output on targets beyond 1": (
        "bounded-output",
        {
            "target": "3*x**2 - 1",
            "domain": "x=-1:1",
            "output_activation": "tanh",
            "output_scaling": "none",
            "steps": 1000,
            **SMALL,
        },
    ),
    "inputs of 1e6 plus or minus 0.5": (
        "unscaled-inputs",
        {
            "target": "sin(3*(x - 1e6))",
            "domain": "x=999999.5:1000000.5",
            "input_scaling": "none",
            "auto": False,
            "steps": 1000,
            **SMALL,
        },
    ),
    "outputs up to 100 000": (
        "unscaled-outputs",
        {"target": "1e5*exp(-x)", "domain": "x=0:3", "output_scaling": "none", "auto": False, "steps": 1000, **SMALL},
    ),
    "exponential decay of 0.1 every 100 steps": (
        "lr-starved",
        {
            "target": "x*y",
            "domain": "x=-1:1, y=-1:1",
            "schedule": "exponential",
            "decay_rate": 0.1,
            "decay_steps": 100,
            "steps": 3000,
            **SMALL,
        },
    ),
    "one batch of 8 rows in 3 inputs": (
        "repeated-batch",
        {
            "target": "x + y*z",
            "domain": "x=0:1, y=0:1, z=0:1",
            "repeat_batch": True,
            "batch_size": 8,
            "steps": 1000,
            **SMALL,
        },
    ),
    "50 samples of a 4-input formula": (
        "few-samples",
        {"target": "a*b + c - d**2", "domain": "a=0:1, b=0:1, c=0:1, d=0:1", "samples": 50, "steps": 1000},
    ),
    "rmsprop at 3": (
        "lr-too-high",
        {"target": "exp(-x**2)*cos(3*x)", "domain": "x=-3:3", "optimizer": "rmsprop", "lr": 3, "steps": 1500, **SMALL},
    ),
    "adam at 1e-6": ("lr-too-low", {"target": "x**3 - x", "domain": "x=-2:2", "lr": 1e-6, "steps": 1500, **SMALL}),
    "sgd at 50 on scaled data": (
        "diverged",
        {
            "target": "sin(x) + y",
            "domain": "x=0:6, y=0:1",
            "auto": False,
            "optimizer": "sgd",
            "lr": 50,
            "steps": 1000,
            "early_stopping": False,
            **SMALL,
        },
    ),
    "3 units for a 3-input target": (
        "underfit",
        {
            "target": "sin(2*x)*y + z**2",
            "domain": "x=-2:2, y=-1:1, z=-1:1",
            "hidden": (3,),
            "auto": False,
            "steps": 3000,
            **SMALL,
        },
    ),
    "a power law with standard scaling": (
        "power-law",
        {"target": "n*p**2*E/(3*k*T)", "domain": "n=1:5, p=1:5, E=1:5, k=1:5, T=1:5", "auto": False, "steps": 2000},
    ),
    "a damped oscillation of 8 periods": (
        "oscillation",
        {"target": "exp(-t/5)*cos(6*t)", "domain": "t=0:8", "auto": False, "steps": 3000},
    ),
}


# The default recipe on many targets, and the seeds' fixed recipes: nothing above a note.
CLEAN = {
    "x**2 + x (seed 000 task)": {"target": "x**2 + x", "domain": "x=1:1000"},
    "sin(x)": {"target": "sin(x)", "domain": "x=0:6.28"},
    "gaussian wave": {"target": "exp(-x**2)*cos(3*x)", "domain": "x=-3:3"},
    "kink": {"target": "abs(x - 0.3)", "domain": "x=-1:1"},
    "2-D tanh": {"target": "tanh(3*x) + y", "domain": "x=-1:1, y=0:2"},
    "3-D": {"target": "x*y + sin(z)", "domain": "x=-1:1, y=-1:1, z=0:3"},
    "6-D": {"target": "a + 2*b - c*d + g**2 - sqrt(f)", "domain": "a=0:1, b=0:1, c=0:1, d=0:1, g=0:1, f=0:1"},
    "integer input": {"target": "n**2 + x", "domain": "n=0:20:int, x=0:1"},
    "two outputs": {"target": "u = x*y; v = x - y", "domain": "x=0:3, y=-1:1"},
    "linear model (seed 002 task)": {
        "target": "x3 - x2",
        "inputs": ["x0", "x1", "x2", "x3"],
        "domain": "x0=0:1, x1=0:1, x2=0:1, x3=0:1",
        "model": "linear",
        "samples": 300_000,
    },
}


# seed001-default is seed 001's task with the default recipe: the clean fit of that task
CLEAN_EXAMPLES = ["seed000-fixed", "seed001-default", "seed002-fixed"]


def codes(findings: list[Finding]) -> list[str]:
    return [f.code for f in findings]


def alarms(findings):
    return [str(f) for f in findings if f.severity != "note"]
