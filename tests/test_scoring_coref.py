"""Coreference metrics: reference-scorer conformance and hand-worked examples."""

from __future__ import annotations

import ast
import json
import operator
from fractions import Fraction
from pathlib import Path

import pytest

from khabar.scoring import (
    PRF,
    b_cubed,
    ceafe,
    ceafm,
    clusters_from_mentions,
    conll_f1,
    lea,
    muc,
    normalize_clusters,
    score_coreference,
)

FIXTURE = Path(__file__).parent / "fixtures" / "scoring" / "conll_reference_cases.json"
CASES = json.loads(FIXTURE.read_text(encoding="utf-8"))["cases"]
METRICS = {"muc": muc, "bcub": b_cubed, "ceafm": ceafm, "ceafe": ceafe, "lea": lea}
ALL_METRICS = sorted(METRICS)
_OPERATORS = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}


def published(expression: str) -> Fraction:
    """Evaluate a published arithmetic expression exactly (decimals as written)."""

    def walk(node: ast.AST) -> Fraction:
        if isinstance(node, ast.Expression):
            return walk(node.body)
        if isinstance(node, ast.Constant) and type(node.value) in (int, float):
            return Fraction(repr(node.value))
        if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
            return _OPERATORS[type(node.op)](walk(node.left), walk(node.right))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -walk(node.operand)
        raise ValueError(f"unsupported expression {expression!r}")

    return walk(ast.parse(expression, mode="eval"))


def one_doc(clusters: list) -> dict:
    return {"doc": clusters}


def _conformance_params() -> list:
    return [pytest.param(case, metric, expected, id=f"{case['id']}-{metric}") for case in CASES for metric, expected in case["expected"].items()]


@pytest.mark.parametrize(("case", "metric", "expected"), _conformance_params())
def test_scoring_coref_matches_reference_scorer_case(case: dict, metric: str, expected: dict) -> None:
    prf = METRICS[metric](key=one_doc(case["key"]), response=one_doc(case["response"]))
    checked = 0
    for side in ("recall", "precision", "f1"):
        want = expected.get(side, {})
        if "num" in want:
            assert getattr(prf, f"{side}_num") == published(want["num"]), want
            assert getattr(prf, f"{side}_den") == published(want["den"]), want
            checked += 1
        if "value" in want:
            assert getattr(prf, f"{side}_fraction") == published(want["value"]), want
            checked += 1
        if "approx" in want:
            assert getattr(prf, side) == pytest.approx(float(published(want["approx"])), abs=1e-4)
            checked += 1
    assert checked > 0


def test_scoring_conformance_fixture_covers_every_published_case() -> None:
    ids = {case["id"] for case in CASES}
    expected = {f"A-{i}" for i in range(1, 14)}
    expected |= {"B-1", "C-1", "D-1", "E-1", "F-1", "G-1", "H-1", "I-1", "J-1", "K-1", "L-1"}
    expected |= {f"M-{i}" for i in range(1, 7)} | {f"N-{i}" for i in range(1, 7)}
    assert ids == expected
    assert all(case["expected"] for case in CASES)


@pytest.mark.parametrize("case", [c for c in CASES if c["id"] in {f"A-{i}" for i in range(1, 10)}], ids=lambda c: c["id"])
def test_scoring_conll_average_is_mean_of_published_f1(case: dict) -> None:
    def f1(metric: str) -> float:
        want = case["expected"][metric]["f1"]
        return float(published(want.get("value", want.get("approx", "nan"))))

    expected = (f1("muc") + f1("bcub") + f1("ceafe")) / 3
    got = conll_f1(key=one_doc(case["key"]), response=one_doc(case["response"]))
    assert got == pytest.approx(expected, abs=1e-4)


KEY = {
    "d1": [[(0, 1)], [(2, 3), (5, 6)], [(8, 9), (10, 12), (14, 15)]],
    "d2": [[(1, 2), (4, 5)], [(7, 8)]],
}


@pytest.mark.parametrize("metric", ALL_METRICS)
def test_scoring_gold_against_itself_is_perfect(metric: str) -> None:
    prf = METRICS[metric](key=KEY, response=KEY)
    assert (prf.precision_fraction, prf.recall_fraction, prf.f1_fraction) == (1, 1, 1)


@pytest.mark.parametrize("metric", ALL_METRICS)
@pytest.mark.parametrize("response", [{}, {"d1": [], "d2": []}], ids=["no-documents", "no-clusters"])
def test_scoring_empty_response_has_zero_recall(metric: str, response: dict) -> None:
    prf = METRICS[metric](key=KEY, response=response)
    assert prf.recall_num == 0
    assert prf.recall_den > 0
    assert prf.precision_den == 0
    assert prf.f1 == 0.0


