"""Per-layer scoring of predictions (khabar.scoring.layers): heads, singletons, unlabelled pairs, labels outside the
schema and predicted entities with no gold counterpart, each against what the rule in docs/evaluation.md says."""

from __future__ import annotations

import pickle
from dataclasses import replace
from typing import Any

from conftest import FIXTURES

from khabar.evaluate import load_gold
from khabar.evaluate.agreement import as_prediction
from khabar.schema.model import Document
from khabar.scoring.layers import coref, picklable, relation_pairs, relations, relations_results, scores
from khabar.scoring.predictions import Prediction


def _gold() -> Document:
    [doc] = load_gold(path=FIXTURES / "valid")
    return doc


def _with(doc: Document, **layers: Any) -> dict[str, Prediction]:
    own = as_prediction(doc)
    return {doc.id: Prediction(doc.id, 1, {**own.layers, **layers})}


def test_scoring_layers_a_mention_without_a_head_is_its_own_head() -> None:
    doc = _gold()
    gold = replace(doc, mentions=tuple(replace(m, head_start=m.start, head_end=m.end) for m in doc.mentions))  # heads = extents
    headless = [{k: v for k, v in m.items() if k not in ("head_start", "head_end")} for m in as_prediction(gold).layers["mentions"]]
    scored = coref([gold], _with(gold, mentions=headless))
    assert {setting: s.conll_f1 for setting, s in scored.items()} == dict.fromkeys(scored, 1.0)


def test_scoring_layers_singletons_count_only_in_the_settings_with_them() -> None:
    doc = _gold()
    counts = {e.id: sum(m.entity == e.id for m in doc.mentions) for e in doc.entities}
    assert 1 in counts.values() and any(c > 1 for c in counts.values())  # the fixture has both
    kept = [m for m in as_prediction(doc).layers["mentions"] if counts[m["entity"]] > 1]  # every singleton left out
    scored = coref([doc], _with(doc, mentions=kept))
    assert scored["extent, without singletons"].conll_f1 == 1.0 and scored["head, without singletons"].conll_f1 == 1.0
    assert scored["extent, with singletons"].conll_f1 < 1.0 and scored["head, with singletons"].conll_f1 < 1.0


def test_scoring_layers_one_predicted_cluster_for_everything_is_not_perfect() -> None:
    doc = _gold()
    merged = [{**m, "entity": "all"} for m in as_prediction(doc).layers["mentions"]]
    scored = coref([doc], _with(doc, mentions=merged))
    muc = scored["extent, with singletons"].muc
    assert muc.recall == 1.0 and muc.precision < 1.0


def test_scoring_layers_pairs_ignore_label_order_and_evidence_where_relations_do_not() -> None:
    doc = _gold()
    [gold_relation] = as_prediction(doc).layers["relations"]
    swapped = {**gold_relation, "label": "per:associate", "head": gold_relation["tail"], "tail": gold_relation["head"], "evidence": [2]}
    predicted = _with(doc, relations=[swapped, dict(swapped)])  # and twice: one fact
    assert relations([doc], predicted).relation.f1 == 0.0
    pairs = relation_pairs([doc], predicted)
    assert (pairs.relation.recall, pairs.relation.precision) == (1.0, 1.0)
    assert relation_pairs([doc], _with(doc)).relation.f1 == 1.0


def test_scoring_layers_a_label_outside_the_schema_and_an_unaligned_entity_score_as_wrong() -> None:
    doc = _gold()
    [gold_relation] = as_prediction(doc).layers["relations"]
    odd = [
        {**gold_relation, "label": "x:unknown"},
        {**gold_relation, "head": "ghost"},  # an entity the predicted mentions never name: unaligned
    ]
    mentions = as_prediction(doc).layers["mentions"]
    predicted = _with(doc, relations=odd, mentions=mentions)
    scored = relations([doc], predicted)
    assert (scored.relation.precision, scored.relation.recall) == (0.0, 0.0)
    assert relation_pairs([doc], predicted).relation.precision == 0.5  # the pair of the first is right
    assert relations_results(scored)["relation"]["precision_den"] == 2


