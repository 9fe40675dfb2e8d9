"""Static offline HTML report of `framing score` results: corpus overview and one annotated page per article."""

from __future__ import annotations

import base64
import csv
import json
import math
import re
from collections import Counter
from html import escape
from importlib.resources import files
from pathlib import Path
from typing import Any
from urllib.parse import quote

from framing.corpus import jsonl_lines, read_corpus
from framing.output import staged
from framing.types import FRAMES, FramingError

CSS = files("framing").joinpath("templates/report.css").read_text(encoding="utf-8")
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
LAYER_ORDER = {"excluded": 0, "quote": 1, "attribution": 2, "hedge": 3, "frame": 4}
FRAME_COLOURS = {"governance": "#0072B2", "safety": "#D55E00", "business": "#009E73", "drama": "#CC79A7"}
METADATA = ("id", "outlet", "date", "title", "url")
OVERVIEW = {"id": "article", "outlet": "outlet", "date": "date", "title": "title", "n_tokens": "tokens",
            "primary_frame": "primary frame", "frames": "frame shares", "hedged_sentence_share": "hedged sentences",
            "hedges_per_1k": "hedges /1k", "n_attributions": "attributions", "anonymous_share": "anonymous",
            "n_quotes": "quotes", "excluded": "excluded"}


def build_report(results: str | Path, out: str | Path = "report", corpus: str | Path | None = None) -> Path:
    """Write OUT/index.html and OUT/articles/*.html from a `framing score` folder; return the index path."""
    results, out = Path(results), Path(out)
    rows = read_csv(results / "articles.csv")
    if rows and "id" not in rows[0]:
        raise FramingError(f"{results / 'articles.csv'}: no id column; re-run `framing score` into {results}")
    spans = read_spans(results / "spans.jsonl")
    corpus = Path(corpus) if corpus is not None else corpus_from_run(results)
    texts = {article.id: article.text for article in read_corpus(corpus)[0]}
    check(rows, spans, texts, results, corpus)
    names = page_names([row["id"] for row in rows])
    with staged(out) as stage:  # the earlier report stays whole until every page is written
        (stage / "articles").mkdir()
        for i, row in enumerate(rows):
            nav = {"overview": "../index.html"}
            if i:
                nav["← previous"] = quote(names[rows[i - 1]["id"]])
            if i + 1 < len(rows):
                nav["next →"] = quote(names[rows[i + 1]["id"]])
            body = article_page(row, texts[row["id"]], spans.get(row["id"], []), nav)
            write(stage / "articles" / names[row["id"]], row.get("title") or row["id"], body)
        errors = read_csv(results / "errors.csv") if (results / "errors.csv").exists() else []
        write(stage / "index.html", "Framing report", overview(results, rows, names, spans, errors))
    pages = set(names.values())
    for old in (out / "articles").glob("*.html"):
        if old.name not in pages:  # pages of articles no longer in the results
            old.unlink()
    return out / "index.html"


def read_csv(path: Path) -> list[dict[str, str]]:
    """Rows of a CSV file as strings, exactly as written."""
    if not path.exists():
        raise FramingError(f"{path}: not found; run `framing score CORPUS --out {path.parent}` first")
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def read_spans(path: Path) -> dict[str, list[dict[str, Any]]]:
    """spans.jsonl grouped by article, in file order."""
    if not path.exists():
        raise FramingError(f"{path}: not found; run `framing score CORPUS --out {path.parent}` first")
    spans: dict[str, list[dict[str, Any]]] = {}
    try:
        for _, span in jsonl_lines(path):
            spans.setdefault(span["article"], []).append(span)
    except ValueError as err:
        raise FramingError(f"{path}: {err}; re-run `framing score`") from None
    return spans


def corpus_from_run(results: Path) -> Path:
    """The corpus path recorded by `framing score` in run.json."""
    run = results / "run.json"
    try:
        corpus = json.loads(run.read_text(encoding="utf-8"))["corpus"]
    except (OSError, ValueError, KeyError, TypeError):
        raise FramingError(f"{run}: no corpus path recorded; pass the scored corpus with --corpus PATH") from None
    if not Path(corpus).exists():
        raise FramingError(f"{run}: corpus {corpus} not found from here; pass it with --corpus PATH")
    return Path(corpus)


