"""The ``relations`` view: one row per relation."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from datasets import Features, List, Value

from khabar.schema.model import Document


def features() -> Features:
    entity = {"id": Value("string"), "name": Value("string"), "type": Value("string")}
    return Features(
        {
            "id": Value("string"),
            "document_id": Value("string"),
            "label": Value("string"),
            "head": entity,
            "tail": entity,
            "evidence": List(Value("int32")),
            "evidence_text": List(Value("string")),
        }
    )


def rows(doc: Document) -> Iterator[dict[str, Any]]:
    entities = {e.id: e for e in doc.entities}
    for r in doc.relations:
        head, tail = entities[r.head], entities[r.tail]
        yield {
            "id": f"{doc.id}-{r.id}",
            "document_id": doc.id,
            "label": r.label,
            "head": {"id": head.id, "name": head.name, "type": head.type},
            "tail": {"id": tail.id, "name": tail.name, "type": tail.type},
            "evidence": list(r.evidence),
            "evidence_text": [doc.text[doc.sentences[i].start : doc.sentences[i].end] for i in r.evidence],
        }
