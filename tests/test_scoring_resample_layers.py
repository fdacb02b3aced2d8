"""The intervals of every layer (khabar.scoring.resample on real scores): the headline figures are the numbers of the
results' JSON, documents scored one by one pool to the whole, and the intervals sit where the docs say.

The gold is the repository's adjudicated annotation; the "system" is the first annotation pass, scored as a
prediction. Expected values come from the results as :data:`~khabar.scoring.layers.SCORERS` write them (a route that
shares nothing with the resampling code), or are written out by hand.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import pytest
from conftest import ner_counts

from khabar.evaluate.agreement import as_prediction
from khabar.schema.model import Document
from khabar.scoring.layers import COREF_SETTINGS, SCORERS, scores
from khabar.scoring.predictions import Prediction
from khabar.scoring.resample import (
    DocumentCounts,
    Resampling,
    _blocks,
    _percentiles,
    headlines,
    intervals,
    paired,
    score_documents,
    with_intervals,
)

LAYERS = tuple(SCORERS)
CONLL = ("muc", "b_cubed", "ceafe")


@pytest.fixture(scope="module")
def system(gold_sets: dict[str, list[Document]]) -> tuple[list[Document], dict[str, Prediction]]:
    return gold_sets["adjudicated"], {d.id: as_prediction(d) for d in gold_sets["first pass"]}


def results(layer_scores: dict[str, Any]) -> dict[str, Any]:
    """Every layer's results as the JSON of ``khabar evaluate`` holds them (before intervals)."""
    return {name: SCORERS[name][1](value) for name, value in layer_scores.items()}


def at(tree: dict[str, Any], place: tuple[str, ...]) -> Any:
    for part in place:
        tree = tree[part]
    return tree


def parts(key: str, place: tuple[str, ...]) -> list[tuple[str, ...]]:
    """Where the scores of a figure sit in the results: CoNLL F1 is the mean of three metrics' F1."""
    return [(*place[:-1], m) for m in CONLL] if key.endswith("CoNLL F1") else [place]


def test_scoring_resample_headlines_are_the_documented_figures() -> None:
    expected = [("ner micro F1", "ner", ("micro",))]
    for setting in COREF_SETTINGS:
        expected += [
            (f"coref {setting} {name} F1", "coref", (setting, metric))
            for metric, name in (("muc", "MUC"), ("b_cubed", "B3"), ("ceafe", "CEAFe"), ("lea", "LEA"))
        ]
        expected.append((f"coref {setting} CoNLL F1", "coref", (setting, "conll_f1")))
    expected += [
        ("relations F1", "relations", ("relation",)),
        ("attributions exact F1", "attributions", ("exact", "attribution")),
        ("attributions partial F1", "attributions", ("partial", "attribution")),
    ]
    assert [(h.key, h.layer, h.place) for h in headlines(reversed(LAYERS))] == expected  # SCORERS' order, whatever is asked
    assert [h.key for h in headlines(["relations"])] == ["relations F1"]


def test_scoring_resample_each_headline_is_the_number_at_its_place(system: tuple[list[Document], dict[str, Prediction]]) -> None:
    gold, predictions = system
    layer_scores = scores(gold=gold, predictions=predictions, layers=LAYERS)
    shown = results(layer_scores)
    for h in headlines(LAYERS):
        prfs = h.prfs(layer_scores[h.layer])
        assert [p.as_dict() for p in prfs] == [at(shown[h.layer], place) for place in parts(h.key, h.place)], h.key
        number = at(shown[h.layer], h.place)
        assert h.value(layer_scores[h.layer]) == pytest.approx(number if isinstance(number, float) else number["f1"]), h.key
    conll = next(h for h in headlines(["coref"]) if h.key.endswith("CoNLL F1"))
    assert conll.value(layer_scores["coref"]) == pytest.approx(sum(at(shown["coref"], p)["f1"] for p in parts(conll.key, conll.place)) / 3)


