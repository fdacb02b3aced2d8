"""Consistency of names and pronouns across the corpus: the heart of the checks."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from typing import Iterator

from khabar.findings import Finding
from khabar.io.project import Corpus
from khabar.schema.model import Document, Entity

#: pronoun -> the agreement class it needs (see GUIDELINES.md, "Pronouns").
PRONOUNS = {
    **dict.fromkeys(("he", "him", "his", "himself", "she", "her", "hers", "herself", "i", "me", "my", "mine", "myself"), "person"),
    **dict.fromkeys(("it", "its", "itself"), "thing"),
    **dict.fromkeys(("they", "them", "their", "theirs", "themselves", "we", "us", "our", "ours", "ourselves"), "plural"),
}
COLLECTIVE_TYPES = ("ORG", "NORP")  # "they" may refer to an organisation or a people


def _agrees(need: str, entity: Entity) -> bool:
    group = bool(entity.members)
    if need == "person":
        return entity.type == "PERSON" and not group
    if need == "thing":
        return entity.type != "PERSON" and not group
    return group or entity.type in COLLECTIVE_TYPES


def check_pronouns(corpus: Corpus) -> Iterator[Finding]:
    for doc in corpus.documents:
        entities = {e.id: e for e in doc.entities}
        for m in doc.mentions:
            entity = entities.get(m.entity)
            need = PRONOUNS.get(m.text.lower())
            if m.kind != "PRO" or entity is None:
                continue
            if need is None:
                yield corpus.locate("pronoun-agreement", f"{m.text!r} is marked PRO but is not in the pronoun lexicon; expected one of {', '.join(sorted(PRONOUNS))} (or kind NOM)", document=doc.id, annotation=m.id)
            elif not _agrees(need, entity):
                kind = "a group" if entity.members else entity.type
                yield corpus.locate("pronoun-agreement", f"pronoun {m.text!r} needs {dict(person='a single PERSON', thing='a single non-person', plural='a group, an ORG or a NORP')[need]} but its entity {entity.id} is {kind}; fix the mention's entity or the entity's type", document=doc.id, annotation=m.id)


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[^\w]+", text.lower()) if w]


def check_name_compatible(corpus: Corpus) -> Iterator[Finding]:
    """A name mention's head words all occur in its entity's canonical name."""
    for doc in corpus.documents:
        entities = {e.id: e for e in doc.entities}
        for m in doc.mentions:
            entity = entities.get(m.entity)
            if m.kind != "NAM" or entity is None:
                continue
            head = doc.text[m.head_start : m.head_end]
            name_words = set(_words(entity.name))
            if not set(_words(head)) <= name_words:
                yield corpus.locate("name-incompatible", f"name {head!r} does not fit its entity's name {entity.name!r}; expected every word of the name in the canonical name (wrong entity, or a fuller canonical name is due)", document=doc.id, annotation=m.id)


def _name_heads(doc: Document) -> dict[tuple[int, int], str]:
    """Name-mention heads inside the text (span-range reports the others: an empty
    name would match everywhere), with their entity's type, "?" if it is missing."""
    types = {e.id: e.type for e in doc.entities}
    size = len(doc.text)
    return {(m.head_start, m.head_end): types.get(m.entity, "?") for m in doc.mentions if m.kind == "NAM" and m.head_end <= size}


def check_name_types(corpus: Corpus) -> Iterator[Finding]:
    """The same name string has the same entity type everywhere in the corpus."""
    by_string: dict[str, Counter[str]] = defaultdict(Counter)
    for doc in corpus.documents:
        for (start, end), etype in _name_heads(doc).items():
            if etype != "?":  # a missing entity is ref-missing's finding, not a type
                by_string[doc.text[start:end]][etype] += 1
    for doc in corpus.documents:
        heads = {(m.head_start, m.head_end): m for m in doc.mentions if m.kind == "NAM"}
        for (start, end), etype in _name_heads(doc).items():
            if etype == "?":
                continue
            counts = by_string[doc.text[start:end]]
            majority = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
            if len(counts) > 1 and etype != majority:
                m = heads[(start, end)]
                yield corpus.locate("type-inconsistent", f"name {doc.text[start:end]!r} is {etype} here but {majority} in {counts[majority]} other place(s); expected one type per name string", document=doc.id, annotation=m.id)


def check_names_annotated(corpus: Corpus) -> Iterator[Finding]:
    """Every occurrence, on token boundaries, of an annotated name string is
    covered by a name mention's head (or lies inside a longer name's head)."""
    names = {doc.text[s:e] for doc in corpus.documents for (s, e) in _name_heads(doc)}
    if not names:
        return
    pattern = re.compile("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)))
    for doc in corpus.documents:
        heads = list(_name_heads(doc))
        exact = set(heads)  # most occurrences are a head: a set lookup before the scan
        starts, ends = {t.start for t in doc.tokens}, {t.end for t in doc.tokens}
        reported = (-1, -1)
        for found in _overlapping(pattern, doc.text):
            s, e = found
            if s not in starts or e not in ends:
                continue
            if found in exact or any(hs <= s and e <= he for hs, he in heads):
                continue
            if reported[0] <= s and e <= reported[1]:
                continue  # "Khan" inside an unannotated "Ismail Khan": one finding, not two
            reported = (s, e)
            yield corpus.locate("name-unannotated", f"{doc.text[s:e]!r} at {s}-{e} is annotated as a name elsewhere but not here; annotate it, or record a reviewed exception in annotations/exceptions.yaml", document=doc.id, span=(s, e))


def _overlapping(pattern: re.Pattern[str], text: str) -> Iterator[tuple[int, int]]:
    """Every match starting at every position (so "Khan" inside "Ismail Khan" is seen)."""
    position = 0
    while True:
        match = pattern.search(text, position)
        if match is None:
            return
        yield match.start(), match.end()
        position = match.start() + 1


CHECKS = (check_pronouns, check_name_compatible, check_name_types, check_names_annotated)
