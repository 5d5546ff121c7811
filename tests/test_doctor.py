"""The doctor: each pitfall is named by its code with the fix, and clean recipes raise no alarm."""

import json
import re
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import nnfit
from nnfit.codes import CODES
from nnfit.config import read_config, split_settings
from nnfit.findings import Finding, ordered
from nnfit.params import shown

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
    "repeated-batch": dict(target="sin(x)", domain="x=0:6", repeat_batch=True, batch_size=32, steps=500, **SMALL),
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
        target="x**2",
        domain="x=0:10",
        optimizer="sgd",
        lr=10,
        input_scaling="none",
        output_scaling="none",
        steps=500,
        early_stopping=False,
        **SMALL,
    ),
    "dead-units": dict(
        target="sin(x)",
        domain="x=0:6",
        activation="relu",
        lr=0.1,
        schedule="constant",
        steps=1000,
        early_stopping=False,
        **SMALL,
    ),
    "constant-prediction": dict(
        target="1000*x + 500", domain="x=0:1", output_scaling="none", output_activation="sigmoid", steps=500, **SMALL
    ),
    "underfit": dict(target="sin(10*x)", domain="x=0:6", hidden=(2,), steps=500, **SMALL),
    "overfit": {
        "target": "sin(3*x)*cos(5*y)",
        "domain": "x=-1:1, y=-1:1",
        "samples": 60,
        "hidden": (256, 256),
        "steps": 5000,
        "early_stopping": False,
    },
    "extrapolation": dict(target="x**2", domain="x=0:1", query="0.5; 3", steps=500, **SMALL),
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
    "seed 001 task": {"target": "x^2 + 2*y", "domain": "x=0:100, y=0:999:int", "samples": 80_000},
    "linear model (seed 002 task)": {
        "target": "x3 - x2",
        "inputs": ["x0", "x1", "x2", "x3"],
        "domain": "x0=0:1, x1=0:1, x2=0:1, x3=0:1",
        "model": "linear",
        "samples": 300_000,
    },
}
CLEAN_EXAMPLES = ["seed000-fixed", "seed001-default", "seed002-fixed"]


def codes(findings: list[Finding]) -> list[str]:
    return [f.code for f in findings]


@pytest.mark.parametrize("name", SEEDS)
def test_each_seed_gets_its_cause_first_with_the_fix(name):
    code, fix = SEEDS[name]
    first = nnfit.fit(**example(name)).findings[0]
    assert (first.code, first.severity) == (code, first.severity)
    assert fix in first.fix


def asked(fix: str) -> list[tuple[str, str]]:
    """The settings a fix names, (field, value as typed), leaving out the "5" of "--lr 5 → 0.01"."""
    return [
        (flag.replace("-", "_"), value)
        for flag, value in re.findall(r"--([a-z-]+)(?: ([-\w.,]+))?", re.sub(r"(--[a-z-]+) \S+ → ", r"\1 ", fix))
    ]


@pytest.mark.parametrize("code", CORPUS)
def test_each_pitfall_is_caught_by_its_code_with_a_fix_that_changes_something(code):
    result = nnfit.fit(**CORPUS[code])
    assert code in codes(result.findings)
    for finding in result.findings:
        for field, value in asked(finding.fix):
            if hasattr(result.recipe, field):  # a value the recipe already has is no fix
                current = getattr(result.recipe, field)
                assert (current is not True) if not value else shown(current) != value, (finding.code, finding.fix)


@pytest.mark.parametrize(
    "settings, fix",
    [
        ({"target": "sin(x)*y", "domain": "x=0:6, y=-1:1", "lr": 5}, "--lr 5 → 0.01"),
        ({"target": "x**2 + x", "domain": "x=0:1", "optimizer": "sgd", "lr": 1e-6}, "--lr 1e-06 → 0.01"),
        ({"target": "exp(-x**2)*cos(3*x)", "domain": "x=-3:3", "optimizer": "rmsprop", "lr": 3}, "--lr 3 → 0.01"),
    ],
)
def test_a_learning_rate_far_from_its_optimizers_usual_one_is_named_with_the_usual_one(settings, fix):
    # measured: adam at 5 ends at rRMSE 17.6 or collapses to the mean, SGD at 1e-6 at 0.87 after 4000 steps
    diagnosis = [f for f in nnfit.doctor(**settings) if f.code.startswith("lr-too")]
    assert [f.fix for f in diagnosis] == [fix]
    first = nnfit.fit(**settings, steps=1500, **SMALL).findings[0]
    assert (first.code, first.fix) == (diagnosis[0].code, fix)


@pytest.mark.parametrize("lr", [1e-3, 1e-2, 0.1])
def test_a_learning_rate_within_reach_of_the_usual_one_is_not_blamed(lr):
    assert not [f for f in nnfit.doctor("sin(x)*y", domain="x=0:6, y=-1:1", lr=lr) if f.code.startswith("lr-too")]


def test_undefined_target_is_a_finding():
    findings = nnfit.doctor("log(x)", domain="x=-1:1")
    assert codes(findings) == ["target-undefined"]
    assert "NaN or inf at 4990 of 10000 sampled points (49.9 %), where x in [-0.9998, -5.435e-05]" in findings[0].seen


def test_every_code_has_a_case():
    covered = set(CORPUS) | {code for code, _ in SEEDS.values()} | {"target-undefined"}
    assert covered == set(CODES)


def alarms(findings):
    return [str(f) for f in findings if f.severity != "note"]


@pytest.mark.parametrize("name", CLEAN)
def test_default_recipe_raises_no_alarm(name):
    assert alarms(nnfit.fit(**CLEAN[name]).findings) == []


