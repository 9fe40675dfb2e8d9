"""Metrics against hand-computed values, alignment edge cases, bootstrap determinism, agreement, the command."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from framing.evaluate import (Prediction, accuracy, agreement, article_record, assign_rows, bootstrap, cohen_kappa,
                              evaluate, krippendorff_alpha, load_gold, load_texts, macro_f1, match_spans, prf,
                              prediction_from_rows, run_evaluation, sha256)
from framing.types import FramingError

TEXT = "Il serait parti. « Il pourrait revenir », dit-il. Menu Menu. Selon Axios, le conseil a tranché."
# offsets: "serait parti" 3-15, quotation 17-40, "pourrait" 22-30, "dit-il" 42-48, "Menu Menu." 50-60,
# "Selon" 61-66, "Selon Axios" 61-72, "conseil" 77-84, last sentence 61-95


def gold_item(**changes) -> dict:
    item = {
        "article": "a1", "text_sha256": sha256(TEXT),
        "excluded": [{"start": 50, "end": 60, "reason": "chrome"}],
        "sentences": [{"start": 0, "end": 16, "frames": ["drama"], "hedged": True},
                      {"start": 17, "end": 49, "frames": [], "hedged": False},
                      {"start": 61, "end": 95, "frames": ["governance"], "hedged": True}],
        "hedges": [{"start": 3, "end": 15, "category": "conditional", "in_quote": False},
                   {"start": 22, "end": 30, "category": "modal_verb", "in_quote": True},
                   {"start": 61, "end": 66, "category": "reportative", "in_quote": False}],
        "attributions": [{"start": 42, "end": 48, "source_start": 46, "source_end": 48, "source_type": "other",
                          "form": "direct_quote"},
                         {"start": 61, "end": 72, "source_start": 67, "source_end": 72, "source_type": "media",
                          "form": "according_to"}],
        "quotes": [{"start": 17, "end": 40}],
        "article_frames": ["governance", "drama"], "primary_frame": "governance",
    }
    item.update(changes)
    return item


def span(layer: str, label: str, start: int, end: int, **extra) -> dict:
    return {"article": "a1", "layer": layer, "label": label, "start": start, "end": end, "text": TEXT[start:end], **extra}


def lexicon_prediction(spans: list[dict], row: dict | None = None) -> Prediction:
    return prediction_from_rows("lexicon", spans, [], [{"id": "a1", **(row or {})}])


def test_prf_hand_computed():
    precision, recall, f1 = prf(np.array([3, 1, 2]))
    assert (precision, recall) == (0.75, 0.6)
    assert f1 == pytest.approx(2 * 0.75 * 0.6 / 1.35)
    assert all(math.isnan(x) for x in prf(np.array([0, 0, 0])))
    assert prf(np.array([0, 2, 0]))[0] == 0.0 and math.isnan(prf(np.array([0, 2, 0]))[1])


def test_accuracy_and_macro_f1_hand_computed():
    pairs = [("a", "a"), ("a", "b"), ("b", "b"), ("c", "c")]
    assert accuracy(pairs) == 0.75
    # a: tp1 fp0 fn1 -> 2/3; b: tp1 fp1 fn0 -> 2/3; c: 1
    assert macro_f1(pairs) == pytest.approx((2 / 3 + 2 / 3 + 1) / 3)


def test_cohen_kappa_hand_computed():
    a = [1, 1, 0, 0, 1, 0]
    b = [1, 0, 0, 0, 1, 1]
    # po = 4/6; pe = (3/6)(3/6) + (3/6)(3/6) = 0.5; kappa = (2/3 - 1/2) / (1/2) = 1/3
    assert cohen_kappa(a, b) == pytest.approx(1 / 3)
    assert cohen_kappa([1, 1], [1, 1]) != cohen_kappa([1, 1], [1, 1])  # nan: no variation
    assert cohen_kappa(["x", "y"], ["x", "y"]) == 1.0


def test_krippendorff_alpha_hand_computed():
    a = [1, 1, 0, 0, 1, 0]
    b = [1, 0, 0, 0, 1, 1]
    # n = 12 values (6 ones, 6 zeros); off-diagonal coincidences 2 * 2 = 4
    # alpha = 1 - (n - 1) * 4 / (n^2 - 36 - 36) = 1 - 11 * 4 / 72
    assert krippendorff_alpha(a, b) == pytest.approx(1 - 44 / 72)


def test_match_spans_exact_and_overlap_are_one_to_one():
    gold = [(0, 10), (20, 30)]
    pred = [(0, 10), (2, 8), (25, 40), (50, 60)]
    assert match_spans(gold, pred, exact=True) == [(0, 0)]
    assert match_spans(gold, pred, exact=False) == [(0, 0), (1, 2)]


def test_assign_rows_split_and_merge():
    units = [(0, 10), (11, 20), (21, 40)]
    rows = [(0, 20), (21, 30), (31, 40)]  # the parser merged the first two and split the third
    assert assign_rows(units, rows) == [[0], [0], [1, 2]]


def test_sentence_hedging_cue_in_quote_and_excluded_region():
    spans = [span("hedge", "serait", 3, 15, category="conditional", in_quote=False),
             span("hedge", "pourrait", 22, 30, category="modal_verb", in_quote=True),  # quoted: not authorial
             span("hedge", "menu", 50, 54, category="epistemic", in_quote=False)]  # in an excluded region: ignored
    rec = article_record(gold_item(), lexicon_prediction(spans))
    # gold hedged: s0, s2. predicted hedged: s0 only (the quoted cue does not count)
    assert list(rec.counts["hedging/sentence"]) == [1, 0, 1]
    # cues: gold 3, predicted 2 after dropping the excluded one; both match exactly
    assert list(rec.counts["hedging/cue_exact"]) == [2, 0, 1]
    assert list(rec.counts["hedging/cue_overlap"]) == [2, 0, 1]


def test_attribution_matching_and_types():
    spans = [span("attribution", "direct_quote", 43, 48, source_type="person", form="direct_quote"),
             span("attribution", "according_to", 61, 72, source_type="media", form="according_to"),
             span("attribution", "reporting_verb", 80, 85, source_type="organization", form="reporting_verb")]
    rec = article_record(gold_item(), lexicon_prediction(spans))
    assert list(rec.counts["attribution/overlap"]) == [2, 1, 0]
    assert list(rec.counts["attribution/exact"]) == [1, 2, 1]
    assert rec.pairs["attribution/source_type"] == [("other", "person"), ("media", "media")]
    assert accuracy(rec.pairs["attribution/form"]) == 1.0


def test_frames_sentence_and_article_level():
    spans = [span("frame", "drama", 3, 10), span("frame", "governance", 77, 84), span("frame", "business", 20, 25)]
    row = {"has_governance": True, "has_safety": False, "has_business": True, "has_drama": False, "primary_frame": "governance"}
    rec = article_record(gold_item(), lexicon_prediction(spans, row))
    assert list(rec.counts["frames/sentence/drama"]) == [1, 0, 0]
    assert list(rec.counts["frames/sentence/business"]) == [0, 1, 0]
    assert list(rec.counts["frames/article/business"]) == [0, 1, 0]
    assert list(rec.counts["frames/article/drama"]) == [0, 0, 1]
    assert rec.pairs["frames/primary"] == [("governance", "governance")]


def test_ml_sentence_rows_are_aligned_to_gold_sentences():
    rows = [{"article": "a1", "start": 0, "end": 49, "hedged": True, "governance": 0, "safety": 0, "business": 0, "drama": 1},
            {"article": "a1", "start": 61, "end": 94, "hedged": False, "governance": 1, "safety": 0, "business": 0, "drama": 0}]
    pred = prediction_from_rows("ml", [], rows, [{"id": "a1"}])
    rec = article_record(gold_item(), pred)
    # the merged row covers gold s0 and s1: both predicted hedged and drama
    assert list(rec.counts["hedging/sentence"]) == [1, 1, 1]
    assert list(rec.counts["frames/sentence/drama"]) == [1, 1, 0]
    assert list(rec.counts["frames/sentence/governance"]) == [1, 0, 0]


def test_bootstrap_is_seeded_and_brackets_the_value():
    gold = {f"a{i}": gold_item(article=f"a{i}") for i in range(6)}
    preds = [prediction_from_rows("lexicon", [dict(span("hedge", "serait", 3, 15, category="conditional", in_quote=False),
                                                   article=f"a{i}") for i in range(3)], [],
                                  [{"id": f"a{i}"} for i in range(6)])]
    first = evaluate(gold, preds, n_boot=200, seed=1)
    again = evaluate(gold, preds, n_boot=200, seed=1)
    assert first.equals(again)
    row = first[(first.layer == "hedging") & (first.level == "sentence") & (first.metric == "recall")].iloc[0]
    assert row.value == pytest.approx(3 / 12)
    assert row.ci_low <= row.value <= row.ci_high
    records = [article_record(gold[a], preds[0]) for a in sorted(gold)]
    assert bootstrap(records, lambda r: len(r), n_boot=50) == (6.0, 6.0)


def test_agreement_between_two_codings():
    a = {"a1": gold_item()}
    b = {"a1": gold_item(sentences=[{"start": 0, "end": 16, "frames": ["drama"], "hedged": False},
                                    {"start": 17, "end": 49, "frames": [], "hedged": False},
                                    {"start": 61, "end": 95, "frames": ["governance"], "hedged": True}])}
    table = agreement(a, b, "a.jsonl", "b.jsonl")
    hedged = table[(table.unit == "sentence") & (table.label == "hedged")].iloc[0]
    # a: T F T, b: F F T -> po 2/3; pe = (2/3)(1/3) + (1/3)(2/3) = 4/9; kappa = (6/9 - 4/9) / (5/9) = 0.4
    assert hedged.cohen_kappa == pytest.approx(0.4)
    assert table[(table.unit == "sentence") & (table.label == "drama")].iloc[0].cohen_kappa == 1.0


def test_run_evaluation_against_another_coding(tmp_path):
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    first.write_text(json.dumps(gold_item()) + "\n", encoding="utf-8")
    second.write_text(json.dumps(gold_item(article_frames=["governance"])) + "\n", encoding="utf-8")
    out, table = run_evaluation(first, [], None, tmp_path / "agree", against=second)
    assert {"agreement.csv", "agreement.md", "evaluation.json"} <= {p.name for p in out.iterdir()}
    assert table[(table.unit == "sentence") & (table.label == "hedged")].cohen_kappa.iloc[0] == 1.0
    assert "Cohen's kappa" in (out / "agreement.md").read_text(encoding="utf-8")


def test_gold_and_text_errors_are_one_line(tmp_path):
    bad = tmp_path / "gold.jsonl"
    bad.write_text('{"article": "a1"}\n', encoding="utf-8")
    with pytest.raises(FramingError, match="lacks"):
        load_gold(bad)
    good = tmp_path / "g.jsonl"
    good.write_text(json.dumps(gold_item()) + "\n", encoding="utf-8")
    texts = tmp_path / "texts"
    texts.mkdir()
    (texts / "a1.txt").write_text(TEXT + " changed", encoding="utf-8")
    with pytest.raises(FramingError, match="does not match its text_sha256") as err:
        load_texts(load_gold(good), good, texts)
    assert "\n" not in str(err.value) and "--texts" in str(err.value)


def test_run_evaluation_from_result_folder(tmp_path, corpus_dir, scored_corpus):
    gold = corpus_dir / "annotations" / "corpus.jsonl"
    out, table = run_evaluation(gold, [str(scored_corpus)], corpus_dir, tmp_path / "ev", n_boot=100)
    assert {"metrics.csv", "metrics.md", "evaluation.json"} <= {p.name for p in out.iterdir()}
    f1 = table[(table.layer == "hedging") & (table.level == "sentence") & (table.metric == "f1")].value.iloc[0]
    assert 0.5 < f1 <= 1.0
    assert set(table.method) == {"lexicon"}


def test_devcorpus_train_texts_match(devcorpus_path, corpus_dir):
    gold_path = corpus_dir / "annotations" / "devcorpus_train.jsonl"
    texts = load_texts(load_gold(gold_path), gold_path, devcorpus_path)
    assert len(texts) == 19
