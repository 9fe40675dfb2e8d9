"""Offset-preserving text handling: normalisation for the parser, excluded regions, quotations."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

from framing.lexicon import BoilerplateRules
from framing.types import FramingError

# Every replacement maps one code point to one code point, so offsets never move.
_CHAR_MAP = {
    "\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u2032": "'", "\u00b4": "'", "`": "'",
    "\u00a0": " ", "\u202f": " ", "\u2007": " ", "\u2009": " ", "\u200a": " ", "\u2002": " ",
    "\u2003": " ", "\u3000": " ", "\t": " ", "\r": " ", "\u2028": "\n", "\u2029": "\n",
    "\u0085": "\n", "\x0b": "\n", "\x0c": "\n", "\u200b": " ", "\ufeff": " ",
}
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f\ud800-\udfff]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_TRANSLATION = str.maketrans(_CHAR_MAP)

Detector = Callable[[str], tuple[str, float]]  # a chunk's language (ISO 639-1) and the confidence it is French
OPENING_QUOTES = {"«": "»", "“": "”", "„": "”"}
STRAIGHT_QUOTE = '"'
_QUOTE_OR_NEWLINE = re.compile("[\n%s]" % "".join(sorted({*OPENING_QUOTES, *OPENING_QUOTES.values(), STRAIGHT_QUOTE})))


@dataclass(frozen=True)
class Region:
    """A character range of the article text with a label (an exclusion reason or 'quote')."""

    start: int
    end: int
    label: str
    language: str = ""


def normalise(text: str) -> str:
    """Typographic apostrophes to ', exotic spaces to ' ', controls and lone surrogates to ' '."""
    return _CONTROL.sub(" ", text.translate(_TRANSLATION))


def mask(text: str, regions: list[Region]) -> str:
    """Replace the characters of `regions` by spaces (newlines kept) so the parser skips them."""
    chars = list(text)
    for region in regions:
        for i in range(region.start, region.end):
            if chars[i] != "\n":
                chars[i] = " "
    return "".join(chars)


def _lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of each line, without its newline."""
    spans, start = [], 0
    for match in re.finditer(r"\n", text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return spans


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


_MARKUP_BLOCK = re.compile(r"<(script|style|noscript|template|svg)\b[^>]*>.*?</\1\s*>|<!--.*?-->", re.IGNORECASE | re.DOTALL)
_TAGS = ("a abbr article aside audio b blockquote body br button canvas code dd div dl dt em embed figcaption figure "
         "footer form h1 h2 h3 h4 h5 h6 head header hr html i iframe img input label li link main meta nav noscript "
         "object ol option p picture pre script section select small source span strong style sub sup svg table "
         "tbody td template textarea tfoot th thead title tr u ul video").split()
_MARKUP_TAG = re.compile(r"</?(?:%s)\b(?:\s[^<>]*)?/?>|<!DOCTYPE[^<>]*>" % "|".join(_TAGS), re.IGNORECASE)


def markup_regions(text: str) -> list[Region]:
    """HTML left in a text file: script, style and comment blocks, and tags of common elements."""
    blocks = [Region(m.start(), m.end(), "markup") for m in _MARKUP_BLOCK.finditer(text)]
    tags = [Region(m.start(), m.end(), "markup") for m in _MARKUP_TAG.finditer(text)]
    return _union(blocks + tags)


def excluded_regions(text: str, rules: BoilerplateRules, detect: Detector | None = None) -> list[Region]:
    """Site chrome, teasers, bylines, credits, markers, markup, duplicated and non-French lines (`detect`:
    the language detector, by default `detect_language`)."""
    markup = markup_regions(text) if "<" in text else []
    regions: list[Region] = list(markup)
    seen_lines: set[str] = set()
    first = 0  # the first markup region that may reach the current line
    for line_start, line_end in _lines(text):
        start, end = _strip(text, line_start, line_end)
        if start == end:
            continue
        line = text[start:end]
        line_regions = [Region(start + m.start(), start + m.end(), reason)
                        for reason, pattern in rules.patterns for m in pattern.finditer(line)]
        line_regions = [r for r in line_regions if r.end > r.start]
        regions.extend(line_regions)
        while first < len(markup) and markup[first].end <= start:
            first += 1
        for region in markup[first:]:
            if region.start >= end:
                break
            line_regions.append(Region(max(region.start, start), min(region.end, end), "markup"))
        covered = sum(r.end - r.start for r in _union(line_regions))
        if covered >= len(line):
            continue
        key = " ".join(line.split()).lower()
        if len(key.split()) >= rules.duplicate_min_words and key in seen_lines:
            regions.append(Region(start, end, "duplicate"))
            continue
        seen_lines.add(key)
        regions.extend(_non_french(text, start, end, line_regions, rules, detect or detect_language))
    return _union(regions, keep_labels=True)


_LETTER = re.compile(r"[^\W\d_]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f\u1e00-\u1eff]")
_NON_LATIN = re.compile(r"[^\W\d_A-Za-z\u00c0-\u024f\u1e00-\u1eff]")
_SENTENCE_BREAK = re.compile(r"(?<=[.!?;])\s+(?=[A-ZÀ-Ý«\"“@#])")
_WORD = re.compile(r"[^\W\d_]{2,}")
_FRENCH_WORDS = frozenset("le la les de des du et est un une au aux en dans pour par sur avec qui que ne pas son sa ses ce cette il elle ils nous vous".split())
_ENGLISH_WORDS = frozenset("the of and to in is was on for with that this it be by as at from are has had have not will would".split())


def _non_french(text: str, start: int, end: int, taken: list[Region], rules: BoilerplateRules,
                detect: Detector) -> list[Region]:
    """Chunks of a line that are confidently in another language than French."""
    found = []
    chunk_start = start
    bounds = [m.start() + start for m in _SENTENCE_BREAK.finditer(text[start:end])] + [end]
    for chunk_end in bounds:
        s, e = _strip(text, chunk_start, chunk_end)
        chunk_start = chunk_end
        if any(r.start <= s and e <= r.end for r in taken):
            continue
        chunk = text[s:e]
        if _NON_LATIN.search(chunk):  # counted only when a letter of another script is present
            letters = len(_LETTER.findall(chunk))
            if letters >= 10 and len(_LATIN.findall(chunk)) < letters / 2:
                found.append(Region(s, e, "non_french", "und"))  # mostly another script than Latin
                continue
        words = _WORD.findall(chunk)
        if len(words) < rules.language_min_words:
            continue
        words = [w.lower() for w in words]
        if sum(w in _FRENCH_WORDS for w in words) >= max(1, sum(w in _ENGLISH_WORDS for w in words)):
            continue  # French function words outweigh English ones: names and loanwords, not a foreign line
        language, french = detect(chunk)
        if language != "fr" and french < rules.language_max_french:
            found.append(Region(s, e, "non_french", language))
    return found


LANGUAGES = ("FRENCH", "ENGLISH", "GERMAN", "SPANISH", "ITALIAN", "PORTUGUESE", "DUTCH")


@lru_cache(maxsize=1)
def _detector():
    from lingua import Language, LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_languages(*(getattr(Language, name) for name in LANGUAGES)).build()


def detector_version() -> str:
    """What detect_language's answers depend on, for caching them."""
    from importlib.metadata import version

    return f"lingua-{version('lingua-language-detector')}|{','.join(LANGUAGES)}"


