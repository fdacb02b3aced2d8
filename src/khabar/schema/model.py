"""The data model: frozen dataclasses, one per annotation kind.

Each class checks its own invariants in ``__post_init__`` (with the helpers of
:mod:`khabar.schema.invariants`) and raises :class:`SchemaError` (with a stable
check id) when a value has the wrong type, lies outside its label set or is an
id that is not safe (``id-unsafe``). The reader turns those into located findings, so a
contributor sees every problem of a file at once; code that builds models by
hand gets the same guard as an exception.
"""

from __future__ import annotations

import sys
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from typing import Any

from khabar.schema import labels
from khabar.schema.derive import NerSpan, derive_ner
from khabar.schema.invariants import SchemaError, id_list, need, need_safe_id, one_of, safe_id, span_range
from khabar.schema.relations import RELATIONS

#: Shared int objects for character offsets: an int above 256 is otherwise one object per use, and a
#: corpus holds millions of offsets (two per token). ``SHARED_INTS[i] == i``.
SHARED_INTS: tuple[int, ...] = tuple(range(1 << 16))


def shared_offsets(size: int) -> Sequence[int]:
    """A table mapping each offset ``0..size`` to an equal int: the shared objects when they fit."""
    return SHARED_INTS if size < len(SHARED_INTS) else range(size + 1)


@dataclass(frozen=True, slots=True)
class Fragment:
    """A contiguous character span ``text[start:end]`` (end exclusive)."""

    start: int
    end: int
    text: str

    def __post_init__(self) -> None:
        if (
            type(self.start) is int
            and type(self.end) is int
            and type(self.text) is str
            and 0 <= self.start < self.end
            and len(self.text) == self.end - self.start
        ):
            return  # the common case in one test (a corpus has hundreds of thousands); the checks below say what is wrong
        span_range(self)
        need(self, "text", str)
        if len(self.text) != self.end - self.start:
            raise SchemaError(
                "span-text",
                f"stated text {self.text!r} has {len(self.text)} characters but the span {self.start}-{self.end} has {self.end - self.start}",
            )


@dataclass(frozen=True, slots=True)
class Token:
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Entity:
    """A discourse entity: a coreference chain, possibly a group of entities."""

    id: str
    type: str
    name: str
    members: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        need(self, "id", str)
        need_safe_id("id", self.id)
        one_of(self, "type", labels.ENTITY_TYPES)
        need(self, "name", str)
        id_list(self, "members")


@dataclass(frozen=True, slots=True)
class Mention:
    """A referring expression: extent ``start:end`` and head ``head_start:head_end``."""

    id: str
    entity: str
    kind: str
    start: int
    end: int
    text: str
    head_start: int
    head_end: int

    def __post_init__(self) -> None:
        if (
            type(self.id) is str
            and type(self.entity) is str
            and type(self.text) is str
            and self.kind in labels.MENTION_KINDS
            and type(self.start) is int
            and type(self.end) is int
            and type(self.head_start) is int
            and type(self.head_end) is int
            and 0 <= self.start < self.end
            and 0 <= self.head_start < self.head_end
            and safe_id(self.id)
            and safe_id(self.entity)
        ):
            return  # the common case in one test; the checks below say what is wrong
        need(self, "id", str)
        need(self, "entity", str)
        need_safe_id("id", self.id)
        need_safe_id("entity", self.entity)
        one_of(self, "kind", labels.MENTION_KINDS)
        span_range(self)
        span_range(self, "head_start", "head_end")
        need(self, "text", str)


@dataclass(frozen=True, slots=True)
class Value:
    """A DATE, TIME, PERCENT, MONEY, QUANTITY, ORDINAL or CARDINAL expression."""

    id: str
    type: str
    start: int
    end: int
    text: str

    def __post_init__(self) -> None:
        if (
            type(self.id) is str
            and type(self.text) is str
            and self.type in labels.VALUE_TYPES
            and type(self.start) is int
            and type(self.end) is int
            and 0 <= self.start < self.end
            and safe_id(self.id)
        ):
            return  # the common case in one test; the checks below say what is wrong
        need(self, "id", str)
        need_safe_id("id", self.id)
        one_of(self, "type", labels.VALUE_TYPES)
        span_range(self)
        need(self, "text", str)


@dataclass(frozen=True, slots=True)
class Relation:
    """A typed relation between two entities, with its evidence sentences."""

    id: str
    label: str
    head: str
    tail: str
    evidence: tuple[int, ...]

    def __post_init__(self) -> None:
        need(self, "id", str)
        need_safe_id("id", self.id)
        one_of(self, "label", tuple(RELATIONS))
        need(self, "head", str)
        need(self, "tail", str)
        need_safe_id("head", self.head)
        need_safe_id("tail", self.tail)
        if not isinstance(self.evidence, tuple) or not all(isinstance(i, int) and not isinstance(i, bool) and i >= 0 for i in self.evidence):
            raise SchemaError("yaml-type", f"`evidence` must be a list of sentence indices, found {self.evidence!r}")


