"""The commands on the project itself: ``validate``, ``locate``, ``stats``, ``render``, ``diff``,
``export`` (of the project, or with ``--from`` of a built folder) and ``import``. Thin functions over the library;
only the CLI prints."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from khabar.cli.output import progress_bar, report
from khabar.core.findings import Finding, finding, visible
from khabar.evaluate.gold import read_built
from khabar.export import export, import_annotations
from khabar.io.outputs import EXPORT, REPORT, check_out
from khabar.io.project import Paths, document_ids, load_document
from khabar.pipeline import stream, validate
from khabar.schema.splits import held_out_first
from khabar.views.stats import split_stats
from khabar.workflow.diff import diff_annotations, load_revision, report_lines, summary_line
from khabar.workflow.locate import NotFound, locate
from khabar.workflow.render import render_file
from khabar.workflow.report import write_report


def cmd_validate(args: argparse.Namespace) -> int:
    if args.report:  # refused before the work (and again before the report is swapped in)
        check_out(out=args.report, output=REPORT, project=args.root)
    # The documents stay in the workers unless the report needs them.
    result = stream(root=args.root, gx=not args.no_gx, release=args.release, documents=bool(args.report), progress=progress_bar(args))
    findings = result.findings
    if args.report:
        path = write_report(corpus=result.corpus, findings=findings, out=args.report, project=args.root)
        print(f"report: {path}")
    if not findings and not args.quiet:
        print(f"{len(result.ids)} document(s) checked")
    return report(findings, quiet=args.quiet, format=args.format, root=args.root)


def cmd_locate(args: argparse.Namespace) -> int:
    paths = Paths(args.root)
    doc_id = args.doc or _only_document(args.root)
    doc, _, findings = load_document(paths, doc_id)
    if doc is None:
        return report(findings)
    try:
        hit = locate(doc, args.text, nth=args.nth, after=args.after)
    except NotFound as exc:
        print(f"khabar: {exc}", file=sys.stderr)
        return 1
    print(json.dumps({"start": hit.start, "end": hit.end, "text": hit.text, "occurrences": hit.occurrences}, ensure_ascii=False))
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    corpus, findings = validate(root=args.root, gx=False)
    if any(f.level == "error" for f in findings):
        return report(findings)
    documents = [d for d in corpus.documents if args.split in (None, d.split)]
    chosen = [doc for doc in documents if args.doc in (None, doc.id)]
    if args.doc is not None and not chosen:
        where = f" of the {args.split} split" if args.split else ""
        return report(
            [
                finding(
                    "file-missing",
                    f"expected a document {visible(args.doc)}{where}; found none (the documents: "
                    f"{', '.join(d.id for d in documents[:10])}{', ...' if len(documents) > 10 else ''})",
                    path="--doc",
                    line=1,
                )
            ]
        )
    if args.sentences:
        for doc in chosen:
            for index, sentence in enumerate(doc.sentences):  # one line a sentence, its columns tab-separated: a tab or control character in it is escaped
                print(f"{doc.id}\t{index}\t{sentence.start}-{sentence.end}\t{visible(doc.text[sentence.start : sentence.end])}")
        return 0
    stats = split_stats(chosen)
    if args.json:
        print(json.dumps(stats, indent=2, sort_keys=True))
        return 0
    for line in stats_lines(stats):
        print(line)
    return 0


def stats_lines(stats: dict[str, Any]) -> list[str]:
    """``khabar stats`` as text: one column per split (the held-out split first), then the total."""
    columns = [(split, figures) for split, figures in held_out_first(stats["splits"])] + [("total", stats["total"])]
    lines = [f"{'':36}" + "".join(f" {name:>8}" for name, _ in columns)]
    for section, counts in stats["total"].items():
        if isinstance(counts, dict):
            lines.append(f"{section}:")
            lines += [f"  {key:<34}" + "".join(f" {figures[section].get(key, 0):>8}" for _, figures in columns) for key in counts]
        else:
            lines.append(f"{section:<36}" + "".join(f" {figures[section]:>8}" for _, figures in columns))
    return lines


def cmd_render(args: argparse.Namespace) -> int:
    path, warnings = render_file(root=args.root, doc_id=args.doc_id, out=args.out, gx=not args.no_gx)
    print(f"review page: {path}")
    return report(warnings, quiet=True)


def cmd_diff(args: argparse.Namespace) -> int:
    old, new = load_revision(root=args.root, spec=args.old), load_revision(root=args.root, spec=args.new)
    changes = diff_annotations(old=old, new=new)
    for line in report_lines(changes):
        print(line)
    print(summary_line(changes, compared=len(set(old) | set(new))))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    # The folder read from is never replaced: the project, or with --from the build (which needs no project).
    source = args.from_dir or args.root
    named = "the built folder read from" if args.from_dir is not None else "the project"
    check_out(out=args.out, output=EXPORT, project=source, source=named)  # refused before the work, and again before the swap
    findings: list[Finding] = []
    if args.from_dir is not None:
        documents = read_built(built=args.from_dir)
    else:
        corpus, findings = validate(root=args.root, gx=not args.no_gx)
        if any(f.level == "error" for f in findings):
            return report(findings)
        documents = sorted(corpus.documents, key=lambda d: d.id)
    paths = export(format=args.format, documents=documents, out=args.out, project=source)
    print(f"exported {len(documents)} document(s) as {args.format} into {args.out} ({len(paths)} file(s))")
    return report(findings, quiet=True)


def cmd_import(args: argparse.Namespace) -> int:
    out = args.out or Paths(args.root).annotations
    try:
        paths = import_annotations(format=args.format, folder=args.folder, root=args.root, out=out, force=args.force)
    except FileExistsError as exc:
        print(f"khabar: {exc}", file=sys.stderr)
        return 1
    for path in paths:
        print(f"wrote {path}")
    return 0


def _only_document(root: Path) -> str:
    ids = document_ids(root)
    if len(ids) != 1:
        raise SystemExit(f"khabar: the corpus has {len(ids)} documents; name one with --doc")
    return ids[0]
