"""Helpers shared by the exporters: token spans, first mentions, writing a folder safely."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from khabar.core.findings import KhabarError, finding
from khabar.io.atomic import replacing
from khabar.io.outputs import EXPORT
from khabar.schema.model import Document, Mention


def token_range(doc: Document, start: int, end: int) -> list[int]:
    """[first_token, last_token] (inclusive) of a span on token boundaries."""
    first = next(i for i, t in enumerate(doc.tokens) if t.start == start)
    last = next(i for i in range(first, len(doc.tokens)) if doc.tokens[i].end == end)
    return [first, last]


def token_span(*, doc: Document, start: int, end: int, what: str) -> tuple[int, int]:
    """The inclusive ``(first, last)`` token indices of ``start:end``
    (:func:`token_range`); a span off token boundaries is a
    :class:`KhabarError`, never a ``StopIteration`` from deep inside."""
    try:
        first, last = token_range(doc, start, end)
    except StopIteration:
        raise KhabarError(
            [
                finding(
                    "span-token-boundary",
                    f"{what} {start}-{end} ({doc.text[start:end]!r}) does not start and end on token boundaries; it cannot be exported",
                    document=doc.id,
                    span=(start, end),
                )
            ]
        ) from None
    return first, last


def mention_order(m: Mention) -> tuple[int, int]:
    """Text order: earlier start first, and of two mentions starting together the longer."""
    return (m.start, -m.end)


def first_mentions(*, doc: Document) -> dict[str, Mention]:
    """Each entity's first mention in text order (ties: the earlier annotation)."""
    first: dict[str, Mention] = {}
    for m in sorted(doc.mentions, key=mention_order):  # sorted() is stable
        first.setdefault(m.entity, m)
    return first


def require_references(*, doc: Document) -> None:
    """Raise :class:`KhabarError` where a mention, relation or attribution names an
    entity or attribution that does not exist, or an entity has no mention: no
    format can carry those, and validation (``khabar validate``) reports them."""
    entities = {e.id for e in doc.entities}
    found = [
        finding("ref-missing", f"mention {m.id} names entity {m.entity!r}, which does not exist", document=doc.id, annotation=m.id)
        for m in doc.mentions
        if m.entity not in entities
    ]
    found += [
        finding("ref-missing", f"relation {r.id} names entity {ref!r}, which does not exist", document=doc.id, annotation=r.id)
        for r in doc.relations
        for ref in (r.head, r.tail)
        if ref not in entities
    ]
    attributions = {a.id for a in doc.attributions}
    found += [
        finding("ref-missing", f"attribution {a.id} names {ref!r}, which does not exist", document=doc.id, annotation=a.id)
        for a in doc.attributions
        for ref, known in ((a.source_entity, entities), (a.parent, attributions))
        if ref is not None and ref not in known
    ]
    mentioned = {m.entity for m in doc.mentions}
    found += [
        finding("entity-no-mention", f"entity {e.id} has no mention; it cannot be exported", document=doc.id, annotation=e.id)
        for e in doc.entities
        if e.id not in mentioned
    ]
    if found:
        raise KhabarError(found)


def write_folder(*, out: Path, write: Callable[[Path], list[Path]], project: Path | None = None) -> list[Path]:
    """Run ``write(stage)`` in a staging folder beside ``out``, then swap it into
    place (:mod:`khabar.io.atomic`, like :mod:`khabar.dataset.build`): a failed export leaves
    the previous ``out`` untouched. ``out`` must be new, empty or an earlier
    export (:data:`khabar.io.outputs.EXPORT`; ``out-refused`` otherwise, nothing
    touched). Returns the written files, under ``out``."""
    with replacing(out, output=EXPORT, project=project) as stage:
        written = write(stage)
    return [out.resolve() / p.relative_to(stage) for p in written]
