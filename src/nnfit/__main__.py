"""`python -m nnfit` is the `nnfit` command."""

from .cli import entry

entry()
