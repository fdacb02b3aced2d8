"""The annotation writer by what it writes: the exact text of small hand-made documents, what plain PyYAML and the
canonical reader read back from it, and which scalars are written plain. Written for the survivors of issue 19's
mutation run of ``annotation_write.py`` (docs/testing.md)."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from khabar.io.annotation_format import read_canonical
from khabar.io.annotation_write import flow, render_annotations, scalar
from khabar.schema.model import Attribution, Document, Entity, Fragment, Mention, Relation, Value

TEXT = "Ann said hi to Bob and Cy on Monday."


def _document(**layers: Any) -> Document:
    """A document of ``TEXT`` with the given layers (the others empty)."""
    empty: dict[str, Any] = {"entities": (), "mentions": (), "values": (), "relations": (), "attributions": ()}
    return Document(
        id="d1", title=None, source=None, url=None, published=None, language="en", licence=None, attribution=None,
        split=None, provenance=None, text=TEXT, sentences=(), tokens=(), **(empty | layers),
    )  # fmt: skip


SAID, ANN, HI, MONDAY = Fragment(4, 8, "said"), Fragment(0, 3, "Ann"), Fragment(9, 11, "hi"), Fragment(29, 35, "Monday")

#: Every layer, an entity with members and one without, an attribution with every optional field and one with none.
FULL = _document(
    entities=(
        Entity("e1", "PERSON", "Ann"),
        Entity("g1", "PERSON", "Bob and Cy", members=("e2", "e3")),
        Entity("e2", "PERSON", "Bob"),
        Entity("e3", "PERSON", "Cy"),
    ),
    mentions=(Mention("m1", "e1", "NAM", 0, 3, "Ann", 0, 3), Mention("m2", "g1", "NOM", 15, 25, "Bob and Cy", 15, 18)),
    values=(Value("v1", "DATE", 29, 35, "Monday"),),
    relations=(Relation("r1", "per:parents", "e1", "g1", (0, 2)),),
    attributions=(
        Attribution("a1", "direct", cue=(SAID,), source=(ANN,), content=(HI,), source_entity="e1"),
        Attribution("a2", "indirect", cue=(SAID,), source=(), content=(HI, MONDAY), parent="a1"),
    ),
)

FULL_TEXT = """\
document: d1
unreviewed: [m2, v1]
entities:
- {id: e1, type: PERSON, name: Ann}
- {id: g1, type: PERSON, name: Bob and Cy, members: [e2, e3]}
- {id: e2, type: PERSON, name: Bob}
- {id: e3, type: PERSON, name: Cy}
mentions:
- {id: m1, entity: e1, kind: NAM, start: 0, end: 3, text: Ann, head: {start: 0, end: 3, text: Ann}}
- {id: m2, entity: g1, kind: NOM, start: 15, end: 25, text: Bob and Cy, head: {start: 15, end: 18, text: Bob}}
values:
- {id: v1, type: DATE, start: 29, end: 35, text: Monday}
relations:
- {id: r1, label: "per:parents", head: e1, tail: g1, evidence: [0, 2]}
attributions:
- id: a1
  type: direct
  cue: [{start: 4, end: 8, text: said}]
  source: [{start: 0, end: 3, text: Ann}]
  content: [{start: 9, end: 11, text: hi}]
  source_entity: e1
  parent: null
- id: a2
  type: indirect
  cue: [{start: 4, end: 8, text: said}]
  source: []
  content: [{start: 9, end: 11, text: hi}, {start: 29, end: 35, text: Monday}]
  source_entity: null
  parent: a1
"""

EMPTY_TEXT = "document: d1\nentities: []\nmentions: []\nvalues: []\nrelations: []\nattributions: []\n"


def test_io_annotation_write_fixture_offsets_are_the_texts() -> None:
    """The hand-made document's spans are where their texts are (so the expected files below are right)."""
    for span in (SAID, ANN, HI, MONDAY, *FULL.mentions, *FULL.values):
        assert TEXT[span.start : span.end] == span.text
    assert [TEXT[m.head_start : m.head_end] for m in FULL.mentions] == ["Ann", "Bob"]