def test_scoring_resample_documents_scored_one_by_one_pool_to_the_whole(system: tuple[list[Document], dict[str, Prediction]]) -> None:
    gold, predictions = system
    counts = score_documents(gold=gold, predictions=predictions, layers=LAYERS)
    assert counts.layers == LAYERS
    assert results(dict(counts.totals)) == results(scores(gold=gold, predictions=predictions, layers=LAYERS))
    figures = headlines(LAYERS)
    for doc in gold:  # each document's row: the counts of its own results, figure by figure
        own = results(scores(gold=[doc], predictions=predictions, layers=LAYERS))
        expected = [
            float(at(own[h.layer], place)[count])
            for h in figures
            for place in parts(h.key, h.place)
            for count in ("recall_num", "recall_den", "precision_num", "precision_den")
        ]
        assert list(counts.rows[doc.id]) == expected, doc.id
    assert score_documents(gold=gold, predictions=predictions).layers == LAYERS  # the first pass gives every layer


def test_scoring_resample_counts_of_two_halves_add_to_the_whole(system: tuple[list[Document], dict[str, Prediction]]) -> None:
    gold, predictions = system
    whole = score_documents(gold=gold, predictions=predictions, layers=LAYERS)
    first, second = (score_documents(gold=part, predictions=predictions, layers=LAYERS) for part in (gold[:4], gold[4:]))
    pooled = first + second
    assert pooled.layers == LAYERS and pooled.rows == whole.rows
    assert results(dict(pooled.totals)) == results(dict(whole.totals))


def test_scoring_resample_matrix_holds_the_columns_of_the_figures_asked_for(system: tuple[list[Document], dict[str, Prediction]]) -> None:
    gold, predictions = system
    counts = score_documents(gold=gold, predictions=predictions, layers=LAYERS)
    figures = headlines(LAYERS)
    widths = [4 * (3 if h.key.endswith("CoNLL F1") else 1) for h in figures]
    full = np.array([counts.rows[d] for d in sorted(counts.rows)])
    assert full.shape == (len(gold), sum(widths))
    for pick in ([figures[5]], [figures[-1], figures[0]]):  # a CoNLL figure (after five others), and two out of order
        starts = [sum(widths[: figures.index(h)]) for h in pick]
        columns = [c for h, s in zip(pick, starts, strict=True) for c in range(s, s + widths[figures.index(h)])]
        assert counts.matrix(pick).tolist() == full[:, columns].tolist()
    assert DocumentCounts(LAYERS, counts.totals).matrix([figures[5]]).shape == (0, 12)


def test_scoring_resample_every_figure_gets_its_interval_in_place(system: tuple[list[Document], dict[str, Prediction]]) -> None:
    gold, predictions = system
    counts = score_documents(gold=gold, predictions=predictions, layers=LAYERS)
    placed = with_intervals(counts, Resampling(resamples=200))
    cis = intervals(counts=counts, figures=headlines(LAYERS), resampling=Resampling(resamples=200))
    plain = results(dict(counts.totals))
    for h, ci in zip(headlines(LAYERS), cis, strict=True):
        assert ci is not None and 0 <= ci[0] <= h.value(counts.totals[h.layer]) <= ci[1] <= 1, h.key
        where = at(placed[h.layer], h.place[:-1])
        if isinstance(at(plain[h.layer], h.place), dict):
            assert where[h.place[-1]] == {**at(plain[h.layer], h.place), "ci": {"low": ci[0], "high": ci[1]}}
        else:  # a bare number (CoNLL F1): its interval beside it
            assert where[h.place[-1]] == at(plain[h.layer], h.place) and where[f"{h.place[-1]}_ci"] == {"low": ci[0], "high": ci[1]}


