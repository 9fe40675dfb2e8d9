"""Evaluation against gold annotations: loading, alignment, metrics with bootstrap CIs, agreement."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

import numpy as np
import pandas as pd

from framing.corpus import jsonl_lines
from framing.types import FRAMES, FramingError, file_sha256

GOLD_KEYS = ("article", "text_sha256", "excluded", "sentences", "hedges", "attributions", "quotes",
             "article_frames", "primary_frame")
METHODS = ("lexicon", "ml", "combined")
# Sentence-level frame rule for the lexicon: a gold sentence has every frame with at least this many
# lexicon hits starting inside it (chosen on corpus.jsonl + devcorpus_train.jsonl, see docs/validation.md).
MIN_SENTENCE_HITS = 1


# --- loading -----------------------------------------------------------------------------------

def load_gold(path: str | Path) -> dict[str, dict[str, Any]]:
    """Gold annotations by article id, checked for the keys of FORMAT.md."""
    path = Path(path)
    if not path.is_file():
        raise FramingError(f"{path}: gold file not found; give an annotation .jsonl (see corpus/annotations/FORMAT.md)")
    gold: dict[str, dict[str, Any]] = {}
    try:
        lines = list(jsonl_lines(path))
    except ValueError as err:
        raise FramingError(f"{path}: {err}; fix the line") from None
    for n, item in lines:
        missing = [k for k in GOLD_KEYS if k not in item]
        if missing:
            raise FramingError(f"{path}: line {n} lacks {', '.join(missing)}; see corpus/annotations/FORMAT.md")
        if item["article"] in gold:
            raise FramingError(f"{path}: line {n} repeats article '{item['article']}'; keep one line per article")
        gold[item["article"]] = item
    if not gold:
        raise FramingError(f"{path}: no annotations in the file")
    return gold


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def load_texts(gold: dict[str, dict[str, Any]], gold_path: str | Path,
               texts: str | Path | list[str | Path] | None = None) -> dict[str, str]:
    """The article texts of the gold set (from corpus/ or `texts`, one path or several), each checked against text_sha256."""
    from framing.corpus import read_corpus

    sources = [Path(t) for t in (texts if isinstance(texts, (list, tuple)) else [texts])] if texts else [Path("corpus")]
    found: dict[str, str] = {}
    for source in sources:
        if not source.exists():
            raise FramingError(f"{gold_path}: texts not found at {source}; give them with --texts PATH")
        articles, _ = read_corpus(source)
        found.update({a.id: a.text for a in articles if a.id in gold and a.id not in found})
    source = ", ".join(str(s) for s in sources)
    missing = sorted(set(gold) - set(found))
    if missing:
        raise FramingError(f"{gold_path}: {len(missing)} articles ({', '.join(missing[:3])}...) are not in {source}; "
                           f"give the texts they were annotated on with --texts PATH")
    for article_id, text in sorted(found.items()):
        if sha256(text) != gold[article_id]["text_sha256"]:
            raise FramingError(f"{gold_path}: text of '{article_id}' in {source} does not match its text_sha256; "
                               f"give the exact texts the annotations were made on with --texts PATH")
    return found


@dataclass
class Prediction:
    """One method's output for some articles: spans, sentence rows and article rows by article id."""

    method: str
    run: dict[str, Any] = field(default_factory=dict)  # the scoring run's record (run.json), when read from a folder
    spans: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    sentences: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    articles: dict[str, dict[str, Any]] = field(default_factory=dict)


def prediction_from_rows(method: str, spans: Iterable[dict], sentences: Iterable[dict], articles: Iterable[dict]) -> Prediction:
    pred = Prediction(method)
    for span in spans:
        pred.spans.setdefault(span["article"], []).append(span)
    for row in sentences:
        pred.sentences.setdefault(row["article"], []).append(row)
    for row in articles:
        pred.articles[str(row["id"])] = row
    return pred


