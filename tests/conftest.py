"""Session-scoped fixtures: the spaCy pipeline and compiled lexicons are loaded once per test run."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
DEVCORPUS = ROOT.parent / "shared" / "devcorpus" / "articles.jsonl"


@pytest.fixture(scope="session")
def resources():
    from framing.pipeline import load_resources

    return load_resources()


@pytest.fixture(scope="session")
def nlp(resources):
    return resources.nlp


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    return CORPUS


@pytest.fixture(scope="session")
def devcorpus_path() -> Path:
    if not DEVCORPUS.exists():
        pytest.skip(f"devcorpus not found at {DEVCORPUS} (it lives outside the repository)")
    return DEVCORPUS


@pytest.fixture(scope="session")
def scored_corpus(tmp_path_factory):
    """`framing score corpus/` run once for the whole session."""
    from framing.pipeline import score_corpus

    out = tmp_path_factory.mktemp("scored")
    score_corpus(CORPUS, out)
    return out


@pytest.fixture
def analyse_text(resources):
    """Score one French text as an article; returns (ArticleResult, text)."""
    from framing.pipeline import analyse, prepare
    from framing.types import Article

    def run(text: str, article_id: str = "t"):
        prepared = prepare(Article(article_id, text), resources)
        doc = resources.nlp(prepared.parse_text)
        return analyse(prepared, doc, resources)

    return run
