"""``khabar import`` as a library call (:func:`khabar.export.import_annotations`) and ``export``'s refusal of the
project's root: each refusal whole, each finding located (mutmut survivors of issue 19)."""

from __future__ import annotations

from pathlib import Path

import pytest

import khabar.export
import khabar.io
from khabar.core.findings import KhabarError
from khabar.export import docs_to_brat, export, import_annotations
from khabar.io import load_project, render_annotations

SPACES = (" The talks", " Khan said", " that Iran")  # made line breaks: brat shows a line break as a space


def _brat(root: Path, folder: Path) -> list:
    documents = sorted(load_project(root=root).documents, key=lambda d: d.id)
    docs_to_brat(documents=documents, out=folder)
    return documents


def _where(exc: pytest.ExceptionInfo[KhabarError]) -> list[tuple[str, str | None, int | None, str | None, str]]:
    return [(f.check, f.path, f.line, f.document, f.message) for f in exc.value.findings]


def test_export_import_writes_each_document_into_a_new_nested_folder(split_project: Path, tmp_path: Path) -> None:
    documents = _brat(split_project, tmp_path / "brat")
    out = tmp_path / "a" / "b" / "annotations"
    written = import_annotations(format="brat", folder=tmp_path / "brat", root=split_project, out=out)
    assert written == [out / "talks-dev.yaml", out / "talks.yaml"]  # the order of the .ann file names
    assert {p.name: p.read_text(encoding="utf-8") for p in written} == {f"{d.id}.yaml": render_annotations(d) for d in documents}


def test_export_import_refuses_to_overwrite_by_default_and_names_every_file(split_project: Path, tmp_path: Path) -> None:
    _brat(split_project, tmp_path / "brat")
    out = split_project / "annotations"
    with pytest.raises(FileExistsError) as exc:
        import_annotations(format="brat", folder=tmp_path / "brat", root=split_project, out=out)
    assert str(exc.value) == f"{out / 'talks-dev.yaml'}, {out / 'talks.yaml'} already exist(s); pass --force to overwrite"


