"""The commonest canonical lines, each read by one regular expression.

Entities, mentions, values and relations are one flow mapping a line, with keys
in the fixed order :mod:`khabar.io.annotation_write` writes. :func:`shaped`
matches such a line against those layouts (:data:`SHAPES`) and builds its value
from the match's groups: no JSON text is made and no scanner runs (reading a
synthetic file took 26 instead of 46 million instructions; see
``docs/performance.md``). :func:`fragment_list` does the same for an
attribution role's list of spans (``cue: [{start: 53, end: 57, text: said}]``). A line of any other layout (other keys,
other spacing, a value outside the subset of :mod:`khabar.io.yamlfast`) gives
None, and the caller takes the general path, whose result is the same (tested
line by line in ``tests/test_yamlfast.py``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from sys import intern
from typing import Any

from khabar.io.guards import MAX_INT_DIGITS
from khabar.io.yamlnodes import LDict, LList
from khabar.schema.model import SHARED_INTS

# The same subset as the general path: plain scalars starting with a letter, decimal integers
# without leading zeros, double-quoted strings that JSON reads the same (no \u escape: see below).
PLAIN = r"[A-Za-z](?:[A-Za-z0-9 ._'/-]*[A-Za-z0-9.'])?"
RESERVED = frozenset(w for word in ("yes", "no", "true", "false", "on", "off", "null") for w in (word, word.title(), word.upper()))
#: A double-quoted string, possessive: no backtracking state per character (the form `"(?:[^"\\]|\\.)*"`
#: kept about 200 bytes per character, 10 GB for a 50 MB string).
QUOTED = r'"[^"\\\n]*+(?:\\.[^"\\\n]*+)*+"'
#: A decimal integer of at most MAX_INT_DIGITS digits: a longer one is not in the subset, and the
#: general path reports it (`yaml-int-too-long`) before Python converts it.
INT = rf"(?:0|[1-9][0-9]{{0,{MAX_INT_DIGITS - 1}}})(?![0-9])"
_TEXT = rf"((?>{PLAIN})|{QUOTED})"
_INT = rf"({INT})"
_PLAINS = rf"\[((?>{PLAIN})(?:, (?>{PLAIN}))*)?\]"
_INTS = rf"\[({INT}(?:, {INT})*)?\]"
_PIECES = {"text": _TEXT, "int": _INT, "plains": _PLAINS, "ints": _INTS}
_SCALAR = re.compile(_TEXT)
_WORDS = re.compile(_PLAINS)

Kind = str | tuple[tuple[str, str], ...]  # a piece, or a nested mapping of pieces
SPAN: tuple[tuple[str, str], ...] = (("start", "int"), ("end", "int"), ("text", "text"))
#: The layouts, most frequent first: a mention, an entity (with or without members), a value, a relation.
SHAPES: tuple[tuple[tuple[str, Kind], ...], ...] = (
    (("id", "text"), ("entity", "text"), ("kind", "text"), ("start", "int"), ("end", "int"), ("text", "text"), ("head", SPAN)),
    (("id", "text"), ("type", "text"), ("name", "text")),
    (("id", "text"), ("type", "text"), ("name", "text"), ("members", "plains")),
    (("id", "text"), ("type", "text"), ("start", "int"), ("end", "int"), ("text", "text")),
    (("id", "text"), ("label", "text"), ("head", "text"), ("tail", "text"), ("evidence", "ints")),
)


def _regex(shape: tuple[tuple[str, Kind], ...]) -> str:
    return "\\{" + ", ".join(f"{key}: " + (_regex(kind) if isinstance(kind, tuple) else _PIECES[kind]) for key, kind in shape) + "\\}"


def _flat(shape: tuple[tuple[str, Kind], ...]) -> list[str]:
    """The kind of each group of the shape's regular expression, in order."""
    return [k for _, kind in shape for k in (_flat(kind) if isinstance(kind, tuple) else [kind])]


@dataclass(frozen=True)
class _Shape:
    regex: re.Pattern[str]
    keys: tuple[str, ...]  # the outer keys
    nested: tuple[str, ...] | None  # the keys of the last value when it is a mapping (a mention's head)
    kinds: tuple[str, ...]  # each group's kind (a key of _PIECES)
    lists: tuple[int, ...]  # the groups that are lists


def _compile(shape: tuple[tuple[str, Kind], ...]) -> _Shape:
    kinds = tuple(_flat(shape))
    last = shape[-1][1]
    return _Shape(
        re.compile(_regex(shape)),
        tuple(k for k, _ in shape),
        tuple(k for k, _ in last) if isinstance(last, tuple) else None,
        kinds,
        tuple(i for i, k in enumerate(kinds) if k in ("plains", "ints")),
    )


