"""Shared helpers: run the CLI in-process, as a user would see it (exit code, stdout, stderr).

The test run keeps its own compilation cache, so it neither reads nor fills the user's.
"""

from __future__ import annotations

import atexit
import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from nnfit.cli import run

if "NNFIT_CACHE_DIR" not in os.environ:  # the run's own, shared by its workers and removed as it ends
    os.environ["NNFIT_CACHE_DIR"] = tempfile.mkdtemp(prefix="nnfit-test-cache-")
    atexit.register(shutil.rmtree, os.environ["NNFIT_CACHE_DIR"], ignore_errors=True)
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


@dataclass
class Postgres:
    """A PostgreSQL server on 127.0.0.1 that a test session started; `database()` makes a new one."""

    port: int
    user: str
    bin: Path
    made: int = 0

    def database(self) -> str:
        """A fresh, empty database's URL."""
        self.made += 1
        name = f"sweeps{self.made}"
        subprocess.run(
            [str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", self.user, name], check=True
        )
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{name}"


def _postgres_bin() -> Path | None:
    """The folder of initdb, pg_ctl and createdb: Debian's /usr/lib/postgresql/VERSION/bin, or the PATH's."""
    on_path = [Path(found).parent for found in [shutil.which("initdb")] if found]
    for folder in [*sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True), *on_path]:
        if all((folder / tool).is_file() for tool in ("initdb", "pg_ctl", "createdb")):
            return folder
    return None


@pytest.fixture(scope="session")
def postgres():
    """A real PostgreSQL server for the session, run by initdb and pg_ctl under a non-root user
    (PostgreSQL refuses root), listening on 127.0.0.1 only, stopped at the end."""
    folder = _postgres_bin()
    if folder is None:
        need("PostgreSQL", "install Debian's postgresql package (apt-get install postgresql)")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        need("psycopg", "pip install 'nnfit[postgres]'")
    root = Path(tempfile.mkdtemp(prefix="nnfit-postgres-"))  # not under pytest's folder, which only root may enter
    runner: list[str] = []
    if os.geteuid() == 0:  # as root, the server runs as the postgres user, or nobody
        account = "postgres" if _user_exists("postgres") else "nobody"
        shutil.chown(root, account)
        runner = ["runuser", "-u", account, "--"]
    with socket.socket() as s:  # a free port: the kernel's choice, released for the server to take
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    data, user = root / "data", "nnfit"
    subprocess.run(
        [*runner, str(folder / "initdb"), "-D", str(data), "-U", user, "--auth=trust", "-E", "UTF8"],
        check=True,
        capture_output=True,
    )
    options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50"
    control = [*runner, str(folder / "pg_ctl"), "-D", str(data), "-w"]
    subprocess.run([*control, "-l", str(root / "log"), "-o", options, "start"], check=True, capture_output=True)
    try:
        yield Postgres(port, user, folder)
    finally:
        subprocess.run([*control, "-m", "immediate", "stop"], capture_output=True, check=False)
        shutil.rmtree(root, ignore_errors=True)


def _user_exists(name: str) -> bool:
    import pwd

    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


# The modules that take longest (about a minute or more of a worker on 2 cores), first: the workers
# take modules in collection order (--dist loadscope), and a long one taken last keeps one worker
# busy while the other waits.
LONGEST_FIRST = (
    "project/test_docs.py",
    "checks/test_doctor.py",
    "sweeps/test_sweep.py",
    "project/test_benchmarks.py",
    "auto/test_probes.py",
    "web/test_serve.py",
    "project/test_release.py",
    "fitting/test_conductor.py",
    "fitting/test_fixes.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Reorder the collected tests: LONGEST_FIRST's modules first, each module's tests in their order."""

    def rank(item: pytest.Item) -> int:
        path = item.path.as_posix()
        return next((i for i, name in enumerate(LONGEST_FIRST) if path.endswith("tests/" + name)), len(LONGEST_FIRST))

    items.sort(key=rank)  # stable: the rest keep their order
