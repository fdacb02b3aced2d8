"""Consistency of relations and attributions."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator

from khabar.core.findings import Finding
from khabar.io.project import Corpus
from khabar.schema.labels import ATTRIBUTION_ROLES
from khabar.schema.relations import RELATIONS


def check_relation_signatures(corpus: Corpus) -> Iterator[Finding]:
    for doc in corpus.documents:
        types = {e.id: e.type for e in doc.entities}
        for r in doc.relations:
            spec = RELATIONS[r.label]
            head, tail = types.get(r.head), types.get(r.tail)
            if head is None or tail is None:
                continue  # ref-missing reports it
            if head not in spec.head_types or tail not in spec.tail_types:
                yield corpus.locate(
                    "relation-signature",
                    f"{r.label} needs head {'/'.join(spec.head_types)} and tail {'/'.join(spec.tail_types)}; found {r.head} ({head}) -> {r.tail} ({tail}) (reversed, or the wrong label?)",
                    document=doc.id,
                    annotation=r.id,
                )


def check_relation_duplicates(corpus: Corpus) -> Iterator[Finding]:
    for doc in corpus.documents:
        stored: dict[tuple[str, str, str], str] = {}
        for r in doc.relations:
            spec = RELATIONS[r.label]
            key = (r.label, r.head, r.tail)
            twin = stored.get(key) or (stored.get((r.label, r.tail, r.head)) if spec.symmetric else None)
            if twin:
                yield corpus.locate(
                    "relation-duplicate", f"{r.label}({r.head}, {r.tail}) is already stored as {twin}; remove one", document=doc.id, annotation=r.id
                )
            inverse = stored.get((spec.inverse, r.tail, r.head)) if spec.inverse else None
            if inverse:
                yield corpus.locate(
                    "relation-inverse",
                    f"{r.label}({r.head}, {r.tail}) is the inverse of stored {inverse} {spec.inverse}({r.tail}, {r.head}); store one direction only",
                    document=doc.id,
                    annotation=r.id,
                )
            stored.setdefault(key, r.id)


def _inside(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(s <= start and end <= e for s, e in spans)


def _mentions_inside(spans: list[tuple[int, int]], mentions: list[tuple[int, int, str]], starts: list[int]) -> Iterator[tuple[int, int, str]]:
    """The mentions (sorted by start, ``starts`` their starts) inside one of ``spans``."""
    for s, e in spans:
        for start, end, entity in mentions[bisect_left(starts, s) : bisect_left(starts, e)]:
            if end <= e:
                yield start, end, entity


def check_attributions(corpus: Corpus) -> Iterator[Finding]:
    for doc in corpus.documents:
        by_id = {a.id: a for a in doc.attributions}
        mentions = sorted((m.start, m.end, m.entity) for m in doc.mentions)  # once per document, not per attribution
        starts = [m[0] for m in mentions]
        for a in doc.attributions:
            frags = {role: [(f.start, f.end) for f in getattr(a, role)] for role in ATTRIBUTION_ROLES}
            parent = by_id.get(a.parent) if a.parent else None
            if parent is not None and parent.id != a.id:
                room = [(f.start, f.end) for f in parent.content]
                if not all(_inside(s, e, room) for spans in frags.values() for s, e in spans):
                    yield corpus.locate(
                        "attribution-outside-parent",
                        f"nested attribution {a.id} is not inside the content of its parent {parent.id}; expected every fragment within the parent's content",
                        document=doc.id,
                        annotation=a.id,
                    )
            roles = [(role, s, e) for role, spans in frags.items() for s, e in spans]
            clash = next(((r1, r2) for i, (r1, s1, e1) in enumerate(roles) for r2, s2, e2 in roles[i + 1 :] if r1 != r2 and s1 < e2 and s2 < e1), None)
            if clash:
                yield corpus.locate(
                    "attribution-role-overlap",
                    f"the {clash[0]} and {clash[1]} of {a.id} overlap; expected cue, source and content to be disjoint",
                    document=doc.id,
                    annotation=a.id,
                )
            source = frags["source"]
            within = list(_mentions_inside(source, mentions, starts))
            inside = {entity for _, _, entity in within}
            exact = {entity for start, end, entity in within if (start, end) in source}
            if a.source_entity is not None and a.source_entity not in inside:
                yield corpus.locate(
                    "attribution-source-entity",
                    f"source_entity {a.source_entity} has no mention inside the source {[f.text for f in a.source]}; expected the entity of a source mention",
                    document=doc.id,
                    annotation=a.id,
                )
            elif a.source_entity is None and exact:
                yield corpus.locate(
                    "attribution-source-entity",
                    f"the source {[f.text for f in a.source]} is a mention of {', '.join(sorted(exact))} but source_entity is null; name that entity",
                    document=doc.id,
                    annotation=a.id,
                )


CHECKS = (check_relation_signatures, check_relation_duplicates, check_attributions)
