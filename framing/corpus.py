"""Corpus readers: text and Markdown with front matter, metadata.csv, HTML pages, and tables."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any, Iterator

from framing.lexicon import safe_yaml
from framing.types import METADATA_FIELDS, Article, FramingError

TEXT_SUFFIXES = (".txt", ".md", ".markdown")
HTML_SUFFIXES = (".html", ".htm")
TABLE_SUFFIXES = (".jsonl", ".csv", ".parquet")
METADATA_FILE = "metadata.csv"
MAX_CHARS = 200_000  # about 30,000 words, several times the longest news feature; scored in about a minute
MAX_BYTES = 10_000_000  # larger files are refused unread (HTML pages carry much markup around their text)
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)^---[ \t]*(?:\r?\n|\Z)", re.DOTALL | re.MULTILINE)
_UNCLOSED_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n[\w-]+[ \t]*:")
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def error_row(article: str, path: Path | str, stage: str, reason: str) -> dict[str, str]:
    return {"article": article, "path": str(path), "stage": stage, "reason": reason}


def read_corpus(path: str | Path) -> tuple[list[Article], list[dict[str, str]]]:
    """Read every article under `path`, sorted by id; unreadable ones become error rows."""
    path = Path(path)
    if not path.exists():
        raise FramingError(f"{path}: no such file or folder")
    if path.is_dir():
        articles, errors = _read_folder(path)
    elif path.suffix.lower() in TABLE_SUFFIXES:
        articles, errors = _read_table(path)
    elif path.suffix.lower() in TEXT_SUFFIXES + HTML_SUFFIXES:
        article, error = _read_file(path)
        articles, errors = ([article] if article else []), ([error] if error else [])
    else:
        raise FramingError(f"{path}: unsupported file type; give a folder, .txt/.md/.html files, or a .jsonl/.csv/.parquet table")
    return _unique(articles, errors)


def _unique(articles: list[Article], errors: list[dict[str, str]]) -> tuple[list[Article], list[dict[str, str]]]:
    """Two articles with one id: both are reported and neither is scored, since neither can be chosen."""
    by_id: dict[str, list[Article]] = {}
    for article in articles:
        by_id.setdefault(article.id, []).append(article)
    kept = []
    for article_id, group in sorted(by_id.items()):
        if len(group) == 1:
            kept.append(group[0])
        else:
            for a in group:
                others = ", ".join(b.source_path for b in group if b is not a)
                errors.append(error_row(article_id, a.source_path, "read", f"duplicate id '{article_id}' (also in {others}); rename one"))
    return kept, sorted(errors, key=lambda e: (e["article"], e["path"]))


def _read_folder(folder: Path) -> tuple[list[Article], list[dict[str, str]]]:
    """Articles of the folder itself (not subfolders); hidden files and READMEs are not articles."""
    found = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
    files = [p for p in found if p.suffix.lower() in TEXT_SUFFIXES + HTML_SUFFIXES and not p.name.upper().startswith("README")]
    tables = [p for p in found if p.suffix.lower() in TABLE_SUFFIXES and p.name != METADATA_FILE]
    articles, errors = [], []
    for file in files:
        article, error = _read_file(file)
        if article:
            articles.append(article)
        if error:
            errors.append(error)
    for table in tables:
        try:
            more, more_errors = _read_table(table)
        except FramingError as err:  # one bad table must not stop the rest of the folder
            more, more_errors = [], [error_row("", table, "read", str(err).removeprefix(f"{table}: "))]
        articles.extend(more)
        errors.extend(more_errors)
    if (folder / METADATA_FILE).exists():
        errors.extend(_apply_metadata(folder / METADATA_FILE, articles, {f.name: f.stem for f in files}))
    if not files and not tables:
        raise FramingError(f"{folder}: no articles found (.txt, .md, .html, .jsonl, .csv or .parquet)")
    return articles, errors


def decode(data: bytes) -> tuple[str, str]:
    """Decode UTF-8 (or UTF-16 with a BOM), else Windows-1252 or Latin-1; return the text and a note."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text, note = data.decode("utf-16", errors="replace"), "decoded as UTF-16 (not UTF-8)"
    elif b"\x00" in data:
        raise ValueError("binary file (NUL bytes), not text")
    else:
        text, note = _decode_8bit(data)
    if not text.strip():
        raise ValueError("empty file")
    if len(_CONTROLS.findall(text)) > 0.05 * len(text):
        raise ValueError("binary file (mostly control characters), not text")
    return text, note


