"""The release checks: each fires on its fixture (tests/fixtures/checks/<id>/), alone, at the right line."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from khabar.checks.changelog import check_changelog
from khabar.checks.release import check_versions
from khabar.core.findings import Finding, KhabarError
from khabar.dataset.build import build
from khabar.dataset.verify import check_card_features, check_roundtrip
from khabar.pipeline import validate

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "checks"
RELEASE_IDS = ("version-mismatch", "changelog-entry", "card-features", "build-roundtrip")
needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def line_of(path: Path, predicate: Callable[[str], bool]) -> int:
    """The 1-based number of the first line of ``path`` that satisfies ``predicate``."""
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1) if predicate(line))


def release_findings(*, root: Path, built: Path) -> list[Finding]:
    """Every release check on a project and its build."""
    corpus, _ = validate(root=root, gx=False)
    return (
        check_versions(root=root, built=built)
        + check_changelog(root=root, base=None)
        + check_card_features(built=built)
        + check_roundtrip(root=root, built=built, documents=corpus.documents)
    )


@pytest.fixture(scope="module")
def fixture_builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The card-features and build-roundtrip fixtures, each built once (still valid)."""
    out = {}
    for check_id in ("card-features", "build-roundtrip"):
        out[check_id] = tmp_path_factory.mktemp(check_id) / "khabar"
        build(root=FIXTURES / check_id, out=out[check_id])
    return out


@pytest.fixture
def broken_build(fixture_builds: dict[str, Path], tmp_path: Path) -> Callable[[str], Path]:
    """A writable copy of a fixture's build, to corrupt."""

    def copy(check_id: str) -> Path:
        return Path(shutil.copytree(fixture_builds[check_id], tmp_path / check_id / "khabar"))

    return copy


@pytest.mark.parametrize("check_id", RELEASE_IDS)
def test_release_fixture_is_a_valid_project_apart_from_its_check(check_id: str) -> None:
    corpus, findings = validate(root=FIXTURES / check_id, gx=False)
    expected = {"version-mismatch"} if check_id == "version-mismatch" else set()
    assert {f.check for f in findings} == expected
    assert [d.id for d in corpus.documents] == ["talks"]


def test_release_version_mismatch_fires_at_changelog_heading() -> None:
    root = FIXTURES / "version-mismatch"
    _, findings = validate(root=root, gx=False)
    heading = line_of(root / "CHANGELOG.md", lambda line: line.startswith("## ["))
    assert [(f.check, f.path, f.line) for f in findings] == [("version-mismatch", "CHANGELOG.md", heading)]
    assert "0.2.0" in findings[0].message


def test_release_version_mismatch_stops_the_build_before_writing(tmp_path: Path) -> None:
    out = tmp_path / "khabar"
    with pytest.raises(KhabarError) as raised:
        build(root=FIXTURES / "version-mismatch", out=out)
    assert {f.check for f in raised.value.findings} == {"version-mismatch"}
    assert list(tmp_path.iterdir()) == []


def test_release_version_typed_in_card_template_is_found(tmp_path: Path) -> None:
    root = Path(shutil.copytree(FIXTURES / "card-features", tmp_path / "project"))
    card = root / "dataset_card.md"
    card.write_text(card.read_text(encoding="utf-8").replace("${version}", "0.1.0"), encoding="utf-8")
    typed = line_of(card, lambda line: "Version 0.1.0" in line)
    findings = check_versions(root=root, built=None)
    assert {(f.check, f.path, f.line) for f in findings} == {("version-mismatch", "dataset_card.md", 1), ("version-mismatch", "dataset_card.md", typed)}


@pytest.mark.parametrize(
    ("name", "old", "new"),
    [("manifest.json", '"version": "0.1.0"', '"version": "0.0.9"'), ("README.md", "Version 0.1.0.", "Version 0.0.9.")],
)
def test_release_version_mismatch_in_built_folder(broken_build: Callable[[str], Path], name: str, old: str, new: str) -> None:
    built = broken_build("card-features")
    path = built / name
    assert old in path.read_text(encoding="utf-8")
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    findings = release_findings(root=FIXTURES / "card-features", built=built)
    assert [(f.check, f.path, f.line) for f in findings] == [("version-mismatch", path.as_posix(), line_of(path, lambda line: new in line))]


