"""brat import: every finding of each malformed line, whole (mutmut survivors of issue 19: the messages of
``khabar.export.brat_read`` and ``brat_resolve`` were never read), and the writer's helpers of
``khabar.export.brat_format`` and ``khabar.export.common``.

The damaged files are those of ``tests/test_export_brat.py`` (``MALFORMED``), made from the valid fixture's export,
whose lines are: T1-T9 the mentions (T3 Tehran, T4 Iran, T5 the two leaders, T6 Khan, T8 him, T9 Iran), T10 the
value Monday, T11-T19 the attribution parts, A1-A9 the kinds, A10-A12 the attribution types, the Coref lines
``T1 T7``, ``T2 T6 T8`` and ``T4 T9``, R1 ``loc_located_in Arg1:T3 Arg2:T4``, E1-E3 and the notes #1-#14.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES
from test_export_brat import MALFORMED
from test_export_xmi import DUPLICATE

from khabar.core.findings import KhabarError
from khabar.export.brat import brat_to_docs, docs_to_brat
from khabar.export.brat_format import parse_note, render_conf, render_note, shown
from khabar.export.common import require_references, token_span
from khabar.io import load_project
from khabar.schema.labels import ATTRIBUTION_TYPES, ENTITY_TYPES, MENTION_KINDS, VALUE_TYPES
from khabar.schema.relations import RELATIONS

PARTS = "(the trigger is an Attribution text-bound, Source and Content text-bounds of those types, Speaker a mention, Parent an event)"
NO_KIND = "mention {0} has no Kind attribute; add `A<n>\tKind {0} NAM|NOM|PRO`"
NOT_A_MENTION = "A{0}: Kind applies to mentions; T{0} is not one"
EXPECTED: dict[str, list[tuple[str, str]]] = {
    "no tab after the id": [("brat-syntax", "expected an id like T1, A1, R1, E1, #1 or *; found 'T1 PERSON 0 13'")],
    "offsets not numbers": [("brat-syntax", "expected `T2<TAB>TYPE START END[;START END...]<TAB>text`; found 'PERSON 18 x29'")],
    "unknown id prefix": [("brat-syntax", "expected an id like T1, A1, R1, E1, #1 or *; found 'X1'")],
    "normalization line": [("brat-syntax", "N1: Khabar imports no normalization lines; remove the line")],
    "unknown event role": [("brat-syntax", "E1: argument 'Listener:T5' is not one of Source, Content, Speaker, Parent")],
    "duplicate id": [("brat-syntax", "id T1 is used again (first on line 1); every brat id is unique in its file")],
    "unknown note key": [("brat-syntax", "the note of T6 (mention) has an unknown key `colour`; expected id, head, entity, name, member")],
    "bad head": [("brat-syntax", "the note of T5 has head='77'; expected head=START-END")],
    "bad evidence": [("brat-syntax", "the note of R1 has evidence='zero'; expected sentence numbers like evidence=0,3")],
    "offsets beyond the text": [
        ("span-range", "T9: a span of GPE 134 999 is empty or outside the text, which has 151 characters; expected 0 <= start < end <= 151"),
        ("brat-reference", NOT_A_MENTION.format(9)),
        ("brat-reference", "Coref links T9, which is not a mention"),
    ],
    "stated text differs": [
        ("span-text", "T3 states 'Teheran' but its offsets cover 'Tehran'; fix the offsets or the text"),
        ("brat-reference", NOT_A_MENTION.format(3)),
        ("brat-reference", "R1 links T3 and T4; both arguments must be mentions"),
    ],
    "unknown text-bound type": [
        (
            "label-unknown",
            f"T3 has type 'CITY'; expected an entity type ({', '.join(ENTITY_TYPES)}), a value type ({', '.join(VALUE_TYPES)}) or Attribution, Source, Content",
        ),
        ("brat-reference", NOT_A_MENTION.format(3)),
        ("brat-reference", "R1 links T3 and T4; both arguments must be mentions"),
    ],
    "unknown relation type": [
        ("label-unknown", "R1: relation type 'loc:located_in'; expected one of " + ", ".join(name.replace(":", "_") for name in RELATIONS))
    ],
    "unknown kind": [
        ("brat-reference", NO_KIND.format("T1")),
        ("label-unknown", f"A1: attribute Kind 'NAME'; expected Kind {'|'.join(MENTION_KINDS)} or AttributionType {'|'.join(ATTRIBUTION_TYPES)}"),
    ],
    "note on a missing id": [
        ("brat-reference", "T6 has no AnnotatorNotes note; every mention needs one with id=<its Khabar id>"),
        ("brat-reference", "#6 is a note on T66, which does not exist"),
    ],
    "kind on a value": [("brat-reference", NO_KIND.format("T1")), ("brat-reference", "A1: Kind applies to mentions; T10 is not one")],
    "relation to a value": [("brat-reference", "R1 links T3 and T10; both arguments must be mentions")],
    "event without its type": [("brat-reference", f"E1: it has no AttributionType attribute {PARTS}")],
    "mention without a kind": [("brat-reference", NO_KIND.format("T8"))],
    "mention without a note": [("brat-reference", "T8 has no AnnotatorNotes note; every mention needs one with id=<its Khabar id>")],
    "chain with two entity notes": [
        ("brat-reference", f"E2: speaker T6 is not of the right kind {PARTS}"),
        ("brat-reference", "the coreference chain T2 T6 T8 has 2 notes with entity=; expected exactly one (the entity's id, name and members)"),
    ],
    "chain mixing types": [
        ("brat-reference", "T6 is ORG but its coreference chain T2 T6 T8 starts with a PERSON; a chain has one type"),
        ("brat-reference", f"E2: speaker T6 is not of the right kind {PARTS}"),
    ],
    "coreference with a value": [
        ("brat-reference", "the coreference chain T9 has 0 notes with entity=; expected exactly one (the entity's id, name and members)"),
        ("brat-reference", "Coref links T10, which is not a mention"),
    ],
    "two chains of one entity id": [("id-duplicate", DUPLICATE.format(what="entity", id="e3", first="entity", line=41))],
}


def _damaged(case: str, folder: Path) -> tuple[Path, int]:
    [doc] = load_project(root=FIXTURES / "valid").documents
    docs_to_brat(documents=[doc], out=folder)
    ann = folder / f"{doc.id}.ann"
    lines, line = MALFORMED[case][0](ann.read_text(encoding="utf-8").splitlines())
    ann.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return ann, line


@pytest.mark.parametrize("case", list(EXPECTED))
def test_export_brat_each_malformed_line_gives_exactly_its_findings_in_words(case: str, tmp_path: Path) -> None:
    ann, line = _damaged(case, tmp_path)
    docs, found = brat_to_docs(folder=tmp_path)
    assert docs == []
    assert [(f.check, f.message) for f in found] == EXPECTED[case]
    assert (MALFORMED[case][1], line) in [(f.check, f.line) for f in found]
    assert all((f.path, f.document, f.level) == (ann.as_posix(), "talks", "error") for f in found)


def test_export_brat_a_note_that_does_not_parse_is_reported_once_at_its_line(tmp_path: Path) -> None:
    """Once: not again as an unsafe empty id (the stand-in it used to leave) or as a note-less annotation."""
    ann, line = _damaged("note not key=value", tmp_path)
    _, found = brat_to_docs(folder=tmp_path)
    assert [(f.check, f.line, f.message) for f in found] == [
        ("brat-syntax", line, "#6: expected key=value pairs (a value with spaces in double quotes); found 'just words'")
    ]


@pytest.mark.parametrize(
    ("note", "old", "new", "at", "expected"),
    [
        ("T6", "id=m6", "id=m1", r"^T6\t", {"what": "mention", "id": "m1", "first": "mention", "line": 1}),
        ("T10", "id=v1", "id=m3", r"^T10\t", {"what": "value", "id": "m3", "first": "mention", "line": 3}),
        ("R1", "id=r1", "id=e5", r"^R1\t", {"what": "relation", "id": "e5", "first": "entity", "line": 43}),
        ("E3", "id=a3", "id=a2", r"^E3\t", {"what": "attribution", "id": "a2", "first": "attribution", "line": 37}),
    ],
    ids=["mention", "value", "relation", "attribution"],
)
def test_export_brat_an_id_used_again_is_found_at_the_second_item(note: str, old: str, new: str, at: str, expected: dict[str, Any], tmp_path: Path) -> None:
    """Khabar's files link by id: two items of one id would merge what links to them, so the import refuses it,
    at the line the second item is built from (a mention's, value's, relation's or event's own line)."""
    [doc] = load_project(root=FIXTURES / "valid").documents
    docs_to_brat(documents=[doc], out=tmp_path)
    ann = tmp_path / f"{doc.id}.ann"
    lines = ann.read_text(encoding="utf-8").splitlines()
    i = next(i for i, line in enumerate(lines) if line.startswith("#") and f"AnnotatorNotes {note}\t" in line)
    lines[i] = lines[i].replace(old, new, 1)
    ann.write_text("\n".join(lines) + "\n", encoding="utf-8")
    docs, found = brat_to_docs(folder=tmp_path)
    line = next(n for n, text in enumerate(lines, 1) if re.match(at, text))
    assert docs == []
    assert [(f.check, f.line, f.message) for f in found] == [("id-duplicate", line, DUPLICATE.format(**expected))]


def test_export_brat_every_malformed_case_has_its_words() -> None:
    assert set(EXPECTED) | {"note not key=value"} == set(MALFORMED)


# --- brat_format --------------------------------------------------------------------------


def test_export_brat_shown_text_turns_each_line_break_and_tab_into_one_space() -> None:
    assert shown(text="a\tb\nc\r\nd") == "a b c  d"


def test_export_brat_notes_keep_non_ascii_characters_as_they_are() -> None:
    assert render_note(pairs=[("name", "Ünal Köy"), ("id", "m1")]) == 'name="Ünal Köy" id=m1'


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("id=m1 =x", "expected key=value pairs (a value with spaces in double quotes); found '=x'"),
        ("id=m1 " + "x" * 40, "expected key=value pairs (a value with spaces in double quotes); found '" + "x" * 30 + "'"),
        ('id=m1 name="a\\qb"', "the quoted value of `name` is not a valid JSON string: Invalid \\escape"),
    ],
)
def test_export_brat_a_note_that_does_not_parse_says_where(text: str, message: str) -> None:
    with pytest.raises(ValueError) as exc:
        parse_note(text=text)
    assert str(exc.value) == message


def test_export_brat_a_note_of_several_pairs_parses_each() -> None:
    assert parse_note(text='id=m5 head=77-84 name="the two leaders" member=e1 member=e2') == [
        ("id", "m5"),
        ("head", "77-84"),
        ("name", "the two leaders"),
        ("member", "e1"),
        ("member", "e2"),
    ]


def test_export_brat_conf_has_its_four_sections_and_every_type() -> None:
    conf = render_conf()
    assert conf.endswith("\n") and not conf.endswith("\n\n")
    comments = [line for line in conf.split("\n") if line.startswith("#")]
    assert comments == [
        "# brat configuration of a Khabar export (`khabar export --format brat`).",
        "# Relation types are Khabar labels with ':' written as '_' (per:origin -> per_origin).",
    ]
    body = [line for line in conf[:-1].split("\n") if not line.startswith("#")]
    sections: dict[str, list[str]] = {}
    for block in "\n".join(body).split("\n\n"):
        head, *lines = block.split("\n")
        sections[head] = lines
    assert list(sections) == ["[entities]", "[relations]", "[events]", "[attributes]"]
    assert sections["[entities]"] == [*ENTITY_TYPES, *VALUE_TYPES, "Source", "Content"]
    mentions = "|".join(ENTITY_TYPES)
    assert sections["[relations]"][0] == f"Coref\tArg1:{mentions}, Arg2:{mentions}, <REL-TYPE>:symmetric-transitive"
    assert [line.split("\t")[0] for line in sections["[relations]"][1:-1]] == [name.replace(":", "_") for name in RELATIONS]
    assert sections["[relations]"][-1] == "<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>"
    assert sections["[events]"] == [f"Attribution\tSource?:Source, Content:Content, Speaker?:{mentions}, Parent?:Attribution"]
    assert sections["[attributes]"] == [f"Kind\tArg:{mentions}, Value:NAM|NOM|PRO", "AttributionType\tArg:Attribution, Value:direct|indirect|mixed"]


# --- common -------------------------------------------------------------------------------


def _valid():  # type: ignore[no-untyped-def]
    [doc] = load_project(root=FIXTURES / "valid").documents
    return doc


def test_export_common_every_dangling_reference_is_refused_in_words() -> None:
    doc = _valid()
    mentions = tuple(replace(m, entity="e0") if m.id == "m9" else m for m in doc.mentions)
    relations = tuple(replace(r, tail="e8") for r in doc.relations)
    attributions = tuple(replace(a, source_entity="e7", parent="a0") if a.id == "a3" else a for a in doc.attributions)
    entities = doc.entities + (replace(doc.entities[0], id="e6"),)
    broken = replace(doc, mentions=mentions, relations=relations, attributions=attributions, entities=entities)
    with pytest.raises(KhabarError) as exc:
        require_references(doc=broken)
    assert [(f.check, f.document, f.annotation, f.message) for f in exc.value.findings] == [
        ("ref-missing", "talks", "m9", "mention m9 names entity 'e0', which does not exist"),
        ("ref-missing", "talks", "r1", "relation r1 names entity 'e8', which does not exist"),
        ("ref-missing", "talks", "a3", "attribution a3 names 'e7', which does not exist"),
        ("ref-missing", "talks", "a3", "attribution a3 names 'a0', which does not exist"),
        ("entity-no-mention", "talks", "e6", "entity e6 has no mention; it cannot be exported"),
    ]


def test_export_common_a_span_off_token_boundaries_is_refused_in_words() -> None:
    doc = _valid()
    with pytest.raises(KhabarError) as exc:
        token_span(doc=doc, start=1, end=13, what="mention m1")
    assert [(f.check, f.document, f.span, f.message) for f in exc.value.findings] == [
        ("span-token-boundary", "talks", (1, 13), "mention m1 1-13 ('hmad Massoud') does not start and end on token boundaries; it cannot be exported")
    ]