def _decode_8bit(data: bytes) -> tuple[str, str]:
    try:
        return data.decode("utf-8-sig"), ""
    except UnicodeDecodeError:
        pass
    text = data.decode("utf-8-sig", errors="replace")
    bad = text.count("\ufffd") - data.count("\ufffd".encode())
    if sum(ord(c) > 127 for c in text) - text.count("\ufffd") > bad:  # mostly valid UTF-8, a few stray bytes
        return text, f"not valid UTF-8: {bad} undecodable byte sequence(s) replaced by U+FFFD"
    if any(0x80 <= b <= 0x9f for b in data):
        try:
            return data.decode("cp1252"), "not UTF-8: decoded as Windows-1252"
        except UnicodeDecodeError:
            pass
    return data.decode("latin-1"), "not UTF-8: decoded as Latin-1 (ISO-8859-1)"


def _read_file(path: Path) -> tuple[Article | None, dict[str, str] | None]:
    article_id = path.stem
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise ValueError(f"too large: {size / 1e6:.1f} MB (files over {MAX_BYTES / 1e6:.0f} MB are not read); split it into articles")
        raw, note = decode(path.read_bytes())
        if path.suffix.lower() in HTML_SUFFIXES:
            text, meta = _html(raw)
        else:
            text, meta = split_front_matter(raw)
        if not text.strip():
            raise ValueError("no article text (empty after front matter or extraction)")
        if len(text) > MAX_CHARS:
            raise ValueError(_too_large(len(text)))
    except ValueError as err:
        return None, error_row(article_id, path, "read", str(err))
    except OSError as err:
        return None, error_row(article_id, path, "read", f"cannot read the file ({err.strerror or err})")
    return Article(article_id, text, meta, str(path), [note] if note else []), None


def _too_large(n_chars: int) -> str:
    return f"too large: {n_chars:,} characters (the limit for one article is {MAX_CHARS:,}); split it into articles"


def split_front_matter(raw: str) -> tuple[str, dict[str, Any]]:
    """YAML front matter between '---' lines; the text is everything after it, unchanged."""
    match = _FRONT_MATTER.match(raw)
    if not match:
        if _UNCLOSED_FRONT_MATTER.match(raw):
            raise ValueError("front matter opened by '---' on line 1 is never closed by a '---' line")
        return raw, {}
    try:
        meta = safe_yaml(match.group(1), first_line=2)
    except ValueError as err:
        raise ValueError(f"front matter: {err}") from None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise ValueError("front matter: expected 'key: value' lines, got a YAML " + type(meta).__name__)
    return raw[match.end():], {str(k): _plain(v) for k, v in meta.items()}


def _plain(value: Any) -> Any:
    """Dates and other YAML scalars as strings, so every metadata value writes the same way."""
    return value if isinstance(value, (str, int, float, bool)) or value is None else str(value)


def _html(raw: str) -> tuple[str, dict[str, Any]]:
    import trafilatura

    extracted = trafilatura.bare_extraction(raw, with_metadata=True, include_comments=False)
    document = extracted.as_dict() if extracted is not None else {}
    if not document.get("text"):
        raise ValueError("no main text found in the HTML page")
    meta = {"outlet": document.get("sitename") or document.get("hostname"), "date": document.get("date"),
            "title": document.get("title"), "url": document.get("url"), "author": document.get("author")}
    return document["text"], {k: v for k, v in meta.items() if v}


