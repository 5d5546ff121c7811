"""The playground's tests each get a runs folder of their own, and a client of a server over it."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from playground_client import ORIGIN

from nnfit.web import create_app


@pytest.fixture
def runs(tmp_path) -> Path:
    return tmp_path / "runs"


@pytest.fixture
def client(runs):
    with TestClient(create_app(runs), base_url=ORIGIN) as client:
        yield client
