"""Finding offsets without counting characters by hand."""

from __future__ import annotations

from dataclasses import dataclass

from khabar.schema.model import Document


@dataclass(frozen=True, slots=True)
class Located:
    start: int
    end: int
    text: str
    occurrences: int  # how many times the string occurs in the document


class NotFound(LookupError):
    pass


def locate(doc: Document, needle: str, *, nth: int = 1, after: int = 0) -> Located:
    """The ``nth`` occurrence (1-based) of ``needle`` in ``doc.text`` at or after
    character ``after``, aligned on token boundaries (so "Khan" does not match
    inside "Khans")."""
    starts = {t.start for t in doc.tokens}
    ends = {t.end for t in doc.tokens}
    hits = []
    position = doc.text.find(needle, after)
    while position != -1:
        if position in starts and position + len(needle) in ends:
            hits.append(position)
        position = doc.text.find(needle, position + 1)
    if not needle or nth < 1 or nth > len(hits):
        raise NotFound(f"{needle!r} occurs {len(hits)} time(s) on token boundaries after offset {after}; asked for occurrence {nth}")
    start = hits[nth - 1]
    return Located(start, start + len(needle), needle, len(hits))
