"""Command-line arguments that begin with '-': a formula such as "-q*E" or points such as "-1,2"
are arguments, not unknown options."""

from __future__ import annotations

import click


class Command(click.Command):
    """A command whose arguments may begin with '-': a formula such as "-q*E" or points such as
    "-1,2" are arguments, not unknown options. Every token that is not an option or an option's
    value is moved after "--", in order, so click's parser takes it as an argument."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if "--" not in args and any(_dashed_argument(a, self.get_params(ctx)) for a in args):
            args = _arguments_last(args, self.get_params(ctx))
        return super().parse_args(ctx, args)


def _option_arity(params: list[click.Parameter]) -> dict[str, bool]:
    """Every option name of a command -> whether it takes a value."""
    return {
        name: not (p.is_flag or p.count)
        for p in params
        if isinstance(p, click.Option)
        for name in (*p.opts, *p.secondary_opts)
    }


def _dashed_argument(token: str, params: list[click.Parameter]) -> bool:
    """A token that starts with '-' yet names no option: "-x**2" or "-1,2", never "--domain"."""
    return (
        token.startswith("-") and not token.startswith("--") and len(token) > 1 and token not in _option_arity(params)
    )


def _arguments_last(args: list[str], params: list[click.Parameter]) -> list[str]:
    """`args` reordered as options (with their values), "--", then the arguments in their order."""
    arity = _option_arity(params)
    options: list[str] = []
    arguments: list[str] = []
    position = 0
    while position < len(args):
        token = args[position]
        if token.startswith("--") or token in arity:
            takes_value = arity.get(token.split("=", 1)[0], False) and "=" not in token
            options.extend(args[position : position + 1 + takes_value])  # a value follows, whatever it looks like
            position += 1 + takes_value
        else:
            arguments.append(token)
            position += 1
    return [*options, "--", *arguments]
