"""Engines: streamed batches, worker processes and Dask write the same bytes as scoring everything in memory."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from framing.cli import main
from framing.corpus import error_row, read_corpus
from framing.output import write_errors, write_spans, write_table
from framing.pipeline import SENTENCE_COLUMNS, TERM_COLUMNS, _reason, analyse, prepare, score_corpus
from framing.types import FramingError

OUTPUTS = ("articles.csv", "articles.parquet", "spans.jsonl", "sentences.parquet", "terms.parquet", "errors.csv")


@pytest.fixture(autouse=True)
def cache_dir(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("FRAMING_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


@pytest.fixture(scope="module")
def mixed_corpus(tmp_path_factory, corpus_dir, request) -> Path:
    """corpus/, the devcorpus when present, an English article (a prepare error) and an empty file (a read error)."""
    folder = tmp_path_factory.mktemp("mixed")
    for path in corpus_dir.glob("*.txt"):
        shutil.copy(path, folder / path.name)
    shutil.copy(corpus_dir / "metadata.csv", folder / "metadata.csv")
    try:
        shutil.copy(request.getfixturevalue("devcorpus_path"), folder / "devcorpus.jsonl")
    except pytest.skip.Exception:
        pass
    (folder / "en.txt").write_text("The board said on Friday that the company would keep its chief executive "
                                   "for the time being, according to people familiar with the matter.\n", encoding="utf-8")
    (folder / "empty.txt").write_text("", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def reference(mixed_corpus, resources, tmp_path_factory) -> Path:
    """The outputs built as before streaming: every article scored in memory, then sorted and written at once."""
    out = tmp_path_factory.mktemp("reference")
    articles, errors = read_corpus(mixed_corpus)
    rows, spans, sentences, terms = [], [], [], []
    for article in articles:
        try:
            prepared = prepare(article, resources)
        except Exception as err:
            errors.append(error_row(article.id, article.source_path, "prepare", _reason(err)))
            continue
        result = analyse(prepared, resources.nlp(prepared.parse_text), resources)
        rows.append(result.row)
        spans.extend(s.to_dict() for s in result.spans)
        sentences.extend(result.sentences)
        terms.extend(result.terms)
    write_table(pd.DataFrame(rows).sort_values("id", kind="stable").reset_index(drop=True), out, "articles")
    write_spans(sorted(spans, key=lambda s: (s["article"], s["start"], s["end"], s["layer"], s["label"])), out / "spans.jsonl")
    write_table(pd.DataFrame(sentences, columns=SENTENCE_COLUMNS), out, "sentences", csv_too=False)
    write_table(pd.DataFrame(terms, columns=TERM_COLUMNS), out, "terms", csv_too=False)
    write_errors(errors, out / "errors.csv")
    return out


def _same(a: Path, b: Path) -> None:
    for name in OUTPUTS:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    record = [json.loads((folder / "run.json").read_text(encoding="utf-8")) for folder in (a, b)]
    assert record[0] == record[1]
    assert not [p.name for p in a.iterdir() if p.name.startswith(".")]


def test_streamed_batches_write_what_scoring_in_memory_wrote(mixed_corpus, reference, tmp_path):
    run = score_corpus(mixed_corpus, tmp_path / "out", batch_size=4, cache=False, progress=False)
    for name in OUTPUTS:
        assert (tmp_path / "out" / name).read_bytes() == (reference / name).read_bytes(), name
    assert {e["stage"] for e in run.errors} == {"read", "prepare"}
    assert len(run.articles) == len(pd.read_csv(reference / "articles.csv"))


def test_batch_size_cache_and_processes_do_not_change_a_byte(mixed_corpus, tmp_path):
    score_corpus(mixed_corpus, tmp_path / "one", cache=False, progress=False)
    score_corpus(mixed_corpus, tmp_path / "cold", batch_size=5, progress=False)
    score_corpus(mixed_corpus, tmp_path / "warm", batch_size=5, progress=False)
    score_corpus(mixed_corpus, tmp_path / "jobs", batch_size=3, jobs=2, cache=False, progress=False)
    for other in ("cold", "warm", "jobs"):
        _same(tmp_path / "one", tmp_path / other)


def test_dask_on_a_local_cluster_writes_the_same_outputs(mixed_corpus, tmp_path, cache_dir):
    distributed = pytest.importorskip("distributed")
    score_corpus(mixed_corpus, tmp_path / "local", cache=False, progress=False)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        score_corpus(mixed_corpus, tmp_path / "dask", batch_size=6, engine="dask", scheduler=cluster.scheduler_address,
                     progress=False)
        score_corpus(mixed_corpus, tmp_path / "again", batch_size=6, engine="dask", scheduler=cluster.scheduler_address,
                     progress=False)
    _same(tmp_path / "local", tmp_path / "dask")
    _same(tmp_path / "local", tmp_path / "again")
    assert (cache_dir / "docbin-v1" / "index").is_dir()  # the workers' parse cache


def test_strict_stops_at_the_first_scoring_error(corpus_dir, tmp_path):
    folder = tmp_path / "corpus"
    shutil.copytree(corpus_dir, folder)
    (folder / "zz_english.txt").write_text("This article was written in English from start to end, and not in French "
                                           "at all, as the board said.\n", encoding="utf-8")
    with pytest.raises(FramingError, match=r"zz_english.txt: not in French .*--strict"):
        score_corpus(folder, tmp_path / "out", batch_size=2, strict=True, cache=False, progress=False)
    assert not (tmp_path / "out" / "articles.csv").exists()


def test_engine_options_fail_in_one_line(corpus_dir, tmp_path):
    runner = CliRunner()
    for args in (["--scheduler", "tcp://127.0.0.1:1"], ["--engine", "dask", "--scheduler", "tcp://127.0.0.1:1"]):
        result = runner.invoke(main, ["score", str(corpus_dir), "--out", str(tmp_path / "out"), "--no-progress", *args])
        assert result.exit_code == 2, result.output
        assert result.output.startswith("framing: error: ") and len(result.output.strip().splitlines()) == 1
