"""``load_document`` and ``Paths.show`` called directly: the findings of a document missing a file or naming another
document, whole, and what a document read keeps of where it came from (mutmut survivors of issue 19's readers run).
The expected lines are read off the fixture files by hand."""

from __future__ import annotations

from pathlib import Path

from conftest import FIXTURES, copy_project

from khabar.core.findings import Finding
from khabar.io.project import Paths, load_document

VALID = FIXTURES / "valid"


def _whole(found: list[Finding]) -> list[tuple[object, ...]]:
    return [(f.check, f.level, f.message, f.path, f.line, f.document) for f in found]


def test_io_project_show_is_relative_to_the_root_as_written_or_resolved(tmp_path: Path) -> None:
    root = tmp_path / "project"
    (root / "corpus").mkdir(parents=True)
    (tmp_path / "link").symlink_to(root, target_is_directory=True)
    assert Paths(root).show(root / "corpus" / "talks.txt") == "corpus/talks.txt"
    assert Paths(tmp_path / "link").show(root / "corpus" / "talks.txt") == "corpus/talks.txt"  # the root through a link
    assert Paths(root).show(tmp_path / "link" / "corpus" / "talks.txt") == "corpus/talks.txt"
    assert Paths(root).show(tmp_path / "elsewhere" / "talks.txt") == str(tmp_path / "elsewhere" / "talks.txt")


def test_io_project_load_document_without_either_file_is_one_finding(tmp_path: Path) -> None:
    root = copy_project(VALID, tmp_path / "project")
    message = "expected a document 'other': corpus/other.txt and annotations/other.yaml; found neither (check the id; `khabar new` creates a document)"
    doc, source, found = load_document(Paths(root), "other")
    assert (doc, source) == (None, None) and _whole(found) == [("file-missing", "error", message, "corpus/other.txt", 1, "other")]


def test_io_project_load_document_without_one_file_is_found_at_the_other(tmp_path: Path) -> None:
    root = copy_project(VALID, tmp_path / "project")
    (root / "corpus" / "talks.txt").unlink()
    (root / "annotations" / "other.yaml").write_text("document: other\n", encoding="utf-8")
    (root / "corpus" / "third.txt").write_text("---\nid: third\n---\nOne.\n", encoding="utf-8")
    words = "{} exists but {} does not; every document needs both files (`khabar new` creates them)"
    for doc_id, there, missing in (("talks", "annotations/talks.yaml", "corpus/talks.txt"), ("third", "corpus/third.txt", "annotations/third.yaml")):
        doc, source, found = load_document(Paths(root), doc_id)
        assert (doc, source) == (None, None)
        assert _whole(found) == [("file-missing", "error", words.format(there, missing), there, 1, doc_id)]


def test_io_project_load_document_naming_another_document_is_found_at_its_line(tmp_path: Path) -> None:
    root = copy_project(VALID, tmp_path / "project")
    path = root / "annotations" / "talks.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("document: talks\n", "document: other\n"), encoding="utf-8")
    message = "`document` is 'other' but the file is annotations/talks.yaml; expected `document: talks`"
    doc, source, found = load_document(Paths(root), "talks")
    assert (doc, source) == (None, None)
    assert _whole(found) == [("doc-id-mismatch", "error", message, "annotations/talks.yaml", 3, "talks")]  # line 3 of talks.yaml


def test_io_project_load_document_keeps_where_each_part_came_from() -> None:
    doc, source, found = load_document(Paths(FIXTURES / "checks" / "unreviewed-annotation"), "talks")
    assert doc is not None and source is not None and found == []
    assert (source.annotation_path, source.corpus_path, source.text_line) == ("annotations/talks.yaml", "corpus/talks.txt", 9)
    assert (source.unreviewed, source.unreviewed_line) == (("m1",), 16)
    assert source.lines["m1"] == source.item_lines[("mentions", 0)] and source.head_texts


def test_io_project_load_document_follows_no_link_out_of_the_project(tmp_path: Path) -> None:
    root = copy_project(VALID, tmp_path / "project")
    for name in ("corpus/talks.txt", "annotations/talks.yaml"):
        outside = tmp_path / name.replace("/", "-")
        (root / name).rename(outside)
        (root / name).symlink_to(outside)
    doc, source, found = load_document(Paths(root), "talks")
    assert (doc, source) == (None, None)
    assert [(f.check, f.path, f.line, f.document) for f in found] == [
        ("file-symlink", "corpus/talks.txt", 1, "talks"),
        ("file-symlink", "annotations/talks.yaml", 1, "talks"),
    ]
