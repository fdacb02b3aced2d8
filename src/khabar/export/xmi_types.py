"""The UIMA type system of the XMI export (:mod:`khabar.export.xmi`) and import
(:mod:`khabar.export.xmi_read`), as INCEpTION's "UIMA CAS XMI" format expects it.

Sentences and tokens are DKPro Core's types, which INCEpTION shows as its
segmentation. Khabar's four layers are custom layers (``webanno.custom.*``, the
names INCEpTION gives to a project's own layers): span layers for entities,
mentions, values, attributions and attribution fragments, and a relation layer
(``Governor``/``Dependent``) for relations. Every feature Khabar reads is listed
in :data:`FEATURES`; ``docs/formats.md`` documents each.

Offsets in an XMI file count UTF-16 code units, as UIMA (Java) does; ``cassis``
turns ``begin``/``end`` into Python's code points, and :func:`utf16_offsets` does
the same for the head offsets of a mention.
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import accumulate
from types import MappingProxyType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cassis import TypeSystem

SENTENCE = "de.tudarmstadt.ukp.dkpro.core.api.segmentation.type.Sentence"
TOKEN = "de.tudarmstadt.ukp.dkpro.core.api.segmentation.type.Token"
ENTITY = "webanno.custom.KhabarEntity"
MENTION = "webanno.custom.KhabarMention"
VALUE = "webanno.custom.KhabarValue"
RELATION = "webanno.custom.KhabarRelation"
ATTRIBUTION = "webanno.custom.KhabarAttribution"
FRAGMENT = "webanno.custom.KhabarAttributionFragment"
TYPE_SYSTEM_FILE = "TypeSystem.xml"
STRING, INTEGER = "uima.cas.String", "uima.cas.Integer"

#: Khabar's types and their features: name -> range (a primitive, or the type a reference points at), and
#: whether Khabar needs it. Every annotation also has ``begin`` and ``end``.
FEATURES: Mapping[str, Mapping[str, tuple[str, bool]]] = MappingProxyType(
    {
        # An entity is anchored on its first mention (text order); ``members`` lists a group's entity ids, space-separated.
        ENTITY: {"id": (STRING, True), "entityType": (STRING, True), "name": (STRING, True), "members": (STRING, False)},
        # ``headBegin``/``headEnd`` count like begin/end (UTF-16 code units).
        MENTION: {"id": (STRING, True), "entity": (ENTITY, True), "kind": (STRING, True), "headBegin": (INTEGER, True), "headEnd": (INTEGER, True)},
        VALUE: {"id": (STRING, True), "valueType": (STRING, True)},
        # A relation layer over the entity layer: anchored, as INCEpTION's relations are, on its Dependent; evidence "0,3".
        RELATION: {"Governor": (ENTITY, True), "Dependent": (ENTITY, True), "id": (STRING, True), "label": (STRING, True), "evidence": (STRING, False)},
        # An attribution is anchored on its first cue fragment; its fragments (role cue, source or content) point at it.
        ATTRIBUTION: {"id": (STRING, True), "attributionType": (STRING, True), "sourceEntity": (ENTITY, False), "parent": (ATTRIBUTION, False)},
        FRAGMENT: {"role": (STRING, True), "attribution": (ATTRIBUTION, True)},
    }
)


def khabar_typesystem() -> TypeSystem:
    """The type system the export writes as ``TypeSystem.xml``."""
    from cassis import TypeSystem  # 0.1 s to import (measured): paid by the XMI export and import, not by `khabar --help`

    ts = TypeSystem()
    for name in (SENTENCE, TOKEN, *FEATURES):
        ts.create_type(name=name, supertypeName="uima.tcas.Annotation")
    for name, features in FEATURES.items():
        for feature, (range_type, _) in features.items():
            ts.create_feature(domainType=name, name=feature, rangeType=range_type)
    return ts


def utf16_offsets(text: str) -> list[int]:
    """``offsets[i]``: the UTF-16 offset of the code point offset ``i`` of ``text`` (``len(text) + 1`` entries)."""
    return [0, *accumulate(2 if ord(c) > 0xFFFF else 1 for c in text)]
