"""The writer behind :mod:`khabar.workflow.synthetic`: word lists, and sentences written token by token.

Tokens are joined by one space (punctuation glued on), so every offset is known while writing and
every span falls on spaCy token boundaries. Name strings come from closed, disjoint lists and occur
only inside name mentions, so the corpus-wide name checks (one type per name string, every
occurrence annotated) hold. Split off :mod:`khabar.workflow.synthetic` to keep modules short.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from khabar.schema.relations import RELATIONS

FIRST = "Amir Bilal Daud Farid Hamid Jalal Karim Latif Nadir Omar Rashid Samir Tariq Wahid Yusuf Zaman Aziz Bashir Hakim Nasir".split()
LAST = (
    "Karimi Lodi Rahimi Safi Wardak Noori Hotak Popal Zadran Stanikzai Ahmadzai Barakzai Durrani Jalali Mohseni Nazari "
    "Qaderi Rasuli Sadat Tokhi Yaftali Zahir Amiri Baheer Faizi Kakar Mangal Naseri Osmani Paktiawal"
).split()
COUNTRIES = dict(
    zip(
        "Varania Koristan Meldova Tashkara Ostria Belmar Carvonia Drenia Elbaria Galvara Hestovia Istrava".split(),
        "Varanian Koristani Meldovan Tashkaran Ostrian Belmari Carvonian Drenian Elbarian Galvaran Hestovian Istravan".split(),
        strict=True,
    )
)
CITIES = "Kastor Lemberg Mirna Velgrad Osmar Pirvan Quenta Rodel Sarvik Tolmar Ulgar Vessen Wyrna Zelkar Arnhold Brisca".split()
ORG_ADJ = "Northern Southern Eastern Western National United Popular Democratic Central Federal Patriotic Progressive".split()
ORG_NOUN = "Council Front Alliance Movement Party Congress Union League Assembly Coalition Bureau Commission".split()
ROLES, MINISTRIES = "spokesman minister commander envoy director adviser secretary negotiator".split(), "foreign interior defence finance".split()
NOMINALS = {
    "EVENT": "meeting summit conference visit ceremony rally".split(),
    "OTHER": "crisis agreement proposal ceasefire plan dispute".split(),
    "LOC": ["border region", "mountain pass", "river valley", "coastal area"],
}
DAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
MONTHS = "January February March April June July August September October November December".split()
NUMBERS, ORDINALS = "two three four five six seven eight nine ten".split(), "first second third".split()
Span = tuple[int, int]


@dataclass
class _Ent:
    id: str
    type: str
    name: str
    short: str = ""  # the name head after the first mention (persons: the surname)
    sub: str = ""  # country, city, named, ministry, delegation, group
    members: tuple[str, ...] = ()
    country: str = ""  # a ministry's country


class Writer:
    """One document written token by token; every annotation is recorded as offsets while writing."""

    parts: list[str]
    named: set[str]  # ids of the entities named in full once (then by their short name)
    last_person: _Ent | None

    def __init__(self, rng: random.Random) -> None:
        self.rng, self.parts, self.size, self.sep, self.cap, self.nospace = rng, [], 0, "", True, False
        self.ents: dict[str, _Ent] = {}
        self.first: dict[str, int] = {}  # entity id -> the sentence of its first mention
        self.mentions: list[tuple[str, str, int, int, int, int]] = []
        self.values: list[tuple[str, int, int]] = []
        self.atts: list[list[Any]] = []  # [type, cue, source, content, source_entity, parent]
        self.rels: dict[tuple[str, str, str], set[int]] = {}
        self.sentence, self.named, self.last_person = 0, set(), None

    def tok(self, word: str, glue: bool = False) -> Span:
        if self.parts and not (glue or self.nospace or word in (",", ".", "'s")):
            self.parts.append(self.sep or " ")
            self.size += len(self.sep or " ")
        self.sep, self.nospace = "", False
        if self.cap and word[0].isalpha():
            word, self.cap = word[0].upper() + word[1:], False
        self.parts.append(word)
        self.size += len(word)
        return self.size - len(word), self.size

    def words(self, text: str) -> Span:
        spans = [self.tok(w) for w in text.split()]
        return spans[0][0], spans[-1][1]

    def here(self) -> int:
        return self.size + (len(self.sep or " ") if self.parts and not self.nospace else 0)

    def end(self) -> None:
        self.tok(".")
        self.sentence += 1
        self.sep, self.cap = ("\n" if self.rng.random() < 0.25 else " "), True

    def ent(self, type_: str, sub: str = "", p_new: float = 0.2) -> _Ent:
        """An entity of the cast (a new one with probability ``p_new``)."""
        pool = [e for e in self.ents.values() if e.type == type_ and e.sub == sub]
        if pool and self.rng.random() > p_new:
            return self.rng.choice(pool)
        rng, used = self.rng, {e.name for e in self.ents.values()}
        for _ in range(50):
            if type_ == "PERSON":
                short = rng.choice([s for s in LAST if s not in {e.short for e in self.ents.values()}] or LAST)
                name = f"{rng.choice(FIRST)} {short}"
            elif type_ in ("GPE", "NORP", "ORG"):
                name = short = (
                    rng.choice(list(COUNTRIES) if sub == "country" else CITIES if sub == "city" else list(COUNTRIES.values()))
                    if type_ != "ORG"
                    else f"{rng.choice(ORG_ADJ)} {rng.choice(ORG_NOUN)}"
                )
            else:
                name, short = rng.choice(NOMINALS[type_]), ""
            if name not in used:
                break
        return self.add(type_, name, short, sub)

    def add(self, type_: str, name: str, short: str = "", sub: str = "", members: tuple[str, ...] = ()) -> _Ent:
        base = ident = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        k = 1
        while ident in self.ents:
            k += 1
            ident = f"{base}-{k}"
        self.ents[ident] = e = _Ent(ident, type_, name, short, sub, members)
        return e

    def mention(self, e: _Ent, kind: str, span: Span, head: Span | None = None) -> Span:
        self.mentions.append((e.id, kind, *span, *(head or span)))
        self.first.setdefault(e.id, self.sentence)
        if e.type == "PERSON" and not e.members:
            self.last_person = e
        return span

    def name(self, e: _Ent) -> Span:
        """A name mention: persons by full name first, then by surname; named ORGs with "the"."""
        start = self.tok("the")[0] if e.type == "ORG" else None
        head = self.words(e.short if e.id in self.named else e.name)
        self.named.add(e.id)
        return self.mention(e, "NAM", (head[0] if start is None else start, head[1]), head)

    def nominal(self, e: _Ent) -> Span:
        start, head = self.tok("the")[0], self.words(e.name)
        return self.mention(e, "NOM", (start, head[1]), (head[1] - len(e.name.split()[-1]), head[1]))

    def desc(self, person: _Ent, org: _Ent) -> Span:
        """ "the <role> of <org>": a description of ``person``, the org's mention nested."""
        start, head = self.tok("the")[0], self.tok(self.rng.choice(ROLES))
        self.tok("of")
        self.rel("per:employee_or_member_of", person, org)
        return self.mention(person, "NOM", (start, self.org(org)[1]), head)

    def org(self, e: _Ent) -> Span:
        if e.sub != "ministry":
            return self.name(e)
        start = self.name(self.ents[e.country])[0]
        self.tok("'s"), self.tok(e.name.split()[0])
        head = self.tok("ministry")
        return self.mention(e, "NOM", (start, head[1]), head)

    def any_org(self) -> _Ent:
        if self.rng.random() >= 0.3:
            return self.ent("ORG", "named")
        country = self.ent("GPE", "country")
        name = f"{self.rng.choice(MINISTRIES)} ministry of {country.name}"
        e = next((e for e in self.ents.values() if e.name == name), None) or self.add("ORG", name, sub="ministry")
        e.country = country.id
        self.rel("org:country_of_headquarters", e, country)
        return e

    def pro(self, e: _Ent, word: str) -> Span:
        return self.mention(e, "PRO", self.tok(word))

    def value(self, type_: str, text: str) -> Span:
        span = self.words(text)
        self.values.append((type_, *span))
        return span

    def maybe_value(self, before: str, type_: str, choices: Sequence[str], p: float = 0.25) -> None:
        if self.rng.random() < p:
            self.words(before), self.value(type_, self.rng.choice(choices))

    def rel(self, label: str, head: _Ent, tail: _Ent) -> None:
        """Record a relation (evidence: this sentence) unless its type signature, twin or inverse forbids it."""
        spec = RELATIONS[label]
        if head.id == tail.id or head.type not in spec.head_types or tail.type not in spec.tail_types:
            return
        clash = ([(spec.inverse, tail.id, head.id)] if spec.inverse else []) + ([(label, tail.id, head.id)] if spec.symmetric else [])
        if not any(key in self.rels for key in clash):
            self.rels.setdefault((label, head.id, tail.id), set()).add(self.sentence)

    def attribute(self, type_: str, cue: Span, source: Sequence[Span], content: Span, who: _Ent | None, parent: str | None = None) -> str:
        self.atts.append([type_, (cue,), tuple(source), (content,), who.id if who else None, parent])
        return f"a{len(self.atts)}"

    # -- sentences: each writes one sentence of about 25 tokens and 6 mentions -------------
    def clause(self) -> Span:
        """About 14 tokens and 3-5 mentions: the content of an attribution."""
        d, start, k = self, self.here(), self.rng.randrange(4)
        if k == 0:
            d.org(d.any_org()), d.words("would send"), d.value("CARDINAL", d.rng.choice(NUMBERS)), d.words("envoys to")
            d.name(d.ent("GPE", d.rng.choice(["city", "country"]))), d.words("for talks with"), d.name(d.ent("PERSON"))
        elif k == 3:
            d.name(d.ent("GPE", "country")), d.words("had rejected"), d.nominal(d.ent("OTHER")), d.words("and demanded the release of")
            d.value("CARDINAL", d.rng.choice(NUMBERS)), d.tok("prisoners")
        else:
            a = d.ent("PERSON") if k == 1 else d.ent("NORP")
            if k == 1:
                d.name(a), d.words("had met"), d.name(b := d.ent("PERSON", p_new=0.6)), d.tok("in")
            else:
                norp, s0 = a, d.tok("the")[0]
                d.name(norp)
                head, _, b = d.tok("delegation"), d.words("led by"), d.ent("PERSON", p_new=0.6)
                a = d.add("ORG", f"{norp.name} delegation led by {b.name}", sub="delegation")
                d.mention(a, "NOM", (s0, d.name(b)[1]), head), d.words("arrived in")
                d.rel("org:top_members_employees", a, b)
                d.rel("per:origin", b, norp)
            city, event = d.ent("GPE", "city"), d.ent("EVENT")
            d.name(city), d.words("during" if k == 1 else "for"), d.nominal(event)
            d.rel("evt:participant", event, a)
            d.rel("evt:participant", event, b)
            d.rel("evt:location", event, city)
        return start, self.size

    def said(self) -> None:
        p, org = self.ent("PERSON"), self.any_org()
        source = (self.name(p)[0], (self.tok(","), self.desc(p, org))[1][1])
        cue = (self.tok(","), self.tok("said"))[1]
        self.words("in a statement")
        self.maybe_value("on", "DATE", DAYS)
        self.tok("that")
        self.attribute("indirect", cue, [source], self.clause(), p)

    def direct(self) -> None:
        self.tok('"')
        self.nospace = True
        content = self.clause()
        self.tok(","), self.tok('"', glue=True)
        p = self.ent("PERSON")
        source, cue = self.name(p), self.tok("told")
        self.org(self.any_org()), self.words("in an interview")
        self.maybe_value("on", "DATE", DAYS)
        self.attribute("direct", cue, [source], content, p)

    def pronoun(self) -> None:
        he = self.last_person
        if he is None:
            return self.said()
        self.pro(he, "he"), self.words("also met")
        p = self.ent("PERSON", p_new=0.6)
        p = p if p.id != he.id else self.ent("PERSON", p_new=1)
        self.desc(p, self.any_org()), self.tok(","), self.name(p), self.tok(","), self.tok("in")
        city, country, event = self.ent("GPE", "city"), self.ent("GPE", "country"), self.ent("EVENT")
        self.name(city)
        self.maybe_value("on", "DATE", DAYS)
        self.tok(","), self.words("before travelling to")
        self.name(country), self.words("for"), self.nominal(event)
        self.rel("evt:location", event, country)
        self.rel("evt:participant", event, he)
        self.rel("per:associate", he, p)
        self.rel("loc:located_in", city, country)

    def group(self) -> None:
        a, b = self.ent("PERSON"), self.ent("PERSON", p_new=1)
        g = self.add("PERSON", f"{a.name} and {b.name}", members=(a.id, b.id), sub="group")
        s = (self.name(a)[0], self.tok("and"))[0]
        self.mention(g, "NOM", (s, self.name(b)[1])), self.tok(","), self.words("who belong to")
        norp, s = self.ent("NORP"), self.tok("the")[0]
        self.name(norp)
        head = self.tok("community")
        self.mention(norp, "NOM", (s, head[1]), head), self.tok(","), self.words("have lived for years in")
        city, country = self.ent("GPE", "city"), self.ent("GPE", "country")
        self.name(city), self.tok(",")
        s, head = self.tok("a")[0], self.tok("city")
        self.tok("in"), self.mention(city, "NOM", (s, self.name(country)[1]), head)
        self.maybe_value(", since", "DATE", MONTHS, p=0.5)
        for person in (a, b):
            self.rel("per:origin", person, norp)
            self.rel("per:cities_of_residence", person, city)
        self.rel("loc:located_in", city, country)

    def event(self) -> None:
        event, org, gpe = self.ent("EVENT", p_new=0.6), self.ent("ORG", "named"), self.ent("GPE", "country")
        s, head = self.tok("the")[0], self.words(event.name)
        self.tok("between"), self.name(org), self.tok("and")
        self.mention(event, "NOM", (s, self.name(gpe)[1]), (head[1] - len(event.name.split()[-1]), head[1]))
        self.words("took place behind closed doors in"), self.name(city := self.ent("GPE", "city")), self.tok(","), self.tok("and")
        self.value("CARDINAL", self.rng.choice(NUMBERS)) if self.rng.random() < 0.5 else self.tok("many")
        content = (s, (self.words("people attended"), self.pro(event, "it"))[1][1])
        cue = (self.tok(","), self.words("according to"))[1]
        self.attribute("indirect", cue, [self.org(org2 := self.any_org())], content, org2)
        self.rel("evt:participant", event, org)
        self.rel("evt:participant", event, gpe)
        self.rel("evt:location", event, city)

    def they(self) -> None:
        pool = [e for e in self.ents.values() if e.members or e.sub in ("named", "delegation")]
        if not pool:
            return self.said()
        who = self.rng.choice(pool)
        source, cue = self.pro(who, "they"), self.tok("said")
        s = self.nominal(self.ent("OTHER"))[0]
        self.tok("in"), self.name(self.ent("GPE", "country")), self.words("was the"), self.value("ORDINAL", self.rng.choice(ORDINALS))
        self.words("of its kind and urged"), self.org(self.any_org()), self.words("to act without delay")
        self.attribute("indirect", cue, [source], (s, self.size), who)

    def urged(self) -> None:
        """Nested attributions: "P said that Q had urged ORG to ..., promising ..." """
        p, q = self.ent("PERSON"), self.ent("PERSON", p_new=0.6)
        source, cue = self.name(p), self.tok("said")
        start = (self.tok("that"), self.here())[1]
        inner_source, inner_cue = self.name(q), self.words("had urged")
        inner = (self.org(self.any_org())[0], (self.words("to withdraw from"), self.nominal(self.ent("LOC")))[1][1])
        parent = self.attribute("indirect", cue, [source], (start, start), p)
        self.attribute("indirect", inner_cue, [inner_source], inner, q, parent)
        promise = (self.tok(","), self.tok("promising"))[1]
        money = self.value("MONEY", f"{self.rng.choice(NUMBERS)} million dollars")
        self.attribute("indirect", promise, [], (money[0], self.words("in aid")[1]), None, parent)
        self.atts[int(parent[1:]) - 1][3] = ((start, self.size),)


TEMPLATES = ((Writer.said, 4), (Writer.direct, 2), (Writer.pronoun, 4), (Writer.group, 3), (Writer.event, 2), (Writer.they, 2), (Writer.urged, 1))
