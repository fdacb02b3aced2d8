"""Tokens and sentences from spaCy with no downloaded model.

``spacy.blank("en")`` plus the rule-based sentencizer, with two corrections
for news text stored one paragraph a line: a line break always ends a sentence
(a headline, a dateline or a caption is a sentence of its own, never glued to
the next line), and an opening quotation mark that the sentencizer leaves at the
end of a sentence (``uncrowded. "Had it``) starts the next one. Whitespace-only
tokens (the newlines between paragraphs) are dropped, and each sentence is
trimmed to its first and last non-space token, so every stored span is real text.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

import numpy as np

from khabar.schema.model import Sentence, Token, tokens_at

if TYPE_CHECKING:
    from spacy.language import Language


@cache
def pipeline() -> Language:
    """spaCy's blank English tokenizer and rule-based sentencizer (no model), made once a process."""
    import spacy  # 2.5 s to import (measured): paid where a text is tokenized, not by `khabar --help`

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def tokenize(text: str) -> tuple[tuple[Token, ...], tuple[Sentence, ...]]:
    """The tokens and sentences of ``text``, as character offsets."""
    # spaCy's attribute ids, imported here as spaCy is in pipeline(): `import spacy.attrs` imports spaCy, 1.0 s
    # on this machine (measured), which `khabar --help` and the commands that tokenize nothing do not pay.
    from spacy.attrs import IDX, IS_SPACE, LENGTH, SENT_START

    # One array read instead of a spaCy Token object per token, and numpy rather than a loop per token.
    rows = pipeline()(text).to_array([IDX, LENGTH, IS_SPACE, SENT_START]).astype(np.int64)
    kept = rows[:, 2] == 0  # whitespace-only tokens are dropped
    starts = rows[kept, 0]
    if not len(starts):
        return (), ()
    ends = starts + rows[kept, 1]
    tokens = tokens_at(text, zip(starts.tolist(), ends.tolist(), strict=True))
    # A sentence is the run of kept tokens between two sentence starts (a run of none is no sentence).
    sentence = np.cumsum(_sentence_starts(text, rows))[kept]
    firsts = np.flatnonzero(np.diff(sentence, prepend=-1))
    lasts = np.append(firsts[1:] - 1, len(sentence) - 1)
    return tokens, tuple(Sentence(s, e) for s, e in zip(starts[firsts].tolist(), ends[lasts].tolist(), strict=True))


#: Quotation marks that open a quote when written before a word.
OPENING_QUOTES = frozenset('"\u201c')


def _sentence_starts(text: str, rows: np.ndarray) -> np.ndarray:
    """Whether each token starts a sentence: the sentencizer's starts, plus the first
    token after a line break, with an opening quote moved to the sentence it opens."""
    starts = rows[:, 3] == 1
    idx, length = rows[:, 0], rows[:, 1]
    breaks = np.array([m.start() for m in re.finditer("\n", text)], dtype=np.int64)
    after = np.searchsorted(idx, breaks, side="right")  # the first token starting after each line break
    starts[after[after < len(rows)]] = True
    # Token i+1 starts a sentence; is token i an opening quote, glued to it, after a space, in the sentence before?
    # (Not the first token, which always starts one: so the quote has a character before it.)
    for i in np.flatnonzero(starts[1:]).tolist():
        j = i + 1
        if not starts[i] and text[idx[i] : idx[i] + length[i]] in OPENING_QUOTES and idx[i] + length[i] == idx[j] and text[idx[i] - 1].isspace():
            starts[i], starts[j] = True, False
    return starts
