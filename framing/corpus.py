"""Corpus readers: text and Markdown with front matter, metadata.csv, HTML pages, and tables."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from typing import Any

import frontmatter

from framing.types import METADATA_FIELDS, Article, FramingError

TEXT_SUFFIXES = (".txt", ".md", ".markdown")
HTML_SUFFIXES = (".html", ".htm")
TABLE_SUFFIXES = (".jsonl", ".csv", ".parquet")
METADATA_FILE = "metadata.csv"
MAX_BYTES = 20_000_000
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)^---[ \t]*(?:\r?\n|\Z)", re.DOTALL | re.MULTILINE)


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
            paths = ", ".join(a.source_path for a in group)
            errors.extend(error_row(article_id, a.source_path, "read", f"duplicate id '{article_id}' (also in {paths})") for a in group)
    return kept, sorted(errors, key=lambda e: (e["article"], e["path"]))


def _read_folder(folder: Path) -> tuple[list[Article], list[dict[str, str]]]:
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES + HTML_SUFFIXES
                   and not p.name.upper().startswith("README"))
    tables = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in TABLE_SUFFIXES and p.name != METADATA_FILE)
    articles, errors = [], []
    for file in files:
        article, error = _read_file(file)
        if article:
            articles.append(article)
        if error:
            errors.append(error)
    for table in tables:
        more, more_errors = _read_table(table)
        articles.extend(more)
        errors.extend(more_errors)
    if (folder / METADATA_FILE).exists():
        errors.extend(_apply_metadata(folder / METADATA_FILE, articles, {f.name: f.stem for f in files}))
    if not files and not tables:
        raise FramingError(f"{folder}: no articles found (.txt, .md, .html, .jsonl, .csv or .parquet)")
    return articles, errors


def decode(data: bytes, path: Path | str) -> tuple[str, str]:
    """Decode bytes as UTF-8, else Windows-1252, else Latin-1; return the text and a note."""
    if not data.strip():
        raise ValueError("empty file")
    if b"\x00" in data[:8192]:
        raise ValueError("binary file (NUL bytes), not text")
    try:
        return data.decode("utf-8-sig"), ""
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "decoded as Windows-1252 (not UTF-8)"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "decoded as Latin-1 (not UTF-8)"


def _read_file(path: Path) -> tuple[Article | None, dict[str, str] | None]:
    article_id = path.stem
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise ValueError(f"file of {size / 1e6:.0f} MB is larger than the {MAX_BYTES / 1e6:.0f} MB limit for one article")
        raw, note = decode(path.read_bytes(), path)
        if path.suffix.lower() in HTML_SUFFIXES:
            text, meta = _html(raw)
        else:
            text, meta = split_front_matter(raw)
        if not text.strip():
            raise ValueError("no article text (empty after front matter or extraction)")
    except (ValueError, OSError) as err:
        return None, error_row(article_id, path, "read", str(err))
    return Article(article_id, text, meta, str(path), [note] if note else []), None


def split_front_matter(raw: str) -> tuple[str, dict[str, Any]]:
    """YAML front matter between '---' lines; the text is everything after it, unchanged."""
    match = _FRONT_MATTER.match(raw)
    if not match:
        return raw, {}
    try:
        meta = frontmatter.YAMLHandler().load(match.group(1))
    except Exception as err:  # yaml raises several types; any of them means malformed front matter
        first = str(err).splitlines()[0] if str(err) else type(err).__name__
        raise ValueError(f"malformed YAML front matter ({first})") from None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise ValueError("front matter is not a mapping of keys to values")
    return raw[match.end():], {str(k): _plain(v) for k, v in meta.items()}


def _plain(value: Any) -> Any:
    """Dates and other YAML scalars as strings, so every metadata value writes the same way."""
    return value if isinstance(value, (str, int, float, bool)) or value is None else str(value)


def _html(raw: str) -> tuple[str, dict[str, Any]]:
    import trafilatura

    document = trafilatura.bare_extraction(raw, with_metadata=True, include_comments=False, as_dict=True)
    if not document or not document.get("text"):
        raise ValueError("no main text found in the HTML page")
    meta = {"outlet": document.get("sitename") or document.get("hostname"), "date": document.get("date"),
            "title": document.get("title"), "url": document.get("url"), "author": document.get("author")}
    return document["text"], {k: v for k, v in meta.items() if v}


def _apply_metadata(path: Path, articles: list[Article], stems: dict[str, str]) -> list[dict[str, str]]:
    """Fill metadata from metadata.csv (front matter wins); report rows naming no article."""
    errors = []
    by_id = {a.id: a for a in articles}
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except (UnicodeDecodeError, csv.Error) as err:
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
            for column, value in row.items():
                if column in ("id", "file") or value in (None, ""):
                    continue
                article.meta.setdefault(column, value)
    return errors


def _read_table(path: Path) -> tuple[list[Article], list[dict[str, str]]]:
    import pandas as pd

    try:
        if path.suffix.lower() == ".jsonl":
            records = []
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if line.strip():
                    try:
                        records.append(json.loads(line))
                    except json.JSONDecodeError as err:
                        raise ValueError(f"line {n} is not valid JSON ({err.msg})") from None
            frame = pd.DataFrame.from_records(records)
        elif path.suffix.lower() == ".csv":
            frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        else:
            frame = pd.read_parquet(path)
    except (ValueError, OSError, UnicodeDecodeError) as err:
        raise FramingError(f"{path}: unreadable table ({err})") from None
    missing = [c for c in ("id", "text") if c not in frame.columns]
    if missing:
        raise FramingError(f"{path}: the table needs columns 'id' and 'text' (missing: {', '.join(missing)})")
    articles, errors = [], []
    for n, row in enumerate(frame.to_dict(orient="records"), 1):
        article_id = str(row.pop("id") if row.get("id") is not None else "").strip()
        text = row.pop("text")
        where = f"{path} row {n}"
        if not article_id:
            errors.append(error_row("", where, "read", "row without an id"))
        elif not isinstance(text, str) or not text.strip():
            errors.append(error_row(article_id, where, "read", "empty or missing text"))
        else:
            meta = {k: _plain(v) for k, v in row.items() if v is not None and v == v and v != ""}
            articles.append(Article(article_id, text, meta, where))
    return articles, errors


def metadata_row(article: Article) -> dict[str, Any]:
    """The standard metadata fields first, then the rest, as strings."""
    row = {name: _text(article.meta.get(name)) for name in METADATA_FIELDS}
    for key in sorted(article.meta):
        if key not in METADATA_FIELDS:
            row[key] = _text(article.meta[key])
    return row


def _text(value: Any) -> str:
    return "" if value is None else str(value)
