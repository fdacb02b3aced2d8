"""Attribution scoring: token coverage, pairing, exact and partial P/R/F1."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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
        "source": pr(true_positives=0, gold=1, predicted=1),  # (0,9) vs (5,9); empty sources not counted
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


def _rank(attrs: list[Attribution]) -> dict[int, int]:
    """Document order as docs/evaluation.md defines it: by (content, cue, source) fragments, ties by index."""
    return {i: r for r, i in enumerate(sorted(range(len(attrs)), key=lambda i: (attrs[i].content, attrs[i].cue, attrs[i].source)))}


def _best_objective(
    gold: list[Attribution], predicted: list[Attribution]
) -> tuple[tuple[int, int, int], Callable[[list[tuple[int, int]]], tuple[int, int, int]]]:
    """The lexicographic optimum by brute force over every one-to-one set of pairs sharing a content token,
    and the objective: (content tokens shared, roles equal, minus the total rank displacement)."""
    content = [[len(token_indices(fragments=g.content, tokens=TOKENS) & token_indices(fragments=p.content, tokens=TOKENS)) for p in predicted] for g in gold]
    gold_rank, pred_rank = _rank(gold), _rank(predicted)

    def objective(pairs: list[tuple[int, int]]) -> tuple[int, int, int]:
        same = sum(getattr(gold[i], r) == getattr(predicted[j], r) for i, j in pairs for r in ("cue", "source", "content"))
        return sum(content[i][j] for i, j in pairs), same, -sum(abs(gold_rank[i] - pred_rank[j]) for i, j in pairs)

    def matchings(i: int, used: frozenset[int]) -> list[list[tuple[int, int]]]:
        if i == len(gold):
            return [[]]
        out = matchings(i + 1, used)
        for j in range(len(predicted)):
            if j not in used and content[i][j]:
                out += [[(i, j), *rest] for rest in matchings(i + 1, used | {j})]
        return out

    return max(objective(pairs) for pairs in matchings(0, frozenset())), objective


@st.composite
def _attributions(draw: st.DrawFn) -> Attribution:
    """Attributions over a few tokens, so that contents overlap and cues and sources are often equal."""

    def tokens(first: int, last: int, most: int) -> list[tuple[int, int]]:
        return [TOKENS[k] for k in draw(st.lists(st.integers(first, last), max_size=most, unique=True))]

    return Attribution(cue=tokens(8, 9, 1), source=tokens(10, 11, 1), content=tokens(0, 5, 3))


@settings(max_examples=400, deadline=None)
@given(gold=st.lists(_attributions(), min_size=1, max_size=3), predicted=st.lists(_attributions(), min_size=1, max_size=4))
def test_scoring_attribution_pairs_are_the_lexicographic_optimum(gold: list[Attribution], predicted: list[Attribution]) -> None:
    pairs = pair_attributions(gold=gold, predicted=predicted, tokens=TOKENS)
    best, objective = _best_objective(gold, predicted)
    assert objective(pairs) == best
    assert len({i for i, _ in pairs}) == len({j for _, j in pairs}) == len(pairs)


def test_scoring_attribution_counts_are_pooled_over_documents() -> None:
    """Every document adds to every count: the pooled counts are the sums of each document's (an empty document first)."""
    gold = {"empty": [], "a": GOLD["d"], "b": GOLD["d"][:1]}
    predicted = {"a": GOLD["d"], "b": PREDICTED["d"], "c": PREDICTED["d"][2:]}  # a: every attribution exact
    tokens = {doc: TOKENS for doc in ("a", "b", "c")}
    pooled = score_attributions(gold=gold, predicted=predicted, tokens=tokens)
    alone = [score_attributions(gold={doc: gold.get(doc, [])}, predicted={doc: predicted.get(doc, [])}, tokens=tokens) for doc in "abc"]
    for kind in ("exact", "partial"):
        for name, prf in getattr(pooled, kind).items():
            assert prf == sum((getattr(s, kind)[name] for s in alone), PRF()), (kind, name)


def test_scoring_attribution_adjacent_tokens_are_accepted() -> None:
    assert token_indices(fragments=[(0, 2)], tokens=[(0, 1), (1, 2)]) == frozenset({0, 1})


@pytest.mark.parametrize(("limit", "refused"), [(70, True), (71, False)], ids=["at-the-limit", "under-it"])
def test_scoring_attribution_exact_tie_break_limit_is_inclusive(monkeypatch: pytest.MonkeyPatch, limit: int, refused: bool) -> None:
    """The largest weight a document can reach (content overlap x the exact unit x the pairs) must stay under
    _MAX_EXACT: two gold and two predicted attributions, each pair sharing one token, reach
    1 x (3 x 2 + 1) x (2 x 2 + 1) x 2 = 70."""
    from khabar.scoring import attribution

    monkeypatch.setattr(attribution, "_MAX_EXACT", limit)
    both = [Attribution(content=[(0, 4)]), Attribution(content=[(5, 9)])]
    if refused:
        with pytest.raises(ValueError, match="^too many attributions in one document for an exact tie-break$"):
            pair_attributions(gold=both, predicted=both, tokens=TOKENS)
    else:
        assert pair_attributions(gold=both, predicted=both, tokens=TOKENS) == [(0, 0), (1, 1)]
