"""Every refusal of the scorers says what is wrong, naming the side, role or field at fault.

One table: a call with bad input and the whole message its ``ValueError`` must carry.
A scorer that refused with an empty or a garbled message, or named the wrong side
(gold for predicted, start for end), would pass a bare ``pytest.raises(ValueError)``.
Nothing here touches the network.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from fractions import Fraction

import pytest

from khabar.scoring import (
    PRF,
    Attribution,
    align_entities,
    clusters_from_mentions,
    micro_sum,
    muc,
    normalize_clusters,
    score_attributions,
    score_ner,
    score_relations,
    token_indices,
)

TOKENS = [(0, 4), (5, 9)]
FACT = ("d", "e1", "e2", "P17")

CASES: list[tuple[str, Callable[[], object], str]] = [
    # attribution
    ("attribution-role-not-a-collection", lambda: Attribution(cue=5), "cue must be a collection of (start, end) fragments, got 5"),
    ("attribution-role-a-string", lambda: Attribution(source="0-4"), "source must be a collection of (start, end) fragments, got '0-4'"),
    ("attribution-fragment-reversed", lambda: Attribution(content=[(5, 1)]), "content fragment must be (start, end) with 0 <= start < end: (5, 1)"),
    (
        "attribution-mapping-role",
        lambda: score_attributions(gold={"d": [{"cue": 7}]}, predicted={}, tokens={"d": TOKENS}),
        "cue must be a collection of (start, end) fragments, got 7",
    ),
    (
        "attribution-not-a-mapping",
        lambda: score_attributions(gold={"d": [[(0, 4)]]}, predicted={}, tokens={"d": TOKENS}),
        "an attribution must be an Attribution or a mapping, got [(0, 4)]",
    ),
    (
        "attribution-no-tokens",
        lambda: score_attributions(gold={"d": [{"content": [(0, 4)]}]}, predicted={}, tokens={}),
        "no tokenization given for document 'd'",
    ),
    ("token-reversed", lambda: token_indices(fragments=[(0, 4)], tokens=[(4, 0)]), "token must be (start, end) with 0 <= start < end: (4, 0)"),
    ("tokens-overlapping", lambda: token_indices(fragments=[(0, 4)], tokens=[(0, 5), (4, 9)]), "tokens must be sorted and non-overlapping, at (4, 9)"),
    (
        "token-indices-fragments",
        lambda: token_indices(fragments=[(3, 3)], tokens=TOKENS),
        "fragments fragment must be (start, end) with 0 <= start < end: (3, 3)",
    ),
    # coreference
    ("clusters-a-string", lambda: normalize_clusters(clusters="ab"), "clusters must be an ordered sequence (list or tuple) of clusters, got str"),
    ("clusters-a-set", lambda: normalize_clusters(clusters={("a",)}), "clusters must be an ordered sequence (list or tuple) of clusters, got set"),
    ("cluster-a-string", lambda: normalize_clusters(clusters=["ab"]), "a cluster must be a collection of mention keys, got 'ab'"),
    ("mention-unhashable", lambda: normalize_clusters(clusters=[[[1, 2]]]), "mention keys must be hashable, got [1, 2]"),
    ("response-not-a-mapping", lambda: muc(key={}, response=[]), "response must map document ids to clusters, got list"),
    ("mentions-by", lambda: clusters_from_mentions(mentions=[], by="tokens"), "by must be 'extent' or 'head', got 'tokens'"),
    (
        "mention-no-entity",
        lambda: clusters_from_mentions(mentions=[{"start": 0, "end": 1}]),
        "mention must be a mapping with an 'entity', got {'start': 0, 'end': 1}",
    ),
    (
        "mention-entity-unhashable",
        lambda: clusters_from_mentions(mentions=[{"entity": ["e"], "start": 0, "end": 1}]),
        "mention entity must be hashable, got ['e']",
    ),
    (
        "mention-start-not-an-int",
        lambda: clusters_from_mentions(mentions=[{"entity": "e", "start": "0", "end": 1}]),
        "mention {'entity': 'e', 'start': '0', 'end': 1}: start and end must be ints",
    ),
    (
        "mention-head-end-after",
        lambda: clusters_from_mentions(mentions=[{"entity": "e", "head_start": 4, "head_end": 2}], by="head"),
        "mention {'entity': 'e', 'head_start': 4, 'head_end': 2}: head_start is after head_end",
    ),
    # NER
    (
        "ner-gold-a-list",
        lambda: score_ner(gold=[["d", 0, 1, "GPE"]], predicted=[]),
        "gold entity must be a (doc_id, start, end, label) tuple, got ['d', 0, 1, 'GPE']",
    ),
    ("ner-gold-short", lambda: score_ner(gold=[("d", 0, 1)], predicted=[]), "gold entity must be a (doc_id, start, end, label) tuple, got ('d', 0, 1)"),
    ("ner-predicted-start", lambda: score_ner(gold=[], predicted=[("d", "0", 1, "GPE")]), "predicted entity ('d', '0', 1, 'GPE'): start must be an int"),
    ("ner-predicted-end", lambda: score_ner(gold=[], predicted=[("d", 0, True, "GPE")]), "predicted entity ('d', 0, True, 'GPE'): end must be an int"),
    ("ner-gold-empty-span", lambda: score_ner(gold=[("d", 2, 2, "GPE")], predicted=[]), "gold entity ('d', 2, 2, 'GPE'): need 0 <= start < end"),
    ("ner-gold-label", lambda: score_ner(gold=[("d", 0, 1, "")], predicted=[]), "gold entity ('d', 0, 1, ''): label must be a non-empty str"),
    # PRF
    ("prf-count-type", lambda: PRF(recall_num=0.5), "PRF.recall_num must be an int or a fractions.Fraction, got float"),
    ("prf-count-negative", lambda: PRF(precision_den=-1), "PRF.precision_den must not be negative, got -1"),
    ("prf-recall-over", lambda: PRF(recall_num=3, recall_den=2), "recall numerator 3 exceeds denominator 2"),
    ("prf-precision-over", lambda: PRF(precision_num=Fraction(5, 2), precision_den=2), "precision numerator 5/2 exceeds denominator 2"),
    ("micro-sum-type", lambda: micro_sum(prfs=[PRF(), 0.5]), "micro_sum expects PRF values, got float"),
    # relations
    (
        "fact-a-list",
        lambda: score_relations(gold=[list(FACT)], predicted=[]),
        "gold fact must be (doc_id, head, tail, label[, evidence]), got ['d', 'e1', 'e2', 'P17']",
    ),
    ("fact-label", lambda: score_relations(gold=[], predicted=[("d", "e1", "e2", "")]), "predicted fact ('d', 'e1', 'e2', ''): label must be a non-empty str"),
    (
        "fact-id-unhashable",
        lambda: score_relations(gold=[("d", ["e1"], "e2", "P17")], predicted=[]),
        "gold fact ('d', ['e1'], 'e2', 'P17'): ids must be hashable",
    ),
    (
        "fact-evidence-a-string",
        lambda: score_relations(gold=[(*FACT, "01")], predicted=[]),
        "gold fact ('d', 'e1', 'e2', 'P17', '01'): evidence must be a collection of ints",
    ),
    (
        "fact-evidence-a-bool",
        lambda: score_relations(gold=[], predicted=[(*FACT, [True])]),
        "predicted fact ('d', 'e1', 'e2', 'P17', [True]): evidence must hold non-negative ints",
    ),
    ("fact-repeated", lambda: score_relations(gold=[FACT, FACT], predicted=[]), "gold fact ('d', 'e1', 'e2', 'P17') is repeated"),
    (
        "fact-document-missing",
        lambda: score_relations(gold=[FACT], predicted=[], gold_documents=["x"]),
        "gold facts refer to documents not in gold_documents: {'d'}",
    ),
    ("extents-not-spans", lambda: align_entities(gold={"d": {"g": 5}}, predicted={"d": {"p": [(0, 1)]}}), "document 'd', entity 'g': mentions must be spans"),
    (
        "extents-predicted-reversed",
        lambda: align_entities(gold={"d": {}}, predicted={"d": {"p": [(5, 1)]}}),
        "document 'd', entity 'p': bad mention span (5, 1)",
    ),
]


@pytest.mark.parametrize(("call", "message"), [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_scoring_errors_say_what_is_wrong(call: Callable[[], object], message: str) -> None:
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        call()
