"""What changed between two versions of the annotations, in human terms: ``khabar diff A B``.

Annotations are matched by content, never by id, so renumbered mentions or a
renamed entity id are no change. Mentions are matched by extent, then (same
entity, overlapping extent) as re-spanned; entities by the mentions they share
(two old chains whose mentions now form one chain were merged, the reverse is a
split); relations by (label, head entity's name, tail entity's name);
attributions by their cue span.

Each side is read by :func:`load_revision`: a folder or a git revision.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from itertools import groupby
from typing import TypeVar

from khabar.core.findings import visible
from khabar.io.revisions import load_revision
from khabar.schema.labels import ATTRIBUTION_ROLES
from khabar.schema.model import Attribution, Document, Mention, Relation, Value
from khabar.schema.relations import RELATIONS

__all__ = ["KINDS", "Change", "diff_annotations", "load_revision", "report_lines", "summary_line"]

T = TypeVar("T")

#: Every kind of change, in report order.
KINDS = (
    "document-added",
    "document-removed",
    "text-changed",
    "entity-added",
    "entity-removed",
    "entity-merged",
    "entity-split",
    "entity-renamed",
    "entity-retyped",
    "entity-members",
    "mention-added",
    "mention-removed",
    "mention-respanned",
    "mention-kind",
    "mention-head",
    "mention-entity",
    "value-added",
    "value-removed",
    "value-retyped",
    "relation-added",
    "relation-removed",
    "relation-changed",
    "relation-evidence",
    "attribution-added",
    "attribution-removed",
    "attribution-changed",
)


@dataclass(frozen=True, slots=True)
class Change:
    document: str
    kind: str
    description: str


def _q(text: str) -> str:
    """A name or a text, quoted on one line: a newline as a space, other control characters and bidi overrides visible."""
    return "'" + visible(text.replace("\n", " ")) + "'"


def _ev(r: Relation) -> str:
    return ", ".join(f"s{i}" for i in r.evidence) or "none"


def _pair(old: Iterable[T], new: Iterable[T], same: Callable[[T, T], bool]) -> tuple[list[tuple[T, T]], list[T], list[T]]:
    """Each old item with the first unpaired new one that ``same`` accepts; then the unpaired old and new items."""
    pairs, lost, left = [], [], list(new)
    for o in old:
        n = next((n for n in left if same(o, n)), None)
        if n is None:
            lost.append(o)
        else:
            left.remove(n)
            pairs.append((o, n))
    return pairs, lost, left


def _best(counts: Counter[tuple[str, str]], side: int) -> dict[str, str]:
    """For each entity on ``side`` (0 old, 1 new), the partner sharing most mentions
    (ties: the same id, then the first id alphabetically)."""
    options: dict[str, list[tuple[int, bool, str]]] = {}
    for pair, n in counts.items():
        options.setdefault(pair[side], []).append((-n, pair[0] != pair[1], pair[1 - side]))
    return {key: min(found)[2] for key, found in options.items()}


def _span(a: Mention | Value, b: Mention | Value) -> bool:
    return (a.start, a.end) == (b.start, b.end)


class _DocDiff:
    def __init__(self, old: Document, new: Document) -> None:
        self.old, self.new = old, new
        self.changes: list[Change] = []
        self.old_e, self.new_e = {e.id: e for e in old.entities}, {e.id: e for e in new.entities}
        self.fwd: dict[str, str] = {}  # old entity -> the new one that has most of its mentions
        self.bwd: dict[str, str] = {}  # new entity -> the old one that had most of its mentions
        self.fwd_all: dict[str, str] = {}

    def add(self, kind: str, description: str) -> None:
        self.changes.append(Change(self.new.id, kind, description))

    def ent(self, entity_id: str | None, new: bool) -> str:
        e = (self.new_e if new else self.old_e).get(entity_id or "")
        return f"{_q(e.name)} ({e.id})" if e else f"({entity_id})"

    def where(self, doc: Document, item: Mention | Value) -> str:
        return f"s{max([i for i, s in enumerate(doc.sentences) if s.start <= item.start] or [0])}"

    def mention(self, m: Mention, new: bool) -> str:
        return f"{m.id} {_q(m.text)} ({m.kind} of {self.ent(m.entity, new)}, {self.where(self.new if new else self.old, m)})"

    # -- mentions and entities ---------------------------------------------
    def mentions(self) -> None:
        pairs, lost, left = _pair(self.old.mentions, self.new.mentions, _span)
        fwd = _best(Counter((o.entity, n.entity) for o, n in pairs), 0)
        for o in lost:  # re-spanned: the same entity, an overlapping extent
            fits = [n for n in left if n.start < o.end and o.start < n.end and n.entity == fwd.get(o.entity, o.entity)]
            if fits:
                pairs.append((o, max(fits, key=lambda n: (min(o.end, n.end) - max(o.start, n.start), -abs(n.start - o.start)))))
                left.remove(pairs[-1][1])
        counts = Counter((o.entity, n.entity) for o, n in pairs)
        self.fwd, self.bwd = _best(counts, 0), _best(counts, 1)
        self.entities()
        for o, n in pairs:
            if not _span(o, n):
                self.add("mention-respanned", f"{o.id} {_q(o.text)} -> {_q(n.text)} (re-spanned, {o.start}-{o.end} -> {n.start}-{n.end})")
            elif (o.head_start, o.head_end) != (n.head_start, n.head_end):
                heads = _q(self.old.text[o.head_start : o.head_end]), _q(self.new.text[n.head_start : n.head_end])
                self.add("mention-head", f"{o.id} {_q(o.text)}: head {heads[0]} -> {heads[1]}")
            if o.kind != n.kind:
                self.add("mention-kind", f"{o.id} {_q(o.text)}: {o.kind} -> {n.kind}")
            if self.fwd.get(o.entity) != n.entity and self.bwd.get(n.entity) != o.entity:  # not explained by a merge or split
                self.add("mention-entity", f"{o.id} {_q(o.text)} moved from {self.ent(o.entity, False)} to {self.ent(n.entity, True)}")
        paired = {id(o) for o, _ in pairs}
        for o in (o for o in lost if id(o) not in paired):
            self.add("mention-removed", self.mention(o, False))
        for n in left:
            self.add("mention-added", self.mention(n, True))

    def entities(self) -> None:
        grouped: set[str] = set()
        for target in sorted(set(self.fwd.values())):
            sources = sorted(x for x, y in self.fwd.items() if y == target)
            if len(sources) > 1:
                grouped.update(sources)
                self.add("entity-merged", f"{' + '.join(self.ent(x, False) for x in sources)} merged into {self.ent(target, True)}")
        for source in sorted(set(self.bwd.values())):
            targets = sorted(y for y, x in self.bwd.items() if x == source)
            if len(targets) > 1:
                grouped.add(source)
                self.add("entity-split", f"{self.ent(source, False)} split into {' + '.join(self.ent(y, True) for y in targets)}")
        pairs = {x: y for x, y in self.fwd.items() if self.bwd.get(y) == x and x not in grouped}
        lone_new = [y for y in self.new_e if y not in self.bwd]
        for x in self.old_e:
            if x not in self.fwd and x in lone_new:  # no mentions on either side: match by id
                pairs[x] = x
                lone_new.remove(x)
        self.fwd_all = {**self.fwd, **pairs}
        for x, y in pairs.items():
            o, n = self.old_e.get(x), self.new_e.get(y)
            if o is None or n is None:
                continue
            if o.name != n.name:
                self.add("entity-renamed", f"{self.ent(x, False)} renamed to {_q(n.name)} ({y})")
            if o.type != n.type:
                self.add("entity-retyped", f"{self.ent(y, True)}: {o.type} -> {n.type}")
            before, after = {self.fwd_all.get(m, m) for m in o.members}, set(n.members)
            if before != after:
                gained = "".join(f" + {self.ent(m, True)}" for m in sorted(after - before))
                lost = "".join(f" - {self.ent(m, True) if m in self.new_e else m}" for m in sorted(before - after))
                self.add("entity-members", f"{self.ent(y, True)} members:{gained}{lost}")
        for x in (x for x in self.old_e if x not in self.fwd_all and x not in grouped):
            self.add("entity-removed", f"{self.ent(x, False)} {self.old_e[x].type}")
        for y in (y for y in lone_new if y not in self.fwd_all.values()):
            self.add("entity-added", f"{self.ent(y, True)} {self.new_e[y].type}")

    # -- values, relations, attributions ---------------------------------------
    def values(self) -> None:
        pairs, lost, left = _pair(self.old.values, self.new.values, _span)
        for o, n in ((o, n) for o, n in pairs if o.type != n.type):
            self.add("value-retyped", f"{o.id} {_q(o.text)}: {o.type} -> {n.type}")
        for o in lost:
            self.add("value-removed", f"{o.id} {_q(o.text)} {o.type} ({self.where(self.old, o)})")
        for n in left:
            self.add("value-added", f"{n.id} {_q(n.text)} {n.type} ({self.where(self.new, n)})")

    def name(self, entity_id: str, new: bool) -> str:
        """The comparable name of an entity: an old one by its new counterpart's name."""
        if not new and entity_id in self.fwd_all:
            entity_id, new = self.fwd_all[entity_id], True
        e = (self.new_e if new else self.old_e).get(entity_id)
        return e.name if e else entity_id

    def relation(self, r: Relation, new: bool) -> str:
        return f"{r.id} {r.label}: {_q(self.name(r.head, new))} -> {_q(self.name(r.tail, new))} (evidence {_ev(r)})"

    def key(self, r: Relation, new: bool) -> tuple[str, ...]:
        ends = (self.name(r.head, new), self.name(r.tail, new))
        return (r.label, *(sorted(ends) if r.label in RELATIONS and RELATIONS[r.label].symmetric else ends))

    def relations(self) -> None:
        pairs, lost, left = _pair(self.old.relations, self.new.relations, lambda o, n: self.key(o, False) == self.key(n, True))
        for o, n in ((o, n) for o, n in pairs if set(o.evidence) != set(n.evidence)):
            self.add("relation-evidence", f"{self.relation(o, False)} -> evidence {_ev(n)}")
        near = lambda o, n: sum(a == b for a, b in zip(self.key(o, False), self.key(n, True), strict=True)) == 2  # noqa: E731
        changed, lost, left = _pair(lost, left, near)
        for o, n in changed:
            self.add("relation-changed", f"{self.relation(o, False)} became {self.relation(n, True)}")
        for o in lost:
            self.add("relation-removed", self.relation(o, False))
        for n in left:
            self.add("relation-added", self.relation(n, True))

    def roles(self, a: Attribution, new: bool) -> dict[str, str]:
        out = {"type": a.type}
        out.update({role: " + ".join(_q(f.text) for f in getattr(a, role)) or "(implicit)" for role in ATTRIBUTION_ROLES})
        out["source entity"] = self.name(a.source_entity, new) if a.source_entity else "none"
        parent = next((p for p in (self.new if new else self.old).attributions if p.id == a.parent), None)
        out["parent"] = f"the attribution cued {' + '.join(_q(f.text) for f in parent.cue)}" if parent else (a.parent or "none")
        return out

    def attributions(self) -> None:
        same_cue = lambda o, n: [(f.start, f.end) for f in o.cue] == [(f.start, f.end) for f in n.cue]  # noqa: E731
        pairs, lost, left = _pair(self.old.attributions, self.new.attributions, same_cue)
        for o, n in pairs:
            before, after = self.roles(o, False), self.roles(n, True)
            diffs = [f"{k} {before[k]} -> {after[k]}" for k in before if before[k] != after[k]]
            if diffs:
                self.add("attribution-changed", f"{o.id} cue {before['cue']}: " + "; ".join(diffs))
        for kind, items, new in (("attribution-removed", lost, False), ("attribution-added", left, True)):
            for a in items:
                self.add(kind, f"{a.id} " + "; ".join(f"{k} {v}" for k, v in self.roles(a, new).items()))

    def run(self) -> list[Change]:
        if self.old.text != self.new.text:
            self.add("text-changed", f"the text changed ({len(self.old.text)} -> {len(self.new.text)} characters); offsets may no longer match")
        self.mentions()
        self.values()
        self.relations()
        self.attributions()
        return sorted(self.changes, key=lambda c: KINDS.index(c.kind))


