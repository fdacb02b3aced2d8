"""brat standoff export (``docs_to_brat``) and import (``brat_to_docs``, in
:mod:`khabar.export.brat_read`), lossless both ways.

Per document: ``<id>.txt`` (the text), ``<id>.ann`` and ``<id>.meta.json`` (title,
source, url, published, language, licence, attribution, split, provenance: brat has no
document metadata; brat ignores the file). One ``annotation.conf`` for the folder.

``<id>.ann`` holds, in this order (each section in Khabar's annotation order, which
is how the import recovers that order):

* ``T`` mentions, typed by their entity type; ``T`` values, typed by value type;
  per attribution its cue (type ``Attribution``), source (``Source``, when there is
  one) and content (``Content``), discontinuous where the role has several fragments.
* ``A`` attributes: ``Kind Tn NAM|NOM|PRO`` per mention, ``AttributionType En ...``
  per attribution.
* ``*`` ``Coref`` lines: one per entity with two or more mentions, in text order.
* ``R`` relations between the first mention (text order) of the head entity and of
  the tail entity, the label with ':' written as '_'.
* ``E`` events ``Attribution:<cue> Source:<source> Content:<content>
  Speaker:<mention of the source entity> Parent:<parent event>``. Speaker is the
  entity's first mention inside the source, else its first mention.
* ``#`` ``AnnotatorNotes`` in ``key=value`` syntax (values with spaces JSON-quoted):
  first one per entity, in entity order, on its first mention
  (``id=m3 head=10-21 entity=ismail-khan name="Ismail Khan" member=...``); then the
  other mentions (``id=``, ``head=`` when the head is not the whole extent),
  values (``id=``), relations (``id= evidence=0,3``) and attributions (``id=``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from khabar.export.brat_format import (
    ATTRIBUTION_TYPE,
    COREF,
    EVENT,
    KIND,
    META_KEYS,
    META_SUFFIX,
    NOTE,
    PART_TYPES,
    brat_label,
    render_conf,
    render_note,
    shown,
)
from khabar.export.brat_read import brat_to_docs
from khabar.export.common import mention_order, require_references
from khabar.schema.labels import ATTRIBUTION_ROLES
from khabar.schema.model import Document, Fragment, Mention

__all__ = ["brat_to_docs", "docs_to_brat", "render_ann", "render_meta"]


def docs_to_brat(*, documents: Sequence[Document], out: Path) -> list[Path]:
    """Write ``annotation.conf`` and each document's ``.txt``, ``.ann`` and ``.meta.json``."""
    out.mkdir(parents=True, exist_ok=True)
    written = [out / "annotation.conf"]
    written[0].write_text(render_conf(), encoding="utf-8")
    for doc in documents:
        ann = render_ann(doc=doc)  # first: a document that cannot be exported writes nothing
        for suffix, content in ((".txt", doc.text), (".ann", ann), (META_SUFFIX, render_meta(doc=doc))):
            path = out / f"{doc.id}{suffix}"
            path.write_bytes(content.encode("utf-8"))  # bytes: no newline translation
            written.append(path)
    return written


def render_meta(*, doc: Document) -> str:
    return json.dumps({key: getattr(doc, key) for key in META_KEYS}, ensure_ascii=False, indent=2) + "\n"


def _offsets(fragments: Sequence[Fragment]) -> str:
    return ";".join(f"{f.start} {f.end}" for f in fragments)


def _covered(doc: Document, fragments: Sequence[Fragment]) -> str:
    return " ".join(shown(text=doc.text[f.start : f.end]) for f in fragments)


