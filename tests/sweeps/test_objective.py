"""One trial of a sweep: the pruning callback reports each tenth of a run once and stops a trial
its pruner rejects; a trial counts as done when complete, pruned, or failed by its recipe."""

import optuna
import pytest
from optuna.trial import TrialState, create_trial

from nnfit.engine import ChunkEnd
from nnfit.sweeps._objective import ERROR, Pruning, describe, finished


def _chunk(progress: float, val_rrmse: float) -> ChunkEnd:
    return ChunkEnd(100, 1000, 1.0, progress, 0.1, 0.1, val_rrmse, 1.0, 1e-2, 0.5)


def test_the_pruner_hears_each_tenth_of_a_run_and_stops_a_trial_it_rejects():
    study = optuna.create_study(pruner=optuna.pruners.ThresholdPruner(upper=0.05))
    trial = study.ask()
    pruning = Pruning(trial)
    pruning.on_chunk_end(None, _chunk(0.05, 0.5))  # before the first tenth: nothing to report
    pruning.on_chunk_end(None, _chunk(0.12, 0.04))
    pruning.on_chunk_end(None, _chunk(0.18, 0.03))  # the same tenth: reported once
    assert study.trials[0].intermediate_values == {1: 0.04}
    with pytest.raises(optuna.TrialPruned, match="validation rRMSE 0.5 at step 100"):
        pruning.on_chunk_end(None, _chunk(0.31, 0.5))
    assert study.trials[0].intermediate_values == {1: 0.04, 3: 0.5}


@pytest.mark.parametrize(
    "state, attrs, done",
    [
        (TrialState.COMPLETE, {}, True),
        (TrialState.PRUNED, {}, True),
        (TrialState.FAIL, {ERROR: "lbfgs cannot train an ensemble"}, True),  # its recipe: not run again
        (TrialState.FAIL, {}, False),  # its worker died or was stopped: run again
    ],
    ids=["complete", "pruned", "failed by its recipe", "failed by its worker"],
)
def test_a_trial_is_done_unless_its_worker_failed_it(state, attrs, done):
    values = [0.1] if state == TrialState.COMPLETE else None
    trial = create_trial(state=state, value=values[0] if values else None, user_attrs=attrs)
    assert finished(trial) is done


def test_a_trials_parameters_read_in_one_line():
    assert describe({"hidden": "64,64", "lr": 0.0031415, "ensemble": 2}) == "hidden=64,64 lr=0.00314 ensemble=2"
