"""nnfit.engine._callbacks: the history, early stopping and a halt, each told of the run between chunks."""

import threading

import pytest
from linear_task import train

from nnfit.engine import Callback, EarlyStopping, Halt
from nnfit.recipe import Recipe


def test_history_records_each_check():
    trainer, _ = train(Recipe(steps=300, eval_every=100, early_stopping=False))
    records = trainer.callbacks[0].records
    assert [r["step"] for r in records] == [100, 200, 300]
    assert set(records[0]) == {
        "step",
        "epoch",
        "progress",
        "train_loss",
        "val_loss",
        "val_rrmse",
        "grad_norm",
        "lr",
        "elapsed",
    }
    assert [r["progress"] for r in records] == pytest.approx([1 / 3, 2 / 3, 1])
    assert records[-1]["epoch"] == pytest.approx(300 / (512 // 128))


def test_early_stopping_restores_the_best_weights():
    class Spy(Callback):
        def on_chunk_end(self, trainer, event):
            self.last = trainer.params

    spy, stopping = Spy(), EarlyStopping(patience=2, restore_best=True)
    # lr so high the loss climbs after the first check
    trainer, params = train(
        Recipe(optimizer="sgd", lr=2.5, schedule="constant", steps=2000, eval_every=10, early_stopping=False),
        callbacks=[stopping, spy],
    )
    assert trainer.stop_reason.startswith("early stop") and trainer.step < 2000
    assert params is stopping.best_params and params is not spy.last


def test_early_stopping_waits_for_the_learning_rate_to_anneal():
    """A plateau at a high rate is the rate's noise: stopping there would make longer runs worse."""
    stopping = EarlyStopping(patience=2, restore_best=True)
    trainer, _ = train(
        Recipe(optimizer="sgd", lr=2.5, schedule="cosine", steps=2000, eval_every=10, early_stopping=False),
        callbacks=[stopping],
    )
    records = trainer.callbacks[0].records
    annealed = next(r["step"] for r in records if r["lr"] <= EarlyStopping.ANNEALED * 2.5)
    assert annealed > 1500  # a cosine reaches a tenth of its rate at 80 % of the run
    assert trainer.step >= annealed


@pytest.mark.parametrize("halted", [False, True])
def test_a_run_beside_another_stops_after_a_chunk_once_halted(halted):
    event = threading.Event()
    if halted:
        event.set()
    trainer, _ = train(Recipe(steps=1000, eval_every=100, early_stopping=False), callbacks=[Halt(event)])
    assert trainer.step == (100 if halted else 1000)
    assert trainer.stop_reason.startswith("interrupted" if halted else "completed")
