"""Lexicon files in every supported format, their validation, and matching over forms and lemmas."""

from __future__ import annotations

import pytest

from framing.lexicon import Lexicon, LexiconMatcher, check_frame_lexicon, load_lexicon
from framing.types import FramingError


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_framing_yaml_with_provenance_and_nested_keys(tmp_path):
    path = write(tmp_path, "f.yaml", "name: mine\nversion: '2'\nsource: hand-made\ncategories:\n"
                 "  governance:\n    board: [conseil d'administration]\n    law: [loi]\n  drama: [chaos]\n")
    lexicon = load_lexicon(path)
    assert lexicon.label == "mine@2"
    assert lexicon.categories == {"governance": ["conseil d'administration", "loi"], "drama": ["chaos"]}
    assert len(lexicon.sha256) == 64


def test_quanteda_yaml_liwc_and_lexicoder(tmp_path):
    quanteda = load_lexicon(write(tmp_path, "q.yml", "safety:\n  risk: [risque*, danger]\nbusiness: [marché]\n"))
    assert quanteda.categories == {"safety": ["risque*", "danger"], "business": ["marché"]}
    liwc = load_lexicon(write(tmp_path, "d.dic", "%\n1\tsafety\n2\tdrama\n%\nrisque*\t1\nchaos\t2\nmenace\t1 2\n"))
    assert liwc.categories == {"safety": ["risque*", "menace"], "drama": ["chaos", "menace"]}
    lc3 = load_lexicon(write(tmp_path, "l.lc3", "+governance\nconseil d'administration\nrégul*\n+drama\nchaos\n"))
    assert lc3.categories == {"governance": ["conseil d'administration", "régul*"], "drama": ["chaos"]}


@pytest.mark.parametrize("name, text, expected", [
    ("a.yaml", "name: x\nversion: 1\nsource: s\ncategories:\n  drama: [chaos\n", "line"),
    ("b.yaml", "name: x\nversion: 1\nsource: s\ncategories:\n  drama: [chaos, 3]\n", "entry 2"),
    ("c.yaml", "name: x\nversion: 1\ncategories:\n  drama: [chaos]\n", "key 'source'"),
    ("d.yaml", "drama: [chaos, chaos]\n", "duplicate entry"),
    ("e.dic", "%\n1\tdrama\n%\nchaos\t7\n", "category 7"),
    ("f.lc3", "chaos\n+drama\n", "before any '+category'"),
    ("g.yaml", "drama: ['<script>']\n", "characters"),
])
def test_malformed_lexicons_name_file_entry_and_problem(tmp_path, name, text, expected):
    path = write(tmp_path, name, text)
    with pytest.raises(FramingError) as err:
        load_lexicon(path)
    assert str(path) in str(err.value) and expected in str(err.value)


def test_unknown_frame_and_unsafe_yaml_are_refused(tmp_path):
    with pytest.raises(FramingError, match="unknown frame"):
        check_frame_lexicon(load_lexicon(write(tmp_path, "u.yaml", "economy: [marché]\n")))
    with pytest.raises(FramingError, match="malformed YAML"):
        load_lexicon(write(tmp_path, "p.yaml", "drama: !!python/object/apply:os.system ['echo hi']\n"))


def test_matching_on_forms_lemmas_elisions_globs_longest(nlp):
    lexicon = Lexicon("t", "1", "test", "t.yaml", {
        "governance": ["conseil d'administration", "régul*", "licencier"],
        "drama": ["conseil", "chaos"]})
    matcher = LexiconMatcher(lexicon, lambda text: [t.text for t in nlp.tokenizer(text)])
    doc = nlp("Les conseils d'administration ont licencié le PDG ; la régulation et le chaos.")
    found = [(doc[m.start:m.end].text, m.category, m.entry) for m in matcher(doc)]
    assert ("conseils d'administration", "governance", "conseil d'administration") in found  # plural via lemma
    assert ("licencié", "governance", "licencier") in found
    assert ("régulation", "governance", "régul*") in found
    assert ("chaos", "drama", "chaos") in found
    assert not any(category == "drama" and text.startswith("conseil") for text, category, _ in found)  # longest wins
