"""DocRED-style relation scoring, evidence F1 and entity alignment."""

from __future__ import annotations

from fractions import Fraction

import pytest

from khabar.scoring import PRF, align_entities, score_relations

GOLD = [
    ("d1", "e1", "e2", "P17", [0, 1]),
    ("d1", "e1", "e3", "P131", [2]),
    ("d2", "e1", "e2", "P17", [0]),
]
PREDICTED = [
    ("d1", "e1", "e2", "P17", [1, 3]),  # correct; evidence overlap {1}
    ("d1", "e1", "e2", "P17", [0, 1]),  # repeated fact: dropped, the first copy's evidence stays
    ("d1", "e2", "e1", "P17", [0]),  # reversed direction: wrong, its evidence still counts
    ("d2", "e1", "e2", "P17"),  # correct, no evidence
    ("d9", "e1", "e2", "P17", [0, 1]),  # document unknown to the gold set
]


def test_scoring_relations_docred_relation_and_evidence_counts() -> None:
    scores = score_relations(gold=GOLD, predicted=PREDICTED)
    # 4 distinct predictions (d9's included), 2 correct, 3 gold facts.
    assert scores.relation == PRF.from_counts(true_positives=2, gold=3, predicted=4)
    # correct evidence = |{1,3} & {0,1}| + |{} & {0}| = 1; predicted evidence over gold
    # documents = |{1,3}| + |{0}| + |{}| = 3 (d9 skipped); gold evidence = 2 + 1 + 1 = 4.
    assert scores.evidence == PRF(recall_num=1, recall_den=4, precision_num=1, precision_den=3)
    # Evi F1 = 2 * (1/3) * (1/4) / (1/3 + 1/4) = 2/7
    assert scores.evidence.f1_fraction == Fraction(2, 7)
    assert dict(scores.per_label) == {
        "P131": PRF.from_counts(true_positives=0, gold=1, predicted=0),
        "P17": PRF.from_counts(true_positives=2, gold=2, predicted=4),
    }


def test_scoring_relations_gold_documents_widen_evidence_denominator() -> None:
    scores = score_relations(gold=GOLD, predicted=PREDICTED, gold_documents=["d1", "d2", "d9"])
    assert scores.evidence == PRF(recall_num=1, recall_den=4, precision_num=1, precision_den=5)
    assert scores.relation == PRF.from_counts(true_positives=2, gold=3, predicted=4)


def test_scoring_relations_gold_against_itself_is_perfect() -> None:
    scores = score_relations(gold=GOLD, predicted=GOLD)
    assert scores.relation.f1_fraction == 1
    assert scores.evidence.f1_fraction == 1
    assert all(prf.f1_fraction == 1 for prf in scores.per_label.values())


def test_scoring_relations_empty_prediction_has_zero_recall() -> None:
    scores = score_relations(gold=GOLD, predicted=[])
    assert scores.relation == PRF(0, 3, 0, 0)
    assert scores.evidence == PRF(0, 4, 0, 0)


@pytest.mark.parametrize(
    ("gold", "predicted", "kwargs"),
    [
        ([GOLD[0], GOLD[0]], [], {}),
        ([("d1", "e1", "e2")], [], {}),
        ([("d1", "e1", "e2", "")], [], {}),
        ([("d1", "e1", "e2", "P17", "01")], [], {}),
        ([("d1", "e1", "e2", "P17", [-1])], [], {}),
        (GOLD, [], {"gold_documents": ["d1"]}),
    ],
    ids=[
        "repeated-gold",
        "short",
        "empty-label",
        "str-evidence",
        "negative-evidence",
        "gold-doc-missing",
    ],
)
def test_scoring_relations_rejects_bad_input(gold: list, predicted: list, kwargs: dict) -> None:
    with pytest.raises(ValueError):
        score_relations(gold=gold, predicted=predicted, **kwargs)


GOLD_ENTITIES = {
    "d1": {
        "g1": [(0, 5), (20, 25)],
        "g2": [(10, 14), (30, 34), (40, 44)],
        "g3": [(50, 55)],
    }
}
PRED_ENTITIES = {
    "d1": {
        "p1": [(0, 5), (20, 25), (30, 34)],  # 2 extents with g1, 1 with g2
        "p2": [(10, 14), (40, 44)],  # 2 with g2
        "p3": [(50, 56)],  # boundary off by one: shares nothing
        "p4": [(30, 34)],  # 1 with g2, which p2 takes first
    },
    "d2": {"q1": [(0, 1)]},  # no gold entities in d2
}


def test_scoring_align_entities_most_shared_extents_one_to_one() -> None:
    alignment = align_entities(gold=GOLD_ENTITIES, predicted=PRED_ENTITIES)
    assert alignment == {"d1": {"p1": "g1", "p2": "g2"}, "d2": {}}


