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
from khabar.schema.model import Document
from khabar.views import CONFIGS, view_rows

SPLIT = "test"
SHARD_ROWS = 2000  # rows per parquet file: bounded shards that Spark, Dask or DuckDB read in parallel


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


def write_config(*, name: str, docs: list[Document], folder: Path) -> tuple[int, list[Path]]:
    """Write one config's parquet shards; return its row count and files.

    A config with no rows gets no files (``datasets`` cannot load an empty
    split), and the card leaves it out of ``configs``."""
    from khabar.views import config

    schema = config(name).features().arrow_schema  # carries the HF features (ClassLabel names too)
    shards = [pa.Table.from_pylist(chunk, schema=schema) for chunk in _chunks(view_rows(name, docs), SHARD_ROWS)]
    paths = []
    for i, table in enumerate(shards):
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{SPLIT}-{i:05d}-of-{len(shards):05d}.parquet"
        pq.write_table(table, path, compression="zstd", write_statistics=True)
        paths.append(path.rename(content_named(path)))
    return sum(t.num_rows for t in shards), paths


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def content_named(path: Path) -> Path:
    """``test-00000-of-00001.parquet`` -> ``test-00000-of-00001-<sha256[:12]>.parquet``.

    ``datasets`` keys its cache of a local folder by the card's YAML, not by the
    files' content; the card lists these content-named files, so a rebuild with
    other data gets another cache entry instead of the stale one.
    """
    return path.with_name(f"{path.stem}-{_sha256(path)[:12]}{path.suffix}")


def build(*, root: Path, out: Path) -> dict[str, Any]:
    """Validate the project at ``root`` and build the dataset folder ``out``.

    Raises :class:`KhabarError` with every finding when validation fails;
    nothing is written then.
    """
    from khabar.card import render_card
    from khabar.checks import validate
    from khabar.croissant import write_croissant
    from khabar.stats import corpus_stats

    corpus, findings = validate(root=root)
    if errors(findings):
        raise KhabarError(errors(findings))
    docs = sorted(corpus.documents, key=lambda d: d.id)
    version = project_version(root)
    out = out.resolve()
    with replacing(out, purpose="building") as stage:
        rows, files = {}, []
        for cfg in CONFIGS:
            rows[cfg.name], paths = write_config(name=cfg.name, docs=docs, folder=stage / "data" / cfg.name)
            files += paths
        (stage / "README.md").write_text(render_card(root=root, version=version, stats=corpus_stats(docs), rows=rows, files=files, stage=stage, documents=docs), encoding="utf-8")
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
