"""How the playground's tests talk to it: as the page does, from its own origin, through FastAPI's
test client; a fit of about a second, its events read until it ends, and an error's one line."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

ORIGIN = "http://127.0.0.1:8765"


QUICK = {"auto": False, "hidden": "8", "steps": 200, "samples": 500}  # a fit of about a second


def events(client: TestClient, job: int) -> list[dict]:
    """Every event of a fit, read from its stream until it ends."""
    seen = []
    with client.stream("GET", f"/api/jobs/{job}/events") as stream:
        for line in stream.iter_lines():
            if line.startswith("data: "):
                seen.append(json.loads(line[len("data: ") :]))
    return seen


def fitted(client: TestClient, **settings) -> str:
    """Fit through the API; the name of the run directory written."""
    answer = client.post("/api/fit", json=settings)
    assert answer.status_code == 200, answer.json()
    end = events(client, answer.json()["id"])[-1]
    assert end["type"] == "end" and end["error"] is None, end
    return end["run"]


def error(response) -> str:
    """The one-line error of a refused request."""
    body = response.json()
    assert set(body) == {"error"} and "\n" not in body["error"] and "Traceback" not in body["error"]
    return body["error"]
