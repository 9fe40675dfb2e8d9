"""Lexicons as data: reading YAML, LIWC .dic and Lexicoder .lc3, validating, matching on parsed Docs."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from operator import attrgetter
from pathlib import Path
from typing import Any, Callable, NamedTuple

import yaml
from spacy.tokens import Doc

from framing.tokens import doc_tokens
from framing.types import FRAMES, FramingError, file_sha256

LEXICON_DIR = Path(__file__).resolve().parent.parent / "lexicons"
_GLOB_MARK = "qqglobqq"
_ENTRY_CHARS = re.compile(r"^[\w*?'’\-. &!+]+$")


@dataclass
class Lexicon:
    """Named categories of entries, with the provenance a researcher needs to cite it."""

    name: str
    version: str
    source: str
    path: str
    categories: dict[str, list[str]]
    settings: dict[str, Any] = field(default_factory=dict)
    sha256: str = ""

    @property
    def label(self) -> str:
        return f"{self.name}@{self.version}"


@dataclass
class BoilerplateRules:
    """Line patterns for excluded regions, and the thresholds of language detection."""

    patterns: list[tuple[str, re.Pattern[str]]]
    duplicate_min_words: int = 3
    language_min_words: int = 3
    language_max_french: float = 0.2


def _fail(path: Path | str, where: str, problem: str) -> FramingError:
    return FramingError(f"{path}: {where}: {problem}")


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FramingError(f"{path}: lexicon file not found") from None
    except UnicodeDecodeError as err:
        raise FramingError(f"{path}: not UTF-8 ({err.reason} at byte {err.start}); save it as UTF-8") from None


def load_lexicon(path: str | Path) -> Lexicon:
    """Read a lexicon in any supported format, chosen by the file extension."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".yml", ".yaml"):
        lexicon = _load_yaml(path)
    elif suffix == ".dic":
        lexicon = _load_liwc(path)
    elif suffix == ".lc3":
        lexicon = _load_lc3(path)
    else:
        raise FramingError(f"{path}: unknown lexicon format '{suffix}'; use .yaml, .dic (LIWC) or .lc3 (Lexicoder)")
    lexicon.sha256 = file_sha256(path)
    _validate_entries(lexicon)
    return lexicon


def safe_yaml(text: str, first_line: int = 1) -> Any:
    """Plain YAML data only (no tags that build objects); a ValueError names the line and the problem."""
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"line {mark.line + first_line}: " if mark else ""
        problem = str(getattr(err, "problem", None) or err).splitlines()[0]
        tag = re.search(r"constructor for the tag '([^']+)'", problem)
        if tag:
            name = tag.group(1).replace("tag:yaml.org,2002:", "!!")
            raise ValueError(f"{where}malformed YAML: tag '{name}' is not allowed; only plain values, lists and mappings (remove the tag)") from None
        hint = "; put the value in quotes" if "mapping values are not allowed" in problem else ""
        raise ValueError(f"{where}malformed YAML ({problem}{hint})") from None


def _load_yaml(path: Path) -> Lexicon:
    try:
        data = safe_yaml(_read_text(path))
    except ValueError as err:
        raise FramingError(f"{path}: {err}") from None
    if not isinstance(data, dict) or not data:
        raise _fail(path, "top level", "expected a mapping of categories to lists of entries")
    if "categories" in data:  # framing's own format, with provenance
        for key in ("name", "version", "source"):
            if not data.get(key):
                raise _fail(path, f"key '{key}'", "missing; framing lexicons carry name, version and source")
        categories = _flatten(path, data["categories"], "")
        settings = {k: v for k, v in data.items() if k not in ("name", "version", "source", "categories")}
        return Lexicon(str(data["name"]), str(data["version"]), str(data["source"]), str(path), categories, settings)
    categories = _flatten(path, data, "")  # quanteda's dictionary YAML: nested keys, no metadata
    return Lexicon(path.stem, "unversioned", f"quanteda-style YAML dictionary {path.name}", str(path), categories)


