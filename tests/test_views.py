"""The views' Arrow tables: the ``documents`` table made with its tokens as columns is the rows' table.

Nothing here touches the network.
"""

from __future__ import annotations

import random
from dataclasses import replace

import pyarrow as pa
import pytest

from khabar.io import load_project
from khabar.io.tokenize import tokenize
from khabar.views.configs import config, documents, view_rows
from khabar.workflow.synthetic import synthetic_document


@pytest.fixture(scope="module")
def docs(project_root) -> list:
    """The gold, then synthetic documents with their tokens and sentences."""
    made = [synthetic_document(f"s{i}", random.Random(i)) for i in range(6)]
    return load_project(root=project_root).documents + [replace(d, **dict(zip(("tokens", "sentences"), tokenize(d.text), strict=True))) for d in made]


@pytest.fixture(scope="module")
def schema() -> pa.Schema:
    return config("documents").features().arrow_schema


@pytest.mark.parametrize("count", [1, 3, 7])
def test_views_documents_table_is_the_table_of_the_rows(docs: list, schema: pa.Schema, count: int) -> None:
    chunk = docs[:count]
    made, changed = documents.table(chunk, schema)
    expected = pa.Table.from_pylist(list(view_rows("documents", chunk)), schema=schema)
    assert changed == []
    assert made.schema.equals(expected.schema, check_metadata=True)  # the HF features ride in the metadata
    assert made.equals(expected)
    assert made.to_pylist() == list(view_rows("documents", chunk))


def test_views_documents_table_reports_a_field_arrow_drops(docs: list, schema: pa.Schema) -> None:
    narrower = schema.remove(schema.get_field_index("language"))  # from_pylist drops a key its schema lacks, silently
    _, changed = documents.table(docs[:3], narrower)
    assert changed == [(doc.id, ["language"]) for doc in docs[:3]]


def test_views_documents_table_reports_tokens_that_come_back_otherwise(docs: list, schema: pa.Schema) -> None:
    chunk = docs[:3]
    made, _ = documents.table(chunk, schema)
    tokens = made.column("tokens").combine_chunks()
    words = tokens.flatten().field("text").to_pylist()
    offsets = tokens.offsets.to_pylist()
    at = offsets[1] + 2  # a word of the second document
    words[at] = words[at] + "x"
    kind = schema.field("tokens").type
    parts = [tokens.flatten().field("start"), tokens.flatten().field("end"), pa.array(words, type=pa.string())]
    altered = pa.ListArray.from_arrays(tokens.offsets, pa.StructArray.from_arrays(parts, fields=list(kind.value_type)), type=kind)
    made_rows = [documents._row_without_tokens(doc) for doc in chunk]
    rest = made.drop_columns(["tokens"])
    lists = ([t.start for d in chunk for t in d.tokens], [t.end for d in chunk for t in d.tokens], [t.text for d in chunk for t in d.tokens])
    assert documents._changed(chunk, made_rows, rest, altered, lists, offsets) == [(chunk[1].id, ["tokens"])]
    assert documents._changed(chunk, made_rows, rest, tokens, lists, offsets) == []


def test_views_documents_rows_refuse_a_span_whose_text_differs(docs: list) -> None:
    """The documents view verifies every span against the text (a hard failure, never a warning)."""
    from khabar.schema.model import SchemaError

    doc = docs[0]
    first = doc.mentions[0]
    wrong = replace(doc, mentions=(replace(first, text=first.text + "x"), *doc.mentions[1:]))
    with pytest.raises(SchemaError) as raised:
        list(documents.rows(wrong))
    assert raised.value.check == "span-text"
    shown = doc.text[first.start : first.end]
    assert raised.value.message == f"{doc.id}/{first.id}: mention {first.start}-{first.end} states {wrong.mentions[0].text!r}, text has {shown!r}"