def load_prediction(folder: str | Path) -> Prediction:
    """A `framing score` output folder (spans.jsonl, sentences.parquet, articles.parquet, run.json)."""
    folder = Path(folder)
    needed = ["spans.jsonl", "sentences.parquet", "articles.parquet", "run.json"]
    missing = [name for name in needed if not (folder / name).is_file()]
    if missing:
        raise FramingError(f"{folder}: {', '.join(missing)} missing; give a folder written by 'framing score --out'")
    run = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    spans = [span for _, span in jsonl_lines(folder / "spans.jsonl")]
    sentences = pd.read_parquet(folder / "sentences.parquet").to_dict("records")
    articles = pd.read_parquet(folder / "articles.parquet").to_dict("records")
    pred = prediction_from_rows(run.get("method", "lexicon"), spans, sentences, articles)
    pred.run = run
    return pred


def check_prediction(pred: Prediction, texts: dict[str, str], where: str) -> None:
    """Every gold article was scored, and the spans' text matches the gold texts at their offsets."""
    missing = sorted(set(texts) - set(pred.articles))
    if missing:
        raise FramingError(f"{where}: no results for {', '.join(missing[:3])}...; score the gold articles' texts first")
    for article_id, text in texts.items():
        for span in pred.spans.get(article_id, []):
            if text[span["start"]:span["end"]] != span["text"]:
                raise FramingError(f"{where}: spans of '{article_id}' do not match the gold text; "
                                   f"score the same texts the annotations were made on")


# --- alignment ---------------------------------------------------------------------------------

def overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def inside_any(position: int, regions: Iterable[dict[str, Any]]) -> bool:
    return any(r["start"] <= position < r["end"] for r in regions)


def assign_rows(units: list[tuple[int, int]], rows: list[tuple[int, int]]) -> list[list[int]]:
    """For each unit (gold sentence), the predicted rows assigned to it.

    A predicted row goes to the unit it overlaps most; a unit that gets no row (it lies inside a
    longer predicted row assigned elsewhere) takes the row that overlaps it most.
    """
    assigned: list[list[int]] = [[] for _ in units]
    for j, row in enumerate(rows):
        best = max(range(len(units)), key=lambda i: overlap(units[i], row), default=None)
        if best is not None and overlap(units[best], row) > 0:
            assigned[best].append(j)
    for i, unit in enumerate(units):
        if not assigned[i]:
            best = max(range(len(rows)), key=lambda j: overlap(unit, rows[j]), default=None)
            if best is not None and overlap(unit, rows[best]) > 0:
                assigned[i].append(best)
    return assigned


def match_spans(gold: list[tuple[int, int]], pred: list[tuple[int, int]], exact: bool) -> list[tuple[int, int]]:
    """One-to-one matching (gold index, pred index): identical offsets, or greatest overlap first."""
    if exact:
        free = {span: j for j, span in reversed(list(enumerate(pred)))}
        pairs = []
        for i, span in enumerate(gold):
            if span in free:
                pairs.append((i, free.pop(span)))
        return pairs
    candidates = sorted(((overlap(g, p), i, j) for i, g in enumerate(gold) for j, p in enumerate(pred) if overlap(g, p) > 0),
                        key=lambda c: (-c[0], c[1], c[2]))
    used_gold, used_pred, pairs = set(), set(), []
    for _, i, j in candidates:
        if i not in used_gold and j not in used_pred:
            used_gold.add(i)
            used_pred.add(j)
            pairs.append((i, j))
    return sorted(pairs)


# --- per-article records -----------------------------------------------------------------------

@dataclass
class Record:
    """What one article contributes: (tp, fp, fn) counts, (gold, pred) label pairs, sentence labels."""

    counts: dict[str, np.ndarray] = field(default_factory=dict)
    pairs: dict[str, list[tuple[Any, Any]]] = field(default_factory=dict)


def _prf_counts(gold: list[bool], pred: list[bool]) -> np.ndarray:
    g, p = np.asarray(gold, bool), np.asarray(pred, bool)
    return np.array([np.sum(g & p), np.sum(~g & p), np.sum(g & ~p)], dtype=int)


