"""nnfit discover: the law behind a file, its exports, and one line when there is nothing to claim."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.mark.parametrize(
    ("file", "law"),
    [
        ("measurements.csv", "a**2/10 + 3*sin(b)"),  # 500 rows, noise 1.6 % of the spread
        ("noisy-sine.csv", "sin(x)"),  # noise 38 % of the spread: the law still explains most of it
    ],
)
def test_the_command_line_names_the_law_behind_a_noisy_file(cli, file, law):
    outcome = cli("discover", str(EXAMPLES / file))
    assert outcome.code == 0, outcome.err
    assert outcome.out.startswith(f"law     y = {law}\n") and "at the noise floor" in outcome.out
    as_json = json.loads(cli("discover", str(EXAMPLES / file), "--json").out)
    assert as_json[0]["expression"] == law and as_json[0]["candidates"]


def test_the_command_line_refuses_a_missing_file_in_one_line(cli):
    outcome = cli("discover", "missing.csv")
    assert outcome.code == 2 and outcome.err == "nnfit: error: data file not found: missing.csv\n"


def test_the_command_line_exports_the_law_it_found(cli, tmp_path):
    outcome = cli("discover", str(EXAMPLES / "measurements.csv"), "--export", "law.py", "--export", "law.tex")
    assert outcome.code == 0, outcome.err
    assert outcome.out.endswith("wrote law.py\nwrote law.tex\n")
    assert (tmp_path / "law.tex").read_text() == "y = \\frac{a^{2}}{10} + 3 \\sin{\\left(b \\right)}\n"
    assert "return numpy.broadcast_to((1/10)*a**2 + 3*numpy.sin(b)" in (tmp_path / "law.py").read_text()


def test_the_command_line_exports_nothing_when_no_law_is_claimed(cli, tmp_path):
    rng = np.random.default_rng(0)
    pd.DataFrame({"x": rng.uniform(0, 1, 400), "y": rng.standard_normal(400)}).to_csv(
        tmp_path / "noise.csv", index=False
    )
    outcome = cli("discover", "noise.csv", "--export", "law.py")
    assert (
        outcome.code == 2
        and outcome.err == "nnfit: error: no closed form was claimed for 'y': there is no law to export\n"
    )
    assert not (tmp_path / "law.py").exists()


def test_the_command_line_writes_every_law_file_or_none(cli, tmp_path):
    (tmp_path / "law_v.json").write_text("kept")
    outcome = cli("discover", "u = x*y; v = x + y", "--domain", "x=1:2, y=1:2", "--export", "law.json")
    assert outcome.code == 2
    assert outcome.err == "nnfit: error: law_v.json already exists — choose another --export, or remove it first\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["law_v.json"]
    assert "the best sum of each size" in outcome.out and "x*y" in outcome.out


def test_the_command_line_says_what_a_budget_left_untried(cli, tmp_path):
    rng = np.random.default_rng(0)
    pd.DataFrame({"x": rng.uniform(1, 2, 400), "y": rng.standard_normal(400)}).to_csv(
        tmp_path / "noise.csv", index=False
    )
    outcome = cli("discover", "noise.csv", "--budget", "0.001s")
    assert outcome.code == 0, outcome.err
    # the first search always runs; the transforms and products after it would end past the budget
    assert "not tried within the 0.001 s budget: exp(y)" in " ".join(outcome.out.split())


def test_the_command_line_refuses_a_budget_that_is_not_a_duration(cli):
    outcome = cli("discover", str(EXAMPLES / "noisy-sine.csv"), "--budget", "soon")
    assert outcome.code == 2
    assert outcome.err == "nnfit: error: 'budget' must be a duration such as 30s, 2m or 1h; got 'soon'\n"
