"""Tokens and sentences from spaCy with no downloaded model.

``spacy.blank("en")`` plus the rule-based sentencizer. Whitespace-only tokens
(the newlines between paragraphs) are dropped, and each sentence is trimmed to
its first and last non-space token, so every stored span is real text.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from khabar.schema.model import Sentence, Token, tokens_at

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
    import numpy as np
    from spacy.attrs import IDX, IS_SPACE, LENGTH, SENT_START

    # One array read instead of a spaCy Token object per token, and numpy rather than a loop per token.
    rows = pipeline()(text).to_array([IDX, LENGTH, IS_SPACE, SENT_START]).astype(np.int64)
    kept = rows[:, 2] == 0  # whitespace-only tokens are dropped
    starts = rows[kept, 0]
    if not len(starts):
        return (), ()
    ends = starts + rows[kept, 1]
    tokens = tokens_at(text, zip(starts.tolist(), ends.tolist()))
    # A sentence is the run of kept tokens between two sentence starts (a run of none is no sentence).
    sentence = np.cumsum(rows[:, 3] == 1)[kept]
    firsts = np.flatnonzero(np.diff(sentence, prepend=-1))
    lasts = np.append(firsts[1:] - 1, len(sentence) - 1)
    return tokens, tuple(Sentence(s, e) for s, e in zip(starts[firsts].tolist(), ends[lasts].tolist()))
