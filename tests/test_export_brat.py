"""brat export and import: lossless both ways, and every malformed line a located finding."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import fields, replace
from pathlib import Path

import pytest
from conftest import FIXTURES, tree_bytes

from khabar.core.catalogue import CATALOGUE
from khabar.export import EXPORTERS, IMPORTERS
from khabar.export.brat import brat_to_docs, docs_to_brat
from khabar.export.brat_format import RELATION_LABELS, brat_label, parse_note, render_note
from khabar.io import load_project
from khabar.schema.model import Document, Entity, Mention
from khabar.schema.relations import RELATIONS

BRAT_FIXTURES = FIXTURES / "brat"


@pytest.fixture(scope="module", params=["repository", "fixture"])
def documents(request: pytest.FixtureRequest, project_root: Path) -> list[Document]:
    root = project_root if request.param == "repository" else FIXTURES / "valid"
    return sorted(load_project(root=root).documents, key=lambda d: d.id)


@pytest.fixture
def talks(tmp_path: Path) -> tuple[Document, Path]:
    """The small valid document exported to brat in a writable folder."""
    [doc] = load_project(root=FIXTURES / "valid").documents
    docs_to_brat(documents=[doc], out=tmp_path)
    return doc, tmp_path / f"{doc.id}.ann"


def test_export_brat_is_in_both_tables() -> None:
    assert EXPORTERS["brat"] is docs_to_brat and IMPORTERS["brat"] is brat_to_docs


def test_export_brat_round_trip_equals_the_gold_documents(documents: list[Document], tmp_path: Path) -> None:
    docs_to_brat(documents=documents, out=tmp_path)
    back, found = brat_to_docs(folder=tmp_path)
    assert found == []
    assert [d.id for d in back] == [d.id for d in documents]
    for got, expected in zip(back, documents, strict=True):
        for name in (f.name for f in fields(Document)):
            assert getattr(got, name) == getattr(expected, name), name
    assert back == documents


def test_export_brat_to_khabar_to_brat_is_byte_identical(documents: list[Document], tmp_path: Path) -> None:
    docs_to_brat(documents=documents, out=tmp_path / "first")
    back, found = brat_to_docs(folder=tmp_path / "first")
    assert found == []
    docs_to_brat(documents=back, out=tmp_path / "second")
    assert tree_bytes(tmp_path / "second") == tree_bytes(tmp_path / "first")


def test_export_brat_keeps_identical_spans_of_different_entities(tmp_path: Path) -> None:
    [doc] = load_project(root=FIXTURES / "valid").documents
    m = doc.mentions[0]
    twin_entity = Entity(id="twin-entity", type=next(e.type for e in doc.entities if e.id == m.entity), name="a twin")
    twin = Mention(id="twin", entity=twin_entity.id, kind=m.kind, start=m.start, end=m.end, text=m.text, head_start=m.head_start, head_end=m.head_end)
    doubled = replace(doc, entities=doc.entities + (twin_entity,), mentions=doc.mentions + (twin,))
    docs_to_brat(documents=[doubled], out=tmp_path)
    assert brat_to_docs(folder=tmp_path) == ([doubled], [])


def test_export_brat_relation_labels_map_reversibly(tmp_path: Path) -> None:
    assert {RELATION_LABELS[brat_label(label=name)] for name in RELATIONS} == set(RELATIONS)
    assert not any(":" in name for name in RELATION_LABELS)
    docs_to_brat(documents=[], out=tmp_path)
    conf = (tmp_path / "annotation.conf").read_text(encoding="utf-8")
    for name, label in RELATIONS.items():
        assert f"{brat_label(label=name)}\tArg1:{'|'.join(label.head_types)}, Arg2:{'|'.join(label.tail_types)}" in conf


@pytest.mark.parametrize("value", ["plain", "two words", 'a "quoted" word', "back\\slash", "", "tab\there", "ünïcode, commas=and equals"])
def test_export_brat_note_values_round_trip(value: str) -> None:
    pairs = [("id", "m1"), ("name", value), ("member", value)]
    note = render_note(pairs=pairs)
    assert "\t" not in note and "\n" not in note
    assert parse_note(text=note) == pairs


def _expected(folder: Path) -> list[str]:
    return (folder / "expected.findings").read_text(encoding="utf-8").splitlines()


@pytest.mark.parametrize("check", sorted(p.name for p in BRAT_FIXTURES.iterdir()))
def test_export_brat_fixture_gives_its_located_finding(check: str) -> None:
    folder = BRAT_FIXTURES / check
    docs, found = brat_to_docs(folder=folder)
    assert CATALOGUE[check].group == "import"
    assert docs == []
    assert [f"{Path(f.path).relative_to(folder)}:{f.line}: {f.level}[{f.check}]" for f in found] == _expected(folder)  # type: ignore[arg-type]


def test_export_brat_every_import_check_has_a_fixture() -> None:
    assert {c.id for c in CATALOGUE.values() if c.group == "import" and c.id.startswith("brat-")} == {p.name for p in BRAT_FIXTURES.iterdir()}


Edit = Callable[[list[str]], tuple[list[str], int]]


def _swap(pattern: str, old: str, new: str) -> Edit:
    """Edit the first line matching ``pattern``; the expected line is that line."""

    def edit(lines: list[str]) -> tuple[list[str], int]:
        i = next(i for i, line in enumerate(lines) if re.search(pattern, line))
        lines[i] = lines[i].replace(old, new, 1)
        return lines, i + 1

    return edit


def _drop(pattern: str, expect: str) -> Edit:
    """Remove the first line matching ``pattern``; the expected line is the first matching ``expect`` after that."""

    def edit(lines: list[str]) -> tuple[list[str], int]:
        lines = lines[:]
        del lines[next(i for i, line in enumerate(lines) if re.search(pattern, line))]
        return lines, next(i for i, line in enumerate(lines) if re.search(expect, line)) + 1

    return edit


MALFORMED: dict[str, tuple[Edit, str]] = {
    "no tab after the id": (_swap(r"^T1\t", "T1\t", "T1 "), "brat-syntax"),
    "offsets not numbers": (_swap(r"^T2\t", " 18 29", " 18 x29"), "brat-syntax"),
    "unknown id prefix": (_swap(r"^R1\t", "R1", "X1"), "brat-syntax"),
    "normalization line": (_swap(r"^R1\t", "R1\tloc_located_in Arg1:T3 Arg2:T4", "N1\tReference T3 Wikidata:Q3616"), "brat-syntax"),
    "unknown event role": (_swap(r"^E1\t", "Speaker:", "Listener:"), "brat-syntax"),
    "duplicate id": (_swap(r"^T2\t", "T2\t", "T1\t"), "brat-syntax"),
    "note not key=value": (_swap(r"AnnotatorNotes T6\t", "id=m6", "just words"), "brat-syntax"),
    "unknown note key": (_swap(r"AnnotatorNotes T6\t", "id=m6", "id=m6 colour=red"), "brat-syntax"),
    "bad head": (_swap(r"AnnotatorNotes T5\t", "head=77-84", "head=77"), "brat-syntax"),
    "bad evidence": (_swap(r"AnnotatorNotes R1\t", "evidence=0", "evidence=zero"), "brat-syntax"),
    "offsets beyond the text": (_swap(r"^T9\t", "134 138", "134 999"), "span-range"),
    "stated text differs": (_swap(r"^T3\t", "\tTehran", "\tTeheran"), "span-text"),
    "unknown text-bound type": (_swap(r"^T3\t", "GPE", "CITY"), "label-unknown"),
    "unknown relation type": (_swap(r"^R1\t", "loc_located_in", "loc:located_in"), "label-unknown"),
    "unknown kind": (_swap(r"^A1\t", "NAM", "NAME"), "label-unknown"),
    "note on a missing id": (_swap(r"AnnotatorNotes T6\t", "T6", "T66"), "brat-reference"),
    "kind on a value": (_swap(r"^A1\t", "T1", "T10"), "brat-reference"),
    "relation to a value": (_swap(r"^R1\t", "Arg2:T4", "Arg2:T10"), "brat-reference"),
    "event without its type": (_drop(r"^A\d+\tAttributionType E1 ", r"^E1\t"), "brat-reference"),
    "mention without a kind": (_drop(r"^A\d+\tKind T8 ", r"^T8\t"), "brat-reference"),
    "mention without a note": (_drop(r"AnnotatorNotes T8\t", r"^T8\t"), "brat-reference"),
    "chain with two entity notes": (_swap(r"AnnotatorNotes T6\t", "id=m6", "id=m6 entity=e9 name=Khan"), "brat-reference"),
    "chain mixing types": (_swap(r"^T6\t", "PERSON", "ORG"), "brat-reference"),
    "coreference with a value": (_swap(r"^\*\tCoref T4 T9$", "T9", "T10"), "brat-reference"),
    "two chains of one entity id": (_swap(r"AnnotatorNotes T4\t", "entity=e4", "entity=e3"), "id-duplicate"),
}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_export_brat_malformed_line_gives_a_located_finding(talks: tuple[Document, Path], case: str) -> None:
    doc, ann = talks
    edit, check = MALFORMED[case]
    lines, line = edit(ann.read_text(encoding="utf-8").splitlines())
    ann.write_text("\n".join(lines) + "\n", encoding="utf-8")
    docs, found = brat_to_docs(folder=ann.parent)
    assert docs == []  # never half a document
    assert all(f.path == ann.as_posix() and f.document == doc.id for f in found)
    assert (check, line) in [(f.check, f.line) for f in found], [f.render() for f in found]
    assert f"{ann.as_posix()}:{line}: error[{check}]" in [f.render().split(" [")[0] for f in found]


def test_export_brat_collects_every_problem_of_a_file(talks: tuple[Document, Path]) -> None:
    _, ann = talks
    lines = ann.read_text(encoding="utf-8").splitlines()
    broken = [i for i, line in enumerate(lines) if re.match(r"T[12]\t", line)]
    for i in broken:
        lines[i] = lines[i].replace("\t", " ", 1)
    ann.write_text("\n".join(lines) + "\n", encoding="utf-8")
    docs, found = brat_to_docs(folder=ann.parent)
    assert docs == []
    assert [(f.check, f.line) for f in found] == [("brat-syntax", i + 1) for i in broken]


@pytest.mark.parametrize("damage", ["binary annotation file", "missing text file", "bad metadata json"])
def test_export_brat_bad_files_are_findings_not_tracebacks(talks: tuple[Document, Path], damage: str) -> None:
    doc, ann = talks
    if damage == "binary annotation file":
        ann.write_bytes(b"T1\tPERSON 0 13\t\xff\xfe\n")
        expected = ("file-encoding", ann.as_posix())
    elif damage == "missing text file":
        ann.with_suffix(".txt").unlink()
        expected = ("brat-reference", ann.as_posix())
    else:
        meta = ann.with_name(f"{doc.id}.meta.json")
        meta.write_text('{\n  "title": nope\n}\n', encoding="utf-8")
        expected = ("brat-syntax", meta.as_posix())
    docs, found = brat_to_docs(folder=ann.parent)
    assert docs == []
    assert [(f.check, f.path) for f in found] == [expected]


def test_export_brat_imports_a_folder_without_metadata_files(talks: tuple[Document, Path]) -> None:
    doc, ann = talks
    ann.with_name(f"{doc.id}.meta.json").unlink()
    [back], found = brat_to_docs(folder=ann.parent)
    assert found == []
    assert replace(back, title=doc.title, source=doc.source, licence=doc.licence, split=doc.split) == doc
    assert (back.title, back.language, back.split, back.licence) == (None, "en", None, None)


def test_export_brat_docs_list_every_relation_label(project_root: Path) -> None:
    doc = (project_root / "docs" / "formats.md").read_text(encoding="utf-8")
    rows = set(re.findall(r"^\| `([a-z]+:[a-z_]+)` \| `([a-z_]+)` \|$", doc, flags=re.M))
    assert rows == {(name, brat_label(label=name)) for name in RELATIONS}
