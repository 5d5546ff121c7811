"""nnfit.checks._findings: findings ordered by stage then severity, and kept in a run."""

from doctor_corpus import CORPUS, codes

import nnfit
from nnfit.checks import Finding, ordered


def test_findings_are_ordered_stage_then_severity():
    made = [
        Finding("underfit", "warning", "", "", "after"),
        Finding("flat-loss", "error", "", "", "during", 3),
        Finding("repeated-batch", "warning", "", "", "before"),
        Finding("bounded-output", "error", "", "", "before"),
    ]
    assert codes(ordered(made)) == ["bounded-output", "repeated-batch", "flat-loss", "underfit"]


def test_findings_are_saved_and_loaded(tmp_path):
    result = nnfit.fit(**CORPUS["repeated-batch"])
    loaded = nnfit.load(result.save(tmp_path / "run"))
    assert loaded.findings == result.findings
