"""Reading a corpus in worker processes gives what reading it in one process gives, in order."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from khabar.core import parallel as pool
from khabar.io import load_project
from khabar.workflow.synthetic import generate_corpus


def test_io_parallel_load_equals_serial_load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    generate_corpus(root=tmp_path / "p", n=12, seed=5)
    (tmp_path / "p" / "annotations" / "broken.yaml").write_text("document: broken\nmentions: [\n", encoding="utf-8")
    monkeypatch.setenv("KHABAR_WORKERS", "1")
    serial = load_project(root=tmp_path / "p")
    monkeypatch.setenv("KHABAR_WORKERS", "2")
    monkeypatch.setattr(pool, "PARALLEL_MIN_ITEMS", 2)
    parallel = load_project(root=tmp_path / "p")
    assert [d.id for d in parallel.documents] == sorted(d.id for d in parallel.documents)
    assert parallel.documents == serial.documents
    assert parallel.sources == serial.sources
    assert parallel.findings == serial.findings and {f.check for f in serial.findings} == {"file-missing"}


def test_io_parallel_documents_pickle_to_equal_documents(project_root: Path) -> None:
    for doc in load_project(root=project_root).documents:
        again = pickle.loads(pickle.dumps(doc))
        assert again == doc and again.ner == doc.ner