def _flatten(path: Path, node: Any, prefix: str) -> dict[str, list[str]]:
    """Nested keys become their top-level category; entries stay in file order."""
    if not isinstance(node, dict):
        raise _fail(path, f"category '{prefix or 'top level'}'", "expected a mapping of categories")
    flat: dict[str, list[str]] = {}
    for key, value in node.items():
        top = prefix or str(key)
        where = f"category '{prefix + '/' if prefix else ''}{key}'"
        if isinstance(value, dict):
            for name, entries in _flatten(path, value, top).items():
                flat.setdefault(name, []).extend(entries)
        elif isinstance(value, list):
            for i, entry in enumerate(value, 1):
                if not isinstance(entry, str) or not entry.strip():
                    raise _fail(path, f"{where}, entry {i}", f"expected a non-empty string, got {entry!r}")
            flat.setdefault(top, []).extend(e.strip() for e in value)
        else:
            raise _fail(path, where, f"expected a list of entries or nested categories, got {type(value).__name__}")
    return flat


def _load_liwc(path: Path) -> Lexicon:
    """LIWC .dic: a '%'-delimited header of 'number<TAB>category', then 'entry<TAB>numbers'."""
    lines = _read_text(path).splitlines()
    marks = [i for i, line in enumerate(lines) if line.strip() == "%"]
    if len(marks) < 2:
        raise _fail(path, "header", "a LIWC dictionary starts with a category block between two '%' lines")
    names: dict[str, str] = {}
    for n in range(marks[0] + 1, marks[1]):
        parts = lines[n].split()
        if not parts:
            continue
        if len(parts) != 2:
            raise _fail(path, f"line {n + 1}", "expected 'number category' in the header")
        names[parts[0]] = parts[1]
    categories: dict[str, list[str]] = {name: [] for name in names.values()}
    for n in range(marks[1] + 1, len(lines)):
        if not lines[n].strip():
            continue
        parts = re.split(r"\t+", lines[n].strip()) if "\t" in lines[n] else lines[n].rsplit(None, 1)
        entry, numbers = parts[0].strip(), " ".join(parts[1:]).split()
        if not numbers:
            raise _fail(path, f"line {n + 1}", f"entry '{entry}' has no category number")
        for number in numbers:
            if number not in names:
                raise _fail(path, f"line {n + 1}", f"entry '{entry}' names category {number}, not in the header")
            categories[names[number]].append(entry)
    return Lexicon(path.stem, "unversioned", f"LIWC dictionary {path.name}", str(path), categories)


def _load_lc3(path: Path) -> Lexicon:
    """Lexicoder .lc3: '+category' lines, each followed by its entries, one per line."""
    categories: dict[str, list[str]] = {}
    current = None
    for n, line in enumerate(_read_text(path).splitlines(), 1):
        line = line.strip()
        if not line:
            continue
        if line.startswith("+"):
            current = line[1:].strip()
            categories.setdefault(current, [])
        elif current is None:
            raise _fail(path, f"line {n}", f"entry '{line}' comes before any '+category' line")
        else:
            categories[current].append(line)
    return Lexicon(path.stem, "unversioned", f"Lexicoder dictionary {path.name}", str(path), categories)


def _validate_entries(lexicon: Lexicon) -> None:
    for category, entries in lexicon.categories.items():
        seen: set[str] = set()
        for i, entry in enumerate(entries, 1):
            where = f"category '{category}', entry {i} '{entry}'"
            if not _ENTRY_CHARS.match(entry):
                raise _fail(lexicon.path, where, "contains characters other than letters, digits, ' - . * ? & and spaces")
            if entry.replace("*", "").replace("?", "").strip() == "":
                raise _fail(lexicon.path, where, "a wildcard needs at least one letter")
            if entry.lower() in seen:
                raise _fail(lexicon.path, where, "duplicate entry in this category")
            seen.add(entry.lower())


