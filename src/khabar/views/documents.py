"""The ``documents`` view: the model's rows, verified against the text."""

from __future__ import annotations

from typing import Any, Iterator

from khabar.checks.spans import iter_spans
from khabar.schema.model import Document, SchemaError
from khabar.schema.rows import to_row


def verify(doc: Document) -> Document:
    """Hard failure (never a warning) when any span disagrees with the text."""
    for span in iter_spans(doc):
        if doc.text[span.start : span.end] != span.stated:
            raise SchemaError("span-text", f"{doc.id}/{span.annotation}: {span.what} {span.start}-{span.end} states {span.stated!r}, text has {doc.text[span.start:span.end]!r}")
    return doc


def rows(doc: Document) -> Iterator[dict[str, Any]]:
    yield to_row(verify(doc))
