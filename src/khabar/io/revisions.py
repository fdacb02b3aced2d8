"""Reading one side of a comparison: a project folder, an annotation folder, or a git revision.

Used by ``khabar diff`` and by ``khabar release`` (the changes since the last tag).
"""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from khabar.core.findings import Finding, KhabarError, errors, finding
from khabar.io.project import load_project
from khabar.schema.model import Document


def _fail(spec: str, message: str, more: Iterable[Finding] = ()) -> KhabarError:
    return KhabarError([finding("diff-source", f"cannot read `{spec}`: {message}", path=spec)] + list(more))


def _load(spec: str, root: Path, annotations: Path | None = None, shown: str | None = None) -> dict[str, Document]:
    # A diff compares annotations: an earlier revision's front matter (0.1's free-text licence, no split) still reads.
    corpus = load_project(root=root, annotations=annotations, strict_metadata=False)
    bad = errors(corpus.findings)
    if bad:
        if shown is not None:
            bad = [replace(f, path=f"{shown}:{f.path}") if f.path else f for f in bad]
        raise _fail(spec, f"{len(bad)} error(s) while reading its files (listed below); fix them or pick another version", bad)
    return {d.id: d for d in corpus.documents}


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, check=False)


def load_revision(*, root: Path, spec: str) -> dict[str, Document]:
    """The documents of one side of a diff, by id.

    ``spec`` is tried, in order, as:

    1. a folder (relative to ``root``, else to the current folder) holding
       ``corpus/`` and ``annotations/``: a project root;
    2. a folder of annotation files, read over the ``corpus/`` of its nearest
       ancestor folder that has one (``annotations/`` itself, or a second pass
       such as ``annotations/passes/second``);
    3. a git revision (``HEAD~1``, a tag, a commit) of the repository at
       ``root``: its ``corpus/`` and ``annotations/`` files at that revision.

    Raises :class:`KhabarError` (check ``diff-source``) for anything else, and
    when files of that side cannot be read.
    """
    folder = next((p for p in (root / spec, Path(spec)) if spec and p.is_dir()), None)
    if folder is not None:
        if (folder / "corpus").is_dir() and (folder / "annotations").is_dir():
            return _load(spec, folder)
        base = next((p for p in folder.resolve().parents if (p / "corpus").is_dir()), None)
        if base is None:
            raise _fail(spec, "the folder is neither a project (with corpus/ and annotations/) nor an annotation folder under one")
        return _load(spec, base, annotations=folder)
    if not spec or spec.startswith("-"):
        raise _fail(spec, "expected a folder or a git revision")
    try:
        probe = _git(root, "rev-parse", "--verify", "--quiet", f"{spec}^{{commit}}")
    except OSError as exc:
        raise _fail(spec, f"not a folder, and git cannot run ({exc})") from None
    if probe.returncode != 0:
        raise _fail(spec, f"neither a folder nor a git revision of the repository at {root}")
    listing = _git(root, "ls-tree", "-z", spec, "--", "corpus/", "annotations/")
    if listing.returncode != 0:
        raise _fail(spec, listing.stderr.decode(errors="replace").strip())
    with tempfile.TemporaryDirectory(prefix="khabar-diff-") as tmp:
        for name in ("corpus", "annotations"):
            (Path(tmp) / name).mkdir()
        for meta, path in (e.split("\t", 1) for e in listing.stdout.decode().split("\0") if e):
            if meta.split()[1] != "blob":  # a subfolder, such as annotations/passes/
                continue
            blob = _git(root, "show", f"{spec}:./{path}")
            if blob.returncode != 0:
                raise _fail(spec, f"git show {spec}:{path} failed: {blob.stderr.decode(errors='replace').strip()}")
            (Path(tmp) / path).write_bytes(blob.stdout)
        return _load(spec, Path(tmp), shown=spec)
