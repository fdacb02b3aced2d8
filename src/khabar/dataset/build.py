"""Building the Hugging Face dataset folder: validate, write, swap into place.

The output is laid out like a Hub dataset repo: ``README.md`` (the rendered
card, with YAML ``configs:``), ``data/<config>/<split>-*.parquet`` (one set of
shards per config and split), ``LICENSE.md`` (the licence of every document),
``croissant.json`` (Croissant 1.0 metadata) and ``manifest.json``. Everything is written into a temporary sibling folder and
swapped into place only when complete (:mod:`khabar.io.atomic`), so a failed build leaves the last good
build untouched; ``out`` must be new, empty or an earlier build (:data:`khabar.io.outputs.BUILD`).
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from datasets import load_dataset

from khabar.checks.release import CARD, PYPROJECT, check_versions, pyproject_version
from khabar.core.findings import Finding, KhabarError, errors, finding
from khabar.core.gcpause import gc_paused
from khabar.dataset.card import render_card
from khabar.dataset.croissant import write_croissant
from khabar.dataset.verify import check_card_features, check_roundtrip, quiet_datasets
from khabar.io.atomic import replacing
from khabar.io.citation import project_meta
from khabar.io.outputs import BUILD, Output
from khabar.io.progress import Progress, Timings, no_progress
from khabar.io.project import Paths, load_document
from khabar.io.proofs import file_sha256
from khabar.io.swap import pause_point
from khabar.pipeline import stream
from khabar.schema.labels import SPLITS
from khabar.schema.licences import LICENCE_FILE, licence_file
from khabar.views.configs import CONFIGS, config
from khabar.views.stats import split_stats_from_counts

SHARD_ROWS = 2000  # rows per parquet file: bounded shards that Spark, Dask or DuckDB read in parallel


def project_files(root: Path) -> list[Finding]:
    """What ``root`` lacks of a project's root: pyproject.toml (the version) and the card template."""
    return [
        finding(
            "version-mismatch",
            f"expected {name} in the project's root {root}; found none (the build takes the version and "
            "the card from it: run khabar from the project's root, or pass --root)",
            path=name,
            line=1,
        )
        for name in (PYPROJECT, CARD)
        if not os.path.lexists(root / name)
    ]  # one that is there but no file: reading it says why


def project_version(root: Path) -> str:
    """The ``[project] version`` of ``root/pyproject.toml``, the one source of the version.

    Raises :class:`KhabarError` when ``root`` is not a project's root (:func:`project_files`)
    or pyproject.toml states no version."""
    if missing := project_files(root):
        raise KhabarError(missing)
    version, line = pyproject_version(root)
    if version is None:
        raise KhabarError(
            [
                finding(
                    "version-mismatch", "pyproject.toml states no `[project] version`; write it there, the one source of the version", path=PYPROJECT, line=line
                )
            ]
        )
    return version


def source_commit(root: Path) -> str | None:
    """The git commit the inputs come from, when ``root`` is a clean git checkout."""
    try:
        commit = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--", "corpus", "annotations"], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return f"{commit}-dirty" if dirty else commit


class Shards:
    """One config's parquet shards of one split, written as rows arrive (:func:`khabar.pipeline.stream`'s ``views``).

    Holds at most one shard's rows (as Arrow). A shard has :data:`SHARD_ROWS`
    rows, the last one fewer; its bytes are those of ``pq.write_table`` on all
    its rows at once. A split with no rows gets no files (``datasets`` cannot
    load an empty split), and the card leaves it out of its config (a config
    with no rows at all, out of ``configs``). The shard count in the names is
    known at the end, so :meth:`close` renames the files
    ``<split>-00000-of-00001-<sha256[:12]>.parquet``."""

    def __init__(self, *, name: str, split: str, folder: Path) -> None:
        self.schema = config(name).features().arrow_schema  # carries the HF features (ClassLabel names too)
        self.split = split
        self.folder = folder
        self.pending: list[pa.Table] = []
        self.partial: list[Path] = []
        self.rows = 0

    def add(self, table: pa.Table) -> None:
        self.pending.append(table)
        self.rows += table.num_rows
        held = sum(t.num_rows for t in self.pending)
        if held >= SHARD_ROWS:
            rows = pa.concat_tables(self.pending)
            for start in range(0, held - SHARD_ROWS + 1, SHARD_ROWS):
                self._write(rows.slice(start, SHARD_ROWS))
            rest = held % SHARD_ROWS
            self.pending = [rows.slice(held - rest)] if rest else []

    def _write(self, rows: pa.Table) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.partial.append(self.folder / f".{self.split}-{len(self.partial):05d}.partial")
        pq.write_table(rows.cast(self.schema).combine_chunks(), self.partial[-1], compression="zstd", write_statistics=True)

    def close(self) -> tuple[int, list[Path]]:
        """Write the last shard; return the row count and the files, named."""
        if self.pending:
            self._write(pa.concat_tables(self.pending))
            self.pending = []
        paths = []
        for i, path in enumerate(self.partial):
            named = path.rename(self.folder / f"{self.split}-{i:05d}-of-{len(self.partial):05d}.parquet")
            paths.append(named.rename(content_named(named)))
        return self.rows, paths


def content_named(path: Path) -> Path:
    """``test-00000-of-00001.parquet`` -> ``test-00000-of-00001-<sha256[:12]>.parquet``.

    ``datasets`` keys its cache of a local folder by the card's YAML, not by the
    files' content; the card lists these content-named files, so a rebuild with
    other data gets another cache entry instead of the stale one.
    """
    return path.with_name(f"{path.stem}-{file_sha256(path)[:12]}{path.suffix}")


