"""Coreference metrics: MUC, B-cubed, CEAFe, CEAFm, LEA and the CoNLL average.

Inputs. ``key`` and ``response`` map a document id to that document's
clusters: an ordered sequence (list or tuple) of clusters, each a collection
of hashable mention keys, e.g. ``(start, end)`` tuples. Mentions match only
when their keys are equal. For head (min-span style) matching pass head spans
as keys, e.g. from :func:`clusters_from_mentions` with ``by="head"``.

Documents and pooling follow the official CoNLL-2012 reference scorer
(conll/reference-coreference-scorers v8.01, ``lib/CorScorer.pm``): the KEY's
documents are scored; a document missing from the response is scored against
an empty response; response-only documents are ignored. Numerators and
denominators are summed over documents, then divided (micro pooling).

Repeated mentions. Clusters are read in order and a mention key already seen
on the same side (same cluster or an earlier one) is dropped; a cluster left
empty disappears. The reference scorer drops a repeated response span the
same way; for a repeated key span it only warns, which we do not reproduce
(the key is de-duplicated like the response). Unlike the reference scorer we
do not refuse runs with more than 10 repeated response mentions.

Metrics (exact counts; k ranges over key clusters, r over response clusters):

* MUC counts links: recall = sum over pairs sharing a mention of
  (|k & r| - 1) / sum(|k| - 1); precision mirrors it. Singletons have no
  links, so they cannot change MUC.
* B-cubed counts every mention, twinless ones included: recall =
  sum |k & r|^2 / |k| over pairs / number of key mentions; precision mirrors.
* CEAFe / CEAFm: optimal one-to-one cluster alignment (Kuhn-Munkres,
  ``scipy.optimize.linear_sum_assignment``) maximising phi4 = 2|k & r| /
  (|k| + |r|) or phi3 = |k & r|; numerator = total similarity (summed exactly
  over the pairs the float alignment chose); denominators = numbers of key /
  response clusters (CEAFe) or mentions (CEAFm).
* LEA: recall = sum |k| * resolution(k) / sum |k| with resolution(k) =
  sum_r links(k & r) / links(k), links(n) = n(n-1)/2; a key singleton is
  resolved (1) only when its mention is a response singleton too. Precision
  swaps key and response.
* CoNLL score: mean of the MUC, B-cubed and CEAFe F1.
* BLANC: :mod:`khabar.scoring.blanc` (in :class:`CorefScores`, not in the CoNLL score).

``singletons=False`` removes clusters of size one from both sides (after
de-duplication) before scoring.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Hashable, Iterable, Mapping, Sequence, Set
from dataclasses import dataclass
from fractions import Fraction
from functools import partial

from scipy.optimize import linear_sum_assignment

from khabar.scoring.blanc import BlancScores, blanc_document
from khabar.scoring.prf import PRF, fraction_sum, micro_sum

Cluster = Collection[Hashable]
Documents = Mapping[Hashable, Sequence[Cluster]]
_Clusters = list[tuple[Hashable, ...]]
_Overlaps = Mapping[tuple[int, int], int]  # (key index, response index) -> |k & r|, for pairs that share a mention

__all__ = [
    "CorefScores", "b_cubed", "ceafe", "ceafm", "clusters_from_mentions", "conll_f1", "lea",
    "muc", "normalize_clusters", "score_coreference",
]  # fmt: skip


def normalize_clusters(*, clusters: Sequence[Cluster], singletons: bool = True) -> list[tuple[Hashable, ...]]:
    """Drop repeated mentions (first occurrence wins) and empty clusters.

    With ``singletons=False`` clusters of size one (after de-duplication) are
    removed as well.
    """
    if isinstance(clusters, (str, bytes, Set, Mapping)) or not isinstance(clusters, Sequence):
        raise ValueError(f"clusters must be an ordered sequence (list or tuple) of clusters, got {type(clusters).__name__}")
    seen: set[Hashable] = set()
    result: _Clusters = []
    for cluster in clusters:
        if isinstance(cluster, (str, bytes, Mapping)) or not isinstance(cluster, Collection):
            raise ValueError(f"a cluster must be a collection of mention keys, got {cluster!r}")
        kept: list[Hashable] = []
        for mention in cluster:
            try:
                new = mention not in seen
            except TypeError:  # unhashable (testing isinstance(mention, Hashable) each time was slow)
                raise ValueError(f"mention keys must be hashable, got {mention!r}") from None
            if new:
                seen.add(mention)
                kept.append(mention)
        if len(kept) > 1 or (kept and singletons):
            result.append(tuple(kept))
    return result


def _document_pairs(key: Documents, response: Documents, singletons: bool) -> list[tuple[_Clusters, _Clusters]]:
    for name, side in (("key", key), ("response", response)):
        if not isinstance(side, Mapping):
            raise ValueError(f"{name} must map document ids to clusters, got {type(side).__name__}")
    return [
        (
            normalize_clusters(clusters=key_clusters, singletons=singletons),
            normalize_clusters(clusters=response.get(doc_id, ()), singletons=singletons),
        )
        for doc_id, key_clusters in key.items()
    ]


def _overlaps(key: _Clusters, response: _Clusters) -> _Overlaps:
    """|k & r| for every (key index, response index) pair that shares a mention."""
    where = {m: j for j, cluster in enumerate(response) for m in cluster}
    return Counter((i, where[m]) for i, cluster in enumerate(key) for m in cluster if m in where)


def _muc_doc(key: _Clusters, response: _Clusters, overlaps: _Overlaps) -> PRF:
    correct = sum(common - 1 for common in overlaps.values())
    links = (sum(len(k) - 1 for k in key), sum(len(r) - 1 for r in response))
    return PRF(recall_num=correct, recall_den=links[0], precision_num=correct, precision_den=links[1])


def _b_cubed_doc(key: _Clusters, response: _Clusters, overlaps: _Overlaps) -> PRF:
    return PRF(
        recall_num=fraction_sum((c * c, len(key[i])) for (i, _), c in overlaps.items()),
        recall_den=sum(len(k) for k in key),
        precision_num=fraction_sum((c * c, len(response[j])) for (_, j), c in overlaps.items()),
        precision_den=sum(len(r) for r in response),
    )


def _ceaf_doc(key: _Clusters, response: _Clusters, overlaps: _Overlaps, *, entity_based: bool) -> PRF:

    def similarity(i: int, j: int) -> tuple[int, int]:  # as numerator, denominator
        common = overlaps.get((i, j), 0)
        return (2 * common, len(key[i]) + len(response[j])) if entity_based else (common, 1)

    total = Fraction(0)
    if overlaps:
        matrix = [[0.0] * len(response) for _ in key]
        for i, j in overlaps:
            num, den = similarity(i, j)
            matrix[i][j] = num / den  # int / int: correctly rounded, as float(Fraction(num, den))
        rows, cols = linear_sum_assignment(matrix, maximize=True)
        total = fraction_sum(similarity(int(i), int(j)) for i, j in zip(rows, cols, strict=True))
    if entity_based:
        key_den, response_den = len(key), len(response)
    else:
        key_den, response_den = sum(len(k) for k in key), sum(len(r) for r in response)
    return PRF(recall_num=total, recall_den=key_den, precision_num=total, precision_den=response_den)


def _links(size: int) -> int:
    return size * (size - 1) // 2


def _lea_side(clusters: _Clusters, other: _Clusters, overlaps: _Overlaps) -> tuple[Fraction, int]:
    """LEA numerator and denominator of ``clusters`` resolved by ``other`` (``overlaps``: theirs)."""
    other_size = {m: len(cluster) for cluster in other for m in cluster}
    common_links = Counter[int]()
    for (i, _), common in overlaps.items():
        common_links[i] += _links(common)
    terms = [
        (1 if other_size.get(cluster[0]) == 1 else 0, 1) if len(cluster) == 1 else (len(cluster) * common_links[i], _links(len(cluster)))
        for i, cluster in enumerate(clusters)
    ]
    return fraction_sum(terms), sum(len(c) for c in clusters)


def _lea_doc(key: _Clusters, response: _Clusters, overlaps: _Overlaps) -> PRF:
    return PRF(*_lea_side(key, response, overlaps), *_lea_side(response, key, {(j, i): c for (i, j), c in overlaps.items()}))


#: Each metric's counts on one document, from its clusters and their overlaps (computed once for all).
_PER_DOCUMENT: dict[str, Callable[[_Clusters, _Clusters, _Overlaps], PRF]] = {
    "muc": _muc_doc,
    "b_cubed": _b_cubed_doc,
    "ceafe": partial(_ceaf_doc, entity_based=True),
    "ceafm": partial(_ceaf_doc, entity_based=False),
    "lea": _lea_doc,
}


def _pooled(metric: str, key: Documents, response: Documents, singletons: bool) -> PRF:
    per_document = _PER_DOCUMENT[metric]
    pairs = _document_pairs(key, response, singletons)
    return micro_sum(prfs=(per_document(k, r, _overlaps(k, r)) for k, r in pairs))


def muc(*, key: Documents, response: Documents, singletons: bool = True) -> PRF:
    """MUC link-based counts pooled over the key's documents."""
    return _pooled("muc", key, response, singletons)


