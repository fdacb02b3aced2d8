"""UIMA CAS XMI export (``docs_to_xmi``) for INCEpTION, and its import (``xmi_to_docs``, in
:mod:`khabar.export.xmi_read`), lossless both ways for the annotations.

One ``<id>.xmi`` per document (XML 1.0) and one ``TypeSystem.xml`` for the folder: the
layout of INCEpTION's "UIMA CAS XMI (XML 1.0)" format. :mod:`khabar.export.xmi_types`
holds the type system; the CAS is built and written with ``dkpro-cassis``.

In each CAS, in this order (the import keeps each layer in the order of its ``xmi:id``):
sentences, tokens, entities, mentions, values, relations, attributions, and the
attributions' fragments (role by role, in order). The text is the CAS's document text,
the document's language its ``DocumentAnnotation`` language; other document metadata
(title, source, licence...) stays in the corpus file.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lxml import etree

from khabar.export.common import first_mentions, require_references
from khabar.export.xmi_read import xmi_to_docs
from khabar.export.xmi_types import ATTRIBUTION, ENTITY, FRAGMENT, MENTION, RELATION, SENTENCE, TOKEN, TYPE_SYSTEM_FILE, VALUE, khabar_typesystem, utf16_offsets
from khabar.schema.labels import ATTRIBUTION_ROLES
from khabar.schema.model import Document

if TYPE_CHECKING:
    from cassis import TypeSystem

__all__ = ["docs_to_xmi", "render_xmi", "xmi_to_docs"]


def docs_to_xmi(*, documents: Sequence[Document], out: Path) -> list[Path]:
    """Write ``TypeSystem.xml`` and each document's ``<id>.xmi``."""
    out.mkdir(parents=True, exist_ok=True)
    typesystem = khabar_typesystem()
    written = [out / TYPE_SYSTEM_FILE]
    # cassis writes the type system on one line; one element a line is easier to read and to point at.
    written[0].write_bytes(etree.tostring(etree.fromstring(typesystem.to_xml().encode("utf-8")), pretty_print=True, xml_declaration=True, encoding="UTF-8"))
    for doc in documents:
        xmi = render_xmi(doc=doc, typesystem=typesystem)  # first: a document that cannot be exported writes nothing
        path = out / f"{doc.id}.xmi"
        path.write_bytes(xmi.encode("utf-8"))
        written.append(path)
    return written


def render_xmi(*, doc: Document, typesystem: TypeSystem) -> str:
    """The XMI of ``doc`` (see the module docstring)."""
    from cassis import Cas  # 0.1 s to import (measured): paid by the XMI export, not by `khabar --help`

    require_references(doc=doc)
    cas = Cas(typesystem=typesystem)
    cas.sofa_string = doc.text
    cas.document_language = doc.language
    u16 = utf16_offsets(doc.text)

    def add(type_name: str, begin: int, end: int, **features: Any) -> Any:
        fs = typesystem.get_type(type_name)(begin=begin, end=end, **{k: v for k, v in features.items() if v is not None})
        cas.add(fs)
        return fs

    for s in doc.sentences:
        add(SENTENCE, s.start, s.end)
    for t in doc.tokens:
        add(TOKEN, t.start, t.end)
    first = first_mentions(doc=doc)
    entities = {
        e.id: add(ENTITY, first[e.id].start, first[e.id].end, id=e.id, entityType=e.type, name=e.name, members=" ".join(e.members) or None)
        for e in doc.entities
    }
    for m in doc.mentions:
        add(MENTION, m.start, m.end, id=m.id, entity=entities[m.entity], kind=m.kind, headBegin=u16[m.head_start], headEnd=u16[m.head_end])
    for v in doc.values:
        add(VALUE, v.start, v.end, id=v.id, valueType=v.type)
    for r in doc.relations:
        tail = entities[r.tail]
        evidence = ",".join(map(str, r.evidence)) or None
        add(RELATION, tail.begin, tail.end, Governor=entities[r.head], Dependent=tail, id=r.id, label=r.label, evidence=evidence)
    attributions = {a.id: add(ATTRIBUTION, a.cue[0].start, a.cue[0].end, id=a.id, attributionType=a.type) for a in doc.attributions}
    for a in doc.attributions:  # a parent may come later: references are set once every attribution exists
        if a.source_entity is not None:
            attributions[a.id].sourceEntity = entities[a.source_entity]
        if a.parent is not None:
            attributions[a.id].parent = attributions[a.parent]
    for a in doc.attributions:
        for role in ATTRIBUTION_ROLES:
            for f in getattr(a, role):
                add(FRAGMENT, f.start, f.end, role=role, attribution=attributions[a.id])
    return str(cas.to_xmi(pretty_print=True))