def test_scoring_resample_gold_against_itself_has_intervals_of_one(gold_sets: dict[str, list[Document]]) -> None:
    gold = gold_sets["adjudicated"]
    counts = score_documents(gold=gold, predictions={d.id: as_prediction(d) for d in gold}, layers=LAYERS)
    assert intervals(counts=counts, figures=headlines(LAYERS), resampling=Resampling(resamples=50)) == [(1.0, 1.0)] * len(headlines(LAYERS))


def test_scoring_resample_no_documents_no_intervals_and_no_differences(system: tuple[list[Document], dict[str, Prediction]]) -> None:
    _, predictions = system
    empty = score_documents(gold=[], predictions=predictions, layers=LAYERS)
    assert empty.rows == {} and results(dict(empty.totals)) == results(scores(gold=[], predictions=predictions, layers=LAYERS))
    figures = headlines(LAYERS)
    assert intervals(counts=empty, figures=figures, resampling=Resampling()) == [None] * len(figures)
    compared = paired(a=empty, b=empty, figures=figures, resampling=Resampling())
    assert [(c.difference, c.interval, c.p_value) for c in compared] == [(0.0, None, None)] * len(figures)


def test_scoring_resample_paired_differences_are_those_of_the_point_estimates(gold_sets: dict[str, list[Document]]) -> None:
    gold = gold_sets["adjudicated"]
    a, b = (score_documents(gold=gold, predictions={d.id: as_prediction(d) for d in gold_sets[name]}, layers=LAYERS) for name in ("first pass", "second pass"))
    figures = headlines(LAYERS)
    forward = paired(a=a, b=b, figures=figures, resampling=Resampling(resamples=300))
    backward = paired(a=b, b=a, figures=figures, resampling=Resampling(resamples=300))
    for h, f, r in zip(figures, forward, backward, strict=True):
        expected = h.value(b.totals[h.layer]) - h.value(a.totals[h.layer])
        assert f.difference == pytest.approx(expected, abs=1e-12) and r.difference == pytest.approx(-expected, abs=1e-12), h.key
        assert f.p_value == r.p_value and f.p_value is not None and 1 / 301 <= f.p_value <= 1
        assert f.interval is not None and r.interval is not None and f.interval[0] <= f.difference <= f.interval[1]
    again = paired(a=a, b=b, figures=figures, resampling=Resampling(resamples=300))
    assert [(x.interval, x.p_value) for x in again] == [(x.interval, x.p_value) for x in forward]  # seeded
    other = paired(a=a, b=b, figures=figures, resampling=Resampling(resamples=300, seed=1))
    assert [(x.interval, x.p_value) for x in other] != [(x.interval, x.p_value) for x in forward]


NER = headlines(["ner"])


@pytest.mark.parametrize(
    ("docs", "expected"),
    [
        ({"d1": (1, 1, 1)}, (1.0, 1.0)),  # one gold item, one prediction: F1 1, not 0
        ({"d1": (0, 0, 2)}, (0.0, 0.0)),  # no gold but predictions: F1 0, defined
        ({"d1": (0, 2, 0)}, (0.0, 0.0)),  # gold but no predictions: F1 0, defined
        ({"d1": (0, 0, 0), "d2": (1, 1, 1)}, (1.0, 1.0)),  # resamples of d1 alone are undefined and left out
        ({"d1": (0, 0, 0)}, None),  # undefined on every resample
    ],
)
def test_scoring_resample_undefined_resamples_are_left_out_and_the_rest_kept(
    docs: dict[str, tuple[int, int, int]], expected: tuple[float, float] | None
) -> None:
    assert intervals(counts=ner_counts(docs), figures=NER, resampling=Resampling(resamples=400)) == [expected]


def test_scoring_resample_a_figure_undefined_for_both_systems_differs_by_nothing() -> None:
    empty = ner_counts({"d1": (0, 0, 0), "d2": (0, 0, 0)})
    assert [(c.difference, c.interval, c.p_value) for c in paired(a=empty, b=empty, figures=NER, resampling=Resampling(resamples=99))] == [(0.0, None, 1.0)]


