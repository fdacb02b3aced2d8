"""The one table of dataset configs (:data:`CONFIGS`), in card order: each one ``Features`` declaration plus a
row builder."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
from datasets import Features

from khabar.core.findings import Finding, finding
from khabar.io.project import Source
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


def view_tables(docs: list[Document], sources: Mapping[str, Source]) -> tuple[dict[str, pa.Table], list[Finding]]:
    """Every config's rows of ``docs`` as Arrow, and a ``build-roundtrip`` finding
    per ``documents`` row that Arrow does not give back exactly as made."""
    out, broken = {}, []
    for cfg in CONFIGS:
        schema = cfg.features().arrow_schema  # it carries the HF features
        if cfg.name == "documents":
            out[cfg.name], changed = documents.table(docs, schema)
            for doc_id, fields in changed:
                broken.append(
                    finding(
                        "build-roundtrip",
                        f"the `documents` row of {doc_id} changes in Arrow (fields {', '.join(fields)}); a bug in the schema or the view, not in the annotations",
                        path=sources[doc_id].annotation_path,
                        line=1,
                        document=doc_id,
                    )
                )
        else:
            out[cfg.name] = pa.Table.from_pylist(list(view_rows(cfg.name, docs)), schema=schema)
    return out, broken
