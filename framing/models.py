"""Sentence classifiers (frames, hedged) on spaCy and lexicon features: training, skops files, model cards."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import platform
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold
from spacy.tokens import Doc

from framing.types import FRAMES, HEDGE_CATEGORIES, FramingError, Span, file_sha256

MODEL_DIR = Path(__file__).resolve().parent.parent / "models"
DEFAULT_MODEL_FILE = MODEL_DIR / "framing.skops"
LABELS = FRAMES + ("hedged",)
MIN_ARTICLE_SENTENCES = 2  # ml/combined: a frame is present in an article with at least 2 sentences carrying it
MORPH_KEYS = ("Mood", "Tense", "VerbForm")
FEATURE_GROUPS = ("lemma", "bigram", "morph", "ending", "vector", "lexicon", "question")
# Chosen by grouped cross-validation on corpus.jsonl + devcorpus_train.jsonl (docs/validation.md): with a
# few hundred sentences, lemma n-grams and word vectors overfit; all groups stay available as a parameter.
DEFAULT_GROUPS = ("morph", "ending", "lexicon", "question")
# The only types a model file may contain; skops refuses anything else.
TRUSTED_TYPES = [
    "framing.models.FrameClassifier",
    "framing.models.HedgeClassifier",
    "sklearn.feature_extraction._dict_vectorizer.DictVectorizer",
    "sklearn.linear_model._logistic.LogisticRegression",
]


# --- features ----------------------------------------------------------------------------------

def sentence_units(doc: Doc) -> list[tuple[int, int]]:
    """(start, end) of the parsed sentences with a word token, as in sentences.parquet."""
    units = []
    for sentence in doc.sents:
        words = [t for t in sentence if not (t.is_space or t.is_punct)]
        if words:
            units.append((words[0].idx, words[-1].idx + len(words[-1].text)))
    return units


def sentence_features(doc: Doc, start: int, end: int, spans: Iterable[Span], vector_weight: float = 1.0) -> dict[str, float]:
    """Features of the text between two offsets of a parsed article.

    Lemma unigrams and bigrams, verb morphology (Mood, Tense, VerbForm) and verb endings, the mean
    word vector (v0..vN), and the lexicon evidence starting inside: frame hits, authorial hedges by
    category, quoted hedges, attributions.
    """
    tokens = [t for t in doc if start <= t.idx < end and not t.is_space]
    words = [t for t in tokens if not t.is_punct]
    features: dict[str, float] = {}

    def add(name: str, value: float = 1.0) -> None:
        features[name] = features.get(name, 0.0) + value

    lemmas = [t.lemma_.lower() for t in words]
    for lemma in lemmas:
        add(f"lemma={lemma}")
    for first, second in zip(lemmas, lemmas[1:]):
        add(f"bigram={first}_{second}")
    for token in words:
        if token.pos_ in ("VERB", "AUX"):
            for key in MORPH_KEYS:
                for value in token.morph.get(key):
                    add(f"morph={key}={value}")
            add(f"ending={token.lower_[-3:]}")
    if any(t.text in "?" for t in tokens):
        add("question")
    for span in spans:
        if not start <= span.start < end:
            continue
        if span.layer == "frame":
            add(f"hit={span.label}")
        elif span.layer == "hedge":
            add(f"hedge={span.get('category')}" if not span.get("in_quote") else "hedge_quoted")
        elif span.layer == "attribution":
            add("attribution")
    vectors = [t.vector for t in words if t.has_vector]
    if vectors and vector_weight:
        for i, value in enumerate(np.mean(vectors, axis=0)):
            features[f"v{i}"] = float(value) * vector_weight
    return features


# --- estimators --------------------------------------------------------------------------------

def feature_group(name: str) -> str:
    """The group of a feature name: 'lemma=conseil' -> lemma, 'v12' -> vector, 'hit=drama' -> lexicon."""
    if name[0] == "v" and name[1:].isdigit():
        return "vector"
    prefix = name.split("=")[0]
    return "lexicon" if prefix in ("hit", "hedge", "hedge_quoted", "attribution") else prefix


class FrameClassifier(ClassifierMixin, BaseEstimator):
    """Multi-label sentence frame classifier: one L2 logistic regression per label on feature dicts.

    X is a list of feature dicts (`sentence_features`); y an (n, len(labels)) 0/1 array. `groups`
    selects the feature groups used (FEATURE_GROUPS); `vector_weight` scales the word vector.
    """

    def __init__(self, labels: tuple[str, ...] = FRAMES, C: float = 1.0, class_weight: str | None = "balanced",
                 threshold: float = 0.5, groups: tuple[str, ...] = DEFAULT_GROUPS, vector_weight: float = 1.0,
                 random_state: int = 0):
        self.labels = labels
        self.C = C
        self.class_weight = class_weight
        self.threshold = threshold
        self.groups = groups
        self.vector_weight = vector_weight
        self.random_state = random_state

    def _select(self, X: list[dict[str, float]]) -> list[dict[str, float]]:
        rows = []
        for x in X:
            row = {}
            for key, value in x.items():
                group = feature_group(key)
                if group in self.groups:
                    row[key] = value * self.vector_weight if group == "vector" else value
            rows.append(row)
        return rows

    def _matrix(self, X: list[dict[str, float]]):
        return self.vectorizer_.transform(self._select(X))

    def fit(self, X: list[dict[str, float]], y) -> "FrameClassifier":
        Y = np.asarray(y, dtype=int).reshape(len(X), -1)
        if Y.shape[1] != len(self.labels):
            raise ValueError(f"y has {Y.shape[1]} columns for {len(self.labels)} labels")
        self.vectorizer_ = DictVectorizer(sparse=True, sort=True).fit(self._select(X))
        matrix = self._matrix(X)
        self.estimators_: list[Any] = []
        for k in range(Y.shape[1]):
            if len(set(Y[:, k])) < 2:  # a label never (or always) seen: constant probability
                self.estimators_.append(float(Y[0, k]) if len(Y) else 0.0)
                continue
            model = LogisticRegression(C=self.C, class_weight=self.class_weight, solver="lbfgs",
                                       random_state=self.random_state, max_iter=1000)
            self.estimators_.append(model.fit(matrix, Y[:, k]))
        self.n_features_ = matrix.shape[1]
        return self

    def predict_proba(self, X: list[dict[str, float]]) -> np.ndarray:
        """(n, len(labels)) probabilities that each label applies."""
        if not X:
            return np.zeros((0, len(self.labels)))
        matrix = self._matrix(X)
        columns = [np.full(matrix.shape[0], e) if isinstance(e, float) else e.predict_proba(matrix)[:, 1]
                   for e in self.estimators_]
        return np.column_stack(columns)

    def predict(self, X: list[dict[str, float]]) -> np.ndarray:
        return (self.predict_proba(X) >= self.threshold).astype(int)

    def score(self, X: list[dict[str, float]], y, sample_weight=None) -> float:
        """Mean F1 over labels (what GridSearchCV maximises by default)."""
        from sklearn.metrics import f1_score

        return float(f1_score(np.asarray(y).reshape(len(X), -1), self.predict(X), average="macro", zero_division=0))


class HedgeClassifier(FrameClassifier):
    """Hedged-sentence classifier: binary, y is a 0/1 vector; predict_proba has the columns (0, 1)."""

    def __init__(self, labels: tuple[str, ...] = ("hedged",), C: float = 1.0, class_weight: str | None = "balanced",
                 threshold: float = 0.5, groups: tuple[str, ...] = DEFAULT_GROUPS, vector_weight: float = 1.0,
                 random_state: int = 0):
        super().__init__(labels, C, class_weight, threshold, groups, vector_weight, random_state)

    def fit(self, X: list[dict[str, float]], y) -> "HedgeClassifier":
        super().fit(X, np.asarray(y, dtype=int).reshape(-1, 1))
        self.classes_ = np.array([0, 1])
        return self

    def predict_proba(self, X: list[dict[str, float]]) -> np.ndarray:
        positive = super().predict_proba(X)[:, 0]
        return np.column_stack([1 - positive, positive])

    def predict(self, X: list[dict[str, float]]) -> np.ndarray:
        return (self.predict_proba(X)[:, 1] >= self.threshold).astype(int)

    def score(self, X: list[dict[str, float]], y, sample_weight=None) -> float:
        from sklearn.metrics import f1_score

        return float(f1_score(np.asarray(y, dtype=int), self.predict(X), zero_division=0))


# --- examples ----------------------------------------------------------------------------------

@dataclass
class Examples:
    """Training sentences: features, labels (None where not coded), article groups."""

    features: list[dict[str, float]]
    labels: list[dict[str, int | None]]
    groups: list[str]
    sources: list[dict[str, str]]

    def select(self, names: tuple[str, ...]) -> tuple[list[dict[str, float]], np.ndarray, list[str]]:
        keep = [i for i, lab in enumerate(self.labels) if all(lab.get(n) is not None for n in names)]
        y = np.array([[self.labels[i][n] for n in names] for i in keep], dtype=int).reshape(len(keep), len(names))
        return [self.features[i] for i in keep], y, [self.groups[i] for i in keep]


def parse_articles(articles, res):
    """(article, doc, lexicon spans) for each article, parsed once with the scoring pipeline."""
    from framing.pipeline import analyse, prepare

    prepared = [prepare(a, res) for a in articles]
    for item, doc in zip(prepared, res.nlp.pipe([p.parse_text for p in prepared], batch_size=16)):
        yield item.article, doc, analyse(item, doc, res).spans


def examples_from_gold(path: Path, texts: list[str] | str | Path | None, res) -> Examples:
    """One example per gold sentence, its features from the parse of the whole article."""
    from framing.evaluate import load_gold, load_texts
    from framing.types import Article

    gold = load_gold(path)
    texts_by_id = load_texts(gold, path, texts)
    articles = [Article(a, texts_by_id[a]) for a in sorted(gold)]
    ex = Examples([], [], [], [{"path": str(path), "sha256": file_sha256(path)}])
    for article, doc, spans in parse_articles(articles, res):
        for sentence in gold[article.id]["sentences"]:
            ex.features.append(sentence_features(doc, sentence["start"], sentence["end"], spans))
            ex.labels.append({**{f: int(f in sentence["frames"]) for f in FRAMES}, "hedged": int(sentence["hedged"])})
            ex.groups.append(f"{path.name}:{article.id}")
    return ex


def examples_from_csv(path: Path, res) -> Examples:
    """Hand-coded sentences: a `text` column and 0/1 columns (the four frames and/or `hedged`).

    An `article` column, when present, groups sentences for cross-validation; empty cells are
    sentences not coded for that label.
    """
    from framing.types import Article

    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    columns = set(rows[0]) if rows else set()
    if "text" not in columns:
        raise FramingError(f"{path}: the CSV needs a 'text' column and 0/1 label columns ({', '.join(LABELS)})")
    frames_given = [f for f in FRAMES if f in columns]
    if frames_given and len(frames_given) < len(FRAMES):
        raise FramingError(f"{path}: give all four frame columns ({', '.join(FRAMES)}) or none")
    if not frames_given and "hedged" not in columns:
        raise FramingError(f"{path}: no label column; add 0/1 columns {', '.join(LABELS)}")
    ex = Examples([], [], [], [{"path": str(path), "sha256": file_sha256(path)}])
    articles = [Article(f"row{n}", row["text"]) for n, row in enumerate(rows, 2)]
    for (article, doc, spans), row, n in zip(parse_articles(articles, res), rows, range(2, len(rows) + 2)):
        labels: dict[str, int | None] = {}
        for name in LABELS:
            value = (row.get(name) or "").strip()
            if value not in ("", "0", "1"):
                raise FramingError(f"{path}: line {n}: column '{name}' is '{value}'; use 0, 1 or leave it empty")
            labels[name] = int(value) if value else None
        if any(labels[f] is None for f in FRAMES):
            labels.update({f: None for f in FRAMES})
        units = sentence_units(doc)
        start, end = (units[0][0], units[-1][1]) if units else (0, len(article.text))
        ex.features.append(sentence_features(doc, start, end, spans))
        ex.labels.append(labels)
        ex.groups.append(f"{path.name}:{row.get('article') or article.id}")
    return ex


def merge(parts: list[Examples]) -> Examples:
    return Examples([f for p in parts for f in p.features], [lab for p in parts for lab in p.labels],
                    [g for p in parts for g in p.groups], [s for p in parts for s in p.sources])


# --- training ----------------------------------------------------------------------------------

def cross_validate(estimator: FrameClassifier, X: list[dict[str, float]], Y: np.ndarray, groups: list[str],
                   names: tuple[str, ...], n_splits: int = 5) -> dict[str, Any]:
    """Out-of-fold predictions with GroupKFold (no article in both training and test folds), scored per label."""
    from framing.evaluate import prf

    n_groups = len(set(groups))
    if n_groups < 2:
        return {"folds": 0, "note": "fewer than two articles: no cross-validation"}
    folds = min(n_splits, n_groups)
    predicted = np.zeros_like(Y)
    for train, test in GroupKFold(n_splits=folds).split(X, Y, groups):
        model = clone(estimator).fit([X[i] for i in train], Y[train] if Y.shape[1] > 1 else Y[train, 0])
        out = model.predict([X[i] for i in test])
        predicted[test] = out.reshape(len(test), -1)
    metrics: dict[str, Any] = {}
    for k, name in enumerate(names):
        counts = np.array([np.sum((Y[:, k] == 1) & (predicted[:, k] == 1)), np.sum((Y[:, k] == 0) & (predicted[:, k] == 1)),
                           np.sum((Y[:, k] == 1) & (predicted[:, k] == 0))])
        precision, recall, f1 = prf(counts)
        metrics[name] = {"precision": _round(precision), "recall": _round(recall), "f1": _round(f1)}
    if len(names) > 1:
        scores = [metrics[n]["f1"] for n in names if metrics[n]["f1"] is not None]
        metrics["macro_f1"] = _round(float(np.mean(scores))) if scores else None
    return {"folds": folds, "grouped_by": "article", "metrics": metrics}


def _round(value: float) -> float | None:
    return None if value is None or np.isnan(value) else round(float(value), 4)


def train(examples: Examples, random_state: int = 0, n_splits: int = 5) -> tuple[dict[str, Any], dict[str, Any]]:
    """Fit the frame and hedge classifiers on the coded examples; return the models and CV results."""
    models: dict[str, Any] = {}
    cv: dict[str, Any] = {}
    counts: dict[str, Any] = {}
    used: dict[str, list[str]] = {}
    for key, names, estimator in (("frames", FRAMES, FrameClassifier(random_state=random_state)),
                                  ("hedged", ("hedged",), HedgeClassifier(random_state=random_state))):
        X, Y, groups = examples.select(names)
        if not X:
            continue
        counts[key] = {"sentences": len(X), "articles": len(set(groups)),
                       **{n: int(Y[:, k].sum()) for k, n in enumerate(names)}}
        used[key] = list(estimator.groups)
        cv[key] = cross_validate(estimator, X, Y, groups, names, n_splits)
        models[key] = clone(estimator).fit(X, Y if key == "frames" else Y[:, 0])
    if not models:
        raise FramingError("the annotations hold no coded sentence; code frames and/or hedged first")
    return models, {"label_counts": counts, "feature_groups": used, "cross_validation": cv}


def save_model(models: dict[str, Any], out: str | Path, card: dict[str, Any]) -> Path:
    """models as a skops file, with the model card as JSON and Markdown beside it."""
    import skops.io as sio

    from framing.output import atomic_write_text

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    target = out / "framing.skops"
    partial = out / ".framing.skops.partial"  # replaced atomically: an interrupted train keeps the old model
    sio.dump(models, partial)
    _fix_zip_times(partial)
    os.replace(partial, target)
    card = {**card, "model_file": target.name, "model_sha256": file_sha256(target)}
    atomic_write_text(out / "model-card.json", json.dumps(card, ensure_ascii=False, indent=2, sort_keys=True) + "\n")
    atomic_write_text(out / "model-card.md", card_markdown(card))
    return target


def _fix_zip_times(path: Path) -> None:
    """Rewrite the skops zip so that a retraining gives the same bytes: object ids (skops writes
    Python's id() values, also as array file names) renumbered in order of appearance, fixed entry times."""
    import re
    import zipfile

    with zipfile.ZipFile(path) as source:
        entries = {info.filename: source.read(info.filename) for info in source.infolist()}
    schema = entries.pop("schema.json").decode("utf-8")
    pattern = re.compile(r'(?<="__id__": )\d+|(?<=")\d+(?=\.npy")')
    numbers = {n: str(k) for k, n in enumerate(dict.fromkeys(pattern.findall(schema)))}
    schema = pattern.sub(lambda m: numbers[m.group(0)], schema)
    files = {(numbers[name[:-4]] + ".npy" if name[:-4] in numbers else name): data for name, data in entries.items()}
    files["schema.json"] = schema.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in sorted(files.items()):
            target.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)


