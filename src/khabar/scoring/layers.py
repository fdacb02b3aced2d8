"""Per-layer scoring of predictions against the gold, on top of ``khabar.scoring``.

Matching rules (also in ``docs/evaluation.md``):

* NER: the prediction's ``ner`` layer, strict (start, end, label) match.
* Coreference: mentions grouped by their ``entity``; scored on extents and on
  heads (a mention without ``head_start``/``head_end`` uses its extent as
  head), each with singletons and without them.
* Relations: predicted entities are aligned to gold entities through their
  mention extents (``khabar.scoring.relations.align_entities``); a prediction
  without mentions is taken to use the gold entity ids. Symmetric labels are
  compared with their two arguments in a canonical (sorted) order.
* Attribution: fragments of cue, source and content, paired one-to-one.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import fields
from types import MappingProxyType
from typing import Any

from khabar.schema.labels import ATTRIBUTION_ROLES
from khabar.schema.model import Document
from khabar.schema.relations import RELATIONS
from khabar.scoring import (
    PRF,
    AttributionScores,
    CorefScores,
    NERScores,
    RelationScores,
    align_entities,
    score_attributions,
    score_coreference,
    score_ner,
    score_relations,
)
from khabar.scoring.coref import Documents
from khabar.scoring.predictions import Prediction
from khabar.scoring.relations import Unaligned


def _layer(pred: Prediction | None, name: str) -> list[dict[str, Any]]:
    return list(pred.layers.get(name, [])) if pred is not None else []


def ner(gold: list[Document], preds: Mapping[str, Prediction]) -> NERScores:
    g = [(d.id, s.start, s.end, s.label) for d in gold for s in d.ner]
    p = {(d.id, x["start"], x["end"], x["label"]) for d in gold for x in _layer(preds.get(d.id), "ner")}
    return score_ner(gold=g, predicted=p)


def ner_results(scores: NERScores) -> dict[str, Any]:
    return {"micro": scores.micro.as_dict(), "per_label": {k: v.as_dict() for k, v in sorted(scores.per_label.items())}}


def _clusters(mentions: Iterable[tuple[str, tuple[int, int]]]) -> list[tuple[tuple[int, int], ...]]:
    chains: dict[str, list[tuple[int, int]]] = {}
    for entity, span in mentions:
        chains.setdefault(entity, []).append(span)
    return [tuple(spans) for _, spans in sorted(chains.items())]


#: The four coreference settings, in the order they are reported: matching on extents or heads, with or without singletons.
COREF_SETTINGS = tuple(f"{by}, {'with' if singletons else 'without'} singletons" for by in ("extent", "head") for singletons in (True, False))


def coref(gold: list[Document], preds: Mapping[str, Prediction]) -> dict[str, CorefScores]:
    out: dict[str, CorefScores] = {}
    for by in ("extent", "head"):
        key: Documents = {d.id: _clusters((m.entity, (m.start, m.end) if by == "extent" else (m.head_start, m.head_end)) for m in d.mentions) for d in gold}
        response: Documents = {
            d.id: _clusters(
                (x["entity"], (x["start"], x["end"]) if by == "extent" else (x.get("head_start", x["start"]), x.get("head_end", x["end"])))
                for x in _layer(preds.get(d.id), "mentions")
            )
            for d in gold
        }
        for singletons in (True, False):
            out[f"{by}, {'with' if singletons else 'without'} singletons"] = score_coreference(key=key, response=response, singletons=singletons)
    return out


def coref_results(scores: Mapping[str, CorefScores]) -> dict[str, Any]:
    return {setting: s.as_dict() for setting, s in scores.items()}


def _canonical(label: str, head: object, tail: object) -> tuple[object, object]:
    if RELATIONS[label].symmetric and str(tail) < str(head):
        return tail, head
    return head, tail


def relations(gold: list[Document], preds: Mapping[str, Prediction], *, labelled: bool = True) -> RelationScores:
    """Relation scores; ``labelled=False`` scores the related entity pairs alone: a fact is the
    two entities, in either order, whatever the label (evidence is not compared then)."""

    def fact(doc_id: str, label: str, head: Any, tail: Any, evidence: Iterable[int]) -> tuple[Any, ...]:
        if labelled:
            return (
                (doc_id, *_canonical(label, head, tail), label, frozenset(evidence)) if label in RELATIONS else (doc_id, head, tail, label, frozenset(evidence))
            )
        return (doc_id, *sorted((head, tail), key=str), "related")

    gold_facts = [fact(d.id, r.label, r.head, r.tail, r.evidence) for d in gold for r in d.relations]
    if not labelled:  # two labels of one pair are one pair
        gold_facts = list(dict.fromkeys(gold_facts))
    gold_mentions = {d.id: _entity_spans((m.entity, m.start, m.end) for m in d.mentions) for d in gold}
    pred_facts = []
    for d in gold:
        pred = preds.get(d.id)
        mentions = _layer(pred, "mentions")
        mapping: Mapping[Any, Any] | None = None
        if mentions:
            spans = _entity_spans((x["entity"], x["start"], x["end"]) for x in mentions)
            mapping = align_entities(gold={d.id: gold_mentions[d.id]}, predicted={d.id: spans})[d.id]
        for x in _layer(pred, "relations"):
            head = mapping.get(x["head"], Unaligned(d.id, x["head"])) if mapping is not None else x["head"]
            tail = mapping.get(x["tail"], Unaligned(d.id, x["tail"])) if mapping is not None else x["tail"]
            pred_facts.append(fact(d.id, x["label"], head, tail, x.get("evidence") or ()))
    return score_relations(gold=gold_facts, predicted=pred_facts, gold_documents=[d.id for d in gold])


def relation_pairs(gold: list[Document], preds: Mapping[str, Prediction]) -> RelationScores:
    """:func:`relations` unlabelled: the related entity pairs, in either order, whatever the label."""
    return relations(gold, preds, labelled=False)


def relations_results(scores: RelationScores) -> dict[str, Any]:
    return {
        "relation": scores.relation.as_dict(),
        "evidence": scores.evidence.as_dict(),
        "per_label": {k: v.as_dict() for k, v in sorted(scores.per_label.items())},
    }


def _entity_spans(items: Iterable[tuple[str, int, int]]) -> dict[Hashable, set[tuple[int, int]]]:
    out: dict[Hashable, set[tuple[int, int]]] = {}
    for entity, start, end in items:
        out.setdefault(entity, set()).add((start, end))
    return out


def attributions(gold: list[Document], preds: Mapping[str, Prediction]) -> AttributionScores:
    def roles(item: Any) -> dict[str, list[tuple[int, int]]]:
        return {
            role: [
                (f["start"], f["end"]) if isinstance(f, dict) else (f.start, f.end)
                for f in (item[role] if isinstance(item, dict) else getattr(item, role)) or []
            ]
            for role in ATTRIBUTION_ROLES
        }

    g: Mapping[Hashable, Sequence[object]] = {d.id: [roles(a) for a in d.attributions] for d in gold}
    p: Mapping[Hashable, Sequence[object]] = {
        d.id: [roles({r: x.get(r) or [] for r in ATTRIBUTION_ROLES}) for x in _layer(preds.get(d.id), "attributions")] for d in gold
    }
    tokens: Mapping[Hashable, Sequence[tuple[int, int]]] = {d.id: [(t.start, t.end) for t in d.tokens] for d in gold}
    return score_attributions(gold=g, predicted=p, tokens=tokens)


def attributions_results(scores: AttributionScores) -> dict[str, Any]:
    return {
        "exact": {k: v.as_dict() for k, v in scores.exact.items()},
        "partial": {k: v.as_dict() for k, v in scores.partial.items()},
    }


def pooled(a: Any, b: Any) -> Any:
    """Two scores of one layer on disjoint sets of documents, pooled: counts add (every
    score is micro-pooled over documents), so scoring in chunks gives the whole's score."""
    if isinstance(a, PRF):
        return a + b
    if isinstance(a, Mapping):
        return {k: pooled(a[k], b[k]) if k in a and k in b else a.get(k, b.get(k)) for k in dict.fromkeys([*a, *b])}
    return type(a)(**{f.name: pooled(getattr(a, f.name), getattr(b, f.name)) for f in fields(a)})


