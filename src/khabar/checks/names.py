"""Consistency of names and pronouns across the corpus: the heart of the checks."""

from __future__ import annotations

import re
from array import array
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import TYPE_CHECKING

import numpy as np

from khabar.core.findings import Finding
from khabar.io.project import Corpus, Locate
from khabar.schema.model import Document, Entity

if TYPE_CHECKING:
    import numpy as np

#: pronoun -> the agreement class it needs (see GUIDELINES.md, "Pronouns").
PRONOUNS = {
    **dict.fromkeys(("he", "him", "his", "himself", "she", "her", "hers", "herself", "i", "me", "my", "mine", "myself", "someone", "somebody"), "person"),
    **dict.fromkeys(("it", "its", "itself", "this", "that"), "thing"),
    **dict.fromkeys(
        (
            "they",
            "them",
            "their",
            "theirs",
            "themselves",
            "we",
            "us",
            "our",
            "ours",
            "ourselves",
            "these",
            "those",
            "each other",
            "each other's",
            "one another",
            "one another's",
        ),
        "plural",
    ),
}
COLLECTIVE_TYPES = ("ORG", "NORP")  # "they" may refer to an organisation or a people


def _agrees(need: str, entity: Entity, *, named: bool) -> bool:
    """``named``: the entity has a name mention, so it is an individual, not an unnamed set."""
    group = bool(entity.members)
    if need == "person":
        return entity.type == "PERSON" and not group
    if need == "thing":
        return entity.type != "PERSON" and not group
    # "they" takes a group, a collective body, or an unnamed set ("official sources", "36 shells").
    return group or entity.type in COLLECTIVE_TYPES or not named


def check_pronouns(corpus: Corpus) -> Iterator[Finding]:
    for doc in corpus.documents:
        entities = {e.id: e for e in doc.entities}
        named = {m.entity for m in doc.mentions if m.kind == "NAM"}
        for m in doc.mentions:
            entity = entities.get(m.entity)
            if m.kind != "PRO" or entity is None:
                continue
            need = PRONOUNS.get(doc.text[m.head_start : m.head_end].lower())  # the head: "someone who gave it …" is a pronoun
            if need is None:
                yield corpus.locate(
                    "pronoun-agreement",
                    f"{m.text!r} is marked PRO but is not in the pronoun lexicon; expected one of {', '.join(sorted(PRONOUNS))} (or kind NOM)",
                    document=doc.id,
                    annotation=m.id,
                )
            elif not _agrees(need, entity, named=entity.id in named):
                kind = "a group" if entity.members else entity.type
                yield corpus.locate(
                    "pronoun-agreement",
                    f"pronoun {m.text!r} needs {dict(person='a single PERSON', thing='a single non-person', plural='a group, an ORG, a NORP or an unnamed set')[need]} but its entity {entity.id} is {kind}; fix the mention's entity or the entity's type",
                    document=doc.id,
                    annotation=m.id,
                )


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
                yield corpus.locate(
                    "name-incompatible",
                    f"name {head!r} does not fit its entity's name {entity.name!r}; expected every word of the name in the canonical name (wrong entity, or a fuller canonical name is due)",
                    document=doc.id,
                    annotation=m.id,
                )


@dataclass(frozen=True, slots=True)
class NameHeads:
    """What the corpus-wide name checks need of one document (small, so that
    worker processes can send it instead of the document).

    ``heads``: (start, end, entity type or "?" when the entity is missing,
    mention id) of every name-mention head inside the text (span-range reports
    the others: an empty name would match everywhere); one per head span.
    ``starts``/``ends``: the token boundaries."""

    document: str
    text: str
    heads: tuple[tuple[int, int, str, str], ...]
    starts: array[int]
    ends: array[int]


def name_heads(doc: Document) -> NameHeads:
    types = {e.id: e.type for e in doc.entities}
    size = len(doc.text)
    heads = {(m.head_start, m.head_end): (types.get(m.entity, "?"), m.id) for m in doc.mentions if m.kind == "NAM" and m.head_end <= size}
    return NameHeads(
        doc.id,
        doc.text,
        tuple((s, e, t, m) for (s, e), (t, m) in heads.items()),
        array("q", (t.start for t in doc.tokens)),
        array("q", (t.end for t in doc.tokens)),
    )


def type_findings(summaries: Sequence[NameHeads], locate: Locate) -> Iterator[Finding]:
    """``type-inconsistent``: the same name string has the same entity type everywhere in the corpus."""
    by_string: dict[str, Counter[str]] = defaultdict(Counter)
    for h in summaries:
        for start, end, etype, _ in h.heads:
            if etype != "?":  # a missing entity is ref-missing's finding, not a type
                by_string[h.text[start:end]][etype] += 1
    for h in summaries:
        for start, end, etype, mention in h.heads:
            counts = by_string[h.text[start:end]]
            if etype == "?" or len(counts) < 2:
                continue
            majority = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
            if etype != majority:
                yield locate(
                    "type-inconsistent",
                    f"name {h.text[start:end]!r} is {etype} here but {majority} in {counts[majority]} other place(s); expected one type per name string",
                    document=h.document,
                    annotation=mention,
                )


def name_strings(summaries: Iterable[NameHeads]) -> list[str]:
    """Every annotated name string of the corpus, longest first (the order the scan needs)."""
    return sorted({h.text[s:e] for h in summaries for s, e, _, _ in h.heads}, key=lambda n: (-len(n), n))