def build(
    *, root: Path, out: Path, baselines: bool = True, progress: Progress = no_progress, timings: Timings | None = None, output: Output = BUILD
) -> dict[str, Any]:
    """Validate the project at ``root`` and build the dataset folder ``out``.

    ``baselines=False`` leaves the card's table of baseline scores out (it says
    so instead): running and scoring every baseline on every document (in the
    workers, chunk by chunk, pooled) is the largest part of building a large
    corpus (see ``docs/performance.md``).

    Validation and writing are one pass (:func:`khabar.pipeline.stream`): the
    shards are written into a staging folder as the workers send rows. Raises
    :class:`KhabarError` with every finding when validation fails; the staging
    folder is deleted then and ``out`` is untouched. Raises it with ``out-refused``
    findings, before any work, when ``out`` is not new, empty or an earlier
    build (:mod:`khabar.io.outputs`). ``progress`` wraps the long
    stretches (see :mod:`khabar.io.progress`); ``timings``, if given, receives the
    seconds of each stage. ``output``: the kind of output ``out`` is, for the refusals' wording
    (:data:`khabar.io.outputs.RELEASE` when ``khabar release`` builds).
    """
    clock = timings if timings is not None else Timings()
    with replacing(out, output=output, project=root) as stage:
        out = out.resolve()
        shards = {(cfg.name, split): Shards(name=cfg.name, split=split, folder=stage / "data" / cfg.name) for cfg in CONFIGS for split in SPLITS}

        def write(views: dict[str, dict[str, pa.Table]]) -> None:
            for split, tables in views.items():
                for name, table in tables.items():
                    shards[(name, split)].add(table)

        with gc_paused():
            result = stream(root=root, views=write, baselines=baselines, progress=progress, timings=clock)
        if failed := errors(result.findings) + project_files(root):
            raise KhabarError(failed)
        version = project_version(root)
        if result.unviewed:  # cannot happen when the pipeline is right: never build without a document silently
            raise KhabarError(
                [
                    finding(
                        "build-roundtrip",
                        f"{len(result.unviewed)} valid document(s) got no rows (first: {result.unviewed[0]}); a bug in khabar.pipeline",
                        document=result.unviewed[0],
                    )
                ]
            )
        rows: dict[str, dict[str, int]] = {cfg.name: {} for cfg in CONFIGS}
        files: list[Path] = []
        with clock.stage("write_parquet"):
            for (name, split), shard in shards.items():
                rows[name][split], paths = shard.close()
                files += paths
        pause_point("staging")  # a test hook: the stage is half written
        stats = split_stats_from_counts(result.counts)
        meta = [result.meta[doc_id] for doc_id in result.ids]
        example = load_document(Paths(root), result.ids[0])[0] if result.ids else None  # the card shows the first document
        project = project_meta(root)  # read once: the card and Croissant both cite it
        with clock.stage("card"):
            card = render_card(
                root=root,
                version=version,
                stats=stats,
                rows=rows,
                files=files,
                stage=stage,
                example=example,
                documents=meta,
                baselines=result.baselines if baselines else None,
                project=project,
            )
        (stage / "README.md").write_text(card, encoding="utf-8")
        (stage / LICENCE_FILE).write_text(licence_file(documents=meta), encoding="utf-8")
        croissant = write_croissant(folder=stage, version=version, rows=rows, files=files, documents=meta, project=project)
        manifest = {
            "name": "khabar",
            "version": version,
            "source_commit": source_commit(root),
            "rows": rows,
            "counts": stats,
            "files": {p.relative_to(stage).as_posix(): file_sha256(p) for p in sorted(files + [stage / "README.md", stage / LICENCE_FILE, croissant])},
        }
        (stage / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        with clock.stage("release_checks"):
            # The documents as they load back: split by split, each in the order read.
            ids = [doc_id for split in SPLITS for doc_id in result.ids if result.meta[doc_id]["split"] == split]
            staged = release_checks(root=root, stage=stage, out=out, ids=ids)
        if errors(staged):
            raise KhabarError(errors(staged))
    return manifest


def release_checks(*, root: Path, stage: Path, out: Path, ids: list[str]) -> list[Finding]:
    """The release checks of the staged build ``stage``; findings name ``out``, where it goes.

    The round trip compares in Arrow with the shards just written (the workers
    checked that each ``documents`` row survives Arrow exactly), and the
    documents' ids with ``ids``, those read."""
    return (
        check_versions(root=root, built=stage, shown_as=out)
        + check_card_features(built=stage, shown_as=out)
        + check_roundtrip(root=root, built=stage, ids=ids, shown_as=out)
    )


def load_back(*, out: Path) -> dict[str, dict[str, int]]:
    """Load every config and split of a built folder with ``datasets.load_dataset``; rows per config per split.

    Loads into a throwaway cache: ``datasets`` keys a local folder's cache by the folder's
    name and card, not its content, so the user's cache could answer with an earlier build."""
    built = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["rows"]
    with quiet_datasets(), tempfile.TemporaryDirectory(prefix="khabar-load-") as cache:
        return {
            cfg.name: {split: load_dataset(str(out), cfg.name, split=split, cache_dir=cache).num_rows for split in SPLITS if built.get(cfg.name, {}).get(split)}
            for cfg in CONFIGS
            if any(built.get(cfg.name, {}).values())
        }