def _summary(doc: Document) -> str:
    return (
        f"{_q(doc.title) if doc.title else 'untitled'}: {len(doc.entities)} entities, {len(doc.mentions)} mentions, "
        f"{len(doc.values)} values, {len(doc.relations)} relations, {len(doc.attributions)} attributions"
    )


def diff_annotations(*, old: Mapping[str, Document], new: Mapping[str, Document]) -> list[Change]:
    """Every change from ``old`` to ``new`` (documents keyed by id), per document in id order."""
    changes: list[Change] = []
    for doc_id in sorted(set(old) | set(new)):
        if doc_id not in new:
            changes.append(Change(doc_id, "document-removed", _summary(old[doc_id])))
        elif doc_id not in old:
            changes.append(Change(doc_id, "document-added", _summary(new[doc_id])))
        else:
            changes += _DocDiff(old[doc_id], new[doc_id]).run()
    return changes


def report_lines(changes: Iterable[Change]) -> list[str]:
    """Changes grouped per document and kind, for printing."""
    lines: list[str] = []
    ordered = sorted(changes, key=lambda c: (c.document, KINDS.index(c.kind)))
    for doc_id, of_doc in groupby(ordered, key=lambda c: c.document):
        lines.append(doc_id)
        for kind, of_kind in groupby(of_doc, key=lambda c: c.kind):
            items = list(of_kind)
            lines += [f"  {kind} ({len(items)})"] + [f"    {c.description}" for c in items]
    return lines


def summary_line(changes: list[Change], *, compared: int) -> str:
    if not changes:
        return f"khabar diff: no changes ({compared} document(s) compared)"
    counts = Counter(c.kind for c in changes)
    kinds = ", ".join(f"{counts[k]} {k}" for k in KINDS if k in counts)
    return f"khabar diff: {len(changes)} change(s) in {len({c.document for c in changes})} document(s): {kinds}"
