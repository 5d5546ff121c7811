"""nnfit.laws._budget: a stage of a law's search starts only while it fits before the deadline, and
those left out are named in the answer."""

from __future__ import annotations

import math

from law_samples import sample_law

from nnfit.laws import Budget, search_factored


def test_no_budget_allows_every_stage():
    budget = Budget.starting_now(None)
    budget.stage = 1e6
    assert math.isinf(budget.deadline) and budget.allows("y**2") and budget.note() == ""


def test_a_stage_that_would_end_past_the_deadline_is_left_untried_and_named():
    budget = Budget.starting_now(10.0)
    budget.stage = 5.0
    assert budget.allows("y**2")
    budget.stage = 20.0
    assert not budget.allows("1/y") and not budget.allows("m_0 times a law")
    assert budget.note() == "; not tried within the 10 s budget: 1/y, m_0 times a law"


def test_a_search_out_of_time_answers_with_what_it_did_not_try():
    # m_0/sqrt(1 - v**2/c**2) needs a product and a transform: at a budget of 0 s, neither is tried
    ranges = {"m_0": (1, 5), "v": (1, 2), "c": (3, 10)}
    X, y = sample_law(ranges, "m_0/sqrt(1 - v**2/c**2)")
    found = search_factored(X[:1600], y[:1600], X[1600:], y[1600:], list(ranges), budget=Budget.starting_now(0.0))
    assert found.expression is None
    transforms = "y**2, 1/y, 1/y**2, sqrt(y), 1/sqrt(y), log(y), exp(y)"
    # the forms that are not sums come last, after every product, each named once
    assert found.evidence.endswith(
        f"not tried within the 0 s budget: {transforms}, m_0 times a law, "
        f"a ratio of sums (y, {transforms}), exp(a sum) - c (y, 1/y)"
    )
