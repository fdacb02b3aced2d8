"""The ``documents`` view: the model's rows, verified against the text."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import accumulate
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from khabar.checks.spans import iter_spans
from khabar.schema.model import Document, SchemaError, field_names
from khabar.schema.rows import to_row

if TYPE_CHECKING:
    import pyarrow as pa

#: The row's fields but the tokens, which :func:`table` puts into Arrow as columns.
_FIELDS = tuple(name for name in field_names(Document) if name != "tokens")


def verify(doc: Document) -> Document:
    """Hard failure (never a warning) when any span disagrees with the text."""
    for span in iter_spans(doc):
        if doc.text[span.start : span.end] != span.stated:
            raise SchemaError(
                "span-text",
                f"{doc.id}/{span.annotation}: {span.what} {span.start}-{span.end} states {span.stated!r}, text has {doc.text[span.start : span.end]!r}",
            )
    return doc


def rows(doc: Document) -> Iterator[dict[str, Any]]:
    yield to_row(verify(doc))


def table(docs: list[Document], schema: pa.Schema) -> tuple[pa.Table, list[tuple[str, list[str]]]]:
    """The ``documents`` rows of ``docs`` as one Arrow table of ``schema``, and, for each
    document whose row Arrow does not give back exactly as made, its id and the fields that changed.

    The rows are :func:`rows`' but for the tokens, a few hundred a document: those go
    into Arrow as three columns (starts, ends, words) and are compared back as three
    lists, not as a dict a token (``docs/performance.md``)."""
    at = schema.get_field_index("tokens")
    rest_schema = schema.remove(at)
    made = [_row_without_tokens(verify(doc)) for doc in docs]
    rest = pa.Table.from_pylist(made, schema=rest_schema)
    sizes = [len(doc.tokens) for doc in docs]
    offsets = [0, *accumulate(sizes)]
    starts, ends, words = [t.start for d in docs for t in d.tokens], [t.end for d in docs for t in d.tokens], [t.text for d in docs for t in d.tokens]
    kind = schema.field("tokens").type
    parts = [pa.array(values, type=f.type) for values, f in zip((starts, ends, words), kind.value_type, strict=True)]
    tokens = pa.ListArray.from_arrays(pa.array(offsets, type=pa.int32()), pa.StructArray.from_arrays(parts, fields=list(kind.value_type)), type=kind)
    columns = rest.columns[:at] + [pa.chunked_array([tokens], type=kind)] + rest.columns[at:]
    built = pa.Table.from_arrays(columns, schema=schema)
    return built, _changed(docs, made, rest, tokens, (starts, ends, words), offsets)


def _row_without_tokens(doc: Document) -> dict[str, Any]:
    return {name: to_row(getattr(doc, name)) for name in _FIELDS}


def _changed(
    docs: list[Document], made: list[dict[str, Any]], rest: pa.Table, tokens: pa.ListArray, lists: tuple[list[int], list[int], list[str]], offsets: list[int]
) -> list[tuple[str, list[str]]]:
    """The round trip: each document whose row (tokens apart) or tokens Arrow gives back otherwise."""
    back = rest.to_pylist()
    got = [part.to_pylist() for part in tokens.flatten().flatten()]
    tokens_back = tokens.offsets.to_pylist() == offsets and got == list(lists)
    out = []
    for i, (doc, row, again) in enumerate(zip(docs, made, back, strict=True)):
        fields = [k for k in row if row[k] != again.get(k)]
        lo, hi = offsets[i], offsets[i + 1]
        # v is one of the three lists; mypy joins list[int] and list[str] to object.
        if not tokens_back and any(g[lo:hi] != v[lo:hi] for g, v in zip(got, lists, strict=True)):  # type: ignore[index]
            fields.append("tokens")
        if fields:
            out.append((doc.id, fields))
    return out
