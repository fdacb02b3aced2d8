"""The brat mapping shared by the writer (:mod:`khabar.export.brat`) and the reader
(:mod:`khabar.export.brat_read`): type names, relation labels, the note syntax and
``annotation.conf``. ``docs/formats.md`` documents every table here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from types import MappingProxyType

from khabar.io.corpus_files import DOCUMENT_META
from khabar.schema.labels import ATTRIBUTION_TYPES, ENTITY_TYPES, MENTION_KINDS, VALUE_TYPES
from khabar.schema.relations import RELATIONS

#: Text-bound types of the three attribution roles. The cue is the trigger of an
#: ``Attribution`` event, and brat wants a trigger typed like its event.
EVENT = "Attribution"
PART_TYPES: Mapping[str, str] = MappingProxyType({"cue": EVENT, "source": "Source", "content": "Content"})
KIND = "Kind"  # attribute of a mention: NAM, NOM or PRO
ATTRIBUTION_TYPE = "AttributionType"  # attribute of an event: direct, indirect or mixed
COREF = "Coref"  # equivalence (``*``) lines
NOTE = "AnnotatorNotes"
#: Event argument roles: Source and Content are text-bound parts, Speaker a mention
#: of the source entity, Parent the enclosing attribution's event.
ROLES = ("Source", "Content", "Speaker", "Parent")
META_SUFFIX = ".meta.json"
META_KEYS = tuple(key for key in DOCUMENT_META if key != "id")  # the document's front matter but its id (the file name)


def brat_label(*, label: str) -> str:
    """brat type names cannot hold ':'; ``per:origin`` is ``per_origin``."""
    return label.replace(":", "_")


#: brat relation type -> Khabar label; one entry per label (checked at import time).
RELATION_LABELS: Mapping[str, str] = MappingProxyType({brat_label(label=name): name for name in RELATIONS})
assert len(RELATION_LABELS) == len(RELATIONS), "the relation label mapping must be reversible"

_BARE = re.compile(r'[^\s"\\]+')
_PAIR = re.compile(r'([a-z_]+)=("(?:[^"\\]|\\.)*"|[^\s"\\]+)(?:[ ]+|$)')


def shown(*, text: str) -> str:
    """Text as a brat line can hold it: tabs and line breaks become spaces."""
    return re.sub(r"[\t\n\r]", " ", text)


def render_note(*, pairs: list[tuple[str, str]]) -> str:
    """``key=value`` pairs separated by one space; a value with whitespace, quotes or
    backslashes (or an empty one) is a JSON string."""
    return " ".join(f"{key}={value if _BARE.fullmatch(value) else json.dumps(value, ensure_ascii=False)}" for key, value in pairs)


def parse_note(*, text: str) -> list[tuple[str, str]]:
    """The pairs of a note; ``ValueError`` with a message where it does not parse."""
    pairs, at = [], 0
    while at < len(text):
        match = _PAIR.match(text, at)
        if match is None:
            raise ValueError(f"expected key=value pairs (a value with spaces in double quotes); found {text[at : at + 30]!r}")
        key, raw = match.groups()
        try:
            value = json.loads(raw) if raw.startswith('"') else raw
        except json.JSONDecodeError as exc:
            raise ValueError(f"the quoted value of `{key}` is not a valid JSON string: {exc.msg}") from None
        pairs.append((key, value))
        at = match.end()
    return pairs


def render_conf() -> str:
    """``annotation.conf``: every type, relation, event and attribute the export uses."""
    mention_types = "|".join(ENTITY_TYPES)
    lines = [
        "# brat configuration of a Khabar export (`khabar export --format brat`).",
        "# Relation types are Khabar labels with ':' written as '_' (per:origin -> per_origin).",
        "[entities]",
        *ENTITY_TYPES,
        *VALUE_TYPES,
        PART_TYPES["source"],
        PART_TYPES["content"],
        "",
        "[relations]",
        f"{COREF}\tArg1:{mention_types}, Arg2:{mention_types}, <REL-TYPE>:symmetric-transitive",
        *(f"{brat_label(label=r.name)}\tArg1:{'|'.join(r.head_types)}, Arg2:{'|'.join(r.tail_types)}" for r in RELATIONS.values()),
        "<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>",
        "",
        "[events]",
        f"{EVENT}\tSource?:{PART_TYPES['source']}, Content:{PART_TYPES['content']}, Speaker?:{mention_types}, Parent?:{EVENT}",
        "",
        "[attributes]",
        f"{KIND}\tArg:{mention_types}, Value:{'|'.join(MENTION_KINDS)}",
        f"{ATTRIBUTION_TYPE}\tArg:{EVENT}, Value:{'|'.join(ATTRIBUTION_TYPES)}",
    ]
    return "\n".join(lines) + "\n"
