"""Hostile input files end fast with located findings (issue 18): through the CLI, and each guard on its own.

The hostile projects are made by conftest's ``hostile_project`` in temporary folders
(a FIFO, a link out of the project and files of megabytes cannot live in git).
"""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pytest
from conftest import FIXTURES, HOSTILE, HOSTILE_RELEASE, copy_project, deadline, hostile_project
from conftest import yaml_problems as problems

from khabar.io import guards
from khabar.io.annotation_format import read_canonical
from khabar.io.guards import MAX_DEPTH, MAX_INT_DIGITS, read_guarded
from khabar.io.project import Paths, load_document
from khabar.io.yamlnodes import YamlSyntaxError, load_yaml

CLI = [sys.executable, "-c", "import sys; from khabar.cli import main; sys.exit(main(sys.argv[1:]))"]


def run(root: Path, *command: str) -> tuple[subprocess.CompletedProcess[str], float]:
    """``khabar --root ROOT COMMAND`` in a subprocess (a hang fails instead of blocking CI), and its wall seconds."""
    start = time.perf_counter()
    done = subprocess.run([*CLI, "--root", str(root), *command], capture_output=True, text=True, timeout=20)
    return done, time.perf_counter() - start


@pytest.mark.parametrize("case", HOSTILE)
def test_io_guards_hostile_input_ends_with_located_findings_through_the_cli(case: str, tmp_path: Path) -> None:
    root, expected = hostile_project(case, tmp_path / "project")
    done, _ = run(root, "validate")
    assert done.returncode == 1, done.stderr
    for where in expected:
        assert f"\n{where} " in "\n" + done.stderr, (where, done.stderr[-2000:])
    assert "Traceback" not in done.stdout + done.stderr
    assert str(tmp_path) not in done.stdout + done.stderr  # project-relative paths only, even for a link out of it


def test_io_guards_empty_corpus_fails_validate_and_build_alike(tmp_path: Path) -> None:
    root, (where,) = hostile_project("empty-corpus", tmp_path / "project")
    validated, _ = run(root, "validate")
    built, _ = run(root, "build", "--out", str(tmp_path / "out"), "--no-load")
    assert validated.returncode == built.returncode == 1
    found = [[line for line in done.stderr.splitlines() if "error[" in line] for done in (validated, built)]
    assert found[0] == found[1] and len(found[0]) == 1 and found[0][0].startswith(f"{where} ")
    assert not (tmp_path / "out").exists()
    assert "Traceback" not in validated.stderr + built.stderr


@pytest.mark.parametrize("case", [c for c in HOSTILE if c not in ("empty-corpus", "fifo-exceptions", *HOSTILE_RELEASE)])
def test_io_guards_each_hostile_document_is_read_in_well_under_a_second(case: str, tmp_path: Path) -> None:
    root, expected = hostile_project(case, tmp_path / "project")
    with deadline(10):
        start = time.perf_counter()
        doc, _, found = load_document(Paths(root), "talks")
        seconds = time.perf_counter() - start
    assert doc is None and found
    assert seconds < 1.0, seconds
    assert f"{found[0].path}:{found[0].line}: error[{found[0].check}]" == expected[0]


