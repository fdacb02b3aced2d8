"""CLI commands of the contributor workflow: ``new`` and ``release``. Thin wrappers; only the CLI prints."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Callable

Add = Callable[[str, Callable[[argparse.Namespace], int], str], argparse.ArgumentParser]


def cmd_new(args: argparse.Namespace) -> int:
    from khabar.workflow.authoring import new_document

    meta = {key: getattr(args, key) for key in ("title", "source", "url", "published", "language", "licence", "attribution", "split", "provenance")}
    made = new_document(root=args.root, doc_id=args.doc_id, text_file=args.text, meta=meta, model=args.model if args.preannotate else None)
    print(f"wrote {made.corpus_path} and {made.annotation_path}")
    if made.crlf_fixed or made.nfc_changed:
        print(f"normalised the text: {made.crlf_fixed} CR/CRLF line ending(s) to LF; NFC {'changed' if made.nfc_changed else 'did not change'} it")
    if made.proposed:
        print(f"{made.proposed} proposed annotation(s) are listed under `unreviewed`; review each, then remove its id")
    return 0


def cmd_release(args: argparse.Namespace) -> int:
    from khabar.workflow.release import release

    made = release(root=args.root, part=args.bump, out=args.out or args.root / "dist" / "khabar")
    print(f"released {made.tag} ({made.old} -> {made.new}); push with `git push --follow-tags`")
    for line in made.summary:
        print(f"  - {line}")
    return 0


def cmd_format(args: argparse.Namespace) -> int:
    from khabar.workflow.authoring import format_annotations

    changed = format_annotations(root=args.root, write=not args.check)
    for path in changed:
        print(f"{path}: {'not in the canonical layout (run `khabar format`)' if args.check else 'reformatted'}")
    return 1 if changed and args.check else 0


def register(add: Add) -> None:
    from khabar.schema.labels import SPLITS, TEXT_LICENCES

    p = add("format", cmd_format, "rewrite annotation files in the canonical layout (one annotation a line)")
    p.add_argument("--check", action="store_true", help="only report files that differ; exit 1 if any")
    p = add("new", cmd_new, "add a document to corpus/ with an empty annotation file")
    p.add_argument("doc_id")
    p.add_argument("--text", type=Path, required=True, help="a UTF-8 text file")
    p.add_argument("--split", required=True, choices=SPLITS, help="the document's split: dev (where the guidelines are settled) or test (held out)")
    p.add_argument("--licence", required=True, choices=list(TEXT_LICENCES), help="the text's licence (khabar.schema.labels.TEXT_LICENCES)")
    p.add_argument("--attribution", default=None, help="the credit line the licence asks for, e.g. 'Wikinews contributors'")
    p.add_argument("--provenance", default=None, help="where else the text is published, e.g. 'also in GUM as GUM_news_afghan, split train'")
    for key in ("title", "source", "url", "published"):
        p.add_argument(f"--{key}", default=None, help="null when the text does not state it: never guess")
    p.add_argument("--language", default="en")
    p.add_argument("--preannotate", action="store_true", help="propose name mentions with a spaCy pipeline, marked unreviewed")
    p.add_argument("--model", default="en_core_web_sm", help="the spaCy pipeline for --preannotate (name or path)")
    p = add("release", cmd_release, "bump the version, open the CHANGELOG section, rebuild and tag")
    p.add_argument("--bump", choices=("patch", "minor", "major"), required=True)
    p.add_argument("--out", type=Path, help="build folder (default: dist/khabar)")
