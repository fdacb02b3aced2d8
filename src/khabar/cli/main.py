"""The ``khabar`` command line: thin functions over the library. Only this module prints."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Sequence, TypeVar

from khabar import __version__
from khabar.core.findings import Finding, KhabarError, finding, visible
from khabar.schema.labels import SPLITS

if TYPE_CHECKING:
    from khabar.io.progress import Progress

T = TypeVar("T")


def _report(findings: Sequence[Finding], *, quiet: bool = False) -> int:
    """Print findings and a one-line summary; the exit code is 1 when any is an error."""
    errors = sum(f.level == "error" for f in findings)
    warnings = len(findings) - errors
    for f in findings:
        print(f.render(), file=sys.stderr)
    if errors or warnings or not quiet:
        verdict = "FAILED" if errors else "ok"
        print(f"khabar: {verdict}: {errors} error(s), {warnings} warning(s)", file=sys.stderr if errors else sys.stdout)
    return 1 if errors else 0


def progress_bar(args: argparse.Namespace) -> Progress:
    """A tqdm bar (on stderr) on a terminal; nothing when output is redirected or with --quiet."""
    from khabar.io.progress import no_progress

    if getattr(args, "quiet", False) or not (sys.stdout.isatty() and sys.stderr.isatty()):
        return no_progress
    from tqdm import tqdm

    def bar(items: Iterable[T], *, total: int | None = None, desc: str = "", unit: str = "doc") -> Iterable[T]:
        return tqdm(items, total=total, desc=desc, unit=unit, leave=False, file=sys.stderr, dynamic_ncols=True)

    return bar


def cmd_validate(args: argparse.Namespace) -> int:
    from khabar.io.outputs import REPORT, check_out
    from khabar.pipeline import stream

    if args.report:  # refused before the work (and again before the report is swapped in)
        check_out(out=args.report, output=REPORT, project=args.root)
    # The documents stay in the workers unless the report needs them.
    result = stream(root=args.root, gx=not args.no_gx, release=args.release, documents=bool(args.report), progress=progress_bar(args))
    findings = result.findings
    if args.report:
        from khabar.workflow.report import write_report

        path = write_report(corpus=result.corpus, findings=findings, out=args.report, project=args.root)
        print(f"report: {path}")
    if not findings and not args.quiet:
        print(f"{len(result.ids)} document(s) checked")
    return _report(findings, quiet=args.quiet)


def cmd_build(args: argparse.Namespace) -> int:
    from khabar.dataset.build import build, load_back
    from khabar.io.outputs import BUILD, TIMINGS, refusals
    from khabar.io.progress import Timings, write_timings

    out = args.out or args.root / "dist" / "khabar"
    if args.timings:  # checked before the build, so a bad path costs nothing and loses nothing
        refused = refusals(out=args.timings, output=TIMINGS, project=args.root) + refusals(out=out, output=BUILD, project=args.root)
        if refused:  # both paths' problems at once (the build checks --out again)
            return _report(refused)
        try:
            args.timings.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            print(f"khabar: cannot write --timings {args.timings}: {exc.strerror or exc}; give a file in a writable folder", file=sys.stderr)
            return 2
    timings = Timings()
    try:
        manifest = build(root=args.root, out=out, baselines=not args.no_baselines, progress=progress_bar(args), timings=timings)
    finally:
        if args.timings and timings:  # a build refused before any stage ran writes nothing
            write_timings(timings=timings, out=args.timings)
    if not args.quiet:
        print(f"built {out} (version {manifest['version']})")
    if not args.no_load:
        for config, splits in load_back(out=out).items():
            for split, rows in splits.items():
                if not args.quiet:
                    print(f"  load_dataset({str(out)!r}, {config!r}, split={split!r}): {rows} rows")
    return 0


def cmd_locate(args: argparse.Namespace) -> int:
    from khabar.io.project import Paths, load_document
    from khabar.workflow.locate import NotFound, locate

    paths = Paths(args.root)
    doc_id = args.doc or _only_document(args.root)
    doc, _, findings = load_document(paths, doc_id)
    if doc is None:
        return _report(findings)
    try:
        hit = locate(doc, args.text, nth=args.nth, after=args.after)
    except NotFound as exc:
        print(f"khabar: {exc}", file=sys.stderr)
        return 1
    print(json.dumps({"start": hit.start, "end": hit.end, "text": hit.text, "occurrences": hit.occurrences}, ensure_ascii=False))
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    from khabar.pipeline import validate
    from khabar.views.stats import split_stats

    corpus, findings = validate(root=args.root, gx=False)
    if any(f.level == "error" for f in findings):
        return _report(findings)
    documents = [d for d in corpus.documents if args.split in (None, d.split)]
    if args.sentences:
        chosen = [doc for doc in documents if args.doc in (None, doc.id)]
        if args.doc is not None and not chosen:
            where = f" of the {args.split} split" if args.split else ""
            return _report([finding("file-missing", f"expected a document {visible(args.doc)}{where}; found none (the documents: "
                                    f"{', '.join(d.id for d in documents[:10])}{', ...' if len(documents) > 10 else ''})", path="--doc", line=1)])
        for doc in chosen:
            for index, sentence in enumerate(doc.sentences):  # one line a sentence, its columns tab-separated: a tab or control character in it is escaped
                print(f"{doc.id}\t{index}\t{sentence.start}-{sentence.end}\t{visible(doc.text[sentence.start:sentence.end])}")
        return 0
    stats = split_stats(documents)
    if args.json:
        print(json.dumps(stats, indent=2, sort_keys=True))
        return 0
    for line in stats_lines(stats):
        print(line)
    return 0


def stats_lines(stats: dict[str, Any]) -> list[str]:
    """``khabar stats`` as text: one column per split (the held-out split first), then the total."""
    from khabar.schema.splits import held_out_first

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
    from khabar.workflow.render import render_file

    path, warnings = render_file(root=args.root, doc_id=args.doc_id, out=args.out, gx=not args.no_gx)
    print(f"review page: {path}")
    return _report(warnings, quiet=True)


def cmd_diff(args: argparse.Namespace) -> int:
    from khabar.workflow.diff import diff_annotations, load_revision, report_lines, summary_line

    old, new = load_revision(root=args.root, spec=args.old), load_revision(root=args.root, spec=args.new)
    changes = diff_annotations(old=old, new=new)
    for line in report_lines(changes):
        print(line)
    print(summary_line(changes, compared=len(set(old) | set(new))))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from khabar.pipeline import validate
    from khabar.export import export
    from khabar.io.outputs import EXPORT, check_out

    check_out(out=args.out, output=EXPORT, project=args.root)  # refused before the work, and again before the swap
    corpus, findings = validate(root=args.root, gx=not args.no_gx)
    if any(f.level == "error" for f in findings):
        return _report(findings)
    documents = sorted(corpus.documents, key=lambda d: d.id)
    paths = export(format=args.format, documents=documents, out=args.out, project=args.root)
    print(f"exported {len(documents)} document(s) as {args.format} into {args.out} ({len(paths)} file(s))")
    return _report(findings, quiet=True)


def cmd_import(args: argparse.Namespace) -> int:
    from khabar.export import import_annotations
    from khabar.io.project import Paths

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
    from khabar.io.project import document_ids

    ids = document_ids(root)
    if len(ids) != 1:
        raise SystemExit(f"khabar: the corpus has {len(ids)} documents; name one with --doc")
    return ids[0]


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="khabar", description=__doc__)
    top.add_argument("--version", action="version", version=f"khabar {__version__}")
    top.add_argument("--root", type=Path, default=Path("."), help="the project folder (default: the current one)")
    sub = top.add_subparsers(dest="command", required=True)

    def add(name: str, func: Callable[[argparse.Namespace], int], help: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help, description=help)
        p.set_defaults(func=func)
        return p

    p = add("validate", cmd_validate, "check every corpus and annotation file")
    p.add_argument("--report", type=Path, help="also write a self-contained HTML report into this folder (new, empty or an earlier report)")
    p.add_argument("--quiet", action="store_true", help="print only problems")
    p.add_argument("--release", action="store_true", help="apply the release rules (unreviewed annotations are errors)")
    p.add_argument("--no-gx", action="store_true", help="skip the Great Expectations table suites (faster; for the pre-commit hook)")
    p = add("build", cmd_build, "validate, then build the Hugging Face dataset folder")
    p.add_argument("--out", type=Path, help="output folder: new, empty or an earlier build (default: dist/khabar)")
    p.add_argument("--no-load", action="store_true", help="skip loading every config back at the end")
    p.add_argument("--no-baselines", action="store_true", help="leave the card's baseline scores out (the slowest step on large corpora)")
    p.add_argument("--timings", type=Path, help="write the seconds of each stage (read, checks, great_expectations, write_parquet, ...) to this JSON file")
    p.add_argument("--quiet", action="store_true", help="print only problems (no progress bar, no summary)")
    p = add("locate", cmd_locate, "print start/end of a string in a document, on token boundaries")
    p.add_argument("text")
    p.add_argument("--doc", help="document id (optional when the corpus has one document)")
    p.add_argument("--nth", type=int, default=1, help="which occurrence, counting from 1")
    p.add_argument("--after", type=int, default=0, help="search from this character offset")
    from khabar.cli import scores as cli_scores, workflow as cli_workflow

    cli_scores.register(add)
    cli_workflow.register(add)
    from khabar.cli import benchmark as cli_benchmark, release as cli_release

    cli_benchmark.register(add)
    cli_release.register(add)
    p = add("stats", cmd_stats, "counts per layer and type, per split and in total")
    p.add_argument("--json", action="store_true", help='{"total": figures, "splits": {split: figures}}')
    p.add_argument("--split", choices=SPLITS, help="only the documents of this split")
    p.add_argument("--sentences", action="store_true", help="list every sentence (document, index, offsets, text): the indices relation evidence uses")
    p.add_argument("--doc", help="with --sentences: only this document")
    p = add("render", cmd_render, "validate, then write one document's self-contained HTML review page")
    p.add_argument("doc_id", metavar="DOC_ID")
    p.add_argument("--out", type=Path, required=True, help="the HTML file to write: new, empty or an earlier review page")
    p.add_argument("--no-gx", action="store_true", help="skip the Great Expectations table suites (faster)")
    p = add("diff", cmd_diff, "what changed between two versions of the annotations (folders or git revisions)")
    p.add_argument("old", metavar="A", help="project folder, annotation folder or git revision (e.g. HEAD~1)")
    p.add_argument("new", metavar="B", help="the same, for the newer side")
    from khabar.export import EXPORTERS, IMPORTERS  # light: the writers import spaCy when called

    p = add("export", cmd_export, "validate, then write the corpus in another format (docs/formats.md)")
    p.add_argument("--format", choices=list(EXPORTERS), required=True)
    p.add_argument("--out", type=Path, required=True, help="the folder to write: new, empty or an earlier export (replaced whole once the export is complete)")
    p.add_argument("--no-gx", action="store_true", help="skip the Great Expectations table suites (faster)")
    p = add("import", cmd_import, "read annotations in another format into annotation files (docs/formats.md)")
    p.add_argument("format", choices=list(IMPORTERS))
    p.add_argument("folder", type=Path, metavar="DIR")
    p.add_argument("--out", type=Path, help="the annotation folder to write (default: the project's annotations/)")
    p.add_argument("--force", action="store_true", help="overwrite existing annotation files")
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except KhabarError as exc:
        return _report(exc.findings)
    except BrokenPipeError:  # `khabar ... | head`: the reader left; not an error of ours
        sys.stderr.close()
        return 0
    except OSError as exc:  # a path the command was given that cannot be read or written: --out, --report...
        where = str(exc.filename) if exc.filename is not None else None
        return _report([finding("io-error", f"expected a path this command can use; found the operating system refusing it: {exc.strerror or exc} "
                                "(check the path, that its parent folder exists and that it may be written)", path=where)])


if __name__ == "__main__":
    raise SystemExit(main())
