"""Sweeps: trials judged on the validation split and refit as a run; workers sharing one study
through a journal file or a real PostgreSQL server, a killed worker's trial failed and retried;
one worker and a seed repeat a sweep exactly; bad input is one line and exit 2."""

from __future__ import annotations

import gc
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import yaml
from optuna.trial import TrialState

from nnfit.sweeps import Sweep, plan, read_plan, resume, show, sweep
from nnfit.sweeps._sweep import Stop

TASK = {"target": "x**2 + x", "domain": "x=1:1000", "samples": 2000}


# short trials: the machinery, not the accuracy, is under test; 1.5e-2 is ~10x the measured best
QUICK = {"steps": 600, "eval_every": 100}


NARROW = {"hidden": ["32,32", "64,64"], "activation": ["gelu", "tanh"], "optimizer": "adam", "schedule": "cosine"}


def _numbers(result: Sweep) -> list[int]:
    return [t.number for t in result.study.get_trials(deepcopy=False)]


def test_a_sweep_keeps_the_test_split_for_its_refit_best(tmp_path):
    result = sweep(**TASK, **QUICK, trials=4, space=NARROW, out=tmp_path / "s")
    assert sum(result.counts[state] for state in ("complete", "pruned")) == 4
    rows = result.rows()
    assert [r["validation rRMSE"] for r in rows] == sorted(r["validation rRMSE"] for r in rows)
    assert all("test rRMSE" not in r for r in rows)  # trials are judged without the test rows
    assert {"1-1.5x rRMSE", "1.5-2x rRMSE", "max |err|", "seconds", "parameters"} <= set(rows[0])
    best = result.completed[0]
    assert result.best is not None and result.best.recipe.hidden == tuple(map(int, best.params["hidden"].split(",")))
    assert result.best.evaluation["test"]["rrmse"] < 1.5e-2
    folder = tmp_path / "s"
    assert (folder / "best" / "report.html").is_file() and not (folder / "best" / "unfinished.json").exists()
    assert all((folder / "best" / name).is_file() for name in ("model.py", "model.npz", "model.json"))
    page = (folder / "sweep.html").read_text()
    assert page.count("data:image/png;base64") >= 1 and "top recipes side by side" in page
    spec = yaml.safe_load((folder / "sweep.yaml").read_text())
    assert spec["storage"] == str(folder / "journal.log") and spec["study"] == "s"
    # a worker concluding later (here: a resume of the finished sweep) reads the refit best, unchanged
    written = (folder / "best" / "run.json").stat().st_mtime_ns
    again = resume(folder)
    assert (folder / "best" / "run.json").stat().st_mtime_ns == written
    assert again.best is not None and again.best.evaluation == result.best.evaluation


def test_one_worker_and_a_seed_propose_the_same_trials(tmp_path):
    runs = [sweep(**TASK, **QUICK, trials=3, seed=7, prune=False, out=tmp_path / f"s{i}") for i in range(2)]
    first, second = ([t.params for t in r.study.trials] for r in runs)
    assert first == second and len({str(p) for p in first}) == 3


def test_two_objectives_give_the_front_of_accuracy_against_time(tmp_path):
    result = sweep(**TASK, **QUICK, trials=3, space=NARROW, objectives="rrmse,seconds", out=tmp_path / "s")
    assert len(result.study.directions) == 2 and result.counts["complete"] == 3
    front = result.front
    assert front and all(
        not (o.values[0] <= t.values[0] and o.values[1] <= t.values[1] and o.values != t.values)
        for t in front
        for o in result.completed
    )
    assert {r["front"] for r in result.rows()} <= {"yes", ""}


def test_show_reads_a_sweep_as_it_stands(tmp_path):
    result = sweep(**TASK, **QUICK, trials=2, space=NARROW, out=tmp_path / "s")
    shown = show(tmp_path / "s")
    assert [r["recipe"] for r in shown.rows()] == [r["recipe"] for r in result.rows()]


@pytest.fixture(params=["journal", "postgresql"])
def storage(request) -> str | None:
    """None: the journal-file default; else a new database on the session's PostgreSQL server."""
    return None if request.param == "journal" else request.getfixturevalue("postgres").database()


