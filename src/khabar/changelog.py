"""CHANGELOG.md: reading versions and sections (Keep a Changelog layout)."""

from __future__ import annotations

import re
from pathlib import Path

HEADING = re.compile(r"^## \[(?P<version>[^\]]+)\](?: - (?P<date>\S+))?\s*$", re.MULTILINE)


def versions(root: Path) -> list[str]:
    """Versions with a section in CHANGELOG.md, newest first."""
    path = root / "CHANGELOG.md"
    if not path.exists():
        return []
    return [m["version"] for m in HEADING.finditer(path.read_text(encoding="utf-8")) if m["version"] != "Unreleased"]


def changelog_text(root: Path) -> str:
    """The changelog's sections, demoted one heading level for the card."""
    path = root / "CHANGELOG.md"
    if not path.exists():
        return "_no changelog_"
    text = path.read_text(encoding="utf-8")
    first = HEADING.search(text)
    body = text[first.start() :] if first else text
    return re.sub(r"^(#+) ", lambda m: "#" + m[1] + " ", body, flags=re.MULTILINE).strip()


def release_date(root: Path, version: str) -> str | None:
    """The date on the CHANGELOG heading of ``version``, if it has one."""
    path = root / "CHANGELOG.md"
    if not path.exists():
        return None
    for match in HEADING.finditer(path.read_text(encoding="utf-8")):
        if match["version"] == version:
            return match["date"]
    return None
