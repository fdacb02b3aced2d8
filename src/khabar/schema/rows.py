"""The model as dataset rows (:func:`to_row`) and dataset rows back to the model (:func:`document_from_row`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import fields
from functools import cache
from sys import intern
from typing import Any

from khabar.schema.labels import ATTRIBUTION_ROLES
from khabar.schema.model import (
    Attribution,
    Document,
    Entity,
    Fragment,
    Mention,
    Relation,
    Sentence,
    Token,
    Value,
    field_names,
    shared_offsets,
)

_PLAIN_TYPES = frozenset({str, int, float, bool, type(None)})
_PLAIN_ANNOTATIONS = frozenset({"str", "int", "float", "bool", "str | None"})


@cache
def _row_fields(cls: type) -> tuple[str, ...] | None:
    return field_names(cls) if hasattr(cls, "__dataclass_fields__") else None


@cache
def _flat(cls: type) -> Callable[[Any], dict[str, Any]] | None:
    """For a dataclass whose fields are all declared plain (a token, a mention, a fragment):
    its row maker, a dict display compiled once (as ``dataclasses`` makes ``__init__``). None for the others."""
    names = _row_fields(cls)
    if names is None or any(f.type not in _PLAIN_ANNOTATIONS for f in fields(cls)):
        return None
    return eval("lambda obj: {" + ", ".join(f"{name!r}: obj.{name}" for name in names) + "}")  # noqa: S307 - field names only


def to_row(obj: Any) -> Any:
    """Turn a model object (or a tuple of them) into plain dicts and lists."""
    # Plain values are returned as they are without a call per value, field names are looked up
    # once per class, and a tuple of flat objects (a document's few thousand tokens) becomes
    # rows without a Python call per object.
    if isinstance(obj, tuple):
        first: type | None = type(obj[0]) if obj else None
        flat = _flat(first) if first is not None and first not in _PLAIN_TYPES else None
        if flat is not None:
            return [flat(item) if type(item) is first else to_row(item) for item in obj]
        return [item if type(item) in _PLAIN_TYPES else to_row(item) for item in obj]
    names = _row_fields(type(obj))  # type: ignore[arg-type]  # a class is Hashable; mypy does not see it for type[Any]
    if names is None:
        return obj
    row = {}
    for name in names:
        value = getattr(obj, name)
        row[name] = value if type(value) in _PLAIN_TYPES else to_row(value)
    return row


def _fragments(items: Any) -> tuple[Fragment, ...]:
    return tuple(Fragment(**f) for f in items)


def _attribution(row: Mapping[str, Any]) -> Attribution:
    roles = {role: _fragments(row[role]) for role in ATTRIBUTION_ROLES}
    return Attribution(id=row["id"], type=row["type"], source_entity=row["source_entity"], parent=row["parent"], **roles)


def _tokens(rows: Any, size: int) -> tuple[Token, ...]:
    """``Token(**t)`` for each row, with shared word strings and offsets (a corpus has millions)."""
    ints = shared_offsets(size)

    def token(t: Mapping[str, Any]) -> Token:
        start, end, text = t.get("start"), t.get("end"), t.get("text")
        if len(t) != 3 or type(start) is not int or type(end) is not int or type(text) is not str or not 0 <= start <= end <= size:
            return Token(**t)  # anything unusual: exactly as before
        return Token(ints[start], ints[end], intern(text))

    return tuple(token(t) for t in rows)


def document_from_row(row: Mapping[str, Any], *, tokens: tuple[Token, ...] | None = None) -> Document:
    """Rebuild a :class:`Document` from a ``documents`` row; ``ner`` is re-derived.

    ``tokens``, when given, are the row's tokens already made (read from Arrow
    columns by :func:`khabar.evaluate.gold.built_documents`); ``row`` needs no ``tokens`` then."""
    return Document(
        id=row["id"],
        title=row["title"],
        source=row["source"],
        url=row["url"],
        published=row["published"],
        language=row["language"],
        licence=row["licence"],
        attribution=row["attribution"],
        split=row["split"],
        provenance=row["provenance"],
        text=row["text"],
        sentences=tuple(Sentence(**s) for s in row["sentences"]),
        tokens=_tokens(row["tokens"], len(row["text"])) if tokens is None else tokens,
        entities=tuple(Entity(**{**e, "members": tuple(e["members"])}) for e in row["entities"]),
        mentions=tuple(Mention(**m) for m in row["mentions"]),
        values=tuple(Value(**v) for v in row["values"]),
        relations=tuple(Relation(**{**r, "evidence": tuple(r["evidence"])}) for r in row["relations"]),
        attributions=tuple(_attribution(a) for a in row["attributions"]),
    )
