"""nnfit.errors: every problem a user can cause is an NnfitError of a kind that says where it lies,
and the command line turns any of them into one line and exit status 2."""

import pytest

import nnfit
from nnfit.errors import (
    DataError,
    DomainError,
    FormulaError,
    NnfitError,
    RecipeError,
    RunDirError,
    UndefinedTargetError,
)


@pytest.mark.parametrize("kind", [FormulaError, DomainError, DataError, UndefinedTargetError, RecipeError, RunDirError])
def test_every_kind_is_an_nnfit_error(kind):
    assert issubclass(kind, NnfitError) and nnfit.NnfitError is NnfitError


def test_a_target_undefined_on_its_domain_is_a_data_error():
    assert issubclass(UndefinedTargetError, DataError)


@pytest.mark.parametrize(
    ("call", "kind", "names"),
    [
        (lambda: nnfit.fit("x +* 2", domain="x=0:1"), FormulaError, r"x \+\* 2"),
        (lambda: nnfit.fit("x", domain="x=5:5"), DomainError, "5"),
        (lambda: nnfit.fit("x", domain="x=0:1", lr=-1), RecipeError, "lr"),
        (lambda: nnfit.load("no-such-run"), RunDirError, "no-such-run"),
    ],
)
def test_each_kind_is_raised_with_the_bad_value_named(call, kind, names):
    with pytest.raises(kind, match=names):
        call()


def test_the_command_line_turns_one_into_a_line_and_exit_status_2(cli):
    done = cli("fit", "x", "--domain", "x=5:5")
    assert done.code == 2 and done.err.startswith("nnfit: error: ") and len(done.err.strip().splitlines()) == 1
