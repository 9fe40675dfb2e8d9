"""Parse cache: parsed Docs kept as spaCy DocBin files, found by the hash of the text, the model and the pipeline."""

from __future__ import annotations

import hashlib
import inspect
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Callable

import spacy
from spacy.tokens import Doc, DocBin
from spacy.vocab import Vocab

from framing.types import FramingError

ENV = "FRAMING_CACHE_DIR"
FORMAT = "docbin-v1"  # the folder of this layout inside the cache folder
COMPACT_AFTER = 100  # language files merged into one when there are more


def cache_root(path: str | Path | None = None) -> Path:
    """`path`, else $FRAMING_CACHE_DIR, else ~/.cache/framing."""
    return Path(path or os.environ.get(ENV) or Path.home() / ".cache" / "framing").expanduser()


def fingerprint(model: str) -> str:
    """Everything a parse depends on besides the text: the model's id (name and version), spaCy, framing's
    line-break rule."""
    from framing.nlp import line_breaks

    rule = hashlib.sha256(inspect.getsource(line_breaks).encode()).hexdigest()[:16]
    return f"{model}|spacy-{spacy.__version__}|framing_line_breaks-{rule} before parser"


class ParseCache:
    """Docs parsed together are stored as one DocBin (user_data left out); an index file per Doc points to it.

    Every file is written to a temporary name and moved into place with os.replace, the DocBin before
    its index files, so an interrupted run leaves only whole entries and the next run reuses them.
    """

    def __init__(self, root: str | Path, fingerprint: str):
        self.root = Path(root)
        self.folder = self.root / FORMAT
        self.fingerprint = fingerprint
        try:
            (self.folder / "docs").mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise _unwritable(self.folder, err) from None

    def key(self, text: str) -> str:
        return hashlib.sha256(f"{self.fingerprint}\0{text}".encode("utf-8", "surrogatepass")).hexdigest()

    def get(self, keys: list[str], vocab: Vocab) -> dict[str, Doc]:
        """The cached Docs among `keys`; a missing or unreadable entry is left out (parsed again)."""
        wanted: dict[str, list[tuple[int, str]]] = {}
        for key in set(keys):
            try:
                batch, position = (self.folder / "index" / key[:2] / key).read_text(encoding="ascii").split()
                wanted.setdefault(batch, []).append((int(position), key))
            except (OSError, ValueError):
                continue
        found: dict[str, Doc] = {}
        for batch, entries in wanted.items():
            try:
                docs = list(DocBin().from_bytes((self.folder / "docs" / f"{batch}.spacy").read_bytes()).get_docs(vocab))
            except Exception:  # a truncated or foreign file: parse again and overwrite
                continue
            found.update((key, docs[position]) for position, key in entries if position < len(docs))
        return found

    def put(self, keys: list[str], docs: list[Doc]) -> None:
        """Store Docs parsed together under their keys."""
        if not keys:
            return
        batch = hashlib.sha256("".join(keys).encode("ascii")).hexdigest()
        try:
            _write(self.folder / "docs" / f"{batch}.spacy", DocBin(store_user_data=False, docs=docs).to_bytes())
            for position, key in enumerate(keys):
                _write(self.folder / "index" / key[:2] / key, f"{batch} {position}\n".encode("ascii"))
        except OSError as err:
            raise _unwritable(self.folder, err) from None


class EntryTokens:
    """Lexicon entries split into words as the model's tokenizer splits them, kept in the cache folder so that
    a run reading its parses from the cache never loads the tokenizer (its patterns take seconds to compile)."""

    def __init__(self, root: str | Path, fingerprint: str, model: str):
        name = hashlib.sha256(fingerprint.encode()).hexdigest()[:16]
        self.path = Path(root) / FORMAT / "entries" / f"{name}.json"
        self.model = model
        try:
            self.words: dict[str, list[str]] = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.words = {}
        self.added = False

    def __call__(self, text: str) -> list[str]:
        if text not in self.words:
            from framing.nlp import load_pipeline

            self.words[text] = [token.text for token in load_pipeline(self.model).tokenizer(text)]
            self.added = True
        return self.words[text]

    def save(self) -> None:
        if self.added:
            try:
                _write(self.path, json.dumps(self.words, ensure_ascii=False, sort_keys=True).encode("utf-8"))
            except OSError as err:
                raise _unwritable(self.path.parent, err) from None
            self.added = False


class LanguageCache:
    """The language detector's answers for text chunks, kept in the cache folder so that a run reading its
    parses from the cache never loads the language models (seconds); new answers are saved batch by batch."""

    def __init__(self, root: str | Path, detect: Callable[[str], tuple[str, float]], version: str):
        self.folder = Path(root) / FORMAT / "languages" / hashlib.sha256(version.encode()).hexdigest()[:16]
        self.root = Path(root)
        self.detect = detect
        self.known: dict[str, list] = {}
        files = sorted(self.folder.glob("*.json"))
        for path in files:
            try:
                self.known.update(json.loads(path.read_text(encoding="utf-8")))
            except (OSError, ValueError):
                continue
        self.new: dict[str, list] = {}
        if len(files) > COMPACT_AFTER:  # one file instead of many: written first, then the others removed
            self.new, self.known = self.known, {}
            merged = self.save()
            for path in files:
                if path != merged:
                    path.unlink(missing_ok=True)

    def __call__(self, chunk: str) -> tuple[str, float]:
        key = hashlib.sha256(chunk.encode("utf-8", "surrogatepass")).hexdigest()
        found = self.known.get(key) or self.new.get(key)
        if found is None:
            found = self.new[key] = list(self.detect(chunk))
        return found[0], found[1]

    def save(self) -> Path | None:
        """Write the answers found since the last save to a new file, and return its path."""
        if not self.new:
            return None
        path = self.folder / f"{hashlib.sha256(''.join(sorted(self.new)).encode('ascii')).hexdigest()}.json"
        try:
            _write(path, json.dumps(self.new, sort_keys=True).encode("ascii"))
        except OSError as err:
            raise _unwritable(self.folder, err) from None
        self.known.update(self.new)
        self.new = {}
        return path


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _unwritable(folder: Path, err: OSError) -> FramingError:
    return FramingError(f"{folder}: cannot write the parse cache ({err.strerror or err}); "
                        f"set {ENV} to another folder, or score with --no-cache")


def cache_info(root: str | Path | None = None) -> dict[str, int | str]:
    """Cached Docs, bytes on disk and location of the cache."""
    folder = cache_root(root) / FORMAT
    entries = sum(1 for path in (folder / "index").glob("*/*") if not path.name.startswith(".tmp-"))
    size = sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())
    return {"location": str(cache_root(root)), "entries": entries, "bytes": size}


def clear_cache(root: str | Path | None = None) -> int:
    """Remove every cached Doc; returns how many there were."""
    folder = cache_root(root) / FORMAT
    entries = int(cache_info(root)["entries"])
    shutil.rmtree(folder, ignore_errors=True)
    if folder.exists():
        raise FramingError(f"{folder}: could not remove the parse cache; remove the folder by hand")
    return entries