def test_scoring_align_entities_tie_breaks_by_gold_first_mention_then_id() -> None:
    gold = {"d": {"late": [(5, 6)], "early": [(1, 2)], 7: [(9, 10)], 3: [(9, 10)]}}
    # one shared extent each with "late" and "early": the earliest first mention wins
    assert align_entities(gold=gold, predicted={"d": {"p": [(1, 2), (5, 6)]}}) == {"d": {"p": "early"}}
    # gold 7 and 3 both start at (9, 10): the smaller id wins
    assert align_entities(gold=gold, predicted={"d": {"p": [(9, 10)]}}) == {"d": {"p": 3}}
    # two predicted entities competing for one gold entity: the one whose first mention is
    # earlier wins, then the smaller id
    predicted = {"d": {"b": [(0, 1), (1, 2)], "a": [(1, 2), (40, 41)]}}
    assert align_entities(gold=gold, predicted=predicted) == {"d": {"b": "early"}}
    predicted = {"d": {"b": [(1, 2)], "a": [(1, 2)]}}
    assert align_entities(gold=gold, predicted=predicted) == {"d": {"a": "early"}}


def test_scoring_relations_unaligned_entities_are_never_correct() -> None:
    alignment = align_entities(gold=GOLD_ENTITIES, predicted=PRED_ENTITIES)
    gold = [("d1", "g1", "g2", "P17"), ("d1", "g3", "g2", "P17")]
    predicted = [
        ("d1", "p1", "p2", "P17"),  # -> (g1, g2): correct
        ("d1", "p3", "p2", "P17"),  # p3 unaligned: wrong even though p3 "is" g3
        ("d2", "q1", "q1", "P17"),  # unaligned document
    ]
    scores = score_relations(gold=gold, predicted=predicted, alignment=alignment)
    assert scores.relation == PRF.from_counts(true_positives=1, gold=2, predicted=3)


def test_scoring_relations_unaligned_entity_with_a_gold_id_is_never_correct() -> None:
    """Predicted ids are the system's own: one that spells a gold id but aligns to nothing is no gold entity."""
    gold_entities = {"d": {"g1": [(0, 5)], "g2": [(10, 15)]}}
    predicted_entities = {"d": {"x": [(0, 5)], "y": [(10, 15)], "g2": [(30, 35)]}}
    alignment = align_entities(gold=gold_entities, predicted=predicted_entities)
    assert alignment == {"d": {"x": "g1", "y": "g2"}}  # the predicted "g2" shares no extent: unaligned
    gold = [("d", "g1", "g2", "P17"), ("d", "g2", "g1", "P131")]
    predicted = [
        ("d", "x", "g2", "P17"),  # (g1, unaligned): wrong, though read as ids it is the first gold fact
        ("d", "g2", "x", "P131"),  # (unaligned, g1): wrong, though read as ids it is the second
        ("d", "x", "y", "P17"),  # (g1, g2): correct
    ]
    scores = score_relations(gold=gold, predicted=predicted, alignment=alignment)
    assert scores.relation == PRF.from_counts(true_positives=1, gold=2, predicted=3)


@pytest.mark.parametrize(
    "spans",
    [[(5, 1)], [(1,)], "0-5", [(0.5, 2)]],
    ids=["reversed", "short", "string", "float"],
)
def test_scoring_align_entities_rejects_bad_spans(spans: object) -> None:
    with pytest.raises(ValueError):
        align_entities(gold={"d": {"g": spans}}, predicted={"d": {"p": [(0, 1)]}})


def test_scoring_align_entities_compares_whole_extents() -> None:
    """A shared end is no shared extent: (0, 5) and (2, 5) are different mentions."""
    gold = {"d": {"g": [(2, 5)]}}
    assert align_entities(gold=gold, predicted={"d": {"p": [(0, 5)], "q": [(2, 5)]}}) == {"d": {"q": "g"}}


def test_scoring_align_entities_int_ids_come_before_str_ids() -> None:
    """Tie-break by gold id: ints before strings, whatever their text ("10" sorts before "5" as text)."""
    gold = {"d": {"10": [(1, 2)], 5: [(1, 2)]}}
    assert align_entities(gold=gold, predicted={"d": {"p": [(1, 2)]}}) == {"d": {"p": 5}}


def test_scoring_relations_unaligned_entities_stay_distinct() -> None:
    """Two unaligned predicted entities are two entities (two predictions, both wrong), also in a document the
    alignment does not name."""
    alignment = {"d1": {"x": "g1"}}
    predicted = [("d1", "x", "u1", "P17"), ("d1", "x", "u2", "P17"), ("d2", "v1", "x", "P17"), ("d2", "v2", "x", "P17")]
    scores = score_relations(gold=[("d1", "g1", "g2", "P17")], predicted=predicted, alignment=alignment)
    assert scores.relation == PRF.from_counts(true_positives=0, gold=1, predicted=4)
