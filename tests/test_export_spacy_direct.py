"""The spaCy export made inside each test (mutmut survivors of issue 19).

``tests/test_export_spacy.py`` checks one export made once a module (a cached fixture): mutmut's trace sees only
the first test that made it, so the others (ids, types, metadata, sentence starts) were never run against the
mutants of ``khabar.export.spacy_docbin``. Here each test writes its own export, read back from disk; and each
refusal is read whole.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from conftest import FIXTURES
from test_export_spacy import EXTRAS, _expected_groups, _triples

from khabar.core.findings import KhabarError
from khabar.export.spacy_docbin import docs_to_spacy
from khabar.io import load_project


def _valid():  # type: ignore[no-untyped-def]
    [doc] = load_project(root=FIXTURES / "valid").documents
    return doc


def _read_back(path: Path) -> list:
    import spacy
    from spacy.tokens import DocBin

    return list(DocBin().from_disk(path).get_docs(spacy.blank("en").vocab))


def test_export_spacy_written_into_a_new_nested_folder_carries_everything(tmp_path: Path) -> None:
    doc = _valid()
    [path] = docs_to_spacy(documents=[doc], out=tmp_path / "a" / "b")
    assert path == tmp_path / "a" / "b" / "khabar.spacy"
    [sdoc] = _read_back(path)
    assert {what: EXTRAS[what](doc, sdoc)[0] for what in EXTRAS} == {what: EXTRAS[what](doc, sdoc)[1] for what in EXTRAS}
    expected = _expected_groups(doc)
    assert {name: _triples(sdoc.spans[name]) for name in sdoc.spans} == expected
    assert [(s.id_, s.kb_id_) for s in sdoc.ents] == [("", "")] * len(doc.ner)  # no id, no type: the label says it
    types = {e.id: e.type for e in doc.entities}
    for e in doc.entities:
        group = sdoc.spans[f"entity:{e.id}"]
        assert [(s.label_, s.kb_id_, s.id_) for s in group] == [(m.kind, e.type, m.id) for m in doc.mentions if m.entity == e.id]
    assert [(s.label_, s.kb_id_) for s in sdoc.spans["mentions"]] == [(m.entity, types[m.entity]) for m in doc.mentions]
    for role in ("cue", "source", "content"):
        assert [(s.label_, s.kb_id_) for s in sdoc.spans[f"attribution_{role}"]] == [(a.id, a.type) for a in doc.attributions for _ in getattr(a, role)]
    assert [t.is_sent_start for t in sdoc][1:] == [t.idx in {s.start for s in doc.sentences} for t in sdoc][1:]


BOUNDARY = "does not start and end on spaCy token boundaries; it cannot be exported"


def _shift_start(items: tuple, ident: str) -> tuple:
    return tuple(replace(x, start=x.start + 1, text=x.text[1:]) if x.id == ident else x for x in items)


@pytest.mark.parametrize(
    ("edit", "span", "message"),
    [
        (lambda d: replace(d, mentions=_shift_start(d.mentions, "m5")), (70, 84), f"mention m5 70-84 ('he two leaders') {BOUNDARY}"),
        (
            lambda d: replace(d, mentions=tuple(replace(m, start=1, text=m.text[1:], head_start=1) if m.id == "m1" else m for m in d.mentions)),
            (1, 13),
            f"ner span 1-13 ('hmad Massoud') {BOUNDARY}",
        ),
        (
            lambda d: replace(d, attributions=tuple(replace(a, cue=(replace(a.cue[0], start=86, text="aid"),)) if a.id == "a1" else a for a in d.attributions)),
            (86, 89),
            f"attribution a1 cue 86-89 ('aid') {BOUNDARY}",
        ),
    ],
    ids=["mention", "ner-span", "attribution-cue"],
)
def test_export_spacy_a_span_off_token_boundaries_is_refused_in_words(edit, span: tuple[int, int], message: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(KhabarError) as exc:
        docs_to_spacy(documents=[edit(_valid())], out=tmp_path)
    assert [(f.check, f.document, f.span, f.message) for f in exc.value.findings] == [("span-token-boundary", "talks", span, message)]