# --- read_guarded: what a file is, before it is opened ------------------------------


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths :func:`read_guarded` opens."""
    calls: list[str] = []
    real = os.open

    def spy(path: str, flags: int, *args: int) -> int:
        calls.append(str(path))
        return real(path, flags, *args)

    monkeypatch.setattr(guards.os, "open", spy)
    return calls


def test_io_guards_read_guarded_reads_a_regular_file_and_a_link_inside(tmp_path: Path, opened: list[str]) -> None:
    (tmp_path / "a.txt").write_bytes(b"hello\n")
    (tmp_path / "b.txt").symlink_to("a.txt")
    for name in ("a.txt", "b.txt"):
        assert read_guarded(tmp_path / name, shown=name, limit=100, within=(tmp_path.resolve(),)) == (b"hello\n", [])
    assert len(opened) == 2


@pytest.mark.parametrize(
    ("make", "check", "words"),
    [
        (lambda p: os.mkfifo(p), "file-special", "FIFO"),
        (lambda p: p.mkdir(), "file-special", "folder"),
        (lambda p: p.symlink_to(p.parent.parent / "outside.txt"), "file-symlink", "leads out of the project"),
        (lambda p: p.symlink_to("missing.txt"), "io-error", "No such file"),
        (lambda p: p.symlink_to(p.name), "io-error", "Too many levels of symbolic links"),
        (lambda p: p.write_bytes(b"x" * 11), "file-too-large", "at most 10 bytes; found 11"),
    ],
    ids=["fifo", "folder", "link-out", "link-broken", "link-loop", "too-large"],
)
def test_io_guards_read_guarded_refuses_without_opening(make: object, check: str, words: str, tmp_path: Path, opened: list[str]) -> None:
    (tmp_path / "outside.txt").write_bytes(b"x")
    project = tmp_path / "project"
    project.mkdir()
    path = project / "talks.txt"
    make(path)  # type: ignore[operator]
    data, (found,) = read_guarded(path, shown="corpus/talks.txt", limit=10, within=(project.resolve(),))
    assert data is None and opened == []
    assert (found.check, found.path, found.line) == (check, "corpus/talks.txt", 1)
    assert words in found.message and str(tmp_path) not in found.message


def test_io_guards_read_guarded_refuses_a_device_without_opening(opened: list[str]) -> None:
    data, (found,) = read_guarded(Path(os.devnull), shown="corpus/talks.txt", limit=10, within=None)
    assert data is None and opened == [] and found.check == "file-special" and "character device" in found.message


def test_io_guards_read_error_is_an_io_error_at_line_1(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "talks.txt"
    path.write_bytes(b"x")

    def failing(*_: object) -> int:
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(guards.os, "open", failing)
    data, (found,) = read_guarded(path, shown="corpus/talks.txt", limit=10, within=None)
    assert data is None and (found.check, found.line) == ("io-error", 1) and os.strerror(errno.EIO) in found.message


def test_io_guards_a_link_is_shown_where_it_lies(tmp_path: Path) -> None:
    root = copy_project(FIXTURES / "valid", tmp_path / "project")
    outside = tmp_path / "outside.txt"
    (root / "corpus" / "talks.txt").rename(outside)
    (root / "corpus" / "talks.txt").symlink_to(outside)
    assert Paths(root).show(root / "corpus" / "talks.txt") == "corpus/talks.txt"


# --- the YAML guards ----------------------------------------------------------------


def test_io_guards_yaml_anchors_and_aliases_are_refused_each_line_once() -> None:
    text = "a: &x 1\nb: *x\nc: [*x, *x]\nd: 2\n"
    assert problems(text) == [("yaml-alias", 1), ("yaml-alias", 2), ("yaml-alias", 3)]


def test_io_guards_yaml_alias_bomb_is_refused_at_once() -> None:
    bomb = "a0: &a0 [" + ", ".join(["x"] * 9) + "]\n" + "".join(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]\n" for i in range(1, 9))
    start = time.perf_counter()
    assert problems(bomb) == [("yaml-alias", line) for line in range(1, 10)]
    assert time.perf_counter() - start < 1.0


@pytest.mark.parametrize("layout", ["flow", "block"])
def test_io_guards_yaml_depth_is_capped_at_its_line(layout: str) -> None:
    def nested(levels: int) -> str:  # `levels` collections, the file's mapping included
        if layout == "flow":
            return "a: " + "[" * (levels - 1) + "]" * (levels - 1) + "\n"
        return "a:\n" + "".join("  " * i + "- \n" for i in range(levels - 1))

    assert problems(nested(MAX_DEPTH)) == []
    assert problems(nested(MAX_DEPTH + 1)) == [("yaml-too-deep", 1 if layout == "flow" else MAX_DEPTH + 1)]
    assert problems(nested(10_000)) == [("yaml-too-deep", 1 if layout == "flow" else MAX_DEPTH + 1)]  # flow: libyaml's own limit, first


@pytest.mark.parametrize(
    "text, line",
    [
        ("a: {x}\nb: " + "1" * (MAX_INT_DIGITS + 1) + "\n", 2),
        ("a: -" + "1" * (MAX_INT_DIGITS + 1) + "\n", 1),
        ("a:\n- [1, " + "2" * 5000 + "]\n", 2),
        ("a: 1\n" + "3" * 40 + ": key\n", 2),  # a key: dropped, no echo
        ("a: 0x" + "f" * 5000 + "\n", 1),
    ],
)
def test_io_guards_yaml_long_integers_are_refused_at_their_line(text: str, line: int) -> None:
    assert problems(text) == [("yaml-int-too-long", line)]
    assert problems(text.replace("1" * (MAX_INT_DIGITS + 1), "1" * MAX_INT_DIGITS)) in ([], [("yaml-int-too-long", line)])
    assert load_yaml("a: -" + "9" * MAX_INT_DIGITS + "\n") == {"a": -int("9" * MAX_INT_DIGITS)}


def test_io_guards_yaml_nul_is_reported_at_its_own_line_and_column() -> None:
    line = "- {id: e1, type: GPE, name: Té\x00ran}"  # libyaml counts bytes; the column counts characters
    with pytest.raises(YamlSyntaxError) as caught:
        load_yaml(f"document: ünï\nentities:\n{line}\n")
    assert (caught.value.check, caught.value.line) == ("yaml-syntax", 3)
    assert f"U+0000 at column {line.index(chr(0)) + 1}," in caught.value.message


@pytest.mark.parametrize(
    "text, line",
    [
        ("a: 1\npublished: 2021-13-45\n", 2),  # a date to YAML, but no date
        ("a: !!int ''\n", 1),
        ("a: !!bool maybe\n", 1),
        ("? [a]\n: b\n", 1),  # a list as a key
        ("a: 1\n? {b: 2}\n: c\n", 2),
    ],
)
def test_io_guards_yaml_values_it_cannot_build_are_findings_not_tracebacks(text: str, line: int) -> None:
    assert problems(text) == [("yaml-syntax", line)]


def test_io_guards_yaml_every_problem_of_a_file_is_reported() -> None:
    text = "a: &x 1\nb: " + "9" * 40 + "\nc: 1\nc: 2\nd: " + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "\n"
    assert problems(text) == [("yaml-alias", 1), ("yaml-int-too-long", 2), ("yaml-syntax", 4), ("yaml-too-deep", 5)]


def _annotation_file(line: str, layer: str = "values") -> str:
    """An annotation file in the grammar of :mod:`khabar.io.annotation_format` whose only item, of ``layer``, is ``line``."""
    sections = "".join(f"{name}:\n- {line}\n" if name == layer else f"{name}: []\n" for name in ("entities", "mentions", "values", "relations", "attributions"))
    return "document: x\n" + sections


@pytest.mark.parametrize(
    ("line", "layer"),
    [
        ("{id: v1, type: DATE, start: " + "1" * (MAX_INT_DIGITS + 1) + ", end: 2, text: a}", "values"),
        ("{id: r1, label: x, head: a, tail: b, evidence: [" + "1" * 5000 + "]}", "relations"),
        ("{id: r1, label: x, head: a, tail: b, evidence: " + "[" * (MAX_DEPTH - 2) + "]" * (MAX_DEPTH - 2) + "}", "relations"),  # 21 levels
        ("{id: r1, label: x, head: a, tail: b, evidence: " + "[" * 10_000 + "]" * 10_000 + "}", "relations"),
    ],
)
def test_io_guards_the_grammar_reader_steps_aside_near_a_cap(line: str, layer: str) -> None:
    text = _annotation_file(line, layer)
    assert read_canonical(text) is None
    assert problems(text)  # and the YAML route reports it


def test_io_guards_grammar_reader_reads_a_long_quoted_string_in_linear_memory() -> None:
    text = _annotation_file('{id: v1, type: DATE, start: 0, end: 2000000, text: "' + "e" * 2_000_000 + '"}')
    tracemalloc.start()
    try:
        layers = read_canonical(text)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert layers is not None and len(layers.values[0].text) == 2_000_000
    assert peak < 40_000_000, peak  # the string, a few times; the backtracking regex kept ~200 bytes per character


def test_io_guards_front_matter_problems_are_at_their_lines_in_the_corpus_file(tmp_path: Path) -> None:
    from khabar.io.corpus_files import read_corpus_file

    path = tmp_path / "talks.txt"
    path.write_text("---\nid: talks\ntitle: &t Talks\nsource: *t\npublished: 2021-13-45\nlanguage: en\n---\nText.\n", encoding="utf-8")
    corpus_file, found = read_corpus_file(path, shown="corpus/talks.txt")
    assert corpus_file is None
    assert [(f.check, f.line) for f in found] == [("yaml-alias", 3), ("yaml-alias", 4), ("yaml-syntax", 5)]


@pytest.mark.parametrize("case", HOSTILE_RELEASE)
def test_io_guards_release_file_fifo_stops_build_with_its_finding(case: str, tmp_path: Path) -> None:
    """A FIFO in place of pyproject.toml, CHANGELOG.md or the card template: the build reads it through the
    guards too (the version, the changelog, the card), so it ends with the file's finding and writes nothing."""
    root, (where,) = hostile_project(case, tmp_path / "project")
    done, _ = run(root, "build", "--out", str(tmp_path / "out"), "--no-load")
    assert done.returncode == 1 and f"\n{where} " in "\n" + done.stderr, done.stderr[-2000:]
    assert "Traceback" not in done.stderr and not (tmp_path / "out").exists()


