"""Layer 5, the views: one dataset config per task, each one ``Features`` declaration plus a row builder, and
the corpus statistics (:mod:`~khabar.views.stats`). May import: ``checks``, ``scoring``, ``io``, ``schema``,
``core``.

``CONFIGS`` is the one table of configs, in card order; ``documents`` is the default.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator

from datasets import Features

from khabar.schema.features import document_features
from khabar.schema.model import Document
from khabar.views import attributions, coref, documents, ner, relations

Rows = Callable[[Document], Iterator[dict[str, Any]]]


@dataclass(frozen=True, slots=True)
class Config:
    name: str
    description: str
    features: Callable[[], Features]
    rows: Rows


CONFIGS: tuple[Config, ...] = (
    Config("documents", "One row per document: text, tokens, sentences and every annotation layer.", document_features, documents.rows),
    Config("ner", "One row per sentence: tokens and BIO tags over the 18 OntoNotes labels.", ner.features, ner.rows),
    Config("coref", "One row per document: sentences of tokens and coreference clusters as inclusive token ranges.", coref.features, coref.rows),
    Config("relations", "One row per relation, with the entities' names and types and the evidence sentences.", relations.features, relations.rows),
    Config("attributions", "One row per attribution: cue, source and content fragments, source entity and parent.", attributions.features, attributions.rows),
)


def config(name: str) -> Config:
    return next(c for c in CONFIGS if c.name == name)


def view_rows(name: str, docs: Iterable[Document]) -> Iterator[dict[str, Any]]:
    rows = config(name).rows
    for doc in docs:
        yield from rows(doc)
