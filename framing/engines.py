"""Execution engines: one batch-scoring function, run in this process, in local worker processes, or on Dask."""

from __future__ import annotations

import json
import threading
from collections import deque
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from spacy.tokens import Doc

from framing.cache import LanguageCache, ParseCache, cache_root, fingerprint
from framing.corpus import error_row
from framing.nlp import load_pipeline
from framing.output import write_table
from framing.pipeline import SENTENCE_COLUMNS, TERM_COLUMNS, _reason, _relative, analyse, load_resources, prepare
from framing.text import detect_language, detector_version
from framing.types import Article, FramingError

Task = tuple[list[Article], "Settings", str, int]


@dataclass(frozen=True)
class Settings:
    """What scoring needs besides the articles: hashable, so that each process loads its resources once per run
    (`run` differs between runs, so an edited lexicon is read again; the spaCy model stays loaded)."""

    model: str
    frame_lexicon: str | None = None
    method: str = "lexicon"
    classifier: str | None = None
    cache: bool = True  # in $FRAMING_CACHE_DIR or ~/.cache/framing, as the worker sees them
    batch_size: int = 32
    run: str = ""


@dataclass
class BatchResult:
    """A scored batch, in article order: article rows, spans.jsonl lines, sentence and term rows, errors."""

    provenance: dict[str, Any]
    rows: list[dict[str, Any]] = field(default_factory=list)
    spans: list[str] = field(default_factory=list)
    sentences: list[dict[str, Any]] = field(default_factory=list)
    terms: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, str]] = field(default_factory=list)
    excluded: dict[str, int] = field(default_factory=dict)
    parsed: int = 0
    cached: int = 0


@dataclass
class Part:
    """What a partition task returns once its Parquet files are written."""

    index: int
    articles: int
    errors: list[dict[str, str]]
    excluded: dict[str, int]
    parsed: int
    cached: int
    provenance: dict[str, Any]


class Scorer:
    """The resources of one process; the full spaCy pipeline is loaded only when a text is not in the cache."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.res = load_resources(settings.model, settings.frame_lexicon, settings.method, settings.classifier,
                                  parse=not settings.cache)
        self.fingerprint = fingerprint(self.res.model)
        self.cache: ParseCache | None = None
        self.languages: LanguageCache | None = None
        self.parser = None if settings.cache else self.res.nlp
        self.provenance = {"model": self.res.model,
                           "lexicons": [{"name": lx.name, "version": lx.version, "path": _relative(lx.path),
                                         "sha256": lx.sha256} for lx in self.res.lexicons]}

    def parse(self, texts: list[str]) -> list[Doc]:
        if self.parser is None:
            self.parser = load_pipeline(self.settings.model)
        return list(self.parser.pipe(texts, batch_size=self.settings.batch_size))

    def parse_cache(self) -> ParseCache:
        """The cache in the folder configured now (FRAMING_CACHE_DIR may change between runs of one process)."""
        root = cache_root()
        if self.cache is None or self.cache.root != root:
            self.cache = ParseCache(root, self.fingerprint)
        return self.cache

    def language_cache(self) -> LanguageCache:
        root = cache_root()
        if self.languages is None or self.languages.root != root:
            self.languages = LanguageCache(root, detect_language, detector_version())
        return self.languages

    def docs(self, texts: list[str]) -> tuple[list[Doc], int]:
        """The Docs of `texts`, read from the cache or parsed (and cached); and how many were parsed."""
        if not self.settings.cache:
            return self.parse(texts), len(texts)
        cache = self.parse_cache()
        keys = [cache.key(text) for text in texts]
        found = cache.get(keys, self.res.vocab)
        missing = [i for i, key in enumerate(keys) if key not in found]
        parsed = self.parse([texts[i] for i in missing]) if missing else []
        cache.put([keys[i] for i in missing], parsed)
        found.update(zip((keys[i] for i in missing), parsed))
        return [found[key] for key in keys], len(missing)

    def score(self, articles: list[Article]) -> BatchResult:
        result = BatchResult(self.provenance)
        prepared = []
        if self.settings.cache:
            self.res.detect = self.language_cache()
        for article in articles:
            try:
                prepared.append(prepare(article, self.res))
            except Exception as err:  # one bad article must not stop the corpus
                result.errors.append(error_row(article.id, article.source_path, "prepare", _reason(err)))
        if self.settings.cache:
            self.language_cache().save()
        docs, result.parsed = self.docs([item.parse_text for item in prepared])
        result.cached = len(docs) - result.parsed
        for item, doc in zip(prepared, docs):
            try:
                scored = analyse(item, doc, self.res)
            except Exception as err:
                result.errors.append(error_row(item.article.id, item.article.source_path, "score", _reason(err)))
                continue
            result.rows.append(scored.row)
            result.spans.extend(json.dumps(span.to_dict(), ensure_ascii=False) for span in scored.spans)
            for span in scored.spans:
                if span.layer == "excluded":
                    result.excluded[span.label] = result.excluded.get(span.label, 0) + 1
            result.sentences.extend(scored.sentences)
            result.terms.extend(scored.terms)
        return result


_LOCK = threading.Lock()


@lru_cache(maxsize=2)
def scorer(settings: Settings) -> Scorer:
    """The process's Scorer for these settings: the model and lexicons are loaded once per worker."""
    return Scorer(settings)


