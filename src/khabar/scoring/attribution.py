"""Attribution scores: exact and token-overlap P/R/F1 per role and overall.

Data. An attribution has three roles, ``cue``, ``source`` and ``content``;
each role is a set of character fragments ``(start, end)`` (half-open,
``0 <= start < end``) and may be empty (a source is optional). Fragments are
compared as sets: order and repeats do not matter, but ``[(0, 5), (5, 9)]``
and ``[(0, 9)]`` are different fragment sets. Each document comes with its
tokenization, a list of ``(start, end)`` character offsets, sorted and
non-overlapping.

Tokens of a role. A token belongs to a role when it overlaps one of the
role's fragments by at least one character (``token_start < fragment_end``
and ``fragment_start < token_end``); a token that merely touches a fragment
(``token_end == fragment_start``) does not. A role's tokens form a set, so a
token covered by two fragments counts once.

Pairing. Gold and predicted attributions of a document are paired one-to-one
with ``scipy.optimize.linear_sum_assignment``, lexicographically maximising
(1) the total number of shared content tokens, then (2) the number of roles
whose fragment sets are equal, then (3) closeness in document order (the sum
of |gold rank - predicted rank|, attributions ranked by their content, cue and
source fragments). Only pairs that share at least one content token are
pairs; attributions with an empty content role are never paired.

Scores (counts pooled over all documents in ``gold`` or ``predicted``):

* exact, per role: a pair is correct when its two fragment sets are equal and
  non-empty; precision = correct / predicted attributions with a non-empty
  role, recall = correct / gold attributions with a non-empty role;
* exact, whole attribution (key ``"attribution"``): a pair is correct when all
  three fragment sets are equal (two empty sources are equal); denominators
  are the numbers of predicted and gold attributions;
* partial, per role: numerator = sum over pairs of |gold tokens & predicted
  tokens|; precision denominator = sum of |predicted tokens| over ALL
  predicted attributions, recall denominator = sum of |gold tokens| over ALL
  gold attributions (unpaired ones included);
* partial, whole attribution: the three roles' partial counts added up.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from scipy.optimize import linear_sum_assignment

from khabar.scoring.prf import PRF

Span = tuple[int, int]
ROLES = ("cue", "source", "content")
_MAX_EXACT = 2**52

__all__ = [
    "ROLES",
    "Attribution",
    "AttributionScores",
    "pair_attributions",
    "score_attributions",
    "token_indices",
]


def _is_span(value: object) -> bool:
    """A (start, end) pair of ints with 0 <= start < end."""
    return isinstance(value, (tuple, list)) and len(value) == 2 and all(type(v) is int for v in value) and 0 <= value[0] < value[1]


def _fragments(role: str, value: object) -> tuple[Span, ...]:
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise ValueError(f"{role} must be a collection of (start, end) fragments, got {value!r}")
    spans = set()
    for span in value:
        if not _is_span(span):
            raise ValueError(f"{role} fragment must be (start, end) with 0 <= start < end: {span!r}")
        spans.add((span[0], span[1]))
    return tuple(sorted(spans))


@dataclass(frozen=True)
class Attribution:
    """Cue, source and content fragments (normalised to sorted unique tuples)."""

    cue: tuple[Span, ...] = ()
    source: tuple[Span, ...] = ()
    content: tuple[Span, ...] = ()

    def __post_init__(self) -> None:
        for role in ROLES:
            object.__setattr__(self, role, _fragments(role, getattr(self, role)))

    @classmethod
    def from_mapping(cls, *, data: Mapping[str, object]) -> Attribution:
        """Build from a mapping with optional ``cue``/``source``/``content`` keys."""
        return cls(*(_fragments(role, data.get(role) or ()) for role in ROLES))


@dataclass(frozen=True)
class AttributionScores:
    """``exact`` and ``partial`` map ``cue``/``source``/``content``/``attribution`` to PRF."""

    exact: Mapping[str, PRF]
    partial: Mapping[str, PRF]


def _coerce(item: object) -> Attribution:
    if isinstance(item, Attribution):
        return item
    if isinstance(item, Mapping):
        return Attribution.from_mapping(data=item)
    raise ValueError(f"an attribution must be an Attribution or a mapping, got {item!r}")


class _Tokens:
    def __init__(self, tokens: Sequence[Span]) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []
        for token in tokens:
            if not _is_span(token):
                raise ValueError(f"token must be (start, end) with 0 <= start < end: {token!r}")
            if self.ends and token[0] < self.ends[-1]:
                raise ValueError(f"tokens must be sorted and non-overlapping, at {token!r}")
            self.starts.append(token[0])
            self.ends.append(token[1])

    def cover(self, fragments: Iterable[Span]) -> frozenset[int]:
        covered: set[int] = set()
        for start, end in fragments:
            first = bisect_right(self.ends, start)  # first token ending after start
            last = bisect_left(self.starts, end)  # first token starting at or after end
            covered.update(range(first, last))
        return frozenset(covered)


def token_indices(*, fragments: Iterable[Span], tokens: Sequence[Span]) -> frozenset[int]:
    """Indices of the tokens that overlap at least one fragment by a character."""
    return _Tokens(tokens).cover(_fragments("fragments", fragments))


def _role_tokens(attributions: Sequence[Attribution], index: _Tokens) -> list[dict[str, frozenset[int]]]:
    return [{role: index.cover(getattr(a, role)) for role in ROLES} for a in attributions]


def _position(attribution: Attribution) -> tuple[tuple[Span, ...], ...]:
    return (attribution.content, attribution.cue, attribution.source)


def _pairs(
    gold: Sequence[Attribution],
    predicted: Sequence[Attribution],
    gold_tokens: list[dict[str, frozenset[int]]],
    pred_tokens: list[dict[str, frozenset[int]]],
) -> list[tuple[int, int]]:
    n, m = len(gold), len(predicted)
    if not n or not m:
        return []
    gold_rank = {i: r for r, i in enumerate(sorted(range(n), key=lambda i: _position(gold[i])))}
    pred_rank = {j: r for r, j in enumerate(sorted(range(m), key=lambda j: _position(predicted[j])))}
    unit_order = n * m + 1  # exceeds any total rank displacement
    unit_exact = (3 * min(n, m) + 1) * unit_order  # exceeds any total of the lower terms
    overlap = [[len(g["content"] & p["content"]) for p in pred_tokens] for g in gold_tokens]
    if max(map(max, overlap)) * unit_exact * min(n, m) >= _MAX_EXACT:
        raise ValueError("too many attributions in one document for an exact tie-break")
    weights = [[0.0] * m for _ in range(n)]
    for i in range(n):
        for j in range(m):
            if overlap[i][j]:
                same = sum(getattr(gold[i], r) == getattr(predicted[j], r) for r in ROLES)
                weights[i][j] = float(overlap[i][j] * unit_exact + same * unit_order - abs(gold_rank[i] - pred_rank[j]))
    rows, cols = linear_sum_assignment(weights, maximize=True)
    return [(int(i), int(j)) for i, j in zip(rows, cols, strict=True) if overlap[i][j]]


def pair_attributions(*, gold: Sequence[object], predicted: Sequence[object], tokens: Sequence[Span]) -> list[tuple[int, int]]:
    """One document's (gold index, predicted index) pairs, sorted by gold index."""
    gold_attrs = [_coerce(a) for a in gold]
    pred_attrs = [_coerce(a) for a in predicted]
    index = _Tokens(tokens)
    return _pairs(gold_attrs, pred_attrs, _role_tokens(gold_attrs, index), _role_tokens(pred_attrs, index))