def _command_input(kind: str, tmp_path: Path, root: Path) -> tuple[list[str], str]:
    """A command whose input file (named on the command line) is hostile, and the finding it must give."""
    brat = tmp_path / "brat"
    if kind.startswith("import-"):  # a brat folder exported from the project, one of its files then replaced
        done, _ = run(root, "export", "--format", "brat", "--no-gx", "--out", str(brat))
        assert done.returncode == 0, done.stderr
        path = {"import-txt": brat / "talks.txt", "import-ann": brat / "talks.ann", "import-meta": brat / "talks.meta.json"}[kind]
        path.unlink()
        os.mkfifo(path)
        return ["import", "brat", str(brat), "--out", str(tmp_path / "imported")], f"{path.as_posix()}:1: error[file-special]"
    text = tmp_path / "input"
    if kind == "new-nul":
        text.write_text("Khan met Massoud.\nKhan\x00 said so.\n", encoding="utf-8")
        return ["new", "talks-2", "--text", str(text), "--split", "dev", "--licence", "CC0-1.0"], f"{text}:2: error[text-control]"
    os.mkfifo(text)
    argv = {"new-fifo": ["new", "talks-2", "--text", str(text), "--split", "dev", "--licence", "CC0-1.0"], "evaluate-fifo": ["evaluate", "--pred", str(text)]}[
        kind
    ]
    return argv, f"{text}:1: error[file-special]"