def score_batch(articles: list[Article], settings: Settings) -> BatchResult:
    """Score a batch of articles; pure but for the parse cache. Every engine runs this function."""
    with _LOCK:  # a Dask worker may run tasks in several threads; spaCy pipelines are not shared across threads
        return scorer(settings).score(articles)


def score_partition(articles: list[Article], settings: Settings, parts: str, index: int) -> Part:
    """The task of every engine: score a batch and write it as Parquet files under `parts`."""
    result = score_batch(articles, settings)
    write_part(result, Path(parts), index)
    return Part(index, len(articles), result.errors, result.excluded, result.parsed, result.cached, result.provenance)


# --- Partitions -------------------------------------------------------------------------------------------


def _name(index: int) -> str:
    return f"part-{index:06d}.parquet"


def write_part(result: BatchResult, parts: Path, index: int) -> None:
    """articles/ (id, the row as JSON, so the merged table is built exactly as from the rows), spans/ (the
    spans.jsonl lines), sentences/ and terms/ (their columns): one file each per partition."""
    tables = {"articles": pa.table({"id": pa.array([row["id"] for row in result.rows], pa.string()),
                                    "row": pa.array([json.dumps(row, ensure_ascii=False, default=_plain)
                                                     for row in result.rows], pa.string())}),
              "spans": pa.table({"span": pa.array(result.spans, pa.string())})}
    for name, rows, columns in (("sentences", result.sentences, SENTENCE_COLUMNS), ("terms", result.terms, TERM_COLUMNS)):
        if rows:
            tables[name] = pa.table({column: [row[column] for row in rows] for column in columns})
    for name, table in tables.items():
        (parts / name).mkdir(parents=True, exist_ok=True)
        pq.write_table(table, parts / name / _name(index))


def _plain(value: Any) -> Any:
    """NumPy scalars in a row, as the Python values pandas would see."""
    if hasattr(value, "item"):
        return value.item()
    raise TypeError(f"cannot store {type(value).__name__} in an article row")


def merge_parts(parts: Path, count: int, stage: Path) -> pd.DataFrame:
    """articles.csv/parquet, spans.jsonl, sentences and terms in `stage`, byte for byte as from one process.

    Partitions hold consecutive articles in id order, each sorted within, so concatenation keeps the
    sort orders. Returns the articles table.
    """

    def column(name: str, index: int, key: str) -> list[str]:
        return pq.read_table(parts / name / _name(index), columns=[key]).column(key).to_pylist()

    rows = [json.loads(row) for index in range(count) for row in column("articles", index, "row")]
    table = pd.DataFrame(rows).sort_values("id", kind="stable").reset_index(drop=True) if rows else pd.DataFrame({"id": []})
    del rows
    write_table(table, stage, "articles")
    with (stage / "spans.jsonl").open("w", encoding="utf-8", newline="\n") as stream:
        for index in range(count):
            stream.writelines(line + "\n" for line in column("spans", index, "span"))
    for name, columns in (("sentences", SENTENCE_COLUMNS), ("terms", TERM_COLUMNS)):
        files = [parts / name / _name(index) for index in range(count) if (parts / name / _name(index)).exists()]
        frame = (pa.concat_tables([pq.read_table(f) for f in files], promote_options="default").select(columns).to_pandas()
                 if files else pd.DataFrame([], columns=columns))
        write_table(frame, stage, name, csv_too=False)
        del frame
    return table


# --- Engines ----------------------------------------------------------------------------------------------


@contextmanager
def runner(settings: Settings, jobs: int = 1, kind: str = "local",
           scheduler: str | None = None) -> Iterator[Callable[[Iterable[Task]], Iterator[Part]]]:
    """A function that runs partition tasks and yields their results in task order.

    local with jobs 1: in this process; local with jobs N: N worker processes, each loading the model
    once; dask: on the cluster at `scheduler`, or on a local cluster of `jobs` worker processes.
    """
    if kind == "dask":
        with _dask(scheduler, jobs) as run:
            yield run
    elif scheduler is not None:
        raise FramingError("--scheduler needs --engine dask")
    elif jobs == 1:
        yield lambda tasks: (score_partition(*task) for task in tasks)
    else:
        from concurrent.futures import ProcessPoolExecutor

        pool = ProcessPoolExecutor(jobs)  # each worker loads its resources with its first task, then keeps them
        try:
            yield lambda tasks: _in_order((pool.submit(score_partition, *task) for task in tasks), 2 * jobs)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


@contextmanager
def _dask(scheduler: str | None, jobs: int) -> Iterator[Callable[[Iterable[Task]], Iterator[Part]]]:
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise FramingError("the Dask engine needs dask.distributed: pip install 'dask[distributed]'") from None
    cluster = None
    try:
        if scheduler is None:
            cluster = LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(scheduler or cluster, timeout=30)
    except (OSError, TimeoutError, ValueError) as err:
        if cluster is not None:
            cluster.close()
        raise FramingError(f"cannot reach the Dask scheduler at {scheduler} ({err}); check the address") from None
    try:
        window = 2 * max(1, len(client.scheduler_info()["workers"]))
        yield lambda tasks: _in_order((client.submit(score_partition, *task, pure=False) for task in tasks), window)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _in_order(futures: Iterable[Any], window: int) -> Iterator[Part]:
    """Results of futures in submission order, with at most `window` submitted and not yet consumed."""
    pending: deque = deque()
    for future in futures:
        pending.append(future)
        if len(pending) >= window:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()
