"""The playground: `nnfit serve`, a local web page that fits a formula or a data file live.

The page (static/) talks to the JSON API of `nnfit.web.app`, whose fits run one at a time in
`nnfit.web.jobs` and stream their progress as server-sent events.
"""

from __future__ import annotations

import contextlib
import signal
import threading
import webbrowser
from collections.abc import Iterator
from pathlib import Path

from ._app import LOOPBACK, create_app
from ._jobs import Limits

__all__ = ["LOOPBACK", "Limits", "create_app", "running", "serve"]
STARTUP_SECONDS = 30.0  # to wait for the server to listen before giving up


@contextlib.contextmanager
def running(root: Path, limits: Limits | None = None, port: int = 0) -> Iterator[str]:
    """The playground served on 127.0.0.1 from a background thread while the `with` block runs
    (for notebooks, tests and benchmarks); yields its address, http://127.0.0.1:PORT. Port 0
    takes a free one. Stops it, and its fits, on leaving."""
    import uvicorn

    server = uvicorn.Server(
        uvicorn.Config(create_app(root, limits), host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, name="nnfit-playground", daemon=True)
    thread.start()
    waited = threading.Event()
    for _ in range(int(STARTUP_SECONDS / 0.05)):
        if server.started or not thread.is_alive():
            break
        waited.wait(0.05)
    if not server.started:
        server.should_exit = True
        raise RuntimeError(f"the playground did not start on 127.0.0.1:{port}")
    try:
        yield f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=STARTUP_SECONDS)


def serve(root: Path, host: str, port: int, limits: Limits, open_browser: bool = True) -> None:
    """Serve the playground on host:port until Ctrl-C, opening it in a browser once it listens."""
    import uvicorn

    class Quiet(uvicorn.Server):
        """Ctrl-C shuts the server down, its running fit saved, and returns: uvicorn's own handler
        raises the signal again once shut down, which cancels a task mid-wait and logs a traceback."""

        @contextlib.contextmanager
        def capture_signals(self) -> Iterator[None]:
            previous = {sig: signal.signal(sig, self.handle_exit) for sig in (signal.SIGINT, signal.SIGTERM)}
            try:
                yield
            finally:
                for sig, handler in previous.items():
                    signal.signal(sig, handler)

    hosts = LOOPBACK if host in LOOPBACK else None  # an address named on purpose: any Host header
    server = Quiet(uvicorn.Config(create_app(root, limits, hosts), host=host, port=port, log_level="warning"))
    if open_browser:

        def opened() -> None:
            while not server.started and not server.should_exit:
                threading.Event().wait(0.05)
            if server.started:
                webbrowser.open(f"http://{'127.0.0.1' if host in LOOPBACK else host}:{port}/")

        threading.Thread(target=opened, daemon=True).start()
    server.run()
