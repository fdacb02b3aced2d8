"""Reading canonical annotation files straight into the model gives what the general path gives, or steps aside."""

from __future__ import annotations

import json
import random
import re
import textwrap
from dataclasses import fields as dataclass_fields
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import agrees, hostile_project
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from yaml.reader import Reader

from khabar.io import annotation_format, load_project, render_annotations
from khabar.io.annotation_format import RESERVED, read_canonical
from khabar.io.annotation_read import read_annotation_file, read_annotation_text
from khabar.schema.labels import ATTRIBUTION_ROLES, ATTRIBUTION_TYPES, ENTITY_TYPES, MENTION_KINDS, VALUE_TYPES
from khabar.schema.model import Attribution, Document, Entity, Fragment, Mention, Relation, Value
from khabar.schema.relations import RELATIONS
from khabar.workflow.synthetic import synthetic_document

ROOT = Path(__file__).resolve().parent.parent
ANNOTATION_FILES = sorted(
    p
    for p in ROOT.rglob("*.yaml")
    if ".git" not in p.parts
    and "dist" not in p.parts
    and p.name != "exceptions.yaml"
    and p.read_text(encoding="utf-8", errors="replace").startswith("document:")
)


def canonical_texts() -> list[str]:
    docs = load_project(root=ROOT).documents + [synthetic_document(f"s{i}", random.Random(i)) for i in range(8)]
    return [render_annotations(doc, unreviewed=[m.id for m in doc.mentions[:2]] if i % 3 == 1 else ()) for i, doc in enumerate(docs)]


