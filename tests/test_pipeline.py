"""The streamed pipeline: its findings are the checks' findings on the loaded corpus, in workers or not."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from khabar.checks import run_checks
from khabar.checks.changelog import check_changelog
from khabar.checks.exceptions import apply_exceptions, read_exceptions
from khabar.checks.release import check_versions
from khabar.core import parallel
from khabar.core.findings import Finding, KhabarError
from khabar.dataset.build import Shards, build
from khabar.dataset.verify import check_roundtrip
from khabar.io.project import Paths, load_project
from khabar.pipeline import stream
from khabar.schema.splits import by_split
from khabar.views import configs as views
from khabar.views.stats import corpus_stats
from khabar.workflow.synthetic import generate_corpus

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "checks"
PROJECTS = sorted(
    p.name for p in FIXTURES.iterdir() if (p / "corpus").is_dir() and p.name != "corpus-empty"
)  # corpus-empty: a finding of stream() about the folder (tests/test_io_guards.py)


def checked_in_memory(root: Path) -> list[Finding]:
    """The oracle: every located check on the corpus loaded in one process, as ``validate(gx=False)`` ran them before the pipeline."""
    paths = Paths(root)
    exemptions, found = read_exceptions(paths.exceptions, shown=paths.show(paths.exceptions))
    found += run_checks(load_project(root=root))
    found += check_versions(root=root, built=None) + check_changelog(root=root, base=None)
    return apply_exceptions(found, exemptions, shown=paths.show(paths.exceptions))


def in_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every document in its own chunk, in worker processes."""
    monkeypatch.setenv("KHABAR_WORKERS", "2")
    monkeypatch.setattr(parallel, "PARALLEL_MIN_ITEMS", 1)
    monkeypatch.setattr(parallel, "MIN_CHUNK", 1)


@pytest.mark.parametrize("fixture", PROJECTS)
def test_pipeline_findings_equal_the_checks_on_the_loaded_corpus(fixture: str) -> None:
    root = FIXTURES / fixture
    expected = checked_in_memory(root)
    kept, rereading = stream(root=root, gx=False, documents=True), stream(root=root, gx=False)
    assert kept.findings == expected
    assert rereading.findings == expected  # located by reading the documents again
    assert [d.id for d in kept.corpus.documents] == kept.ids == rereading.ids and rereading.corpus.documents == []


