"""The scoring pipeline: resources loaded once, articles parsed in batches, layers applied per article."""

from __future__ import annotations

import sys
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc
from spacy.vocab import Vocab

from framing.attribution import SourceLexicons, attribution_spans
from framing.cache import EntryTokens, cache_root, fingerprint
from framing.corpus import error_row
from framing.frames import frame_spans
from framing.hedging import HedgeRules, hedge_spans
from framing.lexicon import (BoilerplateRules, Lexicon, LexiconMatcher, check_frame_lexicon, default_path,
                             load_boilerplate, load_lexicon)
from framing.nlp import DEFAULT_MODEL, load_pipeline, load_vocab, load_with_vectors, model_id
from framing.scoring import article_row, sentence_rows, term_rows
from framing.text import (Detector, Region, check_scorable, detect_language, excluded_regions, mask, normalise,
                          quotations)
from framing.types import Article, FramingError, Span, file_sha256


@dataclass
class Resources:
    """Everything scoring needs besides the articles, built once per process."""

    nlp: Language | None  # None when only the vocabulary was loaded, for Docs read back from the parse cache
    vocab: Vocab
    model: str  # the model's id: name and version
    frames: LexiconMatcher
    decision: dict[str, float]
    hedges: LexiconMatcher
    hedge_rules: HedgeRules
    sources: SourceLexicons
    boilerplate: BoilerplateRules
    lexicons: list[Lexicon] = field(default_factory=list)
    method: str = "lexicon"
    classifier: dict[str, Any] | None = None  # framing.models classifiers, for method ml or combined
    detect: Detector = detect_language


def load_resources(model: str = DEFAULT_MODEL, frame_lexicon: str | Path | None = None, method: str = "lexicon",
                   classifier: str | Path | None = None, parse: bool = True) -> Resources:
    """Load the spaCy pipeline and compile the lexicons (the frame lexicon may be the user's own);
    for method ml or combined, also the classifiers (`classifier`: a skops file, default models/).
    With parse=False, for Docs read back from the parse cache: only a vocabulary (with the model's word vectors
    for method ml or combined), and lexicon entries tokenised once and kept in the cache folder."""
    frames = load_lexicon(frame_lexicon or default_path("frames"))
    check_frame_lexicon(frames)
    frames.categories = {k.lower(): v for k, v in frames.categories.items()}
    hedges = load_lexicon(default_path("hedges"))
    reporting = load_lexicon(default_path("reporting"))
    sources = load_lexicon(default_path("sources"))
    boilerplate_path = default_path("boilerplate")
    light = None if parse or method != "lexicon" else load_vocab(model)
    if light is not None:
        nlp, (vocab, model_name) = None, light
        tokenize: Callable[[str], list[str]] = EntryTokens(cache_root(), fingerprint(model_name), model)
    else:
        nlp = load_pipeline(model) if parse else load_with_vectors(model)
        vocab, model_name = nlp.vocab, model_id(nlp)
        tokenize = lambda text: [token.text for token in nlp.tokenizer(text)]  # noqa: E731
    rules = hedges.settings.get("rules", {})
    according = Lexicon(reporting.name, reporting.version, reporting.source, reporting.path,
                        {"according_to": reporting.categories.get("according_to", [])})
    source_lexicons = SourceLexicons(
        sources=LexiconMatcher(sources, tokenize),
        according_to=LexiconMatcher(according, tokenize),
        reporting_verbs=frozenset(v.lower() for v in reporting.categories.get("speech", [])),
        cognition_verbs=frozenset(v.lower() for v in reporting.categories.get("cognition", [])),
    )
    boilerplate_lexicon = load_lexicon_provenance(boilerplate_path)
    models = None
    if method != "lexicon":
        from framing.models import load_model

        models = load_model(classifier)
    frame_matcher, hedge_matcher = LexiconMatcher(frames, tokenize), LexiconMatcher(hedges, tokenize)
    if isinstance(tokenize, EntryTokens):  # every entry is tokenised by now
        tokenize.save()
    return Resources(
        nlp=nlp,
        vocab=vocab,
        model=model_name,
        frames=frame_matcher,
        decision=dict(frames.settings.get("decision", {})),
        hedges=hedge_matcher,
        hedge_rules=HedgeRules(frozenset(rules.get("modal_verbs", [])), frozenset(rules.get("conditional_not_hedge", [])),
                               frozenset(rules.get("hypothetical_markers", []))),
        sources=source_lexicons,
        boilerplate=load_boilerplate(boilerplate_path),
        lexicons=[frames, hedges, reporting, sources, boilerplate_lexicon],
        method=method,
        classifier=models,
    )


