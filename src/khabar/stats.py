"""Corpus statistics: every figure the card quotes comes from here."""

from __future__ import annotations

from collections import Counter
from typing import Any, Iterable

from khabar.schema.model import Document


def _sorted(counter: Counter[str]) -> dict[str, int]:
    return dict(sorted(counter.items()))


def corpus_stats(documents: Iterable[Document]) -> dict[str, Any]:
    """Counts per layer and type, computed from the documents."""
    docs = list(documents)
    chains = Counter(m.entity for d in docs for m in d.mentions)
    return {
        "documents": len(docs),
        "sentences": sum(len(d.sentences) for d in docs),
        "tokens": sum(len(d.tokens) for d in docs),
        "characters": sum(len(d.text) for d in docs),
        "entities": sum(len(d.entities) for d in docs),
        "group entities": sum(bool(e.members) for d in docs for e in d.entities),
        "singleton entities": sum(1 for n in chains.values() if n == 1),
        "mentions": sum(len(d.mentions) for d in docs),
        "values": sum(len(d.values) for d in docs),
        "ner spans": sum(len(d.ner) for d in docs),
        "relations": sum(len(d.relations) for d in docs),
        "attributions": sum(len(d.attributions) for d in docs),
        "mentions by kind": _sorted(Counter(m.kind for d in docs for m in d.mentions)),
        "entities by type": _sorted(Counter(e.type for d in docs for e in d.entities)),
        "values by type": _sorted(Counter(v.type for d in docs for v in d.values)),
        "ner spans by label": _sorted(Counter(s.label for d in docs for s in d.ner)),
        "relations by label": _sorted(Counter(r.label for d in docs for r in d.relations)),
        "attributions by type": _sorted(Counter(a.type for d in docs for a in d.attributions)),
    }
