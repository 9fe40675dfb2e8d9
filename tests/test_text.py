"""Offset-preserving normalisation, excluded regions and quotation pairing."""

from __future__ import annotations

from framing.lexicon import load_boilerplate
from framing.text import excluded_regions, mask, normalise, quotations

RULES = load_boilerplate()


def labels(text: str) -> list[tuple[str, str]]:
    return [(r.label, text[r.start:r.end]) for r in excluded_regions(text, RULES)]


def test_normalise_keeps_length_and_maps_typography():
    text = "L’entreprise\u00a0a dit « non »\u202f!\x00\ud800"
    out = normalise(text)
    assert len(out) == len(text)
    assert out.startswith("L'entreprise a dit « non » !")
    assert "\x00" not in out and "\ud800" not in out


def test_mask_blanks_regions_but_keeps_newlines():
    text = "Menu\nLe texte.\n"
    regions = excluded_regions(text, RULES)
    masked = mask(text, regions)
    assert len(masked) == len(text)
    assert masked == "    \nLe texte.\n"


def test_site_chrome_teasers_markers_and_duplicates():
    text = (" date 2023-11 OpenAI a licencié son PDG vendredi dernier.\n"
            "Le titre de l'article est ici\n"
            "Le titre de l'article est ici\n"
            "Lire aussi  Un autre article sans rapport\n"
            "Leave a Reply\n"
            "Recent News\n")
    found = labels(text)
    assert ("marker", "date 2023-11") in found
    assert ("duplicate", "Le titre de l'article est ici") in found
    assert ("link", "Lire aussi  Un autre article sans rapport") in found
    assert ("chrome", "Leave a Reply") in found and ("chrome", "Recent News") in found
    # the first occurrence of the title and the article sentence are kept
    assert sum(1 for label, _ in found if label == "duplicate") == 1


def test_english_lines_are_excluded_but_french_with_names_is_not():
    text = ("Update on the OpenAI drama: Altman and the board had till 5 pm to reach a truce.\n"
            "le board licencie Sam Altman\n"
            "Le conseil d'administration d'OpenAI licencie Sam Altman et Greg Brockman.\n")
    found = labels(text)
    assert [label for label, _ in found] == ["non_french"]
    assert found[0][1].startswith("Update on the OpenAI drama")


def test_english_sentence_inside_a_french_line():
    text = "Le Wall Street Journal a mis fin à ces rumeurs. Sam Altman Not Returning as CEO of OpenAI; Emmett Shear to Be Interim CEO\n"
    found = labels(text)
    assert found and all(label == "non_french" for label, _ in found)
    assert "Le Wall Street Journal" not in "".join(t for _, t in found)


def test_quotations_pair_guillemets_curly_and_straight_quotes():
    text = 'Il a dit « bonjour » puis “au revoir” et "à bientôt".'
    quotes = [text[q.start:q.end] for q in quotations(text, [])]
    assert quotes == ["« bonjour »", "“au revoir”", '"à bientôt"']


def test_nested_guillemets_and_unclosed_quote_closes_at_line_end():
    text = "« Elle a parlé de « direction lucrative » hier. »\n“Une citation sans fin.\nLa suite."
    quotes = [text[q.start:q.end] for q in quotations(text, [])]
    assert quotes == ["« Elle a parlé de « direction lucrative » hier. »", "« direction lucrative »",
                      "“Une citation sans fin."]


def test_a_stray_straight_quote_opens_nothing():
    text = "l'annonce de 'GPT\" a été livré, puis \"Je regrette\", a-t-il dit."
    quotes = [text[q.start:q.end] for q in quotations(text, [])]
    assert quotes == ['"Je regrette"']
