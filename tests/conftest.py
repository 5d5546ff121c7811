"""Shared helpers: run the CLI in-process, as a user would see it (exit code, stdout, stderr).

The test run keeps its own compilation cache, so it neither reads nor fills the user's.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass

import pytest

from nnfit.cli import run

os.environ.setdefault("NNFIT_CACHE_DIR", tempfile.mkdtemp(prefix="nnfit-test-cache-"))
# Set by .ci/run: a real part (Chromium, PostgreSQL) missing fails its tests instead of skipping them.
REQUIRE_PARTS = "NNFIT_REQUIRE_PARTS"


def need(part: str, hint: str) -> None:
    """Skip the test, or fail it where CI requires every part: `part` is missing; `hint` installs it."""
    message = f"{part} is missing: {hint}"
    if os.environ.get(REQUIRE_PARTS):
        pytest.fail(message)
    pytest.skip(message)


@dataclass
class Outcome:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys, monkeypatch, tmp_path):
    """Call `nnfit ARGS...` in tmp_path; returns its Outcome."""
    monkeypatch.chdir(tmp_path)

    def invoke(*args: str) -> Outcome:
        capsys.readouterr()
        try:
            run(list(args))
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        captured = capsys.readouterr()
        return Outcome(code, captured.out, captured.err)

    return invoke
