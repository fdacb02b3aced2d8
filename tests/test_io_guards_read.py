"""``read_guarded`` and ``decode_utf8`` called directly: every finding's whole message, how a file is read (one
read of its size and a byte more; 64 KiB at a time, never past the cap, only if it grew), and a file swapped for a
FIFO or a link between the look and the open (mutmut survivors of issue 19's readers run).

A file that changes between ``lstat``, ``open`` and ``fstat`` is a race no test can time, so :func:`_looks_like`
makes ``lstat`` and ``fstat`` report another size or kind for one file, as they would have a moment before.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import deadline

from khabar.io import guards
from khabar.io.guards import decode_utf8, read_guarded

SYMLINK = (
    "expected a file inside the project; found a symbolic link that leads out of the project's folder, which Khabar does not follow "
    "(replace the link with a copy of the file)"
)
SYMLINK_FOLDER = (
    "expected a file inside the project; found it in a folder that is a symbolic link leading out of the project's folder, which Khabar "
    "does not follow (replace the link with a copy of the folder)"
)
IO_ERROR = "expected a file Khabar can read; found the operating system refusing it: {} (check the file, its permissions, and any link that leads to it)"
GREW = "expected a file of at most 100 bytes; found more, which Khabar does not read (see the limits in docs/checks.md)"


def _found(path: Path, *, limit: int = 100, within: tuple[Path, ...] | None = None) -> tuple[bytes | None, list[tuple[str, str, str | None, int | None]]]:
    data, found = read_guarded(path, shown="corpus/talks.txt", limit=limit, within=within)
    return data, [(f.check, f.message, f.path, f.line) for f in found]


def _looks_like(monkeypatch: pytest.MonkeyPatch, path: Path, *, calls: tuple[str, ...] = ("lstat", "fstat"), **fields: int) -> None:
    """``calls`` (``lstat``, ``fstat``) of the file at ``path`` (matched by device and inode) report ``fields``
    instead (``st_mode``, ``st_size``): what they would have said before the file changed."""
    real = os.stat(path)
    index = {"st_mode": 0, "st_size": 6}

    def faking(call: Callable[..., os.stat_result]) -> Callable[..., os.stat_result]:
        def fake(target: Any, *args: Any, **kwargs: Any) -> os.stat_result:
            info = call(target, *args, **kwargs)
            if (info.st_dev, info.st_ino) != (real.st_dev, real.st_ino):
                return info
            values = list(info[:10])
            for name, value in fields.items():
                values[index[name]] = value
            return os.stat_result(values)

        return fake

    for name in calls:
        monkeypatch.setattr(guards.os, name, faking(getattr(os, name)))


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int]]:
    """(bytes asked, bytes got) of each read of the streams :func:`read_guarded` opens."""
    calls: list[tuple[int, int]] = []
    real = os.fdopen

    class Counting:
        def __init__(self, stream: Any) -> None:
            self.stream = stream

        def __enter__(self) -> Counting:
            return self

        def __exit__(self, *_: object) -> None:
            self.stream.close()

        def fileno(self) -> int:
            return int(self.stream.fileno())

        def read(self, size: int = -1) -> bytes:
            data = bytes(self.stream.read(size))
            calls.append((size, len(data)))
            return data

    monkeypatch.setattr(guards.os, "fdopen", lambda *args, **kwargs: Counting(real(*args, **kwargs)))
    return calls


def test_io_guards_read_a_file_is_one_read_of_its_size_and_a_byte_more(tmp_path: Path, reads: list[tuple[int, int]]) -> None:
    path = tmp_path / "talks.txt"
    path.write_bytes(b"x" * 60)
    assert _found(path) == (b"x" * 60, [])
    assert reads == [(61, 60)]
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    assert _found(empty) == (b"", [])
    assert reads[1:] == [(1, 0)]


def test_io_guards_read_a_file_that_grew_is_read_on_up_to_the_cap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, reads: list[tuple[int, int]]) -> None:
    path = tmp_path / "talks.txt"
    path.write_bytes(b"x" * 60)
    _looks_like(monkeypatch, path, st_size=10)  # 10 bytes when looked at, 60 when read
    assert _found(path) == (b"x" * 60, [])
    assert reads == [(11, 11), (90, 49), (41, 0)]  # its size and a byte more, then up to the cap and a byte more


@pytest.mark.parametrize("seen", [10, 99, 100])
def test_io_guards_read_a_file_that_grew_past_the_cap_is_refused_after_reading_a_byte_past_it(
    seen: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, reads: list[tuple[int, int]]
) -> None:
    path = tmp_path / "talks.txt"
    path.write_bytes(b"x" * 150)
    _looks_like(monkeypatch, path, st_size=seen)
    assert _found(path) == (None, [("file-too-large", GREW, "corpus/talks.txt", 1)])
    assert sum(got for _, got in reads) == 101  # never more than the cap and a byte
    assert reads[0] == (seen + 1, seen + 1)


def test_io_guards_read_a_file_that_grew_is_read_64_kib_at_a_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, reads: list[tuple[int, int]]) -> None:
    path = tmp_path / "talks.txt"
    path.write_bytes(b"x" * 200_000)
    _looks_like(monkeypatch, path, st_size=10)
    data, found = read_guarded(path, shown="corpus/talks.txt", limit=1_000_000, within=None)
    assert found == [] and data == b"x" * 200_000
    assert [asked for asked, _ in reads] == [11, 65536, 65536, 65536, 65536, 65536]  # the last two: its end, and nothing more


def test_io_guards_read_a_file_swapped_for_a_fifo_after_the_look_is_not_waited_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "talks.txt"
    os.mkfifo(path)
    _looks_like(monkeypatch, path, calls=("lstat",), st_mode=0o100644)  # a regular file when looked at
    with deadline(10):  # opened without O_NONBLOCK, a FIFO with no writer would block here
        data, found = _found(path, within=(tmp_path.resolve(),))
    words = "expected a regular file; found another kind of file, which Khabar does not read (replace it with the file itself)"
    assert (data, found) == (None, [("file-special", words, "corpus/talks.txt", 1)])


def test_io_guards_read_a_file_swapped_for_a_link_after_the_look_is_not_followed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "other.txt").write_bytes(b"other")
    path = tmp_path / "talks.txt"
    path.symlink_to("other.txt")
    monkeypatch.setattr(guards.os, "lstat", os.stat)  # the link looked like the file it leads to
    data, found = _found(path, within=(tmp_path.resolve(),))
    assert (data, found) == (None, [("io-error", IO_ERROR.format(os.strerror(errno.ELOOP)), "corpus/talks.txt", 1)])


@pytest.mark.parametrize(
    ("make", "check", "message"),
    [
        (lambda inside, outside: (inside / "talks.txt").symlink_to(outside / "talks.txt"), "file-symlink", SYMLINK),
        (lambda inside, outside: (inside / "corpus").symlink_to(outside, target_is_directory=True), "file-symlink", SYMLINK_FOLDER),
        (
            lambda inside, outside: os.mkfifo(inside / "talks.txt"),
            "file-special",
            "expected a regular file; found a FIFO (named pipe), which Khabar does not open (replace it with the file itself)",
        ),
        (
            lambda inside, outside: (inside / "talks.txt").mkdir(),
            "file-special",
            "expected a regular file; found a folder, which Khabar does not open (replace it with the file itself)",
        ),
        (
            lambda inside, outside: (inside / "talks.txt").write_bytes(b"x" * 101),
            "file-too-large",
            "expected a file of at most 100 bytes; found 101 bytes, which Khabar does not read (see the limits in docs/checks.md: is this the right file?)",
        ),
        (lambda inside, outside: (inside / "talks.txt").symlink_to(outside / "missing.txt"), "io-error", IO_ERROR.format(os.strerror(errno.ENOENT))),
    ],
    ids=["link-out", "folder-link-out", "fifo", "folder", "too-large", "broken-link-out"],
)
def test_io_guards_read_each_refusal_says_it_whole(make: Callable[[Path, Path], None], check: str, message: str, tmp_path: Path) -> None:
    inside, outside = tmp_path / "project", tmp_path / "outside"
    inside.mkdir()
    outside.mkdir()
    (outside / "talks.txt").write_bytes(b"x")
    make(inside, outside)
    path = inside / "corpus" / "talks.txt" if (inside / "corpus").exists() else inside / "talks.txt"
    assert _found(path, within=(inside.resolve(),)) == (None, [(check, message, "corpus/talks.txt", 1)])


@pytest.mark.parametrize(
    ("error", "reason"),
    [(OSError("the disk went away"), "the disk went away"), (OSError(errno.EIO, "Input/output error"), "Input/output error")],
    ids=["no-strerror", "strerror"],
)
def test_io_guards_read_an_error_gives_the_reason_or_else_the_exception(error: OSError, reason: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "talks.txt"
    path.write_bytes(b"x")

    def failing(*_: object) -> int:
        raise error

    monkeypatch.setattr(guards.os, "open", failing)
    assert _found(path) == (None, [("io-error", IO_ERROR.format(reason), "corpus/talks.txt", 1)])


@pytest.mark.parametrize(
    ("data", "line", "byte"),
    [(b"caf\xe9\n", 1, "e9"), (b"one\ntwo\n\nfour \xff\n", 4, "ff"), (b"\n\n\x80", 3, "80")],
)
def test_io_guards_decode_utf8_says_the_byte_and_its_line(data: bytes, line: int, byte: str) -> None:
    text, found = decode_utf8(data, shown="corpus/talks.txt")
    message = f"expected UTF-8; found byte 0x{byte} that is not valid UTF-8 (re-save the file as UTF-8)"
    assert text is None and [(f.check, f.message, f.path, f.line) for f in found] == [("file-encoding", message, "corpus/talks.txt", line)]
    assert decode_utf8("Ünal\n".encode(), shown="corpus/talks.txt") == ("Ünal\n", [])
