"""The canonical reader's parts, each on its own: what the writer never writes but the grammar allows (an
attribution without its optional fields), and the pieces built at import (a layer's fields, an item's line).
Written for the survivors of issue 19's mutation run of ``annotation_format.py`` and ``layers.py`` (docs/testing.md)."""

from __future__ import annotations

import pytest
from conftest import agrees

from khabar.io.annotation_format import _Aside, _Line, read_canonical
from khabar.io.annotation_read import read_annotation_text
from khabar.io.layers import FIELDS, Field, _fields
from khabar.schema.model import SHARED_INTS

#: A canonical file with one attribution, its every field written; the tests below leave lines out.
ATTRIBUTED = """\
document: d
entities:
- {id: e1, type: PERSON, name: Ann}
mentions: []
values: []
relations: []
attributions:
- id: a1
  type: direct
  cue: [{start: 4, end: 8, text: said}]
  source: [{start: 0, end: 3, text: Ann}]
  content: [{start: 9, end: 11, text: hi}]
  source_entity: e1
  parent: null
"""


@pytest.mark.parametrize(
    "left_out",
    [("source",), ("source_entity",), ("parent",), ("source_entity", "parent"), ("source", "source_entity", "parent")],
)
def test_io_annotation_format_attribution_may_leave_out_its_optional_fields(left_out: tuple[str, ...]) -> None:
    """Left out at the end of the file too: the last attribution's last lines are its optional ones."""
    text = "".join(line for line in ATTRIBUTED.splitlines(keepends=True) if line.split(":")[0].strip() not in left_out)
    assert agrees(text), text
    (attribution,) = read_canonical(text).attributions  # type: ignore[union-attr]
    assert len(attribution.source) == (0 if "source" in left_out else 1)
    assert attribution.source_entity == (None if "source_entity" in left_out else "e1")
    assert attribution.parent is None


@pytest.mark.parametrize("required", ["type", "cue", "content"])
def test_io_annotation_format_attribution_without_a_required_field_steps_aside(required: str) -> None:
    text = "".join(line for line in ATTRIBUTED.splitlines(keepends=True) if not line.startswith(f"  {required}: "))
    assert read_canonical(ATTRIBUTED) is not None
    assert read_canonical(text) is None
    _, found = read_annotation_text(text, shown="x.yaml", stem="x")
    assert [(f.check, f.line) for f in found] == [("yaml-missing-key", 8)]


#: The sections after ``document``, every one empty.
EMPTY_SECTIONS = "entities: []\nmentions: []\nvalues: []\nrelations: []\nattributions: []\n"


@pytest.mark.parametrize(
    "text",
    [
        "document: d\n",  # the file ends before its sections
        "document: d\nunreviewed: [m1]\n",
        "document: d\n" + EMPTY_SECTIONS.replace("attributions: []", "attributions:"),  # a header, then the end
        "document: d\n" + EMPTY_SECTIONS.replace("entities: []", "entities:"),  # a header with no item under it
        "document: d\n" + EMPTY_SECTIONS.replace("entities: []", "entitie:\n- {id: e1, type: PERSON, name: Ann}"),  # misspelt
    ],
)
def test_io_annotation_format_missing_or_misspelt_section_steps_aside(text: str) -> None:
    assert read_canonical("document: d\n" + EMPTY_SECTIONS) is not None
    assert read_canonical(text) is None, text


def test_io_annotation_format_offsets_below_the_shared_bound_are_the_shared_ints() -> None:
    """The model shares the ints below ``len(SHARED_INTS)`` (a corpus holds millions of offsets): the reader gives
    those very objects, and reads the first offset past them as it is."""
    bound = len(SHARED_INTS)
    text = f"document: d\nentities: []\nmentions: []\nvalues:\n- {{id: v1, type: DATE, start: {bound - 1}, end: {bound}, text: x}}\n"
    (value,) = read_canonical(text + "relations: []\nattributions: []\n").values  # type: ignore[union-attr]
    assert value.start is SHARED_INTS[bound - 1]
    assert (value.start, value.end) == (bound - 1, bound)


