"""Bootstrap intervals and the paired tests over documents (khabar.scoring.resample).

The counts are built by hand here (a document's NER micro counts), and the expected values come from an
independent route: enumerating every resample, or every swap, of three documents with exact fractions.
"""

from __future__ import annotations

import itertools
from fractions import Fraction

import pytest
from conftest import ner_counts

from khabar.scoring import PRF
from khabar.scoring.resample import DocumentCounts, Resampling, headlines, intervals, paired

NER = headlines(["ner"])

#: Three documents' NER counts (true positives, gold, predicted) of two systems: B finds more.
SYSTEM_A = {"d1": (1, 4, 2), "d2": (3, 5, 6), "d3": (0, 2, 1)}
SYSTEM_B = {"d1": (3, 4, 4), "d2": (4, 5, 5), "d3": (1, 2, 2)}


def _f1(docs: dict[str, tuple[int, int, int]], picks: tuple[str, ...]) -> Fraction:
    """The pooled F1 of the documents ``picks`` (with repeats), exactly: the enumeration's route."""
    tp, gold, pred = (sum(docs[d][k] for d in picks) for k in range(3))
    return PRF.from_counts(true_positives=tp, gold=gold, predicted=pred).f1_fraction


def test_scoring_resample_interval_is_the_enumerated_extremes_of_three_documents() -> None:
    # Every ordered draw of three documents with replacement is equally likely (1/27). The lowest and the highest
    # pooled F1 each come from one draw only (all three the same document), with probability 1/27 > 2.5%: so
    # the 95% percentile interval of many resamples is exactly [lowest, highest] of the enumeration.
    values = sorted(_f1(SYSTEM_A, picks) for picks in itertools.product(SYSTEM_A, repeat=3))
    assert values[0] < values[1] and values[-2] < values[-1]
    ((low, high),) = intervals(counts=ner_counts(SYSTEM_A), figures=NER, resampling=Resampling(resamples=4000, seed=5))
    assert (low, high) == (pytest.approx(float(values[0])), pytest.approx(float(values[-1])))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_scoring_resample_interval_contains_the_point_estimate(seed: int) -> None:
    counts = ner_counts(SYSTEM_A)
    ((low, high),) = intervals(counts=counts, figures=NER, resampling=Resampling(seed=seed))
    point = NER[0].value(counts.totals["ner"])
    assert point == float(_f1(SYSTEM_A, tuple(SYSTEM_A))) and low < point < high


def test_scoring_resample_perfect_system_has_an_interval_of_zero_width() -> None:
    perfect = {d: (g, g, g) for d, (_, g, _) in SYSTEM_A.items()}
    assert intervals(counts=ner_counts(perfect), figures=NER, resampling=Resampling()) == [(1.0, 1.0)]


def test_scoring_resample_is_seeded() -> None:
    counts = ner_counts(SYSTEM_A)
    first, again, other = (intervals(counts=counts, figures=NER, resampling=Resampling(resamples=50, seed=s)) for s in (7, 7, 8))
    assert first == again and first != other


def test_scoring_resample_figure_undefined_on_every_resample_has_no_interval() -> None:
    nothing = {"d1": (0, 0, 0), "d2": (0, 0, 0)}  # no gold and no predicted item anywhere
    assert intervals(counts=ner_counts(nothing), figures=NER, resampling=Resampling(resamples=20)) == [None]
    assert intervals(counts=ner_counts({}), figures=NER, resampling=Resampling(resamples=20)) == [None]


def test_scoring_resample_system_against_itself_has_p_one_and_no_difference() -> None:
    counts = ner_counts(SYSTEM_A)
    (result,) = paired(a=counts, b=counts, figures=NER, resampling=Resampling(resamples=200))
    assert (result.difference, result.interval, result.p_value) == (0.0, (0.0, 0.0), 1.0)


def test_scoring_resample_p_value_approaches_the_enumerated_randomisation_test() -> None:
    # All 2**3 ways of swapping the two systems' documents, enumerated exactly: the p-value of the
    # randomisation test is the share of them whose |B - A| is at least the observed one.
    observed = abs(_f1(SYSTEM_B, tuple(SYSTEM_B)) - _f1(SYSTEM_A, tuple(SYSTEM_A)))
    extreme = 0
    for swaps in itertools.product((False, True), repeat=3):
        a = {d: SYSTEM_B[d] if s else SYSTEM_A[d] for d, s in zip(SYSTEM_A, swaps, strict=True)}
        b = {d: SYSTEM_A[d] if s else SYSTEM_B[d] for d, s in zip(SYSTEM_A, swaps, strict=True)}
        extreme += abs(_f1(b, tuple(b)) - _f1(a, tuple(a))) >= observed
    exact = extreme / 8
    (result,) = paired(a=ner_counts(SYSTEM_A), b=ner_counts(SYSTEM_B), figures=NER, resampling=Resampling(resamples=20000, seed=3))
    assert result.p_value == pytest.approx(exact, abs=0.01)
    assert result.difference == pytest.approx(float(_f1(SYSTEM_B, tuple(SYSTEM_B)) - _f1(SYSTEM_A, tuple(SYSTEM_A))))
    assert result.interval is not None and result.interval[0] <= result.difference <= result.interval[1]


def test_scoring_resample_clearly_better_system_has_a_small_p_value() -> None:
    docs = [f"d{i:02}" for i in range(20)]
    worse = ner_counts({d: (1, 4, 4) for d in docs})
    better = ner_counts({d: (4, 4, 4) for d in docs})
    (result,) = paired(a=worse, b=better, figures=NER, resampling=Resampling(resamples=1000))
    assert result.difference == 0.75 and result.p_value is not None and result.p_value < 0.01
    assert result.interval == (0.75, 0.75)  # every document gains the same


def test_scoring_resample_pooling_needs_the_same_layers_and_pairing_the_same_documents() -> None:
    with pytest.raises(ValueError, match="layers"):
        ner_counts(SYSTEM_A) + DocumentCounts(("coref",))
    with pytest.raises(ValueError, match="same documents"):
        paired(a=ner_counts(SYSTEM_A), b=ner_counts({"d1": SYSTEM_B["d1"]}), figures=NER, resampling=Resampling())


@pytest.mark.parametrize(("resamples", "confidence"), [(0, 0.95), (100_001, 0.95), (10, 1.0), (10, 0.0)])
def test_scoring_resample_settings_out_of_range_are_refused(resamples: int, confidence: float) -> None:
    with pytest.raises(ValueError, match="resamples"):
        Resampling(resamples=resamples, confidence=confidence)


def test_scoring_resample_headlines_of_every_layer() -> None:
    keys = [h.key for h in headlines(["attributions", "relations", "coref", "ner"])]
    assert keys[0] == "ner micro F1" and keys[-3:] == ["relations F1", "attributions exact F1", "attributions partial F1"]
    assert len(keys) == 1 + 4 * 5 + 1 + 2 and len(set(keys)) == len(keys)
    assert sum(k.endswith("CoNLL F1") for k in keys) == 4
