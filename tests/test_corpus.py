"""Corpus readers: one test per format, the offset guarantee, decoding and table problems."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from framing.corpus import decode, read_corpus
from framing.types import FramingError

TEXT = "Le conseil d’administration a licencié le PDG.\n\n« C’est un choc », a dit un salarié.\n"


def folder(tmp_path, files: dict[str, str | bytes]):
    corpus = tmp_path / "c"
    corpus.mkdir()
    for name, content in files.items():
        (corpus / name).write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return corpus


def test_txt_file_is_read_as_is_with_its_stem_as_id(tmp_path):
    articles, errors = read_corpus(folder(tmp_path, {"a1.txt": TEXT, "README.md": "not an article", ".hidden.txt": "x"}))
    assert errors == [] and [(a.id, a.text, a.meta) for a in articles] == [("a1", TEXT, {})]


def test_markdown_front_matter_gives_metadata_and_the_rest_is_the_text(tmp_path):
    md = "---\ntitle: « Un choc »\ndate: 2023-11-17\noutlet: Le Monde\n---\n" + TEXT
    [article], _ = read_corpus(folder(tmp_path, {"a.md": md}))
    assert article.text == TEXT
    assert article.meta == {"title": "« Un choc »", "date": "2023-11-17", "outlet": "Le Monde"}


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_text_after_front_matter_is_byte_exact(tmp_path, newline):
    body = TEXT.replace("\n", newline) + "  trailing spaces \t" + newline
    data = ("\ufeff---" + newline + "title: T" + newline + "---" + newline + body).encode("utf-8")
    path = folder(tmp_path, {"a.md": data}) / "a.md"
    [article], _ = read_corpus(path)
    assert article.text.encode("utf-8") == data[data.index(b"---", 5) + 3 + len(newline):]
    assert article.text[article.text.index("PDG"):].startswith("PDG")


def test_metadata_csv_by_id(tmp_path):
    corpus = folder(tmp_path, {"a.txt": TEXT, "b.md": "---\noutlet: Mine\n---\n" + TEXT,
                               "metadata.csv": "id,outlet,country\na,Le Monde,FR\nb,Other,BE\n"})
    articles, errors = read_corpus(corpus)
    assert errors == []
    meta = {a.id: a.meta for a in articles}
    assert meta["a"] == {"outlet": "Le Monde", "country": "FR"}
    assert meta["b"] == {"outlet": "Mine", "country": "BE"}  # front matter wins


def test_metadata_csv_by_file(tmp_path):
    corpus = folder(tmp_path, {"a.txt": TEXT, "metadata.csv": "file,outlet\na.txt,Le Monde\nmissing.txt,X\n"})
    articles, errors = read_corpus(corpus)
    assert articles[0].meta == {"outlet": "Le Monde"}
    assert [(e["article"], e["stage"]) for e in errors] == [("missing", "metadata")]
    assert "line 3" in errors[0]["reason"]


def test_html_page_through_trafilatura(tmp_path):
    page = ("<html><head><title>Licenciement chez OpenAI</title><script>var x = 'menace';</script></head><body>"
            "<nav>Accueil | Tech</nav><article><h1>Licenciement chez OpenAI</h1><p>Le conseil d’administration a "
            "licencié le PDG vendredi, selon plusieurs sources proches du dossier.</p><p>Les salariés menacent de "
            "démissionner en masse si la décision n’est pas annulée.</p></article><footer>© 2023</footer></body></html>")
    [article], errors = read_corpus(folder(tmp_path, {"p.html": page}))
    assert errors == [] and "licencié le PDG" in article.text and "menace';" not in article.text
    assert article.meta["title"] == "Licenciement chez OpenAI"


def test_jsonl_table(tmp_path):
    rows = [{"id": "x1", "text": TEXT, "outlet": "Le Monde"}, {"id": "x2", "text": ""},
            {"id": "x3", "text": "Texte \ud800 brisé."}]
    path = tmp_path / "c.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n\n", encoding="utf-8")
    articles, errors = read_corpus(path)
    assert [(a.id, a.meta) for a in articles] == [("x1", {"outlet": "Le Monde"}), ("x3", {})]
    assert articles[0].text == TEXT
    assert articles[1].text == "Texte \ufffd brisé." and articles[1].notes == ["1 lone surrogate(s) replaced by U+FFFD"]
    assert [(e["article"], e["reason"]) for e in errors] == [("x2", "empty or missing text")]


def test_csv_table(tmp_path):
    path = tmp_path / "c.csv"
    pd.DataFrame({"id": ["a", "b"], "text": [TEXT, TEXT.upper()], "date": ["2023-11-17", ""]}).to_csv(path, index=False)
    articles, errors = read_corpus(path)
    assert errors == [] and [(a.id, a.meta) for a in articles] == [("a", {"date": "2023-11-17"}), ("b", {})]
    assert articles[0].text == TEXT


def test_parquet_table(tmp_path):
    path = tmp_path / "c.parquet"
    pd.DataFrame({"id": ["a", "a"], "text": [TEXT, TEXT], "outlet": ["X", None]}).to_parquet(path)
    articles, errors = read_corpus(path)
    assert articles == [] and [e["reason"].split(" (")[0] for e in errors] == ["duplicate id 'a'"] * 2


@pytest.mark.parametrize("lines, message", [
    ('{"id": "a", "text": "x"}\n{"id": \n', "line 2 is not valid JSON"),
    ('["a", "b"]\n', "line 1 is not a JSON object"),
    ('{"id": "a", "body": "x"}\n', "missing: text"),
])
def test_a_bad_table_given_alone_is_a_one_line_error(tmp_path, lines, message):
    path = tmp_path / "t.jsonl"
    path.write_text(lines, encoding="utf-8")
    with pytest.raises(FramingError, match=message):
        read_corpus(path)


def test_a_bad_table_in_a_folder_is_an_error_row(tmp_path):
    articles, errors = read_corpus(folder(tmp_path, {"a.txt": TEXT, "t.jsonl": "not json\n"}))
    assert [a.id for a in articles] == ["a"]
    assert [(e["stage"], e["reason"]) for e in errors] == [("read", "unreadable table (line 1 is not valid JSON (Expecting value))")]


@pytest.mark.parametrize("data, text, note", [
    ("Élysée “ok”".encode("utf-8"), "Élysée “ok”", ""),
    ("\ufeffÉlysée".encode("utf-8"), "Élysée", ""),
    ("Élysée".encode("utf-16"), "Élysée", "decoded as UTF-16 (not UTF-8)"),
    ("Élysée’".encode("cp1252"), "Élysée’", "not UTF-8: decoded as Windows-1252"),
    ("Élysée".encode("latin-1"), "Élysée", "not UTF-8: decoded as Latin-1 (ISO-8859-1)"),
    ("Élysée à Noël, ".encode("utf-8") + b"caf\xe9", "Élysée à Noël, caf\ufffd",
     "not valid UTF-8: 1 undecodable byte sequence(s) replaced by U+FFFD"),
])
def test_decode(data, text, note):
    assert decode(data) == (text, note)


@pytest.mark.parametrize("data, reason", [
    (b"", "empty file"), (b" \n\t\r\n", "empty file"), (b"ab\x00cd", "NUL bytes"),
    (bytes(range(1, 32)) * 10 + b"abc", "mostly control characters"),
])
def test_decode_refuses_what_is_not_text(data, reason):
    with pytest.raises(ValueError, match=reason):
        decode(data)


def test_missing_path_and_empty_folder_are_one_line_errors(tmp_path):
    with pytest.raises(FramingError, match="no such file"):
        read_corpus(tmp_path / "nothing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(FramingError, match="no articles found"):
        read_corpus(tmp_path / "empty")


def test_an_article_over_the_size_limit_is_refused(tmp_path):
    from framing.corpus import MAX_CHARS

    path = tmp_path / "t.jsonl"
    path.write_text(json.dumps({"id": "long", "text": "mot " * (MAX_CHARS // 4 + 1)}) + "\n", encoding="utf-8")
    articles, [error] = read_corpus(path)
    assert articles == [] and error["reason"].startswith("too large:") and f"{MAX_CHARS:,}" in error["reason"]


def test_semicolon_csv_from_a_french_spreadsheet(tmp_path):
    csv = "id;outlet;titre\r\na;Libération;Un choc, vraiment\r\n".encode("cp1252")
    [article], errors = read_corpus(folder(tmp_path, {"a.txt": TEXT, "metadata.csv": csv}))
    assert errors == [] and article.meta == {"outlet": "Libération", "titre": "Un choc, vraiment"}
    assert article.notes == ["metadata.csv not UTF-8: decoded as Latin-1 (ISO-8859-1)"]
    table = tmp_path / "t.csv"
    table.write_text("id;text;outlet\nx;Le conseil, réuni vendredi, a tranché.;Le Monde\n", encoding="utf-8")
    [row], _ = read_corpus(table)
    assert (row.id, row.text, row.meta) == ("x", "Le conseil, réuni vendredi, a tranché.", {"outlet": "Le Monde"})