#: The layouts' names, in :data:`SHAPES` order.
LAYOUTS = ("mention", "entity", "entity-members", "value", "relation")
_COMPILED = dict(zip(LAYOUTS, (_compile(shape) for shape in SHAPES), strict=True))
_SHARED = len(SHARED_INTS)


class _Outside(Exception):
    """A value outside the subset: the general path decides."""


def _int(digits: str) -> int:
    value = int(digits)
    return SHARED_INTS[value] if value < _SHARED else value


def _text(raw: str) -> str:
    if raw[0] != '"':
        if raw in RESERVED:
            raise _Outside
        return intern(raw)
    if "\\u" in raw:  # surrogate pairs and the like: YAML and JSON may disagree
        raise _Outside
    try:
        return intern(json.loads(raw))  # the escapes YAML and JSON share mean the same
    except ValueError:
        raise _Outside from None


def scalar(raw: str) -> str | None:
    """A string value in the subset (plain, or double-quoted as JSON reads it the same), or None."""
    if _SCALAR.fullmatch(raw) is None:
        return None
    try:
        return _text(raw)
    except _Outside:
        return None


def words(raw: str) -> list[str] | None:
    """The plain scalars of a one-line list ``[a, b]`` in the subset, or None."""
    match = _WORDS.fullmatch(raw)
    if match is None:
        return None
    try:
        return _plains(match[1])
    except _Outside:
        return None


def _mapping(keys: tuple[str, ...], values: list[Any], line: int) -> LDict:
    out = LDict(zip(keys, values, strict=True))
    out.line, out.key_lines = line, dict.fromkeys(keys, line)
    return out


def _list(items: list[Any], line: int) -> LList:
    out = LList(items)
    out.line, out.item_lines = line, [line] * len(items)
    return out


def _plains(raw: str | None) -> list[str]:
    found = raw.split(", ") if raw is not None else []
    if not RESERVED.isdisjoint(found):
        raise _Outside
    return [intern(w) for w in found]


def _ints(raw: str | None) -> list[int]:
    return [_int(d) for d in raw.split(", ")] if raw is not None else []


_CONVERT: dict[str, Callable[[Any], Any]] = {"text": _text, "int": _int, "plains": _plains, "ints": _ints}
#: Each layout's converter of each group, in order.
_CONVERTERS = {layout: tuple(_CONVERT[kind] for kind in shape.kinds) for layout, shape in _COMPILED.items()}


def line_values(layout: str, text: str) -> list[Any] | None:
    """The values of the flow mapping ``text`` in ``layout`` (one of :data:`LAYOUTS`), in key
    order, a nested mapping's values in place of it and lists as Python lists; None when
    ``text`` is not in that layout or a value is outside the subset."""
    match = _COMPILED[layout].regex.fullmatch(text)
    if match is None:
        return None
    try:
        return [convert(raw) for convert, raw in zip(_CONVERTERS[layout], match.groups(), strict=True)]
    except _Outside:
        return None


def shaped(text: str, line: int) -> LDict | None:
    """The value of the flow mapping ``text`` (one line, ``line``), or None when it is not in :data:`SHAPES`.

    The shapes' keys differ, so at most one layout's expression matches a line."""
    for layout, shape in _COMPILED.items():  # noqa: B007 (the matching layout's shape is used after the loop)
        values = line_values(layout, text)
        if values is not None:
            break
    else:
        return None
    for i in shape.lists:
        values[i] = _list(values[i], line)
    if shape.nested is not None:
        size = len(shape.nested)
        values[-size:] = [_mapping(shape.nested, values[-size:], line)]
    return _mapping(shape.keys, values, line)


_FRAGMENT = re.compile(_regex(SPAN))
_FRAGMENTS = re.compile(rf"\[(?:{_FRAGMENT.pattern}(?:, {_FRAGMENT.pattern})*)?\]")
_SPAN_KEYS = tuple(k for k, _ in SPAN)


def fragment_values(text: str) -> list[tuple[int, int, str]] | None:
    """The (start, end, text) of each span of ``[{start: 0, end: 4, text: said}, ...]`` (an
    attribution role on one line), or None when ``text`` is not such a list in the canonical layout."""
    if _FRAGMENTS.fullmatch(text) is None:
        return None
    items, at = [], 1
    while at < len(text) - 1:  # one span after another, as the whole match found them
        match = _FRAGMENT.match(text, at)
        if match is None:  # cannot happen after the full match; the general path would decide
            return None
        start, end, raw = match.groups()
        try:
            value = _text(raw)
        except _Outside:
            return None
        items.append((_int(start), _int(end), value))
        at = match.end() + 2  # past ", "
    return items


def fragment_list(text: str, line: int) -> LList | None:
    """The value of an attribution role's list of spans on one line, ``line`` (see
    :func:`fragment_values`), or None when ``text`` is not in the canonical layout."""
    items = fragment_values(text)
    if items is None:
        return None
    return _list([_mapping(_SPAN_KEYS, list(item), line) for item in items], line)
