"""Writing the results of a scoring run: every file staged, then moved into place atomically."""

from __future__ import annotations

import csv
import json
import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import pandas as pd

ERROR_COLUMNS = ["article", "path", "stage", "reason"]


@contextmanager
def staged(out_dir: str | Path) -> Iterator[Path]:
    """A staging folder beside `out_dir`; on success its files replace those in `out_dir`.

    Each file is moved with os.replace, which is atomic: an interrupted run leaves every earlier
    result whole, and a failed run changes nothing.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=".staging-", dir=out_dir))
    try:
        yield stage
        for path in sorted(stage.rglob("*")):
            if path.is_file():
                target = out_dir / path.relative_to(stage)
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(path, target)
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def atomic_write_text(path: str | Path, text: str) -> None:
    """Write one file through a temporary file in the same folder."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def write_table(frame: pd.DataFrame, stage: Path, name: str, csv_too: bool = True) -> None:
    """A table as Parquet (and CSV), without index, so the bytes depend only on the data."""
    frame.to_parquet(stage / f"{name}.parquet", index=False)
    if csv_too:
        frame.to_csv(stage / f"{name}.csv", index=False, lineterminator="\n")


def write_spans(spans: list[dict[str, Any]], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="\n") as stream:
        for span in spans:
            stream.write(json.dumps(span, ensure_ascii=False) + "\n")


def write_errors(errors: list[dict[str, str]], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=ERROR_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(sorted(errors, key=lambda e: (e["article"], e["path"], e["stage"])))


def write_json(data: dict[str, Any], path: Path) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")
