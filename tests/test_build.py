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

from khabar.core.findings import KhabarError
from khabar.dataset.build import build, load_back
from khabar.io import load_project
from khabar.io.cardfile import split_front_matter
from khabar.schema.labels import BIO_TAGS, NER_LABELS, SPLITS
from khabar.schema.model import Document
from khabar.views.configs import CONFIGS, view_rows

CONFIG_NAMES = [cfg.name for cfg in CONFIGS]


@pytest.fixture(scope="module")
def repo_docs(project_root: Path) -> list[Document]:
    return sorted(load_project(root=project_root).documents, key=lambda d: d.id)


def digests(folder: Path) -> dict[str, str]:
    """sha256 of every file under ``folder``, by relative path."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


def load(folder: Path, config: str, cache: Path, split: str):  # noqa: ANN201 (a datasets.Dataset)
    """Load a config's split into its own cache: datasets caches a local folder by name and card, not content."""
    return load_dataset(str(folder), config, split=split, cache_dir=str(cache))


def splits_of(folder: Path) -> list[str]:
    """The splits of a build that have documents."""
    rows = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["rows"]["documents"]
    return [split for split in SPLITS if rows.get(split)]


def card_meta(built: Path) -> dict:
    meta, _ = split_front_matter((built / "README.md").read_text(encoding="utf-8"))
    return meta


@pytest.mark.parametrize("config", CONFIG_NAMES)
def test_build_every_config_loads_offline(built: Path, repo_docs: list[Document], config: str, tmp_path: Path) -> None:
    expected = {split: sum(1 for _ in view_rows(config, [d for d in repo_docs if d.split == split])) for split in SPLITS}
    manifest = json.loads((built / "manifest.json").read_text(encoding="utf-8"))
    listed = {c["config_name"]: [d["split"] for d in c["data_files"]] for c in card_meta(built)["configs"]}
    assert manifest["rows"][config] == expected
    assert listed.get(config, []) == [split for split in SPLITS if expected[split]]  # datasets cannot load an empty split
    for split in listed.get(config, []):
        assert load(built, config, tmp_path, split).num_rows == expected[split]


@pytest.mark.parametrize("split", SPLITS)
@pytest.mark.parametrize("config", CONFIG_NAMES)
def test_build_every_config_loads_each_split_of_a_two_split_corpus(split_built: Path, config: str, split: str, tmp_path: Path) -> None:
    manifest = json.loads((split_built / "manifest.json").read_text(encoding="utf-8"))
    loaded = load(split_built, config, tmp_path, split)
    assert loaded.num_rows == manifest["rows"][config][split] > 0
    files = sorted((split_built / "data" / config).glob(f"{split}-*.parquet"))
    assert files and loaded.num_rows == sum(pq.read_metadata(f).num_rows for f in files)
    if config == "documents":
        assert set(loaded["split"]) == {split}
        assert loaded["id"] == (["talks"] if split == "test" else ["talks-dev"])


