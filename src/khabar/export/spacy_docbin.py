"""spaCy export: one ``DocBin`` file, ``khabar.spacy``, with one ``Doc`` per document.

Each ``Doc`` is ``khabar.io.tokenize.pipeline()`` run on the text (``spacy.blank("en")``
plus the sentencizer): every spaCy token, whitespace tokens included, so
``Doc.char_span`` finds every Khabar span, and sentence starts as Khabar has them.

=========================  ===============================================================
``doc.ents``               the derived ``ner`` layer; label = OntoNotes label
``doc.spans["mentions"]``  every mention, in annotation order; label = entity id,
                           kb_id = entity type, id = mention id
``doc.spans["entity:<id>"]``  that entity's mentions; label = mention kind (NAM/NOM/PRO),
                           kb_id = entity type, id = mention id; the group's ``attrs``
                           hold ``type``, ``name`` and ``members``
``doc.spans["attribution_cue"]`` (also ``_source``, ``_content``)
                           every fragment of that role; label = attribution id,
                           kb_id = attribution type
``doc.user_data["khabar"]``  ``{"id", "title", "source", "url", "published", "language", "licence",
                           "attribution", "split", "provenance"}``
=========================  ===============================================================

Read it back with ``DocBin().from_disk(path).get_docs(nlp.vocab)``. Not carried:
mention heads, value ids, relations, attribution ``source_entity`` and ``parent``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from khabar.core.findings import KhabarError, finding
from khabar.export.common import require_references
from khabar.io.corpus_files import DOCUMENT_META
from khabar.io.tokenize import pipeline
from khabar.schema.labels import ATTRIBUTION_ROLES
from khabar.schema.model import Document

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

FILE_NAME = "khabar.spacy"
META = DOCUMENT_META


def docs_to_spacy(*, documents: Sequence[Document], out: Path) -> list[Path]:
    """Write ``out/khabar.spacy`` (a ``DocBin`` with user data); return ``[path]``."""
    from spacy.tokens import DocBin  # 2.5 s to import (measured): paid by this export, not by `khabar --help`, which lists the formats

    out.mkdir(parents=True, exist_ok=True)
    docbin = DocBin(store_user_data=True)
    for doc in documents:
        docbin.add(to_spacy_doc(doc=doc))
    path = out / FILE_NAME
    docbin.to_disk(path)
    return [path]


def _span(sdoc: Doc, doc: Document, start: int, end: int, *, what: str, label: str, kb_id: str = "", span_id: str = "") -> Span:
    span = sdoc.char_span(start, end, label=label, kb_id=kb_id, span_id=span_id)
    if span is None:
        raise KhabarError(
            [
                finding(
                    "span-token-boundary",
                    f"{what} {start}-{end} ({doc.text[start:end]!r}) does not start and end on spaCy token boundaries; it cannot be exported",
                    document=doc.id,
                    span=(start, end),
                )
            ]
        )
    return span


def to_spacy_doc(*, doc: Document) -> Doc:
    """The spaCy ``Doc`` of one Khabar document (see the module docstring for the layout)."""
    require_references(doc=doc)
    sdoc = pipeline()(doc.text)
    # Khabar's sentences, not the bare sentencizer's: khabar.io.tokenize also ends a sentence at a line
    # break and moves an opening quote to the sentence it opens (the relation evidence counts these).
    starts = {s.start for s in doc.sentences}
    for token in sdoc[1:]:
        token.is_sent_start = token.idx in starts
    types = {e.id: e.type for e in doc.entities}
    sdoc.ents = [_span(sdoc, doc, s.start, s.end, what="ner span", label=s.label) for s in doc.ner]
    sdoc.spans["mentions"] = [
        _span(sdoc, doc, m.start, m.end, what=f"mention {m.id}", label=m.entity, kb_id=types[m.entity], span_id=m.id) for m in doc.mentions
    ]
    for e in doc.entities:
        sdoc.spans[f"entity:{e.id}"] = [
            _span(sdoc, doc, m.start, m.end, what=f"mention {m.id}", label=m.kind, kb_id=e.type, span_id=m.id) for m in doc.mentions if m.entity == e.id
        ]
        sdoc.spans[f"entity:{e.id}"].attrs.update({"type": e.type, "name": e.name, "members": list(e.members)})
    for role in ATTRIBUTION_ROLES:
        sdoc.spans[f"attribution_{role}"] = [
            _span(sdoc, doc, f.start, f.end, what=f"attribution {a.id} {role}", label=a.id, kb_id=a.type) for a in doc.attributions for f in getattr(a, role)
        ]
    sdoc.user_data["khabar"] = {key: getattr(doc, key) for key in META}
    return sdoc
