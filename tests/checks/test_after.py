"""nnfit.checks._after: a fit of real or noisy data raises no false alarm, and names the noise."""

import numpy as np
import pandas as pd
import pytest
from doctor_corpus import alarms, codes
from sklearn.datasets import load_diabetes, make_friedman1

import nnfit


@pytest.mark.parametrize("name", ["diabetes", "friedman1"])
def test_real_noisy_data_raises_no_alarm_and_names_the_noise(tmp_path, name):
    # scikit-learn's diabetes (442 rows, R² 0.5 at best) and Friedman's first benchmark (noise σ = 1)
    X, y = load_diabetes(return_X_y=True) if name == "diabetes" else make_friedman1(1000, noise=1.0, random_state=0)
    pd.DataFrame(X, columns=[f"x{i}" for i in range(10)]).assign(y=y).to_csv(tmp_path / "d.csv", index=False)
    findings = nnfit.fit(str(tmp_path / "d.csv")).findings
    assert alarms(findings) == [] and "noisy-data" in codes(findings)


def test_data_file_raises_no_alarm(tmp_path):
    rng = np.random.default_rng(0)
    a, b = rng.uniform(-1, 1, 4000), rng.uniform(0, 2, 4000)
    pd.DataFrame({"a": a, "b": b, "y": np.sin(2 * a) * b}).to_csv(tmp_path / "d.csv", index=False)
    assert alarms(nnfit.fit(str(tmp_path / "d.csv")).findings) == []


def test_intervals_that_held_far_fewer_points_than_asked_are_a_warning():
    from dataclasses import replace

    from nnfit.checks import interval_findings

    fit = nnfit.fit("x", domain="x=0:1", samples=200, steps=50)
    measured = {"test": {"coverage": 0.88}, "1-1.5x": {"coverage": 0.91}, "1.5-2x": {"coverage": 0.62}}
    (finding,) = interval_findings(replace(fit, evaluation=measured))
    assert (finding.code, finding.severity) == ("intervals", "warning")
    assert finding.seen == "the 90% prediction intervals held 62% on 1.5-2x: they are too narrow there"
    assert interval_findings(replace(fit, evaluation={"test": {"coverage": 0.81}})) == []  # within 10 points of 90 %
