"""nnfit.cli._arguments: a formula or a point that starts with a minus is an argument, not an option."""

import json

import pytest

QUICK = ("--samples", "500", "--steps", "200", "--quiet")


@pytest.mark.parametrize(
    "args",
    [
        ["fit", "-mom*B*cos(theta)", "--domain", "mom=1:5, B=1:5, theta=1:5"],
        ["fit", "--domain", "q=1:2, E=1:2", "-q*E"],  # after the options too
        ["doctor", "-x", "--domain", "x=0:1"],
        ["compare", "a.yaml", "--task", "-x", "--domain", "x=0:1"],
    ],
    ids=["fit", "fit, options first", "doctor", "compare --task"],
)
def test_a_formula_may_start_with_a_minus(cli, tmp_path, args):
    (tmp_path / "a.yaml").write_text("hidden: [8]\n")
    outcome = cli(*args, *(QUICK if args[0] == "fit" else ("--steps", "50") if args[0] == "doctor" else ()))
    assert outcome.code == 0, outcome.err
    assert "f = -" in outcome.out or "nnfit doctor -x" in outcome.out or "page" in outcome.out


def test_predict_takes_points_that_start_with_a_minus(cli):
    assert cli("fit", "x + y", "--domain", "x=-1:1, y=-1:1", *QUICK, "--no-report", "--out", "run").code == 0
    rows = json.loads(cli("predict", "run", "-0.5,0.25; 0.5,-0.25", "--json").out)
    assert [r["point"] for r in rows] == [[-0.5, 0.25], [0.5, -0.25]]
    assert [r["truth"] for r in rows] == [[-0.25], [0.25]]
