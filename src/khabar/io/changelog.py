"""CHANGELOG.md: reading versions and sections (Keep a Changelog layout). Read through the guards: a FIFO or a
file of gigabytes in its place is a finding (:func:`khabar.io.guards.require_project_file`), never a hang."""

from __future__ import annotations

import re
from pathlib import Path

from khabar.io.guards import require_project_file

CHANGELOG = "CHANGELOG.md"
HEADING = re.compile(r"^## \[(?P<version>[^\]]+)\](?: - (?P<date>\S+))?\s*$", re.MULTILINE)


def versions(root: Path) -> list[str]:
    """Versions with a section in CHANGELOG.md, newest first."""
    text = require_project_file(root, CHANGELOG)
    if text is None:
        return []
    return [m["version"] for m in HEADING.finditer(text) if m["version"] != "Unreleased"]


def changelog_text(root: Path) -> str:
    """The changelog's sections, demoted one heading level for the card."""
    text = require_project_file(root, CHANGELOG)
    if text is None:
        return "_no changelog_"
    first = HEADING.search(text)
    body = text[first.start() :] if first else text
    return re.sub(r"^(#+) ", lambda m: "#" + m[1] + " ", body, flags=re.MULTILINE).strip()


def release_date(root: Path, version: str) -> str | None:
    """The date on the CHANGELOG heading of ``version``, if it has one."""
    text = require_project_file(root, CHANGELOG)
    if text is None:
        return None
    for match in HEADING.finditer(text):
        if match["version"] == version:
            return match["date"]
    return None
