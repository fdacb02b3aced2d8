"""CLI commands of the contributor workflow: ``new`` and ``release``. Thin wrappers; only the CLI prints."""

from __future__ import annotations

import argparse

from khabar.workflow.authoring import format_annotations, new_document
from khabar.workflow.release import release


def cmd_new(args: argparse.Namespace) -> int:
    meta = {key: getattr(args, key) for key in ("title", "source", "url", "published", "language", "licence", "attribution", "split", "provenance")}
    made = new_document(root=args.root, doc_id=args.doc_id, text_file=args.text, meta=meta, model=args.model if args.preannotate else None)
    print(f"wrote {made.corpus_path} and {made.annotation_path}")
    if made.crlf_fixed or made.nfc_changed:
        print(f"normalised the text: {made.crlf_fixed} CR/CRLF line ending(s) to LF; NFC {'changed' if made.nfc_changed else 'did not change'} it")
    if made.proposed:
        print(f"{made.proposed} proposed annotation(s) are listed under `unreviewed`; review each, then remove its id")
    return 0


def cmd_release(args: argparse.Namespace) -> int:
    made = release(root=args.root, part=args.bump, out=args.out or args.root / "dist" / "khabar")
    print(f"released {made.tag} ({made.old} -> {made.new}); push with `git push --follow-tags`")
    for line in made.summary:
        print(f"  - {line}")
    return 0


def cmd_format(args: argparse.Namespace) -> int:
    changed = format_annotations(root=args.root, write=not args.check)
    for path in changed:
        print(f"{path}: {'not in the canonical layout (run `khabar format`)' if args.check else 'reformatted'}")
    return 1 if changed and args.check else 0
