"""Agreement reported per split (the held-out split first) and per document: the card's section and `khabar agree`.

The guidelines were settled on the dev documents, while their passes were made and
reconciled; the test documents were annotated under the settled guidelines, so their
figures are the honest ones and come first. Every figure is measured by
:func:`khabar.evaluate.agreement.agreement`, pooled over a split's documents, or on one document.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from khabar.core.markdown import code, table
from khabar.evaluate.agreement import COREF_SETTING, agreement, load_annotation_set, summary_rows
from khabar.schema.labels import SPLITS_TEST_FIRST
from khabar.schema.model import Document
from khabar.schema.splits import by_split, held_out_first


@dataclass(frozen=True, slots=True)
class SplitAgreement:
    """The agreement of one split: pooled over its documents, and per document."""

    split: str
    documents: tuple[str, ...]
    pooled: dict[str, Any]
    per_document: dict[str, dict[str, Any]]

    def as_dict(self) -> dict[str, Any]:
        return {"split": self.split, "documents": list(self.documents), "pooled": self.pooled, "per_document": self.per_document}


def agreement_by_split(*, a: Sequence[Document], b: Sequence[Document], split: str | None = None) -> list[SplitAgreement]:
    """Agreement of ``b`` with ``a`` per split, the held-out split first (only ``split``, when given)."""
    others = {d.id: d for d in b}
    out = []
    for name, docs in held_out_first(by_split(a)):
        if split not in (None, name):
            continue
        theirs = [others[d.id] for d in docs if d.id in others]
        per_document = {d.id: agreement(a=[d], b=[others[d.id]] if d.id in others else []) for d in docs}
        out.append(SplitAgreement(name, tuple(d.id for d in docs), agreement(a=docs, b=theirs), per_document))
    return out


def _f1(value: dict[str, Any]) -> str:
    return f"{100 * value['f1']:.1f}"


#: The per-document table's columns: (header, the figure of a document's results).
DOCUMENT_COLUMNS: tuple[tuple[str, Callable[[dict[str, Any]], str]], ...] = (
    ("mention extent F1", lambda r: _f1(r["mention_extents"])),
    ("mention head F1", lambda r: _f1(r["mention_heads"])),
    ("MUC", lambda r: _f1(r["coref"][COREF_SETTING]["muc"])),
    ("B3", lambda r: _f1(r["coref"][COREF_SETTING]["b_cubed"])),
    ("CEAFe", lambda r: _f1(r["coref"][COREF_SETTING]["ceafe"])),
    ("CoNLL", lambda r: f"{100 * r['coref'][COREF_SETTING]['conll_f1']:.1f}"),
    ("LEA", lambda r: _f1(r["coref"][COREF_SETTING]["lea"])),
    ("relations labelled F1", lambda r: _f1(r["relations"]["relation"])),
    ("relation pairs unlabelled F1", lambda r: _f1(r["relation_pairs"])),
    ("attribution cue F1", lambda r: _f1(r["attributions"]["exact"]["cue"])),
    ("source entity F1", lambda r: _f1(r["source_entity"])),
)


#: The project's targets for the two blind passes on the held-out split (corpus part 1): (measure, its figure in percent, at least).
TARGETS: tuple[tuple[str, Callable[[dict[str, Any]], float], float], ...] = (
    ("mention extent F1", lambda r: 100 * r["mention_extents"]["f1"], 90.0),
    ("CoNLL F1 (extent, with singletons)", lambda r: 100 * r["coref"][COREF_SETTING]["conll_f1"], 85.0),
    ("relation pairs unlabelled F1", lambda r: 100 * r["relation_pairs"]["f1"], 75.0),
    ("attribution cue F1 (exact)", lambda r: 100 * r["attributions"]["exact"]["cue"]["f1"], 90.0),
)


def targets_table(part: SplitAgreement) -> str:
    """Each target against ``part``'s pooled figure, and the documents whose own figure is below it."""
    rows = []
    for name, figure, least in TARGETS:
        pooled = figure(part.pooled)
        below = [f"{doc} ({figure(r):.1f})" for doc, r in part.per_document.items() if figure(r) < least]
        rows.append((name, f"{least:.0f}", f"{pooled:.1f}", "yes" if pooled >= least else "**no**", ", ".join(below) or "none"))
    return table(
        ("measure", "target (at least)", f"{part.split}, pooled", "met", "documents below the target"), rows, numeric=(False, True, True, False, False)
    )


def pooled_table(splits: Sequence[SplitAgreement]) -> str:
    """One row per figure, one column per split (the held-out split first), pooled over its documents."""
    rows: dict[tuple[str, str], dict[str, str]] = {}
    for part in splits:
        for layer, measure, value in summary_rows(part.pooled):
            rows.setdefault((layer, measure), {})[part.split] = value
    headers = ("layer", "measure", *(f"{s.split} ({len(s.documents)} document(s))" for s in splits))
    return table(
        headers,
        [(layer, measure, *(values.get(s.split) for s in splits)) for (layer, measure), values in rows.items()],
        numeric=(False, False, *(True for _ in splits)),
    )


def document_table(splits: Sequence[SplitAgreement]) -> str:
    """One row per document, the held-out split's first; coreference on extents with singletons; F1 in percent."""
    rows = [(doc_id, s.split, *(figure(s.per_document[doc_id]) for _, figure in DOCUMENT_COLUMNS)) for s in splits for doc_id in s.documents]
    return table(("document", "split", *(h for h, _ in DOCUMENT_COLUMNS)), rows, numeric=(False, False, *(True for _ in DOCUMENT_COLUMNS)))


def agreement_markdown(*, root: Path, first: Path, second: Path) -> str:
    """The card's agreement section: per split pooled (the held-out split first), then per document."""
    a = load_annotation_set(root=root, folder=first)
    b = load_annotation_set(root=root, folder=second)
    splits = agreement_by_split(a=a, b=b)
    order = " then ".join(code(s) for s in SPLITS_TEST_FIRST)
    present = {s.split for s in splits}
    missing = [s for s in SPLITS_TEST_FIRST if s not in present]
    return "\n\n".join(
        [
            f"Agreement between the two independent passes ({code(first.relative_to(root).as_posix())} and {code(second.relative_to(root).as_posix())}, "
            f"{len(b)} document(s), before reconciliation), computed at build time with the project's scorers (`khabar agree`), per split ({order}). "
            "The guidelines were settled on the dev documents, whose disagreements sharpened them; the test documents were annotated under the "
            "settled guidelines, so **the test figures are the honest ones**, and they come first. F1 in percent; the first pass is the key.",
            pooled_table(splits) if splits else "_No document in either split yet._",
            *(
                [
                    f"The project's targets for the two blind passes on {code(held[0].split)}, against its pooled figures; a document below a target "
                    "has the reason in its adjudication record (`annotations/adjudication/<id>.md`):",
                    targets_table(held[0]),
                ]
                if (held := [s for s in splits if s.split == SPLITS_TEST_FIRST[0]])
                else []
            ),
            *([f"No document of the {', '.join(missing)} split has two passes yet, so no figure is given for it."] if missing else []),
            "Per document (coreference on mention extents, singletons included):",
            document_table(splits) if splits else "_No document yet._",
        ]
    )
