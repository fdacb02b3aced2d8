"""The annotation format's canonical layout as a grammar, and its reader: text in the grammar straight into the model.

:func:`khabar.io.annotation_write.render_annotations` writes every annotation file in this layout, and
``khabar format`` puts a hand-edited file back into it. It is a subset of YAML whose every text means the same
to PyYAML (tested with generated files: ``tests/test_io_annotation_format.py``). In EBNF, with ``NL`` a
line feed; an item's keys and their kinds are the layer's :data:`~khabar.io.layers.FIELDS`, in that order::

    file        = "document: " text NL [ "unreviewed: " texts NL ]
                  section("entities") section("mentions") section("values") section("relations") attributions ;
    section(L)  = L ": []" NL | L ":" NL { "- " item(L) NL }- ;
    item(L)     = "{" field { ", " field } "}" ;              (* L's fields in order; an optional one may be absent *)
    field       = key ": " kind ;
    attributions = "attributions: []" NL | "attributions:" NL { block }- ;
    block       = "- id: " text NL { "  " key ": " kind NL } ; (* the other fields of an attribution, in order *)
    kind        = text | int | texts | ints | span | spans | text-or-null ;
    span        = "{start: " int ", end: " int ", text: " text "}" ;
    spans       = "[" [ span { ", " span } ] "]" ;
    texts       = "[" [ text { ", " text } ] "]" ;
    ints        = "[" [ int { ", " int } ] "]" ;
    text-or-null = "null" | text ;
    text        = plain | quoted ;
    plain       = letter [ { letter | digit | " " | "." | "_" | "'" | "/" | "-" } ( letter | digit | "." | "'" ) ] ;
                  (* but not yes, no, true, false, on, off or null, in lower, title or upper case *)
    quoted      = '"' { character - ( '"' | "\\" | NL | U+2028 | U+2029 | U+0085 ) | "\\" escape } '"' ;
                  (* read as JSON reads it; no surrogate written as \\u escape *)
    int         = "0" | digit19 { digit } ;                   (* at most MAX_INT_DIGITS digits *)

The whole text ends with a line feed and has no carriage return, no tab and no character YAML refuses.

:func:`read_canonical` gives the file's :class:`~khabar.io.layers.Layers`, or None for text outside the
grammar or a value the model refuses: :mod:`khabar.io.annotation_read` then reads it as YAML
(:mod:`khabar.io.yamlnodes`, any layout a contributor writes) and reports every problem at its line.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from sys import intern
from typing import Any

from yaml.reader import Reader

from khabar.io.guards import MAX_INT_DIGITS
from khabar.io.layers import FIELDS, LAYERS, Field, Layers, build_item
from khabar.schema.model import SHARED_INTS, Fragment, SchemaError

PLAIN = r"[A-Za-z](?:[A-Za-z0-9 ._'/-]*[A-Za-z0-9.'])?"
#: What YAML 1.1 reads as booleans or null.
RESERVED = frozenset(w for word in ("yes", "no", "true", "false", "on", "off", "null") for w in (word, word.title(), word.upper()))
#: A double-quoted string, with no line break to YAML in it (U+2028, U+2029 and U+0085 are written as escapes), possessive: no backtracking state per character (the form `"(?:[^"\\]|\\.)*"`
#: kept about 200 bytes per character, 10 GB for a 50 MB string).
QUOTED = r'"[^"\\\n\u2028\u2029\x85]*+(?:\\.[^"\\\n\u2028\u2029\x85]*+)*+"'
#: A decimal integer of at most MAX_INT_DIGITS digits: a longer one is outside the grammar, and the
#: YAML route reports it (`yaml-int-too-long`) before Python converts it.
INT = rf"(?:0|[1-9][0-9]{{0,{MAX_INT_DIGITS - 1}}})(?![0-9])"
_TEXT = rf"(?>{PLAIN})|{QUOTED}"
_SPAN = rf"\{{start: ({INT}), end: ({INT}), text: ({_TEXT})\}}"
_SPAN_BARE = rf"\{{start: {INT}, end: {INT}, text: (?:{_TEXT})\}}"
#: Each kind's expression; each group is one value (a span has three).
_PIECES = {
    "text": f"({_TEXT})",
    "int": f"({INT})",
    "texts": rf"(\[(?:(?:{_TEXT})(?:, (?:{_TEXT}))*)?\])",
    "ints": rf"(\[(?:{INT}(?:, {INT})*)?\])",
    "span": _SPAN,
    "spans": rf"(\[(?:{_SPAN_BARE}(?:, {_SPAN_BARE})*)?\])",
    "text-or-null": f"({_TEXT})",
}
_SPAN_RE = re.compile(_SPAN)
_TEXT_RE = re.compile(_TEXT)
_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")
_SHARED = len(SHARED_INTS)


class _Aside(Exception):
    """Outside the grammar: the YAML route reads the file."""


def _text(raw: str) -> str:
    if raw[0] != '"':
        if raw in RESERVED:
            raise _Aside
        return intern(raw)
    if _SURROGATE.search(raw):  # a pair is one character to JSON, two to YAML
        raise _Aside
    try:
        return intern(json.loads(raw))  # the escapes YAML and JSON share mean the same
    except ValueError:
        raise _Aside from None


def _int(digits: str) -> int:
    value = int(digits)
    return SHARED_INTS[value] if value < _SHARED else value


def _texts(raw: str) -> tuple[str, ...]:
    # One text after another: a text cannot start with the ", " between two, so each match is the next item.
    return tuple(_text(m[0]) for m in _TEXT_RE.finditer(raw, 1))


def _span(start: str, end: str, text: str) -> Fragment:
    return Fragment(start=_int(start), end=_int(end), text=_text(text))


def _head(start: str, end: str, text: str) -> tuple[int, int, str]:
    """A ``span`` value (a mention's head) as (start, end, text), checked as a Fragment would be (no object made)."""
    head = (_int(start), _int(end), _text(text))
    if not 0 <= head[0] < head[1] or len(head[2]) != head[1] - head[0]:
        raise _Aside  # the YAML route reports what is wrong
    return head


#: Each kind's value from its groups.
_CONVERT: dict[str, Callable[..., Any]] = {
    "text": _text,
    "int": _int,
    "texts": _texts,
    "ints": lambda raw: tuple(_int(d) for d in raw[1:-1].split(", ")) if raw != "[]" else (),
    "span": _head,
    "spans": lambda raw: tuple(_span(*m.groups()) for m in _SPAN_RE.finditer(raw)),
    "text-or-null": lambda raw: None if raw == "null" else _text(raw),
}
_VALUE = {kind: re.compile(piece) for kind, piece in _PIECES.items()}


class _Line:
    """One layer's item on one line, ``{key: value, ...}``: its expression and, per field, its groups."""

    def __init__(self, fields: tuple[Field, ...]) -> None:
        parts, at = [], 0
        self.plan: list[tuple[str, Callable[..., Any], int, int, bool]] = []
        for i, f in enumerate(fields):
            piece = f"{', ' if i else ''}{f.key}: {_PIECES[f.kind]}"
            parts.append(f"(?:{piece})?" if f.optional else piece)
            size = _VALUE[f.kind].groups
            self.plan.append((f.key, _CONVERT[f.kind], at, size, f.optional))
            at += size
        self.regex = re.compile(r"\{" + "".join(parts) + r"\}")

    def values(self, text: str) -> dict[str, Any]:
        match = self.regex.fullmatch(text)
        if match is None:
            raise _Aside
        groups = match.groups()
        out = {}
        for key, convert, at, size, optional in self.plan:
            if optional and groups[at] is None:
                continue
            out[key] = convert(groups[at]) if size == 1 else convert(*groups[at : at + size])
        return out


_LINES = {layer: _Line(FIELDS[layer]) for layer in LAYERS if layer != "attributions"}


def _value(f: Field, raw: str) -> Any:
    match = _VALUE[f.kind].fullmatch(raw)
    if match is None:
        raise _Aside
    return _CONVERT[f.kind](*match.groups())


def _block(lines: list[str], i: int) -> tuple[dict[str, Any], int]:
    """An attribution: ``- id: ...`` on line ``i``, then one line a field; the line after it."""
    first, *rest = FIELDS["attributions"]
    if not lines[i].startswith(f"- {first.key}: "):
        raise _Aside
    values = {first.key: _value(first, lines[i][len(first.key) + 4 :])}
    i += 1
    for f in rest:
        prefix = f"  {f.key}: "
        if i < len(lines) and lines[i].startswith(prefix):
            values[f.key] = _value(f, lines[i][len(prefix) :])
            i += 1
        elif not f.optional:
            raise _Aside
    return values, i


def plain_characters(text: str) -> bool:
    """Whether ``text`` ends with a newline and has no CR, tab or character YAML refuses (the grammar has none)."""
    return text.endswith("\n") and "\r" not in text and "\t" not in text and not Reader.NON_PRINTABLE.search(text)


def _read(lines: list[str]) -> Layers:
    if not lines[0].startswith("document: "):
        raise _Aside
    layers = Layers(document=_value(Field("document", "text"), lines[0][len("document: ") :]))
    i = 1
    if i < len(lines) and lines[i].startswith("unreviewed: "):
        layers.unreviewed, layers.unreviewed_line = _value(Field("unreviewed", "texts"), lines[i][len("unreviewed: ") :]), i + 1
        i += 1
    for layer in LAYERS:
        if i < len(lines) and lines[i] == f"{layer}: []":
            i += 1
            continue
        if i + 1 >= len(lines) or lines[i] != f"{layer}:" or not lines[i + 1].startswith("- "):
            raise _Aside
        i += 1
        into: list[Any] = getattr(layers, layer)
        while i < len(lines) and lines[i].startswith("- "):
            start = i
            if layer == "attributions":
                values, i = _block(lines, i)
            else:
                values, i = _LINES[layer].values(lines[i][2:]), i + 1
            if layer == "mentions":
                layers.head_texts[len(into)] = values["head"][2]
            built = build_item(layer, values)
            layers.item_lines[(layer, len(into))] = start + 1
            into.append(built)
            layers.lines.setdefault(built.id, start + 1)
    if i != len(lines):
        raise _Aside
    return layers


def read_canonical(text: str) -> Layers | None:
    """The layers of an annotation file's ``text`` when it is in the grammar and every value is
    one the model takes; otherwise None (the YAML route decides, and reports every problem)."""
    if not plain_characters(text):
        return None
    try:
        return _read(text[:-1].split("\n"))
    except (_Aside, SchemaError, TypeError):
        return None
