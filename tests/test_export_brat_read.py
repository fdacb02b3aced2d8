"""Reading a brat folder, file by file (mutmut survivors of issue 19 in ``khabar.export.brat_read`` and the
writer's layout in ``khabar.export.brat``): file names, text and metadata files, lines without a tab, modifier
lines, repeated event roles, bare attributes, blank lines, and the order of the findings."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import FIXTURES

from khabar.export.brat import brat_to_docs, docs_to_brat, render_meta
from khabar.export.brat_format import META_KEYS
from khabar.io import load_project
from khabar.schema.labels import ATTRIBUTION_TYPES, MENTION_KINDS, SPLITS, TEXT_LICENCES


def _valid():  # type: ignore[no-untyped-def]
    [doc] = load_project(root=FIXTURES / "valid").documents
    return doc


def _export(folder: Path, doc=None) -> Path:  # type: ignore[no-untyped-def]
    docs_to_brat(documents=[doc or _valid()], out=folder)
    return folder / f"{(doc or _valid()).id}.ann"


def _lines(ann: Path) -> list[str]:
    return ann.read_text(encoding="utf-8").split("\n")


def _found(folder: Path) -> list[tuple[str, str, int | None, str]]:
    docs, found = brat_to_docs(folder=folder)
    assert docs == []
    return [(f.check, Path(f.path).name, f.line, f.message) for f in found]  # type: ignore[arg-type]


def test_export_brat_read_an_unsafe_file_name_is_reported_at_line_1(tmp_path: Path) -> None:
    ann = _export(tmp_path)
    for suffix in (".ann", ".txt", ".meta.json"):
        (tmp_path / f"talks{suffix}").rename(tmp_path / f"Talks Two{suffix}")
    assert _found(tmp_path) == [
        (
            "doc-id-unsafe",
            "Talks Two.ann",
            1,
            "document id 'Talks Two' (the file name) is not a safe id; expected lowercase letters, digits, '-' or '_' (rename the .ann and .txt files)",
        )
    ]
    assert not ann.exists()


def test_export_brat_read_a_missing_text_file_is_reported_at_line_1(tmp_path: Path) -> None:
    _export(tmp_path)
    (tmp_path / "talks.txt").unlink()
    assert _found(tmp_path) == [
        ("brat-reference", "talks.ann", 1, "talks.ann has no text file talks.txt beside it; brat offsets count in that file's characters")
    ]


def test_export_brat_read_a_text_file_not_utf8_is_reported_at_the_text_file(tmp_path: Path) -> None:
    _export(tmp_path)
    txt = tmp_path / "talks.txt"
    txt.write_bytes(txt.read_bytes().replace(b"Monday", b"Mond\xe9y"))
    assert [(c, name, line) for c, name, line, _ in _found(tmp_path)] == [("file-encoding", "talks.txt", 1)]


def test_export_brat_read_a_broken_document_keeps_its_findings_beside_a_good_one(tmp_path: Path) -> None:
    doc = _valid()
    docs_to_brat(documents=[doc, replace(doc, id="zz")], out=tmp_path)
    (tmp_path / "talks.txt").unlink()
    docs, found = brat_to_docs(folder=tmp_path)
    assert [d.id for d in docs] == ["zz"]
    assert [(f.check, f.document) for f in found] == [("brat-reference", "talks")]


@pytest.mark.parametrize(
    ("meta", "line", "message"),
    [
        (
            '{\n  "title": "x",\n  "source": nope\n}\n',
            3,  # "nope" at line 3, column 13, character 2 + 16 + 12
            "talks.meta.json is not valid UTF-8 JSON (Expecting value: line 3 column 13 (char 30)); expected an object of " + ", ".join(META_KEYS),
        ),
        (
            '["title"]\n',
            1,
            "expected an object whose keys are among " + ", ".join(META_KEYS) + " with string or null values (language a string); found ['title']",
        ),
        (
            '{"colour": "red"}\n',
            1,
            "expected an object whose keys are among " + ", ".join(META_KEYS) + " with string or null values (language a string); found {'colour': 'red'}",
        ),
        (
            '{"title": 3}\n',
            1,
            "expected an object whose keys are among " + ", ".join(META_KEYS) + " with string or null values (language a string); found {'title': 3}",
        ),
    ],
    ids=["not-json", "a-list", "an-unknown-key", "a-number"],
)
def test_export_brat_read_a_bad_metadata_file_is_reported_at_its_line(meta: str, line: int, message: str, tmp_path: Path) -> None:
    _export(tmp_path)
    (tmp_path / "talks.meta.json").write_text(meta, encoding="utf-8")
    assert _found(tmp_path) == [("brat-syntax", "talks.meta.json", line, message)]


@pytest.mark.parametrize(
    ("key", "value", "check", "table"),
    [("split", "train", "split-unknown", ", ".join(SPLITS)), ("licence", "MIT", "licence-unknown", ", ".join(TEXT_LICENCES))],
    ids=["split", "licence"],
)
def test_export_brat_read_a_metadata_value_outside_its_table_is_reported_in_the_metadata_file(
    key: str, value: str, check: str, table: str, tmp_path: Path
) -> None:
    """The model refuses the document, not a line of the ``.ann``: the finding is the metadata file's."""
    _export(tmp_path)
    (tmp_path / "talks.meta.json").write_text(json.dumps({key: value}), encoding="utf-8")
    assert _found(tmp_path) == [(check, "talks.meta.json", 1, f"document: `{key}` must be one of {table}; found {value!r}")]