def test_export_import_a_failed_write_leaves_no_file_and_raises_its_own_error(split_project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _brat(split_project, tmp_path / "brat")
    calls = []

    def render(doc):  # type: ignore[no-untyped-def]
        calls.append(doc.id)
        if len(calls) == 2:
            raise RuntimeError("the disk is full")
        return render_annotations(doc)

    monkeypatch.setattr(khabar.export, "render_annotations", render)  # the name the importer imported
    out = tmp_path / "out"
    with pytest.raises(RuntimeError, match="the disk is full"):
        import_annotations(format="brat", folder=tmp_path / "brat", root=split_project, out=out)
    assert list(out.iterdir()) == []


def test_export_import_of_no_folder_or_an_empty_one_is_a_finding(split_project: Path, tmp_path: Path) -> None:
    missing, empty = tmp_path / "missing", tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(KhabarError) as exc:
        import_annotations(format="brat", folder=missing, root=split_project, out=tmp_path / "out")
    assert _where(exc) == [("brat-syntax", str(missing), None, None, f"expected a brat folder to import at {missing}; found none (check the path)")]
    with pytest.raises(KhabarError) as exc:
        import_annotations(format="brat", folder=empty, root=split_project, out=tmp_path / "out")
    assert _where(exc) == [("brat-syntax", str(empty), None, None, f"expected brat documents in {empty}; found none (docs/formats.md says which files)")]


def test_export_import_a_broken_folder_gives_its_own_findings_only(split_project: Path, tmp_path: Path) -> None:
    _brat(split_project, tmp_path / "brat")
    for stem in ("talks", "talks-dev"):
        (tmp_path / "brat" / f"{stem}.txt").unlink()
    with pytest.raises(KhabarError) as exc:
        import_annotations(format="brat", folder=tmp_path / "brat", root=split_project, out=tmp_path / "out")
    assert [(f.check, f.path) for f in exc.value.findings] == [
        ("brat-reference", (tmp_path / "brat" / "talks-dev.ann").as_posix()),
        ("brat-reference", (tmp_path / "brat" / "talks.ann").as_posix()),
    ]


def test_export_import_every_missing_corpus_file_is_reported(split_project: Path, tmp_path: Path) -> None:
    _brat(split_project, tmp_path / "brat")
    for stem in ("talks", "talks-dev"):
        (split_project / "corpus" / f"{stem}.txt").unlink()
    with pytest.raises(KhabarError) as exc:
        import_annotations(format="brat", folder=tmp_path / "brat", root=split_project, out=tmp_path / "out")
    assert _where(exc) == [
        (
            "file-missing",
            (tmp_path / "brat" / f"{stem}.txt").as_posix(),
            1,
            stem,
            f"corpus/{stem}.txt does not exist; create the corpus file (`khabar new`) before importing annotations of it",
        )
        for stem in ("talks-dev", "talks")
    ]


def test_export_import_a_missing_corpus_file_is_kept_beside_a_good_one(split_project: Path, tmp_path: Path) -> None:
    _brat(split_project, tmp_path / "brat")
    (split_project / "corpus" / "talks-dev.txt").unlink()  # read first (ids in order); talks.txt then reads cleanly
    with pytest.raises(KhabarError) as exc:
        import_annotations(format="brat", folder=tmp_path / "brat", root=split_project, out=tmp_path / "out")
    assert [(f.check, f.document) for f in exc.value.findings] == [("file-missing", "talks-dev")]


def test_export_import_a_corpus_file_problem_is_shown_at_the_corpus_file(split_project: Path, tmp_path: Path) -> None:
    _brat(split_project, tmp_path / "brat")
    corpus = split_project / "corpus" / "talks.txt"
    corpus.write_bytes(corpus.read_bytes().replace(b"Monday", b"Mond\xe9y"))
    with pytest.raises(KhabarError) as exc:
        import_annotations(format="brat", folder=tmp_path / "brat", root=split_project, out=tmp_path / "out")
    assert [(f.check, f.path) for f in exc.value.findings] == [("file-encoding", "corpus/talks.txt")]


@pytest.mark.parametrize("change", ["inside", "longer"])
def test_export_import_a_text_that_differs_is_located_at_its_first_difference(change: str, split_project: Path, tmp_path: Path) -> None:
    brat, corpus = tmp_path / "brat", split_project / "corpus" / "talks.txt"
    _brat(split_project, brat)
    for path in (brat / "talks.txt", corpus):  # the same three line breaks in both texts
        text = path.read_text(encoding="utf-8")
        for space in SPACES:
            assert text.count(space) == 1
            text = text.replace(space, "\n" + space[1:])
        path.write_text(text, encoding="utf-8")
    text = (brat / "talks.txt").read_text(encoding="utf-8")
    if change == "inside":  # on the third line of the text, before its last line break
        at = text.index("Massoud told")
        corpus.write_text(corpus.read_text(encoding="utf-8").replace("Massoud told", "massoud told"), encoding="utf-8")
        line = 3
    else:  # the corpus's text goes on where brat's ends
        at = len(text)
        corpus.write_text(corpus.read_text(encoding="utf-8") + " More.", encoding="utf-8")
        line = 5  # the text ends with a line break, after the three made
    assert text[:at].count("\n") == line - 1
    with pytest.raises(KhabarError) as exc:
        import_annotations(format="brat", folder=brat, root=split_project, out=tmp_path / "out")
    assert _where(exc) == [
        (
            "brat-reference",
            (brat / "talks.txt").as_posix(),
            line,
            "talks",
            f"the text differs from corpus/talks.txt from character {at} on; brat offsets would point at the wrong words (export the project again, or fix the text)",
        )
    ]


def test_export_refuses_to_replace_the_project_root(tmp_path: Path, split_project: Path) -> None:
    documents = load_project(root=split_project).documents
    root = tmp_path / "empty-project"
    root.mkdir()  # empty: any other empty folder may be replaced
    with pytest.raises(KhabarError) as exc:
        export(format="brat", documents=documents, out=root, project=root)
    assert [(f.check, "the project's root" in f.message) for f in exc.value.findings] == [("out-refused", True)]
    assert list(root.iterdir()) == []
    assert export(format="brat", documents=documents, out=tmp_path / "other", project=root)
