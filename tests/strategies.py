"""Hypothesis strategies for the fuzz tests: formulas from the whitelist's grammar plus random
mutations of their text, and data files with the faults users' files have."""

from __future__ import annotations

from hypothesis import strategies as st

from nnfit.data import CONSTANTS, FUNCTIONS

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
        lambda name: st.lists(children, min_size=FUNCTIONS[name][1][0], max_size=FUNCTIONS[name][1][1] or 3).map(
            lambda args: f"{name}({', '.join(args)})"
        )
    )
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


# --- CSV files -------------------------------------------------------------------------------

CELLS = (
    "0",
    "1",
    "-2.5",
    "3e-7",
    "1e308",
    "-1e308",
    "nan",
    "NaN",
    "inf",
    "-inf",
    "",
    "abc",
    '"4.5"',
    '"1,5"',
    "True",
    " 7 ",
    "1,000",
    "0x10",
)


@st.composite
def csv_files(draw: st.DrawFn) -> bytes:
    """The bytes of a CSV file with the faults users' files have: any separator, a byte-order mark,
    quoted numbers, blank lines, text, NaN, inf and 1e308 cells, duplicate, blank or missing headers,
    ragged rows, and now and then thousands of columns. About half of them are readable."""
    n_columns = draw(st.sampled_from((1, 2, 2, 3, 3, 5, 2000)))
    n_rows = draw(st.integers(0, 40))
    separator = draw(st.sampled_from((",", ";", "\t", "|")))
    faulty_cells = draw(st.sampled_from((0, 0, 1, 5)))  # in percent
    ragged = draw(st.integers(0, 5)) == 0
    names = [f"c{i}" if n_columns > 5 else "abcde"[i] for i in range(n_columns)]
    header = draw(st.sampled_from(("named",) * 5 + ("none", "duplicate", "blank")))
    if header == "duplicate" and n_columns > 1:
        names[1] = names[0]
    if header == "blank":
        names[0] = ""
    lines = [] if header == "none" else [separator.join(names)]
    for _ in range(n_rows):
        width = n_columns + (draw(st.sampled_from((0, 0, 0, -1, 1))) if ragged else 0)
        cells = [
            draw(st.sampled_from(CELLS))
            if draw(st.integers(0, 99)) < faulty_cells
            else f"{draw(st.floats(-1e6, 1e6, allow_nan=False)):.6g}"
            for _ in range(max(width, 1))
        ]
        lines.append(separator.join(cells))
        if draw(st.integers(0, 9)) == 0:
            lines.append("")
    text = "\n".join(lines) + "\n"
    return (b"\xef\xbb\xbf" if draw(st.booleans()) else b"") + text.encode("utf-8")
