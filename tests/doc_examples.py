"""Run the examples of a Markdown page and compare what they print with what the page shows.

Parsing is Sybil's. Python blocks run as written, and `>>>` lines are doctests compared exactly.
A ```console block is a session: each `$ command` runs (`nnfit ...` in this process, `python ...`
as a subprocess) in the page's working folder, and what it prints must match the lines shown
under it, by `figures_match`: the words exactly, whitespace and line breaks loosely (a terminal's
width only moves them), `...` for anything, and every number within a factor FIGURES of the one
shown, because trained figures move with the CPU (docs/runs.md, "Reproducibility"); durations ("2.6 s")
are not compared, as they measure the machine and its load. A command with
nothing shown under it must only succeed; one showing "error:" must exit with status 2.
"""

from __future__ import annotations

import contextlib
import io
import math
import re
import shlex
import subprocess
import sys
from pathlib import Path

from sybil import Example, Sybil
from sybil.parsers.markdown import ClearNamespaceParser, CodeBlockParser, PythonCodeBlockParser, SkipParser

from nnfit.cli import run

FIGURES = 3.0  # the cross-CPU margin of every accuracy bound in tests/ (docs/runs.md, "Reproducibility")
_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
# a number standing alone, or a ratio such as 38x: not part of a name such as x2 or seed001, nor of
# a longer number
_ALONE = re.compile(rf"(?<![\w.]){_NUMBER}(?=x\b|(?![\w.]))")
_DURATION = re.compile(rf"(?<![\w.]){_NUMBER}(?= s\b)")
_ANY_DURATION = "\x00"


def figures_match(shown: str, printed: str) -> str | None:
    """None when `printed` matches `shown` (see the module's docstring), else what differs."""
    pattern, figures = [], []
    for piece in re.split(r"(\.\.\.|\s+)", _DURATION.sub(_ANY_DURATION, shown.strip())):
        if piece == "...":
            pattern.append(r".*?")
        elif piece.isspace():
            pattern.append(r"\s++")  # possessive, as the numbers are atomic: a mismatch fails at once
        else:
            position = 0
            for token in re.finditer(f"{_ANY_DURATION}|{_ALONE.pattern}", piece):
                pattern.append(re.escape(piece[position : token.start()]))
                if token.group() == _ANY_DURATION:
                    pattern.append(f"(?>{_NUMBER})")
                else:
                    pattern.append(f"((?>{_NUMBER}))")
                    figures.append(float(token.group()))
                position = token.end()
            pattern.append(re.escape(piece[position:]))
    found = re.fullmatch("".join(pattern), printed.strip(), re.DOTALL)
    if found is None:
        return f"the page shows:\n{shown}\nbut the command printed:\n{printed}"
    for want, got in zip(figures, (float(g) for g in found.groups()), strict=True):
        if not _close(want, got):
            return f"the page shows {want:g} where the command printed {got:g} (allowed: {FIGURES}x)\n{printed}"
    return None


def _close(want: float, got: float) -> bool:
    if want == got:
        return True
    if want == 0 or got == 0 or (want < 0) != (got < 0):
        return abs(want - got) < 1e-6
    return abs(math.log(got / want)) <= math.log(FIGURES)


def _sessions(text: str) -> list[tuple[str, str]]:
    """(command, what it should print) for each `$ ` line of a console block."""
    sessions: list[tuple[str, list[str]]] = []
    for line in text.splitlines():
        if line.startswith("$ "):
            sessions.append((line[2:], []))
        elif sessions:
            sessions[-1][1].append(line)
    return [(command, "\n".join(shown)) for command, shown in sessions]


def _run(command: str, folder: Path) -> tuple[int, str]:
    """Exit status and output (stdout then stderr) of one command run in `folder`."""
    args = shlex.split(command, comments=True)
    if args[0] == "nnfit":
        out, err = io.StringIO(), io.StringIO()
        with contextlib.chdir(folder), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                run(args[1:])
                code = 0
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 1
        return code, out.getvalue() + err.getvalue()
    if args[0] == "python":
        done = subprocess.run([sys.executable, *args[1:]], cwd=folder, capture_output=True, text=True, check=False)
        return done.returncode, done.stdout + done.stderr
    raise ValueError(f"a documentation example may run nnfit or python, not {args[0]!r}: {command}")


def evaluate_console(example: Example) -> str | None:
    """Sybil evaluator of a console block; the page's working folder is `folder` in its namespace."""
    folder = example.namespace["folder"]
    for command, shown in _sessions(example.parsed):
        code, printed = _run(command, folder)
        expected = 2 if "error:" in shown else 0
        if code != expected:
            return f"$ {command}\nexited with status {code}, not {expected}:\n{printed}"
        if shown.strip():
            difference = figures_match(shown, printed)
            if difference is not None:
                return f"$ {command}\n{difference}"
    return None


SYBIL = Sybil(
    parsers=[
        PythonCodeBlockParser(),
        CodeBlockParser(language="console", evaluator=evaluate_console),
        SkipParser(),
        ClearNamespaceParser(),
    ]
)