def _git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-C", str(root), "-c", "user.name=Khabar Tests", "-c", "user.email=tests@khabar.invalid", *args], check=True, capture_output=True, timeout=60
    )


@pytest.fixture
def released(tmp_path: Path) -> Path:
    """The changelog-entry fixture as its own git repository, tagged v0.1.0."""
    root = Path(shutil.copytree(FIXTURES / "changelog-entry", tmp_path / "project"))
    _git(root, "init", "-q")
    _git(root, "add", ".")
    _git(root, "commit", "-q", "-m", "release 0.1.0")
    _git(root, "tag", "v0.1.0")
    return root


def _edit_annotation(root: Path) -> None:
    path = root / "annotations" / "talks.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "# reviewed again\n", encoding="utf-8")


@needs_git
def test_release_changelog_entry_fires_at_unbumped_version(released: Path) -> None:
    assert check_changelog(root=released, base=None) == []
    _edit_annotation(released)
    _, findings = validate(root=released, gx=False)
    version_line = line_of(released / "pyproject.toml", lambda line: line.startswith("version"))
    assert [(f.check, f.path, f.line) for f in findings] == [("changelog-entry", "pyproject.toml", version_line)]
    assert "annotations/talks.yaml" in findings[0].message and "v0.1.0" in findings[0].message
    assert check_changelog(root=released, base="v0.1.0") == findings


@needs_git
def test_release_changelog_entry_counts_new_untracked_documents(released: Path) -> None:
    shutil.copyfile(released / "corpus" / "talks.txt", released / "corpus" / "copy.txt")
    assert [f.check for f in check_changelog(root=released, base=None)] == ["changelog-entry"]


@needs_git
def test_release_changelog_entry_wants_a_section_for_the_new_version(released: Path) -> None:
    _edit_annotation(released)
    pyproject = released / "pyproject.toml"
    pyproject.write_text(pyproject.read_text(encoding="utf-8").replace('version = "0.1.0"', 'version = "0.1.1"'), encoding="utf-8")
    findings = check_changelog(root=released, base=None)
    heading = line_of(released / "CHANGELOG.md", lambda line: line.startswith("## ["))
    assert [(f.check, f.path, f.line) for f in findings] == [("changelog-entry", "CHANGELOG.md", heading)]
    changelog = released / "CHANGELOG.md"
    changelog.write_text(
        changelog.read_text(encoding="utf-8").replace("## [0.1.0]", "## [0.1.1] - 2026-02-01\n\n### Fixed\n- A note.\n\n## [0.1.0]"), encoding="utf-8"
    )
    assert check_changelog(root=released, base=None) == []
    assert check_versions(root=released, built=None) == []


