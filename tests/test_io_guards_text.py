"""The guarded text readers of ``khabar.io.guards`` (release files, command-line inputs) called directly, the
re-reading locator of ``khabar.io.project`` and the corpus file writer (mutmut survivors of issue 19's readers run).
"""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from conftest import FIXTURES

from khabar.core.findings import KhabarError
from khabar.io.corpus_files import read_corpus_file, render_corpus_file
from khabar.io.guards import _kind, read_project_file, require_project_file, require_text
from khabar.io.project import Paths, Rereading, load_project


def _where(found) -> list[tuple[str, str | None, int | None]]:  # type: ignore[no-untyped-def]
    return [(f.check, f.path, f.line) for f in found]


def test_io_guards_require_text_reads_a_file_and_raises_each_refusal(tmp_path: Path) -> None:
    good, folder, big, latin = tmp_path / "good.txt", tmp_path / "folder", tmp_path / "big.txt", tmp_path / "latin.txt"
    good.write_text("Tehran, Iran\n", encoding="utf-8")
    folder.mkdir()
    big.write_text("x" * 11, encoding="utf-8")
    latin.write_bytes(b"one\ncaf\xe9\n")
    assert require_text(good, shown="good") == "Tehran, Iran\n"
    for path, limit, expected in (
        (folder, 100, ("file-special", "shown", 1)),
        (big, 10, ("file-too-large", "shown", 1)),
        (latin, 100, ("file-encoding", "shown", 2)),
    ):
        with pytest.raises(KhabarError) as exc:
            require_text(path, shown="shown", limit=limit)
        assert _where(exc.value.findings) == [expected]
    assert require_text(big, shown="big", limit=11) == "x" * 11


def test_io_guards_require_text_follows_links_only_into_the_folders_given(tmp_path: Path) -> None:
    inside, outside = tmp_path / "project", tmp_path / "outside.txt"
    inside.mkdir()
    outside.write_text("outside", encoding="utf-8")
    (inside / "link.txt").symlink_to(outside)
    with pytest.raises(KhabarError) as exc:
        require_text(inside / "link.txt", shown="link.txt", within=[inside.resolve()])
    assert _where(exc.value.findings) == [("file-symlink", "link.txt", 1)]
    assert require_text(inside / "link.txt", shown="link.txt") == "outside"  # no folders given: a file named on the command line


def test_io_guards_project_files_are_read_only_inside_the_project(tmp_path: Path) -> None:
    root, outside = tmp_path / "project", tmp_path / "CHANGELOG.md"
    root.mkdir()
    outside.write_text("# outside\n", encoding="utf-8")
    assert read_project_file(root, "CHANGELOG.md") == (None, [])  # none there
    assert require_project_file(root, "CHANGELOG.md") is None
    (root / "CHANGELOG.md").symlink_to(outside)
    text, found = read_project_file(root, "CHANGELOG.md")
    assert text is None and _where(found) == [("file-symlink", "CHANGELOG.md", 1)]
    with pytest.raises(KhabarError) as exc:
        require_project_file(root, "CHANGELOG.md")
    assert _where(exc.value.findings) == [("file-symlink", "CHANGELOG.md", 1)]
    (root / "CHANGELOG.md").unlink()
    (root / "CHANGELOG.md").write_text("# inside\n", encoding="utf-8")
    assert require_project_file(root, "CHANGELOG.md") == "# inside\n"


@pytest.mark.parametrize(
    ("mode", "kind"),
    [
        (stat.S_IFDIR, "folder"),
        (stat.S_IFIFO, "FIFO (named pipe)"),
        (stat.S_IFSOCK, "socket"),
        (stat.S_IFCHR, "character device"),
        (stat.S_IFBLK, "block device"),
        (0, "special file"),
    ],
)
def test_io_guards_kind_names_each_kind_of_file(mode: int, kind: str) -> None:
    assert _kind(mode) == kind


def test_io_project_rereading_locates_a_finding_as_the_loaded_corpus_does() -> None:
    root = FIXTURES / "valid"
    rereading = Rereading(Paths(root))
    found = rereading.locate("name-unannotated", "a message", document="talks", annotation="m6")
    expected = load_project(root=root).locate("name-unannotated", "a message", document="talks", annotation="m6")
    assert found == expected and (found.path, found.message) == ("annotations/talks.yaml", "a message") and found.line
    assert list(rereading.read) == ["talks"]
    assert rereading.locate("name-unannotated", "again", document="talks", annotation="m6").line == found.line


def test_io_corpus_file_render_keeps_characters_and_long_values_on_one_line(tmp_path: Path) -> None:
    url = "https://en.wikinews.org/wiki/" + "Very_long_title_" * 8
    text = render_corpus_file(
        meta={"id": "zz", "title": "Ünal in Tehran", "url": url, "language": "en", "split": "test", "licence": "CC-BY-4.0"}, text="Ünal met Khan.\n"
    )
    assert text.startswith("---\nid: zz\ntitle: Ünal in Tehran\nsource: null\nurl: " + url + "\npublished: null\n")
    path = tmp_path / "corpus" / "zz.txt"
    path.parent.mkdir()
    path.write_text(text, encoding="utf-8")
    read, found = read_corpus_file(path, shown="corpus/zz.txt")
    assert found == [] and read is not None and read.text == "Ünal met Khan.\n" and read.meta["url"] == url
