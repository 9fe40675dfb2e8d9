"""Frame evidence from the frame lexicon, and the per-article frame measures."""

from __future__ import annotations

from typing import Any

from spacy.tokens import Doc

from framing.lexicon import LexiconMatcher
from framing.tokens import doc_tokens
from framing.types import FRAMES, Article, Span, make_span


def frame_spans(article: Article, doc: Doc, matcher: LexiconMatcher) -> list[Span]:
    """One span per lexicon hit; a token counts for one frame only (longest match wins)."""
    tokens = doc_tokens(doc)
    return [make_span(article, "frame", match.category.lower(), tokens.idx[match.start], tokens.end_char(match.end - 1),
                      entry=match.entry, lexicon=matcher.lexicon.label)
            for match in matcher(doc)]


def frame_measures(spans: list[Span], n_tokens: int, decision: dict[str, float]) -> dict[str, Any]:
    """Shares, densities per 1,000 tokens, present/absent decisions and the primary frame."""
    hits = {frame: 0 for frame in FRAMES}
    for span in spans:
        if span.layer == "frame" and span.label in hits:
            hits[span.label] += 1
    total = sum(hits.values())
    row: dict[str, Any] = {frame: round(hits[frame] / total, 6) if total else 0.0 for frame in FRAMES}
    for frame in FRAMES:
        row[f"{frame}_per_1k"] = round(1000 * hits[frame] / n_tokens, 4) if n_tokens else 0.0
    for frame in FRAMES:
        row[f"has_{frame}"] = bool(hits[frame] >= decision.get("min_hits", 1)
                                   and row[f"{frame}_per_1k"] >= decision.get("min_per_1k", 0.0))
    # Ties go to the frame listed first in FRAMES, so the choice is stable across runs.
    row["primary_frame"] = max(FRAMES, key=lambda f: hits[f]) if total else ""
    return row
