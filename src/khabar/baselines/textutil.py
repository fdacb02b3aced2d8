"""What every baseline needs from a text: tokens with sentence numbers, and fragments.

Tokens come from ``khabar.io.tokenize.pipeline()`` (spaCy's blank English
tokenizer plus the rule-based sentencizer), the pipeline the gold tokens and
sentences come from, so every span a baseline predicts lies on gold token
boundaries and its sentence numbers are the gold's evidence indices.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from khabar.io.tokenize import pipeline

QUOTES = frozenset({'"', "\u201c", "\u201d"})


@dataclass(frozen=True, slots=True)
class Tok:
    """A non-space token: its index among the non-space tokens, offsets, text and sentence."""

    i: int
    start: int
    end: int
    text: str
    sent: int
    sent_start: bool  # first non-space token of its sentence

    @property
    def lower(self) -> str:
        return self.text.lower()

    @property
    def capitalised(self) -> bool:
        return self.text[:1].isupper()


def analyse(text: str) -> tuple[list[Tok], list[tuple[int, int]]]:
    """Non-space tokens and the sentences as (first token index, last token index + 1).

    Sentences without a non-space token are skipped, exactly as
    ``khabar.io.tokenize.tokenize`` skips them, so sentence numbers agree with the gold's.
    """
    tokens: list[Tok] = []
    sentences: list[tuple[int, int]] = []
    for sent in pipeline()(text).sents:
        words = [t for t in sent if not t.is_space]
        if not words:
            continue
        first = len(tokens)
        for k, t in enumerate(words):
            tokens.append(Tok(len(tokens), t.idx, t.idx + len(t.text), t.text, len(sentences), k == 0))
        sentences.append((first, len(tokens)))
    return tokens, sentences


def fragment(text: str, start: int, end: int) -> dict[str, Any]:
    """A ``{start, end, text}`` fragment of ``text``."""
    return {"start": start, "end": end, "text": text[start:end]}


def span(text: str, tokens: list[Tok], first: int, last: int) -> dict[str, Any]:
    """The fragment covering tokens ``first .. last - 1``."""
    return fragment(text, tokens[first].start, tokens[last - 1].end)
