"""Dataset rows back to the model (the inverse of :func:`khabar.schema.to_row`)."""

from __future__ import annotations

from sys import intern
from typing import Any, Mapping

from khabar.schema.model import (
    Attribution, Document, Entity, Fragment, Mention, Relation, Sentence, Token, Value, shared_offsets,
)
from khabar.schema.labels import ATTRIBUTION_ROLES


def _fragments(items: Any) -> tuple[Fragment, ...]:
    return tuple(Fragment(**f) for f in items)


def _attribution(row: Mapping[str, Any]) -> Attribution:
    roles = {role: _fragments(row[role]) for role in ATTRIBUTION_ROLES}
    return Attribution(
        id=row["id"], type=row["type"], source_entity=row["source_entity"], parent=row["parent"], **roles
    )


def _tokens(rows: Any, size: int) -> tuple[Token, ...]:
    """``Token(**t)`` for each row, with shared word strings and offsets (a corpus has millions)."""
    ints = shared_offsets(size)

    def token(t: Mapping[str, Any]) -> Token:
        start, end, text = t.get("start"), t.get("end"), t.get("text")
        if len(t) != 3 or type(start) is not int or type(end) is not int or type(text) is not str or not 0 <= start <= end <= size:
            return Token(**t)  # anything unusual: exactly as before
        return Token(ints[start], ints[end], intern(text))

    return tuple(token(t) for t in rows)


def document_from_row(row: Mapping[str, Any]) -> Document:
    """Rebuild a :class:`Document` from a ``documents`` row; ``ner`` is re-derived."""
    return Document(
        id=row["id"],
        title=row["title"],
        source=row["source"],
        url=row["url"],
        published=row["published"],
        language=row["language"],
        licence=row["licence"],
        text=row["text"],
        sentences=tuple(Sentence(**s) for s in row["sentences"]),
        tokens=_tokens(row["tokens"], len(row["text"])),
        entities=tuple(Entity(**{**e, "members": tuple(e["members"])}) for e in row["entities"]),
        mentions=tuple(Mention(**m) for m in row["mentions"]),
        values=tuple(Value(**v) for v in row["values"]),
        relations=tuple(Relation(**{**r, "evidence": tuple(r["evidence"])}) for r in row["relations"]),
        attributions=tuple(_attribution(a) for a in row["attributions"]),
    )
