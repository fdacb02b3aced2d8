"""A built folder's manifest.json (:mod:`khabar.io.manifest`): read, and the folder checked against it, on small
folders made here (no build). Each finding is pinned whole: check, file, line and message."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from khabar.core.findings import Finding
from khabar.io.manifest import MANIFEST, check_integrity, folder_files, read_manifest

REBUILD = "(rebuild with `khabar build`)"


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def folder(tmp_path: Path, files: dict[str, bytes], listed: dict[str, str] | None = None) -> tuple[Path, dict[str, object]]:
    """A built folder holding ``files`` and a manifest listing ``listed`` (by default every file with its sha256)."""
    built = tmp_path / "khabar"
    for name, data in files.items():
        (built / name).parent.mkdir(parents=True, exist_ok=True)
        (built / name).write_bytes(data)
    manifest = {"version": "1.0.0", "files": {name: sha(data) for name, data in files.items()} if listed is None else listed}
    (built / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    return built, manifest


def where(findings: list[Finding], built: Path) -> list[tuple[str, str, int | None, str]]:
    return [(f.check, Path(f.path or "").relative_to(built.parent).as_posix(), f.line, f.message) for f in findings]


def test_io_manifest_folder_files_are_every_file_below_relative_and_sorted(tmp_path: Path) -> None:
    built, _ = folder(tmp_path, {"data/ner/test-0.parquet": b"b", "README.md": b"r", "data/coref/dev-0.parquet": b"c"})
    (built / "data" / "empty").mkdir()
    assert folder_files(built) == ["README.md", "data/coref/dev-0.parquet", "data/ner/test-0.parquet", MANIFEST]


def test_io_manifest_a_sound_manifest_is_read_with_no_finding(tmp_path: Path) -> None:
    built, manifest = folder(tmp_path, {"README.md": b"r"})
    assert read_manifest(built) == (manifest, [])
    assert check_integrity(built=built, manifest=manifest) == []


@pytest.mark.parametrize("check", [None, "gold-integrity"], ids=["by-default", "asked-for"])
def test_io_manifest_a_missing_manifest_is_a_finding_of_the_check_asked_for(check: str | None, tmp_path: Path) -> None:
    """``publish`` checks by default; ``evaluate`` asks for ``gold-integrity``."""
    built = tmp_path / "khabar"
    built.mkdir()
    manifest, problems = read_manifest(built) if check is None else read_manifest(built, check=check)
    assert manifest is None
    message = f"expected {MANIFEST} in {built.as_posix()}; found none (build the folder with `khabar build`)"
    assert where(problems, built) == [(check or "publish-integrity", f"khabar/{MANIFEST}", 1, message)]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "{",
            f"expected a readable {MANIFEST}; found JSONDecodeError: Expecting property name enclosed in double quotes: line 1 column 2 (char 1) (build the folder with `khabar build`)",
        ),
        ("[]", f"expected {MANIFEST} with a `version` string and a `files` mapping; found otherwise {REBUILD}"),
        ('{"version": 1, "files": {}}', f"expected {MANIFEST} with a `version` string and a `files` mapping; found otherwise {REBUILD}"),
        ('{"version": "1.0.0", "files": []}', f"expected {MANIFEST} with a `version` string and a `files` mapping; found otherwise {REBUILD}"),
        ('{"files": {}}', f"expected {MANIFEST} with a `version` string and a `files` mapping; found otherwise {REBUILD}"),
        ('{"version": "1.0.0"}', f"expected {MANIFEST} with a `version` string and a `files` mapping; found otherwise {REBUILD}"),
    ],
    ids=["not-json", "a-list", "a-number-version", "a-list-of-files", "no-version", "no-files"],
)
def test_io_manifest_a_manifest_that_cannot_be_trusted_is_one_finding(text: str, message: str, tmp_path: Path) -> None:
    built = tmp_path / "khabar"
    built.mkdir()
    (built / MANIFEST).write_text(text, encoding="utf-8")
    manifest, problems = read_manifest(built, check="gold-integrity")
    assert manifest is None
    assert where(problems, built) == [("gold-integrity", f"khabar/{MANIFEST}", 1, message)]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_io_manifest_a_fifo_is_a_finding_not_a_hang(tmp_path: Path) -> None:
    built = tmp_path / "khabar"
    built.mkdir()
    os.mkfifo(built / MANIFEST)
    manifest, problems = read_manifest(built)
    assert manifest is None
    assert [(f.check, f.path, f.line) for f in problems] == [("file-special", (built / MANIFEST).as_posix(), 1)]


def test_io_manifest_every_missing_changed_and_unlisted_file_is_a_finding_in_name_order(tmp_path: Path) -> None:
    files = {"b.parquet": b"b", "a.parquet": b"a", "c.parquet": b"c"}
    built, manifest = folder(tmp_path, files)
    (built / "c.parquet").unlink()
    (built / "a.parquet").write_bytes(b"A")
    (built / "extra.txt").write_text("x", encoding="utf-8")
    (built / "sub").mkdir()
    (built / "sub" / "z.txt").write_text("z", encoding="utf-8")
    assert where(check_integrity(built=built, manifest=manifest, check="gold-integrity"), built) == [
        (
            "gold-integrity",
            "khabar/a.parquet",
            1,
            f"expected sha256 {sha(b'a')} for a.parquet, as {MANIFEST} states; found {sha(b'A')}: the file changed after the build {REBUILD}",
        ),
        ("gold-integrity", "khabar/c.parquet", 1, f"expected c.parquet, listed in {MANIFEST}; found it missing {REBUILD}"),
        (
            "gold-integrity",
            "khabar/extra.txt",
            1,
            f"expected only the files {MANIFEST} lists; found extra.txt, not listed there (remove it, or rebuild with `khabar build`)",
        ),
        (
            "gold-integrity",
            "khabar/sub/z.txt",
            1,
            f"expected only the files {MANIFEST} lists; found sub/z.txt, not listed there (remove it, or rebuild with `khabar build`)",
        ),
    ]


def test_io_manifest_a_listed_folder_is_a_missing_file(tmp_path: Path) -> None:
    built, _ = folder(tmp_path, {"a.parquet": b"a"})
    (built / "data").mkdir()
    manifest = {"version": "1.0.0", "files": {"a.parquet": sha(b"a"), "data": sha(b"")}}
    assert [(f.check, f.message) for f in check_integrity(built=built, manifest=manifest)] == [
        ("publish-integrity", f"expected data, listed in {MANIFEST}; found it missing {REBUILD}")
    ]


def test_io_manifest_under_checks_only_the_files_below_its_prefix(tmp_path: Path) -> None:
    """``evaluate`` checks its gold's ``documents`` shards only: other files may be missing, changed or unlisted."""
    files = {"data/documents/test-0.parquet": b"d", "data/ner/test-0.parquet": b"n", "README.md": b"r"}
    built, manifest = folder(tmp_path, files)
    (built / "data" / "ner" / "test-0.parquet").write_bytes(b"N")
    (built / "README.md").unlink()
    (built / "notes.txt").write_text("mine", encoding="utf-8")
    assert check_integrity(built=built, manifest=manifest, under="data/documents/") == []
    (built / "data" / "documents" / "test-1.parquet").write_bytes(b"x")
    assert [(f.check, f.message) for f in check_integrity(built=built, manifest=manifest, under="data/documents/")] == [
        (
            "publish-integrity",
            f"expected only the files {MANIFEST} lists; found data/documents/test-1.parquet, not listed there (remove it, or rebuild with `khabar build`)",
        )
    ]
    assert len(check_integrity(built=built, manifest=manifest)) == 4  # the whole folder: ner changed, README missing, two unlisted
