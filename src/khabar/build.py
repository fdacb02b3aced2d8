"""Building the Hugging Face dataset folder: validate, write, swap into place.

The output is laid out like a Hub dataset repo: ``README.md`` (the rendered
card, with YAML ``configs:``), ``data/<config>/test-*.parquet``,
``croissant.json`` (Croissant 1.0 metadata) and ``manifest.json``. Everything is written into a temporary sibling folder and
renamed into place only when complete, so a failed build leaves the last good
build untouched.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import tempfile
from pathlib import Path
from typing import Any, Iterable

import pyarrow as pa
import pyarrow.parquet as pq

from khabar.atomic import replacing
from khabar.findings import Finding, KhabarError, errors
from khabar.gcpause import gc_paused
from khabar.progress import Progress, Timings, no_progress
from khabar.schema.model import Document
from khabar.views import CONFIGS, view_rows

SPLIT = "test"
SHARD_ROWS = 2000  # rows per parquet file: bounded shards that Spark, Dask or DuckDB read in parallel
BATCH_ROWS = 100  # rows turned into Arrow at a time while a shard fills (divides SHARD_ROWS)


def project_version(root: Path) -> str:
    import tomllib

    return tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


def source_commit(root: Path) -> str | None:
    """The git commit the inputs come from, when ``root`` is a clean git checkout."""
    try:
        commit = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--", "corpus", "annotations"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return f"{commit}-dirty" if dirty else commit


def _chunks(rows: Iterable[dict[str, Any]], size: int) -> Iterable[list[dict[str, Any]]]:
    chunk: list[dict[str, Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def write_config(*, name: str, docs: list[Document], folder: Path, progress: Progress = no_progress) -> tuple[int, list[Path]]:
    """Write one config's parquet shards; return its row count and files.

    A config with no rows gets no files (``datasets`` cannot load an empty
    split), and the card leaves it out of ``configs``.

    Streamed: rows become Arrow batches of :data:`BATCH_ROWS` as they are made
    and each shard is written as soon as it is full, so only one shard is held
    (in Arrow, not as Python dicts). A shard's bytes are those of
    ``pq.write_table`` on all its rows at once; the shard count in the names is
    known at the end, so the files are renamed then."""
    from khabar.views import config

    schema = config(name).features().arrow_schema  # carries the HF features (ClassLabel names too)
    partial: list[Path] = []
    batches: list[pa.RecordBatch] = []
    rows = 0

    def flush() -> None:
        folder.mkdir(parents=True, exist_ok=True)
        partial.append(folder / f".{SPLIT}-{len(partial):05d}.partial")
        pq.write_table(pa.Table.from_batches(batches, schema=schema).combine_chunks(), partial[-1], compression="zstd", write_statistics=True)
        batches.clear()

    rows_of = view_rows(name, progress(docs, total=len(docs), desc=f"writing {name}"))
    with gc_paused():  # rows are plain dicts, freed by reference counting
        for chunk in _chunks(rows_of, BATCH_ROWS):  # BATCH_ROWS divides SHARD_ROWS: shards hold SHARD_ROWS rows
            batches.append(pa.RecordBatch.from_pylist(chunk, schema=schema))
            rows += len(chunk)
            if rows % SHARD_ROWS == 0:
                flush()
        if batches:
            flush()
    paths = []
    for i, path in enumerate(partial):
        named = path.rename(folder / f"{SPLIT}-{i:05d}-of-{len(partial):05d}.parquet")
        paths.append(named.rename(content_named(named)))
    return rows, paths


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def content_named(path: Path) -> Path:
    """``test-00000-of-00001.parquet`` -> ``test-00000-of-00001-<sha256[:12]>.parquet``.

    ``datasets`` keys its cache of a local folder by the card's YAML, not by the
    files' content; the card lists these content-named files, so a rebuild with
    other data gets another cache entry instead of the stale one.
    """
    return path.with_name(f"{path.stem}-{_sha256(path)[:12]}{path.suffix}")


def build(*, root: Path, out: Path, baselines: bool = True, progress: Progress = no_progress, timings: Timings | None = None) -> dict[str, Any]:
    """Validate the project at ``root`` and build the dataset folder ``out``.

    ``baselines=False`` leaves the card's table of baseline scores out (it says
    so instead): running and scoring every baseline on every document is the
    largest part of building a large corpus (see ``docs/performance.md``).

    Raises :class:`KhabarError` with every finding when validation fails;
    nothing is written then. ``progress`` wraps the long stretches (see
    :mod:`khabar.progress`); ``timings``, if given, receives the seconds of each
    stage (those of :func:`khabar.checks.validate` included).
    """
    from khabar.card import render_card
    from khabar.checks import validate
    from khabar.croissant import write_croissant
    from khabar.stats import corpus_stats

    clock = timings if timings is not None else Timings()
    corpus, findings = validate(root=root, progress=progress, timings=clock)
    if errors(findings):
        raise KhabarError(errors(findings))
    docs = sorted(corpus.documents, key=lambda d: d.id)
    version = project_version(root)
    out = out.resolve()
    with replacing(out, purpose="building") as stage:
        rows, files = {}, []
        with clock.stage("write_parquet"):
            for cfg in CONFIGS:
                rows[cfg.name], paths = write_config(name=cfg.name, docs=docs, folder=stage / "data" / cfg.name, progress=progress)
                files += paths
        with clock.stage("card_baselines" if baselines else "card"):
            card = render_card(root=root, version=version, stats=corpus_stats(docs), rows=rows, files=files, stage=stage, documents=docs, baselines=baselines)
        (stage / "README.md").write_text(card, encoding="utf-8")
        croissant = write_croissant(folder=stage, version=version, rows=rows, files=files)
        manifest = {
            "name": "khabar",
            "version": version,
            "source_commit": source_commit(root),
            "rows": rows,
            "counts": corpus_stats(docs),
            "files": {p.relative_to(stage).as_posix(): _sha256(p) for p in sorted(files + [stage / "README.md", croissant])},
        }
        (stage / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        with clock.stage("release_checks"):
            staged = release_checks(root=root, stage=stage, out=out, docs=docs)
        if errors(staged):
            raise KhabarError(errors(staged))
    return manifest


def release_checks(*, root: Path, stage: Path, out: Path, docs: list[Document]) -> list[Finding]:
    """The release checks of the staged build ``stage``; findings name ``out``, where it goes."""
    from khabar.checks.release import check_card_features, check_roundtrip, check_versions

    return (
        check_versions(root=root, built=stage, shown_as=out)
        + check_card_features(built=stage, shown_as=out)
        + check_roundtrip(root=root, built=stage, documents=docs, shown_as=out)
    )


def load_back(*, out: Path) -> dict[str, int]:
    """Load every config of a built folder with ``datasets.load_dataset``; rows per config.

    Loads into a throwaway cache: ``datasets`` keys a local folder's cache by the folder's
    name and card, not its content, so the user's cache could answer with an earlier build."""
    from datasets import load_dataset

    built = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["rows"]
    with tempfile.TemporaryDirectory(prefix="khabar-load-") as cache:
        return {
            cfg.name: load_dataset(str(out), cfg.name, split=SPLIT, cache_dir=cache).num_rows
            for cfg in CONFIGS
            if built.get(cfg.name)
        }
