"""Tokens and sentences (``khabar.tokenize``) against spaCy's own token and sentence objects."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from khabar.io.corpus_files import read_corpus_file
from khabar.tokenize import pipeline, tokenize

ROOT = Path(__file__).resolve().parent.parent


def reference(text: str) -> tuple[list[tuple[int, int, str]], list[tuple[int, int]]]:
    """The same layer read the slow way: every non-space spaCy token, and each sentence
    trimmed to its first and last non-space token (a sentence of spaces is none)."""
    doc = pipeline()(text)
    tokens = [(t.idx, t.idx + len(t), t.text) for t in doc if not t.is_space]
    sentences = []
    for sent in doc.sents:
        kept = [t for t in sent if not t.is_space]
        if kept:
            sentences.append((kept[0].idx, kept[-1].idx + len(kept[-1])))
    return tokens, sentences


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
        texts = ["", " ", "\n\n", "a", "  Hello.  \n\n World!  ", "Hi. \n\n \n Bye.\n", "...", "\n\nA b.\n\n\n"]
    else:
        texts = [cf.text for cf in (read_corpus_file(p, shown=p.name)[0] for p in CORPUS_TEXTS) if cf is not None]
        assert texts  # the repository's corpus and the fixtures' corpora
    for text in texts:
        tokens, sentences = tokenize(text)
        assert ([(t.start, t.end, t.text) for t in tokens], [(s.start, s.end) for s in sentences]) == reference(text), repr(text)
