"""brat import, the references between lines (``khabar.export.brat_resolve``): each refusal in words, at its line
(mutmut survivors of issue 19). Each case edits one line of the valid fixture's export, or adds one."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import FIXTURES

from khabar.export.brat import brat_to_docs, docs_to_brat
from khabar.io import load_project

NEEDS = "; name= and member= go only with entity="
PARTS = "(the trigger is an Attribution text-bound, Source and Content text-bounds of those types, Speaker a mention, Parent an event)"


def _export(folder: Path) -> Path:
    [doc] = load_project(root=FIXTURES / "valid").documents
    docs_to_brat(documents=[doc], out=folder)
    return folder / "talks.ann"


def _edit(prefix: str, new: str) -> Callable[[list[str]], tuple[list[str], int]]:
    """Replace the line starting with ``prefix`` by ``new``; the finding's line is that line."""

    def edit(lines: list[str]) -> tuple[list[str], int]:
        i = next(i for i, line in enumerate(lines) if line.startswith(prefix))
        return lines[:i] + [new] + lines[i + 1 :], i + 1

    return edit


def _add(new: str) -> Callable[[list[str]], tuple[list[str], int]]:
    def edit(lines: list[str]) -> tuple[list[str], int]:
        return lines[:-1] + [new, ""], len(lines)  # the file ends with a line break: its last "line" is empty

    return edit


CASES = {
    "second-note": (_add("#99\tAnnotatorNotes T6\tid=m6"), "brat-reference", "#99 is a second note on T6 (the first is on line {#6}); merge them into one"),
    "second-attribute": (_add("A99\tKind T1 NAM"), "brat-reference", "A99: T1 has a second Kind attribute"),
    "value-in-two-fragments": (
        _edit("T10\t", "T10\tDATE 50 53;53 56\tMon day"),
        "brat-syntax",
        "T10 (DATE) has 2 fragments; a mention or value is one contiguous span",
    ),
    "empty-span": (
        _edit("T10\t", "T10\tDATE 50 50\t"),
        "span-range",
        "T10: a span of DATE 50 50 is empty or outside the text, which has 151 characters; expected 0 <= start < end <= 151",
    ),
    "equivalence-not-coref": (_edit("*\tCoref T1 T7", "*\tSame T1 T7"), "label-unknown", "an equivalence of type 'Same'; expected Coref"),
    "coref-with-two-non-mentions": (_edit("*\tCoref T1 T7", "*\tCoref T1 T10 T11"), "brat-reference", "Coref links T10, T11, which are not mentions"),
    "repeated-note-key": (
        _edit("#6\t", "#6\tAnnotatorNotes T6\tid=m6 id=m7"),
        "brat-syntax",
        "the note of T6 (mention) has a repeated key `id`; expected id, head, entity, name, member",
    ),
    "note-without-id": (_edit("#6\t", "#6\tAnnotatorNotes T6\thead=102-106"), "brat-syntax", "the note of T6 (mention) needs id=" + NEEDS),
    "entity-note-without-name": (
        _edit("#1\t", "#1\tAnnotatorNotes T1\tid=m1 entity=e1"),
        "brat-syntax",
        "the note of T1 (mention) needs id= and name=" + NEEDS,
    ),
    "name-without-entity": (_edit("#6\t", "#6\tAnnotatorNotes T6\tid=m6 name=Khan"), "brat-syntax", "the note of T6 (mention) needs id=" + NEEDS),
    "member-without-entity": (_edit("#6\t", "#6\tAnnotatorNotes T6\tid=m6 member=e1"), "brat-syntax", "the note of T6 (mention) needs id=" + NEEDS),
    "value-note-with-a-mention-key": (
        _edit("#10\t", "#10\tAnnotatorNotes T10\tid=v1 head=50-56"),
        "brat-syntax",
        "the note of T10 (value) has an unknown key `head`; expected id",
    ),
    "part-of-no-event": (
        _add("T99\tContent 58 67\tThe talks"),
        "brat-reference",
        "T99 (Content) is part of 0 events; each attribution part belongs to exactly one",
    ),
    "part-of-two-events": (
        _edit("E2\t", "E2\tAttribution:T14 Source:T15 Content:T13 Speaker:T6"),
        "brat-reference",
        "T13 (Content) is part of 2 events; each attribution part belongs to exactly one",
    ),
    "event-type": (_edit("E1\t", "E1\tQuote:T11 Source:T12 Content:T13 Speaker:T5"), "label-unknown", "E1: event type 'Quote'; expected Attribution"),
    "event-without-content": (_edit("E1\t", "E1\tAttribution:T11 Source:T12 Speaker:T5"), "brat-reference", f"E1: it has no Content {PARTS}"),
    "two-bad-roles": (
        _edit("E1\t", "E1\tAttribution:T11 Source:T12 Content:T13 Speaker:T10 Parent:E9"),
        "brat-reference",
        f"E1: speaker T10, parent E9 are not of the right kind {PARTS}",
    ),
    "note-on-an-attribute": (
        _add("#99\tAnnotatorNotes A1\tid=x"),
        "brat-reference",
        "the note on A1 carries nothing Khabar reads; notes belong to mentions, values, relations and events",
    ),
    "part-of-the-wrong-type": (
        _edit("E1\t", "E1\tAttribution:T11 Source:T10 Content:T13 Speaker:T5"),
        "brat-reference",
        f"E1: source T10 is not of the right kind {PARTS}",
    ),
    "fragment-beyond-the-text": (
        _edit("T13\t", "T13\tContent 58 67;91 999\tThe talks went well"),
        "span-range",
        "T13: a span of Content 58 67;91 999 is empty or outside the text, which has 151 characters; expected 0 <= start < end <= 151",
    ),
    "type-on-a-mention": (_add("A99\tAttributionType T1 direct"), "brat-reference", "A99: AttributionType applies to Attribution events; T1 is not one"),
    "value-without-note": (_edit("#10\t", ""), "brat-reference", "T10 has no AnnotatorNotes note; every value needs one with id=<its Khabar id>"),
    "relation-without-note": (_edit("#11\t", ""), "brat-reference", "R1 has no AnnotatorNotes note; every relation needs one with id=<its Khabar id>"),
    "event-without-note": (_edit("#12\t", ""), "brat-reference", "E1 has no AnnotatorNotes note; every event needs one with id=<its Khabar id>"),
}
AT_LINE = {"part-of-two-events": "T13\t", "value-without-note": "T10\t", "relation-without-note": "R1\t", "event-without-note": "E1\t"}


