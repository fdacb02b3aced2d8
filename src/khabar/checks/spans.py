"""Span checks: offsets in range, covering the stated text, on token boundaries."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import NamedTuple

from khabar.core.findings import Finding
from khabar.io.project import Corpus
from khabar.schema.labels import ATTRIBUTION_ROLES
from khabar.schema.model import Document


class Span(NamedTuple):
    annotation: str
    what: str
    start: int
    end: int
    stated: str | None  # None where the file states no text (never, today)


def iter_spans(doc: Document, head_texts: Mapping[int, str] | None = None) -> Iterator[Span]:
    """Every span a document's annotation file states, with its stated text
    (a head's stated text from ``head_texts``, by mention index, where given:
    the model keeps only the head's offsets)."""
    for i, m in enumerate(doc.mentions):
        yield Span(m.id, "mention", m.start, m.end, m.text)
        head = doc.text[m.head_start : m.head_end]
        yield Span(m.id, "mention head", m.head_start, m.head_end, (head_texts or {}).get(i, head))
    for v in doc.values:
        yield Span(v.id, "value", v.start, v.end, v.text)
    for a in doc.attributions:
        for role in ATTRIBUTION_ROLES:
            for f in getattr(a, role):
                yield Span(a.id, f"attribution {role}", f.start, f.end, f.text)


def check_spans(corpus: Corpus) -> Iterator[Finding]:
    """span-range, span-text, span-whitespace and span-token-boundary, in that order
    of precedence: a span that fails one is not judged by the later ones."""
    for doc in corpus.documents:
        starts = {t.start for t in doc.tokens}
        ends = {t.end for t in doc.tokens}
        size = len(doc.text)
        source = corpus.sources.get(doc.id)
        for s in iter_spans(doc, source.head_texts if source is not None else None):
            if s.end > size:
                yield corpus.locate(
                    "span-range",
                    f"{s.what} {s.start}-{s.end} ends beyond the text, which has {size} characters; use `khabar locate` to find the right offsets",
                    document=doc.id,
                    annotation=s.annotation,
                )
                continue
            covered = doc.text[s.start : s.end]
            if s.stated is not None and covered != s.stated:
                yield corpus.locate(
                    "span-text",
                    f"{s.what} {s.start}-{s.end} states {s.stated!r} but the text there is {covered!r}; run `khabar locate {s.stated!r}` for the offsets",
                    document=doc.id,
                    annotation=s.annotation,
                )
                continue
            if covered != covered.strip():
                yield corpus.locate(
                    "span-whitespace",
                    f"{s.what} {covered!r} starts or ends with whitespace; expected it trimmed to the first and last word",
                    document=doc.id,
                    annotation=s.annotation,
                )
                continue
            if s.start not in starts or s.end not in ends:
                yield corpus.locate(
                    "span-token-boundary",
                    f"{s.what} {covered!r} ({s.start}-{s.end}) does not start and end on token boundaries; expected whole tokens (see the tokens around it with `khabar locate --tokens`), found a split inside a token",
                    document=doc.id,
                    annotation=s.annotation,
                )


def check_heads(corpus: Corpus) -> Iterator[Finding]:
    for doc in corpus.documents:
        for m in doc.mentions:
            if not (m.start <= m.head_start and m.head_end <= m.end):
                yield corpus.locate(
                    "head-outside-extent",
                    f"head {m.head_start}-{m.head_end} lies outside the extent {m.start}-{m.end} ({m.text!r}); expected a head inside the mention",
                    document=doc.id,
                    annotation=m.id,
                )


def check_fragments(corpus: Corpus) -> Iterator[Finding]:
    for doc in corpus.documents:
        for a in doc.attributions:
            for role in ATTRIBUTION_ROLES:
                frags = getattr(a, role)
                for left, right in zip(frags, frags[1:], strict=False):
                    if right.start < left.start:
                        yield corpus.locate(
                            "fragment-order",
                            f"{role} fragment {right.text!r} ({right.start}) comes before {left.text!r} ({left.start}); list fragments in text order",
                            document=doc.id,
                            annotation=a.id,
                        )
                    elif right.start < left.end:
                        yield corpus.locate(
                            "fragment-overlap",
                            f"{role} fragments {left.text!r} and {right.text!r} overlap; expected disjoint fragments (merge them into one)",
                            document=doc.id,
                            annotation=a.id,
                        )


CHECKS = (check_spans, check_heads, check_fragments)
