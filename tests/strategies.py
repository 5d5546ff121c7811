"""Hypothesis strategies for the fuzz tests: formulas from the whitelist's grammar plus random
mutations of their text, and data files with the faults users' files have."""

from __future__ import annotations

from hypothesis import strategies as st

from nnfit.formula import CONSTANTS, FUNCTIONS

VARIABLES = ("x", "y")
# ordinary values and the extremes that overflow, underflow or divide by zero
NUMBERS = ("0", "1", "2", "2.5", ".5", "-3", "10", "1000000", "3e-7", "1e-300", "1e300", "1e308", "9" * 40)
OPERATORS = ("+", "-", "*", "/", "**", "^")
# the characters formulas are made of, plus some that no formula may hold
MUTATIONS = "xy0123456789.e+-*/^() ,;=_" + "sincoqrtlgabmp" + "[]'\"@!:#\\{}<>%&|~`$\t\n\x00é"


def _grow(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    binary = st.tuples(children, st.sampled_from(OPERATORS), children).map(lambda t: f"({t[0]} {t[1]} {t[2]})")
    negated = children.map(lambda c: f"-{c}")
    calls = st.sampled_from(sorted(FUNCTIONS)).flatmap(
        lambda name: st.lists(children, min_size=FUNCTIONS[name][1][0], max_size=FUNCTIONS[name][1][1] or 3)
        .map(lambda args: f"{name}({', '.join(args)})"))
    return binary | negated | calls


grammar = st.recursive(st.sampled_from(VARIABLES + NUMBERS + tuple(CONSTANTS)), _grow, max_leaves=12)


@st.composite
def mutated(draw: st.DrawFn) -> str:
    """A grammatical formula with 1 to 4 characters inserted, deleted or replaced."""
    text = list(draw(grammar))
    for _ in range(draw(st.integers(1, 4))):
        char = draw(st.sampled_from(MUTATIONS))
        where = draw(st.integers(0, len(text)))
        action = draw(st.sampled_from(("insert", "delete", "replace")))
        if action == "insert" or not text:
            text.insert(where, char)
        elif action == "delete":
            del text[min(where, len(text) - 1)]
        else:
            text[min(where, len(text) - 1)] = char
    return "".join(text)


formulas = grammar | mutated()
