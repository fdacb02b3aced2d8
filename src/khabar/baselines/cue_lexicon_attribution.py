"""``cue-lexicon-attribution``: reporting cues from a lexicon, source and content by position.

The rules, exactly, are in ``docs/baselines.md``. Per sentence: find the cues
(verbs, nouns followed by "that"/"about", reporting adverbs, "according to"),
then read the source as the noun phrase before the cue (or, for an inverted
"..., X said.", between the comma and the cue) and the content as the clause
after the cue (or the part of the sentence before the source's comma). The
baseline sees only the document text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from khabar.baselines.lexicons import (
    ADDRESSEE_VERBS,
    ADVERB_CUES,
    BREAKERS,
    DETERMINERS,
    FINAL,
    LEADING,
    MEDIA,
    NOUN_CUES,
    OBJECT_PRONOUNS,
    ON_VERBS,
    PERSONAL,
    SKIPPED_ADVERBS,
    SUBORDINATORS,
    TO_VERBS,
    VERB_CUES,
)
from khabar.baselines.textutil import QUOTES, Tok, analyse, fragment

VERSION = "1.0"


@dataclass(frozen=True)
class Cue:
    first: int
    last: int
    kind: str  # verb, noun, adverb, according


def _is_cue_word(tokens: list[Tok], k: int) -> str | None:
    t = tokens[k]
    if t.text != t.lower and not t.sent_start:
        return None  # a capitalised word inside a sentence is a name, not a cue
    low = t.lower
    if low in ADVERB_CUES:
        return "adverb"
    if low in VERB_CUES:
        return "verb"
    if low in NOUN_CUES and k + 1 < len(tokens) and tokens[k + 1].lower in ("that", "about"):
        in_medium = k >= 2 and tokens[k - 2].lower == "in" and tokens[k - 1].lower in ("a", "an")
        return None if in_medium else "noun"  # "said in a statement that ...": a medium, not a cue
    return None


def find_cues(tokens: list[Tok], first: int, last: int) -> list[Cue]:
    """The cues of the sentence ``tokens[first:last]``, in text order."""
    cues: list[Cue] = []
    k = first
    while k < last:
        low = tokens[k].lower
        if low == "according" and k + 1 < last and tokens[k + 1].lower == "to":
            cues.append(Cue(k, k + 2, "according"))
            k += 2
            continue
        kind = _is_cue_word(tokens, k)
        if kind is not None:
            end = k + 2 if kind == "verb" and low in ON_VERBS and k + 1 < last and tokens[k + 1].lower == "on" else k + 1
            cues.append(Cue(k, end, kind))
            k = end
            continue
        k += 1
    return cues


class _Sentence:
    """One sentence's tokens, with the position helpers the rules use."""

    def __init__(self, text: str, tokens: list[Tok], first: int, last: int) -> None:
        self.text, self.tokens, self.first = text, tokens, first
        self.body = last - 1 if tokens[last - 1].text in FINAL else last  # a final period outside quotes is left out
        self.cues = find_cues(tokens, first, last)
        self.cue_tokens = {k for c in self.cues for k in range(c.first, c.last)}

    def frag(self, a: int, b: int) -> dict[str, Any] | None:
        """The fragment of tokens a..b-1, without commas at either end; None when empty."""
        while a < b and self.tokens[a].text == ",":
            a += 1
        while b > a and self.tokens[b - 1].text == ",":
            b -= 1
        return fragment(self.text, self.tokens[a].start, self.tokens[b - 1].end) if a < b else None

    def low(self, k: int) -> str:
        return self.tokens[k].lower

    def next_cue_after(self, k: int) -> Cue | None:
        return next((c for c in self.cues if c.first > k), None)

    def content_end(self, start: int) -> int:
        """Where a content starting at ``start`` ends: a comma before the next cue's
        comma segment, a comma before a breaker word, a media phrase, or the sentence end."""
        for p in range(start, self.body):
            low = self.low(p)
            if low == ",":
                nxt = self.next_cue_after(p)
                if nxt is not None and "," not in {self.low(q) for q in range(p + 1, nxt.first)}:
                    return p
                if p + 1 < self.body and self.low(p + 1) in BREAKERS:
                    return p
            if low == "in" and p + 1 < self.body and self.low(p + 1) in ("a", "an"):
                if any(self.low(q) in MEDIA for q in range(p + 2, min(p + 6, self.body))):
                    return p
        return self.body

    def acceptable_source(self, a: int, b: int) -> bool:
        words = [self.tokens[k] for k in range(a, b)]
        if not words or len(words) > 12 or any(k in self.cue_tokens for k in range(a, b)):
            return False
        head = words[0]
        lowercase = all(w.text.isalpha() and w.text.islower() for w in words)
        bare_plural = len(words) <= 3 and lowercase and words[-1].text.endswith("s")
        return head.capitalised or head.lower in DETERMINERS or head.lower in PERSONAL or bare_plural

    def source_before(self, cue: Cue) -> tuple[int, int] | None:
        """The noun phrase right before a cue, back to a comma, "that", another cue or the sentence start."""
        j = cue.first - 1
        while j >= self.first:
            if self.low(j) in SKIPPED_ADVERBS:
                j -= 1
            elif self.low(j) == "," and j - 2 >= self.first and self.low(j - 1) in SKIPPED_ADVERBS and self.low(j - 2) == ",":
                j -= 3
            else:
                break
        end = j + 1
        start = end
        while start > self.first and self.low(start - 1) not in (",", ";", ":", "that") and start - 1 not in self.cue_tokens:
            start -= 1
        while start < end and (self.low(start) in LEADING or self.tokens[start].text in QUOTES):
            start += 1
        if start < end:
            if self.low(end - 1) in ("and", "or", "but"):
                return None  # a coordinated verb: its subject is not right before it
            return (start, end) if self.acceptable_source(start, end) else None
        if end > self.first and self.low(end - 1) == ",":  # "X, the spokesman for Y, said": the apposition
            prefix = (self.first, end - 1)
            if (
                prefix[1] - prefix[0] <= 20
                and self.low(self.first) not in SUBORDINATORS | LEADING
                and not any(k in self.cue_tokens for k in range(*prefix))
                and prefix[0] < prefix[1]
            ):
                return prefix
        return None

    def content_start(self, cue: Cue) -> int:
        """After the cue, dropping a "that" before the first comma, an addressee pronoun, or "X to"."""
        k = cue.last
        clause = []
        while k < self.body and self.low(k) != ",":
            clause.append(k)
            k += 1
        that = next((q for q in clause[:8] if self.low(q) in ("that", "about")), None)
        if that is not None:
            return that + 1
        first_word = self.low(cue.first)
        if first_word in TO_VERBS:
            to = next((q for q in clause if self.low(q) == "to"), None)
            if to is not None:
                return to + 1
        if first_word in ADDRESSEE_VERBS and clause and self.low(clause[0]) in OBJECT_PRONOUNS:
            return clause[0] + 1
        return cue.last