def detect_language(chunk: str) -> tuple[str, float]:
    """The most likely language (ISO 639-1) of a chunk and the confidence that it is French."""
    values = _detector().compute_language_confidence_values(_SURROGATE.sub(" ", chunk))  # lingua wants valid UTF-8
    french = next((v.value for v in values if v.language.iso_code_639_1.name == "FR"), 0.0)
    return values[0].language.iso_code_639_1.name.lower(), french


def _union(regions: list[Region], keep_labels: bool = False) -> list[Region]:
    """Merge overlapping regions; with keep_labels, only regions of the same label merge."""
    merged: list[Region] = []
    for region in sorted(regions, key=lambda r: (r.start, -r.end)):
        last = merged[-1] if merged else None
        if last and region.start <= last.end and (not keep_labels or region.label == last.label):
            merged[-1] = Region(last.start, max(last.end, region.end), last.label, last.language)
        elif last and keep_labels and region.end <= last.end:
            continue  # nested inside a region already excluded for another reason
        else:
            merged.append(region)
    return merged


def quotations(text: str, excluded: list[Region]) -> list[Region]:
    """Direct quotations: « », “ ” and straight double quotes, nested « » allowed.

    A quotation left open closes at the end of its line: French typography reopens quotation
    marks at each paragraph, so an unclosed one never runs on into the next.
    """
    skip = bytearray(len(text))
    for region in excluded:
        skip[region.start:region.end] = b"\x01" * (region.end - region.start)
    found: list[Region] = []
    stack: list[tuple[int, str]] = []
    straight_open: int | None = None

    def close_all(at: int) -> None:
        nonlocal straight_open
        opened = [start for start, _ in stack] + ([straight_open] if straight_open is not None else [])
        found.extend(Region(start, _strip(text, start, at)[1], "quote") for start in opened)
        stack.clear()
        straight_open = None

    for match in _QUOTE_OR_NEWLINE.finditer(text):  # no other character changes the state
        i, ch = match.start(), match.group()
        if ch == "\n":
            close_all(i)
        elif skip[i]:
            continue
        elif ch in OPENING_QUOTES:
            stack.append((i, OPENING_QUOTES[ch]))
        elif stack and ch == stack[-1][1]:
            found.append(Region(stack.pop()[0], i + 1, "quote"))
        elif ch == STRAIGHT_QUOTE:
            if straight_open is None:
                if text[i + 1:i + 2].strip():  # an opening quote touches the next word
                    straight_open = i
            else:
                found.append(Region(straight_open, i + 1, "quote"))
                straight_open = None
    close_all(len(text))
    return sorted((q for q in found if q.end - q.start > 1), key=lambda r: (r.start, -r.end))


class Unscorable(FramingError):
    """An article with nothing to score; its message is the reason written to errors.csv."""


def check_scorable(text: str, excluded: list[Region], min_foreign: float = 0.8) -> None:
    """Raise Unscorable when the text has no letters, is not in French, or is excluded entirely."""
    letters = len(_LETTER.findall(text))
    if not letters:
        raise Unscorable("no words: the text has no letters")
    covered = _union(excluded)
    kept = letters - sum(len(_LETTER.findall(text, r.start, r.end)) for r in covered)
    foreign: dict[str, int] = {}
    for region in excluded:
        if region.label == "non_french":
            foreign[region.language] = foreign.get(region.language, 0) + len(_LETTER.findall(text, region.start, region.end))
    if foreign and sum(foreign.values()) >= min_foreign * (kept + sum(foreign.values())):
        language = max(sorted(foreign), key=foreign.get)
        detected = "a non-Latin script" if language == "und" else f"'{language}'"
        raise Unscorable(f"not in French (detected {detected}); the whole article is left out")
    if kept == 0:
        reasons = ", ".join(sorted({r.label for r in excluded}))
        raise Unscorable(f"nothing to score: every line is excluded ({reasons})")


def inside(position: int, regions: list[Region]) -> bool:
    return any(r.start <= position < r.end for r in regions)