def b_cubed(*, key: Documents, response: Documents, singletons: bool = True) -> PRF:
    """B-cubed mention-based counts pooled over the key's documents."""
    return _pooled("b_cubed", key, response, singletons)


def ceafe(*, key: Documents, response: Documents, singletons: bool = True) -> PRF:
    """Entity-based CEAF (phi4) counts pooled over the key's documents."""
    return _pooled("ceafe", key, response, singletons)


def ceafm(*, key: Documents, response: Documents, singletons: bool = True) -> PRF:
    """Mention-based CEAF (phi3) counts pooled over the key's documents."""
    return _pooled("ceafm", key, response, singletons)


def lea(*, key: Documents, response: Documents, singletons: bool = True) -> PRF:
    """LEA counts pooled over the key's documents."""
    return _pooled("lea", key, response, singletons)


@dataclass(frozen=True)
class CorefScores:
    """All coreference metrics for one key/response pair."""

    muc: PRF
    b_cubed: PRF
    ceafe: PRF
    ceafm: PRF
    lea: PRF
    blanc: BlancScores = BlancScores()  # not part of the CoNLL score

    @property
    def conll_f1_fraction(self) -> Fraction:
        """Mean of the MUC, B-cubed and CEAFe F1 (exact)."""
        return (self.muc.f1_fraction + self.b_cubed.f1_fraction + self.ceafe.f1_fraction) / 3

    @property
    def conll_f1(self) -> float:
        return float(self.conll_f1_fraction)

    def as_dict(self) -> dict[str, object]:
        result: dict[str, object] = {name: getattr(self, name).as_dict() for name in (*_PER_DOCUMENT, "blanc")}
        result["conll_f1"] = self.conll_f1
        return result


