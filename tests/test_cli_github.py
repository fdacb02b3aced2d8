"""``khabar validate --format github``: findings as GitHub Actions workflow commands, escaped by GitHub's rules."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from khabar.cli import main
from khabar.core.findings import Finding, finding, github_data, github_property

FIXTURES = Path(__file__).resolve().parent / "fixtures"
#: ``::level file=...,line=N,title=check-id::message`` (GitHub's workflow command syntax).
COMMAND = re.compile(r"^::(?P<level>error|warning|notice) (?P<props>[^:]*)::(?P<message>.*)$")


def _unescape(text: str, *, prop: bool) -> str:
    """GitHub's own unescaping of a workflow command's message (``%25``, ``%0D``, ``%0A``) or property value (also
    ``%3A``, ``%2C``), written from GitHub's documentation, independent of the code under test."""
    pairs = [("%0D", "\r"), ("%0A", "\n")] + ([("%3A", ":"), ("%2C", ",")] if prop else [])
    for escaped, char in pairs + [("%25", "%")]:
        text = text.replace(escaped, char)
    return text


@pytest.mark.parametrize(
    ("text", "data", "prop"),
    [
        ("50% done", "50%25 done", "50%25 done"),
        ("line\r\nnext", "line%0D%0Anext", "line%0D%0Anext"),
        ("a:b,c", "a:b,c", "a%3Ab%2Cc"),
        ("%0A is not a newline", "%250A is not a newline", "%250A is not a newline"),
        ("plain", "plain", "plain"),
    ],
)
def test_cli_github_escapes_follow_githubs_rules(text: str, data: str, prop: str) -> None:
    assert github_data(text) == data
    assert github_property(text) == prop
    assert _unescape(github_data(text), prop=False) == text
    assert _unescape(github_property(text), prop=True) == text


def test_cli_github_command_of_a_finding_with_hostile_path_and_message() -> None:
    f = Finding(check="span-text", level="error", message="100% wrong:\nsee, here\r", path="annotations/a:b,c.yaml", line=42, document="d", annotation="m1")
    line = f.github()
    assert "\n" not in line and "\r" not in line
    match = COMMAND.match(line)
    assert match is not None, line
    props = dict(p.split("=", 1) for p in match["props"].split(","))
    assert props == {"file": "annotations/a%3Ab%2Cc.yaml", "line": "42", "title": "span-text"}
    assert _unescape(props["file"], prop=True) == "annotations/a:b,c.yaml"
    assert _unescape(match["message"], prop=False) == "[d/m1] 100% wrong:\nsee, here\r"


@pytest.mark.parametrize("level", ["error", "warning"])
def test_cli_github_level_is_the_command(level: str) -> None:
    line = Finding(check="span-text", level=level, message="m", path="p.yaml", line=1).github()  # type: ignore[arg-type]
    assert line.startswith(f"::{level} file=p.yaml,line=1,title=span-text::")


def test_cli_github_finding_without_a_path_has_no_file() -> None:
    assert finding("corpus-empty", "no documents").github() == "::error title=corpus-empty::no documents"


@pytest.mark.parametrize("check", ["span-text", "span-range", "span-token-boundary"])
@pytest.mark.parametrize("before", [True, False], ids=["root-first", "root-after"])
def test_cli_github_validate_annotates_the_broken_line(
    check: str, before: bool, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "repo" / "project"
    shutil.copytree(FIXTURES / "checks" / check, project)
    monkeypatch.chdir(tmp_path / "repo")  # GitHub reads file= from the repository's root
    argv = ["validate", "--no-gx", "--format", "github"]
    assert main((["--root", "project"] + argv) if before else (argv + ["--root", "project"])) == 1
    out = capsys.readouterr().out.splitlines()
    commands = [COMMAND.match(line) for line in out if line.startswith("::")]
    ours = [m for m in commands if m is not None and f"title={check}" in m["props"]]
    assert ours, out
    for match in ours:
        props = dict(p.split("=", 1) for p in match["props"].split(","))
        assert match["level"] == "error"
        path = project.parent / props["file"]
        assert path.is_file() and props["file"].startswith("project/annotations/")
        line = int(props["line"])
        text = path.read_text(encoding="utf-8").splitlines()
        annotation = re.match(r"\[[^/\]]+/([^\]]+)\]", match["message"])
        assert annotation is not None, match["message"]
        assert re.search(rf"\bid: {re.escape(annotation[1])}\b", text[line - 1])  # the line of the broken annotation


def test_cli_github_validate_of_a_clean_project_prints_no_command(tiny_project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--root", str(tiny_project), "--no-gx", "--format", "github"]) == 0
    assert not [line for line in capsys.readouterr().out.splitlines() if line.startswith("::")]
