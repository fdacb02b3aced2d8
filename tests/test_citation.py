"""The project's metadata, declared once in pyproject.toml, and how to cite it: CITATION.cff, the card's BibTeX entry and
Croissant's ``url``, ``creator`` and ``citeAs``.

The Citation File Format 1.2.0 schema, ``tests/fixtures/citation-file-format-1.2.0.schema.json``, is the format's own
(citation-file-format.github.io, CC BY 4.0), as cffconvert 2.0.0 ships it."""

from __future__ import annotations

import datetime
import json
import re
import shutil
import subprocess
import tomllib
from dataclasses import replace
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from khabar.checks.release import check_versions
from khabar.io.citation import ProjectMeta, bibtex, bump_citation, citation_cff, project_meta

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = Path(__file__).resolve().parent / "fixtures" / "citation-file-format-1.2.0.schema.json"


def _pyproject() -> dict[str, Any]:
    project: dict[str, Any] = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return project


def _cff(root: Path = ROOT) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((root / "CITATION.cff").read_text(encoding="utf-8"))
    return data


def _bib_fields(entry: str) -> dict[str, str]:
    """The fields of one BibTeX entry, ``name = {value}`` a line (values with nested braces kept whole)."""
    return {m[1]: m[2] for m in re.finditer(r"^\s*(\w+)\s*=\s*\{(.*)\},?$", entry, re.MULTILINE)}


def test_citation_cff_is_valid_citation_file_format() -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker()).validate(json.loads(json.dumps(_cff(), default=str)))


def test_citation_cff_schema_rejects_what_is_not_cff() -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    broken = {**json.loads(json.dumps(_cff(), default=str)), "authors": []}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft7Validator(schema).validate(broken)


def test_citation_cff_version_equals_pyproject_version() -> None:
    assert str(_cff()["version"]) == _pyproject()["version"]


def test_citation_cff_says_what_pyproject_and_changelog_say() -> None:
    project, cff = _pyproject(), _cff()
    assert cff["title"] == project["description"]
    assert [a["name"] for a in cff["authors"]] == [a["name"] for a in project["authors"]] == ["The Khabar team"]
    assert cff["repository-code"] == cff["url"] == project["urls"]["Repository"]
    dated = re.search(rf"^## \[{re.escape(project['version'])}\] - (\S+)$", (ROOT / "CHANGELOG.md").read_text(encoding="utf-8"), re.MULTILINE)
    assert dated is not None and str(cff["date-released"]) == dated[1]
    assert (ROOT / "CITATION.cff").read_text(encoding="utf-8") == citation_cff(project_meta(ROOT))


def test_citation_bibtex_is_complete_and_from_pyproject() -> None:
    project = _pyproject()
    fields = _bib_fields(bibtex(project_meta(ROOT)))
    assert fields["author"] == "{The Khabar team}"  # braced whole: an organisation, not a surname
    assert fields["title"] == project["description"]
    assert fields["version"] == project["version"]
    assert fields["url"] == project["urls"]["Repository"]
    assert fields["year"] == str(_cff()["date-released"])[:4]


@pytest.mark.parametrize(("title", "shown"), [("50% & {more}", r"50\% \& \{more\}"), ("a_b #1", r"a\_b \#1")], ids=["percent-brace", "underscore-hash"])
def test_citation_bibtex_escapes_what_latex_reads(title: str, shown: str) -> None:
    meta = ProjectMeta(title=title, version="1.0.0", creators=("A team",), repository=None, documentation=None, issues=None, released=None)
    fields = _bib_fields(bibtex(meta))
    assert fields["title"] == shown
    assert "year" not in fields and "url" not in fields and "unreleased" in fields["note"]


@pytest.mark.parametrize("dated", [True, False])
def test_citation_bump_sets_version_and_date(dated: bool) -> None:
    text = 'cff-version: 1.2.0\ntitle: "T"\nversion: "0.2.0"\n' + ('date-released: "2026-01-01"\n' if dated else "") + "authors:\n  - name: X\n"
    bumped = yaml.safe_load(bump_citation(text, version="0.3.0", released="2026-12-31"))
    assert bumped["version"] == "0.3.0" and str(bumped["date-released"]) == "2026-12-31"
    assert bumped["title"] == "T" and bumped["authors"] == [{"name": "X"}]


def test_citation_version_other_than_pyproject_is_a_finding(tiny_project: Path) -> None:
    shutil.copyfile(ROOT / "CITATION.cff", tiny_project / "CITATION.cff")
    assert not check_versions(root=tiny_project)
    text = (tiny_project / "CITATION.cff").read_text(encoding="utf-8")
    (tiny_project / "CITATION.cff").write_text(text.replace(f'version: "{_pyproject()["version"]}"', 'version: "9.9.9"'), encoding="utf-8")
    [found] = check_versions(root=tiny_project)
    line = next(n for n, row in enumerate(text.splitlines(), start=1) if row.startswith("version:"))
    assert (found.check, found.path, found.line) == ("version-mismatch", "CITATION.cff", line) and "9.9.9" in found.message


