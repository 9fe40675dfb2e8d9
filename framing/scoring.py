"""Per-article measures, sentence rows and lemma counts, computed from a Doc and its spans."""

from __future__ import annotations

from typing import Any

from spacy.tokens import Doc

from framing.corpus import metadata_row
from framing.frames import frame_measures
from framing.text import Region
from framing.types import FRAMES, HEDGE_CATEGORIES, SOURCE_TYPES, Article, Span

CONTENT_POS = ("NOUN", "PROPN", "ADJ", "VERB")


def is_word(token) -> bool:
    return not (token.is_space or token.is_punct)


def _ratio(part: float, whole: float, digits: int = 6) -> float | None:
    return round(part / whole, digits) if whole else None


def article_row(article: Article, doc: Doc, spans: list[Span], excluded: list[Region],
                decision: dict[str, float]) -> dict[str, Any]:
    """One row of articles.csv: metadata, size, frames, hedging and attribution measures."""
    n_tokens = sum(1 for t in doc if is_word(t))
    sentences = [s for s in doc.sents if any(is_word(t) for t in s)]
    hedges = [s for s in spans if s.layer == "hedge" and not s.get("in_quote")]
    hedged = {i for i, sentence in enumerate(sentences)
              for h in hedges if sentence.start_char <= h.start < sentence.end_char}
    attributions = [s for s in spans if s.layer == "attribution"]
    row: dict[str, Any] = {"id": article.id}
    meta = metadata_row(article)
    row.update({k: meta[k] for k in ("outlet", "date", "title")})
    row.update({"n_tokens": n_tokens, "n_sentences": len(sentences)})
    row.update(frame_measures(spans, n_tokens, decision))
    for frame in FRAMES:
        row[f"{frame}_hits"] = sum(1 for s in spans if s.layer == "frame" and s.label == frame)
    row["n_hedges"] = len(hedges)
    row["n_hedged_sentences"] = len(hedged)
    row["hedged_sentence_share"] = _ratio(len(hedged), len(sentences)) or 0.0
    row["hedges_per_1k"] = round(1000 * len(hedges) / n_tokens, 4) if n_tokens else 0.0
    for category in HEDGE_CATEGORIES:
        count = sum(1 for h in hedges if h.get("category") == category)
        row[f"hedges_{category}_per_1k"] = round(1000 * count / n_tokens, 4) if n_tokens else 0.0
    row["n_attributions"] = len(attributions)
    row["anonymous_share"] = _ratio(sum(a.get("source_type") == "anonymous" for a in attributions), len(attributions))
    row["n_direct_quotes"] = sum(a.get("form") == "direct_quote" for a in attributions)
    row["direct_quote_share"] = _ratio(row["n_direct_quotes"], len(attributions))
    for source_type in SOURCE_TYPES:
        row[f"attr_{source_type}"] = sum(a.get("source_type") == source_type for a in attributions)
    row["n_quotes"] = sum(1 for s in spans if s.layer == "quote")
    row["excluded_chars"] = sum(r.end - r.start for r in excluded)
    row["excluded"] = ";".join(sorted({r.label for r in excluded}))
    row["input_notes"] = "; ".join(article.notes)
    row["url"] = meta["url"]
    row.update({k: v for k, v in meta.items() if k not in row and k not in ("outlet", "date", "title", "url")})
    return row


def sentence_rows(article: Article, doc: Doc, spans: list[Span]) -> list[dict[str, Any]]:
    """One row per scored sentence, with its authorial hedges and frame hits."""
    rows = []
    evidence = [s for s in spans if s.layer in ("frame", "hedge")]
    for sentence in doc.sents:
        words = [t for t in sentence if is_word(t)]
        if not words:
            continue
        start, end = words[0].idx, words[-1].idx + len(words[-1].text)
        inside = [s for s in evidence if sentence.start_char <= s.start < sentence.end_char]
        row = {"article": article.id, "start": start, "end": end, "n_tokens": len(words),
               "hedges": sum(1 for s in inside if s.layer == "hedge" and not s.get("in_quote"))}
        row["hedged"] = row["hedges"] > 0
        for frame in FRAMES:
            row[frame] = sum(1 for s in inside if s.layer == "frame" and s.label == frame)
        rows.append(row)
    return rows


def term_rows(article: Article, doc: Doc, spans: list[Span]) -> list[dict[str, Any]]:
    """Lemma counts of content words, each with the frame whose lexicon matched it."""
    frame_at = {}
    for span in spans:
        if span.layer == "frame":
            for i in range(span.start, span.end):
                frame_at[i] = span.label
    counts: dict[tuple[str, str, str], int] = {}
    for token in doc:
        if token.pos_ in CONTENT_POS and not token.is_stop and token.is_alpha:
            key = (token.lemma_.lower(), token.pos_, frame_at.get(token.idx, ""))
            counts[key] = counts.get(key, 0) + 1
    return [{"article": article.id, "lemma": lemma, "pos": pos, "count": n, "frame": frame}
            for (lemma, pos, frame), n in sorted(counts.items())]
