"""Property-based tests: hostile text never crashes the scorer, and every span sits at its offsets."""

from __future__ import annotations

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from framing.pipeline import analyse, prepare
from framing.text import Region, Unscorable, mask, normalise, quotations
from framing.types import Article

HOSTILE = [
    "\ud800", "\udfff", "\x00", "\x07", "\x1b[31m", "\x7f", "\x85", "\u00a0", "\u202f", "\u2009", "\u200b", "\ufeff",
    "\u2028", "\u2029", "\r\n", "\r", "\n", "\n\n", "\t", "\x0c", "’", "‘", "ʼ", "`", "«", "»", "« ", " »", "“", "”", "„",
    '"', "'", "« « »", "» »", "“ « » ”", "Привет мир", "中文新闻报道", "مرحبا بالعالم", "😀", "e\u0301", "ﬁ", "İ", "ß",
    "<script>", "</script>", "<div>", "&nbsp;", "https://example.com/x", "Lire aussi : ", "Menu", "©", "1 000 €",
    "aujourd’hui", "l’", "d’", "qu’", "pourrait", "selon", "a déclaré", "aurait", "sans doute",
    "Le conseil d'administration", " a licencié le PDG", " vendredi. ", "Selon des sources, ", "« Nous démissionnerons »",
    ", a déclaré Sam Altman.", "The board said it would ", "les salariés menacent", " peut-être ", "?!", "…",
]
FRAGMENT = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=20),
                     st.sampled_from(["mot ", "« cite ", "pourrait "]).map(lambda w: w * 300))
HOSTILE_TEXT = st.lists(FRAGMENT, max_size=30).map("".join)
ANY_TEXT = st.one_of(HOSTILE_TEXT, st.text(max_size=300))
FRENCH = ("Le conseil d'administration d'OpenAI a licencié Sam Altman vendredi, selon plusieurs sources. "
          "« Nous pourrions démissionner », a déclaré une chercheuse. Les salariés menacent de partir chez Microsoft.\n"
          "L’entreprise n’a pas souhaité commenter ; le PDG aurait sans doute été surpris.\n")


@st.composite
def spiked_french(draw) -> str:
    """French news text with hostile fragments inserted at random places, so most of it gets scored."""
    text = FRENCH * draw(st.integers(1, 3))
    for _ in range(draw(st.integers(1, 8))):
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(FRAGMENT) + text[at:]
    return text


@settings(max_examples=200, deadline=None)
@given(ANY_TEXT)
def test_normalise_preserves_length_and_newlines(text):
    normal = normalise(text)
    assert len(normal) == len(text)
    assert all(n == "\n" for c, n in zip(text, normal) if c == "\n")
    assert not any("\ud800" <= c <= "\udfff" for c in normal)


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_mask_preserves_length_and_blanks_only_its_regions(data):
    text = data.draw(ANY_TEXT)
    bounds = st.integers(0, len(text))
    pairs = data.draw(st.lists(st.tuples(bounds, bounds), max_size=5))
    regions = [Region(min(a, b), max(a, b), "chrome") for a, b in pairs]
    masked = mask(text, regions)
    assert len(masked) == len(text)
    for i, (c, m) in enumerate(zip(text, masked)):
        covered = any(r.start <= i < r.end for r in regions)
        assert m == (c if not covered or c == "\n" else " ")


@settings(max_examples=200, deadline=None)
@given(ANY_TEXT)
def test_quotations_stay_within_the_text_and_their_line(text):
    for quote in quotations(text, []):
        assert 0 <= quote.start < quote.end <= len(text)
        assert "\n" not in text[quote.start:quote.end]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.one_of(spiked_french(), ANY_TEXT))
def test_the_whole_scorer_never_crashes_and_spans_match_their_offsets(resources, text):
    article = Article("h", text)
    try:
        prepared = prepare(article, resources)
    except Unscorable as err:  # no letters, not French, or only chrome: an errors.csv reason, not a crash
        assert str(err) and "\n" not in str(err)
        event("unscorable")
        return
    event("scored")
    assert len(prepared.parse_text) == len(text)
    result = analyse(prepared, resources.nlp(prepared.parse_text), resources)
    keys = []
    for span in result.spans:
        assert 0 <= span.start <= span.end <= len(text)
        assert span.text == text[span.start:span.end]
        for start, end in [(span.get("source_start"), span.get("source_end"))]:
            assert start is None or 0 <= start <= end <= len(text)
        keys.append((span.start, span.end, span.layer, span.label))
    assert keys == sorted(keys)
    for sentence in result.sentences:
        assert 0 <= sentence["start"] < sentence["end"] <= len(text)
    assert result.row["id"] == "h" and result.row["n_tokens"] >= 0
