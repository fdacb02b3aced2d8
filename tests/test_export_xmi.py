"""UIMA CAS XMI (INCEpTION) export and import: lossless annotation files both ways, read by cassis, every problem of
a bad file a located finding, hostile XML refused fast."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from cassis import load_cas_from_xmi, load_typesystem
from conftest import FIXTURES, deadline, text_document, tree_bytes
from lxml import etree

from khabar.cli import main
from khabar.core.catalogue import CATALOGUE
from khabar.core.findings import KhabarError
from khabar.export import EXPORTERS, IMPORTERS, import_annotations
from khabar.export.xmi import docs_to_xmi, xmi_to_docs
from khabar.export.xmi_types import FEATURES, MENTION, SENTENCE, TOKEN, TYPE_SYSTEM_FILE
from khabar.io import load_project, render_annotations
from khabar.schema.model import Document, Entity, Mention

XMI_FIXTURES = FIXTURES / "xmi"


def test_export_xmi_is_in_both_tables() -> None:
    assert EXPORTERS["xmi"] is docs_to_xmi and IMPORTERS["xmi"] is xmi_to_docs


def test_export_xmi_round_trip_gives_identical_annotation_files(export_documents: list[Document], tmp_path: Path) -> None:
    written = docs_to_xmi(documents=export_documents, out=tmp_path)
    assert [p.name for p in written] == [TYPE_SYSTEM_FILE] + [f"{d.id}.xmi" for d in export_documents]
    back, found = xmi_to_docs(folder=tmp_path)
    assert found == []
    assert [render_annotations(d) for d in back] == [render_annotations(d) for d in export_documents]
    assert [(d.text, d.language, d.tokens, d.sentences) for d in back] == [(d.text, d.language, d.tokens, d.sentences) for d in export_documents]


def test_export_xmi_to_khabar_to_xmi_is_byte_identical(export_documents: list[Document], tmp_path: Path) -> None:
    docs_to_xmi(documents=export_documents, out=tmp_path / "first")
    back, found = xmi_to_docs(folder=tmp_path / "first")
    assert found == []
    docs_to_xmi(documents=back, out=tmp_path / "second")
    assert tree_bytes(tmp_path / "second") == tree_bytes(tmp_path / "first")


def test_export_xmi_cassis_reads_every_layer_with_the_written_type_system(talks: tuple[Document, Path]) -> None:
    doc, xmi = talks
    typesystem = load_typesystem(xmi.with_name(TYPE_SYSTEM_FILE))
    for name, features in FEATURES.items():
        assert {f: typesystem.get_type(name).get_feature(f).rangeType.name for f in features} == {f: r for f, (r, _) in features.items()}
    cas = load_cas_from_xmi(xmi, typesystem=typesystem)
    assert cas.sofa_string == doc.text
    assert [(t.begin, t.end) for t in cas.select(TOKEN)] == [(t.start, t.end) for t in doc.tokens]
    assert [(s.begin, s.end) for s in cas.select(SENTENCE)] == [(s.start, s.end) for s in doc.sentences]
    mentions = sorted(cas.select(MENTION), key=lambda fs: fs.xmiID)
    assert [(fs.id, fs.entity.id, fs.kind, fs.get_covered_text()) for fs in mentions] == [(m.id, m.entity, m.kind, m.text) for m in doc.mentions]


def test_export_xmi_counts_offsets_in_utf16_as_uima_does(tmp_path: Path) -> None:
    text = "\U0001f600 Ahmad Massoud spoke.\n"  # one code point, two UTF-16 units, before the mention
    mention = Mention(id="m1", entity="e1", kind="NAM", start=2, end=15, text="Ahmad Massoud", head_start=8, head_end=15)
    doc = text_document(doc_id="emoji", text=text, entities=(Entity(id="e1", type="PERSON", name="Ahmad Massoud"),), mentions=(mention,))
    docs_to_xmi(documents=[doc], out=tmp_path)
    element = etree.parse(str(tmp_path / "emoji.xmi")).getroot().find("{http:///webanno/custom.ecore}KhabarMention")
    assert element is not None
    assert [element.get(k) for k in ("begin", "end", "headBegin", "headEnd")] == ["3", "16", "9", "16"]
    assert xmi_to_docs(folder=tmp_path) == ([doc], [])


def _expected(folder: Path) -> list[str]:
    return (folder / "expected.findings").read_text(encoding="utf-8").splitlines()


@pytest.mark.parametrize("check", sorted(p.name for p in XMI_FIXTURES.iterdir()))
def test_export_xmi_fixture_gives_its_located_finding(check: str, tmp_path: Path) -> None:
    """Each fixture holds its one broken ``.xmi`` file; the type system is the export's own, written beside it here."""
    folder = tmp_path / check
    shutil.copytree(XMI_FIXTURES / check, folder)
    docs_to_xmi(documents=[], out=folder)  # writes TypeSystem.xml alone
    assert CATALOGUE[check].group == "import"
    with pytest.raises(KhabarError) as raised:
        import_annotations(format="xmi", folder=folder, root=FIXTURES / "valid", out=tmp_path / "out")
    assert [f"{Path(f.path).relative_to(folder)}:{f.line}: {f.level}[{f.check}]" for f in raised.value.findings] == _expected(folder)  # type: ignore[arg-type]
    assert not (tmp_path / "out").exists()


