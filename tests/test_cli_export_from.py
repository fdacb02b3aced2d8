"""``khabar export --from DIR``: the export of a built dataset folder, through ``khabar.cli.main``."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import ROOT, tree_bytes

from khabar.cli import main
from khabar.export import EXPORTERS

FINDING = re.compile(r"^\S+:\d+: error\[([a-z0-9-]+)\] ")


@pytest.mark.parametrize("fmt", list(EXPORTERS))
def test_cli_export_from_a_build_outside_a_project_equals_the_project_export(
    built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The repository's build, copied alone into a folder that is no project and made the current folder, exports
    byte for byte what the repository's project exports (every file, the export's own list of them included)."""
    assert main(["--root", str(ROOT), "export", "--format", fmt, "--out", str(tmp_path / "from-project"), "--no-gx"]) == 0
    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(built, elsewhere / "download")
    monkeypatch.chdir(elsewhere)
    capsys.readouterr()
    assert main(["export", "--format", fmt, "--from", "download", "--out", "out"]) == 0
    documents = len(list((ROOT / "corpus").glob("*.txt")))
    assert capsys.readouterr().out.startswith(f"exported {documents} document(s) as {fmt} into out")
    assert sorted(p.name for p in elsewhere.iterdir()) == ["download", "out"]  # nothing else written, no stage left
    assert tree_bytes(elsewhere / "download") == tree_bytes(built)  # the build is read, never changed
    exported = tree_bytes(elsewhere / "out")
    assert exported and exported == tree_bytes(tmp_path / "from-project")


@pytest.mark.parametrize("damage", ["no manifest", "shard changed", "shard added"])
def test_cli_export_from_refuses_a_build_its_manifest_does_not_vouch_for(built: Path, tmp_path: Path, damage: str, capsys: pytest.CaptureFixture[str]) -> None:
    copy = shutil.copytree(built, tmp_path / "download")
    shards = sorted((copy / "data" / "documents").iterdir())
    if damage == "no manifest":
        (copy / "manifest.json").unlink()
    elif damage == "shard changed":
        shards[0].write_bytes(shards[0].read_bytes()[:-1])
    else:
        shutil.copyfile(shards[0], shards[0].with_name("test-00009-of-00010-extra.parquet"))
    out = tmp_path / "out"
    assert main(["export", "--format", "brat", "--from", str(copy), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert {m[1] for m in map(FINDING.match, err.splitlines()) if m} == {"gold-integrity"}
    assert "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["download"]  # no output, no stage left behind


@pytest.mark.parametrize("where", ["the build", "its parent"])
def test_cli_export_from_never_replaces_the_build(built: Path, tmp_path: Path, where: str, capsys: pytest.CaptureFixture[str]) -> None:
    copy = shutil.copytree(built, tmp_path / "holder" / "download")
    before = tree_bytes(tmp_path)
    out = copy if where == "the build" else copy.parent
    assert main(["export", "--format", "conll2012", "--from", str(copy), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "error[out-refused]" in err
    named = "found the built folder read from;" if where == "the build" else f"a folder that contains the built folder read from ({copy.resolve()})"
    assert named in err and "project" not in err
    assert tree_bytes(tmp_path) == before
