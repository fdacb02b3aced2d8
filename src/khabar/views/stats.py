"""Corpus statistics: every figure the card quotes comes from here.

Counted per document and summed (:func:`document_counts`), so that worker
processes can count their documents and the corpus's figures are the sum.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from khabar.schema.labels import SPLITS
from khabar.schema.model import Document
from khabar.schema.splits import split_of

TOTALS = (
    "documents",
    "sentences",
    "tokens",
    "characters",
    "entities",
    "group entities",
    "singleton entities",
    "mentions",
    "values",
    "ner spans",
    "relations",
    "attributions",
)
BY_LABEL = ("mentions by kind", "entities by type", "values by type", "ner spans by label", "relations by label", "attributions by type")


def document_counts(doc: Document) -> Counter[tuple[str, str]]:
    """One document's figures, keyed (figure, label); label "" for the totals."""
    chains = Counter(m.entity for m in doc.mentions)  # entity ids are unique within a document only
    counts: Counter[tuple[str, str]] = Counter(
        {
            ("documents", ""): 1,
            ("sentences", ""): len(doc.sentences),
            ("tokens", ""): len(doc.tokens),
            ("characters", ""): len(doc.text),
            ("entities", ""): len(doc.entities),
            ("group entities", ""): sum(bool(e.members) for e in doc.entities),
            ("singleton entities", ""): sum(1 for n in chains.values() if n == 1),
            ("mentions", ""): len(doc.mentions),
            ("values", ""): len(doc.values),
            ("ner spans", ""): len(doc.ner),
            ("relations", ""): len(doc.relations),
            ("attributions", ""): len(doc.attributions),
        }
    )
    for figure, labels in (
        ("mentions by kind", (m.kind for m in doc.mentions)),
        ("entities by type", (e.type for e in doc.entities)),
        ("values by type", (v.type for v in doc.values)),
        ("ner spans by label", (s.label for s in doc.ner)),
        ("relations by label", (r.label for r in doc.relations)),
        ("attributions by type", (a.type for a in doc.attributions)),
    ):
        counts.update((figure, label) for label in labels)
    return counts


def stats_from_counts(counts: Counter[tuple[str, str]]) -> dict[str, Any]:
    """The card's figures from summed :func:`document_counts`."""
    out: dict[str, Any] = {figure: counts[(figure, "")] for figure in TOTALS}
    for figure in BY_LABEL:
        out[figure] = dict(sorted((label, n) for (f, label), n in counts.items() if f == figure and n))
    return out


def corpus_stats(documents: Iterable[Document]) -> dict[str, Any]:
    """Counts per layer and type, computed from the documents."""
    total: Counter[tuple[str, str]] = Counter()
    for doc in documents:
        total.update(document_counts(doc))
    return stats_from_counts(total)


def split_stats_from_counts(counts: Mapping[str, Counter[tuple[str, str]]]) -> dict[str, Any]:
    """``{"total": figures, "splits": {split: figures}}`` from summed :func:`document_counts` per split;
    the splits in :data:`~khabar.schema.labels.SPLITS` order, those without documents left out."""
    total: Counter[tuple[str, str]] = Counter()
    for part in counts.values():
        total.update(part)
    return {"total": stats_from_counts(total), "splits": {split: stats_from_counts(counts[split]) for split in SPLITS if counts.get(split)}}


def split_stats(documents: Iterable[Document]) -> dict[str, Any]:
    """:func:`split_stats_from_counts` of ``documents``: the figures per split and in total."""
    counts: dict[str, Counter[tuple[str, str]]] = {}
    for doc in documents:
        counts.setdefault(split_of(doc), Counter()).update(document_counts(doc))
    return split_stats_from_counts(counts)
