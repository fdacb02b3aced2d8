"""CLI commands that score: ``evaluate`` and ``agree``. Thin wrappers; only the CLI prints."""

from __future__ import annotations

import argparse
import json
from typing import Any

from khabar.evaluate import score_file
from khabar.evaluate.agreement import load_annotation_set
from khabar.evaluate.agreement_report import DOCUMENT_COLUMNS, agreement_by_split


def _pct(d: dict[str, Any]) -> str:
    return f"{100 * d['precision']:6.2f} {100 * d['recall']:6.2f} {100 * d['f1']:6.2f}"


def render_tables(results: dict[str, Any]) -> str:
    """One plain-text table per scored layer (P, R, F1 in percent)."""
    split = f" of the {results['split']} split" if results.get("split") else ""
    out = [
        f"documents: {results['documents']} gold{split}, {results['predicted_documents']} predicted"
        + (f", {results['missing_documents']} gold document(s) without a prediction (scored as predicted empty)" if results.get("missing_documents") else "")
    ]
    header = f"{'':44} {'P':>6} {'R':>6} {'F1':>6}"
    if results.get("mention_extents"):  # agreement: the mentions both passes made
        out += ["", "Mentions (agreement)", header, f"{'extents':44} {_pct(results['mention_extents'])}", f"{'heads':44} {_pct(results['mention_heads'])}"]
    if results.get("ner"):
        out += ["", "NER (strict span + label)", header, f"{'micro':44} {_pct(results['ner']['micro'])}"]
        out += [f"  {label:42} {_pct(prf)}" for label, prf in results["ner"]["per_label"].items()]
    if results.get("coref"):
        out += ["", "Coreference", header]
        for setting, scores in results["coref"].items():
            out.append(f"[{setting}]")
            for metric in ("muc", "b_cubed", "ceafe", "lea", "ceafm", "blanc"):
                out.append(f"  {metric:42} {_pct(scores[metric])}")
            out.append(f"  {'CoNLL F1 (mean of MUC, B3, CEAFe)':42} {'':13} {100 * scores['conll_f1']:6.2f}")
    if results.get("relations"):
        rel = results["relations"]
        out += ["", "Relations (entity level, DocRED)", header, f"{'relations':44} {_pct(rel['relation'])}", f"{'evidence':44} {_pct(rel['evidence'])}"]
        if results.get("relation_pairs"):  # agreement
            out.append(f"{'entity pairs, unlabelled (either order)':44} {_pct(results['relation_pairs'])}")
        out += [f"  {label:42} {_pct(prf)}" for label, prf in rel["per_label"].items()]
    if results.get("attributions"):
        att = results["attributions"]
        out += ["", "Attribution", header]
        for mode in ("exact", "partial"):
            for role, prf in att[mode].items():
                out.append(f"{mode + ' ' + role:44} {_pct(prf)}")
        if results.get("source_entity"):  # agreement
            out.append(f"{'source entity (paired attributions)':44} {_pct(results['source_entity'])}")
    if results.get("kappa"):
        out += ["", "Cohen's kappa of shared label decisions"]
        for name, k in results["kappa"].items():
            out.append(f"  {name:60} {'n/a' if k['kappa'] is None else format(k['kappa'], '.3f')} ({k['items']} items)")
    return "\n".join(out)


def cmd_evaluate(args: argparse.Namespace) -> int:
    results = score_file(gold_path=args.gold or args.root, pred_path=args.pred, split=args.split)
    print(json.dumps(results, indent=2, sort_keys=True) if args.json else render_tables(results))
    return 0


def cmd_agree(args: argparse.Namespace) -> int:
    a = load_annotation_set(root=args.root, folder=args.a)
    b = load_annotation_set(root=args.root, folder=args.b)
    splits = agreement_by_split(a=a, b=b, split=args.split)
    if args.json:
        print(json.dumps({"splits": [s.as_dict() for s in splits]}, indent=2, sort_keys=True))
        return 0
    if not splits:
        print(f"no document in the {args.split or 'any'} split")
    for part in splits:  # the held-out split first
        print(f"=== split {part.split}: {len(part.documents)} document(s), pooled ===")
        print(render_tables(part.pooled))
        print("")
        print(f"=== split {part.split}: per document (F1 in percent; coreference on extents, with singletons) ===")
        widths = [max(len(h), 6) for h, _ in DOCUMENT_COLUMNS]
        print(f"{'document':24} " + " ".join(f"{h:>{w}}" for (h, _), w in zip(DOCUMENT_COLUMNS, widths, strict=True)))
        for doc_id in part.documents:
            figures = [figure(part.per_document[doc_id]) for _, figure in DOCUMENT_COLUMNS]
            print(f"{doc_id:24} " + " ".join(f"{v:>{w}}" for v, w in zip(figures, widths, strict=True)))
        print("")
    return 0
