"""Output paths: every command replaces only what Khabar wrote there, and refuses the rest untouched.

The commands run through ``khabar.cli.main`` on temporary folders. The tests that
point a command at ``/`` or at the home folder use the ``nothing_replaced`` guard,
so that a broken refusal fails the test instead of deleting anything.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from khabar.cli import main

REFUSED = re.compile(r"^(?P<path>\S+?)(?::(?P<line>\d+))?: error\[out-refused\] (?P<message>.*)$")
BUILD = ["build", "--no-load", "--no-baselines"]


def _snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every entry under ``folder`` (symbolic links not followed) with a file's bytes: what must survive a refusal."""
    entries: dict[str, bytes | None] = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            entries[path.relative_to(folder).as_posix()] = path.read_bytes() if path.is_file() and not path.is_symlink() else None
    return entries


def _refusals(err: str) -> list[re.Match[str]]:
    return [m for m in map(REFUSED.match, err.splitlines()) if m]


def _run(root: Path, *argv: str) -> int:
    return main(["--root", str(root), *argv])


def _user_folder(path: Path) -> Path:
    path.mkdir(parents=True)
    (path / "thesis.tex").write_text("my own work\n", encoding="utf-8")
    (path / "figures").mkdir()
    (path / "figures" / "plot.png").write_bytes(b"\x89PNG")
    return path


# --- khabar build --out ---------------------------------------------------------------------


