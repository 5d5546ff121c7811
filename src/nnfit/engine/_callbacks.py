"""What the training loop tells between its chunks (`ChunkEnd`) and the automatic recipe after each
probe (`ProbeEnd`), the `Callback` that hears them, and the behaviour built on it: history, early
stopping, an accuracy target, progress, Ctrl-C and a halt."""

from __future__ import annotations

import math
import signal
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ._network import Params

if TYPE_CHECKING:
    from rich.progress import TaskID
    from rich.status import Status

    from ._trainer import Trainer  # the loop that calls them, in annotations only


INTERRUPTED = "interrupted"  # how a stop asked for by the user begins; a resumed run goes on past it


@dataclass(frozen=True)
class ChunkEnd:
    """What callbacks see after each chunk of steps (losses are in scaled units)."""

    step: int
    total_steps: int | None  # None for an open-ended run: until its time budget or its accuracy target
    epoch: float
    progress: float  # fraction of the run done: of its steps, or of its time budget when that sets the length
    train_loss: float  # mean batch loss over the chunk
    val_loss: float | None  # loss on the validation split (its first CHECK_ROWS rows), None without one
    val_rrmse: float | None  # RMSE / std(y) on the same rows: comparable across recipes
    grad_norm: float  # global norm of the loss gradient on the same rows (else CHECK_ROWS training rows)
    lr: float | None  # None for L-BFGS
    elapsed: float  # seconds since training started, compilation included


@dataclass(frozen=True)
class ProbeEnd:
    """What callbacks see as each candidate of the automatic recipe ends its short training, before
    the run: the candidate in words ("log-log gelu mlp"), its validation rRMSE in the user's units,
    its steps, and how many candidates have been probed so far."""

    label: str
    val_rrmse: float
    steps: int
    probed: int


