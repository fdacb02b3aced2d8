"""BLANC (Recasens and Hovy 2011), for system mentions as Luo et al. (2014) extend it.

A document's key mentions make *coreference links* (two mentions of one key
cluster) and *non-coreference links* (two mentions of different key clusters);
so do the response's mentions. Coreference recall is the share of key
coreference links that are response coreference links, precision the share of
response ones that are key ones; the same for non-coreference links. BLANC is
the mean of the two F1 (recall and precision: the means of the two). The counts
are summed over documents first (micro pooling), as the reference scorer does
(``conll/reference-coreference-scorers``, ``ScoreBLANC``). When the key has no
coreference link at all, BLANC is the non-coreference scores alone; when it has
no non-coreference link, the coreference ones; with neither, 0.

Links are counted from the clusters' sizes and overlaps, never enumerated:
a document with ``n`` mentions has ``n (n - 1) / 2`` of them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from khabar.scoring.prf import PRF

__all__ = ["BlancScores", "blanc_document"]


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


@dataclass(frozen=True)
class BlancScores:
    """BLANC's counts: ``coref`` and ``non_coref`` links as :class:`PRF` (numerators:
    links both sides share; denominators: the key's and the response's links)."""

    coref: PRF = PRF()
    non_coref: PRF = PRF()

    def __add__(self, other: BlancScores) -> BlancScores:
        return BlancScores(self.coref + other.coref, self.non_coref + other.non_coref)

    def _mean(self, ratio: str) -> Fraction:
        """The mean of ``ratio`` over the link types the key has (both, one, or none: 0)."""
        sides = [getattr(prf, ratio) for prf in (self.coref, self.non_coref) if prf.recall_den]
        return sum(sides, Fraction(0)) / len(sides) if sides else Fraction(0)

    @property
    def recall_fraction(self) -> Fraction:
        return self._mean("recall_fraction")

    @property
    def precision_fraction(self) -> Fraction:
        return self._mean("precision_fraction")

    @property
    def f1_fraction(self) -> Fraction:
        return self._mean("f1_fraction")

    def as_dict(self) -> dict[str, object]:
        return {
            "precision": float(self.precision_fraction),
            "recall": float(self.recall_fraction),
            "f1": float(self.f1_fraction),
            "coreference_links": self.coref.as_dict(),
            "non_coreference_links": self.non_coref.as_dict(),
        }


def blanc_document(key: Sequence[tuple[Hashable, ...]], response: Sequence[tuple[Hashable, ...]], overlaps: Mapping[tuple[int, int], int]) -> BlancScores:
    """BLANC's counts on one document: normalised clusters (no repeated mention) and their
    overlaps, ``(key index, response index) -> |k & r|`` for the pairs that share a mention."""
    key_links = sum(_pairs(len(k)) for k in key)
    response_links = sum(_pairs(len(r)) for r in response)
    both = sum(_pairs(n) for n in overlaps.values())  # pairs in one key cluster and in one response cluster
    per_key: Counter[int] = Counter()
    per_response: Counter[int] = Counter()
    for (i, j), n in overlaps.items():
        per_key[i] += n
        per_response[j] += n
    shared = sum(per_key.values())  # mentions on both sides
    # Pairs of shared mentions apart on both sides: all, less those together in the key or in the response, plus those together in both.
    apart = _pairs(shared) - sum(_pairs(n) for n in per_key.values()) - sum(_pairs(n) for n in per_response.values()) + both
    key_apart = _pairs(sum(len(k) for k in key)) - key_links
    response_apart = _pairs(sum(len(r) for r in response)) - response_links
    return BlancScores(
        coref=PRF(recall_num=both, recall_den=key_links, precision_num=both, precision_den=response_links),
        non_coref=PRF(recall_num=apart, recall_den=key_apart, precision_num=apart, precision_den=response_apart),
    )
