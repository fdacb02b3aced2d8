"""CoNLL-2012 (OntoNotes ``*_gold_conll``) export: tokens, the flat NER layer, coreference.

One file, ``khabar.v4_gold_conll``, holds every document (in the order given),
each between ``#begin document (<id>); part 000`` and ``#end document``, so the
official reference scorer takes the whole corpus at once::

    perl scorer.pl muc khabar.v4_gold_conll response.conll none

One token a line, a blank line after each sentence, 12 tab-separated columns::

    document id, part (0), word number in the sentence, word,
    POS, parse bit, predicate lemma, frameset, word sense, speaker  (all "-"),
    named entities ((GPE) / (ORG* ... *) / *), coreference ((7 / 7) / (7), joined by |, or -)

Coreference clusters are numbered from 0 per document, each entity by the
position of its first mention in text order; singletons are written unless
``singletons=False`` (OntoNotes leaves them out). Identical mention spans of two
entities are both written (``(3)|(8)``); the Perl scorer keeps only one of them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from khabar.core.findings import KhabarError, finding
from khabar.export.common import first_mentions, mention_order, require_references, token_span
from khabar.schema.model import Document

FILE_NAME = "khabar.v4_gold_conll"
COLUMNS = 12
PLACEHOLDERS = ("-",) * 6  # POS, parse, lemma, frameset, sense, speaker


def docs_to_conll2012(*, documents: Sequence[Document], out: Path, singletons: bool = True) -> list[Path]:
    """Write ``out/khabar.v4_gold_conll`` with every document; return ``[path]``."""
    out.mkdir(parents=True, exist_ok=True)
    path = out / FILE_NAME
    path.write_text("".join(render_conll2012(doc=doc, singletons=singletons) for doc in documents), encoding="utf-8")
    return [path]


def cluster_numbers(*, doc: Document) -> dict[str, int]:
    """Entity id -> cluster number: 0, 1, ... in the text order of each entity's first mention."""
    first = first_mentions(doc=doc)
    order = sorted(first, key=lambda entity: mention_order(first[entity]))
    return {entity: number for number, entity in enumerate(order)}


def _ner_column(doc: Document) -> list[str]:
    column = ["*"] * len(doc.tokens)
    taken: set[int] = set()
    for span in doc.ner:
        first, last = token_span(doc=doc, start=span.start, end=span.end, what=f"ner span {span.label}")
        if taken & set(range(first, last + 1)):
            raise KhabarError(
                [
                    finding(
                        "ner-overlap",
                        f"ner span {span.label} {span.start}-{span.end} ({span.text!r}) overlaps another; the NER column cannot nest",
                        document=doc.id,
                        span=(span.start, span.end),
                    )
                ]
            )
        taken.update(range(first, last + 1))
        if first == last:
            column[first] = f"({span.label})"
        else:
            column[first], column[last] = f"({span.label}*", "*)"
    return column


def _coref_column(doc: Document, *, singletons: bool) -> list[str]:
    numbers = cluster_numbers(doc=doc)
    sizes: dict[str, int] = defaultdict(int)
    for m in doc.mentions:
        sizes[m.entity] += 1
    spans = sorted(
        (*token_span(doc=doc, start=m.start, end=m.end, what=f"mention {m.id}"), numbers[m.entity]) for m in doc.mentions if singletons or sizes[m.entity] > 1
    )
    opens: dict[int, list[tuple[int, int]]] = defaultdict(list)  # token -> (last, cluster)
    closes: dict[int, list[tuple[int, int]]] = defaultdict(list)  # token -> (first, cluster)
    for first, last, number in spans:
        opens[first].append((last, number))
        closes[last].append((first, number))
    column = []
    for t in range(len(doc.tokens)):
        # Openings (outermost first), one-token mentions, closings (innermost
        # first): the order of the mentions in the text, nested brackets balanced.
        parts = [f"({n}" for last, n in sorted(opens[t], key=lambda x: (-x[0], x[1])) if last > t]
        parts += [f"({n})" for last, n in sorted(opens[t], key=lambda x: x[1]) if last == t]
        parts += [f"{n})" for first, n in sorted(closes[t], key=lambda x: (-x[0], x[1])) if first < t]
        column.append("|".join(parts) or "-")
    return column


def render_conll2012(*, doc: Document, singletons: bool = True) -> str:
    """One document in CoNLL-2012 format, ``#begin document`` to ``#end document``."""
    require_references(doc=doc)
    ner, coref = _ner_column(doc), _coref_column(doc, singletons=singletons)
    lines = [f"#begin document ({doc.id}); part 000"]
    t = 0
    for sentence in doc.sentences:
        word = 0
        while t < len(doc.tokens) and doc.tokens[t].end <= sentence.end:
            lines.append("\t".join((doc.id, "0", str(word), doc.tokens[t].text, *PLACEHOLDERS, ner[t], coref[t])))
            t, word = t + 1, word + 1
        lines.append("")
    lines.append("#end document")
    return "\n".join(lines) + "\n"
