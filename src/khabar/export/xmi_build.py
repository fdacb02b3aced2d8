"""A checked CAS (:mod:`khabar.export.xmi_read`) as a Khabar document.

Each layer is read in the order of its ``xmi:id`` (the order the export wrote it; annotations
added in INCEpTION come after). Sentences and tokens are Khabar's tokenizer's, as in every
reader: the CAS's own are not read. A model error is a finding at the element's line.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from khabar.export.problems import Problems
from khabar.export.xmi_types import ATTRIBUTION, ENTITY, FRAGMENT, MENTION, RELATION, VALUE, utf16_offsets
from khabar.io.corpus_files import DOCUMENT_META
from khabar.schema.labels import ATTRIBUTION_ROLES
from khabar.schema.model import Attribution, Document, Entity, Fragment, Mention, Relation, Value

if TYPE_CHECKING:
    from cassis import Cas


def cas_to_document(p: Problems, cas: Cas, lines: dict[int, int]) -> Document | None:
    """The document of ``cas`` (its text, language and annotations); None when any part has an error (in ``p``)."""
    text = str(cas.sofa_string)
    code_point = {u: i for i, u in enumerate(utf16_offsets(text))}

    def each(type_name: str) -> list[Any]:
        return sorted(cas.select(type_name), key=lambda fs: fs.xmiID)

    def build(fs: Any, what: str, make: Any) -> Any:
        return p.build(make, lines.get(fs.xmiID, 1), what)

    entities = [
        build(fs, "entity", lambda fs=fs: Entity(id=fs.id, type=fs.entityType, name=fs.name, members=tuple((fs.members or "").split()))) for fs in each(ENTITY)
    ]
    mentions = [
        build(
            fs,
            "mention",
            lambda fs=fs: Mention(
                id=fs.id,
                entity=fs.entity.id,
                kind=fs.kind,
                start=fs.begin,
                end=fs.end,
                text=text[fs.begin : fs.end],
                head_start=code_point[fs.headBegin],
                head_end=code_point[fs.headEnd],
            ),
        )
        for fs in each(MENTION)
    ]
    values = [
        build(fs, "value", lambda fs=fs: Value(id=fs.id, type=fs.valueType, start=fs.begin, end=fs.end, text=text[fs.begin : fs.end])) for fs in each(VALUE)
    ]
    relations = [
        build(
            fs,
            "relation",
            lambda fs=fs: Relation(
                id=fs.id,
                label=fs.label,
                head=fs.Governor.id,
                tail=fs.Dependent.id,
                evidence=tuple(int(x) for x in (fs.evidence or "").split(",") if x),
            ),
        )
        for fs in each(RELATION)
    ]
    fragments: dict[int, dict[str, list[Fragment]]] = defaultdict(lambda: {role: [] for role in ATTRIBUTION_ROLES})
    for fs in each(FRAGMENT):
        if fs.role not in ATTRIBUTION_ROLES:
            p.add("label-unknown", f"an attribution fragment has role {fs.role!r}; expected one of {', '.join(ATTRIBUTION_ROLES)}", lines.get(fs.xmiID, 1))
            continue
        fragment = build(fs, "attribution fragment", lambda fs=fs: Fragment(fs.begin, fs.end, text[fs.begin : fs.end]))
        if fragment is not None:
            fragments[fs.attribution.xmiID][fs.role].append(fragment)
    attributions = [
        build(
            fs,
            "attribution",
            lambda fs=fs: Attribution(
                id=fs.id,
                type=fs.attributionType,
                source_entity=None if fs.sourceEntity is None else fs.sourceEntity.id,
                parent=None if fs.parent is None else fs.parent.id,
                **{role: tuple(found) for role, found in fragments[fs.xmiID].items()},
            ),
        )
        for fs in each(ATTRIBUTION)
    ]
    meta = dict.fromkeys(key for key in DOCUMENT_META if key not in ("id", "language"))  # not carried: the corpus file holds them
    layers = {"entities": entities, "mentions": mentions, "values": values, "relations": relations, "attributions": attributions}
    return p.document(text=text, meta={**meta, "language": cas.document_language or "en"}, layers=layers)
