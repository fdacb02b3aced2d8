"""The command line as a user meets it: global options on either side of the command, a help that speaks to users,
no stray lines on a terminal, and an unknown document id that is a located finding."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from khabar.cli import main
from khabar.cli.main import parser

#: A finding as ``path:line: error[file-missing]``, located.
MISSING = re.compile(r"^\S+:\d+: error\[file-missing\] ", re.MULTILINE)


def _commands() -> list[str]:
    top = parser()
    sub = next(a for a in top._actions if a.dest == "command")
    return list(sub.choices)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "argv",
    [
        ["validate", "--no-gx"],
        ["stats", "--json"],
        ["locate", "Tehran", "--doc", "talks"],
        ["format", "--check"],
        ["diff", "annotations", "annotations"],
        ["stats", "--sentences", "--doc", "talks"],
    ],
    ids=lambda argv: argv[0] + ("-sentences" if "--sentences" in argv else ""),
)
def test_cli_polish_root_before_or_after_the_command_gives_the_same(
    argv: list[str], tiny_project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # not the project: without --root the command would fail
    results = []
    for order in (["--root", str(tiny_project), *argv], [*argv, "--root", str(tiny_project)]):
        code = main(order)
        results.append((code, capsys.readouterr()))
    assert results[0] == results[1]
    assert results[0][0] == (1 if argv[0] == "format" else 0)  # the fixture is valid, but not in the canonical layout
    assert results[0][1].out or results[0][1].err


def test_cli_polish_root_after_the_command_wins_over_before(tiny_project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--root", str(tmp_path), "stats", "--json", "--root", str(tiny_project)]) == 0
    assert '"documents": 1' in capsys.readouterr().out


@pytest.mark.parametrize("where", ["before", "after"])
def test_cli_polish_version_before_or_after_the_command(where: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version", "validate"] if where == "before" else ["validate", "--version"])
    assert exited.value.code == 0 and capsys.readouterr().out.startswith("khabar ")


def test_cli_polish_top_help_speaks_to_users(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--help"])
    assert exited.value.code == 0
    text = capsys.readouterr().out
    for command in _commands():
        assert re.search(rf"^\s+{command}\s+\S", text, re.MULTILINE), command  # each command, with what it does
    for developer in ("module", "Only this", "only layer", "prints", "docstring", "handler", "khabar.", "``"):
        assert developer not in text, developer
    assert "COMMAND --help" in text


@pytest.mark.parametrize(
    "argv",
    [
        ["locate", "Tehran", "--doc", "nosuch"],
        ["render", "nosuch", "--no-gx", "--out", "{tmp}/page.html"],
        ["stats", "--doc", "nosuch"],
        ["stats", "--sentences", "--doc", "nosuch"],
        ["stats", "--json", "--doc", "nosuch"],
    ],
    ids=["locate", "render", "stats", "stats-sentences", "stats-json"],
)
def test_cli_polish_unknown_document_is_a_located_finding(argv: list[str], tiny_project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--root", str(tiny_project), *(a.replace("{tmp}", str(tmp_path)) for a in argv)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert MISSING.search(captured.err) and "nosuch" in captured.err and "Traceback" not in captured.err
    assert not (tmp_path / "page.html").exists()


def _on_a_terminal(argv: list[str], *, cwd: Path) -> str:
    """What ``khabar argv`` shows on a pseudo-terminal (stdout and stderr both on it): each line as the terminal leaves it
    (the text after its last carriage return, which a progress bar redraws)."""
    leader, follower = os.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "khabar.cli", *argv], stdin=follower, stdout=follower, stderr=follower, cwd=cwd)
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 65536)
        except OSError:  # the terminal closed: the command ended
            break
        if not data:
            break
        chunks.append(data)
    os.close(leader)
    assert proc.wait(timeout=600) == 0, b"".join(chunks).decode("utf-8", "replace")
    raw = b"".join(chunks).decode("utf-8", "replace")
    return "\n".join(line.rstrip("\r").rsplit("\r", 1)[-1] for line in raw.split("\n"))


def test_cli_polish_build_on_a_terminal_prints_no_blank_line_or_foreign_bar(tiny_project: Path, tmp_path: Path) -> None:
    shown = _on_a_terminal(["build", "--no-baselines", "--out", str(tmp_path / "out")], cwd=tiny_project)
    lines = shown.rstrip("\n").split("\n")
    assert lines[0].startswith("built ") and len(lines) > 1
    assert all(re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", line).strip() for line in lines), lines
    assert "Generating" not in shown and "examples/s" not in shown
