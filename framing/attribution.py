"""Attribution: according-to markers, reporting verbs, quotation speakers, and source typing."""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache

from spacy.tokens import Doc, Span as DocSpan, Token

from framing.lexicon import LexiconMatcher
from framing.text import Region
from framing.tokens import doc_tokens
from framing.types import Article, Span, make_span

_STOP_PUNCT = {",", ":", ";", "(", ")", "«", "»", "“", "”", '"', "—", "–", "[", "]", "!", "?", "."}
_PERSONAL = {"il": "Sing", "elle": "Sing", "ils": "Plur", "elles": "Plur"}
_RELATIVE = {"qui", "lequel", "laquelle", "lesquels", "lesquelles", "dont"}
_AUTHOR = {"je", "j'", "nous", "on"}
_QUOTE_GAP = 30  # characters between an attribution and a quotation it introduces or closes


@dataclass
class SourceLexicons:
    """The sources lexicon compiled once, and the reporting-verb lemmas."""

    sources: LexiconMatcher
    according_to: LexiconMatcher
    reporting_verbs: frozenset[str]
    cognition_verbs: frozenset[str]


@dataclass(frozen=True)
class Found:
    start: int
    end: int
    source: DocSpan
    form: str
    cue: str
    sentence: int


def attribution_spans(article: Article, doc: Doc, lex: SourceLexicons, quotes: list[Region]) -> list[Span]:
    """Attribution spans and quote spans, each quote with its speaker when one is found."""
    found = _according_to(doc, lex, quotes) + _reporting_verbs(doc, lex, quotes) + _incises(doc, lex, quotes)
    found = _dedupe([f for f in found if _typed(doc, f, lex)])
    speakers: dict[Region, Found] = {}
    for quote in quotes:
        owner = _speaker(doc, quote, found)
        if owner is not None:
            speakers[quote] = owner
    quoted = {id(f) for f in speakers.values()}
    spans = []
    for item in found:
        form = "direct_quote" if id(item) in quoted else item.form
        source_text, source_type, antecedent = _describe(doc, item.source, lex)
        extra = {"antecedent": antecedent} if antecedent else {}
        spans.append(make_span(article, "attribution", form, item.start, item.end, source=source_text,
                               source_type=source_type, form=form, source_start=item.source.start_char,
                               source_end=item.source.end_char, cue=item.cue, **extra))
    for quote in quotes:
        owner = speakers.get(quote)
        source, source_type = (None, None)
        if owner is not None:
            source, source_type, _ = _describe(doc, owner.source, lex)
        spans.append(make_span(article, "quote", "direct_quote", quote.start, quote.end,
                               source=source, source_type=source_type))
    return spans


def _according_to(doc: Doc, lex: SourceLexicons, quotes: list[Region]) -> list[Found]:
    found = []
    for match in lex.according_to(doc):
        if _in_quote(doc[match.start], quotes):
            continue
        cue_last = doc[match.end - 1]
        head = cue_last.head if cue_last.head.i >= match.end else None
        if head is not None and head.lower_ in _RELATIVE:
            head = _relative_antecedent(head)
            source = _phrase(head) if head is not None else None
        elif head is not None and head.pos_ in ("NOUN", "PROPN", "PRON", "NUM", "X"):
            source = _phrase(head, start_after=match.end - 1)
        else:
            source = _following(doc, match.end)
        if source is None or len(source) == 0:
            continue
        start = doc[match.start].idx
        end = max(source.end_char, cue_last.idx + len(cue_last.text)) if source.start >= match.start else cue_last.idx + len(cue_last.text)
        found.append(Found(start, end, source, "according_to", match.entry, doc[match.start].sent.start))
    return found


