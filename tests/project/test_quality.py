"""The code checks CI runs: mypy with the flags in pyproject.toml, ruff's lint (its complexity rules
included) and format, and import-linter's contracts, at the versions pinned in the dev extra; no
module past 400 lines. Each reports nothing, or the test shows what it found."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


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


def test_the_imports_run_one_way():
    """import-linter's contracts in pyproject.toml: the layers from the front ends down to the
    settings tables, the command line and the playground apart, the laws free of the conductor."""
    pytest.importorskip("importlinter", reason=DEV)
    done = subprocess.run(
        [str(Path(sys.executable).with_name("lint-imports"))], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


LONGEST_MODULE = 400  # lines: past it, a module holds more than one concept


def test_no_module_is_longer_than_one_concept():
    lengths = {path: len(path.read_text(encoding="utf-8").splitlines()) for path in (ROOT / "src").rglob("*.py")}
    assert not {str(p.relative_to(ROOT)): n for p, n in lengths.items() if n > LONGEST_MODULE}
