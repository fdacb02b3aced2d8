"""croissant.json: Croissant 1.0 metadata that mlcroissant, the reference reader, reads back offline."""

from __future__ import annotations

import fnmatch
import hashlib
import json
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from conftest import ROOT

# mlcroissant fixes its cache folder at import time: keep it inside the tests' temporary HF_HOME.
os.environ.setdefault("CROISSANT_CACHE", os.path.join(os.environ["HF_HOME"], "croissant"))

import mlcroissant as mlc  # noqa: E402

from khabar.dataset.croissant import FILE, croissant_metadata, dumps  # noqa: E402
from khabar.views.configs import CONFIGS  # noqa: E402

CONFIG_NAMES = [cfg.name for cfg in CONFIGS]


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to open a network connection fails the test."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def metadata(built: Path) -> dict[str, Any]:
    return json.loads((built / FILE).read_text(encoding="utf-8"))


def manifest(built: Path) -> dict[str, Any]:
    return json.loads((built / "manifest.json").read_text(encoding="utf-8"))


def parquet_rows(built: Path, config: str) -> list[dict[str, Any]]:
    """The rows of a config's files, each with its split (a column of ``documents``, else the file name's first part)."""
    rows: list[dict[str, Any]] = []
    for path in sorted((built / "data" / config).glob("*.parquet")):
        rows += [{"split": path.name.split("-", 1)[0], **row} for row in pq.read_table(path).to_pylist()]
    return rows


def plain(value: Any) -> Any:
    """An mlcroissant value as plain Python: text decoded, keys shortened from field ids to names."""
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, dict):
        return {key.rsplit("/", 1)[-1]: plain(v) for key, v in value.items()}
    if isinstance(value, (list, tuple)) or type(value).__name__ == "ndarray":
        return [plain(v) for v in value]
    return value.item() if hasattr(value, "item") else value


def project(row: dict[str, Any], fields: list[dict[str, Any]]) -> dict[str, Any]:
    """A parquet row reduced to the fields (and sub-fields) croissant.json describes."""
    out = {}
    for field in fields:
        value = row[field["name"]]
        if "subField" in field and value is not None:
            value = [project(v, field["subField"]) for v in value] if field.get("repeated") else project(value, field["subField"])
        out[field["name"]] = value
    return out


def read_back(built: Path, config: str) -> list[dict[str, Any]]:
    dataset = mlc.Dataset(jsonld=str(built / FILE))
    return [plain(record) for record in dataset.records(record_set=config)]


@pytest.mark.parametrize("config", CONFIG_NAMES)
def test_croissant_record_count_equals_manifest_rows(built: Path, config: str, offline: None) -> None:
    assert len(read_back(built, config)) == sum(manifest(built)["rows"][config].values()) > 0


@pytest.mark.parametrize("config", CONFIG_NAMES)
def test_croissant_records_equal_parquet_rows(built: Path, config: str, offline: None) -> None:
    fields = next(rs for rs in metadata(built)["recordSet"] if rs["@id"] == config)["field"]
    expected = [project(row, fields) for row in parquet_rows(built, config)]
    assert read_back(built, config) == expected


def test_croissant_ids_read_back(built: Path, offline: None) -> None:
    documents = {r["id"] for r in read_back(built, "documents")}
    ner = [r["id"] for r in read_back(built, "ner")]
    assert documents == {r["id"] for r in parquet_rows(built, "documents")}
    assert ner == [r["id"] for r in parquet_rows(built, "ner")]
    assert all(n.rsplit("-", 1)[0] in documents for n in ner)


def test_croissant_validates_without_warnings(built: Path, offline: None) -> None:
    dataset = mlc.Dataset(jsonld=str(built / FILE))
    assert not dataset.metadata.ctx.issues.errors
    assert not dataset.metadata.ctx.issues.warnings


def test_croissant_file_sets_match_parquet_files(built: Path) -> None:
    meta = metadata(built)
    files = [name for name in manifest(built)["files"] if name.endswith(".parquet")]
    file_sets = {fs["@id"]: fs for fs in meta["distribution"]}
    assert meta["conformsTo"] == "http://mlcommons.org/croissant/1.0"
    for config in CONFIG_NAMES:
        fs = file_sets[f"{config}-parquet"]
        assert fs["@type"] == "cr:FileSet" and fs["encodingFormat"] == "application/x-parquet"
        assert sorted(f for f in files if fnmatch.fnmatch(f, fs["includes"])) == sorted(f for f in files if f.startswith(f"data/{config}/"))


def test_croissant_is_listed_in_the_manifest(built: Path) -> None:
    digest = hashlib.sha256((built / FILE).read_bytes()).hexdigest()
    assert manifest(built)["files"][FILE] == digest


