"""nnfit.web._app: the guard against other sites and hosts, and every error as one line of JSON."""

from __future__ import annotations

import os

import pytest
from fastapi.testclient import TestClient
from playground_client import ORIGIN, QUICK, error, fitted

from nnfit.web import create_app


def test_bad_json_is_one_line(client):
    answer = client.post("/api/fit", content=b"{not json", headers={"Content-Type": "application/json"})
    assert answer.status_code == 400 and error(answer).startswith("bad request")


@pytest.mark.parametrize(
    "headers",
    [{"Origin": "http://evil.example"}, {"Origin": "null"}, {"Sec-Fetch-Site": "cross-site"}],
)
def test_a_post_from_another_site_is_refused(client, headers):
    answer = client.post("/api/fit", json={"target": "x", "domain": "x=0:1"}, headers=headers)
    assert answer.status_code == 403 and "another site" in error(answer)
    assert client.get("/api/jobs").json() == []


def test_a_post_from_the_page_itself_is_taken(client):
    answer = client.post("/api/check", json={"target": "x"}, headers={"Origin": ORIGIN})
    assert answer.status_code == 200


def test_a_name_that_is_not_loopback_is_refused(client):
    # another site's name resolving to 127.0.0.1 (DNS rebinding) must not reach the API
    answer = client.get("/api/runs", headers={"Host": "evil.example:8765"})
    assert answer.status_code == 400 and "not this server's" in error(answer)


def test_an_unexpected_failure_is_one_line(runs, monkeypatch):
    from nnfit.web import _routes

    def broken(path):
        raise RuntimeError("disk on fire\nsecond line")

    with TestClient(create_app(runs), base_url=ORIGIN, raise_server_exceptions=False) as client:
        name = fitted(client, target="x", domain="x=0:1", **QUICK)
        monkeypatch.setattr(_routes, "load", broken)
        answer = client.get(f"/api/runs/{name}")
        assert answer.status_code == 500 and error(answer) == "internal error (RuntimeError: disk on fire)"


if os.name != "posix":  # symlinks and POSIX paths above
    pytestmark = pytest.mark.skip("the playground's path tests are written for POSIX")
