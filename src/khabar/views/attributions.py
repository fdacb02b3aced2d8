"""The ``attributions`` view: one row per attribution, fragments with their texts."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from datasets import Features, List, Value

from khabar.schema.features import dataclass_features
from khabar.schema.labels import ATTRIBUTION_ROLES
from khabar.schema.model import Document, Fragment
from khabar.schema.rows import to_row


def features() -> Features:
    fragments = List(dataclass_features(Fragment))
    return Features(
        {
            "id": Value("string"),
            "document_id": Value("string"),
            "type": Value("string"),
            **{role: fragments for role in ATTRIBUTION_ROLES},
            **{f"{role}_text": Value("string") for role in ATTRIBUTION_ROLES},
            "source_entity": Value("string"),
            "source_entity_name": Value("string"),
            "parent": Value("string"),
        }
    )


def rows(doc: Document) -> Iterator[dict[str, Any]]:
    names = {e.id: e.name for e in doc.entities}
    for a in doc.attributions:
        yield {
            "id": f"{doc.id}-{a.id}",
            "document_id": doc.id,
            "type": a.type,
            **{role: to_row(getattr(a, role)) for role in ATTRIBUTION_ROLES},
            # Discontinuous fragments are joined with " … " so a reader sees the gap.
            **{f"{role}_text": " … ".join(f.text for f in getattr(a, role)) for role in ATTRIBUTION_ROLES},
            "source_entity": a.source_entity,
            "source_entity_name": names.get(a.source_entity) if a.source_entity else None,
            "parent": f"{doc.id}-{a.parent}" if a.parent else None,
        }