def test_croissant_states_licence_version_and_citation(built: Path, project_root: Path) -> None:
    from khabar.io import load_project
    from khabar.schema.labels import TEXT_LICENCES

    meta = metadata(built)
    in_use = {d.licence for d in load_project(root=project_root).documents}
    assert meta["license"][0] == "https://creativecommons.org/licenses/by/4.0/"  # the annotations'
    assert set(meta["license"][1:]) == {TEXT_LICENCES[i][1] or TEXT_LICENCES[i][0] for i in in_use} - {meta["license"][0]}
    assert "LICENSE.md" in meta["description"] and "CC-BY-4.0" in meta["description"]
    assert meta["version"] == manifest(built)["version"]
    assert meta["citeAs"].startswith("@misc{khabar")
    assert "datePublished" in meta  # the release date from the changelog, never the build time


def test_croissant_metadata_is_the_same_in_processes_with_different_hash_seeds() -> None:
    """Two calls in one process share the string-hash seed, so a set iterated in hash order agrees with itself
    there: each call runs in an interpreter of its own, with another PYTHONHASHSEED. The card's own front matter
    (its tags and task ids, the keywords: a set of seven strings) is the metadata's."""
    from khabar.io.cardfile import split_front_matter

    card_meta, _ = split_front_matter((ROOT / "dataset_card.md").read_text(encoding="utf-8"))
    assert len(card_meta["tags"]) + len(card_meta["task_ids"]) > 3, "too few keywords for their order to tell hash seeds apart"
    args = dict(
        version="1.2.3",
        configs_rows={"documents": {"test": 2}, "ner": {"test": 5}},
        files=["data/ner/test-00000-of-00001.parquet", "data/documents/test-00000-of-00001.parquet"],
        card_meta={key: card_meta[key] for key in ("pretty_name", "tags", "task_ids")},
    )
    script = f"from khabar.dataset.croissant import croissant_metadata, dumps; print(dumps(croissant_metadata(**{args!r})), end='')"
    made = [
        subprocess.run([sys.executable, "-c", script], env={**os.environ, "PYTHONHASHSEED": str(seed)}, capture_output=True, text=True, check=True).stdout
        for seed in (1, 2)
    ]
    assert made[0] == made[1] == dumps(croissant_metadata(**args))


def test_croissant_leaves_out_configs_without_rows() -> None:
    meta = croissant_metadata(
        version="1.0.0",
        configs_rows={"documents": {"dev": 1, "test": 0}, "ner": {"dev": 0, "test": 0}},
        files=["data/documents/dev-00000-of-00001.parquet"],
        card_meta={},
    )
    assert [rs["@id"] for rs in meta["recordSet"]] == ["documents"]
    assert [fs["@id"] for fs in meta["distribution"]] == ["documents-parquet"]


def test_croissant_rejects_rows_without_files() -> None:
    with pytest.raises(ValueError, match="ner"):
        croissant_metadata(version="1.0.0", configs_rows={"ner": {"test": 3}}, files=[], card_meta={})


def test_croissant_field_types_follow_the_features(built: Path) -> None:
    record_sets = {rs["@id"]: {f["name"]: f for f in rs["field"]} for rs in metadata(built)["recordSet"]}
    ner, coref, relations, documents = (record_sets[c] for c in ("ner", "coref", "relations", "documents"))
    assert (ner["id"]["dataType"], ner["sentence"]["dataType"]) == ("sc:Text", "sc:Integer")
    assert ner["ner_tags"]["repeated"] and ner["ner_tags"]["dataType"] == "sc:Integer" and "B-PERSON" in ner["ner_tags"]["description"]
    assert coref["clusters"]["repeated"] and "3 deep" in coref["clusters"]["description"]
    assert [s["name"] for s in relations["head"]["subField"]] == ["id", "name", "type"] and not relations["head"].get("repeated")
    attributions = documents["attributions"]
    assert attributions["repeated"] and {s["name"] for s in attributions["subField"]} == {"id", "type", "source_entity", "parent"}
    assert "`cue`" in attributions["description"]  # the left-out fragment lists are named


def test_croissant_documents_carry_split_and_licence_per_document(split_built: Path, offline: None) -> None:
    from khabar.schema.licences import licences_in_use

    dataset = mlc.Dataset(jsonld=str(split_built / FILE))
    assert not dataset.metadata.ctx.issues.errors and not dataset.metadata.ctx.issues.warnings
    fields = {f["name"] for f in next(rs for rs in metadata(split_built)["recordSet"] if rs["@id"] == "documents")["field"]}
    assert {"split", "licence", "attribution", "provenance"} <= fields
    records = {r["id"]: r for r in read_back(split_built, "documents")}
    assert {(i, r["split"], r["licence"]) for i, r in records.items()} == {("talks", "test", "CC-BY-4.0"), ("talks-dev", "dev", "CC-BY-4.0")}
    assert metadata(split_built)["license"] == licences_in_use([{"licence": "CC-BY-4.0"}]) == ["https://creativecommons.org/licenses/by/4.0/"]
    for config in CONFIG_NAMES:  # both splits' shards are read, each row with its split
        back = read_back(split_built, config)
        assert sorted(r["split"] for r in back) == sorted(s for s, n in manifest(split_built)["rows"][config].items() for _ in range(n))
        assert all(r["split"] == ("dev" if r["id"].startswith("talks-dev") else "test") for r in back)
