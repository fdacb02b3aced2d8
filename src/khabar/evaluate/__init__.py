"""The evaluation layer: score predictions (JSON Lines, ``documents`` schema) against the gold.

``evaluate(gold=..., predictions=...)`` returns a plain dict of results per
layer; the metrics themselves live in ``khabar.scoring`` and their matching
rules in ``docs/evaluation.md``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

from khabar.evaluate.layers import NEEDS, SCORERS
from khabar.evaluate.predictions import Prediction, read_predictions
from khabar.findings import KhabarError, errors
from khabar.schema.model import Document

__all__ = ["Prediction", "evaluate", "load_gold", "read_predictions", "score_file"]


def load_gold(*, path: Path) -> list[Document]:
    """Gold documents from a built dataset folder (``manifest.json`` present) or a project folder."""
    if (path / "manifest.json").exists():
        import pyarrow.parquet as pq

        from khabar.gcpause import gc_paused
        from khabar.schema import document_from_row

        files = sorted((path / "data" / "documents").glob("*.parquet"))
        with gc_paused():  # batches of rows, not whole files, as Python dicts: bounded memory
            return [document_from_row(row) for f in files for batch in pq.ParquetFile(f).iter_batches(batch_size=100) for row in batch.to_pylist()]
    from khabar.checks import validate

    corpus, findings = validate(root=path, gx=False)  # the located checks suffice to trust offsets
    if errors(findings):
        raise KhabarError(errors(findings))
    return sorted(corpus.documents, key=lambda d: d.id)


def evaluate(*, gold: Sequence[Document], predictions: Sequence[Prediction]) -> dict[str, Any]:
    """Scores per layer. A layer is scored when any prediction gives it; a gold
    document without a prediction counts as predicted empty."""
    by_id = {p.id: p for p in predictions}
    given = {layer for p in predictions for layer in p.layers}
    results: dict[str, Any] = {"documents": len(gold), "predicted_documents": len(by_id)}
    for name, scorer in SCORERS.items():
        results[name] = scorer(list(gold), by_id) if NEEDS[name] in given else None
    return results


def score_file(*, gold_path: Path, pred_path: Path) -> dict[str, Any]:
    """Load the gold and a predictions file, check the predictions, score them."""
    gold = load_gold(path=gold_path)
    predictions, findings = read_predictions(path=pred_path, gold={d.id: d for d in gold})
    if errors(findings):
        raise KhabarError(errors(findings))
    return evaluate(gold=gold, predictions=predictions)