def score_coreference(*, key: Documents, response: Documents, singletons: bool = True) -> CorefScores:
    """Every metric at once (documents are normalised once)."""
    pairs = [(k, r, _overlaps(k, r)) for k, r in _document_pairs(key, response, singletons)]
    return CorefScores(
        **{metric: micro_sum(prfs=(per_document(k, r, o) for k, r, o in pairs)) for metric, per_document in _PER_DOCUMENT.items()},
        blanc=sum((blanc_document(k, r, o) for k, r, o in pairs), BlancScores()),
    )


def conll_f1(*, key: Documents, response: Documents, singletons: bool = True) -> float:
    """The CoNLL-2012 score: mean of MUC, B-cubed and CEAFe F1."""
    return score_coreference(key=key, response=response, singletons=singletons).conll_f1


def _span(mention: Mapping[str, object], start: str, end: str) -> tuple[int, int]:
    first, last = mention.get(start), mention.get(end)
    if type(first) is not int or type(last) is not int:
        raise ValueError(f"mention {dict(mention)!r}: {start} and {end} must be ints")
    if first > last:
        raise ValueError(f"mention {dict(mention)!r}: {start} is after {end}")
    return first, last


def clusters_from_mentions(*, mentions: Iterable[Mapping[str, object]], by: str = "extent") -> list[tuple[tuple[int, int], ...]]:
    """Group one document's mention dicts into clusters of span keys.

    Mentions are mappings with ``start``, ``end``, ``head_start``, ``head_end``
    and ``entity``. ``by="extent"`` keys a mention by ``(start, end)``,
    ``by="head"`` by ``(head_start, head_end)`` (head / min-span matching when
    key and response are both built this way). Spans are sorted and
    de-duplicated per cluster and clusters ordered by their earliest span, so
    the result ignores input order and entity ids. A span shared by two
    entities stays in the earlier cluster when scored (repeated mentions).
    """
    if by not in ("extent", "head"):
        raise ValueError(f"by must be 'extent' or 'head', got {by!r}")
    start, end = ("start", "end") if by == "extent" else ("head_start", "head_end")
    groups: dict[Hashable, set[tuple[int, int]]] = {}
    for mention in mentions:
        if not isinstance(mention, Mapping) or "entity" not in mention:
            raise ValueError(f"mention must be a mapping with an 'entity', got {mention!r}")
        entity = mention["entity"]
        if not isinstance(entity, Hashable):
            raise ValueError(f"mention entity must be hashable, got {entity!r}")
        groups.setdefault(entity, set()).add(_span(mention, start, end))
    return sorted(tuple(sorted(spans)) for spans in groups.values())


def blanc(*, key: Mapping[Hashable, Sequence[object]], response: Mapping[Hashable, Sequence[object]], singletons: bool = True) -> BlancScores:
    """BLANC's counts pooled over the key's documents (inputs as :func:`muc`'s; here, not in :mod:`khabar.scoring.blanc`, which it needs the documents' pairing of)."""
    pairs = _document_pairs(key, response, singletons)  # type: ignore[arg-type]
    return sum((blanc_document(k, r, _overlaps(k, r)) for k, r in pairs), BlancScores())
