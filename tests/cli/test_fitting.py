"""nnfit fit, doctor, compare, report, predict, runs and export, as a user types them: what each prints and writes."""

import importlib.util
import json
import re
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from benchmark_scripts import script
from doctor_corpus import EXAMPLES

import nnfit


def test_doctor_command_prints_the_softmax_finding_first(cli):
    start = time.perf_counter()
    outcome = cli("doctor", str(EXAMPLES / "seed000-softmax.yaml"))
    assert time.perf_counter() - start < 10
    assert outcome.code == 0, outcome.err
    lines = outcome.out.splitlines()
    assert lines[lines.index("findings:") + 1].startswith("  error bounded-output: softmax over 1 output is always 1.0")
    report = json.loads(cli("doctor", str(EXAMPLES / "seed000-softmax.yaml"), "--json").out)
    assert report[0]["code"] == "bounded-output" and report[0]["fix"] == "--output-activation none"


def test_doctor_command_tries_the_fixes_and_prints_their_gains(cli):
    outcome = cli("doctor", "sin(x)*y", "--domain", "x=0:6, y=-1:1", "--lr", "5", "--try-fixes", "--json")
    assert outcome.code == 0, outcome.err
    (trial,) = [t for f in json.loads(outcome.out) if f["code"] == "lr-too-high" for t in f["trials"]]
    assert trial["change"] == {"lr": 0.01} and trial["after"] < trial["before"] / 10  # measured: 17.8 -> 0.0099
    printed = cli("doctor", "sin(x)*y", "--domain", "x=0:6, y=-1:1", "--lr", "5", "--try-fixes").out
    assert re.search(r"tried --lr 0\.01: validation rRMSE [\d.]+ → [\d.]+ \(\d+x better\)", printed)


def test_fit_command_tries_the_fixes_and_keeps_their_gains_in_the_run(cli, tmp_path):
    # the same 8 rows at every step: measured 0.73 -> 0.018 with shuffled batches
    flags = ["--domain", "x=0:1, y=0:1, z=0:1", "--repeat-batch", "--batch-size", "8", "--steps", "1000"]
    outcome = cli(
        "fit", "x + y*z", *flags, "--samples", "2000", "--try-fixes", "--json", "--out", str(tmp_path / "run")
    )
    assert outcome.code == 0, outcome.err
    (finding,) = [f for f in json.loads(outcome.out)["findings"] if f["code"] == "repeated-batch"]
    (trial,) = [t for t in finding["trials"] if t["change"] == {"repeat_batch": False}]
    assert trial["after"] < trial["before"] / 10
    loaded = nnfit.load(tmp_path / "run")
    assert [list(f.trials) for f in loaded.findings if f.code == "repeated-batch"] == [finding["trials"]]
    assert "tried <code>--no-repeat-batch: validation rRMSE" in (tmp_path / "run" / "report.html").read_text()


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    result = nnfit.fit("x**2 + x", domain="x=1:1000", samples=1500, steps=600, query="20; 1500")
    return result, result.save(tmp_path_factory.mktemp("r") / "run")


def test_report_command_rebuilds_it(run, cli):
    _, path = run
    (path / "report.html").unlink()
    outcome = cli("report", str(path))
    assert outcome.code == 0 and outcome.out.strip() == f"report  {path / 'report.html'}"
    assert (path / "report.html").is_file()


@pytest.fixture(scope="module")
def small():
    return nnfit.fit("x", domain="x=0:1", samples=300, steps=50)


def test_cli_export_writes_beside_the_run_and_never_overwrites(small, cli, tmp_path):
    small.save(tmp_path / "run", report=False)
    first = cli("export", str(tmp_path / "run"), "--format", "json")
    assert first.code == 0 and first.out.strip() == f"wrote {tmp_path / 'run' / 'model.json'}"
    before = (tmp_path / "run" / "model.json").read_bytes()
    again = cli("export", str(tmp_path / "run"), "--format", "json")
    assert again.code == 2 and again.err.strip() == (
        f"nnfit: error: {tmp_path / 'run' / 'model.json'} already exists — choose another --out, or remove it first"
    )
    assert (tmp_path / "run" / "model.json").read_bytes() == before


@pytest.fixture(scope="module")
def with_law(tmp_path_factory):
    path = tmp_path_factory.mktemp("law") / "run"
    nnfit.fit("x**2 + x", domain="x=1:1000", samples=1000, steps=50, discover=True).save(path, report=False)
    return path


