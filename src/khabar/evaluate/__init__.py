"""Layer 8, evaluation: score predictions (JSON Lines, ``documents`` schema) against the gold, from a project
or a built folder, and the agreement of two annotation passes (:mod:`~khabar.evaluate.agreement`). May import:
``pipeline`` (to validate a project's gold) and every layer below it.

``score(gold=..., predictions=..., split=...)`` scores a predictions file against one split of a built folder
or a project and returns an :class:`~khabar.evaluate.result.EvaluationResult`: the pooled scores per layer,
every headline figure with its bootstrap interval (:mod:`khabar.scoring.resample`) and the provenance;
``.as_dict()`` is the JSON of ``khabar evaluate --json``. ``score_file`` returns that dict (older callers);
``evaluate(gold=..., predictions=...)`` scores documents and predictions already in memory. The metrics live
in ``khabar.scoring`` and their matching rules in ``docs/evaluation.md``. Only the gold documents of the split
are scored; a prediction for a document of another split is a ``pred-split`` finding, and nothing is scored.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from khabar.core.findings import KhabarError, errors
from khabar.evaluate.gold import built_documents, built_splits, built_texts, split_shards, trusted_shards
from khabar.evaluate.result import Estimate, EvaluationResult, provenance
from khabar.io.manifest import MANIFEST
from khabar.pipeline import validate
from khabar.schema.labels import HELD_OUT
from khabar.schema.model import Document
from khabar.scoring.layers import scored_layers, scores
from khabar.scoring.predictions import Prediction, read_predictions
from khabar.scoring.resample import DocumentCounts, Resampling, headlines, intervals, score_documents

__all__ = ["EvaluationResult", "Prediction", "Resampling", "evaluate", "load_gold", "read_predictions", "score", "score_file", "scores"]


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


def counts(*, gold: Iterable[Document], systems: Sequence[tuple[Mapping[str, Prediction], Sequence[str]]]) -> list[DocumentCounts]:
    """Each document of ``gold`` scored against each system's predictions (by id) on its layers, pooled: one
    :class:`DocumentCounts` per system.

    ``gold`` is read once, :data:`CHUNK` documents at a time (it may be a generator); every score is
    micro-pooled over documents, so the pooled chunks are the score of the whole."""
    totals: list[DocumentCounts | None] = [None] * len(systems)
    for docs in _chunks(gold):
        for i, (predictions, layers) in enumerate(systems):
            part = score_documents(gold=docs, predictions=predictions, layers=layers)
            before = totals[i]
            totals[i] = part if before is None else before + part
    return [total or score_documents(gold=[], predictions=p, layers=layers) for total, (p, layers) in zip(totals, systems, strict=True)]


def _result(
    *, scored: DocumentCounts, predictions: Mapping[str, Prediction], split: str | None, resampling: Resampling, gold_path: Path | None = None
) -> EvaluationResult:
    """The :class:`EvaluationResult` of ``scored``: headline figures with their intervals (and the provenance
    of the gold at ``gold_path``, when given)."""
    figures = headlines(scored.layers)
    cis = intervals(counts=scored, figures=figures, resampling=resampling)
    estimates = {h.key: Estimate(h.value(scored.totals[h.layer]), *(ci if ci is not None else (None, None))) for h, ci in zip(figures, cis, strict=True)}
    return EvaluationResult(
        split=split,
        documents=len(scored.rows),
        predicted_documents=len(predictions),
        missing_documents=sum(doc_id not in predictions for doc_id in scored.rows),
        scores=scored.totals,
        headlines=estimates,
        provenance=None if gold_path is None else provenance(gold_path=gold_path, split=split, resampling=resampling),
    )


def evaluate(*, gold: Iterable[Document], predictions: Sequence[Prediction], split: str | None = None, resampling: Resampling | None = None) -> dict[str, Any]:
    """Scores per layer, as plain data (see :meth:`EvaluationResult.as_dict`). A layer is scored when any
    prediction gives it; a gold document without a prediction counts as predicted empty (``missing_documents``
    says how many). ``split`` names the gold's split in the results (None: not one split)."""
    by_id = {p.id: p for p in predictions}
    (scored,) = counts(gold=gold, systems=[(by_id, scored_layers(by_id))])
    return _result(scored=scored, predictions=by_id, split=split, resampling=resampling or Resampling()).as_dict()


def _chunks(gold: Iterable[Document]) -> Iterator[list[Document]]:
    chunk: list[Document] = []
    for doc in gold:
        chunk.append(doc)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def gold_and_texts(*, gold_path: Path, split: str) -> tuple[Iterable[Document], dict[str, str], dict[str, str]]:
    """The gold documents of ``split`` (read lazily from a built folder), their texts, and the documents of the
    other splits (id -> split), whose predictions are ``pred-split`` findings."""
    if (gold_path / MANIFEST).exists():
        shards = trusted_shards(gold_path)
        ours = split_shards(shards, split)
        others = {doc_id: other for doc_id, other in built_splits(shards).items() if other != split}
        return built_documents(ours), built_texts(ours), others
    everything = load_gold(path=gold_path)
    gold = [d for d in everything if d.split == split]
    return gold, {d.id: d.text for d in gold}, {d.id: str(d.split) for d in everything if d.split != split}


def score(*, gold: Path, predictions: Path, split: str = HELD_OUT, resampling: Resampling | None = None) -> EvaluationResult:
    """Score the predictions file ``predictions`` against the ``split`` documents of ``gold`` (a built folder or a
    project), with bootstrap intervals of every headline figure (``resampling``: resamples, seed, confidence).

    The predictions are checked first (every problem a located ``pred-*`` finding, raised together as
    :class:`KhabarError`); a document of the split without a prediction is scored as predicted empty. From a
    built folder the predictions are checked against the gold texts alone and the documents are then read in
    chunks: the gold is never all in memory. ``.as_dict()`` of the result is ``khabar evaluate --json``."""
    docs, texts, others = gold_and_texts(gold_path=gold, split=split)
    parsed, findings = read_predictions(path=predictions, texts=texts, split=split, elsewhere=others)
    if errors(findings):
        raise KhabarError(errors(findings))
    by_id = {p.id: p for p in parsed}
    (scored,) = counts(gold=docs, systems=[(by_id, scored_layers(by_id))])
    return _result(scored=scored, predictions=by_id, split=split, resampling=resampling or Resampling(), gold_path=gold)


def score_file(*, gold_path: Path, pred_path: Path, split: str = HELD_OUT, resampling: Resampling | None = None) -> dict[str, Any]:
    """:func:`score`, as plain data (the JSON of ``khabar evaluate --json``, provenance included)."""
    return score(gold=gold_path, predictions=pred_path, split=split, resampling=resampling).as_dict()
