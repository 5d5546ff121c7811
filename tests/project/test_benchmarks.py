"""Each benchmark script runs end to end on a tiny setting (the measurements live in benchmarks/)."""

import json

import pytest
import sympy
from benchmark_scripts import script


@pytest.mark.parametrize(
    "name, args, keys",
    [
        (
            "loop_overhead",
            ["--steps", "100", "--repeats", "1", "--batch", "32"],
            {"us_per_step", "nnfit_over_bare_jax"},
        ),
        (
            "predict_throughput",
            ["--points", "1000", "--repeats", "1", "--members", "1,2", "--steps", "100", "--samples", "500"],
            {"predict_points_per_s", "ensemble_relative_to_one"},
        ),
        ("time_to_accuracy", ["--tasks", "seed002", "--budget", "0.5", "--repeats", "1"], {"tasks", "budget_s"}),
        ("checkpoint_cost", ["--every", "0.01", "--steps", "500", "--repeats", "1"], {"writing_share", "slowdown"}),
        ("formula_suite", ["--only", "ideal-gas", "--fixed"], {"formulas", "summary"}),
        ("data_suite", ["--only", "iris petal width"], {"iris petal width"}),
        ("intervals", ["--only", "spring-energy", "--skip-data"], {"formulas", "data", "summary"}),
        ("scaling", ["--samples", "1000", "--steps", "300", "--inputs"], {"samples", "inputs"}),
        ("playground_stream", ["--repeats", "1", "--steps", "200"], {"cases", "default_first_update_s"}),
        (
            "discovery_suite",
            ["--rows", "500", "--seeds", "1", "--only", "x**2 + x", "Abs(x - 0.3)"],
            {"laws", "summary"},
        ),
        ("feynman_suite", ["--rows", "500", "--noise", "0", "--only", "I.12.1", "I.18.12"], {"problems", "summary"}),
        (
            "command_time",
            ["--repeats", "1", "--steps", "3000", "--samples", "2000", "--budget", "1s"],
            {"cold: first output (s)", "warm: probes (s)", "--budget 1s: whole command (s), best"},
        ),
        (
            "sweep",
            ["--repeats", "1", "--trials", "2", "--small", "2", "--budget", "0.3"],
            {"trials per minute, 2 worker(s)", "overhead per trial, journal file (s)", "sweep best test rRMSE"},
        ),
    ],
)
def test_benchmark_runs_on_a_tiny_setting(tmp_path, name, args, keys):
    result = script(name).main([*args, "--out", str(tmp_path)])
    assert keys <= set(result)
    assert json.loads((tmp_path / f"{name}.json").read_text()).keys() == result.keys()
    assert (tmp_path / f"{name}.md").read_text().strip()


@pytest.mark.parametrize(
    ("name", "claim", "noisy", "verdict"),
    [
        ("I.27.6", "1/(n/d2 + 1/d1)", False, "found"),  # the law, up to round-off
        ("I.27.6", "1/(0.9996*n/d2 + 1.0006/d1)", True, "found"),  # its form, each constant within 1 %
        ("I.27.6", "1/(0.97*n/d2 + 1.0006/d1)", True, "wrong"),  # a constant 3 % off
        ("I.27.6", "1/(0.9996*n/d2 + 1.0006/d1)", False, "wrong"),  # noiseless, only round-off will do
        ("II.24.17", "sqrt(-9.8735/d**2 + 1.0001*omega**2/c**2)", True, "found"),  # pi**2 as 9.8735
        ("I.14.3", "g*m*z + 0.001", True, "wrong"),  # a term the law has not
        ("I.14.3", None, True, "none"),
    ],
)
def test_the_feynman_suite_judges_by_srbenchs_rule(name, claim, noisy, verdict):
    suite = script("feynman_suite")
    law, ranges = suite.equations()[name]
    _, symbols = suite.law_of(law, ranges)
    found = None if claim is None else sympy.sympify(claim, locals={s.name: s for s in symbols})
    assert suite.judge(found, law, ranges, noisy) == verdict


def test_the_feynman_table_holds_the_100_equations_with_their_ranges():
    table = script("feynman_suite").equations()
    assert len(table) == 100 and table["I.8.14"] == (
        "sqrt((x2-x1)**2+(y2-y1)**2)",
        dict.fromkeys(("x1", "x2", "y1", "y2"), (1.0, 5.0)),
    )
