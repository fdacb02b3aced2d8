"""Swapping a finished output folder into place without a moment where neither is there.

On Linux, :func:`exchange` swaps the two directory entries in one step
(``renameat2(..., RENAME_EXCHANGE)``, called through ctypes on libc): at every
instant the target path names either the old output or the new one, complete.
Where the call is missing (another system, a libc without it) or the
filesystem refuses it (``EINVAL``, ``ENOTSUP``), :func:`swap_in` falls back to
two renames: the old folder into the staging folder, then the new folder onto
the target. Between the two the target path is missing for an instant, but the
old output is complete inside the staging folder, whose owner file says so; the
next command that writes the same target puts it back
(:func:`khabar.io.atomic.recover`) before doing anything else.

The ``KHABAR_TEST_*`` variables are test hooks, read nowhere else: a test
makes a real build stop at a dangerous moment (:func:`pause_point`) so that it
can kill the process there, and forces the fallback on Linux.
"""

from __future__ import annotations

import ctypes
import errno
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

AT_FDCWD = -100
RENAME_EXCHANGE = 2  # linux/fs.h
#: errno values meaning "this system or filesystem cannot exchange": fall back, nothing changed.
UNSUPPORTED = {errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EPERM}

PAUSE_AT = "KHABAR_TEST_PAUSE_AT"  # a moment: "staging" (half the stage written) or "swap" (between the steps of the replace)
PAUSE_FILE = "KHABAR_TEST_PAUSE_FILE"  # the file the paused process writes its pid into, for the test to wait on
NO_EXCHANGE = "KHABAR_TEST_NO_EXCHANGE"  # "1": use the fallback renames even where the exchange works
PAUSE_SECONDS = 120  # a paused process nobody kills goes on after this


def _renameat2() -> Callable[..., Any] | None:
    if not sys.platform.startswith("linux") or os.environ.get(NO_EXCHANGE) == "1":
        return None
    try:
        call = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):  # no libc symbol (musl before 1.2.4, glibc before 2.28)
        return None
    call.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    call.restype = ctypes.c_int
    return call


def exchange(a: Path, b: Path) -> bool:
    """Swap the directory entries ``a`` and ``b`` atomically; False (and nothing changed) where
    this system or filesystem cannot, OSError for any other failure."""
    call = _renameat2()
    if call is None:
        return False
    if call(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in UNSUPPORTED:
        return False
    raise OSError(code, os.strerror(code), str(a), None, str(b))


def swap_in(*, new: Path, out: Path, aside: Path) -> Path:
    """Put the folder ``new`` at ``out``, which exists; return where the old folder now is.

    The exchange leaves it at ``new``; the fallback moves it to ``aside`` first
    (inside the staging folder), and back to ``out`` if the second rename fails."""
    if exchange(new, out):
        pause_point("swap")
        return new
    os.rename(out, aside)
    pause_point("swap")
    try:
        os.rename(new, out)
    except BaseException:
        os.rename(aside, out)
        raise
    return aside


def pause_point(moment: str) -> None:
    """Test hook: where ``KHABAR_TEST_PAUSE_AT`` names ``moment``, write this process's id to
    ``KHABAR_TEST_PAUSE_FILE`` and wait to be killed (at most :data:`PAUSE_SECONDS`)."""
    if os.environ.get(PAUSE_AT) != moment or not os.environ.get(PAUSE_FILE):
        return
    Path(os.environ[PAUSE_FILE]).write_text(f"{os.getpid()}\n", encoding="utf-8")
    deadline = time.monotonic() + PAUSE_SECONDS
    while time.monotonic() < deadline:
        time.sleep(0.05)