@pytest.mark.parametrize("kind", ["new-fifo", "new-nul", "evaluate-fifo", "import-txt", "import-ann", "import-meta"])
def test_io_guards_command_line_inputs_are_read_through_the_guards(kind: str, tmp_path: Path) -> None:
    """Files named on the command line (`new --text`, `evaluate --pred`, the files of `import brat`) are read like
    project files: a FIFO is a finding, never opened (it would block), and a control character is refused."""
    root = copy_project(FIXTURES / "valid", tmp_path / "project")
    argv, where = _command_input(kind, tmp_path, root)
    before = sorted(p.relative_to(root).as_posix() for p in root.rglob("*"))
    done, _ = run(root, *argv)
    assert done.returncode == 1 and f"\n{where} " in "\n" + done.stderr, done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    assert sorted(p.relative_to(root).as_posix() for p in root.rglob("*")) == before  # nothing written


@pytest.mark.parametrize("case", ["fifo-corpus", "big-scalar", "symlink-out"])
def test_io_guards_report_shows_no_excerpt_of_a_file_it_may_not_read(case: str, tmp_path: Path) -> None:
    """`validate --report` quotes the line of each finding, read through the guards: never from a FIFO, a file
    over its cap (the 50 MB line is not copied into the page) or a file outside the project."""
    root, (where, *_) = hostile_project(case, tmp_path / "project")
    done, _ = run(root, "validate", "--no-gx", "--report", str(tmp_path / "report"))
    page = (tmp_path / "report" / "index.html").read_text(encoding="utf-8")
    assert done.returncode == 1 and where.split(":")[0] in page and "Traceback" not in done.stderr
    assert len(page) < 1_000_000  # the page of the valid project is some 20 KB: no line of megabytes in it
    assert 'class="source"' not in page  # no excerpt: the file was not read (before, a 50 MB file was, for its line 1)
