"""The typed results of ``khabar evaluate`` and ``khabar compare``, and their provenance.

:class:`EvaluationResult` holds a split's pooled scores per layer (exact, as :mod:`khabar.scoring` gives them),
each headline figure with its bootstrap interval, and the :class:`Provenance` that says what was scored with what;
``as_dict()`` is the JSON that ``khabar evaluate --json`` prints.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from khabar import __version__
from khabar.checks.release import pyproject_version
from khabar.core.findings import KhabarError
from khabar.io.guards import require_text
from khabar.io.manifest import MANIFEST
from khabar.scoring.layers import METRIC_VERSIONS, SCORERS
from khabar.scoring.resample import Resampling, place_intervals


@dataclass(frozen=True)
class Provenance:
    """What was scored, by what: enough to cite a result and to tell whether two results are comparable."""

    dataset_version: str | None  # the built folder's manifest.json ``version``, or the project's pyproject.toml version
    manifest_sha256: str | None  # sha256 of manifest.json's bytes; None when the gold is a project checkout (no manifest)
    gold: str  # "built" (a built dataset folder) or "project" (a project checkout)
    split: str | None
    khabar_version: str
    metrics: Mapping[str, str]  # metric family -> definition version (khabar.scoring.layers.METRIC_VERSIONS)
    resampling: Resampling

    def as_dict(self) -> dict[str, Any]:
        return {
            "dataset_version": self.dataset_version,
            "manifest_sha256": self.manifest_sha256,
            "gold": self.gold,
            "split": self.split,
            "khabar_version": self.khabar_version,
            "metrics": dict(self.metrics),
            "resampling": self.resampling.as_dict(),
        }


def provenance(*, gold_path: Path, split: str | None, resampling: Resampling) -> Provenance:
    """The provenance of a result scored on the gold at ``gold_path`` (a built folder, or a project checkout)."""
    if (gold_path / MANIFEST).exists():
        # Read once, through the guards (the shards were checked against it): the version, and the sha256 of its bytes
        # (strict UTF-8 decodes and encodes back byte for byte).
        text = require_text(gold_path / MANIFEST, shown=(gold_path / MANIFEST).as_posix())
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        return Provenance(json.loads(text).get("version"), digest, "built", split, __version__, METRIC_VERSIONS, resampling)
    try:
        version, _ = pyproject_version(gold_path)
    except KhabarError:  # no pyproject.toml that can be read (a bare corpus folder): the version is not known
        version = None
    return Provenance(version, None, "project", split, __version__, METRIC_VERSIONS, resampling)


@dataclass(frozen=True)
class Estimate:
    """A headline F1 and its bootstrap interval (``low``/``high`` None: no interval, e.g. no document)."""

    value: float
    low: float | None
    high: float | None

    def ci(self) -> dict[str, float] | None:
        return None if self.low is None or self.high is None else {"low": self.low, "high": self.high}


@dataclass(frozen=True)
class EvaluationResult:
    """One split of the gold scored against one predictions file.

    ``scores``: layer -> its pooled scores (``NERScores``, setting -> ``CorefScores``, ``RelationScores``,
    ``AttributionScores``), for the layers the predictions give; ``headlines``: figure -> F1 and interval
    (keys as :func:`khabar.scoring.resample.headlines` names them, e.g. ``"ner micro F1"``)."""

    split: str | None
    documents: int
    predicted_documents: int
    missing_documents: int
    scores: Mapping[str, Any]
    headlines: Mapping[str, Estimate]
    provenance: Provenance | None = None

    def as_dict(self) -> dict[str, Any]:
        """The JSON of ``khabar evaluate --json``: counts, each layer's results (None: not scored) with ``ci`` next to
        each headline figure, and ``provenance`` (when known)."""
        out: dict[str, Any] = {
            "split": self.split,
            "documents": self.documents,
            "predicted_documents": self.predicted_documents,
            "missing_documents": self.missing_documents,
        }
        for name, (_, as_results) in SCORERS.items():
            out[name] = as_results(self.scores[name]) if name in self.scores else None
        place_intervals(out, {key: estimate.ci() for key, estimate in self.headlines.items()}, self.scores)
        if self.provenance is not None:
            out["provenance"] = self.provenance.as_dict()
        return out
