"""Shared fixtures. The one conftest of the suite: add fixtures here.

At import time, before any test module imports ``datasets``, the Hugging Face
caches are pointed at a fresh temporary folder and the Hub is switched off, so
no test reads or writes the user's cache or the network.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

_HF_HOME = tempfile.mkdtemp(prefix="khabar-tests-hf-")
os.environ["HF_HOME"] = _HF_HOME
os.environ["HF_DATASETS_CACHE"] = os.path.join(_HF_HOME, "datasets")
os.environ["HF_HUB_OFFLINE"] = "1"
atexit.register(shutil.rmtree, _HF_HOME, ignore_errors=True)

from pathlib import Path  # noqa: E402
from typing import Callable  # noqa: E402

import pytest  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
#: What a project needs beyond corpus/ and annotations/ to be built.
RELEASE_FILES = ("pyproject.toml", "CHANGELOG.md", "dataset_card.md")


def copy_project(source: Path, dest: Path) -> Path:
    """Copy a project's corpus/ and annotations/ (and release files, taken from the
    repository where ``source`` has none) into ``dest``; return ``dest``."""
    for folder in ("corpus", "annotations"):
        shutil.copytree(source / folder, dest / folder)
    for name in RELEASE_FILES:
        shutil.copyfile(source / name if (source / name).exists() else ROOT / name, dest / name)
    return dest


def two_split_project(dest: Path) -> Path:
    """A copy of the valid project (tests/fixtures/valid, whose document ``talks`` is in the test split) with a
    second document, ``talks-dev``: the same text and annotations, in the dev split. Every config has rows in both."""
    copy_project(FIXTURES / "valid", dest)
    corpus = (dest / "corpus" / "talks.txt").read_text(encoding="utf-8")
    assert corpus.count("split: test\n") == 1 and corpus.count("id: talks\n") == 1
    (dest / "corpus" / "talks-dev.txt").write_text(corpus.replace("id: talks\n", "id: talks-dev\n").replace("split: test\n", "split: dev\n"), encoding="utf-8")
    annotations = (dest / "annotations" / "talks.yaml").read_text(encoding="utf-8")
    (dest / "annotations" / "talks-dev.yaml").write_text(annotations.replace("document: talks\n", "document: talks-dev\n", 1), encoding="utf-8")
    return dest


@pytest.fixture(scope="session")
def project_root() -> Path:
    """The repository root: the real project."""
    return ROOT


@pytest.fixture
def tiny_project(tmp_path: Path) -> Path:
    """A writable copy of a small valid project (tests/fixtures/valid), buildable."""
    return copy_project(FIXTURES / "valid", tmp_path / "project")


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real repository built once per session into a temporary folder."""
    from khabar.build import build

    out = tmp_path_factory.mktemp("built") / "khabar"
    build(root=ROOT, out=out)
    return out


@pytest.fixture(scope="session")
def tiny_built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small valid project (tests/fixtures/valid) built once per session; every config has rows."""
    from khabar.build import build

    root = copy_project(FIXTURES / "valid", tmp_path_factory.mktemp("tiny") / "project")
    out = root.parent / "khabar"
    build(root=root, out=out)
    return out


@pytest.fixture
def split_project(tmp_path: Path) -> Path:
    """A writable small valid project with one document in each split (:func:`two_split_project`), buildable."""
    return two_split_project(tmp_path / "project")


@pytest.fixture(scope="session")
def split_built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """:func:`two_split_project` built once per session: every config has rows in the dev and the test split."""
    from khabar.build import build

    root = two_split_project(tmp_path_factory.mktemp("splits") / "project")
    out = root.parent / "khabar"
    build(root=root, out=out)
    return out


@pytest.fixture(scope="session")
def synthetic_built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated corpus (:func:`khabar.synthetic.generate_corpus`: 6 documents, 2 dev and 4 test) built once per
    session without the baselines; its project is ``out.parent / "project"``."""
    from khabar.build import build
    from khabar.synthetic import generate_corpus

    root = tmp_path_factory.mktemp("synthetic") / "project"
    generate_corpus(root=root, n=6, seed=19)
    out = root.parent / "khabar"
    build(root=root, out=out, baselines=False)
    return out


@pytest.fixture
def previous_build(tiny_built: Path, tmp_path: Path) -> Path:
    """A copy of :func:`tiny_built` (``tiny_project``'s build) at ``tmp_path / "out" / "khabar"``: an output Khabar
    wrote, for a command to replace."""
    out = tmp_path / "out" / "khabar"
    shutil.copytree(tiny_built, out)
    return out


@pytest.fixture
def nothing_replaced(monkeypatch: pytest.MonkeyPatch) -> None:
    """Makes every step by which :mod:`khabar.atomic` could change an existing path fail the test: for the tests
    that point a command at ``/`` or the home folder, so that a broken refusal cannot delete anything."""
    import types

    import khabar.atomic

    def forbidden(*args: object, **kwargs: object) -> None:
        pytest.fail(f"khabar.atomic went on to change the filesystem: {args}")

    monkeypatch.setattr(khabar.atomic, "recover", forbidden)
    monkeypatch.setattr(khabar.atomic, "swap_in", forbidden)
    monkeypatch.setattr(khabar.atomic, "tempfile", types.SimpleNamespace(mkdtemp=forbidden))
    monkeypatch.setattr(khabar.atomic, "shutil", types.SimpleNamespace(rmtree=forbidden))
    monkeypatch.setattr(khabar.atomic, "os", types.SimpleNamespace(**{**vars(os), "rename": forbidden, "replace": forbidden}))


@pytest.fixture
def stale_stage() -> Callable[..., Path]:
    """Makes, beside an output path, the staging folder a killed Khabar command leaves (:mod:`khabar.atomic`): an
    owner file naming a process that has ended (unless ``pid`` is given) and a half-written ``tree/``."""
    import json
    import socket
    import subprocess
    import sys

    def make(out: Path, *, name: str = "building-x1", **owner: object) -> Path:
        ended = subprocess.Popen([sys.executable, "-c", "pass"])
        ended.wait()
        stage = out.parent / f".{out.name}.{name}"
        (stage / "tree").mkdir(parents=True)
        (stage / "tree" / "half.parquet").write_bytes(b"PAR1")
        data = {"name": "khabar", "target": out.name, "output": "build", "pid": ended.pid, "started": None, "host": socket.gethostname(), **owner}
        (stage / "owner.json").write_text(json.dumps(data), encoding="utf-8")
        return stage

    return make
