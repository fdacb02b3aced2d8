"""Attribution scoring: token coverage, pairing, exact and partial P/R/F1."""

from __future__ import annotations

from fractions import Fraction

import pytest

from khabar.scoring import PRF, Attribution, pair_attributions, score_attributions, token_indices

# Twenty 4-character tokens separated by one space: token k covers [5k, 5k + 4).
TOKENS = [(5 * k, 5 * k + 4) for k in range(20)]


@pytest.mark.parametrize(
    ("fragments", "expected"),
    [
        ([(5, 9)], {1}),
        ([(3, 6)], {0, 1}),  # one character of each token
        ([(4, 5)], set()),  # the space only
        ([(9, 10)], set()),  # touches token 1's end and token 2's start
        ([(0, 9), (5, 14)], {0, 1, 2}),  # token 1 covered twice, counted once
        ([], set()),
    ],
    ids=[
        "exact-token",
        "one-char-overlap",
        "whitespace",
        "touching",
        "overlapping-fragments",
        "empty",
    ],
)
def test_scoring_token_indices_overlap_rule(fragments: list, expected: set) -> None:
    assert token_indices(fragments=fragments, tokens=TOKENS) == frozenset(expected)


GOLD = {
    "d": [
        # cue token 4, source tokens 0-1, content tokens 5-9
        {"cue": [(20, 24)], "source": [(0, 9)], "content": [(25, 49)]},
        # cue token 14, no source, content tokens 10-13
        {"cue": [(70, 74)], "content": [(50, 69)]},
    ]
}
PREDICTED = {
    "d": [
        # exact cue, source token 1 only, content tokens 5-7
        Attribution(cue=[(20, 24)], source=[(5, 9)], content=[(25, 39)]),
        # wrong cue (token 15), exact content
        Attribution(cue=[(75, 79)], content=[(50, 69)]),
        # spurious: cue token 18, content token 19, shares no content token
        Attribution(cue=[(90, 94)], content=[(95, 99)]),
    ]
}


def test_scoring_attribution_hand_worked_exact_and_partial() -> None:
    assert pair_attributions(gold=GOLD["d"], predicted=PREDICTED["d"], tokens=TOKENS) == [
        (0, 0),
        (1, 1),
    ]
    scores = score_attributions(gold=GOLD, predicted=PREDICTED, tokens={"d": TOKENS})
    pr = PRF.from_counts
    assert dict(scores.exact) == {
        "cue": pr(true_positives=1, gold=2, predicted=3),  # pair 0 cue equal
        "source": pr(
            true_positives=0, gold=1, predicted=1
        ),  # (0,9) vs (5,9); empty sources not counted
        "content": pr(true_positives=1, gold=2, predicted=3),  # pair 1 content equal
        "attribution": pr(true_positives=0, gold=2, predicted=3),  # no pair equal on all roles
    }
    assert dict(scores.partial) == {
        # pairs: |{4}&{4}| + |{14}&{15}| = 1; gold 1 + 1; predicted 1 + 1 + 1
        "cue": pr(true_positives=1, gold=2, predicted=3),
        # |{0,1}&{1}| = 1; gold 2; predicted 1
        "source": pr(true_positives=1, gold=2, predicted=1),
        # |{5..9}&{5,6,7}| + |{10..13}&{10..13}| = 3 + 4; gold 5 + 4; predicted 3 + 4 + 1
        "content": pr(true_positives=7, gold=9, predicted=8),
        # all roles pooled: 1 + 1 + 7 = 9; gold 2 + 2 + 9 = 13; predicted 3 + 1 + 8 = 12
        "attribution": pr(true_positives=9, gold=13, predicted=12),
    }
    assert scores.partial["content"].precision_fraction == Fraction(7, 8)
    assert scores.partial["content"].recall_fraction == Fraction(7, 9)


def test_scoring_attribution_pairing_maximises_total_content_overlap() -> None:
    gold = [Attribution(content=[(0, 29)]), Attribution(content=[(30, 39)])]  # tokens 0-5, 6-7
    predicted = [
        Attribution(content=[(5, 39)]),  # tokens 1-7: 5 with gold 0, 2 with gold 1
        Attribution(content=[(0, 19)]),  # tokens 0-3: 4 with gold 0
    ]
    # greedy (best pair first) would give 5 + 0; the optimum is 2 + 4 = 6
    assert pair_attributions(gold=gold, predicted=predicted, tokens=TOKENS) == [(0, 1), (1, 0)]
    scores = score_attributions(gold={"d": gold}, predicted={"d": predicted}, tokens={"d": TOKENS})
    assert scores.partial["content"] == PRF.from_counts(true_positives=6, gold=8, predicted=11)