@dataclass(frozen=True, slots=True)
class NameIndex:
    """Every annotated name string, found by its first characters: a prefix table of
    small regular expressions (not one regular expression of thousands of alternatives,
    tried at every position).

    Each pattern is the alternation of its names, longest first; ``re`` takes the first
    alternative that matches, so a match is the longest name at that position.
    ``windows`` holds the same prefixes as integers (:func:`windows`), for finding the
    token starts where a name may start without a Python step per token."""

    by_prefix: dict[str, re.Pattern[str]]  # the first PREFIX characters -> its names' pattern
    short: re.Pattern[str] | None  # the names shorter than PREFIX (all shorter than any above)
    windows: tuple[tuple[int, np.ndarray], ...]  # (bits to drop, the sorted codes of the prefixes of that length)

    PREFIX = 3

    def longest_at(self, text: str, start: int) -> int | None:
        """The end of the longest name that occurs at ``start`` of ``text``, or None."""
        pattern = self.by_prefix.get(text[start : start + self.PREFIX])
        if pattern is not None and (found := pattern.match(text, start)):
            return found.end()
        if self.short is not None and (found := self.short.match(text, start)):
            return found.end()
        return None


_BITS = 21  # a character's code point fits in 21 bits; three fit in an int64
_PAD = (1 << _BITS) - 1  # above every code point: a window that runs past the text matches no name


def _code(chars: str) -> int:
    return sum(ord(c) << (_BITS * (len(chars) - 1 - i)) for i, c in enumerate(chars))


def windows(text: str, starts: array[int]) -> np.ndarray:
    """The first :attr:`NameIndex.PREFIX` characters at each of ``starts`` as one integer
    (:func:`_code`), padded past the end of ``text``; a name of n < PREFIX characters is the
    window's code shifted right by (PREFIX - n) characters."""
    chars = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.int64)
    chars = np.append(chars, np.full(NameIndex.PREFIX - 1, _PAD, dtype=np.int64))
    at = np.frombuffer(starts, dtype=np.int64)
    codes = chars[at]
    for step in range(1, NameIndex.PREFIX):
        codes = (codes << _BITS) | chars[at + step]
    return codes


def _alternatives(names: Sequence[str]) -> re.Pattern[str]:
    return re.compile("|".join(map(re.escape, names)))


def name_index(names: Sequence[str]) -> NameIndex:
    """The :class:`NameIndex` of ``names`` (longest first, as :func:`name_strings` gives them)."""
    by_prefix: dict[str, list[str]] = defaultdict(list)
    for name in names:
        if len(name) >= NameIndex.PREFIX:
            by_prefix[name[: NameIndex.PREFIX]].append(name)
    short = [n for n in names if len(n) < NameIndex.PREFIX]
    prefixes = [*by_prefix, *short]
    codes = (
        (_BITS * (NameIndex.PREFIX - size), np.unique(np.array([_code(p) for p in prefixes if len(p) == size], dtype=np.int64)))
        for size in range(NameIndex.PREFIX, 0, -1)
    )
    return NameIndex(
        {k: _alternatives(v) for k, v in by_prefix.items()},
        _alternatives(short) if short else None,
        tuple((shift, found) for shift, found in codes if len(found)),
    )


def unannotated(h: NameHeads, index: NameIndex) -> list[tuple[int, int]]:
    """``name-unannotated``: each token start where an annotated name occurs (the longest
    one there, :meth:`NameIndex.longest_at`) and ends on a token end, unless a name mention's head covers it."""
    if not index.windows or not h.starts:
        return []
    codes = windows(h.text, h.starts)
    maybe = np.zeros(len(codes), dtype=bool)
    for shift, prefixes in index.windows:  # the token starts where some name's first characters are: most tokens are not
        window = codes >> shift
        at = np.minimum(np.searchsorted(prefixes, window), len(prefixes) - 1)  # sorted codes: faster than np.isin on small arrays
        maybe |= prefixes[at] == window
    heads = sorted((s, e) for s, e, _, _ in h.heads)
    exact = set(heads)  # most occurrences are a head: a set lookup first
    firsts, reach = [s for s, _ in heads], list(accumulate((e for _, e in heads), max))  # reach[k]: the furthest end of heads[:k + 1]
    ends = set(h.ends)
    text, starts = h.text, h.starts
    reported, found = (-1, -1), []
    for i in np.flatnonzero(maybe).tolist():
        s = starts[i]
        e = index.longest_at(text, s)
        if e is None or e not in ends:
            continue
        if (s, e) in exact:
            continue
        k = bisect_right(firsts, s) - 1  # the heads that start at or before s: does one reach e?
        if k >= 0 and reach[k] >= e:
            continue
        if reported[0] <= s and e <= reported[1]:
            continue  # "Khan" inside an unannotated "Ismail Khan": one finding, not two
        reported = (s, e)
        found.append((s, e))
    return found


def unannotated_finding(h: NameHeads, span: tuple[int, int], locate: Locate) -> Finding:
    s, e = span
    return locate(
        "name-unannotated",
        f"{h.text[s:e]!r} at {s}-{e} is annotated as a name elsewhere but not here; annotate it, or record a reviewed exception in annotations/exceptions.yaml",
        document=h.document,
        span=(s, e),
    )


def check_name_types(corpus: Corpus) -> Iterator[Finding]:
    """The same name string has the same entity type everywhere in the corpus."""
    return type_findings([name_heads(doc) for doc in corpus.documents], corpus.locate)


def check_names_annotated(corpus: Corpus) -> Iterator[Finding]:
    """Every occurrence, on token boundaries, of an annotated name string is
    covered by a name mention's head (or lies inside a longer name's head)."""
    summaries = [name_heads(doc) for doc in corpus.documents]
    index = name_index(name_strings(summaries))
    for h in summaries:
        for span in unannotated(h, index):
            yield unannotated_finding(h, span, corpus.locate)


CHECKS = (check_pronouns, check_name_compatible, check_name_types, check_names_annotated)
#: The checks that need every document at once; the others look at one document at a time.
CORPUS_WIDE = (check_name_types, check_names_annotated)