def test_export_xmi_every_xmi_check_has_a_fixture() -> None:
    assert {c.id for c in CATALOGUE.values() if c.id.startswith("xmi-")} == {p.name for p in XMI_FIXTURES.iterdir()}


def _laughs(levels: int) -> str:
    entities = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">\n' for i in range(1, levels + 1))
    return f'<?xml version="1.0"?>\n<!DOCTYPE lolz [\n<!ENTITY lol0 "lol">\n{entities}]>\n<lolz>&lol{levels};</lolz>\n'


@pytest.mark.parametrize(
    "hostile",
    [
        _laughs(12),  # a trillion "lol"s if expanded
        _laughs(1),  # harmless, but still a DOCTYPE: refused whether or not the parser would expand it
        '<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY secret SYSTEM "file:///etc/passwd">]>\n<x>&secret;</x>\n',
        '<?xml version="1.0"?>\n<!DOCTYPE x SYSTEM "http://example.invalid/x.dtd">\n<x/>\n',
    ],
    ids=["billion-laughs", "small-entity", "external-file-entity", "external-dtd"],
)
@pytest.mark.parametrize("target", ["talks.xmi", TYPE_SYSTEM_FILE])
def test_export_xmi_hostile_xml_ends_fast_with_a_finding(talks: tuple[Document, Path], hostile: str, target: str) -> None:
    _, xmi = talks
    xmi.with_name(target).write_text(hostile, encoding="utf-8")
    with deadline(10):
        docs, found = xmi_to_docs(folder=xmi.parent)
    assert docs == []
    assert [(f.check, f.path) for f in found] == [("xmi-syntax", xmi.with_name(target).as_posix())], [f.render() for f in found]
    assert "root:" not in " ".join(f.message for f in found)  # nothing of /etc/passwd was read into a message


