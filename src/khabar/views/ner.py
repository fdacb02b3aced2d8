"""The ``ner`` view: one row per sentence, BIO tags over the 18 OntoNotes labels."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from datasets import ClassLabel, Features, List, Value

from khabar.schema.labels import BIO_TAGS
from khabar.schema.model import Document


def features() -> Features:
    return Features(
        {
            "id": Value("string"),
            "document_id": Value("string"),
            "sentence": Value("int32"),
            "tokens": List(Value("string")),
            "ner_tags": List(ClassLabel(names=list(BIO_TAGS))),
        }
    )


def bio_tags(doc: Document) -> list[str]:
    """One BIO tag per token of ``doc.tokens``, from the derived ``ner`` layer."""
    tags = ["O"] * len(doc.tokens)
    index = {t.start: i for i, t in enumerate(doc.tokens)}
    for span in doc.ner:
        i = index[span.start]
        tags[i] = f"B-{span.label}"
        i += 1
        while i < len(doc.tokens) and doc.tokens[i].end <= span.end:
            tags[i] = f"I-{span.label}"
            i += 1
    return tags


def rows(doc: Document) -> Iterator[dict[str, Any]]:
    tags = bio_tags(doc)
    ids = {tag: i for i, tag in enumerate(BIO_TAGS)}
    t = 0
    for number, sentence in enumerate(doc.sentences):
        first = t
        while t < len(doc.tokens) and doc.tokens[t].end <= sentence.end:
            t += 1
        yield {
            "id": f"{doc.id}-{number:04d}",
            "document_id": doc.id,
            "sentence": number,
            "tokens": [tok.text for tok in doc.tokens[first:t]],
            "ner_tags": [ids[tag] for tag in tags[first:t]],
        }
