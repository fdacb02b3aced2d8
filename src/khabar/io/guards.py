"""Hostile input files end fast, with a finding: the caps, and reading only regular files of the project.

Every project file Khabar reads (corpus, annotation and exceptions files) goes
through :func:`read_guarded`, which looks at the file before opening it: a
FIFO, socket, device or folder is never opened (opening a FIFO blocks until a
writer comes), a symbolic link is followed only when it resolves inside the
project, and a file above its size cap is not read. What it costs: one
``lstat`` more than reading the file (two more for a link), and the ``fstat``
that reading does anyway; no byte is read twice.

The YAML reader (:mod:`khabar.io.yamlnodes`; the reader of the annotation grammar,
:mod:`khabar.io.annotation_format`, steps aside for anything near a cap) enforces the other caps: no anchors
or aliases, :data:`MAX_DEPTH` and :data:`MAX_INT_DIGITS`. ``docs/checks.md``
("Limits") lists every cap with its value and check id.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from khabar.core.findings import Finding, KhabarError, finding

#: Bytes of a corpus file (`file-too-large`): spaCy's tokenizer takes texts of at most 1,000,000
#: characters, and a file of at most 1,000,000 bytes holds no more (the largest corpus file has 7 KB).
MAX_CORPUS_BYTES = 1_000_000
#: Bytes of an annotation or exceptions file (`file-too-large`): 4 MiB, 80 times the largest annotation
#: file (50 KB). PyYAML's general path reads the worst file of that size (4 MiB of one-key mappings) in
#: about 4 s and 250 MB; at 16 MiB it took 34 s and 940 MB.
MAX_YAML_BYTES = 4 * 1024 * 1024
#: Bytes of the other files Khabar reads as text: the release files (pyproject.toml, CHANGELOG.md, the card
#: template, a build's README.md and manifest.json), a text given to `khabar new`, a brat file to import.
MAX_TEXT_BYTES = 16 * 1024 * 1024
#: Bytes of a predictions file (`khabar evaluate --pred`): a file is read whole, so it costs about its size in memory.
MAX_PREDICTIONS_BYTES = 1024 * 1024 * 1024
#: Bootstrap resamples and randomisation-test permutations of `khabar evaluate`/`compare` (`--resamples`): each
#: is a pass over the documents' counts; 100,000 over 10,000 documents is minutes, not hours.
MAX_RESAMPLES = 100_000
#: Collections nested in a YAML file, the top-level mapping included (`yaml-too-deep`); annotation
#: files need 5 (an attribution's role fragment in its list, in the attribution, in `attributions`).
MAX_DEPTH = 20
#: Characters of an integer, its sign left out (`yaml-int-too-long`): 18 digits stay within 64 bits;
#: offsets into a text of MAX_CORPUS_BYTES need 7. (Python refuses to read integers of over 4,300 digits.)
MAX_INT_DIGITS = 18

_KINDS = (
    (stat.S_ISDIR, "folder"),
    (stat.S_ISFIFO, "FIFO (named pipe)"),
    (stat.S_ISSOCK, "socket"),
    (stat.S_ISCHR, "character device"),
    (stat.S_ISBLK, "block device"),
)


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "special file")


def _inside(path: str, roots: Sequence[Path]) -> bool:
    """Whether the resolved ``path`` lies in one of the resolved folders ``roots`` (a string test: no Path made)."""
    return any(path.startswith(prefix) for prefix in _prefixes(tuple(roots)))


@lru_cache(maxsize=64)
def _prefixes(roots: tuple[Path, ...]) -> tuple[str, ...]:
    return tuple(os.path.join(str(root), "") for root in roots)


@lru_cache(maxsize=256)
def _real_folder(folder: str) -> str:
    """Where ``folder`` (absolute) leads, once a process: a project's files share a few folders."""
    return os.path.realpath(folder)


def _read(stream: Any, want: int, limit: int) -> bytes:
    """The file's bytes, at most ``limit + 1``: one read of its size and a byte more (a shorter
    read of a regular file is its end), then 64 KiB at a time only if it grew meanwhile."""
    data = stream.read(want)
    while len(data) == want <= limit:
        more = stream.read(min(1 << 16, limit + 1 - len(data)))
        if not more:
            break
        data += more
        want = len(data)
    return data


