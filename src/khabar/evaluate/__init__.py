"""Layer 8, evaluation: score predictions (JSON Lines, ``documents`` schema) against the gold, from a project
or a built folder, and the agreement of two annotation passes (:mod:`~khabar.evaluate.agreement`). May import:
``pipeline`` (to validate a project's gold) and every layer below it.

``evaluate(gold=..., predictions=...)`` returns a plain dict of results per
layer; the metrics themselves live in ``khabar.scoring`` and their matching
rules in ``docs/evaluation.md``. ``score_file`` scores one split (``test`` by
default): the gold documents of that split only; a prediction for a document of
another split is a ``pred-split`` finding, and nothing is scored.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from khabar.core.findings import KhabarError, errors
from khabar.evaluate.gold import built_documents, built_splits, built_texts, split_shards, trusted_shards
from khabar.io.manifest import MANIFEST
from khabar.pipeline import validate
from khabar.schema.labels import HELD_OUT
from khabar.schema.model import Document
from khabar.scoring.layers import SCORERS, pooled, scores
from khabar.scoring.predictions import Prediction, read_predictions

__all__ = ["Prediction", "evaluate", "load_gold", "read_predictions", "score_file", "scores"]


#: Gold documents scored at a time: the scores are pooled over chunks (see ``pooled``), so memory stays bounded.
CHUNK = 500


def load_gold(*, path: Path, split: str | None = None) -> list[Document]:
    """Gold documents from a built dataset folder (``manifest.json`` present) or a project folder;
    those of ``split`` only, when given (by id; a built folder gives them split by split)."""
    if (path / MANIFEST).exists():
        shards = trusted_shards(path)
        return list(built_documents(shards if split is None else split_shards(shards, split)))

    corpus, findings = validate(root=path, gx=False)  # the located checks suffice to trust offsets
    if errors(findings):
        raise KhabarError(errors(findings))
    return sorted((d for d in corpus.documents if split in (None, d.split)), key=lambda d: d.id)


def evaluate(*, gold: Iterable[Document], predictions: Sequence[Prediction], split: str | None = None) -> dict[str, Any]:
    """Scores per layer. A layer is scored when any prediction gives it; a gold
    document without a prediction counts as predicted empty (``missing_documents``
    says how many). ``split`` names the gold's split in the results (None: not one split).

    ``gold`` is read once, :data:`CHUNK` documents at a time (it may be a
    generator): each chunk is scored and the scores pooled, which equals
    scoring all at once (every score is micro-pooled over documents)."""
    by_id = {p.id: p for p in predictions}
    totals: dict[str, Any] = {}
    count = missing = 0
    for docs in _chunks(gold):
        count += len(docs)
        missing += sum(d.id not in by_id for d in docs)
        totals = pooled(totals, scores(gold=docs, predictions=by_id))
    if not count:
        totals = scores(gold=[], predictions=by_id)
    results: dict[str, Any] = {"split": split, "documents": count, "predicted_documents": len(by_id), "missing_documents": missing}
    for name, (_, as_results) in SCORERS.items():
        results[name] = as_results(totals[name]) if name in totals else None
    return results


def _chunks(gold: Iterable[Document]) -> Iterator[list[Document]]:
    chunk: list[Document] = []
    for doc in gold:
        chunk.append(doc)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def score_file(*, gold_path: Path, pred_path: Path, split: str = HELD_OUT) -> dict[str, Any]:
    """Load the gold of ``split`` and a predictions file, check the predictions, score them.

    A prediction for a document of another split is a ``pred-split`` finding (nothing is
    scored); a document of the split without a prediction is scored as predicted empty.
    From a built folder, the predictions are checked against the gold texts
    alone and the documents are then read in chunks: the gold is never all in memory."""
    gold: Iterable[Document]
    if (gold_path / MANIFEST).exists():
        shards = trusted_shards(gold_path)
        ours = split_shards(shards, split)
        texts, gold = built_texts(ours), built_documents(ours)
        others = {doc_id: other for doc_id, other in built_splits(shards).items() if other != split}
    else:
        everything = load_gold(path=gold_path)
        gold = [d for d in everything if d.split == split]
        texts = {d.id: d.text for d in gold}
        others = {d.id: str(d.split) for d in everything if d.split != split}
    predictions, findings = read_predictions(path=pred_path, texts=texts, split=split, elsewhere=others)
    if errors(findings):
        raise KhabarError(errors(findings))
    return evaluate(gold=gold, predictions=predictions, split=split)
