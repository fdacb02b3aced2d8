"""Exact precision / recall / F1 from numerator-denominator pairs.

Every scorer in :mod:`khabar.scoring` returns :class:`PRF` values that keep
the four counts behind a score instead of the ratios alone, so scores can be
pooled exactly ("micro" pooling: add numerators and denominators, then divide)
and compared against published counts.

Counts are ``int`` or :class:`fractions.Fraction` (B-cubed, CEAFe and LEA
numerators are sums of fractions and are kept exact). Ratios are ``0`` when
their denominator is ``0``; F1 is ``0`` when precision + recall is ``0``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from math import lcm
from types import MappingProxyType
from typing import TypeVar

Count = int | Fraction
# An item scored by per_label: what its label function reads.
_Item = TypeVar("_Item", bound=Hashable)

__all__ = ["PRF", "Count", "fraction_sum", "micro_sum"]


def _check_count(name: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, Fraction)):
        raise ValueError(f"PRF.{name} must be an int or a fractions.Fraction, got {type(value).__name__}")
    if value < 0:
        raise ValueError(f"PRF.{name} must not be negative, got {value}")


def fraction_sum(terms: Iterable[tuple[int, int]]) -> Fraction:
    """The exact sum of ``num / den`` over ``terms``, as one :class:`Fraction`.

    Equal to summing ``Fraction(num, den)`` term by term, but made of integer
    arithmetic over the terms' common denominator: building and adding a
    Fraction per term was the larger part of scoring coreference."""
    by_den: dict[int, int] = {}
    for num, den in terms:
        by_den[den] = by_den.get(den, 0) + num
    if not by_den:
        return Fraction(0)
    common = lcm(*by_den)
    return Fraction(sum(num * (common // den) for den, num in by_den.items()), common)


def _ratio(num: Count, den: Count) -> Fraction:
    return Fraction(0) if den == 0 else Fraction(num) / Fraction(den)


def _plain(value: Count) -> int | float:
    return int(value) if Fraction(value).denominator == 1 else float(value)


@dataclass(frozen=True)
class PRF:
    """Recall and precision as numerator/denominator pairs.

    ``recall = recall_num / recall_den`` and
    ``precision = precision_num / precision_den``; adding two ``PRF`` values
    adds the four counts (micro pooling).
    """

    recall_num: Count = 0
    recall_den: Count = 0
    precision_num: Count = 0
    precision_den: Count = 0

    def __post_init__(self) -> None:
        for name in ("recall_num", "recall_den", "precision_num", "precision_den"):
            _check_count(name, getattr(self, name))
        if self.recall_num > self.recall_den:
            raise ValueError(f"recall numerator {self.recall_num} exceeds denominator {self.recall_den}")
        if self.precision_num > self.precision_den:
            raise ValueError(f"precision numerator {self.precision_num} exceeds denominator {self.precision_den}")

    @classmethod
    def from_counts(cls, *, true_positives: int, gold: int, predicted: int) -> PRF:
        """Build a PRF from a true-positive count and the two set sizes."""
        return cls(
            recall_num=true_positives,
            recall_den=gold,
            precision_num=true_positives,
            precision_den=predicted,
        )

    @property
    def recall_fraction(self) -> Fraction:
        """Exact recall (0 when the recall denominator is 0)."""
        return _ratio(self.recall_num, self.recall_den)

    @property
    def precision_fraction(self) -> Fraction:
        """Exact precision (0 when the precision denominator is 0)."""
        return _ratio(self.precision_num, self.precision_den)

    @property
    def f1_fraction(self) -> Fraction:
        """Exact harmonic mean of precision and recall (0 when both are 0)."""
        p, r = self.precision_fraction, self.recall_fraction
        return Fraction(0) if p + r == 0 else 2 * p * r / (p + r)

    @property
    def recall(self) -> float:
        return float(self.recall_fraction)

    @property
    def precision(self) -> float:
        return float(self.precision_fraction)

    @property
    def f1(self) -> float:
        return float(self.f1_fraction)

    def as_dict(self) -> dict[str, int | float]:
        """Plain-number view (JSON-ready): the three scores and the four counts."""
        return {
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
            "precision_num": _plain(self.precision_num),
            "precision_den": _plain(self.precision_den),
            "recall_num": _plain(self.recall_num),
            "recall_den": _plain(self.recall_den),
        }

    def __add__(self, other: object) -> PRF:
        if not isinstance(other, PRF):
            return NotImplemented
        return PRF(
            recall_num=self.recall_num + other.recall_num,
            recall_den=self.recall_den + other.recall_den,
            precision_num=self.precision_num + other.precision_num,
            precision_den=self.precision_den + other.precision_den,
        )


def micro_sum(*, prfs: Iterable[PRF]) -> PRF:
    """Pool PRF values by adding their counts (an empty iterable gives all zeros)."""
    total = PRF()
    for prf in prfs:
        if not isinstance(prf, PRF):
            raise ValueError(f"micro_sum expects PRF values, got {type(prf).__name__}")
        total = total + prf
    return total


def per_label(*, correct: Iterable[_Item], gold: Iterable[_Item], predicted: Iterable[_Item], label: Callable[[_Item], str]) -> Mapping[str, PRF]:
    """Strict P/R/F1 per label, from the sets of correct, gold and predicted items."""
    tp, gold_n, pred_n = (Counter(label(item) for item in items) for items in (correct, gold, predicted))
    return MappingProxyType(
        {name: PRF.from_counts(true_positives=tp[name], gold=gold_n[name], predicted=pred_n[name]) for name in sorted(gold_n.keys() | pred_n.keys())}
    )
