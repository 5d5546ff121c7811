"""The doctor: each pitfall is named by its code with the fix, and clean recipes raise no alarm."""

import re

import pytest
from doctor_corpus import CLEAN, CLEAN_EXAMPLES, CORPUS, SECOND, SEEDS, alarms, codes, example

import nnfit
from nnfit.params import shown


@pytest.mark.parametrize("name", SEEDS)
def test_each_seed_gets_its_cause_first_with_the_fix(name):
    code, fix = SEEDS[name]
    first = nnfit.fit(**example(name)).findings[0]
    assert (first.code, first.severity) == (code, first.severity)
    assert fix in first.fix


def asked(fix: str) -> list[tuple[str, str]]:
    """The settings a fix names, (field, value as typed), leaving out the "5" of "--lr 5 → 0.01"."""
    return [
        (flag.replace("-", "_"), value)
        for flag, value in re.findall(r"--([a-z-]+)(?: ([-\w.,]+))?", re.sub(r"(--[a-z-]+) \S+ → ", r"\1 ", fix))
    ]


@pytest.mark.parametrize("code", CORPUS)
def test_each_pitfall_is_caught_by_its_code_with_a_fix_that_changes_something(code):
    result = nnfit.fit(**CORPUS[code])
    assert code in codes(result.findings)
    for finding in result.findings:
        for field, value in asked(finding.fix):
            if hasattr(result.recipe, field):  # a value the recipe already has is no fix
                current = getattr(result.recipe, field)
                assert (current is not True) if not value else shown(current) != value, (finding.code, finding.fix)


@pytest.mark.parametrize("name", SECOND)
def test_each_pitfall_of_the_second_corpus_gets_its_cause_first(name):
    code, settings = SECOND[name]
    assert codes(nnfit.fit(**settings).findings)[0] == code


def test_undefined_target_is_a_finding():
    findings = nnfit.doctor("log(x)", domain="x=-1:1")
    assert codes(findings) == ["target-undefined"]
    assert "NaN or inf at 4990 of 10000 sampled points (49.9 %), where x in [-0.9998, -5.435e-05]" in findings[0].seen


@pytest.mark.parametrize("name", CLEAN)
def test_default_recipe_raises_no_alarm(name):
    assert alarms(nnfit.fit(**CLEAN[name]).findings) == []


@pytest.mark.parametrize("name", CLEAN_EXAMPLES)
def test_fixed_seed_recipes_raise_no_alarm(name):
    assert alarms(nnfit.fit(**example(name)).findings) == []