def load_model(path: str | Path | None = None) -> dict[str, Any]:
    """Load a skops model file, trusting only the types in TRUSTED_TYPES."""
    import skops.io as sio

    path = Path(path) if path else DEFAULT_MODEL_FILE
    if not path.is_file():
        raise FramingError(f"{path}: model file not found; build it with 'framing train corpus/annotations/corpus.jsonl --out models/'")
    try:
        untrusted = [t for t in sio.get_untrusted_types(file=path) if t not in TRUSTED_TYPES]
        if untrusted:
            raise FramingError(f"{path}: the model file holds untrusted types ({', '.join(untrusted[:3])}); retrain it with 'framing train'")
        models = sio.load(path, trusted=TRUSTED_TYPES)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):  # not a skops archive, or a damaged one
        raise FramingError(f"{path}: not a skops model file; build one with 'framing train'") from None
    if not isinstance(models, dict) or not set(models) <= {"frames", "hedged"}:
        raise FramingError(f"{path}: not a framing model file; retrain it with 'framing train'")
    return models


def classifier_record(path: str | Path | None = None) -> dict[str, str]:
    """Path and sha256 of the model file used by a scoring run, for run.json."""
    path = Path(path) if path else DEFAULT_MODEL_FILE
    try:
        shown = str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        shown = str(path)
    return {"path": shown, "sha256": file_sha256(path)}


