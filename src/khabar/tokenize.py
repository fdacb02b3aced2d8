"""Tokens and sentences from spaCy with no downloaded model.

``spacy.blank("en")`` plus the rule-based sentencizer. Whitespace-only tokens
(the newlines between paragraphs) are dropped, and each sentence is trimmed to
its first and last non-space token, so every stored span is real text.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from khabar.schema.model import Sentence, Token

if TYPE_CHECKING:
    from spacy.language import Language


@cache
def pipeline() -> Language:
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def tokenize(text: str) -> tuple[tuple[Token, ...], tuple[Sentence, ...]]:
    """The tokens and sentences of ``text``, as character offsets."""
    doc = pipeline()(text)
    tokens = tuple(Token(t.idx, t.idx + len(t.text), t.text) for t in doc if not t.is_space)
    sentences = []
    for sent in doc.sents:
        words = [t for t in sent if not t.is_space]
        if words:
            sentences.append(Sentence(words[0].idx, words[-1].idx + len(words[-1].text)))
    return tokens, tuple(sentences)