def _sentence_attributions(s: _Sentence) -> list[tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]]:
    """(cue, source fragments, content fragments) of each cue of the sentence that has a content."""
    out = []
    clause_start = s.first
    for cue in s.cues:
        cue_frag = fragment(s.text, s.tokens[cue.first].start, s.tokens[cue.last - 1].end)
        source: tuple[int, int] | None = None
        content: list[dict[str, Any] | None] = []
        if cue.kind == "according":
            if cue.first == clause_start:
                comma = next(
                    (p for p in range(cue.last, s.body - 1) if s.low(p) == "," and (s.tokens[p + 1].capitalised or s.low(p + 1) in DETERMINERS | PERSONAL)),
                    None,
                )
                if comma is None:
                    continue
                source, content = (cue.last, comma), [s.frag(comma + 1, s.body)]
            else:
                source, content = (cue.last, s.body), [s.frag(s.first, cue.first)]
        elif cue.kind == "adverb":
            content = [s.frag(clause_start, cue.first), s.frag(cue.last, s.content_end(cue.last))]
        else:
            commas = [p for p in range(s.first, cue.first) if s.low(p) == ","]
            after = [s.low(k) for k in range(cue.last, s.body)]
            inverted = None
            if cue.kind == "verb" and commas and len(after) <= 3 and "," not in after and "that" not in after:
                a = commas[-1] + 1
                while a < cue.first and s.tokens[a].text in QUOTES:
                    a += 1
                if s.acceptable_source(a, cue.first):
                    inverted = a
            if inverted is not None:
                comma = commas[-1]
                end = comma + 2 if s.tokens[comma + 1].text in QUOTES else comma  # '"...," he said': keep ,"
                source = (inverted, cue.first)
                content = [s.frag(s.first, end) if end == comma else fragment(s.text, s.tokens[s.first].start, s.tokens[end - 1].end)]
            else:
                if not cue.kind == "noun" and not s.low(cue.first).endswith("ing"):
                    source = s.source_before(cue)
                start = s.content_start(cue)
                content = [s.frag(start, s.content_end(start))]
                clause_start = start
        fragments = [c for c in content if c is not None]
        if not fragments:
            continue
        src = [s.frag(*source)] if source is not None else []
        out.append((cue_frag, [f for f in src if f is not None], fragments))
    return out


def attribution_type(content: str) -> str:
    """direct: the content is one quotation; mixed: it contains quotes; indirect otherwise."""
    quotes = [i for i, ch in enumerate(content) if ch in QUOTES]
    if len(quotes) == 2 and quotes == [0, len(content) - 1]:
        return "direct"
    return "mixed" if quotes else "indirect"


def document_attributions(text: str) -> list[dict[str, Any]]:
    """The ``attributions`` layer of one text; a cue inside another's content names it as parent."""
    tokens, sentences = analyse(text)
    found = [a for first, last in sentences for a in _sentence_attributions(_Sentence(text, tokens, first, last))]
    out: list[dict[str, Any]] = []
    for n, (cue, source, content) in enumerate(found, start=1):
        out.append(
            {
                "id": f"a{n}",
                "type": attribution_type(" ".join(f["text"] for f in content)),
                "cue": [cue],
                "source": source,
                "content": content,
                "source_entity": None,
                "parent": None,
            }
        )
    for a in out:
        cue = a["cue"][0]
        holders = [b for b in out if b is not a and any(f["start"] <= cue["start"] and cue["end"] <= f["end"] for f in b["content"])]
        if holders:
            a["parent"] = min(holders, key=lambda b: sum(f["end"] - f["start"] for f in b["content"]))["id"]
    return out


def predict(*, documents: Sequence[tuple[str, str]]) -> list[dict[str, Any]]:
    """One prediction per document with its ``attributions`` layer."""
    return [{"id": doc_id, "attributions": document_attributions(text)} for doc_id, text in documents]
