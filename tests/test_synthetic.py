"""Synthetic corpora (the benchmark's input): valid, deterministic, with the gold's density."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from khabar.evaluate import evaluate, read_predictions
from khabar.io import load_project
from khabar.pipeline import validate
from khabar.workflow.synthetic import generate_corpus, perturb

LAYERS = ("tokens", "sentences", "mentions", "entities", "values", "relations", "attributions")


def _digests(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


#: The document the generator's density was modelled on (docs/performance.md's figures are of that density).
SEED = "ddaaba1fccaf7cd5"


def _per_document(root: Path, only: str | None = None) -> dict[str, float]:
    docs = [d for d in load_project(root=root).documents if only in (None, d.id)]
    return {layer: sum(len(getattr(d, layer)) for d in docs) / len(docs) for layer in LAYERS}


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("synthetic") / "project"
    generate_corpus(root=root, n=3, seed=7)
    return root


def test_synthetic_small_corpus_validates_with_zero_findings(small: Path) -> None:
    corpus, found = validate(root=small)  # the Great Expectations suites included
    assert found == []
    assert len(corpus.documents) == 3


def test_synthetic_generation_is_deterministic_for_a_seed(small: Path, tmp_path: Path) -> None:
    generate_corpus(root=tmp_path / "again", n=3, seed=7)
    generate_corpus(root=tmp_path / "other", n=3, seed=8)
    assert _digests(tmp_path / "again") == _digests(small)
    assert _digests(tmp_path / "other") != _digests(small)


def test_synthetic_density_is_within_30_percent_of_the_seed(project_root: Path, tmp_path: Path) -> None:
    """The seed's density, not the whole gold's: the Wikinews documents of 0.2.0 have fewer mentions and
    relations per document, and the benchmark's figures (docs/performance.md) are of the seed's density."""
    generate_corpus(root=tmp_path / "p", n=12, seed=3)
    gold, synthetic = _per_document(project_root, only=SEED), _per_document(tmp_path / "p")
    for layer in LAYERS:
        assert 0.7 * gold[layer] <= synthetic[layer] <= 1.3 * gold[layer], (layer, synthetic[layer], gold[layer])


def test_synthetic_perturbed_copy_is_valid_and_scores_below_the_gold(small: Path, tmp_path: Path) -> None:
    gold = sorted(load_project(root=small).documents, key=lambda d: d.id)
    predictions = perturb(documents=gold, seed=1)
    assert predictions == perturb(documents=gold, seed=1)
    path = tmp_path / "pred.jsonl"
    path.write_text("".join(json.dumps(p) + "\n" for p in predictions), encoding="utf-8")
    parsed, findings = read_predictions(path=path, texts={d.id: d.text for d in gold})
    assert findings == []
    results = evaluate(gold=gold, predictions=parsed)
    for f1 in (results["ner"]["micro"]["f1"], results["relations"]["relation"]["f1"]):
        assert 0.5 < f1 < 1.0
