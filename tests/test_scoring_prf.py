"""PRF: exact ratios, zero denominators, micro pooling and validation."""

from __future__ import annotations

import dataclasses
import random
from fractions import Fraction

import pytest

from khabar.scoring import PRF, micro_sum
from khabar.scoring.prf import fraction_sum


def test_scoring_prf_ratios_are_exact() -> None:
    prf = PRF(recall_num=2, recall_den=3, precision_num=Fraction(1, 2), precision_den=2)
    assert prf.recall_fraction == Fraction(2, 3)
    assert prf.precision_fraction == Fraction(1, 4)
    # F1 = 2 * (1/4) * (2/3) / (1/4 + 2/3) = (1/3) / (11/12) = 4/11
    assert prf.f1_fraction == Fraction(4, 11)
    assert prf.f1 == pytest.approx(4 / 11)


@pytest.mark.parametrize(
    ("prf", "expected"),
    [
        (PRF(), (0, 0, 0)),
        (PRF(recall_num=0, recall_den=5, precision_num=0, precision_den=0), (0, 0, 0)),
        (PRF(recall_num=1, recall_den=1, precision_num=0, precision_den=0), (0, 1, 0)),
    ],
    ids=["all-zero", "zero-hits", "no-predictions"],
)
def test_scoring_prf_zero_denominator_gives_zero(prf: PRF, expected: tuple) -> None:
    assert (prf.precision, prf.recall, prf.f1) == expected


def test_scoring_prf_from_counts() -> None:
    assert PRF.from_counts(true_positives=3, gold=4, predicted=5) == PRF(3, 4, 3, 5)


def test_scoring_prf_addition_pools_counts() -> None:
    a = PRF(recall_num=1, recall_den=2, precision_num=1, precision_den=1)
    b = PRF(recall_num=0, recall_den=2, precision_num=0, precision_den=3)
    pooled = a + b
    assert pooled == PRF(1, 4, 1, 4)
    # the parts' precisions are 1 and 0 (mean 1/2); pooled counts give 1/4
    assert pooled.precision_fraction == Fraction(1, 4)
    assert micro_sum(prfs=[a, b]) == pooled
    assert micro_sum(prfs=[]) == PRF()


def test_scoring_prf_as_dict_is_plain_numbers() -> None:
    # Precision and recall differ (3/4 and 1/2), and so does every count: a swapped key shows.
    prf = PRF(recall_num=Fraction(3, 2), recall_den=3, precision_num=Fraction(3), precision_den=4)
    assert prf.as_dict() == {
        "precision": 0.75,
        "recall": 0.5,
        "f1": 0.6,
        "precision_num": 3,
        "precision_den": 4,
        "recall_num": 1.5,
        "recall_den": 3,
    }
    assert type(prf.as_dict()["precision_num"]) is int and type(prf.as_dict()["recall_num"]) is float  # whole counts stay ints


@pytest.mark.parametrize(
    "kwargs",
    [
        {"recall_num": -1, "recall_den": 1},
        {"recall_num": 2, "recall_den": 1},
        {"precision_num": 3, "precision_den": 2},
        {"recall_num": 0.5, "recall_den": 1},
        {"recall_num": True, "recall_den": 1},
    ],
    ids=["negative", "recall-over-one", "precision-over-one", "float", "bool"],
)
def test_scoring_prf_rejects_bad_counts(kwargs: dict) -> None:
    with pytest.raises(ValueError):
        PRF(**kwargs)


def test_scoring_prf_is_frozen() -> None:
    prf = PRF()
    with pytest.raises(dataclasses.FrozenInstanceError):
        prf.recall_num = 1  # type: ignore[misc]


def test_scoring_micro_sum_rejects_non_prf() -> None:
    with pytest.raises(ValueError):
        micro_sum(prfs=[PRF(), (1, 2, 3, 4)])  # type: ignore[list-item]


@pytest.mark.parametrize("seed", range(20))
def test_scoring_prf_fraction_sum_equals_term_by_term_fractions(seed: int) -> None:
    rng = random.Random(seed)
    terms = [(rng.randrange(0, 500), rng.randrange(1, 300)) for _ in range(rng.randrange(0, 60))]
    expected = sum((Fraction(num, den) for num, den in terms), Fraction(0))
    got = fraction_sum(iter(terms))
    assert type(got) is Fraction and got == expected
    assert (got.numerator, got.denominator) == (expected.numerator, expected.denominator)  # in lowest terms


def test_scoring_prf_fraction_sum_of_nothing_is_zero() -> None:
    assert fraction_sum([]) == Fraction(0) and type(fraction_sum([])) is Fraction
