"""khabar publish: offline card and integrity checks, the plan, and the Hub calls (faked; never the network)."""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import socket
from pathlib import Path
from typing import Any

import huggingface_hub
import pytest

import khabar.workflow.publish
from khabar.cli import main
from khabar.core.findings import KhabarError
from khabar.workflow.publish import publish


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """HfApi cannot be constructed and no socket can connect."""

    class NoHub:
        def __init__(self, *args: object, **kwargs: object) -> None:
            raise AssertionError("HfApi constructed during a dry run")

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(huggingface_hub, "HfApi", NoHub)
    monkeypatch.setattr(khabar.workflow.publish, "HfApi", NoHub)  # the name publish imported
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.fixture
def folder(tiny_built: Path, tmp_path: Path) -> Path:
    """A writable copy of a fresh build."""
    return Path(shutil.copytree(tiny_built, tmp_path / "khabar"))


def manifest(built: Path) -> dict[str, Any]:
    return json.loads((built / "manifest.json").read_text(encoding="utf-8"))


def restamp(built: Path, name: str) -> None:
    """Record ``name``'s current sha256 in the manifest (a folder edited by hand, consistently)."""
    data = manifest(built)
    data["files"][name] = hashlib.sha256((built / name).read_bytes()).hexdigest()
    (built / "manifest.json").write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def findings_of(built: Path) -> list[tuple[str, str]]:
    with pytest.raises(KhabarError) as caught:
        publish(built=built, repo_id="org/khabar", dry_run=True)
    return [(f.check, f.message) for f in caught.value.findings]


def test_publish_dry_run_lists_every_file_and_the_tag(folder: Path, no_network: None) -> None:
    plan = publish(built=folder, repo_id="org/khabar", dry_run=True)
    listed = manifest(folder)["files"]
    paths = [f.path for f in plan.files]
    assert plan.tag == f"v{manifest(folder)['version']}" and plan.dry_run and plan.commit is None
    assert sorted(paths) == sorted([*listed, "manifest.json"])
    assert {p for p in paths if p.endswith(".parquet")} == {p for p in listed if p.startswith("data/")}
    assert "croissant.json" in paths
    assert plan.total_bytes == sum((folder / p).stat().st_size for p in paths)


def test_publish_corrupted_file_gives_integrity_finding(folder: Path, no_network: None) -> None:
    shard = sorted((folder / "data" / "ner").glob("*.parquet"))[0]
    shard.write_bytes(shard.read_bytes()[:-1] + b"\x00")
    found = findings_of(folder)
    assert [check for check, _ in found] == ["publish-integrity"]
    assert "sha256" in found[0][1] and shard.name in found[0][1]


def test_publish_missing_and_unlisted_files_give_integrity_findings(folder: Path, no_network: None) -> None:
    (folder / "croissant.json").unlink()
    (folder / "notes.txt").write_text("scratch\n", encoding="utf-8")
    messages = [m for check, m in findings_of(folder) if check == "publish-integrity"]
    assert any("croissant.json" in m and "missing" in m for m in messages)
    assert any("notes.txt" in m and "not listed" in m for m in messages)


def test_publish_without_manifest_gives_integrity_finding(folder: Path, no_network: None) -> None:
    (folder / "manifest.json").unlink()
    assert "publish-integrity" in {check for check, _ in findings_of(folder)}


def test_publish_card_without_default_config_gives_card_finding(folder: Path, no_network: None) -> None:
    readme = folder / "README.md"
    text = readme.read_text(encoding="utf-8")
    assert "  default: true\n" in text
    readme.write_text(text.replace("  default: true\n", ""), encoding="utf-8")
    restamp(folder, "README.md")
    found = findings_of(folder)
    assert [check for check, _ in found] == ["publish-card"]
    assert "exactly one config must be `default: true`, found 0" in found[0][1]


def test_publish_card_glob_matching_nothing_gives_card_finding(folder: Path, no_network: None) -> None:
    readme = folder / "README.md"
    listed = next(line.split("- ", 1)[1] for line in readme.read_text(encoding="utf-8").splitlines() if "- data/ner/test-" in line)
    missing = listed.replace("test-", "train-")
    readme.write_text(readme.read_text(encoding="utf-8").replace(listed, missing), encoding="utf-8")
    restamp(folder, "README.md")
    found = findings_of(folder)
    assert found == [("publish-card", f"config 'ner': data_files pattern '{missing}' matches no file of the folder")]


