"""Hedge cues: lexicon phrases, epistemic modals and the journalistic conditional, quotation-aware."""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from framing.lexicon import LexiconMatcher
from framing.text import Region, inside
from framing.tokens import doc_tokens
from framing.types import Article, Span, make_span

_CONDITIONAL_ENDING = re.compile(r"^(.*r)(ais|ait|aient|ions|iez)$")
_IRREGULAR_STEMS = {"aller": "ir", "avoir": "aur", "être": "ser"}
_IRREGULAR_ENDINGS = {"faire": "fer", "envoyer": "enverr"}  # défaire, satisfaire, renvoyer


@dataclass
class HedgeRules:
    """Word lists for the rule-based categories, read from the hedge lexicon's `rules`."""

    modal_verbs: frozenset[str]
    not_hedge: frozenset[str]
    hypothetical_markers: frozenset[str]


def is_conditional(token: Token) -> bool:
    """A finite verb in the conditional, from its form and lemma, not from the tagger alone.

    The tagger marks Mood=Cnd only on frequent verbs; the form is future stem + -ais/-ait/-ions/
    -iez/-aient, and the stem must fit the lemma so that imperfects such as 'déclarait' or
    'courait' and presents such as 'extrait' are not taken for conditionals.
    """
    if token.pos_ not in ("VERB", "AUX"):
        return False
    match = _CONDITIONAL_ENDING.match(token.lower_)
    if not match:  # every conditional ends in -rais/-rait/-rions/-riez/-raient, whatever the tagger says ('font', 'put')
        return False
    if "Cnd" in token.morph.get("Mood"):
        return True
    if set(token.morph.get("VerbForm")) & {"Inf", "Part", "Ger"}:
        return False
    stem, lemma = match.group(1), token.lemma_.lower()
    if lemma in _IRREGULAR_STEMS:
        return stem == _IRREGULAR_STEMS[lemma]
    for base, irregular in _IRREGULAR_ENDINGS.items():
        if lemma.endswith(base):
            return stem == lemma[: len(lemma) - len(base)] + irregular
    if lemma.endswith("er"):
        return stem.endswith("er") and len(stem) >= len(lemma)
    if lemma.endswith("oir"):
        return len(stem) >= 3
    if lemma.endswith("ir"):
        return stem.endswith(("ir", "dr", "rr", "er"))
    if lemma.endswith("re"):
        return stem == lemma[:-1]
    return stem.endswith(("er", "ir", "dr", "rr", "vr"))  # unknown lemma: accept the usual stems


def _is_past(verb: Token) -> bool:
    """Passé composé, imperfect, plus-que-parfait or passé simple."""
    if "Past" in verb.morph.get("Tense") and "Part" in verb.morph.get("VerbForm"):
        return any(child.dep_.startswith("aux") for child in verb.children)
    return bool({"Imp", "Past"} & set(verb.morph.get("Tense")))


def _future_in_past(verb: Token) -> bool:
    """'il a annoncé qu'il se retirerait': a que-clause governed by a verb in a past tense."""
    clause = verb.head if verb.dep_.startswith("aux") else verb
    if clause.dep_ not in ("ccomp", "advcl", "xcomp") and not any(c.lower_ in ("que", "qu'") for c in clause.children):
        return False
    governor = clause.head
    return governor.i != clause.i and governor.pos_ in ("VERB", "AUX") and _is_past(governor)


def _hypothetical(verb: Token, markers: frozenset[str]) -> bool:
    return any(t.lower_ in markers and t.pos_ == "SCONJ" for t in verb.sent)


def _anaphoric(lowers: list[str], start: int, category: str) -> bool:
    """'ces rumeurs', 'cette spéculation': an epistemic noun that refers back presents no uncertain claim."""
    return category == "epistemic" and start > 0 and lowers[start - 1] in ("ces", "cette", "ce", "cet")


def _cue_end(token: Token) -> int:
    """An auxiliary's cue runs to the verb or adjective it supports: 'aurait été furieux'."""
    head = token.head
    if token.dep_.startswith("aux") and head.i > token.i and head.i - token.i <= 4:
        return head.idx + len(head.text)
    return token.idx + len(token.text)


def hedge_spans(article: Article, doc: Doc, matcher: LexiconMatcher, rules: HedgeRules,
                quotes: list[Region]) -> list[Span]:
    """Every hedge cue; those inside a direct quotation are kept with in_quote=True."""
    spans: list[Span] = []
    taken: set[int] = set()
    tokens = doc_tokens(doc)
    for match in matcher(doc):
        start, end = tokens.idx[match.start], tokens.end_char(match.end - 1)
        if _anaphoric(tokens.lower, match.start, match.category):
            continue
        spans.append(make_span(article, "hedge", match.entry, start, end, category=match.category,
                               in_quote=inside(start, quotes)))
        taken.update(range(match.start, match.end))
    # is_conditional's first two tests, on plain strings: few tokens are left to build as Token objects
    verbs = [i for i, pos in enumerate(tokens.pos) if pos in ("VERB", "AUX")]
    for i in verbs:
        if i in taken or not _CONDITIONAL_ENDING.match(tokens.lower[i]):
            continue
        token = doc[i]
        if not is_conditional(token):
            continue
        lemma = token.lemma_.lower()
        if lemma in rules.not_hedge or _hypothetical(token, rules.hypothetical_markers) or _future_in_past(token):
            continue
        if token.dep_.startswith("aux") and token.head.lemma_ == "devoir" and token.head.i > token.i:
            continue  # 'aurait dû': counterfactual obligation ('should have'), not a hedge
        category = "modal_verb" if lemma in rules.modal_verbs else "conditional"
        spans.append(make_span(article, "hedge", token.lower_, token.idx, _cue_end(token), category=category,
                               in_quote=inside(token.idx, quotes)))
    return spans
