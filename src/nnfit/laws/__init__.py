"""Closed forms found in data: a library of candidate terms (`_terms`), a sparse search with an honest claim
rule (`discover`, `search_laws`), and the `Discovery` that shows, measures and exports a law."""

from ._budget import BUDGET, Budget
from ._discover import discover, search_laws
from ._discovery import LAW_FORMATS, Candidate, Discovery, read, readable, versus
from ._factored import search_factored
from ._search import search
from ._terms import Library
from ._transformed import search_transformed

__all__ = [
    "BUDGET",
    "LAW_FORMATS",
    "Budget",
    "Candidate",
    "Discovery",
    "Library",
    "discover",
    "read",
    "readable",
    "search",
    "search_factored",
    "search_laws",
    "search_transformed",
    "versus",
]