class Callback:
    """Hooks called by the Trainer (and by the automatic recipe's probes); subclasses override the
    ones they need. A callback that keeps state across chunks returns it from `state_dict` (plain
    values, lists, dicts and arrays) and takes it back in `load_state_dict`, so a checkpointed run
    resumes where it was."""

    def on_probe_end(self, event: ProbeEnd) -> None:
        """Called as each candidate network of the automatic recipe ends its probe, before training.

        Args:
            event: the candidate, its validation rRMSE and how many have been probed.
        """

    def for_rival(self) -> Callback | None:
        """The callback that hears the rival: where the automatic recipe made a choice its probes can
        get wrong, the choice's default side trains at full length beside the chosen run, on a
        second core, and the better on validation is kept. The rival's calls come from its own
        thread, with its own `Trainer`, so they need an object of their own.

        Returns:
            A new callback for the rival's run, or None (the default) to hear nothing of it.
        """
        return None

    def on_train_begin(self, trainer: Trainer) -> None:
        """Called once, before the first step.

        Args:
            trainer: the run: its recipe, network and step; `trainer.stop(reason)` ends it.
        """

    def on_chunk_end(self, trainer: Trainer, event: ChunkEnd) -> None:
        """Called after each chunk of steps, between compiled loops.

        Args:
            trainer: the run, as for `on_train_begin`.
            event: the chunk's losses, validation rRMSE, gradient norm and learning rate.
        """

    def on_train_end(self, trainer: Trainer) -> None:
        """Called once, after the last step, the best weights restored where they were kept.

        Args:
            trainer: the run, as for `on_train_begin`; `trainer.stop_reason` says why it ended.
        """

    def state_dict(self) -> dict[str, Any]:
        """What a checkpoint keeps of this callback.

        Returns:
            Plain values, lists, dicts and arrays; empty for a callback without state.
        """
        return {}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Take back what `state_dict` returned, when a run resumes from its checkpoint.

        Args:
            state: as `state_dict` returned it.
        """


class History(Callback):
    """Records every ChunkEnd as a dict: step, epoch, progress, train_loss, val_loss, val_rrmse, grad_norm, lr,
    elapsed."""

    def __init__(self) -> None:
        self.records: list[dict] = []

    def on_chunk_end(self, trainer: Trainer, event: ChunkEnd) -> None:
        # its fields, without asdict's deep copy: a run checked every step makes thousands of chunks
        self.records.append({k: v for k, v in vars(event).items() if k != "total_steps"})

    def state_dict(self) -> dict[str, Any]:
        return {"records": self.records}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.records = list(state["records"])


class EarlyStopping(Callback):
    """Stops when the validation loss has not improved for `patience` checks, once the learning rate
    has annealed; can restore the best weights.

    A plateau at a high learning rate is the rate's noise floor, not the network's: the annealing
    that follows usually lowers the loss by an order of magnitude, so stopping there would make a
    longer run worse than a shorter one. Until the rate has fallen to `ANNEALED` of its start
    (a constant schedule never does, and may stop at once), the best weights are only kept.
    """

    ANNEALED = 0.1  # a cosine reaches it at 80 % of the run

    def __init__(self, patience: float, restore_best: bool = True) -> None:
        self.patience = patience
        self.restore_best = restore_best
        self.best = math.inf
        self.best_step = 0
        self.best_params: Params | None = None
        self.waited = 0

    def on_chunk_end(self, trainer: Trainer, event: ChunkEnd) -> None:
        if event.val_loss is None or not math.isfinite(event.val_loss):
            return
        if event.val_loss < self.best:
            self.best, self.best_step, self.best_params, self.waited = event.val_loss, event.step, trainer.params, 0
            return
        self.waited += 1
        if self.waited >= self.patience and self._annealed(trainer, event):
            trainer.stop(
                f"early stop: validation loss has not improved for {self.patience} checks since step {self.best_step}"
            )

    def _annealed(self, trainer: Trainer, event: ChunkEnd) -> bool:
        recipe = trainer.recipe
        if event.lr is None or recipe.schedule == "constant":
            return True
        return event.lr <= self.ANNEALED * recipe.lr

    def on_train_end(self, trainer: Trainer) -> None:
        if self.restore_best and self.best_params is not None:
            trainer.params = self.best_params

    def state_dict(self) -> dict[str, Any]:
        return {"best": self.best, "best_step": self.best_step, "best_params": self.best_params, "waited": self.waited}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.best, self.best_step, self.waited = state["best"], state["best_step"], state["waited"]
        self.best_params = state["best_params"]


class AccuracyTarget(Callback):
    """Stops once the validation rRMSE reaches `target`; at the end says whether it did."""

    def __init__(self, target: float) -> None:
        self.target = target
        self.reached = False
        self.best: float | None = None  # the lowest validation rRMSE seen: the weights kept at the end

    def on_chunk_end(self, trainer: Trainer, event: ChunkEnd) -> None:
        if event.val_rrmse is None:
            return
        self.best = event.val_rrmse if self.best is None else min(self.best, event.val_rrmse)
        if event.val_rrmse <= self.target:
            self.reached = True
            trainer.stop(
                f"reached the target: validation rRMSE {event.val_rrmse:.3g} <= {self.target:g} at step {event.step}"
            )

    def state_dict(self) -> dict[str, Any]:
        return {"reached": self.reached, "best": self.best}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.reached, self.best = state["reached"], state["best"]

    def on_train_end(self, trainer: Trainer) -> None:
        if not self.reached and self.best is not None:
            more = "--steps or --budget" if trainer.total_steps else "--budget"
            trainer.stop_reason = (
                f"{trainer.stop_reason}; the best validation rRMSE, {self.best:.3g}, did not reach "
                f"the target {self.target:g} — raise {more}"
            )


class RichProgress(Callback):
    """A Rich progress bar on stderr: the probes of the automatic recipe as they end, then the share
    of the run done (of its steps, or of its time budget), the step and the losses.

    Args:
        description: the bar's label.
        waiting: a Rich `Status` (spinner) that a command shows while it prepares; stopped when the
            bar first has something to show.
    """

    def __init__(self, description: str = "training", waiting: Status | None = None) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TaskProgressColumn(),
            TextColumn("{task.fields[status]}"),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self.description = description
        self.waiting = waiting
        self.task: TaskID | None = None  # made when training begins
        self.choosing: TaskID | None = None  # made when the first probe ends

    def _show(self) -> None:
        if self.waiting is not None:
            self.waiting.stop()
            self.waiting = None
        self.progress.start()

    def on_probe_end(self, event: ProbeEnd) -> None:
        self._show()
        status = f"{event.probed} probed; {event.label}: validation rRMSE {event.val_rrmse:.2g}"
        if self.choosing is None:
            self.choosing = self.progress.add_task("choosing the recipe", total=None, status=status)
        # drawn at once: the last probes may end within one of the display's refreshes
        self.progress.update(self.choosing, status=status, refresh=True)

    def on_train_begin(self, trainer: Trainer) -> None:
        self._show()
        if self.choosing is not None:
            self.progress.remove_task(self.choosing)
            self.choosing = None
        self.task = self.progress.add_task(self.description, total=1000, status="compiling")

    def on_chunk_end(self, trainer: Trainer, event: ChunkEnd) -> None:
        if self.task is None:
            return
        val = f" val {event.val_loss:.3g}" if event.val_loss is not None else ""
        self.progress.update(
            self.task,
            completed=round(1000 * event.progress),
            status=f"step {event.step} loss {event.train_loss:.3g}{val}",
        )

    def on_train_end(self, trainer: Trainer) -> None:
        self.progress.stop()


class Interrupt(Callback):
    """Ctrl-C (SIGINT) ends the run after the current chunk instead of at once, so its weights,
    history and checkpoint are kept; a second Ctrl-C stops at once, as usual."""

    def __init__(self) -> None:
        self.asked = False
        self._previous: Any = None

    def _ask(self, signum: int, frame: object) -> None:
        self.asked = True
        signal.signal(signal.SIGINT, self._previous)  # a second Ctrl-C is not caught

    def on_train_begin(self, trainer: Trainer) -> None:
        if threading.current_thread() is threading.main_thread():  # only the main thread gets signals
            self._previous = signal.signal(signal.SIGINT, self._ask)

    def on_chunk_end(self, trainer: Trainer, event: ChunkEnd) -> None:
        if self.asked:
            trainer.stop(f"{INTERRUPTED} (Ctrl-C) at step {event.step}")

    def on_train_end(self, trainer: Trainer) -> None:
        if self._previous is not None and not self.asked:
            signal.signal(signal.SIGINT, self._previous)


class Halt(Callback):
    """Ends the run after the current chunk once `event` is set, as an interruption (the best
    weights are kept): for a run in a thread that another thread stops — the run beside it failed,
    or the user pressed Stop. `why` ends the stop reason: "interrupted {why}, at step N"."""

    def __init__(self, event: threading.Event, why: str = "with the run beside it") -> None:
        self.event = event
        self.why = why

    def on_chunk_end(self, trainer: Trainer, event: ChunkEnd) -> None:
        if self.event.is_set():
            trainer.stop(f"{INTERRUPTED} {self.why}, at step {event.step}")
