"""Release checks: the version is stated once and the built folder is what the annotations say.

* ``version-mismatch``: pyproject.toml's version heads CHANGELOG.md, the card
  template says ``${version}`` (never a typed version), and a built folder's
  manifest.json and rendered README.md state the same version.
* ``changelog-entry`` is :mod:`khabar.checks.changelog`'s.
* ``card-features``: the README's YAML ``dataset_info`` features equal the
  schema of every parquet file of their config.
* ``build-roundtrip``: the built ``documents`` config, loaded back with
  ``datasets``, rebuilds the validated documents; every config has the
  manifest's row count.

Pure functions returning findings; a missing git or tag is not an error.
"""

from __future__ import annotations

import json
import os
import re
import string
import tomllib
from pathlib import Path

from khabar.core.findings import Finding, KhabarError, finding
from khabar.io.cardfile import CARD, split_front_matter
from khabar.io.changelog import HEADING
from khabar.io.citation import CFF_VERSION, CITATION
from khabar.io.guards import read_project_file, read_text_guarded, require_project_file

PYPROJECT, CHANGELOG = "pyproject.toml", "CHANGELOG.md"
_TYPED = re.compile(r"(?i)\bversion\s*:?\s*v?\d+\.\d+\.\d+")


def shown_path(path: Path, root: Path | None) -> str:
    """``path`` as shown in findings: relative to ``root`` when inside it, else as given."""
    if root is not None:
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            pass
    return path.as_posix()