def _reporting_verbs(doc: Doc, lex: SourceLexicons, quotes: list[Region]) -> list[Found]:
    found = []
    verbs = lex.reporting_verbs | lex.cognition_verbs
    participles = _participles(lex.reporting_verbs)
    words = doc_tokens(doc)
    for i, pos in enumerate(words.pos):  # candidates from the token lists: a Token object only for them
        lemma = words.lemma[i].lower()
        if pos not in ("VERB", "AUX") or not (lemma in verbs or words.lower[i] in participles):
            continue
        verb = doc[i]
        forms = set(verb.morph.get("VerbForm"))
        if "Inf" in forms or "Ger" in forms or ("Part" in forms and "Pres" in verb.morph.get("Tense")):
            continue
        subject = _subject(verb)
        if subject is None or subject.lower_.lstrip("-") in _AUTHOR or _in_quote(verb, quotes):
            continue
        comme = _comme(verb)
        inverted = subject.i > min([verb.i] + [c.i for c in verb.children if c.dep_.startswith("aux")])  # 'a-t-il déclaré'
        if not (_reports_content(verb, lemma in lex.cognition_verbs) or inverted or comme is not None
                or _near_quote(verb, quotes) or _colon_quote(verb, quotes)):
            continue
        if subject.lower_ in _RELATIVE:
            antecedent = _relative_antecedent(subject)
            source = _phrase(antecedent) if antecedent is not None else doc[subject.i:subject.i + 1]
            left = subject.i
        else:
            source = _phrase(subject)
            left = source.start
        tokens = [verb] + [c for c in verb.children if c.dep_.startswith("aux") and c.i < verb.i]
        start_tok = min([left, comme.i if comme is not None else verb.i] + [t.i for t in tokens])
        end_tok = max(verb.i, source.end - 1 if inverted else verb.i)
        form = "according_to" if comme is not None else "reporting_verb"
        found.append(Found(doc[start_tok].idx, doc[end_tok].idx + len(doc[end_tok].text), source, form,
                           lemma, verb.sent.start))
    return found


def _is_reporting(token: Token, lex: SourceLexicons) -> bool:
    """By lemma, or by the participle of an -er verb when the tagger missed it ('tweeté' as PROPN)."""
    return token.lemma_.lower() in lex.reporting_verbs or token.lower_ in _participles(lex.reporting_verbs)


@lru_cache(maxsize=8)
def _participles(verbs: frozenset[str]) -> frozenset[str]:
    """The -é, -ent and -e forms of the -er verbs among `verbs`."""
    return frozenset(v[:-2] + ending for v in verbs if v.endswith("er") for ending in ("é", "ent", "e"))


def _incises(doc: Doc, lex: SourceLexicons, quotes: list[Region]) -> list[Found]:
    """The incise after a quotation, which the parser often misreads.

    '« ... » accusent les salariés', '« ... » regrettent par ailleurs les salariés d'OpenAI' and
    '« ... », Sutskever a tweeté' are found from the tokens that follow the closing mark.
    """
    found = []
    for quote in quotes:
        window = _after(doc, quote.end)
        if not window:
            continue
        first = window[0]
        if _is_reporting(first, lex):  # inverted subject
            rest = [t for t in window[1:] if t.pos_ not in ("ADV", "ADP") and t.lower_ not in ("par", "ailleurs", "encore", "ainsi")]
            head = next((t for t in rest if t.pos_ in ("NOUN", "PROPN")), None)
            if head is None and rest and rest[0].lower_.lstrip("-") in _PERSONAL:
                head = rest[0]
            if head is None:
                continue
            source = _phrase(head, start_after=first.i)
            end = source.end - 1
        else:  # subject first: 'Sutskever a tweeté', 'Altman a déclaré'
            verb = next((t for t in window[1:5] if _is_reporting(t, lex)), None)
            if verb is None or first.pos_ not in ("PROPN", "NOUN", "DET", "PRON") or first.lower_ in _AUTHOR:
                continue
            aux = [t for t in window[1:verb.i - first.i] if t.lower_ in ("a", "ont", "avait", "avaient", "aurait")]
            source_end = aux[0].i if aux else verb.i
            source = doc[first.i:source_end]
            end = verb.i
        if len(source) == 0:
            continue
        found.append(Found(first.idx, doc[end].idx + len(doc[end].text), source, "direct_quote",
                           first.lemma_.lower() if _is_reporting(first, lex) else "incise", first.sent.start))
    return found