@pytest.mark.parametrize(
    ("members", "evidence", "line", "message"),
    [
        ("e2", "[0]", 3, "entity: `members` must be a list of ids, found 'e2'"),  # not split into characters
        ("7", "[0]", 3, "entity: `members` must be a list of ids, found 7"),
        ("null", "[0]", 3, "entity: `members` must be a list of ids, found None"),
        ("[e2]", "3", 8, "relation: `evidence` must be a list of sentence indices, found 3"),
        ("[e2]", "null", 8, "relation: `evidence` must be a list of sentence indices, found None"),
    ],
)
def test_io_layers_ids_not_in_a_list_are_refused_by_the_model(members: str, evidence: str, line: int, message: str) -> None:
    text = (
        f"document: d\nentities:\n- {{id: e1, type: PERSON, name: Ann, members: {members}}}\n- {{id: e2, type: PERSON, name: Bo}}\n"
        f"mentions: []\nvalues: []\nrelations:\n- {{id: r1, label: per:associate, head: e1, tail: e2, evidence: {evidence}}}\n"
        "attributions: []\n"
    )
    assert read_canonical(text) is None
    layers, found = read_annotation_text(text, shown="x.yaml", stem="x")
    assert [(f.check, f.line, f.message) for f in found] == [("yaml-type", line, message)]
    assert layers is not None and len(layers.entities) + len(layers.relations) == 2  # the item refused is left out


def test_io_layers_fields_read_key_kind_and_optional() -> None:
    assert _fields("id:text", "members:texts?", "head:span") == (
        Field("id", "text", False),
        Field("members", "texts", True),
        Field("head", "span", False),
    )


@pytest.mark.parametrize(
    ("layer", "line", "values"),
    [
        ("entities", '{id: e1, type: PERSON, name: "Ann Lee", members: [e2, e3]}', {"id": "e1", "type": "PERSON", "name": "Ann Lee", "members": ("e2", "e3")}),
        ("entities", "{id: e1, type: PERSON, name: Ann}", {"id": "e1", "type": "PERSON", "name": "Ann"}),
        (
            "mentions",
            "{id: m1, entity: e1, kind: NAM, start: 0, end: 7, text: Ann Lee, head: {start: 4, end: 7, text: Lee}}",
            {"id": "m1", "entity": "e1", "kind": "NAM", "start": 0, "end": 7, "text": "Ann Lee", "head": (4, 7, "Lee")},
        ),
        ("values", "{id: v1, type: DATE, start: 3, end: 9, text: Monday}", {"id": "v1", "type": "DATE", "start": 3, "end": 9, "text": "Monday"}),
        ("relations", "{id: r1, label: x, head: e1, tail: e2, evidence: [0, 12]}", {"id": "r1", "label": "x", "head": "e1", "tail": "e2", "evidence": (0, 12)}),
    ],
)
def test_io_annotation_format_line_gives_each_fields_value(layer: str, line: str, values: dict[str, object]) -> None:
    assert _Line(FIELDS[layer]).values(line) == values


@pytest.mark.parametrize(
    ("layer", "line"),
    [
        ("entities", "{id: e1, type: PERSON}"),  # a required field left out
        ("entities", "{id: e1, type: PERSON, name: Ann, }"),
        ("entities", "{type: PERSON, id: e1, name: Ann}"),  # out of order
        ("relations", "{id: r1, label: x, head: e1, tail: e2}"),
        ("values", "id: v1, type: DATE, start: 3, end: 9, text: Monday"),  # no braces
    ],
)
def test_io_annotation_format_line_outside_the_grammar_steps_aside(layer: str, line: str) -> None:
    with pytest.raises(_Aside):
        _Line(FIELDS[layer]).values(line)
