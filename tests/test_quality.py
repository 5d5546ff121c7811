"""The code checks CI runs: mypy with the flags in pyproject.toml, and ruff's lint and format at
the version pinned in the dev extra. Each reports nothing, or the test shows what it found."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEV = 'the code checks need the dev extra: pip install -e ".[dev]"'


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *command], cwd=ROOT, capture_output=True, text=True, check=False)


def test_mypy_reports_no_error():
    pytest.importorskip("mypy", reason=DEV)
    done = _run("mypy")  # files and flags from [tool.mypy] in pyproject.toml
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("Success: no issues found")


@pytest.mark.parametrize(
    "command", [("ruff", "check", "."), ("ruff", "format", "--check", ".")], ids=["check", "format"]
)
def test_ruff_finds_nothing(command):
    pytest.importorskip("ruff", reason=DEV)
    done = _run(*command)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_package_ships_its_types():
    assert (ROOT / "src" / "nnfit" / "py.typed").is_file()