@dataclass(frozen=True, slots=True)
class Attribution:
    """Who said what: cue, source and content, each a list of fragments (PARC 3.0 style)."""

    id: str
    type: str
    cue: tuple[Fragment, ...]
    source: tuple[Fragment, ...]
    content: tuple[Fragment, ...]
    source_entity: str | None = None
    parent: str | None = None

    def __post_init__(self) -> None:
        need(self, "id", str)
        need_safe_id("id", self.id)
        one_of(self, "type", labels.ATTRIBUTION_TYPES)
        for role in labels.ATTRIBUTION_ROLES:
            value = getattr(self, role)
            if not isinstance(value, tuple) or not all(isinstance(f, Fragment) for f in value):
                raise SchemaError("yaml-type", f"`{role}` must be a list of fragments, found {value!r}")
        for role in ("cue", "content"):
            if not getattr(self, role):
                raise SchemaError("yaml-missing-key", f"`{role}` is required and needs at least one fragment")
        need(self, "source_entity", str, optional=True)
        need(self, "parent", str, optional=True)
        need_safe_id("source_entity", self.source_entity)
        need_safe_id("parent", self.parent)


@dataclass(frozen=True, slots=True)
class Document:
    """One annotated document; ``ner`` is derived from the mentions and values."""

    id: str
    title: str | None
    source: str | None
    url: str | None
    published: str | None
    language: str
    licence: str | None  # an id of labels.TEXT_LICENCES; every corpus file states one (``licence-unknown``)
    attribution: str | None  # the credit line the licence asks for
    split: str | None  # one of labels.SPLITS; every corpus file states one (``split-missing``)
    provenance: str | None  # where else the text is published (e.g. in GUM), free text
    text: str
    sentences: tuple[Sentence, ...]
    tokens: tuple[Token, ...]
    entities: tuple[Entity, ...]
    mentions: tuple[Mention, ...]
    values: tuple[Value, ...]
    relations: tuple[Relation, ...]
    attributions: tuple[Attribution, ...]
    ner: tuple[NerSpan, ...] = field(init=False)

    def __post_init__(self) -> None:
        for name in ("id", "language", "text"):
            need(self, name, str)
        for name in ("title", "source", "url", "published", "licence", "attribution", "split", "provenance"):
            need(self, name, str, optional=True)
        if self.split is not None and self.split not in labels.SPLITS:
            raise SchemaError("split-unknown", f"`split` must be one of {', '.join(labels.SPLITS)}; found {self.split!r}")
        if self.licence is not None and self.licence not in labels.TEXT_LICENCES:
            raise SchemaError("licence-unknown", f"`licence` must be one of {', '.join(labels.TEXT_LICENCES)}; found {self.licence!r}")
        object.__setattr__(self, "ner", derive_ner(self))

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle compactly: sentences, and tokens whose texts are slices of ``text``, as offset arrays.

        Documents cross process boundaries when a corpus is read in parallel
        (:func:`khabar.io.project.load_project`); this makes them a third smaller
        and several times faster to pickle. Unpickling builds an equal document."""
        values = {name: getattr(self, name) for name in field_names(Document) if name not in ("tokens", "sentences", "ner")}
        tokens: Any = self.tokens
        if all(t.text == self.text[t.start : t.end] for t in tokens):
            tokens = array("q", [x for t in tokens for x in (t.start, t.end)])
        return (_unpickle_document, (values, tokens, array("q", [x for s in self.sentences for x in (s.start, s.end)])))


def _unpickle_document(fields: dict[str, Any], tokens: Any, sentences: Any) -> Document:
    """The inverse of ``Document.__reduce__``."""
    text = fields["text"]
    if not isinstance(tokens, tuple):
        offsets = tokens.tolist()
        tokens = tokens_at(text, zip(offsets[0::2], offsets[1::2], strict=True))
    offsets = sentences.tolist()
    return Document(**fields, tokens=tokens, sentences=tuple(Sentence(s, e) for s, e in zip(offsets[0::2], offsets[1::2], strict=True)))


def tokens_at(text: str, offsets: Iterable[tuple[int, int]]) -> tuple[Token, ...]:
    """The tokens of ``text`` at ``(start, end)`` pairs, with shared offsets and interned words
    (a corpus holds millions of tokens, mostly the same few thousand words)."""
    ints = shared_offsets(len(text))
    return tuple(Token(ints[s], ints[e], sys.intern(text[s:e])) for s, e in offsets)


def field_names(cls: type) -> tuple[str, ...]:
    """The dataclass's field names in declaration order."""
    return tuple(f.name for f in fields(cls))
