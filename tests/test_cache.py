"""The parse cache: restored Docs score as fresh ones, keys, atomic entries, reuse after interruption and re-scoring."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from framing.cache import COMPACT_AFTER, FORMAT, LanguageCache, ParseCache, cache_info, clear_cache, fingerprint
from framing.cli import main
from framing.corpus import read_corpus
from framing.engines import Scorer
from framing.lexicon import default_path
from framing.nlp import load_vocab
from framing.pipeline import analyse, load_resources, prepare, score_corpus

OUTPUTS = ("articles.csv", "articles.parquet", "spans.jsonl", "sentences.parquet", "terms.parquet", "errors.csv")


@pytest.fixture(autouse=True)
def cache_dir(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("FRAMING_CACHE_DIR", str(folder))
    return folder


def _same_outputs(a: Path, b: Path) -> None:
    for name in OUTPUTS:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def _result(result) -> tuple:
    return result.row, [s.to_dict() for s in result.spans], result.sentences, result.terms


def test_a_restored_doc_scores_exactly_as_a_fresh_parse(resources, corpus_dir, cache_dir):
    """Parse, lemmas, morphology, entities and sentence boundaries all survive the DocBin, with either vocabulary."""
    prepared = [prepare(article, resources) for article in read_corpus(corpus_dir)[0]]
    fresh = [resources.nlp(item.parse_text) for item in prepared]
    cache = ParseCache(cache_dir, fingerprint(resources.model))
    keys = [cache.key(item.parse_text) for item in prepared]
    cache.put(keys, [resources.nlp(item.parse_text) for item in prepared])
    light = load_resources(parse=False)
    for res in (resources, light):
        restored = cache.get(keys, res.vocab)
        assert set(restored) == set(keys)
        for item, doc, key in zip(prepared, fresh, keys):
            back = restored[key]
            assert back.text == doc.text and not back.user_data
            assert [(s.start, s.end) for s in back.sents] == [(s.start, s.end) for s in doc.sents]
            assert [(e.start, e.end, e.label_) for e in back.ents] == [(e.start, e.end, e.label_) for e in doc.ents]
            assert [(t.lemma_, t.pos_, str(t.morph), t.dep_, t.head.i) for t in back] == \
                   [(t.lemma_, t.pos_, str(t.morph), t.dep_, t.head.i) for t in doc]
            assert _result(analyse(item, back, res)) == _result(analyse(item, doc, resources))


def test_keys_depend_on_text_model_and_pipeline(resources, cache_dir):
    cache = ParseCache(cache_dir, fingerprint(resources.model))
    other = ParseCache(cache_dir, fingerprint(resources.model).replace("3.8", "9.9"))
    assert cache.key("Le texte.") == cache.key("Le texte.")
    assert cache.key("Le texte.") != cache.key("Le texte !")
    assert cache.key("Le texte.") != other.key("Le texte.")
    assert "framing_line_breaks" in fingerprint(resources.model)
    assert load_vocab()[1] == resources.model


def test_unreadable_entries_are_parsed_again(resources, cache_dir):
    cache = ParseCache(cache_dir, fingerprint(resources.model))
    keys = [cache.key("Un texte."), cache.key("Un autre texte.")]
    cache.put(keys, [resources.nlp("Un texte."), resources.nlp("Un autre texte.")])
    for path in (cache_dir / FORMAT / "docs").iterdir():
        path.write_bytes(b"truncated")
    assert cache.get(keys, resources.vocab) == {}
    (cache_dir / FORMAT / "index" / keys[0][:2] / keys[0]).write_text("garbage", encoding="ascii")
    assert cache.get(keys, resources.vocab) == {}


def test_an_interrupted_run_keeps_whole_entries_and_the_rerun_reuses_them(corpus_dir, tmp_path, cache_dir, monkeypatch):
    parses = []
    original = Scorer.parse

    def parse(self, texts):
        if len(parses) == 2:
            raise KeyboardInterrupt
        parses.append(len(texts))
        return original(self, texts)

    monkeypatch.setattr(Scorer, "parse", parse)
    with pytest.raises(KeyboardInterrupt):
        score_corpus(corpus_dir, tmp_path / "out", batch_size=2, progress=False)
    assert parses == [2, 2] and not (tmp_path / "out" / "articles.csv").exists()
    assert cache_info()["entries"] == 4
    (cache_dir / FORMAT / "docs" / ".tmp-left-by-a-kill").write_bytes(b"partial")  # a write cut short
    parses.clear()
    score_corpus(corpus_dir, tmp_path / "out", batch_size=2, progress=False)
    assert parses == [1]
    monkeypatch.setattr(Scorer, "parse", original)
    score_corpus(corpus_dir, tmp_path / "fresh", cache=False, progress=False)
    _same_outputs(tmp_path / "out", tmp_path / "fresh")


def test_rescoring_after_a_lexicon_and_threshold_change_does_not_parse(corpus_dir, tmp_path, monkeypatch):
    score_corpus(corpus_dir, tmp_path / "first", progress=False)
    lexicon = tmp_path / "frames.yaml"
    text = default_path("frames").read_text(encoding="utf-8")
    changed = re.sub(r"min_hits: \d+", "min_hits: 1", text).replace("      - gouvernance\n", "")
    assert changed.count("\n") == text.count("\n") - 1 and "min_hits: 1" in changed
    lexicon.write_text(changed, encoding="utf-8")
    score_corpus(corpus_dir, tmp_path / "fresh", frame_lexicon=lexicon, cache=False, progress=False)

    def no_parse(self, texts):
        raise AssertionError("parsed again")

    monkeypatch.setattr(Scorer, "parse", no_parse)
    score_corpus(corpus_dir, tmp_path / "again", frame_lexicon=lexicon, progress=False)
    _same_outputs(tmp_path / "again", tmp_path / "fresh")


def test_cache_info_and_clear(corpus_dir, tmp_path, cache_dir):
    runner = CliRunner()
    assert "0 parsed article(s)" in runner.invoke(main, ["cache", "info"]).output
    score_corpus(corpus_dir, tmp_path / "out", progress=False)
    info = cache_info()
    assert info["entries"] == 5 and info["bytes"] > 0 and info["location"] == str(cache_dir)
    result = runner.invoke(main, ["cache", "info"])
    assert result.exit_code == 0 and "5 parsed article(s)" in result.output and str(cache_dir) in result.output
    result = runner.invoke(main, ["cache", "clear"])
    assert result.exit_code == 0 and "Removed 5 parsed article(s)" in result.output
    assert cache_info()["entries"] == 0 and clear_cache() == 0


def test_an_unwritable_cache_is_a_one_line_error(corpus_dir, tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("FRAMING_CACHE_DIR", str(blocker))
    result = CliRunner().invoke(main, ["score", str(corpus_dir), "--out", str(tmp_path / "out"), "--no-progress"])
    assert result.exit_code == 2
    assert result.output.startswith("framing: error: ") and "--no-cache" in result.output
    assert len(result.output.strip().splitlines()) == 1
    shutil.rmtree(tmp_path / "out", ignore_errors=True)


def test_a_warm_run_loads_neither_the_tokenizer_nor_the_language_models(tmp_path, cache_dir):
    """The French tokenizer's patterns and lingua's models take seconds to load; a warm run needs neither."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Le conseil d'administration a renvoyé Sam Altman, selon plusieurs médias.\n"
                                  "The board of OpenAI said that it was not a decision taken lightly.\n", encoding="utf-8")
    code = ("import sys; from framing.pipeline import score_corpus; from framing.text import _detector; "
            f"score_corpus({str(corpus)!r}, sys.argv[1], progress=False); "
            "print('spacy.lang.fr' in sys.modules, _detector.cache_info().currsize)")
    runs = [subprocess.run([sys.executable, "-c", code, str(tmp_path / name)], capture_output=True, text=True,
                           check=True).stdout.split() for name in ("cold", "warm")]
    assert runs == [["True", "1"], ["False", "0"]]
    _same_outputs(tmp_path / "cold", tmp_path / "warm")
    assert '"non_french"' in (tmp_path / "warm" / "spans.jsonl").read_text(encoding="utf-8")


def test_language_answers_are_kept_and_their_files_merged(cache_dir):
    asked = []

    def detect(chunk: str) -> tuple[str, float]:
        asked.append(chunk)
        return "en", 0.125

    for i in range(COMPACT_AFTER + 1):
        languages = LanguageCache(cache_dir, detect, "v1")
        assert languages(f"chunk {i}") == ("en", 0.125) and languages(f"chunk {i}") == ("en", 0.125)
        languages.save()
    assert len(asked) == COMPACT_AFTER + 1
    merged = LanguageCache(cache_dir, detect, "v1")
    assert len(list(merged.folder.glob("*.json"))) == 1
    assert [merged(f"chunk {i}") for i in (0, COMPACT_AFTER)] == [("en", 0.125)] * 2 and len(asked) == COMPACT_AFTER + 1
    assert LanguageCache(cache_dir, detect, "v2")("chunk 0") and len(asked) == COMPACT_AFTER + 2
