"""What every command prints besides its own results: the findings (one line each, then a summary) and, on a
terminal, a progress bar."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Sequence
from typing import TypeVar

from tqdm import tqdm

from khabar.core.findings import Finding
from khabar.io.progress import Progress, no_progress

T = TypeVar("T")


def report(findings: Sequence[Finding], *, quiet: bool = False) -> int:
    """Print findings and a one-line summary; the exit code is 1 when any is an error."""
    errors = sum(f.level == "error" for f in findings)
    warnings = len(findings) - errors
    for f in findings:
        print(f.render(), file=sys.stderr)
    if errors or warnings or not quiet:
        verdict = "FAILED" if errors else "ok"
        print(f"khabar: {verdict}: {errors} error(s), {warnings} warning(s)", file=sys.stderr if errors else sys.stdout)
    return 1 if errors else 0


def progress_bar(args: argparse.Namespace) -> Progress:
    """A tqdm bar (on stderr) on a terminal; nothing when output is redirected or with --quiet."""
    if getattr(args, "quiet", False) or not (sys.stdout.isatty() and sys.stderr.isatty()):
        return no_progress

    def bar(items: Iterable[T], *, total: int | None = None, desc: str = "", unit: str = "doc") -> Iterable[T]:
        return tqdm(items, total=total, desc=desc, unit=unit, leave=False, file=sys.stderr, dynamic_ncols=True)

    return bar