@pytest.mark.parametrize("fixture", ["type-inconsistent", "name-unannotated", "ref-missing", "valid-multi"])
def test_pipeline_in_workers_equals_one_process(fixture: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = FIXTURES / fixture if fixture != "valid-multi" else tmp_path / "p"
    if fixture == "valid-multi":
        generate_corpus(root=root, n=5, seed=3)
        (root / "annotations" / "broken.yaml").write_text("document: broken\nmentions: [\n", encoding="utf-8")
    monkeypatch.setenv("KHABAR_WORKERS", "1")
    one = stream(root=root, documents=True)
    in_workers(monkeypatch)
    many = stream(root=root, documents=True)
    assert many.findings == one.findings and one.findings  # every fixture has findings
    assert many.ids == one.ids and many.counts == one.counts
    assert many.corpus.documents == one.corpus.documents and many.corpus.sources == one.corpus.sources


def test_pipeline_build_in_workers_equals_build_in_one_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    generate_corpus(root=tmp_path / "p", n=7, seed=4)
    monkeypatch.setenv("KHABAR_WORKERS", "1")
    one = build(root=tmp_path / "p", out=tmp_path / "one", baselines=False)
    in_workers(monkeypatch)
    many = build(root=tmp_path / "p", out=tmp_path / "many", baselines=False)
    assert many["files"] == one["files"] and many["rows"]["documents"] == {"dev": 2, "test": 5}  # the same bytes, file by file (documents 0 and 5 are dev)


def test_pipeline_stats_count_singletons_per_document(project_root: Path) -> None:
    doc = load_project(root=project_root).documents[0]
    twin = replace(doc, id="twin")  # the same entity ids in another document are other entities
    assert corpus_stats([doc, twin])["singleton entities"] == 2 * corpus_stats([doc])["singleton entities"] > 0


@pytest.mark.parametrize("rows", [5, 4, 1])
def test_pipeline_shards_hold_at_most_shard_rows(rows: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, project_root: Path) -> None:
    from khabar.dataset import build as building

    monkeypatch.setattr(building, "SHARD_ROWS", 4)
    schema = views.config("relations").features().arrow_schema
    doc = load_project(root=project_root).documents[0]
    made = pa.Table.from_pylist(list(views.view_rows("relations", [doc]))[:rows], schema=schema)
    shards = Shards(name="relations", split="dev", folder=tmp_path)
    for i in range(rows):  # one row at a time, as the smallest chunks come
        shards.add(made.slice(i, 1))
    count, files = shards.close()
    assert count == rows and [pq.read_metadata(f).num_rows for f in files] == [4] * (rows // 4) + ([rows % 4] if rows % 4 else [])
    assert all(f.name.startswith(f"dev-{i:05d}-of-{len(files):05d}-") for i, f in enumerate(files))
    assert pa.concat_tables([pq.read_table(f) for f in files]).equals(made)


def test_pipeline_row_changed_by_arrow_is_a_build_roundtrip_error(tiny_project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    made = views.documents._row_without_tokens

    def extra(doc: Any) -> dict[str, Any]:
        return {**made(doc), "not_in_the_schema": 1}  # Arrow drops it: the row does not come back as made

    monkeypatch.setattr(views.documents, "_row_without_tokens", extra)
    with pytest.raises(KhabarError) as failed:
        build(root=tiny_project, out=tmp_path / "out", baselines=False)
    assert {f.check for f in failed.value.findings} == {"build-roundtrip"} and not (tmp_path / "out").exists()


def test_pipeline_roundtrip_in_arrow_fires_on_other_ids(split_project: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    manifest = build(root=split_project, out=out, baselines=False)
    ids = stream(root=split_project, gx=False).ids
    assert ids == ["talks", "talks-dev"] and sum(manifest["rows"]["documents"].values()) == len(ids)
    assert check_roundtrip(root=split_project, built=out, ids=["talks-dev", "talks"]) == []  # as they load: dev, then test
    for wrong in (ids, ["talks-dev", "talks", "missing"]):
        found = check_roundtrip(root=split_project, built=out, ids=wrong)
        assert [f.check for f in found] == ["build-roundtrip"] and "were read" in found[0].message


def test_pipeline_suites_in_their_own_processes_find_what_they_find_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from khabar.checks import gx

    generate_corpus(root=tmp_path / "p", n=3, seed=6)
    monkeypatch.setattr(gx, "MAX_ENTITY_MENTIONS", 1)  # every entity with two mentions now fails gx-sanity-ranges
    monkeypatch.setenv("KHABAR_WORKERS", "1")
    here = stream(root=tmp_path / "p", documents=True)
    in_workers(monkeypatch)  # the suites' two processes are forked: they see the patched limit
    there = stream(root=tmp_path / "p")
    assert there.findings == here.findings
    assert {f.check for f in here.findings} == {"gx-sanity-ranges"} and len({f.document for f in here.findings}) == 3


def test_pipeline_baseline_table_pooled_over_chunks_equals_one_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from khabar.baselines.scores import baseline_scores, baselines_markdown

    generate_corpus(root=tmp_path / "p", n=4, seed=8)
    monkeypatch.setenv("KHABAR_WORKERS", "1")
    docs = load_project(root=tmp_path / "p").documents
    at_once = baselines_markdown({split: baseline_scores(group) for split, group in by_split(docs).items()}, khabar_version="0")
    in_workers(monkeypatch)  # four chunks of one document, scored apart and pooled per split
    pooled = stream(root=tmp_path / "p", gx=False, baselines=True).baselines
    assert list(pooled) == ["dev", "test"]  # document 0 is dev, 1-3 test
    assert baselines_markdown(pooled, khabar_version="0") == at_once and "| string-match-coref 1.0 | coreference |" in at_once
    assert at_once.index("**Split `test`**") < at_once.index("**Split `dev`**")
