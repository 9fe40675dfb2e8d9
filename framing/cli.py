"""The `framing` command line: thin click shells over the package's functions."""

from __future__ import annotations

import sys

import click

from framing import __version__
from framing.types import FramingError


class FramingGroup(click.Group):
    """Turns FramingError into a one-line message and exit status 2, unless --debug."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except FramingError as err:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            click.echo(f"framing: error: {err}", err=True)
            sys.exit(2)


@click.group(cls=FramingGroup)
@click.version_option(__version__, prog_name="framing")
@click.option("--debug", is_flag=True, help="Show full tracebacks.")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """Framing, hedging and attribution analysis of French news."""
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


# Commands are registered below, one function each.
