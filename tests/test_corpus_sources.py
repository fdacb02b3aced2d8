"""The corpus holds its sources byte for byte: the seed, and each Wikinews text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from khabar.io.corpus_files import read_corpus_file

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"  # beside the checkout, as the project's material is handed out
WIKINEWS = SHARED / "sources" / "wikinews"


def _text(doc_id: str) -> str:
    cf, found = read_corpus_file(ROOT / "corpus" / f"{doc_id}.txt", shown=f"corpus/{doc_id}.txt")
    if cf is None:
        pytest.fail(f"corpus/{doc_id}.txt does not read: {found}")
    return cf.text


WIKINEWS_DOCS = sorted(p.stem for p in (ROOT / "corpus").glob("wikinews-*.txt"))


def test_corpus_sources_seed_is_byte_for_byte() -> None:
    seed = ROOT / "seeds" / "000_ddaaba1fccaf7cd5.txt"
    assert _text("ddaaba1fccaf7cd5").encode("utf-8") == seed.read_bytes()


@pytest.mark.parametrize("doc_id", WIKINEWS_DOCS)
def test_corpus_sources_wikinews_text_is_byte_for_byte(doc_id: str) -> None:
    source = WIKINEWS / f"{doc_id.removeprefix('wikinews-')}.txt"
    if not source.is_file():
        pytest.skip(f"{source} is not beside this checkout")
    assert _text(doc_id).encode("utf-8") == source.read_bytes()


@pytest.mark.parametrize("doc_id", WIKINEWS_DOCS)
def test_corpus_sources_wikinews_metadata_matches_the_source_list(doc_id: str) -> None:
    listing = WIKINEWS / "metadata.jsonl"
    if not listing.is_file():
        pytest.skip(f"{listing} is not beside this checkout")
    rows = {row["file"]: row for row in (json.loads(line) for line in listing.read_text(encoding="utf-8").splitlines() if line.strip())}
    row = rows[f"{doc_id.removeprefix('wikinews-')}.txt"]
    cf, _ = read_corpus_file(ROOT / "corpus" / f"{doc_id}.txt", shown=doc_id)
    assert cf is not None
    meta = cf.meta
    assert (meta["title"], meta["url"], meta["published"], meta["source"]) == (row["title"], row["url"], row["published"], "Wikinews")
    assert meta["provenance"] == f"also in GUM as {row['gum_document']}, split {row['gum_split']}"


def test_corpus_sources_wikinews_documents_are_present() -> None:
    """The eight texts of corpus part 1 are in the corpus (the test above would pass vacuously without them)."""
    wanted = {"afghan", "crane", "korea", "flag", "homeopathic", "iodine", "nasa", "sensitive"}
    assert {d.removeprefix("wikinews-") for d in WIKINEWS_DOCS} >= wanted
