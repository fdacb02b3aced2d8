"""Layer 2, the schema: labels, the frozen data model and its ``datasets.Features``, splits and licences.
May import: ``core``.
"""

from khabar.schema.model import (
    Attribution,
    Document,
    Entity,
    Fragment,
    Mention,
    NerSpan,
    Relation,
    SchemaError,
    Sentence,
    Token,
    Value,
)
from khabar.schema.rows import document_from_row, to_row

__all__ = [
    "Attribution",
    "Document",
    "Entity",
    "Fragment",
    "Mention",
    "NerSpan",
    "Relation",
    "SchemaError",
    "Sentence",
    "Token",
    "Value",
    "document_from_row",
    "to_row",
]
