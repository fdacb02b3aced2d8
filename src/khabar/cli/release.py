"""CLI commands that release: ``publish``. Thin wrappers; only the CLI prints."""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Callable

from khabar.core.findings import visible

Add = Callable[[str, Callable[[argparse.Namespace], int], str], argparse.ArgumentParser]


_REPO_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,95}/[A-Za-z0-9][A-Za-z0-9._-]{0,95}")  # the Hub's characters for ids


def _repo_id(text: str) -> str:
    if not _REPO_ID.fullmatch(text):
        raise argparse.ArgumentTypeError(f"expected ORG/NAME of letters, digits, '.', '_' or '-'; got {visible(text)!r}")
    return text


def _size(n: int) -> str:
    if n < 1024:
        return f"{n} B"
    return f"{n / 1024:.1f} KiB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.1f} MiB"


def cmd_publish(args: argparse.Namespace) -> int:
    from khabar.workflow.publish import publish

    built = args.dir or args.root / "dist" / "khabar"
    # token=None: huggingface_hub finds the user's own login (HF_TOKEN or `hf auth login`).
    plan = publish(built=built, repo_id=args.repo_id, dry_run=args.dry_run)
    verb = "would upload" if plan.dry_run else "uploaded"
    print(f"{verb} {len(plan.files)} file(s), {_size(plan.total_bytes)}, from {visible(built)} to dataset {plan.repo_id}:")
    for f in plan.files:
        print(f"  {visible(f.path):<56} {_size(f.size):>10}")
    if plan.dry_run:
        print(f"would tag: {plan.tag}")
        print("dry run: card and integrity checks passed; nothing was uploaded")
    else:
        print(f"tagged {plan.tag} at commit {plan.commit}")
        print(f'load with: load_dataset("{plan.repo_id}", revision="{plan.tag}")')
    return 0


def register(add: Add) -> None:
    p = add("publish", cmd_publish, "check a built dataset folder and upload it to the Hugging Face Hub, tagged v<version>")
    p.add_argument("--repo-id", type=_repo_id, required=True, help="the dataset repo, ORG/NAME")
    p.add_argument("--dir", type=Path, help="the built folder (default: dist/khabar)")
    p.add_argument("--dry-run", action="store_true", help="check and list what would be uploaded and the tag; touch no network")
