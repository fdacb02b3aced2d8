"""Strict span-and-label scoring for named entities.

Matching rule: a predicted entity ``(doc_id, start, end, label)`` is correct
only when the gold side holds the very same 4-tuple (same document, same
boundaries, same label). Both sides are treated as *sets*, so a repeated tuple
counts once. This is the rule of spaCy's ``Scorer`` (``get_ner_prf``: sets of
``(label, start, end)`` per document) and of seqeval's strict mode.

Pooling: counts are added over all documents and labels (micro average);
``per_label`` holds the same counts restricted to one label, for every label
seen on either side. Offsets may be token or character offsets, as long as
both sides use the same convention; ``start < end`` is required.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from khabar.scoring.prf import PRF, per_label

EntityTuple = tuple[Hashable, int, int, str]

__all__ = ["EntityTuple", "NERScores", "score_ner"]


@dataclass(frozen=True)
class NERScores:
    """Micro-pooled scores and per-label scores (read-only mapping)."""

    micro: PRF
    per_label: Mapping[str, PRF] = field(default_factory=lambda: MappingProxyType({}))


def _entity_set(entities: Iterable[EntityTuple], side: str) -> set[EntityTuple]:
    result: set[EntityTuple] = set()
    for item in entities:
        if not isinstance(item, tuple) or len(item) != 4:
            raise ValueError(f"{side} entity must be a (doc_id, start, end, label) tuple, got {item!r}")
        doc_id, start, end, label = item
        for name, value in (("start", start), ("end", end)):
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(f"{side} entity {item!r}: {name} must be an int")
        if not 0 <= start < end:
            raise ValueError(f"{side} entity {item!r}: need 0 <= start < end")
        if not isinstance(label, str) or not label:
            raise ValueError(f"{side} entity {item!r}: label must be a non-empty str")
        result.add((doc_id, start, end, label))
    return result


def score_ner(*, gold: Iterable[EntityTuple], predicted: Iterable[EntityTuple]) -> NERScores:
    """Strict micro and per-label P/R/F1 of ``predicted`` against ``gold``."""
    gold_set = _entity_set(gold, "gold")
    pred_set = _entity_set(predicted, "predicted")
    correct = gold_set & pred_set
    labels = per_label(correct=correct, gold=gold_set, predicted=pred_set, label=lambda e: e[3])
    micro = PRF.from_counts(true_positives=len(correct), gold=len(gold_set), predicted=len(pred_set))
    return NERScores(micro=micro, per_label=labels)
