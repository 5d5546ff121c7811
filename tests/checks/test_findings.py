"""nnfit.checks._findings: findings ordered by stage then severity, and kept in a run."""

from doctor_corpus import CORPUS, codes

import nnfit
from nnfit.checks import Finding, ordered
from nnfit.checks._findings import Fix, longer
from nnfit.recipe import Recipe


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


def test_a_short_run_is_lengthened_to_the_usual_one_and_checked_as_usual():
    assert longer(Recipe(steps=50)) == Fix("--steps 50 → 20000 (the usual run)", {"steps": 20_000})
    # seed 000's 50 steps were checked after every step, as its callback printed: 20 000 such steps
    # would spend most of their time checking
    per_step = Recipe(steps=50, eval_every=1)
    assert longer(per_step) == Fix(
        "--steps 50 → 20000 --eval-every 1 → 250 (the usual run)", {"steps": 20_000, "eval_every": 250}
    )
    assert longer(Recipe(steps=20_000)).change == {"steps": 40_000}  # a usual run: twice as long
