"""The whole `framing score` command on corpus/: the output contract, offsets, determinism."""

from __future__ import annotations

import json

import pandas as pd
from click.testing import CliRunner

from framing.cli import main
from framing.corpus import read_corpus
from framing.types import FRAMES, SOURCE_TYPES

CONTRACT = (["id", "outlet", "date", "title", "n_tokens", "n_sentences"] + list(FRAMES)
            + [f"{f}_per_1k" for f in FRAMES] + [f"has_{f}" for f in FRAMES]
            + ["primary_frame", "hedged_sentence_share", "hedges_per_1k", "n_attributions", "anonymous_share",
               "direct_quote_share"] + [f"attr_{t}" for t in SOURCE_TYPES])


def test_articles_table_follows_the_contract(scored_corpus, corpus_dir):
    table = pd.read_csv(scored_corpus / "articles.csv", keep_default_na=False)
    assert set(CONTRACT) <= set(table.columns)
    assert list(table["id"]) == sorted(p.stem for p in corpus_dir.glob("*.txt"))
    parquet = pd.read_parquet(scored_corpus / "articles.parquet")
    assert list(parquet["id"]) == list(table["id"])
    for frame in FRAMES:
        assert table[frame].between(0, 1).all()
    sums = table[list(FRAMES)].sum(axis=1)
    assert ((sums - 1).abs() < 1e-3).all()  # every corpus article has frame evidence
    assert (table["n_tokens"] > 200).all()
    assert set(table["primary_frame"]) <= set(FRAMES)
    meta = {row["id"]: row for row in table.to_dict(orient="records")}
    assert meta["003_fb660e3b96c40856"]["outlet"] == "Tech&Co"
    assert meta["000_b5bfe5d4dd2e657f"]["date"] == "2023-11"


def test_every_span_text_equals_the_article_text_at_its_offsets(scored_corpus, corpus_dir):
    texts = {a.id: a.text for a in read_corpus(corpus_dir)[0]}
    lines = (scored_corpus / "spans.jsonl").read_text(encoding="utf-8").splitlines()
    spans = [json.loads(line) for line in lines]
    assert {s["layer"] for s in spans} == {"frame", "hedge", "attribution", "quote", "excluded"}
    for span in spans:
        assert texts[span["article"]][span["start"]:span["end"]] == span["text"]
    keys = [(s["article"], s["start"], s["end"], s["layer"], s["label"]) for s in spans]
    assert keys == sorted(keys)
    hedges = [s for s in spans if s["layer"] == "hedge"]
    assert all({"category", "in_quote"} <= set(s) for s in hedges)
    assert all({"source", "source_type", "form"} <= set(s) for s in spans if s["layer"] == "attribution")


def test_noise_is_excluded_and_said(scored_corpus):
    spans = [json.loads(line) for line in (scored_corpus / "spans.jsonl").read_text(encoding="utf-8").splitlines()]
    excluded = {(s["article"][:3], s["label"]) for s in spans if s["layer"] == "excluded"}
    assert {("000", "marker"), ("000", "non_french"), ("001", "chrome"), ("001", "link"), ("001", "duplicate"),
            ("004", "chrome")} <= excluded
    english = [s["text"] for s in spans if s["label"] == "non_french" and s["article"].startswith("000")]
    assert any(text.startswith("Update on the OpenAI drama") for text in english)
    frames_in_chrome = [s for s in spans if s["layer"] == "frame" and "Leave a Reply" in s["text"]]
    assert not frames_in_chrome


def test_command_line_summary_and_identical_reruns(tmp_path, corpus_dir, scored_corpus):
    result = CliRunner().invoke(main, ["score", str(corpus_dir), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "Scored 5 article(s)" in result.output and "non_french" in result.output
    for name in ("articles.csv", "spans.jsonl", "errors.csv"):
        assert (tmp_path / name).read_bytes() == (scored_corpus / name).read_bytes()
    assert (tmp_path / "errors.csv").read_text() == "article,path,stage,reason\n"


def test_failed_articles_are_reported_and_the_rest_scored(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "good.txt").write_text("Le conseil d'administration a licencié le PDG vendredi.", encoding="utf-8")
    (corpus / "empty.txt").write_text("", encoding="utf-8")
    result = CliRunner().invoke(main, ["score", str(corpus), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    table = pd.read_csv(tmp_path / "out" / "articles.csv")
    assert list(table["id"]) == ["good"]
    errors = pd.read_csv(tmp_path / "out" / "errors.csv")
    assert list(errors["article"]) == ["empty"] and "empty" in errors["reason"][0]
