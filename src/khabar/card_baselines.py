"""The card's results table: every baseline run on the gold at build time."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any, Sequence

from khabar.findings import KhabarError
from khabar.schema.model import Document


def _f1(d: dict[str, Any]) -> str:
    return f"{100 * d['precision']:.1f} / {100 * d['recall']:.1f} / {100 * d['f1']:.1f}"


def _rows(name: str, version: str, results: dict[str, Any]) -> list[str]:
    out = []
    if results.get("ner"):
        out.append(f"| {name} {version} | NER | strict micro | {_f1(results['ner']['micro'])} |")
    if results.get("coref"):
        for setting in ("extent, with singletons", "head, with singletons"):
            scores = results["coref"][setting]
            out.append(f"| {name} {version} | coreference | CoNLL F1 ({setting}) | – / – / {100 * scores['conll_f1']:.1f} |")
            out.append(f"| {name} {version} | coreference | LEA ({setting}) | {_f1(scores['lea'])} |")
    if results.get("relations"):
        out.append(f"| {name} {version} | relations | entity-level (DocRED) | {_f1(results['relations']['relation'])} |")
        out.append(f"| {name} {version} | relations | evidence | {_f1(results['relations']['evidence'])} |")
    if results.get("attributions"):
        out.append(f"| {name} {version} | attribution | whole attribution, exact | {_f1(results['attributions']['exact']['attribution'])} |")
        out.append(f"| {name} {version} | attribution | whole attribution, token overlap | {_f1(results['attributions']['partial']['attribution'])} |")
    return out


def baselines_markdown(docs: Sequence[Document], *, khabar_version: str) -> str:
    """Scores of every baseline on ``docs``, measured now (P / R / F1, percent)."""
    from khabar.baselines import BASELINES, run_baseline, write_predictions
    from khabar.evaluate import evaluate, read_predictions

    gold = {d.id: d for d in docs}
    lines = [
        f"Scores of the baselines on Khabar {khabar_version}, computed at build time (`khabar baseline NAME --out FILE`, then `khabar evaluate --pred FILE`). Precision / recall / F1 in percent.",
        "",
        "| system | layer | metric | P / R / F1 |",
        "|---|---|---|---|",
    ]
    skipped = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, (_, _, version) in sorted(BASELINES.items()):
            try:
                predictions = run_baseline(name=name, documents=[(d.id, d.text) for d in docs], options={})
            except KhabarError:
                skipped.append(name)
                continue
            path = write_predictions(predictions=predictions, out=Path(tmp) / f"{name}.jsonl")
            del predictions  # written: free them before they are read back (memory, at 10,000 documents)
            parsed, findings = read_predictions(path=path, gold=gold)
            if findings:
                raise KhabarError(findings)
            lines += _rows(name, version, evaluate(gold=list(docs), predictions=parsed))
    if skipped:
        lines += ["", f"Not run at build time: {', '.join(skipped)} (it needs an installed spaCy pipeline; see `docs/baselines.md`)."]
    lines += ["", "The rule-based baselines were written while looking at the corpus's only document, so their scores are development scores, not held-out ones; they set a floor, not a target."]
    return "\n".join(lines)