def test_publish_card_missing_keys_give_card_findings(folder: Path, no_network: None) -> None:
    readme = folder / "README.md"
    readme.write_text(readme.read_text(encoding="utf-8").replace("pretty_name: Khabar\n", "").replace("license: other\n", ""), encoding="utf-8")
    restamp(folder, "README.md")
    messages = [m for check, m in findings_of(folder) if check == "publish-card"]
    assert any("`pretty_name`" in m for m in messages) and any("`license`" in m for m in messages)


@pytest.mark.parametrize("key", ["license_name", "license_link"])
def test_publish_card_other_licence_needs_its_name_and_file(folder: Path, no_network: None, key: str) -> None:
    readme = folder / "README.md"
    text = readme.read_text(encoding="utf-8")
    line = next(x for x in text.splitlines() if x.startswith(f"{key}: "))
    readme.write_text(text.replace(line + "\n", ""), encoding="utf-8")
    restamp(folder, "README.md")
    assert findings_of(folder) == [("publish-card", f"the card's `license: other` needs `{key}`; rebuild with `khabar build`")]


def test_publish_card_licence_link_must_be_a_file_of_the_folder(folder: Path, no_network: None) -> None:
    from khabar.schema.licences import LICENCE_FILE

    (folder / LICENCE_FILE).unlink()
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    del manifest["files"][LICENCE_FILE]
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert findings_of(folder) == [
        ("publish-card", f"the card's `license_link` names '{LICENCE_FILE}', which is not a file of the folder; rebuild with `khabar build`")
    ]


def test_publish_uploads_the_folder_and_tags_the_commit(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []

    class FakeHub:
        def __init__(self, *, token: str | None = None) -> None:
            calls.append(("init", (), {"token": token}))

        def create_repo(self, *args: Any, **kwargs: Any) -> None:
            calls.append(("create_repo", args, kwargs))

        def upload_folder(self, **kwargs: Any) -> Any:
            calls.append(("upload_folder", (), kwargs))
            return argparse.Namespace(oid="abc123")

        def create_tag(self, *args: Any, **kwargs: Any) -> None:
            calls.append(("create_tag", args, kwargs))

    monkeypatch.setattr(huggingface_hub, "HfApi", FakeHub)
    monkeypatch.setattr(khabar.workflow.publish, "HfApi", FakeHub)  # the name publish imported
    plan = publish(built=folder, repo_id="org/khabar", dry_run=False, token="t0k")
    version = manifest(folder)["version"]
    assert [c[0] for c in calls] == ["init", "create_repo", "upload_folder", "create_tag"]
    assert calls[0][2] == {"token": "t0k"}
    assert calls[1][1:] == (("org/khabar",), {"repo_type": "dataset", "exist_ok": True})
    assert calls[2][2] == {"folder_path": folder.resolve(), "repo_id": "org/khabar", "repo_type": "dataset", "commit_message": f"Khabar v{version}"}
    assert calls[3][1:] == (("org/khabar",), {"tag": f"v{version}", "repo_type": "dataset", "revision": "abc123"})
    assert (plan.commit, plan.dry_run) == ("abc123", False)


def test_publish_rejects_a_repo_id_without_org(folder: Path, no_network: None) -> None:
    with pytest.raises(ValueError, match="ORG/NAME"):
        publish(built=folder, repo_id="khabar", dry_run=True)


def run_cli(argv: list[str]) -> int:
    """``khabar ARGV`` through the real parser and dispatch."""
    return main(argv)


def test_cli_release_dry_run_prints_files_and_tag(folder: Path, no_network: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(["publish", "--repo-id", "org/khabar", "--dir", str(folder), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert f"would tag: v{manifest(folder)['version']}" in out
    assert all(name in out for name in manifest(folder)["files"])


def test_cli_release_rejects_a_malformed_repo_id(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        run_cli(["publish", "--repo-id", "org/", "--dir", str(folder), "--dry-run"])
    assert exited.value.code == 2 and "ORG/NAME" in capsys.readouterr().err
