"""Inter-annotator agreement: two independent annotations of the same documents.

Agreement reuses the evaluation metrics (annotation A as the key, B as the
response: F1 is symmetric in A and B for every metric used here), and adds
Cohen's kappa for the per-item label decisions that both annotators made on
the same item: the entity type and the mention kind of mentions with the same
extent, and the type of attributions with the same cue.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

from khabar.core.findings import KhabarError, errors, finding
from khabar.evaluate import evaluate
from khabar.io.project import load_project
from khabar.schema.labels import ATTRIBUTION_ROLES
from khabar.schema.model import Attribution, Document
from khabar.schema.rows import to_row
from khabar.scoring import PRF, align_entities, pair_attributions
from khabar.scoring.layers import relation_pairs, relations_results
from khabar.scoring.predictions import Prediction


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
    out: dict[str, list[tuple[str, str]]] = {
        "entity type of shared mentions": [],
        "mention kind of shared mentions": [],
        "type of attributions with the same cue": [],
    }
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


def _source_entities(a: Sequence[Document], b: Sequence[Document]) -> PRF:
    """Source-entity agreement: of the attributions both passes made (paired as the attribution
    scorer pairs them), those whose source entities are the same entity (B's entities aligned to
    A's through their mention extents, as relation scoring aligns them). Precision over B's
    attributions with a source entity, recall over A's."""
    agreed = gold = predicted = 0
    others = {d.id: d for d in b}
    for doc in a:
        other = others.get(doc.id)
        gold += sum(x.source_entity is not None for x in doc.attributions)
        if other is None:
            continue
        predicted += sum(y.source_entity is not None for y in other.attributions)
        spans: list[dict[Hashable, dict[Hashable, set[tuple[int, int]]]]] = [{d.id: _extents(d)} for d in (doc, other)]
        mapping = align_entities(gold=spans[0], predicted=spans[1])[doc.id]
        pairs = pair_attributions(
            gold=[_roles(x) for x in doc.attributions], predicted=[_roles(y) for y in other.attributions], tokens=[(t.start, t.end) for t in doc.tokens]
        )
        for i, j in pairs:
            x, y = doc.attributions[i], other.attributions[j]
            agreed += x.source_entity is not None and y.source_entity is not None and mapping.get(y.source_entity) == x.source_entity
    return PRF.from_counts(true_positives=agreed, gold=gold, predicted=predicted)


def _extents(doc: Document) -> dict[Hashable, set[tuple[int, int]]]:
    out: dict[Hashable, set[tuple[int, int]]] = {}
    for m in doc.mentions:
        out.setdefault(m.entity, set()).add((m.start, m.end))
    return out


def _roles(x: Attribution) -> dict[str, list[tuple[int, int]]]:
    return {role: [(f.start, f.end) for f in getattr(x, role)] for role in ATTRIBUTION_ROLES}


def _spans(docs: Sequence[Document], head: bool) -> set[tuple[str, int, int]]:
    return {(d.id, m.head_start, m.head_end) if head else (d.id, m.start, m.end) for d in docs for m in d.mentions}


def agreement(*, a: Sequence[Document], b: Sequence[Document]) -> dict[str, Any]:
    """Per-layer agreement of annotation ``b`` with annotation ``a``, pooled over the documents."""
    predictions = [as_prediction(d) for d in b]
    results = evaluate(gold=list(a), predictions=predictions)
    kappas = {}
    for name, pairs in _label_pairs(a, b).items():
        value = cohen_kappa(pairs)
        kappas[name] = {"items": len(pairs), "kappa": None if value is None else float(value)}
    results["kappa"] = kappas
    for key, head in (("mention_extents", False), ("mention_heads", True)):
        ours, theirs = _spans(a, head), _spans(b, head)
        results[key] = PRF.from_counts(true_positives=len(ours & theirs), gold=len(ours), predicted=len(theirs)).as_dict()
    results["relation_pairs"] = relations_results(relation_pairs(list(a), {p.id: p for p in predictions}))["relation"]
    results["source_entity"] = _source_entities(a, b).as_dict()
    return results


def _f1(d: dict[str, Any]) -> str:
    return f"{100 * d['f1']:.1f}"


#: The coreference setting the summary reports every metric of: extents, singletons included.
COREF_SETTING = "extent, with singletons"


def summary_rows(results: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(layer, measure, value) rows: the figures the card and `khabar agree` show (F1 in percent)."""
    coref = results["coref"][COREF_SETTING]
    rows = [
        ("mentions", "extent F1", _f1(results["mention_extents"])),
        ("mentions", "head F1", _f1(results["mention_heads"])),
        ("entities (NER)", "strict span+label F1", _f1(results["ner"]["micro"])),
    ]
    rows += [(f"coreference ({COREF_SETTING})", f"{name} F1", _f1(coref[key])) for key, name in (("muc", "MUC"), ("b_cubed", "B3"), ("ceafe", "CEAFe"))]
    rows.append((f"coreference ({COREF_SETTING})", "CoNLL F1 (mean of MUC, B3, CEAFe)", f"{100 * coref['conll_f1']:.1f}"))
    rows.append((f"coreference ({COREF_SETTING})", "LEA F1", _f1(coref["lea"])))
    for setting, scores in results["coref"].items():
        if setting != COREF_SETTING:
            rows.append((f"coreference ({setting})", "CoNLL F1 / LEA F1", f"{100 * scores['conll_f1']:.1f} / {_f1(scores['lea'])}"))
    rows.append(("relations", "labelled F1 (entities aligned through mentions)", _f1(results["relations"]["relation"])))
    rows.append(("relations", "unlabelled F1 (the entity pair, either order, any label)", _f1(results["relation_pairs"])))
    rows.append(("relations", "evidence F1", _f1(results["relations"]["evidence"])))
    for role in ("cue", "source", "content", "attribution"):
        exact, partial = results["attributions"]["exact"][role], results["attributions"]["partial"][role]
        rows.append(("attribution", f"{role}: exact F1 / token-overlap F1", f"{_f1(exact)} / {_f1(partial)}"))
    rows.append(("attribution", "source entity agreement F1 (paired attributions, entities aligned)", _f1(results["source_entity"])))
    for name, k in results["kappa"].items():
        rows.append(("label decisions", f"Cohen's kappa, {name}", ("n/a" if k["kappa"] is None else f"{k['kappa']:.3f}") + f" ({k['items']} items)"))
    return rows


def load_annotation_set(*, root: Path, folder: Path) -> list[Document]:
    """The documents of another annotation folder over the project's corpus.

    Raises :class:`KhabarError` with every error when the folder is missing or any of
    its documents cannot be read: a document left out would count as annotated empty."""
    if not folder.is_dir():
        raise KhabarError([finding("file-missing", f"expected an annotation folder at {folder}; found none (check the path)", path=str(folder))])
    corpus = load_project(root=root, annotations=folder)
    if failed := errors(corpus.findings):
        raise KhabarError(failed)
    return sorted(corpus.documents, key=lambda d: d.id)
