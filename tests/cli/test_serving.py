"""nnfit serve: it prints its caps, warns off loopback, and stops quietly on Ctrl-C keeping the running fit."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time

import httpx2 as httpx  # the client FastAPI's test client uses
import pytest
from playground_client import QUICK


def test_serve_prints_its_caps_and_warns_off_loopback(cli, monkeypatch):
    import nnfit.web

    served = {}
    monkeypatch.setattr(nnfit.web, "serve", lambda root, host, port, limits, open_browser: served.update(locals()))
    outcome = cli("serve", "--host", "0.0.0.0", "--max-steps", "1000", "--no-browser")
    assert outcome.code == 0
    assert "1000 steps" in outcome.out and "the page has no login" in outcome.out
    assert served["limits"].steps == 1000 and served["open_browser"] is False
    assert "no login" not in cli("serve", "--no-browser").out


def test_ctrl_c_stops_the_server_quietly_and_keeps_the_running_fit(tmp_path):
    with socket.socket() as probe:  # a free port on loopback
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "nnfit", "serve", "--no-browser", "--port", str(port), "--runs", str(tmp_path)]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(300):  # up to 30 s to start
            try:
                httpx.get(f"{url}/api/jobs")
                break
            except httpx.TransportError:
                time.sleep(0.1)
        job = httpx.post(f"{url}/api/fit", json={"target": "sin(x)", "domain": "x=0:6", **QUICK, "steps": 400_000})
        with httpx.stream("GET", f"{url}/api/jobs/{job.json()['id']}/events", timeout=60) as stream:
            next(line for line in stream.iter_lines() if '"type": "chunk"' in line)
        server.send_signal(signal.SIGINT)
        out, err = server.communicate(timeout=60)
    finally:
        if server.poll() is None:
            server.kill()
            server.communicate()
    assert server.returncode == 0 and err == "", err
    assert out.startswith(f"nnfit playground on {url}/")
    (run,) = tmp_path.glob("0*")
    stop = json.loads((run / "run.json").read_text())["stop_reason"]
    assert stop.startswith("interrupted as the server stopped, at step")


if os.name != "posix":  # symlinks and POSIX paths above
    pytestmark = pytest.mark.skip("the playground's path tests are written for POSIX")
