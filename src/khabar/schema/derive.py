"""Layers derived from the annotations, never annotated twice."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from khabar.schema.labels import NAME_TYPES

if TYPE_CHECKING:
    from khabar.schema.model import Document


@dataclass(frozen=True, slots=True)
class NerSpan:
    """One span of the derived flat OntoNotes-style layer."""

    start: int
    end: int
    label: str
    text: str


def derive_ner(doc: Document) -> tuple[NerSpan, ...]:
    """The flat OntoNotes-style layer: the heads of name mentions that no other
    name mention's head contains, labelled with their entity's type (OTHER is
    not an OntoNotes label and is left out), plus every value."""
    types = {entity.id: entity.type for entity in doc.entities}
    heads = sorted({(m.head_start, m.head_end, types[m.entity]) for m in doc.mentions if m.kind == "NAM" and types.get(m.entity) in NAME_TYPES})
    # A head is dropped when another head contains it. In (start, -end) order every
    # head that contains a span comes before it, so one sweep with the largest end so
    # far finds them all (not a quadratic scan).
    contained, reach = set(), -1
    for start, end in sorted({(s, e) for s, e, _ in heads}, key=lambda p: (p[0], -p[1])):
        if reach >= end:
            contained.add((start, end))
        reach = max(reach, end)
    spans = {(start, end, label) for start, end, label in heads if (start, end) not in contained}
    spans.update((v.start, v.end, v.type) for v in doc.values)
    return tuple(NerSpan(start=s, end=e, label=label, text=doc.text[s:e]) for s, e, label in sorted(spans))
