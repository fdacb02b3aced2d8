"""Entity-level relation extraction scores, as DocRED's ``code/evaluation.py``.

Facts are tuples ``(doc_id, head_entity, tail_entity, label)`` with an optional
fifth element, the evidence: a collection of sentence indices (``None`` or
absent means no evidence). Evidence collections are treated as sets.

Relation scores. Predicted facts are de-duplicated on the 4-tuple, keeping the
first occurrence (and its evidence), as DocRED does (its stable sort keeps the
first submitted copy). A prediction is correct when the gold side holds the
same 4-tuple. P = correct / predicted, R = correct / gold, pooled over all
documents; ``per_label`` restricts the same counts to one label. A repeated
gold fact is a data error (``ValueError``).

Evidence scores (DocRED's ``Evi`` F1), counted over sentence indices:

* ``correct_evidence`` = sum over CORRECT predicted facts of
  |predicted evidence & gold evidence|;
* precision denominator = sum of |predicted evidence| over ALL de-duplicated
  predicted facts whose document is a gold document (correct or not;
  predictions in unknown documents are skipped here, as in DocRED, although
  they still count in the relation precision denominator);
* recall denominator = sum of |gold evidence| over all gold facts.

DocRED's "Ign F1" (precision recomputed after removing correct facts already
seen in the training set) is not provided: a test-only corpus has no training
facts, so it would equal F1.

Entity alignment (:func:`align_entities`) lets predictions over predicted
entities be scored against gold entities. A predicted entity aligns to the
gold entity of the same document with which it shares the most exactly
matching mention extents; among equal counts the gold entity with the
earliest first mention (smallest ``(start, end)``), then the smallest id,
wins. The alignment is one-to-one and greedy: candidate pairs (sharing at
least one extent) are taken in the order (shared count descending, gold first
mention, gold id, predicted first mention, predicted id), skipping pairs whose
gold or predicted entity is already used. Ids are ordered as ints before
strings, strings by their text. When an alignment is passed to
:func:`score_relations`, a predicted entity missing from it becomes an
:class:`Unaligned` marker, so its facts count as predicted but can never be
correct.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from khabar.scoring.prf import PRF, per_label

FactKey = tuple[Hashable, Hashable, Hashable, str]
EntityMentions = Mapping[Hashable, Mapping[Hashable, Collection[tuple[int, int]]]]
Alignment = Mapping[Hashable, Mapping[Hashable, Hashable]]

__all__ = ["RelationScores", "Unaligned", "align_entities", "score_relations"]


@dataclass(frozen=True)
class Unaligned:
    """Stand-in id for a predicted entity with no gold counterpart."""

    doc_id: Hashable
    entity: Hashable


@dataclass(frozen=True)
class RelationScores:
    """Relation P/R/F1, DocRED evidence P/R/F1 and per-label relation scores."""

    relation: PRF
    evidence: PRF
    per_label: Mapping[str, PRF] = field(default_factory=lambda: MappingProxyType({}))


def _parse_fact(item: object, side: str) -> tuple[FactKey, frozenset[int]]:
    if not isinstance(item, tuple) or len(item) not in (4, 5):
        raise ValueError(f"{side} fact must be (doc_id, head, tail, label[, evidence]), got {item!r}")
    doc_id, head, tail, label = item[:4]
    if not isinstance(label, str) or not label:
        raise ValueError(f"{side} fact {item!r}: label must be a non-empty str")
    for part in (doc_id, head, tail):
        if not isinstance(part, Hashable):
            raise ValueError(f"{side} fact {item!r}: ids must be hashable")
    raw = item[4] if len(item) == 5 else None
    if raw is None:
        return (doc_id, head, tail, label), frozenset()
    if isinstance(raw, (str, bytes)) or not isinstance(raw, Iterable):
        raise ValueError(f"{side} fact {item!r}: evidence must be a collection of ints")
    evidence = list(raw)
    if any(isinstance(s, bool) or not isinstance(s, int) or s < 0 for s in evidence):
        raise ValueError(f"{side} fact {item!r}: evidence must hold non-negative ints")
    return (doc_id, head, tail, label), frozenset(evidence)


def _translate(key: FactKey, alignment: Alignment | None) -> FactKey:
    if alignment is None:
        return key
    doc_id, head, tail, label = key
    mapping = alignment.get(doc_id, {})
    head_id = mapping[head] if head in mapping else Unaligned(doc_id, head)
    tail_id = mapping[tail] if tail in mapping else Unaligned(doc_id, tail)
    return (doc_id, head_id, tail_id, label)


def score_relations(
    *,
    gold: Iterable[tuple[object, ...]],
    predicted: Iterable[tuple[object, ...]],
    alignment: Alignment | None = None,
    gold_documents: Collection[Hashable] | None = None,
) -> RelationScores:
    """Score predicted facts against gold facts (see the module docstring).

    ``alignment`` maps, per document, predicted entity ids to gold entity ids
    (from :func:`align_entities`); without it predicted ids are gold ids.
    ``gold_documents`` lists the documents of the gold set (defaults to the
    documents of the gold facts); it only decides which predictions enter the
    evidence precision denominator.
    """
    gold_facts: dict[FactKey, frozenset[int]] = {}
    for item in gold:
        key, evidence = _parse_fact(item, "gold")
        if key in gold_facts:
            raise ValueError(f"gold fact {key!r} is repeated")
        gold_facts[key] = evidence
    pred_facts: dict[FactKey, frozenset[int]] = {}
    for item in predicted:
        key, evidence = _parse_fact(item, "predicted")
        pred_facts.setdefault(_translate(key, alignment), evidence)
    documents = {key[0] for key in gold_facts}
    if gold_documents is not None:
        missing = documents - set(gold_documents)
        if missing:
            raise ValueError(f"gold facts refer to documents not in gold_documents: {missing!r}")
        documents = set(gold_documents)

    correct = gold_facts.keys() & pred_facts.keys()
    correct_evidence = sum(len(gold_facts[k] & pred_facts[k]) for k in correct)
    evidence_prf = PRF(
        recall_num=correct_evidence,
        recall_den=sum(len(ev) for ev in gold_facts.values()),
        precision_num=correct_evidence,
        precision_den=sum(len(ev) for k, ev in pred_facts.items() if k[0] in documents),
    )
    labels = per_label(correct=correct, gold=gold_facts, predicted=pred_facts, label=lambda k: k[3])
    relation = PRF.from_counts(true_positives=len(correct), gold=len(gold_facts), predicted=len(pred_facts))
    return RelationScores(relation=relation, evidence=evidence_prf, per_label=labels)


def _id_key(entity: Hashable) -> tuple[int, int | str]:
    if isinstance(entity, int) and not isinstance(entity, bool):
        return (0, entity)
    return (1, str(entity))


def _extents(doc_id: Hashable, entity: Hashable, spans: object) -> set[tuple[int, int]]:
    if isinstance(spans, (str, bytes)) or not isinstance(spans, Iterable):
        raise ValueError(f"document {doc_id!r}, entity {entity!r}: mentions must be spans")
    result: set[tuple[int, int]] = set()
    for span in spans:
        if not isinstance(span, (tuple, list)) or len(span) != 2 or any(isinstance(v, bool) or not isinstance(v, int) for v in span) or span[0] > span[1]:
            raise ValueError(f"document {doc_id!r}, entity {entity!r}: bad mention span {span!r}")
        result.add((span[0], span[1]))
    return result


def align_entities(*, gold: EntityMentions, predicted: EntityMentions) -> dict[Hashable, dict[Hashable, Hashable]]:
    """Map each predicted entity to at most one gold entity, per document.

    ``gold`` and ``predicted`` map document id -> entity id -> mention spans
    ``(start, end)``. Returns document id -> {predicted id: gold id} holding
    only aligned entities (every predicted document gets an entry).
    """
    result: dict[Hashable, dict[Hashable, Hashable]] = {}
    for doc_id, pred_entities in predicted.items():
        gold_spans = {g: _extents(doc_id, g, spans) for g, spans in gold.get(doc_id, {}).items()}
        owners: dict[tuple[int, int], list[Hashable]] = {}
        for g, spans in gold_spans.items():
            for span in spans:
                owners.setdefault(span, []).append(g)
        candidates = []
        for p, raw in pred_entities.items():
            spans = _extents(doc_id, p, raw)
            shared = Counter(g for span in spans for g in owners.get(span, ()))
            for g, count in shared.items():
                order = (-count, min(gold_spans[g]), _id_key(g), min(spans), _id_key(p))
                candidates.append((order, g, p))
        candidates.sort(key=lambda candidate: candidate[0])
        mapping: dict[Hashable, Hashable] = {}
        used_gold: set[Hashable] = set()
        for _, g, p in candidates:
            if p not in mapping and g not in used_gold:
                mapping[p] = g
                used_gold.add(g)
        result[doc_id] = mapping
    return result
