"""``changelog-entry``: corpus or annotation changes since the last release tag come with a new version and a
CHANGELOG.md section for it. Pure; a missing git or tag is not an error (see :mod:`khabar.checks.release` for
the other release checks)."""

from __future__ import annotations

import os
import subprocess
import tomllib
from pathlib import Path

from khabar.checks.release import CHANGELOG, PYPROJECT, changelog_head, release_texts, stated_version
from khabar.core.findings import Finding, finding
from khabar.io.changelog import HEADING

GIT_TIMEOUT = 30  # seconds per git call


def _git(root: Path, *args: str) -> str | None:
    """git's stdout, or None when git is missing, fails or times out."""
    try:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, timeout=GIT_TIMEOUT, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def check_changelog(*, root: Path, base: str | None = None) -> list[Finding]:
    """Changes under corpus/ or annotations/ since the release tag ``base`` (default: the last
    ``v*`` tag), committed or not, and new untracked files there, need a version other than
    the tag's and a CHANGELOG.md section for it.

    Judged only where ``root`` is the top of its own git repository (a project folder nested in
    another repository, such as a test fixture, is not released by that repository's tags)."""
    if not os.path.lexists(root / PYPROJECT):
        return []
    texts, unreadable = release_texts(root)
    if unreadable:  # check_versions reports the file that cannot be read
        return []
    top = _git(root, "rev-parse", "--show-toplevel")
    if top is None or Path(top.strip()).resolve() != root.resolve():
        return []
    tag = base or (_git(root, "describe", "--tags", "--abbrev=0", "--match", "v*") or "").strip()
    if not tag:
        return []
    changed = _git(root, "diff", "--name-only", tag, "--", "corpus", "annotations")
    untracked = _git(root, "ls-files", "--others", "--exclude-standard", "--", "corpus", "annotations")
    if changed is None:  # git failed: an unknown base is worth saying, a broken checkout is not ours to judge
        return [finding("changelog-entry", f"cannot compare with {base!r}: git does not know that revision", path=PYPROJECT, line=1)] if base else []
    files = sorted(set(changed.splitlines()) | set((untracked or "").splitlines()))
    if not files:
        return []
    old_text = _git(root, "show", f"{tag}:{PYPROJECT}")
    try:
        old = tomllib.loads(old_text).get("project", {}).get("version") if old_text else None
    except tomllib.TOMLDecodeError:
        old = None
    version, vline = stated_version(texts[PYPROJECT])
    listed = ", ".join(files[:3]) + (f" and {len(files) - 3} more" if len(files) > 3 else "")
    if version is None or version == old:
        return [
            finding(
                "changelog-entry",
                f"{listed} changed since release {tag}, but the version is still {version}; bump it (patch for annotation fixes, minor for new documents or layers, major for a schema change) and add a CHANGELOG.md section",
                path=PYPROJECT,
                line=vline,
            )
        ]
    stated = texts.get(CHANGELOG)
    if stated is not None and any(m["version"] == version for m in HEADING.finditer(stated)):
        return []
    line = changelog_head(stated)[1] if stated is not None else 1
    return [
        finding(
            "changelog-entry",
            f"{listed} changed since release {tag} and the version is now {version}, but CHANGELOG.md has no `## [{version}] - YYYY-MM-DD` section; add one saying what changed",
            path=CHANGELOG,
            line=line,
        )
    ]


__all__ = ["check_changelog"]