def model_card(examples: Examples, results: dict[str, Any], random_state: int, nlp_id: str) -> dict[str, Any]:
    """Provenance and figures of a training run: data hash, label counts, CV metrics, versions."""
    import sklearn
    import skops
    import spacy

    from framing import __version__

    digest = hashlib.sha256()
    for source in sorted(examples.sources, key=lambda s: s["sha256"]):
        digest.update(source["sha256"].encode())
    return {"framing": __version__, "python": platform.python_version(), "scikit_learn": sklearn.__version__,
            "skops": skops.__version__, "spacy": spacy.__version__, "spacy_model": nlp_id, "random_state": random_state,
            "training_data": {"files": sorted(examples.sources, key=lambda s: s["path"]), "sha256": digest.hexdigest(),
                              "sentences": len(examples.features), "articles": len(set(examples.groups))},
            "estimators": {"frames": "FrameClassifier (one L2 logistic regression (lbfgs) per frame)",
                           "hedged": "HedgeClassifier (L2 logistic regression, lbfgs)"},
            "features": "extracted: lemma unigrams and bigrams, verb Mood/Tense/VerbForm and endings, mean word vector, "
                        "lexicon frame hits, authorial hedges by category, quoted hedges, attributions, question mark "
                        "(the groups each model uses are under feature_groups)",
            "hedge_categories": list(HEDGE_CATEGORIES), **results}


