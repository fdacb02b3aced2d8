"""A fast path for YAML in the canonical layout that ``khabar`` writes.

PyYAML, even with the C loader, spends about 30 ms on one annotation file (every
node is built and resolved in Python), which made reading 10,000 documents take
minutes. The files are almost always in the layout of
:func:`khabar.io.annotation_write.render_annotations`: top-level ``key: value``
lines, block sequences of one-line flow mappings (``- {id: m1, start: 0, ...}``)
and small block mappings (``- id: a1`` then ``  key: value`` lines). For that
layout, :func:`parse_canonical` reads the commonest lines by one regular expression
each (:mod:`khabar.io.yamlshapes`) and turns every other one-line flow value into
JSON for the C ``json`` module to parse, recording the same line numbers the composer
would (:class:`~khabar.io.yamlnodes.LDict` / ``LList``).

It accepts only a strict subset whose meaning is the same in YAML and JSON:
plain scalars that start with a letter and are not YAML 1.1 booleans or nulls
(a whole value ``null`` is None), decimal integers without leading zeros, double-quoted
strings with JSON escapes other than ``\\u``, unique keys. Anything else (a
comment, another indentation, a single-quoted or multi-line scalar, an anchor,
a character YAML refuses) returns :data:`SLOW`, and the caller uses PyYAML,
which then also produces every error message. Tests compare both paths on
every YAML file of the repository and on synthetic corpora.
"""

from __future__ import annotations

import json
import re
from sys import intern
from typing import Any

from yaml.reader import Reader

from khabar.io.guards import MAX_DEPTH
from khabar.io.yamlnodes import LDict, LList, load_general
from khabar.io.yamlshapes import INT as _INT  # at most MAX_INT_DIGITS digits
from khabar.io.yamlshapes import PLAIN as _PLAIN  # as the writer's plain scalars: starts with a letter
from khabar.io.yamlshapes import QUOTED, fragment_list, shaped
from khabar.io.yamlshapes import RESERVED as _RESERVED  # what YAML 1.1 reads as booleans or null
from khabar.schema.model import SHARED_INTS

SLOW = object()  # "not in the canonical subset: parse with PyYAML"
_SHARED = len(SHARED_INTS)
_KEY_LINE = re.compile(r"([A-Za-z_][A-Za-z0-9_]*):(?: (.*))?")
_QUOTED = re.compile(f"({QUOTED})")
# An unquoted stretch: plain scalars, decimal integers, flow indicators, ": " and spaces after them. Atomic
# groups and no bare spaces make it unambiguous, so a failing match cannot backtrack exponentially;
# the possessive repeat keeps no state per item.
_UNQUOTED = re.compile(rf"(?:(?>{_PLAIN})|{_INT}|[{{}}\[\],] *|: +)*+")
_PLAINS = re.compile(f"({_PLAIN})")
_SCALAR = re.compile(f"{_PLAIN}|{_INT}")
#: Collections a flow value may open, on a line inside at most three (the file's mapping, a list, an
#: item): more, and the general path decides (`yaml-too-deep`); canonical lines open at most two.
_FLOW_DEPTH = MAX_DEPTH - 3


class _Slow(Exception):
    pass


def _json(segment: str) -> str:
    """An unquoted stretch of a flow value as JSON; raise :class:`_Slow` outside the subset."""
    if not _UNQUOTED.fullmatch(segment):
        raise _Slow
    parts = _PLAINS.split(segment)  # odd items are the plain scalars: joining with '"' quotes each one
    if not _RESERVED.isdisjoint(parts[1::2]):
        raise _Slow
    return '"'.join(parts)


def _with_lines(value: Any, line: int) -> Any:
    if isinstance(value, list):
        seq = LList(_with_lines(v, line) for v in value)
        seq.line, seq.item_lines = line, [line] * len(value)
        return seq
    if isinstance(value, LDict):
        for key, item in value.items():
            if isinstance(item, (list, LDict)):
                value[key] = _with_lines(item, line)
    return value


