"""Writing annotation files in the canonical, diff-friendly layout.

One annotation a line (flow style), attributions as small blocks, keys in
schema order, spans always with their text. Reading what this writes gives the
same objects back (tested).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from khabar.schema.labels import ATTRIBUTION_ROLES
from khabar.schema.model import Attribution, Document, Entity, Fragment, Mention, Relation, Value

_PLAIN = re.compile(r"^[A-Za-z][A-Za-z0-9 ._'/-]*[A-Za-z0-9.']$|^[A-Za-z]$")
_RESERVED = {"null", "true", "false", "yes", "no", "on", "off", "y", "n", "~"}
#: Characters JSON leaves as they are but YAML reads otherwise: line breaks to YAML (U+0085, U+2028, U+2029,
#: which it may fold) and those it refuses in a file (DEL, C1 controls, U+FFFE, U+FFFF). Written as escapes.
_ESCAPE = re.compile("[\x7f-\x9f\u2028\u2029\ufffe\uffff]")


def scalar(value: Any) -> str:
    """A YAML flow scalar: plain where unambiguous, JSON-quoted otherwise."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and _PLAIN.match(value) and value.lower() not in _RESERVED and ": " not in value and " #" not in value:
        return value
    return _ESCAPE.sub(lambda m: f"\\u{ord(m[0]):04x}", json.dumps(value, ensure_ascii=False))


def flow(pairs: Iterable[tuple[str, Any]]) -> str:
    parts = []
    for key, value in pairs:
        if isinstance(value, dict):
            rendered = flow(value.items())
        elif isinstance(value, (list, tuple)):
            rendered = "[" + ", ".join(flow(v.items()) if isinstance(v, dict) else scalar(v) for v in value) + "]"
        else:
            rendered = scalar(value)
        parts.append(f"{key}: {rendered}")
    return "{" + ", ".join(parts) + "}"


def _span(start: int, end: int, text: str) -> dict[str, Any]:
    return {"start": start, "end": end, "text": text}


def _entity(e: Entity) -> str:
    pairs: list[tuple[str, Any]] = [("id", e.id), ("type", e.type), ("name", e.name)]
    if e.members:
        pairs.append(("members", list(e.members)))
    return flow(pairs)


def _mention(m: Mention, text: str) -> str:
    return flow(
        [
            ("id", m.id),
            ("entity", m.entity),
            ("kind", m.kind),
            ("start", m.start),
            ("end", m.end),
            ("text", m.text),
            ("head", _span(m.head_start, m.head_end, text[m.head_start : m.head_end])),
        ]
    )


def _value(v: Value) -> str:
    return flow([("id", v.id), ("type", v.type), ("start", v.start), ("end", v.end), ("text", v.text)])


def _relation(r: Relation) -> str:
    return flow([("id", r.id), ("label", r.label), ("head", r.head), ("tail", r.tail), ("evidence", list(r.evidence))])


def _fragments(items: tuple[Fragment, ...]) -> str:
    return "[" + ", ".join(flow(_span(f.start, f.end, f.text).items()) for f in items) + "]"


def _attribution(a: Attribution) -> list[str]:
    lines = [f"- id: {scalar(a.id)}", f"  type: {scalar(a.type)}"]
    lines += [f"  {role}: {_fragments(getattr(a, role))}" for role in ATTRIBUTION_ROLES]
    lines.append(f"  source_entity: {scalar(a.source_entity)}")
    lines.append(f"  parent: {scalar(a.parent)}")
    return lines


def render_annotations(doc: Document, *, unreviewed: Iterable[str] = ()) -> str:
    """The canonical annotation file of ``doc``; ``unreviewed`` lists the ids a
    tool proposed and no person has reviewed yet."""
    out = [f"document: {scalar(doc.id)}"]
    pending = list(unreviewed)
    if pending:
        out.append("unreviewed: [" + ", ".join(scalar(x) for x in pending) + "]")
    sections: list[tuple[str, list[str]]] = [
        ("entities", [_entity(e) for e in doc.entities]),
        ("mentions", [_mention(m, doc.text) for m in doc.mentions]),
        ("values", [_value(v) for v in doc.values]),
        ("relations", [_relation(r) for r in doc.relations]),
    ]
    for name, items in sections:
        out.append(f"{name}:" + ("" if items else " []"))
        out += [f"- {item}" for item in items]
    out.append("attributions:" + ("" if doc.attributions else " []"))
    for a in doc.attributions:
        out += _attribution(a)
    return "\n".join(out) + "\n"