def sentence_predictions(gold: dict[str, Any], pred: Prediction, min_hits: int = MIN_SENTENCE_HITS) -> list[dict[str, bool]]:
    """Predicted labels of each gold sentence: hedged and the four frames.

    lexicon: hedged when an authorial (not in_quote) predicted cue starts inside the gold sentence
    (CoNLL-2010 task 1); a frame when at least `min_hits` frame hits start inside it.
    ml: the classifier's decisions on the predicted sentences assigned to the gold sentence.
    combined: the combined decisions of the predicted sentences, or'ed with the lexicon cue rule for hedges.
    """
    article = gold["article"]
    units = [(s["start"], s["end"]) for s in gold["sentences"]]
    spans = [s for s in pred.spans.get(article, []) if not inside_any(s["start"], gold["excluded"])]
    rows = pred.sentences.get(article, [])
    assigned = assign_rows(units, [(int(r["start"]), int(r["end"])) for r in rows])
    result = []
    for (start, end), row_ids in zip(units, assigned):
        labels: dict[str, bool] = {}
        if pred.method == "lexicon":
            labels["hedged"] = any(s["layer"] == "hedge" and not s.get("in_quote") and start <= s["start"] < end for s in spans)
            for frame in FRAMES:
                hits = sum(1 for s in spans if s["layer"] == "frame" and s["label"] == frame and start <= s["start"] < end)
                labels[frame] = hits >= min_hits
        else:
            labels["hedged"] = any(bool(rows[j]["hedged"]) for j in row_ids)
            if pred.method == "combined":
                labels["hedged"] |= any(s["layer"] == "hedge" and not s.get("in_quote") and start <= s["start"] < end
                                        for s in spans)
            for frame in FRAMES:
                labels[frame] = any(int(rows[j][frame]) >= 1 for j in row_ids)
        result.append(labels)
    return result


def article_record(gold: dict[str, Any], pred: Prediction, min_hits: int = MIN_SENTENCE_HITS) -> Record:
    """Counts and pairs of one article for every metric."""
    rec = Record()
    article = gold["article"]
    spans = [s for s in pred.spans.get(article, []) if not inside_any(s["start"], gold["excluded"])]
    labels = sentence_predictions(gold, pred, min_hits)
    rec.pairs["sentence_labels"] = [({"hedged": bool(s["hedged"]), **{f: f in s["frames"] for f in FRAMES}}, p)
                                    for s, p in zip(gold["sentences"], labels)]
    rec.counts["hedging/sentence"] = _prf_counts([s["hedged"] for s in gold["sentences"]], [p["hedged"] for p in labels])
    for frame in FRAMES:
        rec.counts[f"frames/sentence/{frame}"] = _prf_counts([frame in s["frames"] for s in gold["sentences"]],
                                                            [p[frame] for p in labels])
    cues_gold = [(h["start"], h["end"]) for h in gold["hedges"]]
    cues_pred = [(s["start"], s["end"]) for s in spans if s["layer"] == "hedge"]
    for name, exact in (("exact", True), ("overlap", False)):
        tp = len(match_spans(cues_gold, cues_pred, exact))
        rec.counts[f"hedging/cue_{name}"] = np.array([tp, len(cues_pred) - tp, len(cues_gold) - tp])
    attr_gold = gold["attributions"]
    attr_pred = [s for s in spans if s["layer"] == "attribution"]
    for name, exact in (("exact", True), ("overlap", False)):
        pairs = match_spans([(a["start"], a["end"]) for a in attr_gold], [(a["start"], a["end"]) for a in attr_pred], exact)
        tp = len(pairs)
        rec.counts[f"attribution/{name}"] = np.array([tp, len(attr_pred) - tp, len(attr_gold) - tp])
        if not exact:
            rec.pairs["attribution/source_type"] = [(attr_gold[i]["source_type"], attr_pred[j].get("source_type")) for i, j in pairs]
            rec.pairs["attribution/form"] = [(attr_gold[i]["form"], attr_pred[j].get("form")) for i, j in pairs]
    row = pred.articles.get(article, {})
    for frame in FRAMES:
        rec.counts[f"frames/article/{frame}"] = _prf_counts([frame in gold["article_frames"]], [bool(row.get(f"has_{frame}"))])
    rec.pairs["frames/primary"] = [(gold["primary_frame"] or "", row.get("primary_frame") or "")]
    return rec


# --- metrics -----------------------------------------------------------------------------------

def prf(counts: np.ndarray) -> tuple[float, float, float]:
    """Precision, recall, F1 from (tp, fp, fn); nan when a denominator is zero."""
    tp, fp, fn = (int(x) for x in counts)
    precision = tp / (tp + fp) if tp + fp else float("nan")
    recall = tp / (tp + fn) if tp + fn else float("nan")
    f1 = 2 * tp / (2 * tp + fp + fn) if 2 * tp + fp + fn else float("nan")
    return precision, recall, f1