def test_citation_release_bumps_the_citation_too(tiny_project: Path, tmp_path: Path) -> None:
    from khabar.workflow.release import release

    shutil.copyfile(ROOT / "CITATION.cff", tiny_project / "CITATION.cff")

    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", str(tiny_project), *args], check=True, capture_output=True, text=True).stdout

    git("init", "-q")
    git("add", "-A")
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "init")
    made = release(root=tiny_project, part="patch", out=tmp_path / "out", today=datetime.date(2030, 1, 2))
    cff = _cff(tiny_project)
    assert str(cff["version"]) == made.new and str(cff["date-released"]) == "2030-01-02"
    assert git("status", "--porcelain") == ""  # committed with the release


def test_citation_card_and_croissant_carry_url_creators_and_citation(tiny_built: Path) -> None:
    project = _pyproject()
    url, creators = project["urls"]["Repository"], [a["name"] for a in project["authors"]]
    card = (tiny_built / "README.md").read_text(encoding="utf-8")
    entry = re.search(r"```bibtex\n(.*?)\n```", card, re.DOTALL)
    assert entry is not None
    fields = _bib_fields(entry[1])
    assert fields["url"] == url and fields["version"] == json.loads((tiny_built / "manifest.json").read_text(encoding="utf-8"))["version"]
    assert f"**Repository:** {url}" in card and f"**Curated by:** {creators[0]}" in card
    assert f"**Documentation:** {project['urls']['Documentation']};" in card and project["urls"]["Issues"] in card
    croissant = json.loads((tiny_built / "croissant.json").read_text(encoding="utf-8"))
    assert croissant["url"] == url
    assert croissant["creator"] == [{"@type": "sc:Organization", "name": name} for name in creators]
    assert croissant["citeAs"] == entry[1]


def test_citation_cff_that_is_not_utf8_is_a_finding(tiny_project: Path) -> None:
    (tiny_project / "CITATION.cff").write_bytes(b'cff-version: 1.2.0\ntitle: "caf\xe9"\n')
    found = check_versions(root=tiny_project)
    assert [(f.check, f.path) for f in found] == [("file-encoding", "CITATION.cff")]


def test_citation_cff_quotes_what_yaml_would_read_otherwise() -> None:
    title, creator = 'A "quoted" title \\ with a backslash', 'The \\"odd\\" team'
    meta = ProjectMeta(title=title, version="1.0.0", creators=(creator,), repository=None, documentation=None, issues=None, released="2026-01-02")
    cff = yaml.safe_load(citation_cff(meta))
    assert (cff["title"], cff["authors"][0]["name"], cff["version"]) == (title, creator, "1.0.0")
    bumped = yaml.safe_load(bump_citation(citation_cff(meta), version='2.0.0-"rc"\\1', released="2026-02-03"))
    assert (bumped["version"], str(bumped["date-released"])) == ('2.0.0-"rc"\\1', "2026-02-03")


@pytest.mark.parametrize(
    ("pyproject", "expected"),
    [
        ("", ProjectMeta(title="", version="", creators=(), repository=None, documentation=None, issues=None, released=None)),
        ("[project\n", ProjectMeta(title="", version="", creators=(), repository=None, documentation=None, issues=None, released=None)),
        (
            '[project]\nname = "kh"\nversion = "1.2.0"\nauthors = [{name = "A"}, {email = "b@x"}, "C", {name = ""}]\n'
            '[project.urls]\nDocumentation = "https://d"\nISSUES = "https://i"\n',
            ProjectMeta(title="kh", version="1.2.0", creators=("A",), repository=None, documentation="https://d", issues="https://i", released="2026-01-02"),
        ),
        ('[project]\nname = "kh"\ndescription = "Kh, a corpus"\nversion = "9.9.9"\n', ProjectMeta("Kh, a corpus", "9.9.9", (), None, None, None, None)),
    ],
    ids=["no-file", "not-toml", "name-for-title", "unreleased"],
)
def test_citation_project_meta_of_a_sparse_pyproject(pyproject: str, expected: ProjectMeta, tmp_path: Path) -> None:
    if pyproject:
        (tmp_path / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    (tmp_path / "CHANGELOG.md").write_text("# Changelog\n\n## [1.2.0] - 2026-01-02\n\n- First.\n", encoding="utf-8")
    assert project_meta(tmp_path) == expected


def test_citation_bibtex_names_every_creator_and_the_release() -> None:
    meta = ProjectMeta(title="T", version="1.0.0", creators=("A team", "B lab"), repository=None, documentation=None, issues=None, released="2026-03-04")
    fields = _bib_fields(bibtex(meta))
    assert fields["author"] == "{A team} and {B lab}" and fields["note"] == "Version 1.0.0, released 2026-03-04" and fields["year"] == "2026"
    unreleased = _bib_fields(bibtex(replace(meta, released=None)))
    assert unreleased["note"] == "Version 1.0.0, unreleased"
