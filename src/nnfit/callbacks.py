"""Behaviour around the training loop: history, early stopping, time budget and progress."""

from __future__ import annotations

import math
from dataclasses import asdict

from .models import Params
from .train import Callback, ChunkEnd, Trainer


class History(Callback):
    """Records every ChunkEnd as a dict: step, epoch, train_loss, val_loss, val_rrmse, grad_norm, lr, elapsed."""

    def __init__(self) -> None:
        self.records: list[dict] = []

    def on_chunk_end(self, trainer: Trainer, event: ChunkEnd) -> None:
        self.records.append({k: v for k, v in asdict(event).items() if k != "total_steps"})


class EarlyStopping(Callback):
    """Stops when the validation loss has not improved for `patience` checks; can restore the best."""

    def __init__(self, patience: int, restore_best: bool = True) -> None:
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
        if self.waited >= self.patience:
            trainer.stop(f"early stop: validation loss has not improved for {self.patience} checks "
                         f"since step {self.best_step}")

    def on_train_end(self, trainer: Trainer) -> None:
        if self.restore_best and self.best_params is not None:
            trainer.params = self.best_params


class TimeBudget(Callback):
    """Stops once `seconds` of training (compilation included) have passed."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def on_chunk_end(self, trainer: Trainer, event: ChunkEnd) -> None:
        if event.elapsed >= self.seconds:
            trainer.stop(f"time budget of {self.seconds:g} s spent at step {event.step}")


class AccuracyTarget(Callback):
    """Stops once the validation rRMSE reaches `target`; at the end says whether it did."""

    def __init__(self, target: float) -> None:
        self.target = target
        self.reached = False
        self.last: float | None = None

    def on_chunk_end(self, trainer: Trainer, event: ChunkEnd) -> None:
        self.last = event.val_rrmse
        if event.val_rrmse is not None and event.val_rrmse <= self.target:
            self.reached = True
            trainer.stop(f"reached the target: validation rRMSE {event.val_rrmse:.3g} <= {self.target:g} "
                         f"at step {event.step}")

    def on_train_end(self, trainer: Trainer) -> None:
        if not self.reached and self.last is not None:
            why = trainer.stop_reason or f"all {trainer.step} steps ran"
            trainer.stop_reason = (f"{why}; validation rRMSE {self.last:.3g} did not reach the target "
                                   f"{self.target:g} — raise --steps or --budget")


class RichProgress(Callback):
    """A Rich progress bar on stderr with the step, losses and learning rate."""

    def __init__(self, description: str = "training") -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                 TextColumn("{task.fields[status]}"), TimeElapsedColumn(),
                                 console=Console(stderr=True), transient=True)
        self.description = description
        self.task = None

    def on_train_begin(self, trainer: Trainer) -> None:
        self.progress.start()
        self.task = self.progress.add_task(self.description, total=trainer.total_steps, status="compiling")

    def on_chunk_end(self, trainer: Trainer, event: ChunkEnd) -> None:
        val = f" val {event.val_loss:.3g}" if event.val_loss is not None else ""
        self.progress.update(self.task, completed=event.step, status=f"loss {event.train_loss:.3g}{val}")

    def on_train_end(self, trainer: Trainer) -> None:
        self.progress.stop()
