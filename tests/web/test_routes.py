"""The playground's JSON API (nnfit.web._routes) through FastAPI's test client: every route, as the page uses it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from playground_client import ORIGIN, QUICK, error, events, fitted

from nnfit.config import read_config
from nnfit.recipe import Recipe
from nnfit.task import Task
from nnfit.web import Limits, create_app

ROOT = Path(__file__).resolve().parents[2]


def test_the_page_and_plotly_are_served_from_this_machine(client):
    page = client.get("/")
    assert page.status_code == 200 and '<script src="/static/plotly.min.js">' in page.text
    assert "http" not in page.text.replace("http-equiv", "")  # no script or style from the network
    plotly = client.get("/static/plotly.min.js")
    assert plotly.status_code == 200 and len(plotly.content) > 1_000_000
    assert client.get("/static/app.js").status_code == 200


def test_the_schema_holds_every_field_of_the_two_tables(client):
    schema = client.get("/api/schema").json()
    assert [f["name"] for f in schema["task"]] == list(Task.params())
    assert [f["name"] for f in schema["recipe"]] == list(Recipe.params())
    activation = next(f for f in schema["recipe"] if f["name"] == "activation")
    assert activation["choices"] == list(Recipe.params()["activation"].choices)
    presets = {p["name"]: p["settings"] for p in schema["presets"]}
    assert presets["default"] == {}
    assert presets["seed000-softmax"] == read_config(ROOT / "examples" / "seed000-softmax.yaml")
    assert schema["limits"] == Limits().to_dict()


@pytest.mark.parametrize(
    ("target", "answer"),
    [
        ("x^2 + 2*y", {"kind": "formula", "formula": "f = x**2 + 2*y", "variables": ["x", "y"], "outputs": ["f"]}),
        ("u = sin(x); v = x*t", {"kind": "formula", "formula": "u = sin(x); v = t*x", "variables": ["x", "t"]}),
    ],
)
def test_a_formula_is_checked_as_typed(client, target, answer):
    checked = client.post("/api/check", json={"target": target}).json()
    assert {k: checked[k] for k in answer} == answer


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("x**2 +", "cannot parse formula 'x**2 +'"),
        ("foo(x)", "unknown function 'foo'"),
        ("", "the formula is empty"),
        ("__import__('os')", "unknown function '__import__'"),
    ],
)
def test_a_bad_formula_gets_the_command_lines_one_line(client, cli, target, message):
    answer = client.post("/api/check", json={"target": target})
    assert answer.status_code == 400
    assert message in error(answer)
    command_line = cli("fit", target or " ", "--domain", "x=0:1")
    assert error(answer) in command_line.err


def test_a_fit_streams_its_training_then_its_run_is_complete(client, runs):
    answer = client.post("/api/fit", json={"target": "sin(x)", "domain": "x=0:6", "query": "1; 9", **QUICK}).json()
    assert answer["command"] == "nnfit fit 'sin(x)' --domain x=0:6 --samples 500 --query '1; 9' --no-auto " + (
        "--hidden 8 --steps 200"
    )
    stream = events(client, answer["id"])
    kinds = [e["type"] for e in stream]
    assert kinds[0] == "state" and kinds[-1] == "end" and "begin" in kinds
    chunks = [e for e in stream if e["type"] == "chunk"]
    records = [record for chunk in chunks for record in chunk["records"]]
    assert records[-1]["step"] == 200 and records[-1]["progress"] == 1.0
    assert all(len(chunk["fit"]) == 200 for chunk in chunks)  # the fit over the 2x box, drawn as it trains
    begin = next(e for e in stream if e["type"] == "begin")
    assert begin["axes"][0][0] == -3.0 and begin["axes"][0][-1] == 9.0  # twice the domain x=0:6
    name = stream[-1]["run"]
    assert (runs / name / "run.json").is_file() and not (runs / name / "unfinished.json").exists()
    listed = client.get("/api/runs").json()
    assert [(r["name"], r["status"], r["target"]) for r in listed] == [(name, "complete", "sin(x)")]
    run = client.get(f"/api/runs/{name}").json()
    assert [r["step"] for r in records] == [r["step"] for r in run["history"]]  # every check reached the page
    assert run["evaluation"]["test"]["rrmse"] == listed[0]["test_rrmse"]
    assert [q["inside"] for q in run["queries"]] == [True, False]
    lower, upper = run["live"]["lower"], run["live"]["upper"]  # the band in the fit plot, out to 2x the domain
    assert len(lower) == len(run["live"]["fit"]) and None not in lower and None not in upper
    middle = len(lower) // 2
    assert lower[middle] < run["live"]["fit"][middle] < upper[middle]
    assert run["command"].startswith("nnfit fit 'sin(x)' --domain x=0:6")
    assert "shape.png" in run["figures"] and "report.html" in run["files"]
    assert client.get(f"/runs/{name}/report.html").text.startswith("<!DOCTYPE html>")


def test_query_points_are_predicted_and_placed(client):
    name = fitted(client, target="x**2", domain="x=0:1", **QUICK)
    queries = client.post(f"/api/runs/{name}/query", json={"points": "0.5; 3"}).json()
    assert [(q["point"], q["truth"], q["inside"]) for q in queries] == [([0.5], [0.25], True), ([3.0], [9.0], False)]
    assert abs(queries[0]["prediction"][0] - 0.25) < 0.1  # measured 0.02 off after 200 steps
    assert "point '1,2' has 2 values; give 1" in error(client.post(f"/api/runs/{name}/query", json={"points": "1,2"}))


def test_a_fit_with_discover_shows_the_law_beside_the_network(client):
    plain = client.get(f"/api/runs/{fitted(client, target='x**2', domain='x=0:1', **QUICK)}").json()
    assert plain["laws"] == []
    run = client.get(f"/api/runs/{fitted(client, target='x**2', domain='x=1:2', discover=True, **QUICK)}").json()
    (law,) = run["laws"]
    assert law["expression"] == "x**2" and law["evidence"].startswith("x**2: validation rRMSE")
    assert [row["set"] for row in law["versus"]] == ["test", "1-1.5x", "1.5-2x"]
    for row in law["versus"]:
        assert row["law rRMSE"] <= 1e-9 and row["network rRMSE"] == run["evaluation"][row["set"]]["rrmse"]


@pytest.mark.parametrize(("format_", "files"), [("onnx", ["model.onnx"]), ("numpy", ["model.py", "model.npz"])])
def test_a_run_is_exported_for_download(client, runs, format_, files):
    name = fitted(client, target="x**2", domain="x=0:1", **QUICK)
    assert client.post(f"/api/runs/{name}/export/{format_}").json() == {"files": files}
    assert client.get(f"/runs/{name}/{files[0]}").status_code == 200
    assert "export format must be one of" in error(client.post(f"/api/runs/{name}/export/pickle"))


def test_a_data_file_is_uploaded_then_fitted(client, runs):
    uploaded = client.post("/api/upload?name=m.csv", content=(ROOT / "examples" / "measurements.csv").read_bytes())
    assert uploaded.json() == {"target": str(runs / ".uploads" / "m.csv"), "columns": ["a", "b", "y"]}
    assert client.post("/api/check", json={"target": "m.csv"}).json() == {"kind": "data", "columns": ["a", "b", "y"]}
    name = fitted(client, target=uploaded.json()["target"], outputs="y", steps=300, auto=False, hidden="8")
    assert client.get(f"/api/runs/{name}").json()["inputs"] == ["a", "b"]


@pytest.mark.parametrize(
    ("name", "content", "status", "message"),
    [
        ("../m.csv", b"a,b\n1,2\n", 400, "must be a plain file name"),
        ("sub/m.csv", b"a,b\n1,2\n", 400, "must be a plain file name"),
        (".m.csv", b"a,b\n1,2\n", 400, "must be a plain file name"),
        ("m.txt", b"a,b\n1,2\n", 400, "must be a plain file name"),
        ("m.csv", b"\x00\x01\x02 binary", 400, "m.csv"),
        ("m.parquet", b"a,b\n1,2\n", 400, "m.parquet"),
    ],
)
def test_a_bad_upload_is_refused_and_nothing_is_left(client, runs, name, content, status, message):
    answer = client.post(f"/api/upload?name={name}", content=content)
    assert answer.status_code == status and message in error(answer)
    assert not [p for p in (runs / ".uploads").glob("*") if p.is_file()] if (runs / ".uploads").exists() else True


def test_an_upload_over_the_cap_is_refused(runs):
    with TestClient(create_app(runs, Limits(upload=1000)), base_url=ORIGIN) as client:
        answer = client.post("/api/upload?name=big.csv", content=b"a,b\n" + b"1,2\n" * 1000)
        assert answer.status_code == 413 and "over this server's cap of" in error(answer)
        assert list((runs / ".uploads").iterdir()) == []


@pytest.mark.parametrize(
    "target",
    ["/etc/passwd.csv", "../secret.csv", str(ROOT / "examples" / "measurements.csv"), "examples/measurements.csv"],
)
def test_a_data_file_that_was_not_uploaded_is_never_read(client, target):
    for route in ("/api/check", "/api/fit"):
        answer = client.post(route, json={"target": target})
        assert answer.status_code in (403, 404) and "upload" in error(answer)


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"target": "x", "domain": "x=1:0"}, "domain for 'x' is inverted: 1:0"),
        ({"target": "x"}, "no range for 'x'"),
        ({"target": "x", "domain": "x=0:1", "lr": -1}, "'lr' must be > 0; got -1"),
        ({"target": "x", "domain": "x=0:1", "activation": "relux"}, "did you mean 'relu'?"),
        ({"target": "x", "domain": "x=0:1", "colour": "red"}, "unknown key 'colour'"),
        (
            {"target": "x", "domain": "x=0:1", "steps": 10**9},
            "over this server's cap of 500000 (nnfit serve --max-steps",
        ),
        ({"target": "x", "domain": "x=0:1", "samples": 10**7}, "--max-samples"),
        ({"target": "x", "domain": "x=0:1", "budget": "1h"}, "--max-seconds"),
    ],
)
def test_bad_settings_get_one_line_and_start_nothing(client, runs, settings, message):
    answer = client.post("/api/fit", json=settings)
    assert answer.status_code in (400, 403) and message in error(answer)
    assert client.get("/api/jobs").json() == []
    assert [p for p in runs.iterdir() if not p.name.startswith(".")] == []


@pytest.mark.parametrize("name", ["..", "...", ".uploads", "%2E%2E%2Fetc", "a%2F..%2F..", "%2Fetc"])
def test_no_path_outside_a_run_is_served(client, name):
    for path in (f"/api/runs/{name}", f"/runs/{name}/passwd", f"/runs/x/{name}"):
        assert client.get(path).status_code in (403, 404)


def test_a_link_out_of_the_runs_directory_is_refused(client, runs, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("secret")
    (runs / "001-link").symlink_to(outside)
    name = fitted(client, target="x", domain="x=0:1", **QUICK)
    (runs / name / "secret.txt").symlink_to(outside / "secret.txt")
    assert client.get("/runs/001-link/secret.txt").status_code == 403
    assert client.get(f"/runs/{name}/secret.txt").status_code == 403
    assert "001-link" not in [r["name"] for r in client.get("/api/runs").json()]


def test_a_link_among_the_uploads_is_never_followed_out(client, runs, tmp_path):
    secret = tmp_path / "secret.csv"
    secret.write_text("a,b\n1,2\n")
    (runs / ".uploads").mkdir()
    (runs / ".uploads" / "link.csv").symlink_to(secret)
    for route in ("/api/check", "/api/fit"):
        answer = client.post(route, json={"target": "link.csv"})
        assert answer.status_code == 403 and "leads outside the runs directory" in error(answer)


def test_a_fit_asked_to_try_its_fixes_shows_their_measured_gains(client):
    broken = {"target": "x**2", "domain": "x=0:1", **QUICK, "output_activation": "sigmoid", "steps": 500}
    name = fitted(client, **broken, try_fixes=True)
    first = client.get(f"/api/runs/{name}").json()["findings"][0]
    assert first["code"] == "bounded-output" and {"output_activation": "none"} in first["changes"]
    # each change beside its measured gain, the most helpful first: as the page shows them
    assert len(first["tried"]) == len(first["changes"]) and "x better" in first["tried"][0]
    assert any(line.startswith("--output-activation none: validation rRMSE") for line in first["tried"])


def test_two_runs_are_compared(client):
    names = [fitted(client, target="sin(x)", domain="x=0:6", **{**QUICK, "steps": steps}) for steps in (100, 400)]
    answer = client.post("/api/compare", json={"runs": names}).json()
    assert sorted(row["recipe"] for row in answer["rows"]) == sorted(names)
    assert all(len(curve["val_rrmse"]) > 0 for curve in answer["curves"].values())
    assert "two or more run names" in error(client.post("/api/compare", json={"runs": names[:1]}))


if os.name != "posix":  # symlinks and POSIX paths above
    pytestmark = pytest.mark.skip("the playground's path tests are written for POSIX")