def read_guarded(path: Path, *, shown: str, limit: int, within: Sequence[Path] | None) -> tuple[bytes | None, list[Finding]]:
    """The bytes of the regular file ``path``, or None and one finding that says why not.

    ``within``: the resolved folders a symbolic link may lead into (the project's); None
    follows links anywhere (a file named on the command line). ``limit``: the size cap.
    Findings are at line 1 of ``shown``: ``io-error`` (the operating system's reason),
    ``file-symlink``, ``file-special`` and ``file-too-large``."""

    def problem(check: str, message: str) -> tuple[None, list[Finding]]:
        return None, [finding(check, message, path=shown, line=1)]

    try:
        info, target = os.lstat(path), str(path)
        if stat.S_ISLNK(info.st_mode):
            target = os.path.realpath(path, strict=True)
            if within is not None and not _inside(target, within):
                return problem(
                    "file-symlink",
                    "expected a file inside the project; found a symbolic link that leads out of the project's folder, "
                    "which Khabar does not follow (replace the link with a copy of the file)",
                )
            info = os.stat(target)
        elif within is not None and not _inside(os.path.join(_real_folder(os.path.dirname(os.path.abspath(target))), ""), within):
            return problem(
                "file-symlink",
                "expected a file inside the project; found it in a folder that is a symbolic link leading out of the "
                "project's folder, which Khabar does not follow (replace the link with a copy of the folder)",
            )
        if not stat.S_ISREG(info.st_mode):  # checked before opening: opening a FIFO or a device can block or act
            return problem(
                "file-special", f"expected a regular file; found a {_kind(info.st_mode)}, which Khabar does not open (replace it with the file itself)"
            )
        if info.st_size > limit:
            return problem(
                "file-too-large",
                f"expected a file of at most {limit:,} bytes; found {info.st_size:,} bytes, which Khabar does not read "
                "(see the limits in docs/checks.md: is this the right file?)",
            )
        # O_NOFOLLOW and O_NONBLOCK: should the file be swapped for a link or a FIFO since, it is not followed and cannot block.
        handle = os.open(target, os.O_RDONLY | os.O_CLOEXEC | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(handle, "rb", buffering=0) as stream:
            info = os.fstat(stream.fileno())
            if not stat.S_ISREG(info.st_mode):
                return problem(
                    "file-special", "expected a regular file; found another kind of file, which Khabar does not read (replace it with the file itself)"
                )
            data = _read(stream, min(info.st_size, limit) + 1, limit)
    except OSError as exc:
        return problem(
            "io-error",
            f"expected a file Khabar can read; found the operating system refusing it: {exc.strerror or exc} "
            "(check the file, its permissions, and any link that leads to it)",
        )
    if len(data) > limit:  # it grew since it was looked at
        return problem(
            "file-too-large", f"expected a file of at most {limit:,} bytes; found more, which Khabar does not read (see the limits in docs/checks.md)"
        )
    return data, []


def decode_utf8(data: bytes, *, shown: str) -> tuple[str | None, list[Finding]]:
    """``data`` as text, or None and a ``file-encoding`` finding at the line of the first byte that is not UTF-8."""
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, [
            finding(
                "file-encoding",
                f"expected UTF-8; found byte 0x{data[exc.start]:02x} that is not valid UTF-8 (re-save the file as UTF-8)",
                path=shown,
                line=line,
            )
        ]


def read_text_guarded(path: Path, *, shown: str, limit: int = MAX_TEXT_BYTES, within: Sequence[Path] | None = None) -> tuple[str | None, list[Finding]]:
    """The text of the regular UTF-8 file ``path``, or None and the findings of :func:`read_guarded` or :func:`decode_utf8`."""
    data, found = read_guarded(path, shown=shown, limit=limit, within=within)
    return (None, found) if data is None else decode_utf8(data, shown=shown)


def read_project_file(root: Path, name: str) -> tuple[str | None, list[Finding]]:
    """The text of the project's file ``root/name`` (pyproject.toml, CHANGELOG.md, the card template), shown as
    ``name``: (None, []) when there is none, (None, findings) when it is no regular UTF-8 file of the project."""
    path = root / name
    if not os.path.lexists(path):
        return None, []
    return read_text_guarded(path, shown=name, within=(root.resolve(),))


def require_project_file(root: Path, name: str) -> str | None:
    """:func:`read_project_file`'s text (None when there is no such file); its findings raised as a :class:`~khabar.core.findings.KhabarError`."""
    path = root / name
    return require_text(path, shown=name, within=(root.resolve(),)) if os.path.lexists(path) else None


def require_text(path: Path, *, shown: str, limit: int = MAX_TEXT_BYTES, within: Sequence[Path] | None = None) -> str:
    """:func:`read_text_guarded`'s text; its findings raised as a :class:`~khabar.core.findings.KhabarError`."""
    text, found = read_text_guarded(path, shown=shown, limit=limit, within=within)
    if text is None:
        raise KhabarError(found)
    return text
