"""The proofs that Khabar wrote what is at an output path (:mod:`khabar.io.outputs` says who uses which).

A folder is proven by a list of what Khabar wrote there, each file with its
sha256: a build's ``manifest.json``, or :data:`MARKER` (``.khabar-output.json``)
for the other folder outputs; nothing may be in the folder but that list, the
files it lists, unchanged, and the folders that hold them. A single file is
proven by its own content: the title of a review page, the mark on every line of
a baseline's predictions, the shape of a timings file. A proof returns the
problems it found, ``[]`` when it holds; it reads without following symbolic
links and stops after :data:`MAX_SHOWN` + 1 problems.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

MARKER = ".khabar-output.json"  # an export's or a report's list of the files Khabar wrote there
MANIFEST = "manifest.json"  # a build's
BASELINE_KEY = "khabar_baseline"  # on every line of a baseline's predictions: "<name> <version>"
MAX_SHOWN = 20  # problems reported for one path; more are summed up in one finding
JSON_LIMIT = 64 << 20  # a manifest or marker larger than this is not one Khabar wrote

Problem = tuple[str, str]  # (the entry, relative to the path given; "" for the path itself), what it is


def file_sha256(path: Path) -> str:
    """The hex sha256 of a file, read a megabyte at a time (manifests' and markers' digests)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def listing(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (relative, POSIX) with its sha256: what :data:`MARKER` lists."""
    return {p.relative_to(folder).as_posix(): file_sha256(p) for p in sorted(folder.rglob("*")) if p.is_file() and p.name != MARKER}


def write_marker(folder: Path, *, kind: str) -> None:
    """Write :data:`MARKER` into ``folder``, listing every file in it."""
    data = {"name": "khabar", "output": kind, "files": listing(folder)}
    (folder / MARKER).write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def _read_json(path: Path) -> Any:
    """The JSON of a small regular file, or None (missing, unreadable, too large, not JSON)."""
    try:
        info = os.lstat(path)
        if not stat.S_ISREG(info.st_mode) or info.st_size > JSON_LIMIT:
            return None
        return json.loads(path.read_bytes().decode("utf-8"))
    except (OSError, ValueError):
        return None


def _files_of(data: Any, **expected: str) -> dict[str, str] | None:
    """The ``files`` mapping of a manifest or marker whose keys equal ``expected``, or None."""
    if not isinstance(data, dict) or any(data.get(key) != value for key, value in expected.items()):
        return None
    files = data.get("files")
    if not isinstance(files, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in files.items()):
        return None
    return files


def _entries(folder: Path, rel: str = "") -> Iterator[tuple[str, os.DirEntry[str] | None, OSError | None]]:
    """(relative path, entry) of everything under ``folder``, symlinks not followed, folders before their
    contents; an unreadable folder gives (its path, None, the error). The caller may stop early."""
    try:
        with os.scandir(folder / rel if rel else folder) as scan:
            items = sorted(scan, key=lambda e: e.name)
    except OSError as exc:
        yield rel, None, exc
        return
    for entry in items:
        path = f"{rel}/{entry.name}" if rel else entry.name
        yield path, entry, None


def unexplained(folder: Path, *, files: dict[str, str] | None, own: str, label: str) -> list[Problem]:
    """What in ``folder`` a manifest or marker (``own``) listing ``files`` does not explain: an entry it does not
    list, a listed file whose sha256 differs, a symbolic link, a special file. ``files=None``: no valid
    ``own``, so every entry is unexplained. Stops after :data:`MAX_SHOWN` + 1 problems."""
    listed = files or {}
    holders = {"/".join(name.split("/")[:i]) for name in listed for i in range(1, name.count("/") + 1)}
    problems: list[Problem] = []
    pending = [""]
    while pending and len(problems) <= MAX_SHOWN:
        for rel, entry, error in _entries(folder, pending.pop()):
            if entry is None:
                problems.append((rel, f"{rel or folder}/, a folder Khabar cannot read ({error.strerror if error else ''})"))
            elif files is None:
                slash = "/" if entry.is_dir(follow_symlinks=False) else ""
                problems.append((rel, f"{rel}{slash}, and no {own} of {label} that lists it"))
            elif entry.is_symlink():
                problems.append((rel, f"{rel}, a symbolic link (Khabar writes none)"))
            elif entry.is_dir(follow_symlinks=False):
                if rel in holders:
                    pending.append(rel)
                else:
                    problems.append((rel, f"{rel}/, a folder {own} does not list"))
            elif not entry.is_file(follow_symlinks=False):
                problems.append((rel, f"{rel}, which is not a regular file"))
            elif rel == own:
                continue
            elif rel not in listed:
                problems.append((rel, f"{rel}, a file {own} does not list"))
            elif file_sha256(folder / rel) != listed[rel]:
                problems.append((rel, f"{rel}, changed since Khabar wrote it (its sha256 is not the one {own} lists)"))
            if len(problems) > MAX_SHOWN:
                break
    return problems


def _kind(folder: Path) -> str | None:
    """The kind of Khabar output ``folder`` claims to be by its manifest or marker, if any."""
    if _files_of(_read_json(folder / MANIFEST), name="khabar") is not None:
        return "build"
    marker = _read_json(folder / MARKER)
    return marker["output"] if _files_of(marker, name="khabar") is not None and isinstance(marker.get("output"), str) else None


def _other(folder: Path, kind: str) -> list[Problem]:
    """Where ``folder`` holds another command's output, the one problem that says so."""
    other = _kind(folder)
    return [("", f"a Khabar {other}, another command's output (each command replaces only its own)")] if other not in (None, kind) else []


def prove_build(folder: Path) -> list[Problem]:
    files = _files_of(_read_json(folder / MANIFEST), name="khabar")
    return (_other(folder, "build") if files is None else []) or unexplained(folder, files=files, own=MANIFEST, label="a Khabar build")


def _head(path: Path, size: int = 4096) -> bytes:
    with path.open("rb") as handle:
        return handle.read(size)


def prove_marked(kind: str, *, legacy: Callable[[Path], bool] | None = None) -> Callable[[Path], list[Problem]]:
    """The proof of an output that carries :data:`MARKER`; ``legacy`` recognises one of an earlier Khabar."""

    def prove(folder: Path) -> list[Problem]:
        files = _files_of(_read_json(folder / MARKER), name="khabar", output=kind)
        if files is None and legacy is not None and legacy(folder):
            return []
        return (_other(folder, kind) if files is None else []) or unexplained(folder, files=files, own=MARKER, label=f"a Khabar {kind}")

    return prove


def legacy_report(folder: Path) -> bool:
    """A report folder of a Khabar before :data:`MARKER`: its index.html alone, with the report's title."""
    page = folder / "index.html"
    try:
        only = [e.name for e in os.scandir(folder)] == ["index.html"] and stat.S_ISREG(os.lstat(page).st_mode)
        return only and b"<title>Khabar validation report</title>" in _head(page)
    except OSError:
        return False


def prove_page(path: Path) -> list[Problem]:
    if b"<title>khabar review: " in _head(path):
        return []
    return [("", f"{path.name}, a file that is not a review page `khabar render` wrote")]


def prove_predictions(path: Path) -> list[Problem]:
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            try:
                data = json.loads(raw)
            except ValueError:
                data = None
            if not isinstance(data, dict) or not isinstance(data.get(BASELINE_KEY), str):
                return [("", f"{path.name}, whose line {number} is not a prediction of a Khabar baseline (no `{BASELINE_KEY}`)")]
    return []


def prove_timings(path: Path) -> list[Problem]:
    data = _read_json(path)
    if isinstance(data, dict) and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in data.values()):
        return []
    return [("", f"{path.name}, a file that is not a timings file `khabar build --timings` wrote")]
