"""Tests of `framing report` on hand-written `framing score` outputs."""

from __future__ import annotations

import base64
import csv
import json
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from framing.cli import main
from framing.report import build_report, render_text
from framing.types import FRAMES, HEDGE_CATEGORIES, SOURCE_TYPES, FramingError

TEXTS = {
    "a1": ("Accueil | Politique | Économie\n"
           "Le gouvernement a annoncé une nouvelle régulation de l'IA.\n\n"
           "Selon le ministre, « cette loi pourrait protéger les citoyens », a-t-il déclaré.\n"
           "Il semble que les entreprises soient inquiètes.\n"
           "Voir aussi : « L'IA est peut-être dangereuse »\n"),
    "b2": "Un article sans aucune annotation.\n",
    "x_evil": "Titre <b>gras</b>\n<script>window.pwned = 1; alert(1)</script>\nL'innovation & le <i>marché</i>.\n",
}
META = {"a1": {"outlet": "Le Quotidien", "date": "2023-11-20", "title": "L'IA régulée",
               "url": "https://example.org/a1"},
        "b2": {"outlet": "", "date": "", "title": "", "url": ""},
        "x_evil": {"outlet": "Le <Monde>", "date": "2023-11", "title": "<img src=x onerror=alert(2)>",
                   "url": "javascript:alert(3)"}}
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJ"
                       "RU5ErkJggg==")
SVG = ('<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20">'
       '<rect width="40" height="20" fill="#0072B2"/></svg>')


def span(article: str, layer: str, label: str, fragment: str, nth: int = 0, **extra: object) -> dict:
    text, start = TEXTS[article], -1
    for _ in range(nth + 1):
        start = text.index(fragment, start + 1)
    return {"article": article, "layer": layer, "label": label, "start": start, "end": start + len(fragment),
            "text": fragment, **extra}


SPANS = [
    span("a1", "excluded", "chrome", "Accueil | Politique | Économie"),
    span("a1", "frame", "governance", "gouvernement", entry="gouvernement", lexicon="frames@1"),
    span("a1", "frame", "governance", "régulation", entry="régulation", lexicon="frames@1"),
    span("a1", "attribution", "according_to", "Selon le ministre", source="le ministre", source_type="person",
         form="according_to", source_start=0, source_end=0, cue="selon"),
    span("a1", "frame", "governance", "ministre", entry="ministre", lexicon="frames@1"),
    span("a1", "quote", "direct_quote", "« cette loi pourrait protéger les citoyens »", source="le ministre",
         source_type="person"),
    span("a1", "hedge", "pouvoir", "pourrait", category="modal_verb", in_quote=True),
    span("a1", "frame", "safety", "protéger", entry="protéger", lexicon="frames@1"),
    span("a1", "attribution", "reporting_verb", "citoyens », a-t-il déclaré", source=None, source_type="anonymous",
         form="reporting_verb", source_start=None, source_end=None, cue="déclarer"),
    span("a1", "hedge", "il semble", "Il semble", category="epistemic", in_quote=False),
    span("a1", "excluded", "link", "Voir aussi : « L'IA est peut-être dangereuse »"),
    span("a1", "quote", "direct_quote", "« L'IA est peut-être dangereuse »", source=None, source_type=None),
    span("a1", "hedge", "peut-être", "peut-être", category="modal_adverb", in_quote=True),
    span("a1", "frame", "safety", "dangereuse", entry="dangereux", lexicon="frames@1"),
    span("x_evil", "frame", "business", "innovation", entry="innovation", lexicon="frames@1"),
    span("x_evil", "excluded", "markup", "<script>window.pwned = 1; alert(1)</script>"),
    span("x_evil", "frame", "business", "marché", entry="marché", lexicon="frames@1"),
]


