"""Strict NER span-and-label scoring."""

from __future__ import annotations

from fractions import Fraction

import pytest

from khabar.scoring import PRF, score_ner

GOLD = [
    ("d1", 0, 2, "PER"),
    ("d1", 5, 6, "ORG"),
    ("d2", 1, 3, "LOC"),
    ("d2", 4, 5, "PER"),
]
PREDICTED = [
    ("d1", 0, 2, "PER"),  # correct
    ("d1", 5, 6, "PER"),  # right span, wrong label
    ("d2", 1, 3, "LOC"),  # correct
    ("d2", 1, 3, "LOC"),  # repeated: counts once
    ("d2", 7, 9, "MISC"),  # spurious
]


def test_scoring_ner_strict_micro_and_per_label() -> None:
    scores = score_ner(gold=GOLD, predicted=PREDICTED)
    # 4 distinct predictions, 2 correct, 4 gold: P = 2/4, R = 2/4
    assert scores.micro == PRF.from_counts(true_positives=2, gold=4, predicted=4)
    assert scores.micro.f1_fraction == Fraction(1, 2)
    assert dict(scores.per_label) == {
        "LOC": PRF.from_counts(true_positives=1, gold=1, predicted=1),
        "MISC": PRF.from_counts(true_positives=0, gold=0, predicted=1),
        "ORG": PRF.from_counts(true_positives=0, gold=1, predicted=0),
        "PER": PRF.from_counts(true_positives=1, gold=2, predicted=2),
    }


@pytest.mark.parametrize(
    "prediction",
    [("d1", 1, 2, "PER"), ("d1", 0, 3, "PER"), ("d2", 0, 2, "PER"), ("d1", 0, 2, "per")],
    ids=["start-off-by-one", "end-off-by-one", "other-document", "label-case"],
)
def test_scoring_ner_near_misses_are_wrong(prediction: tuple) -> None:
    scores = score_ner(gold=[("d1", 0, 2, "PER")], predicted=[prediction])
    assert scores.micro == PRF.from_counts(true_positives=0, gold=1, predicted=1)


def test_scoring_ner_gold_against_itself_is_perfect() -> None:
    scores = score_ner(gold=GOLD, predicted=GOLD)
    assert scores.micro.f1_fraction == 1
    assert all(prf.f1_fraction == 1 for prf in scores.per_label.values())


def test_scoring_ner_empty_prediction_has_zero_recall() -> None:
    scores = score_ner(gold=GOLD, predicted=[])
    assert scores.micro == PRF(0, 4, 0, 0)
    assert scores.micro.recall == 0.0


@pytest.mark.parametrize(
    "entity",
    [
        ("d1", 0, 2),
        ("d1", 2, 2, "PER"),
        ("d1", -1, 2, "PER"),
        ("d1", 0, 2, ""),
        ("d1", "0", 2, "PER"),
    ],
    ids=["short", "empty-span", "negative", "empty-label", "str-offset"],
)
def test_scoring_ner_rejects_bad_entities(entity: tuple) -> None:
    with pytest.raises(ValueError):
        score_ner(gold=[entity], predicted=[])


def test_scoring_ner_agrees_with_spacy_scorer() -> None:
    spacy = pytest.importorskip("spacy")
    from spacy.scorer import get_ner_prf
    from spacy.tokens import Span
    from spacy.training import Example

    nlp = spacy.blank("en")
    words = ["Ann", "met", "Bob", "in", "Paris", "and", "London", "last", "May"]
    gold_spans = [(0, 1, "PER"), (2, 3, "PER"), (4, 5, "LOC"), (6, 7, "LOC")]
    pred_spans = [(0, 1, "PER"), (2, 3, "ORG"), (4, 5, "LOC"), (7, 9, "DATE")]
    gold_doc = spacy.tokens.Doc(nlp.vocab, words=words)
    gold_doc.ents = [Span(gold_doc, s, e, label=lab) for s, e, lab in gold_spans]
    pred_doc = spacy.tokens.Doc(nlp.vocab, words=words)
    pred_doc.ents = [Span(pred_doc, s, e, label=lab) for s, e, lab in pred_spans]
    reference = get_ner_prf([Example(pred_doc, gold_doc)])

    ours = score_ner(
        gold=[("doc", s, e, lab) for s, e, lab in gold_spans],
        predicted=[("doc", s, e, lab) for s, e, lab in pred_spans],
    )
    assert ours.micro.precision == pytest.approx(reference["ents_p"])
    assert ours.micro.recall == pytest.approx(reference["ents_r"])
    assert ours.micro.f1 == pytest.approx(reference["ents_f"])
    assert set(ours.per_label) == set(reference["ents_per_type"])
    for label, prf in ours.per_label.items():
        ref = reference["ents_per_type"][label]
        assert (prf.precision, prf.recall, prf.f1) == pytest.approx((ref["p"], ref["r"], ref["f"]))