def _after(doc: Doc, position: int, limit: int = 10) -> list[Token]:
    """The tokens just after a closing quotation mark, up to the end of the clause."""
    tokens = []
    for token in doc[bisect_left(doc_tokens(doc).idx, position):]:
        if token.is_space and "\n" in token.text or token.text in (".", ";", ":", "!", "?", "«", '"', "“") or len(tokens) >= limit:
            break
        if token.text == "," and not tokens or token.is_space:
            continue
        if token.text == ",":
            break
        tokens.append(token)
    return tokens


def _typed(doc: Doc, item: Found, lex: SourceLexicons) -> bool:
    """Drop reporting verbs whose subject is no source at all ('les montagnes russes ont révélé')."""
    if item.form == "according_to" and not item.cue.startswith("cit"):
        return True  # 'citant X' / 'qui cite X' credits a source only when X is one ('citant un manque de confiance' is not)
    root = item.source.root
    if root.lower_.lstrip("-") in {*_PERSONAL, "qui"}:
        return True
    return source_type(item.source, lex) != "other"


def _comme(verb: Token) -> Token | None:
    """'comme le rapporte Axios': 'comme' as marker of the reporting verb."""
    return next((c for c in verb.children if c.lower_ == "comme" and c.i < verb.i), None)


def _ents(doc: Doc) -> tuple[DocSpan, ...]:
    """The Doc's entities, built once per Doc (Doc.ents makes new Spans at each call)."""
    cached = doc.user_data.get("framing_ents")
    if cached is None:
        cached = doc.user_data["framing_ents"] = doc.ents
    return cached


def _subject(verb: Token) -> Token | None:
    """The subject, past the euphonic '-t' ('a-t-il déclaré'); a coordinated verb's is its head's
    ('a expulsé Altman et a déclaré'); after an incise comma, an inverted subject parsed as object
    ('..., a rapporté Bloomberg.')."""
    subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubj:pass", "expl:subj") and c.lower_ not in ("-t", "t")), None)
    if subject is None and verb.dep_ == "conj" and verb.head.pos_ in ("VERB", "AUX"):
        subject = next((c for c in verb.head.children if c.dep_ in ("nsubj", "nsubj:pass")), None)
    first = min([verb.i] + [c.i for c in verb.children if c.dep_.startswith("aux")])
    if subject is None and first > 0 and verb.doc[first - 1].text in (",", "»", '"', "”"):
        obj = next((c for c in verb.children if c.dep_ == "obj" and c.i > verb.i and c.pos_ in ("PROPN", "NOUN", "X")), None)
        after = verb.doc[obj.right_edge.i + 1] if obj is not None and obj.right_edge.i + 1 < len(verb.doc) else None
        if obj is not None and (after is None or after.is_punct):
            subject = obj
    return subject


def _reports_content(verb: Token, cognition: bool) -> bool:
    """A que-clause, a clausal complement, or (for speech verbs) a colon right after the verb."""
    for child in verb.children:
        if child.dep_ in ("ccomp", "parataxis") and child.i > verb.i:
            return True
        if child.i > verb.i and any(g.lower_ in ("que", "qu'") and g.dep_ == "mark" for g in child.children):
            return True
    if cognition:
        return False
    following = [t for t in verb.doc[verb.i + 1: verb.i + 6] if not t.is_space]
    if any(t.text == ":" for t in following[:4]):
        return True
    for token in verb.doc[verb.i + 1:min(verb.i + 12, verb.sent.end)]:  # 'a déclaré dans un tweet qu'...' misparsed
        if token.lower_ in ("que", "qu'"):
            return True
        if token.pos_ in ("VERB", "AUX") or token.is_punct or (token.dep_ == "obj" and token.head.i == verb.i):
            return False
    return False


def _in_quote(token: Token, quotes: list[Region]) -> bool:
    """Reporting inside a quotation is the quoted speaker's, not the author's."""
    return any(q.start < token.idx < q.end for q in quotes)


def _colon_quote(verb: Token, quotes: list[Region]) -> bool:
    """'Altman a publié sur X la réponse suivante : « ...': a colon after the verb opens a quotation."""
    text = doc_tokens(verb.doc).text_with_ws
    colon = text.find(":", verb.idx, verb.sent.end_char)
    return colon >= 0 and any(q.start > colon and not text[colon + 1:q.start].strip() for q in quotes)


