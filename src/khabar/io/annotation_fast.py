"""Annotation files in the canonical layout, read straight into the model.

A file that :func:`khabar.io.annotation_write.render_annotations` wrote (or that
looks exactly like it) is read line by line: each annotation line by its
layout's regular expression (:func:`khabar.io.yamlshapes.line_values`) into
the model's objects, with no YAML tree (``LDict``) between them and no key
checks, since the layout fixes the keys. That is about half the cost of reading
a document (see ``docs/performance.md``).

:func:`read_canonical` gives the :class:`~khabar.io.layers.Layers`
the general path gives, or None: for anything else (another layout, a value
outside the subset, a value the model refuses) the general path reads the
file and reports every problem. ``tests/test_annotation_fast.py`` compares the
two on every annotation file of the repository, synthetic documents and random edits.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from khabar.io.layers import LAYERS, Layers
from khabar.io.yamlfast import plain_characters
from khabar.io.yamlshapes import fragment_values, line_values, scalar, words
from khabar.schema.labels import ATTRIBUTION_ROLES
from khabar.schema.model import Attribution, Entity, Fragment, Mention, Relation, SchemaError, Value

_Item = Entity | Mention | Value | Relation


class _Aside(Exception):
    """Not the canonical layout, or not valid: the general path reads the file."""


def _values(layout: str, text: str) -> list[Any]:
    found = line_values(layout, text)
    if found is None:
        raise _Aside
    return found


def _entity(text: str, layers: Layers) -> Entity:
    found = line_values("entity", text)
    if found is not None:
        return Entity(id=found[0], type=found[1], name=found[2])
    ident, kind, name, members = _values("entity-members", text)
    return Entity(id=ident, type=kind, name=name, members=tuple(members))


def _mention(text: str, layers: Layers) -> Mention:
    ident, entity, kind, start, end, words_, head_start, head_end, head_text = _values("mention", text)
    if not 0 <= head_start < head_end or len(head_text) != head_end - head_start:
        raise _Aside  # the head fails Fragment's checks (offsets are ints here): the general path reports it
    layers.head_texts[len(layers.mentions)] = head_text
    return Mention(id=ident, entity=entity, kind=kind, start=start, end=end, text=words_, head_start=head_start, head_end=head_end)


def _value(text: str, layers: Layers) -> Value:
    ident, kind, start, end, words_ = _values("value", text)
    return Value(id=ident, type=kind, start=start, end=end, text=words_)


def _relation(text: str, layers: Layers) -> Relation:
    ident, label, head, tail, evidence = _values("relation", text)
    return Relation(id=ident, label=label, head=head, tail=tail, evidence=tuple(evidence))


_LINES: dict[str, Callable[[str, Layers], _Item]] = {"entities": _entity, "mentions": _mention, "values": _value, "relations": _relation}
#: The lines of an attribution block after ``- id: ...``, in the writer's order.
_BLOCK = ("type", *ATTRIBUTION_ROLES, "source_entity", "parent")


def _field(line: str, key: str, *, indent: str = "  ") -> str:
    prefix = f"{indent}{key}: "
    if not line.startswith(prefix):
        raise _Aside
    return line[len(prefix) :]


def _scalar(raw: str, *, nullable: bool = False) -> str | None:
    if nullable and raw == "null":
        return None
    value = scalar(raw)
    if value is None:
        raise _Aside
    return value


def _fragments(raw: str) -> tuple[Fragment, ...]:
    found = fragment_values(raw)
    if found is None:
        raise _Aside
    return tuple(Fragment(start=s, end=e, text=t) for s, e, t in found)


def _attribution(lines: list[str], i: int) -> Attribution:
    """The block of lines ``i`` (``- id: ...``) to ``i + 6``."""
    if i + len(_BLOCK) >= len(lines):
        raise _Aside
    raw = dict(zip(_BLOCK, (_field(line, key) for line, key in zip(lines[i + 1 :], _BLOCK, strict=False)), strict=True))
    roles = {role: _fragments(raw[role]) for role in ATTRIBUTION_ROLES}
    return Attribution(
        id=_scalar(_field(lines[i], "id", indent="- ")),  # type: ignore[arg-type]
        type=_scalar(raw["type"]),  # type: ignore[arg-type]
        source_entity=_scalar(raw["source_entity"], nullable=True),
        parent=_scalar(raw["parent"], nullable=True),
        **roles,
    )


def _section(lines: list[str], i: int, layer: str) -> tuple[bool, int]:
    """Whether the section ``layer`` starting on line ``i`` has items, and the line after its header."""
    if lines[i] == f"{layer}: []":
        return False, i + 1
    if lines[i] != f"{layer}:" or i + 1 >= len(lines) or not lines[i + 1].startswith("- "):
        raise _Aside
    return True, i + 1


def _read(lines: list[str]) -> Layers:
    layers = Layers(document=_scalar(_field(lines[0], "document", indent="")))
    i = 1
    if i < len(lines) and lines[i].startswith("unreviewed: "):
        ids = words(lines[i][len("unreviewed: ") :])
        if ids is None:
            raise _Aside
        layers.unreviewed, layers.unreviewed_line = tuple(ids), i + 1
        i += 1
    built: _Item | Attribution
    for layer in LAYERS:
        if i >= len(lines):
            raise _Aside
        items, i = _section(lines, i, layer)
        into = getattr(layers, layer)
        while items and i < len(lines) and lines[i].startswith("- "):
            if layer == "attributions":
                built, step = _attribution(lines, i), 1 + len(_BLOCK)
            else:
                built, step = _LINES[layer](lines[i][2:], layers), 1
            layers.item_lines[(layer, len(into))] = i + 1
            into.append(built)
            layers.lines.setdefault(built.id, i + 1)
            i += step
    if i != len(lines):
        raise _Aside
    return layers


def read_canonical(text: str) -> Layers | None:
    """The layers of an annotation file's ``text`` when it is in the canonical layout and
    every value is one the model takes; otherwise None (the general path decides)."""
    if not plain_characters(text):
        return None
    try:
        return _read(text[:-1].split("\n"))
    except (_Aside, SchemaError, TypeError):
        return None