@pytest.mark.parametrize("path", ANNOTATION_FILES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_io_annotation_format_every_annotation_file_of_the_repository_reads_the_same(path: Path) -> None:
    agrees(path.read_text(encoding="utf-8", errors="replace"))


def test_io_annotation_format_takes_every_file_the_writer_writes() -> None:
    texts = canonical_texts()
    assert any(text.split("\n")[1].startswith("unreviewed: ") for text in texts)
    for text in texts:
        assert agrees(text), text[:200]


@pytest.mark.parametrize(
    "change",
    [
        ("type: PERSON", "type: PERSONA"),  # a label the model refuses: the general path reports label-unknown
        ("start: 0, end: 4", "start: 4, end: 0"),  # span-range
        ("kind: NAM", "kind: yes"),  # a YAML boolean
        ("  type: indirect\n", "  type: indirect\n  note: x\n"),  # a key the writer does not write
        ("  source_entity:", "  source_entity: x\n  source_entity:"),  # a repeated key
        ("\nmentions:\n", "\nmentions:\n# a comment\n"),
        ("relations:", "relations: null\nrelations:"),  # a repeated section
        ("document: ", "document: null\ndocument: "),
        ("name: Taliban}", 'name: "\\ud83d\\ude00"}'),  # a surrogate pair: one character to JSON, two to YAML
        ("text: said}", 'text: "sa\u2028d"}'),  # a line break to YAML (JSON takes it)
        ("\n", "\r\n"),
        ("text: said}", 'text: "sa\x7fd"}'),  # a character YAML refuses (JSON takes it)
    ],
)
def test_io_annotation_format_steps_aside_where_the_general_path_decides(change: tuple[str, str]) -> None:
    text = (ROOT / "annotations" / "ddaaba1fccaf7cd5.yaml").read_text(encoding="utf-8")
    old, new = change
    if old == "start: 0, end: 4":  # the first mention's own offsets, swapped
        start, end = re.search(r"\{id: m[^}]*?start: (\d+), end: (\d+)", text).groups()  # type: ignore[union-attr]
        old, new = f"start: {start}, end: {end}", f"start: {end}, end: {start}"
    assert old in text
    assert read_canonical(text) is not None
    assert read_canonical(text.replace(old, new, 1)) is None


def test_io_annotation_format_reads_a_unicode_escape_as_yaml_does() -> None:
    text = (ROOT / "annotations" / "ddaaba1fccaf7cd5.yaml").read_text(encoding="utf-8").replace("name: Taliban}", 'name: "\\u0054ali\\u2028ban"}', 1)
    assert agrees(text)
    assert read_canonical(text).entities[0].name == "Tali\u2028ban"  # type: ignore[union-attr]


def test_io_annotation_format_section_order_and_empty_sections() -> None:
    doc = synthetic_document("s", random.Random(3))
    text = render_annotations(doc)
    assert agrees(text.replace("\nvalues:\n", "\nvalues: []\nvalues_:\n", 1)) is False  # a key that is no layer
    lines = text.split("\n")
    start, end = lines.index("values:"), lines.index("relations:")
    moved = "\n".join(lines[:start] + lines[end:-1] + lines[start:end]) + "\n"  # values after the attributions
    assert read_canonical(moved) is None
    assert agrees("document: x\nentities: []\nmentions: []\nvalues: []\nrelations: []\nattributions: []\n")
    assert read_canonical("document: x\nentities: []\n") is None  # the writer writes every section
    assert read_canonical(text[:-1]) is None  # no newline at the end


def test_io_annotation_format_random_edits_step_aside_or_agree() -> None:
    texts = canonical_texts()[:4]
    rng = random.Random(20261130)
    pieces = list(" :,-{}[]\"'#&*!|>%@`?\\/.0123456789abnuyYNtTx_~=<") + [
        "null",
        "yes",
        "No",
        "012",
        "\\u00e9",
        "\\n",
        ": ",
        ", ",
        "}, {",
        "1.5",
        "\t",
        "\n",
        "\n  ",
        "\n- ",
    ]
    taken = 0
    for _ in range(1500):
        text = rng.choice(texts)
        for _ in range(rng.choice((1, 1, 1, 2))):
            j = rng.randrange(len(text) + 1)
            text = text[:j] + rng.choice(pieces) + text[j + rng.choice((0, 0, 1, 2)) :]
        taken += agrees(text)
    assert taken > 100  # the canonical reader was exercised, not only bypassed


#: Where each kind of id, or reference to one, sits in the canonical layout: the group holds the value.
ID_PLACES = {
    "entity id": r"^- \{id: (e1), ",
    "group member": r"^- \{id: e5, .*members: \[e1, (e2)\]\}$",
    "mention id": r"^- \{id: (m1), entity",
    "mention entity": r"^- \{id: m1, entity: (e1), ",
    "value id": r"^- \{id: (v1), type",
    "relation id": r"^- \{id: (r1), label",
    "relation head": r"^- \{id: r1, label: [^,]+, head: (e3), ",
    "relation tail": r"^- \{id: r1, .*tail: (e4), ",
    "attribution id": r"^- id: (a2)$",
    "attribution source_entity": r"^  source_entity: (e2)$",
    "attribution parent": r"^  parent: (a2)$",
}
#: Values no id may take: a line break, a space, a bad first character, too long, not ASCII, a control
#: character, a Unicode line separator, nothing.
UNSAFE_IDS = ["m1\nannotations/x.yaml:1: error[forged] x", "a b", "-x", "x" * 129, "\u00e9", "e\x1b[2J", "e\u2028", ""]


# Plain ids: mutmut hands the ids back to pytest, which does not find one holding an escape.
@pytest.mark.parametrize("value", UNSAFE_IDS, ids=["forged-line", "space", "dash", "long", "non-ascii", "escape", "line-sep", "empty"])
@pytest.mark.parametrize("place", ID_PLACES)
def test_io_annotation_format_unsafe_id_is_a_finding_of_both_readers(place: str, value: str, tmp_path: Path) -> None:
    from khabar.io.annotation_read import read_annotation_file

    doc = load_project(root=ROOT / "tests" / "fixtures" / "valid").documents[0]
    lines = render_annotations(doc).split("\n")
    number = next(i for i, line in enumerate(lines) if re.search(ID_PLACES[place], line))
    match = re.search(ID_PLACES[place], lines[number])
    assert match is not None
    lines[number] = lines[number][: match.start(1)] + json.dumps(value) + lines[number][match.end(1) :]
    item = next(i for i in range(number, -1, -1) if lines[i].startswith("- "))  # the finding's line: the item's
    text = "\n".join(lines)
    assert read_canonical(text) is None  # the canonical reader steps aside: the general path reports
    layers, found = read_annotation_text(text, shown="x.yaml", stem="x")
    assert [(f.check, f.line) for f in found] == [("id-unsafe", item + 1)], [f.render() for f in found]
    assert layers is not None and value not in {
        x.id for layer in ("entities", "mentions", "values", "relations", "attributions") for x in getattr(layers, layer)
    }
    path = tmp_path / "talks.yaml"
    path.write_text(text, encoding="utf-8")
    assert read_annotation_file(path, shown="x.yaml")[1] == found  # the public entry, whichever reader it takes


@pytest.mark.parametrize("case", ["alias-bomb", "long-offset", "long-evidence", "deep-brackets"])
def test_io_annotation_format_hostile_files_give_the_general_paths_findings(case: str, tmp_path: Path) -> None:
    """Both readers give the same findings for a hostile file (the fast one steps aside), and a leading
    comment (which sends the file to the general path at once) moves them down a line, nothing else."""
    root, expected = hostile_project(case, tmp_path / "project")
    path = root / "annotations" / "talks.yaml"
    text = path.read_text(encoding="utf-8")
    assert read_canonical(text) is None
    layers, found = read_annotation_file(path, shown="annotations/talks.yaml")
    assert layers is None and [f"{f.path}:{f.line}: error[{f.check}]" for f in found] == expected
    assert read_annotation_text(text, shown="annotations/talks.yaml", stem="talks") == (None, found)
    _, commented = read_annotation_text("# a comment\n" + text, shown="annotations/talks.yaml", stem="talks")
    assert commented == [replace(f, line=f.line + 1) for f in found]  # type: ignore[operator]


def test_io_annotation_format_control_character_is_one_finding_at_its_line(tmp_path: Path) -> None:
    """A NUL byte in an annotation file: the file gives `text-control` alone, at the NUL's line (not a
    `yaml-syntax` echo), and the general path, given the text, still refuses it at that line."""
    root, expected = hostile_project("nul", tmp_path / "project")
    path = root / "annotations" / "talks.yaml"
    layers, found = read_annotation_file(path, shown="annotations/talks.yaml")
    assert layers is None and [f"{f.path}:{f.line}: error[{f.check}]" for f in found] == expected == [expected[0]]
    _, general = read_annotation_text(path.read_text(encoding="utf-8"), shown="annotations/talks.yaml", stem="talks")
    assert [(f.check, f.line) for f in general] == [("yaml-syntax", found[0].line)]


# --- the grammar against PyYAML, on generated files -------------------------------------------


#: Characters of generated texts: any printable character YAML takes (Unicode line and paragraph separators
#: included), and the ones that mean something in YAML.
CHARACTERS = st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")).filter(lambda c: not Reader.NON_PRINTABLE.match(c))
PIECES = CHARACTERS | st.sampled_from(
    list("\"'\\:#-[]{},&*!|>%@`? 0123456789") + ["yes", "No", "null", "TRUE", "~", ": ", " #", "\u2028", "\u2029", "\x85", "\x7f", "\ufeff", "\\u00e9"]
)
SAFE_IDS = st.from_regex(r"[a-z][a-z0-9_]{0,6}", fullmatch=True).filter(lambda s: s.lower() not in RESERVED)


@st.composite
def documents(draw: st.DrawFn) -> Document:
    """A document whose texts, names and ids are drawn freely (the model takes them); spans are slices of its text."""
    text = "".join(draw(st.lists(PIECES, min_size=4, max_size=40)))

    def span() -> tuple[int, int]:
        start = draw(st.integers(0, len(text) - 1))
        return start, draw(st.integers(start + 1, len(text)))

    ids = draw(st.lists(SAFE_IDS, min_size=12, max_size=12, unique=True))
    entities = [Entity(id=ids[i], type=draw(st.sampled_from(ENTITY_TYPES)), name="".join(draw(st.lists(PIECES, max_size=6)))) for i in range(2)]
    entities.append(Entity(id=ids[2], type="PERSON", name="both", members=(ids[0], ids[1])) if draw(st.booleans()) else entities.pop())
    mentions = []
    for i in range(draw(st.integers(0, 3))):
        start, end = span()
        head = draw(st.integers(start, end - 1))
        mentions.append(
            Mention(
                id=ids[3 + i],
                entity=ids[0],
                kind=draw(st.sampled_from(MENTION_KINDS)),
                start=start,
                end=end,
                text=text[start:end],
                head_start=head,
                head_end=end,
            )
        )
    values = [Value(id=ids[6], type=draw(st.sampled_from(VALUE_TYPES)), start=s, end=e, text=text[s:e]) for s, e in [span()] * draw(st.integers(0, 1))]
    evidence = tuple(draw(st.lists(st.integers(0, 10**6), max_size=3)))
    relations = [Relation(id=ids[7], label=draw(st.sampled_from(sorted(RELATIONS))), head=ids[0], tail=ids[1], evidence=evidence)] * draw(st.integers(0, 1))
    attributions = []
    for i in range(draw(st.integers(0, 2))):
        roles = {
            role: tuple(Fragment(start=s, end=e, text=text[s:e]) for s, e in [span() for _ in range(draw(st.integers(1 if role != "source" else 0, 2)))])
            for role in ATTRIBUTION_ROLES
        }
        parent = draw(st.sampled_from([None, ids[8]]))
        attributions.append(
            Attribution(
                id=ids[8 + i], type=draw(st.sampled_from(ATTRIBUTION_TYPES)), source_entity=draw(st.sampled_from([None, ids[1]])), parent=parent, **roles
            )
        )
    return Document(
        id=ids[11], title=None, source=None, url=None, published=None, language="en", licence=None, attribution=None, split=None, provenance=None,
        text=text, sentences=(), tokens=(), entities=tuple(entities), mentions=tuple(mentions), values=tuple(values), relations=tuple(relations),
        attributions=tuple(attributions),
    )  # fmt: skip


def _plain(item: Any) -> dict[str, Any]:
    """An item of the model as PyYAML's plain values would give it (spans as mappings, tuples as lists)."""
    out = {}
    for f in dataclass_fields(item):
        value = getattr(item, f.name)
        out[f.name] = [vars_of(v) if isinstance(v, Fragment) else v for v in value] if isinstance(value, tuple) else value
    return out


def vars_of(fragment: Fragment) -> dict[str, Any]:
    return {"start": fragment.start, "end": fragment.end, "text": fragment.text}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=documents())
