"""The command line's boundary: help, the version, `python -m nnfit`, and any bad input as one line and exit status 2."""

import hashlib
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from strategies import csv_files, formulas

from nnfit.data import Target
from nnfit.errors import NnfitError

QUICK = ("--samples", "500", "--steps", "200", "--quiet")


D = ("--domain", "x=0:1")


def snapshot(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def write_files(root: Path) -> None:
    """Data files for the bad-input cases, written into the working directory."""
    rows = "a,y\n" + "".join(f"{i},{2 * i}\n" for i in range(20))
    (root / "good.csv").write_text(rows)
    (root / "nan.csv").write_text(rows + "nan,3\n")
    (root / "inf.csv").write_text(rows + "inf,3\n")
    (root / "text.csv").write_text(rows + "abc,3\n")
    (root / "empty.csv").write_text("")
    (root / "fake.parquet").write_text(rows)
    (root / "notarun").mkdir()
    (root / "taken.json").write_text("{}")
    (root / "semi.csv").write_text(rows.replace(",", ";"))
    (root / "twice.csv").write_text(rows.replace("a,y", "a,a", 1))


BAD_INPUTS = {
    "incomplete formula": (["fit", "x**", *D], "cannot parse formula 'x**'"),
    "code injection": (["fit", "__import__('os').system('true')", *D], "only the listed functions"),
    "attribute": (["fit", "x.real", *D], "attribute access"),
    "lambda": (["fit", "lambda: 1", *D], "lambda is not allowed"),
    "unknown function": (["fit", "foo(x)", *D], "unknown function 'foo'"),
    "power tower": (["fit", "9**9**9", *D], "overflows float64"),
    "empty formula": (["fit", "", *D], "the formula is empty"),
    "empty range": (["fit", "x", "--domain", "x=5:5"], "domain for 'x' is empty: 5:5 — give lo < hi"),
    "inverted range": (["fit", "x", "--domain", "x=1:0"], "domain for 'x' is inverted: 1:0"),
    "range not numbers": (["fit", "x", "--domain", "x=a:b"], "'a' where a number belongs"),
    "variable without range": (["fit", "x + y", *D], "no range for 'y'"),
    "range for unused name": (["fit", "x", "--domain", "x=0:1, q=0:1"], "range for 'q', which the target does not use"),
    "no domain": (["fit", "x**2"], "no range for 'x'"),
    "zero samples": (["fit", "x", *D, "--samples", "0"], "'samples' must be > 0; got '0'"),
    "zero width": (["fit", "x", *D, "--hidden", "0"], "'hidden' must be > 0; got '0'"),
    "negative lr": (["fit", "x", *D, "--lr", "-1"], "'lr' must be > 0; got '-1'"),
    "unknown optimizer": (["fit", "x", *D, "--optimizer", "adamm"], "did you mean 'adam'"),
    "missing column": (
        ["fit", "good.csv", "--inputs", "a,zz"],
        "column 'zz' is not in good.csv; its columns are: a, y",
    ),
    "NaN in data": (["fit", "nan.csv"], "column 'a' of nan.csv has 1 NaN or inf values"),
    "inf in data": (["fit", "inf.csv"], "column 'a' of inf.csv has 1 NaN or inf values"),
    "text in data": (["fit", "text.csv"], "column 'a' of text.csv is not numeric: row 21 holds 'abc'"),
    "empty file": (["fit", "empty.csv"], "empty.csv is empty"),
    "parquet that is text": (["fit", "fake.parquet"], "fake.parquet is not a readable Parquet file"),
    "missing file": (["fit", "nothere.csv"], "data file not found: nothere.csv"),
    "undefined target": (["fit", "log(x)", "--domain", "x=-1:1"], "NaN or inf at"),
    "predict on a non-run": (["predict", "notarun", "1"], "notarun is not an nnfit run directory"),
    "predict on nothing": (["predict", "nowhere", "1"], "nowhere is not a directory"),
    "export a non-run": (["export", "notarun", "--format", "json"], "notarun is not an nnfit run directory"),
    "export unknown format": (["export", "nnfit-runs/earlier", "--format", "pickle"], "'pickle' is not one of"),
    "export to a wrong suffix": (
        ["export", "nnfit-runs/earlier", "--format", "onnx", "--out", "m.json"],
        "an onnx export is a .onnx file; got m.json",
    ),
    "export over a file": (
        ["export", "nnfit-runs/earlier", "--format", "json", "--out", "taken.json"],
        "taken.json already exists — choose another --out, or remove it first",
    ),
    "unknown config key": (["fit", "--config", "bad.yaml"], "unknown key 'hiden' — did you mean 'hidden'"),
    "existing output directory": (
        ["fit", "x", *D, "--out", "nnfit-runs/earlier"],
        "nnfit-runs/earlier already exists — choose another --out or pass --overwrite",
    ),
    "unknown flag": (["fit", "x", *D, "--hiden", "4"], "No such option '--hiden'"),
}


@pytest.mark.parametrize("args, message", list(BAD_INPUTS.values()), ids=list(BAD_INPUTS))
def test_bad_input_gets_one_line_and_exit_2(cli, tmp_path, args, message):
    write_files(tmp_path)
    (tmp_path / "bad.yaml").write_text("target: x\ndomain: x=0:1\nhiden: [4]\n")
    first = cli("fit", "x", *D, *QUICK, "--no-report", "--out", "nnfit-runs/earlier")
    assert first.code == 0, first.err
    before = snapshot(tmp_path / "nnfit-runs")
    start = time.perf_counter()
    outcome = cli(*args)
    assert time.perf_counter() - start < 1.0  # input is checked before any training
    assert outcome.code == 2
    lines = outcome.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("nnfit: error: "), outcome.err
    assert message in lines[0]
    assert "Traceback" not in outcome.err + outcome.out
    assert snapshot(tmp_path / "nnfit-runs") == before


def test_help_lists_every_recipe_flag(cli):
    out = cli("fit", "--help").out
    flags = [
        "--domain",
        "--hidden",
        "--activation",
        "--output-activation",
        "--loss",
        "--optimizer",
        "--lr",
        "--schedule",
        "--decay",
        "--batch-size",
        "--epochs",
        "--steps",
        "--budget",
        "--target",
        "--repeat-batch",
        "--ensemble",
        "--input-scaling",
        "--output-scaling",
        "--early-stopping",
        "--patience",
        "--restore-best",
        "--seed",
        "--device",
        "--dtype",
        "--samples",
        "--sampling",
        "--query",
        "--config",
        "--json",
    ]
    for flag in flags:
        assert flag in out
    assert "Examples:" in out


def test_python_dash_m_runs_the_cli(tmp_path):
    process = subprocess.run(
        [sys.executable, "-m", "nnfit", "fit", "foo(x)", "--domain", "x=0:1"],
        check=False,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert process.returncode == 2
    assert (
        process.stderr == "nnfit: error: unknown function 'foo' in 'foo(x)'; known functions: abs, acos, arccos, "
        "arcsin, arctan, asin, atan, cos, cosh, exp, ln, log, log10, log2, max, min, sign, sin, "
        "sinh, sqrt, tan, tanh\n"
    )


def test_the_command_exits_at_once_with_its_output_written(tmp_path):
    # `nnfit` ends with os._exit, skipping the interpreter's slow unloading of JAX: nothing is lost
    process = subprocess.run(
        [sys.executable, "-m", "nnfit", "fit", "2*x", "--domain", "x=0:1", "--steps", "200", "--out", "run", "--json"],
        check=False,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert process.returncode == 0, process.stderr
    assert json.loads(process.stdout)["run_dir"] == "run"
    assert {"metrics.json", "model.safetensors", "report.html", "training.png"} <= {
        p.name for p in (tmp_path / "run").iterdir()
    }
    version = subprocess.run([sys.executable, "-m", "nnfit", "--version"], check=False, capture_output=True, text=True)
    assert (version.returncode, version.stdout.split()[0]) == (0, "nnfit,")


def _one_line_or_success(outcome) -> None:
    assert "Traceback" not in outcome.err + outcome.out
    if outcome.code != 0:
        lines = outcome.err.strip().splitlines()
        assert outcome.code == 2 and len(lines) == 1 and lines[0].startswith("nnfit: error: "), outcome.err


@settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=formulas)
def test_any_formula_the_library_refuses_is_one_line_on_the_command_line(cli, text):
    try:
        Target.from_formula(text)  # those it accepts train, as the tests of the library show
    except NnfitError:
        outcome = cli("fit", text, "--domain", "x=-2:3, y=-2:3", "--quiet")
        _one_line_or_success(outcome)
        assert outcome.code == 2


@settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(content=csv_files())
def test_any_csv_file_trains_or_gets_one_line(cli, tmp_path, content):
    (tmp_path / "d.csv").write_bytes(content)
    outcome = cli("fit", "d.csv", "--steps", "20", "--quiet", "--no-report", "--overwrite", "--out", "run")
    _one_line_or_success(outcome)