def _worker(folder: Path) -> subprocess.Popen:
    """`nnfit sweep --resume FOLDER` in a new process: a worker, as on another machine."""
    return subprocess.Popen(
        [sys.executable, "-m", "nnfit", "sweep", "--resume", str(folder), "--quiet"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_workers_share_one_study_without_duplicates_or_losses(tmp_path, storage):
    trials = 6
    _, folder, _ = plan(**TASK, **QUICK, trials=trials, space=NARROW, storage=storage, out=tmp_path / "s")
    workers = [_worker(folder) for _ in range(2)]
    outcomes = [w.communicate(timeout=300) for w in workers]
    assert [w.returncode for w in workers] == [0, 0], [err for _, err in outcomes]
    result = show(folder) if storage is None else show(storage=storage, study="s")
    numbers = _numbers(result)
    assert sorted(numbers) == list(range(trials))  # unique, none lost
    assert sum(result.counts[s] for s in ("complete", "pruned")) == trials
    sampled = [tuple(sorted(t.params.items())) for t in result.study.trials]
    assert len(sampled) == trials


def test_a_killed_workers_trial_is_failed_and_retried(tmp_path, storage):
    # trials long enough to be caught running; heartbeats every second, so a death is seen in 3
    _, folder, _ = plan(
        **TASK, steps=6000, trials=3, space=NARROW, prune=False, heartbeat=1, storage=storage, out=tmp_path / "s"
    )
    victim = _worker(folder)
    the_plan = read_plan(folder)
    study, searched = the_plan.open(), len(the_plan.space.dimensions)
    deadline = time.monotonic() + 120
    # killed while training: a trial killed while its values are drawn is retried with the rest drawn anew
    while not any(len(t.params) == searched for t in study.get_trials(deepcopy=False, states=(TrialState.RUNNING,))):
        assert time.monotonic() < deadline and victim.poll() is None, "no trial started"
        time.sleep(0.2)
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait()
    killed = study.get_trials(deepcopy=False, states=(TrialState.RUNNING,))[0]
    survivor = _worker(folder)
    _, err = survivor.communicate(timeout=300)
    assert survivor.returncode == 0, err
    trials = study.get_trials(deepcopy=False)
    dead = next(t for t in trials if t.number == killed.number)
    assert dead.state == TrialState.FAIL
    retry = next(t for t in trials if t.system_attrs.get("failed_trial") == killed.number)
    assert retry.state == TrialState.COMPLETE and retry.params == dead.params
    assert sum(t.state == TrialState.COMPLETE for t in trials) == 3
    assert sorted(t.number for t in trials) == list(range(len(trials)))


def test_trials_are_judged_on_validation_rows(tmp_path):
    result = sweep(**TASK, **QUICK, trials=1, space=NARROW, out=tmp_path / "s")
    trial = result.completed[0]
    assert np.isclose(trial.values[0], trial.user_attrs["row"]["validation rRMSE"])


def test_a_recipe_that_cannot_run_fails_its_trial_and_the_sweep_goes_on(tmp_path):
    # L-BFGS trains one model at a time: with an ensemble the recipe refuses it, as a trial's error
    space = {**NARROW, "optimizer": ["adam", "lbfgs"], "ensemble": 2}
    result = sweep(**TASK, **QUICK, trials=4, space=space, prune=False, out=tmp_path / "s")
    trials = result.study.trials
    failed = [t for t in trials if t.state == TrialState.FAIL]
    assert len(trials) == 4 and result.counts["complete"] == 4 - len(failed)
    assert all(t.params["optimizer"] == "lbfgs" and "L-BFGS" in t.user_attrs["error"] for t in failed)


def test_a_second_ctrl_c_cannot_cut_short_the_putting_back_of_a_stopped_trial():
    # a slow worker gets its terminal's Ctrl-C and, STOP_SECONDS later, the one its parent forwards
    put_back, before, stop = [], signal.getsignal(signal.SIGINT), Stop()
    with pytest.raises(KeyboardInterrupt), stop.installed():
        try:
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(5)  # the signal's handler raises before this ends
        except KeyboardInterrupt:
            stop.reached = True  # as the stop leaves the trial
            os.kill(os.getpid(), signal.SIGINT)  # ignored: the trial is put back all the same
            put_back.append(True)
            raise
    assert put_back == [True] and signal.getsignal(signal.SIGINT) is before


def test_a_ctrl_c_lost_in_a_garbage_collectors_callback_is_asked_again():
    # Python prints what a garbage collector's callback raises, and goes on: JAX's callback swallowed
    # a Ctrl-C, and the worker ran its trial to the end
    def callback(phase: str, info: dict) -> None:
        if phase == "start":
            signal.raise_signal(signal.SIGINT)  # its handler runs in here
            sum(range(10))

    before, stop = sys.unraisablehook, Stop()
    gc.callbacks.append(callback)
    try:
        with pytest.raises(KeyboardInterrupt), stop.installed():
            gc.collect()
            gc.callbacks.remove(callback)
            time.sleep(5)  # asked again a moment later: raised here
    finally:
        if callback in gc.callbacks:
            gc.callbacks.remove(callback)
    assert sys.unraisablehook is before