def card_markdown(card: dict[str, Any]) -> str:
    lines = ["# Model card: framing sentence classifiers", "",
             f"- framing {card['framing']}, Python {card['python']}, scikit-learn {card['scikit_learn']}, "
             f"skops {card['skops']}, spaCy {card['spacy']} with `{card['spacy_model']}`",
             f"- random_state: {card['random_state']}",
             f"- training data sha256: `{card['training_data']['sha256']}` ({card['training_data']['sentences']} sentences, "
             f"{card['training_data']['articles']} articles)"]
    lines += [f"  - `{f['path']}` (sha256 `{f['sha256'][:16]}…`)" for f in card["training_data"]["files"]]
    lines += [f"- model file: `{card.get('model_file', '')}` (sha256 `{card.get('model_sha256', '')[:16]}…`)",
              f"- estimators: {card['estimators']['frames']}; {card['estimators']['hedged']}",
              f"- features: {card['features']}", "", "## Label counts", ""]
    for key, counts in card["label_counts"].items():
        lines.append(f"- {key}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    lines += ["", "## Cross-validation (GroupKFold by article, out-of-fold predictions)", "",
              "| model | label | precision | recall | F1 |", "|---|---|---|---|---|"]
    for key, result in card["cross_validation"].items():
        for label, m in result.get("metrics", {}).items():
            if isinstance(m, dict):
                lines.append(f"| {key} | {label} | {_fmt(m['precision'])} | {_fmt(m['recall'])} | {_fmt(m['f1'])} |")
            else:
                lines.append(f"| {key} | macro F1 | | | {_fmt(m)} |")
        lines.append(f"| {key} | folds: {result.get('folds')} | | | |")
    return "\n".join(lines) + "\n"


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def train_command(annotations: list[str], texts: list[str], out: str, random_state: int) -> tuple[Path, dict[str, Any]]:
    """`framing train`: examples from gold .jsonl and/or hand-coded .csv, CV, skops file and model card.

    The texts of .jsonl annotations are looked up in `texts`, then in corpus/.
    """
    from framing.pipeline import load_resources

    texts = list(texts) + (["corpus"] if Path("corpus").is_dir() else [])
    res = load_resources()
    parts = []
    for name in annotations:
        path = Path(name)
        if not path.is_file():
            raise FramingError(f"{path}: annotation file not found; give gold .jsonl or hand-coded .csv files")
        if path.suffix.lower() == ".jsonl":
            parts.append(examples_from_gold(path, texts, res))
        elif path.suffix.lower() == ".csv":
            parts.append(examples_from_csv(path, res))
        else:
            raise FramingError(f"{path}: unsupported annotation file; give a gold .jsonl or a .csv with a 'text' column")
    examples = merge(parts)
    models, results = train(examples, random_state)
    card = model_card(examples, results, random_state, res.model)
    return save_model(models, out, card), card


