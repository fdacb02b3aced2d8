"""Writing an output folder or file atomically, and replacing only what Khabar wrote.

:func:`replacing` refuses a target Khabar may not replace (:mod:`khabar.io.outputs`:
``out-refused``, nothing touched), then yields a fresh folder inside a staging
folder beside the target, ``.<name>.<stage>-XXXX/``, which holds an owner file
(:data:`OWNER`: this process's id, its start time and the host) and the new
output as ``tree/``. When the body has written it, the target is checked again
and the new output swapped into place (:func:`khabar.io.swap.swap_in`: an atomic
exchange on Linux), then the staging folder, holding the old output, is
removed. A failure while writing removes the staging folder and leaves the
target as it was.

A process killed midway leaves its staging folder behind. The next
:func:`replacing` of the same target first puts back an old output that a kill
between the two renames of the fallback swap left only inside a staging folder,
then removes the staging folders whose owner is no longer running on this host.
Nothing else is ever removed: a folder is a stale staging folder only when it
is a real folder of this user, named like one, holding nothing but an owner
file that says so, ``tree/`` and ``old/``; or, a kill having come before the
owner file was written, nothing at all (or only that file, empty) for a
minute. Staging folders of Khabar versions before 0.2.0 have no owner file and
are never removed: nothing proves who made them (remove them by hand).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import stat
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from khabar.io.outputs import Output, check_out
from khabar.io.proofs import write_marker
from khabar.io.swap import pause_point, swap_in

OWNER = "owner.json"  # in a staging folder: who made it
OWNER_LIMIT = 4096  # bytes: an owner file is a short JSON object
ORPHAN_AGE = 60.0  # seconds: an unowned staging folder this old was left by a kill before its owner file was written
NEW, OLD = "tree", "old"  # in a staging folder: the output being written; the old output, moved aside by the fallback swap


def _proc(pid: int) -> tuple[str, int] | None:
    """Process ``pid``'s state letter and start time (clock ticks since boot: /proc/PID/stat fields 3
    and 22), where the system says."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8", errors="replace").rsplit(")", 1)[1].split()
        return fields[0], int(fields[19])
    except (OSError, IndexError, ValueError):
        return None


def _running(owner: dict[str, Any]) -> bool:
    """Whether the process an owner file names may still be running: on another host, always; here, unless
    it is gone, a zombie, or its id now belongs to a process started at another time."""
    pid = owner.get("pid")
    if owner.get("host") != socket.gethostname() or not isinstance(pid, int) or isinstance(pid, bool) or pid <= 0:
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # EPERM: alive, another user's
        return True
    proc = _proc(pid)
    if proc is None:
        return True
    state, started = proc
    return state != "Z" and owner.get("started") in (None, started)