@pytest.mark.parametrize("name", CLEAN_EXAMPLES)
def test_fixed_seed_recipes_raise_no_alarm(name):
    assert alarms(nnfit.fit(**example(name)).findings) == []


def test_data_file_raises_no_alarm(tmp_path):
    rng = np.random.default_rng(0)
    a, b = rng.uniform(-1, 1, 4000), rng.uniform(0, 2, 4000)
    pd.DataFrame({"a": a, "b": b, "y": np.sin(2 * a) * b}).to_csv(tmp_path / "d.csv", index=False)
    assert alarms(nnfit.fit(str(tmp_path / "d.csv")).findings) == []


def test_few_samples_are_named_before_training_with_the_default_count():
    # the case: 20 samples of a 6-input formula for a network of 4,673 parameters
    first = nnfit.doctor(**CORPUS["few-samples"])[0]
    assert (first.code, first.severity, first.stage) == ("few-samples", "warning", "before")
    assert first.seen == "16 training rows for 6 inputs and 4673 parameters"
    assert first.fix == "--samples 30000 (the default for 6 inputs) or a smaller --hidden (32,32)"


@pytest.mark.parametrize("auto, severity", [(True, "note"), (False, "warning")])
def test_few_rows_of_measured_data_are_a_note_where_the_automatic_recipe_guards_against_them(tmp_path, auto, severity):
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, (300, 10))
    frame = pd.DataFrame(X, columns=[f"x{i}" for i in range(10)]).assign(y=X.sum(axis=1) + rng.normal(0, 0.3, 300))
    frame.to_csv(tmp_path / "d.csv", index=False)
    found = [f for f in nnfit.doctor(str(tmp_path / "d.csv"), auto=auto) if f.code == "few-samples"]
    assert [f.severity for f in found] == [severity] and found[0].fix == "more rows, or a smaller --hidden (32,32)"


@pytest.mark.parametrize(
    "settings, step_fraction",
    [
        ({"schedule": "inverse-time", "decay": 0.1, "steps": 300_000}, 0.0034),
        ({"schedule": "exponential", "decay_rate": 0.1, "decay_steps": 100, "steps": 10_000}, 0.02),
    ],
)
def test_lr_starved_says_when(settings, step_fraction):
    finding = nnfit.doctor("x", domain="x=0:1", probe_seconds=0.5, **settings)[0]
    assert finding.code == "lr-starved"
    assert f"({100 * step_fraction:.2g} % of the run)" in finding.seen


@pytest.mark.parametrize(
    "settings",
    [
        {"schedule": "cosine"},
        {"schedule": "one-cycle"},
        {"schedule": "constant"},
        {"schedule": "inverse-time", "decay": 1e-4},
    ],
)
def test_schedules_that_do_not_starve(settings):
    assert "lr-starved" not in codes(nnfit.doctor("x", domain="x=0:1", probe_seconds=0.5, steps=20_000, **settings))


def test_plateau_cuts_that_starve_training_are_seen_during_it():
    # a plateau check every 10 steps on a target learnt at once: the rate is halved again and again
    result = nnfit.fit(
        "x",
        domain="x=0:1",
        model="mlp",
        schedule="plateau",
        decay_rate=0.1,
        decay_steps=10,
        steps=20_000,
        eval_every=100,
        early_stopping=False,
        **SMALL,
    )
    starved = [f for f in result.findings if f.code == "lr-starved"]
    assert starved and starved[0].stage == "during" and starved[0].step <= 2000


def test_findings_are_ordered_stage_then_severity():
    made = [
        Finding("underfit", "warning", "", "", "after"),
        Finding("flat-loss", "error", "", "", "during", 3),
        Finding("repeated-batch", "warning", "", "", "before"),
        Finding("bounded-output", "error", "", "", "before"),
    ]
    assert codes(ordered(made)) == ["bounded-output", "repeated-batch", "flat-loss", "underfit"]


def test_an_error_during_training_stops_it_unless_told_not_to():
    stopped = nnfit.fit(**CORPUS["diverged"])
    assert stopped.info["stop_reason"] == "doctor: diverged at step 250"
    kept = nnfit.fit(**{**CORPUS["diverged"], "stop_on_error": False})
    assert kept.info["steps"] == 500


def test_findings_are_saved_and_loaded(tmp_path):
    result = nnfit.fit(**CORPUS["repeated-batch"])
    loaded = nnfit.load(result.save(tmp_path / "run"))
    assert loaded.findings == result.findings


def test_doctor_command_prints_the_softmax_finding_first(cli):
    start = time.perf_counter()
    outcome = cli("doctor", str(EXAMPLES / "seed000-softmax.yaml"))
    assert time.perf_counter() - start < 10
    assert outcome.code == 0, outcome.err
    lines = outcome.out.splitlines()
    assert lines[lines.index("findings:") + 1].startswith("  error bounded-output: softmax over 1 output is always 1.0")
    report = json.loads(cli("doctor", str(EXAMPLES / "seed000-softmax.yaml"), "--json").out)
    assert report[0]["code"] == "bounded-output" and report[0]["fix"] == "--output-activation none"


def test_fit_summary_lists_findings_or_says_none(cli):
    clean = cli("fit", "x", "--domain", "x=0:1", "--samples", "500", "--steps", "300", "--quiet", "--model", "mlp")
    assert "findings: none" in clean.out or "note extrapolation" in clean.out
    broken = cli(
        "fit",
        "x",
        "--domain",
        "x=0:1",
        "--samples",
        "500",
        "--steps",
        "300",
        "--quiet",
        "--model",
        "mlp",
        "--repeat-batch",
    )
    assert "warning repeated-batch: the same 128 samples at every one of 300 steps" in broken.out
