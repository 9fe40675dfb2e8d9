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


@main.command("report")
@click.argument("results", type=click.Path(file_okay=False))
@click.option("--out", type=click.Path(file_okay=False), default="report", show_default=True,
              help="Folder of the HTML report.")
@click.option("--corpus", type=click.Path(), default=None,
              help="The corpus that was scored [default: the one recorded in RESULTS/run.json].")
def report_command(results: str, out: str, corpus: str | None) -> None:
    """Write a static, offline HTML report of RESULTS: overview, comparison, one annotated page per article."""
    from framing.report import build_report

    click.echo(f"Report written to {build_report(results, out, corpus)}")


@main.command("compare")
@click.argument("results", type=click.Path(file_okay=False))
@click.option("--by", required=True, help="Column to group by: outlet, date, or any metadata column (meta_ optional).")
@click.option("--out", type=click.Path(file_okay=False), default=None,
              help="Output folder [default: RESULTS/compare].")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the bootstrap and Monte Carlo tests.")
def compare_command(results: str, by: str, out: str | None, seed: int) -> None:
    """Compare groups of articles in RESULTS (the output of `framing score`): statistics, tables, plots."""
    from pathlib import Path

    from framing.compare import compare_results

    click.echo(compare_results(Path(results), by, Path(out) if out else None, seed))
