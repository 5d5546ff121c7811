"""Where a sweep's trials are kept: a journal file with heartbeats, or a database; bad storage is
one clear error."""

from __future__ import annotations

import time

import optuna
import pytest
from optuna.trial import TrialState

from nnfit.sweeps._storage import GRACE, HEARTBEAT_KEY, StorageError, open_storage


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("redis://localhost/0", "unknown storage scheme 'redis' in 'redis://localhost/0'"),
        ("sqlite:///sweep.db", "unknown storage scheme 'sqlite'"),
        ("postgresql://me@localhost:port/db", "has no valid port"),
    ],
)
def test_a_storage_of_an_unknown_kind_is_refused(url, message):
    with pytest.raises(StorageError, match=message):
        open_storage(url, 5)


def test_an_unreachable_database_is_named_within_seconds():
    started = time.perf_counter()
    with pytest.raises(StorageError, match="cannot reach the database at 127.0.0.1:1: .*refused"):
        open_storage("postgresql://me@127.0.0.1:1/sweeps", 5)
    assert time.perf_counter() - started < 10


def test_a_journal_trial_whose_worker_went_silent_is_failed_and_retried(tmp_path):
    storage = open_storage(tmp_path / "journal.log", heartbeat=1)
    study = optuna.create_study(storage=storage, study_name="s")
    trial = study.ask()
    trial.suggest_float("lr", 1e-4, 1e-1, log=True)
    storage.record_heartbeat(trial._trial_id)
    optuna.storages.fail_stale_trials(study)
    assert study.trials[0].state == TrialState.RUNNING  # heard from just now
    storage.set_trial_system_attr(trial._trial_id, HEARTBEAT_KEY, time.time() - GRACE - 1)
    time.sleep(GRACE + 0.1)  # its start is a beat too
    optuna.storages.fail_stale_trials(study)
    dead, retry = study.trials
    assert dead.state == TrialState.FAIL
    assert retry.state == TrialState.WAITING
    assert retry.params == dead.params and retry.system_attrs["failed_trial"] == dead.number