def test_scoring_resample_percentiles_are_the_central_share_without_nan() -> None:
    values = np.concatenate([np.arange(101.0), [np.nan] * 7])
    central, nothing = _percentiles(np.column_stack([values, np.full(values.shape, np.nan)]), 0.95)
    assert central == pytest.approx((2.5, 97.5)) and nothing is None
    assert _percentiles(np.arange(101.0)[:, None], 0.5) == [pytest.approx((25.0, 75.0))]


@pytest.mark.parametrize(("total", "blocks"), [(1, [1]), (500, [500]), (501, [500, 1]), (1200, [500, 500, 200])])
def test_scoring_resample_resamples_are_drawn_in_blocks(total: int, blocks: list[int]) -> None:
    assert list(_blocks(total)) == blocks


@pytest.mark.parametrize("resamples", [1, 100_000])
def test_scoring_resample_settings_at_the_bounds_are_taken(resamples: int) -> None:
    assert Resampling(resamples=resamples).as_dict() == {
        "method": "percentile bootstrap over documents",
        "paired_test": "approximate randomisation over documents (Noreen 1989)",
        "resamples": resamples,
        "seed": 0,
        "confidence": 0.95,
        "generator": "numpy.random.default_rng",
    }


def test_scoring_resample_refusals_say_what_was_expected() -> None:
    with pytest.raises(ValueError) as refused:
        Resampling(resamples=0)
    assert str(refused.value) == "expected 1 <= resamples <= 100000 and 0 < confidence < 1; found 0 and 0.95"
    with pytest.raises(ValueError) as refused:
        paired(a=ner_counts({"d1": (1, 1, 1)}), b=ner_counts({"d2": (1, 1, 1)}), figures=NER, resampling=Resampling())
    assert str(refused.value) == "paired comparison needs both systems scored on the same documents"
    with pytest.raises(ValueError) as refused:
        ner_counts({"d1": (1, 1, 1)}) + DocumentCounts(("coref",))
    assert str(refused.value) == "cannot pool documents scored on layers ('ner',) with documents scored on ('coref',)"


def test_scoring_resample_documents_are_scored_on_the_layers_asked_for(gold_sets: dict[str, list[Document]]) -> None:
    gold = gold_sets["adjudicated"]
    ner_only = {d.id: Prediction(d.id, 1, {"ner": as_prediction(d).layers["ner"]}) for d in gold}
    assert score_documents(gold=gold, predictions=ner_only).layers == ("ner",)  # what the predictions give
    wider = score_documents(gold=gold, predictions=ner_only, layers=LAYERS)  # more than they give: scored as predicting nothing
    assert wider.layers == LAYERS and set(wider.totals) == set(LAYERS)
    assert results(dict(wider.totals)) == results(scores(gold=gold, predictions=ner_only, layers=LAYERS))
    narrower = score_documents(gold=gold, predictions={d.id: as_prediction(d) for d in gold}, layers=("coref",))
    assert (
        narrower.layers == ("coref",)
        and set(narrower.totals) == {"coref"}
        and len(narrower.rows[gold[0].id]) == 4 * (len(headlines(["coref"])) + 2 * len(COREF_SETTINGS))
    )
    assert set(score_documents(gold=[], predictions=ner_only, layers=LAYERS).totals) == set(LAYERS)


def test_scoring_resample_a_figure_undefined_everywhere_has_no_interval_in_place(gold_sets: dict[str, list[Document]]) -> None:
    gold = [replace(d, relations=()) for d in gold_sets["adjudicated"]]  # no relation in the gold, none predicted
    counts = score_documents(gold=gold, predictions={d.id: as_prediction(d) for d in gold}, layers=LAYERS)
    placed = with_intervals(counts, Resampling(resamples=20))
    assert placed["relations"]["relation"]["ci"] is None
    assert placed["ner"]["micro"]["ci"] == {"low": 1.0, "high": 1.0}