def check(rows: list[dict[str, str]], spans: dict[str, list[dict[str, Any]]], texts: dict[str, str],
          results: Path, corpus: Path) -> None:
    """Fail unless every article and span of the results matches the corpus text."""
    ids = {row["id"] for row in rows}
    missing = sorted(ids - texts.keys())
    if missing:
        raise FramingError(f"{corpus}: article {missing[0]} of {results / 'articles.csv'} not found; "
                           f"pass the corpus that was scored with --corpus PATH")
    for article, found in sorted(spans.items()):
        for span in found:
            if article not in ids or texts[article][span["start"]:span["end"]] != span["text"]:
                raise FramingError(f"{results / 'spans.jsonl'}: span {span['start']}-{span['end']} of {article} "
                                   f"does not match {corpus}; re-run `framing score` on this corpus")


def page_names(ids: list[str]) -> dict[str, str]:
    """A distinct, file-system-safe page name per article id."""
    names: dict[str, str] = {}
    for i, article in enumerate(ids):
        name = re.sub(r"[^\w.-]", "_", article)[:100]
        names[article] = f"{name}.html" if f"{name}.html" not in names.values() else f"{name}-{i}.html"
    return names


def write(path: Path, title: str, body: str) -> None:
    page = (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{escape(title)}</title>\n<style>\n{CSS}</style>\n</head>\n<body>\n{body}</body>\n</html>\n")
    path.write_text(page, encoding="utf-8", newline="\n")


def number(value: str) -> float | None:
    try:
        return float(value)
    except ValueError:
        return None


def fmt(value: str) -> str:
    """A CSV value for reading: floats to 3 decimals (tiny ones in scientific notation), the rest as is."""
    found = number(value)
    if found is None or not math.isfinite(found) or re.fullmatch(r"-?\d+", value):
        return value
    return f"{found:.2e}" if found and abs(found) < 0.001 else f"{found:.3f}"


def cell(value: str) -> str:
    align = ' class="num"' if number(value) is not None else ""
    return f"<td{align}>{escape(fmt(value))}</td>"


def table(header: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{escape(name)}</th>" for name in header)
    body = "".join("<tr>" + "".join(cell(value) for value in row) + "</tr>\n" for row in rows)
    return f'<div class="scroll"><table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}</tbody></table></div>\n'


def swatch(colour: str) -> str:
    return f'<svg width="10" height="10"><rect width="10" height="10" fill="{colour}"/></svg>'


def frame_bar(row: dict[str, str]) -> str:
    """The article's frame shares as an inline stacked SVG bar."""
    x, rects = 0.0, []
    for frame in FRAMES:
        share = float(row.get(frame) or 0)
        if share > 0:
            rects.append(f'<rect x="{x:.1f}" width="{share * 100:.1f}" height="10" fill="{FRAME_COLOURS[frame]}">'
                         f"<title>{frame} {share:.2f}</title></rect>")
            x += share * 100
    return (f'<svg class="bar" width="100" height="10" viewBox="0 0 100 10" role="img">'
            f'<rect width="100" height="10" fill="#eee"/>{"".join(rects)}</svg>')


def span_title(span: dict[str, Any]) -> str:
    """The hover text of a highlighted span."""
    layer, label = span["layer"], span["label"]
    if layer == "frame":
        return f"frame: {label} · entry “{span.get('entry')}” · {span.get('lexicon')}"
    if layer == "hedge":
        return f"hedge ({'in a quote' if span.get('in_quote') else 'authorial'}): {label} · {span.get('category')}"
    if layer == "attribution":
        return (f"attribution ({span.get('form')}) · source: {span.get('source') or 'not found'} · "
                f"{span.get('source_type')} · cue: {span.get('cue')}")
    if layer == "quote":
        return f"direct quote · source: {span.get('source') or 'unknown'} · {span.get('source_type') or 'unknown'}"
    return f"excluded: {label}" + (f" ({span['language']})" if span.get("language") else "")


def span_class(span: dict[str, Any]) -> str:
    layer = span["layer"]
    if layer == "frame":
        return f"frame f-{span['label']}"
    if layer == "hedge":
        return "hedge quoted" if span.get("in_quote") else "hedge"
    return {"attribution": "attr", "quote": "quote", "excluded": "excl"}[layer]


def open_tag(span: dict[str, Any], i: int, first: bool) -> str:
    """The opening tag of a span fragment; only the first fragment of a span carries `data-span`."""
    marker = f' data-span="{span["layer"]}"' if first else ""
    return (f'<span class="{escape(span_class(span))}" data-span-id="{i}"{marker} '
            f'title="{escape(span_title(span))}">')


def render_text(text: str, spans: list[dict[str, Any]]) -> str:
    """The escaped text with every span as nested elements, split only where spans cross."""
    order = sorted(range(len(spans)), key=lambda i: (spans[i]["start"], -spans[i]["end"],
                                                     LAYER_ORDER[spans[i]["layer"]], i))
    starts: dict[int, list[int]] = {}
    for i in order:
        starts.setdefault(spans[i]["start"], []).append(i)
    bounds = sorted({0, len(text)} | {s["start"] for s in spans} | {s["end"] for s in spans})
    out: list[str] = []
    stack: list[int] = []
    for here, following in zip(bounds, bounds[1:] + [len(text)]):
        ending = [k for k, i in enumerate(stack) if spans[i]["end"] == here]
        if ending:
            reopen = [i for i in stack[ending[0]:] if spans[i]["end"] != here]
            out.append("</span>" * (len(stack) - ending[0]))
            del stack[ending[0]:]
            out.extend(open_tag(spans[i], i, first=False) for i in reopen)
            stack.extend(reopen)
        for i in starts.get(here, []):
            out.append(open_tag(spans[i], i, first=True))
            if spans[i]["end"] == here:
                out.append("</span>")
            else:
                stack.append(i)
        out.append(escape(text[here:following]))
    return "".join(out)


def legend(spans: list[dict[str, Any]]) -> str:
    """Samples of every highlight style, with this article's counts."""
    counts = Counter(span_class(span) for span in spans)
    items = [(f"frame f-{frame}", f"{frame} frame") for frame in FRAMES]
    items += [("hedge", "authorial hedge"), ("hedge quoted", "hedge in a quote"),
              ("attr", "attribution (hover: source)"), ("quote", "direct quote"),
              ("excl", "excluded (site chrome, non-French…)")]
    return ('<div class="legend sticky">' + "".join(f'<span><span class="{cls}">{name}</span> ({counts[cls]})</span>'
                                             for cls, name in items) + "</div>\n")


def metadata_columns(columns: list[str]) -> list[str]:
    """id, outlet, date, title, url, and the further metadata columns: prefixed `meta_` or after `excluded`."""
    end = columns.index("excluded") if "excluded" in columns else len(columns)
    return [c for i, c in enumerate(columns) if c in METADATA or c.startswith("meta_") or i > end]


def article_page(row: dict[str, str], text: str, spans: list[dict[str, Any]], nav: dict[str, str]) -> str:
    links = "".join(f'<a href="{href}">{escape(name)}</a>' for name, href in nav.items())
    meta = [escape(row[key]) for key in ("outlet", "date") if row.get(key)]
    url = row.get("url", "")
    if url.startswith(("http://", "https://")):
        meta.append(f'<a href="{escape(url)}">{escape(url)}</a>')
    meta.append(f"id {escape(row['id'])}")
    columns = metadata_columns(list(row))
    extra = "".join(f'<p class="meta">{escape(key.removeprefix("meta_"))}: {escape(row[key])}</p>\n'
                    for key in columns if key not in METADATA and row[key])
    scores = "".join(f"<div><dt>{escape(key)}</dt><dd>{escape(fmt(value).replace(';', '; '))}</dd></div>"
                     for key, value in row.items() if key not in columns)
    return (f"<nav>{links}</nav>\n<h1>{escape(row.get('title') or row['id'])}</h1>\n"
            f'<p class="meta">{" · ".join(meta)}</p>\n{extra}'
            f"<h2>Scores</h2>\n<p>Frame shares {frame_bar(row)}</p>\n<dl class=\"scores\">{scores}</dl>\n"
            f"<h2>Text</h2>\n{legend(spans)}"
            f'<div class="text" lang="fr">{render_text(text, spans)}</div>\n')


def markdown_html(text: str) -> str:
    """Headings, paragraphs and pipe tables of a Markdown file, escaped."""
    parts: list[str] = []
    block: list[str] = []
    for line in text.splitlines() + [""]:
        if line.lstrip().startswith("|"):
            block.append(line)
            continue
        if block:
            cells = [[c.strip().replace(r"\|", "|") for c in re.split(r"(?<!\\)\|", r.strip().strip("|"))]
                     for r in block if not re.fullmatch(r"[\s|:-]+", r)]
            parts.append(table(cells[0], cells[1:]) if cells else "")
            block = []
        if line.startswith("#"):
            parts.append(f"<h4>{escape(line.lstrip('#').strip())}</h4>\n")
        elif line.strip():
            parts.append(f"<p>{escape(line)}</p>\n")
    return "".join(parts)


def csv_html(path: Path) -> str:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    return table(rows[0], rows[1:]) if rows else ""


def data_uri(path: Path) -> str:
    kind = "image/svg+xml" if path.suffix == ".svg" else "image/png"
    return f"data:{kind};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def comparison(folder: Path) -> str:
    """Every plot (the smaller of its PNG and SVG, with its data) and table (Markdown, else CSV) in RESULTS/compare."""
    stems: dict[Path, set[str]] = {}
    for path in sorted(folder.rglob("*")):
        if path.suffix.lower() in (".png", ".svg", ".md", ".csv"):
            stems.setdefault(path.with_suffix(""), set()).add(path.suffix.lower())
    figures, tables = [], []
    for stem, suffixes in sorted(stems.items()):
        name = escape(str(stem.relative_to(folder)))
        if suffixes & {".png", ".svg"}:
            images = [stem.with_suffix(suffix) for suffix in sorted(suffixes & {".png", ".svg"})]
            image = min(images, key=lambda path: path.stat().st_size)
            data = f"<details><summary>data</summary>{csv_html(stem.with_suffix('.csv'))}</details>" \
                if ".csv" in suffixes else ""
            figures.append(f'<figure><img src="{data_uri(image)}" alt="{name}"><figcaption>{name}</figcaption>'
                           f"{data}</figure>\n")
        else:
            content = markdown_html(stem.with_suffix(".md").read_text(encoding="utf-8")) if ".md" in suffixes \
                else csv_html(stem.with_suffix(".csv"))
            tables.append(f"<h3>{name}</h3>\n{content}")
    return "<h2>Comparison</h2>\n" + "".join(figures) + "".join(tables)


def run_value(value: Any) -> str:
    """A run.json value in short: lexicons as `name version`, other structures as JSON."""
    if isinstance(value, list) and all(isinstance(item, dict) and {"name", "version"} <= item.keys() for item in value):
        return ", ".join(f"{item['name']} {item['version']}" for item in value)
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def overview(results: Path, rows: list[dict[str, str]], names: dict[str, str],
             spans: dict[str, list[dict[str, Any]]], errors: list[dict[str, str]]) -> str:
    """The index page: run facts, article table, comparison plots and tables, errors."""
    layers = {layer: sum(1 for found in spans.values() for s in found if s["layer"] == layer) for layer in LAYER_ORDER}
    facts = f"{len(rows)} articles · " + " · ".join(f"{n} {layer} spans" for layer, n in layers.items())
    run = results / "run.json"
    if run.exists():
        facts += "".join(f"<br>{escape(key)}: {escape(run_value(value))}"
                         for key, value in json.loads(run.read_text(encoding="utf-8")).items())
    head = "".join(f"<th>{escape(name)}</th>" for name in OVERVIEW.values())
    lines = []
    for row in rows:
        cells = [f'<td><a href="articles/{quote(names[row["id"]])}">{escape(row["id"])}</a></td>']
        cells += [f"<td>{frame_bar(row)}</td>" if key == "frames" else cell(row.get(key, ""))
                  for key in list(OVERVIEW)[1:]]
        lines.append("<tr>" + "".join(cells) + "</tr>\n")
    body = (f'<h1>Framing report</h1>\n<p class="meta">{facts}</p>\n<h2>Articles</h2>\n'
            '<div class="legend">' + "".join(f'<span>{swatch(FRAME_COLOURS[f])} {f}</span>' for f in FRAMES)
            + f'</div>\n<div class="wide"><table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{"".join(lines)}'
            f"</tbody></table></div>\n")
    if (results / "compare").is_dir():
        body += comparison(results / "compare")
    if errors:
        body += "<h2>Errors</h2>\n" + table(list(errors[0]), [list(e.values()) for e in errors])
    return body