def score_row(article: str) -> dict[str, object]:
    frames = [s["label"] for s in SPANS if s["article"] == article and s["layer"] == "frame"]
    row: dict[str, object] = {"id": article, **META[article], "n_tokens": 40, "n_sentences": 4}
    row.update({f: frames.count(f) / len(frames) if frames else 0 for f in FRAMES})
    row.update({f"{f}_per_1k": frames.count(f) * 25.0 for f in FRAMES})
    row.update({f"has_{f}": f in frames for f in FRAMES})
    row.update(primary_frame=max(FRAMES, key=frames.count) if frames else "", hedged_sentence_share=0.25,
               hedges_per_1k=25.0, **{f"hedges_{c}_per_1k": 0.0 for c in HEDGE_CATEGORIES}, n_attributions=2,
               anonymous_share=0.5, direct_quote_share=0.0, **{f"attr_{t}": 0 for t in SOURCE_TYPES}, n_quotes=2,
               excluded_chars=30, excluded="chrome;link" if article == "a1" else "", metadata_evidence="from <h1>")
    return row


def make_results(root: Path, compare: bool = True) -> Path:
    """A tiny corpus folder and the `framing score` outputs for it, written by hand."""
    corpus, results = root / "corpus", root / "results"
    corpus.mkdir()
    results.mkdir()
    for article, text in TEXTS.items():
        (corpus / f"{article}.txt").write_text(text, encoding="utf-8")
    rows = [score_row(article) for article in sorted(TEXTS)]
    with (results / "articles.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    spans = sorted(SPANS, key=lambda s: (s["article"], s["start"], s["end"], s["layer"], s["label"]))
    (results / "spans.jsonl").write_text("".join(json.dumps(s, ensure_ascii=False) + "\n" for s in spans),
                                         encoding="utf-8")
    (results / "errors.csv").write_text("article,path,stage,reason\nbad,corpus/bad.txt,read,not UTF-8\n",
                                        encoding="utf-8")
    run = {"corpus": str(corpus), "framing": "0.1.0", "lexicons": [{"name": "frames-fr", "version": "1.0.0"}]}
    (results / "run.json").write_text(json.dumps(run), encoding="utf-8")
    if compare:
        (results / "compare").mkdir()
        (results / "compare" / "frame_profile.png").write_bytes(PNG)
        (results / "compare" / "frame_profile.svg").write_text(SVG, encoding="utf-8")
        (results / "compare" / "frame_profile.csv").write_text("group,frame,share\nA,drama,0.5\n", encoding="utf-8")
        (results / "compare" / "source_mix.png").write_bytes(PNG)
        (results / "compare" / "hedging.svg").write_text(SVG, encoding="utf-8")
        (results / "compare" / "tests.md").write_text("| measure | p_adj |\n|---|---|\n| hedges\\|x | 0.04 |\n",
                                                      encoding="utf-8")
        (results / "compare" / "tests.csv").write_text("measure,p_adj\nhedges|x,0.0400001\n", encoding="utf-8")
        (results / "compare" / "by_group.csv").write_text("group,mean\n<A>,0.123456\n", encoding="utf-8")
    return results


class SpanTexts(HTMLParser):
    """Collects, per data-span-id, the text inside its fragments, and counts elements with data-span."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str | None] = []
        self.texts: dict[str, str] = {}
        self.marked = 0
        self.all = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.marked += "data-span" in found
        self.stack.append(found.get("data-span-id"))

    def handle_endtag(self, tag: str) -> None:
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.all += data
        for span_id in filter(None, self.stack):
            self.texts[span_id] = self.texts.get(span_id, "") + data


def parse_text(page: str) -> SpanTexts:
    parser = SpanTexts()
    parser.feed(page[page.index('<div class="text"'):page.index("</body>")])
    return parser


@pytest.fixture
def results(tmp_path: Path) -> Path:
    return make_results(tmp_path)


def article_spans(article: str) -> list[dict]:
    return sorted((s for s in SPANS if s["article"] == article), key=lambda s: (s["start"], s["end"], s["layer"],
                                                                                s["label"]))


def test_pages_highlight_every_span_once(results: Path, tmp_path: Path) -> None:
    index = build_report(results, tmp_path / "report")
    assert index == tmp_path / "report" / "index.html"
    for article in TEXTS:
        page = (tmp_path / "report" / "articles" / f"{article}.html").read_text(encoding="utf-8")
        parsed = parse_text(page)
        spans = article_spans(article)
        assert parsed.marked == len(spans)
        assert parsed.texts == {str(i): s["text"] for i, s in enumerate(spans)}
        assert 'white-space: pre-wrap' in page


def test_highlight_styles_and_hover(results: Path, tmp_path: Path) -> None:
    build_report(results, tmp_path / "report")
    page = (tmp_path / "report" / "articles" / "a1.html").read_text(encoding="utf-8")
    assert 'class="hedge quoted" data-span-id="6" data-span="hedge"' in page
    assert 'class="hedge" data-span-id="9" data-span="hedge"' in page
    assert 'title="attribution (according_to) · source: le ministre · person · cue: selon"' in page
    assert 'class="excl"' in page and 'class="quote"' in page and 'class="frame f-safety"' in page
    assert page.count('data-span-id="8"') == 2  # the attribution crosses the end of the quote: split in two
    assert 'class="legend sticky"' in page
    assert "authorial hedge</span> (1)" in page and "hedge in a quote</span> (2)" in page


def test_further_metadata_columns_are_metadata_not_scores(results: Path, tmp_path: Path) -> None:
    build_report(results, tmp_path / "report")
    page = (tmp_path / "report" / "articles" / "a1.html").read_text(encoding="utf-8")
    assert '<p class="meta">metadata_evidence: from &lt;h1&gt;</p>' in page and "<dt>metadata_evidence" not in page
    assert "<dt>excluded</dt><dd>chrome; link</dd>" in page and "<dt>url" not in page


def test_article_text_and_metadata_are_escaped(results: Path, tmp_path: Path) -> None:
    build_report(results, tmp_path / "report")
    page = (tmp_path / "report" / "articles" / "x_evil.html").read_text(encoding="utf-8")
    index = (tmp_path / "report" / "index.html").read_text(encoding="utf-8")
    for html in (page, index):
        assert "<script" not in html and "<img src=x" not in html and "<b>" not in html
        assert 'href="javascript' not in html
    assert "&lt;script&gt;window.pwned = 1; alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(2)&gt;" in page and "Le &lt;Monde&gt;" in page
    assert "L&#x27;<span" in page and "innovation</span> &amp; le &lt;i&gt;" in page


def test_pages_are_self_contained(results: Path, tmp_path: Path) -> None:
    build_report(results, tmp_path / "report")
    for path in sorted((tmp_path / "report").rglob("*.html")):
        html = path.read_text(encoding="utf-8")
        assert "<link" not in html and 'src="http' not in html and "@import" not in html
        assert "Content-Security-Policy" in html


def test_overview_lists_articles_comparison_and_errors(results: Path, tmp_path: Path) -> None:
    build_report(results, tmp_path / "report")
    index = (tmp_path / "report" / "index.html").read_text(encoding="utf-8")
    for article in TEXTS:
        assert f'href="articles/{article}.html"' in index
    assert index.count("<figure>") == 3  # frame_profile once (the smaller of PNG and SVG), hedging, source_mix
    assert index.count(f'src="data:image/png;base64,{base64.b64encode(PNG).decode()}"') == 2
    assert index.count(f'src="data:image/svg+xml;base64,{base64.b64encode(SVG.encode()).decode()}"') == 1
    assert "<summary>data</summary>" in index
    assert "<td>hedges|x</td>" in index and "0.0400001" not in index  # Markdown wins over the CSV twin
    assert "<td>&lt;A&gt;</td>" in index and '<td class="num">0.123</td>' in index
    assert "not UTF-8" in index and "lexicons: frames-fr 1.0.0" in index


def test_report_without_compare_folder(tmp_path: Path) -> None:
    results = make_results(tmp_path, compare=False)
    index = build_report(results, tmp_path / "report").read_text(encoding="utf-8")
    assert "Comparison" not in index and "a1.html" in index


def test_output_is_deterministic(results: Path, tmp_path: Path) -> None:
    build_report(results, tmp_path / "one")
    build_report(results, tmp_path / "two")
    one = {p.relative_to(tmp_path / "one"): p.read_bytes() for p in (tmp_path / "one").rglob("*.html")}
    two = {p.relative_to(tmp_path / "two"): p.read_bytes() for p in (tmp_path / "two").rglob("*.html")}
    assert one == two and len(one) == 4


def test_cli_reads_corpus_from_run_json(results: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    done = CliRunner().invoke(main, ["report", str(results), "--out", str(out)])
    assert done.exit_code == 0, done.output
    assert (out / "articles" / "a1.html").exists()


def test_cli_errors_name_the_file_and_the_fix(results: Path, tmp_path: Path) -> None:
    (results / "run.json").write_text(json.dumps({"corpus": str(tmp_path / "gone")}), encoding="utf-8")
    done = CliRunner().invoke(main, ["report", str(results), "--out", str(tmp_path / "site")])
    assert done.exit_code == 2
    assert "run.json" in done.output and "--corpus" in done.output and len(done.output.splitlines()) == 1
    done = CliRunner().invoke(main, ["report", str(tmp_path), "--corpus", str(tmp_path / "corpus")])
    assert done.exit_code == 2 and "articles.csv: not found" in done.output


def test_changed_corpus_is_refused(results: Path, tmp_path: Path) -> None:
    (tmp_path / "corpus" / "a1.txt").write_text("Un autre texte.\n", encoding="utf-8")
    with pytest.raises(FramingError, match="spans.jsonl: span .* of a1 does not match"):
        build_report(results, tmp_path / "report")


@st.composite
def text_and_spans(draw: st.DrawFn) -> tuple[str, list[dict]]:
    text = draw(st.text(alphabet="ab<&\"'\n é", max_size=30))
    layers = st.sampled_from(["frame", "hedge", "attribution", "quote", "excluded"])
    spans = []
    for _ in range(draw(st.integers(0, 8))):
        start = draw(st.integers(0, len(text)))
        end = draw(st.integers(start, len(text)))
        spans.append({"layer": draw(layers), "label": "drama", "start": start, "end": end, "text": text[start:end]})
    return text, spans


@given(text_and_spans())
def test_render_text_keeps_text_and_every_span(case: tuple[str, list[dict]]) -> None:
    text, spans = case
    parsed = SpanTexts()
    parsed.feed(f"<div>{render_text(text, spans)}</div>")
    parsed.close()
    assert parsed.marked == len(spans) and not parsed.stack and parsed.all == text
    assert {k: v for k, v in parsed.texts.items() if v} == {str(i): s["text"] for i, s in enumerate(spans) if s["text"]}


def test_a_failed_report_leaves_the_earlier_one_whole(results: Path, tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "report"
    build_report(results, out)
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*.html")}
    (out / "articles" / "gone.html").write_text("a page of an article no longer in the results", encoding="utf-8")
    import framing.report

    def fail(*args: object, **kwargs: object) -> str:
        raise RuntimeError("interrupted")

    monkeypatch.setattr(framing.report, "overview", fail)
    with pytest.raises(RuntimeError):
        build_report(results, out)
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*.html")} == \
        {**before, Path("articles/gone.html"): b"a page of an article no longer in the results"}
    monkeypatch.undo()
    build_report(results, out)
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*.html")} == before
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


def test_a_bad_spans_line_is_named(results: Path, tmp_path: Path) -> None:
    with (results / "spans.jsonl").open("a", encoding="utf-8") as stream:
        stream.write('{"article": \n')
    with pytest.raises(FramingError, match=r"spans.jsonl: line \d+ is not valid JSON .*re-run `framing score`"):
        build_report(results, tmp_path / "report")
