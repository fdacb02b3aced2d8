"""CLI commands that release: ``publish``. Thin wrappers; only the CLI prints."""

from __future__ import annotations

import argparse

from khabar.core.findings import visible
from khabar.workflow.publish import publish


def _size(n: int) -> str:
    if n < 1024:
        return f"{n} B"
    return f"{n / 1024:.1f} KiB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.1f} MiB"


def cmd_publish(args: argparse.Namespace) -> int:
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