def _near_quote(verb: Token, quotes: list[Region]) -> bool:
    sentence = verb.sent
    return any(sentence.start_char <= q.end and q.start <= sentence.end_char
               and (abs(q.end - verb.idx) <= _QUOTE_GAP or abs(q.start - (verb.idx + len(verb.text))) <= _QUOTE_GAP)
               for q in quotes)


def _relative_antecedent(pronoun: Token) -> Token | None:
    """The noun a relative clause modifies: 'le conseil, qui a affirmé' -> conseil.

    When the parse gives no relative clause, the noun just before the pronoun (past a comma).
    """
    node = pronoun
    while node.head.i != node.i:
        if node.dep_ in ("acl:relcl", "acl"):
            return node.head
        node = node.head
    for token in reversed(pronoun.doc[max(0, pronoun.i - 3):pronoun.i]):
        if token.pos_ in ("NOUN", "PROPN"):
            return token
        if token.text != ",":
            break
    return None


def _phrase(head: Token, start_after: int = -1) -> DocSpan:
    """The noun phrase of `head`: its subtree without relative clauses, cut at punctuation."""
    skip: set[int] = set()
    for child in head.children:
        if child.dep_ in ("acl:relcl", "acl", "parataxis", "ccomp") or child.text in _STOP_PUNCT and child.i < head.i:
            skip.update(t.i for t in child.subtree)
    indices = sorted(t.i for t in head.subtree if t.i not in skip and t.i > start_after)
    start = end = head.i
    for i in range(head.i - 1, indices[0] - 1 if indices else head.i, -1):
        if i not in indices or head.doc[i].text in _STOP_PUNCT or head.doc[i].is_space:
            break
        start = i
    for i in range(head.i + 1, (indices[-1] + 1) if indices else head.i + 1):
        if i not in indices or head.doc[i].text in _STOP_PUNCT or head.doc[i].is_space:
            break
        end = i
    while start < head.i and head.doc[start].dep_ in ("case", "mark", "cc"):
        start += 1
    for entity in _ents(head.doc):  # never cut a name: 'le New' -> 'le New York Times'
        if entity.start <= end < entity.end:
            end = entity.end - 1
    return head.doc[start:end + 1]


def _following(doc: Doc, start: int, limit: int = 8) -> DocSpan | None:
    """Fallback when the parse gives no head: the words after the cue up to punctuation."""
    end = start
    while end < len(doc) and end - start < limit and doc[end].text not in _STOP_PUNCT and not doc[end].is_space:
        end += 1
    return doc[start:end] if end > start else None


def _dedupe(found: list[Found]) -> list[Found]:
    """One attribution per source mention: 'comme le rapporte X' is found once, as according_to."""
    kept: dict[tuple[int, int], Found] = {}
    for item in sorted(found, key=lambda f: (f.start, -(f.end - f.start))):
        key = (item.source.start, item.source.end)
        if key not in kept:
            kept[key] = item
    return sorted(kept.values(), key=lambda f: (f.start, f.end))


def _speaker(doc: Doc, quote: Region, found: list[Found]) -> Found | None:
    """The attribution that introduces ('X a déclaré : «') or closes ('» accusent les salariés') a quote."""
    best, best_gap = None, _QUOTE_GAP + 1
    text = doc_tokens(doc).text_with_ws
    for item in found:
        if item.start >= quote.start and item.end <= quote.end:
            continue  # an attribution inside the quotation belongs to the quoted speaker
        if item.end <= quote.start:
            between = text[item.end:quote.start]
            gap = len(between.strip(" :,\u00a0\n"))
            if between.rstrip().endswith(":") and len(between) < 4 * _QUOTE_GAP:
                gap = 1  # 'X a déclaré, en substance, ceci : « ...'
            gap = gap if "\n" not in between else _QUOTE_GAP + 1
        elif item.start >= quote.end:
            gap = len(text[quote.end:item.start].strip(" ,.\u00a0"))
            gap = gap if "\n" not in text[quote.end:item.start] else _QUOTE_GAP + 1
        else:
            gap = 0 if quote.start <= item.start < quote.end or item.start <= quote.start < item.end else _QUOTE_GAP + 1
        if gap < best_gap:
            best, best_gap = item, gap
    return best if best_gap <= _QUOTE_GAP else None