def _apply_metadata(path: Path, articles: list[Article], stems: dict[str, str]) -> list[dict[str, str]]:
    """Fill metadata from metadata.csv (front matter wins); report rows naming no article."""
    errors = []
    by_id = {a.id: a for a in articles}
    try:
        text, note = decode(path.read_bytes())
        rows = list(csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter(text)))
    except (ValueError, csv.Error, OSError) as err:
        return [error_row("", path, "metadata", f"unreadable metadata.csv ({err})")]
    if rows and "id" not in rows[0] and "file" not in rows[0]:
        return [error_row("", path, "metadata", "metadata.csv needs an 'id' or a 'file' column")]
    seen: set[str] = set()
    for n, row in enumerate(rows, 2):
        key = (row.get("id") or "").strip() or stems.get((row.get("file") or "").strip(), Path((row.get("file") or "").strip()).stem)
        if not key:
            errors.append(error_row("", path, "metadata", f"line {n}: no id or file"))
        elif key in seen:
            errors.append(error_row(key, path, "metadata", f"line {n}: duplicate id '{key}' in metadata.csv (first row kept)"))
        elif key not in by_id:
            errors.append(error_row(key, path, "metadata", f"line {n}: names '{key}', which is not an article in the folder"))
        else:
            seen.add(key)
            article = by_id[key]
            if note:
                article.notes.append(f"metadata.csv {note}")
            for column, value in row.items():
                if column in ("id", "file") or value in (None, ""):
                    continue
                article.meta.setdefault(column, value)
    return errors


def _read_table(path: Path) -> tuple[list[Article], list[dict[str, str]]]:
    import pandas as pd

    try:
        if path.suffix.lower() == ".jsonl":
            rows = _jsonl(path)  # not through pandas, whose Arrow strings refuse lone surrogates
        elif path.suffix.lower() == ".csv":
            with path.open(encoding="utf-8-sig") as handle:
                sep = delimiter(handle.readline())
            rows = pd.read_csv(path, sep=sep, dtype=str, keep_default_na=False).to_dict(orient="records")
        else:
            rows = pd.read_parquet(path).to_dict(orient="records")
    except (ValueError, OSError, UnicodeDecodeError) as err:
        raise FramingError(f"{path}: unreadable table ({err})") from None
    missing = [c for c in ("id", "text") if not any(c in row for row in rows)]
    if missing:
        raise FramingError(f"{path}: the table needs columns 'id' and 'text' (missing: {', '.join(missing)})")
    articles, errors = [], []
    for n, row in enumerate(rows, 1):
        article_id = str(row.pop("id") if row.get("id") is not None else "").strip()
        text = row.pop("text", None)
        where = f"{path} row {n}"
        if not article_id:
            errors.append(error_row("", where, "read", "row without an id"))
        elif not isinstance(text, str) or not text.strip():
            errors.append(error_row(article_id, where, "read", "empty or missing text"))
        elif len(text) > MAX_CHARS:
            errors.append(error_row(article_id, where, "read", _too_large(len(text))))
        else:
            meta = {k: _plain(v) for k, v in row.items() if v is not None and v == v and v != ""}
            meta = {k: _SURROGATE.sub("\ufffd", v) if isinstance(v, str) else v for k, v in meta.items()}
            lone = len(_SURROGATE.findall(text))
            notes = [f"{lone} lone surrogate(s) replaced by U+FFFD"] if lone else []
            articles.append(Article(article_id, _SURROGATE.sub("\ufffd", text), meta, where, notes))
    return articles, errors


def delimiter(text: str) -> str:
    """The delimiter of a CSV file from its header line: ',' or, as French spreadsheets write, ';' or a tab."""
    header = text.split("\n", 1)[0]
    return max([",", ";", "\t"], key=header.count)


def jsonl_lines(path: Path) -> Iterator[tuple[int, Any]]:
    """The value of every non-blank line of a JSON Lines file, with its line number; a ValueError names a bad line."""
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                yield n, json.loads(line)
            except json.JSONDecodeError as err:
                raise ValueError(f"line {n} is not valid JSON ({err.msg})") from None


def _jsonl(path: Path) -> list[dict[str, Any]]:
    records = []
    for n, record in jsonl_lines(path):
        if not isinstance(record, dict):
            raise ValueError(f"line {n} is not a JSON object with 'id' and 'text'")
        records.append(record)
    return records


def metadata_row(article: Article) -> dict[str, Any]:
    """The standard metadata fields first, then the rest, as strings."""
    row = {name: _text(article.meta.get(name)) for name in METADATA_FIELDS}
    for key in sorted(article.meta):
        if key not in METADATA_FIELDS:
            row[key] = _text(article.meta[key])
    return row


def _text(value: Any) -> str:
    return "" if value is None else str(value)