def accuracy(pairs: list[tuple[Any, Any]]) -> float:
    return sum(g == p for g, p in pairs) / len(pairs) if pairs else float("nan")


def macro_f1(pairs: list[tuple[Any, Any]]) -> float:
    """Mean F1 over the labels that occur in gold or prediction (one-vs-rest)."""
    labels = sorted({g for g, _ in pairs} | {p for _, p in pairs}, key=str)
    scores = [prf(_prf_counts([g == label for g, _ in pairs], [p == label for _, p in pairs]))[2] for label in labels]
    return float(np.mean(scores)) if scores else float("nan")


def _sum(records: list[Record], key: str) -> np.ndarray:
    return np.sum([r.counts[key] for r in records], axis=0) if records else np.zeros(3, int)


def _pooled(records: list[Record], key: str) -> list[tuple[Any, Any]]:
    return [pair for r in records for pair in r.pairs.get(key, [])]


@dataclass(frozen=True)
class Metric:
    layer: str
    level: str
    label: str
    metric: str
    compute: Callable[[list[Record]], float]
    support: Callable[[list[Record]], int]


def _prf_metrics(layer: str, level: str, label: str, key: str) -> list[Metric]:
    support = lambda recs: int(_sum(recs, key)[0] + _sum(recs, key)[2])  # noqa: E731 - gold positives
    return [Metric(layer, level, label, name, (lambda recs, i=i: prf(_sum(recs, key))[i]), support)
            for i, name in enumerate(("precision", "recall", "f1"))]


def _macro_frames(level: str) -> Callable[[list[Record]], float]:
    def compute(recs: list[Record]) -> float:
        scores = [prf(_sum(recs, f"frames/{level}/{frame}"))[2] for frame in FRAMES]
        scores = [s for s in scores if not np.isnan(s)]
        return float(np.mean(scores)) if scores else float("nan")
    return compute


def metric_table() -> list[Metric]:
    """Every reported figure, in report order."""
    n_pairs = lambda key: (lambda recs: len(_pooled(recs, key)))  # noqa: E731
    metrics = _prf_metrics("hedging", "sentence", "hedged", "hedging/sentence")
    metrics += _prf_metrics("hedging", "cue_exact", "cue", "hedging/cue_exact")
    metrics += _prf_metrics("hedging", "cue_overlap", "cue", "hedging/cue_overlap")
    metrics += _prf_metrics("attribution", "span_overlap", "attribution", "attribution/overlap")
    metrics += _prf_metrics("attribution", "span_exact", "attribution", "attribution/exact")
    metrics += [
        Metric("attribution", "span_overlap", "source_type", "accuracy",
               lambda recs: accuracy(_pooled(recs, "attribution/source_type")), n_pairs("attribution/source_type")),
        Metric("attribution", "span_overlap", "source_type", "macro_f1",
               lambda recs: macro_f1(_pooled(recs, "attribution/source_type")), n_pairs("attribution/source_type")),
        Metric("attribution", "span_overlap", "form", "accuracy",
               lambda recs: accuracy(_pooled(recs, "attribution/form")), n_pairs("attribution/form")),
    ]
    for level in ("sentence", "article"):
        for frame in FRAMES:
            metrics += _prf_metrics("frames", level, frame, f"frames/{level}/{frame}")
        metrics.append(Metric("frames", level, "all", "macro_f1", _macro_frames(level),
                              lambda recs, level=level: sum(int(_sum(recs, f"frames/{level}/{f}")[0] + _sum(recs, f"frames/{level}/{f}")[2])
                                                            for f in FRAMES)))
    metrics.append(Metric("frames", "article", "primary_frame", "accuracy",
                          lambda recs: accuracy(_pooled(recs, "frames/primary")), n_pairs("frames/primary")))
    return metrics


def bootstrap(records: list[Record], compute: Callable[[list[Record]], float], n_boot: int = 1000,
              seed: int = 0, level: float = 0.95) -> tuple[float, float]:
    """Percentile interval of a metric over articles resampled with replacement (seeded)."""
    if not records:
        return float("nan"), float("nan")
    rng = np.random.default_rng(seed)
    values = np.array([compute([records[i] for i in rng.integers(0, len(records), len(records))]) for _ in range(n_boot)])
    values = values[~np.isnan(values)]
    if not len(values):
        return float("nan"), float("nan")
    tail = (1 - level) / 2 * 100
    return float(np.percentile(values, tail)), float(np.percentile(values, 100 - tail))


