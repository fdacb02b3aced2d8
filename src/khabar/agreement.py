"""Inter-annotator agreement: two independent annotations of the same documents.

Agreement reuses the evaluation metrics (annotation A as the key, B as the
response: F1 is symmetric in A and B for every metric used here), and adds
Cohen's kappa for the per-item label decisions that both annotators made on
the same item: the entity type and the mention kind of mentions with the same
extent, and the type of attributions with the same cue.
"""

from __future__ import annotations

from collections import Counter
from fractions import Fraction
from pathlib import Path
from typing import Any, Sequence

from khabar.evaluate import evaluate
from khabar.evaluate.predictions import Prediction
from khabar.schema.model import Document
from khabar.schema.rows import to_row


def as_prediction(doc: Document) -> Prediction:
    """A document's annotation as a prediction (every layer given)."""
    row = to_row(doc)
    return Prediction(doc.id, 0, {layer: row[layer] for layer in ("ner", "mentions", "entities", "values", "relations", "attributions")})


def cohen_kappa(pairs: Sequence[tuple[str, str]]) -> Fraction | None:
    """Cohen's kappa of paired labels, exact; None when undefined (no items, or chance agreement 1)."""
    n = len(pairs)
    if n == 0:
        return None
    observed = Fraction(sum(a == b for a, b in pairs), n)
    left, right = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    expected = sum(Fraction(left[k] * right[k], n * n) for k in left.keys() | right.keys())
    if expected == 1:
        return None
    return (observed - expected) / (1 - expected)


def _label_pairs(a: Sequence[Document], b: Sequence[Document]) -> dict[str, list[tuple[str, str]]]:
    out: dict[str, list[tuple[str, str]]] = {"entity type of shared mentions": [], "mention kind of shared mentions": [], "type of attributions with the same cue": []}
    others = {d.id: d for d in b}
    for doc in a:
        other = others.get(doc.id)
        if other is None:
            continue
        types_a = {e.id: e.type for e in doc.entities}
        types_b = {e.id: e.type for e in other.entities}
        spans_b = {(m.start, m.end): m for m in other.mentions}
        for m in doc.mentions:
            n = spans_b.get((m.start, m.end))
            if n is not None:
                out["entity type of shared mentions"].append((types_a.get(m.entity, "?"), types_b.get(n.entity, "?")))
                out["mention kind of shared mentions"].append((m.kind, n.kind))
        cues_b = {tuple((f.start, f.end) for f in x.cue): x for x in other.attributions}
        for x in doc.attributions:
            y = cues_b.get(tuple((f.start, f.end) for f in x.cue))
            if y is not None:
                out["type of attributions with the same cue"].append((x.type, y.type))
    return out


def agreement(*, a: Sequence[Document], b: Sequence[Document]) -> dict[str, Any]:
    """Per-layer agreement of annotation ``b`` with annotation ``a``."""
    results = evaluate(gold=list(a), predictions=[as_prediction(d) for d in b])
    kappas = {}
    for name, pairs in _label_pairs(a, b).items():
        value = cohen_kappa(pairs)
        kappas[name] = {"items": len(pairs), "kappa": None if value is None else float(value)}
    results["kappa"] = kappas
    gold_spans = {(d.id, m.start, m.end) for d in a for m in d.mentions}
    other_spans = {(d.id, m.start, m.end) for d in b for m in d.mentions}
    from khabar.scoring import PRF

    results["mention_extents"] = PRF.from_counts(true_positives=len(gold_spans & other_spans), gold=len(gold_spans), predicted=len(other_spans)).as_dict()
    return results


def _f1(d: dict[str, Any]) -> str:
    return f"{100 * d['f1']:.1f}"


def summary_rows(results: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(layer, measure, value) rows: the figures the card and `khabar agree` show."""
    rows = [
        ("mentions", "extent F1", _f1(results["mention_extents"])),
        ("entities (NER)", "strict span+label F1", _f1(results["ner"]["micro"])),
    ]
    for setting, scores in results["coref"].items():
        rows.append(("coreference", f"CoNLL F1 ({setting})", f"{100 * scores['conll_f1']:.1f}"))
        rows.append(("coreference", f"LEA F1 ({setting})", _f1(scores["lea"])))
    rows.append(("relations", "F1 (entities aligned through mentions)", _f1(results["relations"]["relation"])))
    rows.append(("relations", "evidence F1", _f1(results["relations"]["evidence"])))
    for role in ("cue", "source", "content", "attribution"):
        exact, partial = results["attributions"]["exact"][role], results["attributions"]["partial"][role]
        rows.append(("attribution", f"{role}: exact F1 / token-overlap F1", f"{_f1(exact)} / {_f1(partial)}"))
    for name, k in results["kappa"].items():
        rows.append(("label decisions", f"Cohen's kappa, {name} ({k['items']} items)", "n/a" if k["kappa"] is None else f"{k['kappa']:.3f}"))
    return rows


def load_annotation_set(*, root: Path, folder: Path) -> list[Document]:
    """The documents of another annotation folder over the project's corpus.

    Raises :class:`KhabarError` with every error when the folder is missing or any of
    its documents cannot be read: a document left out would count as annotated empty."""
    from khabar.findings import KhabarError, errors, finding
    from khabar.io.project import load_project

    if not folder.is_dir():
        raise KhabarError([finding("file-missing", f"expected an annotation folder at {folder}; found none (check the path)", path=str(folder))])
    corpus = load_project(root=root, annotations=folder)
    if failed := errors(corpus.findings):
        raise KhabarError(failed)
    return sorted(corpus.documents, key=lambda d: d.id)


def agreement_markdown(*, root: Path, first: Path, second: Path) -> str:
    """The card's table: two independent passes over the same documents."""
    a = load_annotation_set(root=root, folder=first)
    b = load_annotation_set(root=root, folder=second)
    results = agreement(a=a, b=b)
    lines = [
        f"Agreement between the two independent passes (`{first.relative_to(root).as_posix()}` and `{second.relative_to(root).as_posix()}`, {len(b)} document(s), before reconciliation), computed at build time with the project's scorers (`khabar agree`):",
        "",
        "| layer | measure | value |",
        "|---|---|---:|",
    ]
    lines += [f"| {x} | {y} | {z} |" for x, y, z in summary_rows(results)]
    return "\n".join(lines)
