"""The card's results table: every baseline run on the gold at build time, each headline F1 with its bootstrap
interval over the split's documents (:mod:`khabar.scoring.resample`, default settings: 1000 resamples, seed 0)."""

from __future__ import annotations

import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from khabar.baselines import BASELINES, write_predictions
from khabar.core.findings import KhabarError
from khabar.core.markdown import code, table
from khabar.schema.model import Document
from khabar.schema.splits import held_out_first
from khabar.scoring.layers import scored_layers
from khabar.scoring.predictions import read_predictions
from khabar.scoring.resample import DocumentCounts, Resampling, score_documents, with_intervals

#: The card's intervals: ``khabar evaluate``'s defaults, so a reader re-running it gets the card's figures.
CARD_RESAMPLING = Resampling()


def _interval(ci: dict[str, float] | None) -> str:
    return "" if ci is None else f" [{100 * ci['low']:.1f}, {100 * ci['high']:.1f}]"


def _f1(d: dict[str, Any]) -> str:
    return f"{100 * d['precision']:.1f} / {100 * d['recall']:.1f} / {100 * d['f1']:.1f}" + _interval(d.get("ci"))


def _rows(name: str, version: str, results: dict[str, Any]) -> list[tuple[str, ...]]:
    """The table rows of one baseline: (system, layer, metric, P / R / F1)."""
    system = f"{name} {version}"
    out: list[tuple[str, ...]] = []
    if results.get("ner"):
        out.append((system, "NER", "strict micro", _f1(results["ner"]["micro"])))
    if results.get("coref"):
        for setting in ("extent, with singletons", "head, with singletons"):
            scores = results["coref"][setting]
            out.append((system, "coreference", f"CoNLL F1 ({setting})", f"– / – / {100 * scores['conll_f1']:.1f}" + _interval(scores.get("conll_f1_ci"))))
            out.append((system, "coreference", f"LEA ({setting})", _f1(scores["lea"])))
    if results.get("relations"):
        out.append((system, "relations", "entity-level (DocRED)", _f1(results["relations"]["relation"])))
        out.append((system, "relations", "evidence", _f1(results["relations"]["evidence"])))
    if results.get("attributions"):
        out.append((system, "attribution", "whole attribution, exact", _f1(results["attributions"]["exact"]["attribution"])))
        out.append((system, "attribution", "whole attribution, token overlap", _f1(results["attributions"]["partial"]["attribution"])))
    return out


#: baseline name -> its documents' scores (pooled per layer, and each document's headline counts); None: not run (skipped).
BaselineScores = Mapping[str, DocumentCounts | None]


def baseline_scores(docs: Sequence[Document]) -> dict[str, DocumentCounts | None]:
    """Every baseline run on ``docs`` and scored, as a user would (predictions
    written as JSON Lines, read back and checked, then scored), in this process.

    Scores of disjoint sets of documents pool (:func:`pool_scores`), so the
    pipeline's workers score their chunks and the card shows the corpus's scores."""
    texts = {d.id: d.text for d in docs}
    out: dict[str, DocumentCounts | None] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, (function, _, _) in sorted(BASELINES.items()):
            try:
                predictions = function(documents=list(texts.items()))
            except KhabarError:  # it needs what is not installed (spacy-ner: a spaCy pipeline)
                out[name] = None
                continue
            path = write_predictions(predictions=predictions, out=Path(tmp) / f"{name}.jsonl")
            del predictions  # written: free them before they are read back
            parsed, findings = read_predictions(path=path, texts=texts)
            if findings:
                raise KhabarError(findings)
            by_id = {p.id: p for p in parsed}
            out[name] = score_documents(gold=docs, predictions=by_id, layers=scored_layers(by_id))
    return out


def pool_scores(a: BaselineScores, b: BaselineScores) -> dict[str, DocumentCounts | None]:
    """:func:`baseline_scores` of two disjoint sets of documents, pooled."""
    out: dict[str, DocumentCounts | None] = {}
    for name in dict.fromkeys([*a, *b]):
        if name not in a or name not in b:  # absent: no documents scored yet
            out[name] = a[name] if name in a else b[name]
            continue
        x, y = a[name], b[name]  # None: not run
        out[name] = None if x is None or y is None else x + y
    return out


def _split_table(scores: BaselineScores) -> tuple[str, list[str]]:
    """One split's table, and the baselines not run."""
    rows: list[tuple[str, ...]] = []
    skipped = []
    for name, (_, _, version) in sorted(BASELINES.items()):
        counts = scores.get(name)
        if counts is None:
            skipped.append(name)
            continue
        rows += _rows(name, version, with_intervals(counts, CARD_RESAMPLING))
    return table(("system", "layer", "metric", "P / R / F1 [95% interval of F1]"), rows), skipped


def baselines_markdown(scores: Mapping[str, BaselineScores], *, khabar_version: str) -> str:
    """The card's tables of ``scores`` per split (P / R / F1, percent), the held-out split first."""
    lines = [
        f"Scores of the baselines on Khabar {khabar_version}, per split (the held-out `test` split first), computed at build time "
        "(`khabar baseline NAME --out FILE`, then `khabar evaluate --pred FILE --split SPLIT`). Precision / recall / F1 in percent; "
        f"in brackets, the {CARD_RESAMPLING.confidence:.0%} percentile bootstrap interval of the F1 over the split's documents "
        f"({CARD_RESAMPLING.resamples} resamples, seed {CARD_RESAMPLING.seed}, as `khabar evaluate` gives by default). With few documents "
        "an interval is wide: read it before comparing two systems (`khabar compare`).",
    ]
    skipped: set[str] = set()
    for split, per_split in held_out_first(scores):
        split_table, missed = _split_table(per_split)
        skipped.update(missed)
        lines += ["", f"**Split {code(split)}**", "", split_table]
    if not scores:
        lines += ["", "_No document yet._"]
    if skipped:
        lines += ["", f"Not run at build time: {', '.join(sorted(skipped))} (it needs an installed spaCy pipeline; see `docs/baselines.md`)."]
    lines += [
        "",
        "The rule-based baselines were written while looking at the seed document, which is in the dev split: their dev scores are "
        "development scores, not held-out ones. They set a floor, not a target.",
    ]
    return "\n".join(lines)