@pytest.mark.parametrize(("format", "file"), [("python", "law.py"), ("json", "law.json"), ("onnx", "law.onnx")])
def test_cli_exports_a_runs_law_beside_it(with_law, cli, format, file):
    outcome = cli("export", str(with_law), "--law", "--format", format)
    assert outcome.code == 0 and outcome.out.strip() == f"wrote {with_law / file}"
    law = nnfit.load(with_law).laws[0]
    x = np.array([[0.5], [3000.0]])  # far outside the domain, where only the law holds
    if format == "python":
        spec = importlib.util.spec_from_file_location("law", with_law / file)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        np.testing.assert_array_equal(module.predict(x), [0.75, 9_003_000.0])
    elif format == "json":
        assert json.loads((with_law / file).read_text())["formula"] == "x**2 + x"
    else:
        ort = pytest.importorskip("onnxruntime")
        (y,) = ort.InferenceSession(str(with_law / file)).run(None, {"X": x})
        np.testing.assert_array_equal(y[:, 0], law.predict(x))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--law", "--format", "numpy"), "a law exports as sympy, latex, python, json, onnx; got --format numpy"),
        (("--format", "latex"), "--format latex writes a law: add --law (for a run fitted with --discover)"),
    ],
)
def test_cli_law_export_names_what_is_wrong(with_law, cli, args, message):
    outcome = cli("export", str(with_law), *args)
    assert outcome.code == 2 and outcome.err == f"nnfit: error: {message}\n"


def test_cli_law_export_of_a_run_without_discover_says_how(small, cli, tmp_path):
    small.save(tmp_path / "plain", report=False)
    outcome = cli("export", str(tmp_path / "plain"), "--law", "--format", "python")
    assert outcome.code == 2
    assert outcome.err == f"nnfit: error: {tmp_path / 'plain'} holds no law: fit it with --discover to search for one\n"


QUICK = ("--samples", "500", "--steps", "200", "--quiet")


D = ("--domain", "x=0:1")


def test_runs_are_numbered(cli, tmp_path):
    for _ in range(2):
        assert cli("fit", "x", *D, *QUICK).code == 0
    assert sorted(p.name for p in (tmp_path / "nnfit-runs").iterdir()) == ["001-x", "002-x"]


def test_json_output_and_flags_override_the_config(cli, tmp_path):
    (tmp_path / "r.yaml").write_text(
        "target: x**2\ndomain: x=0:1\nmodel: mlp\nhidden: [4]\nsteps: 300\nquery: '0.5; 3'\n"
    )
    outcome = cli("fit", "--config", "r.yaml", "--steps", "100", "--samples", "300", "--json")
    assert outcome.code == 0, outcome.err
    report = json.loads(outcome.out)
    assert report["steps"] == 100 and report["n_params"] == (1 + 1) * 4 + (4 + 1) * 1
    assert set(report["evaluation"]) == {"test", "1-1.5x", "1.5-2x"}
    assert [q["inside"] for q in report["queries"]] == [True, False]
    assert report["queries"][0]["truth"] == [0.25]


def test_a_flag_replaces_its_alternative_from_the_config(cli, tmp_path):
    (tmp_path / "r.yaml").write_text("target: x\ndomain: x=0:1\nepochs: 3\nsamples: 300\n")
    assert json.loads(cli("fit", "--config", "r.yaml", "--steps", "20", "--json").out)["steps"] == 20


def test_predict_points_and_input_file(cli, tmp_path):
    assert cli("fit", "x^2 + y", "--domain", "x=0:1, y=0:1", *QUICK, "--out", "run").code == 0
    table = cli("predict", "run", "0.5,0.5; 3,0")
    assert table.code == 0, table.err
    assert "OUTSIDE" in table.out and "1 of 2 points lie outside the training domain" in table.out
    assert "90% interval" in table.out and "beyond (5×)" in table.out  # (3, 0) lies 5 half-widths out
    assert "1 of 2 points lie beyond 2× the domain's half-widths from its centre" in table.out
    pd.DataFrame({"y": [0.5, 0.1], "x": [0.5, 0.2]}).to_csv(tmp_path / "points.csv", index=False)
    rows = json.loads(cli("predict", "run", "--input", "points.csv", "--json").out)
    assert [r["point"] for r in rows] == [[0.5, 0.5], [0.2, 0.1]]
    assert rows[0]["truth"] == [0.75] and abs(rows[0]["prediction"][0] - 0.75) < 0.1
    assert rows[0]["lower"][0] < rows[0]["prediction"][0] < rows[0]["upper"][0] and rows[0]["reach"] == 0.0