@pytest.mark.parametrize(
    ("doc", "unreviewed", "expected"),
    [(FULL, ("m2", "v1"), FULL_TEXT), (_document(), (), EMPTY_TEXT)],
    ids=["every-layer", "empty"],
)
def test_io_annotation_write_renders_the_exact_canonical_text(doc: Document, unreviewed: tuple[str, ...], expected: str) -> None:
    assert render_annotations(doc, unreviewed=iter(unreviewed)) == expected


@pytest.mark.parametrize(("doc", "unreviewed"), [(FULL, ("m2", "v1")), (FULL, ()), (_document(), ("x",))], ids=["full", "none-unreviewed", "empty"])
def test_io_annotation_write_reads_back_through_the_canonical_reader_and_pyyaml(doc: Document, unreviewed: tuple[str, ...]) -> None:
    text = render_annotations(doc, unreviewed=unreviewed)
    layers = read_canonical(text)
    assert layers is not None, text
    assert (layers.document, layers.unreviewed) == (doc.id, unreviewed)
    for layer in ("entities", "mentions", "values", "relations", "attributions"):
        assert getattr(layers, layer) == list(getattr(doc, layer)), layer
    data = yaml.safe_load(text)
    assert data["document"] == doc.id
    assert data.get("unreviewed", []) == list(unreviewed)
    assert [m["head"] for m in data["mentions"]] == [{"start": m.head_start, "end": m.head_end, "text": TEXT[m.head_start : m.head_end]} for m in doc.mentions]
    assert [(a["source_entity"], a["parent"]) for a in data["attributions"]] == [(a.source_entity, a.parent) for a in doc.attributions]


RESERVED_WORDS = ("null", "true", "false", "yes", "no", "on", "off")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, "null"),
        (True, "true"),
        (False, "false"),
        (0, "0"),
        (65536, "65536"),
        ("a", "a"),
        ("Ann", "Ann"),
        ("O'Brien", "O'Brien"),
        ("U.S.", "U.S."),
        ("and/or", "and/or"),
        ("e_1-x", "e_1-x"),
        ("Bob and Cy", "Bob and Cy"),
        ("", '""'),
        ("1st", '"1st"'),
        ("end ", '"end "'),
        ("-x", '"-x"'),
        ("per:parents", '"per:parents"'),
        ("a: b", '"a: b"'),
        ("a #b", '"a #b"'),
        ('say "hi"', '"say \\"hi\\""'),
        ("café", '"café"'),
        ("tab\there", '"tab\\there"'),
        ("line\nbreak", '"line\\nbreak"'),
        ("a\x85b", '"a\\u0085b"'),
        ("a\u2028b", '"a\\u2028b"'),
        ("a\u2029b", '"a\\u2029b"'),
        ("a\x7fb", '"a\\u007fb"'),
        ("a\x80b\x9fc", '"a\\u0080b\\u009fc"'),
        ("a\ufffeb\uffff", '"a\\ufffeb\\uffff"'),
        ("a\u00a0b", '"a\u00a0b"'),
    ]
    + [(w, f'"{w}"') for word in RESERVED_WORDS for w in (word, word.title(), word.upper())],
)
def test_io_annotation_write_scalar_is_plain_only_where_yaml_reads_the_same(value: Any, expected: str) -> None:
    """Exact text, and PyYAML reads it back as the value (a plain scalar as the same string)."""
    written = scalar(value)
    assert written == expected
    assert yaml.safe_load(f"k: {written}\n") == {"k": value}


def test_io_annotation_write_flow_nests_mappings_in_lists_and_mappings() -> None:
    pairs = [("a", [{"b": 1, "c": "x y"}, 2, "yes"]), ("d", {"e": None, "f": ("g",)}), ("h", [])]
    written = flow(pairs)
    assert written == '{a: [{b: 1, c: x y}, 2, "yes"], d: {e: null, f: [g]}, h: []}'
    assert yaml.safe_load(written) == {"a": [{"b": 1, "c": "x y"}, 2, "yes"], "d": {"e": None, "f": ["g"]}, "h": []}
