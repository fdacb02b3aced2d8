"""Turning the parsed lines of one ``.ann`` file into Khabar model objects.

:mod:`khabar.export.brat_read` parses the lines into :class:`Item` objects; the
:class:`Resolver` here checks what they refer to and builds the document, adding
a located finding for every problem (``brat-reference`` for ids that are missing,
of the wrong kind or in conflict; ``label-unknown``, ``span-range`` and
``span-text`` where those checks apply).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from khabar.export.brat_format import ATTRIBUTION_TYPE, COREF, EVENT, KIND, NOTE, PART_TYPES, RELATION_LABELS, parse_note, shown
from khabar.export.problems import Problems
from khabar.schema.labels import ATTRIBUTION_ROLES, ATTRIBUTION_TYPES, ENTITY_TYPES, MENTION_KINDS, VALUE_TYPES
from khabar.schema.model import Attribution, Document, Entity, Fragment, Mention, Relation, Value

NOTE_KEYS = {"mention": ("id", "head", "entity", "name", "member"), "value": ("id",), "relation": ("id", "evidence"), "event": ("id",)}
TEXT_TYPES = ENTITY_TYPES + VALUE_TYPES + tuple(PART_TYPES.values())


@dataclass(slots=True)
class Item:
    """One parsed ``.ann`` line."""

    id: str  # "*" lines get "*<line>"
    kind: str  # T A R E # *
    type: str
    line: int
    args: tuple[str, ...] = ()  # T: offsets; A: target, value; R: Arg1, Arg2; E: trigger; #: target; *: members
    roles: dict[str, str] = field(default_factory=dict)  # E: role -> target
    text: str = ""  # T: covered text; #: the note


class Resolver:
    def __init__(self, p: Problems, items: dict[str, Item], text: str) -> None:
        self.p, self.items, self.text = p, items, text
        self.spans: dict[str, list[tuple[int, int]]] = {}
        self.notes: dict[str, tuple[list[tuple[str, str]] | None, int]] = {}  # None: a note that did not parse (reported)
        self.used: set[str] = set()
        self.attrs: dict[tuple[str, str], str] = {}
        self.entity_of: dict[str, str] = {}  # mention T id -> entity id
        self.mention_keys: dict[str, dict[str, list[str]] | None] = {}

    def of(self, kind: str, *types: str) -> list[Item]:
        return [x for x in self.items.values() if x.kind == kind and (not types or x.type in types) and (kind != "T" or x.id in self.spans)]

    def document(self, meta: dict[str, str | None], *, meta_path: str) -> Document | None:
        """The document, or None with every problem in ``p``; ``meta`` was read from ``meta_path``."""
        self.read_spans()
        self.read_notes()
        self.read_attributes()
        entities = self.chains()
        mentions = [m for t in self.of("T", *ENTITY_TYPES) if (m := self.mention(t)) is not None]
        values = [v for t in self.of("T", *VALUE_TYPES) if (v := self.value(t)) is not None]
        relations = [r for x in self.of("R") if (r := self.relation(x)) is not None]
        attributions = self.attributions()
        for target, (_, line) in self.notes.items():
            if target not in self.used and target in self.items and (self.items[target].kind != "T" or target in self.spans):
                self.p.add("brat-reference", f"the note on {target} carries nothing Khabar reads; notes belong to mentions, values, relations and events", line)
        layers = {"entities": entities, "mentions": mentions, "values": values, "relations": relations, "attributions": attributions}
        return self.p.document(text=self.text, meta=meta, layers=layers, meta_path=meta_path)

    def read_spans(self) -> None:
        n = len(self.text)
        for t in (x for x in self.items.values() if x.kind == "T"):
            offsets = [int(x) for x in t.args]
            pairs = list(zip(offsets[::2], offsets[1::2], strict=False))
            if not all(0 <= s < e <= n for s, e in pairs):
                self.p.add(
                    "span-range",
                    f"{t.id}: a span of {t.type} {';'.join(f'{s} {e}' for s, e in pairs)} is empty or outside the text, which has {n} characters; expected 0 <= start < end <= {n}",
                    t.line,
                )
            elif (covered := " ".join(shown(text=self.text[s:e]) for s, e in pairs)) != t.text:
                self.p.add("span-text", f"{t.id} states {t.text!r} but its offsets cover {covered!r}; fix the offsets or the text", t.line)
            elif t.type not in TEXT_TYPES:
                self.p.add(
                    "label-unknown",
                    f"{t.id} has type {t.type!r}; expected an entity type ({', '.join(ENTITY_TYPES)}), a value type ({', '.join(VALUE_TYPES)}) or {', '.join(PART_TYPES.values())}",
                    t.line,
                )
            elif len(pairs) > 1 and t.type in ENTITY_TYPES + VALUE_TYPES:
                self.p.add("brat-syntax", f"{t.id} ({t.type}) has {len(pairs)} fragments; a mention or value is one contiguous span", t.line)
            else:
                self.spans[t.id] = pairs

    def read_notes(self) -> None:
        for n in self.of("#", NOTE):
            target = n.args[0]
            if target not in self.items:
                self.p.add("brat-reference", f"{n.id} is a note on {target}, which does not exist", n.line)
            elif target in self.notes:
                self.p.add("brat-reference", f"{n.id} is a second note on {target} (the first is on line {self.notes[target][1]}); merge them into one", n.line)
            else:
                try:
                    self.notes[target] = (parse_note(text=n.text), n.line)
                except ValueError as exc:
                    self.p.add("brat-syntax", f"{n.id}: {exc}", n.line)
                    self.notes[target] = (None, n.line)  # present, and reported once: its annotation is left out, unreported again

    def read_attributes(self) -> None:
        targets = {
            KIND: ({t.id for t in self.of("T", *ENTITY_TYPES)}, MENTION_KINDS, "mentions"),
            ATTRIBUTION_TYPE: ({e.id for e in self.of("E")}, ATTRIBUTION_TYPES, "Attribution events"),
        }
        for a in self.of("A"):
            target, value = a.args
            wanted = targets.get(a.type)
            if wanted is None or value not in wanted[1]:
                self.p.add(
                    "label-unknown",
                    f"{a.id}: attribute {a.type} {value!r}; expected {KIND} {'|'.join(MENTION_KINDS)} or {ATTRIBUTION_TYPE} {'|'.join(ATTRIBUTION_TYPES)}",
                    a.line,
                )
            elif target not in wanted[0]:
                self.p.add("brat-reference", f"{a.id}: {a.type} applies to {wanted[2]}; {target} is not one", a.line)
            elif (a.type, target) in self.attrs:
                self.p.add("brat-reference", f"{a.id}: {target} has a second {a.type} attribute", a.line)
            else:
                self.attrs[(a.type, target)] = value

    def keys(self, target: str, what: str, line: int) -> dict[str, list[str]] | None:
        """The key=value pairs of ``target``'s note, checked against what a ``what`` takes."""
        if target not in self.notes:
            self.p.add("brat-reference", f"{target} has no {NOTE} note; every {what} needs one with id=<its Khabar id>", line)
            return None
        pairs, note_line = self.notes[target]
        self.used.add(target)
        if pairs is None:  # the note did not parse: reported as brat-syntax at its line already
            return None
        out: dict[str, list[str]] = {}
        for key, value in pairs:
            if key not in NOTE_KEYS[what] or (key in out and key != "member"):
                self.p.add(
                    "brat-syntax",
                    f"the note of {target} ({what}) has {'a repeated' if key in out else 'an unknown'} key `{key}`; expected {', '.join(NOTE_KEYS[what])}",
                    note_line,
                )
                return None
            out.setdefault(key, []).append(value)
        needed = ("id", "name") if "entity" in out else ("id",)
        if any(key not in out for key in needed) or ("entity" not in out and ("name" in out or "member" in out)):
            self.p.add(
                "brat-syntax", f"the note of {target} ({what}) needs {' and '.join(k + '=' for k in needed)}; name= and member= go only with entity=", note_line
            )
            return None
        return out

    def chains(self) -> list[Entity]:
        """Entities: the connected components of the Coref lines, each with one entity note."""
        mentions = [t.id for t in self.of("T", *ENTITY_TYPES)]
        root = {t: t for t in mentions}

        def find(t: str) -> str:
            while root[t] != t:
                t = root[t]
            return t

        for c in self.of("*"):
            missing = [t for t in c.args if t not in root]
            if c.type != COREF:
                self.p.add("label-unknown", f"an equivalence of type {c.type!r}; expected {COREF}", c.line)
            elif missing:
                self.p.add(
                    "brat-reference", f"{COREF} links {', '.join(missing)}, which {'is not a mention' if len(missing) == 1 else 'are not mentions'}", c.line
                )
            else:
                for t in c.args[1:]:
                    root[find(t)] = find(c.args[0])
        components: dict[str, list[str]] = {}
        for t in mentions:
            components.setdefault(find(t), []).append(t)
        keys = self.mention_keys = {t: self.keys(t, "mention", self.items[t].line) for t in mentions}
        entities: list[tuple[int, Entity]] = []
        for chain in components.values():
            reps = [t for t in chain if (keys[t] or {}).get("entity")]
            types = sorted({self.items[t].type for t in chain})
            if len(types) != 1:
                odd = next(t for t in chain if self.items[t].type != self.items[chain[0]].type)
                self.p.add(
                    "brat-reference",
                    f"{odd} is {self.items[odd].type} but its coreference chain {' '.join(chain)} starts with a {self.items[chain[0]].type}; a chain has one type",
                    self.items[odd].line,
                )
                continue
            if len(reps) != 1:
                line = self.notes[reps[1]][1] if reps else self.items[chain[0]].line
                self.p.add(
                    "brat-reference",
                    f"the coreference chain {' '.join(chain)} has {len(reps)} notes with entity=; expected exactly one (the entity's id, name and members)",
                    line,
                )
                continue
            k, line = keys[reps[0]], self.notes[reps[0]][1]
            # k is not None: reps holds only mentions whose note has entity=.
            entity = self.p.build(lambda: Entity(id=k["entity"][0], type=types[0], name=k["name"][0], members=tuple(k.get("member", []))), line, "entity")  # type: ignore[index,union-attr]  # noqa: B023
            if entity is not None:
                entities.append((line, entity))
                self.entity_of.update((t, entity.id) for t in chain)
        return [e for _, e in sorted(entities, key=lambda x: x[0])]

    def mention(self, t: Item) -> Mention | None:
        k, kind = self.mention_keys.get(t.id), self.attrs.get((KIND, t.id))
        if kind is None:
            self.p.add("brat-reference", f"mention {t.id} has no {KIND} attribute; add `A<n>\t{KIND} {t.id} NAM|NOM|PRO`", t.line)
        if k is None or kind is None or t.id not in self.entity_of:
            return None
        ((start, end),) = self.spans[t.id]
        head = k.get("head", [f"{start}-{end}"])[0]
        if not re.fullmatch(r"\d+-\d+", head):
            self.p.add("brat-syntax", f"the note of {t.id} has head={head!r}; expected head=START-END", self.notes[t.id][1])
            return None
        hs, he = map(int, head.split("-"))
        return self.p.build(
            lambda: Mention(id=k["id"][0], entity=self.entity_of[t.id], kind=kind, start=start, end=end, text=self.text[start:end], head_start=hs, head_end=he),
            t.line,
            "mention",
        )

    def value(self, t: Item) -> Value | None:
        k = self.keys(t.id, "value", t.line)
        ((start, end),) = self.spans[t.id]
        return None if k is None else self.p.build(lambda: Value(id=k["id"][0], type=t.type, start=start, end=end, text=self.text[start:end]), t.line, "value")

    def relation(self, r: Item) -> Relation | None:
        k = self.keys(r.id, "relation", r.line)
        label, evidence = RELATION_LABELS.get(r.type), (k or {}).get("evidence", [""])[0]
        if label is None:
            self.p.add("label-unknown", f"{r.id}: relation type {r.type!r}; expected one of {', '.join(RELATION_LABELS)}", r.line)
        elif any(a not in self.entity_of for a in r.args):
            self.p.add("brat-reference", f"{r.id} links {' and '.join(r.args)}; both arguments must be mentions", r.line)
        elif not re.fullmatch(r"(\d+(,\d+)*)?", evidence):
            self.p.add("brat-syntax", f"the note of {r.id} has evidence={evidence!r}; expected sentence numbers like evidence=0,3", self.notes[r.id][1])
        elif k is not None:
            ev = tuple(int(x) for x in evidence.split(",") if x)
            return self.p.build(
                lambda: Relation(id=k["id"][0], label=label, head=self.entity_of[r.args[0]], tail=self.entity_of[r.args[1]], evidence=ev), r.line, "relation"
            )
        return None

    def attributions(self) -> list[Attribution]:
        events = self.of("E")
        ids = {e.id: (self.keys(e.id, "event", e.line) or {}).get("id", [None])[0] for e in events}
        part_type = {role: PART_TYPES[role] for role in ATTRIBUTION_ROLES}
        uses: dict[str, int] = {}
        out = []
        for e in events:
            roles = {"cue": e.args[0], **{role.lower(): target for role, target in e.roles.items()}}
            for role in ATTRIBUTION_ROLES:
                if role in roles:
                    uses[roles[role]] = uses.get(roles[role], 0) + 1
            bad = [
                f"{role} {target}"
                for role, target in roles.items()
                if (role in part_type and (target not in self.spans or self.items[target].type != part_type[role]))
                or (role == "speaker" and target not in self.entity_of)
                or (role == "parent" and target not in ids)
            ]
            atype = self.attrs.get((ATTRIBUTION_TYPE, e.id))
            if e.type != EVENT:
                self.p.add("label-unknown", f"{e.id}: event type {e.type!r}; expected {EVENT}", e.line)
            elif bad or "content" not in roles or atype is None:
                problem = (
                    f"{', '.join(bad)} {'is' if len(bad) == 1 else 'are'} not of the right kind"
                    if bad
                    else ("it has no Content" if "content" not in roles else f"it has no {ATTRIBUTION_TYPE} attribute")
                )
                self.p.add(
                    "brat-reference",
                    f"{e.id}: {problem} (the trigger is an {EVENT} text-bound, Source and Content text-bounds of those types, Speaker a mention, Parent an event)",
                    e.line,
                )
            elif ids[e.id] is not None:
                frags = {
                    role: tuple(Fragment(s, end, self.text[s:end]) for s, end in self.spans[roles[role]]) if role in roles else () for role in ATTRIBUTION_ROLES
                }
                speaker, parent = roles.get("speaker"), roles.get("parent")
                # ids[e.id] is not None (the elif above); mypy does not carry that into the lambda.
                out.append(
                    self.p.build(
                        lambda: Attribution(
                            id=ids[e.id],  # type: ignore[arg-type]  # noqa: B023 (build calls it at once)
                            type=atype,  # noqa: B023 (build calls it at once)
                            source_entity=self.entity_of[speaker] if speaker else None,  # noqa: B023 (build calls it at once)
                            parent=ids[parent] if parent else None,  # noqa: B023 (build calls it at once)
                            **frags,  # noqa: B023 (build calls it at once)
                        ),
                        e.line,
                        "attribution",
                    )
                )
        for t in self.of("T", *part_type.values()):
            if uses.get(t.id, 0) != 1:
                self.p.add("brat-reference", f"{t.id} ({t.type}) is part of {uses.get(t.id, 0)} events; each attribution part belongs to exactly one", t.line)
        return out