def check_frame_lexicon(lexicon: Lexicon) -> None:
    """A frame lexicon's categories must be the four frames."""
    unknown = [c for c in lexicon.categories if c.lower() not in FRAMES]
    if unknown:
        raise _fail(lexicon.path, f"category '{unknown[0]}'",
                    f"unknown frame; frame lexicon categories must be among {', '.join(FRAMES)}")
    decision = lexicon.settings.get("decision", {})
    if not isinstance(decision, dict) or any(key not in ("min_hits", "min_per_1k") or isinstance(value, bool)
                                             or not isinstance(value, (int, float)) or value < 0
                                             for key, value in decision.items()):
        raise _fail(lexicon.path, "key 'decision'", "expected 'min_hits' and 'min_per_1k', numbers of 0 or more")


def default_path(name: str) -> Path:
    return LEXICON_DIR / f"{name}.yaml"


def load_boilerplate(path: str | Path | None = None) -> BoilerplateRules:
    """Boilerplate entries are regular expressions, so they skip the word-entry validation."""
    lexicon = _load_yaml(Path(path or default_path("boilerplate")))
    patterns = []
    for reason, regexes in lexicon.categories.items():
        for regex in regexes:
            try:
                patterns.append((reason, re.compile(regex, re.IGNORECASE)))
            except re.error as err:
                raise _fail(lexicon.path, f"category '{reason}', pattern '{regex}'", f"bad regular expression ({err})") from None
    settings = lexicon.settings.get("settings", {})
    return BoilerplateRules(patterns, **settings)


# --- Matching -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Match:
    start: int  # token index
    end: int
    category: str
    entry: str


_ELISIONS = {"d'": "de", "l'": "le", "qu'": "que", "s'": "se", "n'": "ne", "j'": "je", "c'": "ce", "m'": "me", "t'": "te"}


def _targets(doc: Doc) -> list[tuple[list[str], dict[str, list[int]]]]:
    """The word sequences entries are matched on, each with where every word occurs; computed once per Doc.

    They are the tokens' lower-cased forms, and their lower-cased lemmas (the form when a token has no
    lemma, spaces made underscores), as spaCy's LOWER gives them on a Doc of the lemmas.
    """
    cached = doc.user_data.get("framing_targets")
    if cached is None:
        tokens = doc_tokens(doc)
        lemmas = [((lemma or text).lower().replace(" ", "_") or text).lower()
                  for lemma, text in zip(tokens.lemma, tokens.text)]
        cached = doc.user_data["framing_targets"] = [(words, _positions(words)) for words in (tokens.lower, lemmas)]
    return cached


def _positions(words: list[str]) -> dict[str, list[int]]:
    """Where each word occurs."""
    at: dict[str, list[int]] = {}
    for i, word in enumerate(words):
        at.setdefault(word, []).append(i)
    return at


_Hit = tuple[int, int, str, str]  # a candidate Match: start, end, category, entry


class _Phrases(NamedTuple):
    """Entries without wildcards: their categories and entries by their words, and their lengths in
    words by their first word."""

    entries: dict[tuple[str, ...], list[tuple[str, str]]]
    lengths: dict[str, set[int]]


