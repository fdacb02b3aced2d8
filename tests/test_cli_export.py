"""``khabar export`` and ``khabar import`` through ``khabar.cli.main``."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest
from conftest import tree_bytes

from khabar.cli import main
from khabar.export import EXPORTERS
from khabar.io import load_project, render_annotations
from khabar.io.proofs import MARKER
from khabar.schema.model import Document

FINDING = re.compile(r"^\S+:\d+: error\[([a-z0-9-]+)\] ")


def _documents(root: Path) -> list[Document]:
    return sorted(load_project(root=root).documents, key=lambda d: d.id)


def _export(root: Path, fmt: str, out: Path) -> int:
    return main(["--root", str(root), "export", "--format", fmt, "--out", str(out), "--no-gx"])


def _break_a_span(root: Path) -> None:
    """Make the first mention state a text its offsets do not cover (a span-text error)."""
    path = root / "annotations" / "talks.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("text: Ahmad Massoud\n", "text: Ahmad Masood\n", 1), encoding="utf-8")


@pytest.mark.parametrize("fmt", list(EXPORTERS))
def test_export_cli_writes_what_the_library_writes(tiny_project: Path, tmp_path: Path, fmt: str, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert _export(tiny_project, fmt, out) == 0
    assert f"exported 1 document(s) as {fmt}" in capsys.readouterr().out
    expected = tmp_path / "library"
    EXPORTERS[fmt](documents=_documents(tiny_project), out=expected)
    written = tree_bytes(out)
    marker = json.loads(written.pop(MARKER))  # the list that lets the next export replace this one
    assert written.keys() == tree_bytes(expected).keys()
    assert marker == {"name": "khabar", "output": "export", "files": {name: hashlib.sha256(data).hexdigest() for name, data in written.items()}}
    if fmt != "spacy":  # a DocBin is compressed; test_export_spacy reads it back
        assert written == tree_bytes(expected)


@pytest.mark.parametrize("fmt", list(EXPORTERS))
def test_export_cli_refuses_an_invalid_project_and_writes_nothing(tiny_project: Path, tmp_path: Path, fmt: str, capsys: pytest.CaptureFixture[str]) -> None:
    _break_a_span(tiny_project)
    out = tmp_path / "out"
    assert _export(tiny_project, fmt, out) == 1
    err = capsys.readouterr().err
    assert "span-text" in {m[1] for m in map(FINDING.match, err.splitlines()) if m}
    assert [p.name for p in tmp_path.iterdir()] == [tiny_project.name]  # no output, no stage left behind


def test_export_cli_replaces_the_previous_export(tiny_project: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert _export(tiny_project, "brat", out) == 0
    assert "talks.ann" in tree_bytes(out)
    assert _export(tiny_project, "conll2012", out) == 0  # an export Khabar wrote is replaced whole
    assert sorted(tree_bytes(out)) == sorted([MARKER, "khabar.v4_gold_conll"])
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no stage left behind


def test_export_cli_import_writes_annotation_files(tiny_project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _export(tiny_project, "brat", tmp_path / "brat") == 0
    capsys.readouterr()
    out = tmp_path / "imported"
    assert main(["--root", str(tiny_project), "import", "brat", str(tmp_path / "brat"), "--out", str(out)]) == 0
    docs = _documents(tiny_project)
    assert tree_bytes(out) == {f"{d.id}.yaml": render_annotations(d).encode("utf-8") for d in docs}
    assert capsys.readouterr().out.splitlines() == [f"wrote {out / (d.id + '.yaml')}" for d in docs]


def test_export_cli_import_refuses_to_overwrite_without_force(tiny_project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _export(tiny_project, "brat", tmp_path / "brat") == 0
    target = tiny_project / "annotations" / "talks.yaml"
    before = target.read_bytes()
    assert main(["--root", str(tiny_project), "import", "brat", str(tmp_path / "brat")]) == 1
    assert "--force" in capsys.readouterr().err
    assert target.read_bytes() == before
    assert main(["--root", str(tiny_project), "import", "brat", str(tmp_path / "brat"), "--force"]) == 0
    [doc] = _documents(tiny_project)
    assert target.read_text(encoding="utf-8") == render_annotations(doc)
    assert main(["--root", str(tiny_project), "validate", "--no-gx"]) == 0


@pytest.mark.parametrize("damage", ["malformed line", "text differs from the corpus"])
def test_export_cli_import_reports_findings_and_writes_nothing(tiny_project: Path, tmp_path: Path, damage: str, capsys: pytest.CaptureFixture[str]) -> None:
    brat = tmp_path / "brat"
    assert _export(tiny_project, "brat", brat) == 0
    if damage == "malformed line":
        ann = brat / "talks.ann"
        ann.write_text(ann.read_text(encoding="utf-8").replace("T2\t", "T2 ", 1), encoding="utf-8")
        expected = f"{ann.as_posix()}:2: error[brat-syntax]"
    else:
        txt = brat / "talks.txt"
        text = txt.read_text(encoding="utf-8")
        txt.write_text(text[:-1] + ("!" if text[-1] != "!" else "?"), encoding="utf-8")  # a character no span covers
        expected = f"{txt.as_posix()}:1: error[brat-reference]"
    capsys.readouterr()
    out = tmp_path / "imported"
    assert main(["--root", str(tiny_project), "import", "brat", str(brat), "--out", str(out)]) == 1
    assert expected in capsys.readouterr().err
    assert not out.exists() or list(out.iterdir()) == []
