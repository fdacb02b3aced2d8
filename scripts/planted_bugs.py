"""Plant, one at a time, each bug issue 19 found the suite missing, and show the test that now fails.

    python scripts/planted_bugs.py            # a Markdown table; exit 1 if a bug passes its tests

Each bug is an edit of one line of the sources (a text replaced by another, which must occur once). The
repository is copied to a temporary folder first (its tracked files, as git lists them): the planted bugs never
touch this checkout. Each bug runs the tests named beside it, with the copy's sources first on the path. A bug
whose text is no longer in its file (the code moved on) is reported, and fails the run as a passing bug does:
update its row.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
PUBLISHED = "tests/test_views_published.py::test_views_ner_rows_of_generated_documents_equal_the_annotations"


class Bug(NamedTuple):
    title: str
    path: str
    old: str
    new: str
    tests: tuple[str, ...]


BUGS = (
    Bug("`ner`: a multi-token name's last token tagged O", "src/khabar/views/ner.py", "tokens[i].end <= span.end", "tokens[i].end < span.end", (PUBLISHED,)),
    Bug("`ner`: I- where B- belongs", "src/khabar/views/ner.py", 'tags[i] = f"B-{span.label}"', 'tags[i] = f"I-{span.label}"', (PUBLISHED,)),
    Bug(
        "`ner`: a sentence's last token in the next row",
        "src/khabar/views/ner.py",
        "tokens[t].end <= sentence.end",
        "tokens[t].end < sentence.end",
        (PUBLISHED,),
    ),
    Bug(
        "a mention head past the mention's end passes validation",
        "src/khabar/checks/spans.py",
        "if not (m.start <= m.head_start and m.head_end <= m.end):",
        "if not (m.start <= m.head_start):",
        ("tests/test_checks_fixtures.py",),
    ),
    Bug(
        "a dangling attribution `parent` passes validation",
        "src/khabar/checks/references.py",
        'yield from missing(a.parent, attributions, "parent", a.id, "attribution")',
        "pass",
        ("tests/test_checks_fixtures.py",),
    ),
    Bug(
        '"it" for a group entity passes pronoun agreement',
        "src/khabar/checks/names.py",
        'return entity.type != "PERSON" and not group',
        'return entity.type != "PERSON"',
        ("tests/test_checks_names.py",),
    ),
    Bug(
        "an unaligned predicted entity whose id is a gold id scores as correct",
        "src/khabar/scoring/relations.py",
        "if head in mapping else Unaligned(doc_id, head)",
        "if head in mapping else head",
        ("tests/test_scoring_relations.py",),
    ),
    Bug(
        "`PRF.as_dict` with precision and recall swapped",
        "src/khabar/scoring/prf.py",
        '"precision": self.precision,\n            "recall": self.recall,',
        '"precision": self.recall,\n            "recall": self.precision,',
        ("tests/test_scoring_prf.py",),
    ),
    Bug(
        "`source_commit` without its `-dirty` mark",
        "src/khabar/dataset/build.py",
        'return f"{commit}-dirty" if dirty else commit',
        "return commit",
        ("tests/test_build_reproducible.py::test_build_source_commit_marks_uncommitted_inputs_dirty",),
    ),
    Bug(
        "CoNLL-2012: the closing brackets of nested clusters outermost first",
        "src/khabar/export/conll2012.py",
        "sorted(closes[t], key=lambda x: (-x[0], x[1]))",
        "sorted(closes[t], key=lambda x: (x[0], x[1]))",
        ("tests/test_export_conll2012.py",),
    ),
    Bug(
        "Croissant: keywords in string-hash order, which differs between processes",
        "src/khabar/dataset/croissant.py",
        '"keywords": sorted({',
        '"keywords": list({',
        ("tests/test_croissant.py::test_croissant_metadata_is_the_same_in_processes_with_different_hash_seeds",),
    ),
)


def copy_repository(dest: Path) -> None:
    """The files git tracks (and those not ignored), copied to ``dest``."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT, capture_output=True, check=True).stdout.decode(
        "utf-8"
    )
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)


def caught_by(bug: Bug, copy: Path) -> list[str] | None:
    """The tests that fail with ``bug`` planted in ``copy`` (put back after); None when it cannot be planted."""
    path = copy / bug.path
    text = path.read_text(encoding="utf-8")
    if text.count(bug.old) != 1:
        return None
    path.write_text(text.replace(bug.old, bug.new), encoding="utf-8")
    try:
        env = {**os.environ, "PYTHONPATH": str(copy / "src")}
        run = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--no-header", "-rf", *bug.tests],
            cwd=copy,
            env=env,
            capture_output=True,
            text=True,
        )
    finally:
        path.write_text(text, encoding="utf-8")
    return [line.removeprefix("FAILED ").split(" - ")[0] for line in run.stdout.splitlines() if line.startswith("FAILED ")]


def main() -> int:
    missed = 0
    print("| bug | file | failing tests |\n| --- | --- | --- |")
    with tempfile.TemporaryDirectory(prefix="khabar-planted-") as folder:
        copy = Path(folder)
        copy_repository(copy)
        for bug in BUGS:
            failed = caught_by(bug, copy)
            if not failed:
                missed += 1
            shown = "its text is no longer in the file: update the row" if failed is None else ", ".join(f"`{t}`" for t in failed) or "**none: missed**"
            print(f"| {bug.title} | `{bug.path}` | {shown} |", flush=True)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