def evaluate(gold: dict[str, dict[str, Any]], preds: list[Prediction], n_boot: int = 1000, seed: int = 0,
             min_hits: int = MIN_SENTENCE_HITS) -> pd.DataFrame:
    """One row per method and figure: value, bootstrap 95% CI over articles, gold support."""
    rows = []
    ids = sorted(gold)
    for pred in preds:
        records = [article_record(gold[a], pred, min_hits) for a in ids]
        for metric in metric_table():
            low, high = bootstrap(records, metric.compute, n_boot, seed)
            rows.append({"method": pred.method, "layer": metric.layer, "level": metric.level, "label": metric.label,
                         "metric": metric.metric, "value": metric.compute(records), "ci_low": low, "ci_high": high,
                         "support": metric.support(records), "n_articles": len(records)})
    return pd.DataFrame(rows)


# --- agreement ---------------------------------------------------------------------------------

def cohen_kappa(a: list[Any], b: list[Any]) -> float:
    """Cohen's kappa of two codings of the same units; nan when expected agreement is 1."""
    if not a:
        return float("nan")
    labels = sorted(set(a) | set(b), key=str)
    n = len(a)
    observed = sum(x == y for x, y in zip(a, b)) / n
    expected = sum((a.count(label) / n) * (b.count(label) / n) for label in labels)
    return (observed - expected) / (1 - expected) if expected < 1 else float("nan")


def krippendorff_alpha(a: list[Any], b: list[Any]) -> float:
    """Krippendorff's alpha, nominal, two coders, no missing values."""
    values = list(a) + list(b)
    n = len(values)
    if n < 2:
        return float("nan")
    disagree = 2 * sum(x != y for x, y in zip(a, b))  # coincidences off the diagonal, both orders
    totals = [values.count(v) for v in set(values)]
    expected = (n * n - sum(t * t for t in totals)) / (n - 1)
    return 1 - disagree / expected if expected else float("nan")


def sentence_label_pairs(gold_a: dict[str, Any], gold_b: dict[str, Any]) -> list[tuple[dict[str, bool], dict[str, bool]]]:
    """A's sentences, each with A's labels and the labels of B's sentences assigned to it."""
    units = [(s["start"], s["end"]) for s in gold_a["sentences"]]
    others = gold_b["sentences"]
    assigned = assign_rows(units, [(s["start"], s["end"]) for s in others])
    pairs = []
    for sentence, row_ids in zip(gold_a["sentences"], assigned):
        mine = {"hedged": bool(sentence["hedged"]), **{f: f in sentence["frames"] for f in FRAMES}}
        theirs = {"hedged": any(others[j]["hedged"] for j in row_ids),
                  **{f: any(f in others[j]["frames"] for j in row_ids) for f in FRAMES}}
        pairs.append((mine, theirs))
    return pairs


def agreement_rows(pairs: list[tuple[dict[str, bool], dict[str, bool]]], first: str, second: str) -> list[dict[str, Any]]:
    rows = []
    for label in ("hedged",) + FRAMES:
        a, b = [p[0][label] for p in pairs], [p[1][label] for p in pairs]
        rows.append({"first": first, "second": second, "unit": "sentence", "label": label, "n": len(a),
                     "observed": sum(x == y for x, y in zip(a, b)) / len(a) if a else float("nan"),
                     "cohen_kappa": cohen_kappa(a, b), "krippendorff_alpha": krippendorff_alpha(a, b)})
    return rows