def test_data_file_with_edges_holdout(cli, tmp_path):
    rng = np.random.default_rng(0)
    a, b = rng.uniform(0, 1, 2000), rng.uniform(0, 1, 2000)
    pd.DataFrame({"a": a, "b": b, "y": a + b}).to_csv(tmp_path / "d.csv", index=False)
    report = json.loads(cli("fit", "d.csv", "--holdout", "edges", "--steps", "300", "--json").out)
    assert set(report["evaluation"]) == {"test", "edges"}


def test_a_run_still_running_is_not_resumed_and_its_process_is_named(cli, tmp_path):
    run = tmp_path / "busy"
    run.mkdir()
    (run / "recipe.yaml").write_text('target: "x"\ndomain: "x=0:1"\n')
    fitting = subprocess.Popen(["sleep", "60"])  # stands for the nnfit process that fits into it
    try:
        (run / "unfinished.json").write_text(json.dumps({"pid": fitting.pid, "started": time.time()}))
        outcome = cli("fit", "--resume", str(run))
    finally:
        fitting.kill()
        fitting.wait()
    assert outcome.code == 2 and outcome.out == ""
    assert outcome.err == (
        f"nnfit: error: {run} is still running as process {fitting.pid}; stop it first "
        f"(Ctrl-C there, or kill {fitting.pid})\n"
    )


def test_a_shell_where_the_target_passes_1e200_is_measured_not_nan(cli):
    # the decay reaches 1e229 where T nears 0 two domains out, and is undefined at T = 0
    outcome = cli("fit", "N0*exp(-log(2)*t/T)", "--domain", "N0=1:10, T=1:5, t=0:10", "--steps", "300", "--no-report")
    assert outcome.code == 0, outcome.err
    shell = next(line.split() for line in outcome.out.splitlines() if " 1.5-2x " in line)
    assert "nan" not in shell and 0.5 <= float(shell[4]) <= 2  # rRMSE: about 1, a constant's


def test_a_budget_is_the_commands_clock_counted_from_its_start(cli, monkeypatch):
    # as if loading and sampling had taken 5.5 s of a 6 s budget: about 0.45 s are left to train
    monkeypatch.setattr("nnfit.cli._fitting.command_seconds", lambda: 5.5)
    outcome = cli("fit", "x**2", "--domain", "x=0:1", "--budget", "6s", "--no-report", "--json")
    assert outcome.code == 0, outcome.err
    trained = json.loads(outcome.out)["seconds"]
    # a budget counted from the fit's own start would train for about 6 s; here 0.45 s are left, and
    # the first chunk, with its compilation, is never cut (measured 1.2-1.6 s alone, 3.4 s in the suite)
    assert trained < 4.5


def test_a_fit_in_a_terminal_shows_what_it_is_doing_from_the_start(tmp_path):
    # a pseudo-terminal, as a user's: a spinner from the start, the probes as they end, then the bar
    shown = _in_a_terminal(["-m", "nnfit", "fit", "x**2 + x", "--domain", "x=1:1000"], tmp_path)
    assert shown.index("loading JAX") < shown.index("choosing the recipe") < shown.index("training")
    # four coordinate systems (standard or log inputs and output), then gelu, sin and relu units
    assert " 7 probed; " in shown and "inside  test" in shown  # and then the summary


def test_a_default_fit_raises_no_deprecation_warning(tmp_path):
    # each would be an error here: from nnfit's imports, its dependencies' as nnfit uses them, or the fit
    command = [sys.executable, "-W", "error::DeprecationWarning", "-m", "nnfit", "fit", "x**2", "--domain", "x=0:1"]
    done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, check=False)
    assert done.returncode == 0 and "Warning" not in done.stderr, done.stderr


def _in_a_terminal(args: list[str], cwd: Path) -> str:
    """What `python ARGS` writes to a terminal, with Rich's cursor movements left out."""
    done = script("command_time").terminal([sys.executable, *args], cwd)
    assert done.status == 0, done.text
    return done.text
