"""nnfit sweep: a sweep from the command line, its workers, and one line for bad input."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from optuna.trial import TrialState

from nnfit.sweeps import Sweep, read_plan, show

TASK = {"target": "x**2 + x", "domain": "x=1:1000", "samples": 2000}


def _numbers(result: Sweep) -> list[int]:
    return [t.number for t in result.study.get_trials(deepcopy=False)]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--storage", "redis://localhost/0"], "unknown storage scheme 'redis'"),
        (["--storage", "postgresql://me@127.0.0.1:1/sweeps"], "cannot reach the database at 127.0.0.1:1"),
        (["--space", "space.yaml"], "unknown key 'learning_rate'"),
        (["--space", "empty.yaml"], "space file empty.yaml holds no fields"),
        (["--objectives", "rrmse,speed"], "'objectives' are rrmse and seconds"),
    ],
)
def test_bad_sweep_input_is_one_line_and_exit_2(cli, tmp_path, args, message):
    (tmp_path / "space.yaml").write_text("learning_rate: {low: 1e-4, high: 1e-2}\n")
    (tmp_path / "empty.yaml").write_text("")
    started = time.perf_counter()
    outcome = cli("sweep", "x**2 + x", "--domain", "x=1:1000", *args)
    assert outcome.code == 2
    assert outcome.err.startswith("nnfit: error: ") and message in outcome.err
    assert outcome.err.count("\n") == 1
    assert time.perf_counter() - started < 10
    assert not (tmp_path / "nnfit-sweeps").exists()  # nothing half made


def test_the_command_line_runs_a_sweep_and_shows_it(cli, tmp_path):
    outcome = cli(
        "sweep", "x**2 + x", "--domain", "x=1:1000", "--trials", "2", "--steps", "600", "--samples", "2000", "-q"
    )
    assert outcome.code == 0, outcome.err
    assert "validation rRMSE" in outcome.out and "best    refit: test rRMSE" in outcome.out
    folder = next((tmp_path / "nnfit-sweeps").iterdir())
    assert folder.name == "001-x_2_x" and (folder / "sweep.html").is_file()
    shown = cli("sweep", "show", str(folder))
    assert shown.code == 0 and shown.out.count("#") == 2
    again = cli("sweep", "--resume", str(folder), "--steps", "10")
    assert again.code == 2 and "--resume goes on with the sweep's own settings" in again.err


def test_workers_on_one_machine_share_the_journal(cli, tmp_path):
    outcome = cli("sweep", *_task_flags(), "--trials", "4", "--steps", "600", "--workers", "2", "-q")
    assert outcome.code == 0, outcome.err
    result = show(next((tmp_path / "nnfit-sweeps").iterdir()))
    assert sorted(_numbers(result)) == [0, 1, 2, 3]
    assert len({tuple(sorted(t.params.items())) for t in result.study.trials}) == 4  # no two alike


def _task_flags() -> list[str]:
    return [TASK["target"], "--domain", TASK["domain"], "--samples", str(TASK["samples"])]


@pytest.mark.parametrize("workers", [1, 2])
def test_ctrl_c_stops_a_sweep_with_exit_130_and_resume_runs_the_stopped_trials_again(cli, tmp_path, workers):
    # trials long enough to be caught running (8 000 steps once ended between the check and the
    # signal); Ctrl-C reaches every process of the terminal's group
    command = [sys.executable, "-m", "nnfit", "sweep", *_task_flags(), "--trials", str(workers), "--steps", "20000"]
    command += ["--space", "space.yaml", "--workers", str(workers), "--out", "s", "-q"]
    (tmp_path / "space.yaml").write_text("hidden: ['32,32', '64,64']\nactivation: [gelu, tanh]\n")
    sweeping = subprocess.Popen(command, cwd=tmp_path, stderr=subprocess.PIPE, text=True, start_new_session=True)
    while not (tmp_path / "s" / "sweep.yaml").is_file():
        assert sweeping.poll() is None, sweeping.stderr.read() if sweeping.stderr else ""
        time.sleep(0.2)
    the_plan, deadline = read_plan(tmp_path / "s"), time.monotonic() + 120
    study, searched = the_plan.open(), len(the_plan.space.dimensions)
    while (
        sum(len(t.params) == searched for t in study.get_trials(deepcopy=False, states=(TrialState.RUNNING,))) < workers
    ):
        assert time.monotonic() < deadline and sweeping.poll() is None, "the trials did not start"
        time.sleep(0.1)
    os.killpg(sweeping.pid, signal.SIGINT)
    _, err = sweeping.communicate(timeout=60)
    assert sweeping.returncode == 130, err
    assert err.strip().splitlines()[-1] == (
        "stopped (Ctrl-C): the trials running then run again with nnfit sweep --resume s"
    )
    stopped = study.get_trials(deepcopy=False, states=(TrialState.FAIL,))
    states = [t.state.name for t in study.get_trials(deepcopy=False)]
    assert len(stopped) == workers and "RUNNING" not in states, f"{states}\n{err}"
    assert len(study.get_trials(deepcopy=False, states=(TrialState.WAITING,))) == workers

    outcome = cli("sweep", "--resume", "s", "--workers", "1", "-q")
    assert outcome.code == 0, outcome.err
    trials = study.get_trials(deepcopy=False)
    for trial in stopped:
        again = next(t for t in trials if t.system_attrs.get("failed_trial") == trial.number)
        assert again.state == TrialState.COMPLETE and again.params == trial.params
    assert sum(t.state == TrialState.COMPLETE for t in trials) == workers
