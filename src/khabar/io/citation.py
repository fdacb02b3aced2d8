"""The project's own metadata and how to cite it.

Title, version, creators and the repository's URLs are declared once, in ``pyproject.toml`` (``[project]``
``description``, ``version``, ``authors`` and ``[project.urls]``), and read from there (through the guards) for the
card, Croissant and the citation. The citation is built here, from that and the release date in CHANGELOG.md: as
BibTeX (the card, Croissant's ``citeAs``) and as ``CITATION.cff`` (Citation File Format 1.2.0, at the repository's
root, which GitHub and Zenodo read). ``khabar release`` writes the new version and date into ``CITATION.cff``.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from khabar.io.changelog import release_date
from khabar.io.guards import require_project_file

PYPROJECT = "pyproject.toml"
CITATION = "CITATION.cff"
#: The lines of CITATION.cff that a release rewrites.
CFF_VERSION = re.compile(r'^version: "?(?P<v>[^"\n]*)"?$', re.MULTILINE)
CFF_DATE = re.compile(r'^date-released: "?(?P<d>[^"\n]*)"?$', re.MULTILINE)


@dataclass(frozen=True, slots=True)
class ProjectMeta:
    """What ``pyproject.toml`` says of the project: ``title`` is its ``description``; ``creators`` its ``authors``
    (names of people or organisations); ``released`` the date of ``version``'s CHANGELOG section (None: unreleased)."""

    title: str
    version: str
    creators: tuple[str, ...]
    repository: str | None
    documentation: str | None
    issues: str | None
    released: str | None


def project_meta(root: Path) -> ProjectMeta:
    """The metadata of the project at ``root``; a field its ``pyproject.toml`` does not state is empty (the build's
    release checks have refused a pyproject.toml that cannot be read before this is called)."""
    text = require_project_file(root, PYPROJECT) or ""
    try:
        project = tomllib.loads(text).get("project", {})
    except tomllib.TOMLDecodeError:
        project = {}
    urls = {str(k).lower(): str(v) for k, v in (project.get("urls") or {}).items()}
    version = str(project.get("version") or "")
    return ProjectMeta(
        title=str(project.get("description") or project.get("name") or ""),
        version=version,
        creators=tuple(str(a["name"]) for a in project.get("authors") or () if isinstance(a, dict) and a.get("name")),
        repository=urls.get("repository"),
        documentation=urls.get("documentation"),
        issues=urls.get("issues"),
        released=release_date(root, version) if version else None,
    )


def _bib(text: str) -> str:
    """Text for a BibTeX field: the characters BibTeX or LaTeX read as commands, escaped."""
    return re.sub(r"([{}&%$#_\\])", r"\\\1", text)


def bibtex(meta: ProjectMeta) -> str:
    """A BibTeX entry (``@misc``): author (each creator braced whole, as an organisation's name must be), title, year,
    version, url and the release date; an unreleased version has no year and says so in a note."""
    fields = [("author", " and ".join("{" + _bib(c) + "}" for c in meta.creators)), ("title", _bib(meta.title))]
    if meta.released:
        fields.append(("year", meta.released[:4]))
    fields.append(("version", _bib(meta.version)))
    if meta.repository:
        fields.append(("url", meta.repository))
    fields.append(("note", f"Version {_bib(meta.version)}, " + (f"released {meta.released}" if meta.released else "unreleased")))
    width = max(len(name) for name, _ in fields)
    body = ",\n".join(f"  {name:<{width}} = {{{value}}}" for name, value in fields if value)
    return f"@misc{{khabar,\n{body}\n}}"


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def citation_cff(meta: ProjectMeta) -> str:
    """``CITATION.cff`` for ``meta``: Citation File Format 1.2.0, type dataset, the creators as entities."""
    lines = [
        "# Citation File Format 1.2.0 (https://citation-file-format.github.io). Title, creators and URL are pyproject.toml's",
        "# (the one place they are declared); `khabar release` writes version and date-released. tests/test_citation.py",
        "# checks that this file says what pyproject.toml and CHANGELOG.md say.",
        "cff-version: 1.2.0",
        'message: "If you use Khabar, please cite it as below."',
        "type: dataset",
        f"title: {_quoted(meta.title)}",
        f"version: {_quoted(meta.version)}",
    ]
    if meta.released:
        lines.append(f"date-released: {_quoted(meta.released)}")
    lines += ["authors:"] + [f"  - name: {_quoted(c)}" for c in meta.creators]
    if meta.repository:
        lines += [f"repository-code: {_quoted(meta.repository)}", f"url: {_quoted(meta.repository)}"]
    return "\n".join(lines) + "\n"


def bump_citation(text: str, *, version: str, released: str) -> str:
    """``CITATION.cff``'s text with ``version`` and ``date-released`` set (added after ``version`` if absent)."""
    # Functions, not replacement strings: re would read the backslashes of a quoted value as its own escapes.
    text = CFF_VERSION.sub(lambda _: f"version: {_quoted(version)}", text, count=1)
    if CFF_DATE.search(text):
        return CFF_DATE.sub(lambda _: f"date-released: {_quoted(released)}", text, count=1)
    return CFF_VERSION.sub(lambda m: f"{m[0]}\ndate-released: {_quoted(released)}", text, count=1)