def test_build_a_split_without_rows_is_left_out_of_its_config(tiny_built: Path, tmp_path: Path) -> None:
    manifest = json.loads((tiny_built / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["rows"]["documents"] == {"dev": 0, "test": 1}  # the valid fixture is one test document
    for config in card_meta(tiny_built)["configs"]:
        assert [d["split"] for d in config["data_files"]] == ["test"]
    assert not list((tiny_built / "data").glob("*/dev-*"))
    with pytest.raises(ValueError, match="dev"):
        load(tiny_built, "documents", tmp_path, "dev")


def test_build_documents_is_the_default_config(split_built: Path, tmp_path: Path) -> None:
    defaults = [c["config_name"] for c in card_meta(split_built)["configs"] if c.get("default")]
    assert defaults == ["documents"]
    for split in SPLITS:
        default = load_dataset(str(split_built), split=split, cache_dir=str(tmp_path))
        assert default.num_rows == load(split_built, "documents", tmp_path, split).num_rows
        assert default.features == load(split_built, "documents", tmp_path, split).features


def test_build_card_dataset_info_states_each_split_as_loaded(split_built: Path, tmp_path: Path) -> None:
    for info in card_meta(split_built)["dataset_info"]:
        name = info["config_name"]
        stated = {s["name"]: s for s in info["splits"]}
        assert list(stated) == list(SPLITS)
        files = sorted((split_built / "data" / name).glob("*.parquet"))
        assert info["download_size"] == sum(f.stat().st_size for f in files)
        assert info["dataset_size"] == sum(s["num_bytes"] for s in stated.values())
        for split, dataset in load_dataset(str(split_built), name, cache_dir=str(tmp_path)).items():
            assert stated[split]["num_examples"] == dataset.num_rows
            assert stated[split]["num_bytes"] == dataset.info.splits[split].num_bytes  # as datasets measures it


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
        files = sorted((built / "data" / name).glob("*.parquet"))
        assert files, name
        for path in files:
            assert Features.from_arrow_schema(pq.read_schema(path)) == features, path


def test_build_manifest_hashes_match_files(built: Path) -> None:
    manifest = json.loads((built / "manifest.json").read_text(encoding="utf-8"))
    on_disk = digests(built)
    assert on_disk.pop("manifest.json")
    assert manifest["files"] == on_disk


def test_build_ner_tags_are_classlabel_with_bio_names(built: Path, tmp_path: Path) -> None:
    ner = load(built, "ner", tmp_path, splits_of(built)[0])
    tags = ner.features["ner_tags"].feature
    assert isinstance(tags, ClassLabel)
    assert tags.names == list(BIO_TAGS)
    assert len(tags.names) == 1 + 2 * len(NER_LABELS) == 37
    assert sum(len(t) for t in ner["tokens"]) == sum(len(t) for t in ner["ner_tags"])


@pytest.mark.parametrize("which", ["built", "tiny_built", "split_built"])
def test_build_coref_clusters_map_back_to_mention_texts(which: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    folder: Path = request.getfixturevalue(which)
    splits = splits_of(folder)
    documents = {row["id"]: row for split in splits for row in load(folder, "documents", tmp_path, split)}
    for row in (row for split in splits for row in load(folder, "coref", tmp_path, split)):
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
    assert all(c["data_files"] and {d["split"] for d in c["data_files"]} <= set(SPLITS) for c in meta["configs"])
    for config in meta["configs"]:
        for files in config["data_files"]:
            assert all(Path(path).name.startswith(f"{files['split']}-00000-of-") for path in files["path"])


def test_build_load_back_reads_this_build_not_a_cached_one(split_built: Path, tiny_built: Path, tmp_path: Path) -> None:
    out = tmp_path / "khabar"
    shutil.copytree(split_built, out)
    earlier = load_back(out=out)
    for config, splits in earlier.items():
        for split in splits:
            load_dataset(str(out), config, split=split)  # fills the session's default cache
    shutil.rmtree(out)
    shutil.copytree(tiny_built, out)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    now = {name: {split: n for split, n in rows.items() if n} for name, rows in manifest["rows"].items() if any(rows.values())}
    assert now != earlier  # the two builds differ, so a stale cache would show
    assert load_back(out=out) == now


def test_build_load_back_gives_rows_per_config_per_split(split_built: Path) -> None:
    manifest = json.loads((split_built / "manifest.json").read_text(encoding="utf-8"))
    loaded = load_back(out=split_built)
    assert loaded == manifest["rows"] and set(loaded["ner"]) == set(SPLITS)


def test_build_licence_file_lists_every_document(split_built: Path) -> None:
    from khabar.schema.licences import LICENCE_FILE

    text = (split_built / LICENCE_FILE).read_text(encoding="utf-8")
    meta = card_meta(split_built)
    assert meta["license"] == "other" and meta["license"] != "cc-by-4.0"
    assert meta["license_name"] == "khabar-mixed" and meta["license_link"] == LICENCE_FILE
    rows = [line for line in text.splitlines() if line.startswith("| talks")]
    assert sorted(row.split(" | ")[0].strip("| ") for row in rows) == ["talks", "talks-dev"]
    assert all("https://creativecommons.org/licenses/by/4.0/" in row for row in rows)
    manifest = json.loads((split_built / "manifest.json").read_text(encoding="utf-8"))
    assert LICENCE_FILE in manifest["files"]