def picklable(scores: Any) -> Any:
    """``scores`` with its read-only mappings (which do not pickle) as dicts, to send between processes."""
    if isinstance(scores, Mapping):
        return {k: picklable(v) for k, v in scores.items()}
    if isinstance(scores, PRF) or not hasattr(scores, "__dataclass_fields__"):
        return scores
    return type(scores)(**{f.name: picklable(getattr(scores, f.name)) for f in fields(scores)})


#: layer -> (scores of some gold documents and their predictions, pooled with :func:`pooled`; the results as plain data)
SCORERS: Mapping[str, tuple[Callable[[list[Document], Mapping[str, Prediction]], Any], Callable[[Any], dict[str, Any]]]] = {
    "ner": (ner, ner_results),
    "coref": (coref, coref_results),
    "relations": (relations, relations_results),
    "attributions": (attributions, attributions_results),
}
#: which prediction layer makes a scorer run
NEEDS = {"ner": "ner", "coref": "mentions", "relations": "relations", "attributions": "attributions"}

#: The version of each metric family's definition, stated in every result's provenance: it changes (``/2``, ...)
#: whenever a definition in ``docs/evaluation.md`` changes in a way that can change a score, so two results are
#: comparable only when their versions are equal.
METRIC_VERSIONS: Mapping[str, str] = MappingProxyType(
    {
        "ner": "strict-span-label/1",
        "coref": "conll2012-v8.01/1",
        "relations": "docred-entity-aligned/1",
        "attributions": "pairs-exact-and-token-overlap/1",
    }
)


def scored_layers(predictions: Mapping[str, Prediction]) -> tuple[str, ...]:
    """The layers (names of :data:`SCORERS`) that any of ``predictions`` gives, in :data:`SCORERS`' order."""
    given = {layer for p in predictions.values() for layer in p.layers}
    return tuple(name for name in SCORERS if NEEDS[name] in given)


def scores(*, gold: list[Document], predictions: Mapping[str, Prediction], layers: Sequence[str] | None = None) -> dict[str, Any]:
    """The scores of every layer that any of ``predictions`` (by document id) gives (or of ``layers``, when given),
    on the documents ``gold``; those of disjoint sets of documents pool (``pooled``)."""
    names = scored_layers(predictions) if layers is None else layers
    return {name: SCORERS[name][0](gold, predictions) for name in names}
