"""BLANC against the values the reference scorer's test cases publish.

The keys and responses are those of ``tests/fixtures/scoring/conll_reference_cases.json``
(by case id); the expected values below are transcribed from
``conll/reference-coreference-scorers`` ``test/TestCases.README`` (commit
``7e1b64d8``): its ``Expected: BLANC=...`` lines and, for TC-B-1 and TC-C-1,
the worked link sets. ``None`` marks a count the README does not state.
Header values are printed with two decimals; TC-B-1 and TC-C-1 give exact ones.

Nothing here touches the network.
"""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import pytest

from khabar.scoring import PRF, BlancScores, blanc, score_coreference

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "scoring" / "conll_reference_cases.json"
CASES = {case["id"]: case for case in json.loads(FIXTURE.read_text(encoding="utf-8"))["cases"]}

F = Fraction
# id: ((recall_c num, den), (prec_c num, den), (recall_n num, den), (prec_n num, den), BLANC, exact?)
PUBLISHED: dict[str, tuple] = {
    "A-1": ((4, 4), (4, 4), (11, 11), (11, 11), F(1), True),
    "A-2": ((1, 4), (1, 1), (2, 11), (2, 2), F(35, 100), False),
    "A-3": ((4, 4), (4, 9), (11, 11), (11, 27), F(60, 100), False),
    "A-4": ((1, 4), (1, 4), (5, 11), (5, 17), F(30, 100), False),
    "A-5": ((1, 4), (1, 7), (5, 11), (5, 21), F(25, 100), False),
    "A-6": ((1, 4), (1, 5), (5, 11), (5, 23), F(26, 100), False),
    "A-7": ((1, 4), (1, 4), (5, 11), (5, 17), F(30, 100), False),
    "A-8": ((1, 4), (1, 4), (5, 11), (5, 17), F(30, 100), False),
    "A-9": ((1, 4), (1, 4), (5, 11), (5, 17), F(30, 100), False),
    "A-10": ((0, 4), (0, 0), (11, 11), (11, 15), F(42, 100), False),
    "A-11": ((4, 4), (4, 15), (0, 11), (0, 0), F(21, 100), False),
    "A-12": ((0, 4), (0, 0), (5, 11), (5, 21), F(16, 100), False),
    "A-13": ((1, 4), (1, 21), (0, 11), (0, 0), F(4, 100), False),
    "B-1": ((1, 4), (1, 4), (2, 6), (2, 6), F(7, 24), True),
    "C-1": ((2, 5), (2, 5), (10, 16), (10, 16), F(5125, 10000), True),
    "M-1": ((15, 15), (15, 15), None, None, F(1), True),
    "M-2": ((0, 15), (0, 0), None, None, F(0), True),
    "M-3": ((4, 15), (4, 4), None, None, F(42, 100), False),
    "M-4": ((3, 15), (3, 15), None, None, F(20, 100), False),
    "M-5": ((0, 15), (0, 0), None, None, F(0), True),
    "M-6": ((1, 15), (1, 4), None, None, F(11, 100), False),
    "N-1": (None, None, (15, 15), (15, 15), F(1), True),
    "N-2": (None, None, (0, 15), (0, 0), F(0), True),
    "N-3": (None, None, (11, 15), (11, 11), F(85, 100), False),
    "N-4": (None, None, (3, 15), (3, 15), F(20, 100), False),
    "N-5": (None, None, (0, 15), (0, 0), F(0), True),
    "N-6": (None, None, (2, 15), (2, 11), F(15, 100), False),
}


def one_doc(clusters: list) -> dict:
    return {"doc": [tuple(c) for c in clusters]}


@pytest.mark.parametrize("case_id", sorted(PUBLISHED))
def test_scoring_blanc_matches_the_reference_scorer_case(case_id: str) -> None:
    recall_c, prec_c, recall_n, prec_n, value, exact = PUBLISHED[case_id]
    case = CASES[case_id]
    got = blanc(key=one_doc(case["key"]), response=one_doc(case["response"]))
    for side, published_pair in (("coref", recall_c), ("non_coref", recall_n)):
        if published_pair is not None:
            assert (getattr(got, side).recall_num, getattr(got, side).recall_den) == published_pair, side
    for side, published_pair in (("coref", prec_c), ("non_coref", prec_n)):
        if published_pair is not None:
            assert (getattr(got, side).precision_num, getattr(got, side).precision_den) == published_pair, side
    if exact:
        assert got.f1_fraction == value
    else:
        assert float(got.f1_fraction) == pytest.approx(float(value), abs=0.005)  # the README prints two decimals


def test_scoring_blanc_key_with_one_kind_of_link_scores_that_kind_alone() -> None:
    only_coref = BlancScores(coref=PRF(recall_num=1, recall_den=2, precision_num=1, precision_den=4))
    assert only_coref.f1_fraction == only_coref.coref.f1_fraction
    assert only_coref.recall_fraction == F(1, 2) and only_coref.precision_fraction == F(1, 4)
    only_non = BlancScores(non_coref=PRF(recall_num=3, recall_den=3, precision_num=3, precision_den=6))
    assert only_non.f1_fraction == only_non.non_coref.f1_fraction
    assert BlancScores().f1_fraction == 0  # no link at all


def test_scoring_blanc_pools_link_counts_over_documents() -> None:
    first, second = CASES["A-2"], CASES["M-3"]
    pooled = blanc(key={"a": first["key"], "b": second["key"]}, response={"a": first["response"], "b": second["response"]})
    apart = blanc(key=one_doc(first["key"]), response=one_doc(first["response"])) + blanc(key=one_doc(second["key"]), response=one_doc(second["response"]))
    assert pooled == apart
    # Micro pooling: BLANC of the summed link counts.
    assert pooled.f1_fraction == F(1, 2) * (pooled.coref.f1_fraction + pooled.non_coref.f1_fraction)


def test_scoring_blanc_is_in_the_coreference_scores_but_not_the_conll_score() -> None:
    case = CASES["A-4"]
    scores = score_coreference(key=one_doc(case["key"]), response=one_doc(case["response"]))
    assert scores.blanc == blanc(key=one_doc(case["key"]), response=one_doc(case["response"]))
    assert scores.conll_f1_fraction == (scores.muc.f1_fraction + scores.b_cubed.f1_fraction + scores.ceafe.f1_fraction) / 3
    as_dict = scores.as_dict()["blanc"]
    assert as_dict["f1"] == float(scores.blanc.f1_fraction) and set(as_dict) >= {"precision", "recall", "coreference_links", "non_coreference_links"}
