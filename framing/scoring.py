"""Per-article measures, sentence rows and lemma counts, computed from a Doc and its spans."""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

from spacy.tokens import Doc

from framing.corpus import metadata_row
from framing.frames import frame_measures
from framing.text import Region
from framing.tokens import doc_tokens
from framing.types import FRAMES, HEDGE_CATEGORIES, SOURCE_TYPES, Article, Span

CONTENT_POS = ("NOUN", "PROPN", "ADJ", "VERB")


@dataclass(frozen=True)
class _Sentence:
    """A sentence holding at least one word (not only punctuation or space)."""

    start_char: int  # the sentence's characters, as spaCy's Span.start_char and end_char
    end_char: int
    words_start: int  # from its first word to the end of its last
    words_end: int
    n_words: int


def _sentences(doc: Doc) -> list[_Sentence]:
    """The Doc's sentences that hold a word, computed once and cached on the Doc."""
    cached = doc.user_data.get("framing_sentences")
    if cached is None:
        tokens = doc_tokens(doc)
        cached = []
        for sentence in doc.sents:
            words = [i for i in range(sentence.start, sentence.end) if tokens.is_word[i]]
            if words:
                cached.append(_Sentence(tokens.idx[sentence.start], tokens.end_char(sentence.end - 1),
                                        tokens.idx[words[0]], tokens.end_char(words[-1]), len(words)))
        doc.user_data["framing_sentences"] = cached
    return cached


def _sentence_at(sentences: list[_Sentence], position: int) -> int | None:
    """The index of the sentence whose characters include `position`, if any (sentences do not overlap)."""
    i = bisect_right(sentences, position, key=attrgetter("start_char")) - 1
    return i if i >= 0 and position < sentences[i].end_char else None


def _authorial_hedges(spans: list[Span]) -> list[Span]:
    return [s for s in spans if s.layer == "hedge" and not s.get("in_quote")]


def _ratio(part: float, whole: float, digits: int = 6) -> float | None:
    return round(part / whole, digits) if whole else None


def article_row(article: Article, doc: Doc, spans: list[Span], excluded: list[Region],
                decision: dict[str, float]) -> dict[str, Any]:
    """One row of articles.csv: metadata, size, frames, hedging and attribution measures."""
    n_tokens = sum(doc_tokens(doc).is_word)
    sentences = _sentences(doc)
    hedges = _authorial_hedges(spans)
    hedged = {_sentence_at(sentences, h.start) for h in hedges} - {None}
    hedge_categories = Counter(h.get("category") for h in hedges)
    attributions = [s for s in spans if s.layer == "attribution"]
    source_types = Counter(a.get("source_type") for a in attributions)
    frame_hits = Counter(s.label for s in spans if s.layer == "frame")
    row: dict[str, Any] = {"id": article.id}
    meta = metadata_row(article)
    row.update({k: meta[k] for k in ("outlet", "date", "title")})
    row.update({"n_tokens": n_tokens, "n_sentences": len(sentences)})
    row.update(frame_measures(spans, n_tokens, decision))
    for frame in FRAMES:
        row[f"{frame}_hits"] = frame_hits[frame]
    row["n_hedges"] = len(hedges)
    row["n_hedged_sentences"] = len(hedged)
    row["hedged_sentence_share"] = _ratio(len(hedged), len(sentences)) or 0.0
    row["hedges_per_1k"] = round(1000 * len(hedges) / n_tokens, 4) if n_tokens else 0.0
    for category in HEDGE_CATEGORIES:
        row[f"hedges_{category}_per_1k"] = round(1000 * hedge_categories[category] / n_tokens, 4) if n_tokens else 0.0
    row["n_attributions"] = len(attributions)
    row["anonymous_share"] = _ratio(source_types["anonymous"], len(attributions))
    row["n_direct_quotes"] = sum(a.get("form") == "direct_quote" for a in attributions)
    row["direct_quote_share"] = _ratio(row["n_direct_quotes"], len(attributions))
    for source_type in SOURCE_TYPES:
        row[f"attr_{source_type}"] = source_types[source_type]
    row["n_quotes"] = sum(1 for s in spans if s.layer == "quote")
    row["excluded_chars"] = sum(r.end - r.start for r in excluded)
    row["excluded"] = ";".join(sorted({r.label for r in excluded}))
    row["input_notes"] = "; ".join(article.notes)
    row["url"] = meta["url"]
    row.update({k: v for k, v in meta.items() if k not in row and k not in ("outlet", "date", "title", "url")})
    return row


def sentence_rows(article: Article, doc: Doc, spans: list[Span]) -> list[dict[str, Any]]:
    """One row per scored sentence, with its authorial hedges and frame hits."""
    sentences = _sentences(doc)
    hedges = Counter(_sentence_at(sentences, h.start) for h in _authorial_hedges(spans))
    frames = Counter((_sentence_at(sentences, s.start), s.label) for s in spans if s.layer == "frame")
    rows = []
    for i, sentence in enumerate(sentences):
        row = {"article": article.id, "start": sentence.words_start, "end": sentence.words_end,
               "n_tokens": sentence.n_words, "hedges": hedges[i]}
        row["hedged"] = row["hedges"] > 0
        for frame in FRAMES:
            row[frame] = frames[i, frame]
        rows.append(row)
    return rows


def term_rows(article: Article, doc: Doc, spans: list[Span]) -> list[dict[str, Any]]:
    """Lemma counts of content words, each with the frame whose lexicon matched it."""
    frame_at = {}
    for span in spans:
        if span.layer == "frame":
            for i in range(span.start, span.end):
                frame_at[i] = span.label
    tokens = doc_tokens(doc)
    counts: dict[tuple[str, str, str], int] = {}
    for lemma, pos, start, stop, alpha in zip(tokens.lemma, tokens.pos, tokens.idx, tokens.is_stop, tokens.is_alpha):
        if pos in CONTENT_POS and not stop and alpha:
            key = (lemma.lower(), pos, frame_at.get(start, ""))
            counts[key] = counts.get(key, 0) + 1
    return [{"article": article.id, "lemma": lemma, "pos": pos, "count": n, "frame": frame}
            for (lemma, pos, frame), n in sorted(counts.items())]
