"""The one error hierarchy: every problem a user can cause is an `NnfitError`.

Messages say what was wrong, with the offending value, and how to fix it; the CLI turns
any of them into one line on stderr and exit status 2.
"""

from __future__ import annotations


class NnfitError(Exception):
    """Base of every error nnfit raises on bad input; the message is meant for the user."""


class FormulaError(NnfitError):
    """A formula string that is malformed, unsafe or uses something not on the whitelist."""


class DomainError(NnfitError):
    """A domain specification that is malformed, empty, inverted or does not match the target."""


class DataError(NnfitError):
    """Data that is missing, unreadable, not what its file claims, or not finite."""


class UndefinedTargetError(DataError):
    """A target that is NaN or inf on part of its domain; the message says where and how often."""


class RecipeError(NnfitError):
    """A recipe value or key that is unknown or out of range."""


class RunDirError(NnfitError):
    """A run directory that is missing, incomplete, or of a format this version cannot read."""