def test_scoring_coref_gold_against_itself_gives_conll_one() -> None:
    assert score_coreference(key=KEY, response=KEY).conll_f1_fraction == 1


def test_scoring_coref_pools_counts_over_documents() -> None:
    # d1 is TC-A-2 (MUC 1/3, 1/1), d2 is TC-A-4 (MUC 1/3, 1/3): pooled 2/6 and 2/4,
    # not the mean of the per-document ratios.
    key = {"d1": [["a"], ["b", "c"], ["d", "e", "f"]], "d2": [["a"], ["b", "c"], ["d", "e", "f"]]}
    response = {"d1": [["a"], ["d", "e"]], "d2": [["a"], ["b", "c", "x"], ["d", "y"], ["z"]]}
    assert muc(key=key, response=response) == PRF(2, 6, 2, 4)
    # B3: recall (7/3 + 10/3) / (6 + 6), precision (3 + 17/6) / (3 + 7)
    assert b_cubed(key=key, response=response) == PRF(Fraction(17, 3), 12, Fraction(35, 6), 10)


def test_scoring_coref_ignores_response_only_documents() -> None:
    extra = dict(KEY, unknown=[[(0, 1), (2, 3)]])
    assert score_coreference(key=KEY, response=extra) == score_coreference(key=KEY, response=KEY)


def test_scoring_coref_missing_response_document_is_empty_response() -> None:
    scores = score_coreference(key=KEY, response={"d1": KEY["d1"]})
    # d2 contributes its key mentions (3), clusters (2) and links (1) as misses.
    assert scores.muc == PRF(3, 4, 3, 3)
    assert scores.b_cubed == PRF(6, 9, 6, 6)
    assert scores.ceafe == PRF(3, 5, 3, 3)
    assert scores.lea == PRF(6, 9, 6, 6)


def test_scoring_ceafe_uses_optimal_not_greedy_alignment() -> None:
    # phi4: K1-R1 = 2*3/9 = 2/3, K1-R2 = 2*1/5 = 2/5, K2-R1 = 2*2/7 = 4/7, K2-R2 = 0.
    # Greedy (best pair first) gets 2/3; the optimum K1-R2 + K2-R1 = 2/5 + 4/7 = 34/35.
    key = one_doc([["a", "b", "c", "d"], ["e", "f"]])
    response = one_doc([["a", "b", "c", "e", "f"], ["d"]])
    assert ceafe(key=key, response=response) == PRF(Fraction(34, 35), 2, Fraction(34, 35), 2)
    # phi3 ties (3 + 0 = 1 + 2): CEAFm numerator 3 over 6 mentions each side.
    assert ceafm(key=key, response=response) == PRF(3, 6, 3, 6)


def test_scoring_lea_key_singleton_resolved_only_as_response_singleton() -> None:
    key = one_doc([["a"], ["b", "c"]])
    # a sits in a two-mention response entity: unresolved. recall (0 + 2*1)/3;
    # precision: {a,x} has 1 link, none correct (0); {b,c}: 2*1 -> 2/4.
    assert lea(key=key, response=one_doc([["a", "x"], ["b", "c"]])) == PRF(2, 3, 2, 4)
    # a alone in the response: resolved. recall (1 + 2)/3; precision (1 + 0 + 2)/4.
    assert lea(key=key, response=one_doc([["a"], ["x"], ["b", "c"]])) == PRF(3, 3, 3, 4)


def test_scoring_singletons_false_drops_singleton_clusters() -> None:
    key = one_doc([["a"], ["b", "c"], ["d", "e", "f"]])
    response = one_doc([["a"], ["b", "c", "x"], ["d", "y"], ["z"]])  # TC-A-4
    with_s = score_coreference(key=key, response=response)
    without = score_coreference(key=key, response=response, singletons=False)
    assert without.muc == with_s.muc == PRF(1, 3, 1, 3)  # singletons have no links
    # key {bc} {def}, response {bcx} {dy}: B3 recall 1+1+1/3, precision 2/3+2/3+1/2.
    assert without.b_cubed == PRF(Fraction(7, 3), 5, Fraction(11, 6), 5)
    # phi4(bc, bcx) + phi4(def, dy) = 4/5 + 2/5.
    assert without.ceafe == PRF(Fraction(6, 5), 2, Fraction(6, 5), 2)
    # LEA recall (2*1 + 3*0)/5, precision (3*(1/3) + 2*0)/5.
    assert without.lea == PRF(2, 5, 1, 5)