# --- prediction --------------------------------------------------------------------------------

def sentence_probabilities(models: dict[str, Any], doc: Doc, spans: list[Span]) -> tuple[list[tuple[int, int]], dict[str, np.ndarray]]:
    """The parsed sentences and, for each label a model knows, the probability per sentence."""
    units = sentence_units(doc)
    features = [sentence_features(doc, start, end, spans) for start, end in units]
    probs: dict[str, np.ndarray] = {}
    if "frames" in models:
        table = models["frames"].predict_proba(features)
        probs.update({label: table[:, k] for k, label in enumerate(models["frames"].labels)})
    if "hedged" in models:
        probs["hedged"] = models["hedged"].predict_proba(features)[:, 1]
    return units, probs


def apply_classifier(models: dict[str, Any], method: str, doc: Doc, spans: list[Span], row: dict[str, Any],
                     sentences: list[dict[str, Any]]) -> None:
    """Replace (ml) or combine (combined) the sentence frame and hedge decisions, and the article measures.

    ml: frames and hedged are the classifiers' decisions. combined: a sentence is hedged when the
    lexicon or the classifier says so; its frames are the classifier's, or the frames with a lexicon
    hit when the classifier gives none. Article measures then follow from the sentence decisions.
    """
    units, probs = sentence_probabilities(models, doc, spans)
    if len(units) != len(sentences):
        raise RuntimeError("sentence rows and parsed sentences differ")
    for k, sentence in enumerate(sentences):
        if "frames" in models:
            chosen = {f: int(probs[f][k] >= models["frames"].threshold) for f in FRAMES}
            if method == "combined" and not any(chosen.values()):
                chosen = {f: int(sentence[f] >= 1) for f in FRAMES}
            sentence.update(chosen)
        if "hedged" in models:
            decided = bool(probs["hedged"][k] >= models["hedged"].threshold)
            sentence["hedged"] = decided or (method == "combined" and bool(sentence["hedged"]))
    if "frames" in models:
        counts = {f: sum(int(s[f]) for s in sentences) for f in FRAMES}
        total = sum(counts.values())
        for frame in FRAMES:
            row[frame] = round(counts[frame] / total, 6) if total else 0.0
            row[f"has_{frame}"] = counts[frame] >= MIN_ARTICLE_SENTENCES
        present = [f for f in FRAMES if row[f"has_{f}"]]
        row["primary_frame"] = max(present, key=lambda f: counts[f]) if present else ""
    if "hedged" in models:
        row["n_hedged_sentences"] = sum(bool(s["hedged"]) for s in sentences)
        row["hedged_sentence_share"] = round(row["n_hedged_sentences"] / len(sentences), 6) if sentences else 0.0