def test_export_brat_read_findings_come_in_file_then_line_order(tmp_path: Path) -> None:
    ann = _export(tmp_path)
    lines = _lines(ann)
    lines[4] = lines[4].replace("\t", " ")  # no tab: T5's line, line 5
    ann.write_text("\n".join(lines), encoding="utf-8")
    txt = tmp_path / "talks.txt"
    txt.write_bytes(txt.read_bytes() + b"\r\n")  # a CR on line 2 (the text ends with a line break), found before the .ann is parsed
    assert [(c, name, line) for c, name, line, _ in _found(tmp_path)] == [("brat-syntax", "talks.ann", 5), ("line-endings", "talks.txt", 2)]


def test_export_brat_read_a_line_without_a_tab_is_quoted_to_40_characters(tmp_path: Path) -> None:
    ann = _export(tmp_path)
    line = "T99 PERSON 0 13 Ahmad Massoud, written without any tab at all"
    ann.write_text(ann.read_text(encoding="utf-8") + line + "\n", encoding="utf-8")
    number = len(_lines(ann)) - 1
    assert _found(tmp_path) == [
        ("brat-syntax", "talks.ann", number, f"expected `ID<TAB>annotation`; found no tab in {line[:40]!r} (brat separates the id with a tab)")
    ]


@pytest.mark.parametrize(
    ("line", "check", "message"),
    [
        ("M1\tNegation E1", "brat-syntax", "M1: Khabar imports no modifier lines; remove the line"),
        ("E9\tAttribution:T11 Content:T13 Speaker:T5 Speaker:T5", "brat-syntax", "E9: argument 'Speaker:T5' is repeated"),
        ("A99\tKind T1", "label-unknown", f"A99: attribute Kind ''; expected Kind {'|'.join(MENTION_KINDS)} or AttributionType {'|'.join(ATTRIBUTION_TYPES)}"),
    ],
    ids=["modifier", "repeated-role", "bare-attribute"],
)
def test_export_brat_read_a_line_it_does_not_take_is_reported_in_words(line: str, check: str, message: str, tmp_path: Path) -> None:
    ann = _export(tmp_path)
    ann.write_text(ann.read_text(encoding="utf-8") + line + "\n", encoding="utf-8")
    number = len(_lines(ann)) - 1
    assert (check, "talks.ann", number, message) in _found(tmp_path)


def test_export_brat_read_blank_lines_are_skipped_not_an_end(tmp_path: Path) -> None:
    ann = _export(tmp_path)
    lines = _lines(ann)
    ann.write_text("\n".join(lines[:3] + ["", ""] + lines[3:]), encoding="utf-8")
    docs, found = brat_to_docs(folder=tmp_path)
    assert found == [] and docs == [_valid()]


# --- the writer's layout (docs/formats.md) ------------------------------------------------