def render_ann(*, doc: Document) -> str:
    """The ``.ann`` file of ``doc`` (see the module docstring)."""
    require_references(doc=doc)
    t_lines: list[str] = []

    def text_bound(kind: str, fragments: Sequence[Fragment]) -> str:
        t_lines.append(f"T{len(t_lines) + 1}\t{kind} {_offsets(fragments)}\t{_covered(doc, fragments)}")
        return f"T{len(t_lines)}"

    types = {e.id: e.type for e in doc.entities}
    mention_t = [text_bound(types[m.entity], (Fragment(m.start, m.end, doc.text[m.start : m.end]),)) for m in doc.mentions]
    value_t = [text_bound(v.type, (Fragment(v.start, v.end, doc.text[v.start : v.end]),)) for v in doc.values]
    in_order = sorted(range(len(doc.mentions)), key=lambda i: mention_order(doc.mentions[i]))  # stable
    first: dict[str, int] = {}
    for i in in_order:
        first.setdefault(doc.mentions[i].entity, i)
    a_lines = [f"{KIND} {mention_t[i]} {m.kind}" for i, m in enumerate(doc.mentions)]
    event = {a.id: f"E{n}" for n, a in enumerate(doc.attributions, start=1)}
    e_lines, attribution_notes = [], []
    for a in doc.attributions:
        args = [f"{EVENT}:{text_bound(PART_TYPES['cue'], a.cue)}"]
        args += [f"{PART_TYPES[role]}:{text_bound(PART_TYPES[role], getattr(a, role))}" for role in ATTRIBUTION_ROLES[1:] if getattr(a, role)]
        if a.source_entity is not None:
            inside = [i for i in in_order if doc.mentions[i].entity == a.source_entity and _inside(doc.mentions[i], a.source)]
            args.append(f"Speaker:{mention_t[inside[0] if inside else first[a.source_entity]]}")
        if a.parent is not None:
            args.append(f"Parent:{event[a.parent]}")
        e_lines.append(f"{event[a.id]}\t{' '.join(args)}")
        a_lines.append(f"{ATTRIBUTION_TYPE} {event[a.id]} {a.type}")
        attribution_notes.append((event[a.id], [("id", a.id)]))
    coref = []
    for e in doc.entities:
        chain = [mention_t[i] for i in in_order if doc.mentions[i].entity == e.id]
        if len(chain) > 1:
            coref.append(f"*\t{COREF} " + " ".join(chain))
    r_lines, relation_notes = [], []
    for n, r in enumerate(doc.relations, start=1):
        r_lines.append(f"R{n}\t{brat_label(label=r.label)} Arg1:{mention_t[first[r.head]]} Arg2:{mention_t[first[r.tail]]}")
        relation_notes.append((f"R{n}", [("id", r.id)] + ([("evidence", ",".join(map(str, r.evidence)))] if r.evidence else [])))
    entity_notes = [
        (mention_t[first[e.id]], _mention_pairs(doc.mentions[first[e.id]]) + [("entity", e.id), ("name", e.name)] + [("member", x) for x in e.members])
        for e in doc.entities
    ]
    representatives = set(first.values())
    mention_notes = [(mention_t[i], _mention_pairs(m)) for i, m in enumerate(doc.mentions) if i not in representatives]
    value_notes = [(value_t[i], [("id", v.id)]) for i, v in enumerate(doc.values)]
    notes = entity_notes + mention_notes + value_notes + relation_notes + attribution_notes
    lines = t_lines + [f"A{n}\t{line}" for n, line in enumerate(a_lines, start=1)] + coref + r_lines + e_lines
    lines += [f"#{n}\t{NOTE} {target}\t{render_note(pairs=pairs)}" for n, (target, pairs) in enumerate(notes, start=1)]
    return "".join(line + "\n" for line in lines)


def _inside(m: Mention, fragments: Sequence[Fragment]) -> bool:
    return any(f.start <= m.start and m.end <= f.end for f in fragments)


def _mention_pairs(m: Mention) -> list[tuple[str, str]]:
    head = [] if (m.head_start, m.head_end) == (m.start, m.end) else [("head", f"{m.head_start}-{m.head_end}")]
    return [("id", m.id)] + head
