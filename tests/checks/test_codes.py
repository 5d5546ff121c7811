"""nnfit.checks._codes: every code of the doctor's table has a case in the corpus that raises it."""

from doctor_corpus import CORPUS, SEEDS

from nnfit.checks import CODES


def test_every_code_has_a_case():
    covered = set(CORPUS) | {code for code, _ in SEEDS.values()} | {"target-undefined"}
    assert covered == set(CODES)
