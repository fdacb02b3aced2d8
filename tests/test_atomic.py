"""The atomic replace: a killed build never leaves the target without a complete build, and its staging
folder is cleaned up by the next build, and nothing else is.

The kill tests run a real ``khabar build`` in a subprocess that the test hooks
of :mod:`khabar.io.swap` stop at a dangerous moment (``KHABAR_TEST_PAUSE_AT``), kill
it there with SIGKILL, and look at what is left.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from khabar.dataset.build import build
from khabar.io.atomic import OWNER, recover, stale_stages
from khabar.io.proofs import prove_build

KILL_WAIT = 90  # seconds a build may take to reach its pause point


def _complete(out: Path) -> bool:
    """Whether ``out`` holds a whole build: its manifest lists every file, each with its sha256."""
    return (out / "manifest.json").is_file() and prove_build(out) == []


def _kill_at(moment: str, *, root: Path, out: Path, tmp_path: Path, fallback: bool = False) -> None:
    """Run ``khabar build`` into ``out``, stop it at ``moment`` and kill it there (SIGKILL), reaped."""
    pause = tmp_path / f"paused-{moment}"
    env = {**os.environ, "KHABAR_TEST_PAUSE_AT": moment, "KHABAR_TEST_PAUSE_FILE": str(pause)}
    if fallback:
        env["KHABAR_TEST_NO_EXCHANGE"] = "1"
    argv = [sys.executable, "-m", "khabar.cli", "--root", str(root), "build", "--no-load", "--no-baselines", "--quiet", "--out", str(out)]
    process = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + KILL_WAIT
        while not pause.exists():
            if process.poll() is not None:
                pytest.fail(f"the build ended before {moment} (exit {process.returncode}): {process.communicate()[1].decode()[-2000:]}")
            if time.monotonic() > deadline:
                pytest.fail(f"the build did not reach {moment} in {KILL_WAIT} s")
            time.sleep(0.05)
        assert int(pause.read_text(encoding="utf-8")) == process.pid
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.kill()
        process.communicate(timeout=20)  # reaped: a zombie would still look alive


def _stages(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}."))


def test_atomic_kill_during_staging_keeps_the_old_build(tiny_project: Path, previous_build: Path, tmp_path: Path) -> None:
    before = (previous_build / "manifest.json").read_bytes()
    _kill_at("staging", root=tiny_project, out=previous_build, tmp_path=tmp_path)
    assert _complete(previous_build) and (previous_build / "manifest.json").read_bytes() == before
    [stage] = _stages(previous_build)  # the killed build's half-written stage, with its owner file
    assert (previous_build.parent / stage / OWNER).is_file()
    build(root=tiny_project, out=previous_build, baselines=False)  # the next build removes it
    assert _stages(previous_build) == [] and _complete(previous_build)


def test_atomic_kill_before_the_owner_file_leaves_an_orphan_the_next_build_removes(tiny_project: Path, previous_build: Path, tmp_path: Path) -> None:
    before = (previous_build / "manifest.json").read_bytes()
    _kill_at("owner", root=tiny_project, out=previous_build, tmp_path=tmp_path)
    assert (previous_build / "manifest.json").read_bytes() == before
    [stage] = [previous_build.parent / name for name in _stages(previous_build)]
    assert list(stage.iterdir()) == []  # no owner file: nothing says who made it but its name and emptiness
    build(root=tiny_project, out=previous_build, baselines=False)
    assert _stages(previous_build) == [stage.name]  # a minute old at least before it is taken for an orphan
    then = time.time() - 3600
    os.utime(stage, (then, then))
    build(root=tiny_project, out=previous_build, baselines=False)
    assert _stages(previous_build) == [] and _complete(previous_build)


@pytest.mark.parametrize("fallback", [False, True], ids=["exchange", "fallback"])
def test_atomic_kill_between_the_steps_of_the_swap(tiny_project: Path, previous_build: Path, tmp_path: Path, fallback: bool) -> None:
    if not fallback and not sys.platform.startswith("linux"):
        pytest.skip("the atomic exchange is Linux's renameat2")
    _kill_at("swap", root=tiny_project, out=previous_build, tmp_path=tmp_path, fallback=fallback)
    [stage] = [previous_build.parent / name for name in _stages(previous_build)]
    if fallback:  # the target is missing for that instant, but the old build is whole inside the stage
        assert not previous_build.exists() and _complete(stage / "old") and _complete(stage / "tree")
    else:  # the exchange is done: the new build in place, the old one in the stage
        assert _complete(previous_build) and _complete(stage / "tree")
    assert stale_stages(previous_build.resolve()) == [stage]
    build(root=tiny_project, out=previous_build, baselines=False)
    assert _stages(previous_build) == [] and _complete(previous_build)


def test_atomic_a_failed_build_after_a_killed_swap_puts_the_old_build_back(tiny_project: Path, previous_build: Path, tmp_path: Path) -> None:
    from khabar.core.findings import KhabarError

    before = (previous_build / "manifest.json").read_bytes()
    _kill_at("swap", root=tiny_project, out=previous_build, tmp_path=tmp_path, fallback=True)
    annotation = tiny_project / "annotations" / "talks.yaml"
    annotation.write_text(annotation.read_text(encoding="utf-8").replace("kind: NAM", "kind: NAME", 1), encoding="utf-8")
    with pytest.raises(KhabarError):
        build(root=tiny_project, out=previous_build, baselines=False)
    assert (previous_build / "manifest.json").read_bytes() == before and _complete(previous_build)
    assert _stages(previous_build) == []


@pytest.mark.parametrize(
    "case",
    [
        "no owner file",
        "a live owner",
        "another host",
        "another target",
        "a file besides",
        "a symbolic link",
        "not named like a stage",
    ],
)
def test_atomic_only_stale_staging_folders_are_removed(tmp_path: Path, case: str, stale_stage: Callable[..., Path]) -> None:
    out = tmp_path / "khabar"
    out.mkdir()
    owner = {"a live owner": {"pid": os.getpid()}, "another host": {"host": "another-host"}, "another target": {"target": "other"}}.get(case, {})
    stage = stale_stage(out, **owner)
    if case == "no owner file":
        (stage / OWNER).unlink()
    elif case == "a file besides":
        (stage / "notes.txt").write_text("mine\n", encoding="utf-8")
    elif case == "a symbolic link":
        stage = stage.rename(tmp_path / "elsewhere")
        (tmp_path / ".khabar.building-x1").symlink_to(stage)
    elif case == "not named like a stage":
        stage = stage.rename(tmp_path / "khabar.building-x1")
    before = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*"))
    assert stale_stages(out.resolve()) == []
    assert recover(out.resolve()) == []
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == before


def test_atomic_a_stale_staging_folder_of_a_dead_owner_is_removed(tmp_path: Path, stale_stage: Callable[..., Path]) -> None:
    out = tmp_path / "khabar"
    out.mkdir()
    stage = stale_stage(out)
    assert recover(out.resolve()) == [stage]
    assert not stage.exists() and out.is_dir()


@pytest.mark.parametrize(
    "owner_file, age, removed",
    [
        (False, 3600, True),
        (True, 3600, True),  # a kill before the owner file was written, or while writing it
        (False, 5, False),
        (True, 5, False),  # too young: a running command may be about to write it
    ],
    ids=["empty-old", "empty-owner-old", "empty-young", "empty-owner-young"],
)
def test_atomic_an_orphan_staging_folder_is_removed_once_old(tmp_path: Path, owner_file: bool, age: int, removed: bool) -> None:
    """A staging folder with nothing in it (or only an empty owner file) holds no byte: removed when a minute old."""
    out = tmp_path / "khabar"
    out.mkdir()
    stage = tmp_path / ".khabar.building-x9"
    stage.mkdir()
    if owner_file:
        (stage / OWNER).touch()
    then = time.time() - age
    os.utime(stage, (then, then))
    assert recover(out.resolve()) == ([stage] if removed else [])
    assert stage.exists() is not removed and out.is_dir()


def test_atomic_an_old_empty_folder_not_named_like_a_stage_is_kept(tmp_path: Path) -> None:
    out = tmp_path / "khabar"
    out.mkdir()
    for name in ("khabar.building-x9", ".other.building-x9"):
        (tmp_path / name).mkdir()
        os.utime(tmp_path / name, (0, 0))
    assert recover(out.resolve()) == [] and (tmp_path / "khabar.building-x9").is_dir() and (tmp_path / ".other.building-x9").is_dir()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="renameat2 is Linux's")
def test_atomic_exchange_swaps_two_folders_in_one_step(tmp_path: Path) -> None:
    from khabar.io.swap import exchange

    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "one").write_text("a", encoding="utf-8")
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "two").write_text("b", encoding="utf-8")
    assert exchange(tmp_path / "a", tmp_path / "b")
    assert [p.name for p in (tmp_path / "a").iterdir()] == ["two"] and [p.name for p in (tmp_path / "b").iterdir()] == ["one"]