def test_scoring_attribution_ties_prefer_exact_roles_then_position() -> None:
    gold = [Attribution(cue=[(0, 4)], content=[(10, 29)])]
    predicted = [
        Attribution(cue=[(5, 9)], content=[(10, 29)]),
        Attribution(cue=[(0, 4)], content=[(10, 29)]),
    ]
    # same content overlap: the candidate with the matching cue wins
    assert pair_attributions(gold=gold, predicted=predicted, tokens=TOKENS) == [(0, 1)]
    # one prediction overlapping two gold attributions equally: the earlier gold one wins,
    # whatever the input order
    early, late = Attribution(content=[(0, 19)]), Attribution(content=[(40, 59)])
    wide = [Attribution(content=[(15, 44)])]  # tokens 3-8: token 3 from early, token 8 from late
    assert pair_attributions(gold=[early, late], predicted=wide, tokens=TOKENS) == [(0, 0)]
    assert pair_attributions(gold=[late, early], predicted=wide, tokens=TOKENS) == [(1, 0)]


def test_scoring_attribution_empty_content_is_never_paired() -> None:
    gold = [Attribution(cue=[(0, 4)])]
    predicted = [Attribution(cue=[(0, 4)])]
    assert pair_attributions(gold=gold, predicted=predicted, tokens=TOKENS) == []
    scores = score_attributions(gold={"d": gold}, predicted={"d": predicted}, tokens={"d": TOKENS})
    assert scores.exact["cue"] == PRF.from_counts(true_positives=0, gold=1, predicted=1)


def test_scoring_attribution_gold_against_itself_is_perfect() -> None:
    scores = score_attributions(gold=GOLD, predicted=GOLD, tokens={"d": TOKENS})
    for table in (scores.exact, scores.partial):
        assert {name: prf.f1_fraction for name, prf in table.items()} == {
            "cue": 1,
            "source": 1,
            "content": 1,
            "attribution": 1,
        }


def test_scoring_attribution_empty_prediction_has_zero_recall() -> None:
    scores = score_attributions(gold=GOLD, predicted={}, tokens={"d": TOKENS})
    for table in (scores.exact, scores.partial):
        assert all(prf.recall_num == 0 and prf.recall_den > 0 for prf in table.values())


def test_scoring_attribution_prediction_only_document_counts_as_false_positive() -> None:
    predicted = dict(PREDICTED, other=[Attribution(cue=[(0, 4)], content=[(5, 9)])])
    tokens = {"d": TOKENS, "other": TOKENS}
    base = score_attributions(gold=GOLD, predicted=PREDICTED, tokens=tokens)
    more = score_attributions(gold=GOLD, predicted=predicted, tokens=tokens)
    assert more.exact["attribution"].precision_den == base.exact["attribution"].precision_den + 1
    assert more.partial["content"].precision_den == base.partial["content"].precision_den + 1
    assert more.partial["content"].recall_den == base.partial["content"].recall_den


def test_scoring_attribution_fragments_are_normalised_sets() -> None:
    a = Attribution(cue=[(5, 9), (0, 4), (5, 9)], content=[[10, 14]])
    assert a == Attribution(cue=((0, 4), (5, 9)), content=((10, 14),))
    assert Attribution(cue=[(0, 9)]) != Attribution(cue=[(0, 4), (4, 9)])


@pytest.mark.parametrize(
    ("gold", "tokens"),
    [
        ({"d": [{"content": [(5, 5)]}]}, {"d": TOKENS}),
        ({"d": [{"content": [(5, 1)]}]}, {"d": TOKENS}),
        ({"d": [{"content": "0-5"}]}, {"d": TOKENS}),
        ({"d": [[(0, 4)]]}, {"d": TOKENS}),
        ({"d": [{"content": [(0, 4)]}]}, {}),
        ({"d": [{"content": [(0, 4)]}]}, {"d": [(5, 9), (0, 4)]}),
        ({"d": [{"content": [(0, 4)]}]}, {"d": [(0, 5), (4, 9)]}),
    ],
    ids=[
        "empty-fragment",
        "reversed",
        "string",
        "not-a-mapping",
        "no-tokens",
        "unsorted-tokens",
        "overlapping-tokens",
    ],
)
def test_scoring_attribution_rejects_bad_input(gold: dict, tokens: dict) -> None:
    with pytest.raises(ValueError):
        score_attributions(gold=gold, predicted={}, tokens=tokens)
