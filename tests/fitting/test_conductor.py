"""nnfit.fitting._conductor: a fit resumed from its checkpoint keeps the choices and rows it began with and ends bit for bit like one never stopped, even when killed at random moments."""

import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from nnfit import data
from nnfit.engine import INTERRUPTED, Callback
from nnfit.engine import _checkpoint as checkpoint
from nnfit.fitting import Conductor, _conductor
from nnfit.recipe import Recipe
from nnfit.task import Task


class StopAt(Callback):
    """Asks the run to stop at `step`, as Ctrl-C does."""

    def __init__(self, step: int) -> None:
        self.step = step

    def on_chunk_end(self, trainer, event):
        if event.step == self.step:
            trainer.stop(f"{INTERRUPTED} at step {event.step}")


def _fit(folder=None, stop_at=None, resume=None, task=None, **settings):
    task = task or Task(target="x**2 + sin(3*y)", domain="x=0:1, y=0:2", samples=2000)
    recipe = Recipe(**{"steps": 3000, "checkpoint_every": 1e-9, **settings})  # a checkpoint at every chunk
    rng = np.random.default_rng(recipe.seed)
    target, domain, dataset = data.prepare(task, rng)
    callbacks = [StopAt(stop_at)] if stop_at else []
    return Conductor(
        target, domain, dataset, task, recipe, rng, callbacks=callbacks, checkpoints=folder, resume=resume
    ).fit()


@pytest.fixture(scope="module")
def whole():
    return _fit()


@pytest.mark.parametrize(
    "stop_at, settings",
    [
        (250, {}),
        (1750, {}),
        (2750, {}),
        (1000, {"ensemble": 2, "patience": 3}),  # early stopping's state and a members axis
        (500, {"optimizer": "lbfgs", "steps": 1000}),
    ],
    ids=["first chunk", "middle", "last chunk", "ensemble, early stopping", "lbfgs"],
)
def test_a_resumed_run_ends_bit_for_bit_like_one_never_stopped(tmp_path, whole, stop_at, settings):
    reference = whole if not settings else _fit(**settings)
    stopped = _fit(tmp_path, stop_at, **settings)
    assert stopped.info["steps"] == stop_at and (tmp_path / checkpoint.CHECKPOINT_FILE).is_file()
    resumed = _fit(tmp_path, resume=checkpoint.read_checkpoint(tmp_path), **settings)
    assert resumed.info["resumed_from"] == stop_at and resumed.info["steps"] == reference.info["steps"]
    assert resumed.evaluation == reference.evaluation
    assert resumed.findings == reference.findings
    for a, b in zip(resumed.params, reference.params):
        np.testing.assert_array_equal(a["w"], b["w"])
    assert [r["val_loss"] for r in resumed.history] == [r["val_loss"] for r in reference.history]


def test_a_resumed_run_keeps_the_choices_made_when_it_began(tmp_path, monkeypatch):
    # probes under a time budget may choose otherwise a second time: the checkpoint keeps the choice
    # long enough for the probes to choose the units; at seed 2 they choose sin ones
    stopped = _fit(tmp_path, 1000, steps=6000, seed=2)
    assert stopped.choice["trials"]
    never_stopped = _fit(steps=6000, seed=2)
    monkeypatch.setattr(_conductor, "choose", lambda *args, **kwargs: pytest.fail("the resumed run probed again"))
    resumed = _fit(tmp_path, resume=checkpoint.read_checkpoint(tmp_path), steps=6000, seed=2)
    assert resumed.info["resumed_from"] == 1000
    assert resumed.recipe == stopped.recipe
    probed = len(stopped.choice["trials"])
    assert resumed.choice["trials"][:probed] == stopped.choice["trials"]
    # the probes chose sin units: gelu ones train beside them again, as in a run never stopped
    assert resumed.choice == never_stopped.choice and "at full length the" in resumed.choice["reason"]