def test_outputs_build_keeps_a_folder_of_user_files(tiny_project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = _user_folder(tmp_path / "mine")
    before = _snapshot(tmp_path)
    assert _run(tiny_project, *BUILD, "--out", str(out)) == 1
    err = capsys.readouterr().err
    assert _snapshot(tmp_path) == before  # nothing touched, no staging folder left
    found = {m["path"]: m for m in _refusals(err)}
    assert set(found) == {str(out / "thesis.tex"), str(out / "figures")}  # every problem, each at its path
    assert all("expected" in m["message"] and "found" in m["message"] and "nothing was touched" in m["message"] for m in found.values())
    assert "Traceback" not in err


@pytest.mark.parametrize("where", [".", ".."])
def test_outputs_build_refuses_the_project_and_its_parent(
    tiny_project: Path, where: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tiny_project / ".git").mkdir()
    (tiny_project / ".git" / "HEAD").write_text("ref: refs/heads/main\n", encoding="utf-8")
    (tiny_project.parent / "neighbour.txt").write_text("another project's file\n", encoding="utf-8")
    before = _snapshot(tiny_project.parent)
    monkeypatch.chdir(tiny_project)
    assert main([*BUILD, "--out", where]) == 1
    err = capsys.readouterr().err
    assert _snapshot(tiny_project.parent) == before
    [refused] = _refusals(err)
    assert refused["path"] == where and "the project" in refused["message"]


def test_outputs_build_refuses_the_filesystem_root(tiny_project: Path, nothing_replaced: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(tiny_project, *BUILD, "--out", "/") == 1
    err = capsys.readouterr().err
    messages = [m["message"] for m in _refusals(err)]
    assert any("a filesystem root" in m for m in messages) and any("contains the project" in m for m in messages)
    assert "Traceback" not in err


@pytest.mark.parametrize("which", ["home", "parent of home"])
def test_outputs_build_refuses_the_home_folder(
    tiny_project: Path, tmp_path: Path, which: str, nothing_replaced: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    home = tmp_path / "elsewhere" / "home"
    home.mkdir(parents=True)  # empty: only its being the home folder refuses it
    monkeypatch.setenv("HOME", str(home))
    out = home if which == "home" else home.parent
    assert _run(tiny_project, *BUILD, "--out", str(out)) == 1
    [refused] = _refusals(capsys.readouterr().err)
    assert refused["path"] == str(out) and "home folder" in refused["message"]
    assert home.is_dir() and list(home.iterdir()) == []


@pytest.mark.parametrize("state", ["missing", "empty"])
def test_outputs_build_writes_a_new_or_empty_folder(tiny_project: Path, tmp_path: Path, state: str, stale_stage: Callable[..., Path]) -> None:
    out = tmp_path / "out"
    if state == "empty":
        out.mkdir()
    stale_stage(out)  # an earlier build into the same folder was killed while staging
    assert _run(tiny_project, *BUILD, "--out", str(out)) == 0
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8"))["name"] == "khabar"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "project"]  # its stale staging folder is gone


@pytest.mark.parametrize("change", ["a file added", "a listed file edited", "a symbolic link added", "a folder added", "manifest.json renamed"])
def test_outputs_build_refuses_a_build_that_holds_what_no_build_wrote(
    tiny_project: Path, previous_build: Path, change: str, capsys: pytest.CaptureFixture[str]
) -> None:
    if change == "a file added":
        (previous_build / "data" / "notes.txt").write_text("mine\n", encoding="utf-8")
    elif change == "a listed file edited":
        (previous_build / "README.md").write_text("my edited card\n", encoding="utf-8")
    elif change == "a symbolic link added":
        (previous_build / "link").symlink_to(tiny_project)
    elif change == "a folder added":
        (previous_build / "mine").mkdir()
    else:
        (previous_build / "manifest.json").rename(previous_build / "manifest.bak")
    before = _snapshot(previous_build.parent)
    assert _run(tiny_project, *BUILD, "--out", str(previous_build)) == 1
    assert _snapshot(previous_build.parent) == before
    assert _refusals(capsys.readouterr().err)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
@pytest.mark.parametrize("where", ["a listed file of the build", "the timings file"])
def test_outputs_a_fifo_is_refused_without_being_opened(tiny_project: Path, previous_build: Path, where: str) -> None:
    """Opening a FIFO to read it (to hash it, say) would block forever: the CLI runs in a subprocess with a timeout."""
    import subprocess
    import sys

    fifo = previous_build / "README.md" if where == "a listed file of the build" else previous_build.parent / "timings.json"
    fifo.unlink(missing_ok=True)
    os.mkfifo(fifo)
    argv = [sys.executable, "-m", "khabar.cli", "--root", str(tiny_project), *BUILD, "--out", str(previous_build)]
    if where == "the timings file":
        argv += ["--timings", str(fifo)]
        (previous_build / "notes.txt").write_text("mine\n", encoding="utf-8")  # refused too: every problem at once, none of them opened
    done = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    found = _refusals(done.stderr)
    assert any(str(fifo) == m["path"] and "not a regular file" in m["message"] for m in found), done.stderr
    if where == "the timings file":
        assert str(previous_build / "notes.txt") in [m["path"] for m in found]
    assert fifo.exists() and not fifo.is_file()  # still the FIFO


def test_outputs_refusal_names_every_entry_up_to_a_limit(tiny_project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from khabar.io.proofs import MAX_SHOWN

    out = tmp_path / "many"
    out.mkdir()
    for i in range(MAX_SHOWN + 5):
        (out / f"f{i:03d}.txt").write_text("x", encoding="utf-8")
    assert _run(tiny_project, *BUILD, "--out", str(out)) == 1
    found = _refusals(capsys.readouterr().err)
    assert [m["path"] for m in found[:-1]] == [str(out / f"f{i:03d}.txt") for i in range(MAX_SHOWN)]
    assert found[-1]["path"] == str(out) and f"more than {MAX_SHOWN}" in found[-1]["message"]


def test_outputs_a_file_put_there_during_the_build_is_kept(tiny_project: Path, tmp_path: Path) -> None:
    """The check runs again just before the swap: what appeared meanwhile is not lost."""
    from khabar.core.findings import KhabarError
    from khabar.export.common import write_folder

    out = tmp_path / "out"

    def write(stage: Path) -> list[Path]:
        (stage / "khabar.txt").write_text("export\n", encoding="utf-8")
        out.mkdir()
        (out / "arrived.txt").write_text("the user's\n", encoding="utf-8")
        return [stage / "khabar.txt"]

    with pytest.raises(KhabarError) as raised:
        write_folder(out=out, write=write)
    assert [(f.check, f.path) for f in raised.value.findings] == [("out-refused", str(out / "arrived.txt"))]
    assert _snapshot(out) == {"arrived.txt": b"the user's\n"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "project"]  # the staging folder is gone


# --- the other commands that write at a path ----------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        ["export", "--format", "brat", "--no-gx", "--out", "{out}"],
        ["validate", "--no-gx", "--report", "{out}"],
    ],
    ids=["export", "validate-report"],
)
def test_outputs_folder_commands_keep_user_files(tiny_project: Path, tmp_path: Path, command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    out = _user_folder(tmp_path / "mine")
    before = _snapshot(tmp_path)
    assert _run(tiny_project, *[part.format(out=out) for part in command]) == 1
    assert _snapshot(tmp_path) == before
    assert {m["path"] for m in _refusals(capsys.readouterr().err)} == {str(out / "thesis.tex"), str(out / "figures")}


@pytest.mark.parametrize(
    "command",
    [
        ["export", "--format", "conll2012", "--no-gx", "--out", "{out}"],
        ["validate", "--no-gx", "--report", "{out}"],
    ],
    ids=["export", "validate-report"],
)
def test_outputs_folder_commands_refuse_a_build(tiny_project: Path, previous_build: Path, command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    before = _snapshot(previous_build.parent)
    assert _run(tiny_project, *[part.format(out=previous_build) for part in command]) == 1
    assert _snapshot(previous_build.parent) == before
    [refused] = _refusals(capsys.readouterr().err)
    assert "a Khabar build" in refused["message"]


@pytest.mark.parametrize(
    "command",
    [
        ["export", "--format", "brat", "--no-gx", "--out", "{out}"],
        ["validate", "--no-gx", "--report", "{out}"],
        ["build", "--no-load", "--no-baselines", "--out", "{out}"],
    ],
    ids=["export", "validate-report", "build"],
)
def test_outputs_folder_commands_replace_their_own_output(tiny_project: Path, tmp_path: Path, command: list[str], stale_stage: Callable[..., Path]) -> None:
    out = tmp_path / "out"
    argv = [part.format(out=out) for part in command]
    assert _run(tiny_project, *argv) == 0
    first = os.stat(out).st_ino
    stale_stage(out, name="exporting-x2")  # a killed run's staging folder
    kept = _user_folder(tmp_path / ".out.building-mine")  # named like one, but no owner file: the user's
    assert _run(tiny_project, *argv) == 0
    assert os.stat(out).st_ino != first  # replaced whole, by a folder made while the old one still existed
    assert sorted(p.name for p in tmp_path.iterdir()) == [kept.name, "out", "project"]
    assert (kept / "thesis.tex").read_text(encoding="utf-8") == "my own work\n"


def test_outputs_report_of_an_earlier_khabar_is_replaced(tiny_project: Path, tmp_path: Path) -> None:
    """A report folder written before the marker existed: its index.html alone, with the report's title."""
    from khabar.pipeline import validate
    from khabar.workflow.report import render_report

    out = tmp_path / "report"
    out.mkdir()
    corpus, found = validate(root=tiny_project, gx=False)
    (out / "index.html").write_text(render_report(corpus=corpus, findings=found), encoding="utf-8")
    assert _run(tiny_project, "validate", "--no-gx", "--report", str(out)) == 0
    assert sorted(p.name for p in out.iterdir()) == [".khabar-output.json", "index.html"]


@pytest.mark.parametrize(
    "command, mine",
    [
        (["render", "talks", "--no-gx", "--out", "{out}"], "<html><title>my page</title></html>\n"),
        (["baseline", "string-match-coref", "--out", "{out}"], '{"id": "talks", "mentions": []}\n'),
        (["build", "--no-load", "--no-baselines", "--out", "{tmp}/khabar", "--timings", "{out}"], '{"my": "settings"}\n'),
    ],
    ids=["render", "baseline", "build-timings"],
)
def test_outputs_file_commands_keep_a_user_file_and_replace_their_own(
    tiny_project: Path, tmp_path: Path, command: list[str], mine: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "file"
    argv = [part.format(out=out, tmp=tmp_path) for part in command]
    out.write_text(mine, encoding="utf-8")
    assert _run(tiny_project, *argv) == 1
    [refused] = _refusals(capsys.readouterr().err)
    assert refused["path"] == str(out) and refused["line"] == "1"
    assert out.read_text(encoding="utf-8") == mine
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file", "project"]  # nothing else written, not the build either
    out.write_text("", encoding="utf-8")  # an empty file may be replaced
    assert _run(tiny_project, *argv) == 0
    written = out.read_bytes()
    assert written
    assert _run(tiny_project, *argv) == 0  # and so may what the command wrote
    assert out.read_bytes() and not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


@pytest.mark.parametrize(
    "argv",
    [
        ["export", "--format", "brat", "--no-gx", "--out", "{out}"],
        ["validate", "--no-gx", "--report", "{out}"],
    ],
    ids=["export", "validate-report"],
)
def test_outputs_folder_commands_refuse_the_project(tiny_project: Path, argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    before = _snapshot(tiny_project)
    assert _run(tiny_project, *[part.format(out=tiny_project) for part in argv]) == 1
    assert _snapshot(tiny_project) == before
    [refused] = _refusals(capsys.readouterr().err)
    assert "the project's root" in refused["message"]


def test_outputs_proofs_recognise_what_the_writers_write(tiny_project: Path) -> None:
    """The single-file proofs read marks the writers put there: a change to a writer that drops its mark fails here."""
    from khabar.io.outputs import PAGE
    from khabar.pipeline import validate
    from khabar.workflow.render import render_document

    corpus, _ = validate(root=tiny_project, gx=False)
    page = tiny_project / "page.html"
    page.write_text(render_document(doc=corpus.documents[0]), encoding="utf-8")
    assert PAGE.prove(page) == []
