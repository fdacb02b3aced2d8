"""Tokens and sentences (``khabar.io.tokenize``) against spaCy's own token and sentence objects."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from khabar.io.corpus_files import read_corpus_file
from khabar.io.tokenize import pipeline, tokenize

ROOT = Path(__file__).resolve().parent.parent


def reference(text: str) -> tuple[list[tuple[int, int, str]], list[tuple[int, int]]]:
    """The same layer read the slow way: every non-space spaCy token; a sentence starts where
    the sentencizer starts one, at the first token after a line break, and at an opening quote
    glued to the word that starts a sentence; each trimmed to its non-space tokens."""
    doc = pipeline()(text)
    starts = [t.is_sent_start or (t.i > 0 and "\n" in text[doc[t.i - 1].idx : t.idx]) for t in doc]
    for t in doc[:-1]:
        nxt = doc[t.i + 1]
        if t.text in ('"', "\u201c") and starts[nxt.i] and not starts[t.i] and t.idx > 0 and text[t.idx - 1].isspace() and t.idx + len(t) == nxt.idx:
            starts[t.i], starts[nxt.i] = True, False
    tokens = [(t.idx, t.idx + len(t), t.text) for t in doc if not t.is_space]
    groups: list[list[tuple[int, int]]] = []
    for t in doc:
        if starts[t.i] or not groups:
            groups.append([])
        if not t.is_space:
            groups[-1].append((t.idx, t.idx + len(t)))
    return tokens, [(g[0][0], g[-1][1]) for g in groups if g]


def random_texts(n: int) -> list[str]:
    rng = random.Random(20261130)
    pieces = ["a", "Bb", " ", "  ", "\n", "\n\n", ".", "!", "?", "Mr.", "'s", '"', "--", "e.g.", "U.S.", ":", "1.5"]
    return [text for text in ("".join(rng.choice(pieces) for _ in range(rng.randint(0, 40))) for _ in range(n))]


CORPUS_TEXTS = [p for p in sorted(ROOT.rglob("corpus/*.txt")) if ".git" not in p.parts]


@pytest.mark.parametrize("source", ["random", "edge", "corpus"])
def test_tokenize_matches_spacy_tokens_and_sentences(source: str) -> None:
    if source == "random":
        texts = random_texts(300)
    elif source == "edge":
        texts = [
            "",
            " ",
            "\n\n",
            "a",
            "  Hello.  \n\n World!  ",
            "Hi. \n\n \n Bye.\n",
            "...",
            "\n\nA b.\n\n\n",
            "A headline\nMonday, May 4\nThe text.",
            'It was calm. "Had it happened later," he said.',
            '"Quoted." "Again."',
        ]
    else:
        texts = [cf.text for cf in (read_corpus_file(p, shown=p.name)[0] for p in CORPUS_TEXTS) if cf is not None]
        assert texts  # the repository's corpus and the fixtures' corpora
    for text in texts:
        tokens, sentences = tokenize(text)
        assert ([(t.start, t.end, t.text) for t in tokens], [(s.start, s.end) for s in sentences]) == reference(text), repr(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("At least 107 killed\nSaturday, September 12, 2015\nA storm hit.", ["At least 107 killed", "Saturday, September 12, 2015", "A storm hit."]),
        (
            'The mosque was uncrowded. "Had it happened later it would be worse," he said.',
            ["The mosque was uncrowded.", '"Had it happened later it would be worse," he said.'],
        ),
        ('He said "no." Then he left.', ['He said "no."', "Then he left."]),
    ],
)
def test_tokenize_sentences_end_at_line_breaks_and_quotes_open_theirs(text: str, expected: list[str]) -> None:
    _, sentences = tokenize(text)
    assert [text[s.start : s.end] for s in sentences] == expected
