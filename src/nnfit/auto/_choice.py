"""The evidence of the automatic recipe: each candidate and how it did (`Contender`), and which
was chosen from them, and why (`Choice`), as metrics.json keeps them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field

import numpy as np

from ..params import plain
from ..recipe import Recipe

_NAMES = {("standard", "standard"): "standard scaling", ("log", "log"): "log-log"}


@dataclass(frozen=True)
class Contender:
    """One candidate and how it did: validation rRMSE in the user's units after `steps` steps
    (0 for the linear model, solved exactly)."""

    model: str
    activation: str  # "" for the linear model, which has none
    input_scaling: str
    output_scaling: str
    val_rrmse: float
    steps: int
    weight_decay: float = 0.0
    hidden: tuple[int, ...] = ()  # the widths of a network; () for the linear model
    groups: str = "off"  # "on": the network learned a function of the target's groups

    @property
    def fields(self) -> dict[str, str]:
        """The recipe fields it sets: model, activation (not for the linear model) and scalings."""
        return {name: getattr(self, name) for name in Recipe.FIXED if getattr(self, name)}

    def label(self) -> str:
        """In words, e.g. "log-log mlp gelu" or "linear (standard scaling)"."""
        scaling = _NAMES.get((self.input_scaling, self.output_scaling))
        if scaling is None:
            scaling = f"{self.input_scaling} inputs, {self.output_scaling} output"
        if self.groups == "on":
            scaling = f"groups, {scaling}"
        if self.model == "linear":
            return f"linear ({scaling})"
        widths = "-".join(map(str, self.hidden)) if tuple(self.hidden) not in ((), Recipe.FIXED["hidden"]) else ""
        return (
            f"{scaling} {self.activation} mlp"
            + (f" {widths}" if widths else "")
            + (f", weight decay {self.weight_decay:g}" if self.weight_decay else "")
        )


@dataclass(frozen=True)
class Choice:
    """What the automatic recipe chose (field -> value), from which contenders, in how many seconds.

    metrics.json keeps the contenders under the key "trials", as versions before 0.8 wrote them."""

    winner: int  # which of the contenders was chosen
    contenders: tuple[Contender, ...]
    seconds: float
    note: str = ""  # why the winner was not probed, when it was not
    # the best network probe's predictions (m, k) at inputs (m, d) in the user's units, to draw more
    # rows where it errs (`denser_rows`); not kept with the fit
    probe: Callable[[np.ndarray], np.ndarray] | None = field(default=None, compare=False, repr=False)
    denser: int = 0  # training rows drawn where the probe erred
    hard: bool = False  # the best two-layer probe stayed above HARD: a deeper network was probed
    groups: str = ""  # the target's groups in words ("I0 * h(theta, d/lambda_)") when the winner learned them

    @property
    def chosen(self) -> dict[str, str]:
        return self.contenders[self.winner].fields

    def reason(self) -> str:
        """One line of evidence: the winner's validation rRMSE against the best of the others,
        among contenders as long as the winner's where there are some."""
        winner = self.contenders[self.winner]
        others = [t for t in self.contenders if t.fields != winner.fields]
        if winner.model != "linear" and winner.steps == 0:  # chosen without a probe: the note says why
            baseline = [t.val_rrmse for t in others if t.model == "linear"]
            return f"{winner.label()}: {self.note}" + (
                f"; the linear baseline reached {min(baseline):.2g}" if baseline else ""
            )
        text = f"{winner.label()}: validation rRMSE {winner.val_rrmse:.2g}"
        if self.note:
            return f"{text}; {self.note}{self._extras()}"
        peers = [t for t in others if t.steps == winner.steps] or others
        if not peers:
            return text + self._extras()
        runner_up = min(peers, key=lambda t: t.val_rrmse)
        return f"{text} against {runner_up.val_rrmse:.2g} for {runner_up.label()}{self._extras()}"

    def _extras(self) -> str:
        hard = "hard: " if self.hard else ""
        groups = f"; the target is {self.groups}" if self.groups else ""
        return groups + (f"; {hard}{self.denser} more training rows where the probe erred" if self.denser else "")

    @classmethod
    def from_dict(cls, data: dict) -> Choice:
        """The choice `to_dict` wrote, but for its seconds and probe: what a checkpoint keeps of it."""
        contenders = tuple(Contender(**{**t, "hidden": tuple(t["hidden"])}) for t in data["trials"])
        return cls(
            data["winner"], contenders, 0.0, denser=data["denser"], hard=data["hard"], groups=data.get("groups", "")
        )

    def to_dict(self) -> dict:
        """Plain values, reproducible (the seconds are left out): what metrics.json keeps."""
        return {
            "chosen": {name: plain(value) for name, value in self.chosen.items()},
            "reason": self.reason(),
            "winner": self.winner,
            "denser": self.denser,
            "hard": self.hard,
            "groups": self.groups,
            "trials": [{name: plain(value) for name, value in asdict(t).items()} for t in self.contenders],
        }