def uncertain_sentences(path: str | Path, n: int, model_file: str | Path | None = None) -> list[dict[str, Any]]:
    """The n sentences whose most uncertain label is closest to 0.5, ready for hand coding."""
    from framing.corpus import read_corpus
    from framing.pipeline import load_resources

    models = load_model(model_file)
    res = load_resources()
    articles, _ = read_corpus(path)
    if not articles:
        raise FramingError(f"{path}: no readable article to choose sentences from")
    candidates = []
    for article, doc, spans in parse_articles(articles, res):
        units, probs = sentence_probabilities(models, doc, spans)
        for k, (start, end) in enumerate(units):
            entropy = max(_entropy(float(p[k])) for p in probs.values())
            candidates.append((-entropy, article.id, start, end, article.text[start:end]))
    candidates.sort()
    labels = (list(models["frames"].labels) if "frames" in models else []) + (["hedged"] if "hedged" in models else [])
    return [{"article": a, "start": s, "end": e, "text": t, "uncertainty": round(-u, 4), **{label: "" for label in labels}}
            for u, a, s, e, t in candidates[:n]]


def _entropy(p: float) -> float:
    p = min(max(p, 1e-12), 1 - 1e-12)
    return float(-(p * np.log2(p) + (1 - p) * np.log2(1 - p)))