def agreement(gold_a: dict[str, dict[str, Any]], gold_b: dict[str, dict[str, Any]], first: str, second: str) -> pd.DataFrame:
    """Per-label agreement of two annotation files on the articles they share (units: A's sentences)."""
    shared = sorted(set(gold_a) & set(gold_b))
    if not shared:
        raise FramingError(f"{second}: no article in common with {first}; compare two codings of the same articles")
    for article in shared:
        if gold_a[article]["text_sha256"] != gold_b[article]["text_sha256"]:
            raise FramingError(f"{second}: '{article}' was coded on another text than in {first} (text_sha256 differs)")
    pairs = [p for a in shared for p in sentence_label_pairs(gold_a[a], gold_b[a])]
    rows = agreement_rows(pairs, first, second)
    article_pairs = [(frame in gold_a[a]["article_frames"], frame in gold_b[a]["article_frames"]) for a in shared for frame in FRAMES]
    for i, frame in enumerate(FRAMES):
        a, b = [p[0] for p in article_pairs[i::len(FRAMES)]], [p[1] for p in article_pairs[i::len(FRAMES)]]
        rows.append({"first": first, "second": second, "unit": "article", "label": frame, "n": len(a),
                     "observed": sum(x == y for x, y in zip(a, b)) / len(a),
                     "cohen_kappa": cohen_kappa(a, b), "krippendorff_alpha": krippendorff_alpha(a, b)})
    return pd.DataFrame(rows)


def method_agreement(gold: dict[str, dict[str, Any]], preds: list[Prediction]) -> pd.DataFrame:
    """Per-label agreement between every two methods, on the gold sentences."""
    labels = {p.method: [lab for a in sorted(gold) for lab in sentence_predictions(gold[a], p)] for p in preds}
    rows = []
    methods = list(labels)
    for i, first in enumerate(methods):
        for second in methods[i + 1:]:
            rows += agreement_rows(list(zip(labels[first], labels[second])), first, second)
    return pd.DataFrame(rows)


# --- writing -----------------------------------------------------------------------------------

def _cell(value: float, low: float, high: float) -> str:
    if np.isnan(value):
        return "—"
    interval = "" if np.isnan(low) else f" [{low:.2f}, {high:.2f}]"
    return f"{value:.3f}{interval}"


def metrics_markdown(table: pd.DataFrame, title: str, notes: list[str]) -> str:
    """A Markdown table per layer: one row per figure, one column per method."""
    lines = [f"# {title}", ""] + notes + [""]
    methods = list(dict.fromkeys(table["method"]))
    for layer, part in table.groupby("layer", sort=False):
        lines += [f"## {layer}", "", "| level | label | metric | n | " + " | ".join(methods) + " |",
                  "|---|---|---|---|" + "---|" * len(methods)]
        keys = part[["level", "label", "metric"]].drop_duplicates().itertuples(index=False)
        for level, label, metric in keys:
            cells = []
            support = ""
            for method in methods:
                row = part[(part.method == method) & (part.level == level) & (part.label == label) & (part.metric == metric)]
                if row.empty:
                    cells.append("")
                    continue
                r = row.iloc[0]
                support = str(r.support)
                cells.append(_cell(r.value, r.ci_low, r.ci_high))
            lines.append(f"| {level} | {label} | {metric} | {support} | " + " | ".join(cells) + " |")
        lines.append("")
    return "\n".join(lines)


def agreement_markdown(table: pd.DataFrame) -> str:
    """One row per unit and label: n, observed agreement, Cohen's kappa, Krippendorff's alpha."""
    first, second = table["first"].iloc[0], table["second"].iloc[0]
    lines = [f"# Agreement: `{first}` and `{second}`", "", "| unit | label | n | observed | Cohen's kappa | Krippendorff's alpha |",
             "|---|---|---|---|---|---|"]
    for r in table.itertuples(index=False):
        lines.append(f"| {r.unit} | {r.label} | {r.n} | {r.observed:.3f} | "
                     + " | ".join("—" if np.isnan(v) else f"{v:.3f}" for v in (r.cohen_kappa, r.krippendorff_alpha)) + " |")
    return "\n".join(lines) + "\n"


def write_evaluation(out: str | Path, table: pd.DataFrame, agreement_table: pd.DataFrame | None, record: dict[str, Any]) -> Path:
    """metrics.csv, metrics.md, agreement.csv (when any) and evaluation.json; no article text."""
    from framing.output import atomic_write_text, write_json

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    atomic_write_text(out / "metrics.csv", table.to_csv(index=False, lineterminator="\n", float_format="%.4f"))
    notes = [f"Gold: `{record['gold']}` ({record['n_articles']} articles). Value [bootstrap 95% CI over articles, "
             f"{record['n_boot']} resamples, seed {record['seed']}]; n = gold positives (P/R/F1) or matched pairs.",
             "Attribution spans match one-to-one by greatest character overlap (span_overlap) or identical offsets "
             "(span_exact); source type and form are scored on overlap-matched pairs."]
    atomic_write_text(out / "metrics.md", metrics_markdown(table, "Evaluation", notes))
    if agreement_table is not None and not agreement_table.empty:
        atomic_write_text(out / "agreement.csv", agreement_table.to_csv(index=False, lineterminator="\n", float_format="%.4f"))
    write_json(record, out / "evaluation.json")
    return out