def test_a_resumed_hard_formula_trains_on_the_rows_drawn_where_its_probe_erred(tmp_path):
    # the probes find sin(x*y)**2 hard, and more rows are drawn where they erred: a resumed run has
    # no probe to draw them again, so the checkpoint keeps them
    task, settings = Task(target="sin(x*y)**2", domain="x=0:6, y=0:3", samples=2000), {"steps": 6000}
    reference = _fit(task=task, **settings)
    assert reference.choice["denser"] == reference.info["n_train"] // 2 == 1600
    _fit(tmp_path, 3000, task=task, **settings)
    resumed = _fit(tmp_path, resume=checkpoint.read_checkpoint(tmp_path), task=task, **settings)
    assert resumed.info["resumed_from"] == 3000 and resumed.info["n_train"] == reference.info["n_train"]
    assert resumed.evaluation == reference.evaluation
    for a, b in zip(resumed.params, reference.params):
        np.testing.assert_array_equal(a["w"], b["w"])


COMMAND = [
    sys.executable,
    "-m",
    "nnfit",
    "fit",
    "x**2 + sin(3*y)",
    "--domain",
    "x=0:1, y=0:2",
    "--samples",
    "2000",
    "--steps",
    "30000",
    "--no-early-stopping",
    "--checkpoint-every",
    "0.05s",
    "--no-report",
    "--quiet",
    "--json",
]


def _nnfit(cwd: Path, *args: str, kill_after: float | None = None) -> subprocess.CompletedProcess:
    """Run nnfit in `cwd`; with `kill_after`, SIGKILL it that many seconds after it has written a new
    checkpoint (so it is past start-up and training, or writing the next one)."""
    process = subprocess.Popen(
        [*COMMAND[:3], *args], cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    if kill_after is not None:
        saved = cwd / "killed" / checkpoint.CHECKPOINT_FILE
        before = saved.stat().st_mtime_ns if saved.is_file() else 0
        deadline = time.monotonic() + 120
        while (not saved.is_file() or saved.stat().st_mtime_ns == before) and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(kill_after)
        process.send_signal(signal.SIGKILL)
    out, err = process.communicate(timeout=300)
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


def test_a_fit_killed_at_random_moments_resumes_to_the_same_metrics(tmp_path):
    whole = _nnfit(tmp_path, *COMMAND[3:], "--out", "whole")
    assert whole.returncode == 0, whole.stderr
    run = tmp_path / "killed"
    moments = np.random.default_rng(7).uniform(0.0, 0.5, 3)  # training, or writing one of its checkpoints
    assert _nnfit(tmp_path, *COMMAND[3:], "--out", "killed", kill_after=moments[0]).returncode == -signal.SIGKILL
    for moment in moments[1:]:
        assert (run / "unfinished.json").is_file()  # a killed run never looks complete
        (run / f".{checkpoint.CHECKPOINT_FILE}.99999.partial").write_bytes(
            b"half a checkpoint"
        )  # as a kill mid-write leaves
        assert (
            _nnfit(tmp_path, "fit", "--resume", "killed", "--no-report", kill_after=moment).returncode
            == -signal.SIGKILL
        )
    status = subprocess.run(
        [*COMMAND[:3], "runs", "."], check=False, cwd=tmp_path, capture_output=True, text=True
    ).stdout
    killed, whole = status.splitlines()  # newest first, each with its target, and its test rRMSE once complete
    assert re.match(
        r"killed  x\*\*2 \+ sin\(3\*y\)  \d+ (s|min) ago  unfinished \(killed\?\), checkpoint at step", killed
    )
    assert killed.endswith("--resume killed") and re.fullmatch(
        r"whole  x\*\*2 \+ sin\(3\*y\)  test rRMSE \S+  \d+ (s|min) ago  complete", whole
    )
    final = _nnfit(tmp_path, "fit", "--resume", "killed", "--no-report")
    assert final.returncode == 0, final.stderr
    assert "resumed from step" in final.stderr
    assert (run / "metrics.json").read_bytes() == (tmp_path / "whole" / "metrics.json").read_bytes()
    assert sorted(p.name for p in run.iterdir()) == sorted(p.name for p in (tmp_path / "whole").iterdir())
