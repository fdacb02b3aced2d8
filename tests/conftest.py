"""Shared fixtures. The one conftest of the suite: add fixtures here.

At import time, before any test module imports ``datasets``, the Hugging Face
caches are pointed at a fresh temporary folder and the Hub is switched off, so
no test reads or writes the user's cache or the network.
"""

from __future__ import annotations

import atexit
import os
import shutil
import signal
import tempfile

_HF_HOME = tempfile.mkdtemp(prefix="khabar-tests-hf-")
os.environ["HF_HOME"] = _HF_HOME
os.environ["HF_DATASETS_CACHE"] = os.path.join(_HF_HOME, "datasets")
os.environ["HF_HUB_OFFLINE"] = "1"
atexit.register(shutil.rmtree, _HF_HOME, ignore_errors=True)

from collections.abc import Callable, Iterator  # noqa: E402
from contextlib import contextmanager  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import TYPE_CHECKING, Any  # noqa: E402

import pytest  # noqa: E402

if TYPE_CHECKING:
    from khabar.schema.model import Document

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
#: What a project needs beyond corpus/ and annotations/ to be built.
RELEASE_FILES = ("pyproject.toml", "CHANGELOG.md", "dataset_card.md")


def tree_bytes(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (its path relative to the folder) and its bytes: two exports compared whole."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


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


#: Hostile input files (issue 18), each made by :func:`hostile_project` from a copy of the valid project.
HOSTILE = (
    "alias-bomb",
    "fifo-corpus",
    "fifo-annotation",
    "fifo-exceptions",
    "long-offset",
    "long-evidence",
    "deep-brackets",
    "deep-brackets-commented",
    "big-scalar",
    "big-text",
    "symlink-out",
    "symlink-folder-out",
    "nul",
    "nul-text",
    "io-error",
    "empty-corpus",
    "fifo-pyproject.toml",
    "fifo-CHANGELOG.md",
    "fifo-dataset_card.md",
)
#: The cases of :data:`HOSTILE` in the release files, which no document's reading meets.
HOSTILE_RELEASE = tuple(case for case in HOSTILE if case.endswith((".toml", ".md")))


def hostile_project(case: str, dest: Path) -> tuple[Path, list[str]]:
    """The project ``dest`` with the hostile input ``case`` (:data:`HOSTILE`), and the findings it must give as
    ``path:line: error[check-id]``, each line computed from the file made. Cases that cannot live in git (a FIFO,
    a link out of the project, a file of megabytes) are made here."""
    import re

    from khabar.io import load_project, render_annotations

    root = two_split_project(dest) if case == "io-error" else copy_project(FIXTURES / "valid", dest)
    text, ann = root / "corpus" / "talks.txt", root / "annotations" / "talks.yaml"
    if case in ("long-offset", "long-evidence", "deep-brackets", "deep-brackets-commented"):  # the canonical layout: the fast reader's
        ann.write_text(render_annotations(load_project(root=root).documents[0]), encoding="utf-8")
    edits = {
        "long-offset": (r"(?<=\{id: m1, )(.*?end: )(\d+)", lambda m: m[1] + "1" * 5000),
        "long-evidence": (r"(?<=evidence: \[)\d+", lambda m: "7" * 5000),
        "deep-brackets": (r"(?<=members: )\[e1, e2\]", lambda m: "[" * 10_000 + "]" * 10_000),
        "deep-brackets-commented": (r"(?<=members: )\[e1, e2\]", lambda m: "[" * 10_000 + "]" * 10_000),
        "nul": (r"(?<=name: Teh)ran", lambda m: "\x00ran"),
    }
    if case in edits:
        pattern, new = edits[case]
        before = ann.read_text(encoding="utf-8")
        at = re.search(pattern, before, flags=re.MULTILINE)
        assert at is not None, case
        commented = case.endswith("-commented")
        ann.write_text(("# a comment\n" if commented else "") + before[: at.start()] + new(at) + before[at.end() :], encoding="utf-8")
        check = {"long-offset": "yaml-int-too-long", "long-evidence": "yaml-int-too-long", "nul": "text-control"}.get(case, "yaml-too-deep")
        return root, [f"annotations/talks.yaml:{before.count(chr(10), 0, at.start()) + 1 + commented}: error[{check}]"]
    if case == "alias-bomb":  # nine anchors of nine aliases each: 9**9 values if expanded
        before = ann.read_text(encoding="utf-8")
        bomb = ["lol0: &a0 [" + ", ".join(["lol"] * 9) + "]"] + [f"lol{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 9)]
        ann.write_text(before + "\n".join(bomb) + "\n", encoding="utf-8")
        return root, [f"annotations/talks.yaml:{before.count(chr(10)) + 1 + i}: error[yaml-alias]" for i in range(9)]
    if case.startswith("fifo-"):
        path = {"fifo-corpus": text, "fifo-annotation": ann, "fifo-exceptions": root / "annotations" / "exceptions.yaml"}.get(case, root / case[5:])
        path.unlink(missing_ok=True)
        os.mkfifo(path)
        return root, [f"{path.relative_to(root).as_posix()}:1: error[file-special]"]
    if case == "nul-text":  # a NUL byte in the text itself, on its second line
        before = text.read_text(encoding="utf-8")
        text.write_text(before + "Khan\x00 said so.\n", encoding="utf-8")
        return root, [f"corpus/talks.txt:{before.count(chr(10)) + 1}: error[text-control]"]
    if case == "big-scalar":  # a 50 MB scalar: over the annotation file's cap
        ann.write_text(ann.read_text(encoding="utf-8").replace("name: Tehran", "name: T" + "e" * 50_000_000, 1), encoding="utf-8")
        return root, ["annotations/talks.yaml:1: error[file-too-large]"]
    if case == "big-text":  # a text over spaCy's 1,000,000 characters
        text.write_text(text.read_text(encoding="utf-8") + "Khan said so. " * 72_000, encoding="utf-8")
        return root, ["corpus/talks.txt:1: error[file-too-large]"]
    if case == "symlink-out":
        outside = dest.parent / "outside.txt"
        shutil.copyfile(text, outside)
        text.unlink()
        text.symlink_to(outside.resolve())
        return root, ["corpus/talks.txt:1: error[file-symlink]"]
    if case == "symlink-folder-out":  # corpus/ itself leads out of the project
        (root / "corpus").rename(dest.parent / "outside")
        (root / "corpus").symlink_to((dest.parent / "outside").resolve(), target_is_directory=True)
        return root, ["corpus/talks.txt:1: error[file-symlink]"]
    if case == "io-error":  # a link that leads to itself (the system refuses it, even to root), and a FIFO in another document
        text.unlink()
        text.symlink_to("talks.txt")
        (root / "annotations" / "talks-dev.yaml").unlink()
        os.mkfifo(root / "annotations" / "talks-dev.yaml")
        return root, ["corpus/talks.txt:1: error[io-error]", "annotations/talks-dev.yaml:1: error[file-special]"]
    assert case == "empty-corpus", case
    text.unlink()
    ann.unlink()
    return root, ["corpus/: error[corpus-empty]"]


def agrees(text: str) -> bool:
    """Compare both readers of an annotation file on ``text``; True when the canonical reader took it.

    When it does, the general path must read the same layers and report nothing."""
    from khabar.io.annotation_format import read_canonical
    from khabar.io.annotation_read import read_annotation_text

    fast = read_canonical(text)
    if fast is None:
        return False
    general, found = read_annotation_text(text, shown="x.yaml", stem="x")
    assert found == [], text
    assert fast == general
    return True


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
    from khabar.dataset.build import build

    out = tmp_path_factory.mktemp("built") / "khabar"
    build(root=ROOT, out=out)
    return out


@pytest.fixture(scope="session")
def tiny_built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small valid project (tests/fixtures/valid) built once per session; every config has rows."""
    from khabar.dataset.build import build

    root = copy_project(FIXTURES / "valid", tmp_path_factory.mktemp("tiny") / "project")
    out = root.parent / "khabar"
    build(root=root, out=out)
    return out


#: The gold document sets of the repository (:func:`gold_sets`): the adjudicated annotations, the two annotation passes
#: over the same corpus, and the small valid project.
GOLD_SETS = ("adjudicated", "first pass", "second pass", "fixture")


@pytest.fixture(scope="session")
def gold_sets() -> dict[str, list[Document]]:
    """Each of :data:`GOLD_SETS` as its validated documents, sorted by id (read once a session)."""
    from khabar.evaluate import load_gold
    from khabar.evaluate.agreement import load_annotation_set

    passes = ROOT / "annotations" / "passes"
    return {
        "adjudicated": load_gold(path=ROOT),
        "first pass": load_annotation_set(root=ROOT, folder=passes / "first"),
        "second pass": load_annotation_set(root=ROOT, folder=passes / "second"),
        "fixture": load_gold(path=FIXTURES / "valid"),
    }


@pytest.fixture
def split_project(tmp_path: Path) -> Path:
    """A writable small valid project with one document in each split (:func:`two_split_project`), buildable."""
    return two_split_project(tmp_path / "project")


@pytest.fixture(scope="session")
def split_built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """:func:`two_split_project` built once per session: every config has rows in the dev and the test split."""
    from khabar.dataset.build import build

    root = two_split_project(tmp_path_factory.mktemp("splits") / "project")
    out = root.parent / "khabar"
    build(root=root, out=out)
    return out


@pytest.fixture(scope="session")
def synthetic_built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated corpus (:func:`khabar.workflow.synthetic.generate_corpus`: 6 documents, 2 dev and 4 test) built once per
    session without the baselines; its project is ``out.parent / "project"``."""
    from khabar.dataset.build import build
    from khabar.workflow.synthetic import generate_corpus

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
    """Makes every step by which :mod:`khabar.io.atomic` could change an existing path fail the test: for the tests
    that point a command at ``/`` or the home folder, so that a broken refusal cannot delete anything."""
    import types

    import khabar.io.atomic

    def forbidden(*args: object, **kwargs: object) -> None:
        pytest.fail(f"khabar.io.atomic went on to change the filesystem: {args}")

    monkeypatch.setattr(khabar.io.atomic, "recover", forbidden)
    monkeypatch.setattr(khabar.io.atomic, "swap_in", forbidden)
    monkeypatch.setattr(khabar.io.atomic, "tempfile", types.SimpleNamespace(mkdtemp=forbidden))
    monkeypatch.setattr(khabar.io.atomic, "shutil", types.SimpleNamespace(rmtree=forbidden))
    monkeypatch.setattr(khabar.io.atomic, "os", types.SimpleNamespace(**{**vars(os), "rename": forbidden, "replace": forbidden}))


@pytest.fixture
def stale_stage() -> Callable[..., Path]:
    """Makes, beside an output path, the staging folder a killed Khabar command leaves (:mod:`khabar.io.atomic`): an
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


@contextmanager
def deadline(seconds: int) -> Iterator[None]:
    """Fail the test with TimeoutError instead of hanging it (a FIFO opened, a run that never ends);
    a no-op where SIGALRM does not exist."""
    if not hasattr(signal, "SIGALRM"):
        yield
        return

    def expire(*_: object) -> None:
        raise TimeoutError(f"took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


#: The document sets every export is tested on (:func:`export_documents`).
EXPORT_SETS = ("repository", "fixture", "synthetic")


@pytest.fixture(scope="session", params=EXPORT_SETS)
def export_documents(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> list[Document]:
    """Each of :data:`EXPORT_SETS` as its documents, sorted by id: every document of the repository, the small valid
    project, and a generated corpus (:func:`khabar.workflow.synthetic.generate_corpus`, 3 documents)."""
    from khabar.io import load_project
    from khabar.workflow.synthetic import generate_corpus

    root = {"repository": ROOT, "fixture": FIXTURES / "valid"}.get(request.param)
    if root is None:
        root = tmp_path_factory.mktemp("synthetic-export") / "project"
        generate_corpus(root=root, n=3, seed=22)
    return sorted(load_project(root=root).documents, key=lambda d: d.id)


@pytest.fixture
def talks(tmp_path: Path) -> tuple[Document, Path]:
    """The small valid document exported to XMI in a writable folder: the document and its ``.xmi`` file."""
    from khabar.export.xmi import docs_to_xmi
    from khabar.io import load_project

    [doc] = load_project(root=FIXTURES / "valid").documents
    docs_to_xmi(documents=[doc], out=tmp_path)
    return doc, tmp_path / f"{doc.id}.xmi"


def text_document(*, doc_id: str, text: str, entities: tuple[Any, ...] = (), mentions: tuple[Any, ...] = ()) -> Document:
    """A document of ``text`` (tokenized by Khabar's tokenizer, no metadata) with the given entities and mentions."""
    from khabar.io.corpus_files import DOCUMENT_META
    from khabar.io.tokenize import tokenize
    from khabar.schema.model import Document

    tokens, sentences = tokenize(text)
    meta = dict.fromkeys(key for key in DOCUMENT_META if key not in ("id", "language"))
    return Document(
        id=doc_id,
        language="en",
        text=text,
        sentences=sentences,
        tokens=tokens,
        **meta,
        entities=entities,
        mentions=mentions,
        values=(),
        relations=(),
        attributions=(),
    )


def ner_counts(docs: dict[str, tuple[int, int, int]]) -> Any:
    """Hand-made NER counts (true positives, gold, predicted) per document, as :class:`~khabar.scoring.resample.DocumentCounts`."""
    from khabar.scoring import PRF
    from khabar.scoring.ner import NERScores
    from khabar.scoring.resample import DocumentCounts

    prfs = {d: PRF.from_counts(true_positives=tp, gold=g, predicted=p) for d, (tp, g, p) in docs.items()}
    total = PRF()
    for prf in prfs.values():
        total = total + prf
    rows = {d: (float(p.recall_num), float(p.recall_den), float(p.precision_num), float(p.precision_den)) for d, p in prfs.items()}
    return DocumentCounts(("ner",), {"ner": NERScores(micro=total)}, rows)


def yaml_problems(text: str) -> list[tuple[str, int]]:
    """(check, line) of every problem :func:`khabar.io.yamlnodes.load_yaml` finds in ``text``; [] when it reads."""
    from khabar.io.yamlnodes import YamlSyntaxError, load_yaml

    try:
        load_yaml(text)
    except YamlSyntaxError as exc:
        return [(p.check, p.line) for p in exc.problems]
    return []
