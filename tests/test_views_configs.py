"""The table of configs (:mod:`khabar.views.configs`): what each config's description says, the rows of many
documents, and the Arrow tables a build writes (and the ``build-roundtrip`` finding when Arrow changes a row)."""

from __future__ import annotations

import re
from typing import Any

import pyarrow as pa
import pytest
from conftest import FIXTURES
from test_views_published import synthetic_documents

from khabar.io import load_project
from khabar.schema.labels import NER_LABELS
from khabar.schema.model import Document
from khabar.views import configs
from khabar.views.configs import CONFIGS, config, view_rows, view_tables

NAMES = [c.name for c in CONFIGS]


def unit_count(unit: str, doc: Document) -> int:
    """How many of ``unit`` (the noun of a description's "One row per …") ``doc`` holds."""
    return {"document": 1, "sentence": len(doc.sentences), "relation": len(doc.relations), "attribution": len(doc.attributions)}[unit]


def test_views_configs_are_the_five_layers_in_card_order() -> None:
    assert NAMES == ["documents", "ner", "coref", "relations", "attributions"]
    assert [config(name) for name in NAMES] == list(CONFIGS)


@pytest.mark.parametrize("name", NAMES)
def test_views_configs_description_says_what_a_row_is(name: str) -> None:
    """Each description (Croissant's record set says it) opens "One row per <unit>" and the rows are one a unit."""
    cfg = config(name)
    match = re.fullmatch(r"One row per (\w+)[:,] [^\n]+\.", cfg.description)
    assert match, cfg.description
    for doc in synthetic_documents(3, 2):
        assert sum(1 for _ in cfg.rows(doc)) == unit_count(match.group(1), doc)


def test_views_configs_ner_description_counts_the_labels() -> None:
    count = re.search(r"over the (\d+) OntoNotes labels", config("ner").description)
    assert count and int(count.group(1)) == len(NER_LABELS)


@pytest.mark.parametrize("name", NAMES)
def test_views_configs_view_rows_are_each_documents_rows_in_order(name: str) -> None:
    docs = synthetic_documents(3, 3)
    rows = [row for doc in docs for row in config(name).rows(doc)]
    assert rows
    assert list(view_rows(name, docs)) == rows
    assert list(view_rows(name, iter(docs))) == rows
    assert list(view_rows(name, [])) == []


def test_views_configs_an_unknown_name_is_no_config() -> None:
    with pytest.raises(StopIteration):
        config("tokens")


def tables(docs: list[Document]) -> tuple[dict[str, pa.Table], list[Any]]:
    project = load_project(root=FIXTURES / "valid")
    return view_tables(docs, project.sources)


def test_views_configs_view_tables_hold_every_configs_rows_in_its_schema() -> None:
    [doc] = load_project(root=FIXTURES / "valid").documents
    made, broken = tables([doc])
    assert broken == []
    assert list(made) == NAMES
    for cfg in CONFIGS:
        assert made[cfg.name].schema == cfg.features().arrow_schema
        assert made[cfg.name].to_pylist() == list(view_rows(cfg.name, [doc])), cfg.name
        assert made[cfg.name].num_rows > 0, f"the fixture has no {cfg.name} row: nothing compared"


def test_views_configs_view_tables_of_no_document_are_empty_tables() -> None:
    made, broken = tables([])
    assert broken == [] and list(made) == NAMES
    assert all(t.num_rows == 0 and t.schema == config(name).features().arrow_schema for name, t in made.items())


def test_views_configs_a_documents_row_arrow_changes_is_a_build_roundtrip_finding(monkeypatch: pytest.MonkeyPatch) -> None:
    """Arrow gives back what the schema allows; when a row comes back changed, each document is one finding, at its
    annotation file, naming the fields."""
    project = load_project(root=FIXTURES / "valid")
    [doc] = project.documents
    real = configs.documents.table

    def changing(docs: list[Document], schema: pa.Schema) -> tuple[pa.Table, list[tuple[str, list[str]]]]:
        table, _ = real(docs, schema)
        return table, [(doc.id, ["text", "tokens"])]

    monkeypatch.setattr(configs.documents, "table", changing)
    made, broken = view_tables([doc], project.sources)
    assert [(f.check, f.level, f.path, f.line, f.document) for f in broken] == [
        ("build-roundtrip", "error", project.sources[doc.id].annotation_path, 1, doc.id)
    ]
    assert broken[0].message == (
        f"the `documents` row of {doc.id} changes in Arrow (fields text, tokens); a bug in the schema or the view, not in the annotations"
    )
    assert made["documents"].num_rows == 1
