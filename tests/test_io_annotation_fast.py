"""Reading canonical annotation files straight into the model gives what the general path gives, or steps aside."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from khabar.io import load_project, render_annotations
from khabar.io.annotation_fast import read_canonical
from khabar.io.annotation_read import read_annotation_text
from khabar.synthetic import synthetic_document

ROOT = Path(__file__).resolve().parent.parent
ANNOTATION_FILES = sorted(p for p in ROOT.rglob("*.yaml") if ".git" not in p.parts and "dist" not in p.parts
                          and p.name != "exceptions.yaml" and p.read_text(encoding="utf-8", errors="replace").startswith("document:"))


def agrees(text: str) -> bool:
    """Compare both paths on ``text``; True when the canonical reader took it.

    When it does, the general path must read the same layers and report nothing."""
    fast = read_canonical(text)
    if fast is None:
        return False
    general, found = read_annotation_text(text, shown="x.yaml", stem="x")
    assert found == [], text
    assert fast == general
    return True


def canonical_texts() -> list[str]:
    docs = load_project(root=ROOT).documents + [synthetic_document(f"s{i}", random.Random(i)) for i in range(8)]
    return [render_annotations(doc, unreviewed=[m.id for m in doc.mentions[:2]] if i % 3 == 1 else ()) for i, doc in enumerate(docs)]


@pytest.mark.parametrize("path", ANNOTATION_FILES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_io_annotation_fast_every_annotation_file_of_the_repository_reads_the_same(path: Path) -> None:
    agrees(path.read_text(encoding="utf-8", errors="replace"))


def test_io_annotation_fast_takes_every_file_the_writer_writes() -> None:
    texts = canonical_texts()
    assert any(text.split("\n")[1].startswith("unreviewed: ") for text in texts)
    for text in texts:
        assert agrees(text), text[:200]


@pytest.mark.parametrize("change", [
    ("type: PERSON", "type: PERSONA"),  # a label the model refuses: the general path reports label-unknown
    ("start: 0, end: 4", "start: 4, end: 0"),  # span-range
    ("kind: NAM", "kind: yes"),  # a YAML boolean
    ("  type: indirect\n", "  type: indirect\n  note: x\n"),  # a key the writer does not write
    ("  source_entity:", "  source_entity: x\n  source_entity:"),  # a repeated key
    ("\nmentions:\n", "\nmentions:\n# a comment\n"),
    ("relations:", "relations: null\nrelations:"),  # a repeated section
    ("document: ", "document: null\ndocument: "),
    ("text: said}", 'text: "\\u0073aid"}'),  # an escape YAML and JSON may read differently
    ("\n", "\r\n"),
    ("text: said}", 'text: "sa\x7fd"}'),  # a character YAML refuses (JSON takes it)
])
def test_io_annotation_fast_steps_aside_where_the_general_path_decides(change: tuple[str, str]) -> None:
    text = (ROOT / "annotations" / "ddaaba1fccaf7cd5.yaml").read_text(encoding="utf-8")
    old, new = change
    if old == "start: 0, end: 4":  # the first mention's own offsets, swapped
        start, end = re.search(r"\{id: m[^}]*?start: (\d+), end: (\d+)", text).groups()  # type: ignore[union-attr]
        old, new = f"start: {start}, end: {end}", f"start: {end}, end: {start}"
    assert old in text
    assert read_canonical(text) is not None
    assert read_canonical(text.replace(old, new, 1)) is None


def test_io_annotation_fast_section_order_and_empty_sections() -> None:
    doc = synthetic_document("s", random.Random(3))
    text = render_annotations(doc)
    assert agrees(text.replace("\nvalues:\n", "\nvalues: []\nvalues_:\n", 1)) is False  # a key that is no layer
    lines = text.split("\n")
    start, end = lines.index("values:"), lines.index("relations:")
    moved = "\n".join(lines[:start] + lines[end:-1] + lines[start:end]) + "\n"  # values after the attributions
    assert read_canonical(moved) is None
    assert agrees("document: x\nentities: []\nmentions: []\nvalues: []\nrelations: []\nattributions: []\n")
    assert read_canonical("document: x\nentities: []\n") is None  # the writer writes every section
    assert read_canonical(text[:-1]) is None  # no newline at the end


def test_io_annotation_fast_random_edits_step_aside_or_agree() -> None:
    texts = canonical_texts()[:4]
    rng = random.Random(20261130)
    pieces = list(" :,-{}[]\"'#&*!|>%@`?\\/.0123456789abnuyYNtTx_~=<") + ["null", "yes", "No", "012", "\\u00e9", "\\n", ": ", ", ",
                                                                         "}, {", "1.5", "\t", "\n", "\n  ", "\n- "]
    taken = 0
    for _ in range(1500):
        text = rng.choice(texts)
        for _ in range(rng.choice((1, 1, 1, 2))):
            j = rng.randrange(len(text) + 1)
            text = text[:j] + rng.choice(pieces) + text[j + rng.choice((0, 0, 1, 2)) :]
        taken += agrees(text)
    assert taken > 100  # the canonical reader was exercised, not only bypassed