# --- command -----------------------------------------------------------------------------------

def score_in_process(texts: dict[str, str], methods: list[str], classifier: str | Path | None) -> list[Prediction]:
    """Score the gold texts with each method (one spaCy load; the classifiers loaded once)."""
    from dataclasses import replace

    from framing.models import load_model
    from framing.pipeline import load_resources, score_articles
    from framing.types import Article

    base = load_resources()
    models = load_model(classifier) if set(methods) - {"lexicon"} else None
    articles = [Article(a, texts[a]) for a in sorted(texts)]
    preds = []
    for method in methods:
        res = base if method == "lexicon" else replace(base, method=method, classifier=models)
        results = list(score_articles(articles, res))
        preds.append(prediction_from_rows(method, [s.to_dict() for r in results for s in r.spans],
                                          [row for r in results for row in r.sentences], [r.row for r in results]))
    return preds


def run_evaluation(gold_path: str | Path, pred_dirs: list[str], texts: str | Path | None, out: str | Path | None,
                   against: str | Path | None = None, methods: list[str] | None = None,
                   classifier: str | Path | None = None, n_boot: int = 1000, seed: int = 0) -> tuple[Path, pd.DataFrame]:
    """`framing evaluate`: metrics of each prediction (or agreement with another gold file), written to `out`."""
    from framing import __version__
    from framing.models import DEFAULT_MODEL_FILE, classifier_record

    gold_path = Path(gold_path)
    gold = load_gold(gold_path)
    out = Path(out) if out else Path("results") / "evaluation" / gold_path.stem
    record: dict[str, Any] = {"framing": __version__, "gold": gold_path.as_posix(),
                              "gold_sha256": file_sha256(gold_path),
                              "n_articles": len(gold), "n_boot": n_boot, "seed": seed}
    if against:
        other = load_gold(against)
        table = agreement(gold, other, gold_path.as_posix(), Path(against).as_posix())
        record["against"] = Path(against).as_posix()
        out.mkdir(parents=True, exist_ok=True)
        from framing.output import atomic_write_text, write_json

        atomic_write_text(out / "agreement.csv", table.to_csv(index=False, lineterminator="\n", float_format="%.4f"))
        atomic_write_text(out / "agreement.md", agreement_markdown(table))
        write_json(record, out / "evaluation.json")
        return out, table
    text_by_id = load_texts(gold, gold_path, texts)
    if pred_dirs:
        preds = [load_prediction(folder) for folder in pred_dirs]
        for folder, pred in zip(pred_dirs, preds):
            check_prediction(pred, text_by_id, folder)
        record["predictions"] = [{"folder": str(f), "method": p.method, "lexicons": p.run.get("lexicons"),
                                  **({"classifier": p.run["classifier"]} if "classifier" in p.run else {})}
                                 for f, p in zip(pred_dirs, preds)]
    else:
        model_file = Path(classifier) if classifier else DEFAULT_MODEL_FILE
        methods = methods or (list(METHODS) if model_file.is_file() else ["lexicon"])
        preds = score_in_process(text_by_id, methods, model_file)
        record["predictions"] = [{"scored_in_process": True, "method": p.method} for p in preds]
        if set(methods) - {"lexicon"}:
            record["classifier"] = classifier_record(model_file)
    names = [p.method for p in preds]
    if len(set(names)) < len(names):
        raise FramingError(f"{', '.join(pred_dirs)}: two result folders of the same method; give one per method")
    table = evaluate(gold, preds, n_boot, seed)
    agree = method_agreement(gold, preds) if len(preds) > 1 else None
    record["methods"] = names
    record["sentence_frame_rule"] = f"lexicon: frames with >= {MIN_SENTENCE_HITS} hit starting in the gold sentence; ml/combined: the decisions of the predicted sentences assigned to it"
    write_evaluation(out, table, agree, record)
    return out, table
