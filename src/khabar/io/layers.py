"""The annotation format's items, declared once: each layer's keys in the canonical order with the kind of
their values (:data:`FIELDS`), how an item's values become the model's object (:func:`build_item`), and the
layers of one file as read (:class:`Layers`). Both routes that read annotation files use them: the reader of
the canonical grammar (:mod:`khabar.io.annotation_format`) and the general one over any YAML
(:mod:`khabar.io.annotation_read`); :mod:`khabar.io.annotation_write` writes the keys in this order."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from khabar.schema.model import Attribution, Entity, Mention, Relation, Value

LAYERS = ("entities", "mentions", "values", "relations", "attributions")
TOP_KEYS = ("document",) + LAYERS + ("unreviewed",)
SPAN_KEYS = ("start", "end", "text")


@dataclass(frozen=True, slots=True)
class Field:
    """One key of an item: its name, its kind of value (a production of the grammar in
    :mod:`khabar.io.annotation_format`: ``text``, ``int``, ``texts``, ``ints``, ``span``, ``spans``,
    ``text-or-null``) and whether an item may leave it out."""

    key: str
    kind: str
    optional: bool = False


def _fields(*spec: str) -> tuple[Field, ...]:
    """Fields from ``key:kind`` strings; a ``?`` after the kind marks an optional key."""
    return tuple(Field(key, kind.rstrip("?"), kind.endswith("?")) for key, kind in (s.split(":") for s in spec))


#: Each layer's keys, in the order the canonical layout writes them.
FIELDS: Mapping[str, tuple[Field, ...]] = {
    "entities": _fields("id:text", "type:text", "name:text", "members:texts?"),
    "mentions": _fields("id:text", "entity:text", "kind:text", "start:int", "end:int", "text:text", "head:span"),
    "values": _fields("id:text", "type:text", "start:int", "end:int", "text:text"),
    "relations": _fields("id:text", "label:text", "head:text", "tail:text", "evidence:ints"),
    "attributions": _fields("id:text", "type:text", "cue:spans", "source:spans?", "content:spans", "source_entity:text-or-null?", "parent:text-or-null?"),
}
#: What an item of each layer is called in messages.
ITEM_NAMES = {"entities": "entity", "mentions": "mention", "values": "value", "relations": "relation", "attributions": "attribution"}

Item = Entity | Mention | Value | Relation | Attribution


def _ids(raw: Any) -> Any:
    """A list of ids as a tuple; anything else as it is, for the model to refuse."""
    return tuple(raw) if isinstance(raw, list) else raw


_MAKERS: Mapping[str, Callable[[Mapping[str, Any]], Item]] = {
    "entities": lambda d: Entity(id=d["id"], type=d["type"], name=d["name"], members=_ids(d.get("members", ()))),
    "mentions": lambda d: Mention(
        id=d["id"],
        entity=d["entity"],
        kind=d["kind"],
        start=d["start"],
        end=d["end"],
        text=d["text"],
        head_start=d["head"][0],
        head_end=d["head"][1],
    ),
    "values": lambda d: Value(id=d["id"], type=d["type"], start=d["start"], end=d["end"], text=d["text"]),
    "relations": lambda d: Relation(id=d["id"], label=d["label"], head=d["head"], tail=d["tail"], evidence=_ids(d["evidence"])),
    "attributions": lambda d: Attribution(
        id=d["id"],
        type=d["type"],
        cue=d["cue"],
        source=d.get("source", ()),
        content=d["content"],
        source_entity=d.get("source_entity"),
        parent=d.get("parent"),
    ),
}


def build_item(layer: str, values: Mapping[str, Any]) -> Item:
    """The model's object of one item of ``layer`` from its values by key (a ``span`` as a checked (start, end,
    text), ``spans`` as :class:`~khabar.schema.model.Fragment`\\ s); the model raises ``SchemaError`` (or
    ``TypeError``) on a bad value."""
    return _MAKERS[layer](values)


@dataclass(slots=True)
class Layers:
    """The annotation layers of one file, plus the line of every annotation id."""

    document: str | None = None
    entities: list[Entity] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    values: list[Value] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    attributions: list[Attribution] = field(default_factory=list)
    lines: dict[str, int] = field(default_factory=dict)
    item_lines: dict[tuple[str, int], int] = field(default_factory=dict)
    unreviewed: tuple[str, ...] = ()  # ids proposed by a tool (`khabar new --preannotate`), not yet reviewed
    document_line: int = 1  # the line of the `document` key
    unreviewed_line: int = 1  # the line of the `unreviewed` key
    head_texts: dict[int, str] = field(default_factory=dict)  # mention index -> the head's stated text
