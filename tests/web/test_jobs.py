"""nnfit.web._jobs: fits run one at a time, stream what they find as they find it, and stop when asked."""

from __future__ import annotations

import json
import os

import pytest
from fastapi.testclient import TestClient
from playground_client import ORIGIN, QUICK, error, events

from nnfit.web import Limits, create_app


def test_a_finding_made_during_training_is_sent_when_it_is_made(client):
    settings = {"target": "x**2", "domain": "x=0:10", **QUICK, "optimizer": "sgd", "lr": 10, "steps": 500}
    stream = events(client, client.post("/api/fit", json={**settings, "early_stopping": False}).json()["id"])
    chunks = [e for e in stream if e["type"] == "chunk"]
    sent = [(c["records"][-1]["step"], f["code"]) for c in chunks for f in c["findings"]]
    assert sent == [(250, "diverged")]  # with the chunk of the step it was seen at, not at the end
    last = chunks[-1]["records"][-1]
    assert last["step"] == 250 and last["train_loss"] is None  # NaN is sent as null, valid JSON


def test_stop_ends_a_fit_keeping_its_best_weights(client):
    job = client.post("/api/fit", json={"target": "sin(x)", "domain": "x=0:6", **QUICK, "steps": 400_000}).json()
    with client.stream("GET", f"/api/jobs/{job['id']}/events") as stream:
        for line in stream.iter_lines():
            if line.startswith("data: ") and json.loads(line[6:])["type"] == "chunk":
                break
    assert client.post(f"/api/jobs/{job['id']}/stop").status_code == 200
    end = events(client, job["id"])[-1]
    assert end["state"] == "stopped"
    run = client.get(f"/api/runs/{end['run']}").json()
    assert run["info"]["stop_reason"].startswith("interrupted from the page, at step")
    assert run["info"]["steps"] < 400_000


def test_fits_run_one_at_a_time_and_the_rest_wait(runs):
    with TestClient(create_app(runs, Limits(queue=1)), base_url=ORIGIN) as client:
        long = {"target": "sin(x)", "domain": "x=0:6", **QUICK, "steps": 400_000}
        first, second = (client.post("/api/fit", json=long).json() for _ in range(2))
        third = client.post("/api/fit", json=long)
        assert third.status_code == 400 and "1 fits are already waiting" in error(third)
        waiting = client.get("/api/jobs").json()
        assert [(j["id"], j["state"]) for j in waiting][1:] == [(second["id"], "queued")]
        for job in (second, first):
            client.post(f"/api/jobs/{job['id']}/stop")
        assert events(client, second["id"])[-1]["state"] == "stopped"
        assert events(client, first["id"])[-1]["state"] == "stopped"


if os.name != "posix":  # symlinks and POSIX paths above
    pytestmark = pytest.mark.skip("the playground's path tests are written for POSIX")