def load_lexicon_provenance(path: Path) -> Lexicon:
    """The boilerplate file's name, version and hash, for run records (its entries are regexes)."""
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return Lexicon(str(data["name"]), str(data["version"]), str(data["source"]), str(path), {},
                   sha256=file_sha256(path))


@dataclass
class Prepared:
    article: Article
    excluded: list[Region]
    quotes: list[Region]
    parse_text: str


@dataclass
class ArticleResult:
    row: dict[str, Any]
    spans: list[Span]
    sentences: list[dict[str, Any]]
    terms: list[dict[str, Any]]


def prepare(article: Article, res: Resources) -> Prepared:
    """Excluded regions and quotations on the text as read; the masked, normalised text to parse."""
    excluded = excluded_regions(article.text, res.boilerplate, res.detect)
    check_scorable(article.text, excluded)
    quotes = quotations(article.text, excluded)
    return Prepared(article, excluded, quotes, mask(normalise(article.text), excluded))


def analyse(prepared: Prepared, doc: Doc, res: Resources) -> ArticleResult:
    """All three layers on one parsed article, and its measures."""
    article = prepared.article
    spans = [_excluded_span(article, region) for region in prepared.excluded]
    spans += frame_spans(article, doc, res.frames)
    spans += hedge_spans(article, doc, res.hedges, res.hedge_rules, prepared.quotes)
    spans += attribution_spans(article, doc, res.sources, prepared.quotes)
    spans.sort(key=lambda s: (s.start, s.end, s.layer, s.label))
    result = ArticleResult(article_row(article, doc, spans, prepared.excluded, res.decision), spans,
                           sentence_rows(article, doc, spans), term_rows(article, doc, spans))
    if res.classifier is not None:  # method ml/combined: the classifiers decide sentence frames and hedges
        from framing.models import apply_classifier

        apply_classifier(res.classifier, res.method, doc, spans, result.row, result.sentences)
    return result


def _excluded_span(article: Article, region: Region) -> Span:
    from framing.types import make_span

    extra = {"language": region.language} if region.language else {}
    return make_span(article, "excluded", region.label, region.start, region.end, **extra)


def score_articles(articles: Iterable[Article], res: Resources, batch_size: int = 32,
                   errors: list[dict[str, str]] | None = None) -> Iterator[ArticleResult]:
    """Stream results article by article; an article that fails becomes an error row, not a crash."""
    errors = errors if errors is not None else []

    def prepared_stream() -> Iterator[tuple[str, Prepared]]:
        for article in articles:
            try:
                prepared = prepare(article, res)
            except Exception as err:  # one bad article must not stop the corpus
                errors.append(error_row(article.id, article.source_path, "prepare", _reason(err)))
                continue
            yield prepared.parse_text, prepared

    for doc, prepared in res.nlp.pipe(prepared_stream(), batch_size=batch_size, as_tuples=True):
        try:
            yield analyse(prepared, doc, res)
        except Exception as err:
            errors.append(error_row(prepared.article.id, prepared.article.source_path, "score", _reason(err)))


def _reason(err: Exception) -> str:
    message = str(err).splitlines()[0] if str(err) else ""
    if isinstance(err, FramingError):
        return message
    return f"{type(err).__name__}: {message}" if message else type(err).__name__


@dataclass
class ScoreRun:
    """What a scoring run produced: the article table and the errors, for the summary."""

    articles: Any  # pandas.DataFrame
    errors: list[dict[str, str]]
    excluded: dict[str, int]
    out_dir: Path


