"""Add Wikinews articles to the corpus, byte for byte, with their metadata.

    python scripts/add_wikinews.py --split dev afghan crane korea flag
    python scripts/add_wikinews.py --split test homeopathic iodine nasa sensitive

Each NAME is a text of the shared sources (``../shared/sources/wikinews/NAME.txt``,
``--sources`` to point elsewhere), listed in their ``metadata.jsonl``. The document
becomes ``corpus/wikinews-NAME.txt`` through :func:`khabar.workflow.authoring.new_document`
(the path ``khabar new`` takes: it refuses an existing document and writes nothing then),
with the title, url and publication date of the listing, the licence (CC BY 2.5),
the attribution Wikinews asks for, the split, and the provenance (the same text's
name and split in the GUM corpus, so that the card can warn about it).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from khabar.core.findings import KhabarError  # noqa: E402
from khabar.workflow.authoring import new_document  # noqa: E402


def wikinews_meta(row: dict[str, str], *, split: str) -> dict[str, str]:
    """The front matter of a Wikinews text from its row of ``metadata.jsonl``."""
    return {
        "title": row["title"],
        "source": "Wikinews",
        "url": row["url"],
        "published": row["published"],
        "language": "en",
        "licence": row["licence"],
        "attribution": "Wikinews contributors",
        "split": split,
        "provenance": f"also in GUM as {row['gum_document']}, split {row['gum_split']}",
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="+", help="source file names without .txt (afghan, crane, ...)")
    parser.add_argument("--split", required=True, choices=("dev", "test"))
    parser.add_argument("--sources", type=Path, default=ROOT.parent / "shared" / "sources" / "wikinews")
    parser.add_argument("--root", type=Path, default=ROOT)
    args = parser.parse_args(argv)
    listing = args.sources / "metadata.jsonl"
    rows = {row["file"]: row for row in (json.loads(line) for line in listing.read_text(encoding="utf-8").splitlines() if line.strip())}
    missing = [name for name in args.names if f"{name}.txt" not in rows]
    if missing:
        print(f"{listing}:1: error[file-missing] no row for {', '.join(missing)}; expected one of {', '.join(sorted(rows))}", file=sys.stderr)
        return 1
    status = 0
    for name in args.names:
        try:
            made = new_document(
                root=args.root, doc_id=f"wikinews-{name}", text_file=args.sources / f"{name}.txt", meta=wikinews_meta(rows[f"{name}.txt"], split=args.split)
            )
        except KhabarError as exc:
            for f in exc.findings:
                print(f.render(), file=sys.stderr)
            status = 1
            continue
        if made.crlf_fixed or made.nfc_changed:  # the sources are NFC with LF: a change means they are not byte for byte
            print(f"{made.corpus_path}:1: error[text-nfc] the text of {name} had to be normalised; expected NFC with LF line endings", file=sys.stderr)
            status = 1
        print(f"wrote {made.corpus_path}")
    return status


if __name__ == "__main__":
    sys.exit(main())
