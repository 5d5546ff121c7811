"""The time a law's search may take: its stages beyond the first search (a transform of the output,
a product of powers it is divided by) start only while they still fit, and those left out are named."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

BUDGET = 60.0  # seconds per output: a search of a few inputs takes 0.1-5 s, of nine inputs 30 s
SLACK = 1.5  # a stage may take this much longer than the longest before it: searches of the same
# rows differ in what their candidates cost, and a budget is a limit, not a target


@dataclass
class Budget:
    """A deadline on time.monotonic()'s clock, the longest a stage has taken so far (every stage
    is a search of the same rows, the first a fair guess of the rest), the stages left untried, as
    a person names them, and `progress`, told each stage as it starts (a command line's spinner)."""

    seconds: float
    deadline: float
    stage: float = 0.0
    untried: list[str] = field(default_factory=list)
    progress: Callable[[str], None] | None = None
    _began: float | None = None  # when the stage under way began

    @classmethod
    def starting_now(cls, seconds: float | None, progress: Callable[[str], None] | None = None) -> Budget:
        """A budget of `seconds` from now (None: no limit), telling `progress` of each stage."""
        limit = math.inf if seconds is None else float(seconds)
        return cls(limit, time.monotonic() + limit, progress=progress)

    def starting(self, stage: str) -> None:
        """A stage that runs whatever the time (the first search) begins now."""
        self._began = time.monotonic()
        if self.progress is not None:
            self.progress(stage)

    def allows(self, stage: str) -> bool:
        """Whether a stage started now ends before the deadline, if it takes SLACK times as long as
        the longest so far (the one that ends now included); if so it begins, else it is noted as
        untried."""
        now = time.monotonic()
        if self._began is not None:
            self.stage = max(self.stage, now - self._began)
        if now + SLACK * self.stage > self.deadline:
            self.untried.append(stage)
            self._began = None
            return False
        self._began = now
        if self.progress is not None:
            self.progress(stage)
        return True

    def note(self) -> str:
        """What was left untried, as a clause for a law's evidence; empty when nothing was. Stages
        in a row that try one form ("y as a ratio of sums", "1/y as a ratio of sums") are named
        once: "a ratio of sums (y, 1/y)"."""
        if not self.untried:
            return ""
        named: list[tuple[list[str], str]] = []  # (what each stage searched, the form they tried it as)
        for stage in self.untried:
            what, _, form = stage.rpartition(" as ") if " as " in stage else ("", "", stage)
            if what and named and named[-1][1] == form and named[-1][0]:
                named[-1][0].append(what)
            else:
                named.append(([what] if what else [], form))
        stages = [
            form if not whats else f"{whats[0]} as {form}" if len(whats) == 1 else f"{form} ({', '.join(whats)})"
            for whats, form in named
        ]
        return f"; not tried within the {self.seconds:g} s budget: {', '.join(stages)}"
