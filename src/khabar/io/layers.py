"""The annotation layers of one file as read (:class:`Layers`): shared by the two readers of annotation files,
the general one (:mod:`khabar.io.annotation_read`) and the canonical layout's (:mod:`khabar.io.annotation_fast`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from khabar.schema.model import Attribution, Entity, Mention, Relation, Value

LAYERS = ("entities", "mentions", "values", "relations", "attributions")
TOP_KEYS = ("document",) + LAYERS + ("unreviewed",)
SPAN_KEYS = ("start", "end", "text")


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
