"""A built dataset folder's manifest.json: read it, and check that the folder holds exactly the files it
lists with their sha256 (``publish`` checks the whole folder; ``evaluate`` the shards of its gold)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from khabar.core.findings import Finding, finding
from khabar.io.guards import read_text_guarded
from khabar.io.proofs import file_sha256

MANIFEST = "manifest.json"


def folder_files(built: Path) -> list[str]:
    """Every file under ``built`` (what ``upload_folder`` would send), relative, sorted."""
    return sorted(p.relative_to(built).as_posix() for p in built.rglob("*") if p.is_file())


def read_manifest(built: Path, *, check: str = "publish-integrity") -> tuple[dict[str, Any] | None, list[Finding]]:
    """``built``'s manifest, or the ``check`` finding that says why it cannot be trusted."""
    path = built / MANIFEST
    shown = path.as_posix()
    if not os.path.lexists(path):
        return None, [finding(check, f"expected {MANIFEST} in {built.as_posix()}; found none (build the folder with `khabar build`)", path=shown, line=1)]
    text, unreadable = read_text_guarded(path, shown=shown)  # a FIFO or a file of gigabytes is a finding, not a hang
    if text is None:
        return None, unreadable
    try:
        manifest = json.loads(text)
    except ValueError as exc:
        return None, [
            finding(check, f"expected a readable {MANIFEST}; found {type(exc).__name__}: {exc} (build the folder with `khabar build`)", path=shown, line=1)
        ]
    if not isinstance(manifest, dict) or not isinstance(manifest.get("version"), str) or not isinstance(manifest.get("files"), dict):
        return None, [
            finding(
                check, f"expected {MANIFEST} with a `version` string and a `files` mapping; found otherwise (rebuild with `khabar build`)", path=shown, line=1
            )
        ]
    return manifest, []


def check_integrity(*, built: Path, manifest: dict[str, Any], under: str = "", check: str = "publish-integrity") -> list[Finding]:
    """Every manifest file (whose path starts with ``under``) exists with its sha256, and no other
    file but the manifest is there: ``publish`` checks the whole folder, ``evaluate`` its gold's shards."""
    found: list[Finding] = []
    listed: dict[str, str] = {name: digest for name, digest in manifest["files"].items() if name.startswith(under)}
    for name, expected in sorted(listed.items()):
        path = built / name
        if not path.is_file():
            found.append(finding(check, f"expected {name}, listed in {MANIFEST}; found it missing (rebuild with `khabar build`)", path=path.as_posix(), line=1))
        elif (actual := file_sha256(path)) != expected:
            found.append(
                finding(
                    check,
                    f"expected sha256 {expected} for {name}, as {MANIFEST} states; found {actual}: the file changed after the build (rebuild with `khabar build`)",
                    path=path.as_posix(),
                    line=1,
                )
            )
    for name in folder_files(built):
        if name != MANIFEST and name.startswith(under) and name not in listed:
            found.append(
                finding(
                    check,
                    f"expected only the files {MANIFEST} lists; found {name}, not listed there (remove it, or rebuild with `khabar build`)",
                    path=(built / name).as_posix(),
                    line=1,
                )
            )
    return found
