"""Reference checks: every id that is named exists; no cycles; sound groups."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from khabar.core.findings import Finding
from khabar.io.project import Corpus


def check_references(corpus: Corpus) -> Iterator[Finding]:
    for doc in corpus.documents:
        entities = {e.id for e in doc.entities}
        attributions = {a.id for a in doc.attributions}

        def missing(ref: str | None, pool: set[str], field: str, owner: str, kind: str, document: str = doc.id) -> Iterator[Finding]:
            if ref is not None and ref not in pool:
                yield corpus.locate(
                    "ref-missing",
                    f"`{field}` names {kind} {ref!r}, which does not exist; expected one of the document's {kind} ids",
                    document=document,
                    annotation=owner,
                )

        for m in doc.mentions:
            yield from missing(m.entity, entities, "entity", m.id, "entity")
        for e in doc.entities:
            for member in e.members:
                yield from missing(member, entities, "members", e.id, "entity")
        for r in doc.relations:
            yield from missing(r.head, entities, "head", r.id, "entity")
            yield from missing(r.tail, entities, "tail", r.id, "entity")
            for index in r.evidence:
                if index >= len(doc.sentences):
                    yield corpus.locate(
                        "evidence-range",
                        f"evidence sentence {index} does not exist; the document has sentences 0-{len(doc.sentences) - 1} (`khabar stats --sentences` lists them)",
                        document=doc.id,
                        annotation=r.id,
                    )
        for a in doc.attributions:
            yield from missing(a.source_entity, entities, "source_entity", a.id, "entity")
            yield from missing(a.parent, attributions, "parent", a.id, "attribution")


def _cycle(start: str, edges: Mapping[str, tuple[str, ...]]) -> bool:
    seen, stack = set(), list(edges.get(start, ()))
    while stack:
        node = stack.pop()
        if node == start:
            return True
        if node not in seen:
            seen.add(node)
            stack.extend(edges.get(node, ()))
    return False


def check_nesting(corpus: Corpus) -> Iterator[Finding]:
    for doc in corpus.documents:
        parents = {a.id: (a.parent,) for a in doc.attributions if a.parent and a.parent != a.id}
        members = {e.id: tuple(m for m in e.members if m != e.id) for e in doc.entities}
        for a in doc.attributions:
            if a.parent == a.id or _cycle(a.id, parents):
                yield corpus.locate(
                    "nesting-cycle",
                    f"attribution {a.id} is its own ancestor through `parent`; expected parents to form a tree",
                    document=doc.id,
                    annotation=a.id,
                )
        for e in doc.entities:
            if _cycle(e.id, members):
                yield corpus.locate(
                    "nesting-cycle",
                    f"group {e.id} contains itself through its members' members; expected groups of individuals",
                    document=doc.id,
                    annotation=e.id,
                )


def check_groups(corpus: Corpus) -> Iterator[Finding]:
    for doc in corpus.documents:
        for e in doc.entities:
            if e.id in e.members:
                yield corpus.locate("group-self", f"group {e.id} lists itself as a member; remove it from `members`", document=doc.id, annotation=e.id)
            distinct = set(e.members) - {e.id}
            if e.members and len(distinct) < 2:
                yield corpus.locate(
                    "group-size",
                    f"group {e.id} has {len(distinct)} distinct member(s); a group needs at least two (or drop `members` for a single entity)",
                    document=doc.id,
                    annotation=e.id,
                )


CHECKS = (check_references, check_nesting, check_groups)