def score_corpus(path: str | Path, out_dir: str | Path = "results", model: str = DEFAULT_MODEL,
                 frame_lexicon: str | Path | None = None, batch_size: int = 32, strict: bool = False,
                 progress: bool | None = None, method: str = "lexicon", classifier: str | Path | None = None,
                 jobs: int = 1, engine: str = "local", scheduler: str | None = None, cache: bool = True) -> ScoreRun:
    """Read a corpus, score it batch by batch, and write the result files into `out_dir`.

    Batches run in this process, in `jobs` worker processes, or on Dask (`engine`, `scheduler`); each
    is written as Parquet partitions as it arrives, then merged, so memory stays flat and every engine
    writes the same bytes. With `cache`, parses are kept in the parse cache (framing.cache).
    """
    import secrets
    import shutil

    from tqdm import tqdm

    from framing import __version__
    from framing.corpus import read_corpus
    from framing.engines import Settings, merge_parts, runner, scorer
    from framing.output import staged, write_errors, write_json

    articles, errors = read_corpus(path)
    if strict and errors:
        raise FramingError(f"{errors[0]['path']}: {errors[0]['reason']} (--strict stops at the first error)")
    settings = Settings(model, _optional(frame_lexicon), method, _optional(classifier), cache, batch_size=batch_size,
                        run=secrets.token_hex(8))
    articles.sort(key=lambda a: a.id)
    batches = deque(articles[i:i + batch_size] for i in range(0, len(articles), batch_size))
    total, count, provenance, excluded = len(articles), 0, None, {}
    articles.clear()  # each batch is released once scored
    show = progress if progress is not None else total >= 50
    with staged(out_dir) as stage:
        parts = (stage / ".parts").resolve()
        tasks = ((batches.popleft(), settings, str(parts), index) for index in range(len(batches)))
        with (runner(settings, jobs, engine, scheduler) as run,
              tqdm(total=total, disable=not show, unit="article", file=sys.stderr, desc="scoring") as bar):
            for part in run(tasks):
                if strict and part.errors:
                    first = part.errors[0]
                    raise FramingError(f"{first['path']}: {first['reason']} (--strict stops at the first error)")
                if provenance is not None and _versions(part.provenance) != _versions(provenance):
                    raise FramingError(f"workers differ in model or lexicons ({part.provenance['model']} and "
                                       f"{provenance['model']}); install the same framing and model on every worker")
                provenance = provenance or part.provenance
                errors.extend(part.errors)
                for label, n in part.excluded.items():
                    excluded[label] = excluded.get(label, 0) + n
                bar.update(part.articles)
                count += 1
        table = merge_parts(parts, count, stage)
        shutil.rmtree(parts, ignore_errors=True)
        provenance = provenance or scorer(settings).provenance
        run_record = {"framing": __version__, "command": "score", "corpus": str(path), "model": provenance["model"],
                      "method": method, "lexicons": provenance["lexicons"], "n_articles": len(table),
                      "n_errors": len(errors)}
        if method != "lexicon":
            from framing.models import classifier_record

            run_record["classifier"] = classifier_record(classifier)
        write_errors(errors, stage / "errors.csv")
        write_json(run_record, stage / "run.json")
    return ScoreRun(table, errors, excluded, Path(out_dir))


def _versions(provenance: dict[str, Any]) -> tuple:
    return provenance["model"], [(lx["name"], lx["version"], lx["sha256"]) for lx in provenance["lexicons"]]


def _optional(path: str | Path | None) -> str | None:
    return None if path is None else str(path)


SENTENCE_COLUMNS = ["article", "start", "end", "n_tokens", "hedges", "hedged", "governance", "safety", "business", "drama"]
TERM_COLUMNS = ["article", "lemma", "pos", "count", "frame"]


def _relative(path: str) -> str:
    """Lexicon paths relative to the working folder when inside it, so records travel between clones."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def explain(text: str, res: Resources) -> str:
    """Every span of a text, one per line, with the lexicon entry or rule that produced it."""
    prepared = prepare(Article("text", text), res)
    result = analyse(prepared, res.nlp(prepared.parse_text), res)
    lines = []
    for span in result.spans:
        detail = {k: v for k, v in span.extra if v not in (None, "", False)}
        described = " ".join(f"{k}={v}" for k, v in sorted(detail.items()))
        lines.append(f"{span.start:>5}-{span.end:<5} {span.layer:<11} {span.label:<16} {span.text!r} {described}")
    return "\n".join(lines) or "no matches"