def test_scoring_layers_scores_pickle_once_made_picklable() -> None:
    doc = _gold()
    made = scores(gold=[doc], predictions=_with(doc))
    plain = picklable(made)
    assert pickle.loads(pickle.dumps(plain)) == plain
    assert {name: type(value) for name, value in plain.items()} == {name: type(value) for name, value in made.items()}


def test_scoring_layers_predicted_entities_are_aligned_to_the_gold_through_their_mentions() -> None:
    doc = _gold()
    own = as_prediction(doc).layers
    renamed = {e["id"]: f"p-{e['id']}" for e in own["entities"]}
    mentions = [{**m, "entity": renamed[m["entity"]]} for m in own["mentions"]]
    moved = [{**r, "head": renamed[r["head"]], "tail": renamed[r["tail"]]} for r in own["relations"]]
    aligned = relations([doc], _with(doc, mentions=mentions, relations=moved))
    assert (aligned.relation.precision, aligned.relation.recall) == (1.0, 1.0)  # other ids, the same entities
    as_gold_ids = relations([doc], _with(doc, mentions=mentions, relations=own["relations"]))
    assert as_gold_ids.relation.precision == 0.0  # with mentions given, ids are the prediction's own: these name none
    without_mentions = relations([doc], _with(doc, mentions=[], relations=own["relations"]))
    assert (without_mentions.relation.precision, without_mentions.relation.recall) == (1.0, 1.0)  # no mentions: gold ids
    pairs = relation_pairs([doc], _with(doc, mentions=mentions, relations=[{**r, "label": "per:associate"} for r in moved]))
    assert (pairs.relation.precision, pairs.relation.recall) == (1.0, 1.0)


def test_scoring_layers_every_unaligned_entity_stays_its_own() -> None:
    """Predicted entities no gold entity aligns with: two in one document, and one id in two documents, are
    different entities, so their relations are different (wrong) facts."""
    doc = _gold()
    own = as_prediction(doc).layers
    [r] = own["relations"]
    far = len(doc.text) - 1  # a one-character mention no gold mention shares
    ghosts = [{"start": far, "end": far + 1, "entity": name} for name in ("ghost-1", "ghost-2")]
    two = _with(doc, mentions=[*own["mentions"], *ghosts], relations=[{**r, "head": "ghost-1"}, {**r, "head": "ghost-2"}])
    assert relations([doc], two).relation.precision_den == 2  # two facts, not one
    other = replace(doc, id="other")
    same_id = {d.id: Prediction(d.id, 1, {**own, "mentions": [*own["mentions"], ghosts[0]], "relations": [{**r, "head": "ghost-1"}]}) for d in (doc, other)}
    assert relations([doc, other], same_id).relation.precision_den == 2  # one per document


def test_scoring_layers_a_gold_pair_with_two_labels_is_one_pair() -> None:
    doc = _gold()
    [gold_relation] = doc.relations
    twice = replace(doc, relations=(gold_relation, replace(gold_relation, id="r-other", label="per:associate")))
    pairs = relation_pairs([twice], _with(doc))
    assert (pairs.relation.recall, pairs.relation.precision, pairs.relation.recall_den) == (1.0, 1.0, 1)


def test_scoring_layers_unaligned_tails_too_and_evidence_of_documents_without_gold_relations() -> None:
    doc = _gold()
    own = as_prediction(doc).layers
    [r] = own["relations"]
    far = len(doc.text) - 1
    ghosts = [{"start": far, "end": far + 1, "entity": name} for name in ("ghost-1", "ghost-2")]
    two = _with(doc, mentions=[*own["mentions"], *ghosts], relations=[{**r, "tail": "ghost-1"}, {**r, "tail": "ghost-2"}])
    assert relations([doc], two).relation.precision_den == 2
    bare = replace(doc, id="bare", relations=())  # a gold document with no relation, whose prediction has one
    predicted = {d.id: Prediction(d.id, 1, dict(own)) for d in (doc, bare)}
    scored = relations([doc, bare], predicted)
    assert scored.evidence.precision_den == 2 * len(r["evidence"]) and scored.relation.precision_den == 2
