"""The build is reproducible across processes, and its manifest names the commit its inputs come from.

Two builds in one process share one string-hash seed, so a set iterated in
hash order writes the same bytes twice there; here each build runs in a process
of its own, with a different ``PYTHONHASHSEED``. Nothing here touches the network.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from khabar.dataset.build import source_commit
from khabar.workflow.synthetic import generate_corpus

#: Runs the command line in a fresh interpreter: ``python -c BUILD --root ROOT build ...``.
CLI = "import sys; from khabar.cli import main; sys.exit(main(sys.argv[1:]))"


def digests(folder: Path) -> dict[str, str]:
    """sha256 of every file under ``folder``, by relative path."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


def build_in_a_process(root: Path, out: Path, *, hash_seed: int, baselines: bool) -> dict[str, str]:
    env = {**os.environ, "PYTHONHASHSEED": str(hash_seed), "KHABAR_WORKERS": "1"}
    args = ["--root", str(root), "build", "--out", str(out), "--no-load", "--quiet", *([] if baselines else ["--no-baselines"])]
    done = subprocess.run([sys.executable, "-c", CLI, *args], env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return digests(out)


@pytest.mark.parametrize("which", ["repository", "synthetic"])
def test_build_bytes_are_the_same_in_processes_with_different_hash_seeds(which: str, tmp_path: Path) -> None:
    root = ROOT
    if which == "synthetic":
        root = tmp_path / "project"
        generate_corpus(root=root, n=6, seed=7)
    first = build_in_a_process(root, tmp_path / "one", hash_seed=1, baselines=which == "repository")
    second = build_in_a_process(root, tmp_path / "two", hash_seed=2, baselines=which == "repository")
    assert {"croissant.json", "README.md", "manifest.json"} <= set(first)
    assert any(name.startswith("data/ner/") for name in first)
    assert first == second


def _git(root: Path, *args: str) -> str:
    command = ["git", "-C", str(root), "-c", "user.name=Khabar tests", "-c", "user.email=tests@example.invalid", *args]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout.strip()


@pytest.mark.parametrize(
    ("change", "dirty"),
    [
        (None, False),
        ("annotations/talks.yaml", True),  # an annotation edited and not committed
        ("corpus/talks.txt", True),  # a text edited
        ("corpus/new.txt", True),  # a new, untracked corpus file
        ("CHANGELOG.md", False),  # a file outside corpus/ and annotations/: the inputs are still the commit's
    ],
    ids=["clean", "annotation-edited", "text-edited", "corpus-untracked", "outside-the-inputs"],
)
def test_build_source_commit_marks_uncommitted_inputs_dirty(tiny_project: Path, change: str | None, dirty: bool) -> None:
    _git(tiny_project, "init", "-q")
    _git(tiny_project, "add", ".")
    _git(tiny_project, "commit", "-q", "-m", "inputs")
    head = _git(tiny_project, "rev-parse", "HEAD")
    if change is not None:
        path = tiny_project / change
        path.write_text((path.read_text(encoding="utf-8") if path.exists() else "") + "changed\n", encoding="utf-8")
    assert source_commit(tiny_project) == (f"{head}-dirty" if dirty else head)


def test_build_source_commit_of_a_folder_outside_git_is_none(tiny_project: Path) -> None:
    assert source_commit(tiny_project) is None
