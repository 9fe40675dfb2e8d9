"""A parsed Doc's token attributes as plain lists, read once per Doc for every layer."""

from __future__ import annotations

from dataclasses import dataclass

from spacy.attrs import IDX, IS_ALPHA, IS_PUNCT, IS_SPACE, IS_STOP, LEMMA, LOWER, ORTH, POS, SPACY
from spacy.parts_of_speech import NAMES as POS_NAMES
from spacy.tokens import Doc


@dataclass
class DocTokens:
    """A Doc's token attributes as plain lists, read once: indexing a list costs far less than the
    Token object that every doc[i] or `for token in doc` builds."""

    text: list[str]
    lower: list[str]
    lemma: list[str]  # Token.lemma_
    pos: list[str]  # Token.pos_
    idx: list[int]
    is_word: list[bool]  # neither punctuation nor space
    is_stop: list[bool]
    is_alpha: list[bool]
    text_with_ws: str  # Doc.text, which Doc.text would rebuild from a Token per token at each call

    def end_char(self, i: int) -> int:
        """The character offset just after token i."""
        return self.idx[i] + len(self.text[i])


def doc_tokens(doc: Doc) -> DocTokens:
    """The Doc's token attributes, computed once and cached on the Doc."""
    cached = doc.user_data.get("framing_tokens")
    if cached is None:
        array = doc.to_array([ORTH, LOWER, LEMMA, POS, IDX, IS_PUNCT, IS_SPACE, IS_STOP, IS_ALPHA, SPACY])
        orth, lower, lemma, pos, idx = array[:, :5].T.tolist()
        punct, space, stop, alpha, spacy_ = array[:, 5:].astype(bool).T
        strings = doc.vocab.strings
        names = {key: strings[key] for key in {*orth, *lower, *lemma}}
        text = [names[key] for key in orth]
        cached = doc.user_data["framing_tokens"] = DocTokens(
            text=text, lower=[names[key] for key in lower],
            lemma=[names[key] for key in lemma], pos=[POS_NAMES[key] for key in pos], idx=idx,
            is_word=(~(punct | space)).tolist(), is_stop=stop.tolist(), is_alpha=alpha.tolist(),
            text_with_ws="".join(word + " " if after else word for word, after in zip(text, spacy_.tolist())))
    return cached
