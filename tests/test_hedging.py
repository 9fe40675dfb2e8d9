"""Hedge cues and the rules that keep hypotheticals, reported future and quotations out."""

from __future__ import annotations

import pytest

from framing.hedging import is_conditional


def hedges(result):
    return [(s.text, s.get("category"), s.get("in_quote")) for s in result.spans if s.layer == "hedge"]


@pytest.mark.parametrize("sentence, cue, category", [
    ("Il semble que le conseil souhaite son retour.", "Il semble que", "epistemic"),
    ("La réponse laisse entendre qu'Altman prépare autre chose.", "laisse entendre", "epistemic"),
    ("Il est difficile de dire quel sera l'impact du licenciement.", "Il est difficile de dire", "epistemic"),
    ("Il reviendra peut-être à la tête de l'entreprise.", "peut-être", "modal_adverb"),
    ("Un soutien potentiellement décisif pour la suite.", "potentiellement", "modal_adverb"),
    ("Altman pourrait déjà préparer un nouveau projet.", "pourrait", "modal_verb"),
    ("De nombreux employés devraient présenter leur démission.", "devraient", "modal_verb"),
    ("Le PDG de Microsoft aurait été furieux de la situation.", "aurait été furieux", "conditional"),
    ("Des rumeurs disent que M. Altman serait réintégré.", "serait réintégré", "conditional"),
    ("Le désaccord tournerait autour de la sécurité.", "tournerait", "conditional"),
    ("Selon des sources internes, le conseil hésite.", "Selon", "reportative"),
    ("D'après un rapport de Wired, le conseil hésite.", "D'après", "reportative"),
])
def test_authorial_hedges(analyse_text, sentence, cue, category):
    found = hedges(analyse_text(sentence))
    assert (cue, category, False) in found
    assert analyse_text(sentence).row["hedged_sentence_share"] == 1.0


@pytest.mark.parametrize("sentence", [
    "Il reviendrait si l'entreprise cherchait à le ramener.",  # hypothetical with si
    "Greg Brockman a annoncé qu'il se retirerait.",  # future in the past of reported speech
    "Altman a écrit qu'il regretterait cette décision.",
    "Le magnat de la technologie doit remercier son personnel.",  # deontic present, not a hedge
    "Il déclarait alors que la société allait bien.",  # imperfect, not conditional
    "Je voudrais dire merci à toute l'équipe.",  # conditional of politeness
])
def test_not_hedges(analyse_text, sentence):
    assert hedges(analyse_text(sentence)) == []


def test_cues_inside_quotations_are_the_sources_not_the_authors(analyse_text):
    result = analyse_text("« Il se pourrait que nous démissionnions », préviennent-ils.")
    found = hedges(result)
    assert found and all(in_quote for _, _, in_quote in found)
    assert result.row["hedged_sentence_share"] == 0.0
    assert result.row["hedges_per_1k"] == 0.0


@pytest.mark.parametrize("sentence, word", [
    ("Il reviendrait bientôt chez OpenAI.", "reviendrait"),
    ("Elle regretterait sa décision.", "regretterait"),
    ("Les salariés envisageraient de partir.", "envisageraient"),
    ("Microsoft enverrait des renforts.", "enverrait"),
    ("Ils prendraient la direction.", "prendraient"),
])
def test_conditional_found_without_the_taggers_mood(nlp, sentence, word):
    token = next(t for t in nlp(sentence) if t.text == word)
    assert is_conditional(token)


@pytest.mark.parametrize("sentence, word", [
    ("Il déclarait que tout allait bien.", "déclarait"),
    ("Il courait vite.", "courait"),
    ("Elle espérait un retour.", "espérait"),
    ("Il installerait pas.", "installerait"),
])
def test_imperfects_are_not_conditionals_but_installerait_is(nlp, sentence, word):
    token = next(t for t in nlp(sentence) if t.text == word)
    assert is_conditional(token) == (word == "installerait")
