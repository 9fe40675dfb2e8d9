"""Attribution forms, sources and source types on French sentences."""

from __future__ import annotations

import pytest


def attributions(result):
    return [(s.get("source"), s.get("source_type"), s.get("form")) for s in result.spans if s.layer == "attribution"]


@pytest.mark.parametrize("sentence, source, source_type, form", [
    ("Selon des sources internes, le conseil hésite.", "des sources internes", "anonymous", "according_to"),
    ("Selon une source proche du dossier, le conseil hésite.", "une source proche du dossier", "anonymous", "according_to"),
    ("Selon plusieurs rapports, le licenciement était prévu.", "plusieurs rapports", "anonymous", "according_to"),
    ("Selon le New York Times, l'entreprise compte 700 employés.", "le New York Times", "media", "according_to"),
    ("Le PDG aurait été furieux, d'après un rapport de Wired.", "un rapport de Wired", "media", "according_to"),
    ("Ils ont été pris de court, comme le rapporte Axios.", "Axios", "media", "according_to"),
    ("Alex Heath de The Verge a écrit sur X que Altman avait posé un ultimatum.", "Alex Heath de The Verge", "person", "reporting_verb"),
    ("Microsoft a affirmé que ses relations avec OpenAI étaient stables.", "Microsoft", "organization", "reporting_verb"),
    ("Les salariés estiment que la direction a échoué.", "Les salariés", "group", "reporting_verb"),
    ("Selon un article de blog d'OpenAI, le conseil n'a plus confiance.", "un article de blog d'OpenAI", "document", "according_to"),
])
def test_sources_and_types(analyse_text, sentence, source, source_type, form):
    assert (source, source_type, form) in attributions(analyse_text(sentence))


def test_quotation_with_incise_is_a_direct_quote_with_its_speaker(analyse_text):
    result = analyse_text('"Votre attitude a sapé notre mission" accusent les salariés, dans la lettre.')
    assert ("les salariés", "group", "direct_quote") in attributions(result)
    quote = next(s for s in result.spans if s.layer == "quote")
    assert quote.get("source") == "les salariés"
    assert result.row["direct_quote_share"] == 1.0


def test_inverted_pronoun_subject_takes_the_type_of_its_antecedent(analyse_text):
    result = analyse_text("Les salariés d'OpenAI menacent de partir. « Nous pourrions démissionner » préviennent-ils.")
    found = [a for a in result.spans if a.layer == "attribution"]
    assert any(a.get("source") == "-ils" and a.get("source_type") == "group" for a in found)


def test_the_author_and_quoted_speakers_are_not_sources(analyse_text):
    assert attributions(analyse_text("Comme je l'ai souligné dans mes conférences, le modèle change.")) == []
    result = analyse_text("« Le conseil a déclaré que tout allait bien », écrit-elle.")
    assert all(source != "Le conseil" for source, _, _ in attributions(result))


def test_counts_and_shares(analyse_text):
    result = analyse_text("Selon des sources internes, le conseil hésite. Selon Axios, Microsoft a réagi.")
    row = result.row
    assert row["n_attributions"] == 2
    assert row["attr_anonymous"] == 1 and row["attr_media"] == 1
    assert row["anonymous_share"] == 0.5
