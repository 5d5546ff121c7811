"""Where a sweep's trials are kept: Optuna's storages, with heartbeats on every one of them.

The default is a journal file in the sweep's folder, which the processes of one machine share
with no server. A ``postgresql://user@host:port/db`` URL uses Optuna's RDB storage, which any
number of machines share. Either way each running trial sends a heartbeat; a trial whose worker
has been silent for `GRACE` heartbeats is marked failed by the next worker to look, and Optuna's
retry callback puts the same parameters back in the queue.
"""

from __future__ import annotations

import time
import warnings
from pathlib import Path
from urllib.parse import urlsplit

import optuna
from optuna.storages import BaseStorage, JournalStorage, RDBStorage, RetryHeartbeatStaleTrialCallback
from optuna.storages._heartbeat import BaseHeartbeat
from optuna.storages.journal import JournalFileBackend
from optuna.trial import FrozenTrial, TrialState
from sqlalchemy.exc import IntegrityError, ProgrammingError, SQLAlchemyError

from ..errors import NnfitError

# The SQLAlchemy dialects whose databases Optuna's RDB storage supports, with or without a driver
# (postgresql+psycopg2://); SQLite is left out: Optuna's guide warns against it for parallel workers.
SCHEMES = ("postgresql", "mysql")
GRACE = 3  # heartbeats missed before a trial is taken for dead: one late beat is not a death
RETRIES = 3  # a trial that kills its worker each time is not retried for ever
CONNECT_SECONDS = 5  # an unreachable database is reported within this, not after the OS's minutes
CREATE_ATTEMPTS = 5  # of opening a new database that other workers are setting up at the same moment
HEARTBEAT_KEY = "nnfit:heartbeat"  # a trial's system attribute: the time of its worker's last beat


class StorageError(NnfitError):
    """A storage URL that is malformed, of an unknown kind, or whose database cannot be reached."""


class HeartbeatJournal(JournalStorage, BaseHeartbeat):
    """Optuna's journal storage with the heartbeat that its RDB storage has: each running trial's
    last beat is a system attribute, and a trial not heard from for `grace` seconds is stale."""

    def __init__(self, path: Path, interval: int) -> None:
        super().__init__(JournalFileBackend(str(path)))
        self.interval, self.grace = interval, GRACE * interval

    def record_heartbeat(self, trial_id: int) -> None:
        self.set_trial_system_attr(trial_id, HEARTBEAT_KEY, time.time())

    def _get_stale_trial_ids(self, study_id: int) -> list[int]:
        now = time.time()
        running = self.get_all_trials(study_id, deepcopy=False, states=(TrialState.RUNNING,))
        # a retried trial inherits its dead predecessor's last beat: its own start counts as a beat too
        return [t._trial_id for t in running if now - _last_beat(t) > self.grace]

    def get_heartbeat_interval(self) -> int:
        return self.interval

    def get_heartbeat_stale_trial_callback(self) -> RetryHeartbeatStaleTrialCallback:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
            return RetryHeartbeatStaleTrialCallback(max_retry=RETRIES)


def _last_beat(trial: FrozenTrial) -> float:
    """When the trial's worker was last heard from: its last heartbeat, or its start if later."""
    started = trial.datetime_start.timestamp() if trial.datetime_start else time.time()
    return max(trial.system_attrs.get(HEARTBEAT_KEY, started), started)


def open_storage(where: str | Path, heartbeat: int) -> BaseStorage:
    """The storage at `where`: a database URL (postgresql://user@host:port/db) or a journal file's
    path; each running trial beats every `heartbeat` seconds."""
    text = str(where)
    if "://" not in text:
        return HeartbeatJournal(Path(text), heartbeat)
    parts = urlsplit(text)
    scheme = parts.scheme.split("+")[0]
    if scheme not in SCHEMES:
        raise StorageError(
            f"unknown storage scheme {parts.scheme!r} in {text!r} — give postgresql://user@host:port/db, "
            "or leave out --storage for a journal file in the sweep's folder"
        )
    try:
        where_to = f"{parts.hostname or 'localhost'}:{parts.port or 5432}"
    except ValueError:  # a port that is not a number
        raise StorageError(
            f"the storage URL {text!r} has no valid port — e.g. postgresql://user@host:5432/db"
        ) from None
    for attempt in range(CREATE_ATTEMPTS):
        try:
            return _database(text, heartbeat)
        except ImportError:
            raise StorageError(
                f"no database driver for {parts.scheme}:// is installed — pip install 'nnfit[postgres]' "
                "(psycopg, for PostgreSQL)"
            ) from None
        except (IntegrityError, ProgrammingError):
            # workers that start at once on a new database race to create Optuna's tables: the loser retries
            time.sleep(0.2 * (attempt + 1))
        except SQLAlchemyError as exc:  # OperationalError and kin: the driver's first line says why
            reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise StorageError(f"cannot reach the database at {where_to}: {reason}") from None
    raise StorageError(f"could not create the sweep's tables in the database at {where_to}; try again")


def _database(url: str, heartbeat: int) -> RDBStorage:
    """Optuna's RDB storage at `url`, with heartbeats and retries of dead workers' trials."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)  # heartbeats: experimental since 2.9
        return RDBStorage(
            url,
            engine_kwargs={"connect_args": {"connect_timeout": CONNECT_SECONDS}},
            heartbeat_interval=heartbeat,
            grace_period=GRACE * heartbeat,
            heartbeat_stale_trial_callback=RetryHeartbeatStaleTrialCallback(max_retry=RETRIES),
        )
