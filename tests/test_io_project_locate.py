"""Where ``Corpus.locate`` puts a finding: the line of an item, of an annotation, of a span in the text, or line 1
of the annotation file; a document it does not hold keeps the finding unlocated (mutmut survivors of issue 19's
readers run). The expected lines are read off the fixture files by hand."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from conftest import FIXTURES, copy_project

from khabar.core.findings import Finding
from khabar.io.project import Corpus, Paths, Rereading, Source, load_project

VALID = FIXTURES / "valid"


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return load_project(root=VALID)


def _as_tuple(f: Finding) -> tuple[object, ...]:
    return (f.check, f.level, f.message, f.path, f.line, f.document, f.annotation, f.span)


def test_io_project_locate_a_document_not_held_is_left_unlocated(corpus: Corpus) -> None:
    found = corpus.locate("name-unannotated", "a message", document="elsewhere", annotation="m2", span=(3, 7))
    assert _as_tuple(found) == ("name-unannotated", "error", "a message", None, None, "elsewhere", "m2", (3, 7))


def test_io_project_locate_an_item_is_at_its_line_and_an_unknown_item_falls_back(corpus: Corpus) -> None:
    # annotations/talks.yaml: `- id: m6` is line 57, the first mention (`- id: m1`) line 22
    found = corpus.locate("name-unannotated", "m", document="talks", item=("mentions", 5))
    assert (found.path, found.line, found.document, found.annotation, found.span) == ("annotations/talks.yaml", 57, "talks", None, None)
    # an item the file does not have: the annotation's line, else the span's, else line 1
    assert corpus.locate("name-unannotated", "m", document="talks", item=("mentions", 99), annotation="m1").line == 22
    missing = corpus.locate("name-unannotated", "m", document="talks", item=("mentions", 99))
    assert (missing.path, missing.line) == ("annotations/talks.yaml", 1)


def test_io_project_locate_an_annotation_the_file_does_not_name_is_at_line_1(corpus: Corpus) -> None:
    found = corpus.locate("name-unannotated", "m", document="talks", annotation="m99")
    assert (found.path, found.line, found.annotation) == ("annotations/talks.yaml", 1, "m99")


def test_io_project_locate_a_span_is_at_its_line_of_the_corpus_file(corpus: Corpus) -> None:
    # A text of four lines that starts with a line break, starting on line 9 of its corpus file.
    (doc,) = corpus.documents
    text = "\nAhmad Massoud\nmet Ismail Khan\nin Tehran."
    held = Corpus(VALID, [dataclasses.replace(doc, text=text)], {"talks": corpus.sources["talks"]})
    assert corpus.sources["talks"].text_line == 9  # `---` closes the front matter on line 8 of corpus/talks.txt
    for span, line in (((0, 1), 9), ((1, 6), 10), ((15, 18), 11), ((31, 33), 12), ((33, 40), 12)):
        found = held.locate("name-unannotated", "m", document="talks", span=span)
        assert (found.path, found.line, found.span) == ("corpus/talks.txt", line, span)


def test_io_project_locate_with_nothing_to_go_by_is_line_1_of_the_annotation_file(corpus: Corpus) -> None:
    found = corpus.locate("name-unannotated", "m", document="talks")
    assert _as_tuple(found) == ("name-unannotated", "error", "m", "annotations/talks.yaml", 1, "talks", None, None)


def test_io_project_rereading_reads_each_document_once_and_keeps_it(monkeypatch: pytest.MonkeyPatch) -> None:
    rereading = Rereading(Paths(VALID))
    first = rereading.locate("name-unannotated", "a message", document="talks", item=("mentions", 0))
    held = rereading.read["talks"]
    assert isinstance(held, Corpus) and held.root == VALID and [d.id for d in held.documents] == ["talks"]
    assert isinstance(held.sources["talks"], Source)
    assert (first.path, first.line, first.message) == ("annotations/talks.yaml", 22, "a message")
    again = rereading.locate("name-unannotated", "again", document="talks", annotation="m2")
    assert rereading.read["talks"] is held and (again.line, again.message) == (29, "again")
    unknown = rereading.locate("name-unannotated", "none", document="nothing")
    assert (unknown.check, unknown.path, unknown.line, unknown.document) == ("name-unannotated", None, None, "nothing")
    assert list(rereading.read) == ["talks", "nothing"] and rereading.read["nothing"].documents == []


def test_io_project_load_project_reads_a_second_annotation_folder(tmp_path: Path) -> None:
    root = copy_project(VALID, tmp_path / "project")
    second = root / "pass2"
    second.mkdir()
    (root / "annotations" / "talks.yaml").rename(second / "talks.yaml")
    (second / "other.yaml").write_text("document: other\n", encoding="utf-8")
    seen: list[tuple[int | None, str]] = []

    def progress(items, *, total=None, desc="", unit="doc"):  # type: ignore[no-untyped-def]
        seen.append((total, desc))
        return items

    corpus = load_project(root=root, annotations=second, progress=progress)
    assert corpus.root == root and seen == [(2, "reading")]
    assert [d.id for d in corpus.documents] == ["talks"] and list(corpus.sources) == ["talks"]
    assert corpus.sources["talks"].annotation_path == "pass2/talks.yaml"
    assert [(f.check, f.path, f.document) for f in corpus.findings] == [("file-missing", "pass2/other.yaml", "other")]
    # without it, the project's own folder: talks.yaml is not there
    alone = load_project(root=root)
    assert alone.documents == [] and [(f.check, f.path) for f in alone.findings] == [("file-missing", "corpus/talks.txt")]


def test_io_project_load_project_reads_an_earlier_schema_only_when_asked(tmp_path: Path) -> None:
    root = copy_project(VALID, tmp_path / "project")
    path = root / "corpus" / "talks.txt"
    text = path.read_text(encoding="utf-8")
    assert text.count("split: test\n") == 1
    path.write_text(text.replace("split: test\n", ""), encoding="utf-8")
    strict = load_project(root=root)
    assert strict.documents == [] and [(f.check, f.line) for f in strict.findings] == [("split-missing", 7)]
    lenient = load_project(root=root, strict_metadata=False)
    assert lenient.findings == [] and [(d.id, d.split) for d in lenient.documents] == [("talks", None)]


def test_io_project_add_keeps_a_document_only_with_its_source(corpus: Corpus) -> None:
    (doc,) = corpus.documents
    source = corpus.sources["talks"]
    held = Corpus(VALID)
    held.add(doc, None, [])
    held.add(None, source, [])
    assert held.documents == [] and held.sources == {} and held.findings == []
    held.add(doc, source, corpus.findings)
    assert held.documents == [doc] and held.sources == {"talks": source}