def test_export_brat_writes_into_a_new_nested_folder_the_notes_docs_formats_shows(tmp_path: Path) -> None:
    out = tmp_path / "a" / "b"
    ann = _export(out)
    lines = _lines(ann)
    for example in (
        '#5\tAnnotatorNotes T5\tid=m5 head=77-84 entity=e5 name="the two leaders" member=e1 member=e2',
        "#6\tAnnotatorNotes T6\tid=m6",
        "#11\tAnnotatorNotes R1\tid=r1 evidence=0",
        "#12\tAnnotatorNotes E1\tid=a1",
    ):
        assert example in lines
    assert lines[lines.index('#5\tAnnotatorNotes T5\tid=m5 head=77-84 entity=e5 name="the two leaders" member=e1 member=e2') - 4].startswith("#1\t")
    # Speaker: the source entity's first mention inside the source (T5 the two leaders, T6 Khan, T7 Massoud)
    assert [line.split("\t")[1] for line in lines if line.startswith("E")] == [
        "Attribution:T11 Source:T12 Content:T13 Speaker:T5",
        "Attribution:T14 Source:T15 Content:T16 Speaker:T6",
        "Attribution:T17 Source:T18 Content:T19 Speaker:T7 Parent:E2",
    ]


def test_export_brat_speaker_is_the_first_mention_when_none_is_inside_the_source(tmp_path: Path) -> None:
    doc = _valid()
    # a2's source "Khan" (T15, 102-106) made "Khan said" (102-111): T6 still inside; then 103-106: no e2 mention inside
    moved = replace(
        doc, attributions=tuple(replace(a, source=(replace(a.source[0], start=103, text=doc.text[103:106]),)) if a.id == "a2" else a for a in doc.attributions)
    )
    ann = _export(tmp_path, moved)
    assert "Speaker:T2" in next(line for line in _lines(ann) if line.startswith("E2\t"))  # m2, e2's first mention


def test_export_brat_a_relation_without_evidence_has_no_evidence_key(tmp_path: Path) -> None:
    doc = _valid()
    ann = _export(tmp_path, replace(doc, relations=tuple(replace(r, evidence=()) for r in doc.relations)))
    assert "#11\tAnnotatorNotes R1\tid=r1" in _lines(ann)


def test_export_brat_metadata_is_indented_json_keeping_its_characters() -> None:
    doc = replace(_valid(), title="Ünal in Tehran")
    meta = render_meta(doc=doc)
    assert meta.startswith('{\n  "title": "Ünal in Tehran",\n  "source": ') and meta.endswith("\n}\n")
    assert json.loads(meta) == {key: getattr(doc, key) for key in META_KEYS}


def test_export_brat_coreference_lines_list_mentions_in_text_order(tmp_path: Path) -> None:
    doc = _valid()
    backwards = replace(doc, mentions=doc.mentions[::-1])  # m9 is T1 ... m1 is T9
    lines = _lines(_export(tmp_path, backwards))
    assert [line for line in lines if line.startswith("*")] == ["*\tCoref T9 T3", "*\tCoref T8 T4 T2", "*\tCoref T6 T1"]  # e1: m1 m7; e2: m2 m6 m8; e4: m4 m9


def test_export_brat_read_a_text_file_that_is_a_folder_is_refused_at_its_path(tmp_path: Path) -> None:
    _export(tmp_path)
    (tmp_path / "talks.txt").unlink()
    (tmp_path / "talks.txt").mkdir()
    assert [(c, name, line) for c, name, line, _ in _found(tmp_path)] == [("file-special", "talks.txt", 1)]


def test_export_brat_read_a_metadata_file_that_is_a_folder_keeps_the_findings_before_it(tmp_path: Path) -> None:
    _export(tmp_path)
    txt = tmp_path / "talks.txt"
    txt.write_bytes(txt.read_bytes() + b"\r\n")
    (tmp_path / "talks.meta.json").unlink()
    (tmp_path / "talks.meta.json").mkdir()
    assert [(c, name, line) for c, name, line, _ in _found(tmp_path)] == [("line-endings", "talks.txt", 2), ("file-special", "talks.meta.json", 1)]


def test_export_brat_read_a_metadata_file_not_utf8_is_reported_at_line_1(tmp_path: Path) -> None:
    _export(tmp_path)
    (tmp_path / "talks.meta.json").write_bytes(b'{\n"title": "caf\xe9"\n}\n')
    assert [(c, name, line) for c, name, line, _ in _found(tmp_path)] == [("brat-syntax", "talks.meta.json", 1)]