def _describe(doc: Doc, source: DocSpan, lex: SourceLexicons) -> tuple[str, str, str]:
    """The source text, its type, and the antecedent text for a pronoun."""
    head = source.root
    if len(source) == 1 and head.lower_.lstrip("-") in _PERSONAL:
        antecedent = _antecedent(doc, head, lex)
        if antecedent is not None:
            return source.text, source_type(antecedent, lex), antecedent.text
        return source.text, "other", ""
    return source.text, source_type(source, lex), ""


def _antecedent(doc: Doc, pronoun: Token, lex: SourceLexicons) -> DocSpan | None:
    """The nearest earlier mention that agrees in number: a named entity, or a plural group noun."""
    number = _PERSONAL[pronoun.lower_.lstrip("-")]
    for token in reversed(doc[: pronoun.i]):
        if token.is_space or token.pos_ not in ("PROPN", "NOUN"):
            continue
        plural = "Plur" in token.morph.get("Number")
        if number == "Plur" and token.pos_ == "NOUN" and plural and source_type(doc[token.i:token.i + 1], lex) == "group":
            return _phrase(token)
        if number == "Sing" and token.ent_type_ in ("PER", "ORG") or number == "Sing" and _category_at(doc[token.i:token.i + 1], token, lex) == "media":
            entity = next((e for e in _ents(doc) if e.start <= token.i < e.end), None)
            return entity if entity is not None else doc[token.i:token.i + 1]
    return None


def _category_at(span: DocSpan, token: Token, lex: SourceLexicons) -> str | None:
    """The sources-lexicon category of the longest match covering `token` within `span`."""
    for match in lex.sources.within(span):
        if match.start <= token.i < match.end:
            return match.category
    return None


def source_type(source: DocSpan, lex: SourceLexicons) -> str:
    """person, organization, media, anonymous, group, document or other, from the phrase's head."""
    categories = {m.category for m in lex.sources.within(source)}
    head = source.root
    at_head = _category_at(source, head, lex)
    entity = next((e for e in _ents(source.doc) if e.start <= head.i < e.end), None)
    plural = "Plur" in head.morph.get("Number")
    if at_head in ("media", "media_nouns"):
        return "media"
    if at_head == "anonymous":
        return "media" if "media" in categories else "anonymous"
    if at_head == "document_nouns":
        if "media" in categories:
            return "media"
        return "anonymous" if plural and _indefinite(head) else "document"
    if at_head == "group_nouns" or at_head == "person_nouns" and plural:
        return "group"
    if at_head == "person_nouns":
        return "person"
    if at_head == "organization_nouns":
        return "organization"
    if entity is not None and entity.label_ == "PER":
        return "person"
    if entity is not None and entity.label_ == "ORG":
        return "organization"
    if "media" in categories:
        return "media"
    if head.pos_ in ("PROPN", "NOUN", "X") and head.text[:1].isupper():
        named = _names(source.doc).get(head.text)
        if named:
            return named
        return "person"  # a capitalised name in no lexicon, subject of a reporting verb: most often a person
    return "other"


def _names(doc: Doc) -> dict[str, str]:
    """Each word of a person or organisation name seen in the article, with its type: 'Altman' -> person."""
    cached = doc.user_data.get("framing_names")
    if cached is None:
        cached = {}
        for entity in _ents(doc):
            kind = {"PER": "person", "ORG": "organization"}.get(entity.label_)
            if kind:
                for token in entity:
                    if token.text[:1].isupper() and cached.get(token.text) != "person":
                        cached[token.text] = kind
        doc.user_data["framing_names"] = cached
    return cached


def _indefinite(noun: Token) -> bool:
    return any(c.dep_ == "det" and c.lower_ in ("des", "plusieurs", "certains", "certaines", "de", "d'", "quelques", "nombreux", "nombreuses")
               for c in noun.children)

