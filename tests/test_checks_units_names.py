"""The corpus-wide type check and the workflow check, called directly (mutmut survivors of issue 19).

``type-inconsistent`` is worked on :class:`~khabar.checks.names.NameHeads` made by hand, so that every count
and every tie is known; ``unreviewed`` on a copy of the valid project.
"""

from __future__ import annotations

from array import array
from pathlib import Path

import pytest

from khabar.checks.names import NameHeads, type_findings
from khabar.pipeline import validate


def _heads(doc: str, *types: str) -> NameHeads:
    """A document ``Khan Khan ...`` whose n-th "Khan" is a name head of the n-th type ("?": a missing entity)."""
    text = " ".join(["Khan"] * len(types))
    spans = [(5 * i, 5 * i + 4) for i in range(len(types))]
    return NameHeads(
        doc,
        text,
        tuple((s, e, t, f"m{i}") for i, ((s, e), t) in enumerate(zip(spans, types, strict=True))),
        array("q", [s for s, _ in spans]),
        array("q", [e for _, e in spans]),
    )


def _locate(check: str, message: str, *, document: str, annotation: str) -> tuple[str, str, str, str]:
    return (check, document, annotation, message)


def _message(etype: str, majority: str, count: int) -> str:
    return f"name 'Khan' is {etype} here but {majority} in {count} other place(s); expected one type per name string"


@pytest.mark.parametrize(
    ("summaries", "expected"),
    [
        # the minority type is reported, against the majority's count over the corpus; a missing entity counts for nothing
        ([_heads("d1", "PERSON", "ORG", "?"), _heads("d2", "PERSON", "PERSON")], [("d1", "m1", _message("ORG", "PERSON", 3))]),
        # one type and missing entities: consistent
        ([_heads("d1", "PERSON", "?", "?")], []),
        # a tie: the type first in alphabetical order is the majority, whatever the order of the heads
        ([_heads("d1", "PERSON", "ORG")], [("d1", "m0", _message("PERSON", "ORG", 1))]),
        ([_heads("d1", "ORG", "PERSON")], [("d1", "m1", _message("PERSON", "ORG", 1))]),
        # counts, not first appearances: two GPE after one ORG
        ([_heads("d1", "ORG", "GPE", "GPE")], [("d1", "m0", _message("ORG", "GPE", 2))]),
    ],
    ids=["majority", "missing-entities", "tie", "tie-reversed", "counted"],
)
def test_checks_names_type_findings_report_the_minority_types(summaries: list[NameHeads], expected: list[tuple[str, str, str]]) -> None:
    found = list(type_findings(summaries, _locate))  # type: ignore[arg-type]
    assert found == [("type-inconsistent", doc, mention, message) for doc, mention, message in expected]


def test_checks_workflow_every_unreviewed_id_is_checked_after_an_unknown_one(tiny_project: Path) -> None:
    ann = tiny_project / "annotations" / "talks.yaml"
    ann.write_text(ann.read_text(encoding="utf-8").replace("entities:", "unreviewed: [zz9, m1, m2]\nentities:", 1), encoding="utf-8")
    lines = ann.read_text(encoding="utf-8").split("\n")
    at = {text: lines.index(text) + 1 for text in ("unreviewed: [zz9, m1, m2]", "- id: m1", "- id: m2")}
    _, found = validate(root=tiny_project, gx=False)
    assert [(f.check, f.annotation, f.line) for f in found] == [
        ("unreviewed-unknown", None, at["unreviewed: [zz9, m1, m2]"]),
        ("unreviewed-annotation", "m1", at["- id: m1"]),
        ("unreviewed-annotation", "m2", at["- id: m2"]),
    ]
    assert found[0].message == "`unreviewed` lists 'zz9', which is no annotation of this file; remove it from the list"
    assert found[1].message == "m1 was proposed by a tool and is not reviewed; check it against the guidelines, then remove its id from `unreviewed`"


def _scan(text: str, tokens: list[tuple[int, int]], annotated: str, names: list[tuple[int, int]]) -> list[tuple[int, int]]:
    from khabar.checks.names import name_index, name_strings, unannotated

    h = NameHeads("d", text, (), array("q", [s for s, _ in tokens]), array("q", [e for _, e in tokens]))
    other = NameHeads(
        "o", annotated, tuple((s, e, "PERSON", f"m{i}") for i, (s, e) in enumerate(names)), array("q", [s for s, _ in names]), array("q", [e for _, e in names])
    )
    return unannotated(h, name_index(name_strings([h, other])))


def test_checks_names_a_name_of_exactly_the_prefix_length_is_found() -> None:
    assert _scan("Ali met Ali", [(0, 3), (4, 7), (8, 11)], "Ali", [(0, 3)]) == [(0, 3), (8, 11)]


def test_checks_names_a_prefix_without_its_name_finds_nothing() -> None:
    # "Kha" at a token start that is also a token end: the window matches, "Khan" does not, and no short name
    # (an empty pattern would match there, an empty name)
    assert _scan("(Khat", [(0, 1), (1, 5)], "Khan", [(0, 4)]) == []