@pytest.mark.parametrize("case", list(CASES))
def test_export_brat_resolve_each_refusal_is_in_words_at_its_line(case: str, tmp_path: Path) -> None:
    ann = _export(tmp_path)
    edit, check, message = CASES[case]
    lines, line = edit(ann.read_text(encoding="utf-8").split("\n"))
    ann.write_text("\n".join(lines), encoding="utf-8")
    message = message.replace("{#6}", str(next(i + 1 for i, x in enumerate(lines) if x.startswith("#6\t"))))
    if case in AT_LINE:  # reported at the line of the annotation at fault, not at the line edited
        line = next(i + 1 for i, x in enumerate(lines) if x.startswith(AT_LINE[case]))
    docs, found = brat_to_docs(folder=tmp_path)
    assert docs == []
    where = [(f.check, f.line, f.message) for f in found]
    assert (check, line, message) in where, where


@pytest.mark.parametrize(
    ("prefix", "new", "line_of", "start"),
    [
        ("#1\t", '#1\tAnnotatorNotes T1\tid=m1 entity="e 1" name="Ahmad Massoud"', "#1\t", "entity: `id` 'e 1' is not a safe id"),
        ("#6\t", '#6\tAnnotatorNotes T6\tid="m 6"', "T6\t", "mention: `id` 'm 6' is not a safe id"),
        ("#10\t", '#10\tAnnotatorNotes T10\tid="v 1"', "T10\t", "value: `id` 'v 1' is not a safe id"),
        ("#11\t", '#11\tAnnotatorNotes R1\tid="r 1" evidence=0', "R1\t", "relation: `id` 'r 1' is not a safe id"),
        ("#12\t", '#12\tAnnotatorNotes E1\tid="a 1"', "E1\t", "attribution: `id` 'a 1' is not a safe id"),
    ],
    ids=["entity", "mention", "value", "relation", "attribution"],
)
def test_export_brat_resolve_a_model_refusal_names_what_it_was_building(prefix: str, new: str, line_of: str, start: str, tmp_path: Path) -> None:
    ann = _export(tmp_path)
    lines, _ = _edit(prefix, new)(ann.read_text(encoding="utf-8").split("\n"))
    ann.write_text("\n".join(lines), encoding="utf-8")
    _, found = brat_to_docs(folder=tmp_path)
    line = next(i + 1 for i, x in enumerate(lines) if x.startswith(line_of))
    assert [(f.check, f.line) for f in found if f.message.startswith(start)] == [("id-unsafe", line)]


def test_export_brat_resolve_a_relation_note_without_evidence_reads_as_no_evidence(tmp_path: Path) -> None:
    ann = _export(tmp_path)
    lines, _ = _edit("#11\t", "#11\tAnnotatorNotes R1\tid=r1")(ann.read_text(encoding="utf-8").split("\n"))
    ann.write_text("\n".join(lines), encoding="utf-8")
    docs, found = brat_to_docs(folder=tmp_path)
    assert found == [] and [(r.id, r.evidence) for r in docs[0].relations] == [("r1", ())]


def test_export_brat_resolve_other_comment_lines_are_ignored(tmp_path: Path) -> None:
    ann = _export(tmp_path)
    ann.write_text(ann.read_text(encoding="utf-8") + "#99\tSTATUS T1\tdone\n", encoding="utf-8")
    docs, found = brat_to_docs(folder=tmp_path)
    assert found == [] and [d.id for d in docs] == ["talks"]


def test_export_brat_resolve_a_span_may_end_at_the_end_of_the_text(tmp_path: Path) -> None:
    ann = _export(tmp_path)
    text = (tmp_path / "talks.txt").read_text(encoding="utf-8")
    end = len(text)
    ann.write_text(
        ann.read_text(encoding="utf-8").replace("T19\tContent 134 149\tIran would help", f"T19\tContent 134 {end}\t{text[134:end].replace(chr(10), ' ')}"),
        encoding="utf-8",
    )
    docs, found = brat_to_docs(folder=tmp_path)
    assert found == [] and [f.end for a in docs[0].attributions for f in a.content][-1] == end