def _line(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def pyproject_version(root: Path) -> tuple[str | None, int]:
    """The ``[project] version`` of ``root/pyproject.toml`` and the line stating it; a pyproject.toml that is
    missing or cannot be read (:func:`~khabar.io.guards.require_project_file`) raises :class:`KhabarError`."""
    text = require_project_file(root, PYPROJECT)
    if text is None:
        raise KhabarError([finding("version-mismatch", f"expected {PYPROJECT} in the project's root; found none", path=PYPROJECT, line=1)])
    return stated_version(text)


def stated_version(text: str) -> tuple[str | None, int]:
    try:
        version = tomllib.loads(text).get("project", {}).get("version")
    except tomllib.TOMLDecodeError:
        version = None
    section = re.search(r"^\[project\]\s*$", text, re.MULTILINE)
    stated = re.compile(r"^\s*version\s*=", re.MULTILINE).search(text, section.end() if section else 0)
    return (version if isinstance(version, str) else None), (_line(text, stated.start()) if stated else 1)


def changelog_head(text: str) -> tuple[str | None, int]:
    """The newest released version in CHANGELOG.md's ``text`` and the line of its heading."""
    for match in HEADING.finditer(text):
        if match["version"] != "Unreleased":
            return match["version"], _line(text, match.start())
    return None, 1


def _version_patterns(template: str) -> list[re.Pattern[str]]:
    """One regex per template line that states ``${version}``; group 1.. capture the rendered version."""
    patterns = []
    for line in template.splitlines():
        parts, pos, has_version = [], 0, False
        for m in string.Template.pattern.finditer(line):
            parts.append(re.escape(line[pos : m.start()]))
            name = m["named"] or m["braced"]
            if name == "version":
                parts.append(r"(\S+?)")
                has_version = True
            else:
                parts.append(".*?" if name else re.escape("$" if m["escaped"] else m.group()))
            pos = m.end()
        parts.append(re.escape(line[pos:]))
        literal = string.Template.pattern.sub("", line).strip()
        if has_version and literal:
            patterns.append(re.compile("".join(parts)))
    return patterns


def rendered_versions(*, template: str, readme: str) -> list[tuple[str, int]]:
    """(version, line) for every README line rendered from a template line that states ``${version}``."""
    found: list[tuple[str, int]] = []
    patterns = _version_patterns(template)
    for number, line in enumerate(readme.splitlines(), start=1):
        for pattern in patterns:
            match = pattern.fullmatch(line)
            if match:
                found += [(v, number) for v in match.groups() if v is not None]
                break
    return found


def release_texts(root: Path) -> tuple[dict[str, str], list[Finding]]:
    """The release files of ``root`` that exist, by name, read through the guards; and why any cannot be read
    (``file-encoding``, ``file-special``, ``file-symlink``, ``file-too-large``, ``io-error``)."""
    texts: dict[str, str] = {}
    found: list[Finding] = []
    for name in (PYPROJECT, CHANGELOG, CARD, CITATION):
        text, problems = read_project_file(root, name)
        found += problems
        if text is not None:
            texts[name] = text
    return texts, found


def _front_matter(template: str) -> list[Finding]:
    """The card template's front matter problems, found now rather than when the build renders the card."""
    try:
        split_front_matter(template)
    except KhabarError as exc:
        return exc.findings
    return []


def check_versions(*, root: Path, built: Path | None = None, shown_as: Path | None = None) -> list[Finding]:
    """pyproject.toml, CHANGELOG.md, CITATION.cff (where there is one), the card template and (given) a built folder
    agree on the version.

    A folder without pyproject.toml (a bare corpus, a check fixture) is not a release: nothing to judge.
    ``shown_as``: the folder name to show for ``built`` in findings (the build checks a staging folder)."""
    if not os.path.lexists(root / PYPROJECT):
        return []
    texts, unreadable = release_texts(root)
    if unreadable:
        return unreadable
    version, vline = stated_version(texts[PYPROJECT])
    if version is None:
        return [
            finding(
                "version-mismatch", "pyproject.toml states no `[project] version`; write it there, the one source of the version", path=PYPROJECT, line=vline
            )
        ]
    found: list[Finding] = []
    if CHANGELOG not in texts:
        found.append(
            finding("version-mismatch", f"CHANGELOG.md is missing; create it with a `## [{version}] - YYYY-MM-DD` section", path=PYPROJECT, line=vline)
        )
    else:
        head, hline = changelog_head(texts[CHANGELOG])
        if head != version:
            seen = f"the newest section is [{head}]" if head else "there is no `## [X.Y.Z]` section"
            found.append(
                finding(
                    "version-mismatch",
                    f"pyproject.toml:{vline} states version {version} but {seen}; add a `## [{version}] - YYYY-MM-DD` section at the top (or fix the version)",
                    path=CHANGELOG,
                    line=hline,
                )
            )
    if CITATION in texts:
        found += _citation_version(texts[CITATION], version=version, vline=vline)
    template = texts.get(CARD)
    if template is not None:
        found += _front_matter(template)
        if "${version}" not in template:
            found.append(
                finding(
                    "version-mismatch",
                    "the card template never states the version; write `${version}` where it belongs (the build fills it in)",
                    path=CARD,
                    line=1,
                )
            )
        literal = re.compile(rf"(?<![\w.]){re.escape(version)}(?![\w.])")
        for number, line in enumerate(template.splitlines(), start=1):
            typed = _TYPED.search(line) or literal.search(line)
            if typed:
                found.append(
                    finding(
                        "version-mismatch",
                        f"the card template types the version {typed.group()!r}; write `${{version}}` instead, so the build states {version}",
                        path=CARD,
                        line=number,
                    )
                )
    if built is not None:
        found += _built_versions(root=root, built=built, version=version, template=template, shown_as=shown_as)
    return found


def _citation_version(text: str, *, version: str, vline: int) -> list[Finding]:
    """CITATION.cff cites the version pyproject.toml states (``khabar release`` writes both)."""
    stated = CFF_VERSION.search(text)
    if stated and stated["v"] == version:
        return []
    return [
        finding(
            "version-mismatch",
            f"pyproject.toml:{vline} states version {version} but {CITATION} "
            + (f"cites {stated['v']!r}" if stated else "states no `version:` line")
            + f'; write `version: "{version}"` (`khabar release` does)',
            path=CITATION,
            line=_line(text, stated.start()) if stated else 1,
        )
    ]


def _built_versions(*, root: Path, built: Path, version: str, template: str | None, shown_as: Path | None) -> list[Finding]:
    found: list[Finding] = []
    manifest, readme = built / "manifest.json", built / "README.md"
    shown = {path: (shown_as / path.name).as_posix() if shown_as else shown_path(path, root) for path in (manifest, readme)}
    text, unreadable = read_text_guarded(manifest, shown=shown[manifest])
    if text is None:
        return unreadable
    try:
        stated = json.loads(text).get("version")
    except (ValueError, AttributeError) as exc:
        return [finding("version-mismatch", f"cannot read the build's manifest ({exc}); rebuild with `khabar build`", path=shown[manifest], line=1)]
    if stated != version:
        key = re.search(r'^  "version":', text, re.MULTILINE)
        found.append(
            finding(
                "version-mismatch",
                f"the build's manifest states version {stated!r} but pyproject.toml states {version}; rebuild with `khabar build`",
                path=shown[manifest],
                line=_line(text, key.start()) if key else 1,
            )
        )
    if template is not None and os.path.lexists(readme):
        card, unreadable = read_text_guarded(readme, shown=shown[readme])
        if card is None:
            return found + unreadable
        rendered = rendered_versions(template=template, readme=card)
        if not rendered and _version_patterns(template):  # a template without ${version} is reported above
            found.append(
                finding(
                    "version-mismatch",
                    f"the built README.md states no version where the card template has `${{version}}`; expected {version} (rebuild with `khabar build`)",
                    path=shown[readme],
                    line=1,
                )
            )
        for stated_version, number in rendered:
            if stated_version != version:
                found.append(
                    finding(
                        "version-mismatch",
                        f"the built README.md states version {stated_version} but pyproject.toml states {version}; rebuild with `khabar build`",
                        path=shown[readme],
                        line=number,
                    )
                )
    return found


__all__ = ["check_versions", "pyproject_version", "rendered_versions", "shown_path"]
