"""``khabar release``: bump the version everywhere (pyproject.toml, and CITATION.cff with its release date), open the
CHANGELOG section, rebuild, tag.

Refuses on a dirty tree or a corpus that does not pass the release rules. If
any step after the first write fails, the edited files are restored.
"""

from __future__ import annotations

import datetime
import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from khabar.core.findings import KhabarError, errors, finding
from khabar.dataset.build import build, project_version
from khabar.io.citation import CITATION, bump_citation
from khabar.io.guards import require_project_file
from khabar.io.outputs import RELEASE, refusals
from khabar.pipeline import validate
from khabar.workflow.diff import diff_annotations, load_revision

PARTS = ("major", "minor", "patch")
VERSION_LINE = re.compile(r'^version = "(?P<v>\d+\.\d+\.\d+)"$', re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Release:
    old: str
    new: str
    tag: str
    summary: list[str]


def bump(version: str, part: str) -> str:
    major, minor, patch = (int(x) for x in version.split("."))
    if part == "major":
        return f"{major + 1}.0.0"
    if part == "minor":
        return f"{major}.{minor + 1}.0"
    return f"{major}.{minor}.{patch + 1}"


def _git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=True, timeout=60).stdout.strip()


def last_tag(root: Path) -> str | None:
    try:
        return _git(root, "describe", "--tags", "--abbrev=0", "--match", "v*") or None
    except (OSError, subprocess.CalledProcessError):
        return None


def summary_since(root: Path, tag: str | None) -> list[str]:
    """One line per annotation change since ``tag`` (``khabar diff``), or a first-release note."""
    if tag is None:
        return ["First release."]

    changes = diff_annotations(old=load_revision(root=root, spec=tag), new=load_revision(root=root, spec=str(root)))
    return [f"{c.document}: {c.description}" for c in changes] or ["No annotation changes."]


def release(*, root: Path, part: str, out: Path, today: datetime.date | None = None) -> Release:
    """Bump ``part`` of the version, record it, rebuild into ``out``, commit and tag."""
    if part not in PARTS:
        raise ValueError(f"part must be one of {PARTS}")
    try:
        dirty = _git(root, "status", "--porcelain")
    except (OSError, subprocess.CalledProcessError) as exc:
        raise KhabarError([finding("release-refused", f"{root} is not a git checkout ({exc}); releases are git tags", path=str(root), line=1)]) from None
    if dirty:
        raise KhabarError(
            [finding("release-refused", "the git tree has uncommitted changes; commit or stash them first:\n" + dirty, path="(git status)", line=1)]
        )
    if refused := refusals(out=out, output=RELEASE, project=root):  # before anything is bumped
        raise KhabarError(refused)
    _, findings = validate(root=root, release=True)
    if errors(findings):
        raise KhabarError(
            errors(findings)
            + [finding("release-refused", "validation failed under the release rules; fix the findings above", path="(khabar validate --release)", line=1)]
        )
    old = project_version(root)
    new = bump(old, part)
    tag = last_tag(root)
    lines = summary_since(root, tag)
    pyproject, changelog, citation = root / "pyproject.toml", root / "CHANGELOG.md", root / CITATION
    files = (pyproject, changelog, citation) if os.path.lexists(citation) else (pyproject, changelog)
    saved = {p: require_project_file(root, p.name) or "" for p in files}  # validated above: regular UTF-8 files
    date = (today or datetime.date.today()).isoformat()
    try:
        pyproject.write_text(VERSION_LINE.sub(f'version = "{new}"', saved[pyproject], count=1), encoding="utf-8")
        if citation in saved:  # the citation names the version it cites (check version-mismatch)
            citation.write_text(bump_citation(saved[citation], version=new, released=date), encoding="utf-8")
        section = f"## [{new}] - {date}\n\n### Changed\n" + "".join(f"- {line}\n" for line in lines) + "\n"
        text = saved[changelog]
        at = text.find("\n## [")
        changelog.write_text(text[: at + 1] + section + text[at + 1 :] if at >= 0 else text.rstrip("\n") + "\n\n" + section, encoding="utf-8")
        build(root=root, out=out, output=RELEASE)
        _git(root, "add", *(p.name for p in saved))
        _git(root, "commit", "-m", f"Release v{new}")
        _git(root, "tag", "-a", f"v{new}", "-m", f"Khabar v{new}")
    except BaseException:
        for path, content in saved.items():
            path.write_text(content, encoding="utf-8")
        raise
    return Release(old, new, f"v{new}", lines)