class _Values:
    """Single-line YAML values as JSON, parsed by one C scanner per file (``json.loads`` builds a decoder per call)."""

    def __init__(self) -> None:
        self.line = 0
        # scan_once is set by JSONDecoder.__init__ (the C scanner); typeshed does not declare it.
        self.scan = json.JSONDecoder(object_pairs_hook=self.mapping).scan_once  # type: ignore[attr-defined]

    def mapping(self, pairs: list[tuple[str, Any]]) -> LDict:
        # Ids, labels and offsets recur across items and documents: share one object of each.
        out = LDict([(k, intern(v) if type(v) is str else SHARED_INTS[v] if type(v) is int and 0 <= v < _SHARED else v) for k, v in pairs])
        if len(out) != len(pairs):
            raise _Slow  # a repeated key: PyYAML reports it
        out.line, out.key_lines = self.line, dict.fromkeys(out, self.line)
        return out

    def __call__(self, text: str, line: int) -> Any:
        """One value (scalar, flow mapping or flow sequence) on ``line``."""
        if text.startswith("[{"):  # an attribution role: a list of spans
            spans = fragment_list(text, line)
            if spans is not None:
                return spans
        return self.general(text, line)

    def general(self, text: str, line: int) -> Any:
        """:meth:`__call__` without the shapes of :mod:`khabar.io.yamlshapes`."""
        if text == "null":
            return None
        if _SCALAR.fullmatch(text):  # a lone plain scalar or integer: no JSON needed
            if text[0].isdigit():
                return int(text)
            if text in _RESERVED:
                raise _Slow
            return intern(text)
        if text.count("[") + text.count("{") > _FLOW_DEPTH:  # an upper bound on the nesting, in two C loops
            raise _Slow
        if '"' in text:
            parts = _QUOTED.split(text)
            for i, part in enumerate(parts):
                if i % 2:
                    if "\\u" in part:
                        raise _Slow
                else:
                    parts[i] = _json(part)
            text = "".join(parts)
        else:
            text = _json(text)
        self.line = line
        try:
            value, end = self.scan(text, 0)
        except (StopIteration, ValueError):
            raise _Slow from None
        if text[end:].strip(" "):
            raise _Slow  # more than one value
        return _with_lines(value, line) if "[" in text else value


def _key(match: re.Match[str] | None, into: LDict, line: int, *, need_value: bool) -> str:
    if match is None or match[1] in _RESERVED or match[1] in into or (need_value and match[2] is None):
        raise _Slow
    into.key_lines[match[1]] = line
    return match[1]


def _block_mapping(value: _Values, first: str, lines: list[str], i: int) -> tuple[LDict, int]:
    """A block mapping that starts after ``- `` on line ``i`` (0-based), continued by lines indented two spaces."""
    out = LDict()
    out.line, out.key_lines = i + 1, {}
    text = first
    while True:
        match = _KEY_LINE.fullmatch(text)
        key = _key(match, out, i + 1, need_value=True)
        out[key] = value(match[2], i + 1)  # type: ignore[index]
        i += 1
        if i >= len(lines) or not lines[i].startswith("  ") or lines[i].startswith("   "):
            return out, i
        text = lines[i][2:]


def plain_characters(text: str) -> bool:
    """Whether ``text`` ends with a newline and has no CR, tab or character YAML refuses:
    the fast paths read nothing else (PyYAML reads such text differently, or reports it)."""
    return text.endswith("\n") and "\r" not in text and "\t" not in text and not Reader.NON_PRINTABLE.search(text)


def parse_canonical(text: str) -> Any:
    """The value of ``text`` with line numbers, or :data:`SLOW` when it is outside the canonical subset."""
    if not plain_characters(text):
        return SLOW
    lines = text[:-1].split("\n")
    root = LDict()
    root.line, root.key_lines = 1, {}
    i, value = 0, _Values()
    try:
        while i < len(lines):
            match = _KEY_LINE.fullmatch(lines[i])
            key = _key(match, root, i + 1, need_value=False)
            if match[2] is not None:  # type: ignore[index]
                root[key] = value(match[2], i + 1)  # type: ignore[index]
                i += 1
                continue
            i += 1
            if i >= len(lines) or not lines[i].startswith("- "):
                raise _Slow  # an empty value (null) or another layout
            seq = LList()
            seq.line, seq.item_lines = i + 1, []
            while i < len(lines) and lines[i].startswith("- "):
                item = lines[i][2:]
                seq.item_lines.append(i + 1)
                if item.startswith(("{", "[", '"')):
                    seq.append(shaped(item, i + 1) or value(item, i + 1))  # the commonest layouts first
                    i += 1
                else:
                    mapping, i = _block_mapping(value, item, lines, i)
                    seq.append(mapping)
            root[key] = seq
    except _Slow:
        return SLOW
    return root


def load_yaml(text: str) -> Any:
    """Parse one YAML document safely; raise :class:`YamlSyntaxError` with every problem, each at its line.

    Text in the canonical layout khabar writes takes a fast path with the same
    result (here); anything else goes through PyYAML (:func:`khabar.io.yamlnodes.load_general`)."""
    fast = parse_canonical(text)
    if fast is not SLOW:
        return fast
    return load_general(text)