def test_io_annotation_format_what_the_writer_writes_is_in_the_grammar_and_means_the_same_to_pyyaml(doc: Document) -> None:
    text = render_annotations(doc, unreviewed=[m.id for m in doc.mentions[:1]])
    layers = read_canonical(text)
    assert layers is not None, text  # the writer writes the grammar, whatever the texts hold
    for layer in ("entities", "mentions", "values", "relations", "attributions"):
        assert getattr(layers, layer) == list(getattr(doc, layer)), layer
    assert (layers.document, layers.unreviewed) == (doc.id, tuple(m.id for m in doc.mentions[:1]))
    assert (layers, []) == read_annotation_text(text, shown="x.yaml", stem="x")  # Khabar's YAML route (PyYAML's events)
    data = yaml.safe_load(text)  # and plain PyYAML, which shares nothing with either route
    assert data["document"] == doc.id
    assert [_plain(e) | ({} if e.members else {"members": []}) for e in layers.entities] == [{"members": [], **e} for e in data["entities"] or []]
    assert [m.text for m in layers.mentions] == [m["text"] for m in data["mentions"] or []]
    assert [layers.head_texts[i] for i in range(len(layers.mentions))] == [m["head"]["text"] for m in data["mentions"] or []]
    assert [_plain(v) for v in layers.values] == data["values"] or []
    assert [_plain(r) for r in layers.relations] == data["relations"] or []
    assert [_plain(a) for a in layers.attributions] == data["attributions"] or []


def test_io_annotation_format_docs_state_the_grammar_the_module_states() -> None:
    docstring = annotation_format.__doc__ or ""
    stated = textwrap.dedent(docstring[docstring.index("::\n\n") + 4 : docstring.index("\n\nThe whole text ends")])
    docs = (ROOT / "docs" / "formats.md").read_text(encoding="utf-8")
    assert f"```ebnf\n{stated}\n```" in docs
