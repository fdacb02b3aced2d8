"""The build: a Hub-style folder that loads offline, is reproducible, atomic and self-consistent."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import yaml
from datasets import ClassLabel, Features, load_dataset

from khabar.build import build, load_back
from khabar.card import split_front_matter
from khabar.findings import KhabarError
from khabar.io import load_project
from khabar.schema.labels import BIO_TAGS, NER_LABELS
from khabar.schema.model import Document
from khabar.views import CONFIGS, view_rows

CONFIG_NAMES = [cfg.name for cfg in CONFIGS]


@pytest.fixture(scope="module")
def repo_docs(project_root: Path) -> list[Document]:
    return sorted(load_project(root=project_root).documents, key=lambda d: d.id)


def digests(folder: Path) -> dict[str, str]:
    """sha256 of every file under ``folder``, by relative path."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


def load(folder: Path, config: str, cache: Path):  # noqa: ANN201 (a datasets.Dataset)
    """Load a config into its own cache: datasets caches a local folder by name and card, not content."""
    return load_dataset(str(folder), config, split="test", cache_dir=str(cache))


def card_meta(built: Path) -> dict:
    meta, _ = split_front_matter((built / "README.md").read_text(encoding="utf-8"))
    return meta


@pytest.mark.parametrize("config", CONFIG_NAMES)
def test_build_every_config_loads_offline(built: Path, repo_docs: list[Document], config: str, tmp_path: Path) -> None:
    expected = sum(1 for _ in view_rows(config, repo_docs))
    manifest = json.loads((built / "manifest.json").read_text(encoding="utf-8"))
    listed = [c["config_name"] for c in card_meta(built)["configs"]]
    assert manifest["rows"][config] == expected
    if expected == 0:
        assert config not in listed  # datasets cannot load an empty split
        return
    assert config in listed
    assert load(built, config, tmp_path).num_rows == expected


def test_build_documents_is_the_default_config(built: Path, tmp_path: Path) -> None:
    defaults = [c["config_name"] for c in card_meta(built)["configs"] if c.get("default")]
    assert defaults == ["documents"]
    default = load_dataset(str(built), split="test", cache_dir=str(tmp_path))
    assert default.num_rows == load(built, "documents", tmp_path).num_rows
    assert default.features == load(built, "documents", tmp_path).features


def test_build_twice_gives_identical_bytes(built: Path, project_root: Path, tmp_path: Path) -> None:
    again = tmp_path / "khabar"
    build(root=project_root, out=again)
    assert digests(again) == digests(built)


def test_build_failure_keeps_the_previous_build(tiny_project: Path, tmp_path: Path) -> None:
    out = tmp_path / "out" / "khabar"
    build(root=tiny_project, out=out)
    before = digests(out)
    annotation = next((tiny_project / "annotations").glob("*.yaml"))
    text = annotation.read_text(encoding="utf-8")
    broken = text.replace("kind: NAM", "kind: NAME", 1)
    assert broken != text
    annotation.write_text(broken, encoding="utf-8")
    with pytest.raises(KhabarError) as raised:
        build(root=tiny_project, out=out)
    assert "label-unknown" in {f.check for f in raised.value.findings}
    assert digests(out) == before
    assert [p.name for p in out.parent.iterdir()] == ["khabar"]  # no staging or old folder left behind


@pytest.mark.parametrize("missing", [("pyproject.toml",), ("dataset_card.md",), ("pyproject.toml", "dataset_card.md")])
def test_build_outside_a_project_root_reports_every_missing_file(tiny_project: Path, missing: tuple[str, ...], tmp_path: Path) -> None:
    for name in missing:
        (tiny_project / name).unlink()
    out = tmp_path / "out"
    with pytest.raises(KhabarError) as raised:
        build(root=tiny_project, out=out, baselines=False)
    assert sorted((f.check, f.path, f.line) for f in raised.value.findings) == sorted(("version-mismatch", name, 1) for name in missing)
    assert all("expected" in f.message and "--root" in f.message for f in raised.value.findings)
    assert not out.exists()


def test_build_card_features_equal_parquet_schema(built: Path) -> None:
    meta = card_meta(built)
    declared = {info["config_name"]: Features._from_yaml_list(info["features"]) for info in meta["dataset_info"]}
    assert set(declared) == {c["config_name"] for c in meta["configs"]}
    for name, features in declared.items():
        files = sorted((built / "data" / name).glob("test-*.parquet"))
        assert files, name
        for path in files:
            assert Features.from_arrow_schema(pq.read_schema(path)) == features, path


def test_build_manifest_hashes_match_files(built: Path) -> None:
    manifest = json.loads((built / "manifest.json").read_text(encoding="utf-8"))
    on_disk = digests(built)
    assert on_disk.pop("manifest.json")
    assert manifest["files"] == on_disk


def test_build_ner_tags_are_classlabel_with_bio_names(built: Path, tmp_path: Path) -> None:
    ner = load(built, "ner", tmp_path)
    tags = ner.features["ner_tags"].feature
    assert isinstance(tags, ClassLabel)
    assert tags.names == list(BIO_TAGS)
    assert len(tags.names) == 1 + 2 * len(NER_LABELS) == 37
    assert sum(len(t) for t in ner["tokens"]) == sum(len(t) for t in ner["ner_tags"])


@pytest.mark.parametrize("which", ["built", "tiny_built"])
def test_build_coref_clusters_map_back_to_mention_texts(which: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    folder: Path = request.getfixturevalue(which)
    documents = {row["id"]: row for row in load(folder, "documents", tmp_path)}
    for row in load(folder, "coref", tmp_path):
        doc = documents[row["id"]]
        tokens, text = doc["tokens"], doc["text"]
        assert [w for sentence in row["sentences"] for w in sentence] == [t["text"] for t in tokens]
        for spans, entity in zip(row["clusters"], row["cluster_entities"], strict=True):
            got = Counter(text[tokens[first]["start"] : tokens[last]["end"]] for first, last in spans)
            assert got == Counter(m["text"] for m in doc["mentions"] if m["entity"] == entity), entity
        assert set(row["cluster_entities"]) == {m["entity"] for m in doc["mentions"]}


def test_build_readme_yaml_is_hub_metadata(built: Path) -> None:
    text = (built / "README.md").read_text(encoding="utf-8")
    meta = yaml.safe_load(text.split("---\n")[1])
    assert {"configs", "dataset_info", "license", "pretty_name"} <= set(meta)
    assert all(c["data_files"][0]["split"] == "test" for c in meta["configs"])


def test_build_load_back_reads_this_build_not_a_cached_one(built: Path, tiny_built: Path, tmp_path: Path) -> None:
    out = tmp_path / "khabar"
    shutil.copytree(built, out)
    earlier = load_back(out=out)
    for config in earlier:
        load_dataset(str(out), config, split="test")  # fills the session's default cache
    shutil.rmtree(out)
    shutil.copytree(tiny_built, out)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    now = {name: rows for name, rows in manifest["rows"].items() if rows}
    assert now != earlier  # the two builds differ, so a stale cache would show
    assert load_back(out=out) == now
