"""Reading XMI back (khabar.export.xmi_read and xmi_build): the safe parser itself, the type system's and the
files' problems with their whole findings, and what an import keeps of a file that has none."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import etree

from khabar.export.xmi import xmi_to_docs
from khabar.export.xmi_read import _type_name, parse_untrusted
from khabar.export.xmi_types import TYPE_SYSTEM_FILE
from khabar.schema.model import Document

DOCTYPE_MESSAGE = "a DOCTYPE declaration is not read (it can declare entities that expand without bound); INCEpTION and Khabar write none: remove it"


def edit(xmi: Path, old: str, new: str) -> int:
    """Replace ``old`` (once) in the file; return its line."""
    source = xmi.read_text(encoding="utf-8")
    assert old in source, old
    xmi.write_text(source.replace(old, new, 1), encoding="utf-8")
    return source[: source.index(old)].count("\n") + 1


def findings(folder: Path) -> tuple[list[Document], list[tuple[str, str | None, int | None, str | None, str]]]:
    docs, found = xmi_to_docs(folder=folder)
    return docs, [(f.check, f.path, f.line, f.document, f.message) for f in found]


def test_export_xmi_read_the_parser_expands_no_entity_and_reads_no_file(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET", encoding="utf-8")
    inside = b'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY e "EXPANDED">]>\n<x>&e;</x>\n'
    outside = f'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM "{secret.as_uri()}">]>\n<x>&e;</x>\n'.encode()
    for data in (inside, outside):
        written = etree.tostring(parse_untrusted(data))
        assert b"EXPANDED" not in written and b"SECRET" not in written and b"&e;" in written


def test_export_xmi_read_the_parser_refuses_a_text_node_over_libxml2s_cap() -> None:
    with pytest.raises(etree.XMLSyntaxError):
        parse_untrusted(b'<x a="' + b"y" * (10_000_001) + b'"/>')


@pytest.mark.parametrize("target", ["talks.xmi", TYPE_SYSTEM_FILE])
def test_export_xmi_read_a_doctype_is_one_whole_finding(talks: tuple[Document, Path], target: str) -> None:
    _, xmi = talks
    path = xmi.with_name(target)
    path.write_text('<?xml version="1.0"?>\n<!DOCTYPE x SYSTEM "x.dtd">\n<x/>\n', encoding="utf-8")
    docs, found = findings(xmi.parent)
    document = "talks" if target == "talks.xmi" else None
    assert docs == [] and found == [("xmi-syntax", path.as_posix(), 1, document, DOCTYPE_MESSAGE)]


@pytest.mark.parametrize(
    ("damage", "expected"),
    [
        ("missing", (None, "TypeSystem.xml is missing; INCEpTION and Khabar write it beside the .xmi files, which need its types")),
        ("not a type system", (1, "not a UIMA type system description: 'No.Such'")),
        ("a folder", (1, "")),
    ],
)
def test_export_xmi_read_type_system_problems_are_whole_findings(talks: tuple[Document, Path], damage: str, expected: tuple[int | None, str]) -> None:
    _, xmi = talks
    path = xmi.with_name(TYPE_SYSTEM_FILE)
    path.unlink()
    if damage == "not a type system":
        path.write_text(
            '<?xml version="1.0"?>\n<typeSystemDescription xmlns="http://uima.apache.org/resourceSpecifier"><types><typeDescription>'
            "<name>A</name><supertypeName>No.Such</supertypeName></typeDescription></types></typeSystemDescription>\n",
            encoding="utf-8",
        )
    elif damage == "a folder":
        path.mkdir()
    docs, found = findings(xmi.parent)
    line, words = expected
    assert docs == [] and len(found) == 1
    check, shown, at, document, message = found[0]
    assert (shown, at, document) == (path.as_posix(), line, None) and message.startswith(words)
    assert check == ("file-special" if damage == "a folder" else "xmi-syntax")


def test_export_xmi_read_an_unsafe_file_name_is_a_finding_with_its_others(talks: tuple[Document, Path]) -> None:
    _, xmi = talks
    bad = xmi.rename(xmi.with_name("Talks Two.xmi"))
    edit(bad, '<custom:KhabarValue xmi:id="', '<custom:KhabarValue < xmi:id="')
    docs, found = findings(bad.parent)
    assert docs == []
    assert found[0] == (
        "doc-id-unsafe",
        bad.as_posix(),
        1,
        "Talks Two",
        "document id 'Talks Two' (the file name) is not a safe id; expected lowercase letters, digits, '-' or '_' (rename the file)",
    )
    assert [f[0] for f in found[1:]] == ["xmi-syntax"]  # its other problem is kept


def test_export_xmi_read_an_xmi_name_that_is_no_file_is_a_finding(talks: tuple[Document, Path]) -> None:
    _, xmi = talks
    (xmi.parent / "other.xmi").mkdir()
    docs, found = findings(xmi.parent)
    assert [d.id for d in docs] == ["talks"]
    assert [(f[0], f[1]) for f in found] == [("file-special", (xmi.parent / "other.xmi").as_posix())]


def test_export_xmi_read_every_file_keeps_its_findings(talks: tuple[Document, Path]) -> None:
    doc, xmi = talks
    second = xmi.with_name("talks-two.xmi")
    second.write_bytes(xmi.read_bytes())
    line = edit(xmi, ' kind="PRO"', "")
    assert edit(second, ' kind="PRO"', "") == line
    docs, found = findings(xmi.parent)
    assert docs == [] and [(f[0], f[1], f[2]) for f in found] == [("xmi-type", p.as_posix(), line) for p in sorted((xmi, second))]


def test_export_xmi_read_what_cassis_cannot_read_is_a_finding(talks: tuple[Document, Path]) -> None:
    _, xmi = talks
    edit(xmi, '<type:Token xmi:id="6" sofa="1"', '<type:Token xmi:id="6" sofa="999"')
    docs, found = findings(xmi.parent)
    assert docs == [] and found == [("xmi-syntax", xmi.as_posix(), 1, "talks", "cassis cannot read it as a CAS: KeyError: 999")]


#: (text to replace, its replacement, every finding: check, line relative to the edited one, message)
REFUSED: dict[str, tuple[str, str, list[tuple[str, int, str]]]] = {
    "no xmi:id": (
        ' xmi:id="54" sofa="1" begin="50"',
        ' sofa="1" begin="50"',
        [("xmi-syntax", 0, "xmi:id '' is not a number; every element has its own number")],
    ),
    "no end": (
        ' begin="50" end="56" id="v1"',
        ' begin="50" id="v1"',
        [("xmi-type", 0, "KhabarValue (xmi:id 54) has no feature `end`; Khabar needs it (docs/formats.md)")],
    ),
    "end not a number": (
        ' begin="50" end="56" id="v1"',
        ' begin="50" end="y" id="v1"',
        [("xmi-type", 0, "KhabarValue feature `end` is 'y'; expected an integer")],
    ),
    "entity type": (
        ' entityType="GPE" name="Iran"',
        ' entityType="COUNTRY" name="Iran"',
        [
            (
                "label-unknown",
                0,
                "entity: `type` must be one of PERSON, NORP, FAC, ORG, GPE, LOC, PRODUCT, EVENT, WORK_OF_ART, LAW, LANGUAGE, OTHER; found 'COUNTRY'",
            )
        ],
    ),
    "value type": (
        ' valueType="DATE"',
        ' valueType="DAY"',
        [("label-unknown", 0, "value: `type` must be one of DATE, TIME, PERCENT, MONEY, QUANTITY, ORDINAL, CARDINAL; found 'DAY'")],
    ),
    "relation label": (
        ' label="loc:located_in"',
        ' label="located"',
        [
            ("label-unknown", 0, "relation: `label` must be one of per:employee_or_member_of, org:top_members_employees, per:origin, "),
            ("", 0, "; found 'located'"),
        ],
    ),
    "fragment span": (
        ' begin="85" end="89" role="cue"',
        ' begin="89" end="85" role="cue"',
        [("span-range", 0, "KhabarAttributionFragment spans 89-85; expected begin <= end")],
    ),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_export_xmi_read_a_refused_element_is_found_at_its_line(talks: tuple[Document, Path], case: str) -> None:
    _, xmi = talks
    old, new, expected = REFUSED[case]
    line = edit(xmi, old, new)
    docs, found = findings(xmi.parent)
    assert docs == []
    if expected[-1][0] == "":  # a message too long to write: its start and its end
        (check, shift, start), (_, _, end) = expected
        assert [(f[0], f[2]) for f in found] == [(check, line + shift)] and found[0][4].startswith(start) and found[0][4].endswith(end)
    else:
        assert [(f[0], f[2], f[4]) for f in found] == [(check, line + shift, message) for check, shift, message in expected]


@pytest.mark.parametrize(
    ("old", "new", "kept"),
    [
        (' evidence="0"', "", lambda d: [r.evidence for r in d.relations] == [()]),  # no evidence: none, not an error
        ('language="en"', 'language="fa"', lambda d: d.language == "fa"),
        (' language="en"', "", lambda d: d.language == "en"),  # none given: English, as the corpus is
    ],
    ids=["no-evidence", "language", "no-language"],
)
def test_export_xmi_read_what_an_import_keeps(talks: tuple[Document, Path], old: str, new: str, kept: Callable[[Document], bool]) -> None:
    _, xmi = talks
    edit(xmi, old, new)
    docs, found = findings(xmi.parent)
    assert found == [] and len(docs) == 1 and kept(docs[0])


@pytest.mark.parametrize(
    ("tag", "name"),
    [
        ("{http:///webanno/custom.ecore}KhabarMention", "webanno.custom.KhabarMention"),
        ("{http:///de/tudarmstadt/ukp/dkpro/core/api/segmentation/type.ecore}Token", "de.tudarmstadt.ukp.dkpro.core.api.segmentation.type.Token"),
        ("{http:///uima/noNamespace.ecore}Plain", "Plain"),
    ],
)
def test_export_xmi_read_type_names_follow_cassis(tag: str, name: str) -> None:
    assert _type_name(tag) == name


def test_export_xmi_read_a_special_file_is_not_opened(talks: tuple[Document, Path]) -> None:
    _, xmi = talks
    fifo = xmi.with_name("piped.xmi")
    os.mkfifo(fifo)
    docs, found = findings(xmi.parent)  # would hang if opened
    assert [d.id for d in docs] == ["talks"] and [(f[0], f[1]) for f in found] == [("file-special", fifo.as_posix())]


def test_export_xmi_read_the_written_type_system_is_declared_pretty_and_of_annotations(tmp_path: Path) -> None:
    from cassis import load_typesystem

    from khabar.export.xmi import docs_to_xmi
    from khabar.export.xmi_types import FEATURES, SENTENCE, TOKEN

    docs_to_xmi(documents=[], out=tmp_path / "a" / "b")  # folders made
    written = (tmp_path / "a" / "b" / TYPE_SYSTEM_FILE).read_text(encoding="utf-8")
    assert written.startswith("<?xml version='1.0' encoding='UTF-8'?>\n<typeSystemDescription")
    assert "\n  <types>\n" in written  # one element a line, indented
    typesystem = load_typesystem(written)
    assert {typesystem.get_type(name).supertype.name for name in (SENTENCE, TOKEN, *FEATURES)} == {"uima.tcas.Annotation"}


def test_export_xmi_read_utf16_offsets_count_two_units_above_the_bmp_only() -> None:
    from khabar.export.xmi_types import utf16_offsets

    assert utf16_offsets("a\uffff\U00010000b") == [0, 1, 2, 4, 5]


def test_export_xmi_read_the_language_goes_both_ways(talks: tuple[Document, Path]) -> None:
    from dataclasses import replace

    from khabar.export.xmi import docs_to_xmi

    doc, xmi = talks
    docs_to_xmi(documents=[replace(doc, language="fa")], out=xmi.parent)
    assert 'language="fa"' in xmi.read_text(encoding="utf-8")
    docs, found = findings(xmi.parent)
    assert found == [] and [d.language for d in docs] == ["fa"]


@pytest.mark.parametrize(
    ("old", "new", "type_name", "message"),
    [
        (
            "<name>webanno.custom.KhabarValue</name>",
            "<name>webanno.custom.Other</name>",
            None,
            "type webanno.custom.KhabarValue is not declared; expected its features id (uima.cas.String), valueType (uima.cas.String) (docs/formats.md)",
        ),
        (
            "<name>valueType</name>",
            "<name>valueKind</name>",
            "webanno.custom.KhabarValue",
            "type webanno.custom.KhabarValue lacks features; expected its features valueType (uima.cas.String) (docs/formats.md)",
        ),
        (
            "<name>entity</name>\n          <description/>\n          <rangeTypeName>webanno.custom.KhabarEntity</rangeTypeName>",
            "<name>entity</name>\n          <description/>\n          <rangeTypeName>uima.cas.String</rangeTypeName>",
            "webanno.custom.KhabarMention",
            "type webanno.custom.KhabarMention lacks features; expected its features entity (webanno.custom.KhabarEntity) (docs/formats.md)",
        ),
    ],
    ids=["undeclared", "feature-missing", "feature-of-another-type"],
)
def test_export_xmi_read_a_type_system_without_khabars_types_says_what_it_lacks_where(
    talks: tuple[Document, Path], old: str, new: str, type_name: str | None, message: str
) -> None:
    _, xmi = talks
    path = xmi.with_name(TYPE_SYSTEM_FILE)
    source = path.read_text(encoding="utf-8")
    assert source.count(old) == 1, old
    path.write_text(source.replace(old, new), encoding="utf-8")
    line = 1 if type_name is None else source.splitlines().index(f"      <name>{type_name}</name>") + 1  # the type's own line
    docs, found = findings(xmi.parent)
    assert docs == [] and found == [("xmi-type", path.as_posix(), line, None, message)]
