"""Publishing a built dataset folder to the Hugging Face Hub, tagged ``v<version>``.

Before anything is uploaded the folder is checked offline:

* ``publish-integrity``: ``manifest.json`` is readable, every file it lists
  exists with the listed sha256, and no other file would be uploaded;
* ``publish-card``: README.md's YAML parses as a ``huggingface_hub`` dataset card
  with ``pretty_name``, ``license`` and ``configs`` (``license: other`` with a
  ``license_name`` and a ``license_link`` to a file of the folder), exactly one
  config is the default and every config's ``data_files`` globs match files of the folder.

``DatasetCard.validate()`` is never called: it posts the card to the Hub.
The upload itself is ``create_repo`` + ``upload_folder`` + ``create_tag``, so
``load_dataset("ORG/NAME", revision="v0.1.0")`` resolves to the git tag.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from huggingface_hub import DatasetCard, HfApi

from khabar.core.findings import Finding, KhabarError, errors, finding
from khabar.io.guards import read_text_guarded
from khabar.io.manifest import check_integrity, folder_files, read_manifest

README = "README.md"


@dataclass(frozen=True, slots=True)
class PlannedFile:
    path: str  # relative to the built folder, POSIX separators
    size: int  # bytes


@dataclass(frozen=True, slots=True)
class PublishPlan:
    repo_id: str
    version: str
    tag: str
    files: tuple[PlannedFile, ...]
    dry_run: bool
    commit: str | None = None  # the Hub commit of the upload; None in a dry run

    @property
    def total_bytes(self) -> int:
        return sum(f.size for f in self.files)


def _patterns(data_files: Any) -> list[str]:
    """The path globs of a config's ``data_files`` (a string, a list, or split/path mappings)."""
    if isinstance(data_files, str):
        return [data_files]
    if isinstance(data_files, dict):
        return _patterns(data_files.get("path"))
    if isinstance(data_files, list):
        return [p for item in data_files for p in _patterns(item)]
    return []


def check_card(*, built: Path) -> list[Finding]:
    """README.md's YAML, read offline with ``huggingface_hub.DatasetCard`` (never ``.validate()``)."""
    path = built / README
    shown = path.as_posix()

    def problem(message: str) -> Finding:
        return finding("publish-card", message, path=shown, line=1)

    if not os.path.lexists(path):
        return [problem(f"expected the card {README}; found none (rebuild with `khabar build`)")]
    text, unreadable = read_text_guarded(path, shown=shown)
    if text is None:
        return unreadable
    try:
        meta = DatasetCard(text).data.to_dict()
    except ValueError as exc:
        return [problem(f"cannot read the card's YAML metadata ({exc}); rebuild with `khabar build`")]
    found = [
        problem(f"the card's YAML has no `{key}`; add it to dataset_card.md and rebuild") for key in ("pretty_name", "license", "configs") if not meta.get(key)
    ]
    if meta.get("license") == "other":  # the Hub's convention for a licence of its own: named, and linked to a file of the folder
        found += [
            problem(f"the card's `license: other` needs `{key}`; rebuild with `khabar build`") for key in ("license_name", "license_link") if not meta.get(key)
        ]
        link = meta.get("license_link")
        if isinstance(link, str) and "://" not in link and not (built / link).is_file():
            found.append(problem(f"the card's `license_link` names {link!r}, which is not a file of the folder; rebuild with `khabar build`"))
    configs = meta.get("configs") or []
    if not isinstance(configs, list) or not all(isinstance(c, dict) for c in configs):
        return found + [problem("the card's `configs` is not a list of mappings; rebuild with `khabar build`")]
    defaults = [c.get("config_name") for c in configs if c.get("default")]
    if configs and len(defaults) != 1:
        found.append(
            problem(
                f"exactly one config must be `default: true`, found {len(defaults)} ({', '.join(map(str, defaults)) or 'none'}); `load_dataset` without a config name needs one"
            )
        )
    for config in configs:
        name = config.get("config_name")
        patterns = _patterns(config.get("data_files"))
        if not patterns:
            found.append(problem(f"config {name!r} has no `data_files` paths"))
        for pattern in patterns:
            if not pattern or pattern.startswith("/") or ".." in Path(pattern).parts or not any(p.is_file() for p in built.glob(pattern)):
                found.append(problem(f"config {name!r}: data_files pattern {pattern!r} matches no file of the folder"))
    return found


def plan(*, built: Path, repo_id: str, dry_run: bool) -> PublishPlan:
    """Check ``built`` offline and return what would be uploaded; KhabarError with every problem."""
    built = built.resolve()
    manifest, found = read_manifest(built)
    if manifest is not None:
        found += check_integrity(built=built, manifest=manifest)
    found += check_card(built=built)
    if errors(found) or manifest is None:
        raise KhabarError(errors(found))
    version = manifest["version"]
    files = tuple(PlannedFile(path=name, size=(built / name).stat().st_size) for name in folder_files(built))
    return PublishPlan(repo_id=repo_id, version=version, tag=f"v{version}", files=files, dry_run=dry_run)


def publish(*, built: Path, repo_id: str, dry_run: bool, token: str | None = None) -> PublishPlan:
    """Check the built folder; unless ``dry_run``, upload it to the dataset repo ``repo_id`` and tag it.

    ``repo_id`` is ``ORG/NAME``. A dry run touches no network."""
    if repo_id.count("/") != 1 or not all(repo_id.split("/")):
        raise ValueError(f"repo id must be ORG/NAME, got {repo_id!r}")
    result = plan(built=built, repo_id=repo_id, dry_run=dry_run)
    if dry_run:
        return result

    api = HfApi(token=token)
    api.create_repo(repo_id, repo_type="dataset", exist_ok=True)
    commit = api.upload_folder(folder_path=built.resolve(), repo_id=repo_id, repo_type="dataset", commit_message=f"Khabar v{result.version}")
    oid = getattr(commit, "oid", None)
    # Tag the commit just made, not whatever `main` points to by the time the tag is created.
    api.create_tag(repo_id, tag=result.tag, repo_type="dataset", revision=oid)
    return PublishPlan(repo_id=repo_id, version=result.version, tag=result.tag, files=result.files, dry_run=False, commit=oid)