def score_attributions(
    *,
    gold: Mapping[Hashable, Sequence[object]],
    predicted: Mapping[Hashable, Sequence[object]],
    tokens: Mapping[Hashable, Sequence[Span]],
) -> AttributionScores:
    """Exact and partial scores pooled over every document of either side."""
    names = (*ROLES, "attribution")
    counts = {kind: {name: [0, 0, 0] for name in names} for kind in ("exact", "partial")}
    documents = list(gold) + [doc for doc in predicted if doc not in gold]
    for doc_id in documents:
        gold_attrs = [_coerce(a) for a in gold.get(doc_id, ())]
        pred_attrs = [_coerce(a) for a in predicted.get(doc_id, ())]
        if not gold_attrs and not pred_attrs:
            continue
        if doc_id not in tokens:
            raise ValueError(f"no tokenization given for document {doc_id!r}")
        index = _Tokens(tokens[doc_id])
        gold_tok, pred_tok = _role_tokens(gold_attrs, index), _role_tokens(pred_attrs, index)
        pairs = _pairs(gold_attrs, pred_attrs, gold_tok, pred_tok)
        for role in ROLES:
            exact, partial = counts["exact"][role], counts["partial"][role]
            exact[0] += sum(1 for i, j in pairs if getattr(gold_attrs[i], role) and getattr(gold_attrs[i], role) == getattr(pred_attrs[j], role))
            exact[1] += sum(1 for a in gold_attrs if getattr(a, role))
            exact[2] += sum(1 for a in pred_attrs if getattr(a, role))
            partial[0] += sum(len(gold_tok[i][role] & pred_tok[j][role]) for i, j in pairs)
            partial[1] += sum(len(t[role]) for t in gold_tok)
            partial[2] += sum(len(t[role]) for t in pred_tok)
        whole = counts["exact"]["attribution"]
        whole[0] += sum(1 for i, j in pairs if gold_attrs[i] == pred_attrs[j])
        whole[1] += len(gold_attrs)
        whole[2] += len(pred_attrs)
    for position in range(3):
        counts["partial"]["attribution"][position] = sum(counts["partial"][role][position] for role in ROLES)
    scores = {
        kind: MappingProxyType({name: PRF.from_counts(true_positives=tp, gold=g, predicted=p) for name, (tp, g, p) in table.items()})
        for kind, table in counts.items()
    }
    return AttributionScores(exact=scores["exact"], partial=scores["partial"])
