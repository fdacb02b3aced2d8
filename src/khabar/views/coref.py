"""The ``coref`` view: one row per document, clusters as inclusive token ranges.

Singletons are included (the guidelines annotate them); drop clusters of length
one for OntoNotes-style evaluation.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from datasets import Features, List, Value

from khabar.schema.model import Document


def features() -> Features:
    return Features(
        {
            "id": Value("string"),
            "sentences": List(List(Value("string"))),
            "clusters": List(List(List(Value("int32")))),
            "cluster_entities": List(Value("string")),
            "cluster_types": List(Value("string")),
        }
    )


def rows(doc: Document) -> Iterator[dict[str, Any]]:
    sentences: list[list[str]] = []
    t = 0
    for sentence in doc.sentences:
        words = []
        while t < len(doc.tokens) and doc.tokens[t].end <= sentence.end:
            words.append(doc.tokens[t].text)
            t += 1
        sentences.append(words)
    first = {tok.start: i for i, tok in enumerate(doc.tokens)}  # token offsets are strictly increasing
    last = {tok.end: i for i, tok in enumerate(doc.tokens)}
    chains: dict[str, list[list[int]]] = {}
    for m in doc.mentions:
        chains.setdefault(m.entity, []).append([first[m.start], last[m.end]])
    clusters = []
    for entity in doc.entities:
        spans = sorted(chains.get(entity.id, []))
        if spans:
            clusters.append((spans, entity.id, entity.type))
    clusters.sort()
    yield {
        "id": doc.id,
        "sentences": sentences,
        "clusters": [c[0] for c in clusters],
        "cluster_entities": [c[1] for c in clusters],
        "cluster_types": [c[2] for c in clusters],
    }