def _stale(stage: Path, *, target: str) -> bool:
    """Whether ``stage`` is a staging folder of ``target`` whose owner is gone: a real folder of this user,
    named like one, holding an owner file that says so and nothing but ``tree/`` and ``old/``."""
    try:
        info, owner_info = os.lstat(stage), os.lstat(stage / OWNER)
        if not (stat.S_ISDIR(info.st_mode) and stat.S_ISREG(owner_info.st_mode) and owner_info.st_size <= OWNER_LIMIT):
            return False
        with os.scandir(stage) as scan:
            names = {e.name for e in scan}
        owner = json.loads((stage / OWNER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    mine = info.st_uid == os.getuid() if hasattr(os, "getuid") else True
    return (
        mine
        and names <= {OWNER, NEW, OLD}
        and isinstance(owner, dict)
        and owner.get("name") == "khabar"
        and owner.get("target") == target
        and not _running(owner)
    )


def _orphan(stage: Path, *, target: str, now: float) -> bool:
    """Whether ``stage`` is a staging folder a kill left before its owner file was written: a real folder of this user,
    named like one, at least :data:`ORPHAN_AGE` seconds old, holding nothing or only an empty owner file. Removing it
    loses nothing (it holds no byte), and a running command is past that moment within microseconds."""
    try:
        info = os.lstat(stage)
        if not stat.S_ISDIR(info.st_mode) or now - info.st_mtime < ORPHAN_AGE:
            return False
        with os.scandir(stage) as scan:
            entries = [(e.name, e.is_file(follow_symlinks=False), e.stat(follow_symlinks=False).st_size) for e in scan]
    except OSError:
        return False
    mine = info.st_uid == os.getuid() if hasattr(os, "getuid") else True
    return mine and stage.name.startswith(f".{target}.") and entries in ([], [(OWNER, True, 0)])


def _remove_orphan(stage: Path) -> None:
    """Remove an orphan staging folder: its empty owner file, then the folder (``rmdir`` removes only an empty one)."""
    try:
        if os.path.lexists(stage / OWNER) and os.lstat(stage / OWNER).st_size == 0:
            os.remove(stage / OWNER)
        os.rmdir(stage)
    except OSError:  # something appeared in it meanwhile: not an orphan after all, left alone
        pass


def stale_stages(out: Path) -> list[Path]:
    """The staging folders beside ``out`` (resolved) that an earlier, killed command left."""
    prefix = f".{out.name}."
    try:
        with os.scandir(out.parent) as scan:
            names = sorted(e.name for e in scan if e.name.startswith(prefix))
    except OSError:
        return []
    now = time.time()
    return [out.parent / name for name in names if _stale(out.parent / name, target=out.name) or _orphan(out.parent / name, target=out.name, now=now)]


def recover(out: Path) -> list[Path]:
    """Put back an old output that a kill between the fallback's two renames left only in a staging
    folder (``out`` missing), then remove every stale staging folder of ``out``; return those removed."""
    stages = stale_stages(out)
    if not os.path.lexists(out):
        for stage in stages:
            if (stage / OLD).is_dir() and not (stage / OLD).is_symlink():
                os.rename(stage / OLD, out)
                break
    for stage in stages:
        if os.path.lexists(stage / NEW) or os.path.lexists(stage / OLD) or (os.path.lexists(stage / OWNER) and os.lstat(stage / OWNER).st_size):
            shutil.rmtree(stage)
        else:
            _remove_orphan(stage)
    return stages


@contextmanager
def _staged(out: Path, *, output: Output, project: Path | None) -> Iterator[tuple[Path, Path]]:
    """Check ``out``, recover and clean beside it, and yield (the resolved target, a fresh staging folder);
    the staging folder is removed at the end, unless it holds the only copy of the old output."""
    check_out(out=out, output=output, project=project)
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    recover(out)
    stage = Path(tempfile.mkdtemp(prefix=f".{out.name}.{output.stage}-", dir=out.parent))
    pause_point("owner")  # tests kill a build here: the staging folder made, its owner file not yet written
    try:
        owner = {
            "name": "khabar",
            "target": out.name,
            "output": output.kind,
            "pid": os.getpid(),
            "started": (_proc(os.getpid()) or ("", None))[1],
            "host": socket.gethostname(),
        }
        (stage / OWNER).write_text(json.dumps(owner, sort_keys=True) + "\n", encoding="utf-8")
        yield out, stage
    finally:
        if not _put_back(stage / OLD, out):
            shutil.rmtree(stage, ignore_errors=True)


def _put_back(old: Path, out: Path) -> bool:
    """After a fallback swap interrupted between its renames (``out`` missing, the old output at ``old``), rename
    it back; True when that fails, so that the staging folder, the only copy, is kept for :func:`recover`."""
    if not os.path.lexists(old) or os.path.lexists(out):
        return False
    try:
        os.rename(old, out)
    except OSError:
        return True
    return False


@contextmanager
def replacing(out: Path, *, output: Output, project: Path | None = None) -> Iterator[Path]:
    """Yield a fresh folder; on success it becomes ``out``. Raises :class:`~khabar.core.findings.KhabarError`
    (``out-refused``) before anything is done where ``out`` may not be replaced, and again before the
    swap if something Khabar did not write appeared there meanwhile (``project``: the project's root)."""
    with _staged(out, output=output, project=project) as (target, stage):
        tree = stage / NEW
        tree.mkdir()
        yield tree
        if output.marker:
            write_marker(tree, kind=output.kind)
        check_out(out=out, output=output, project=project)
        if os.path.lexists(target):
            swap_in(new=tree, out=target, aside=stage / OLD)
        else:
            os.rename(tree, target)


@contextmanager
def replacing_file(out: Path, *, output: Output, project: Path | None = None) -> Iterator[Path]:
    """Yield a fresh file path; on success the file replaces ``out`` (``os.replace``). Refuses, like
    :func:`replacing`, a path holding anything but an empty file or one Khabar wrote of this kind."""
    with _staged(out, output=output, project=project) as (target, stage):
        yield stage / NEW
        os.chmod(stage / NEW, 0o666 & ~_umask())
        check_out(out=out, output=output, project=project)
        os.replace(stage / NEW, target)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