DUPLICATE = (
    "{what} id '{id}' is already the id of the {first} at line {line}; expected each id once in a document, across all layers "
    "(the links to either would be merged): give this one an id of its own"
)
#: (the text to replace in talks.xmi, its replacement, every finding expected: check, line relative to the edited one,
#: message). The edits add no line.
MALFORMED: dict[str, tuple[str, str, list[tuple[str, int, str]]]] = {
    "not well-formed": (
        '<custom:KhabarValue xmi:id="',
        '<custom:KhabarValue < xmi:id="',
        [("xmi-syntax", 0, "not well-formed XML: error parsing attribute name, line 56, column 23")],
    ),
    "id not a number": (
        '<custom:KhabarValue xmi:id="',
        '<custom:KhabarValue xmi:id="x',
        [("xmi-syntax", 0, "xmi:id 'x54' is not a number; every element has its own number")],
    ),
    "id used again": (
        '<custom:KhabarValue xmi:id="54"',
        '<custom:KhabarValue xmi:id="53"',
        [("xmi-syntax", 0, "xmi:id '53' is used again; every element has its own number")],
    ),
    "undeclared type": (
        "<custom:KhabarValue ",
        "<custom:KhabarNumber ",
        [("xmi-type", 0, "element KhabarNumber is of type webanno.custom.KhabarNumber, which TypeSystem.xml does not declare")],
    ),
    "undeclared feature": (
        ' kind="PRO"',
        ' kind="PRO" colour="red" size="2"',
        [
            (
                "xmi-type",
                0,
                "webanno.custom.KhabarMention has no feature 'colour', 'size'; TypeSystem.xml declares begin, end, entity, headBegin, headEnd, id, kind, sofa",
            )
        ],
    ),
    "missing feature": (' kind="PRO"', "", [("xmi-type", 0, "KhabarMention (xmi:id 52) has no feature `kind`; Khabar needs it (docs/formats.md)")]),
    "missing offset": (
        ' begin="50" end="56" id="v1"',
        ' end="56" id="v1"',
        [("xmi-type", 0, "KhabarValue (xmi:id 54) has no feature `begin`; Khabar needs it (docs/formats.md)")],
    ),
    "integer feature not a number": (' headBegin="', ' headBegin="x', [("xmi-type", 0, "KhabarMention feature `headBegin` is 'x0'; expected an integer")]),
    "offset not a number": (
        ' begin="50" end="56" id="v1"',
        ' begin="5O" end="56" id="v1"',
        [("xmi-type", 0, "KhabarValue feature `begin` is '5O'; expected an integer")],
    ),
    "reference to the wrong type": (
        ' entity="',
        ' entity="1',
        [("xmi-type", 0, "KhabarMention feature `entity` points at xmi:id 140, which is not a KhabarEntity")],
    ),
    "reference not a number": (
        ' entity="40"',
        ' entity="e1"',
        [("xmi-type", 0, "KhabarMention feature `entity` points at xmi:id e1, which is not a KhabarEntity")],
    ),
    "evidence not numbers": (
        ' evidence="0"',
        ' evidence="zero"',
        [("xmi-type", 0, "KhabarRelation feature `evidence` is 'zero'; expected sentence numbers like 0,3")],
    ),
    "evidence numbers": (' evidence="0"', ' evidence="0,2"', []),
    "span outside the text": (
        'begin="50" end="56" id="v1"',
        'begin="50" end="9999" id="v1"',
        [("span-range", 0, "KhabarValue feature `end` is 9999, outside the text (0-151 UTF-16 units) or inside a character")],
    ),
    "head outside the text": (
        ' headEnd="',
        ' headEnd="9',
        [("span-range", 0, "KhabarMention feature `headEnd` is 913, outside the text (0-151 UTF-16 units) or inside a character")],
    ),
    "span backwards": ('begin="50" end="56" id="v1"', 'begin="56" end="50" id="v1"', [("span-range", 0, "KhabarValue spans 56-50; expected begin <= end")]),
    "empty span": (
        'begin="50" end="56" id="v1"',
        'begin="50" end="50" id="v1"',
        [("span-range", 0, "KhabarValue spans 50-50, which is empty; expected begin < end")],
    ),
    "unknown kind": (' kind="PRO"', ' kind="PRONOUN"', [("label-unknown", 0, "mention: `kind` must be one of NAM, NOM, PRO; found 'PRONOUN'")]),
    "entity id used again": (
        ' id="e2" entityType="PERSON"',
        ' id="e1" entityType="PERSON"',
        [("id-duplicate", 0, DUPLICATE.format(what="entity", id="e1", first="entity", line=42))],
    ),
    "value with a mention's id": (
        ' id="v1" valueType',
        ' id="m1" valueType',
        [("id-duplicate", 0, DUPLICATE.format(what="value", id="m1", first="mention", line=47))],
    ),
    "unknown fragment role": (
        ' role="cue"',
        ' role="speaker"',
        [
            ("label-unknown", 0, "an attribution fragment has role 'speaker'; expected one of cue, source, content"),
            ("yaml-missing-key", -3, "attribution: `cue` is required and needs at least one fragment"),
        ],
    ),
}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_export_xmi_malformed_file_gives_its_findings_at_the_line(talks: tuple[Document, Path], case: str) -> None:
    doc, xmi = talks
    old, new, expected = MALFORMED[case]
    source = xmi.read_text(encoding="utf-8")
    assert old in source, old
    xmi.write_text(source.replace(old, new, 1), encoding="utf-8")
    line = source[: source.index(old)].count("\n") + 1
    docs, found = xmi_to_docs(folder=xmi.parent)
    assert all(f.path == xmi.as_posix() and f.document == doc.id for f in found)
    assert [(f.check, f.line, f.message) for f in found] == [(check, line + shift, message) for check, shift, message in expected]
    if expected:
        assert docs == []  # never half a document
    else:  # evidence of two sentences, read as such
        assert [r.evidence for d in docs for r in d.relations] == [(0, 2)]


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            lambda s: s.replace("<xmi:XMI ", "<xmi:Other ").replace("</xmi:XMI>", "</xmi:Other>"),
            "expected an xmi:XMI document (UIMA CAS XMI); found the root element",
        ),
        (lambda s: re.sub(r"<cas:Sofa [^>]*/>", "", s), 'expected one cas:Sofa with sofaID="_InitialView" and the text as sofaString; found 0'),
        (lambda s: re.sub(r"(<cas:Sofa [^>]*/>)", r"\1\1", s), 'expected one cas:Sofa with sofaID="_InitialView" and the text as sofaString; found 2'),
        (lambda s: s.replace('sofaID="_InitialView"', 'sofaID="other"'), "found 0"),
    ],
    ids=["root", "no-sofa", "two-sofas", "other-view"],
)
def test_export_xmi_a_file_that_is_no_cas_is_one_finding_at_its_root(talks: tuple[Document, Path], edit: Callable[[str], str], expected: str) -> None:
    _, xmi = talks
    xmi.write_text(edit(xmi.read_text(encoding="utf-8")), encoding="utf-8")
    docs, found = xmi_to_docs(folder=xmi.parent)
    assert docs == [] and [(f.check, f.line) for f in found] == [("xmi-syntax", 2)]
    assert expected in found[0].message


