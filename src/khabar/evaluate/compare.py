"""Two systems' predictions compared on one split of the gold (``khabar compare``).

Both files are checked as ``khabar evaluate`` checks one (every finding of both, raised together); each gold
document is read once and scored for both systems. For every headline figure both systems are scored on, the
result gives both scores, the difference B - A, its paired bootstrap interval and the p-value of a paired
approximate randomisation test over documents (:func:`khabar.scoring.resample.paired`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from khabar.core.findings import KhabarError, errors
from khabar.evaluate import counts, gold_and_texts
from khabar.evaluate.result import Provenance, provenance
from khabar.schema.labels import HELD_OUT
from khabar.scoring.layers import scored_layers
from khabar.scoring.predictions import read_predictions
from khabar.scoring.resample import Resampling, headlines, paired


@dataclass(frozen=True)
class Comparison:
    """One headline figure of both systems: B - A, its paired bootstrap interval and the randomisation p-value."""

    figure: str
    a: float
    b: float
    difference: float
    low: float | None
    high: float | None
    p_value: float | None

    def as_dict(self) -> dict[str, Any]:
        ci = None if self.low is None or self.high is None else {"low": self.low, "high": self.high}
        return {"figure": self.figure, "a": self.a, "b": self.b, "difference": self.difference, "ci": ci, "p_value": self.p_value}


@dataclass(frozen=True)
class ComparisonResult:
    """``khabar compare``: the figures both systems are scored on, compared; layers that one system alone gives
    are named in ``only_a``/``only_b`` (not compared)."""

    split: str
    documents: int
    a: str
    b: str
    comparisons: tuple[Comparison, ...]
    only_a: tuple[str, ...]
    only_b: tuple[str, ...]
    provenance: Provenance

    def as_dict(self) -> dict[str, Any]:
        return {
            "split": self.split,
            "documents": self.documents,
            "a": self.a,
            "b": self.b,
            "comparisons": [c.as_dict() for c in self.comparisons],
            "only_a": list(self.only_a),
            "only_b": list(self.only_b),
            "provenance": self.provenance.as_dict(),
        }


def compare(*, gold: Path, a: Path, b: Path, split: str = HELD_OUT, resampling: Resampling | None = None) -> ComparisonResult:
    """Compare the predictions files ``a`` and ``b`` on the ``split`` documents of ``gold`` (a built folder or a
    project). A system compared with itself gives differences of 0 and p-values of 1."""
    resampling = resampling or Resampling()
    docs, texts, others = gold_and_texts(gold_path=gold, split=split)
    read = [read_predictions(path=path, texts=texts, split=split, elsewhere=others) for path in (a, b)]
    found = [f for _, findings in read for f in errors(findings)]
    if found:
        raise KhabarError(found)
    by_a, by_b = ({p.id: p for p in parsed} for parsed, _ in read)
    layers_a, layers_b = scored_layers(by_a), scored_layers(by_b)
    shared = tuple(name for name in layers_a if name in layers_b)
    scored_a, scored_b = counts(gold=docs, systems=[(by_a, layers_a), (by_b, layers_b)])
    figures = headlines(shared)
    tests = paired(a=scored_a, b=scored_b, figures=figures, resampling=resampling)
    comparisons = []
    for h, test in zip(figures, tests, strict=True):
        value_a, value_b = h.value(scored_a.totals[h.layer]), h.value(scored_b.totals[h.layer])
        low, high = test.interval if test.interval is not None else (None, None)
        comparisons.append(Comparison(h.key, value_a, value_b, value_b - value_a, low, high, test.p_value))
    return ComparisonResult(
        split=split,
        documents=len(scored_a.rows),
        a=str(a),
        b=str(b),
        comparisons=tuple(comparisons),
        only_a=tuple(n for n in layers_a if n not in shared),
        only_b=tuple(n for n in layers_b if n not in shared),
        provenance=provenance(gold_path=gold, split=split, resampling=resampling),
    )


__all__ = ["Comparison", "ComparisonResult", "compare"]
