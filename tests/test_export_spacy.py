"""spaCy DocBin export: read the file back with spaCy and compare every span with the annotations."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES
from spacy.tokens import DocBin

from khabar.core.findings import KhabarError
from khabar.export import EXPORTERS
from khabar.export.spacy_docbin import FILE_NAME, META, docs_to_spacy
from khabar.io import load_project
from khabar.io.tokenize import pipeline
from khabar.schema.labels import ATTRIBUTION_ROLES
from khabar.schema.model import Document, Value

Triple = tuple[int, int, str]


@pytest.fixture(scope="module", params=["repository", "fixture"])
def documents(request: pytest.FixtureRequest, project_root: Path) -> list[Document]:
    root = project_root if request.param == "repository" else FIXTURES / "valid"
    return sorted(load_project(root=root).documents, key=lambda d: d.id)


@pytest.fixture(scope="module")
def loaded(documents: list[Document], tmp_path_factory: pytest.TempPathFactory) -> list[Any]:
    out = tmp_path_factory.mktemp("spacy")
    [path] = docs_to_spacy(documents=documents, out=out)
    assert path == out / FILE_NAME
    return list(DocBin().from_disk(path).get_docs(pipeline().vocab))


def _triples(spans: Any) -> list[Triple]:
    return [(s.start_char, s.end_char, s.label_) for s in spans]


def _expected_groups(doc: Document) -> dict[str, list[Triple]]:
    groups = {"mentions": [(m.start, m.end, m.entity) for m in doc.mentions]}
    for e in doc.entities:
        groups[f"entity:{e.id}"] = [(m.start, m.end, m.kind) for m in doc.mentions if m.entity == e.id]
    for role in ATTRIBUTION_ROLES:
        groups[f"attribution_{role}"] = [(f.start, f.end, a.id) for a in doc.attributions for f in getattr(a, role)]
    return groups


def test_export_spacy_is_in_the_exporters_table() -> None:
    assert EXPORTERS["spacy"] is docs_to_spacy


def test_export_spacy_keeps_text_and_full_tokenization(documents: list[Document], loaded: list[Any]) -> None:
    assert [d.text for d in loaded] == [d.text for d in documents]
    for doc, sdoc in zip(documents, loaded, strict=True):
        assert [t.text for t in sdoc] == [t.text for t in pipeline()(doc.text)]
        assert [(t.idx, t.idx + len(t.text)) for t in sdoc if not t.is_space] == [(t.start, t.end) for t in doc.tokens]


def test_export_spacy_ents_equal_the_ner_layer(documents: list[Document], loaded: list[Any]) -> None:
    for doc, sdoc in zip(documents, loaded, strict=True):
        assert _triples(sdoc.ents) == [(s.start, s.end, s.label) for s in doc.ner]


def test_export_spacy_span_groups_equal_the_annotations(documents: list[Document], loaded: list[Any]) -> None:
    for doc, sdoc in zip(documents, loaded, strict=True):
        expected = _expected_groups(doc)
        assert set(sdoc.spans) == set(expected)
        assert {name: _triples(sdoc.spans[name]) for name in expected} == expected


Extra = Callable[[Document, Any], tuple[object, object]]
EXTRAS: dict[str, Extra] = {
    "mention ids": lambda doc, sdoc: ([s.id_ for s in sdoc.spans["mentions"]], [m.id for m in doc.mentions]),
    "mention entity types": lambda doc, sdoc: (
        [s.kb_id_ for s in sdoc.spans["mentions"]],
        [next(e.type for e in doc.entities if e.id == m.entity) for m in doc.mentions],
    ),
    "entity group attrs": lambda doc, sdoc: (
        [dict(sdoc.spans[f"entity:{e.id}"].attrs) for e in doc.entities],
        [{"type": e.type, "name": e.name, "members": list(e.members)} for e in doc.entities],
    ),
    "attribution types": lambda doc, sdoc: (
        [s.kb_id_ for s in sdoc.spans["attribution_cue"]],
        [a.type for a in doc.attributions for _ in a.cue],
    ),
    "document metadata": lambda doc, sdoc: (sdoc.user_data["khabar"], {key: getattr(doc, key) for key in META}),
    "sentence starts": lambda doc, sdoc: (
        [words[0].idx for words in ([t for t in s if not t.is_space] for s in sdoc.sents) if words],
        [s.start for s in doc.sentences],
    ),
}


@pytest.mark.parametrize("what", list(EXTRAS))
def test_export_spacy_carries_ids_types_and_metadata(documents: list[Document], loaded: list[Any], what: str) -> None:
    for doc, sdoc in zip(documents, loaded, strict=True):
        got, expected = EXTRAS[what](doc, sdoc)
        assert got == expected


def test_export_spacy_refuses_a_span_off_token_boundaries(tmp_path: Path) -> None:
    [doc] = load_project(root=FIXTURES / "valid").documents
    word = doc.tokens[0]
    broken = replace(
        doc, values=doc.values + (Value(id="v-half", type="CARDINAL", start=word.start, end=word.end - 1, text=doc.text[word.start : word.end - 1]),)
    )
    with pytest.raises(KhabarError) as raised:
        docs_to_spacy(documents=[broken], out=tmp_path)
    assert [f.check for f in raised.value.findings] == ["span-token-boundary"]
    assert raised.value.findings[0].span == (word.start, word.end - 1)


@pytest.mark.parametrize("style", ["ent", "span"])
def test_export_spacy_displacy_renders_the_entities_and_the_mentions(documents: list[Document], loaded: list[Any], style: str) -> None:
    """displaCy, spaCy's visualiser, draws an exported Doc: the named entities (``style="ent"``) and the ``mentions``
    span group (``style="span"``), each with its text and label in the page."""
    from spacy import displacy

    doc, sdoc = next((d, s) for d, s in zip(documents, loaded, strict=True) if d.ner and d.mentions)
    html = displacy.render(sdoc, style=style, options={"spans_key": "mentions"}, jupyter=False)
    if style == "ent":
        span = doc.ner[0]
        assert span.text in html and span.label in html
    else:
        mention = next(m for m in doc.mentions if m.text.replace(" ", "").isalnum())  # no character HTML escapes
        assert all(word in html for word in mention.text.split()) and mention.entity in html
