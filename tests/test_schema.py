"""The schema layer: lossless round trips, the features contract, and the models' own guards."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from datasets import Dataset

from khabar.io import load_project, render_annotations
from khabar.schema import (
    Attribution,
    Document,
    Entity,
    Fragment,
    Mention,
    Relation,
    SchemaError,
    Value,
    document_from_row,
    to_row,
)
from khabar.schema.features import document_features

FIXTURES = Path(__file__).resolve().parent / "fixtures"
PROJECTS = ["repository", "valid-fixture"]

#: The documents config's contract: top-level fields, and the fields of each layer's items.
CONTRACT: dict[str, tuple[str, ...]] = {
    "id": (),
    "title": (),
    "source": (),
    "url": (),
    "published": (),
    "language": (),
    "licence": (),
    "attribution": (),
    "split": (),
    "provenance": (),
    "text": (),
    "sentences": (),
    "tokens": (),
    "values": (),
    "ner": (),
    "entities": ("id", "type", "name", "members"),
    "mentions": ("id", "entity", "kind", "start", "end", "text", "head_start", "head_end"),
    "relations": ("id", "label", "head", "tail", "evidence"),
    "attributions": ("id", "type", "cue", "source", "content", "source_entity", "parent"),
}


def _root(name: str, project_root: Path) -> Path:
    return project_root if name == "repository" else FIXTURES / "valid"


def _documents(root: Path) -> list[Document]:
    corpus = load_project(root=root)
    assert [f for f in corpus.findings if f.level == "error"] == []
    assert corpus.documents, f"no document under {root}"
    return corpus.documents


@pytest.mark.parametrize("project", PROJECTS)
def test_schema_row_round_trip_is_lossless(project: str, project_root: Path) -> None:
    for doc in _documents(_root(project, project_root)):
        assert document_from_row(to_row(doc)) == doc


@pytest.mark.parametrize("project", PROJECTS)
def test_schema_dataset_row_round_trip_is_lossless(project: str, project_root: Path) -> None:
    docs = _documents(_root(project, project_root))
    dataset = Dataset.from_list([to_row(doc) for doc in docs], features=document_features())
    assert [document_from_row(row) for row in dataset] == docs


@pytest.mark.parametrize("project", PROJECTS)
def test_schema_yaml_round_trip_is_lossless(project: str, project_root: Path, tmp_path: Path) -> None:
    root = _root(project, project_root)
    docs = _documents(root)
    shutil.copytree(root / "corpus", tmp_path / "corpus")
    (tmp_path / "annotations").mkdir()
    for doc in docs:
        (tmp_path / "annotations" / f"{doc.id}.yaml").write_text(render_annotations(doc), encoding="utf-8")
    assert _documents(tmp_path) == docs


def test_schema_features_cover_the_contract() -> None:
    features = document_features()
    missing = set(CONTRACT) - set(features)
    assert missing == set()
    for name, item_fields in CONTRACT.items():
        if item_fields:
            assert set(item_fields) <= set(features[name].feature), name


def test_schema_features_follow_the_dataclasses() -> None:
    from khabar.schema.model import field_names

    assert list(document_features()) == list(field_names(Document))
    assert list(document_features()["mentions"].feature) == list(field_names(Mention))


def _fragment(**kw: Any) -> Fragment:
    return Fragment(**{"start": 0, "end": 4, "text": "Khan", **kw})


BAD: list[tuple[str, Callable[[], object], str]] = [
    ("entity-type", lambda: Entity(id="e1", type="PERSONA", name="Khan"), "label-unknown"),
    ("entity-id", lambda: Entity(id=1, type="PERSON", name="Khan"), "yaml-type"),  # type: ignore[arg-type]
    ("entity-members", lambda: Entity(id="e1", type="PERSON", name="Khan", members=["e2"]), "yaml-type"),  # type: ignore[arg-type]
    ("mention-kind", lambda: Mention(id="m1", entity="e1", kind="NAME", start=0, end=4, text="Khan", head_start=0, head_end=4), "label-unknown"),
    ("mention-range", lambda: Mention(id="m1", entity="e1", kind="NAM", start=4, end=4, text="", head_start=0, head_end=4), "span-range"),
    ("mention-bool", lambda: Mention(id="m1", entity="e1", kind="NAM", start=True, end=4, text="Khan", head_start=0, head_end=4), "yaml-type"),
    ("value-type", lambda: Value(id="v1", type="PERSON", start=0, end=6, text="Monday"), "label-unknown"),
    ("relation-label", lambda: Relation(id="r1", label="per:friend_of", head="e1", tail="e2", evidence=(0,)), "label-unknown"),
    ("relation-evidence", lambda: Relation(id="r1", label="per:associate", head="e1", tail="e2", evidence=(-1,)), "yaml-type"),
    ("attribution-type", lambda: Attribution(id="a1", type="quoted", cue=(_fragment(),), source=(), content=(_fragment(),)), "label-unknown"),
    ("attribution-no-cue", lambda: Attribution(id="a1", type="direct", cue=(), source=(), content=(_fragment(),)), "yaml-missing-key"),
    ("fragment-text", lambda: _fragment(text="Kha"), "span-text"),
    ("fragment-range", lambda: _fragment(start=-1), "span-range"),
]


@pytest.mark.parametrize(("case", "make", "check"), BAD, ids=[case for case, _, _ in BAD])
def test_schema_post_init_rejects_bad_values(case: str, make: Callable[[], object], check: str) -> None:
    with pytest.raises(SchemaError) as raised:
        make()
    assert raised.value.check == check
    assert raised.value.message
