"""khabar.io.annotation_read: a hand-edited annotation file (outside the canonical grammar) read item by item,
every problem a finding at the line of the key or item it is about, and nothing built from a bad item."""

from __future__ import annotations

from pathlib import Path

import pytest

from khabar.core.findings import Finding
from khabar.io import annotation_read
from khabar.io.annotation_read import read_annotation_file, read_annotation_text
from khabar.io.layers import LAYERS, Layers

SHOWN = "annotations/x.yaml"
CUE = "  cue:\n  - {start: 0, end: 1, text: a}\n"


def read(text: str) -> tuple[Layers | None, list[tuple[str, int | None, str | None, str]]]:
    layers, found = read_annotation_text(text, shown=SHOWN, stem="x")
    assert all(f.path == SHOWN for f in found)
    return layers, [(f.check, f.line, f.annotation, f.message) for f in found]


def counts(layers: Layers | None) -> dict[str, int]:
    assert layers is not None
    return {layer: len(getattr(layers, layer)) for layer in LAYERS}


def attribution(content: str) -> str:
    return "document: x\nattributions:\n- id: a1\n  type: direct\n" + CUE + content


# Each case: the file, and its findings as (check, line, annotation, message). The item is never built.
CASES = {
    "spans not a list": (
        attribution("  content: 5\n"),
        [("yaml-type", 7, None, "attribution content must be a list of {start, end, text} fragments; found int")],
    ),
    "fragment lacks a key, at its own line": (
        attribution("  content:\n  - {start: 0, end: 1, text: a}\n  - {start: 2, end: 3}\n"),
        [("yaml-missing-key", 9, None, "attribution content fragment lacks the required key `text`")],
    ),
    "fragment not a mapping": (
        attribution("  content:\n  - {start: 0, end: 1, text: a}\n  - [2, 3]\n"),
        [("yaml-type", 9, None, "expected attribution content fragment as a mapping with keys start, end, text; found LList [2, 3]")],
    ),
    "fragment's value of the wrong type": (
        attribution("  content:\n  - {start: 0, end: 1, text: [a]}\n"),
        [("yaml-type", 8, None, "attribution content fragment: `text` must be str, found LList ['a']")],
    ),
    "head lacks a key, at the head's line": (
        "document: x\nmentions:\n- id: m1\n  entity: e1\n  kind: NAM\n  start: 0\n  end: 1\n  text: A\n  head:\n    start: 0\n    end: 1\n",
        [("yaml-missing-key", 9, None, "mention head lacks the required key `text`")],
    ),
    "head out of order, at the head's line": (
        "document: x\nmentions:\n- id: m1\n  entity: e1\n  kind: NAM\n  start: 0\n  end: 1\n  text: A\n  head: {start: 1, end: 0, text: A}\n",
        [("span-range", 9, None, "mention head: `start` must be >= 0 and below `end`; found start=1, end=0")],
    ),
    "an id that is a list": (
        "document: x\nvalues:\n- id: [v1]\n  type: DATE\n  start: 1\n  end: 2\n  text: a\n",
        [("yaml-type", 3, None, "value: `id` must be str, found LList ['v1']")],
    ),
    "an id that is a mapping": (
        "document: x\nentities:\n- {id: {e: 1}, type: PERSON, name: A}\n",
        [("yaml-type", 3, None, "entity: `id` must be str, found LDict {'e': 1}")],
    ),
    "a bad value names its item": (
        "document: x\nentities:\n- {id: e1, type: PERSON, name: {a: 1}}\n",
        [("yaml-type", 3, "e1", "entity: `name` must be str, found LDict {'a': 1}")],
    ),
    "an item not a mapping: a, or an": (
        "document: x\nentities:\n- e1\nattributions:\n- a1\nmentions:\n- m1\n",
        [
            ("yaml-type", 3, None, "expected an entity as a mapping with keys id, type, name; found str 'e1'"),
            ("yaml-type", 7, None, "expected a mention as a mapping with keys id, entity, kind, start, end, text, head; found str 'm1'"),
            ("yaml-type", 5, None, "expected an attribution as a mapping with keys id, type, cue, content; found str 'a1'"),
        ],
    ),
    "an unknown key alone": (
        "document: x\nentities:\n- id: e1\n  type: PERSON\n  name: A\n  colour: red\n",
        [("yaml-unknown-key", 6, None, "unknown key `colour` in an entity; expected id, type, name, members")],
    ),
    "unknown and missing keys": (
        "document: x\nentities:\n- id: e1\n  type: PERSON\n  nmae: A\n",
        [
            ("yaml-unknown-key", 5, None, "unknown key `nmae` in an entity; expected id, type, name, members"),
            ("yaml-missing-key", 3, None, "an entity lacks the required key `name`"),
        ],
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_io_annotation_read_a_bad_item_is_a_finding_at_its_line_and_is_not_built(case: str) -> None:
    text, expected = CASES[case]
    layers, found = read(text)
    assert sorted(found, key=lambda f: f[1] or 0) == sorted(expected, key=lambda f: f[1] or 0)
    assert sum(counts(layers).values()) == 0


def test_io_annotation_read_a_bad_fragment_drops_its_item_and_keeps_the_others() -> None:
    text = (
        attribution("  content:\n  - {start: 0, end: 1, text: a}\n  - {start: 2}\n")
        + "- id: a2\n  type: direct\n"
        + CUE
        + "  content: [{start: 2, end: 3, text: b}]\n"
    )
    layers, found = read(text)
    assert [f[:2] for f in found] == [("yaml-missing-key", 9), ("yaml-missing-key", 9)]  # `end` and `text`, once each
    assert layers is not None and [a.id for a in layers.attributions] == ["a2"]
    assert layers.item_lines == {("attributions", 0): 10} and layers.lines == {"a2": 10}


def test_io_annotation_read_null_spans_are_no_fragments() -> None:
    layers, found = read(attribution("  source:\n  content: [{start: 2, end: 3, text: b}]\n"))
    assert found == [] and layers is not None and layers.attributions[0].source == ()
    _, found = read(attribution("  content:\n"))  # no fragments, where one is required: the model's finding, not a type error
    assert found == [("yaml-missing-key", 3, "a1", "attribution: `content` is required and needs at least one fragment")]


def test_io_annotation_read_records_lines_heads_and_the_first_line_of_an_id() -> None:
    text = (
        "document: x\n"
        "mentions:\n"
        "- id: m1\n  entity: e1\n  kind: NAM\n  start: 0\n  end: 5\n  text: Ahmad\n  head: {start: 0, end: 5, text: Ahmad}\n"
        "- {id: m1, entity: e1, kind: NAM, start: 6, end: 8, text: Ah, head: {start: 6, end: 8, text: Ah}}\n"
        "unreviewed: [m1]\n"
    )
    layers, found = read(text)
    assert found == [] and layers is not None
    assert layers.item_lines == {("mentions", 0): 3, ("mentions", 1): 10}
    assert layers.lines == {"m1": 3}  # a repeated id keeps its first line (the duplicate check reports the second)
    assert layers.head_texts == {0: "Ahmad", 1: "Ah"}
    assert (layers.document, layers.document_line, layers.unreviewed, layers.unreviewed_line) == ("x", 1, ("m1",), 11)
    layers, _ = read("values: []\n\ndocument: x\n")
    assert layers is not None and (layers.document_line, layers.unreviewed_line) == (3, 1)


def test_io_annotation_read_a_type_error_of_the_model_is_a_finding_of_its_item() -> None:
    """No value of a file is known to make the model raise ``TypeError`` (it checks types first); should one, it is
    a located ``yaml-type`` finding, not a traceback."""

    def make() -> None:
        raise TypeError("unhashable type: 'list'")

    reader = annotation_read._Reader(SHOWN)
    assert reader.build(make, 4, "entity", "e1") is None
    assert [(f.check, f.path, f.line, f.annotation, f.message) for f in reader.found] == [("yaml-type", SHOWN, 4, "e1", "entity: unhashable type: 'list'")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("entities: []\n\ndocument: 7\n", [("yaml-type", 3, None, "`document` must be the document id, a string; found 7")]),
        ("\nunreviewed: m1\ndocument: x\n", [("yaml-type", 2, None, "`unreviewed` must be a list of annotation ids; found 'm1'")]),
        ("document: x\nunreviewed: [m1, 2]\n", [("yaml-type", 2, None, "`unreviewed` must be a list of annotation ids; found ['m1', 2]")]),
        (
            "document: x\n\nentities: {e1: 1}\nvalues: 5\n",  # every layer is read, past one that is no list
            [("yaml-type", 3, None, "`entities` must be a list; found LDict"), ("yaml-type", 4, None, "`values` must be a list; found int")],
        ),
        (
            "document: x\nnotes: []\n",
            [
                (
                    "yaml-unknown-key",
                    2,
                    None,
                    "unknown key `notes` in the annotation file; expected document, entities, mentions, values, relations, attributions, unreviewed",
                )
            ],
        ),
        ("entities: []\n", [("yaml-missing-key", 1, None, "the annotation file lacks the required key `document`")]),
    ],
)
def test_io_annotation_read_file_level_problems_are_findings_and_the_rest_is_read(text: str, expected: list[tuple[str, int, None, str]]) -> None:
    layers, found = read(text)
    assert found == expected and layers is not None


@pytest.mark.parametrize("text", ["- a\n- b\n", "just text\n"])
def test_io_annotation_read_a_file_that_is_not_a_mapping_gives_no_layers(text: str) -> None:
    layers, found = read(text)
    assert layers is None and [f[:2] for f in found] == [("yaml-type", 1)]


def test_io_annotation_read_yaml_problems_carry_the_hint() -> None:
    layers, found = read("document: x\nentities: [\n")
    assert layers is None and [f[:2] for f in found] == [("yaml-syntax", 3)]
    assert found[0][3].endswith(" (the file must be valid YAML; check indentation and quoting near this line)")


def test_io_annotation_read_an_empty_file_is_the_document_its_name_says(tmp_path: Path) -> None:
    path = tmp_path / "talks.yaml"
    path.write_text("", encoding="utf-8")
    layers, found = read_annotation_file(path, shown="annotations/talks.yaml")
    assert found == [] and layers is not None and layers.document == "talks" and counts(layers) == dict.fromkeys(LAYERS, 0)


def test_io_annotation_read_a_canonical_file_never_reaches_pyyaml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("document: x\nentities:\n- {id: e1, type: PERSON, name: A}\nmentions: []\nvalues: []\nrelations: []\nattributions: []\n", encoding="utf-8")

    def refuse(text: str) -> None:
        raise AssertionError("the canonical layout went to PyYAML")

    monkeypatch.setattr(annotation_read, "load_yaml", refuse)
    layers, found = read_annotation_file(path, shown=SHOWN)
    assert found == [] and layers is not None and [e.id for e in layers.entities] == ["e1"]


def test_io_annotation_read_file_findings_are_at_the_path_shown(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_bytes(b"document: x\r\nentities: [\x01]\n")
    layers, found = read_annotation_file(path, shown=SHOWN)
    assert layers is None and [(f.check, f.path, f.line) for f in found] == [("line-endings", SHOWN, 1), ("text-control", SHOWN, 2)]
    path.write_bytes(b"document: x\r\nentities: []\n")
    layers, found = read_annotation_file(path, shown=SHOWN)
    assert layers is not None and [(f.check, f.path, f.line) for f in found] == [("line-endings", SHOWN, 1)]


def test_io_annotation_read_a_finding_about_a_bad_id_renders_in_every_format() -> None:
    _, found = read_annotation_text("document: x\nvalues:\n- id: [v1]\n  type: DATE\n  start: 1\n  end: 2\n  text: a\n", shown=SHOWN, stem="x")
    placed = [Finding(**{**{k: getattr(f, k) for k in f.__slots__}, "document": "x"}) for f in found]
    assert [f.render() for f in placed] == ["annotations/x.yaml:3: error[yaml-type] [x] value: `id` must be str, found LList ['v1']"]
    assert [f.github() for f in placed] == ["::error file=annotations/x.yaml,line=3,title=yaml-type::[x] value: `id` must be str, found LList ['v1']"]