class LexiconMatcher:
    """Lexicon entries matched on the tokens' lower-cased forms and on their lemmas.

    An entry matches when its words equal the tokens' lower-cased forms, or their lemmas (elided
    words such as d' also match their full form de); '*' and '?' are wildcards within a word.
    """

    def __init__(self, lexicon: Lexicon, tokenize: Callable[[str], list[str]]):
        self.lexicon = lexicon
        self.globs: list[tuple[str, str, list[str | re.Pattern[str]]]] = []
        self._phrases = _Phrases({}, {})
        for category, entries in lexicon.categories.items():
            for entry in entries:
                words = _entry_words(tokenize, entry)
                if any("*" in w or "?" in w for w in words):
                    self.globs.append((category, entry, [_glob_word(w) for w in words]))
                    continue
                as_lemmas = [_ELISIONS.get(w, w) for w in words]
                for pattern in [words] + ([as_lemmas] if as_lemmas != words else []):
                    key = tuple(word.lower() for word in pattern)
                    if not key:
                        continue
                    self._phrases.entries.setdefault(key, []).append((category, entry))
                    self._phrases.lengths.setdefault(key[0], set()).add(len(key))

    def __call__(self, doc: Doc) -> list[Match]:
        """Longest non-overlapping matches over the whole Doc, computed once and cached on it."""
        cache = doc.user_data.setdefault("framing_matches", {})
        label = self.lexicon.label
        if label not in cache:
            targets = _targets(doc)
            found = [hit for words, at in targets for hit in self._phrase_matches(words, at)]
            if self.globs:
                found += [hit for words, at in targets for hit in self._glob_matches(words, at)]
            cache[label] = _longest(found)
        return cache[label]

    def _phrase_matches(self, words: list[str], at: dict[str, list[int]]) -> list[_Hit]:
        """Every occurrence of every entry without wildcards."""
        entries, lengths = self._phrases
        found = []
        for first in lengths.keys() & at.keys():
            for n in lengths[first]:
                for start in at[first]:
                    for category, entry in entries.get(tuple(words[start:start + n]), ()):
                        found.append((start, start + n, category, entry))
        return found

    def _glob_matches(self, lowers: list[str], at: dict[str, list[int]]) -> list[_Hit]:
        """Entries with wildcards, word by word; a pattern word matches as spaCy's Matcher REGEX would (re.search)."""
        found = []
        for category, entry, words in self.globs:
            first = words[0]
            if isinstance(first, str):
                starts = at.get(first, [])
            else:
                starts = sorted(i for lower in filter(first.search, at) for i in at[lower])
            for start in starts:
                end = start + len(words)
                if end <= len(lowers) and all(_fits(word, lowers[i]) for i, word in enumerate(words[1:], start + 1)):
                    found.append((start, end, category, entry))
        return found

    def within(self, span) -> list[Match]:
        """Matches overlapping a span of the Doc, in Doc token indices."""
        matches = self(span.doc)
        # Matches do not overlap, so both their starts and their ends rise through the list.
        first = bisect_right(matches, span.start, key=attrgetter("end"))
        return matches[first:bisect_left(matches, span.end, lo=first, key=attrgetter("start"))]


def _entry_words(tokenize: Callable[[str], list[str]], entry: str) -> list[str]:
    """Tokenise an entry as the pipeline tokenises text, keeping wildcards inside words."""
    text = entry.replace("’", "'").replace("*", _GLOB_MARK).replace("?", "qqoneqq").lower()
    return [word.replace(_GLOB_MARK, "*").replace("qqoneqq", "?") for word in tokenize(text)]


def _glob_word(word: str) -> str | re.Pattern[str]:
    """A compiled regular expression for a word with wildcards, else the word itself."""
    return re.compile(_glob_regex(word)) if "*" in word or "?" in word else word


def _fits(word: str | re.Pattern[str], lower: str) -> bool:
    return word == lower if isinstance(word, str) else word.search(lower) is not None


def _glob_regex(word: str) -> str:
    parts = re.split(r"([*?])", word)
    return "^" + "".join({"*": ".*", "?": "."}.get(p, re.escape(p)) for p in parts) + "$"


def _longest(hits: list[_Hit]) -> list[Match]:
    """Keep the longest non-overlapping matches, earliest first on ties."""
    chosen: list[Match] = []
    taken: set[int] = set()
    # Longest first; among equals, the earliest start, then category and entry.
    for _, (start, end, category, entry) in sorted((hit[0] - hit[1], hit) for hit in set(hits)):
        if taken.isdisjoint(range(start, end)):
            chosen.append(Match(start, end, category, entry))
            taken.update(range(start, end))
    return sorted(chosen, key=attrgetter("start"))


def describe(lexicon: Lexicon) -> str:
    """One line per category: how many entries, for `framing lexicon check`."""
    counts = ", ".join(f"{category} {len(entries)}" for category, entries in lexicon.categories.items())
    return f"{lexicon.path}: {lexicon.label} ok ({counts})"
