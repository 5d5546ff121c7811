"""Run directories: complete round trip, atomic writes, relocation and refusals."""

import json
import shutil
import subprocess
import sys

import numpy as np
import pytest

import nnfit
from nnfit.errors import RunDirError
from nnfit.outputs import _rundir as rundir
from nnfit.outputs._plots import REPORT
from nnfit.outputs._rundir import FILES, FORMAT_VERSION

POINTS = np.array([[0.5, 1.0], [2.0, -1.0], [9.0, 9.0]])  # the last is far outside


@pytest.fixture(scope="module")
def result():
    return nnfit.fit("u = x*y; v = x - y", domain="x=0:3, y=-1:1", samples=2000, steps=500, query="1,0; 5,5")


def test_saved_run_holds_every_file_and_the_report(result, tmp_path):
    path = result.save(tmp_path / "run")
    report_files = ["report.html", *(f"{kind}.png" for kind in REPORT)]
    assert sorted(p.name for p in path.iterdir()) == sorted([*FILES, *report_files])
    assert sorted(p.name for p in result.save(tmp_path / "bare", report=False).iterdir()) == sorted(FILES)
    assert json.loads((path / "run.json").read_text())["format_version"] == FORMAT_VERSION
    assert str(tmp_path) not in "".join((path / f).read_text(errors="ignore") for f in FILES)  # no absolute paths


def test_loaded_run_predicts_identically_after_a_move(result, tmp_path):
    result.save(tmp_path / "a" / "run")
    shutil.move(tmp_path / "a", tmp_path / "b")
    loaded = nnfit.load(tmp_path / "b" / "run")
    np.testing.assert_array_equal(loaded.predict(POINTS), result.predict(POINTS))
    assert loaded.outputs == ("u", "v") and loaded.domain == result.domain
    assert loaded.evaluation == result.evaluation
    for name, (X, y) in result.points.items():
        np.testing.assert_array_equal(loaded.points[name][0], X)
        np.testing.assert_array_equal(loaded.points[name][1], y)
    assert [q.inside for q in loaded.query("1,0; 5,5")] == [True, False]
    assert loaded.query("2,1")[0].truth == (2.0, 1.0)  # a formula target is rebuilt
    np.testing.assert_array_equal(loaded.predict_interval(POINTS)[0], result.predict_interval(POINTS)[0])
    assert loaded.queries == result.queries  # with their intervals and reaches


def test_existing_run_is_not_touched(result, tmp_path):
    path = result.save(tmp_path / "run")
    before = {f: (path / f).read_bytes() for f in FILES}
    with pytest.raises(RunDirError, match="already exists"):
        result.save(path)
    assert {f: (path / f).read_bytes() for f in FILES} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]  # no staging left behind


def test_overwrite_replaces_a_run_whole(result, tmp_path):
    path = tmp_path / "run"
    path.mkdir()
    (path / "stale.txt").write_text("old")
    result.save(path, overwrite=True, report=False)
    assert sorted(p.name for p in path.iterdir()) == sorted(FILES)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]


def test_newer_format_is_refused(result, tmp_path):
    path = result.save(tmp_path / "run")
    (path / "run.json").write_text(json.dumps({"format_version": FORMAT_VERSION + 1}))
    with pytest.raises(RunDirError, match=f"run format {FORMAT_VERSION + 1}; this nnfit reads up to"):
        nnfit.load(path)


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda p: None, "is not a directory"),
        (lambda p: p.mkdir(), "not an nnfit run directory"),
    ],
)
def test_not_a_run(tmp_path, make, message):
    make(tmp_path / "x")
    with pytest.raises(RunDirError, match=message):
        nnfit.load(tmp_path / "x")


def test_damaged_weights(result, tmp_path):
    path = result.save(tmp_path / "run")
    (path / "model.safetensors").write_bytes(b"garbage")
    with pytest.raises(RunDirError, match="cannot be read"):
        nnfit.load(path)


def test_four_fits_started_at_once_get_four_complete_run_directories(tmp_path):
    command = [
        sys.executable,
        "-m",
        "nnfit",
        "fit",
        "x",
        "--domain",
        "x=0:1",
        "--samples",
        "100",
        "--steps",
        "20",
        "--no-report",
        "--quiet",
    ]
    processes = [
        subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for _ in range(4)
    ]
    errors = [p.communicate(timeout=300)[1] for p in processes]
    assert [p.returncode for p in processes] == [0] * 4, errors
    runs = sorted(p.name for p in (tmp_path / "nnfit-runs").iterdir())
    assert runs == [f"{i:03d}-x" for i in range(1, 5)]
    assert all(nnfit.load(tmp_path / "nnfit-runs" / name).info["steps"] == 20 for name in runs)


def test_an_unfinished_run_is_not_loaded_and_says_what_to_do(tmp_path):
    path = rundir.begin(rundir.reserve(tmp_path, "x"))
    with pytest.raises(
        RunDirError,
        match=r"001-x is unfinished \(killed\?\), no checkpoint yet — resume it with: "
        r"nnfit fit --resume",
    ):
        nnfit.load(path)