def test_export_xmi_collects_every_problem_of_a_file(talks: tuple[Document, Path]) -> None:
    _, xmi = talks
    lines = xmi.read_text(encoding="utf-8").split("\n")
    broken = [i for i, line in enumerate(lines) if "<custom:KhabarMention " in line][:3]
    for i in broken:
        lines[i] = re.sub(r' kind="[A-Z]+"', "", lines[i])
    xmi.write_text("\n".join(lines), encoding="utf-8")
    docs, found = xmi_to_docs(folder=xmi.parent)
    assert docs == []
    assert [(f.check, f.line) for f in found] == [("xmi-type", i + 1) for i in broken]


@pytest.mark.parametrize("damage", ["missing", "without Khabar's types"])
def test_export_xmi_type_system_problems_are_findings(talks: tuple[Document, Path], damage: str) -> None:
    _, xmi = talks
    path = xmi.with_name(TYPE_SYSTEM_FILE)
    if damage == "missing":
        path.unlink()
    else:
        path.write_text(path.read_text(encoding="utf-8").replace("webanno.custom.KhabarValue", "webanno.custom.Other"), encoding="utf-8")
    docs, found = xmi_to_docs(folder=xmi.parent)
    assert docs == []
    assert [(f.check, f.path) for f in found] == [("xmi-syntax" if damage == "missing" else "xmi-type", path.as_posix())]


def test_export_xmi_import_through_the_cli_writes_the_annotation_files(split_project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    documents = sorted(load_project(root=split_project).documents, key=lambda d: d.id)
    assert main(["--root", str(split_project), "export", "--format", "xmi", "--out", str(tmp_path / "xmi"), "--no-gx"]) == 0
    out = tmp_path / "annotations"
    assert main(["--root", str(split_project), "import", "xmi", str(tmp_path / "xmi"), "--out", str(out)]) == 0
    assert {p.name: p.read_text(encoding="utf-8") for p in sorted(out.iterdir())} == {f"{d.id}.yaml": render_annotations(d) for d in documents}
    capsys.readouterr()
    assert main(["--root", str(split_project), "import", "xmi", str(tmp_path / "xmi"), "--out", str(out)]) == 1
    assert "pass --force to overwrite" in capsys.readouterr().err
    assert main(["--root", str(split_project), "import", "xmi", str(tmp_path / "xmi"), "--out", str(out), "--force"]) == 0


@pytest.mark.parametrize(
    "name",
    ["", 'a "quoted" & <tagged> name', "tab\there, line\nbreak, two  spaces, CR\r", "ünïcode \U0001f600"],
    ids=["empty", "markup", "whitespace", "non-ascii"],  # plain ids: mutmut hands ids back to pytest, escapes and all
)
def test_export_xmi_entity_names_round_trip(talks: tuple[Document, Path], name: str) -> None:
    doc, xmi = talks
    named = replace(doc, entities=(replace(doc.entities[0], name=name), *doc.entities[1:]))
    docs_to_xmi(documents=[named], out=xmi.parent)
    back, found = xmi_to_docs(folder=xmi.parent)
    assert found == [] and back[0].entities == named.entities
