"""Shared data types and option names: Article, Span, the Literal vocabularies; the file hash of provenance."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, get_args

Frame = Literal["governance", "safety", "business", "drama"]
FRAMES: tuple[Frame, ...] = get_args(Frame)

Layer = Literal["frame", "hedge", "attribution", "quote", "excluded"]
HedgeCategory = Literal["epistemic", "modal_adverb", "modal_verb", "conditional", "reportative"]
HEDGE_CATEGORIES: tuple[HedgeCategory, ...] = get_args(HedgeCategory)
SourceType = Literal["person", "organization", "media", "anonymous", "group", "document", "other"]
SOURCE_TYPES: tuple[SourceType, ...] = get_args(SourceType)
AttributionForm = Literal["according_to", "reporting_verb", "direct_quote"]
ExclusionReason = Literal["chrome", "link", "byline", "credit", "marker", "duplicate", "non_french", "markup"]
Method = Literal["lexicon", "ml", "combined"]

METADATA_FIELDS = ("outlet", "date", "title", "url")


@dataclass
class Article:
    """One article: its text exactly as read (after front matter) and its metadata."""

    id: str
    text: str
    meta: dict[str, Any] = field(default_factory=dict)
    source_path: str = ""
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Span:
    """A located piece of evidence; `text` always equals article.text[start:end]."""

    article: str
    layer: Layer
    label: str
    start: int
    end: int
    text: str
    extra: tuple[tuple[str, Any], ...] = ()

    def get(self, key: str, default: Any = None) -> Any:
        return dict(self.extra).get(key, default)

    def to_dict(self) -> dict[str, Any]:
        row = {"article": self.article, "layer": self.layer, "label": self.label,
               "start": self.start, "end": self.end, "text": self.text}
        row.update(self.extra)
        return row


def make_span(article: Article, layer: Layer, label: str, start: int, end: int, **extra: Any) -> Span:
    """Build a span whose text is taken from the article, so it can never drift from the offsets."""
    if not 0 <= start <= end <= len(article.text):
        raise ValueError(f"{article.id}: span {start}-{end} outside text of length {len(article.text)}")
    return Span(article.id, layer, label, start, end, article.text[start:end], tuple(sorted(extra.items())))


class FramingError(Exception):
    """An error with a one-line message meant for the user (file, problem, fix)."""


def file_sha256(path: str | Path) -> str:
    """The sha256 of a file's bytes, as every provenance record (run.json, manifest, model card) gives it."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()
