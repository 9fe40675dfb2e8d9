"""Writing the results of a scoring run: every file staged, then moved into place atomically."""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import pandas as pd

from framing.types import FramingError

ERROR_COLUMNS = ["article", "path", "stage", "reason"]
STAGING_PREFIX = ".staging-"


@contextmanager
def staged(out_dir: str | Path) -> Iterator[Path]:
    """A staging folder inside `out_dir`; on success its files replace those in `out_dir`.

    Nothing in `out_dir` changes until every file is written. The files are then moved with
    os.replace while Ctrl-C and SIGTERM wait, so an interruption leaves either all the earlier
    results or all the new ones. A staging folder left by a killed run is removed by the next.
    """
    out_dir = Path(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        remove_stale_staging(out_dir)
        stage = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{os.getpid()}-", dir=out_dir))
    except OSError as err:
        raise FramingError(f"{out_dir}: cannot write results there ({err.strerror or err}); choose another --out") from None
    try:
        yield stage
        with _signals_held():
            for path in sorted(stage.rglob("*")):
                if path.is_file():
                    target = out_dir / path.relative_to(stage)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    os.replace(path, target)
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def remove_stale_staging(out_dir: Path) -> None:
    """Remove staging folders whose run (the process id in the name) is no longer alive."""
    for stage in out_dir.glob(f"{STAGING_PREFIX}*"):
        pid = stage.name.removeprefix(STAGING_PREFIX).split("-")[0]
        if stage.is_dir() and not _alive(pid):
            shutil.rmtree(stage, ignore_errors=True)


def _alive(pid: str) -> bool:
    if not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, run by another user
        pass
    return True


@contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM until the block ends, then deliver the first one that came."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous = {sig: signal.signal(sig, lambda number, frame: caught.append(number)) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, signal.SIG_DFL if handler is None else handler)
        if caught:
            signal.raise_signal(caught[0])


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
    atomic_write_text(path, json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n")
