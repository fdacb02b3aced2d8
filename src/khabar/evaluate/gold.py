"""The gold of ``khabar evaluate`` (and the documents of ``khabar export --from``) read from a built dataset folder.

Only the ``documents`` shards that ``manifest.json`` lists are read, and only
when each has the sha256 the manifest states (``gold-integrity``): a shard
changed, cut short or added after the build is reported as a located finding,
never met as a parquet reader's traceback. The documents are read a batch at a
time, so the gold is never all in memory.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from sys import intern
from typing import Any

import pyarrow.parquet as pq

from khabar.core.findings import Finding, KhabarError
from khabar.core.gcpause import gc_paused
from khabar.io.manifest import check_integrity, read_manifest
from khabar.schema import document_from_row
from khabar.schema.model import Document, Token, shared_offsets

SHARDS = "data/documents/"


def gold_shards(built: Path) -> tuple[list[Path], list[Finding]]:
    """The ``documents`` shards of ``built``, in order, and a finding for each one that cannot be trusted
    (:func:`khabar.io.manifest.check_integrity` on the shards alone)."""

    manifest, found = read_manifest(built, check="gold-integrity")
    if manifest is None:
        return [], found
    found = check_integrity(built=built, manifest=manifest, under=SHARDS, check="gold-integrity")
    return [built / name for name in sorted(manifest["files"]) if name.startswith(SHARDS)], found


def trusted_shards(built: Path) -> list[Path]:
    """:func:`gold_shards`, raising :class:`KhabarError` with every finding when there is one."""
    shards, found = gold_shards(built)
    if found:
        raise KhabarError(found)
    return shards


def read_built(*, built: Path) -> list[Document]:
    """Every document of the built folder ``built``, sorted by id, as a project gives them (``khabar export --from``):
    its ``documents`` shards, checked against ``manifest.json`` first (:func:`trusted_shards`)."""
    return sorted(built_documents(trusted_shards(built)), key=lambda d: d.id)


def shard_split(shard: Path) -> str:
    """The split of a shard: its file name's first part (``test-00000-of-00001-<sha>.parquet``)."""
    return shard.name.split("-", 1)[0]


def split_shards(shards: list[Path], split: str) -> list[Path]:
    """The shards of one split."""
    return [f for f in shards if shard_split(f) == split]


def built_splits(shards: list[Path]) -> dict[str, str]:
    """Document id -> split, of every shard (only the ids are read)."""
    return {doc_id: shard_split(f) for f in shards for doc_id in pq.read_table(f, columns=["id"]).column("id").to_pylist()}


def built_texts(shards: list[Path]) -> dict[str, str]:
    """Document id -> text, of every shard."""
    texts: dict[str, str] = {}
    for f in shards:
        table = pq.read_table(f, columns=["id", "text"])
        texts.update(zip(table.column("id").to_pylist(), table.column("text").to_pylist(), strict=True))
    return texts


def built_documents(shards: list[Path]) -> Iterator[Document]:
    """The documents of the shards, read a parquet batch at a time (not held)."""
    for f in shards:
        for batch in pq.ParquetFile(f).iter_batches(batch_size=100):
            with gc_paused():
                rows = batch.drop_columns(["tokens"]).to_pylist()
                tokens = _tokens(batch.column("tokens"), [len(row["text"]) for row in rows])
                if tokens is None:
                    docs = [document_from_row(row) for row in batch.to_pylist()]
                else:
                    docs = [document_from_row(row, tokens=own) for row, own in zip(rows, tokens, strict=True)]
            yield from docs


def _tokens(column: Any, sizes: list[int]) -> list[tuple[Token, ...]] | None:
    """Each row's tokens (``sizes``: the lengths of the rows' texts), read from the Arrow
    columns, a list a field rather than a dict a token; they are those the rows give
    (shared offsets, interned words). None when the column is not the plain one (nulls,
    other fields, offsets outside the text): the rows' own path decides then."""
    values = column.flatten()
    if column.null_count or values.null_count or [f.name for f in values.type] != ["start", "end", "text"]:
        return None
    starts, ends, words = (part.to_pylist() for part in values.flatten())
    if None in starts or None in ends or None in words:
        return None
    bounds = column.offsets.to_pylist()
    first = bounds[0]
    out = []
    for row, size in enumerate(sizes):
        ints = shared_offsets(size)
        lo, hi = bounds[row] - first, bounds[row + 1] - first
        if not all(0 <= s <= e <= size for s, e in zip(starts[lo:hi], ends[lo:hi], strict=True)):
            return None
        out.append(tuple(Token(ints[s], ints[e], intern(w)) for s, e, w in zip(starts[lo:hi], ends[lo:hi], words[lo:hi], strict=True)))
    return out
