"""CLI commands that score: ``evaluate``, ``compare`` and ``agree``. Thin wrappers; only the CLI prints."""

from __future__ import annotations

import argparse
import json
from typing import Any

from khabar.evaluate import score
from khabar.evaluate.agreement import load_annotation_set
from khabar.evaluate.agreement_report import DOCUMENT_COLUMNS, agreement_by_split
from khabar.evaluate.compare import ComparisonResult, compare
from khabar.scoring.resample import Resampling


def _ci(ci: dict[str, float] | None) -> str:
    """`` [lo, hi]`` in percent; nothing when there is no interval."""
    return "" if ci is None else f" [{100 * ci['low']:6.2f}, {100 * ci['high']:6.2f}]"


def _pct(d: dict[str, Any]) -> str:
    return f"{100 * d['precision']:6.2f} {100 * d['recall']:6.2f} {100 * d['f1']:6.2f}" + _ci(d.get("ci"))


def _provenance(p: dict[str, Any]) -> str:
    """One line saying what was scored with what (the JSON's ``provenance``)."""
    sha = f"manifest sha256 {p['manifest_sha256']}" if p["manifest_sha256"] else "a project checkout (no manifest)"
    r = p["resampling"]
    return (
        f"Khabar {p['dataset_version'] or '(version unknown)'}, {sha}, split {p['split']}; khabar {p['khabar_version']}; "
        f"metrics {', '.join(f'{k} {v}' for k, v in sorted(p['metrics'].items()))}; "
        f"{r['confidence']:.0%} intervals: {r['method']}, {r['resamples']} resamples, seed {r['seed']}"
    )


def render_tables(results: dict[str, Any]) -> str:
    """One plain-text table per scored layer (P, R, F1 in percent)."""
    split = f" of the {results['split']} split" if results.get("split") else ""
    out = [
        f"documents: {results['documents']} gold{split}, {results['predicted_documents']} predicted"
        + (f", {results['missing_documents']} gold document(s) without a prediction (scored as predicted empty)" if results.get("missing_documents") else "")
    ]
    provenance = results.get("provenance")
    header = f"{'':44} {'P':>6} {'R':>6} {'F1':>6}" + (f" [{provenance['resampling']['confidence']:.0%} interval]" if provenance else "")
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
            out.append(f"  {'CoNLL F1 (mean of MUC, B3, CEAFe)':42} {'':13} {100 * scores['conll_f1']:6.2f}{_ci(scores.get('conll_f1_ci'))}")
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
    if results.get("provenance"):
        out += ["", _provenance(results["provenance"])]
    return "\n".join(out)


def render_comparison(result: ComparisonResult) -> str:
    """One line per headline figure: A, B, B - A and its interval (percentage points), the p-value."""
    out = [f"A: {result.a}", f"B: {result.b}", f"documents: {result.documents} gold of the {result.split} split", ""]
    heading = f"[{result.provenance.resampling.confidence:.0%} interval]"
    out.append(f"{'figure':44} {'A':>6} {'B':>6} {'B - A':>7} {heading:>18} {'p':>7}")
    for c in result.comparisons:
        interval = "" if c.low is None or c.high is None else f"[{100 * c.low:+7.2f}, {100 * c.high:+7.2f}]"
        p_value = "" if c.p_value is None else f"{c.p_value:.4f}"
        out.append(f"{c.figure:44} {100 * c.a:6.2f} {100 * c.b:6.2f} {100 * c.difference:+7.2f} {interval:>18} {p_value:>7}")
    for name, only in (("A", result.only_a), ("B", result.only_b)):
        if only:
            out.append(f"not compared, predicted by {name} only: {', '.join(only)}")
    return "\n".join([*out, "", _provenance(result.provenance.as_dict())])


def cmd_evaluate(args: argparse.Namespace) -> int:
    result = score(gold=args.gold or args.root, predictions=args.pred, split=args.split, resampling=Resampling(resamples=args.resamples, seed=args.seed))
    print(json.dumps(result.as_dict(), indent=2, sort_keys=True) if args.json else render_tables(result.as_dict()))
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    resampling = Resampling(resamples=args.resamples, seed=args.seed)
    result = compare(gold=args.gold or args.root, a=args.a, b=args.b, split=args.split, resampling=resampling)
    print(json.dumps(result.as_dict(), indent=2, sort_keys=True) if args.json else render_comparison(result))
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
