"""Each benchmark script runs end to end on a tiny setting (the measurements live in benchmarks/)."""

import json

import pytest
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
