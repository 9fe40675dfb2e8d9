"""Classifiers: scikit-learn conventions, determinism, grouped CV, features, skops files, the score hook, annotate."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, GroupKFold
from sklearn.pipeline import Pipeline

from framing.models import (Examples, FrameClassifier, HedgeClassifier, examples_from_csv, feature_group, load_model,
                            model_card, save_model, sentence_features, train, uncertain_sentences)
from framing.types import FRAMES, FramingError


def synthetic(n: int = 40, seed: int = 0) -> tuple[list[dict[str, float]], np.ndarray, np.ndarray, list[str]]:
    """Feature dicts where 'lemma=conseil' signals governance, 'lemma=argent' business, 'morph=Mood=Cnd' hedged."""
    rng = np.random.default_rng(seed)
    X, frames, hedged = [], [], []
    for i in range(n):
        gov, bus, cnd = i % 2, (i // 2) % 2, (i // 4) % 2
        x = {"lemma=le": 1.0, f"lemma=w{rng.integers(5)}": 1.0, "v0": float(rng.normal()), "v1": float(rng.normal())}
        if gov:
            x["lemma=conseil"] = 1.0
        if bus:
            x["lemma=argent"] = 1.0
        if cnd:
            x["morph=Mood=Cnd"] = 1.0
        X.append(x)
        frames.append([gov, 0, bus, i % 5 == 0])
        hedged.append(cnd)
    return X, np.array(frames, dtype=int), np.array(hedged), [f"art{i // 4}" for i in range(n)]


def test_estimators_follow_sklearn_conventions():
    X, Y, h, groups = synthetic()
    model = FrameClassifier(C=0.5, random_state=3)
    assert model.get_params()["C"] == 0.5 and not hasattr(model, "vectorizer_")
    twin = clone(model)
    assert twin.get_params() == model.get_params()
    model.fit(X, Y)
    assert model.predict_proba(X).shape == (len(X), len(FRAMES))
    assert set(np.unique(model.predict(X))) <= {0, 1}
    assert isinstance(model.estimators_[1], float)  # safety never seen: a constant
    pipe = Pipeline([("clf", HedgeClassifier())]).fit(X, h)
    assert pipe.predict_proba(X).shape == (len(X), 2)
    search = GridSearchCV(HedgeClassifier(), {"C": [0.1, 1.0]}, cv=GroupKFold(n_splits=3)).fit(X, h, groups=groups)
    assert search.best_params_["C"] in (0.1, 1.0)
    assert (search.predict(X) == h).mean() > 0.9


def test_feature_groups_are_a_parameter():
    X, Y, h, groups = synthetic()
    assert [feature_group(k) for k in ("lemma=le", "v0", "hit=drama", "hedge=conditional", "morph=Mood=Cnd")] == \
        ["lemma", "vector", "lexicon", "lexicon", "morph"]
    lemmas = FrameClassifier(groups=("lemma",)).fit(X, Y)
    assert all(name.startswith("lemma=") for name in lemmas.vectorizer_.feature_names_)
    search = GridSearchCV(FrameClassifier(), {"groups": [("morph",), ("lemma", "vector")]}, cv=GroupKFold(n_splits=3))
    assert search.fit(X, Y, groups=groups).best_params_["groups"] == ("lemma", "vector")  # frames are in the lemmas


def test_training_is_deterministic(tmp_path):
    X, Y, h, groups = synthetic()
    labels = [{**{f: int(Y[i, k]) for k, f in enumerate(FRAMES)}, "hedged": int(h[i])} for i in range(len(X))]
    examples = Examples(X, labels, groups, [{"path": "s", "sha256": "0"}])
    first, results = train(examples, random_state=7)
    second, again = train(examples, random_state=7)
    for key in ("frames", "hedged"):
        for a, b in zip(first[key].estimators_, second[key].estimators_):
            if not isinstance(a, float):
                assert np.array_equal(a.coef_, b.coef_)
        assert np.array_equal(first[key].predict_proba(X), second[key].predict_proba(X))
    assert results == again
    files = [save_model(models, tmp_path / str(i), model_card(examples, results, 7, "fr_test-0"))
             for i, models in enumerate((first, second))]
    assert files[0].read_bytes() == files[1].read_bytes()  # skops object ids renumbered, fixed zip times
    cv = results["cross_validation"]
    assert cv["hedged"]["folds"] == 5 and cv["hedged"]["grouped_by"] == "article"
    assert cv["hedged"]["metrics"]["hedged"]["f1"] > 0.9
    assert results["label_counts"]["frames"]["governance"] == 20


def test_uncoded_labels_are_left_out():
    X, Y, h, groups = synthetic(20)
    labels = [{**{f: None for f in FRAMES}, "hedged": int(h[i])} for i in range(len(X))]
    models, results = train(Examples(X, labels, groups, []), random_state=0)
    assert set(models) == {"hedged"} and set(results["label_counts"]) == {"hedged"}


def test_sentence_features_from_the_parse(analyse_text, nlp):
    text = "Le conseil d'administration aurait limogé le PDG. Microsoft a investi des milliards."
    result = analyse_text(text)
    doc = nlp(text)
    first = sentence_features(doc, 0, 48, result.spans)
    assert first["morph=Mood=Cnd"] >= 1
    assert first["ending=ait"] >= 1
    assert first["hit=governance"] >= 1 and first["hedge=conditional"] == 1
    assert "lemma=conseil" in first and "bigram=le_conseil" in first
    assert sum(1 for k in first if k.startswith("v") and k[1:].isdigit()) == doc.vocab.vectors_length
    second = sentence_features(doc, 49, len(text), result.spans)
    assert "morph=Mood=Cnd" not in second and second.get("hit=business", 0) >= 1


def test_skops_round_trip_and_untrusted_types(tmp_path):
    X, Y, h, _ = synthetic()
    labels = [{**{f: int(Y[i, k]) for k, f in enumerate(FRAMES)}, "hedged": int(h[i])} for i in range(len(X))]
    examples = Examples(X, labels, [str(i) for i in range(len(X))], [{"path": "s.csv", "sha256": "0" * 64}])
    models, results = train(examples, random_state=0)
    path = save_model(models, tmp_path / "m", model_card(examples, results, 0, "fr_test-0"))
    loaded = load_model(path)
    assert np.array_equal(loaded["frames"].predict_proba(X), models["frames"].predict_proba(X))
    card = json.loads((tmp_path / "m" / "model-card.json").read_text())
    assert card["model_sha256"] and card["model_file"] == "framing.skops" and card["random_state"] == 0
    assert card["label_counts"]["hedged"]["hedged"] == int(h.sum()) and card["scikit_learn"]
    assert "GroupKFold" in (tmp_path / "m" / "model-card.md").read_text()
    import skops.io as sio

    sio.dump({"frames": Untrusted()}, tmp_path / "bad.skops")
    with pytest.raises(FramingError, match="untrusted types"):
        load_model(tmp_path / "bad.skops")
    with pytest.raises(FramingError, match="framing train"):
        load_model(tmp_path / "missing.skops")
    (tmp_path / "text.skops").write_text("not a model", encoding="utf-8")
    with pytest.raises(FramingError, match="text.skops: not a skops model file"):
        load_model(tmp_path / "text.skops")


class Untrusted:
    """A type no model file may contain."""


@pytest.fixture(scope="module")
def small_model(tmp_path_factory, resources):
    """A model trained on a tiny hand-coded CSV, through the CSV reader."""
    folder = tmp_path_factory.mktemp("csvmodel")
    rows = [("Le conseil d'administration aurait limogé le PDG.", 1, 0, 0, 1, 1),
            ("Le conseil a nommé une directrice par intérim.", 1, 0, 0, 0, 0),
            ("Microsoft a investi des milliards de dollars.", 0, 0, 1, 0, 0),
            ("La valorisation pourrait atteindre 80 milliards.", 0, 0, 1, 0, 1),
            ("Les risques de l'IA inquiètent les chercheurs.", 0, 1, 0, 0, 0),
            ("Selon des sources, la sécurité aurait été négligée.", 0, 1, 0, 0, 1),
            ("Quel chaos, quel rebondissement incroyable !", 0, 0, 0, 1, 0),
            ("Le drame aurait bouleversé les salariés.", 0, 0, 0, 1, 1)]
    csv = folder / "coded.csv"
    lines = ["article,text,governance,safety,business,drama,hedged"]
    lines += [f'r{i // 2},"{t}",{g},{s},{b},{d},{h}' for i, (t, g, s, b, d, h) in enumerate(rows)]
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    examples = examples_from_csv(csv, resources)
    assert len(set(examples.groups)) == 4
    models, results = train(examples, random_state=0)
    return save_model(models, folder / "model", model_card(examples, results, 0, resources.model)), models


def test_csv_errors_name_the_fix(tmp_path, resources):
    bad = tmp_path / "bad.csv"
    bad.write_text("text,governance\nLe conseil.,1\n", encoding="utf-8")
    with pytest.raises(FramingError, match="all four frame columns"):
        examples_from_csv(bad, resources)
    bad.write_text("text,hedged\nLe conseil.,oui\n", encoding="utf-8")
    with pytest.raises(FramingError, match="use 0, 1"):
        examples_from_csv(bad, resources)


def test_score_hook_ml_and_combined(resources, small_model):
    from framing.pipeline import analyse, prepare
    from framing.types import Article

    _, models = small_model
    text = "Le conseil aurait limogé le PDG.\nMicrosoft a investi des milliards.\nQuel chaos !"
    article = Article("t", text)
    prepared = prepare(article, resources)
    doc = resources.nlp(prepared.parse_text)
    lexicon = analyse(prepared, doc, resources)
    for method in ("ml", "combined"):
        result = analyse(prepared, doc, replace(resources, method=method, classifier=models))
        assert [s["start"] for s in result.sentences] == [s["start"] for s in lexicon.sentences]
        assert all(s[f] in (0, 1) for s in result.sentences for f in FRAMES)
        counts = {f: sum(s[f] for s in result.sentences) for f in FRAMES}
        assert all(result.row[f"has_{f}"] == (counts[f] >= 2) for f in FRAMES)
        assert result.row["n_hedged_sentences"] == sum(s["hedged"] for s in result.sentences)
        assert result.spans == lexicon.spans
    combined = analyse(prepared, doc, replace(resources, method="combined", classifier=models))
    assert all(c["hedged"] >= lx["hedged"] for c, lx in zip(combined.sentences, lexicon.sentences))


def test_annotate_exports_the_most_uncertain(tmp_path, small_model):
    path, _ = small_model
    folder = tmp_path / "texts"
    folder.mkdir()
    (folder / "a.txt").write_text("Le conseil aurait limogé le PDG. Microsoft a investi.\nQuel chaos !\n", encoding="utf-8")
    rows = uncertain_sentences(folder, 2, path)
    assert len(rows) == 2
    assert list(rows[0]) == ["article", "start", "end", "text", "uncertainty", *FRAMES, "hedged"]
    assert rows[0]["uncertainty"] >= rows[1]["uncertainty"]
    text = (folder / "a.txt").read_text(encoding="utf-8")
    assert all(text[r["start"]:r["end"]] == r["text"] and r["hedged"] == "" for r in rows)
