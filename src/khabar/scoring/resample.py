"""Intervals and paired tests over documents for the headline figures of an evaluation.

Every score of :mod:`khabar.scoring.layers` is micro-pooled counts, so a set of documents is scored by adding
its documents' counts. Each document is scored once (:func:`score_documents`); the counts behind every
headline figure (:func:`headlines`) are kept as a row of floats per document. Then, vectorised:

* :func:`intervals`: the percentile bootstrap over documents. Each resample draws the split's documents with
  replacement (multinomial counts per document), adds the weighted rows and recomputes the figure; the interval
  holds the central ``confidence`` share of the resampled figures.
* :func:`paired`: two systems on the same documents. The difference B - A gets a paired bootstrap interval (the
  same resampled documents for both), and a p-value from approximate randomisation (Noreen 1989; Riezler and
  Maxwell 2005): each permutation swaps the two systems' counts of each document with probability 1/2, and
  ``p = (number of permutations whose |difference| >= the observed one + 1) / (permutations + 1)``.

Point estimates stay exact (:class:`~khabar.scoring.prf.PRF` over fractions); the counts are floats for the
resampling only. A figure is undefined on a resample where one of its scores has no gold and no predicted item
(both denominators 0): such resamples are left out of the interval (``None`` when every resample is).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from khabar.io.guards import MAX_RESAMPLES
from khabar.schema.model import Document
from khabar.scoring.layers import COREF_SETTINGS, SCORERS, picklable, pooled, scored_layers, scores
from khabar.scoring.predictions import Prediction
from khabar.scoring.prf import PRF

__all__ = [
    "DocumentCounts",
    "Headline",
    "Paired",
    "Resampling",
    "headlines",
    "intervals",
    "paired",
    "place_intervals",
    "score_documents",
    "with_intervals",
]

#: Resamples drawn and pooled at a time, so memory stays at (this x documents) floats however many are asked for.
_BLOCK = 500
#: Floats closer than this are equal when the randomisation test compares differences.
_TIE = 1e-12


@dataclass(frozen=True)
class Resampling:
    """The settings of the intervals and of the randomisation test, recorded in every result."""

    resamples: int = 1000
    seed: int = 0
    confidence: float = 0.95

    def __post_init__(self) -> None:
        if not 1 <= self.resamples <= MAX_RESAMPLES or not 0 < self.confidence < 1:
            raise ValueError(f"expected 1 <= resamples <= {MAX_RESAMPLES} and 0 < confidence < 1; found {self.resamples} and {self.confidence}")

    def as_dict(self) -> dict[str, Any]:
        return {
            "method": "percentile bootstrap over documents",
            "paired_test": "approximate randomisation over documents (Noreen 1989)",
            "resamples": self.resamples,
            "seed": self.seed,
            "confidence": self.confidence,
            "generator": "numpy.random.default_rng",
        }


@dataclass(frozen=True)
class Headline:
    """One headline figure: the mean F1 of ``prfs`` (one score, or CoNLL's three) of a layer's pooled scores."""

    key: str  # e.g. "coref extent, with singletons CoNLL F1"
    layer: str
    place: tuple[str, ...]  # where the figure sits in the layer's results (``ci`` goes next to it)
    prfs: Callable[[Any], tuple[PRF, ...]]

    def value(self, layer_scores: Any) -> float:
        """The exact point estimate: the mean F1 of the figure's scores, from the pooled counts of ``layer_scores``."""
        prfs = self.prfs(layer_scores)
        return float(sum(p.f1_fraction for p in prfs) / len(prfs))


def _coref(setting: str, *metrics: str) -> Callable[[Any], tuple[PRF, ...]]:
    return lambda s: tuple(getattr(s[setting], m) for m in metrics)


def headlines(layers: Iterable[str]) -> tuple[Headline, ...]:
    """The headline figures of the scored ``layers``, in a fixed order."""
    out: list[Headline] = []
    wanted = set(layers)  # once: ``layers`` may be an iterator
    for layer in (name for name in SCORERS if name in wanted):
        if layer == "ner":
            out.append(Headline("ner micro F1", layer, ("micro",), lambda s: (s.micro,)))
        elif layer == "coref":
            for setting in COREF_SETTINGS:
                for metric, name in (("muc", "MUC"), ("b_cubed", "B3"), ("ceafe", "CEAFe"), ("lea", "LEA")):
                    out.append(Headline(f"coref {setting} {name} F1", layer, (setting, metric), _coref(setting, metric)))
                out.append(Headline(f"coref {setting} CoNLL F1", layer, (setting, "conll_f1"), _coref(setting, "muc", "b_cubed", "ceafe")))
        elif layer == "relations":
            out.append(Headline("relations F1", layer, ("relation",), lambda s: (s.relation,)))
        else:
            out.append(Headline("attributions exact F1", layer, ("exact", "attribution"), lambda s: (s.exact["attribution"],)))
            out.append(Headline("attributions partial F1", layer, ("partial", "attribution"), lambda s: (s.partial["attribution"],)))
    return tuple(out)


def place_intervals(results: dict[str, Any], cis: Mapping[str, dict[str, float] | None], layers: Iterable[str]) -> None:
    """Put ``ci: {low, high}`` (``cis``: headline key -> interval) next to each headline figure of ``results``
    (layer -> its results as :data:`~khabar.scoring.layers.SCORERS` give them): inside the figure's P/R/F1 dict,
    or as ``<name>_ci`` beside a bare number (CoNLL F1)."""
    for h in headlines(layers):
        where = results[h.layer]
        for part in h.place[:-1]:
            where = where[part]
        last = h.place[-1]
        if isinstance(where[last], dict):
            where[last]["ci"] = cis[h.key]
        else:
            where[f"{last}_ci"] = cis[h.key]


def with_intervals(counts: DocumentCounts, resampling: Resampling) -> dict[str, Any]:
    """The results of every layer of ``counts`` (as ``SCORERS`` give them), ``ci`` next to each headline figure."""
    figures = headlines(counts.layers)
    cis = intervals(counts=counts, figures=figures, resampling=resampling)
    results = {name: SCORERS[name][1](counts.totals[name]) for name in counts.layers}
    place_intervals(results, {h.key: None if ci is None else {"low": ci[0], "high": ci[1]} for h, ci in zip(figures, cis, strict=True)}, counts.layers)
    return results


def _row(layer_scores: Mapping[str, Any], figures: Sequence[Headline]) -> tuple[float, ...]:
    """The counts behind ``figures``, four per score: recall num/den, precision num/den."""
    return tuple(float(c) for h in figures for p in h.prfs(layer_scores[h.layer]) for c in (p.recall_num, p.recall_den, p.precision_num, p.precision_den))


@dataclass(frozen=True)
class DocumentCounts:
    """Some documents scored: their pooled scores per layer (exact), and each document's headline counts."""

    layers: tuple[str, ...]
    totals: Mapping[str, Any] = field(default_factory=dict)
    rows: Mapping[str, tuple[float, ...]] = field(default_factory=dict)  # document id -> counts behind ``headlines(layers)``

    def __add__(self, other: DocumentCounts) -> DocumentCounts:
        """Two disjoint sets of documents (scored on the same layers), pooled."""
        if self.layers != other.layers:
            raise ValueError(f"cannot pool documents scored on layers {self.layers} with documents scored on {other.layers}")
        return DocumentCounts(self.layers, pooled(self.totals, other.totals), {**self.rows, **other.rows})

    def matrix(self, figures: Sequence[Headline]) -> np.ndarray:
        """Documents (sorted by id) x the counts behind ``figures``, a subset of ``headlines(self.layers)``."""
        ours = headlines(self.layers)
        starts = np.cumsum([0, *(4 * len(h.prfs(self.totals[h.layer])) for h in ours)])
        where = {h.key: i for i, h in enumerate(ours)}
        columns = [c for h in figures for c in range(starts[where[h.key]], starts[where[h.key] + 1])]
        if not self.rows:
            return np.zeros((0, len(columns)))
        return np.array([self.rows[d] for d in sorted(self.rows)], dtype=float)[:, columns]


def score_documents(*, gold: Iterable[Document], predictions: Mapping[str, Prediction], layers: Sequence[str] | None = None) -> DocumentCounts:
    """Score each of ``gold`` on its own against ``predictions`` (by document id): the layers any prediction
    gives (or ``layers``), pooled, and each document's row of headline counts."""
    names = scored_layers(predictions) if layers is None else tuple(layers)
    figures = headlines(names)
    totals: dict[str, Any] = {}
    rows: dict[str, tuple[float, ...]] = {}
    for doc in gold:
        own = scores(gold=[doc], predictions=predictions, layers=names)
        totals = pooled(totals, own)
        rows[doc.id] = _row(own, figures)
    return DocumentCounts(names, picklable(totals if rows else scores(gold=[], predictions=predictions, layers=names)), rows)


def _figures(totals: np.ndarray, figures: Sequence[Headline], sizes: Sequence[int], undefined: float) -> np.ndarray:
    """Each figure of each row of pooled ``totals`` (rows x columns, ``sizes``: scores per figure): the mean F1
    of its scores; ``undefined`` where one of them has both denominators 0."""
    out = np.empty((totals.shape[0], len(figures)))
    at = 0
    for i, size in enumerate(sizes):
        block = totals[:, at : at + 4 * size].reshape(totals.shape[0], size, 4)
        at += 4 * size
        rn, rd, pn, pd = (block[:, :, k] for k in range(4))
        with np.errstate(divide="ignore", invalid="ignore"):
            r = np.where(rd > 0, rn / rd, 0.0)
            p = np.where(pd > 0, pn / pd, 0.0)
            f1 = np.where(p + r > 0, 2 * p * r / (p + r), 0.0)
        out[:, i] = np.where(((rd == 0) & (pd == 0)).any(axis=1), undefined, f1.mean(axis=1))
    return out


def _sizes(counts: DocumentCounts, figures: Sequence[Headline]) -> list[int]:
    return [len(h.prfs(counts.totals[h.layer])) for h in figures]


def _percentiles(values: np.ndarray, confidence: float) -> list[tuple[float, float] | None]:
    """The central ``confidence`` interval of each column, leaving NaN out (None: all NaN)."""
    tail = 100 * (1 - confidence) / 2
    out: list[tuple[float, float] | None] = []
    for column in values.T:
        kept = column[~np.isnan(column)]
        out.append(None if not kept.size else (float(np.percentile(kept, tail)), float(np.percentile(kept, 100 - tail))))
    return out


def _weights(rng: np.random.Generator, documents: int, resamples: int) -> Iterator[np.ndarray]:
    """How often each document is drawn, per resample: blocks of at most :data:`_BLOCK` resamples x documents."""
    for size in _blocks(resamples):
        yield rng.multinomial(documents, np.full(documents, 1 / documents), size=size).astype(float)


def intervals(*, counts: DocumentCounts, figures: Sequence[Headline], resampling: Resampling) -> list[tuple[float, float] | None]:
    """The bootstrap interval of each of ``figures`` (None when no document, or the figure is never defined)."""
    if not counts.rows:
        return [None] * len(figures)
    rows, sizes = counts.matrix(figures), _sizes(counts, figures)
    drawn = _weights(np.random.default_rng(resampling.seed), rows.shape[0], resampling.resamples)
    return _percentiles(np.concatenate([_figures(w @ rows, figures, sizes, np.nan) for w in drawn]), resampling.confidence)


def _blocks(total: int) -> Iterator[int]:
    """``total`` cut in blocks of at most :data:`_BLOCK`."""
    for start in range(0, total, _BLOCK):
        yield min(_BLOCK, total - start)


def _swapped(rng: np.random.Generator, rows_a: np.ndarray, rows_b: np.ndarray, size: int, figures: Sequence[Headline], sizes: Sequence[int]) -> np.ndarray:
    """B - A of ``size`` permutations, each swapping the two systems' counts of each document with probability 1/2."""
    swaps = rng.integers(0, 2, size=(size, rows_a.shape[0])).astype(float)
    moved = swaps @ (rows_b - rows_a)  # what the swapped documents move from A's totals to B's
    return _figures(rows_b.sum(axis=0) - moved, figures, sizes, 0.0) - _figures(rows_a.sum(axis=0) + moved, figures, sizes, 0.0)


@dataclass(frozen=True)
class Paired:
    """B - A for one figure: the observed difference, its paired bootstrap interval and the randomisation p-value."""

    difference: float
    interval: tuple[float, float] | None
    p_value: float | None


def paired(*, a: DocumentCounts, b: DocumentCounts, figures: Sequence[Headline], resampling: Resampling) -> list[Paired]:
    """``figures`` (scored for both) of two systems on the same documents compared (see the module docstring)."""
    if sorted(a.rows) != sorted(b.rows):
        raise ValueError("paired comparison needs both systems scored on the same documents")
    rows_a, rows_b = a.matrix(figures), b.matrix(figures)
    sizes = _sizes(a, figures)
    if not rows_a.shape[0]:
        return [Paired(0.0, None, None) for _ in figures]
    observed = (_figures(rows_b.sum(axis=0, keepdims=True), figures, sizes, 0.0) - _figures(rows_a.sum(axis=0, keepdims=True), figures, sizes, 0.0))[0]
    rng = np.random.default_rng(resampling.seed)
    drawn = _weights(rng, rows_a.shape[0], resampling.resamples)
    boot = np.concatenate([_figures(w @ rows_b, figures, sizes, np.nan) - _figures(w @ rows_a, figures, sizes, np.nan) for w in drawn])
    permuted = np.concatenate([_swapped(rng, rows_a, rows_b, size, figures, sizes) for size in _blocks(resampling.resamples)])
    extreme = (np.abs(permuted) >= np.abs(observed) - _TIE).sum(axis=0)
    p_values = (extreme + 1) / (resampling.resamples + 1)
    cis = _percentiles(boot, resampling.confidence)
    return [Paired(float(observed[i]), cis[i], float(p_values[i])) for i in range(len(figures))]