def test_scoring_normalize_clusters_drops_repeats_first_occurrence_wins() -> None:
    clusters = [["a", "b", "a"], {"b", "c"}, ["b"]]
    assert normalize_clusters(clusters=clusters) == [("a", "b"), ("c",)]
    assert normalize_clusters(clusters=clusters, singletons=False) == [("a", "b")]


@pytest.mark.parametrize(
    "clusters",
    [{frozenset({"a"})}, "ab", ["ab"], [[["unhashable"]]]],
    ids=["set-of-clusters", "string", "string-cluster", "unhashable-mention"],
)
def test_scoring_normalize_clusters_rejects_bad_input(clusters: object) -> None:
    with pytest.raises(ValueError):
        normalize_clusters(clusters=clusters)


def test_scoring_coref_rejects_non_mapping_documents() -> None:
    with pytest.raises(ValueError, match="key must map"):
        muc(key=[[["a"]]], response={})


MENTIONS = [
    {"start": 10, "end": 25, "head_start": 20, "head_end": 25, "entity": "E2"},
    {"start": 0, "end": 9, "head_start": 4, "head_end": 9, "entity": "E1"},
    {"start": 30, "end": 33, "head_start": 30, "head_end": 33, "entity": "E1"},
    {"start": 40, "end": 44, "head_start": 40, "head_end": 44, "entity": "E3"},
]


def test_scoring_clusters_from_mentions_by_extent_and_head() -> None:
    assert clusters_from_mentions(mentions=MENTIONS) == [
        ((0, 9), (30, 33)),
        ((10, 25),),
        ((40, 44),),
    ]
    assert clusters_from_mentions(mentions=MENTIONS, by="head") == [
        ((4, 9), (30, 33)),
        ((20, 25),),
        ((40, 44),),
    ]


def test_scoring_head_matching_forgives_extent_errors() -> None:
    predicted = [dict(m) for m in MENTIONS]
    predicted[0]["start"] = 15  # wrong left boundary, right head
    predicted[1]["start"] = 2
    key_heads = one_doc(clusters_from_mentions(mentions=MENTIONS, by="head"))
    resp_heads = one_doc(clusters_from_mentions(mentions=predicted, by="head"))
    assert score_coreference(key=key_heads, response=resp_heads).conll_f1_fraction == 1
    key_ext = one_doc(clusters_from_mentions(mentions=MENTIONS))
    resp_ext = one_doc(clusters_from_mentions(mentions=predicted))
    # extents: E1 loses (0, 9), E2 loses (10, 25) -> B3 recall (1/2 + 0 + 1) / 4.
    assert b_cubed(key=key_ext, response=resp_ext).recall_fraction == Fraction(3, 8)


@pytest.mark.parametrize(
    ("mentions", "by"),
    [
        (MENTIONS, "tokens"),
        ([{"start": 0, "end": 1}], "extent"),
        ([{"start": 3, "end": 1, "entity": "E"}], "extent"),
        ([{"start": 0, "end": 1, "entity": "E"}], "head"),
    ],
    ids=["bad-by", "no-entity", "reversed-span", "no-head"],
)
def test_scoring_clusters_from_mentions_rejects_bad_input(mentions: list, by: str) -> None:
    with pytest.raises(ValueError):
        clusters_from_mentions(mentions=mentions, by=by)


def test_scoring_coref_a_one_token_mention_is_a_span() -> None:
    """Spans of clusters_from_mentions are (first, last) as given: first == last is one token, not an error."""
    mentions = [{"entity": "e", "start": 3, "end": 3}, {"entity": "e", "start": 5, "end": 7}]
    assert clusters_from_mentions(mentions=mentions) == [((3, 3), (5, 7))]


def test_scoring_coref_singletons_option_reaches_every_score() -> None:
    """A key singleton the response misses lowers B-cubed and CEAF with singletons kept, and not without them."""
    key, response = {"d": [[1, 2], [3]]}, {"d": [[1, 2]]}
    kept, dropped = (score_coreference(key=key, response=response, singletons=flag) for flag in (True, False))
    assert kept.conll_f1 < dropped.conll_f1 == 1
    assert conll_f1(key=key, response=response, singletons=False) == dropped.conll_f1
    assert conll_f1(key=key, response=response) == kept.conll_f1
    assert kept.as_dict()["conll_f1"] == kept.conll_f1 and dropped.as_dict()["conll_f1"] == 1