@needs_git
def test_release_changelog_entry_silent_without_git_or_tag(released: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _edit_annotation(released)
    untagged = Path(shutil.copytree(FIXTURES / "changelog-entry", tmp_path / "untagged"))
    _git(untagged, "init", "-q")
    assert check_changelog(root=untagged, base=None) == []
    assert check_changelog(root=FIXTURES / "changelog-entry", base=None) == []  # nested in another repository
    assert [(f.check, f.path) for f in check_changelog(root=released, base="v9.9.9")] == [("changelog-entry", "pyproject.toml")]
    monkeypatch.setenv("PATH", str(tmp_path / "no-bin"))
    assert check_changelog(root=released, base=None) == []


def test_release_card_features_fires_at_the_changed_feature(broken_build: Callable[[str], Path]) -> None:
    built = broken_build("card-features")
    readme = built / "README.md"
    lines = readme.read_text(encoding="utf-8").split("\n")
    changed = next(i for i, line in enumerate(lines) if line.strip() == "- name: head_start") + 1
    lines[changed] = lines[changed].replace("int32", "int64")
    readme.write_text("\n".join(lines), encoding="utf-8")
    feature = max(i for i in range(changed) if lines[i] == "  - name: mentions") + 1
    findings = release_findings(root=FIXTURES / "card-features", built=built)
    assert [(f.check, f.path, f.line) for f in findings] == [("card-features", readme.as_posix(), feature)]
    assert "head_start" in findings[0].message


def _rewrite_documents(built: Path, change: Callable[[dict], None]) -> Path:
    (path,) = sorted((built / "data" / "documents").glob("*.parquet"))
    table = pq.read_table(path)
    rows = table.to_pylist()
    change(rows[0])
    pq.write_table(pa.Table.from_pylist(rows, schema=table.schema), path)
    return path


def test_release_build_roundtrip_fires_at_the_changed_parquet_file(broken_build: Callable[[str], Path]) -> None:
    built = broken_build("build-roundtrip")
    path = _rewrite_documents(built, lambda row: row["mentions"][0].update(kind="NOM"))
    findings = release_findings(root=FIXTURES / "build-roundtrip", built=built)
    assert [(f.check, f.path, f.document) for f in findings] == [("build-roundtrip", path.as_posix(), "talks")]
    assert "`mentions`" in findings[0].message


@pytest.mark.parametrize("config", ["documents", "ner", "coref", "relations", "attributions"])
def test_release_build_roundtrip_fires_on_row_counts(broken_build: Callable[[str], Path], config: str) -> None:
    built = broken_build("build-roundtrip")
    manifest = json.loads((built / "manifest.json").read_text(encoding="utf-8"))
    manifest["rows"][config]["test"] += 1
    (built / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    findings = release_findings(root=FIXTURES / "build-roundtrip", built=built)
    assert [(f.check, f.path) for f in findings] == [("build-roundtrip", (built / "data" / config).as_posix())]


def test_release_checks_stop_a_build_whose_card_lies(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import khabar.dataset.build
    import khabar.dataset.card

    render = khabar.dataset.card.render_card
    monkeypatch.setattr(
        khabar.dataset.build, "render_card", lambda **kw: render(**kw).replace("dtype: int32", "dtype: int64", 1)
    )  # the name the build imported
    out = tmp_path / "khabar"
    with pytest.raises(KhabarError) as raised:
        build(root=FIXTURES / "card-features", out=out)
    assert {f.check for f in raised.value.findings} == {"card-features"}
    assert all(f.path == (out.resolve() / "README.md").as_posix() for f in raised.value.findings)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", ["pyproject.toml", "CHANGELOG.md", "dataset_card.md"])
def test_release_files_not_utf8_are_located_not_raised(tiny_project: Path, tmp_path: Path, name: str) -> None:
    path = tiny_project / name
    before = path.read_bytes()
    path.write_bytes(before + b"\n\xff\n")
    found = check_versions(root=tiny_project) + check_changelog(root=tiny_project)
    assert [(f.check, f.path, f.line) for f in found] == [("file-encoding", name, before.count(b"\n") + 2)]  # the byte's own line
    with pytest.raises(KhabarError) as raised:
        build(root=tiny_project, out=tmp_path / "out", baselines=False)
    assert "file-encoding" in {f.check for f in raised.value.findings} and not (tmp_path / "out").exists()


@pytest.mark.parametrize("front, check", [("foo: [\n", "yaml-syntax"), ("- a list\n", "yaml-type")])
def test_release_card_front_matter_that_does_not_read_is_located(tiny_project: Path, tmp_path: Path, front: str, check: str) -> None:
    card = tiny_project / "dataset_card.md"
    body = card.read_text(encoding="utf-8").split("\n---\n", 1)[1]
    card.write_text(f"---\n{front}---\n{body}", encoding="utf-8")
    assert [(f.check, f.path) for f in validate(root=tiny_project, gx=False)[1]] == [(check, "dataset_card.md")]  # found before any build
    with pytest.raises(KhabarError) as raised:
        build(root=tiny_project, out=tmp_path / "out", baselines=False)
    assert [(f.check, f.path) for f in raised.value.findings] == [(check, "dataset_card.md")]
    assert not (tmp_path / "out").exists()


def test_release_build_roundtrip_fires_on_rows_not_per_split(broken_build: Callable[[str], Path]) -> None:
    built = broken_build("build-roundtrip")
    manifest = json.loads((built / "manifest.json").read_text(encoding="utf-8"))
    manifest["rows"]["ner"] = sum(manifest["rows"]["ner"].values())  # the 0.1 layout: one count per config
    (built / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    findings = release_findings(root=FIXTURES / "build-roundtrip", built=built)
    assert [(f.check, f.path) for f in findings] == [("build-roundtrip", (built / "manifest.json").as_posix())]
    assert "per split" in findings[0].message
